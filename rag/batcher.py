"""Micro-batching: requests that arrive together are answered by one call of a batch function.

A single worker thread runs the batch function; the event loop only enqueues and awaits. Whatever is queued
when the worker becomes free forms the next batch (up to `max_batch`), so a lone request never waits for company
and a crowd of requests shares each model call.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from rag.errors import Overloaded

T = TypeVar("T")
R = TypeVar("R")

_STOP = object()


class MicroBatcher(Generic[T, R]):
    """Runs `fn(items) -> results` (same length, same order) in one worker thread over queued items."""

    def __init__(self, fn: Callable[[Sequence[T]], Sequence[R]], *, max_batch: int = 64,
                 max_queue: int = 4096, name: str = "rag-batcher") -> None:
        self._fn = fn
        self._max_batch = max_batch
        self._max_queue = max_queue
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._pending = 0
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()
        self.batches = 0
        self.items = 0

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
        return list(await asyncio.gather(*futures))

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is _STOP:
                return
            batch = [first]
            while len(batch) < self._max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is _STOP:
                    self._queue.put(_STOP)
                    break
                batch.append(item)
            with self._lock:
                self._pending -= len(batch)
            self.batches += 1
            self.items += len(batch)
            try:
                results = self._fn([item for item, _, _ in batch])
            except BaseException as exc:  # hand the failure to every waiting request
                for _, future, loop in batch:
                    loop.call_soon_threadsafe(_fail, future, exc)
                continue
            for (_, future, loop), result in zip(batch, results, strict=True):
                loop.call_soon_threadsafe(_resolve, future, result)

    def close(self) -> None:
        self._queue.put(_STOP)
        self._thread.join(timeout=10)


def _resolve(future: asyncio.Future, result: object) -> None:
    if not future.done():
        future.set_result(result)


def _fail(future: asyncio.Future, exc: BaseException) -> None:
    if not future.done():
        future.set_exception(exc)


__all__ = ["MicroBatcher"]
