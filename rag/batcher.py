"""Micro-batching: requests that arrive together are answered by one call of a batch function.

A single worker thread runs the batch function; the event loop only enqueues and awaits. Whatever is queued
when the worker becomes free forms the next batch (at most `max_batch` items), so a lone request never waits for
company and a crowd of requests shares each model call.

With `max_wait` > 0 the worker also expects a crowd to come back: clients that were answered together tend to
ask again together, but their requests reach the queue one by one as the event loop reads them. Taken greedily,
the first of them would go alone (a whole model call for one question) while the rest pile up behind it. So when
the last batch held n items, the worker waits, at most `max_wait`, until n items are queued; after a batch of
one it waits for nothing, so a lone client's latency is untouched.

Each item carries its own future: results go back item by item, in the order the batch function returned them,
so a request only ever receives the answers computed for its own items.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from rag.errors import Overloaded

T = TypeVar("T")
R = TypeVar("R")

_STOP = object()
_Entry = tuple[Any, asyncio.Future, asyncio.AbstractEventLoop]


class MicroBatcher(Generic[T, R]):
    """Runs `fn(items) -> results` (same length, same order) in one worker thread over queued items.

    `on_start` runs once in the worker thread before the first batch (for per-thread library settings).
    """

    def __init__(self, fn: Callable[[Sequence[T]], Sequence[R]], *, max_batch: int = 64, max_wait: float = 0.0,
                 max_queue: int = 4096, name: str = "rag-batcher",
                 on_start: Callable[[], object] | None = None) -> None:
        if max_batch < 1 or max_wait < 0:
            raise ValueError("max_batch must be at least 1 and max_wait at least 0")
        self._fn = fn
        self._max_batch = max_batch
        self._max_wait = max_wait
        self._max_queue = max_queue
        self._on_start = on_start
        self._expect = 1  # the size of the last batch: how many items to wait for, with max_wait
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._pending = 0
        self._lock = threading.Lock()
        self.batches = 0
        self.items = 0
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    async def submit(self, items: Sequence[T]) -> list[R]:
        """Queue `items` and wait for their results. Raises `Overloaded` when the queue is full."""
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._pending + len(items) > self._max_queue:
                raise Overloaded(f"{self._pending} questions are waiting; retry in a moment")
            self._pending += len(items)
        futures = [loop.create_future() for _ in items]
        for item, future in zip(items, futures, strict=True):
            self._queue.put((item, future, loop))
        if len(futures) == 1:  # the common case: no gather future to build and schedule
            return [await futures[0]]
        return list(await asyncio.gather(*futures))

    def _take(self) -> list[_Entry] | None:
        """The next batch: one item (waiting as long as needed), then what is queued, up to `max_batch`; with
        `max_wait`, waiting at most that long for as many items as the last batch held."""
        first = self._queue.get()
        if first is _STOP:
            return None
        batch = [first]
        expect = min(self._expect, self._max_batch) if self._max_wait else 1
        deadline = time.monotonic() + self._max_wait
        while len(batch) < self._max_batch:
            try:
                if len(batch) < expect:
                    item = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
                else:
                    item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is _STOP:
                self._queue.put(_STOP)
                break
            batch.append(item)
        self._expect = len(batch)
        return batch

    def _run(self) -> None:
        if self._on_start is not None:
            self._on_start()
        while (batch := self._take()) is not None:
            with self._lock:
                self._pending -= len(batch)
            self.batches += 1
            self.items += len(batch)
            try:
                results = self._fn([item for item, _, _ in batch])
                if len(results) != len(batch):
                    raise RuntimeError(f"batch function returned {len(results)} results for {len(batch)} items")
            except BaseException as exc:  # hand the failure to every waiting request
                _hand_back(batch, [exc] * len(batch), _fail)
                continue
            _hand_back(batch, list(results), _resolve)

    def close(self) -> None:
        self._queue.put(_STOP)
        self._thread.join(timeout=10)


def _hand_back(batch: list[_Entry], outcomes: list, settle: Callable[[asyncio.Future, object], None]) -> None:
    """Settle each item's future with its own outcome: one wake-up per event loop, not one per item."""
    by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future, object]]] = {}
    for (_, future, loop), outcome in zip(batch, outcomes, strict=True):
        by_loop.setdefault(loop, []).append((future, outcome))
    for loop, pairs in by_loop.items():
        with contextlib.suppress(RuntimeError):  # that loop is closed: nobody is waiting any more
            loop.call_soon_threadsafe(_settle_all, pairs, settle)


def _settle_all(pairs: list[tuple[asyncio.Future, object]], settle: Callable[[asyncio.Future, object], None]) -> None:
    for future, outcome in pairs:
        settle(future, outcome)


def _resolve(future: asyncio.Future, result: object) -> None:
    if not future.done():  # a request cancelled meanwhile (client gone) no longer wants it
        future.set_result(result)


def _fail(future: asyncio.Future, exc: object) -> None:
    if not future.done():
        assert isinstance(exc, BaseException)
        future.set_exception(exc)


__all__ = ["MicroBatcher"]
