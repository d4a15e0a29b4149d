"""The audit's sets and the visible ones, searched in process as the server searches (hybrid, k=5; vectors cached
as for the other sweeps), under variants of one choice: passage R@1/R@5 and MRR@10 (a gold document), answer R@1
(a gold answer in the first passage), snippet (in the answer's span) and the share said answerable.

    HF_HUB_OFFLINE=1 .venv/bin/python -m scripts.eval.audit_sweep [--sets a,b] [--variants a,b] [-o FILE]

Sets: the dev set, the chat messages and the audit's seed-corpus questions (seed corpus), the help centre and the
audit's long pages, piaf, cnil_faq_dev (its dev questions and the audit's), en_stackfaq; the off-topic sets for
the share said answerable. The variants are defined in `VARIANTS` (each a context manager patching one choice).
"""

from __future__ import annotations

import argparse
import contextlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

import rag.search.fusion as fusion
import rag.search.searcher as searching
import scripts.eval.common as common
from rag.corpus.reader import Document
from rag.embedding.load import load_embedder
from rag.evaluation import Question, corpus_documents, dataset_documents, read_questions
from rag.search.answer import answer
from rag.search.searcher import Query, Searcher
from rag.settings import Settings
from scripts.eval.answerable_fit import Remembered
from scripts.eval.common import ROOT, build, data_arguments, norm

DATA = ROOT / "tests" / "data"
AUDIT = DATA / "audit37"


def read_set(target: Path, settings: Settings) -> tuple[list[Document], list[Question]]:
    """As `common.read_set`, a questions file asked of a dataset folder too, off-topic questions unscored."""
    if target.is_dir():
        return dataset_documents(target / "passages.jsonl"), read_questions(target / "questions.jsonl")
    return corpus_documents(settings.corpus_dir), read_questions(target, scored=False)


common.read_set = read_set  # `build` reads its sets through it


def targets(datasets: Path) -> dict[str, tuple[Path, Path]]:
    corpus, help_centre = ROOT / "corpus", DATA / "help_centre"
    return {
        "devset": (DATA / "devset.jsonl", corpus),
        "chat": (DATA / "chat" / "questions.jsonl", corpus),
        "chat_off": (DATA / "chat" / "off_topic.jsonl", corpus),
        "audit_seed": (AUDIT / "seed_questions.jsonl", corpus),
        "audit_seed_off": (AUDIT / "off_topic_seed.jsonl", corpus),
        "help_centre": (help_centre / "questions.jsonl", help_centre / "pages"),
        "help_off": (help_centre / "off_topic.jsonl", help_centre / "pages"),
        "audit_help": (AUDIT / "help_questions.jsonl", AUDIT / "pages"),
        "audit_help_off": (AUDIT / "off_topic_help.jsonl", AUDIT / "pages"),
        "cnil_faq_dev": (datasets / "cnil_faq_dev", corpus),
        "audit_cnil": (AUDIT / "cnil_questions.jsonl", datasets / "cnil_faq_dev"),
        "piaf": (datasets / "piaf", corpus),
        "en_stackfaq": (datasets / "en_stackfaq", corpus),
    }


Combine = Callable[[np.ndarray, np.ndarray, np.ndarray, float], np.ndarray]


@contextlib.contextmanager
def fused_by(combine: Combine) -> Iterator[None]:
    """`searching.fuse` replaced, in hybrid mode (0 < weight < 1), by `combine`'s scores, ties by row."""
    original = searching.fuse

    def patched(candidates: np.ndarray, dense: np.ndarray, lexical: np.ndarray, weight: float,
                dense_ranks: dict[int, int], lexical_ranks: dict[int, int]) -> fusion.Ranking:
        if len(candidates) == 0 or weight in (0.0, 1.0):
            return original(candidates, dense, lexical, weight, dense_ranks, lexical_ranks)
        fused = combine(candidates, dense, lexical, weight)
        order = np.lexsort((candidates, -fused))
        return fusion.Ranking(candidates[order], fused[order], dense[order], lexical[order], dense_ranks,
                              lexical_ranks)

    searching.fuse = patched
    try:
        yield
    finally:
        searching.fuse = original


def dense_floor(floor: float) -> contextlib.AbstractContextManager[None]:
    """`fusion.fuse` as the searcher calls it, its min-max scaling of the cosines stretching a spread narrower than
    `floor` only to `floor` (the rest as `fuse` does it: lexical scores over their maximum, ties by row)."""

    def combine(candidates: np.ndarray, dense: np.ndarray, lexical: np.ndarray, weight: float) -> np.ndarray:
        low, high = float(dense.min()), float(dense.max())
        lex_max = float(lexical.max())
        lex_norm = lexical / lex_max if lex_max > 0 else np.zeros_like(lexical)
        if high - low <= 1e-9:
            scaled = np.ones_like(dense) if high > 0 else np.zeros_like(dense)
        else:
            scaled = (dense - low) / max(high - low, floor)
        return weight * scaled + (1.0 - weight) * lex_norm

    return fused_by(combine)


VARIANTS: dict[str, Callable[[], contextlib.AbstractContextManager[None]]] = {
    "default": contextlib.nullcontext,
    **{f"floor{f:g}": (lambda f=f: dense_floor(f)) for f in (0.02, 0.04, 0.06, 0.08, 0.1)},
}


def score(searcher: Searcher, data: dict[str, Any]) -> dict[str, float]:
    questions = data["questions"]
    totals = dict.fromkeys(("R@1", "R@5", "MRR", "ans@1", "snippet", "answerable"), 0.0)
    graded = answered = 0
    for i in range(0, len(questions), 64):
        chunk = questions[i:i + 64]
        for q, hits in zip(chunk, searcher.search([Query(q.question, 10) for q in chunk]), strict=True):
            totals["answerable"] += hits.answerable
            if q.gold:
                graded += 1
                docs: list[str] = []
                for h in hits:
                    if h.citation.doc_id not in docs:
                        docs.append(h.citation.doc_id)
                first = next((n for n, d in enumerate(docs[:10], 1) if d in q.gold), None)
                totals["R@1"] += first == 1
                totals["R@5"] += bool(first and first <= 5)
                totals["MRR"] += 1 / first if first else 0
            if q.answers:
                answered += 1
                gold = [norm(a) for a in q.answers]
                totals["ans@1"] += bool(hits) and any(a in norm(hits[0].text) for a in gold)
                found = answer(hits[:5])
                if found is not None:
                    totals["snippet"] += any(a in norm(found.text) for a in gold)
    n = len(questions)
    out = {"n": n, "answerable": round(totals["answerable"] / n, 4)}
    if graded:
        out |= {k: round(totals[k] / graded, 4) for k in ("R@1", "R@5", "MRR")}
    if answered:
        out |= {k: round(totals[k] / answered, 4) for k in ("ans@1", "snippet")}
    return out


def main(variants: dict[str, Callable[[], contextlib.AbstractContextManager[None]]] | None = None,
         sets_of: Callable[[Path], dict[str, tuple[Path, Path]]] = targets, description: str | None = None,
         prepare: Callable[[dict[str, Any]], None] | None = None) -> dict[str, dict[str, Any]]:
    """Every set of `sets_of` under every variant of `variants` (this module's own by default); `prepare` reads each
    set's built index before its variants run. Returns the report written by `-o`: {set: {variant: figures}}."""
    variants = VARIANTS if variants is None else variants
    ap = argparse.ArgumentParser(description=(description or __doc__ or "").split("\n\n")[0])
    data_arguments(ap)
    ap.add_argument("--sets")
    ap.add_argument("--variants", default=",".join(variants))
    ap.add_argument("-o", "--output", type=Path)
    args = ap.parse_args()
    model = load_embedder(Settings(corpus_dir=ROOT / "corpus"))
    report: dict[str, dict[str, Any]] = {}
    for name, (target, corpus) in sets_of(args.datasets).items():
        if args.sets and name not in args.sets.split(","):
            continue
        settings = Settings(corpus_dir=corpus)
        data = build(target, settings, model, args.cache / f"answerable-{name}.pkl")
        if prepare is not None:
            prepare(data)
        vectors = {q.question: v for q, v in zip(data["questions"], data["qv"], strict=True)}
        searcher = Searcher.from_settings(data["index"], Remembered(model, vectors), settings)
        for variant in args.variants.split(","):
            with variants[variant]():
                row = score(searcher, data)
            report.setdefault(name, {})[variant] = row
            print(json.dumps({"set": name, "variant": variant, **row}), flush=True)
    if args.output:
        args.output.write_text(json.dumps(report, indent=1) + "\n")
    return report

if __name__ == "__main__":
    main()
