"""Every answer the question sets get, as `rag eval` scores them (hybrid, default settings, each corpus's model as
`rag eval` picks it: `RAG_MODEL=auto`), written as JSON; and two such files compared: per set, how many answer
texts changed, how many of those gained or lost a gold answer, and with `-v` each changed answer before and after.
What a change to the answer's choice needs besides the recall figures: which answers it moved, to judge them.

    HF_HUB_OFFLINE=1 .venv/bin/python -m scripts.eval.answer_texts write /tmp/after.json [--sets devset,piaf,...]
    .venv/bin/python -m scripts.eval.answer_texts compare /tmp/before.json /tmp/after.json [-v]

Sets (`--sets`, default all): the questions of the seed corpus (`devset`, `chat`, `audit_seed`), of the shared
datasets (`cnil_faq_dev`, `piaf`, `en_stackfaq`, from `--datasets`) and of the test pages the HTTP audit serves
(`help_centre`, `audit_help`, `audit42_help`, `audit43_help`, `tables`, `es_help`, `de_help`) and audit 49's
exported spaces (`audit49`). Each set's `snippet_recall` is `rag eval`'s, to the digit.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from rag.embedding.base import Embedder
from rag.embedding.load import load_embedder
from rag.evaluation import Models, evaluate, has_answer
from rag.search.answer import answer
from rag.settings import Settings
from scripts.eval.common import ROOT
from scripts.eval.http_audit import DATASETS

DATA = ROOT / "tests" / "data"


def sets(datasets: Path) -> dict[str, tuple[Path, Path | None]]:
    """Set name -> (`rag eval` target, corpus folder for a questions file; None for a dataset folder)."""
    pages = {"help_centre": ("help_centre/questions.jsonl", "help_centre/pages"),
             "audit_help": ("audit37/help_questions.jsonl", "audit37/pages"),
             "audit42_help": ("audit42/help_questions.jsonl", "audit42/pages"),
             "audit43_help": ("audit43/help_questions.jsonl", "audit43/pages"),
             "tables": ("tables/questions.jsonl", "tables/pages"),
             "es_help": ("languages/es/questions.jsonl", "languages/es/pages"),
             "de_help": ("languages/de/questions.jsonl", "languages/de/pages"),
             "audit49": ("audit49/questions.jsonl", "audit49/spaces")}
    return {"devset": (DATA / "devset.jsonl", ROOT / "corpus"),
            "chat": (DATA / "chat" / "questions.jsonl", ROOT / "corpus"),
            "audit_seed": (DATA / "audit37" / "seed_questions.jsonl", ROOT / "corpus"),
            **{name: (DATA / questions, DATA / corpus) for name, (questions, corpus) in pages.items()},
            **{name: (datasets / name, None) for name in ("cnil_faq_dev", "piaf", "en_stackfaq")}}


def write(out: Path, names: list[str], datasets: Path) -> None:
    known = sets(datasets)
    unknown = [name for name in names if name not in known]
    if unknown:
        raise SystemExit(f"unknown sets {unknown}; the sets are {', '.join(known)}")
    report: dict[str, Any] = {}
    loaded: dict[str, Embedder] = {}  # each model loaded once, whatever corpora it reads

    def load(settings: Settings) -> Embedder:
        if settings.model not in loaded:
            loaded[settings.model] = load_embedder(settings)
        return loaded[settings.model]

    models: dict[Path | None, Models] = {}  # per corpus: a questions file's corpus decides its model
    for name in names:
        target, corpus = known[name]
        settings = Settings() if corpus is None else Settings(corpus_dir=corpus)
        chosen, embedder, vectors = models.setdefault(corpus, Models(settings, load)).of(target)
        answers: dict[str, dict[str, Any]] = {}

        def keep(_: object, questions: Any, __: str, results: Any, answers: dict[str, Any] = answers) -> None:
            for question, hits in zip(questions, results, strict=True):
                found = answer(hits)
                text = None if found is None else found.text
                answers[question.id] = {"text": text, "holds": bool(text and has_answer(text, question.answers))}

        scores = evaluate(target, chosen, embedder, ["hybrid"], vectors=vectors, keep=keep)["scores"][0]
        report[name] = {"snippet_recall": scores["snippet_recall"], "answers": answers}
        print(f"{name}: {len(answers)} questions, snippet recall {scores['snippet_recall']}", flush=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")


def compare(before: Path, after: Path, verbose: bool) -> None:
    old, new = (json.loads(path.read_text(encoding="utf-8")) for path in (before, after))
    for name in (name for name in new if name in old):
        a, b = old[name]["answers"], new[name]["answers"]
        changed = [q for q in b if q in a and a[q]["text"] != b[q]["text"]]
        gained = sum(b[q]["holds"] and not a[q]["holds"] for q in changed)
        lost = sum(a[q]["holds"] and not b[q]["holds"] for q in changed)
        print(f"{name}: {len(changed)} of {len(b)} answers changed, {gained} gained a gold answer, {lost} lost one; "
              f"snippet recall {old[name]['snippet_recall']} -> {new[name]['snippet_recall']}")
        for q in changed if verbose else []:
            print(f"  {q} ({'holds' if a[q]['holds'] else 'misses'} -> {'holds' if b[q]['holds'] else 'misses'})\n"
                  f"    before: {a[q]['text']!r}\n    after:  {b[q]['text']!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    writing = commands.add_parser("write", help="write every answer of the sets as JSON")
    writing.add_argument("output", type=Path)
    writing.add_argument("--sets", help="comma-separated set names (default: all)")
    writing.add_argument("--datasets", type=Path, default=DATASETS, help="the shared datasets folder")
    comparing = commands.add_parser("compare", help="compare two files `write` wrote")
    comparing.add_argument("before", type=Path)
    comparing.add_argument("after", type=Path)
    comparing.add_argument("-v", "--verbose", action="store_true", help="print each changed answer")
    args = parser.parse_args()
    if args.command == "write":
        names = args.sets.split(",") if args.sets else list(sets(args.datasets))
        write(args.output, names, args.datasets)
    else:
        compare(args.before, args.after, args.verbose)


if __name__ == "__main__":
    main()
