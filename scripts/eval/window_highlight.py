"""Highlights drawn to the sentence window the model finds closest: snippet recall with and without, and with the
answer's passage chosen by the shown highlight's own score.

    HF_HUB_OFFLINE=1 .venv/bin/python -m scripts.eval.window_highlight -o docs/results/window_highlight.json

Sets: the dev set and the chat messages (`tests/data/chat/`) on the seed corpus, the help centre
(`tests/data/help_centre/`), piaf, cnil_faq_dev and en_stackfaq, indexed in memory as `rag eval` does (vectors cached
under /tmp/rag-sweep-cache, shared with the other sweeps); every question searched once (hybrid, k=5), then three
answers built from the same hits (`rag.search.answer.answer`):

- `words`: each passage's highlight by the question's words alone (`rag.search.snippets`, the release before);
- `served`: the highlight of a passage with sentence windows drawn to the window closest to the question by the
  model (`snippets.best_window`'s `near`), the answer's passage chosen by the passage's best sum of question words;
- `shown`: as `served`, the answer's passage chosen by the shown highlight's own sum instead.

`snippet` is the share of questions whose answer holds a gold answer; `passage@1` the share whose first passage does.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rag.embedding.load import load_embedder
from rag.schemas import Hit
from rag.search.answer import ANSWER_DEPTH, RETRIEVAL_POWER, answer, answer_span
from rag.search.searcher import Query, Searcher
from rag.search.snippets import highlight
from rag.settings import Settings
from scripts.eval.answerable_fit import Remembered
from scripts.eval.common import ROOT, build, data_arguments, eval_targets, norm, write_sets

VARIANTS = ("words", "served", "shown")


def holds(text: str, answers: tuple[str, ...]) -> bool:
    return any(norm(a) in norm(text) for a in answers)


def shown(hits: list[Hit], searcher: Searcher, question: str, name: str) -> str | None:
    """The answer's text as variant `name` builds it from `hits`."""
    if name == "served":
        found = answer(hits)
        return None if found is None else found.text
    if name == "words":  # the passages' highlights by the question's words alone, as the release before made them
        index = searcher.index
        terms = index.lexical.term_weights(question)
        return shown([h.model_copy(update={"highlight": highlight(h.text, terms, index.lexical.analyzer)})
                      for h in hits], searcher, question, "served")
    # "shown": the passage whose shown highlight scores best (times its retrieval score), its answer as served
    top = [h for h in hits[:ANSWER_DEPTH] if h.highlight is not None]
    if not top:
        return None
    best = max(top, key=lambda h: (h.highlight.score * h.score ** RETRIEVAL_POWER, -h.rank))  # type: ignore[union-attr]
    start, end = answer_span(best)
    return best.text[start:end]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    data_arguments(ap)
    ap.add_argument("-o", "--output", type=Path)
    args = ap.parse_args()
    model = load_embedder(Settings(corpus_dir=ROOT / "corpus"))
    targets = {name: (target, ROOT / "corpus") for name, target in eval_targets(args.datasets).items()}
    targets["chat"] = (ROOT / "tests" / "data" / "chat" / "questions.jsonl", ROOT / "corpus")
    help_centre = ROOT / "tests" / "data" / "help_centre"
    targets["help_centre"] = (help_centre / "questions.jsonl", help_centre / "pages")
    report = []
    for name, (target, corpus) in targets.items():
        settings = Settings(corpus_dir=corpus)
        data = build(target, settings, model, args.cache / f"answerable-{name}.pkl")
        vectors = {q.question: v for q, v in zip(data["questions"], data["qv"], strict=True)}
        searcher = Searcher.from_settings(data["index"], Remembered(model, vectors), settings)
        questions = [q for q in data["questions"] if q.answers]
        found = {v: 0 for v in VARIANTS}
        at1 = 0
        for i in range(0, len(questions), 64):
            chunk = questions[i:i + 64]
            for q, hits in zip(chunk, searcher.search([Query(q.question, 5) for q in chunk]), strict=True):
                at1 += bool(hits) and holds(hits[0].text, q.answers)
                for v in VARIANTS:
                    text = shown(list(hits), searcher, q.question, v)
                    found[v] += text is not None and holds(text, q.answers)
        row = {"set": name, "questions": len(questions), "passage@1": round(at1 / len(questions), 4),
               **{v: round(n / len(questions), 4) for v, n in found.items()}}
        report.append(row)
        print(json.dumps(row), flush=True)
    write_sets(args.output, "window_highlight", report)


if __name__ == "__main__":
    main()
