"""scripts/eval/fusion_forms.py compares fusion forms against the default: its `default` form must rank as
`rag.search.fusion.fuse` ranks, a variant must leave the searcher's dense and lexical rankings alone, and the
searcher's own fusion must be back once a variant is done."""

from __future__ import annotations

import numpy as np

import rag.search.searcher as searching
from rag.search.fusion import fuse, ranks
from scripts.eval.fusion_forms import VARIANTS, default, fused_by, z


def _case(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    candidates = np.sort(rng.choice(200, size=40, replace=False))
    dense = rng.uniform(0.78, 0.9, size=40).astype(np.float32)
    lexical = np.where(rng.random(40) < 0.4, 0.0, rng.uniform(0.5, 9.0, size=40)).astype(np.float32)
    return candidates, dense, lexical


def test_the_default_form_ranks_as_fuse() -> None:
    for seed in range(5):
        candidates, dense, lexical = _case(seed)
        with fused_by(default):
            ours = searching.fuse(candidates, dense, lexical, 0.7, {}, {})
        assert ours.rows.tolist() == fuse(candidates, dense, lexical, 0.7, {}, {}).rows.tolist()


def test_a_form_changes_hybrid_rankings_only_and_is_undone() -> None:
    original = searching.fuse
    candidates, dense, lexical = _case(1)
    with fused_by(z):
        assert searching.fuse is not original
        for weight in (0.0, 1.0):  # lexical and dense modes: their scores as the searcher gives them
            assert [f.score for f in searching.fuse(candidates, dense, lexical, weight, ranks(candidates), {})] == \
                [f.score for f in fuse(candidates, dense, lexical, weight, ranks(candidates), {})]
    assert searching.fuse is original
    assert "default" in VARIANTS and "z" in VARIANTS
