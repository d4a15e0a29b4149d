"""The questions whose first passage does not hold their answer (answer R@1 misses), on the long help pages' sets,
searched in process as the server searches (hybrid, default settings; vectors cached as for the other sweeps).

    HF_HUB_OFFLINE=1 .venv/bin/python -m scripts.eval.answer_misses [--sets a,b] [-o FILE]

For each miss: the question, its gold answer, the first passage holding it (the gold passage: its rank among 50,
its fused, dense and lexical scores and ranks, its section, its length in characters and its place in the section)
and the passage ranked first (the same). Sets: audit 42's and 43's pages, the Spanish and German pages, the help
centre and audit 37's pages. The misses' causes in docs/EVALUATION.md ("Answers on long help pages") were read from
this script's output.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from rag.embedding.load import load_embedder
from rag.ingestion.stages import section_numbers
from rag.search.searcher import Query, Searcher
from rag.settings import Settings
from scripts.eval.answerable_fit import Remembered
from scripts.eval.common import ROOT, build, data_arguments, norm
from scripts.eval.passage_sweep import all_targets

SETS = ("help_centre", "audit_help", "audit42_help", "audit43_help", "es_help", "de_help")


def describe(index: Any, sections: list[int], hit: Any) -> dict[str, Any]:
    """A ranked passage as the report shows it."""
    row = index.rows[hit.id]
    chunk = index.passages[row]
    siblings = [r for r, s in enumerate(sections) if s == sections[row]]
    e = hit.explain
    return {"rank": hit.rank, "row": row, "fused": round(hit.score, 4), "dense": round(e.dense_score, 4),
            "lexical": round(e.lexical_score, 3), "dense_rank": e.dense_rank, "lexical_rank": e.lexical_rank,
            "section": chunk.section, "doc": chunk.doc_id, "chars": len(chunk.text),
            "part": f"{siblings.index(row) + 1}/{len(siblings)}", "text": chunk.text[:160]}


def misses(searcher: Searcher, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The questions of `data` with answers whose first passage holds none, as `describe` shows them."""
    index = searcher.index
    sections = list(section_numbers(index.passages))
    out = []
    for q in data["questions"]:
        if not q.answers:
            continue
        gold = [norm(a) for a in q.answers]
        hits = searcher.search([Query(q.question, 50, explain=True)])[0]
        holds = [h for h in hits if any(a in norm(h.text) for a in gold)]
        if holds and holds[0].rank == 1:
            continue
        row: dict[str, Any] = {"id": q.id, "question": q.question, "answer": q.answers[0],
                               "first": describe(index, sections, hits[0])}
        if holds:
            row["gold"] = describe(index, sections, holds[0])
            row["same_section"] = sections[row["gold"]["row"]] == sections[row["first"]["row"]]
        else:
            row["gold"] = {"rank": None, "rows_holding": [r for r, c in enumerate(index.passages)
                                                          if any(a in norm(c.text) for a in gold)]}
        out.append(row)
    return out


def searchers(args: argparse.Namespace, default: Sequence[str]) -> Iterator[tuple[str, Searcher, dict[str, Any]]]:
    """Each set named by `args.sets` (else `default`): its name, a searcher over its built index (the questions'
    vectors cached) and the built set (`common.build`)."""
    model = load_embedder(Settings(corpus_dir=ROOT / "corpus"))
    for name in args.sets.split(",") if args.sets else default:
        target, corpus = all_targets(args.datasets)[name]
        settings = Settings(corpus_dir=corpus)
        data = build(target, settings, model, args.cache / f"answerable-{name}.pkl")
        vectors = {q.question: v for q, v in zip(data["questions"], data["qv"], strict=True)}
        yield name, Searcher.from_settings(data["index"], Remembered(model, vectors), settings), data


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    data_arguments(ap)
    ap.add_argument("--sets")
    ap.add_argument("-o", "--output", type=Path)
    args = ap.parse_args()
    report = {}
    for name, searcher, data in searchers(args, SETS):
        report[name] = misses(searcher, data)
        for row in report[name]:
            print(json.dumps({"set": name, **row}, ensure_ascii=False), flush=True)
    if args.output:
        args.output.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
