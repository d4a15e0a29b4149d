"""Presentations (.pptx, .odp) through ingest and search, over the real model and FAISS: a support team's training
deck answers from its slides and its speaker notes, each passage cited at its slide (`page`), an Impress deck too;
bad presentations are reported and skipped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rag.corpus.formats.pptx import ENCRYPTED, NOT_A_ZIP, OLD_POWERPOINT
from rag.corpus.reader import read_document
from rag.index.store import Index
from rag.search.answer import answer
from rag.search.searcher import Query, Searcher
from tests.helpers.ingested import ingested_beside_bad_files
from tests.unit.test_odp import DECK as IMPRESS_DECK

DECK = Path(__file__).parents[1] / "data" / "slides" / "formation-support.pptx"


@pytest.fixture(scope="module")
def deck_corpus(tmp_path_factory, embedder) -> tuple[Path, Index]:
    corpus = tmp_path_factory.mktemp("deck-corpus")
    (corpus / DECK.name).write_bytes(DECK.read_bytes())
    (corpus / "conges.odp").write_bytes(IMPRESS_DECK)
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64
    bad = {"coupee.pptx": (DECK.read_bytes()[:500], NOT_A_ZIP), "ancienne.ppt": (ole, OLD_POWERPOINT),
           "secrete.pptx": (ole + "EncryptedPackage".encode("utf-16-le"), ENCRYPTED)}
    return corpus, ingested_beside_bad_files(corpus, tmp_path_factory.mktemp("deck-index"), embedder, bad, 2)


@pytest.mark.parametrize(("question", "slide", "section", "quoted"), [
    ("Combien coûte un retour par Chronopost ?", 3, "Remboursements › Frais de retour par transporteur",
     "Chronopost | 7 jours | 8,50 €"),
    ("Pourquoi le remboursement de ma commande est-il bloqué ?", 5, "Litiges",
     "Un litige ouvert bloque le remboursement"),  # a slide without a title: its PowerPoint section's name
    # the speaker notes, cited as such below their slide's heading path (what the presenter says, not the slide)
    ("Le virement apparaît quand sur le relevé du client ?", 2, "Remboursements › Délais de remboursement › Notes",
     "jusqu'à 3 jours après notre virement"),
    # the slide of grouped cards ("Étape 1" over its step, in one text box each) is found; its answer may quote a
    # card's label alone (docs/CORPUS_AND_INDEX.md, the PowerPoint paragraph)
    ("Que faire quand un colis est perdu ?", 6, "Litiges › Ouvrir un litige pour un colis perdu", ""),
])
def test_a_training_deck_answers_from_its_slides_each_cited_at_its_slide(deck_corpus, embedder, question, slide,
                                                                          section, quoted):
    corpus, index = deck_corpus
    (hits,) = Searcher(index, embedder).search([Query(question, 3, "hybrid", False)])
    citation = hits[0].citation
    assert (citation.source, citation.section, citation.page) == (DECK.name, section, slide)
    assert citation.title == "Formation support : remboursements et litiges"
    assert hits.answerable and quoted in answer(hits, hits.answerable).text
    text = read_document(corpus, corpus / citation.source).text
    assert text[citation.start:citation.end].endswith(hits[0].text)  # after its slide's title, if it has one


def test_an_impress_deck_answers_from_its_slide_cited_at_it(deck_corpus, embedder):
    (hits,) = Searcher(deck_corpus[1], embedder).search([Query("Combien de jours de congés annuels ai-je par an ?", 3,
                                                               "hybrid", False)])
    citation = hits[0].citation
    assert (citation.source, citation.title, citation.section, citation.page) == (
        "conges.odp", "Guide des congés des agents", "Congés annuels", 2)
    # slide 2's list and slide 4's table both say it: the answer quotes one of them
    assert re.search(r"Vingt-cinq jours ouvrés par an|Annuel \| 25", answer(hits, hits.answerable).text)


def test_a_hidden_slide_is_never_found(deck_corpus, embedder):
    (hits,) = Searcher(deck_corpus[1], embedder).search([Query("formulaire papier L-12 ou C-3 par courrier", 5,
                                                               "hybrid", False)])
    assert all("L-12" not in hit.text and "C-3" not in hit.text for hit in hits)
