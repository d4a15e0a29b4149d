"""Sentence windows as their own vectors: a long passage also scores by its best run of a few sentences.

A question often matches one sentence of a passage; the passage's own vector averages that sentence with the rest.
Each passage longer than the window (`RAG_PASSAGE_WINDOW_TOKENS`, default 64 tokens) with more than one sentence
gets vectors of runs of consecutive sentences (`rag.ingestion.stages.passage_windows` makes them, with the passage's
heading path in front); the dense score of a passage is the best of its own cosine, its heading's
(`rag.index.headings`) and its best window's. Measured by `scripts/eval/quality_sweep.py` and `rag eval`
(docs/EVALUATION.md): piaf R@1 from 0.736 to 0.778, the dev set's answer R@1 from 0.810 to 0.833.

A build stores the window vectors (`windows.npy`) and each window's passage row (`window_rows.npy`, ascending); a
build without them (written before windows, or with windows off) scores passages as before.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from rag.embedding.blocks import Embedding
from rag.index.dense import row_cosines
from rag.index.layout import save_arrays
from rag.passage import SENTENCE_RULE, Chunk, reuse_digest, sentences

VECTORS = "windows.npy"
ROWS = "window_rows.npy"
Span = tuple[int, int]  # a window's sentences of its passage: sentences(text)[first:end]


def window_spans(lengths: Sequence[int], size: int, stride: int | None = None) -> list[Span]:
    """The windows of a passage whose sentences take `lengths` tokens each: greedy runs of consecutive sentences of
    at most `size` tokens (a longer sentence stands alone); the next run starts after the whole sentences that
    total at least `stride` tokens (default `size // 2`; at least one sentence, never past the run's last one).
    None for a passage of one sentence or of at most `size` tokens: its own vector already is its one window."""
    if size <= 0 or len(lengths) < 2 or sum(lengths) <= size:
        return []
    step = size // 2 if stride is None else stride
    out: list[Span] = []
    start = 0
    while True:
        end, total = start, 0
        while end < len(lengths) and (end == start or total + lengths[end] <= size):
            total += lengths[end]
            end += 1
        out.append((start, end))
        if end >= len(lengths):
            return out
        following, moved = start, 0
        while following < end - 1 and moved < step:
            moved += lengths[following]
            following += 1
        start = end if step >= size else max(following, start + 1)


def window_text(chunk: Chunk, parts: Sequence[str], span: Span) -> str:
    """What is embedded for a window: the passage's heading path (and the header row of the table it goes on with,
    `Chunk.prefix`), a newline, its sentences (`parts`) joined."""
    return f"{chunk.prefix}\n" + " ".join(parts[span[0]:span[1]])


def window_texts(chunks: Sequence[Chunk], spans: Sequence[Sequence[Span]]) -> list[str]:
    """The texts of the windows `spans` (one list per passage, in row order), in window order."""
    return list(each_window_text(chunks, spans))


def each_window_text(chunks: Sequence[Chunk], spans: Sequence[Sequence[Span]]) -> Iterator[str]:
    """`window_texts`, one at a time."""
    for chunk, mine in zip(chunks, spans, strict=True):
        if mine:
            parts = sentences(chunk.text)
            yield from (window_text(chunk, parts, span) for span in mine)


@dataclass
class Windows:
    """Window vectors (normalised, [windows, d]) and each window's passage row and sentence span ([windows, 3]:
    row, first, end; rows ascending)."""

    vectors: np.ndarray
    spans: np.ndarray
    rows: np.ndarray = field(init=False, repr=False)  # the passages that have windows, ascending
    _starts: np.ndarray = field(init=False, repr=False)  # the windows of rows[i]: vectors[_starts[i]:_ends[i]]
    _ends: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        rows, self._starts = np.unique(self.spans[:, 0], return_index=True)
        self.rows = rows.astype(np.int64)
        self._ends = np.append(self._starts[1:], len(self.spans)).astype(self._starts.dtype)

    @property
    def of_row(self) -> np.ndarray:
        """Each window's passage row."""
        return self.spans[:, 0]

    def __len__(self) -> int:
        return len(self.vectors)

    def passage_scores(self, vector: np.ndarray) -> np.ndarray:
        """For one query vector, the best window cosine of each passage of `rows` ([len(rows)]). A matrix-vector
        product: a question's scores never depend on the questions batched with it."""
        if not len(self.vectors):
            return np.zeros(0, dtype=np.float32)
        return np.maximum.reduceat(self.vectors @ vector, self._starts)

    def scores_of(self, rows: np.ndarray, best: np.ndarray) -> np.ndarray:
        """The best window cosine of each of `rows` (any passage rows) from `passage_scores`; -inf without windows."""
        out = np.full(len(rows), -np.inf, dtype=np.float32)
        found, at = self._lookup(rows)
        out[found] = best[at]
        return out

    def rescore(self, rows: np.ndarray, vector: np.ndarray) -> np.ndarray:
        """The best window cosine of each of `rows` (any passage rows; -inf without windows) with `vector`, from
        those rows' windows only: what `passage_scores` then `scores_of` give, without reading every window (each
        row's value the same whatever rows come with it)."""
        out = np.full(len(rows), -np.inf, dtype=np.float32)
        found, at = self._lookup(rows)
        if len(found):
            windows, offsets = self._windows_of(at)
            out[found] = np.maximum.reduceat(row_cosines(self.vectors[windows], vector), offsets)
        return out

    def scan_rows(self, rows: np.ndarray, vector: np.ndarray) -> np.ndarray:
        """As `rescore`, for many rows (a filter's, to find the best among them): one matrix-vector product over
        the stretch of windows they span when their windows fill half of it or more (a folder's consecutive
        passages: read in place, no copy), else over their windows gathered. Its values may differ from
        `rescore`'s in the last bits."""
        out = np.full(len(rows), -np.inf, dtype=np.float32)
        found, at = self._lookup(rows)
        if not len(found):
            return out
        windows, offsets = self._windows_of(at)
        first, last = int(windows.min()), int(windows.max()) + 1
        if 2 * len(windows) >= last - first:
            cosines = (self.vectors[first:last] @ vector)[windows - first]
        else:
            cosines = self.vectors[windows] @ vector
        out[found] = np.maximum.reduceat(cosines, offsets)
        return out

    def _windows_of(self, at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The windows of self.rows[at], row after row, and where each row's start among them."""
        starts, ends = self._starts[at], self._ends[at]
        counts = ends - starts
        offsets = np.concatenate(([0], np.cumsum(counts)[:-1]))
        return np.arange(counts.sum()) - np.repeat(offsets - starts, counts), offsets

    def best_span(self, row: int, vector: np.ndarray) -> Span | None:
        """The sentences (`rag.passage.sentences` of its text: first, end) of passage `row`'s window closest to
        `vector`; None for a passage without windows (its own vector is its one window)."""
        found = self.best_spans(row, vector)
        return None if found is None else found[0]

    def best_spans(self, row: int, vector: np.ndarray) -> tuple[Span, Span] | None:
        """`best_span`, and its own sentences: those no other window of the passage holds (windows overlap by half),
        what brought it closer to `vector` than its neighbours; the whole window when every sentence of it is
        another's too. None for a passage without windows."""
        # once per hit: one scalar search, not `_lookup`'s arrays (a dict by row took 194 MB a million passages)
        at = int(np.searchsorted(self.rows, row))
        if at == len(self.rows) or int(self.rows[at]) != row:
            return None
        start, end = int(self._starts[at]), int(self._ends[at])
        best = int(np.argmax(row_cosines(self.vectors[start:end], vector)))
        windows = self.spans[start:end, 1:].tolist()  # in order: each starts and ends after the one before
        first, last = windows[best]
        # its own run: after the windows before it end, before the ones after it start
        own = (max([first, *(b for _, b in windows[:best])]), min([last, *(a for a, _ in windows[best + 1:])]))
        return (first, last), own if own[0] < own[1] else (first, last)

    def count_of(self, rows: np.ndarray) -> int:
        """How many windows `rows` (distinct passage rows) have."""
        _, at = self._lookup(rows)
        return int((self._ends[at] - self._starts[at]).sum())

    def _lookup(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(i, j): rows[i] has windows, the windows of self.rows[j]."""
        if not len(self.rows) or not len(rows):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.rows, rows), len(self.rows) - 1)
        found = np.flatnonzero(self.rows[at] == rows)
        return found, at[found]

    def best_rows(self, best: np.ndarray, n: int, within: np.ndarray | None = None) -> np.ndarray:
        """The (at most) `n` passage rows whose best window scores highest (`best` from `passage_scores`), best
        first; among `within` (sorted rows) only, when given."""
        rows, scores = self.rows, best
        if within is not None and len(rows):
            at = np.minimum(np.searchsorted(within, rows), max(len(within) - 1, 0))
            keep = within[at] == rows if len(within) else np.zeros(len(rows), dtype=bool)
            rows, scores = rows[keep], scores[keep]
        k = min(n, len(rows))
        if k == 0:
            return np.zeros(0, dtype=np.int64)
        top = np.argpartition(-scores, k - 1)[:k] if k < len(rows) else np.arange(len(rows))
        return rows[top[np.lexsort((rows[top], -scores[top]))]]

    def save(self, folder: Path) -> None:
        save_arrays(folder, {VECTORS: self.vectors, ROWS: self.spans})

    @classmethod
    def load(cls, folder: Path) -> Windows | None:
        """The windows of a build, None for a build written without them."""
        if not (folder / VECTORS).is_file():
            return None
        # a plain array over the mapped file: a memmap's slicing and results cost microseconds a call, calls a hit
        vectors, spans = np.load(folder / VECTORS, mmap_mode="r").view(np.ndarray), np.load(folder / ROWS)
        if vectors.ndim != 2 or vectors.dtype != np.float32 or spans.ndim != 2 or spans.shape[1] != 3 \
                or spans.dtype.kind not in "iu" or len(vectors) != len(spans) \
                or (len(spans) > 1 and bool(np.any(np.diff(spans[:, 0]) < 0))):
            raise ValueError(f"window arrays of shapes {vectors.shape} {vectors.dtype}, {spans.shape} {spans.dtype}")
        return cls(vectors, spans)

    @classmethod
    def build(cls, chunks: Sequence[Chunk], spans: Sequence[Sequence[Span]], embedding: Embedding,
              known: dict[str, np.ndarray], dimension: int) -> Windows:
        """The windows `spans` of `chunks` (one list per passage, in row order): vectors from `known` (by `key`) or
        embedded now (`Embedding.fill`: their texts made a block at a time, never all at once)."""
        count = sum(len(mine) for mine in spans)
        table = np.fromiter((n for row, mine in enumerate(spans) for first, end in mine for n in (row, first, end)),
                            dtype=np.int32, count=3 * count).reshape(-1, 3)
        vectors = np.zeros((count, dimension), dtype=np.float32)
        embedding.fill(vectors, lambda: each_window_text(chunks, spans), key, known)
        return cls(vectors, table)

    def by_key(self, chunks: Sequence[Chunk]) -> dict[str, np.ndarray]:
        """The vectors by `key`, for the next ingest to reuse (`chunks`: the build's passages)."""
        spans: list[list[Span]] = [[] for _ in chunks]
        for row, first, end in self.spans.tolist():
            spans[row].append((first, end))
        return {key(text): self.vectors[i] for i, text in enumerate(window_texts(chunks, spans))}


def numbered_as_now(manifest: Mapping[str, Any]) -> bool:
    """Whether a build's windows number sentences as `rag.passage.sentences` cuts them now: a window's vector reused
    by its text, or its span found in its passage, needs the same cut (a build made under another rule keeps its
    vectors, each of its own window's text, but names them by sentence numbers that now point elsewhere)."""
    record = manifest.get("windows")
    return isinstance(record, Mapping) and record.get("sentence_rule", 1) == SENTENCE_RULE


def key(text: str) -> str:
    """The reuse key of a window's vector, apart from passages' and headings': a hash of its text (`reuse_text`),
    not the text, which a re-ingest would hold for every window of the build before (some 4 a passage)."""
    return "window\x00" + reuse_digest(text)


__all__ = ["ROWS", "VECTORS", "Span", "Windows", "each_window_text", "key", "numbered_as_now", "window_spans",
           "window_text", "window_texts"]
