"""The dense vector index: one contract (`DenseIndex`) over four FAISS index kinds, one small class each.

Vectors are normalised float32 and the metric is the inner product (cosine similarity).

    flat    `FlatIndex`, IndexFlatIP: exact. The default below `index_auto_threshold` passages.
    hnsw    `HnswIndex`, IndexHNSWFlat: a graph over the full vectors; fast and near-exact, index about
            (d*4 + M*8) bytes per row.
    ivf     `IvfIndex`, IndexIVFFlat: k-means lists over the full vectors; probes `nprobe` of `nlist` lists.
    ivfpq   `IvfPqIndex`, IndexIVFPQ: the lists hold `pq_m`-byte codes; the exact vectors are kept beside it
            (`vectors.exact.npy`) and the `pq_rerank` x k best codes of each query are re-scored exactly.

Whatever the kind, `search` returns exact inner products of the rows it returns: only which rows are found is
approximate. `build` measures that approximation: recall@10 against exact search, with a sample of the stored
vectors as queries, raising the search parameter (efSearch or nprobe) until the target recall or a cap.
`DenseIndex.build` and `DenseIndex.load` pick the kind's class, here and nowhere else (`_CLASSES`).

`load` memory-maps what FAISS lets it map (faiss >= 1.10, `IO_FLAG_MMAP_IFC`; an older faiss reads everything into
private memory): the vectors of flat indexes, the vectors and graph of HNSW ones, the inverted lists of IVF ones and
the exact vectors of ivfpq (numpy memmap), read-only and shared, so replicas on one host share the page cache. The
IVF centroids and direct map (8 bytes a row) are read into the process's own memory. docs/SCALE.md measures both.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, ClassVar

import faiss
import numpy as np

from rag.index.recall import exact_search, method, tune
from rag.index.vector_options import Kind, VectorOptions

EF_SEARCH_CAP = 1024  # beyond it a flat scan of the sizes tested is as fast as the graph walk
# Filtered searches (`search_within`): rows scored per step, and the most an ivf index scores exactly (it reads
# vectors back one list entry at a time: past this a selector search costs less, scripts/bench/filter_bench.py).
EXACT_CHUNK = 16_384
IVF_EXACT_WITHIN = 5_000
VECTORS = "vectors.faiss"
EXACT = "vectors.exact.npy"
# Maps IndexFlat codes (also HNSW's storage) and IVF lists; absent before faiss 1.10, where nothing is mapped.
MMAP_FLAG = getattr(faiss, "IO_FLAG_MMAP_IFC", 0)


def row_cosines(rows: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """The inner product of each row of `rows` ([n, d]) with `vector`, each row summed on its own (numpy's einsum
    loop, not BLAS): a row's value does not depend on the rows that come with it, as a BLAS product's may by its
    blocking. Tested on random subsets of rows."""
    return np.einsum("ij,j->i", rows, vector)


def _flat_view(index: faiss.Index) -> np.ndarray:
    """The vectors of a flat FAISS index as a read-only (ntotal, d) array over FAISS's own memory: no copy."""
    if not isinstance(index, faiss.IndexFlat):
        raise TypeError(f"expected a flat FAISS index, got {type(index).__name__}")
    if index.ntotal == 0:
        return np.zeros((0, index.d), dtype=np.float32)
    view = faiss.rev_swig_ptr(index.get_xb(), index.ntotal * index.d).reshape(index.ntotal, index.d)
    view.flags.writeable = False
    return view


class DenseIndex(ABC):
    """A FAISS index of one kind, plus the exact vectors of its rows (`matrix`: a zero-copy view where FAISS has one,
    None where they are read back from the index).

    Valid while it lives; a loaded index is never added to. Made by `build` or `load`, which pick the kind's class.
    """

    kind: ClassVar[Kind]
    faiss_type: ClassVar[type]  # the FAISS class `load` recognises the kind by

    def __init__(self, index: Any, matrix: np.ndarray | None, description: dict[str, Any] | None = None) -> None:
        self.index = index  # Any: the attributes of each kind (hnsw, nprobe, storage) are not in faiss's stubs
        self.matrix = matrix
        self.description = description or {}

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
        scores, rows = self.index.search(queries, k, params=params)
        return scores, rows

    def search_within(self, queries: np.ndarray, k: int, rows: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """For each of `queries` (n, d): (scores, rows) of its best `k` of `rows` (sorted, distinct), best first.

        Exact, except on an ivf index past `IVF_EXACT_WITHIN` rows (`IvfIndex.search_within`). The kinds that keep
        their exact vectors in one array (flat, hnsw, ivfpq) score the admitted rows exactly, `EXACT_CHUNK` rows at a
        time, reading runs of consecutive rows (a document's passages) in place: linear in the rows admitted, and it
        finds the best of them wherever they lie. A graph walk with the rows as a selector would head for the
        question's neighbours and could miss admitted rows of another topic altogether (a document, a folder),
        whatever its breadth.
        """
        k = min(k, len(rows))
        if k == 0:
            return [(np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)) for _ in queries]
        return self._exact_within(queries, k, rows)

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

    @abstractmethod
    def set_search_parameter(self, value: int) -> None:
        """Set the kind's search parameter (efSearch, nprobe)."""

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
        built, params = _CLASSES[kind].create(vectors, options)
        built.description = {
            "kind": kind, "chosen": why, "index_type": type(built.index).__name__, "metric": "inner_product",
            "ntotal": n, "params": params, **built.tune(vectors, options, params),
            "build_seconds": round(time.perf_counter() - started, 3),
        }
        return built

    @classmethod
    @abstractmethod
    def create(cls, vectors: np.ndarray, options: VectorOptions) -> tuple[DenseIndex, dict[str, Any]]:
        """A new index of this kind holding `vectors`, and the build parameters the manifest records."""

    @abstractmethod
    def tune(self, vectors: np.ndarray, options: VectorOptions, params: dict[str, Any]) -> dict[str, Any]:
        """Set the search parameter for the target recall (adding it to `params`); the recall measured, described."""

    # -- files

    def save(self, folder: Path) -> None:
        """Write `vectors.faiss` (and what else the kind keeps beside it) into `folder`."""
        faiss.write_index(self.index, str(folder / VECTORS))

    @classmethod
    def load(cls, folder: Path, description: dict[str, Any] | None = None, *, mmap: bool = True) -> DenseIndex:
        """Read the index `save` wrote, memory-mapped when `mmap`; `description` is the manifest's `faiss` entry.

        Raises what FAISS, numpy or the file system raise (the caller translates).
        """
        description = description or {}
        index = faiss.read_index(str(folder / VECTORS), MMAP_FLAG if mmap else 0)
        kind = next((kind for kind, known in _CLASSES.items() if isinstance(index, known.faiss_type)), None)
        if kind is None:
            raise ValueError(f"unsupported FAISS index {type(index).__name__}")
        if description.get("kind", kind) != kind:
            raise ValueError(f"{VECTORS} holds a {kind} index, the manifest says {description['kind']}")
        loaded = _CLASSES[kind].opened(folder, index, description, mmap=mmap)
        params = description.get("params", {})
        if "efSearch" in params or "nprobe" in params:
            loaded.set_search_parameter(int(params.get("efSearch", params.get("nprobe", 1))))
        return loaded

    @classmethod
    @abstractmethod
    def opened(cls, folder: Path, index: Any, description: dict[str, Any], *, mmap: bool) -> DenseIndex:
        """The index of this kind `load` read from `folder`, with what the kind keeps beside it."""


class FlatIndex(DenseIndex):
    """Exact search over the vectors themselves."""

    kind = "flat"
    faiss_type = faiss.IndexFlat

    def __init__(self, index: Any, description: dict[str, Any] | None = None) -> None:
        super().__init__(index, _flat_view(index), description)

    @classmethod
    def create(cls, vectors: np.ndarray, options: VectorOptions) -> tuple[DenseIndex, dict[str, Any]]:
        index = faiss.IndexFlatIP(vectors.shape[1])
        index.add(vectors)
        return cls(index), {}

    def set_search_parameter(self, value: int) -> None:
        """Exact search has no parameter."""

    def tune(self, vectors: np.ndarray, options: VectorOptions, params: dict[str, Any]) -> dict[str, Any]:
        return {"recall@10": 1.0, "recall_method": "exact search"}

    @classmethod
    def opened(cls, folder: Path, index: Any, description: dict[str, Any], *, mmap: bool) -> DenseIndex:
        return cls(index, description)


class _Approximate(DenseIndex):
    """A kind that finds rows approximately, tuned by one search parameter (`parameter`)."""

    parameter: ClassVar[str]

    @abstractmethod
    def _start(self, options: VectorOptions) -> tuple[int, int]:
        """The search parameter's setting and its cap."""

    def tune(self, vectors: np.ndarray, options: VectorOptions, params: dict[str, Any]) -> dict[str, Any]:
        start, cap = self._start(options)
        params[self.parameter], recall = tune(self.search, self.set_search_parameter, vectors, start=start, cap=cap,
                                              target=options.target_recall, queries=options.recall_queries)
        return {"recall@10": round(recall, 4), "target_recall": options.target_recall,
                "target_met": recall >= options.target_recall,
                "recall_method": method(options.recall_queries, len(vectors))}


class HnswIndex(_Approximate):
    """A graph over the full vectors (their flat storage is the exact matrix)."""

    kind = "hnsw"
    faiss_type = faiss.IndexHNSWFlat
    parameter = "efSearch"

    def __init__(self, index: Any, description: dict[str, Any] | None = None) -> None:
        super().__init__(index, _flat_view(faiss.downcast_index(index.storage)), description)

    @classmethod
    def create(cls, vectors: np.ndarray, options: VectorOptions) -> tuple[DenseIndex, dict[str, Any]]:
        index = faiss.IndexHNSWFlat(vectors.shape[1], options.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = options.hnsw_ef_construction
        index.add(vectors)
        return cls(index), {"M": options.hnsw_m, "efConstruction": options.hnsw_ef_construction}

    def _start(self, options: VectorOptions) -> tuple[int, int]:
        return options.hnsw_ef_search, max(EF_SEARCH_CAP, options.hnsw_ef_search)  # a larger setting: the user's cap

    def set_search_parameter(self, value: int) -> None:
        self.index.hnsw.efSearch = value

    @classmethod
    def opened(cls, folder: Path, index: Any, description: dict[str, Any], *, mmap: bool) -> DenseIndex:
        return cls(index, description)


class _Lists(_Approximate):
    """An inverted-file index: k-means lists, `nprobe` of them probed per search."""

    parameter = "nprobe"

    @classmethod
    def _trained(cls, vectors: np.ndarray, nlist: int, codes: str) -> Any:
        """An IVF index of `nlist` lists storing `codes`, trained on a sample of `vectors`, holding them all."""
        n, d = vectors.shape
        index: Any = faiss.index_factory(d, f"IVF{nlist},{codes}", faiss.METRIC_INNER_PRODUCT)
        if codes != "Flat":
            index.do_polysemous_training = False  # minutes of annealing, unused
            index.pq.cp.max_points_per_centroid = 64  # 16k points train each sub-quantizer; 64k took minutes
        # 64 points per list train k-means well enough; all of a million would take many minutes on two cores
        train = vectors[np.random.default_rng(0).permutation(n)[:nlist * 64]] if n > nlist * 64 else vectors
        index.train(train)
        index.add(vectors)
        faiss.extract_index_ivf(index).make_direct_map()  # saved with it: a mapped IVF cannot build one
        return index

    def _start(self, options: VectorOptions) -> tuple[int, int]:
        return options.ivf_nprobe, int(faiss.extract_index_ivf(self.index).nlist)

    def set_search_parameter(self, value: int) -> None:
        self.index.nprobe = value


class IvfIndex(_Lists):
    """Lists of the full vectors, read back through the direct map built before saving."""

    kind = "ivf"
    faiss_type = faiss.IndexIVFFlat

    @classmethod
    def create(cls, vectors: np.ndarray, options: VectorOptions) -> tuple[DenseIndex, dict[str, Any]]:
        nlist = options.nlist(len(vectors))
        return cls(cls._trained(vectors, nlist, "Flat"), None), {"nlist": nlist}

    def search_within(self, queries: np.ndarray, k: int, rows: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """As `DenseIndex.search_within`, but past `IVF_EXACT_WITHIN` rows (an ivf index reads vectors back one
        list entry at a time) a search with the rows as a selector, probing more lists: nprobe times the inverse
        of the admitted share, up to all."""
        if min(k, len(rows)) == 0 or len(rows) <= IVF_EXACT_WITHIN:
            return super().search_within(queries, k, rows)
        k = min(k, len(rows))
        selector = faiss.IDSelectorBatch(np.ascontiguousarray(rows, dtype=np.int64))  # kept alive by this frame
        params = faiss.SearchParametersIVF()
        probes = int(self.index.nprobe)
        params.nprobe = min(max(probes, int(probes * self.ntotal / len(rows))), int(self.index.nlist))
        params.sel = selector
        scores, found = self.search(queries, k, params)
        return [(scores[i][found[i] >= 0], found[i][found[i] >= 0].astype(np.int64)) for i in range(len(queries))]

    @classmethod
    def opened(cls, folder: Path, index: Any, description: dict[str, Any], *, mmap: bool) -> DenseIndex:
        return cls(index, None, description)


class IvfPqIndex(_Lists):
    """IVF lists of product-quantised codes, the exact vectors kept beside them to re-score the `rerank` x k best
    codes of each query. Filtered searches score the exact vectors, whatever the count."""

    kind = "ivfpq"
    faiss_type = faiss.IndexIVFPQ

    def __init__(self, index: Any, matrix: np.ndarray | None, description: dict[str, Any] | None = None, *,
                 rerank: int = 1) -> None:
        if matrix is None:
            raise ValueError("an ivfpq index needs its exact vectors")
        super().__init__(index, matrix, description)
        self.rerank = rerank

    @classmethod
    def create(cls, vectors: np.ndarray, options: VectorOptions) -> tuple[DenseIndex, dict[str, Any]]:
        nlist = options.nlist(len(vectors))
        index = cls._trained(vectors, nlist, f"PQ{options.pq_m}x{options.pq_bits}")
        params = {"nlist": nlist, "pq_m": options.pq_m, "pq_bits": options.pq_bits, "rerank": options.pq_rerank}
        return cls(index, vectors, rerank=options.pq_rerank), params

    def search(self, queries: np.ndarray, k: int, params: Any = None) -> tuple[np.ndarray, np.ndarray]:
        _, rows = self.index.search(queries, k * self.rerank, params=params)
        assert self.matrix is not None
        exact = np.einsum("qkd,qd->qk", self.matrix[np.maximum(rows, 0)], queries)
        exact[rows < 0] = -np.inf
        order = np.argsort(-exact, axis=1, kind="stable")[:, :k]
        rows = np.take_along_axis(rows, order, axis=1)
        return np.take_along_axis(exact, order, axis=1).astype(np.float32), rows

    def save(self, folder: Path) -> None:
        super().save(folder)
        assert self.matrix is not None
        np.save(folder / EXACT, np.ascontiguousarray(self.matrix, dtype=np.float32))

    @classmethod
    def opened(cls, folder: Path, index: Any, description: dict[str, Any], *, mmap: bool) -> DenseIndex:
        exact = np.asarray(np.load(folder / EXACT, mmap_mode="r" if mmap else None))
        return cls(index, exact, description, rerank=int(description.get("params", {}).get("rerank", 1)))


# The one place a kind's class is picked, by kind to build, by FAISS class to load.
_CLASSES: dict[Kind, type[DenseIndex]] = {cls.kind: cls for cls in (FlatIndex, HnswIndex, IvfPqIndex, IvfIndex)}


__all__ = ["EXACT", "MMAP_FLAG", "VECTORS", "DenseIndex", "FlatIndex", "HnswIndex", "IvfIndex", "IvfPqIndex"]
