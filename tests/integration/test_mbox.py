"""A mailbox through ingest and search, over the real model and FAISS."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rag.corpus.formats.mbox import NOT_MBOX
from rag.index.store import Index
from rag.search.searcher import Query, Searcher
from tests.helpers.ingested import ingested_beside_bad_files

DATA = Path(__file__).resolve().parents[1] / "data" / "mbox"


@pytest.fixture(scope="module")
def mbox_corpus(tmp_path_factory, embedder) -> Index:
    """A folder of a mailbox beside a file named .mbox that is none, ingested: its index."""
    corpus = tmp_path_factory.mktemp("mbox-corpus")
    shutil.copy(DATA / "boutique.mbox", corpus / "Support.mbox")
    bad = {"renomme.mbox": (b"Ceci est un simple fichier texte.", NOT_MBOX)}
    return ingested_beside_bad_files(corpus, tmp_path_factory.mktemp("mbox-index"), embedder, bad, 1)


def test_a_messages_answer_is_found_under_its_subject(mbox_corpus, embedder):
    (hits,) = Searcher(mbox_corpus, embedder).search([Query("Combien de temps ai-je pour me rétracter ?", 3,
                                                            "hybrid", False)])
    top = hits[0]
    assert "Vous disposez de 14 jours" in top.text
    assert (top.citation.source, top.citation.title) == ("Support.mbox", "Support")
    assert top.citation.section == "Délai de rétractation"
