"""The dense vector index: one small contract over four FAISS index kinds.

Vectors are normalised float32 and the metric is the inner product (cosine similarity).

    flat    IndexFlatIP: exact. The default below `index_auto_threshold` passages.
    hnsw    IndexHNSWFlat: a graph over the full vectors; fast and near-exact, index about (d*4 + M*8) bytes per row.
    ivf     IndexIVFFlat: k-means lists over the full vectors; probes `nprobe` of `nlist` lists.
    ivfpq   IndexIVFPQ: the lists hold `pq_m`-byte codes; the exact vectors are kept beside it (`vectors.exact.npy`)
            and the `pq_rerank` x k best codes of each query are re-scored exactly.

Whatever the kind, `search` returns exact inner products of the rows it returns: only which rows are found is
approximate. `build` measures that approximation: recall@10 against exact search, with a sample of the stored
vectors as queries, raising the search parameter (efSearch or nprobe) until the target recall or a cap.

`load` memory-maps what FAISS lets it map (faiss >= 1.10, `IO_FLAG_MMAP_IFC`; an older faiss reads everything into
private memory): the vectors of flat indexes, the vectors and graph of HNSW ones, the inverted lists of IVF ones and
the exact vectors of ivfpq (numpy memmap), read-only and shared, so replicas on one host share the page cache. The
IVF centroids and direct map (8 bytes a row) are read into the process's own memory. docs/SCALE.md measures both.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import faiss
import numpy as np

from rag.errors import ConfigError

if TYPE_CHECKING:
    from rag.settings import Settings

Kind = Literal["flat", "hnsw", "ivf", "ivfpq"]
KINDS: tuple[Kind, ...] = ("flat", "hnsw", "ivf", "ivfpq")
RECALL_K = 10
EF_SEARCH_CAP = 1024  # beyond it a flat scan of the sizes tested is as fast as the graph walk
QUERY_NOISE = 1.3  # see probe_queries
# Filtered searches (`search_within`): rows scored per step, and the most an ivf index scores exactly (it reads
# vectors back one list entry at a time: past this a selector search costs less, scripts/bench/filter_bench.py).
EXACT_CHUNK = 16_384
IVF_EXACT_WITHIN = 5_000
VECTORS = "vectors.faiss"
EXACT = "vectors.exact.npy"
# Maps IndexFlat codes (also HNSW's storage) and IVF lists; absent before faiss 1.10, where nothing is mapped.
MMAP_FLAG = getattr(faiss, "IO_FLAG_MMAP_IFC", 0)


@dataclass(frozen=True)
class VectorOptions:
    """How to build the dense index; `kind="auto"` means flat below `auto_threshold` passages, else `auto_kind`."""

    kind: Kind | Literal["auto"] = "auto"
    auto_threshold: int = 50_000
    auto_kind: Kind = "hnsw"
    target_recall: float = 0.95
    recall_queries: int = 500
    hnsw_m: int = 32
    hnsw_ef_construction: int = 80
    hnsw_ef_search: int = 32
    ivf_nlist: int = 0
    ivf_nprobe: int = 8
    pq_m: int = 48
    pq_bits: int = 8
    pq_rerank: int = 4

    @classmethod
    def from_settings(cls, settings: Settings) -> VectorOptions:
        return cls(kind=settings.index_type, auto_threshold=settings.index_auto_threshold,
                   target_recall=settings.index_target_recall, recall_queries=settings.index_recall_queries,
                   hnsw_m=settings.hnsw_m, hnsw_ef_construction=settings.hnsw_ef_construction,
                   hnsw_ef_search=settings.hnsw_ef_search, ivf_nlist=settings.ivf_nlist,
                   ivf_nprobe=settings.ivf_nprobe, pq_m=settings.pq_m, pq_bits=settings.pq_bits,
                   pq_rerank=settings.pq_rerank)

    def resolve(self, n: int) -> tuple[Kind, str]:
        """The kind to build for `n` passages, and why."""
        if self.kind != "auto":
            return self.kind, "set in the settings"
        if n < self.auto_threshold:
            return "flat", f"auto: {n} passages < {self.auto_threshold}"
        return self.auto_kind, f"auto: {n} passages >= {self.auto_threshold}"

    def nlist(self, n: int) -> int:
        """The configured number of IVF lists, or about sqrt(n), with at least 39 passages to train each."""
        return self.ivf_nlist or max(1, min(int(n ** 0.5), n // 39))

    def check(self, d: int, n: int | None = None) -> None:
        """Raise `ConfigError`, naming the setting to change, if these options cannot index `n` vectors of dimension
        `d`. Without `n` (passages not counted yet), only what `d` alone rules out, when the kind is set.

        Ingest calls it as soon as it knows `d`, and again once the passages are chunked, before embedding any:
        `build` would refuse the same after all the embedding.
        """
        kind = self.kind if n is None else self.resolve(n)[0]
        if kind == "ivfpq" and d % self.pq_m:
            raise ConfigError(f"pq_m={self.pq_m} does not divide the dimension {d}: set RAG_PQ_M to a divisor of {d}")
        if n is None or kind not in ("ivf", "ivfpq"):
            return
        nlist = self.nlist(n)
        if nlist > n:
            raise ConfigError(f"ivf_nlist={nlist} is more than the {n} passages to index: lower RAG_IVF_NLIST "
                              "(0 picks one) or use RAG_INDEX_TYPE=flat")
        if kind == "ivfpq" and n < 2 ** self.pq_bits:
            raise ConfigError(f"ivfpq needs at least 2**pq_bits = {2 ** self.pq_bits} passages to train, there are "
                              f"{n}: use RAG_INDEX_TYPE=flat or hnsw (or lower RAG_PQ_BITS)")


def _flat_view(index: faiss.Index) -> np.ndarray:
    """The vectors of a flat FAISS index as a read-only (ntotal, d) array over FAISS's own memory: no copy."""
    if not isinstance(index, faiss.IndexFlat):
        raise TypeError(f"expected a flat FAISS index, got {type(index).__name__}")
    if index.ntotal == 0:
        return np.zeros((0, index.d), dtype=np.float32)
    view = faiss.rev_swig_ptr(index.get_xb(), index.ntotal * index.d).reshape(index.ntotal, index.d)
    view.flags.writeable = False
    return view


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


class DenseIndex:
    """A FAISS index of one kind, plus the exact vectors of its rows (a zero-copy view where FAISS has one).

    Valid while it lives; a loaded index is never added to.
    """

    def __init__(self, kind: Kind, index: Any, exact: np.ndarray | None = None,
                 description: dict[str, Any] | None = None, rerank: int = 1) -> None:
        self.kind = kind
        self.index = index  # Any: the attributes of each kind (hnsw, nprobe, storage) are not in faiss's stubs
        self.rerank = rerank
        self.description = description or {}
        if kind == "flat":
            exact = _flat_view(index)
        elif kind == "hnsw":
            exact = _flat_view(faiss.downcast_index(index.storage))
        elif kind == "ivfpq" and exact is None:
            raise ValueError("an ivfpq index needs its exact vectors")
        # ivf: the lists hold the full vectors, read back through the direct map built before saving
        self.matrix: np.ndarray | None = exact

    @property
    def ntotal(self) -> int:
        return int(self.index.ntotal)

    @property
    def d(self) -> int:
        return int(self.index.d)

    def search(self, queries: np.ndarray, k: int, params: Any = None) -> tuple[np.ndarray, np.ndarray]:
        """(scores, rows), each (len(queries), k), best first; rows -1 and scores -inf where fewer are found.

        Scores are exact inner products of the rows returned. `params`: FAISS search parameters of this kind.
        """
        if self.kind != "ivfpq":
            scores, rows = self.index.search(queries, k, params=params)
            return scores, rows
        _, rows = self.index.search(queries, k * self.rerank, params=params)
        assert self.matrix is not None
        exact = np.einsum("qkd,qd->qk", self.matrix[np.maximum(rows, 0)], queries)
        exact[rows < 0] = -np.inf
        order = np.argsort(-exact, axis=1, kind="stable")[:, :k]
        rows = np.take_along_axis(rows, order, axis=1)
        return np.take_along_axis(exact, order, axis=1).astype(np.float32), rows

    def search_within(self, queries: np.ndarray, k: int, rows: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """For each of `queries` (n, d): (scores, rows) of its best `k` of `rows` (sorted, distinct), best first.

        Exact, except on an ivf index past `IVF_EXACT_WITHIN` rows. The kinds that keep their exact vectors in one
        array (flat, hnsw, ivfpq) score the admitted rows exactly, `EXACT_CHUNK` rows at a time, reading runs of
        consecutive rows (a document's passages) in place: linear in the rows admitted, and it finds the best of
        them wherever they lie. A graph walk with the rows as a selector would head for the question's neighbours
        and could miss admitted rows of another topic altogether (a document, a folder), whatever its breadth.
        An ivf index reads vectors back one list entry at a time, so past the threshold it searches with the rows
        as a selector, probing more lists (nprobe times the inverse of the admitted share, up to all).
        """
        k = min(k, len(rows))
        if k == 0:
            return [(np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)) for _ in queries]
        if self.kind != "ivf" or len(rows) <= IVF_EXACT_WITHIN:
            return self._exact_within(queries, k, rows)
        selector = faiss.IDSelectorBatch(np.ascontiguousarray(rows, dtype=np.int64))  # kept alive by this frame
        params = faiss.SearchParametersIVF()
        probes = int(self.index.nprobe)
        params.nprobe = min(max(probes, int(probes * self.ntotal / len(rows))), int(self.index.nlist))
        params.sel = selector
        scores, found = self.search(queries, k, params)
        return [(scores[i][found[i] >= 0], found[i][found[i] >= 0].astype(np.int64)) for i in range(len(queries))]

    def _exact_within(self, queries: np.ndarray, k: int, rows: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        best_scores = np.zeros((len(queries), 0), dtype=np.float32)
        best_rows = np.zeros((len(queries), 0), dtype=np.int64)
        for start in range(0, len(rows), EXACT_CHUNK):
            part = rows[start:start + EXACT_CHUNK]
            if self.matrix is not None and part[-1] - part[0] + 1 == len(part):  # consecutive: read in place
                vectors = self.matrix[part[0]:part[-1] + 1]
            else:
                vectors = self.vectors_for(part)
            vectors = np.ascontiguousarray(vectors, dtype=np.float32)  # a view of consecutive rows already is
            part_scores, local = exact_search(queries, vectors, min(k, len(part)))
            scores = np.concatenate([best_scores, part_scores], axis=1)
            candidates = np.concatenate([best_rows, part[local]], axis=1)
            if scores.shape[1] > k:
                keep = np.argpartition(-scores, k - 1, axis=1)[:, :k]
                scores, candidates = np.take_along_axis(scores, keep, 1), np.take_along_axis(candidates, keep, 1)
            best_scores, best_rows = scores, candidates
        out = []
        for scores, found in zip(best_scores, best_rows, strict=True):
            order = np.lexsort((found, -scores))  # best first, ties by row
            out.append((scores[order].astype(np.float32), found[order].astype(np.int64)))
        return out

    def vectors_for(self, rows: np.ndarray) -> np.ndarray:
        """The exact vectors of `rows`, (len(rows), d)."""
        if self.matrix is not None:
            return self.matrix[rows]
        return np.asarray(self.index.reconstruct_batch(np.asarray(rows, dtype=np.int64)))

    def all_vectors(self) -> np.ndarray:
        """A copy of every vector, in row order."""
        if self.matrix is not None:
            return np.array(self.matrix, dtype=np.float32)
        return np.asarray(self.index.reconstruct_n(0, self.ntotal), dtype=np.float32)

    def set_search_parameter(self, value: int) -> None:
        if self.kind == "hnsw":
            self.index.hnsw.efSearch = value
        elif self.kind in ("ivf", "ivfpq"):
            self.index.nprobe = value

    # -- building

    @classmethod
    def build(cls, vectors: np.ndarray, options: VectorOptions | None = None) -> DenseIndex:
        """Index `vectors` (normalised, float32) as `options` say, tuned to the target recall and described.

        Raises `ConfigError` where `options.check` does."""
        options = options or VectorOptions(kind="flat")
        started = time.perf_counter()
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        n, d = vectors.shape
        options.check(d, n)
        kind, why = options.resolve(n)
        exact = None
        index: Any
        if kind == "flat":
            index = faiss.IndexFlatIP(d)
            params: dict[str, Any] = {}
        elif kind == "hnsw":
            index = faiss.IndexHNSWFlat(d, options.hnsw_m, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = options.hnsw_ef_construction
            params = {"M": options.hnsw_m, "efConstruction": options.hnsw_ef_construction}
        else:
            nlist = options.nlist(n)
            params = {"nlist": nlist}
            if kind == "ivf":
                index = faiss.index_factory(d, f"IVF{nlist},Flat", faiss.METRIC_INNER_PRODUCT)
            else:
                index = faiss.index_factory(d, f"IVF{nlist},PQ{options.pq_m}x{options.pq_bits}",
                                            faiss.METRIC_INNER_PRODUCT)
                index.do_polysemous_training = False  # minutes of annealing, unused
                index.pq.cp.max_points_per_centroid = 64  # 16k points train each sub-quantizer; 64k took minutes
                exact = vectors
                params |= {"pq_m": options.pq_m, "pq_bits": options.pq_bits, "rerank": options.pq_rerank}
            # 64 points per list train k-means well enough; all of a million would take many minutes on two cores
            train = vectors[np.random.default_rng(0).permutation(n)[:nlist * 64]] if n > nlist * 64 else vectors
            index.train(train)
        index.add(vectors)
        if kind in ("ivf", "ivfpq"):
            faiss.extract_index_ivf(index).make_direct_map()  # saved with it: a mapped IVF cannot build one
        built = cls(kind, index, exact, rerank=options.pq_rerank if kind == "ivfpq" else 1)
        if kind == "flat":
            measured = {"recall@10": 1.0, "recall_method": "exact search"}
        else:
            tuned, recall = built._tune(vectors, options)
            params |= tuned
            measured = {"recall@10": round(recall, 4), "target_recall": options.target_recall,
                        "target_met": recall >= options.target_recall,
                        "recall_method": f"{min(options.recall_queries, n)} stored vectors (seeded sample) plus noise "
                                         f"of norm {QUERY_NOISE} as queries, top 10 against exact search"}
        built.description = {
            "kind": kind, "chosen": why, "index_type": type(index).__name__, "metric": "inner_product",
            "ntotal": n, "params": params, **measured, "build_seconds": round(time.perf_counter() - started, 3),
        }
        return built

    def _tune(self, vectors: np.ndarray, options: VectorOptions) -> tuple[dict[str, int], float]:
        """Raise efSearch or nprobe (doubling) from its setting until the target recall or the cap."""
        ef_cap = max(EF_SEARCH_CAP, options.hnsw_ef_search)  # a larger setting is the user's cap
        name, value, cap = ("efSearch", options.hnsw_ef_search, ef_cap) if self.kind == "hnsw" \
            else ("nprobe", options.ivf_nprobe, faiss.extract_index_ivf(self.index).nlist)
        value = max(1, min(value, cap))
        queries = probe_queries(vectors, options.recall_queries)
        truth = exact_search(queries, vectors, RECALL_K)[0]
        while True:
            self.set_search_parameter(value)
            recall = recall_at(self.search(queries, RECALL_K)[0], truth)
            if recall >= options.target_recall or value >= cap:
                return {name: value}, recall
            value = min(cap, value * 2)

    # -- files

    def save(self, folder: Path) -> None:
        """Write `vectors.faiss` (and `vectors.exact.npy` for ivfpq) into `folder`."""
        faiss.write_index(self.index, str(folder / VECTORS))
        if self.kind == "ivfpq":
            assert self.matrix is not None
            np.save(folder / EXACT, np.ascontiguousarray(self.matrix, dtype=np.float32))

    @classmethod
    def load(cls, folder: Path, description: dict[str, Any] | None = None, *, mmap: bool = True) -> DenseIndex:
        """Read the index `save` wrote, memory-mapped when `mmap`; `description` is the manifest's `faiss` entry.

        Raises what FAISS, numpy or the file system raise (the caller translates).
        """
        description = description or {}
        index = faiss.read_index(str(folder / VECTORS), MMAP_FLAG if mmap else 0)
        kind = _kind_of(index)
        if description.get("kind", kind) != kind:
            raise ValueError(f"{VECTORS} holds a {kind} index, the manifest says {description['kind']}")
        params = description.get("params", {})
        exact = np.asarray(np.load(folder / EXACT, mmap_mode="r" if mmap else None)) if kind == "ivfpq" else None
        loaded = cls(kind, index, exact, description, rerank=int(params.get("rerank", 1)))
        if "efSearch" in params or "nprobe" in params:
            loaded.set_search_parameter(int(params.get("efSearch", params.get("nprobe", 1))))
        return loaded


def _kind_of(index: faiss.Index) -> Kind:
    for kind, cls in (("flat", faiss.IndexFlat), ("hnsw", faiss.IndexHNSWFlat), ("ivfpq", faiss.IndexIVFPQ),
                      ("ivf", faiss.IndexIVFFlat)):
        if isinstance(index, cls):
            return kind  # type: ignore[return-value]
    raise ValueError(f"unsupported FAISS index {type(index).__name__}")


__all__ = ["KINDS", "DenseIndex", "Kind", "VectorOptions", "exact_search", "probe_queries", "recall_at"]
