"""`rag mcp` keeps serving the index folder, not the build it started with: a desktop agent starts its stdio server
once and keeps it for days, while `rag ingest` publishes new builds."""

from __future__ import annotations

import anyio
import pytest
from mcp import Client

from rag.errors import IndexNotFound
from rag.ingestion.pipeline import ingest
from rag.mcp.connector import build_connector
from rag.mcp.tools import build_server, in_service
from rag.serving.runtime import load_searcher

NEW = "Horaires du guichet\n\nLe guichet zorglub est ouvert le dimanche de 9 heures à 11 heures.\n"


@pytest.mark.parametrize(("build", "search"), [(build_server, {"question": "guichet zorglub dimanche", "k": 1}),
                                               (build_connector, {"query": "guichet zorglub dimanche"})])
def test_the_stdio_server_serves_each_build_ingest_publishes(fresh_settings, embedder, build, search):
    """It answered from its first build until restarted: a document ingested since was never found, its passages'
    ids "no passage with id"."""
    settings = fresh_settings.model_copy(update={"reload_poll_seconds": 0.5})
    ingest(settings, embedder=embedder)
    first = load_searcher(settings)

    async def found() -> tuple[str, str]:
        async with in_service(settings, first, build) as server, Client(server) as client:
            before = (await client.call_tool("search", search)).structured_content
            (settings.corpus_dir / "guichet.txt").write_text(NEW, encoding="utf-8")
            await anyio.to_thread.run_sync(lambda: ingest(settings, embedder=embedder))
            with anyio.fail_after(20):
                while True:  # the watch looks every RAG_RELOAD_POLL_SECONDS
                    after = (await client.call_tool("search", search)).structured_content
                    if after != before:
                        break
                    await anyio.sleep(0.2)
            return _first(before), _first(after)

    before, after = anyio.run(found)
    assert not before.startswith("Horaires du guichet") and after.startswith("Horaires du guichet")


def _first(result: dict | None) -> str:
    assert result is not None
    hits = result.get("passages") or result["results"]
    return hits[0].get("label") or hits[0]["title"]


def test_started_before_the_first_ingest_it_serves_the_first_build(fresh_settings, embedder):
    """`rag mcp` started before any build says to run `rag ingest` (tests/system/test_mcp.py), then serves the
    build it publishes, without a restart."""
    settings = fresh_settings.model_copy(update={"reload_poll_seconds": 0.5})

    async def listed() -> list[str]:
        async with in_service(settings, None, build_server) as server, Client(server) as client:
            assert (await client.call_tool("list_documents", {})).is_error
            await anyio.to_thread.run_sync(lambda: ingest(settings, embedder=embedder))
            with anyio.fail_after(20):
                while (after := await client.call_tool("list_documents", {})).is_error:
                    await anyio.sleep(0.2)
            assert after.structured_content is not None
            return [d["source"] for d in after.structured_content["documents"]]

    assert anyio.run(listed) == ["secu-debi-plateforme.txt", "sequra-faq-marchands.txt"]


def test_started_before_the_first_ingest_without_the_watch_it_refuses_to_start(fresh_settings):
    """With RAG_RELOAD_POLL_SECONDS=0 no build would ever be loaded: `rag mcp` started, its tools saying to run
    `rag ingest` and still saying it after the ingest, for ever; `rag serve` refuses to start there (exit 4)."""
    settings = fresh_settings.model_copy(update={"reload_poll_seconds": 0})

    async def started() -> None:
        async with in_service(settings, None, build_server):
            pass

    with pytest.raises(IndexNotFound):
        anyio.run(started)
