"""What the ranking sweeps share: the evaluation sets built in memory (vectors cached), the fusion `Searcher`
applies, replayed on precomputed candidates, the metrics and the printed table."""

from __future__ import annotations

import argparse
import json
import pickle
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from rag.corpus.reader import Document, read_corpus
from rag.embedding.base import Embedder
from rag.embedding.load import effective_model, load_embedder, model_release
from rag.evaluation import Question, dataset_documents, memory_index, read_questions
from rag.ingestion.stages import corpus_model, embed_key
from rag.settings import Settings

ROOT = Path(__file__).resolve().parent.parent.parent
CANDIDATES = 50
Row = dict[str, Any]


def norm(text: str) -> str:
    """A text as `rag eval` compares answers: whitespace collapsed, typographic apostrophes straightened,
    casefolded (the rule of `rag.evaluation`, which keeps its helper private)."""
    return " ".join(text.replace("\u2019", "'").split()).casefold()


def eval_targets(datasets: Path) -> dict[str, Path]:
    """The four visible sets by name: the dev set (over the seed corpus), piaf, cnil_faq_dev and en_stackfaq."""
    return {"devset": ROOT / "tests" / "data" / "devset.jsonl", "piaf": datasets / "piaf",
            "cnil_faq_dev": datasets / "cnil_faq_dev", "en_stackfaq": datasets / "en_stackfaq"}


def read_set(target: Path, settings: Settings) -> tuple[list[Document], list[Question]]:
    """The documents and questions of a set: a dataset folder, or a questions file over the settings' corpus."""
    if target.is_dir():
        return dataset_documents(target / "passages.jsonl"), read_questions(target / "questions.jsonl")
    return read_corpus(settings.corpus_dir).documents, read_questions(target)


def build(target: Path, settings: Settings, embedder: Embedder, cache: Path) -> dict[str, Any]:
    """The in-memory index of a set, its questions and their vectors; vectors are kept in `cache`, with the model
    that made them (`Embedder.describe()`: another model or conversion starts the cache afresh)."""
    docs, questions = read_set(target, settings)
    model = embedder.describe()
    stored = pickle.loads(cache.read_bytes()) if cache.exists() else {}
    if stored.get("model") != model:
        stored = {"model": model, "passages": {}, "questions": {}}
    index = memory_index(docs, settings, embedder, reuse=stored["passages"])
    missing = [q.question for q in questions if q.question not in stored["questions"]]
    stored["questions"].update(zip(missing, embedder.embed_queries(missing), strict=True))
    stored["passages"].update(zip(map(embed_key, index.passages), index.stored_vectors(), strict=True))
    cache.parent.mkdir(parents=True, exist_ok=True)  # a new machine has no cache folder yet
    cache.write_bytes(pickle.dumps(stored))
    vectors = np.stack([stored["questions"][q.question] for q in questions])
    return {"index": index, "questions": questions, "qv": vectors}


def metrics(data: dict[str, Any], rows: list[Row], rank: Callable[[Row], np.ndarray]) -> dict[str, float]:
    index = data["index"]
    doc_of = [c.doc_id for c in index.passages]
    texts = [norm(c.text) for c in index.passages]
    r1 = r5 = rr = a1 = a5 = 0.0
    graded = answered = 0
    for q, row in zip(data["questions"], rows, strict=True):
        order = rank(row)
        if q.gold:
            docs: list[str] = []
            for r in order:
                if doc_of[r] not in docs:
                    docs.append(doc_of[r])
            graded += 1
            first = next((i for i, d in enumerate(docs[:10], 1) if d in q.gold), None)
            r1 += first == 1
            r5 += bool(first and first <= 5)
            rr += 1 / first if first else 0
        if q.answers:
            answered += 1
            found = [any(norm(a) in texts[r] for a in q.answers) for r in order[:5]]
            a1 += bool(found and found[0])
            a5 += any(found)
    g, a = max(graded, 1), max(answered, 1)
    return {"R@1": r1 / g, "R@5": r5 / g, "MRR": rr / g, "ans@1": a1 / a, "ans@5": a5 / a, "graded": graded}


def minmax(x: np.ndarray) -> np.ndarray:
    lo, hi = x.min(), x.max()
    return (x - lo) / (hi - lo) if hi - lo > 1e-9 else (np.ones_like(x) if hi > 0 else np.zeros_like(x))


def convex(w: float) -> Callable[[Row], np.ndarray]:
    """The fusion `Searcher` applies (rag.search.fusion.fuse), on precomputed candidates."""
    def rank(row: Row) -> np.ndarray:
        lex = row["lex"]
        ln = lex / lex.max() if lex.max() > 0 else lex * 0
        f = w * minmax(row["dense"]) + (1 - w) * ln
        return row["cand"][np.lexsort((row["cand"], -f))]
    return rank


def line(label: str, results: list[dict[str, float]]) -> str:
    cells = []
    for m in results:
        cells.append(f"{m['ans@1']:>8.4f}{m['ans@5']:>8.4f}" if not m["graded"] else
                     f"{m['R@1']:>8.4f}{m['R@5']:>8.4f}{m['MRR']:>8.4f}{m['ans@1']:>8.4f}")
    return f"{label:26}" + "   ".join(cells)


def default_cache() -> Path:
    """Where the sweeps keep vectors: a folder of /tmp/rag-sweep-cache per model and release (`RAG_MODEL`), so that
    the vectors of another model or another conversion of it are never mixed in (under `auto`, each set's own model:
    `build` keeps it with its vectors)."""
    model = effective_model(Settings().model)
    return Path("/tmp/rag-sweep-cache") / re.sub(r"[^\w.-]+", "-", f"{model} {model_release(model) or ''}").strip("-")


def data_arguments(ap: argparse.ArgumentParser) -> None:
    """The options every sweep takes: where the datasets are, where their vectors are cached."""
    ap.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    ap.add_argument("--cache", type=Path, default=default_cache())


def sets(description: str | None) -> tuple[Settings, dict[str, dict[str, Any]], str]:
    """Parse the command line, then build the four sets of `eval_targets` (see `build`); with the table head."""
    ap = argparse.ArgumentParser(description=description)
    data_arguments(ap)
    args = ap.parse_args()
    settings = Settings(corpus_dir=ROOT / "corpus")
    targets = eval_targets(args.datasets)
    args.cache.mkdir(parents=True, exist_ok=True)
    models: dict[str, Embedder] = {}  # each set's corpus chooses its model (RAG_MODEL=auto), each loaded once
    data = {}
    for name, target in targets.items():
        chosen = corpus_model(settings, read_set(target, settings)[0])
        if chosen.model not in models:
            models[chosen.model] = load_embedder(chosen)
        data[name] = build(target, chosen, models[chosen.model], args.cache / f"{name}.pkl")
    head = "   ".join(f"{n}: ans@1   ans@5" if n == "devset" else f"{n}: R@1     R@5     MRR   ans@1"
                      for n in data)
    return settings, data, head


def write_sets(output: Path | None, module: str, sets: list[dict[str, Any]]) -> None:
    """Write a sweep's rows, one per set, with the command that made them, to `output` (when given)."""
    if output is not None:
        command = f"python -m scripts.eval.{module} -o docs/results/{output.name}"
        output.write_text(json.dumps({"command": command, "sets": sets}, indent=2) + "\n")
