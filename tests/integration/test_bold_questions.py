"""Audit 42's claims guide (an FAQ as a Markdown list, each question in bold before its answer) through ingest and
search with the real model: the answers quote the answers, never a question with half of its bold marks."""

from __future__ import annotations

import shutil

import pytest

from rag.index.store import Index
from rag.ingestion.pipeline import ingest
from rag.search.answer import answer
from rag.search.searcher import Query, Searcher
from rag.settings import Settings
from tests.helpers.paths import ROOT

GUIDE = ROOT / "tests" / "data" / "audit42" / "pages" / "sinistre-auto-meridienne.md"


@pytest.fixture(scope="module")
def guide_index(tmp_path_factory, embedder) -> Index:
    corpus = tmp_path_factory.mktemp("guide")
    shutil.copy(GUIDE, corpus / GUIDE.name)
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("guide-index"))
    ingest(settings, embedder=embedder)
    return Index.load(settings.index_dir)


@pytest.mark.parametrize(("question", "starts"), [
    ("un sanglier a defoncé l'avant de ma voiture hier soir, je fais quoi", "Pour une collision avec un animal"),
    ("on m'a rayé la portière sur un parking, l'assurance paye ?", "Le vandalisme est couvert"),
])
def test_an_faq_item_s_bold_question_is_not_quoted_its_answer_is(guide_index, embedder, question, starts):
    """Audit 42's a08 and a11, which quoted "Un animal a percuté ma voiture, qui paie ?** Pour une collision…"."""
    (hits,) = Searcher(guide_index, embedder).search([Query(question, 5, "hybrid", False)])
    reply = answer(hits, True, "fr")
    assert reply is not None and reply.text.startswith(starts), reply.text
    assert "**" not in reply.text
    assert all(hit.highlight is None or hit.highlight.text.count("**") % 2 == 0 for hit in hits)
