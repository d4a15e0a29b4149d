"""What drawing highlights to the model's closest sentence window costs a search, per question.

    HF_HUB_OFFLINE=1 .venv/bin/python -m scripts.bench.window_highlight_cost

piaf indexed in memory (vectors cached, as the evaluation sweeps cache them), 640 of its questions searched once
(hybrid, k=5). Then, for the five passages each question gets, the highlight work timed both ways, in turns, with
the passages' sentences already analysed (a server's steady state, `snippets.Highlighter`'s cache): by the question's
words alone, and as served, adding the look-up of the passage's closest window (`Windows.best_span`, its sentences'
offsets) and the highlight drawn to it. Five rounds; medians of milliseconds per question, their difference and the
search's own time per question (its vectors computed before) to compare it with.
"""

from __future__ import annotations

import argparse
import statistics
import time
from functools import lru_cache

from rag.embedding.load import load_embedder
from rag.passage import sentence_spans
from rag.search.searcher import Query, Searcher
from rag.search.snippets import Highlighter
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
    index = data["index"]
    vectors = {q.question: v for q, v in zip(data["questions"], data["qv"], strict=True)}
    searcher = Searcher.from_settings(index, Remembered(model, vectors), settings)
    questions = data["questions"][:QUESTIONS]
    started = time.perf_counter()
    found = []
    for i in range(0, len(questions), BATCH):
        found.extend(searcher.search([Query(q.question, 5) for q in questions[i:i + BATCH]]))
    search_ms = 1000 * (time.perf_counter() - started) / len(questions)
    cases = [(index.lexical.term_weights(q.question), vectors[q.question], [(index.rows[h.id], h.text) for h in hits])
             for q, hits in zip(questions, found, strict=True)]
    highlighter = Highlighter(index.lexical.analyzer)
    offsets = lru_cache(maxsize=8192)(sentence_spans)  # as the searcher keeps them
    assert index.windows is not None
    windows = index.windows

    def words() -> None:
        for terms, _, passages in cases:
            for _, text in passages:
                highlighter(text, terms)

    def served() -> None:
        for terms, vector, passages in cases:
            for row, text in passages:
                highlighter(text, terms)  # the words' best, which the answer's choice of passage reads
                span = windows.best_span(row, vector)
                if span is not None:
                    spans = offsets(text)
                    highlighter(text, terms, (spans[span[0]][0], spans[span[1] - 1][1]))

    words()  # every passage's sentences analysed once
    served()
    times: dict[str, list[float]] = {"words alone": [], "served": []}
    for _ in range(ROUNDS):
        for name, work in (("words alone", words), ("served", served)):
            started = time.perf_counter()
            work()
            times[name].append(1000 * (time.perf_counter() - started) / len(cases))
    medians = {name: statistics.median(t) for name, t in times.items()}
    for name, median in medians.items():
        print(f"{name:12} {median:.3f} ms per question (rounds: {', '.join(f'{t:.3f}' for t in times[name])})")
    print(f"difference {medians['served'] - medians['words alone']:.3f} ms per question; the search itself "
          f"{search_ms:.2f} ms per question (vectors computed before)")


if __name__ == "__main__":
    main()
