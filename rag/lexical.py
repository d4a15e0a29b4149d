"""BM25 over analysed terms (bm25s): build, save, load, score.

The lexical unit is the whole section, not the passage: a long section is split into several passages for the
embedding model, but its words are scored together, so that a question whose words spread over two halves of a
section still finds it. Every passage of a section gets its section's score; dense similarity, computed per
passage, then tells the passages of one section apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from rag.analyzer import Analyzer

FUZZY_MIN_CHARS = 5  # shorter stems are too often one edit away from an unrelated word
FUZZY_TWO_EDITS_CHARS = 9
FUZZY_CACHE = 50_000  # remembered look-ups of unknown terms, per index


def _by_length(terms: list[str]) -> dict[int, list[str]]:
    """For each term length that fuzzy matching looks up, the terms within its edit limit in length, in order."""
    lengths = {len(t) for t in terms}
    out = {}
    for length in range(FUZZY_MIN_CHARS, max(lengths, default=0) + 3):
        limit = 1 if length < FUZZY_TWO_EDITS_CHARS else 2
        out[length] = [t for t in terms if abs(len(t) - length) <= limit]
    return out


class LexicalIndex:
    """BM25 scores of passages for a question, terms produced by an `Analyzer`."""

    def __init__(self, analyzer: Analyzer, bm25: bm25s.BM25, unit_of_row: np.ndarray, *, fuzzy: bool = True) -> None:
        self.analyzer = analyzer
        self._bm25 = bm25
        self._vocab: dict[str, int] = bm25.vocab_dict
        self._unit_of_row = unit_of_row
        self.fuzzy = fuzzy
        self._near_length = _by_length(list(self._vocab))
        self._closest_cache: dict[str, str | None] = {}

    @classmethod
    def build(cls, unit_texts: Sequence[str], unit_of_row: Sequence[int], analyzer: Analyzer, *, k1: float,
              b: float) -> LexicalIndex:
        """Index `unit_texts` (sections); `unit_of_row[i]` is the unit of passage row `i`."""
        bm25 = bm25s.BM25(k1=k1, b=b, method="lucene")
        # an empty unit still needs a row: the empty token keeps unit numbers aligned
        bm25.index([analyzer.terms(t) or [""] for t in unit_texts], show_progress=False)
        return cls(analyzer, bm25, np.asarray(unit_of_row, dtype=np.int64))

    def save(self, directory: Path) -> None:
        self._bm25.save(str(directory), show_progress=False)
        np.save(directory / "unit_of_row.npy", self._unit_of_row)

    @classmethod
    def load(cls, directory: Path, analyzer: Analyzer, *, mmap: bool = False) -> LexicalIndex:
        bm25 = bm25s.BM25.load(str(directory), mmap=mmap, show_progress=False)
        return cls(analyzer, bm25, np.load(directory / "unit_of_row.npy"))

    def __len__(self) -> int:
        """Passage rows covered (not sections)."""
        return len(self._unit_of_row)

    def term_ids(self, question: str) -> list[int]:
        """Vocabulary ids of the question's terms; a misspelt term maps to its closest indexed spelling."""
        ids = []
        for term in self.analyzer.terms(question):
            if term in self._vocab:
                ids.append(self._vocab[term])
            elif self.fuzzy and len(term) >= FUZZY_MIN_CHARS:
                near = self._closest(term)
                if near is not None:
                    ids.append(self._vocab[near])
        return ids

    def _closest(self, term: str) -> str | None:
        """The indexed term one edit away (two for long words; a swap of neighbours is one edit), if any.

        Only terms whose length is within the edit limit can be that close; they are searched in vocabulary order,
        so ties go to the same term as over the whole vocabulary. Answers are remembered (the vocabulary is fixed):
        the same unknown word in later questions costs a dictionary look-up instead of a scan.
        """
        if term in self._closest_cache:
            return self._closest_cache[term]
        limit = 1 if len(term) < FUZZY_TWO_EDITS_CHARS else 2
        match = process.extractOne(term, self._near_length.get(len(term), ()), scorer=OSA.distance,
                                   score_cutoff=limit)
        near = None if match is None else str(match[0])
        if len(self._closest_cache) >= FUZZY_CACHE:
            self._closest_cache.clear()
        self._closest_cache[term] = near
        return near

    def scores(self, question: str) -> np.ndarray:
        """BM25 score of every passage row: its section's score (zeros when no question term is indexed)."""
        ids = self.term_ids(question)
        if not ids:
            return np.zeros(len(self), dtype=np.float32)
        return np.asarray(self._bm25.get_scores_from_ids(ids), dtype=np.float32)[self._unit_of_row]



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
