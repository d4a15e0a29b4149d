"""Measure answer snippets: how often the top snippet holds the gold answer, per snippet method and answer choice.

    HF_HUB_OFFLINE=1 .venv/bin/python -m scripts.eval.snippet_eval ../shared/datasets/piaf \
        ../shared/datasets/en_stackfaq -o docs/results/snippet_eval.json

Each dataset is indexed in memory as `rag eval` does; every question is searched once (hybrid, k=5, default
settings); then each method picks a snippet in each returned passage, and each answer rule picks one of those
snippets as the answer. Methods:

- `lead`: the passage's first sentence (baseline);
- `lexical-1`: the sentence covering the most question-term idf (rag.search.snippets, one sentence at most);
- `lexical`: rag.search.snippets as served: one sentence, or two when the second adds question terms;
- `dense-1`: the sentence whose embedding is closest to the question's (one model call per sentence: the costly
  alternative, measured to see what it would buy);
- `passage`: the whole passage (the ceiling a snippet can reach; not a snippet);
- `excerpt-N`: `lexical`'s snippet with the whole sentences around it up to N characters, no list item, table row
  or heading added (`rag.search.snippets.excerpt` without its opening rule);
- `opening-N`: as `excerpt-400`, but a snippet that opens its passage (at most `OPENING_CHARS` before it) is shown
  from the passage's start up to N characters, and a list the snippet announces with a colon follows it (the
  served answer adds the FAQ rule: the first passage under a question heading is read from its start, which the
  methods cannot see; the `served` row measures it).

Targets are dataset folders, or questions files asked of the seed corpus (`tests/data/devset.jsonl`).

Figures per method and answer rule: `answer_in_snippet` (a gold answer, normalised as `rag eval` does, inside the
answer snippet), `answer_in_its_passage` (inside the passage the snippet comes from), their ratio (how much of
what retrieval found the snippet keeps), `snippet_in_gold` (the snippet is part of a gold answer; meaningful when
answers are whole passages, as in en_stackfaq), `from_gold_passage` (the answer comes from a gold passage) and
the mean snippet length in characters. Timings (medians of one run over the first 300 questions; a noisy machine, so
compare them only with each other): the snippet work per question (term weights and the k highlights, as served)
against encoding that question alone, and `rag.search.snippets.highlight` per passage, cold (sentence cache cleared) and
cached.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from unittest.mock import patch

import numpy as np

from rag.embedding.base import Embedder
from rag.embedding.load import load_embedder
from rag.evaluation import Question, memory_index
from rag.schemas import Hit
from rag.search.answer import RETRIEVAL_POWER, answer
from rag.search.searcher import Query, Searcher
from rag.search.snippets import ANSWER_CHARS, Highlighter, best_window, excerpt, sentences
from rag.settings import Settings
from scripts.eval.common import ROOT, norm, read_set

Span = tuple[int, int, float]  # start, end in the passage text, score (higher: better answer candidate)
K = 5
TIMED = 300  # questions timed per set


def lead(hit: Hit, _: dict[str, float], __: object) -> Span:
    parts = sentences(hit.text, ANALYZER)
    return (parts[0].start, parts[0].end, 0.0) if parts else (0, len(hit.text), 0.0)


def lexical_one(hit: Hit, weights: dict[str, float], _: object) -> Span:
    parts = sentences(hit.text, ANALYZER)
    best = max(range(len(parts)), key=lambda i: (sum(weights.get(t, 0.0) for t in parts[i].terms), -i))
    return parts[best].start, parts[best].end, sum(weights.get(t, 0.0) for t in parts[best].terms)


def lexical(hit: Hit, weights: dict[str, float], _: object) -> Span:
    parts = sentences(hit.text, ANALYZER)
    first, last, score = best_window(parts, weights)
    return parts[first].start, parts[last].end, score


def dense_one(hit: Hit, _: dict[str, float], question_vector: object) -> Span:
    parts = sentences(hit.text, ANALYZER)
    texts = [hit.text[p.start:p.end] for p in parts]
    sims = [float(SENTENCE_VECTORS[t] @ question_vector) for t in texts]  # type: ignore[operator]
    best = int(np.argmax(sims))
    return parts[best].start, parts[best].end, sims[best]


def passage(hit: Hit, _: dict[str, float], __: object) -> Span:
    return 0, len(hit.text), 0.0


def excerpt_of(budget: int, lead: int = 0) -> Callable[[Hit, dict[str, float], object], Span]:
    def method(hit: Hit, weights: dict[str, float], vector: object) -> Span:
        start, end, score = lexical(hit, weights, vector)
        return (*excerpt(hit.text, start, end, budget, lead), score)
    return method


METHODS: dict[str, Callable[[Hit, dict[str, float], object], Span]] = {
    "lead": lead, "lexical-1": lexical_one, "lexical": lexical, "dense-1": dense_one, "passage": passage,
    **{f"excerpt-{n}": excerpt_of(n) for n in (250, 400, 600, 700, 800)},
    **{f"opening-{n}": excerpt_of(ANSWER_CHARS, n) for n in (600, 700, 800, 900)}}
# answer rules: which passage's snippet becomes the answer
SERVED_RULE = f"weighted-p{RETRIEVAL_POWER}-top-3"  # rag.search.answer's rule
RULES = ("rank-1", "best-of-top-3", "best-of-top-5", "weighted-top-3", SERVED_RULE)
ANALYZER = None  # set per dataset: the index's analyzer
SENTENCE_VECTORS: dict[str, np.ndarray] = {}


def choose(spans: Sequence[Span], hits: Sequence[Hit], rule: str) -> int:
    """rank-1: the first passage's snippet; best-of-top-N: the best snippet score among the first N passages;
    weighted-top-N: the best snippet score times passage score among the first N; weighted-pP-top-N: times the
    passage score to the power P (served: `RETRIEVAL_POWER`)."""
    if rule == "rank-1":
        return 0
    depth = int(rule.rsplit("-", 1)[1])
    power = 0  # best-of: the snippet score alone
    if rule.startswith("weighted"):
        power = int(rule.split("-")[1][1:]) if rule.startswith("weighted-p") else 1
    top = spans[:depth]
    return max(range(len(top)), key=lambda i: (top[i][2] * hits[i].score ** power, -i))


def measure_cost(searcher: Searcher, questions: Sequence[Question]) -> dict[str, float]:
    """Medians, in ms: one-question searches (k=5) with and without snippets, taken in turns so that the machine's
    noise hits both alike, with the passages' sentences already analysed (the steady state of a server: each passage
    is analysed once, then cached); the snippet work alone, cached and cold (sentence cache emptied); encoding the
    question alone."""
    lexical = searcher.index.lexical
    with_, without, warm, cold, encode = [], [], [], [], []
    for q in questions:
        query = [Query(q.question, K)]
        hits = searcher.search(query)[0]
        highlighter = Highlighter(lexical.analyzer)  # empty: cold first, then warm with these passages analysed
        for bucket in (cold, warm):
            started = time.perf_counter()
            weights = lexical.term_weights(q.question)
            for h in hits:
                highlighter(h.text, weights)
            bucket.append(time.perf_counter() - started)
        started = time.perf_counter()
        searcher.search(query)
        with_.append(time.perf_counter() - started)
        with (patch.object(Highlighter, "__call__", lambda *_: None),
              patch.object(lexical, "term_weights", lambda _: {})):
            started = time.perf_counter()
            searcher.search(query)
            without.append(time.perf_counter() - started)
        started = time.perf_counter()
        searcher.embedder.embed_queries([q.question])
        encode.append(time.perf_counter() - started)
    ms = {name: round(1000 * statistics.median(values), 3) for name, values in
          [("search_ms", with_), ("search_without_snippets_ms", without), ("snippets_cached_ms", warm),
           ("snippets_cold_ms", cold), ("encode_ms", encode)]}
    return {**ms, "timed_questions": len(questions),
            "search_ratio": round(ms["search_ms"] / ms["search_without_snippets_ms"], 3)}


def evaluate(target: Path, settings: Settings, embedder: Embedder, limit: int | None,
             methods: Sequence[str]) -> dict[str, object]:
    global ANALYZER
    documents, questions = read_set(target, settings)
    index = memory_index(documents, settings, embedder)
    ANALYZER = index.lexical.analyzer  # type: ignore[assignment]
    searcher = Searcher(index, embedder, candidates=settings.candidates)
    questions = [q for q in questions[:limit] if q.answers]
    results: list[list[Hit]] = []
    for i in range(0, len(questions), 64):
        results.extend(searcher.search([Query(q.question, K) for q in questions[i:i + 64]]))
    vectors = embedder.embed_queries([q.question for q in questions])
    SENTENCE_VECTORS.clear()
    if "dense-1" in methods:
        texts = sorted({h.text[p.start:p.end] for hits in results for h in hits
                        for p in sentences(h.text, ANALYZER)})  # type: ignore[arg-type]
        SENTENCE_VECTORS.update(zip(texts, embedder.embed_passages(texts), strict=True))

    timing = measure_cost(searcher, questions[:TIMED])
    rows = []
    for name in methods:
        method = METHODS[name]
        rules = ("rank-1",) if name in ("lead", "passage") else (SERVED_RULE,) \
            if name.startswith(("excerpt", "opening")) else RULES
        for rule in rules:
            found = in_passage = in_gold = gold_passage = 0
            lengths = []
            for q, hits, vector in zip(questions, results, vectors, strict=True):
                if not hits:
                    continue
                weights = index.lexical.term_weights(q.question)
                spans = [method(h, weights, vector) for h in hits]
                pick = choose(spans, hits, rule)
                hit, (start, end, _) = hits[pick], spans[pick]
                snippet, whole = norm(hit.text[start:end]), norm(hit.text)
                answers = [norm(a) for a in q.answers]
                found += any(a in snippet for a in answers)
                in_passage += any(a in whole for a in answers)
                in_gold += any(snippet in a for a in answers)
                gold_passage += hit.citation.doc_id in q.gold
                lengths.append(end - start)
            n = len(questions)
            rows.append({"method": name, "answer_rule": rule, "questions": n,
                         "answer_in_snippet": round(found / n, 4), "answer_in_its_passage": round(in_passage / n, 4),
                         "kept": round(found / in_passage, 4) if in_passage else None,
                         "snippet_in_gold": round(in_gold / n, 4),
                         "from_gold_passage": round(gold_passage / n, 4),
                         "mean_chars": round(statistics.fmean(lengths))})
    rows.append(served_row(questions, results))
    return {"target": target.stem, "questions": len(questions), "k": K,
            **timing, "rows": rows}


def served_row(questions: Sequence[Question], results: Sequence[Sequence[Hit]]) -> dict[str, object]:
    """The answer exactly as the API gives it (`answer` over the hits as searched): `opening-700` plus the FAQ rule
    (`rag.search.answer.answers_heading`)."""
    found = in_passage = in_gold = gold_passage = 0
    lengths = []
    for q, hits in zip(questions, results, strict=True):
        best = answer(hits)
        if best is None:
            continue
        snippet, whole = norm(best.text), norm(hits[best.rank - 1].text)
        answers = [norm(a) for a in q.answers]
        found += any(a in snippet for a in answers)
        in_passage += any(a in whole for a in answers)
        in_gold += any(snippet in a for a in answers)
        gold_passage += best.citation.doc_id in q.gold
        lengths.append(len(best.text))
    n = len(questions)
    return {"method": "served (rag.search.answer)", "answer_rule": "as served", "questions": n,
            "answer_in_snippet": round(found / n, 4), "answer_in_its_passage": round(in_passage / n, 4),
            "kept": round(found / in_passage, 4) if in_passage else None, "snippet_in_gold": round(in_gold / n, 4),
            "from_gold_passage": round(gold_passage / n, 4), "mean_chars": round(statistics.fmean(lengths))}


def table(report: dict[str, object]) -> str:
    lines = [f"{report['target']}: {report['questions']} questions, top {report['k']} passages, "
             f"cost (medians over {report['timed_questions']} questions, k={report['k']}): search "
             f"{report['search_ms']} ms with snippets, {report['search_without_snippets_ms']} ms without "
             f"(ratio {report['search_ratio']}); snippets alone {report['snippets_cached_ms']} ms cached, "
             f"{report['snippets_cold_ms']} ms cold; encoding the question alone {report['encode_ms']} ms",
             "| method | answer rule | answer in snippet | answer in its passage | kept | snippet in gold "
             "| from gold passage | chars |",
             "|---|---|---|---|---|---|---|---|"]
    for r in report["rows"]:  # type: ignore[attr-defined]
        lines.append(f"| {r['method']} | {r['answer_rule']} | {r['answer_in_snippet']:.3f} | "
                     f"{r['answer_in_its_passage']:.3f} | {r['kept']:.3f} | {r['snippet_in_gold']:.3f} | "
                     f"{r['from_gold_passage']:.3f} | {r['mean_chars']} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="+", type=Path, help="dataset folders (passages.jsonl + questions.jsonl)")
    parser.add_argument("--limit", type=int, help="only the first N questions of each set")
    parser.add_argument("--methods", default=",".join(METHODS), help="comma-separated methods to compare")
    parser.add_argument("-o", "--output", type=Path, help="write the figures as JSON")
    args = parser.parse_args()
    settings = Settings(corpus_dir=ROOT / "corpus")
    embedder = load_embedder(settings)
    reports = []
    for target in args.targets:
        methods = [m.strip() for m in args.methods.split(",") if m.strip()]
        reports.append(evaluate(target, settings, embedder, args.limit, methods))
        print(table(reports[-1]), end="\n\n", flush=True)
    if args.output:
        args.output.write_text(json.dumps(reports, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
