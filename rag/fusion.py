"""Combine dense and lexical evidence into one ranking.

Both retrievers propose candidates; each candidate gets both scores (exact cosine and exact BM25), each score is
normalised over the candidates of this question, and the fused score is the convex combination
`w * dense + (1 - w) * lexical`. `w` is a setting, or measured on the corpus at ingest (`calibration`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


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


def fuse(candidates: np.ndarray, dense: np.ndarray, lexical: np.ndarray, weight: float,
         dense_ranks: dict[int, int], lexical_ranks: dict[int, int]) -> list[Fused]:
    """Rank `candidates` (index rows) by `weight * norm(dense) + (1 - weight) * norm(lexical)`.

    `dense` and `lexical` hold the raw scores of each candidate, aligned with `candidates`. Lexical scores are
    divided by their maximum (zero keeps meaning "no term in common"); cosine scores are min-max scaled.
    """
    if len(candidates) == 0:
        return []
    lex_max = float(lexical.max())
    lex_norm = lexical / lex_max if lex_max > 0 else np.zeros_like(lexical)
    fused = weight * _minmax(dense) + (1.0 - weight) * lex_norm
    order = np.lexsort((candidates, -fused))
    # one conversion to Python numbers per column: element-wise numpy indexing costs more than the fusion itself
    rows, scores = candidates[order].tolist(), fused[order].tolist()
    return [Fused(row, score, d, lex, dense_ranks.get(row), lexical_ranks.get(row))
            for row, score, d, lex in zip(rows, scores, dense[order].tolist(), lexical[order].tolist(), strict=True)]


# Measured by scripts/fusion_sweep.py (docs/EVALUATION.md): with a model that reads the corpus language, dense
# search is the stronger side (en_stackfaq: dense MRR@10 0.97, BM25 0.81); with an English model over French text
# it is the weaker one (piaf: dense 0.41, BM25 0.78) but still adds what BM25 misses at a small weight.
SAME_LANGUAGE_WEIGHT = 0.8
CROSS_LANGUAGE_WEIGHT = 0.3
UNKNOWN_LANGUAGE_WEIGHT = 0.5
MULTILINGUAL = {"multilingual", "mul", "xx"}


def auto_weight(model_languages: tuple[str, ...], corpus_language: str) -> tuple[float, str]:
    """The dense weight for a model and a corpus language, with the reason, for the manifest."""
    if not model_languages:
        return UNKNOWN_LANGUAGE_WEIGHT, "the model card declares no language"
    if corpus_language in model_languages or MULTILINGUAL & set(model_languages):
        return SAME_LANGUAGE_WEIGHT, f"the model reads {corpus_language}"
    return CROSS_LANGUAGE_WEIGHT, (f"the model reads {', '.join(model_languages)}, the corpus is {corpus_language}: "
                                   "lexical search leads")


__all__ = ["Fused", "auto_weight", "fuse", "ranks"]
