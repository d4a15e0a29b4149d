"""Index reload without downtime: serve the build the `current` link names, once it has loaded and checked out.

The new build is loaded and verified (checksums, counts, model) beside the one being served, then swapped in with
`Searcher.swap`. A request pins the index that was current when it arrived (`Query.index`), so it is answered
entirely by the old build or entirely by the new one; the old build's lease, and with it its folder on disk,
lives until the last request pinned to it is answered. A build that fails to load never replaces a good one:
the server keeps serving what it had and says why (`ReloadFailed`, the admin route's 409, `/readyz`'s detail).

Under `RAG_MODEL=auto` a build made with the other model (its corpus changed language: `model_for`) brings its
model: loaded beside the one served (two models in memory for a moment), the build verified with it, and the two
swapped together; the old model is released with the old build, once the requests pinned to it are answered. A
model still held for such a build (a reload back before its last request is answered) is served again, not loaded
a second time. A
model that cannot be loaded here is a build refused like any other. A model named by `RAG_MODEL` is never
replaced: a build of another model is refused.

Two triggers: the admin route `POST /v1/admin/reload`, and `watch`, which polls the `current` link every
`RAG_RELOAD_POLL_SECONDS` (one `readlink`, no file read) and reloads when it points elsewhere.

Readiness (`not_ready`): a server is ready while it serves a build whose folder is still in the index folder. An
ingest on another host sharing the folder cannot see this server's lease and removes builds beyond
`RAG_KEEP_BUILDS`; a server that could not move on (the newer builds were refused) then still answers from its
copy in memory, but stale and from files no longer there, so it says it is not ready, and why, instead.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from rag.embedding.base import Embedder
from rag.embedding.load import load_for_index
from rag.embedding.names import AUTO_MODEL
from rag.errors import IndexError_, IndexMismatch, IndexNotFound, ModelError, RagError, ReloadFailed
from rag.index.layout import current_build
from rag.index.store import Index
from rag.search.searcher import Searcher
from rag.serving import heap
from rag.settings import Settings

log = logging.getLogger("rag.reload")


def _reads(index: Index, model: Embedder) -> bool:
    """Whether `index` may be served with `model` (`Index.check_model`)."""
    try:
        index.check_model(model.describe())
    except IndexMismatch:
        return False
    return True


class ReloadReport(BaseModel):
    """What a reload did."""

    status: Literal["reloaded", "unchanged"] = Field(description="`unchanged`: the build was already served.")
    build_id: str = Field(description="Id of the build served from now on.")
    previous_build_id: str | None = Field(description="Id of the build served before (null: none was).")
    passages: int = Field(description="Passages in the served build.")
    model: str = Field(description="The embedding model that reads the questions from now on: under RAG_MODEL=auto, "
                                   "the one the served build was made with.")


class Reloader:
    """Keeps a searcher serving the build `current` points to.

    `load` builds the first searcher (model and index) when the server started without an index; `install`
    puts a first searcher into service. Later builds swap the searcher's index, and its model with it when `auto`
    chose another for the build.
    """

    def __init__(self, settings: Settings, searcher: Searcher | None, *, load: Callable[[], Searcher],
                 install: Callable[[Searcher], None]) -> None:
        self.settings = settings
        self.searcher = searcher
        self._load = load
        self._install = install
        self._lock = asyncio.Lock()
        self.failure: str | None = None  # why the newest build is not served, while that is so
        self._failed: Path | None = None  # the build that failed, so that the watch does not retry it in a loop
        self._gone: Path | None = None  # the served build whose missing folder was logged: one warning, not one a probe
        self._gone_lock = threading.Lock()  # probes, scrapes and the watch may ask at once

    async def reload(self) -> ReloadReport:
        """Serve the build `current` points to. Raises `ReloadFailed` (the old build still served) or, when no
        build was served yet, the `IndexError_` that prevents serving one."""
        async with self._lock:  # one reload at a time; requests go on meanwhile
            return await asyncio.to_thread(self._reload)

    def _reload(self) -> ReloadReport:
        if self.searcher is None:
            try:
                searcher = self._load()
            except RagError as exc:
                self.failure, self._failed = str(exc), current_build(self.settings.index_dir)
                log.warning("no index served: %s", exc)
                raise
            self._install(searcher)
            self.searcher = searcher
            self.failure = self._failed = None
            heap.release()  # a build loaded after the start (the start's own is frozen by `heap.settle` then):
            # frozen with the rest at the next full collection
            return self._report("reloaded", None)
        served = self.searcher.index
        target = current_build(self.settings.index_dir)
        if target is None:
            raise self._failure(None, IndexNotFound(f"no build in {self.settings.index_dir}"), served)
        if target == served.path:  # a refused build rolled back: nothing is wrong any more
            self.failure = self._failed = None
            return self._report("unchanged", served.build_id)
        try:
            index = Index.load_build(target)
            embedder = self._model_for(index)
            index.check_model((embedder or self.searcher.embedder).describe())
        except (IndexError_, ModelError) as exc:
            raise self._failure(target, exc, served) from exc
        replaced = self.searcher.swap(index, embedder)
        previous = replaced.build_id
        heap.release(replaced)  # the build before, frozen at the start, collectable once no request pins it
        del replaced
        self.failure = self._failed = None
        log.info("now serving index build %s (%d passages%s), was %s", index.build_id, len(index),
                 f", model {embedder.name}" if embedder else "", previous)
        return self._report("reloaded", previous)

    def _model_for(self, index: Index) -> Embedder | None:
        """Under `RAG_MODEL=auto`, the model a build of another model than the served one was made with: the copy
        still held for a build served before if there is one, else loaded here (raises `ModelError` saying why it
        cannot be); else None: the served model reads the build, or refuses it (a model named by `RAG_MODEL`
        stays)."""
        assert self.searcher is not None
        served, built = self.searcher.embedder.name, str(index.model["name"])
        if self.settings.model != AUTO_MODEL or built == served:
            return None
        held = self.searcher.held_model(lambda model: _reads(index, model))
        if held is not None:  # still in memory for a build served before that a request pins: no second copy
            log.info("index build %s was made with model %s, which this server still holds for build(s) served "
                     "before: serving it again", index.build_id, built)
            return held
        log.info("index build %s was made with model %s (RAG_MODEL=auto chose it for its corpus), this server runs "
                 "%s: loading %s beside it", index.build_id, built, served, built)
        try:
            return load_for_index(self.settings, index.model)
        except ModelError as exc:
            raise ModelError(f"the build was made with model {built!r} (RAG_MODEL=auto chose it for its corpus), "
                             f"which cannot be loaded here: {exc}") from exc

    def _failure(self, target: Path | None, exc: RagError, served: Index) -> ReloadFailed:
        name = target.name if target else "(none)"
        self.failure = f"index build {name} was not loaded, still serving build {served.build_id}: {exc}"
        self._failed = target
        log.warning("%s", self.failure)
        return ReloadFailed(self.failure)

    def _report(self, status: Literal["reloaded", "unchanged"], previous: str | None) -> ReloadReport:
        assert self.searcher is not None
        index = self.searcher.index
        return ReloadReport(status=status, build_id=index.build_id, previous_build_id=previous,
                            passages=len(index), model=self.searcher.model_of(index))

    def changed(self) -> bool:
        """Whether `current` names a build that is neither served nor known to fail. A refused build that `current`
        no longer names (rolled back to the served one) is forgotten: /readyz stops reporting it."""
        target = current_build(self.settings.index_dir)
        if target is None or target == self._failed:
            return False
        if self.searcher is not None and target == self.searcher.index.path:
            self.failure = self._failed = None  # whatever was refused (a build, a missing link) is behind us
            return False
        return True

    def not_ready(self) -> str | None:
        """Why this server should get no traffic, or None when it should.

        Not ready: no build is served yet (the reason the first load failed), or the served build's folder is
        no longer in the index folder (pruned by an ingest, typically on another host). The second is logged as
        one warning when first seen for that build, however often it is asked; it ends when another build is
        served (the watch takes the current build by itself if it loads) or the folder is back. Costs one `stat`
        (a few more while the folder is gone: the reason says whether a current build is left to move on to).
        """
        searcher = self.searcher
        if searcher is None:
            return self.failure or "the index is not loaded yet"
        index = searcher.index
        present = os.path.isdir(index.path)  # False for any error too: a build that cannot be seen is not vouched for
        with self._gone_lock:
            first = not present and self._gone != index.path
            self._gone = None if present else index.path
        if present:
            return None
        reason = self._gone_reason(index)
        if first:
            log.warning("%s", reason, extra={"build_id": index.build_id, "build_path": str(index.path)})
        return reason

    def _gone_reason(self, index: Index) -> str:
        poll = self.settings.reload_poll_seconds
        when = (f"within RAG_RELOAD_POLL_SECONDS ({poll:g} s), or at once on `POST /v1/admin/reload`" if poll else
                "on `POST /v1/admin/reload` (the watch is off: RAG_RELOAD_POLL_SECONDS=0)")
        index_dir = self.settings.index_dir
        gone = f"index build {index.build_id} is served but its folder {index.path} is gone"
        stale = "this server still answers from what it had loaded, stale,"
        if current_build(index_dir) is None:  # nothing to move on to: no ingest prunes the current build
            where = (f"the index folder {index_dir} is gone too" if not os.path.isdir(index_dir) else
                     f"and {index_dir} has no current build (its `current` link is missing or names a folder gone)")
            return (f"{gone}, {where}: removed by hand or by a tool, not by an ingest; {stale} until a build is "
                    f"published there (`rag ingest`), which it serves {when}")
        gone += (" (pruned by an ingest, most likely: it keeps the RAG_KEEP_BUILDS newest builds and cannot see which "
                 f"builds servers on other hosts still use); {stale}")
        if self.failure is None:
            return f"{gone} until it loads the current build, {when}"
        return (f"{gone} and cannot move on: {self.failure}. Fix that and publish a build this server accepts "
                f"(`rag ingest`), which it serves {when}; raise RAG_KEEP_BUILDS so that a server that cannot move on "
                "keeps its build longer")

    async def watch(self, interval: float) -> None:
        """Reload whenever `current` changes, checking every `interval` seconds, until cancelled; log when the
        served build's folder disappears (`not_ready`), even if nobody probes."""
        while True:
            await asyncio.sleep(interval)
            try:
                if self.changed():
                    await self.reload()
            except RagError:
                pass  # recorded and logged by `_failure`; the next build gets its own attempt
            except Exception:  # the watch must outlive any surprise, or reloads would silently stop
                log.exception("index watch: unexpected error")
            self.not_ready()  # a `stat` and at most a log record: nothing here that could stop the watch


__all__ = ["ReloadReport", "Reloader"]
