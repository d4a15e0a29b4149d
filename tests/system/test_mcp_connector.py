"""The MCP connector profile at `/mcp/connector` (rag.mcp.connector): the `search`/`fetch` contract of ChatGPT
connectors and deep research, through the official SDK's client and raw JSON-RPC, against the app served by a real
uvicorn on loopback (with API keys), at the current protocol revision and at the earlier ones clients still send;
and over stdio, through a real `rag mcp --profile connector`."""

from __future__ import annotations

import html
import json
import os
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import anyio
import httpx
import httpx2
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp_types import CallToolResult
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS, LATEST_HANDSHAKE_VERSION, LATEST_MODERN_VERSION

from rag.mcp.connector import ANSWERABLE_META, CONNECTOR_RESULTS
from tests.helpers.paths import ROOT
from tests.helpers.serving import HTTP_TIMEOUT, keyed_server

KEY = "test-key-1"
AUTH = {"Authorization": f"Bearer {KEY}"}
QUESTION = "Quels documents d’identité acceptez-vous ?"
PATHS = ["/mcp", "/mcp/connector"]
TOOLS = {"/mcp": {"search", "get_passage", "list_documents"}, "/mcp/connector": {"search", "fetch"}}
# a call each profile answers, and what its answer holds: the passage text, the title of the document first found
CALLS = {"/mcp": ("search", {"question": QUESTION, "k": 2}, "carte de séjour"),
         "/mcp/connector": ("search", {"query": QUESTION}, "FAQ marchands seQura")}


@pytest.fixture(scope="module")
def served(searcher, settings) -> Iterator[str]:
    """The app over the session searcher, on a loopback port, behind KEY."""
    with keyed_server(searcher, settings, KEY) as url:
        yield url


@asynccontextmanager
async def connect(base: str, path: str = "/mcp/connector", mode: Any = "auto") -> AsyncIterator[Client]:
    """The SDK's client over streamable HTTP, sending the API key, negotiating as `mode` says ('auto': the current
    revision, probed with `server/discover`; 'legacy': the `initialize` handshake)."""
    async with httpx2.AsyncClient(headers=AUTH, timeout=HTTP_TIMEOUT) as http, \
            Client(streamable_http_client(f"{base}{path}", http_client=http), mode=mode) as client:
        yield client


def twin(result: CallToolResult) -> dict[str, Any]:
    """The structured content of a successful result, checked to be the JSON of its one text item as well."""
    assert not result.is_error, result.content
    assert len(result.content) == 1 and result.content[0].type == "text"
    assert isinstance(result.structured_content, dict)
    assert json.loads(result.content[0].text) == result.structured_content  # type: ignore[union-attr]
    return result.structured_content


def test_exactly_two_read_only_tools_with_output_schemas(served):
    async def main() -> None:
        async with connect(served) as client:
            assert client.protocol_version == LATEST_MODERN_VERSION
            tools = {t.name: t for t in (await client.list_tools()).tools}
            assert set(tools) == {"search", "fetch"}
            for tool in tools.values():
                assert tool.description
                assert tool.annotations and tool.annotations.read_only_hint
                assert tool.annotations.destructive_hint is False
            search, fetch = tools["search"], tools["fetch"]
            assert set(search.input_schema["properties"]) == {"query"} and search.input_schema["required"] == ["query"]
            assert search.input_schema["properties"]["query"]["type"] == "string"
            assert set(fetch.input_schema["properties"]) == {"id"} and fetch.input_schema["required"] == ["id"]
            assert search.output_schema and search.output_schema["required"] == ["results"]
            item = search.output_schema["$defs"]["SearchResult"]
            assert set(item["properties"]) == set(item["required"]) == {"id", "title", "url"}
            assert fetch.output_schema
            assert {"id", "title", "text", "url", "metadata"} == set(fetch.output_schema["required"])

    anyio.run(main)


def test_search_gives_links_that_open_on_the_passage(served):
    async def main() -> dict[str, Any]:
        async with connect(served) as client:
            result = await client.call_tool("search", {"query": QUESTION})
            assert result.meta and result.meta[ANSWERABLE_META] is True
            return twin(result)

    found = anyio.run(main)
    results = found["results"]
    assert set(found) == {"results"} and 1 <= len(results) <= CONNECTOR_RESULTS
    api = httpx.post(f"{served}/v1/search", json={"question": QUESTION, "k": len(results)}, headers=AUTH,
                     timeout=HTTP_TIMEOUT).json()
    assert [r["id"] for r in results] == [p["id"] for p in api["passages"]]
    for result, passage in zip(results, api["passages"], strict=True):
        assert set(result) == {"id", "title", "url"} and result["title"] == passage["citation"]["label"]
        # the seed documents declare no URL: the link is this server's page of the passage
        assert passage["citation"]["url"] is None
        assert result["url"] == f"{served}/passages/{result['id']}"
    top = api["passages"][0]
    page = httpx.get(results[0]["url"], headers=AUTH, timeout=HTTP_TIMEOUT)
    assert page.status_code == 200 and page.headers["content-type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert html.escape(top["text"]) in page.text and html.escape(top["citation"]["label"]) in page.text
    assert "carte de séjour" in page.text and "<script" not in page.text
    # a browser sends no key: the same guard as /v1 answers
    refused = httpx.get(results[0]["url"], timeout=HTTP_TIMEOUT)
    assert refused.status_code == 401 and "API key" in refused.json()["detail"]


def test_fetch_returns_the_passage_whole(served):
    async def main() -> tuple[dict[str, Any], dict[str, Any]]:
        async with connect(served) as client:
            first = twin(await client.call_tool("search", {"query": QUESTION}))["results"][0]
            return first, twin(await client.call_tool("fetch", {"id": first["id"]}))

    first, fetched = anyio.run(main)
    passage = httpx.get(f"{served}/v1/passages/{first['id']}", headers=AUTH, timeout=HTTP_TIMEOUT).json()
    c = passage["citation"]
    assert fetched["id"] == first["id"] and fetched["text"] == passage["text"]
    assert fetched["title"] == first["title"] == c["label"] and fetched["url"] == first["url"]
    assert fetched["metadata"] == {"doc_id": c["doc_id"], "document": c["title"], "source": c["source"],
                                   "section": c["section"], "start": c["start"], "end": c["end"], "language": "fr"}


@pytest.mark.parametrize(("tool", "arguments", "needle"),
                         [("fetch", {"id": "nope"}, "no passage with id 'nope'"),
                          ("search", {"query": "?!"}, "query: has no letter or digit"),
                          ("search", {"query": "x" * 2001}, "at most 2000 characters"),
                          # one line per field, as /mcp and HTTP say it, not pydantic's report and its link
                          ("search", {"query": ""}, "query: must not be empty"),
                          ("search", {"query": "   "}, "query: is empty or only whitespace")])
def test_bad_calls_are_tool_errors_that_say_what_to_fix(served, tool, arguments, needle):
    async def main() -> CallToolResult:
        async with connect(served) as client:
            return await client.call_tool(tool, arguments)

    result = anyio.run(main)
    assert result.is_error and needle in result.content[0].text  # type: ignore[union-attr]


def test_connector_needs_the_api_key(served):
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        r = httpx.post(f"{served}/mcp/connector", json=body, headers=headers, timeout=HTTP_TIMEOUT)
        assert r.status_code == 401 and r.headers["content-type"] == "application/json"  # a JSON-RPC error
        assert "API key" in r.json()["error"]["message"]
        assert httpx.get(f"{served}/passages/x", headers=headers, timeout=HTTP_TIMEOUT).status_code == 401


# -- protocol revisions -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["auto", "legacy"])
@pytest.mark.parametrize("path", PATHS)
def test_the_sdk_client_at_each_era(served, path, mode):
    """'auto' speaks the current revision (stateless, `server/discover`), 'legacy' the newest `initialize` one."""
    async def main() -> None:
        async with connect(served, path, mode) as client:
            assert client.protocol_version == (LATEST_MODERN_VERSION if mode == "auto" else LATEST_HANDSHAKE_VERSION)
            assert {t.name for t in (await client.list_tools()).tools} == TOOLS[path]
            name, arguments, needle = CALLS[path]
            result = await client.call_tool(name, arguments)
            assert not result.is_error and needle in result.content[0].text  # type: ignore[union-attr]

    anyio.run(main)


def rpc(base: str, path: str, method: str, params: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    r = httpx.post(f"{base}{path}", json={"jsonrpc": "2.0", "id": 1, "method": method, "params": params},
                   headers={**AUTH, "Accept": "application/json, text/event-stream", **headers}, timeout=HTTP_TIMEOUT)
    assert r.status_code == 200, r.text
    return r.json()["result"]


@pytest.mark.parametrize("version", HANDSHAKE_PROTOCOL_VERSIONS)
@pytest.mark.parametrize("path", PATHS)
def test_raw_handshake_revisions(served, path, version):
    """A client of an earlier revision: `initialize`, then each request with its `MCP-Protocol-Version`."""
    hello = rpc(served, path, "initialize", {"protocolVersion": version, "capabilities": {},
                                            "clientInfo": {"name": "raw", "version": "0"}}, {})
    assert hello["protocolVersion"] == version and "tools" in hello["capabilities"]
    header = {"MCP-Protocol-Version": version}
    acknowledged = httpx.post(f"{served}{path}", json={"jsonrpc": "2.0", "method": "notifications/initialized"},
                              headers={**AUTH, **header, "Accept": "application/json, text/event-stream"},
                              timeout=HTTP_TIMEOUT)
    assert acknowledged.status_code == 202
    assert {t["name"] for t in rpc(served, path, "tools/list", {}, header)["tools"]} == TOOLS[path]
    name, arguments, needle = CALLS[path]
    called = rpc(served, path, "tools/call", {"name": name, "arguments": arguments}, header)
    assert not called.get("isError") and needle in called["content"][0]["text"]
    if path == "/mcp/connector":  # the text twin, for a client of a revision without structured content too
        assert json.loads(called["content"][0]["text"]) == called["structuredContent"]


@pytest.mark.parametrize("path", PATHS)
def test_raw_current_revision_is_stateless(served, path):
    """2026-07-28: no handshake; each POST carries its revision in `_meta` and in headers."""
    version = LATEST_MODERN_VERSION
    envelope = {"io.modelcontextprotocol/protocolVersion": version, "io.modelcontextprotocol/clientCapabilities": {}}

    def call(method: str, params: dict[str, Any], name: str | None = None) -> dict[str, Any]:
        headers = {"MCP-Protocol-Version": version, "Mcp-Method": method, **({"Mcp-Name": name} if name else {})}
        return rpc(served, path, method, {**params, "_meta": envelope}, headers)

    discovered = call("server/discover", {})
    assert version in discovered["supportedVersions"] and "tools" in discovered["capabilities"]
    assert {t["name"] for t in call("tools/list", {})["tools"]} == TOOLS[path]
    name, arguments, needle = CALLS[path]
    called = call("tools/call", {"name": name, "arguments": arguments}, name)
    assert not called.get("isError") and needle in called["content"][0]["text"]


# -- links without a request to take the address from ----------------------------------------------------------------


def test_public_url_is_the_base_of_links(searcher, settings):
    """Behind a proxy the request's address is the proxy's: RAG_PUBLIC_URL gives the one people use."""
    public = "https://rag.example.org/docs"
    with keyed_server(searcher, settings, None, public_url=public + "/") as base:
        async def main() -> list[dict[str, str]]:
            async with httpx2.AsyncClient(timeout=HTTP_TIMEOUT) as http, \
                    Client(streamable_http_client(f"{base}/mcp/connector", http_client=http)) as client:
                return twin(await client.call_tool("search", {"query": QUESTION}))["results"]

        results = anyio.run(main)
        assert all(r["url"] == f"{public}/passages/{r['id']}" for r in results)
        # without keys, the page opens for anyone, as /v1 does
        assert httpx.get(f"{base}/passages/{results[0]['id']}", timeout=HTTP_TIMEOUT).status_code == 200


def test_stdio_connector_links_to_the_source_files(index, settings):
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "rag", "mcp", "--profile", "connector", "--index", str(settings.index_dir)],
        cwd=str(ROOT), env={"PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "RAG_LOG_LEVEL": "warning",
                            "RAG_CORPUS_DIR": str(settings.corpus_dir),
                            **{k: v for k, v in os.environ.items() if k.startswith("HF_")}})

    async def main() -> tuple[set[str], dict[str, Any]]:
        with anyio.fail_after(180):  # loading the model in a new process takes a few seconds
            async with Client(params) as client:
                names = {t.name for t in (await client.list_tools()).tools}
                return names, twin(await client.call_tool("search", {"query": QUESTION}))

    names, found = anyio.run(main)
    assert names == {"search", "fetch"}
    for result in found["results"]:
        link = urlsplit(result["url"])
        assert link.scheme == "file" and Path(unquote(link.path)).is_file()
        assert Path(unquote(link.path)).parent == settings.corpus_dir.resolve()
