"""The build a searcher serves and the model that reads its questions, swapped together; and the model each build it
served before was read with, for the requests still pinned to that build.

Under `RAG_MODEL=auto` a reload may bring a build of the other model (`rag.serving.reload`): the pair is replaced in
one assignment, so that a batch reads the build and the model of one moment, never one's build and the other's
model; a request that pinned the old build is encoded by the old model, which lives as long as such a build does
(kept by a weak reference to the build, dropped when the last request pinned to it is answered).

A reload back to a model still held so (e5, then MiniLM, then e5 again while a request pins the first build) takes
that model again (`held`) rather than loading a second copy of it.

A model released so, served by nothing and held for no build, gives its memory back to the system at once: its
weights are dropped piece by piece (`Embedder.release`, in a thread of its own: the last request may end on the event
loop), then glibc's `malloc_trim` returns the heap's free pages. Without that return a server kept the freed pages of
each model it dropped, 442 MiB grew to 1,065-1,206 over six swaps. The cyclic collector (`gc.collect()`), which freed
the models before, held the GIL for its whole walk of the heap, and every request in flight waited for it: 250-350
ms in a process holding both models (the walk grows with the heap: a server holds its index too); the pieces keep
that wait to 8-13 ms, with the same memory returned (`scripts/bench/model_release.py`, `scripts/bench/model_swap.py`;
docs/OPERATIONS.md has the figures).
"""

from __future__ import annotations

import ctypes
import logging
import threading
import weakref
from collections.abc import Callable

from rag.embedding.base import Embedder
from rag.index.store import Index

log = logging.getLogger("rag.reload")


def _release(model: Embedder) -> None:
    """Free a model no longer served and give the heap's free pages back to the system, where the C library can
    (glibc). A `ctypes.CDLL` call runs without the GIL: `malloc_trim` holds up no other thread."""
    model.release()
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
        self._kept: Embedder | None = None  # a model `held` gave a reload, which the next swap is to serve
        # a reload's thread and a build's finalizer may change `_before` at once; reentrant, since the cyclic collector
        # may run a finalizer (`_forget`) at an allocation made while the lock is held
        self._lock = threading.RLock()

    def swap(self, index: Index, embedder: Embedder | None = None) -> tuple[Index, Embedder]:
        """Serve `index`, read with `embedder` (None: the model served now); returns the pair it replaces."""
        with self._lock:  # recorded before the swap: a batch that read the old build finds its model
            old = self.now
            key = id(old[0])
            self._before[key] = (weakref.ref(old[0]), old[1])
            self.now = (index, old[1] if embedder is None else embedder)
            kept, self._kept = self._kept, None
            # a model a reload took that this swap does not serve (the build was refused after all): not kept any more
            dropped = kept if kept is not None and not self._holds(kept) else None
        # not at exit: a process that ends gives all its memory back, and Python 3.12 refuses to start the thread then
        weakref.finalize(old[0], self._forget, key).atexit = False
        if dropped is not None:
            self._give_back(dropped)
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

    def held(self, fits: Callable[[Embedder], bool]) -> Embedder | None:
        """A model other than the one served, still in memory for a build served before that a request pins, which
        `fits` (reads a new build); None if there is none. It is kept from release until the next `swap`, which is
        to serve it: a reload back to that model takes it rather than loading a second copy beside it."""
        with self._lock:
            # `fits` allocates: a collection there may finalize a pinned build (`_forget`, reentrant under the lock)
            # and release its model; hence a snapshot, and the model still held once it fits
            for _, model in list(self._before.values()):
                if model is not self.now[1] and fits(model) and any(m is model for _, m in self._before.values()):
                    self._kept = model
                    return model
        return None

    def _holds(self, model: Embedder) -> bool:
        """Whether `model` is served, kept for a reload, or reads a build served before: not to be released."""
        return model is self.now[1] or model is self._kept or any(m is model for _, m in self._before.values())

    def _forget(self, key: int) -> None:
        with self._lock:
            before = self._before.pop(key, None)
            model = None if before is None or self._holds(before[1]) else before[1]
        if model is not None:  # a model no longer served nor held: released with the build
            self._give_back(model)

    @staticmethod
    def _give_back(model: Embedder) -> None:
        threading.Thread(target=_release, args=(model,), name="rag-release-model", daemon=True).start()


__all__ = ["Served"]
