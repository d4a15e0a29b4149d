"""Index reload without downtime: serve the build the `current` link names, once it has loaded and checked out.

The new build is loaded and verified (checksums, counts, model) beside the one being served, then swapped in with
`Searcher.swap`. A request pins the index that was current when it arrived (`Query.index`), so it is answered
entirely by the old build or entirely by the new one; the old build's lease, and with it its folder on disk,
lives until the last request pinned to it is answered. A build that fails to load never replaces a good one:
the server keeps serving what it had and says why (`ReloadFailed`, the admin route's 409, `/readyz`'s detail).

Two triggers: the admin route `POST /v1/admin/reload`, and `watch`, which polls the `current` link every
`RAG_RELOAD_POLL_SECONDS` (one `readlink`, no file read) and reloads when it points elsewhere.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from rag.errors import IndexError_, IndexNotFound, RagError, ReloadFailed
from rag.index import Index, current_build
from rag.searcher import Searcher
from rag.settings import Settings

log = logging.getLogger("rag.reload")


class ReloadReport(BaseModel):
    """What a reload did."""

    status: Literal["reloaded", "unchanged"] = Field(description="`unchanged`: the build was already served.")
    build_id: str = Field(description="Id of the build served from now on.")
    previous_build_id: str | None = Field(description="Id of the build served before (None: none was).")
    passages: int = Field(description="Passages in the served build.")


class Reloader:
    """Keeps a searcher serving the build `current` points to.

    `load` builds the first searcher (model and index) when the server started without an index; `install`
    puts a first searcher into service. Later builds only swap the searcher's index.
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
            return self._report("reloaded", None)
        served = self.searcher.index
        target = current_build(self.settings.index_dir)
        if target is None:
            raise self._failure(None, IndexNotFound(f"no build in {self.settings.index_dir}"), served)
        if target == served.path:
            return self._report("unchanged", served.build_id)
        try:
            index = Index.load_build(target)
            index.check_model(self.settings.model, self.settings.query_prompt, self.settings.passage_prompt)
        except IndexError_ as exc:
            raise self._failure(target, exc, served) from exc
        previous = self.searcher.swap(index)
        self.failure = self._failed = None
        log.info("now serving index build %s (%d passages), was %s", index.build_id, len(index),
                 previous.build_id)
        return self._report("reloaded", previous.build_id)

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
                            passages=len(index))

    def changed(self) -> bool:
        """Whether `current` names a build that is neither served nor known to fail."""
        target = current_build(self.settings.index_dir)
        if target is None or target == self._failed:
            return False
        return self.searcher is None or target != self.searcher.index.path

    async def watch(self, interval: float) -> None:
        """Reload whenever `current` changes, checking every `interval` seconds, until cancelled."""
        while True:
            await asyncio.sleep(interval)
            try:
                if self.changed():
                    await self.reload()
            except RagError:
                pass  # recorded and logged by `_failure`; the next build gets its own attempt
            except Exception:  # the watch must outlive any surprise, or reloads would silently stop
                log.exception("index watch: unexpected error")


__all__ = ["ReloadReport", "Reloader"]
