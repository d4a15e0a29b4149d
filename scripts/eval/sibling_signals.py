"""Sibling sections of one page: which signals tell the passage that answers from the one ranked above it, and the
question-shaped headings' discount measured. Searched in process as the server searches (hybrid, default settings;
vectors cached as for the other sweeps).

    HF_HUB_OFFLINE=1 .venv/bin/python -m scripts.eval.sibling_signals [--sets a,b] [--gap 0.1] [-o FILE]
    HF_HUB_OFFLINE=1 .venv/bin/python -m scripts.eval.sibling_signals --sweep [--sets a,b] [--variants a,b] [-o FILE]

*Signals* (the first form). For every question with answers, the first passage and the best-ranked other passage of
the same document among the first five are a *pair* when their fused scores lie within `--gap`; a pair is a *miss*
when only the second holds a gold answer, a *hit* when only the first does (pairs where both or neither hold one are
left out). For each signal below (each passage's value, the larger wins), it counts the misses the signal would put
right (the second's value higher) and the hits it would put wrong: a signal worth a ranking change puts many misses
right and few hits wrong. Sets: the help centre, audit 37's, 42's and 43's pages, the Spanish and German pages.

Signals (q: the question's analysed terms with their idf, as BM25 weighs them; a passage's *own heading* is its
section path, without the document title its siblings share):

- `head_share`, `body_share`: the idf share of q's distinct terms found in the passage's own heading, in its text;
- `head_first`: `head_share`, then `body_share` to break its ties (a heading naming the question's words first);
- `window<n>`: the largest idf share of q's distinct terms found together in `n` consecutive terms of the text
  (the question's rare words close together);
- `cos_passage`, `cos_heading`, `cos_window`: the passage's own cosine, its heading's, its best window's (the
  dense score is their maximum); `cos_mean`: their mean (a passage close to the question everywhere);
- `dense`, `lexical`: the two sides' raw scores; `rank_sum`: minus the sum of the two retrievers' ranks (their
  agreement);
- `statement`: 1 for a section heading that is not a question (no "?"), 0 for one that is.

*Sweep* (`--sweep`): `passage_sweep`'s sets (and options) under the variants below, each set's figures over all its
questions and over each half of them by a hash of their id (`half`: "A", where a setting is chosen, and "B"):

- `default`: the searcher as it serves (a section heading worded as a question scores
  `1 - rag.index.headings.QUESTION_DISCOUNT` of its cosine);
- `q<d>`: those headings score `1 - d` of it instead (`q0`: their whole cosine, as before the discount);
- `qtitles<d>`: as `q<d>`, a document title worded as a question too.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

import scripts.eval.audit_sweep as audit_sweep
from rag.index.headings import asks
from rag.search.searcher import Query, Searcher
from scripts.eval.answer_misses import SETS, searchers
from scripts.eval.common import data_arguments, norm
from scripts.eval.fusion_forms import table
from scripts.eval.passage_sweep import CURRENT, all_targets, prepare

SCORE = audit_sweep.score

WINDOWS = (8, 16)


def share(weights: dict[str, float], terms: set[str]) -> float:
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in terms) / total if total > 0 else 0.0


def window_share(weights: dict[str, float], terms: list[str], n: int) -> float:
    """The best idf share of the question's distinct terms among `n` consecutive terms."""
    best = 0.0
    for start in range(max(1, len(terms) - n + 1)):
        best = max(best, share(weights, set(terms[start:start + n])))
    return best


def signals(index: Any, vector: np.ndarray, weights: dict[str, float], hit: Any) -> dict[str, float]:
    """Every signal of the module docstring for one hit."""
    row = index.rows[hit.id]
    chunk, item = index.passages[row], hit.explain
    analyzer = index.lexical.analyzer
    rows = np.array([row])
    heading = set(analyzer.terms(chunk.section or ""))
    body = analyzer.terms(chunk.text)
    cos_passage = float(index.vectors.vectors_for(rows)[0] @ vector)
    cos_heading = float(index.headings.rescore(rows, vector)[0]) if index.headings is not None else cos_passage
    cos_window = float(index.windows.rescore(rows, vector)[0]) if index.windows is not None else -np.inf
    cos_window = cos_window if np.isfinite(cos_window) else cos_passage
    out = {"head_share": share(weights, heading), "body_share": share(weights, set(body)),
           "cos_passage": cos_passage, "cos_heading": cos_heading, "cos_window": cos_window,
           "cos_mean": (cos_passage + cos_heading + cos_window) / 3, "dense": item.dense_score,
           "lexical": item.lexical_score, "rank_sum": -((item.dense_rank or 99) + (item.lexical_rank or 99)),
           "statement": float("?" not in (chunk.section or ""))}
    out["head_first"] = out["head_share"] + 1e-3 * out["body_share"]
    out |= {f"window{n}": window_share(weights, body, n) for n in WINDOWS}
    return out


def pairs(searcher: Searcher, data: dict[str, Any], gap: float) -> list[dict[str, Any]]:
    """The module docstring's pairs of one set, each with both passages' signals."""
    index = searcher.index
    out = []
    for q, vector in zip(data["questions"], data["qv"], strict=True):
        if not q.answers:
            continue
        gold = [norm(a) for a in q.answers]
        ranking = searcher.search([Query(q.question, 5, explain=True)])[0]
        if len(ranking) < 2:
            continue
        first = ranking[0]
        other = next((h for h in ranking[1:] if h.citation.doc_id == first.citation.doc_id), None)
        if other is None or first.score - other.score > gap:
            continue
        holds = [any(a in norm(h.text) for a in gold) for h in (first, other)]
        if holds[0] == holds[1]:
            continue
        weights = index.lexical.term_weights(q.question)
        out.append({"id": q.id, "question": q.question, "kind": "hit" if holds[0] else "miss",
                    "gap": round(first.score - other.score, 4),
                    "first": {"section": index.passages[index.rows[first.id]].section,
                              **signals(index, vector, weights, first)},
                    "other": {"section": index.passages[index.rows[other.id]].section,
                              **signals(index, vector, weights, other)}})
    return out


def tally(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Per signal: misses put right and hits put wrong by preferring the larger value, of how many."""
    names = [k for k in rows[0]["first"] if k != "section"] if rows else []
    out = {}
    for name in names:
        right = sum(r["kind"] == "miss" and r["other"][name] > r["first"][name] + 1e-9 for r in rows)
        wrong = sum(r["kind"] == "hit" and r["other"][name] > r["first"][name] + 1e-9 for r in rows)
        out[name] = {"misses_right": right, "hits_wrong": wrong}
    out["pairs"] = {"misses": sum(r["kind"] == "miss" for r in rows), "hits": sum(r["kind"] == "hit" for r in rows)}
    return out


@contextlib.contextmanager
def question_headings_scaled(share: float, titles: bool = False) -> Iterator[None]:
    """Every section heading worded as a question (`rag.index.headings.asks`) scoring `1 - share` of its cosine
    instead of `1 - QUESTION_DISCOUNT` (`titles`: a document title worded as one too), for the set about to run."""
    index = CURRENT["index"]
    if index.headings is None:
        yield
        return
    questions = np.zeros(len(index.headings.vectors), dtype=bool)
    for row, chunk in enumerate(index.passages):
        questions[index.headings.of_row[row]] |= asks(chunk) or (titles and chunk.title.rstrip().endswith("?"))
    original = index.headings.scale
    index.headings.scale = np.where(questions, np.float32(1 - share), np.float32(1)).astype(np.float32)
    try:
        yield
    finally:
        index.headings.scale = original


VARIANTS: dict[str, Callable[[], contextlib.AbstractContextManager[None]]] = {
    "default": contextlib.nullcontext,
    **{f"q{d:g}": (lambda d=d: question_headings_scaled(d)) for d in (0, 0.005, 0.01, 0.02, 0.03)},
    **{f"qtitles{d:g}": (lambda d=d: question_headings_scaled(d, True)) for d in (0.01,)},
}


def half(question_id: str) -> str:
    """The half a question falls in, by a hash of its id: "A" (where a setting is chosen) or "B"."""
    return "AB"[zlib.crc32(question_id.encode("utf-8")) % 2]


def score_by_halves(searcher: Searcher, data: dict[str, Any]) -> dict[str, Any]:
    """`audit_sweep.score` over the whole set, then over each half of its questions (`half`)."""
    out = SCORE(searcher, data)
    for name in "AB":
        part = [q for q in data["questions"] if half(q.id) == name]
        if part:
            out[name] = SCORE(searcher, {**data, "questions": part})
    return out


def sweep() -> None:
    """The variants of `VARIANTS` over every set of `passage_sweep` (its options), each half reported too."""
    audit_sweep.score = score_by_halves
    sys.argv.remove("--sweep")
    print(table(audit_sweep.main(VARIANTS, all_targets, __doc__, prepare)))


def main() -> None:
    if "--sweep" in sys.argv:
        sweep()
        return
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    data_arguments(ap)
    ap.add_argument("--sets")
    ap.add_argument("--gap", type=float, default=0.1, help="the largest fused gap of a pair (default 0.1)")
    ap.add_argument("--variant", default="q0", help="the ranking the pairs are read from, one of the sweep's "
                    "variants (default q0: as before the discount, as the misses were read)")
    ap.add_argument("--sweep", action="store_true", help="measure the sweep's variants instead (see above)")
    ap.add_argument("-o", "--output", type=Path)
    args = ap.parse_args()
    every: list[dict[str, Any]] = []
    report: dict[str, Any] = {}
    for name, searcher, data in searchers(args, SETS):
        prepare(data)
        with VARIANTS[args.variant]():
            rows = pairs(searcher, data, args.gap)
        every += [{"set": name, **r} for r in rows]
        report[name] = tally(rows)
        print(json.dumps({"set": name, **report[name]["pairs"]}), flush=True)
    report["all"] = tally(every)
    for signal, counts in report["all"].items():
        print(f"{signal:12} {json.dumps(counts)}")
    if args.output:
        args.output.write_text(json.dumps({"tally": report, "pairs": every}, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
