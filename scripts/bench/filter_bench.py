"""What a search filter costs on the dense side: `DenseIndex.search_within` against an unfiltered search.

    python -m scripts.bench.filter_bench             # 200k vectors, flat / hnsw / ivf; docs/results/filter_bench.json
    python -m scripts.bench.filter_bench --n 50000 --kinds flat -o /tmp/filter.json

Vectors and queries are those of `scripts.bench.scale_bench` (real all-MiniLM-L6-v2 embeddings of the datasets'
passages, then synthetic rows around them; held-out real questions as queries). Two shapes of filter, for each
admitted count:
- `span`: one run of consecutive rows, as a filter by document admits them (a document's passages are
  consecutive); here, as the synthetic rows are drawn independently, a set scattered over every topic;
- `topic`: the rows nearest one random real passage, so a set on one topic that the question may not be about (a
  folder of documents on one subject); rows in index order, so mostly not consecutive.
Each query is searched alone for 50 candidates (what the searcher asks for), FAISS and numpy's BLAS on one thread as
the server runs them. Printed: p50 milliseconds and recall@10 against exact search among the admitted rows, for the
path `search_within` takes (exact scoring for flat, hnsw and ivfpq; for ivf, exact up to `IVF_EXACT_WITHIN` rows,
then a selector search), and for ivf also the exact path at every count (`ivf exact`), which sets that threshold.
Medians of one run on a shared machine: compare the columns, not the milliseconds across runs.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from rag.index import dense
from rag.index.dense import DenseIndex
from rag.index.recall import recall_at
from rag.index.vector_options import VectorOptions
from rag.serving.runtime import single_threaded_search
from scripts.bench.common import DATASETS, RESULTS, real_embeddings, synthetic

CANDIDATES = 50
DEFAULT_IVF = dense.IVF_EXACT_WITHIN
COUNTS = (1_000, 2_000, 5_000, 10_000, 25_000, 50_000, 100_000)


def _time(index: DenseIndex, queries: np.ndarray, rows: np.ndarray) -> tuple[float, np.ndarray]:
    """(p50 ms, the 10 best scores of each query) of `search_within`, one query at a time."""
    times, best = [], []
    for query in queries:
        started = time.perf_counter()
        ((scores, _),) = index.search_within(query[None, :], CANDIDATES, rows)
        times.append(time.perf_counter() - started)
        best.append(np.pad(scores[:10], (0, 10 - len(scores[:10])), constant_values=-np.inf))  # fewer found
    return float(np.median(times) * 1000), np.array(best)


def _filters(data: np.ndarray, real: np.ndarray, count: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    first = int(rng.integers(0, len(data) - count + 1))
    topic = real[int(rng.integers(0, len(real)))]
    return {"span": np.arange(first, first + count, dtype=np.int64),
            "topic": np.sort(np.argpartition(-(data @ topic), count - 1)[:count]).astype(np.int64)}


def run(n: int, kinds: list[str], counts: list[int], queries_used: int) -> dict[str, object]:
    real, questions = real_embeddings(DATASETS)
    data = synthetic(real, n)
    queries = questions[:queries_used]
    single_threaded_search()  # as the server runs searches: FAISS and numpy's BLAS on one thread
    rng = np.random.default_rng(0)
    filters = {count: _filters(data, real, count, rng) for count in counts}
    results: dict[str, object] = {"n": n, "queries": len(queries), "candidates": CANDIDATES,
                                  "ivf_exact_within": dense.IVF_EXACT_WITHIN, "rows": []}
    rows_out: list[dict[str, object]] = results["rows"]  # type: ignore[assignment]
    for kind in kinds:
        index = DenseIndex.build(data, VectorOptions(kind=kind))  # type: ignore[arg-type]
        unfiltered = []
        for query in queries:
            started = time.perf_counter()
            index.search(query[None, :], CANDIDATES)
            unfiltered.append(time.perf_counter() - started)
        paths = [kind] + (["ivf exact"] if kind == "ivf" else [])
        for path in paths:
            dense.IVF_EXACT_WITHIN = n if path == "ivf exact" else DEFAULT_IVF
            for count in counts:
                for shape, rows in filters[count].items():
                    truth = np.sort(data[rows] @ queries.T, axis=0)[::-1][:10].T  # exact 10 best admitted
                    ms, best = _time(index, queries, rows)
                    rows_out.append({"path": path, "shape": shape, "admitted": count, "p50_ms": round(ms, 3),
                                     "recall@10": round(recall_at(best, truth), 4),
                                     "unfiltered_p50_ms": round(float(np.median(unfiltered) * 1000), 3)})
        dense.IVF_EXACT_WITHIN = DEFAULT_IVF
        del index
    return results


def table(results: dict[str, object]) -> str:
    lines = [f"{results['n']:,} vectors, {results['queries']} queries, {results['candidates']} candidates",
             "| path | admitted | span p50 ms | span R@10 | topic p50 ms | topic R@10 | unfiltered p50 ms |",
             "|---|---|---|---|---|---|---|"]
    cells: dict[tuple[str, int], dict[str, dict[str, object]]] = {}
    for row in results["rows"]:  # type: ignore[attr-defined]
        cells.setdefault((row["path"], row["admitted"]), {})[row["shape"]] = row
    for (path, count), by in cells.items():
        span, topic = by["span"], by["topic"]
        lines.append(f"| {path} | {count:,} | {span['p50_ms']:.2f} | {span['recall@10']:.3f} | "
                     f"{topic['p50_ms']:.2f} | {topic['recall@10']:.3f} | {span['unfiltered_p50_ms']:.2f} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=200_000, help="vectors in the index")
    parser.add_argument("--kinds", nargs="+", default=["flat", "hnsw", "ivf"])
    parser.add_argument("--counts", nargs="+", type=int, default=list(COUNTS), help="admitted rows per filter")
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("-o", "--output", type=Path, default=RESULTS / "filter_bench.json")
    args = parser.parse_args()
    results = run(args.n, args.kinds, [c for c in args.counts if c <= args.n], args.queries)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(table(results))
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
