"""A long section is not cut inside a sequence of steps: between a sentence that opens it or any sentence and one
that goes on with it ("Dans un premier temps ..." / "Ensuite ..."), when another clean cut is in bounds."""

from __future__ import annotations

import pytest

from rag.corpus.chunking import Chunker
from rag.corpus.reader import read_document
from rag.corpus.sequences import goes_on


def _words(texts) -> list[int]:
    return [len(text.split()) for text in texts]


def _chunks(tmp_path, name: str, text: str, max_tokens: int):
    (tmp_path / name).write_text(text, encoding="utf-8")
    return Chunker(_words, max_tokens=max_tokens).chunk(read_document(tmp_path, tmp_path / name))


def _assert_cited(tmp_path, name: str, chunks, max_tokens: int) -> None:
    """Each passage's lines stand in order in its cited span, and every passage fits."""
    source = (tmp_path / name).read_text(encoding="utf-8")
    for chunk in chunks:
        span, cursor = source[chunk.start:chunk.end], 0
        for line in chunk.text.split("\n"):
            cursor = span.index(line, cursor) + len(line)
        assert _words([f"{chunk.context}\n{chunk.text}"])[0] <= max_tokens


FRENCH = [
    "Le service client répond par téléphone du lundi au samedi, de huit heures à vingt heures.",
    "Il peut aussi se charger de la résiliation de votre abonnement si vous le lui demandez.",
    "Dans un premier temps, il retrouve votre dossier pour réunir les informations utiles.",
    "Ensuite, il vous aide à réaliser les démarches nécessaires à la désinscription en ligne.",
    "Vous pouvez aussi résilier seul en contactant le site à l'origine des prélèvements automatiques.",
]
ENGLISH = [
    "Our support team answers the phone from Monday to Saturday, from eight in the morning to eight.",
    "It can also cancel your subscription for you if you ask it to do so by phone or by mail.",
    "First, it finds your account to gather the details that the cancellation needs to go through.",
    "Then it helps you through the steps that stop the monthly payments on your card for good.",
    "You can also cancel alone by writing to the site that takes the payments from your account.",
]


@pytest.mark.parametrize(("name", "paragraphs"), [("resiliation.md", FRENCH), ("cancel.md", ENGLISH)])
def test_a_section_is_cut_before_the_sequence_not_inside_it(tmp_path, name, paragraphs):
    # the heading and three paragraphs fill a passage of 60 words: cut where the fourth opens, the first step would
    # end one passage and the second open the next; the cut before the first step is in the passage's second half
    text = "## Résiliation\n\n" + "\n\n".join(paragraphs) + "\n"
    chunks = _chunks(tmp_path, name, text, max_tokens=60)
    assert [chunk.text.split("\n") for chunk in chunks] == [paragraphs[:2], paragraphs[2:]]
    _assert_cited(tmp_path, name, chunks, 60)


def test_a_sequence_inside_a_long_paragraph_is_not_cut_either(tmp_path):
    """A paragraph of one line too long for a passage is cut at its sentences: not between two steps either."""
    line = " ".join(FRENCH)
    chunks = _chunks(tmp_path, "resiliation.md", f"## Résiliation\n\n{line}\n", max_tokens=60)
    assert [chunk.text for chunk in chunks] == [" ".join(FRENCH[:2]), " ".join(FRENCH[2:])]
    _assert_cited(tmp_path, "resiliation.md", chunks, 60)


def test_where_no_other_cut_is_in_bounds_the_section_is_cut_as_before(tmp_path):
    # the only other clean cut, after the short first paragraph, would leave a passage too short to stand alone
    first = ("Dans un premier temps, il retrouve votre dossier pour réunir les informations utiles à la résiliation "
             "de votre abonnement, de vos prélèvements et de vos factures en cours.")
    paragraphs = ["Résilier votre abonnement.", first, FRENCH[3], FRENCH[4]]
    chunks = _chunks(tmp_path, "resiliation.md", "## Résiliation\n\n" + "\n\n".join(paragraphs) + "\n", max_tokens=40)
    assert [chunk.text.split("\n") for chunk in chunks] == [paragraphs[:2], paragraphs[2:]]
    _assert_cited(tmp_path, "resiliation.md", chunks, 40)


def test_a_cut_before_the_sequence_whose_next_passage_would_not_fit_is_not_taken(tmp_path):
    # carried to the next passage, the first step and the long second one would make 41 words of 40
    paragraphs = [FRENCH[0] + " Et le dimanche.", FRENCH[2] + " Il vérifie tout.",
                  FRENCH[3] + " Il vous envoie enfin une confirmation par courrier."]
    chunks = _chunks(tmp_path, "resiliation.md", "## Résiliation\n\n" + "\n\n".join(paragraphs) + "\n", max_tokens=40)
    assert [chunk.text.split("\n") for chunk in chunks] == [paragraphs[:2], paragraphs[2:]]
    _assert_cited(tmp_path, "resiliation.md", chunks, 40)


@pytest.mark.parametrize(("before", "after", "expected"), [
    ("Le site vous écrit.", "Ensuite, il vous aide.", True),
    ("Le site vous écrit.", "- Puis cliquez sur Valider.", True),
    ("Tout d’abord, connectez-vous.", "Le menu s'ouvre.", True),
    ("Zuerst melden Sie sich an.", "Das Menü öffnet sich.", True),
    ("Abra el menú.", "A continuación, pulse Guardar.", True),
    ("We ship on Monday.", "Next-day delivery costs more.", False),
    ("Le site vous écrit.", "Puisque le contrat est reconduit, il le dit.", False),
    ("Le site vous écrit.", "Puis-je résilier en ligne ?", False),
    ("Firstly is a word.", "The Firstborn bank.", True),
    ("The First Direct bank answers.", "It is open.", False),
    ("Le site vous écrit.", "La suite ensuite.", False),
    ("Le site vous écrit.", "Next.js est un framework.", False),
    ("Le site vous écrit.", "Next. Cliquez sur Valider.", True),
    ("| Étape | Ordre |", "| Ensuite | 3 |", False),
    ("| Tout d'abord | 1 |", "| Étape | 2 |", False),
    ("Étape | Ordre", "Ensuite | 3", False),  # a row as a page's table is read: its cells joined by a bar
    ("Tout d'abord | 1", "Étape | 2", False),
])
def test_which_sentences_go_on_with_a_sequence(before, after, expected):
    assert goes_on(before, after) is expected


def test_where_the_cut_before_the_sequence_would_not_fit_the_nearest_cut_is_taken(tmp_path):
    # the passage is full at the fourth line; its nearest clean cut, after the second (the third ends on a colon and
    # runs on), has a sequence across it; the one before, after the first, would carry 44 words of 40 to the next
    # passage: the nearest is taken, carrying the third line, rather than none
    paragraphs = ["Le service client répond par téléphone du lundi au samedi, de huit heures à vingt heures, "
                  "et par courrier.",
                  "Dans un premier temps, il retrouve votre dossier complet.",
                  "Ensuite, il vous guide ainsi :",
                  "il vous envoie un formulaire de résiliation à remplir, à dater, à signer et à renvoyer par "
                  "courrier avec une copie de votre pièce d'identité et de votre dernière facture."]
    chunks = _chunks(tmp_path, "resiliation.md", "## Résiliation\n\n" + "\n\n".join(paragraphs) + "\n", max_tokens=40)
    assert [chunk.text.split("\n") for chunk in chunks] == [paragraphs[:2], paragraphs[2:]]
    _assert_cited(tmp_path, "resiliation.md", chunks, 40)


@pytest.mark.parametrize(("more", "sizes"), [("", (30, 35, 40, 45)),
                                             ("Il se règle aussi par virement. ", (22, 26, 30))])
def test_a_passage_ends_at_its_paragraph_not_at_an_abbreviation_inside_it(tmp_path, more, sizes):
    # the paragraph's end, before "Puis", is the only line end in bounds; the full stop of "janv." inside the line
    # before it is not a cut to trade it for, nor, the paragraph made too long for a passage (`more`) and so cut into
    # its sentences, the end of its piece "... 1er janv.": where no other line end will do, it ends where it did
    paragraphs = ["Votre abonnement mensuel donne accès à tous les services.",
                  f"Il se règle par carte bancaire ou par prélèvement chaque mois. {more}Le contrat court sans frais "
                  "de résiliation jusqu'au 1er janv. 2025 inclus.",
                  "Puis il est reconduit tacitement pour un an, aux mêmes conditions, sauf résiliation de votre part."]
    text = "## Contrat\n\n" + "\n\n".join(paragraphs) + "\n"
    for max_tokens in sizes:
        chunks = _chunks(tmp_path, "contrat.md", text, max_tokens=max_tokens)
        assert chunks[-2].text.endswith("1er janv. 2025 inclus.") and chunks[-1].text == paragraphs[2]
        _assert_cited(tmp_path, "contrat.md", chunks, max_tokens)
