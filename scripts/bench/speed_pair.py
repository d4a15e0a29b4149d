"""Two checkouts served side by side and driven in turn, each against the bare model measured around it: what a
change costs the server, on a machine whose load moves more than the change does.

    python -m scripts.bench.speed_pair BEFORE AFTER [--rounds 6] [-o pair.json]

BEFORE and AFTER are checkouts of rag (e.g. `git worktree add /tmp/before <commit>`). Each builds its own index of
the seed corpus (corpus/) and serves it with its own code (`served_checkout`: its folder on PYTHONPATH). Each round
measures, as `scripts.bench.speed` does: the floor (this checkout's bare model, one question at a time), one wrk run
of 1 client on each server in turn, the floor again; then the floor in batches of 32, one wrk run of 32 clients on
each server in turn, the floor again. The order of the two servers alternates from round to round. Printed, per
round and as the median over rounds: each server's ratio to the floor measured around both runs (the targets of
`scripts.bench.speed`), AFTER's p50 and rate over BEFORE's of the same round, measured seconds apart, and each
server's CPU time a request over the run, all its threads and its event loop's (/proc: it moves less with the load
than times do, though ONNX Runtime's threads count the time they spin waiting for work).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import tempfile
from functools import partial
from pathlib import Path
from typing import Any

from scripts.bench.common import DEV_SET, read_questions, served_checkout
from scripts.bench.speed import Floor, around, wrk

NAMES = ("before", "after")
FIGURES = {1: "p50_ms", 32: "rate"}  # by clients: the figure a target divides by the floor
CPU = ("cpu_ms", "loop_cpu_ms")  # a server's CPU time a request: all its threads, its event loop (the main thread)


def thread_seconds(pid: int) -> dict[int, float]:
    """The CPU time (user and system) of each thread of process `pid` so far, by thread id (Linux /proc)."""
    out = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            stat = (task / "stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()  # after the name, which may hold spaces
            out[int(task.name)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return out


def drive(servers: dict[str, tuple[str, int]], order: list[str], bodies: Path, clients: int, requests: int
          ) -> dict[str, Any]:
    """One wrk run on each server in `order`, with the server's CPU time a request over it: all threads, and the
    event loop's."""
    runs = {}
    for name in order:
        url, pid = servers[name]
        before = thread_seconds(pid)
        run = wrk(url, bodies, clients, requests)
        after = thread_seconds(pid)
        spent = {tid: seconds - before.get(tid, 0.0) for tid, seconds in after.items()}
        runs[name] = {**run, "cpu_ms": 1000 * sum(spent.values()) / run["requests"],
                      "loop_cpu_ms": 1000 * spent.get(pid, 0.0) / run["requests"]}
    return runs


def one_round(servers: dict[str, tuple[str, int]], order: list[str], floor: Floor, bodies: Path, questions: list[str],
              requests: dict[int, int]) -> dict[str, Any]:
    """The servers in `order` at 1 client, then at 32, each time both between two floor runs: each server's figure,
    its errors and its ratio to that floor, and the floors."""
    floors = {1: partial(floor.single_ms, questions), 32: partial(floor.batched_rate, (questions * 8)[:256])}
    row: dict[str, Any] = {}
    for clients, figure in FIGURES.items():
        runs, floored = around(floors[clients], partial(drive, servers, order, bodies, clients, requests[clients]))
        for name, run in runs.items():
            row[f"{name} {clients}"] = {figure: run[figure], "errors": run["errors"],
                                        "ratio": run[figure] / floored["floor"], **{key: run[key] for key in CPU}}
        row[f"floor {clients}"] = floored
    return row


def line(n: int, order: list[str], row: dict[str, Any]) -> str:
    figures = [f"{name} {clients}: {run[figure]:.4g} (ratio {run['ratio']:.2f}, CPU {run['cpu_ms']:.2f} ms a request, "
               f"event loop {run['loop_cpu_ms']:.2f})"
               for clients, figure in FIGURES.items() for name in order for run in [row[f"{name} {clients}"]]]
    floors = [f"{row[f'floor {c}']['floor_before']:.4g} / {row[f'floor {c}']['floor_after']:.4g}" for c in FIGURES]
    return (f"round {n}: " + "; ".join(figures) + "; floors before / after " + ", ".join(floors) +
            f"; load average {row['floor 32']['load']:.1f}")


def summary(rounds: list[dict[str, Any]]) -> dict[str, float]:
    """Medians over rounds: each server's figure and ratio to the floor, and after's figure over before's."""
    out: dict[str, float] = {}
    for clients, figure in FIGURES.items():
        for name in NAMES:
            for key in (figure, "ratio", *CPU):
                out[f"{name} {clients} clients {key}"] = statistics.median(r[f"{name} {clients}"][key] for r in rounds)
        out[f"after / before {clients} clients {figure}"] = statistics.median(
            r[f"after {clients}"][figure] / r[f"before {clients}"][figure] for r in rounds)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checkouts", type=Path, nargs=2, help="the two rag checkouts: before, after")
    parser.add_argument("--rounds", type=int, default=6, help="rounds (medians over them)")
    parser.add_argument("--requests-1", type=int, default=300, help="requests per 1-client run")
    parser.add_argument("--requests-32", type=int, default=1500, help="requests per 32-client run")
    parser.add_argument("-o", "--output", type=Path, help="write every figure as JSON to this file")
    args = parser.parse_args(argv)
    questions = read_questions(DEV_SET)
    requests = {1: args.requests_1, 32: args.requests_32}
    rounds = []
    with contextlib.ExitStack() as stack:
        served = {name: stack.enter_context(served_checkout(checkout.resolve(), {}))
                  for name, checkout in zip(NAMES, args.checkouts, strict=True)}
        servers = {name: (url, process.pid) for name, (url, _, process) in served.items()}
        bodies = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "bodies.jsonl"
        bodies.write_text("".join(json.dumps({"question": q}, ensure_ascii=False) + "\n" for q in questions),
                          encoding="utf-8")
        floor = Floor()
        for url, _ in servers.values():
            wrk(url, bodies, 32, 200)  # warm-up: first calls of every code path, connection set-up
        for n in range(args.rounds):
            order = list(NAMES) if n % 2 == 0 else list(NAMES[::-1])
            rounds.append(one_round(servers, order, floor, bodies, questions, requests))
            print(line(n + 1, order, rounds[-1]), flush=True)
    medians = summary(rounds)
    errors = sum(r[f"{name} {c}"]["errors"] for r in rounds for name in NAMES for c in FIGURES)
    print(f"medians of {args.rounds} rounds ({errors} errors):")
    print("\n".join(f"  {key:32} {value:.3f}" for key, value in medians.items()))
    if args.output:
        args.output.write_text(json.dumps({"checkouts": [str(c) for c in args.checkouts], "rounds": rounds,
                                           "medians": medians, "errors": errors}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
