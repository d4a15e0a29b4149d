"""Measure ranking choices on the evaluation sets: the figures behind the lexical and fusion defaults.

    python scripts/fusion_sweep.py [--datasets ../shared/datasets] [--cache /tmp/rag-sweep-cache]

For each set it builds the index in memory (as ingest does; passage and question vectors are cached in `--cache`),
then ranks every question under each variant, exactly as `Searcher` fuses (dense top 50 + lexical top 50, convex
combination of min-max cosine and max-scaled lexical score) or by reciprocal rank fusion:

- lexical variants: passage share and word-pair weight of `LexicalIndex`, at the automatic fusion weight;
- fusion variants: dense weights 0 to 1 and RRF, with the default lexical scores.

Prints passage recall@1/5 and MRR@10 (answer recall@1/5 for the dev set, which has no passage ids), plus answer
recall@1 on every set (whether the passage holding the answer comes first).
"""

from __future__ import annotations

import argparse
import pickle
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.corpus.reader import read_corpus  # noqa: E402
from rag.embedding.base import Embedder, load_embedder  # noqa: E402
from rag.evaluation import _norm, dataset_documents, memory_index, read_questions  # noqa: E402
from rag.index.lexical import PAIR_WEIGHT, PASSAGE_SHARE, top_rows  # noqa: E402
from rag.ingest.stages import embed_key  # noqa: E402
from rag.settings import Settings  # noqa: E402

CANDIDATES = 50
Row = dict[str, Any]


def build(target: Path, settings: Settings, embedder: Embedder, cache: Path) -> dict[str, Any]:
    """The in-memory index of a set, its questions and their vectors; vectors are kept in `cache`."""
    if target.is_dir():
        docs = dataset_documents(target / "passages.jsonl")
        questions = read_questions(target / "questions.jsonl")
    else:
        docs = read_corpus(settings.corpus_dir).documents
        questions = read_questions(target)
    stored = pickle.loads(cache.read_bytes()) if cache.exists() else {"passages": {}, "questions": {}}
    index = memory_index(docs, settings, embedder, reuse=stored["passages"])
    missing = [q.question for q in questions if q.question not in stored["questions"]]
    stored["questions"].update(zip(missing, embedder.embed_queries(missing), strict=True))
    stored["passages"].update(zip(map(embed_key, index.passages), index.stored_vectors(), strict=True))
    cache.write_bytes(pickle.dumps(stored))
    vectors = np.stack([stored["questions"][q.question] for q in questions])
    return {"index": index, "questions": questions, "qv": vectors}


def candidates(data: dict[str, Any], share: float, pair_weight: float) -> list[Row]:
    """Per question: the union of dense and lexical candidates, with both scores, as `Searcher` gathers them."""
    index = data["index"]
    index.lexical.passage_share, index.lexical.pair_weight = share, pair_weight
    stored = index.stored_vectors()
    n = min(CANDIDATES, len(index))
    _, d_rows = index.vectors.search(data["qv"], n)
    rows = []
    for i, q in enumerate(data["questions"]):
        lex = index.lexical.scores(q.question)
        l_rows, _ = top_rows(lex, n)
        cand = np.unique(np.concatenate([d_rows[i], l_rows]))
        rows.append({"cand": cand, "dense": stored[cand] @ data["qv"][i], "lex": lex[cand],
                     "d_rows": d_rows[i], "l_rows": l_rows})
    return rows


def metrics(data: dict[str, Any], rows: list[Row], rank: Callable[[Row], np.ndarray]) -> dict[str, float]:
    index = data["index"]
    doc_of = [c.doc_id for c in index.passages]
    texts = [_norm(c.text) for c in index.passages]
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
            found = [any(_norm(a) in texts[r] for a in q.answers) for r in order[:5]]
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


def rrf(w: float, k: int = 60) -> Callable[[Row], np.ndarray]:
    def rank(row: Row) -> np.ndarray:
        dr = {int(r): i for i, r in enumerate(row["d_rows"], 1)}
        lr = {int(r): i for i, r in enumerate(row["l_rows"], 1)}
        f = np.array([w / (k + dr.get(int(c), 1000)) + (1 - w) / (k + lr.get(int(c), 1000)) for c in row["cand"]])
        return row["cand"][np.lexsort((row["cand"], -f))]
    return rank


def line(label: str, results: list[dict[str, float]]) -> str:
    cells = []
    for m in results:
        cells.append(f"{m['ans@1']:>8.4f}{m['ans@5']:>8.4f}" if not m["graded"] else
                     f"{m['R@1']:>8.4f}{m['R@5']:>8.4f}{m['MRR']:>8.4f}{m['ans@1']:>8.4f}")
    return f"{label:26}" + "   ".join(cells)


def sets(description: str | None) -> tuple[Settings, dict[str, dict[str, Any]], str]:
    """Parse the command line, then build the dev set, piaf and en_stackfaq (see `build`); with the table head."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/rag-sweep-cache"))
    args = ap.parse_args()
    settings = Settings(corpus_dir=ROOT / "corpus")
    targets = {"devset": ROOT / "tests" / "data" / "devset.jsonl", "piaf": args.datasets / "piaf",
               "en_stackfaq": args.datasets / "en_stackfaq", "cnil_faq_dev": args.datasets / "cnil_faq_dev"}
    args.cache.mkdir(exist_ok=True)
    embedder = load_embedder(settings)
    data = {name: build(target, settings, embedder, args.cache / f"{name}.pkl") for name, target in targets.items()}
    head = "   ".join(f"{n}: ans@1   ans@5" if n == "devset" else f"{n}: R@1     R@5     MRR   ans@1"
                      for n in data)
    return settings, data, head


def main() -> None:
    _, data, head = sets(__doc__)
    auto = {name: float(d["index"].manifest["fusion"]["dense_weight"]) for name, d in data.items()}
    print(f"lexical variants, at the automatic dense weight ({auto})\n{'variant':26}{head}")
    for share in (0.0, 0.5, PASSAGE_SHARE, 1.0):
        for pair_weight in (0.0, 0.35, PAIR_WEIGHT, 0.75, 1.0):
            if share not in (0.0, PASSAGE_SHARE) and pair_weight not in (0.0, PAIR_WEIGHT):
                continue
            results = [metrics(d, candidates(d, share, pair_weight), convex(auto[n])) for n, d in data.items()]
            print(line(f"share {share:.2f}, pairs {pair_weight:.2f}", results), flush=True)
    default = {name: candidates(d, PASSAGE_SHARE, PAIR_WEIGHT) for name, d in data.items()}
    variants: dict[str, Callable[[Row], np.ndarray]] = {f"convex w={w:.1f}": convex(w) for w in np.arange(0, 1.01, 0.1)}
    variants |= {f"rrf w={w:.1f}": rrf(w) for w in (0.3, 0.5)}
    print(f"\nfusion variants, default lexical scores\n{'variant':26}{head}")
    for label, rank in variants.items():
        print(line(label, [metrics(d, default[n], rank) for n, d in data.items()]), flush=True)


if __name__ == "__main__":
    main()
