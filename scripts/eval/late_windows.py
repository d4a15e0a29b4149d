"""Sentence windows pooled from their passage's own token vectors ("late chunking") against windows embedded alone.

    HF_HUB_OFFLINE=1 python -m scripts.eval.late_windows [--datasets ../shared/datasets] [--cache DIR]

Ingest embeds each sentence window of a passage as a text of its own (heading path, then the window's sentences):
about 2.25 times the tokens of the passages alone (docs/PERFORMANCE.md). Late chunking would cost no model call
more: the passage is run once, as ingest runs it, and each window's vector is the mean of the model's last-layer
token vectors over the window's sentences (`sentences`), normalised; `+head` adds the tokens of `<s>`, the prompt
and the heading path to that mean (the window text's own prefix). The windows are those of ingest
(`rag.index.window_spans`, 64 tokens). Each variant scores a passage by the best of its own, its heading's and its
windows' cosines and fuses with BM25 as `scripts.eval.quality_sweep` does (the default: dense weight 0.7, accents
restored). Columns: dev set answer R@1; the sets R@1 / R@5 / MRR@10.

The bundled model only (its converted ONNX graph, given a second output: the token vectors before pooling).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np

from rag.embedding.bundled import converted_model, session_options
from rag.embedding.e5_convert import MODEL_FILE, TOKENIZER_FILE
from rag.embedding.e5_tokenizer import E5Tokenizer
from rag.index.windows import window_spans
from rag.passage import sentences
from scripts.eval.common import data_arguments, eval_targets, metrics
from scripts.eval.quality_sweep import (
    CachedEmbedder,
    cached_embedder,
    fused_orders,
    load_set,
    part_scores,
    question_set,
)

WEIGHT = 0.7


def token_session(folder: Path) -> tuple[Any, str]:
    """An ONNX Runtime session of the converted model that also outputs the token vectors the pooling averages."""
    import onnx
    import onnxruntime as ort

    model = onnx.load(str(folder / MODEL_FILE))
    made = {out: node for node in model.graph.node for out in node.output}
    pooled = next(n for n in model.graph.node if "sentence_embedding" in n.output)
    mean = made[pooled.input[0]]
    total = made[mean.input[0]]
    tokens = made[total.input[0]].input[0]  # the Mul of the token vectors by the mask, inside the ReduceSum
    model.graph.output.append(onnx.helper.make_tensor_value_info(tokens, onnx.TensorProto.FLOAT, ["batch", "seq", 384]))
    return ort.InferenceSession(model.SerializeToString(), session_options(),  # as `BundledE5` runs the model
                                providers=["CPUExecutionProvider"]), tokens


def late_windows(data: dict[str, Any], emb: CachedEmbedder, session: Any, output: str, tokenizer: E5Tokenizer
                 ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per variant ("late", "late+head"): the pooled window vectors and each window's passage row, in order."""
    base = emb.count_tokens([""])[0]
    vecs: dict[str, list[np.ndarray]] = {"late": [], "late+head": []}
    rows: list[int] = []
    for row, chunk in enumerate(data["chunks"]):
        parts = sentences(chunk.text)
        if len(parts) < 2:
            continue
        spans = window_spans([n - base for n in emb.count_tokens(parts)], 64)
        if not spans:
            continue
        pieces = [tokenizer.content("passage: " + chunk.context)] + [tokenizer.content(p) for p in parts]
        content = [i for p in pieces for i in p][:tokenizer.max_content]
        ids = [tokenizer.bos, *content, tokenizer.eos]
        arr = np.array([ids], dtype=np.int64)
        hidden = session.run([output], {"input_ids": arr, "attention_mask": np.ones_like(arr)})[0][0]
        starts = np.cumsum([1] + [len(p) for p in pieces])  # where each piece's tokens start
        for a, b in spans:
            lo, hi = int(starts[1 + a]), min(int(starts[1 + b]), len(ids) - 1)
            for name, v in (("late", hidden[lo:hi].mean(0)),
                            ("late+head", np.concatenate([hidden[:starts[1]], hidden[lo:hi]]).mean(0))):
                vecs[name].append(v / np.linalg.norm(v))
            rows.append(row)
    return {name: (np.array(v, dtype=np.float32).reshape(-1, 384), np.array(rows, dtype=np.int64))
            for name, v in vecs.items()}


def best_window(qv: np.ndarray, vectors: np.ndarray, rows: np.ndarray, passages: int) -> np.ndarray:
    out = np.full((len(qv), passages), -1.0, dtype=np.float32)
    if len(rows):
        starts = np.flatnonzero(np.diff(rows, prepend=-1))
        out[:, rows[starts]] = np.maximum.reduceat(qv @ vectors.T, starts, axis=1)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    data_arguments(ap)
    args = ap.parse_args()
    settings, emb = cached_embedder(args.cache)
    folder, _ = converted_model(settings.model_cache)
    session, output = token_session(folder)
    tokenizer = E5Tokenizer(folder / TOKENIZER_FILE)
    targets = eval_targets(args.datasets)
    table: dict[str, list[str]] = {}
    for name, target in targets.items():
        data = load_set(name, target, settings, emb)
        q = question_set(data, emb, "+restore")
        ph = part_scores(data, emb, q["qv"], "P+H")
        variants = {"passage + heading": ph,
                    "+ windows embedded alone (default)": np.maximum(ph, part_scores(data, emb, q["qv"], "W64"))}
        for variant, (vectors, rows) in late_windows(data, emb, session, output, tokenizer).items():
            variants[f"+ windows pooled ({variant})"] = np.maximum(
                ph, best_window(q["qv"], vectors, rows, len(data["chunks"])))
        for label, dense in variants.items():
            m = metrics(data, fused_orders(data, dense, q["lex"], WEIGHT), lambda o: o)
            cell = f"{m['ans@1']:.3f}" if name == "devset" else f"{m['R@1']:.3f} / {m['R@5']:.3f} / {m['MRR']:.3f}"
            table.setdefault(label, []).append(cell)
        print(f"{name}: done", flush=True)
    print("| variant | " + " | ".join(targets) + " |\n|---|" + "---|" * len(targets))
    for label, cells in table.items():
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
