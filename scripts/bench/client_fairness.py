"""One client flooding the search queue, another asking single questions: does the second still get answers?

    python -m scripts.bench.client_fairness --flood 300 --size 1 --duration 20 --json /tmp/client_fairness.json
    python -m scripts.bench.client_fairness --checkout /path/to/an/older/rag --json /tmp/client_fairness_before.json

Starts `python -m rag serve` from `--checkout` (default: this one) on 127.0.0.1 with two API keys, over an index of
corpus/ built by that checkout, `RAG_QUEUE_MAX` set to `--queue-max`. For `--duration` s, the flooding client (its
own key) keeps `--flood` requests of `--size` dev-set questions in flight (a batch request, or a single question for
size 1; each question padded to `--chars` characters, with `--pad` repeated if given: long ones keep the queue at
the deadline's edge, where short ones fill it), each sent again as soon as it is answered or refused; the light
client (the other key) asks single questions one after the other. Reports, for each client, its requests' statuses
and the light client's latency (p50, p95, max).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field

import httpx

from scripts.bench.common import DEV_SET, checkout_arguments, served_checkout
from scripts.bench.common import read_questions as questions

FLOOD_KEY, LIGHT_KEY = "bench-flood-key", "bench-light-key"


@dataclass
class Figures:
    checkout: str
    queue_max: int
    flood: int
    size: int
    chars: int
    pad: str
    duration_s: float
    light_statuses: dict[str, int] = field(default_factory=dict)
    light_ms_p50: float = 0.0
    light_ms_p95: float = 0.0
    light_ms_max: float = 0.0
    flood_statuses: dict[str, int] = field(default_factory=dict)


def _count(statuses: dict[str, int], status: str) -> None:
    statuses[status] = statuses.get(status, 0) + 1


async def flooder(http: httpx.AsyncClient, stop: asyncio.Event, asked: list[str], seed: int,
                  args: argparse.Namespace, figures: Figures) -> None:
    n, chars = 0, args.chars
    while not stop.is_set():
        n += 1
        batch = [f"{asked[(seed + n + m) % len(asked)]} ({seed}-{n}-{m})" for m in range(args.size)]
        pad = args.pad * chars if args.pad else " ".join(f"mot{seed}x{n}x{k}" for k in range(chars // 8))
        batch = [(q + " " + pad)[:chars] if chars else q for q in batch]
        request = ("/v1/search", {"question": batch[0]}) if args.size == 1 else ("/v1/search/batch",
                                                                                 {"questions": batch})
        try:
            status = str((await http.post(request[0], json=request[1])).status_code)
        except httpx.HTTPError as exc:
            status = type(exc).__name__
        _count(figures.flood_statuses, status)
        if status != "200":
            await asyncio.sleep(0.05)  # refused: try again at once, as a careless client would


async def light(http: httpx.AsyncClient, stop: asyncio.Event, asked: list[str], figures: Figures,
                latencies: list[float]) -> None:
    n = 0
    while not stop.is_set():
        started = time.perf_counter()
        try:
            status = str((await http.post("/v1/search", json={"question": asked[n % len(asked)]})).status_code)
        except httpx.HTTPError as exc:
            status = type(exc).__name__
        latencies.append(time.perf_counter() - started)
        _count(figures.light_statuses, status)
        n += 1
        await asyncio.sleep(0.05)


async def drive(base: str, args: argparse.Namespace, figures: Figures) -> None:
    asked = questions(DEV_SET)
    limits = httpx.Limits(max_connections=args.flood + 4)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits,
                                 headers={"Authorization": f"Bearer {FLOOD_KEY}"}) as flood_http, \
            httpx.AsyncClient(base_url=base, timeout=120,
                              headers={"Authorization": f"Bearer {LIGHT_KEY}"}) as light_http:
        await light_http.post("/v1/search", json={"question": asked[0]})  # warm
        stop, latencies = asyncio.Event(), []
        tasks = [asyncio.create_task(flooder(flood_http, stop, asked, n * 7, args, figures))
                 for n in range(args.flood)]
        await asyncio.sleep(2)  # the queue fills
        tasks.append(asyncio.create_task(light(light_http, stop, asked, figures, latencies)))
        await asyncio.sleep(args.duration)
        stop.set()
        await asyncio.gather(*tasks)
    cuts = statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) > 1 else [latencies[0]] * 99
    figures.light_ms_p50, figures.light_ms_p95 = (round(cuts[q] * 1000, 1) for q in (49, 94))
    figures.light_ms_max = round(max(latencies) * 1000, 1)


def run(args: argparse.Namespace) -> Figures:
    checkout = args.checkout.resolve()
    figures = Figures(checkout=str(checkout), queue_max=args.queue_max, flood=args.flood, size=args.size,
                      chars=args.chars, pad=args.pad, duration_s=args.duration)
    keys = {"RAG_API_KEYS": f"{FLOOD_KEY},{LIGHT_KEY}", "RAG_QUEUE_MAX": str(args.queue_max)}
    with served_checkout(checkout, keys) as (base, _, _):
        asyncio.run(drive(base, args, figures))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    checkout_arguments(parser)
    parser.add_argument("--queue-max", type=int, default=1024, help="RAG_QUEUE_MAX of the server (default 1024)")
    parser.add_argument("--flood", type=int, default=24, help="batch requests the flooding client keeps in flight "
                                                               "(default 24: 1,536 questions)")
    parser.add_argument("--size", type=int, default=64, help="questions per flooding request (default 64)")
    parser.add_argument("--chars", type=int, default=0,
                        help="characters of each flooding question (default 0: the dev-set question as it is)")
    parser.add_argument("--pad", default="", help="text repeated to pad each flooding question to --chars (default: "
                                                  "distinct words; '支付': ideographs, which cost more tokens)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds the light client asks (default 20)")
    args = parser.parse_args(argv)
    figures = run(args)
    print(json.dumps(asdict(figures), indent=2))
    if args.json:
        command = " ".join(["python -m scripts.bench.client_fairness", *(argv if argv is not None else sys.argv[1:])])
        args.json.write_text(json.dumps({"command": command, **asdict(figures)}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
