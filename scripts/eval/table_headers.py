"""Long tables cut over passages: whether a question naming a row and a column finds the passage holding the row,
and whether its answer says what the cells are (the column's name shown with the row).

    HF_HUB_OFFLINE=1 .venv/bin/python -m scripts.eval.table_headers [--questions FILE] [--corpus DIR]

Ingests `tests/data/tables/pages` (a bank's fees in Markdown, a town's prices in HTML, each table cut over six
passages at the default 256 tokens) into a temporary index with default settings, asks each question of
`tests/data/tables/questions.jsonl` (hybrid, k = 5) and prints, per question, the rank of the first passage holding
the question's row, whether the answer holds that row and the gold answer, and whether it holds the table's header
row (its column names); then the shares. The question's row: of the rows holding the gold answer in a cell after
the first, the one whose first cell shares the most words with the question (accents and case aside).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import unicodedata
from pathlib import Path

from rag.embedding.load import load_embedder
from rag.index.store import Index
from rag.ingestion.pipeline import ingest
from rag.search.answer import answer
from rag.search.searcher import Query, Searcher
from rag.settings import Settings
from scripts.eval.common import ROOT, norm

TABLES = ROOT / "tests" / "data" / "tables"


def _folded(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", norm(text)) if not unicodedata.combining(c))


def _row(passages: list[str], question: str, gold: str) -> str | None:
    """The first cell of the row the question names: of the rows holding `gold`, the one whose first cell shares the
    most words with the question."""
    asked = set(_folded(question).replace("'", " ").replace("?", " ").split())
    best, best_shared = None, 0
    for text in passages:
        for line in text.splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) < 2 or not any(gold in cell for cell in cells[1:]):
                continue
            shared = len(asked & set(_folded(cells[0]).replace("'", " ").replace(",", " ").split()))
            if shared > best_shared:
                best, best_shared = cells[0], shared
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--questions", type=Path, default=TABLES / "questions.jsonl")
    ap.add_argument("--corpus", type=Path, default=TABLES / "pages")
    args = ap.parse_args()
    questions = [json.loads(line) for line in args.questions.read_text(encoding="utf-8").splitlines() if line]
    with tempfile.TemporaryDirectory(prefix="rag-tables-") as tmp:
        settings = Settings(corpus_dir=args.corpus, index_dir=Path(tmp) / "index")
        embedder = load_embedder(settings)
        ingest(settings, embedder=embedder)
        index = Index.load(settings.index_dir)
        searcher = Searcher(index, embedder)
        texts = [p.text for p in index.passages]
        found = searcher.search([Query(q["question"], 5, "hybrid", False) for q in questions])
    totals = {"row@1": 0, "row@5": 0, "value": 0, "header": 0}
    for q, hits in zip(questions, found, strict=True):
        gold = q["answers"][0]
        row = _row(texts, q["question"], gold)
        rank = next((h.rank for h in hits if row and any(line.strip().strip("|").strip().startswith(row + " ")
                                                          or line.strip().startswith(row + " |")
                                                          for line in h.text.splitlines())), None)
        reply = answer(hits, True, "fr")
        shown = reply.text if reply else ""
        value = row is not None and row in shown and gold in shown
        header = any(name in shown for name in ("Compte Zen | Compte Premium", "Extérieurs | Associations"))
        totals["row@1"] += rank == 1
        totals["row@5"] += rank is not None
        totals["value"] += value
        totals["header"] += header
        print(f"{q['id']}  row {row!r} at rank {rank}; answer holds row and value: {value}, header: {header}")
        print("    " + shown.replace("\n", "\n    "))
    print(json.dumps({k: round(v / len(questions), 3) for k, v in totals.items()} | {"questions": len(questions)}))


if __name__ == "__main__":
    main()
