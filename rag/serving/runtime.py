"""What running a searcher needs, without any HTTP framework: load one from the settings, set the search threads,
and keep one in service (`Runtime`: the reloader that keeps it current, the micro-batcher its searches queue in).

The HTTP app runs a `Runtime` through its lifespan and hands it to its routes and its MCP tools; the CLI's `rag
search` and `rag mcp` load a searcher here without importing the app.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable, Hashable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar

import faiss
from threadpoolctl import threadpool_limits

from rag.embedding.load import for_index, load_embedder
from rag.errors import IndexNotFound
from rag.index.store import Index
from rag.schemas import Passage
from rag.search.queries import estimated_tokens
from rag.search.searcher import Embedded, Found, Query, Searcher
from rag.serving import heap
from rag.serving.batcher import MicroBatcher
from rag.serving.reload import Reloader
from rag.settings import Settings

log = logging.getLogger("rag.api")  # the name operators filter start-up records on
# Who sends the request being served (set by the HTTP edge, `rag.http.auth.ClientMiddleware`): the micro-batcher
# gives each client its turn and its share of the queue. None: each request is a client of its own.
CLIENT: ContextVar[Hashable | None] = ContextVar("rag_client", default=None)

BatchEmbed = Callable[[Sequence[Query]], list[Embedded]]  # a batch's first step, the model's


def single_threaded_search() -> None:
    """Make FAISS searches made from the calling thread run on that thread alone (an OpenMP setting per thread),
    and numpy's BLAS (OpenBLAS: a setting for the whole process) run on one thread.

    A server's small batches over a flat index take microseconds; a team of OpenMP threads woken for each one
    costs more than that and competes with the embedding model for the same cores. The same holds for numpy's
    matrix products (the exact scores of candidates, of a filter's passages): measured with
    scripts/bench/filter_bench.py's vectors on a loaded 2-core machine, 5,000 passages against a question took a median
    8 ms with OpenBLAS's two threads and 0.15 ms with one. The model (torch) has threads of its own, unaffected.
    The server calls it from its main thread at start-up as well as from the search thread: an OpenBLAS started with
    `OPENBLAS_NUM_THREADS` ignores a count set from another thread.
    """
    faiss.omp_set_num_threads(1)
    threadpool_limits(1, user_api="blas")


def load_searcher(settings: Settings) -> Searcher:
    """Load the current index and the model, the one it was built with under `RAG_MODEL=auto`, and check that
    they belong together."""
    index = Index.load(settings.index_dir)
    embedder = load_embedder(for_index(settings, index.model))
    index.check_model(embedder.describe())
    counts = {"heading": 0 if index.headings is None else len(index.headings.vectors),
              "window": 0 if index.windows is None else len(index.windows)}
    for kind, count in counts.items():
        if count > settings.extra_scan_max:
            log.info("index build %s: %d %s vectors, more than RAG_EXTRA_SCAN_MAX (%d): they re-score the candidates "
                     "of the passage vectors and BM25, and find passages only within a filter that holds at most that "
                     "many", index.build_id, count, kind, settings.extra_scan_max)
    return Searcher.from_settings(index, embedder, settings)


def _unobserved(embed: BatchEmbed) -> BatchEmbed:
    return embed


def _serving(searcher: Searcher | None) -> str:
    if searcher is None:
        return "serving no index build yet (not ready)"
    index = searcher.index
    return f"serving index build {index.build_id} ({len(index)} passages, model {searcher.model_of(index)})"


def _keys(settings: Settings) -> str:
    """Whether the routes need keys, said at start: a misspelt or empty key setting opened the API to all."""
    api = (f"API keys: {len(settings.api_keys)}" if settings.api_keys else
           "API keys: none, /v1, /mcp and /passages are open to every client that reaches this address")
    admin = f"admin keys: {len(settings.admin_keys)}" if settings.admin_keys else "admin keys: none (admin routes off)"
    return f"{api}; {admin}"


class Runtime:
    """A searcher in service, for as long as `running()` lasts.

    Without a searcher given, the model and the index are loaded when it starts; a missing index leaves it running
    but not ready (`IndexNotFound` on every search, with the reason), until the reload watch finds a build.
    `observe` wraps the batch function the micro-batcher calls first, the model's (metrics count its batches);
    `keyed`: whether its clients come over HTTP, where the start's record says whether they need keys (`rag mcp`'s
    come over stdio).
    """

    def __init__(self, settings: Settings, searcher: Searcher | None = None, *,
                 observe: Callable[[BatchEmbed], BatchEmbed] = _unobserved, keyed: bool = True) -> None:
        self.settings = settings
        self.keyed = keyed
        self.searcher: Searcher | None = None
        self.batcher: MicroBatcher[Query, Found] | None = None
        self.reloader: Reloader | None = None
        self._given = searcher
        self._observe = observe
        self._not_ready = "the index is not loaded yet"

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Serve: load (or install the given searcher), watch the index folder, and stop the batcher at the end."""
        settings = self.settings
        single_threaded_search()  # here too: OpenBLAS takes a thread count set where it was started more reliably
        self.reloader = reloader = Reloader(settings, self._given, load=lambda: load_searcher(settings),
                                            install=self._install)
        if self._given is not None:
            self._install(self._given)
        else:
            try:
                await reloader.reload()
            except IndexNotFound as exc:
                self._not_ready = str(exc)
                log.warning("not ready: %s", exc)
        log.info("%s%s", _serving(self.searcher), f"; {_keys(settings)}" if self.keyed else "")
        heap.settle()  # what is loaded now stays for as long as the server serves
        watch = None
        if settings.reload_poll_seconds:
            watch = asyncio.create_task(reloader.watch(settings.reload_poll_seconds), name="rag-index-watch")
        try:
            yield
        finally:
            if watch is not None:
                watch.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watch
            if self.batcher is not None:
                self.batcher.close()
            heap.stop()

    def _install(self, searcher: Searcher) -> None:
        settings = self.settings
        # the model's call of one batch beside the searches of the one before (`MicroBatcher`'s `then`)
        self.batcher = MicroBatcher(self._observe(searcher.embed), then=searcher.rank,
                                    max_batch=settings.micro_batch_max,
                                    max_wait=settings.micro_batch_wait_ms / 1000, max_queue=settings.queue_max,
                                    max_cost=settings.micro_batch_max_tokens, max_queue_cost=settings.queue_max_tokens,
                                    cost=lambda query: estimated_tokens(query, most=searcher.embedder.max_tokens),
                                    on_start=single_threaded_search)
        self.searcher = searcher

    def current(self) -> Searcher:
        """The searcher in service; raises `IndexNotFound` (with the reason) while there is none."""
        searcher = self.searcher
        if searcher is None:
            raise IndexNotFound(self._not_ready)
        return searcher

    def index(self) -> Index:
        """The index served now; raises `IndexNotFound` while there is none."""
        return self.current().index

    def passage(self, passage_id: str) -> Passage:
        """The passage with this id in the index served now."""
        return self.current().passage(passage_id)

    def ready(self) -> bool:
        """Whether this server should get traffic (see `Reloader.not_ready`)."""
        return self.reloader is not None and self.reloader.not_ready() is None

    def deadline(self) -> float | None:
        """When a search received now must be answered by (`time.monotonic()`), if there is a deadline."""
        seconds = self.settings.request_deadline_seconds
        return time.monotonic() + seconds if seconds else None

    async def submit(self, queries: list[Query]) -> list[Found]:
        """The hits of each query, searched in the micro-batcher's turn (its client's: `CLIENT`), within the request
        deadline."""
        self.current()
        assert self.batcher is not None  # installed with the searcher
        return await self.batcher.submit(queries, deadline=self.deadline(), client=CLIENT.get())


__all__ = ["CLIENT", "Runtime", "load_searcher", "single_threaded_search"]
