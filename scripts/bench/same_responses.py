"""Every `POST /v1/search` response for a question set, as the API sends it, to compare two checkouts byte for byte.

    PYTHONPATH=CHECKOUT python CHECKOUT/scripts/bench/same_responses.py INDEX_DIR OUT.txt QUESTIONS.jsonl...
        [--at-once N] [--cpu ROUNDS] [--clients 32]

Each question is asked four ways (as is; `k` 10 with `explain`; lexical mode; dense mode with `k` 3) of the app in
process (ASGI calls, the model and the index loaded as `rag serve` loads them), and one line a response is written:
its status and headers (less the request id and the length: `took_ms`'s digits vary) and its body as sent, `took_ms`
set to 0. Run it for each checkout on the same index, then `cmp` the two files: a change that only saves time gives
the same file; `--at-once 32` asks 32 at a time, batched together (the same file again: a question's answer does not
depend on its batch). `--cpu N` then asks each question as is, 32 requests at a time (`--clients`), N times, and
prints the CPU time a request of the app's thread (the event loop's share: Litestar, validation, the answer, the
JSON; the search runs in the batcher's threads) and of the process, and what the collector's full collections cost:
run the checkouts in turn, more than once. It imports nothing but rag, so it runs as a file too: `PYTHONPATH=<checkout>`
picks the code compared.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import re
import statistics
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

VARIANTS: list[dict[str, Any]] = [{}, {"k": 10, "explain": True}, {"mode": "lexical"}, {"mode": "dense", "k": 3}]
TOOK = re.compile(r'"took_ms":[0-9.eE+-]+')


async def ask(app: Any, body: bytes) -> list[dict[str, Any]]:
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/v1/search", "raw_path": b"/v1/search", "root_path": "", "query_string": b"",
             "headers": [(b"host", b"127.0.0.1:8000"), (b"content-type", b"application/json"),
                         (b"content-length", str(len(body)).encode())],
             "client": ("127.0.0.1", 5555), "server": ("127.0.0.1", 8000), "state": {}, "extensions": {}}
    read, sent, never = False, [], asyncio.Event()

    async def receive() -> dict[str, Any]:
        nonlocal read
        if not read:
            read = True
            return {"type": "http.request", "body": body, "more_body": False}
        await never.wait()  # the client stays until the end
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


@contextlib.asynccontextmanager
async def running(app: Any) -> AsyncIterator[None]:
    """The app started (its lifespan: the index and the model loaded) for the time of the block, then stopped."""
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    await inbox.put({"type": "lifespan.startup"})
    life = asyncio.create_task(app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, inbox.get,
                                   outbox.put))
    started = await outbox.get()
    if started["type"] != "lifespan.startup.complete":
        raise SystemExit(f"the app did not start: {started}")
    try:
        yield
    finally:
        await inbox.put({"type": "lifespan.shutdown"})
        await outbox.get()
        await life


async def _run(app: Any, questions: list[str], out: Path, rounds: int, clients: int, at_once: int = 1) -> int:
    lines = 0
    bodies = [json.dumps({"question": question, **variant}, ensure_ascii=False).encode() for question in questions
              for variant in VARIANTS]
    async with running(app):
        with out.open("w", encoding="utf-8") as handle:
            for at in range(0, len(bodies), at_once):
                for sent in await asyncio.gather(*(ask(app, body) for body in bodies[at:at + at_once])):
                    head = {"status": sent[0]["status"], "headers": [
                        (name.decode("latin-1"), value.decode("latin-1")) for name, value in sent[0]["headers"]
                        if name.lower() not in (b"x-request-id", b"content-length")]}
                    body = b"".join(message.get("body", b"") for message in sent[1:]).decode()
                    handle.write(json.dumps(head) + "\t" + TOOK.sub('"took_ms":0', body, count=1) + "\n")
                    lines += 1
        if rounds:
            await _cpu(app, questions, rounds, clients)
    return lines


async def _cpu(app: Any, questions: list[str], rounds: int, clients: int) -> None:
    """Each question as is, `clients` requests at a time, `rounds` times: the CPU time a request of this thread (the
    event loop's: Litestar, validation, the answer, the JSON) and of the whole process (the search thread and the
    model besides), min and median over rounds, in microseconds; and the full collections of the cyclic garbage
    collector over all rounds, in whichever thread they ran: how many, and their CPU time a request on average (a
    few a run: the rounds without one make the minimum)."""
    bodies = [json.dumps({"question": question}, ensure_ascii=False).encode() for question in questions]
    loop: list[float] = []
    process: list[float] = []
    full: list[float] = []
    began = [0.0]

    def collected(phase: str, info: dict[str, int]) -> None:
        if info["generation"] == 2:
            if phase == "start":
                began[0] = time.thread_time()
            else:
                full.append(time.thread_time() - began[0])

    gc.callbacks.append(collected)
    try:
        for _ in range(rounds):
            started, all_started = time.thread_time(), time.process_time()
            for at in range(0, len(bodies), clients):
                await asyncio.gather(*(ask(app, body) for body in bodies[at:at + clients]))
            loop.append((time.thread_time() - started) / len(bodies) * 1e6)
            process.append((time.process_time() - all_started) / len(bodies) * 1e6)
    finally:
        gc.callbacks.remove(collected)
    for name, figures in (("event loop", loop), ("process", process)):
        print(f"CPU a request, {name:10s} min {min(figures):8.1f} us   median {statistics.median(figures):8.1f} us")
    print(f"full collections {len(full)}, CPU a request {sum(full) / (rounds * len(bodies)) * 1e6:.1f} us on average")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("index", type=Path, help="index folder (as `rag ingest --index` wrote it)")
    parser.add_argument("out", type=Path, help="file to write, one response a line")
    parser.add_argument("questions", type=Path, nargs="+", help="questions .jsonl (a `question` field per line)")
    parser.add_argument("--cpu", type=int, default=0, metavar="ROUNDS",
                        help="then measure the CPU a request costs over this many rounds of the questions as they are")
    parser.add_argument("--clients", type=int, default=32, help="requests at a time in the rounds of --cpu")
    parser.add_argument("--at-once", type=int, default=1, metavar="N",
                        help="ask N of the responses written at a time (batched together: the same file is expected)")
    args = parser.parse_args(argv)

    from rag import logs
    from rag.http.app import create_app
    from rag.settings import Settings

    settings = Settings(index_dir=args.index, log_level="warning")
    logs.configure(settings.log_level, settings.log_format)
    questions = [json.loads(line)["question"] for path in args.questions
                 for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    lines = asyncio.run(_run(create_app(settings), questions, args.out, args.cpu, args.clients, args.at_once))
    print(f"{lines} responses ({len(questions)} questions x {len(VARIANTS)}) in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
