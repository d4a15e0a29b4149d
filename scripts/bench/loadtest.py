"""Load test of the real server over loopback: N concurrent clients for a fixed time; errors and memory growth.

    python -m scripts.bench.loadtest                          # 64 clients, 30 s after a 5 s warm-up, index of corpus/
    python -m scripts.bench.loadtest --clients 64 --duration 30 --max-rss-growth-mib 64 \
        --json docs/results/loadtest.json

Starts `python -m rag serve` on 127.0.0.1 (a free port) over an index of `--corpus` built into a temporary folder
(or `--index`), waits for /readyz, warms up (`--warmup` seconds and `--warmup-requests` answers), then runs the
clients: most ask one question (`POST /v1/search`), some a batch
of eight, some fetch a passage they were given. The server's resident memory (VmRSS) is sampled every second;
growth is measured from the end of the warm-up to the end of the run. Prints the figures, writes them as JSON
with `--json`, and exits 1 on any failed request or on growth beyond `--max-rss-growth-mib`.
Loopback only, bounded in time (`--duration`) and in requests (`--max-requests`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

from scripts.bench.common import CORPUS, DEV_SET, ROOT, rss_mib, serving
from scripts.bench.common import read_questions as questions


@dataclass
class Figures:
    clients: int
    seconds: float
    requests: int = 0
    errors: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)
    requests_per_second: float = 0.0
    latency_ms_p50: float = 0.0
    latency_ms_p95: float = 0.0
    latency_ms_p99: float = 0.0
    rss_mib_start: float = 0.0
    rss_mib_end: float = 0.0
    rss_mib_max: float = 0.0
    rss_growth_mib: float = 0.0
    max_rss_growth_mib: float = 0.0
    passed: bool = False


async def client(http: httpx.AsyncClient, asked: list[str], stop: asyncio.Event, figures: Figures,
                 latencies: list[float], ids: list[str], seed: int, max_requests: int) -> None:
    rng = random.Random(seed)
    while not stop.is_set() and figures.requests < max_requests:
        draw = rng.random()
        started = time.perf_counter()
        try:
            if draw < 0.1 and ids:
                response = await http.get(f"/v1/passages/{rng.choice(ids)}")
            elif draw < 0.2:
                response = await http.post("/v1/search/batch", json={"questions": rng.sample(asked, 8), "k": 3})
            else:
                response = await http.post("/v1/search", json={"question": rng.choice(asked), "k": 5})
            status = str(response.status_code)
            if response.status_code == 200 and draw >= 0.2 and len(ids) < 200:
                ids.extend(hit["id"] for hit in response.json()["passages"])
            elif response.status_code != 200 and len(figures.error_samples) < 5:
                figures.error_samples.append(f"{status}: {response.text[:200]}")
        except httpx.HTTPError as exc:
            status = type(exc).__name__
            if len(figures.error_samples) < 5:
                figures.error_samples.append(f"{status}: {exc}")
        latencies.append(time.perf_counter() - started)
        figures.requests += 1
        figures.statuses[status] = figures.statuses.get(status, 0) + 1
        if status != "200":
            figures.errors += 1


async def drive(base: str, pid: int, args: argparse.Namespace, asked: list[str]) -> Figures:
    figures = Figures(clients=args.clients, seconds=args.duration, max_rss_growth_mib=args.max_rss_growth_mib)
    limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as http:
        stop = asyncio.Event()
        latencies: list[float] = []
        ids: list[str] = []
        warm = Figures(clients=args.clients, seconds=args.warmup)
        tasks = [asyncio.create_task(client(http, asked, stop, warm, [], ids, n, 10**9))
                 for n in range(args.clients)]
        began = time.perf_counter()
        while time.perf_counter() - began < 300 and (
                time.perf_counter() - began < args.warmup or warm.requests < args.warmup_requests):
            await asyncio.sleep(0.2)
        stop.set()
        await asyncio.gather(*tasks)
        if warm.errors:
            figures.errors += warm.errors
            figures.error_samples += warm.error_samples
        figures.rss_mib_start = figures.rss_mib_max = rss_mib(pid)
        stop = asyncio.Event()
        started = time.perf_counter()
        tasks = [asyncio.create_task(client(http, asked, stop, figures, latencies, ids, 1000 + n, args.max_requests))
                 for n in range(args.clients)]
        while time.perf_counter() - started < args.duration and figures.requests < args.max_requests:
            await asyncio.sleep(1.0)
            figures.rss_mib_max = max(figures.rss_mib_max, rss_mib(pid))
        stop.set()
        await asyncio.gather(*tasks)
        figures.seconds = round(time.perf_counter() - started, 1)
    figures.rss_mib_end = rss_mib(pid)
    figures.rss_mib_max = max(figures.rss_mib_max, figures.rss_mib_end)
    figures.rss_growth_mib = round(figures.rss_mib_end - figures.rss_mib_start, 1)
    figures.requests_per_second = round(figures.requests / figures.seconds, 1)
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    figures.latency_ms_p50 = round(cuts[49] * 1000, 1)
    figures.latency_ms_p95 = round(cuts[94] * 1000, 1)
    figures.latency_ms_p99 = round(cuts[98] * 1000, 1)
    for name in ("rss_mib_start", "rss_mib_end", "rss_mib_max"):
        setattr(figures, name, round(getattr(figures, name), 1))
    figures.passed = figures.errors == 0 and figures.rss_growth_mib <= args.max_rss_growth_mib
    return figures


def run(args: argparse.Namespace) -> Figures:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    with tempfile.TemporaryDirectory() as scratch:
        index = args.index
        if index is None:
            index = Path(scratch) / "index"
            subprocess.run([sys.executable, "-m", "rag", "ingest", str(args.corpus), "--index", str(index), "-q"],
                           env=env, check=True, stdout=subprocess.DEVNULL)
        with serving(index, env, args.ready_timeout) as (base, _, server):
            return asyncio.run(drive(base, server.pid, args, questions(args.questions)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=64, help="concurrent clients (default 64)")
    parser.add_argument("--duration", type=float, default=30.0, help="measured seconds (default 30)")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds of load before measuring (default 5)")
    parser.add_argument("--warmup-requests", type=int, default=128,
                        help="and at least this many answers before measuring, so that the baseline memory is that "
                             "of a server that has seen full batches (default 128; the warm-up stops at 300 s)")
    parser.add_argument("--max-requests", type=int, default=200_000, help="stop after this many requests")
    parser.add_argument("--max-rss-growth-mib", type=float, default=64.0,
                        help="largest accepted growth of the server's resident memory (default 64 MiB)")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="corpus to index (default corpus/)")
    parser.add_argument("--index", type=Path, help="serve this index folder instead of building one")
    parser.add_argument("--questions", type=Path, default=DEV_SET,
                        help="JSON lines with a `question` field (default tests/data/devset.jsonl)")
    parser.add_argument("--ready-timeout", type=float, default=180.0, help="seconds to wait for /readyz")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    figures = run(args)
    text = json.dumps(asdict(figures), indent=2)
    print(text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0 if figures.passed else 1


if __name__ == "__main__":
    sys.exit(main())
