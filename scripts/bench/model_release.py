"""How long a release of a model no longer served holds up the rest of a process: the longest wait of a thread that
wakes every millisecond while the model is freed, and the resident memory after.

    python -m scripts.bench.model_release [--rounds 5]

A server that swapped models holds both runtimes (PyTorch and ONNX Runtime) and the model it serves; the model it
stops serving is freed in a thread of its own. Two ways are measured, alternated, on a fresh copy of each model each
round, the other model loaded beside it as in such a server:

- `collect`: the model dropped, then `gc.collect()` (a sentence-transformers model sits in reference cycles) and
  glibc's `malloc_trim`: how `rag serve` gave memory back up to commit a4658cd. The collection walks the whole heap
  holding the GIL.
- `release`: `Embedder.release()`, the weights dropped piece by piece with the GIL given up between two pieces, then
  `malloc_trim` (a `ctypes.CDLL` call runs without the GIL).

The waits of a thread stand for those of the server's event loop: every request in flight waits as long.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import os
import statistics
import threading
import time

from rag.embedding.base import Embedder
from rag.embedding.load import ModelSpec
from rag.embedding.names import BUNDLED_MODEL, ENGLISH_MODEL
from scripts.bench.common import rss_mib

QUESTION = "how do I forward my mail?"


class Ticker(threading.Thread):
    """Sleeps a millisecond at a time until stopped; the longest gap between two wake-ups."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.longest = 0.0
        self.stopped = threading.Event()

    def run(self) -> None:
        last = time.perf_counter()
        while not self.stopped.is_set():
            time.sleep(0.001)
            now = time.perf_counter()
            self.longest, last = max(self.longest, now - last), now


def trim() -> None:
    ctypes.CDLL("libc.so.6").malloc_trim(0)


def collect(box: list[Embedder]) -> None:
    box.clear()
    gc.collect()
    trim()


def release(box: list[Embedder]) -> None:
    model = box.pop()
    model.release()
    trim()


WAYS = {"collect": collect, "release": release}


def freed(name: str, way: str) -> dict[str, float]:
    """Load `name`, warm it, then free it `way` in a thread while a ticker runs: the ticker's longest gap, the time
    the freeing took and the resident memory after."""
    model = ModelSpec(name).load()
    for _ in range(3):
        model.embed_queries([QUESTION])
    box = [model]
    del model
    ticker = Ticker()
    ticker.start()
    time.sleep(0.2)
    started = time.perf_counter()
    freeing = threading.Thread(target=WAYS[way], args=(box,))
    freeing.start()
    freeing.join()
    took = time.perf_counter() - started
    time.sleep(0.2)
    ticker.stopped.set()
    ticker.join()
    return {"longest_wait_ms": ticker.longest * 1000, "took_ms": took * 1000, "rss_mib": rss_mib(os.getpid())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="releases of each model each way (default 5)")
    args = parser.parse_args()
    kept = {BUNDLED_MODEL: ModelSpec(ENGLISH_MODEL).load(), ENGLISH_MODEL: ModelSpec(BUNDLED_MODEL).load()}
    for model in kept.values():
        model.embed_queries([QUESTION])
    runs: dict[str, dict[str, list[dict[str, float]]]] = {name: {way: [] for way in WAYS} for name in kept}
    for _ in range(args.rounds):
        for name in kept:
            for way in WAYS:
                runs[name][way].append(freed(name, way))
    result = {name: {way: {key: round(statistics.median(run[key] for run in rows), 1) for key in rows[0]}
                     for way, rows in ways.items()} for name, ways in runs.items()}
    print(json.dumps({"median_of_rounds": result, "rounds": args.rounds,
                      "command": f"python -m scripts.bench.model_release --rounds {args.rounds}"}, indent=2))


if __name__ == "__main__":
    main()
