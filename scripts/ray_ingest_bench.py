"""`rag ingest` with the local engine and with `--engine ray`, on one corpus, as a user runs them; medians, the ratio,
and a check that both engines published the same artifact.

    python scripts/ray_ingest_bench.py                                # piaf passages, 3 rounds, 2 actors
    python scripts/ray_ingest_bench.py --dataset ../shared/datasets/en_stackfaq --rounds 5 --actors 2
    python scripts/ray_ingest_bench.py --json docs/ray_ingest.json

Each round runs both engines (in alternating order, so that a noisy neighbour does not always hit the same one)
from a fresh index folder, as subprocesses: wall time is the whole command, Ray's start and shutdown included. The
dataset folder's passages.jsonl is written out as one Markdown document per passage (as scripts/bench.py does).
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from rag.index import Index  # noqa: E402
from scripts.bench import ENV, PIAF, prepare  # noqa: E402


def run(corpus: Path, index: Path, extra: list[str]) -> dict[str, Any]:
    """One `rag ingest` in a subprocess: its JSON report plus the command's wall time."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "rag", "ingest", str(corpus), "--index", str(index), "--json",
                           *extra], capture_output=True, text=True, env=ENV, cwd=ROOT, check=False)
    wall = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"ray_ingest_bench: rag ingest {' '.join(extra)} failed ({done.returncode}): "
                         f"{done.stderr.strip()[-2000:]}")
    return {**json.loads(done.stdout), "wall": wall}


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
    args = cli.parse_args()
    engines = {"local": [], "ray": ["--engine", "ray", "--actors", str(args.actors)]}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        target = prepare(args.dataset, args.dataset / "questions.jsonl", work)
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in engines}
        for round_ in range(args.rounds):
            order = list(engines) if round_ % 2 == 0 else list(reversed(engines))
            for name in order:
                runs[name].append(run(target.corpus, work / f"{name}-{round_}", engines[name]))
                print(f"round {round_ + 1} {name}: {runs[name][-1]['wall']:.1f}s", file=sys.stderr)
        check = same_artifact(work / "local-0", work / "ray-0")
    result: dict[str, Any] = {
        "dataset": args.dataset.name, "rounds": args.rounds, "actors": args.actors, "cpus": os.cpu_count(),
        "passages": runs["local"][0]["passages"], "documents": runs["local"][0]["documents"],
        **check,
    }
    for name, reports in runs.items():
        result[name] = {"wall_s": statistics.median(r["wall"] for r in reports),
                        "ingest_s": statistics.median(r["seconds"] for r in reports),
                        "walls": [round(r["wall"], 2) for r in reports]}
    result["ray_over_local_wall"] = result["ray"]["wall_s"] / result["local"]["wall_s"]
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
