"""Measure fusion choices on the evaluation sets: the figures behind the default `dense_weight="auto"`.

    python scripts/fusion_sweep.py [--datasets ../shared/datasets] [--cache /tmp/rag-fusion-cache]

For each set it builds the index in memory (as ingest does), retrieves dense and lexical candidates once per
question, then scores fusion variants on those candidates: fixed convex weights, reciprocal rank fusion and the
adaptive rule. Prints passage recall@5 and MRR@10 per variant.
"""

from __future__ import annotations

import argparse
import pickle
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.documents import read_corpus  # noqa: E402
from rag.embedder import Embedder  # noqa: E402
from rag.evaluation import dataset_documents, memory_index, read_questions  # noqa: E402
from rag.lexical import top_rows  # noqa: E402
from rag.settings import Settings  # noqa: E402


def candidates(target: Path, settings: Settings, embedder: Embedder, n: int = 50) -> dict:
    if target.is_dir():
        docs = dataset_documents(target / "passages.jsonl")
        questions = read_questions(target / "questions.jsonl")
    else:
        docs = read_corpus(settings.corpus_dir).documents
        questions = read_questions(target)
    index = memory_index(docs, settings, embedder)
    vectors = embedder.embed_queries([q.question for q in questions])
    d_scores, d_rows = index.vectors.search(vectors, min(n, len(index)))
    stored = index.stored_vectors()
    rows = []
    for i, q in enumerate(questions):
        lex = index.lexical.scores(q.question)
        l_rows, _ = top_rows(lex, n)
        cand = np.unique(np.concatenate([d_rows[i], l_rows]))
        rows.append({"cand": cand, "dense": stored[cand] @ vectors[i], "lex": lex[cand],
                     "d_rows": d_rows[i], "d_scores": d_scores[i], "l_rows": l_rows})
    doc_of = [c.doc_id for c in index.passages]
    texts = [c.text for c in index.passages]
    return {"questions": questions, "rows": rows, "doc_of": doc_of, "texts": texts}


def metrics(data: dict, rank_fn) -> tuple[float, float, float]:
    r1 = r5 = rr = ans = 0.0
    graded = 0
    for q, row in zip(data["questions"], data["rows"], strict=True):
        order = rank_fn(row)
        docs: list[str] = []
        for r in order:
            d = data["doc_of"][r]
            if d not in docs:
                docs.append(d)
        if q.gold:
            graded += 1
            first = next((i for i, d in enumerate(docs[:10], 1) if d in q.gold), None)
            r1 += first == 1
            r5 += bool(first and first <= 5)
            rr += 1 / first if first else 0
        if q.answers:
            top = [" ".join(data["texts"][r].split()).casefold() for r in order[:5]]
            ans += any(" ".join(a.split()).casefold() in t for a in q.answers for t in top)
    n = max(graded, 1)
    return (r5 / n if graded else ans / len(data["questions"])), rr / n, r1 / n


def minmax(x):
    lo, hi = x.min(), x.max()
    return (x - lo) / (hi - lo) if hi - lo > 1e-9 else np.ones_like(x)


def convex(w, lexnorm="max"):
    def rank(row):
        lex = row["lex"]
        ln = lex / lex.max() if lex.max() > 0 else lex * 0
        if lexnorm == "minmax":
            ln = minmax(lex)
        f = w * minmax(row["dense"]) + (1 - w) * ln
        return row["cand"][np.lexsort((row["cand"], -f))]
    return rank


def rrf(w, k=60):
    def rank(row):
        dr = {int(r): i for i, r in enumerate(row["d_rows"], 1)}
        lr = {int(r): i for i, r in enumerate(row["l_rows"], 1)}
        f = np.array([w / (k + dr.get(int(c), 1000)) + (1 - w) / (k + lr.get(int(c), 1000)) for c in row["cand"]])
        return row["cand"][np.lexsort((row["cand"], -f))]
    return rank


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/rag-fusion-cache"))
    args = ap.parse_args()
    settings = Settings(corpus_dir=ROOT / "corpus")
    embedder = None
    targets = {"devset": ROOT / "tests" / "data" / "devset.jsonl", "piaf": args.datasets / "piaf",
               "en_stackfaq": args.datasets / "en_stackfaq"}
    args.cache.mkdir(exist_ok=True)
    data = {}
    for name, target in targets.items():
        path = args.cache / f"{name}.pkl"
        if path.exists():
            data[name] = pickle.loads(path.read_bytes())
            continue
        embedder = embedder or Embedder(settings.model)
        data[name] = candidates(target, settings, embedder)
        path.write_bytes(pickle.dumps(data[name]))
    variants = {f"convex w={w:.1f}": convex(w) for w in np.arange(0, 1.01, 0.1)}
    variants |= {f"convex-mm w={w:.1f}": convex(w, "minmax") for w in (0.2, 0.3, 0.5)}
    variants |= {f"rrf w={w:.1f}": rrf(w) for w in (0.2, 0.3, 0.5)}
    print(f"{'variant':24}" + "".join(f"{n + ' R@5':>18}{'MRR':>8}{'R@1':>8}" for n in data))
    for label, fn in variants.items():
        cells = "".join(f"{m[0]:>18.4f}{m[1]:>8.4f}{m[2]:>8.4f}" for m in (metrics(d, fn) for d in data.values()))
        print(f"{label:24}{cells}")


if __name__ == "__main__":
    main()
