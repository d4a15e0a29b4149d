"""Measure ranking choices on the evaluation sets: the figures behind the lexical and fusion defaults.

    python -m scripts.eval.fusion_sweep [--datasets ../shared/datasets] [--cache DIR]

For each set it builds the index in memory (as ingest does; passage and question vectors are cached in `--cache`),
then ranks every question under each variant, exactly as `Searcher` fuses (dense top 50 + lexical top 50, convex
combination of min-max cosine and max-scaled lexical score) or by reciprocal rank fusion:

- lexical variants: passage share and word-pair weight of `LexicalIndex`, at the automatic fusion weight;
- fusion variants: dense weights 0 to 1 and RRF, with the default lexical scores.

Prints passage recall@1/5 and MRR@10 (answer recall@1/5 for the dev set, which has no passage ids), plus answer
recall@1 on every set (whether the passage holding the answer comes first).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from rag.index.lexical import PAIR_WEIGHT, PASSAGE_SHARE, top_rows
from scripts.eval.common import CANDIDATES, Row, convex, line, metrics, sets


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


def rrf(w: float, k: int = 60) -> Callable[[Row], np.ndarray]:
    def rank(row: Row) -> np.ndarray:
        dr = {int(r): i for i, r in enumerate(row["d_rows"], 1)}
        lr = {int(r): i for i, r in enumerate(row["l_rows"], 1)}
        f = np.array([w / (k + dr.get(int(c), 1000)) + (1 - w) / (k + lr.get(int(c), 1000)) for c in row["cand"]])
        return row["cand"][np.lexsort((row["cand"], -f))]
    return rank


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
