"""Pseudo-relevance feedback on the dense side: does moving the question's vector towards its first results help?

    HF_HUB_OFFLINE=1 python -m scripts.eval.prf_sweep [--datasets ../shared/datasets] [--cache DIR]

Each set is built and scored as `scripts.eval.quality_sweep` scores the default (passage, heading and 64-token
window vectors, the best of them per passage; dense weight 0.7, convex fusion, accents restored). Then, per question,
Rocchio feedback: the question vector plus `beta` times the mean vector of its `k` best passages after fusion,
normalised, scored again and fused again with the same BM25 scores. No model call is added (the passage vectors are
in the index); a second dense search is. Columns as in `quality_sweep`, without the unaccented ones.
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

from scripts.eval.common import data_arguments, eval_targets, metrics
from scripts.eval.quality_sweep import cached_embedder, fused_orders, load_set, part_scores, question_set

PARTS, WEIGHT = "P+H+W64", 0.7
SETS = ("devset", "piaf", "cnil_faq_dev", "en_stackfaq")


def cells(m: dict[str, float], name: str) -> str:
    return f"{m['ans@1']:.3f} {m['ans@5']:.3f}" if name == "devset" else f"{m['R@1']:.3f} {m['R@5']:.3f} {m['MRR']:.3f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    data_arguments(ap)
    args = ap.parse_args()
    settings, emb = cached_embedder(args.cache)
    targets = eval_targets(args.datasets)
    data = {n: load_set(n, t, settings, emb) for n, t in targets.items()}
    first: dict[str, tuple[dict[str, Any], list[np.ndarray]]] = {}
    print(f"{'variant':18}" + " | ".join(f"{n}: " + ("a@1   a@5" if n == "devset" else "R@1   R@5   MRR")
                                         for n in SETS), flush=True)
    base = []
    for name in SETS:
        q = question_set(data[name], emb, "+restore")
        orders = fused_orders(data[name], part_scores(data[name], emb, q["qv"], PARTS), q["lex"], WEIGHT)
        first[name] = (q, orders)
        base.append(cells(metrics(data[name], orders, lambda o: o), name))
    print(f"{'default':18}" + " | ".join(base), flush=True)
    vectors = {name: data[name]["index"].stored_vectors() for name in SETS}
    for k in (1, 3, 5):
        for beta in (0.1, 0.25, 0.5):
            out = []
            for name in SETS:
                q, orders = first[name]
                feedback = np.stack([vectors[name][o[:k]].mean(axis=0) for o in orders])
                qv = q["qv"] + beta * feedback
                qv = (qv / np.linalg.norm(qv, axis=1, keepdims=True)).astype(np.float32)
                again = fused_orders(data[name], part_scores(data[name], emb, qv, PARTS), q["lex"], WEIGHT)
                out.append(cells(metrics(data[name], again, lambda o: o), name))
            print(f"{f'k={k} beta={beta}':18}" + " | ".join(out), flush=True)


if __name__ == "__main__":
    main()
