"""Headings as their own vectors: a passage also scores by the heading it stands under.

A user's question looks like an FAQ entry's question far more than like its answer. Each passage's heading (its
section heading, else its document title) is embedded once, alone, as a passage; the dense score of a passage is the
better of its own cosine and its heading's. Measured by `scripts/eval/heading_sweep.py` (docs/EVALUATION.md) with the
default model: MRR@10 on the CNIL FAQ from 0.66 to 0.73, en_stackfaq from 0.90 to 0.94, piaf within two points.

A section heading worded as a question ("Wie wird der Abschlag berechnet?") is close to any question on its topic by
its form alone: its cosine counts `1 - QUESTION_DISCOUNT` of itself in its passages' dense score, so that the
sibling section that answers ("Abschlag anpassen") is not outscored by its wording (measured by
`scripts/eval/sibling_signals.py`, docs/EVALUATION.md, "Answers on long help pages"). A document title is never
discounted: an FAQ whose entries are one document each keeps its questions as they were. Whether a question asks
what its heading asks (which makes an FAQ entry's opening the answer, `Index.heading_scores`) still reads the whole
cosine.

A build stores the distinct heading vectors (`headings.npy`) and each passage's heading number
(`heading_rows.npy`); a build without them (written before headings existed) scores passages by their own vector.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rag.embedding.blocks import Embedding
from rag.index.dense import row_cosines
from rag.index.layout import save_arrays
from rag.passage import Chunk, reuse_digest

VECTORS = "headings.npy"
ROWS = "heading_rows.npy"
# Measured at 0.005, 0.01, 0.02 and 0.03 (docs/EVALUATION.md, "Answers on long help pages"): 0.01 gains the seed
# corpus's sets and the German pages and loses none; 0.03 loses the dev set a question.
QUESTION_DISCOUNT = 0.01


def heading_text(chunk: Chunk) -> str:
    """What is embedded as a passage's heading: its section heading, else its document title."""
    return chunk.section or chunk.title


def asks(chunk: Chunk) -> bool:
    """Whether a passage's heading is a section heading worded as a question: its last part ends with "?"."""
    return (chunk.section or "").rstrip().endswith("?")


@dataclass
class Headings:
    """Distinct heading vectors (normalised, [headings, d]) and each passage's heading number ([passages])."""

    vectors: np.ndarray
    of_row: np.ndarray
    # each heading's share of its cosine (`QUESTION_DISCOUNT`, set by `weigh`); None: every heading's whole
    scale: np.ndarray | None = field(default=None, repr=False)
    _order: np.ndarray = field(init=False, repr=False)
    _starts: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # The passages of each heading, in row order: heading h's rows are _order[_starts[h]:_starts[h + 1]].
        self._order = np.argsort(self.of_row, kind="stable").astype(np.int64)
        self._starts = np.searchsorted(self.of_row[self._order], np.arange(len(self.vectors) + 1))

    def best_rows(self, heading_scores: np.ndarray, n: int, within: np.ndarray | None = None) -> np.ndarray:
        """About `n` rows whose headings score best for one query (`heading_scores`: [headings]), best first;
        among `within` (sorted rows) only, when given."""
        if within is not None:
            scored = heading_scores[self.of_row[within]]
            top = np.argsort(-scored, kind="stable")[:n]
            return within[top]
        rows: list[np.ndarray] = []
        count = 0
        k = min(n, len(heading_scores))
        best = np.argpartition(-heading_scores, k - 1)[:k] if k < len(heading_scores) else np.arange(k)
        for h in best[np.argsort(-heading_scores[best], kind="stable")]:
            part = self._order[self._starts[h]:self._starts[h + 1]]
            rows.append(part)
            count += len(part)
            if count >= n:
                break
        return np.concatenate(rows)[:n] if rows else np.zeros(0, dtype=np.int64)

    def weigh(self, chunks: Sequence[Chunk]) -> None:
        """Discount the headings of `chunks` (the passages, in row order) worded as questions (`asks`)."""
        questions = np.zeros(len(self.vectors), dtype=bool)
        questions[self.of_row[[row for row, chunk in enumerate(chunks) if asks(chunk)]]] = True
        self.scale = np.where(questions, np.float32(1 - QUESTION_DISCOUNT), np.float32(1)).astype(np.float32)

    def scores(self, vector: np.ndarray) -> np.ndarray:
        """The score of every heading with `vector` ([headings]): its cosine, weighed (`weigh`)."""
        cosines = self.vectors @ vector
        return cosines if self.scale is None else cosines * self.scale

    def rescore(self, rows: np.ndarray, vector: np.ndarray) -> np.ndarray:
        """The score of the heading of each of `rows` with `vector` (as `scores`), computed for these rows only
        (the heading of a row alone scores as it does among others)."""
        distinct, of = np.unique(self.of_row[rows], return_inverse=True)
        cosines = row_cosines(self.vectors[distinct], vector)
        return (cosines if self.scale is None else cosines * self.scale[distinct])[of]

    def count_of(self, rows: np.ndarray) -> int:
        """How many distinct headings `rows` stand under."""
        return len(np.unique(self.of_row[rows]))

    def save(self, folder: Path) -> None:
        save_arrays(folder, {VECTORS: self.vectors, ROWS: self.of_row})

    @classmethod
    def load(cls, folder: Path) -> Headings | None:
        """The headings of a build, None for a build written without them."""
        if not (folder / VECTORS).is_file():
            return None
        # a plain array over the mapped file: a memmap's results cost microseconds a question (`Windows.load`)
        vectors, of_row = np.load(folder / VECTORS, mmap_mode="r").view(np.ndarray), np.load(folder / ROWS)
        if vectors.ndim != 2 or vectors.dtype != np.float32 or of_row.ndim != 1 or of_row.dtype.kind not in "iu":
            raise ValueError(f"heading arrays of shapes {vectors.shape} {vectors.dtype}, {of_row.shape} {of_row.dtype}")
        return cls(vectors, of_row)

    @classmethod
    def build(cls, chunks: Sequence[Chunk], embedding: Embedding, known: dict[str, np.ndarray],
              dimension: int) -> Headings:
        """Headings of `chunks`: vectors from `known` (by `key`) or embedded now (`Embedding.fill`)."""
        texts: dict[str, int] = {}
        of_row = np.fromiter((texts.setdefault(heading_text(c), len(texts)) for c in chunks), dtype=np.int32,
                             count=len(chunks))
        distinct = list(texts)
        vectors = np.zeros((len(distinct), dimension), dtype=np.float32)
        embedding.fill(vectors, lambda: distinct, key, known)
        return cls(vectors, of_row)

    def by_key(self, chunks: Sequence[Chunk]) -> dict[str, np.ndarray]:
        """The vectors by `key`, for the next ingest to reuse."""
        return {key(heading_text(c)): self.vectors[self.of_row[row]] for row, c in enumerate(chunks)}


def key(text: str) -> str:
    """The reuse key of a heading's vector, apart from passages' keys (`rag.ingestion.stages.embed_key`): a hash of
    its text (`reuse_text`), as theirs, not the text, which a re-ingest would hold for every heading before."""
    return "heading\x00" + reuse_digest(text)


__all__ = ["QUESTION_DISCOUNT", "ROWS", "VECTORS", "Headings", "asks", "heading_text", "key"]
