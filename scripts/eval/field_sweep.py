"""Measure field-aware lexical scores (BM25F) against the default one-bag BM25: the figures behind keeping the bag.

    python -m scripts.eval.field_sweep [--datasets ../shared/datasets] [--cache DIR]

The default lexical index scores each section as one bag of terms: document title, section heading and text,
length-normalised together (`rag/index/lexical.py`). A short section, such as an article's untitled introduction, then
gets more from the title words that every section of its document shares. BM25F (Robertson, Zaragoza & Taylor,
2004) normalises each field by its own length before the term-frequency saturation, so a document's title weighs
the same in each of its sections. This script scores every question with:

- `bag`: the default, reimplemented here with the same formula (its figures must equal `scripts.eval.fusion_sweep`'s);
- `title w, b`: title as its own field (weight w, length normalisation b), heading and text as the other field;
- `title w, heading w'`: three fields, the heading with weight w' and its own normalisation.

The passage share and word pairs of the default are kept in every variant, and the fusion is the default one (50
dense + 50 lexical candidates, automatic dense weight), as in `scripts.eval.fusion_sweep`,
whose sets and metrics (`scripts.eval.common`) it reuses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from rag.index.lexical import PAIR_WEIGHT, PASSAGE_SHARE, pairs, top_rows
from rag.ingestion.stages import section_numbers
from rag.settings import Settings
from scripts.eval.common import convex, line, metrics, sets

Field = tuple[list[list[str]], float, float]  # (terms of each unit, weight, length normalisation b)


def bm25f(fields: Sequence[Field], vocab: dict[str, int], k1: float) -> sp.csc_matrix:
    """Score of each (unit, term): idf(t) * tf / (k1 + tf), tf = sum over fields of w * tf_f / (1 - b + b * len_f /
    mean len_f). One field of weight 1 is BM25 (Lucene idf, as bm25s's "lucene" method)."""
    units, size = len(fields[0][0]), len(vocab)
    combined, present = sp.csr_matrix((units, size)), sp.csr_matrix((units, size))
    for terms, weight, b in fields:
        rows = [u for u, unit in enumerate(terms) for _ in unit]
        cols = [vocab[t] for unit in terms for t in unit]
        counts = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(units, size))
        lengths = np.array([len(unit) for unit in terms], dtype=float)
        norm = 1 - b + b * lengths / max(lengths.mean(), 1e-9)
        combined = combined + sp.diags(weight / norm) @ counts
        present = present.maximum((counts > 0).astype(float))
    df = np.asarray(present.sum(axis=0)).ravel()
    idf = np.log(1 + (units - df + 0.5) / (df + 0.5))
    coo = combined.tocoo()
    return sp.csc_matrix((idf[coo.col] * coo.data / (k1 + coo.data), (coo.row, coo.col)), shape=(units, size))


class FieldScores:
    """Lexical scores of an in-memory index's passages under one field layout (None: the default bag)."""

    def __init__(self, index: Any, settings: Settings, title: tuple[float, float] | None,
                 heading: tuple[float, float] | None = None) -> None:
        self.lexical = index.lexical
        chunks = index.passages
        self.unit_of_row = np.asarray(section_numbers(chunks))
        self.starts = np.flatnonzero(np.diff(self.unit_of_row, prepend=-1))
        cache: dict[str, list[str]] = {}

        def terms(text: str | None) -> list[str]:
            if text and text not in cache:
                cache[text] = self.lexical.analyzer.terms(text)
            return cache.get(text or "", [])

        per_passage = [(terms(c.title), terms(c.section), terms(c.text)) for c in chunks]
        per_unit: list[tuple[list[str], list[str], list[str]]] = []
        for row, (t, h, x) in enumerate(per_passage):
            if row and self.unit_of_row[row] == self.unit_of_row[row - 1]:
                per_unit[-1][2].extend(x)
            else:
                per_unit.append((t, h, list(x)))
        self.vocab: dict[str, int] = {}
        for t, h, x in per_passage:
            for term in (*t, *h, *x):
                self.vocab.setdefault(term, len(self.vocab))
        k1, b = settings.bm25_k1, settings.bm25_b
        self.sections, self.passages = (self._matrix(parts, title, heading, k1, b) for parts in (per_unit, per_passage))
        # word pairs as `LexicalIndex` scores them: plain BM25 (one field) over each unit's adjacent terms; a unit
        # without a pair counts one empty term, as bm25s indexes an empty document
        unit_pairs, passage_pairs = ([pairs(t + h + x) or [""] for t, h, x in parts]
                                     for parts in (per_unit, per_passage))
        self.pair_vocab: dict[str, int] = {}
        for unit in (*unit_pairs, *passage_pairs):
            for pair in unit:
                self.pair_vocab.setdefault(pair, len(self.pair_vocab))
        self.section_pairs, self.passage_pairs = (bm25f([(units, 1.0, b)], self.pair_vocab, k1)
                                                  for units in (unit_pairs, passage_pairs))

    def _matrix(self, parts: list[tuple[list[str], list[str], list[str]]], title: tuple[float, float] | None,
                heading: tuple[float, float] | None, k1: float, b: float) -> sp.csc_matrix:
        t, h, x = ([p[i] for p in parts] for i in range(3))
        if title is None:
            return bm25f([([a + c + d for a, c, d in zip(t, h, x, strict=True)], 1.0, b)], self.vocab, k1)
        if heading is None:
            return bm25f([(t, *title), ([c + d for c, d in zip(h, x, strict=True)], 1.0, b)], self.vocab, k1)
        return bm25f([(t, *title), (h, *heading), (x, 1.0, b)], self.vocab, k1)

    def scores(self, question: str) -> np.ndarray:
        """As `LexicalIndex.scores`: section score scaled by the passage's share, word pairs added to both."""
        terms = self.lexical.query_terms(question)
        if not terms:
            return np.zeros(len(self.unit_of_row), dtype=np.float32)
        cols = [self.vocab[t] for t in terms]
        section = np.asarray(self.sections[:, cols].sum(axis=1)).ravel()
        own = np.asarray(self.passages[:, cols].sum(axis=1)).ravel()
        if len(terms) > 1:
            found = [self.pair_vocab[p] for p in pairs(terms) if p in self.pair_vocab]
            section += PAIR_WEIGHT * np.asarray(self.section_pairs[:, found].sum(axis=1)).ravel()
            own += PAIR_WEIGHT * np.asarray(self.passage_pairs[:, found].sum(axis=1)).ravel()
        best = np.maximum.reduceat(own, self.starts)[self.unit_of_row]
        share = np.divide(own, best, out=np.ones_like(own), where=best > 0)
        return (section[self.unit_of_row] * (1 - PASSAGE_SHARE + PASSAGE_SHARE * share)).astype(np.float32)


def evaluate(data: dict[str, Any], fields: FieldScores) -> dict[str, float]:
    index = data["index"]
    stored = index.stored_vectors()
    _, dense_rows = index.vectors.search(data["qv"], min(50, len(index)))
    rows = []
    for i, q in enumerate(data["questions"]):
        lex = fields.scores(q.question)
        lex_rows, _ = top_rows(lex, 50)
        cand = np.unique(np.concatenate([dense_rows[i], lex_rows]))
        rows.append({"cand": cand, "dense": stored[cand] @ data["qv"][i], "lex": lex[cand]})
    return metrics(data, rows, convex(float(index.manifest["fusion"]["dense_weight"])))


def main() -> None:
    settings, data, head = sets(__doc__)
    layouts: dict[str, tuple[tuple[float, float] | None, tuple[float, float] | None]] = {"bag (default)": (None, None)}
    layouts |= {f"title {w:g}, b {b:g}": ((w, b), None) for w in (0.5, 1.0, 2.0) for b in (0.0, 0.75)}
    layouts |= {f"title 1, heading {w:g}, b {b:g}": ((1.0, 0.75), (w, b)) for w in (1.0, 2.0) for b in (0.0, 0.75)}
    print(f"{'layout':26}{head}")
    for label, (title, heading) in layouts.items():
        results = [evaluate(d, FieldScores(d["index"], settings, title, heading)) for d in data.values()]
        print(line(label, results), flush=True)


if __name__ == "__main__":
    main()
