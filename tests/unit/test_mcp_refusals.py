"""What an MCP client learns when the HTTP edge refuses a request under `/mcp` before the SDK reads it: a missing or
wrong API key, a body over RAG_MAX_BODY_BYTES, a body that is not JSON, a method other than POST. Each keeps its
status and comes as a JSON-RPC error whose message says it (`rag.http.mcp.error_body`); as a problem, the SDK's
client said "Server returned an error response" of every one, and an agent's builder could not tell a missing key
from a body too large. Against an app with no index, through the SDK's own client."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
import httpx2
import mcp_types
import pytest
from litestar import Litestar
from litestar.testing import TestClient
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

from rag.http.app import create_app
from rag.settings import Settings

KEY = "user-key-0123456789"
BASE = "http://127.0.0.1:8000"
RPC = {"content-type": "application/json", "accept": "application/json, text/event-stream"}


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    empty: Path = tmp_path_factory.mktemp("no-index")
    return Settings(corpus_dir=empty, index_dir=empty, reload_poll_seconds=0, api_keys=[KEY], max_body_bytes=2048)


@pytest.fixture(scope="module")
def keyed(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url=BASE) as c:
        yield c


@asynccontextmanager
async def sdk_client(app: Litestar, path: str, key: str | None) -> AsyncIterator[Client]:
    """The SDK's client of `app` at `path`, in process, sending `key` as the API key."""
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    async with app.lifespan(), \
            httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), headers=headers) as http, \
            Client(streamable_http_client(f"{BASE}{path}", http_client=http), mode="legacy") as client:
        yield client


def _refusal(settings: Settings, path: str, key: str | None, arguments: dict[str, object] | None = None) -> str:
    """The message of the error the SDK's client raises when it connects (and, with `arguments`, searches)."""
    said: list[str] = []

    async def main() -> None:
        try:
            async with sdk_client(create_app(settings), path, key) as client:
                if arguments is not None:
                    await client.call_tool("search", arguments)
        except MCPError as exc:
            said.append(exc.error.message)
        except ExceptionGroup as group:  # raised inside the transport's task group
            matched, _ = group.split(MCPError)
            assert matched is not None, group
            said.extend(e.error.message for e in _leaves(matched))

    anyio.run(main)
    assert said, "the client connected and searched"
    return said[0]


def _leaves(group: BaseExceptionGroup[MCPError]) -> list[MCPError]:
    return [leaf for e in group.exceptions for leaf in (_leaves(e) if isinstance(e, BaseExceptionGroup) else [e])]


@pytest.mark.parametrize("path", ["/mcp", "/mcp/connector"])
@pytest.mark.parametrize(("key", "says"), [(None, "401 Unauthorized: missing API key: send the header"),
                                           ("wrong", "401 Unauthorized: invalid API key")])
def test_the_sdk_client_says_why_the_key_was_refused(settings, path, key, says):
    assert says in _refusal(settings, path, key)


def test_the_sdk_client_says_that_a_body_is_too_large(settings):
    message = _refusal(settings, "/mcp", KEY, {"question": "carte de séjour " * 200})
    assert message.startswith("413 Request body too large: the request body is larger than 2,048 bytes "
                              "(RAG_MAX_BODY_BYTES)"), message


@pytest.mark.parametrize("path", ["/mcp", "/mcp/connector"])
def test_a_refusal_under_mcp_is_a_json_rpc_error_holding_the_problem(keyed, path):
    """The status and headers stay (a 401's challenge, a 405's Allow), the body is one JSON-RPC error, as the SDK's
    transport answers its own refusals, the problem in its `data`."""
    ping = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
    cases = [(keyed.post(path, json=ping, headers=RPC), 401, "missing API key"),
             (keyed.post(path, content=b"{" + b" " * 5000 + b"}", headers=RPC | {"authorization": f"Bearer {KEY}"}),
              413, "RAG_MAX_BODY_BYTES"),
             (keyed.post(path, content=b'{"jsonrpc": "2.0", "id": 1, "method": "ping"}',
                         headers={"authorization": f"Bearer {KEY}", "content-type": "text/plain"}), 415,
              "Content-Type: application/json"),
             (keyed.get(path, headers={"authorization": f"Bearer {KEY}"}), 405, "it accepts POST")]
    for response, status, needle in cases:
        assert response.status_code == status, response.text
        assert response.headers["content-type"] == "application/json", response.headers
        error = mcp_types.jsonrpc_message_adapter.validate_json(response.content, by_name=False)
        assert isinstance(error, mcp_types.JSONRPCError) and error.id is None, response.text
        assert error.error.code == mcp_types.INVALID_REQUEST and needle in error.error.message
        problem = json.loads(response.content)["error"]["data"]
        assert problem["status"] == status and problem["instance"] == path and needle in problem["detail"]
    assert cases[0][0].headers["www-authenticate"] == "Bearer" and cases[3][0].headers["allow"] == "POST"


def test_routes_outside_mcp_still_answer_problems(keyed):
    response = keyed.post("/v1/search", json={"question": "carte"})
    assert response.status_code == 401 and response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["detail"].startswith("missing API key")
