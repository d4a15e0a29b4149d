"""Dense index kinds: one shared set of checks for every kind, on random clustered normalised vectors, then the
seed corpus ingested with an approximate kind answering like the exact one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from rag.errors import ConfigError
from rag.index.dense import EXACT, MMAP_FLAG, VECTORS, DenseIndex
from rag.index.recall import exact_search, probe_queries, recall_at
from rag.index.vector_options import KINDS, VectorOptions
from rag.settings import Settings

# Small enough to build in well under a second per kind; pq: 8 sub-vectors of 6 bits, re-scored 10 to 1.
SMALL = {"recall_queries": 200, "hnsw_m": 16, "hnsw_ef_construction": 40, "hnsw_ef_search": 8, "ivf_nprobe": 1,
         "pq_m": 8, "pq_bits": 6, "pq_rerank": 10}


def normalise(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray]:
    """3000 stored vectors around 30 random centres (d=64), and 100 queries near them that are not stored."""
    rng = np.random.default_rng(7)
    centres = rng.standard_normal((30, 64))
    stored = normalise(centres[rng.integers(0, 30, 3000)] + 0.6 * rng.standard_normal((3000, 64)))
    queries = normalise(centres[rng.integers(0, 30, 100)] + 0.6 * rng.standard_normal((100, 64)))
    return stored, queries


@pytest.fixture(scope="module", params=KINDS)
def built(request: pytest.FixtureRequest, data: tuple[np.ndarray, np.ndarray]) -> DenseIndex:
    return DenseIndex.build(data[0], VectorOptions(kind=request.param, **SMALL))


def test_stored_vectors_find_themselves_first(built, data):
    stored = data[0]
    scores, rows = built.search(stored[:50], 5)
    assert rows.shape == scores.shape == (50, 5)
    np.testing.assert_array_equal(rows[:, 0], np.arange(50))
    np.testing.assert_allclose(scores[:, 0], 1.0, atol=1e-4)


def test_recall_against_exact_search_on_unseen_queries(built, data):
    stored, queries = data
    truth = exact_search(queries, stored, 10)[0]
    assert recall_at(built.search(queries, 10)[0], truth) >= 0.9


def test_scores_are_exact_inner_products_of_the_rows_returned(built, data):
    stored, queries = data
    scores, rows = built.search(queries, 10)
    np.testing.assert_allclose(scores, np.einsum("qkd,qd->qk", stored[rows], queries), atol=1e-4)
    assert (np.diff(scores, axis=1) <= 1e-6).all()


def test_exact_vectors_of_any_rows(built, data):
    rows = np.array([2999, 0, 17, 17])
    np.testing.assert_allclose(built.vectors_for(rows), data[0][rows], atol=1e-6)
    np.testing.assert_allclose(built.all_vectors(), data[0], atol=1e-6)


def test_description_records_kind_parameters_and_measured_recall(built):
    description = built.description
    assert description["kind"] == built.kind and description["ntotal"] == 3000 and description["chosen"]
    if built.kind == "flat":
        assert description["recall@10"] == 1.0
        return
    tuned = "efSearch" if built.kind == "hnsw" else "nprobe"
    assert description["params"][tuned] >= SMALL["hnsw_ef_search" if built.kind == "hnsw" else "ivf_nprobe"]
    assert description["target_met"] and 0.95 <= description["recall@10"] <= 1.0
    assert "200 stored vectors" in description["recall_method"]


def test_tuning_doubles_the_search_parameter_until_the_target_recall(data):
    stored = data[0]
    ivf = DenseIndex.build(stored, VectorOptions(kind="ivf", ivf_nprobe=1, target_recall=0.99, recall_queries=200))
    nprobe = ivf.description["params"]["nprobe"]
    assert nprobe > 1 and ivf.description["recall@10"] >= 0.99
    sample = probe_queries(stored, 200)
    truth = exact_search(sample, stored, 10)[0]
    assert recall_at(ivf.search(sample, 10)[0], truth) == pytest.approx(ivf.description["recall@10"], abs=1e-4)
    ivf.set_search_parameter(nprobe // 2)
    assert recall_at(ivf.search(sample, 10)[0], truth) < 0.99  # the step below missed the target


def test_save_and_memory_mapped_load_give_the_same_answers(built, data, tmp_path):
    built.save(tmp_path)
    loaded = DenseIndex.load(tmp_path, built.description)
    assert (loaded.kind, loaded.ntotal, loaded.d) == (built.kind, 3000, 64)
    queries = data[1]
    for a, b in zip(loaded.search(queries, 10), built.search(queries, 10), strict=True):
        np.testing.assert_array_equal(a, b)
    assert MMAP_FLAG, "this faiss cannot memory-map indexes (needs faiss >= 1.10)"
    maps = Path("/proc/self/maps").read_text()
    assert str(tmp_path / VECTORS) in maps  # read-only shared mapping: replicas share the page cache
    if built.kind == "ivfpq":
        assert str(tmp_path / EXACT) in maps
    copied = DenseIndex.load(tmp_path, built.description, mmap=False)
    np.testing.assert_array_equal(copied.search(queries, 10)[1], built.search(queries, 10)[1])


def test_load_refuses_a_manifest_naming_another_kind(built, tmp_path):
    built.save(tmp_path)
    other = "hnsw" if built.kind != "hnsw" else "flat"
    with pytest.raises(ValueError, match=f"holds a {built.kind} index"):
        DenseIndex.load(tmp_path, {**built.description, "kind": other})


def test_auto_is_exact_below_the_threshold_and_approximate_from_it():
    assert VectorOptions(auto_threshold=1000).resolve(999)[0] == "flat"
    assert VectorOptions(auto_threshold=1000).resolve(1000) == ("hnsw", "auto: 1000 passages >= 1000")


def test_bad_settings_give_clear_errors(data):
    with pytest.raises(ValidationError, match="index_type"):
        Settings(index_type="annoy")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="index_target_recall"):
        Settings(index_target_recall=1.5)
    with pytest.raises(ConfigError, match="does not divide the dimension 64"):
        DenseIndex.build(data[0], VectorOptions(kind="ivfpq", pq_m=10))
    with pytest.raises(ConfigError, match="at least 2\\*\\*pq_bits = 256 passages"):
        DenseIndex.build(data[0][:200], VectorOptions(kind="ivfpq", pq_m=8))
    with pytest.raises(ConfigError, match="more than the 200 passages"):
        DenseIndex.build(data[0][:200], VectorOptions(kind="ivf", ivf_nlist=500))


def test_settings_the_dimension_rules_out_are_refused_before_the_passages_are_counted():
    with pytest.raises(ConfigError, match="set RAG_PQ_M to a divisor of 64"):
        VectorOptions(kind="ivfpq", pq_m=10).check(64)
    VectorOptions(kind="auto", auto_kind="ivfpq", pq_m=10).check(64)  # flat below the threshold: nothing to refuse yet
    VectorOptions(kind="ivf", ivf_nlist=500).check(64)  # the passage count decides
    with pytest.raises(ConfigError, match="more than the 200 passages"):
        VectorOptions(kind="ivf", ivf_nlist=500).check(64, 200)
    with pytest.raises(ConfigError, match="set RAG_PQ_M"):
        VectorOptions(kind="auto", auto_threshold=100, auto_kind="ivfpq", pq_m=10).check(64, 200)
    VectorOptions(kind="auto", auto_threshold=300, auto_kind="ivfpq", pq_m=10).check(64, 200)
