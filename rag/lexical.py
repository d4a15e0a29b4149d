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


class LexicalIndex:
    """BM25 scores of passages for a question, terms produced by an `Analyzer`."""

    def __init__(self, analyzer: Analyzer, bm25: bm25s.BM25, unit_of_row: np.ndarray, *, fuzzy: bool = True) -> None:
        self.analyzer = analyzer
        self._bm25 = bm25
        self._vocab: dict[str, int] = bm25.vocab_dict
        self._unit_of_row = unit_of_row
        self.fuzzy = fuzzy
        self._terms = list(self._vocab)

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

        Among equally close spellings the one in most units wins ("repond" -> "repondr", not "repons", when
        "répondre" is the commoner word), then the first in alphabetical order: never the vocabulary's order,
        which depends on the process's string hashing and would make the same query score differently from one
        run to the next.
        """
        limit = 1 if len(term) < FUZZY_TWO_EDITS_CHARS else 2
        matches = process.extract(term, self._terms, scorer=OSA.distance, score_cutoff=limit, limit=None)
        if not matches:
            return None
        nearest = min(distance for _, distance, _ in matches)
        return min((str(t) for t, distance, _ in matches if distance == nearest),
                   key=lambda t: (-self._units_with(t), t))

    def _units_with(self, term: str) -> int:
        indptr = self._bm25.scores["indptr"]
        i = self._vocab[term]
        return int(indptr[i + 1] - indptr[i])

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
