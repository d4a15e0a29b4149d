"""What drawing highlights to the model's closest sentence window costs a search: the same searches with and without.

    HF_HUB_OFFLINE=1 .venv/bin/python -m scripts.bench.window_highlight_cost

piaf indexed in memory (vectors cached, as the evaluation sweeps cache them), 640 of its questions searched in
batches of 64 (hybrid, k=5) with their vectors already computed, so that the figure is the search's own work: the
window lookup and the second highlight pass over the returned passages, against the same searches with the window
turned off. Five rounds, the two taken in turns; medians of milliseconds per question, and their ratio (a shared
machine: only the ratio and the difference mean anything).
"""

from __future__ import annotations

import argparse
import statistics
import time

from rag.embedding.load import load_embedder
from rag.search import searcher as searching
from rag.search.searcher import Query, Searcher
from rag.settings import Settings
from scripts.eval.answerable_fit import Remembered
from scripts.eval.common import ROOT, build, data_arguments

QUESTIONS, BATCH, ROUNDS = 640, 64, 5


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    data_arguments(ap)
    args = ap.parse_args()
    settings = Settings(corpus_dir=ROOT / "corpus")
    model = load_embedder(settings)
    data = build(args.datasets / "piaf", settings, model, args.cache / "answerable-piaf.pkl")
    vectors = {q.question: v for q, v in zip(data["questions"], data["qv"], strict=True)}
    searcher = Searcher.from_settings(data["index"], Remembered(model, vectors), settings)
    queries = [Query(q.question, 5) for q in data["questions"][:QUESTIONS]]
    searcher.search(queries[:BATCH])  # the passages' sentences analysed once, as a server's cache holds them
    served = searching._Remembered.near
    times: dict[str, list[float]] = {"with the window": [], "without": []}
    try:
        for _ in range(ROUNDS):
            for name in times:
                searching._Remembered.near = served if name == "with the window" else (lambda *_: None)
                started = time.perf_counter()
                for i in range(0, len(queries), BATCH):
                    searcher.search(queries[i:i + BATCH])
                times[name].append(1000 * (time.perf_counter() - started) / len(queries))
    finally:
        searching._Remembered.near = served
    medians = {name: statistics.median(t) for name, t in times.items()}
    for name, median in medians.items():
        print(f"{name:16} {median:.3f} ms per question (rounds: {', '.join(f'{t:.2f}' for t in times[name])})")
    print(f"ratio {medians['with the window'] / medians['without']:.2f}, "
          f"difference {medians['with the window'] - medians['without']:.3f} ms per question")


if __name__ == "__main__":
    main()
