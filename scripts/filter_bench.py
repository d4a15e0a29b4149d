"""What a search filter costs on the dense side: `DenseIndex.search_within` against an unfiltered search.

    python scripts/filter_bench.py                       # 200k vectors, flat / hnsw / ivf; docs/filter_bench.json
    python scripts/filter_bench.py --n 50000 --kinds flat -o /tmp/filter.json

Vectors and queries are those of `scripts/scale_bench.py` (real all-MiniLM-L6-v2 embeddings of the datasets'
passages, then synthetic rows around them; held-out real questions as queries). A filter admits one span of
consecutive rows, as a filter by document does (a document's passages are consecutive). For each admitted count,
each query is searched alone for 50 candidates (what the searcher asks for), FAISS and numpy's BLAS on one thread
as the server runs them, by both paths `search_within` chooses between: exact scoring of the admitted rows, and
FAISS with the rows as a selector (HNSW efSearch / IVF nprobe widened by the inverse of the admitted share).
Printed: p50 milliseconds and recall@10 against exact search among the admitted rows; the path `search_within`
takes at that count is starred.
Medians of one run on a shared machine: compare the columns, not the milliseconds across runs.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from scale_bench import DATASETS, real_embeddings, synthetic  # noqa: E402

from rag import vectors  # noqa: E402
from rag.index import single_threaded_search  # noqa: E402
from rag.vectors import DenseIndex, VectorOptions, recall_at  # noqa: E402

CANDIDATES = 50
DEFAULT = dict(vectors.EXACT_WITHIN)
COUNTS = (1_000, 2_000, 5_000, 10_000, 25_000, 50_000, 100_000)


def _time(index: DenseIndex, queries: np.ndarray, rows: np.ndarray, exact_within: int) -> tuple[float, np.ndarray]:
    """(p50 ms, the 10 best scores of each query) of `search_within` with the exact path up to `exact_within`."""
    vectors.EXACT_WITHIN = {**DEFAULT, index.kind: exact_within}
    times, best = [], []
    for query in queries:
        started = time.perf_counter()
        scores, _ = index.search_within(query, CANDIDATES, rows)
        times.append(time.perf_counter() - started)
        best.append(np.pad(scores[:10], (0, 10 - len(scores[:10])), constant_values=-np.inf))  # fewer found
    return float(np.median(times) * 1000), np.array(best)


def run(n: int, kinds: list[str], counts: list[int], queries_used: int) -> dict[str, object]:
    real, questions = real_embeddings(DATASETS)
    data = synthetic(real, n)
    queries = questions[:queries_used]
    single_threaded_search()  # as the server runs searches: FAISS and numpy's BLAS on one thread
    rng = np.random.default_rng(0)
    results: dict[str, object] = {"n": n, "queries": len(queries), "candidates": CANDIDATES,
                                  "exact_within": DEFAULT, "kinds": {}}
    for kind in kinds:
        index = DenseIndex.build(data, VectorOptions(kind=kind))  # type: ignore[arg-type]
        started_all = []
        for query in queries:
            started = time.perf_counter()
            index.search(query[None, :], CANDIDATES)
            started_all.append(time.perf_counter() - started)
        rows_out = []
        for count in counts:
            first = int(rng.integers(0, n - count + 1))
            rows = np.arange(first, first + count, dtype=np.int64)
            truth = np.sort(data[rows] @ queries.T, axis=0)[::-1][:10].T  # exact 10 best admitted scores per query
            exact_ms, exact_best = _time(index, queries, rows, exact_within=count)
            selector_ms, selector_best = _time(index, queries, rows, exact_within=0)
            rows_out.append({"admitted": count, "exact_p50_ms": round(exact_ms, 3),
                             "exact_recall@10": round(recall_at(exact_best, truth), 4),
                             "selector_p50_ms": round(selector_ms, 3),
                             "selector_recall@10": round(recall_at(selector_best, truth), 4),
                             "chosen": "exact" if count <= DEFAULT[index.kind] else "selector"})
        vectors.EXACT_WITHIN = DEFAULT
        results["kinds"][kind] = {"unfiltered_p50_ms": round(float(np.median(started_all) * 1000), 3),  # type: ignore[index]
                                  "params": index.description.get("params", {}), "filters": rows_out}
        del index
    return results


def table(results: dict[str, object]) -> str:
    lines = [f"{results['n']:,} vectors, {results['queries']} queries, {results['candidates']} candidates; "
             "* = the path search_within takes",
             "| kind | admitted | exact p50 ms | exact R@10 | selector p50 ms | selector R@10 | unfiltered p50 ms |",
             "|---|---|---|---|---|---|---|"]
    for kind, found in results["kinds"].items():  # type: ignore[attr-defined]
        for row in found["filters"]:
            star_e, star_s = ("*", "") if row["chosen"] == "exact" else ("", "*")
            lines.append(f"| {kind} | {row['admitted']:,} | {row['exact_p50_ms']:.2f}{star_e} | "
                         f"{row['exact_recall@10']:.3f} | {row['selector_p50_ms']:.2f}{star_s} | "
                         f"{row['selector_recall@10']:.3f} | {found['unfiltered_p50_ms']:.2f} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=200_000, help="vectors in the index")
    parser.add_argument("--kinds", nargs="+", default=["flat", "hnsw", "ivf"])
    parser.add_argument("--counts", nargs="+", type=int, default=list(COUNTS), help="admitted rows per filter")
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "docs" / "filter_bench.json")
    args = parser.parse_args()
    results = run(args.n, args.kinds, [c for c in args.counts if c <= args.n], args.queries)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(table(results))
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
