"""Retrieval quality on the dev set written for the seed corpus: real model, real FAISS, stated thresholds."""

import pytest

from rag.corpus.reader import read_corpus
from rag.evaluation import memory_index, read_questions, run
from rag.search.searcher import Searcher
from tests.helpers.paths import CORPUS, DEVSET


@pytest.fixture(scope="module")
def dev_scores(embedder, settings):
    index = memory_index(read_corpus(CORPUS).documents, settings, embedder)
    searcher = Searcher(index, embedder, candidates=settings.candidates)
    questions = read_questions(DEVSET)
    assert len(questions) >= 20
    return {s.mode: s for s in run(searcher, questions, ["hybrid", "dense", "lexical"], depth=5)}


def test_devset_answer_recall_at_5_default_mode(dev_scores):
    assert dev_scores["hybrid"].answer_recall[5] == 1.0  # every answer in the top 5 (docs/EVALUATION.md)


def test_devset_answer_recall_at_1_default_mode(dev_scores):
    # measured 0.833 (35 of 42, docs/EVALUATION.md); the margin allows two questions to flip. Issue 18's target of
    # 0.93 is not met: most of the 7 misses put a neighbouring entry of the same merchant FAQ first.
    assert dev_scores["hybrid"].answer_recall[1] >= 0.78


def test_devset_hybrid_is_not_below_either_retriever(dev_scores):
    for k in (1, 5):
        best_single = max(dev_scores["dense"].answer_recall[k], dev_scores["lexical"].answer_recall[k])
        assert dev_scores["hybrid"].answer_recall[k] >= best_single - 0.01
