"""How close an approximate dense index comes to exact search: recall@10 on queries that are not stored, and the
search parameter raised until a target recall is met (`tune`). `rag.index.dense` measures each build so.
"""

from __future__ import annotations

from collections.abc import Callable

import faiss
import numpy as np

RECALL_K = 10
QUERY_NOISE = 1.3  # see probe_queries
Search = Callable[[np.ndarray, int], tuple[np.ndarray, np.ndarray]]


def recall_at(found: np.ndarray, truth: np.ndarray) -> float:
    """Recall@k of a search against exact search, from their exact scores, (queries, k) each, best first.

    A found row counts when its score reaches the exact k-th best score: rows tied with a true top-k row (duplicate
    passages) count as found, which comparing row ids would not.
    """
    kth = truth[:, -1:] - 1e-5
    return float(np.mean(np.minimum((found >= kth).sum(axis=1), truth.shape[1]) / truth.shape[1]))


def exact_search(queries: np.ndarray, vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact (scores, rows) of `queries` against `vectors`, without copying `vectors` into an index."""
    scores, rows = faiss.knn(queries, vectors, k, metric=faiss.METRIC_INNER_PRODUCT)
    return scores, rows


def probe_queries(vectors: np.ndarray, count: int) -> np.ndarray:
    """`count` queries that are not stored: sampled stored vectors moved by random noise of norm QUERY_NOISE (seeded).

    A stored vector as query finds itself and sits where the index is densest, which overstates the recall real
    questions get; at this noise a query's cosine to its nearest passage is about what real questions have to theirs
    (about 0.6 with all-MiniLM-L6-v2, docs/SCALE.md).
    """
    rng = np.random.default_rng(0)
    noise = rng.standard_normal((min(count, len(vectors)), vectors.shape[1])).astype(np.float32)
    noise *= QUERY_NOISE / np.linalg.norm(noise, axis=1, keepdims=True)
    queries = vectors[np.sort(rng.permutation(len(vectors))[:len(noise)])] + noise
    return np.asarray(queries / np.linalg.norm(queries, axis=1, keepdims=True), dtype=np.float32)



def tune(search: Search, set_parameter: Callable[[int], None], vectors: np.ndarray, *, start: int, cap: int,
         target: float, queries: int) -> tuple[int, float]:
    """Raise a search parameter (doubling) from `start` until `search` reaches the `target` recall@10 on
    `probe_queries(vectors, queries)`, or the `cap`: the value it was left at, and the recall measured there."""
    value = max(1, min(start, cap))
    probes = probe_queries(vectors, queries)
    truth = exact_search(probes, vectors, RECALL_K)[0]
    while True:
        set_parameter(value)
        recall = recall_at(search(probes, RECALL_K)[0], truth)
        if recall >= target or value >= cap:
            return value, recall
        value = min(cap, value * 2)


def method(queries: int, n: int) -> str:
    """How the recall of an index of `n` vectors was measured, for its description."""
    return (f"{min(queries, n)} stored vectors (seeded sample) plus noise of norm {QUERY_NOISE} as queries, "
            "top 10 against exact search")


__all__ = ["QUERY_NOISE", "RECALL_K", "exact_search", "method", "probe_queries", "recall_at", "tune"]
