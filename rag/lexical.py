"""BM25 over analysed terms (bm25s): build, save, load, score."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np

from rag.analyzer import Analyzer


class LexicalIndex:
    """BM25 scores of passages for a question, terms produced by an `Analyzer`."""

    def __init__(self, analyzer: Analyzer, bm25: bm25s.BM25) -> None:
        self.analyzer = analyzer
        self._bm25 = bm25
        self._vocab: dict[str, int] = bm25.vocab_dict

    @classmethod
    def build(cls, texts: Sequence[str], analyzer: Analyzer, *, k1: float, b: float) -> LexicalIndex:
        bm25 = bm25s.BM25(k1=k1, b=b, method="lucene")
        # an empty passage still needs a row: the empty token keeps row numbers aligned with the passages
        bm25.index([analyzer.terms(t) or [""] for t in texts], show_progress=False)
        return cls(analyzer, bm25)

    def save(self, directory: Path) -> None:
        self._bm25.save(str(directory), show_progress=False)

    @classmethod
    def load(cls, directory: Path, analyzer: Analyzer, *, mmap: bool = False) -> LexicalIndex:
        return cls(analyzer, bm25s.BM25.load(str(directory), mmap=mmap, show_progress=False))

    def __len__(self) -> int:
        return int(self._bm25.scores["num_docs"])

    def term_ids(self, question: str) -> list[int]:
        return [self._vocab[t] for t in self.analyzer.terms(question) if t in self._vocab]

    def scores(self, question: str) -> np.ndarray:
        """BM25 score of every passage (zeros when no term of the question is in the index)."""
        ids = self.term_ids(question)
        if not ids:
            return np.zeros(len(self), dtype=np.float32)
        return np.asarray(self._bm25.get_scores_from_ids(ids), dtype=np.float32)



def top_rows(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows, scores) of the best `k` positive scores, best first, ties broken by row."""
    k = min(k, len(scores))
    if k == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    rows = np.argpartition(-scores, k - 1)[:k]
    rows = rows[np.lexsort((rows, -scores[rows]))]
    keep = scores[rows] > 0
    return rows[keep].astype(np.int64), scores[rows][keep]


__all__ = ["LexicalIndex", "top_rows"]
