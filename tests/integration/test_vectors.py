"""The dense index of the seed corpus: the kind `auto` picks, settings read from the environment, and approximate
kinds answering like the exact one."""

from __future__ import annotations

import numpy as np
import pytest

from rag.embedding import bundled
from rag.embedding.load import model_release
from rag.embedding.names import BUNDLED_MODEL
from rag.evaluation import read_questions
from rag.index.dense import (
    VectorOptions,
)
from rag.index.store import Index
from rag.ingestion.pipeline import fingerprint, ingest
from rag.search.searcher import Query, Searcher
from rag.settings import Settings
from tests.helpers.paths import DEVSET


def test_index_settings_are_read_from_the_environment_and_change_the_build(monkeypatch, settings):
    monkeypatch.setenv("RAG_INDEX_TYPE", "hnsw")
    monkeypatch.setenv("RAG_HNSW_M", "8")
    from_env = Settings(corpus_dir=settings.corpus_dir, index_dir=settings.index_dir)
    assert VectorOptions.from_settings(from_env) == VectorOptions(kind="hnsw", hnsw_m=8)
    assert fingerprint(settings.corpus_dir, from_env) != fingerprint(settings.corpus_dir, settings)


def test_auto_builds_exact_search_for_the_seed_corpus(index):
    described = index.manifest["faiss"]
    assert described["kind"] == "flat" and described["chosen"].startswith("auto:") and index.vectors.kind == "flat"


@pytest.mark.parametrize("kind", ["hnsw", "ivf"])
def test_seed_corpus_on_an_approximate_index_answers_like_the_exact_one(kind, fresh_settings, embedder, searcher):
    settings = fresh_settings.model_copy(update={"index_type": kind, "hnsw_m": 8, "hnsw_ef_construction": 16,
                                                 "hnsw_ef_search": 4, "ivf_nprobe": 1})
    ingest(settings, embedder=embedder)
    index = Index.load(settings.index_dir)
    described = index.manifest["faiss"]
    assert index.vectors.kind == kind == described["kind"] and described["chosen"] == "set in the settings"
    assert described["target_met"] and described["recall@10"] >= 0.95
    approximate = Searcher(index, embedder, candidates=settings.candidates)
    questions = [Query(q.question, 5) for q in read_questions(DEVSET)]
    for exact_hits, hits in zip(searcher.search(questions), approximate.search(questions), strict=True):
        assert [h.id for h in hits] == [h.id for h in exact_hits]
        assert [h.score for h in hits] == pytest.approx([h.score for h in exact_hits], abs=1e-5)
    np.testing.assert_allclose(index.stored_vectors(), searcher.index.stored_vectors(), atol=1e-6)


def test_a_new_release_of_the_bundled_model_rebuilds_the_index(monkeypatch, settings, embedder):
    """A new conversion of the same weights keeps the model's name: `rag ingest` must rebuild all the same, else
    the server would refuse the index it left (`Index.check_model` compares the release the model describes)."""
    assert model_release(BUNDLED_MODEL) == embedder.describe()["package"]
    before = fingerprint(settings.corpus_dir, settings)
    monkeypatch.setattr(bundled, "RELEASE", bundled.RELEASE + " (next)")
    assert fingerprint(settings.corpus_dir, settings) != before
