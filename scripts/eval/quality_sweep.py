"""Measure dense-scoring, fusion and question-side choices on all evaluation sets, with their embedding cost.

    HF_HUB_OFFLINE=1 python -m scripts.eval.quality_sweep [--datasets ../shared/datasets] [--cache DIR]
        [--part dense|more|restore|weight|fusion|bm25|tokens|all]

Parts: `dense` (headings, windows, weights, accent restoring), `more` (windows without overlap, heading damping),
`restore` (accent restoring), `weight` (the dense weight with the default dense scoring), `fusion` (convex, min-max
both sides, z-score, RRF), `bm25` (k1, b), `tokens`
(max_passage_tokens 384, 512). One part runs in 2-15 minutes on 2 shared cores once vectors are cached.

Every set is indexed in memory as ingest indexes it (`rag.evaluation.memory_index`); every text embedded is cached
in `--cache` (`quality-passage.pkl`, `quality-query.pkl`, keyed by the text; the caches of `fusion_sweep.py` and
`heading_sweep.py` are read, never written). Each variant scores every passage for every question, takes the dense
top 50 and the lexical top 50 and fuses them as `Searcher` does (`rag.fusion.fuse`: convex mix of min-max cosine
and max-scaled BM25), unless the variant names another fusion.

Dense scores (a passage's score is the best of its parts):
- `P`: the passage's own vector (`title › section` newline text, "passage: ");
- `H`: its heading's vector (section heading, else title; "passage: "), as `rag.headings` scores it;
- `W<n>`: windows of consecutive sentences of at most n tokens, stride n/2, each embedded with the passage's
  heading path in front ("passage: "), for passages longer than n tokens (`windows`, `rag.index.windows`);
- `Hq`: the heading embedded with "query: "; `Hu`: the heading only if it heads one section; `Hs`: heading
  cosine - 0.02 log2(sections it heads);
- `V<n>`: as `W<n>` without overlap (`V1`: one vector per sentence).

Questions: as written; `unacc`: with accents removed (`strip_accents`); `+restore`: accents put back before the
question is embedded, from the corpus's own spellings (`rag.index.accents`; BM25 folds accents and is unchanged).

Cost: vectors embedded per passage and model tokens embedded relative to the default build (passages + headings).
Columns: dev set answer R@1 / R@5; then R@1, R@5, MRR@10 (passage ids, counted per document) for each set.
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rag.embedding.load import load_embedder
from rag.evaluation import Question, memory_index
from rag.index.accents import restore, spellings, strip_accents
from rag.index.headings import heading_text
from rag.index.lexical import LexicalIndex, top_rows
from rag.index.windows import window_spans, window_text
from rag.ingestion.stages import section_numbers
from rag.passage import Chunk, sentences
from rag.settings import Settings
from scripts.eval.common import ROOT, data_arguments, eval_targets, metrics, read_set

CANDIDATES = 50


# ---------------------------------------------------------------------------------------------------- vectors
def _h(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class CachedEmbedder:
    """The real embedder (loaded on first need), every vector cached on disk by prompt and text."""

    def __init__(self, settings: Settings, cache: Path) -> None:
        self.settings, self.cache, self._model = settings, cache, None
        self.store: dict[str, dict[str, np.ndarray]] = {"passage": {}, "query": {}}
        self.new = {"passage": 0, "query": 0}
        self.seconds = {"passage": 0.0, "query": 0.0}
        for kind in ("passage", "query"):
            path = cache / f"quality-{kind}.pkl"
            if path.exists():
                self.store[kind] = pickle.loads(path.read_bytes())
        # earlier sweeps' caches: passages by sha256 of what was embedded, questions and headings by text
        for path in cache.glob("*.pkl"):
            if path.name.startswith("quality-"):
                continue
            stored = pickle.loads(path.read_bytes())
            if "-headings-" in path.name:
                kind = "query" if path.name.endswith("-query.pkl") else "passage"
                for text, v in stored.items():
                    self.store[kind].setdefault(_h(text), v)
            elif isinstance(stored, dict) and {"passages", "questions"} <= stored.keys():  # fusion_sweep-style caches
                for k, v in stored["passages"].items():
                    self.store["passage"].setdefault(k, v)
                for text, v in stored["questions"].items():
                    self.store["query"].setdefault(_h(text), v)

    @property
    def model(self) -> Any:
        if self._model is None:
            self._model = load_embedder(self.settings)
        return self._model

    def __getattr__(self, name: str) -> Any:  # count_tokens, describe, max_tokens, ...
        return getattr(self.model, name)

    def _embed(self, kind: str, texts: Sequence[str]) -> np.ndarray:
        store = self.store[kind]
        missing = sorted({_h(t): t for t in texts if _h(t) not in store}.items())
        if missing:
            started = time.perf_counter()
            embed = self.model.embed_queries if kind == "query" else self.model.embed_passages
            for i in range(0, len(missing), 256):
                part = missing[i:i + 256]
                store.update(zip([k for k, _ in part], embed([t for _, t in part]), strict=True))
                self.save(kind)
            self.seconds[kind] += time.perf_counter() - started
            self.new[kind] += len(missing)
        dim = 384
        return np.stack([store[_h(t)] for t in texts]) if texts else np.zeros((0, dim), np.float32)

    def save(self, kind: str) -> None:
        (self.cache / f"quality-{kind}.pkl").write_bytes(pickle.dumps(self.store[kind]))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed("query", texts)

    def embed_passages(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        return self._embed("passage", texts)


# ------------------------------------------------------------------------------------------- sub-passage windows
def windows(chunk: Chunk, size: int, count: Callable[[Sequence[str]], list[int]], base: int,
            stride: int | None = None) -> list[str]:
    """The texts of a passage's windows as ingest makes them (`rag.index.windows.window_spans`), with `stride`."""
    sents = sentences(chunk.text)
    if len(sents) < 2:
        return []
    lengths = [n - base for n in count(sents)]
    return [window_text(chunk, sents, span) for span in window_spans(lengths, size, stride)]


# ---------------------------------------------------------------------------------------------------- data sets
def cached_embedder(cache: Path) -> tuple[Settings, CachedEmbedder]:
    """The seed corpus's settings and an embedder whose vectors are cached in `cache` (made when missing)."""
    cache.mkdir(parents=True, exist_ok=True)
    settings = Settings(corpus_dir=ROOT / "corpus")
    return settings, CachedEmbedder(settings, cache)


def load_set(name: str, target: Path, settings: Settings, emb: CachedEmbedder) -> dict[str, Any]:
    docs, questions = read_set(target, settings)
    index = memory_index(docs, settings, emb)  # type: ignore[arg-type]
    chunks = index.passages
    base = emb.count_tokens([""])[0]
    return {"name": name, "docs": docs, "index": index, "questions": questions, "chunks": chunks,
            "tokens": np.array(emb.count_tokens([c.indexed_text for c in chunks])), "base": base,
            "spell": spellings([c.indexed_text for c in chunks]),
            "heads": sorted({heading_text(c) for c in chunks}),
            "head_tokens": sum(emb.count_tokens(sorted({heading_text(c) for c in chunks})))}


def question_set(data: dict[str, Any], emb: CachedEmbedder, how: str) -> dict[str, Any]:
    """Questions as `how` says ("", "unacc", "+restore", "unacc+restore"): the texts BM25 sees, their vectors."""
    qs: list[Question] = data["questions"]
    typed = [strip_accents(q.question) if "unacc" in how else q.question for q in qs]
    embedded = [restore(t, data["spell"]) for t in typed] if "restore" in how else typed
    lex = data["index"].lexical
    return {"typed": typed, "qv": emb.embed_queries(embedded), "lex": np.stack([lex.scores(t) for t in typed])}


def part_scores(data: dict[str, Any], emb: CachedEmbedder, qv: np.ndarray, parts: str) -> np.ndarray:
    """[questions, passages] dense scores, each passage the best of `parts` ("P", "H", "Hq", "W64", ...)."""
    index = data["index"]
    out = None
    for part in parts.split("+"):
        if part == "P":
            s = qv @ index.stored_vectors().T
        elif part in ("H", "Hq"):
            heads = [heading_text(c) for c in data["chunks"]]
            distinct = sorted(set(heads))
            vecs = emb.embed_queries(distinct) if part == "Hq" else emb.embed_passages(distinct)
            at = {h: i for i, h in enumerate(distinct)}
            s = (qv @ vecs.T)[:, [at[h] for h in heads]]
        elif part in ("Hu", "Hs"):  # heading of one section only / heading damped by the sections it heads
            heads = [heading_text(c) for c in data["chunks"]]
            units: dict[str, set[tuple[str, str | None]]] = defaultdict(set)
            for c in data["chunks"]:
                units[heading_text(c)].add((c.doc_id, c.section))
            distinct = sorted(set(heads))
            vecs = emb.embed_passages(distinct)
            at = {h: i for i, h in enumerate(distinct)}
            s = (qv @ vecs.T)[:, [at[h] for h in heads]]
            shared = np.array([len(units[h]) for h in heads])
            if part == "Hu":
                s[:, shared > 1] = -1.0
            else:
                s = s - 0.02 * np.log2(shared)[None, :]
        elif part[0] in "WV":
            wins, rows = window_vectors(data, emb, int(part[1:]), overlap=part[0] == "W")
            s = np.full((len(qv), len(data["chunks"])), -1.0, dtype=np.float32)
            if len(rows):  # windows are in passage order: the best of each passage's run of windows
                starts = np.flatnonzero(np.diff(rows, prepend=-1))
                s[:, rows[starts]] = np.maximum.reduceat(qv @ wins.T, starts, axis=1)
        else:
            raise ValueError(part)
        out = s if out is None else np.maximum(out, s)
    assert out is not None
    return out


def window_vectors(data: dict[str, Any], emb: CachedEmbedder, size: int, overlap: bool = True
                   ) -> tuple[np.ndarray, np.ndarray]:
    key = f"{'W' if overlap else 'V'}{size}"
    if key not in data:
        texts, rows = [], []
        for row, c in enumerate(data["chunks"]):
            w = windows(c, size, emb.count_tokens, data["base"], None if overlap else size)
            texts += w
            rows += [row] * len(w)
        vecs = emb.embed_passages(texts)
        data[key] = (vecs, np.array(rows, dtype=np.int64), np.array(emb.count_tokens(texts)) if texts else np.zeros(0))
    return data[key][0], data[key][1]


def cost(data: dict[str, Any], parts: str) -> tuple[float, float]:
    """(vectors, tokens) embedded for `parts`, relative to P+H (the default build)."""
    heads = data["heads"]
    head_tokens = int(data["head_tokens"])
    n0 = len(data["chunks"]) + len(heads)
    t0 = int(data["tokens"].sum()) + head_tokens
    n, t = n0, t0
    for part in parts.split("+"):
        if part[0] in "WV":
            _, rows, tok = data[part]
            n += len(rows)
            t += int(tok.sum())
        if part == "Hq":
            n += len(heads)
            t += head_tokens
    return n / n0, t / t0


# ------------------------------------------------------------------------------------------------------- fusion
def _minmax(x: np.ndarray) -> np.ndarray:
    lo, hi = float(x.min()), float(x.max())
    if hi - lo <= 1e-9:
        return np.ones_like(x) if hi > 0 else np.zeros_like(x)
    return (x - lo) / (hi - lo)


def rank_convex(cand: np.ndarray, d: np.ndarray, lx: np.ndarray, w: float, **_: Any) -> np.ndarray:
    lm = lx.max()
    f = w * _minmax(d) + (1 - w) * (lx / lm if lm > 0 else lx * 0)
    return cand[np.lexsort((cand, -f))]


def rank_convex_mm(cand: np.ndarray, d: np.ndarray, lx: np.ndarray, w: float, **_: Any) -> np.ndarray:
    f = w * _minmax(d) + (1 - w) * _minmax(lx)
    return cand[np.lexsort((cand, -f))]


def rank_z(cand: np.ndarray, d: np.ndarray, lx: np.ndarray, w: float, **_: Any) -> np.ndarray:
    z = lambda x: (x - x.mean()) / (x.std() + 1e-9)  # noqa: E731
    f = w * z(d) + (1 - w) * z(lx)
    return cand[np.lexsort((cand, -f))]


def rank_rrf(cand: np.ndarray, d: np.ndarray, lx: np.ndarray, w: float, d_rows: np.ndarray, l_rows: np.ndarray,
             **_: Any) -> np.ndarray:
    dr = {int(r): i for i, r in enumerate(d_rows, 1)}
    lr = {int(r): i for i, r in enumerate(l_rows, 1)}
    f = np.array([w / (60 + dr.get(int(c), 1000)) + (1 - w) / (60 + lr.get(int(c), 1000)) for c in cand])
    return cand[np.lexsort((cand, -f))]


FUSIONS = {"convex": rank_convex, "minmax2": rank_convex_mm, "z": rank_z, "rrf": rank_rrf}


def evaluate(data: dict[str, Any], dense: np.ndarray, lex: np.ndarray, w: float, fusion: str = "convex"
             ) -> dict[str, float]:
    """The metrics of `scripts.eval.common.metrics` for the fused ranking of each question."""
    return metrics(data, fused_orders(data, dense, lex, w, fusion), lambda order: order)


def fused_orders(data: dict[str, Any], dense: np.ndarray, lex: np.ndarray, w: float, fusion: str = "convex"
                 ) -> list[np.ndarray]:
    """Each question's candidates (dense top 50 and lexical top 50), best first, fused as `fusion` says."""
    n = min(CANDIDATES, dense.shape[1])
    rank = FUSIONS[fusion]
    d_top = np.argpartition(-dense, n - 1, axis=1)[:, :n] if n < dense.shape[1] else \
        np.tile(np.arange(dense.shape[1]), (len(dense), 1))
    orders = []
    for i in range(len(data["questions"])):
        di = dense[i]
        d_rows = d_top[i][np.lexsort((d_top[i], -di[d_top[i]]))]
        if w >= 1.0:
            orders.append(d_rows)
            continue
        l_rows, _ = top_rows(lex[i], n)
        cand = np.union1d(d_rows, l_rows)
        orders.append(rank(cand, di[cand], lex[i][cand], w, d_rows=d_rows, l_rows=l_rows))
    return orders


# ------------------------------------------------------------------------------------------------------- table
COLUMNS = [("dev", "devset", ""), ("piaf", "piaf", ""), ("piaf-unacc", "piaf", "unacc"),
           ("cnil", "cnil_faq_dev", ""), ("cnil-unacc", "cnil_faq_dev", "unacc"), ("en", "en_stackfaq", "")]


def head() -> str:
    cells = ["dev a@1  a@5 "] + [f"{c[0]:>10}: R@1  R@5  MRR " for c in COLUMNS[1:]]
    return f"{'variant':34}" + " | ".join(cells) + " | cost vec/tok"


def row(label: str, results: list[dict[str, float]], costs: tuple[float, float] | None) -> str:
    cells = []
    for (col, _, _), m in zip(COLUMNS, results, strict=True):
        cells.append(f"{m['ans@1']:.3f} {m['ans@5']:.3f}" if col == "dev" else
                     f"{'':>10}  {m['R@1']:.3f} {m['R@5']:.3f} {m['MRR']:.3f}")
    c = f"{costs[0]:.2f}x {costs[1]:.2f}x" if costs else ""
    return f"{label:34}" + " | ".join(cells) + " | " + c


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    data_arguments(ap)
    ap.add_argument("--part", default="all",
                    choices=("dense", "more", "restore", "weight", "fusion", "bm25", "tokens", "all"))
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    targets = eval_targets(args.datasets)

    emb = CachedEmbedder(Settings(corpus_dir=ROOT / "corpus"), args.cache)

    def load_all(max_tokens: int) -> dict[str, dict[str, Any]]:
        settings = Settings(corpus_dir=ROOT / "corpus", max_passage_tokens=max_tokens)
        return {n: load_set(n, t, settings, emb) for n, t in targets.items()}

    data = load_all(256)
    memo: dict[tuple[int, str, str], np.ndarray] = {}
    qsets: dict[tuple[str, str], dict[str, Any]] = {}

    def qs(name: str, how: str) -> dict[str, Any]:
        if (name, how) not in qsets:
            qsets[name, how] = question_set(data[name], emb, how)
        return qsets[name, how]

    def measure(label: str, parts: str, w: float, fusion: str = "convex", restore: bool = False,
                dsets: dict[str, dict[str, Any]] | None = None) -> None:
        results = []
        for _, name, how in COLUMNS:
            d = (dsets or data)[name]
            q = question_set(d, emb, how + ("+restore" if restore else "")) if dsets else \
                qs(name, how + ("+restore" if restore else ""))
            key = (id(d), how + ("+restore" if restore else ""), parts)
            if key not in memo:
                memo[key] = part_scores(d, emb, q["qv"], parts)
            results.append(evaluate(d, memo[key], q["lex"], w, fusion))
        costs = [cost((dsets or data)[n], parts) for n in ("piaf", "cnil_faq_dev", "en_stackfaq")]
        print(row(label, results, (np.mean([c[0] for c in costs]), np.mean([c[1] for c in costs]))), flush=True)

    print(head())
    if args.part in ("dense", "all"):
        print("-- dense scoring (convex fusion)")
        for parts in ("P", "P+H", "P+H+Hq", "P+Hq"):
            measure(f"{parts} w=0.7", parts, 0.7)
        for size in (48, 64, 96, 128):
            for w in (0.6, 0.7, 0.8):
                measure(f"P+H+W{size} w={w}", f"P+H+W{size}", w)
        for size in (64, 96):
            measure(f"P+H+W{size} w=1 (dense only)", f"P+H+W{size}", 1.0)
        measure("P+H w=1 (dense only)", "P+H", 1.0)
        print("-- questions: accents restored from the corpus before embedding")
        measure("P+H w=0.7 +restore", "P+H", 0.7, restore=True)
        for size in (64, 96):
            measure(f"P+H+W{size} w=0.7 +restore", f"P+H+W{size}", 0.7, restore=True)
        print("embedding seconds so far", emb.seconds, "new vectors", emb.new, flush=True)
    if args.part in ("more", "all"):
        print("-- windows without overlap (V: stride = size; V1: one sentence each)")
        for size in (1, 32, 64, 96):
            for w in (0.6, 0.7):
                measure(f"P+H+V{size} w={w}", f"P+H+V{size}", w)
        print("-- headings by how many sections they head (Hu: one only; Hs: -0.02 log2(sections))")
        for parts in ("P+Hu", "P+Hs", "P+Hu+W64", "P+Hs+W64"):
            measure(f"{parts} w=0.7", parts, 0.7)
        measure("P+W64 w=0.7", "P+W64", 0.7)
        print("embedding seconds so far", emb.seconds, "new vectors", emb.new, flush=True)
    if args.part in ("restore", "all"):
        print("-- questions: accents restored (plain spelling < 1/10 of accented ones in the corpus, no URLs)")
        for parts in ("P+H", "P+H+W64"):
            measure(f"{parts} w=0.7 +restore", parts, 0.7, restore=True)
        measure("z P+H+W64 w=0.7 +restore", "P+H+W64", 0.7, "z", restore=True)
    if args.part in ("weight", "all"):
        print("-- the dense weight, default dense scoring and questions (P+H+W64, accents restored)")
        for w in (0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8):
            measure(f"P+H+W64 w={w} +restore", "P+H+W64", w, restore=True)
    if args.part in ("fusion", "all"):
        print("-- fusion forms")
        for fusion in ("convex", "minmax2", "z", "rrf"):
            for parts in ("P+H", "P+H+W64"):
                for w in ((0.5, 0.6, 0.7, 0.8) if fusion != "rrf" else (0.5, 0.6, 0.7)):
                    measure(f"{fusion} {parts} w={w}", parts, w, fusion)
    if args.part in ("bm25", "all"):
        print("-- BM25 k1, b (P+H+W64, w=0.7, convex)")
        for k1 in (0.9, 1.2, 1.6):
            for b in (0.4, 0.6, 0.75, 0.9):
                for d in data.values():
                    chunks = d["chunks"]
                    analyzer = d["index"].lexical.analyzer
                    d["index"].lexical = LexicalIndex.build([c.text for c in chunks], analyzer, k1=k1, b=b,
                                                            sections=section_numbers(chunks),
                                                            headings=[c.prefix for c in chunks])
                qsets.clear()
                memo.clear()
                measure(f"k1={k1} b={b} P+H+W64", "P+H+W64", 0.7)
        settings = Settings(corpus_dir=ROOT / "corpus")
        for d in data.values():
            chunks = d["chunks"]
            d["index"].lexical = LexicalIndex.build([c.text for c in chunks], d["index"].lexical.analyzer,
                                                    k1=settings.bm25_k1, b=settings.bm25_b,
                                                    sections=section_numbers(chunks),
                                                    headings=[c.prefix for c in chunks])
        qsets.clear()
    if args.part in ("tokens", "all"):
        print("-- passage limit (max_passage_tokens)")
        for tokens in (384, 512):
            other = load_all(tokens)
            for parts in ("P+H", "P+H+W64"):
                measure(f"max {tokens} {parts} w=0.7", parts, 0.7, dsets=other)
    print("embedding seconds", emb.seconds, "new vectors", emb.new, flush=True)


if __name__ == "__main__":
    main()
