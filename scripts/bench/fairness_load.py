"""Single questions while batch clients load the server: their latency, and what abandoned batches cost.

    python -m scripts.bench.fairness_load --json docs/results/fairness_load.json
    python -m scripts.bench.fairness_load --checkout /path/to/an/older/rag --json /tmp/fairness_before.json

Starts `python -m rag serve` from `--checkout` (default: this one) on 127.0.0.1, over an index of corpus/ built by
that checkout, then two phases, loopback only and bounded in time:

1. Steady load (`--duration` s): `--batch-clients` clients each send maximum batches (64 questions of 2,000
   characters, all different) one after the other, while one client asks single questions from
   tests/data/devset.jsonl one after the other. Reports the single questions' latency (p50, p95, p99, max) and
   statuses, and the batches answered.
2. Abandoned work: once the server is idle, `--abandon` maximum batches are sent on their own connections, which
   are closed 0.4 s later; a single question is sent right after. Reports how long it waited and the CPU time the
   server spent in the `--settle` s that followed (work for clients that have left, if it is still done).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

from scripts.bench.common import DEV_SET, HOST, checkout_arguments, served_checkout
from scripts.bench.common import read_questions as questions


@dataclass
class Figures:
    checkout: str
    batch_clients: int
    duration_s: float
    singles: int = 0
    single_statuses: dict[str, int] = field(default_factory=dict)
    single_ms_p50: float = 0.0
    single_ms_p95: float = 0.0
    single_ms_p99: float = 0.0
    single_ms_max: float = 0.0
    batches_answered: int = 0
    batch_statuses: dict[str, int] = field(default_factory=dict)
    abandoned_batches: int = 0
    single_after_abandon_ms: float = 0.0
    single_after_abandon_status: str = ""
    server_cpu_s_after_abandon: float = 0.0
    settle_s: float = 0.0


def long_questions(seed: int) -> list[str]:
    """64 different questions of 2,000 characters (the limits of one batch request)."""
    return [(f"Question {seed}-{n} : " + " ".join(f"mot{seed}x{n}x{m}" for m in range(400)))[:2000] for n in range(64)]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def batch_client(http: httpx.AsyncClient, stop: asyncio.Event, figures: Figures, seed: int) -> None:
    n = 0
    while not stop.is_set():
        n += 1
        try:
            response = await http.post("/v1/search/batch", json={"questions": long_questions(seed * 1000 + n),
                                                                 "k": 5})
            status = str(response.status_code)
        except httpx.HTTPError as exc:
            status = type(exc).__name__
        figures.batch_statuses[status] = figures.batch_statuses.get(status, 0) + 1
        figures.batches_answered += status == "200"


async def single_client(http: httpx.AsyncClient, stop: asyncio.Event, figures: Figures, asked: list[str],
                        latencies: list[float]) -> None:
    n = 0
    while not stop.is_set():
        started = time.perf_counter()
        try:
            status = str((await http.post("/v1/search", json={"question": asked[n % len(asked)], "k": 5})).status_code)
        except httpx.HTTPError as exc:
            status = type(exc).__name__
        latencies.append(time.perf_counter() - started)
        figures.single_statuses[status] = figures.single_statuses.get(status, 0) + 1
        n += 1


def abandon(base_port: int, count: int) -> None:
    """`count` maximum batches on their own connections, all closed 0.4 s after they were sent."""
    sockets = []
    for n in range(count):
        body = json.dumps({"questions": long_questions(900_000 + n), "k": 5}).encode()
        sock = socket.create_connection((HOST, base_port))
        sock.sendall(b"POST /v1/search/batch HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
                     b"content-length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        sockets.append(sock)
    time.sleep(0.4)
    for sock in sockets:
        sock.close()


async def drive(base: str, port: int, pid: int, args: argparse.Namespace, figures: Figures) -> None:
    asked = questions(DEV_SET)
    async with httpx.AsyncClient(base_url=base, timeout=args.timeout) as http:
        await http.post("/v1/search", json={"question": asked[0]})  # warm
        stop, latencies = asyncio.Event(), []
        tasks = [asyncio.create_task(batch_client(http, stop, figures, n + 1)) for n in range(args.batch_clients)]
        tasks.append(asyncio.create_task(single_client(http, stop, figures, asked, latencies)))
        await asyncio.sleep(args.duration)
        stop.set()
        await asyncio.gather(*tasks)
        cuts = (statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) > 1
                else [latencies[0]] * 99)
        figures.singles = len(latencies)
        figures.single_ms_p50, figures.single_ms_p95, figures.single_ms_p99 = (
            round(cuts[q] * 1000, 1) for q in (49, 94, 98))
        figures.single_ms_max = round(max(latencies) * 1000, 1)

        for _ in range(int(args.timeout)):  # idle again: a single question answered at once
            started = time.perf_counter()
            await http.post("/v1/search", json={"question": asked[1]})
            if time.perf_counter() - started < 0.5:
                break
        cpu_before = cpu_seconds(pid)
        abandon(port, args.abandon)
        figures.abandoned_batches = args.abandon
        started = time.perf_counter()
        try:
            status = str((await http.post("/v1/search", json={"question": asked[2]})).status_code)
        except httpx.HTTPError as exc:
            status = type(exc).__name__
        figures.single_after_abandon_ms = round((time.perf_counter() - started) * 1000, 1)
        figures.single_after_abandon_status = status
        await asyncio.sleep(max(0.0, args.settle - (time.perf_counter() - started)))
        figures.settle_s = args.settle
        figures.server_cpu_s_after_abandon = round(cpu_seconds(pid) - cpu_before, 1)


def run(args: argparse.Namespace) -> Figures:
    checkout = args.checkout.resolve()
    figures = Figures(checkout=str(checkout), batch_clients=args.batch_clients, duration_s=args.duration)
    with served_checkout(checkout, {}) as (base, port, server):
        asyncio.run(drive(base, port, server.pid, args, figures))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    checkout_arguments(parser)
    parser.add_argument("--batch-clients", type=int, default=2, help="clients sending maximum batches (default 2)")
    parser.add_argument("--duration", type=float, default=40.0, help="seconds of steady load (default 40)")
    parser.add_argument("--abandon", type=int, default=8, help="maximum batches sent then abandoned (default 8)")
    parser.add_argument("--settle", type=float, default=60.0,
                        help="seconds after abandoning over which the server's CPU time is measured (default 60)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds a request may take (default 300)")
    args = parser.parse_args(argv)
    figures = run(args)
    text = json.dumps(asdict(figures), indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
