"""Both MCP profiles over a searcher in this process, for tests that talk to them through the SDK's in-memory client:
searches run in a worker thread, as a Runtime's would, without its batcher and reload watch (`rag mcp` serves them
through `rag.mcp.tools.in_service`; tests/system/test_mcp.py runs it)."""

from __future__ import annotations

import asyncio

from mcp.server.mcpserver import MCPServer

from rag.mcp.connector import build_connector
from rag.mcp.tools import Build, Search, build_server, patient
from rag.search.searcher import Found, Query, Searcher
from rag.settings import Settings


def in_thread(searcher: Searcher) -> Search:
    """`searcher`'s search as a `Search`: run in a worker thread of this process."""

    async def search(queries: list[Query]) -> list[Found]:
        return await asyncio.to_thread(searcher.search, queries)

    return search


def _over(build: Build, settings: Settings, searcher: Searcher) -> MCPServer:
    return patient(build(settings, in_thread(searcher), searcher.passage, lambda: searcher.index), settings)


def stdio_server(settings: Settings, searcher: Searcher) -> MCPServer:
    """The tools profile over `searcher`."""
    return _over(build_server, settings, searcher)


def stdio_connector(settings: Settings, searcher: Searcher) -> MCPServer:
    """The connector profile over `searcher`."""
    return _over(build_connector, settings, searcher)
