"""The cyclic garbage collector kept off what a server holds once started.

Once its build and its model are loaded, a server's process holds some 160,000 objects the collector tracks
(Litestar's, pydantic's and the MCP SDK's classes and schemas, the build's passages and tables), and every full
collection reads them all, with the interpreter lock held: at 32 clients one came every 600 requests or so, and
the process spent some 75 us of CPU a request on them on average (docs/PERFORMANCE.md, stop 54). `settle`
collects, then moves every object the process holds out of the collector's reach (`gc.freeze`): objects made
later are collected as before, and a frozen object is still freed when its last reference goes; only a cycle of
frozen objects would wait. So a reload gives them all back (`release`): the build served before, its searcher's
memory of it (a cycle) and the model it was read with must be collectable once no request pins them, and the
collector then reads the whole heap again, as before stop 54, until the server restarts (a collection and a freeze
at the reload would hold the interpreter lock for the whole walk, 250-350 ms with two models loaded, while
requests wait: `rag.search.served`). The server's stop gives them back too.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Collect what is garbage now, then freeze every object the process holds (a server has started)."""
    gc.collect()
    gc.freeze()


def release() -> None:
    """Give every frozen object back to the collector (a reload, a server's stop)."""
    gc.unfreeze()


__all__ = ["release", "settle"]
