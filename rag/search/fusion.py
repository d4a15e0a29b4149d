"""Combine dense and lexical evidence into one ranking.

Both retrievers propose candidates; each candidate gets both scores (exact cosine and exact BM25), each score is
normalised over the candidates of this question, and the fused score is the convex combination
`w * dense + (1 - w) * lexical`. `w` is a setting, or measured on the corpus at ingest (`calibration`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal, overload

import numpy as np

if TYPE_CHECKING:
    from rag.passage import Chunk


@dataclass(frozen=True, slots=True)
class Fused:
    """One candidate after fusion: its row in the index and the evidence behind its score."""

    row: int
    score: float
    dense_score: float
    lexical_score: float
    dense_rank: int | None
    lexical_rank: int | None


def _minmax(values: np.ndarray) -> np.ndarray:
    low, high = float(values.min()), float(values.max())
    if high - low <= 1e-9:
        return np.ones_like(values) if high > 0 else np.zeros_like(values)
    return (values - low) / (high - low)


def ranks(rows: np.ndarray) -> dict[int, int]:
    return {row: rank for rank, row in enumerate(rows.tolist(), start=1)}


class Ranking(Sequence[Fused]):
    """Fused candidates, best first. A question reads the first few of about a hundred candidates: each `Fused` is
    made when it is read, from the ranking's arrays, instead of all of them up front."""

    __slots__ = ("_dense", "_dense_ranks", "_lexical", "_lexical_ranks", "_rows", "_scores")

    def __init__(self, rows: np.ndarray, scores: np.ndarray, dense: np.ndarray, lexical: np.ndarray,
                 dense_ranks: dict[int, int], lexical_ranks: dict[int, int]) -> None:
        self._rows, self._scores, self._dense, self._lexical = rows, scores, dense, lexical
        self._dense_ranks, self._lexical_ranks = dense_ranks, lexical_ranks

    def __len__(self) -> int:
        return len(self._rows)

    @property
    def rows(self) -> np.ndarray:
        """The index row of every candidate, in ranking order."""
        return self._rows

    @property
    def dense_scores(self) -> np.ndarray:
        """The raw dense score (cosine) of every candidate, in ranking order."""
        return self._dense

    @property
    def lexical_scores(self) -> np.ndarray:
        """The raw lexical score (BM25) of every candidate, in ranking order."""
        return self._lexical

    @property
    def scores(self) -> np.ndarray:
        """The fused score of every candidate, in ranking order."""
        return self._scores

    def reordered(self, order: np.ndarray, scores: np.ndarray) -> Ranking:
        """This ranking's candidates in `order` (positions in this ranking), with `scores` (aligned with this
        ranking) as their fused scores."""
        return Ranking(self._rows[order], scores[order], self._dense[order], self._lexical[order], self._dense_ranks,
                       self._lexical_ranks)

    def _item(self, i: int) -> Fused:
        row = int(self._rows[i])
        return Fused(row, float(self._scores[i]), float(self._dense[i]), float(self._lexical[i]),
                     self._dense_ranks.get(row), self._lexical_ranks.get(row))

    @overload
    def __getitem__(self, i: int) -> Fused: ...
    @overload
    def __getitem__(self, i: slice) -> list[Fused]: ...
    def __getitem__(self, i: int | slice) -> Fused | list[Fused]:
        if isinstance(i, slice):
            return [self._item(j) for j in range(*i.indices(len(self)))]
        if not -len(self) <= i < len(self):
            raise IndexError("ranking index out of range")
        return self._item(i % len(self))

    def __iter__(self) -> Iterator[Fused]:
        return (self._item(i) for i in range(len(self)))

    def reading_order(self, passages: Sequence[Chunk], within: float | None = None) -> Iterator[Fused]:
        """This ranking, passages of one section scored alike in reading order (`reading_order`)."""
        return reading_order(self, passages, OPENING_TIE if within is None else within)


def fuse(candidates: np.ndarray, dense: np.ndarray, lexical: np.ndarray, weight: float,
         dense_ranks: dict[int, int], lexical_ranks: dict[int, int]) -> Ranking:
    """Rank `candidates` (index rows) by `weight * norm(dense) + (1 - weight) * norm(lexical)`, ties by row.

    `dense` and `lexical` hold the raw scores of each candidate, aligned with `candidates`. Lexical scores are
    divided by their maximum (zero keeps meaning "no term in common"); cosine scores are min-max scaled.
    """
    if len(candidates) == 0:
        return Ranking(candidates, dense, dense, lexical, dense_ranks, lexical_ranks)
    lex_max = float(lexical.max())
    lex_norm = lexical / lex_max if lex_max > 0 else np.zeros_like(lexical)
    fused = weight * _minmax(dense) + (1.0 - weight) * lex_norm
    order = np.lexsort((candidates, -fused))
    return Ranking(candidates[order], fused[order], dense[order], lexical[order], dense_ranks, lexical_ranks)


# Measured by scripts/eval/{heading,fusion}_sweep.py (docs/EVALUATION.md). With the default model
# (multilingual e5, headings scored), 0.7 has the best mean MRR@10 over piaf, cnil_faq_dev and en_stackfaq and the
# best dev-set answer recall; 0.5 gains 2 points on piaf and loses 2 to 8 on the others. With an English model over
# French text dense search is the weaker side (piaf: dense 0.41, BM25 0.78) but still adds what BM25 misses.
SAME_LANGUAGE_WEIGHT = 0.7
CROSS_LANGUAGE_WEIGHT = 0.3
UNKNOWN_LANGUAGE_WEIGHT = 0.5
# A question in English asked of a French corpus or the reverse, read by a multilingual model: BM25 reads the corpus's
# language, in which such a question has only names and cognates, and hybrid came after dense alone (cnil_faq_dev's
# questions in English, R@1 0.564 against 0.615 through the HTTP API). Measured at 0.7, 0.8, 0.9 and 1.0 on four sets
# across languages (docs/EVALUATION.md, "Questions across languages"): 0.8 gains R@1 on three of the four read by
# the bundled model and loses one question at R@5 on one; all-MiniLM-L6-v2, English only, loses at 0.8 and keeps 0.7.
ACROSS_QUESTION_WEIGHT = 0.8
MULTILINGUAL = {"multilingual", "mul", "xx"}


# Passages of one section that the dense side scores alike, within this much fused score of each other, are put in
# reading order (`reading_order`). Measured at 0.01, 0.02, 0.05, 0.1 and 1 (docs/EVALUATION.md, "Passages of one
# section scored alike").
OPENING_TIE = 0.05


def reading_order(ranking: Iterable[Fused], passages: Sequence[Chunk], within: float = OPENING_TIE) -> Iterator[Fused]:
    """`ranking` with each run of consecutive candidates of one section that the dense side scores alike (the same
    cosine: their heading's, the best of each one's own, its heading's and its windows') and that lie within
    `within` of the run's first by fused score and are longer than it, in reading order, each taking the run's
    scores in turn. Such passages differ by BM25 alone, and by a hair: the shorter remainder of an FAQ entry cut in
    two holds the entry's title words as often as its opening and outscored it for being short. A passage shorter
    than the run's first that BM25 puts below it holds fewer of the question's words: it ends the run. Read lazily,
    as a question reads its first few."""
    run: list[Fused] = []
    for item in ranking:
        if run and _alike(run[0], item, passages, within):
            run.append(item)
            continue
        yield from _in_reading_order(run)
        run = [item]
    yield from _in_reading_order(run)


def _alike(first: Fused, item: Fused, passages: Sequence[Chunk], within: float) -> bool:
    a, b = passages[first.row], passages[item.row]
    # only a passage longer than the run's first: a shorter one that BM25 puts below it holds fewer of the words
    return a.doc_id == b.doc_id and a.section == b.section and abs(first.dense_score - item.dense_score) <= 1e-6 \
        and first.score - item.score < within and len(b.text) > len(a.text)


def _in_reading_order(run: list[Fused]) -> list[Fused]:
    if len(run) < 2:
        return run
    return [replace(item, score=top.score) for item, top in zip(sorted(run, key=lambda f: f.row), run, strict=True)]


def auto_weight(model_languages: tuple[str, ...], corpus_language: str) -> tuple[float, str]:
    """The dense weight for a model and a corpus language, with the reason, for the manifest."""
    if not model_languages:
        return UNKNOWN_LANGUAGE_WEIGHT, "the model card declares no language"
    if corpus_language in model_languages or MULTILINGUAL & set(model_languages):
        return SAME_LANGUAGE_WEIGHT, f"the model reads {corpus_language}"
    return CROSS_LANGUAGE_WEIGHT, (f"the model reads {', '.join(model_languages)}, the corpus is {corpus_language}: "
                                   "lexical search leads")


def fixed_weight(setting: float | Literal["auto"]) -> float | None:
    """The dense weight the settings fix (`RAG_DENSE_WEIGHT`), or None for `auto`: the one measured at ingest."""
    return None if setting == "auto" else float(setting)


__all__ = ["ACROSS_QUESTION_WEIGHT", "MULTILINGUAL", "OPENING_TIE", "Fused", "Ranking", "auto_weight", "fixed_weight",
           "fuse", "ranks", "reading_order"]
