"""A wiki page-diff export's entries whose question or answer the export elided (`rag.corpus.formats.text`)."""

from rag.corpus.chunking import Chunker
from rag.corpus.formats.text import parse_text
from rag.corpus.reader import read_document

LEGEND = ("Versions Compared\n\nKey\n\n  • This line was added.\n  • This line was removed.\n"
          "  • Formatting was changed.\n\n...\n\n")
# A delivery FAQ's diff view: a question whose answer the export elided, then an answer whose question it elided; a
# question split across elisions, then its answer elided and another answer; a numbered step before an elision.
ELIDED = LEGEND + (
    "  1. Quels sont les délais de livraison ?\n\n...\n\n"
    "Nous livrons en France métropolitaine et en Belgique, par Colissimo ou en point relais.\n\n"
    "  2. Comment suivre mon colis ?\n\nUn lien de suivi est envoyé par e-mail dès l'expédition de votre commande.\n\n"
    "  3. Après la livraison, pourquoi\n\n...\n\n  3. avons-nous appelé votre client ?\n\n...\n\n"
    "Les retours sont gratuits sous trente jours, avec l'étiquette jointe au colis.\n\n"
    "  4. Ouvrez votre espace client\n\n...\n\n"
    "Le remboursement est effectué sous cinq jours ouvrés après la réception du colis retourné.\n")


def _read(text):
    return [(s.heading, [line.text for line in s.lines]) for s in parse_text(text).sections if s.heading or s.lines]


def test_an_answer_whose_question_was_elided_never_takes_the_question_before_it():
    assert _read(ELIDED) == [
        (None, ["Nous livrons en France métropolitaine et en Belgique, par Colissimo ou en point relais."]),
        ("Comment suivre mon colis ?", ["Un lien de suivi est envoyé par e-mail dès l'expédition de votre commande."]),
        (None, ["Les retours sont gratuits sous trente jours, avec l'étiquette jointe au colis.",
                "4. Ouvrez votre espace client"]),  # a step before an elision: a line of its entry, as without one
        (None, ["Le remboursement est effectué sous cinq jours ouvrés après la réception du colis retourné."])]


def test_citations_point_into_the_file():
    for section in parse_text(ELIDED).sections:
        for line in section.lines:
            assert ELIDED[line.start:line.end] == line.text


def test_the_answer_alone_is_its_own_passage(tmp_path):
    (tmp_path / "faq.txt").write_text(ELIDED, encoding="utf-8")
    chunks = Chunker(lambda texts: [len(t.split()) for t in texts], max_tokens=200).chunk(
        read_document(tmp_path, tmp_path / "faq.txt"))
    shipping = chunks[0]
    assert shipping.section is None and "délais" not in shipping.indexed_text
    assert ELIDED[shipping.start:shipping.end] == "Nous livrons en France métropolitaine et en Belgique, par " \
        "Colissimo ou en point relais."  # its citation: the answer, not the question the export left over it
