"""cnil_faq_dev as an FAQ spreadsheet, as its JSON Lines file and as text files, each scored by `rag eval`: does a
CSV FAQ, or a JSON Lines export, retrieve as well?

    HF_HUB_OFFLINE=1 nice .venv/bin/python -m scripts.eval.csv_faq [--out DIR] [--dataset FOLDER]

Writes the 503 entries of `../shared/datasets/cnil_faq_dev` (or `--dataset`) three times under DIR (a temporary
folder by default): `csv/cnil_faq.csv`, one file of `question;réponse` rows as Excel's French export writes them
(UTF-8 with its mark, `;`, quotes around a cell holding a `;`, a quote or a line break, `\\r\\n` between rows);
`jsonl/cnil_faq.jsonl`, the dataset's own `passages.jsonl` copied as is under another name (a folder holding a
`passages.jsonl` is read by `rag eval` as a dataset, each passage a document, not as a corpus); and `txt/`,
one text file per entry titled by `sources.toml`, as `scripts.eval.http_audit` writes them. Then runs, for each folder,

    HF_HUB_OFFLINE=1 nice .venv/bin/rag eval QUESTIONS --corpus DIR/csv --modes hybrid

and, for the dataset itself (each passage one document, `title` then `text`, as `rag eval` reads a dataset),

    HF_HUB_OFFLINE=1 nice .venv/bin/rag eval DATASET --modes hybrid

and prints answer recall at 1 and 5 and snippet recall side by side. QUESTIONS is cnil_faq_dev's `questions.jsonl`
for the text files; for the spreadsheet and the JSON Lines file, `DIR/questions-answers.jsonl`, the same questions
without `passage_ids`: they name the entries' documents, which one file is not (`rag eval` refuses gold documents its
corpus does not hold), and document recall means nothing for one file.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from scripts.eval.http_audit import DATASETS, RAG, cnil_corpus

METRICS = ("answer_recall@1", "answer_recall@5", "snippet_recall")


def csv_corpus(cnil: Path, folder: Path) -> Path:
    """cnil_faq_dev's entries as one spreadsheet of questions and answers, as Excel exports it in French."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "cnil_faq.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(["question", "réponse"])
        for line in (cnil / "passages.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            writer.writerow([row["title"], row["text"]])
    return folder


def answers_only(cnil: Path, path: Path) -> Path:
    """cnil_faq_dev's questions without the documents they name, scored on their answers alone."""
    rows = [json.loads(line) for line in (cnil / "questions.jsonl").read_text(encoding="utf-8").splitlines() if line]
    path.write_text("".join(json.dumps({k: v for k, v in row.items() if k != "passage_ids"}, ensure_ascii=False)
                            + "\n" for row in rows), encoding="utf-8")
    return path


def jsonl_corpus(cnil: Path, folder: Path) -> Path:
    """cnil_faq_dev's `passages.jsonl`, copied as is into a corpus folder of its own, under a name `rag eval` does not
    read as a dataset's."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cnil / "passages.jsonl", folder / "cnil_faq.jsonl")
    return folder


def evaluate(questions: Path, corpus: Path | None, output: Path) -> dict[str, float]:
    """`rag eval` of `questions` over `corpus` (a dataset's own passages when None), hybrid: its figures."""
    command = [RAG, "eval", str(questions), *(["--corpus", str(corpus)] if corpus else []), "--modes", "hybrid",
               "-o", str(output)]
    print("$ HF_HUB_OFFLINE=1", " ".join(command), flush=True)
    subprocess.run(command, check=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    (report,) = json.loads(output.read_text(encoding="utf-8"))
    (scores,) = report["scores"]
    return {**scores, "passages": report["passages"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="where to write the two corpora (default: a temporary folder)")
    parser.add_argument("--dataset", type=Path, default=DATASETS / "cnil_faq_dev", help="cnil_faq_dev's folder")
    args = parser.parse_args()
    cnil = args.dataset
    with tempfile.TemporaryDirectory(prefix="csv-faq-") as tmp:
        out = args.out or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        answers = answers_only(cnil, out / "questions-answers.jsonl")
        layouts: dict[str, tuple[Path, Path | None]] = {
            "one .csv file": (answers, csv_corpus(cnil, out / "csv")),
            "passages.jsonl as is, one .jsonl file": (answers, jsonl_corpus(cnil, out / "jsonl")),
            "one .txt file per entry": (cnil / "questions.jsonl", cnil_corpus(out / "txt", cnil)),
            "the dataset (`rag eval DATASET`)": (cnil, None),
        }
        rows = {name: evaluate(questions, folder, out / f"{folder.name if folder else 'dataset'}.json")
                for name, (questions, folder) in layouts.items()}
    print("| layout | passages | " + " | ".join(METRICS) + " |")
    print("|---|---:|" + "---:|" * len(METRICS))
    for name, figures in rows.items():
        print(f"| {name} | {figures['passages']} | " + " | ".join(f"{figures[metric]:.3f}" for metric in METRICS)
              + " |")


if __name__ == "__main__":
    main()
