"""What the heading and window vectors cost a question, scanned in full or re-scoring the candidates only.

    python -m scripts.bench.extra_scan --sizes 3072 20000 100000 400000 1600000 -o docs/results/extra_scan.json

For each size, random unit vectors stand for the sentence windows of a build (four to a passage, as on piaf: 3,072
windows for 817 passages) and for its headings (one to a passage, the most a build has). For each of `--questions`
random question vectors it times, on one thread as the server runs it (`rag.serving.runtime.single_threaded_search`):

- scan: every window and heading scored (`Windows.passage_scores`, the headings' product), the best rows of each
  taken (`Windows.best_rows`, `Headings.best_rows`), and the candidates' scores read (`Windows.scores_of`): what
  a question costs up to `RAG_EXTRA_SCAN_MAX` vectors of a kind;
- rescore: the candidates' windows and headings only (`Windows.rescore`, `Headings.rescore`): beyond it.

The candidates are 150 random rows (50 from each retriever and the extra rows, as `RAG_CANDIDATES` = 50 gives).
It prints the median milliseconds a question of each, and their ratio; and, beyond the limit, what a filtered search
adds when its passages' vectors fit the limit and are all scored (`Index.extra_rows`): `Windows.scan_rows` and
`Headings.rescore` over a filter of `--filter` consecutive passages (a folder; 5,000 passages: 20,000 windows).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np

from rag.index.headings import Headings
from rag.index.windows import Windows
from rag.serving.runtime import single_threaded_search

DIMENSION = 384
WINDOWS_PER_PASSAGE = 4
CANDIDATES = 150


def _unit(rng: np.random.Generator, n: int) -> np.ndarray:
    vectors = rng.standard_normal((n, DIMENSION), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors


def measure(windows_count: int, questions: int, filtered: int, seed: int = 0) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    passages = max(1, windows_count // WINDOWS_PER_PASSAGE)
    rows = np.repeat(np.arange(passages), WINDOWS_PER_PASSAGE)[:windows_count]
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    first = np.arange(windows_count) - np.repeat(starts, np.diff(np.r_[starts, windows_count]))
    windows = Windows(_unit(rng, windows_count), np.stack([rows, first, first + 1], axis=1))
    headings = Headings(_unit(rng, passages), np.arange(passages))
    scan, rescore, within = [], [], []
    start = passages // 3
    folder = np.arange(start, min(passages, start + filtered))
    for vector in _unit(rng, questions):
        candidates = np.unique(rng.choice(passages, min(CANDIDATES, passages), replace=False))
        started = time.perf_counter()
        best = windows.passage_scores(vector)
        cosines = headings.vectors @ vector
        found = np.union1d(windows.best_rows(best, 50), headings.best_rows(cosines, 50))
        np.maximum(windows.scores_of(candidates, best), cosines[headings.of_row[candidates]])
        scan.append(time.perf_counter() - started)
        assert len(found)
        started = time.perf_counter()
        np.maximum(windows.rescore(candidates, vector), headings.rescore(candidates, vector))
        rescore.append(time.perf_counter() - started)
        started = time.perf_counter()
        windows.scan_rows(folder, vector), headings.rescore(folder, vector)
        within.append(time.perf_counter() - started)
    scan_ms, rescore_ms = 1000 * statistics.median(scan), 1000 * statistics.median(rescore)
    return {"windows": windows_count, "headings": passages, "scan_ms": round(scan_ms, 3),
            "rescore_ms": round(rescore_ms, 3), "ratio": round(scan_ms / rescore_ms, 1),
            "filter_passages": len(folder), "filter_ms": round(1000 * statistics.median(within), 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[3072, 20_000, 100_000, 400_000])
    parser.add_argument("--questions", type=int, default=41)
    parser.add_argument("--filter", type=int, default=5_000, help="passages of the filter (default 5,000)")
    parser.add_argument("-o", "--output", type=Path)
    args = parser.parse_args(argv)
    single_threaded_search()
    rows = []
    print(f"{'windows':>10} {'headings':>9} {'scan ms':>9} {'rescore ms':>11} {'ratio':>7} {'filter ms':>10}")
    for size in args.sizes:
        row = measure(size, args.questions, args.filter)
        rows.append(row)
        print(f"{row['windows']:>10} {row['headings']:>9} {row['scan_ms']:>9} {row['rescore_ms']:>11} "
              f"{row['ratio']:>7} {row['filter_ms']:>10}", flush=True)
    if args.output:
        args.output.write_text(json.dumps({"questions": args.questions, "candidates": CANDIDATES,
                                           "filter": args.filter, "rows": rows},
                                          indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
