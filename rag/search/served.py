"""The build a searcher serves and the model that reads its questions, swapped together; and the model each build it
served before was read with, for the requests still pinned to that build.

Under `RAG_MODEL=auto` a reload may bring a build of the other model (`rag.serving.reload`): the pair is replaced in
one assignment, so that a batch reads the build and the model of one moment, never one's build and the other's
model; a request that pinned the old build is encoded by the old model, which lives as long as such a build does
(kept by a weak reference to the build, dropped when the last request pinned to it is answered).

A model released so gives its memory back to the system (the cyclic collector, then glibc's `malloc_trim`, in a
thread of its own: the last request may end on the event loop): without it a server kept the freed pages of each
model it dropped, 442 MiB grew to 1,065-1,206 over six swaps; with it, 856 MiB after the second and 834 after the
sixth (`scripts/bench/model_swap.py`; docs/OPERATIONS.md has the figures).
"""

from __future__ import annotations

import ctypes
import gc
import logging
import threading
import weakref

from rag.embedding.base import Embedder
from rag.index.store import Index

log = logging.getLogger("rag.reload")


def _give_back_memory() -> None:
    """Free a released model's objects (a sentence-transformers model holds reference cycles, which only the cyclic
    collector frees) and return the heap's free pages to the system, where the C library can (glibc)."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (musl, macOS): its allocator returns what it returns
        log.debug("malloc_trim is not available here")


class Served:
    """The pair served (`now`), and the models of the builds served before that requests still pin."""

    def __init__(self, index: Index, embedder: Embedder) -> None:
        self.now = (index, embedder)  # replaced whole: read once, the build and its model of the same moment
        # id of a build served before -> (the build, weakly: ids are reused once it is gone; the model it was read with)
        self._before: dict[int, tuple[weakref.ref[Index], Embedder]] = {}
        # a reload's thread and a build's finalizer may change `_before` at once; reentrant, since the cyclic collector
        # may run a finalizer (`_forget`) at an allocation made while the lock is held
        self._lock = threading.RLock()

    def swap(self, index: Index, embedder: Embedder | None = None) -> tuple[Index, Embedder]:
        """Serve `index`, read with `embedder` (None: the model served now); returns the pair it replaces."""
        old = self.now
        key = id(old[0])
        with self._lock:  # recorded before the swap: a batch that read the old build finds its model
            self._before[key] = (weakref.ref(old[0]), old[1])
        # not at exit: a process that ends gives all its memory back, and Python 3.12 refuses to start the thread then
        weakref.finalize(old[0], self._forget, key).atexit = False
        self.now = (index, old[1] if embedder is None else embedder)
        return old

    def embedder(self, index: Index) -> Embedder:
        """The model that reads questions for `index`: the served build's, or the one a build served before was read
        with (a request that arrived before a reload)."""
        served, embedder = self.now
        if index is served:
            return embedder
        with self._lock:
            before = self._before.get(id(index))
        return before[1] if before is not None and before[0]() is index else embedder

    def _forget(self, key: int) -> None:
        with self._lock:
            before = self._before.pop(key, None)
        if before is not None and before[1] is not self.now[1]:  # a model no longer served: released with the build
            del before
            threading.Thread(target=_give_back_memory, name="rag-release-model", daemon=True).start()


__all__ = ["Served"]
