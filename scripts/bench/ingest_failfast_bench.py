"""What failing before the model loads changes, as a user sees it: `rag ingest` of this checkout and of another one
(`--before`, e.g. the code before the change), on a corpus with no readable file and on the seed corpus.

    python -m scripts.bench.ingest_failfast_bench --before OLD_CHECKOUT
    python -m scripts.bench.ingest_failfast_bench --before OLD_CHECKOUT --rounds 5 \
        --json docs/results/ingest_failfast_bench.json

Two cases, each command in a subprocess from a fresh index folder, the two checkouts in alternating order each round
(a noisy neighbour then does not always hit the same one):
- `unreadable`: a corpus folder holding one binary `.txt` file; the command must fail with exit code 3. Its wall
  time is how long a user waits to learn that the corpus has nothing to read.
- `seed`: the seed corpus (`corpus/`), ingested in full; the command must succeed. Its wall time is what reading up
  to the first document before the model loads costs a normal ingest (nothing, if each file is still read once).
Medians over the rounds, and each case's ratio of this checkout's median to `--before`'s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from scripts.bench.common import CORPUS, ENV, ROOT

EXPECTED = {"unreadable": 3, "seed": 0}


def run(code: Path, corpus: Path, index: Path, expected: int) -> float:
    """Wall time of one `rag ingest` run by `code`'s rag, which must exit with `expected`."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "rag", "ingest", str(corpus), "--index", str(index), "--quiet"],
                          capture_output=True, text=True, env={**ENV, "PYTHONPATH": str(code)}, cwd=code, check=False)
    wall = time.perf_counter() - started
    if done.returncode != expected:
        raise SystemExit(f"ingest_failfast_bench: {code} exited {done.returncode}, not {expected}: "
                         f"{done.stderr.strip()[-2000:]}")
    return wall


def main() -> None:
    cli = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    cli.add_argument("--before", type=Path, required=True, help="the checkout to compare with")
    cli.add_argument("--rounds", type=int, default=5)
    cli.add_argument("--json", type=Path, help="write the figures to this file")
    args = cli.parse_args()
    codes = {"after": ROOT, "before": args.before.resolve()}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        unreadable = work / "unreadable"
        unreadable.mkdir()
        (unreadable / "image.txt").write_bytes(b"\x89PNG\x00\x01\x00binary")
        corpora = {"unreadable": unreadable, "seed": CORPUS}
        walls: dict[str, dict[str, list[float]]] = {case: {name: [] for name in codes} for case in corpora}
        for round_ in range(args.rounds):
            order = list(codes) if round_ % 2 == 0 else list(reversed(codes))
            for case, corpus in corpora.items():
                for name in order:
                    index = work / f"index-{case}-{name}-{round_}"
                    walls[case][name].append(run(codes[name], corpus, index, EXPECTED[case]))
                    print(f"round {round_ + 1} {case:<10} {name:<6} {walls[case][name][-1]:6.2f} s", flush=True)
    figures: dict[str, Any] = {"rounds": args.rounds, "before": str(codes["before"]), "cases": {}}
    for case, by_code in walls.items():
        medians = {name: statistics.median(values) for name, values in by_code.items()}
        figures["cases"][case] = {"wall_seconds": by_code, "median_seconds": medians,
                                  "ratio_after_to_before": medians["after"] / medians["before"]}
        print(f"{case:<10} median {medians['after']:.2f} s after, {medians['before']:.2f} s before: "
              f"ratio {medians['after'] / medians['before']:.2f}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
