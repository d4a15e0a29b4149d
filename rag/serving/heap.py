"""The cyclic garbage collector kept off what a server holds once started.

Once its build and its model are loaded, a server's process holds some 160,000 objects the collector tracks
(Litestar's, pydantic's and the MCP SDK's classes and schemas, the build's passages and tables), and every full
collection reads them all, with the interpreter lock held: at 32 clients one came every 600 requests or so, and
the process spent some 75 us of CPU a request on them on average (docs/PERFORMANCE.md, stop 54). `settle`
collects, then moves every object the process holds out of the collector's reach (`gc.freeze`): objects made
later are collected as before, and a frozen object is still freed when its last reference goes; only a cycle of
frozen objects would wait. So a reload gives them all back (`release`): the build served before, its searcher's
memory of it (a cycle) and the model it was read with must be collectable once no request pins them. A collection
and a freeze at the reload would hold the interpreter lock for the whole walk, 250-350 ms with two models loaded,
while requests wait (`rag.search.served`); instead, the first full collection the collector makes on its own once
the build it replaced is gone (no request pins it any more) freezes what the process holds again, at no cost of its
own (`gc.freeze` moves the collector's lists whole). What is alive at that moment is frozen with the rest, the
objects of requests in flight too: a cycle among them waits for the next reload or the stop, as one alive at the
start does. The server's stop gives them back for good (`stop`). Where full collections are not reported as such
(Python 3.14's incremental collector makes them in steps; a free-threaded build, whose `gc.freeze` walks the heap),
the heap stays unfrozen after a reload, as it did before.
"""

from __future__ import annotations

import gc
import threading
import weakref
from typing import Any

_replaced: list[weakref.ref[Any]] = []  # what reloads stopped serving, until the collector has freed it all
_armed = False  # whether the next full collection that finds `_replaced` freed freezes the heap
# held by `release`, `stop` and `settle` throughout, and tried (never waited for) by the collector's callback: a
# collection in another thread, or one `release`'s own allocations start, sees them whole or skips its turn
_lock = threading.Lock()


def settle() -> None:
    """Collect what is garbage now, then freeze every object the process holds (a server has started)."""
    with _lock:
        _disarm()
        gc.collect()
        gc.freeze()


def release(replaced: object | None = None) -> None:
    """Give every frozen object back to the collector at a reload (`replaced`: the build it stopped serving, if any),
    until a full collection finds that build freed and freezes what the process holds then."""
    global _armed
    with _lock:
        if replaced is not None:
            _replaced.append(weakref.ref(replaced))
        _armed = True
        if _refreeze not in gc.callbacks:
            gc.callbacks.append(_refreeze)
        gc.unfreeze()


def stop() -> None:
    """Give every frozen object back to the collector for good (a server's stop)."""
    with _lock:
        _disarm()
        gc.unfreeze()


def _disarm() -> None:
    """No freeze at the next full collection (`_lock` held)."""
    global _armed
    _armed = False
    _replaced.clear()


def _refreeze(phase: str, info: dict[str, int]) -> None:
    """At the end of a full collection, freeze what the process holds if every build a reload replaced is freed."""
    if not _armed or phase != "stop" or info.get("generation") != 2 or not _lock.acquire(blocking=False):
        return
    try:
        if _armed and all(ref() is None for ref in _replaced):
            _disarm()
            gc.freeze()
    finally:
        _lock.release()


__all__ = ["release", "settle", "stop"]
