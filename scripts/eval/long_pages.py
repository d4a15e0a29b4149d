"""Long pages: the datasets' paragraphs joined back into one page per title, and the same questions asked.

    HF_HUB_OFFLINE=1 .venv/bin/python -m scripts.eval.long_pages ../shared/datasets/piaf \
        ../shared/datasets/en_stackfaq -o docs/results/long_pages.json

The evaluation sets hold one paragraph per document, so chunking never has to cut anything. Users index whole
help pages. piaf's 761 paragraphs come from 191 Wikipedia articles (up to 30 paragraphs each), en_stackfaq's 719
answers from 125 questions: this script writes each title's paragraphs, in the dataset's order, as one Markdown
page (the title as its `# ` heading, paragraphs separated by blank lines), writes the questions with their gold
answers (no passage ids: the passages are now `rag`'s own chunks), and runs `rag eval` over both layouts, as a
user would, hybrid mode, default settings. Answer recall (a gold answer inside a returned passage) and snippet
recall (inside `answer.text`) are comparable between the layouts; passage recall is not (no gold ids for chunks).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def _jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def write_pages(dataset: Path, work: Path) -> tuple[Path, Path, Path]:
    """(pages folder, paragraphs folder, questions file) for one dataset folder."""
    pages, paragraphs = work / f"{dataset.name}-pages", work / f"{dataset.name}-paragraphs"
    pages.mkdir()
    paragraphs.mkdir()
    by_title: dict[str, list[str]] = defaultdict(list)
    for row in _jsonl(dataset / "passages.jsonl"):
        title = " ".join((row.get("title") or row["id"]).split())
        by_title[title].append(row["text"].strip())
        (paragraphs / f"{row['id']}.md").write_text(f"# {title}\n\n{row['text'].strip()}\n", encoding="utf-8")
    for n, (title, texts) in enumerate(by_title.items()):
        (pages / f"page-{n:04d}.md").write_text(f"# {title}\n\n" + "\n\n".join(texts) + "\n", encoding="utf-8")
    questions = work / f"{dataset.name}-questions.jsonl"
    with questions.open("w", encoding="utf-8") as out:
        for q in _jsonl(dataset / "questions.jsonl"):
            out.write(json.dumps({"id": q["id"], "question": q["question"], "answers": q["answers"]},
                                 ensure_ascii=False) + "\n")
    return pages, paragraphs, questions


def rag_eval(questions: Path, corpus: Path, limit: int | None, out: Path) -> dict:
    command = [sys.executable, "-m", "rag.cli", "eval", str(questions), "--corpus", str(corpus), "--modes", "hybrid",
               "-o", str(out)] + (["--limit", str(limit)] if limit else [])
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    return json.loads(out.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("datasets", nargs="+", type=Path, help="dataset folders (passages.jsonl + questions.jsonl)")
    parser.add_argument("--limit", type=int, help="ask only the first N questions of each set")
    parser.add_argument("-o", "--output", type=Path, help="write the figures as JSON")
    args = parser.parse_args(argv)
    figures: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for dataset in args.datasets:
            pages, paragraphs, questions = write_pages(dataset, work)
            for layout, corpus in (("paragraphs", paragraphs), ("pages", pages)):
                result = rag_eval(questions, corpus, args.limit, work / f"{dataset.name}-{layout}.json")
                row = {"documents": result[0]["documents"], "passages": result[0]["passages"],
                       **result[0]["scores"][0]}
                figures[f"{dataset.name}/{layout}"] = row
                shown = {k: v for k, v in row.items()
                         if k.startswith(("answer_recall", "snippet", "passages", "documents"))}
                print(f"{dataset.name:14} {layout:10} " + json.dumps(shown))
    if args.output:
        args.output.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
