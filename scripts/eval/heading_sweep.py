"""Measure how a passage's heading (its FAQ question, its section title) should count in dense scoring.

    python scripts/heading_sweep.py [--datasets ../shared/datasets] [--cache DIR]

A user's question looks like an FAQ entry's question far more than like its answer. Each passage's heading (its
section heading, else its document title) is embedded on its own; the dense score of a passage is then its own
cosine, or a mix of it and its heading's cosine. Each variant is fused with BM25 as `Searcher` fuses, at several
dense weights, on the dev set, piaf, en_stackfaq and cnil_faq_dev (vectors cached as `fusion_sweep.py` caches them).
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from rag.index.lexical import top_rows
from scripts.eval.common import CANDIDATES, convex, default_cache, line, metrics, sets

Mix = Callable[[np.ndarray, np.ndarray], np.ndarray]


def heading_of(chunk: Any) -> str:
    return chunk.section or chunk.title


def heading_vectors(name: str, data: dict[str, Any], embedder: Any, cache: Path, prompt: str) -> np.ndarray:
    """Per passage, its heading's vector (headings embedded once each, with `prompt`: 'query' or 'passage')."""
    path = cache / f"{name}-headings-{prompt}.pkl"
    stored: dict[str, np.ndarray] = pickle.loads(path.read_bytes()) if path.exists() else {}
    heads = [heading_of(c) for c in data["index"].passages]
    missing = sorted(set(heads) - stored.keys())
    if missing:
        embed = embedder.embed_queries if prompt == "query" else embedder.embed_passages
        stored.update(zip(missing, embed(missing), strict=True))
        path.write_bytes(pickle.dumps(stored))
    return np.stack([stored[h] for h in heads])


def candidates(data: dict[str, Any], heads: np.ndarray, mix: Mix) -> list[dict[str, Any]]:
    """Per question: the best dense rows by the mixed score and the best lexical rows, both scores for each."""
    index = data["index"]
    p = data["qv"] @ index.stored_vectors().T
    h = data["qv"] @ heads.T
    dense_all = mix(p, h)
    n = min(CANDIDATES, len(index))
    rows = []
    for i, q in enumerate(data["questions"]):
        d_rows, _ = top_rows(dense_all[i], n)
        lex = index.lexical.scores(q.question)
        l_rows, _ = top_rows(lex, n)
        cand = np.unique(np.concatenate([d_rows, l_rows]))
        rows.append({"cand": cand, "dense": dense_all[i][cand], "lex": lex[cand], "d_rows": d_rows, "l_rows": l_rows})
    return rows


MIXES: dict[str, Mix] = {
    "passage only": lambda p, h: p,
    "max(passage, heading)": np.maximum,
    "passage + 0.5 heading": lambda p, h: p + 0.5 * h,
    "passage + heading": lambda p, h: p + h,
    "max, heading - 0.02": lambda p, h: np.maximum(p, h - 0.02),
}


def main() -> None:
    from rag.embedding.load import load_embedder

    settings, data, head = sets(__doc__)
    embedder = load_embedder(settings)
    cache = default_cache()
    for prompt in ("query", "passage"):
        heads = {n: heading_vectors(n, d, embedder, cache, prompt) for n, d in data.items()}
        print(f"\nheadings embedded as {prompt}s\n{'variant':26}{head}")
        for label, mix in MIXES.items():
            rows = {n: candidates(d, heads[n], mix) for n, d in data.items()}
            for w in (0.5, 0.7, 0.8, 0.9, 1.0):
                print(line(f"{label[:18]} w={w:.1f}", [metrics(d, rows[n], convex(w)) for n, d in data.items()]),
                      flush=True)


if __name__ == "__main__":
    main()
