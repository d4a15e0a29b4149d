"""The MCP tools, through the official SDK's client: over streamable HTTP against the app served by a real uvicorn on
loopback (with API keys), and over stdio against a real `rag mcp` process."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import anyio
import httpx
import httpx2
import pytest
from mcp import Client, MCPError, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

from rag.serving.batcher import MicroBatcher
from tests.helpers.paths import ROOT
from tests.helpers.serving import HTTP_TIMEOUT, keyed_server

KEY = "test-key-1"
QUESTION = "Quels documents d’identité acceptez-vous ?"
HANG = 300  # seconds: a guard against a hang only (a process of its own, its model loaded, on a loaded machine)


@pytest.fixture(scope="module")
def served(searcher, settings) -> Iterator[str]:
    """The app over the session searcher, on a loopback port, behind KEY."""
    with keyed_server(searcher, settings, KEY) as url:
        yield url


@asynccontextmanager
async def http_client(base: str, key: str | None = KEY) -> AsyncIterator[Client]:
    """The SDK's client over streamable HTTP, sending `key` as the API key (an agent's configured header)."""
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    async with httpx2.AsyncClient(headers=headers, timeout=HTTP_TIMEOUT) as http, \
            Client(streamable_http_client(f"{base}/mcp", http_client=http)) as client:
        yield client


def test_tools_are_listed_with_descriptions_and_schemas(served):
    async def main() -> None:
        async with http_client(served) as client:
            tools = {t.name: t for t in (await client.list_tools()).tools}
            assert set(tools) == {"search", "get_passage", "list_documents"}
            search = tools["search"]
            assert search.description and "answer" in search.description
            props = search.input_schema["properties"]
            assert search.input_schema["required"] == ["question"]
            assert props["k"]["maximum"] == 50 and props["k"]["default"] == 5 and props["question"]["description"]
            assert search.output_schema and "passages" in search.output_schema["properties"]
            assert search.annotations and search.annotations.read_only_hint
            assert tools["get_passage"].input_schema["required"] == ["id"]
            assert {"doc_ids", "sources"} <= set(props) and props["doc_ids"]["description"]
            assert tools["list_documents"].input_schema.get("required", []) == []

    anyio.run(main)


def test_search_and_get_passage_match_the_http_api(served):
    api = httpx.post(f"{served}/v1/search", json={"question": QUESTION, "k": 3},
                     headers={"Authorization": f"Bearer {KEY}"}, timeout=HTTP_TIMEOUT).json()

    async def main() -> None:
        async with http_client(served) as client:
            result = await client.call_tool("search", {"question": QUESTION, "k": 3})
            assert not result.is_error
            found = result.structured_content
            assert found is not None
            assert [p["id"] for p in found["passages"]] == [p["id"] for p in api["passages"]]
            assert found["answer"] == api["answer"]["text"] and found["answer_id"] == api["answer"]["passage_id"]
            top = found["passages"][0]
            cited = api["passages"][0]["citation"]
            assert top["label"] == cited["label"] and "carte de séjour" in top["text"]
            assert top["source"] == f"{cited['source']}:{cited['start']}-{cited['end']}"
            assert top["highlight"] == api["passages"][0]["highlight"]["text"]
            # the text block is the same result as compact JSON, for clients that read only text
            text = result.content[0].text  # type: ignore[union-attr]
            assert "\n" not in text and json.loads(text)["passages"][0]["id"] == top["id"]

            again = await client.call_tool("get_passage", {"id": top["id"]})
            assert not again.is_error and again.structured_content is not None
            assert again.structured_content["text"] == top["text"]
            assert again.structured_content["label"] == top["label"]

    anyio.run(main)


def test_searches_are_queued_under_their_client(served, searcher, settings, monkeypatch):
    """The search queue gives each client its turn and its share (rag.serving.batcher): a client is the API key a
    request sends, over HTTP and MCP alike (the tool runs in tasks of the MCP SDK's own), else its address."""
    seen = []
    submit = MicroBatcher.submit

    async def spy(self, items, **options):
        seen.append(options.get("client"))
        return await submit(self, items, **options)

    monkeypatch.setattr(MicroBatcher, "submit", spy)
    assert httpx.post(f"{served}/v1/search", json={"question": QUESTION},
                      headers={"Authorization": f"Bearer {KEY}"}, timeout=HTTP_TIMEOUT).status_code == 200

    async def main() -> None:
        async with http_client(served) as client:
            assert not (await client.call_tool("search", {"question": QUESTION})).is_error

    anyio.run(main)
    assert seen == [("key", hashlib.sha256(KEY.encode()).hexdigest())] * 2
    with keyed_server(searcher, settings, None) as open_url:
        assert httpx.post(f"{open_url}/v1/search", json={"question": QUESTION}, timeout=HTTP_TIMEOUT).status_code == 200
    assert seen[2:] == [("address", "127.0.0.1")]


def test_agents_list_the_documents_and_search_within_one(served):
    async def main() -> None:
        async with http_client(served) as client:
            listed = await client.call_tool("list_documents", {})
            assert not listed.is_error and listed.structured_content is not None
            documents = listed.structured_content["documents"]
            assert listed.structured_content["total"] == len(documents) == 2
            article = next(d for d in documents if d["source"] == "secu-debi-plateforme.txt")
            page = await client.call_tool("list_documents", {"offset": 1, "limit": 1})
            assert page.structured_content is not None and page.structured_content["documents"] == documents[1:]
            found = await client.call_tool("search", {"question": QUESTION, "k": 3, "doc_ids": [article["doc_id"]]})
            assert not found.is_error and found.structured_content is not None
            assert found.structured_content["passages"]
            passages = found.structured_content["passages"]
            assert all(p["source"].startswith("secu-debi-plateforme.txt:") for p in passages)
            by_source = await client.call_tool("search", {"question": QUESTION, "k": 3,
                                                          "sources": ["secu-debi-plateforme.txt"]})
            assert by_source.structured_content == found.structured_content
            as_text = await client.call_tool("search", {"question": QUESTION, "k": 3,  # a list as a JSON string
                                                        "sources": '["secu-debi-plateforme.txt"]'})
            assert as_text.structured_content == found.structured_content
            unknown = await client.call_tool("search", {"question": QUESTION, "doc_ids": ["nope"]})
            said = unknown.content[0].text  # type: ignore[union-attr]
            assert unknown.is_error and "doc_ids: no document 'nope'" in said and "`list_documents` tool" in said
            assert "filter." not in said and "/v1/" not in said  # an agent reaches the tools, not the HTTP API

    anyio.run(main)


@pytest.mark.parametrize(
    ("tool", "arguments", "needle"),
    [("get_passage", {"id": "nope"}, "no passage with id 'nope'"),
     ("search", {"question": "?!"}, "no letter or digit"),
     ("search", {"question": "ok", "k": 51}, "k: must be at most 50"),
     ("search", {"question": "ok", "k": "5"}, "k: must be an integer"),
     ("search", {"question": "ok", "top_k": 1, "mode": "dense"},
      "search takes no argument 'mode', 'top_k' (did you mean `k`?); its arguments are question, k, doc_ids, sources"),
     ("search", {"question": "x" * 2001}, "at most 2000 characters"),
     ("search", {"question": "ok", "doc_ids": [""]}, "doc_ids[0]: must not be empty"),
     ("search", {"question": "ok", "sources": ["nowhere"]},
      "sources: no document has the source path or folder 'nowhere'; paths are relative to the corpus folder, as "
      "`list_documents` gives each document's `source`")],
)
def test_bad_tool_calls_are_tool_errors_that_say_what_to_fix(served, tool, arguments, needle):
    async def main() -> None:
        async with http_client(served) as client:
            result = await client.call_tool(tool, arguments)
            assert result.is_error
            text = result.content[0].text  # type: ignore[union-attr]
            assert needle in text and "pydantic" not in text and "\n" not in text  # one line per field, no link

    anyio.run(main)


def test_mcp_needs_the_same_api_key_as_v1(served):
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        r = httpx.post(f"{served}/mcp", json=body, headers=headers, timeout=HTTP_TIMEOUT)
        # a JSON-RPC error, its problem in `data` (rag.http.mcp.error_body)
        assert r.status_code == 401 and r.headers["content-type"] == "application/json"
        assert "API key" in r.json()["error"]["data"]["detail"]

    async def main() -> None:
        async with http_client(served, key=None) as client:
            await client.list_tools()

    with pytest.raises(ExceptionGroup) as caught:  # without the key the SDK client cannot even list the tools
        anyio.run(main)
    assert caught.group_contains(MCPError, depth=None)
    assert "401 Unauthorized: missing API key" in str(caught.value.exceptions)  # and it says why


def test_stdio_server_answers_through_rag_mcp(index, settings):
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "rag", "mcp", "--index", str(settings.index_dir)], cwd=str(ROOT),
        env={"PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "RAG_LOG_LEVEL": "warning",
             **{k: v for k, v in os.environ.items() if k.startswith("HF_")}})

    async def main() -> None:
        with anyio.fail_after(180):  # loading the model in a new process takes a few seconds
            async with Client(params) as client:
                result = await client.call_tool("search", {"question": QUESTION, "k": 2})
                assert not result.is_error and result.structured_content is not None
                passages = result.structured_content["passages"]
                assert len(passages) == 2 and "carte de séjour" in passages[0]["text"]
                assert result.structured_content["answer"]

    anyio.run(main)


def test_rag_mcp_started_before_the_first_ingest_says_to_run_it(tmp_path):
    """It stopped at once (exit 4), and the agent's client showed a server that failed to start; `rag serve` waits
    for the build. Now each tool says to run `rag ingest` (and the server serves the build once there is one:
    tests/integration/test_mcp_reload.py)."""
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "rag", "mcp", "--index", str(tmp_path / "index")], cwd=str(ROOT),
        env={"PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "RAG_LOG_LEVEL": "warning",
             **{k: v for k, v in os.environ.items() if k.startswith("HF_")}})

    async def main() -> str:
        with anyio.fail_after(180):
            async with Client(params) as client:
                result = await client.call_tool("list_documents", {})
                assert result.is_error
                return result.content[0].text if result.content[0].type == "text" else ""

    assert anyio.run(main) == "no index in RAG_INDEX_DIR: run `rag ingest` first"


def test_stdio_answers_a_line_that_is_no_json_rpc_message_and_goes_on(index, settings):
    """The SDK's stdio transport dropped such a line (logged at debug level): a client that sent malformed JSON or a
    batch waited for ever. Each gets its JSON-RPC error, on its own line, and the next request its answer."""
    lines = ["{bad json", json.dumps([{"jsonrpc": "2.0", "id": 1, "method": "ping"}]),
             json.dumps({"jsonrpc": "2.0", "id": 2, "methd": "ping"}), json.dumps({"jsonrpc": "2.0", "id": 3,
                                                                                    "method": "ping"})]
    env = {"PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "RAG_LOG_LEVEL": "warning", "PATH": os.environ["PATH"],
           **{k: v for k, v in os.environ.items() if k.startswith("HF_")}}
    read: list[str] = []
    command = [sys.executable, "-m", "rag", "mcp", "--index", str(settings.index_dir)]
    with subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True) as server:
        assert server.stdin is not None and server.stdout is not None
        server.stdin.write("\n".join(lines) + "\n")
        server.stdin.flush()
        stdout = server.stdout

        def answers_up_to_the_last_request() -> None:
            for line in stdout:
                read.append(line)
                if json.loads(line).get("id") == 3:  # the last request's answer comes after the others' errors
                    return

        # stdin stays open until the answers are read: its end stops the server, with what is in flight
        reader = threading.Thread(target=answers_up_to_the_last_request, daemon=True)
        reader.start()
        reader.join(180)  # loading the model in a new process takes a few seconds
        server.stdin.close()
        reader.join(30)
    answers = [json.loads(line) for line in read if line]
    assert [(a["id"], a.get("error", {}).get("code")) for a in answers] == [
        (None, -32700), (None, -32600), (2, -32600), (3, None)], answers
    assert "Parse error" in answers[0]["error"]["message"] and "batch" in answers[1]["error"]["message"]
    assert answers[3]["result"] == {}


def _rag_mcp(settings) -> subprocess.Popen[bytes]:
    env = {"PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "RAG_LOG_LEVEL": "warning", "PATH": os.environ["PATH"],
           **{k: v for k, v in os.environ.items() if k.startswith("HF_")}}
    return subprocess.Popen([sys.executable, "-m", "rag", "mcp", "--index", str(settings.index_dir)], cwd=ROOT,
                            env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)


def _listings(count: int) -> bytes:
    """`initialize`, then `count` requests whose answers (the tools and their schemas, some 5 KB each) fill a pipe
    many times over."""
    lines = [{"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}},
             {"jsonrpc": "2.0", "method": "notifications/initialized"}]
    lines += [{"jsonrpc": "2.0", "id": i, "method": "tools/list"} for i in range(1, count + 1)]
    return "".join(json.dumps(line) + "\n" for line in lines).encode()


def test_stdio_server_exits_when_its_client_never_reads(index, settings):
    """The SDK wrote stdout in a worker thread, blocked while the pipe was full: a client that never read and closed
    stdin left `rag mcp` running for ever. Its end now waits `DRAIN_SECONDS` for the answers, then stops."""
    with _rag_mcp(settings) as server:
        try:
            assert server.stdin is not None
            server.stdin.write(_listings(2000))  # returns once the server has read most of it: it is serving
            server.stdin.close()
            server.wait(HANG)
        finally:
            server.kill()
    assert server.returncode == 0


def test_stdio_server_answers_every_request_of_a_client_that_reads(index, settings):
    """Its writer waits for room in the pipe without losing a byte: each answer, whole."""
    answers: list[dict] = []
    with _rag_mcp(settings) as server:
        assert server.stdin is not None and server.stdout is not None
        stdout = server.stdout

        def read_all() -> None:
            for line in stdout:
                answers.append(json.loads(line))
                if answers[-1].get("id") == 300:
                    return

        reader = threading.Thread(target=read_all, daemon=True)
        reader.start()
        try:
            server.stdin.write(_listings(300))
            server.stdin.flush()
            reader.join(180)  # loading the model in a new process takes a few seconds
            server.stdin.close()
            server.wait(HANG)
        finally:
            server.kill()
    assert server.returncode == 0
    assert sorted(a["id"] for a in answers) == list(range(301))
    assert all(a["result"]["tools"] == answers[1]["result"]["tools"] for a in answers[1:])
