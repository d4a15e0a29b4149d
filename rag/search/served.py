"""The build a searcher serves and the model that reads its questions, swapped together; and the model each build it
served before was read with, for the requests still pinned to that build.

Under `RAG_MODEL=auto` a reload may bring a build of the other model (`rag.serving.reload`): the pair is replaced in
one assignment, so that a batch reads the build and the model of one moment, never one's build and the other's
model; a request that pinned the old build is encoded by the old model, which lives as long as such a build does
(kept by a weak reference to the build, dropped when the last request pinned to it is answered).
"""

from __future__ import annotations

import threading
import weakref

from rag.embedding.base import Embedder
from rag.index.store import Index


class Served:
    """The pair served (`now`), and the models of the builds served before that requests still pin."""

    def __init__(self, index: Index, embedder: Embedder) -> None:
        self.now = (index, embedder)  # replaced whole: read once, the build and its model of the same moment
        # id of a build served before -> (the build, weakly: ids are reused once it is gone; the model it was read with)
        self._before: dict[int, tuple[weakref.ref[Index], Embedder]] = {}
        self._lock = threading.Lock()  # a reload's thread and a build's finalizer may change `_before` at once

    def swap(self, index: Index, embedder: Embedder | None = None) -> tuple[Index, Embedder]:
        """Serve `index`, read with `embedder` (None: the model served now); returns the pair it replaces."""
        old = self.now
        key = id(old[0])
        with self._lock:  # recorded before the swap: a batch that read the old build finds its model
            self._before[key] = (weakref.ref(old[0]), old[1])
        weakref.finalize(old[0], self._forget, key)
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
            self._before.pop(key, None)


__all__ = ["Served"]
