"""A wiki page-diff export's changes read in their new wording (`rag.corpus.formats.page_diff`)."""

from rag.corpus.chunking import Chunker
from rag.corpus.formats.text import parse_text
from rag.corpus.reader import read_document

LEGEND = ("Versions Compared\n\nKey\n\n  • This line was added.\n  • This line was removed.\n"
          "  • Formatting was changed.\n\n...\n\n")
# A delivery FAQ's diff view: a question whose old and new wording stand side by side, a run then the same run
# inflected ("Quel délai Quels délais"), a word then its inflection ("prévu prévus"), the end of the question cut off
# by an elision in its old wording, its new one after it; an answer whose line carries a change ("jour jours").
CHANGED = LEGEND + (
    "  1. Quel délai Quels délais de livraison sont prévu prévus /garanti ?\n\n...\n\n"
    "  1. garantis ?\n\n"
    "La livraison prend trois jours ouvrés en France métropolitaine, et cinq jours ouvrés pour la Belgique.\n\n"
    "  2. Comment suivre mon colis ?\n\n"
    "Le remboursement est effectué sous 5 jour jours ouvrés après la réception du colis retourné à l'entrepôt.\n")
# The same view over text whose words repeat in one form: no change to read
REPEATED = LEGEND + (
    "  1. Comment nous nous engageons sur les délais ?\n\n"
    "Vous vous connectez à votre compte, et Et vous suivez la livraison de votre colis jusqu'à votre porte.\n")


def _read(text):
    return [(s.heading, [line.text for line in s.lines]) for s in parse_text(text).sections if s.heading or s.lines]


def test_a_question_is_read_in_its_new_wording():
    headings = [heading for heading, _ in _read(CHANGED)]
    assert headings == ["Quels délais de livraison sont prévus /garantis ?", "Comment suivre mon colis ?"]


def test_a_line_is_read_in_its_new_wording_and_cites_its_own_words(tmp_path):
    parsed = parse_text(CHANGED)
    lines = parsed.sections[-1].lines
    assert [(line.text, line.follows) for line in lines] == [
        ("Le remboursement est effectué sous 5", None),
        ("jours ouvrés après la réception du colis retourné à l'entrepôt.", " ")]
    for section in parsed.sections:
        for line in section.lines:
            assert CHANGED[line.start:line.end] == line.text
    question = next(s for s in parsed.sections if s.heading and s.heading.startswith("Quels délais"))
    assert CHANGED[question.heading_start:].startswith("1. Quel délai Quels délais")
    (tmp_path / "faq.txt").write_text(CHANGED, encoding="utf-8")
    chunks = Chunker(lambda texts: [len(t.split()) for t in texts], max_tokens=200).chunk(
        read_document(tmp_path, tmp_path / "faq.txt"))
    refund = chunks[-1]
    assert refund.text == "Le remboursement est effectué sous 5 jours ouvrés après la réception du colis retourné à " \
        "l'entrepôt."
    assert CHANGED[refund.start:refund.end].endswith("sous 5 jour jours ouvrés après la réception du colis retourné à "
                                                     "l'entrepôt.")  # the citation: the file as written


def test_words_repeated_in_one_form_are_no_change():
    assert _read(REPEATED) == [
        ("Comment nous nous engageons sur les délais ?",
         ["Vous vous connectez à votre compte, et Et vous suivez la livraison de votre colis jusqu'à votre porte."])]


def test_only_a_page_diff_export_is_read_so():
    ordinary = CHANGED.removeprefix(LEGEND)
    assert _read(ordinary)[0][0].startswith("Quel délai Quels délais de livraison sont prévu prévus /garanti ?")
    assert "5 jour jours ouvrés" in _read(ordinary)[-1][1][0]
