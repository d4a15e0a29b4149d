"""Fusion: the ranking read item by item is the one computed for all candidates at once."""

from itertools import pairwise

import numpy as np
import pytest

from rag.search.fusion import Fused, fuse, ranks


def _eager(candidates, dense, lexical, weight, dense_ranks, lexical_ranks) -> list[Fused]:
    """The fusion formula applied to every candidate up front, as the module docstring states it."""
    lex_max = float(lexical.max())
    lex_norm = lexical / lex_max if lex_max > 0 else np.zeros_like(lexical)
    low, high = float(dense.min()), float(dense.max())
    norm = (dense - low) / (high - low) if high - low > 1e-9 else (np.ones_like(dense) if high > 0 else dense * 0)
    fused = weight * norm + (1.0 - weight) * lex_norm
    order = np.lexsort((candidates, -fused))
    return [Fused(int(candidates[i]), float(fused[i]), float(dense[i]), float(lexical[i]),
                  dense_ranks.get(int(candidates[i])), lexical_ranks.get(int(candidates[i]))) for i in order]


@pytest.mark.parametrize("seed", range(5))
def test_the_ranking_is_the_fusion_of_every_candidate(seed):
    rng = np.random.default_rng(seed)
    candidates = np.sort(rng.choice(1000, size=80, replace=False))
    dense = rng.uniform(-0.2, 0.9, size=80).astype(np.float32)
    lexical = np.where(rng.random(80) < 0.4, 0, rng.uniform(0, 12, size=80)).astype(np.float32)
    lexical[3] = lexical[7]  # ties are broken by row
    dense[3] = dense[7]
    d_ranks, l_ranks = ranks(candidates[np.argsort(-dense)][:50]), ranks(candidates[np.argsort(-lexical)][:50])
    ranking = fuse(candidates, dense, lexical, 0.3, d_ranks, l_ranks)
    expected = _eager(candidates, dense, lexical, 0.3, d_ranks, l_ranks)
    assert list(ranking) == expected and len(ranking) == 80
    assert ranking[0] == expected[0] and ranking[-1] == expected[-1] and ranking[2:5] == expected[2:5]
    assert all(a.score >= b.score for a, b in pairwise(expected))
    with pytest.raises(IndexError):
        ranking[80]


def test_no_candidate_no_ranking():
    empty = np.zeros(0, dtype=np.int64)
    assert list(fuse(empty, empty.astype(np.float32), empty.astype(np.float32), 0.5, {}, {})) == []
