"""`rag ingest` with the local engine and with `--engine ray`, on one corpus, as a user runs them; medians, the ratio,
and a check that both engines published the same artifact.

    python -m scripts.bench.ray_ingest_bench                          # piaf passages, 3 rounds, 2 actors
    python -m scripts.bench.ray_ingest_bench --dataset ../shared/datasets/en_stackfaq --rounds 5 --actors 2
    python -m scripts.bench.ray_ingest_bench --dataset corpus --rounds 3 --json docs/results/ray_ingest_bench.json
    python -m scripts.bench.ray_ingest_bench --dataset corpus --code OLD_CHECKOUT   # another checkout's rag

Each round runs both engines (in alternating order, so that a noisy neighbour does not always hit the same one)
from a fresh index folder, as subprocesses: wall time is the whole command, Ray's start and shutdown included. The
dataset folder's passages.jsonl is written out as one Markdown document per passage (as `scripts.bench.speed` does); a
folder without one is ingested as it is. Each run also reports the driver's peak resident memory (the `rag ingest`
process itself, not Ray's workers).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from rag.index.store import Index
from scripts.bench.common import DEV_SET, ENV, PIAF, ROOT, prepare

# `rag ingest`, then the process's own peak resident memory (KiB) on the last line of stderr
DRIVER = ("import resource, sys; from rag.cli import main; code = main(sys.argv[1:]); "
          "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr); sys.exit(code)")


def run(corpus: Path, index: Path, extra: list[str], code: Path = ROOT) -> dict[str, Any]:
    """One `rag ingest` in a subprocess running `code`'s rag: its JSON report, the command's wall time and the
    driver's peak resident memory."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", DRIVER, "ingest", str(corpus), "--index", str(index), "--json",
                           *extra], capture_output=True, text=True, env={**ENV, "PYTHONPATH": str(code)}, cwd=code,
                          check=False)
    wall = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"ray_ingest_bench: rag ingest {' '.join(extra)} failed ({done.returncode}): "
                         f"{done.stderr.strip()[-2000:]}")
    rss_mib = int(done.stderr.strip().splitlines()[-1]) / 1024
    return {**json.loads(done.stdout), "wall": wall, "driver_rss_mib": rss_mib}


def same_artifact(a: Path, b: Path) -> dict[str, Any]:
    """Passage ids and records equal, vectors' largest difference."""
    left, right = Index.load(a), Index.load(b)
    same = [p.to_record() for p in left.passages] == [p.to_record() for p in right.passages]
    gap = float(np.abs(left.stored_vectors() - right.stored_vectors()).max()) if same else float("nan")
    return {"same_passages": same, "max_vector_difference": gap}


def main() -> None:
    cli = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    cli.add_argument("--dataset", type=Path, default=PIAF)
    cli.add_argument("--rounds", type=int, default=3)
    cli.add_argument("--actors", type=int, default=2)
    cli.add_argument("--json", type=Path, help="write the figures to this file")
    cli.add_argument("--code", type=Path, default=ROOT, help="the checkout whose rag runs the ingests")
    args = cli.parse_args()
    engines = {"local": [], "ray": ["--engine", "ray", "--actors", str(args.actors)]}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        questions = args.dataset / "questions.jsonl"  # unused here; a plain corpus folder has none
        target = prepare(args.dataset, questions if questions.is_file() else DEV_SET, work)
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in engines}
        for round_ in range(args.rounds):
            order = list(engines) if round_ % 2 == 0 else list(reversed(engines))
            for name in order:
                runs[name].append(run(target.corpus, work / f"{name}-{round_}", engines[name], args.code.resolve()))
                print(f"round {round_ + 1} {name}: {runs[name][-1]['wall']:.1f}s", file=sys.stderr)
        check = same_artifact(work / "local-0", work / "ray-0")
    result: dict[str, Any] = {
        "dataset": args.dataset.name, "code": str(args.code.resolve()), "rounds": args.rounds,
        "actors": args.actors, "cpus": os.cpu_count(),
        "passages": runs["local"][0]["passages"], "documents": runs["local"][0]["documents"],
        **check,
    }
    for name, reports in runs.items():
        result[name] = {"wall_s": statistics.median(r["wall"] for r in reports),
                        "ingest_s": statistics.median(r["seconds"] for r in reports),
                        "driver_rss_mib": round(statistics.median(r["driver_rss_mib"] for r in reports), 1),
                        "walls": [round(r["wall"], 2) for r in reports]}
    result["ray_over_local_wall"] = result["ray"]["wall_s"] / result["local"]["wall_s"]
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
