"""The MCP servers over streamable HTTP, mounted in the Litestar app behind the API's guards: the tools
(rag.mcp.tools) at `/mcp`, the connector profile (rag.mcp.connector) at `/mcp/connector`.

What the HTTP edge refuses there before the SDK reads the message (a missing or wrong API key, a body over
RAG_MAX_BODY_BYTES, a body that is not JSON, no index served, a wrong Host) keeps its status and comes as a JSON-RPC
error (`error_body`), as the SDK's own transport answers its refusals: an MCP client reads the message of a JSON-RPC
error in a refused request's body, and of a problem said only "Server returned an error response".
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from litestar import Litestar, Request, Response, asgi
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotFoundException,
    ServiceUnavailableException,
)
from litestar.handlers import ASGIRouteHandler
from litestar.types import (
    Guard,
    HTTPRequestEvent,
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
    Receive,
    ReceiveMessage,
    Scope,
    Send,
)
from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from mcp_types import INTERNAL_ERROR, INVALID_REQUEST, PARSE_ERROR, PROTOCOL_VERSION_META_KEY
from mcp_types.jsonrpc import UNSUPPORTED_PROTOCOL_VERSION
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS, MODERN_PROTOCOL_VERSIONS
from starlette.applications import Starlette

from rag.http.problems import Failure, disconnected, problem_of, said
from rag.http.requests import duplicate_key, refuse_coded, twice
from rag.mcp.stdio import answered_id
from rag.settings import Settings
from rag.wording import lone_surrogate

PREFIX = "/mcp"  # every MCP server of the app is at this path or below it


def error_body(request: Request, said_: Failure) -> Response[dict[str, object]]:
    """An error of the HTTP edge under `/mcp` as a JSON-RPC error of the same status (`rag.http.problems.error_handler`
    calls it): `message` says the status and what to fix ("401 Unauthorized: missing API key: ..."), `data` is the
    problem the other routes answer. Its `id` is null: the edge refuses before the message is read, as JSON-RPC
    answers a request whose id it could not read. A client that reads problems finds the same fields in `data`."""
    problem = problem_of(request, said_)
    code = INTERNAL_ERROR if said_.status >= 500 else INVALID_REQUEST
    message = f"{said_.status} {problem['title']}: {said_.detail}"
    body: dict[str, object] = {"jsonrpc": "2.0", "id": None,
                               "error": {"code": code, "message": message, "data": problem}}
    return Response(body, status_code=said_.status, media_type="application/json", headers=said_.headers or None)


class HttpTransport:
    """One MCP server at `path`: the SDK's streamable-HTTP ASGI app, answering behind the API's guards.

    The SDK's session manager runs once per instance, so the ASGI app (and its manager) is made anew each time
    the Litestar app starts (`lifespan`); a request that arrives outside a run is refused with a 503. Each server
    has its own transport, hence its own manager and lifespan; `mount` puts them in the app.
    """

    def __init__(self, server: MCPServer, settings: Settings, path: str = "/mcp") -> None:
        self.server = server
        self.settings = settings
        self.path = path
        self._app: Starlette | None = None

    def _build(self) -> Starlette:
        settings = self.settings
        # The app checks Host and Origin on every route, /mcp included, before the SDK sees a request (rag.http.hosts):
        # the SDK's own check, which it turns on by itself for a loopback host, would only say the same, in text.
        security = TransportSecuritySettings(enable_dns_rebinding_protection=False)
        return self.server.streamable_http_app(streamable_http_path="/", stateless_http=True, json_response=True,
                                               transport_security=security, host=settings.host,
                                               max_request_body_size=settings.max_body_bytes)

    @asynccontextmanager
    async def lifespan(self, _: Litestar) -> AsyncIterator[None]:
        """The Litestar lifespan hook that runs a fresh session manager while the app serves."""
        app = self._build()
        async with self.server.session_manager.run():
            self._app = app
            try:
                yield
            finally:
                self._app = None

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer one request for this server (its path already matched)."""
        app = self._app
        if app is None:
            raise ServiceUnavailableException("the MCP transport is not running (the server is starting or "
                                              "stopping); retry in a moment")
        if scope.get("method") != "POST":
            # stateless: there is no session whose server-sent events a GET could stream (the SDK's stream would stay
            # open forever; the protocol lets a server answer 405 instead), nor one a DELETE could end
            raise MethodNotAllowedException(f"{self.path} does not accept {scope.get('method')}; it accepts POST",
                                            headers={"Allow": "POST"})
        # The SDK takes `application/json` alone, in lower case, and refuses the rest in plain text or JSON-RPC:
        # refused here as a problem, as on the JSON routes, and the type passed on as the SDK spells it
        headers = [(name, value) for name, value in scope.get("headers", ()) if name != b"content-type"]
        sent = next((value.decode("latin-1") for name, value in scope.get("headers", ())
                     if name == b"content-type"), "")
        media_type, _, parameters = sent.partition(";")
        if media_type.strip().lower() != "application/json":
            got = f"got {media_type.strip()[:100]}" if media_type.strip() else "none was sent"
            raise HTTPException(status_code=415, detail=f"the request body must be JSON-RPC, sent with `Content-Type: "
                                                        f"application/json` ({got})")
        refuse_coded(scope)
        headers.append((b"content-type", ("application/json" + (";" + parameters if parameters else "")).encode()))
        # The body is read here, as the JSON routes read theirs, before the SDK sees the request: a body over
        # RAG_MAX_BODY_BYTES is the same 413 problem, and a client that leaves mid-body (or whose stalled body is cut
        # at RAG_BODY_TIMEOUT_SECONDS) the same 499, where the SDK would log a ClientDisconnect traceback and answer 500
        body = await _body(receive, self.settings.max_body_bytes)
        if (lone := lone_surrogate(body)) is not None:  # the SDK said "unexpected end of hex escape"
            await _invalid_request(send, answered_id(json.loads(body)), f"Parse error: {lone}", PARSE_ERROR)
            return
        if (fault := envelope_fault(body)) is not None:
            await _invalid_request(send, *fault)
            return
        if (version := unsupported_version(scope, json.loads(body))) is not None:
            await _invalid_request(send, *version)
            return
        await app({**scope, "path": "/", "headers": headers}, _replay(body, receive), send)  # type: ignore[arg-type]


def envelope_fault(body: bytes) -> tuple[object, str] | None:
    """(id, what to fix) when `body` is JSON but not one JSON-RPC message (a batch, no `method`, an id of another
    type or null, `params` that are not an object, a key twice in an object); None otherwise, JSON that does not parse
    included (the SDK's parse error says where). The SDK would answer such a message with a pydantic dump of a
    kilobyte or two, or with a silent 202 for an id that is an object, and took the last of a key sent twice."""
    try:
        message = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if isinstance(message, list):
        return None, "a JSON-RPC batch (a JSON list) is not accepted: send one message a request"
    if not isinstance(message, dict):
        return None, f"a JSON-RPC message is a JSON object, not a {type(message).__name__}"
    mid = message.get("id")
    if isinstance(mid, bool) or not isinstance(mid, str | int | None):
        return None, f"\"id\" must be a string or an integer, not a {type(mid).__name__}"
    method = message.get("method")
    if mid is None and "id" in message and isinstance(method, str) and not method.startswith("notifications/"):
        # MCP forbids a null id; the SDK took the request for a notification and answered nothing (a 202), leaving
        # the client waiting for an answer that never comes. A notification's method with a null id is a
        # notification from a client that serializes an absent id as null (as `"params": null`): its 202 stands
        return None, "\"id\" must be a string or an integer, not null (a notification has no \"id\")"
    try:
        key = duplicate_key(body, message)
    except RecursionError:  # the SDK's parse error says it nests too deep
        return None
    if key is not None:
        return None if key == "id" else mid, twice(key)
    if message.get("jsonrpc") != "2.0":
        return mid, "\"jsonrpc\" must be \"2.0\""
    if "result" not in message and "error" not in message and not isinstance(message.get("method"), str):
        keys = ", ".join(map(repr, list(message)[:10]))
        return mid, f"a request or notification needs \"method\", a string such as \"tools/call\" (the message " \
                    f"holds {keys})"
    if message.get("params") is not None and not isinstance(message["params"], dict):  # null: none, as the SDK takes
        return mid, f"\"params\" must be a JSON object (MCP names its parameters), not a " \
                    f"{type(message['params']).__name__}"
    return None


_VERSIONS = (*HANDSHAKE_PROTOCOL_VERSIONS, *MODERN_PROTOCOL_VERSIONS)


def unsupported_version(scope: Scope, message: object) -> tuple[object, str, int, dict[str, object]] | None:
    """(id, what to fix, code, data) when the `MCP-Protocol-Version` header names a revision the SDK does not speak
    and the message (a decoded JSON-RPC object) carries no per-request envelope of its own; None otherwise.

    The SDK hands such a request to its 2026-07-28 path, which asked for "params._meta ... envelope keys" that a
    client of the handshake revisions never sends, whatever version it got wrong (`2025-6-18`, `2025-03-25`). The
    protocol answers an unsupported version with a 400; this one is the SDK's own Unsupported protocol version error
    (-32022, its `data` the revisions served and the one asked), which it gives to a request that carries the
    envelope: those are left to it, as they negotiate from that error."""
    sent = next((value.decode("latin-1") for name, value in scope.get("headers", ())
                 if name == b"mcp-protocol-version"), None)
    if sent is None or sent in _VERSIONS or not isinstance(message, dict):
        return None
    params = message.get("params")
    meta = params.get("_meta") if isinstance(params, dict) else None
    if isinstance(meta, dict) and PROTOCOL_VERSION_META_KEY in meta:
        return None
    shown = sent if len(sent) <= 50 else sent[:50] + "..."
    said_ = (f"Unsupported protocol version: the MCP-Protocol-Version header says {shown!r}; this server speaks "
             f"{', '.join(HANDSHAKE_PROTOCOL_VERSIONS)} (agreed by initialize, then sent in this header) and "
             f"{', '.join(MODERN_PROTOCOL_VERSIONS)}")
    return answered_id(message), said_, UNSUPPORTED_PROTOCOL_VERSION, {"supported": list(_VERSIONS),
                                                                        "requested": shown}


async def _invalid_request(send: Send, mid: object, said_: str, code: int = INVALID_REQUEST,
                           data: object = None) -> None:
    """A JSON-RPC "Invalid Request" error (-32600, or `code`, with `data` if any) with a 400, as the SDK answers the
    messages it refuses."""
    error: dict[str, object] = {"code": code, "message": said_[:300]}
    if data is not None:
        error["data"] = data
    body = json.dumps({"jsonrpc": "2.0", "id": mid, "error": error}).encode()
    start: HTTPResponseStartEvent = {"type": "http.response.start", "status": 400, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]}
    whole: HTTPResponseBodyEvent = {"type": "http.response.body", "body": body, "more_body": False}
    await send(start)
    await send(whole)


def mount(transports: Sequence[HttpTransport], guards: Sequence[Guard], prefix: str = PREFIX) -> ASGIRouteHandler:
    """One mount at `prefix` for all `transports` (their paths `prefix` or below it), each request handed to the one
    at its path: Litestar would hand `/mcp/connector` to a mount at `/mcp` (it matches mounts by prefix, first
    listed first), so one mount dispatches instead."""
    by_path = {t.path.rstrip("/"): t for t in transports}
    assert all(path.startswith(prefix) for path in by_path), "every transport lies under the mount"

    @asgi(prefix, is_mount=True, guards=list(guards), copy_scope=True)
    async def mcp_endpoint(scope: Scope, receive: Receive, send: Send) -> None:
        """Model Context Protocol, streamable HTTP transport."""
        transport = by_path.get(prefix + scope["path"].rstrip("/"))
        if transport is None:
            raise NotFoundException(f"no MCP server at this path; they are at {', '.join(sorted(by_path))}")
        await transport.handle(scope, receive, send)

    return mcp_endpoint


async def _body(receive: Receive, limit: int) -> bytes:
    """The request's body, of at most `limit` bytes (else a 413 problem), read as Litestar reads a JSON route's: a
    disconnect before its end is `disconnected()` (a 499)."""
    parts: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise disconnected()
        if message["type"] != "http.request":
            continue
        chunk = message.get("body", b"")  # optional in ASGI
        size += len(chunk)
        if size > limit:
            raise said(413, f"the request body is larger than {limit:,} bytes (RAG_MAX_BODY_BYTES)")
        parts.append(chunk)
        if not message.get("more_body", False):
            return b"".join(parts)


def _replay(body: bytes, receive: Receive) -> Receive:
    """`receive` for a request whose `body` is already read: the body in one message, then what the connection says
    (its disconnect)."""
    pending = True

    async def replayed() -> ReceiveMessage:
        nonlocal pending
        if pending:
            pending = False
            whole: HTTPRequestEvent = {"type": "http.request", "body": body, "more_body": False}
            return whole
        return await receive()

    return replayed


__all__ = ["PREFIX", "HttpTransport", "envelope_fault", "error_body", "mount", "unsupported_version"]
