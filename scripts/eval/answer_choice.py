"""Which passage the answer snippet comes from: snippet answer recall of each rule against passage answer recall@1.

    HF_HUB_OFFLINE=1 .venv/bin/python -m scripts.eval.answer_choice -o docs/results/answer_choice.json

Sets: the dev set on the seed corpus, piaf, cnil_faq_dev and en_stackfaq, indexed in memory as `rag eval` does (vectors
cached under /tmp/rag-sweep-cache, a folder per model, shared with `scripts.eval.answerable_fit`); every question
searched once (hybrid, k=5). Rules, over the highlights of the first three passages (`rag.search.snippets`, as served):

- `rank-1`: the first passage's highlight;
- `weighted`: the best product of highlight score and passage score (the rule before issue 15);
- `weighted-pN`: the best product of highlight score and passage score to the power N (a passage below the first
  needs a clearly better highlight);
- `weighted-p4-kept`: `weighted-p4`, but the first passage's highlight when it holds none of the question's words
  (a paraphrase that retrieval found: no other passage's words can outweigh a score of nothing);
- `weighted-p4-closest` (served): `weighted-p4`, but the first passage's highlight when the model ranks that passage
  first too (dense rank 1: fusion and model agree on it);
- `served`: `weighted-p4-closest` as `rag.search.answer.answer` reads the question's words (the passage's best
  sentence or two by the words alone, wherever the model drew the highlight shown);
- `served-context`: `served`, the question's words that the passage's title and heading path hold (its citation's
  label) counted as held too when its best sentence or two lacks them (their idf added to its words: `context`;
  measured, not adopted, docs/EVALUATION.md);
- `rank-1-unless-xF`: the first passage's highlight, unless another's highlight scores at least F times as much
  (question-word rarity it covers), the first of those then.

`snippet` is the share of questions whose chosen snippet, shown as the answer shows it
(`rag.search.answer.answer_span`: the highlight with whole sentences around it, an FAQ entry from its start), holds
a gold answer; `passage@1` the share whose first passage does (what `rag eval` reports as answer recall@1); `ratio`
the first over the second.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from rag.embedding.load import load_embedder
from rag.index.store import Index
from rag.schemas import Hit
from rag.search.answer import RETRIEVAL_POWER, answer_span
from rag.search.searcher import Query, Searcher
from rag.search.snippets import highlight
from rag.settings import Settings
from scripts.eval.answerable_fit import Remembered
from scripts.eval.common import ROOT, build, data_arguments, eval_targets, norm, write_sets

FACTORS = (1.25, 1.5, 2.0, 3.0)
POWERS = (2, 4, 8)


def held(hit: Hit, beyond: Mapping[str, float] | None) -> float:
    """The question's words a passage holds as `answer` reads them (its best sentence or two by the words alone,
    wherever the model drew the highlight), with the weights of those its title and heading path hold beyond them
    when `beyond` (passage id -> that weight, `context`) is given."""
    assert hit.highlight is not None
    words = hit.highlight.score if hit.reading.words is None else hit.reading.words
    return words + (beyond.get(hit.id, 0.0) if beyond is not None else 0.0)


def context(hits: Sequence[Hit], index: Index, question: str) -> dict[str, float]:
    """Passage id -> the idf weights of the question's words that its document's title and heading path hold and
    its best sentence or two by the words alone does not (the highlight, unless the model drew it elsewhere: then
    that window found again), for the first three passages."""
    analyzer, weights = index.lexical.analyzer, index.lexical.term_weights(question)
    beyond = {}
    for hit in hits[:3]:
        window = hit.highlight if hit.reading.words is None else highlight(hit.text, weights, analyzer)
        if window is None:
            continue
        label = hit.citation.title + (f" › {hit.citation.section}" if hit.citation.section else "")
        said = set(analyzer.terms(label)) - set(analyzer.terms(hit.text[window.start:window.end]))
        beyond[hit.id] = sum(weights.get(term, 0.0) for term in said)
    return beyond


def pick(hits: Sequence[Hit], rule: str, beyond: Mapping[str, float] | None = None) -> Hit | None:
    top = [h for h in hits[:3] if h.highlight is not None]
    if not top:
        return None
    if rule == "rank-1":
        return top[0]
    if rule.endswith("-kept") and not top[0].highlight.score:  # type: ignore[union-attr]
        return top[0]  # the first passage holds none of the question's words: a paraphrase, kept
    closest = rule.endswith(("-closest", "served", "-context"))
    if closest and top[0].rank == 1 and top[0].explain and top[0].explain.dense_rank == 1:
        return top[0]  # the model's closest passage, first after fusion too
    if rule in ("served", "served-context"):
        weighed = beyond if rule == "served-context" else None
        return max(top, key=lambda h: (held(h, weighed) * h.score ** RETRIEVAL_POWER, -h.rank))
    if rule.startswith("weighted"):
        power = int(rule.removesuffix("-kept").removesuffix("-closest").split("-p")[1]) if "-p" in rule else 1
        return max(top, key=lambda h: (h.highlight.score * h.score ** power, -h.rank))  # type: ignore[union-attr]
    factor = float(rule.rsplit("x", 1)[1])
    first = top[0].highlight.score  # type: ignore[union-attr]
    return next((h for h in top[1:] if h.highlight.score >= factor * first > 0), top[0])  # type: ignore[union-attr]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    data_arguments(ap)
    ap.add_argument("-o", "--output", type=Path)
    args = ap.parse_args()
    settings = Settings(corpus_dir=ROOT / "corpus")
    targets = eval_targets(args.datasets)
    model = load_embedder(settings)
    rules = ["rank-1", "weighted", *(f"weighted-p{n}" for n in POWERS), "weighted-p4-kept", "weighted-p4-closest",
             "served", "served-context", *(f"rank-1-unless-x{f}" for f in FACTORS)]
    report = []
    for name, target in targets.items():
        data = build(target, settings, model, args.cache / f"answerable-{name}.pkl")
        vectors = {q.question: v for q, v in zip(data["questions"], data["qv"], strict=True)}
        searcher = Searcher.from_settings(data["index"], Remembered(model, vectors), settings)
        questions = [q for q in data["questions"] if q.answers]
        results: list[list[Hit]] = []
        for i in range(0, len(questions), 64):
            results.extend(searcher.search([Query(q.question, 5, explain=True) for q in questions[i:i + 64]]))

        def holds(text: str, answers: Sequence[str]) -> bool:
            return any(norm(a) in norm(text) for a in answers)

        at1 = sum(bool(hits) and holds(hits[0].text, q.answers) for q, hits in zip(questions, results, strict=True))
        row: dict[str, object] = {"set": name, "questions": len(questions), "passage@1": round(at1 / len(questions), 4)}
        beyond = [context(hits, data["index"], q.question) for q, hits in zip(questions, results, strict=True)]
        for rule in rules:
            found = 0
            for q, hits, weighed in zip(questions, results, beyond, strict=True):
                chosen = pick(hits, rule, weighed)
                if chosen is not None and chosen.highlight is not None:
                    start, end = answer_span(chosen)
                    found += holds(chosen.text[start:end], q.answers)
            row[rule] = round(found / len(questions), 4)
            row[f"{rule} ratio"] = round(found / at1, 4) if at1 else None
        report.append(row)
        print(json.dumps(row), flush=True)
    write_sets(args.output, "answer_choice", report)


if __name__ == "__main__":
    main()
