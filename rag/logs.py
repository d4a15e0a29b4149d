"""Structured logs and request ids.

Every HTTP response carries `X-Request-ID`: the caller's own id when it sent a sane one (1 to 128 characters of
letters, digits and `._:+/=-`), else a new random one. While a request is handled, every log record carries that
id, and each request ends with one access record (method, path, status, duration). With `RAG_LOG_FORMAT=json`
(the default) records are single-line JSON objects on stderr, ready for a log shipper; `text` is for people.
What a client chose (a path, a method, the address a trusted proxy forwards) is shown up to `SHOWN` characters.
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Sequence
from typing import Any

from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"[A-Za-z0-9._:+/=-]{1,128}")
REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
# The most characters a record shows of a value a client chose: each may be as long as a request head (32 KiB,
# RAG_MAX_HEADER_BYTES), an `X-Forwarded-For` a trusted proxy passed on included, and went into every record whole
SHOWN = 200
access_log = logging.getLogger("rag.access")
# attributes every LogRecord has; anything else on a record came from `extra=` and goes into the JSON
# (uvicorn adds `color_message`, the message with terminal colour codes: not for a log file)
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "request_id",
                                                                         "color_message"}


class RequestIdFilter(logging.Filter):
    """Puts the current request id (or None) on every record, for formatters to show."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, request id, and any `extra=` fields."""

    def format(self, record: logging.LogRecord) -> str:
        body: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        body.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            body["exception"] = self.formatException(record.exc_info)
        return json.dumps(body, ensure_ascii=False, default=str)


def shown(value: str, limit: int = SHOWN) -> str:
    """A value a client chose, as a record shows it: whole up to `limit` characters, else their first `limit`, an
    ellipsis and how long it was."""
    return value if len(value) <= limit else f"{value[:limit]}... ({len(value):,} characters)"


def configure(level: str = "info", fmt: str = "json", warnings: Sequence[str] = ()) -> None:
    """Send the records of `rag`, the libraries and the server to stderr in the chosen format (replaces handlers);
    then log `warnings` (`rag.settings`: variables that name no setting, `unknown_variables`)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestIdFilter())
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "litestar"):
        logging.getLogger(name).handlers[:] = []  # theirs would print every record a second time
        logging.getLogger(name).propagate = True
    # the MCP SDK's transport logs "Terminating session: None" at info after every stateless request: a second
    # record per MCP call beside the access record, saying nothing; its warnings and errors still come, as far as the
    # level lets them (a logger's own level is the only one its records meet: under "error", "WARNING" let warnings by)
    logging.getLogger("mcp.server.streamable_http").setLevel(
        root.level if root.level <= logging.DEBUG else max(root.level, logging.WARNING))
    for warning in warnings:
        logging.getLogger("rag.settings").warning("%s", warning)


def request_id(scope: Scope) -> str:
    """The id of this request: the one already given to it, the caller's if sane, or a new one."""
    state = scope.setdefault("state", {})
    rid = state.get("request_id")
    if rid is None:
        incoming = next((v.decode("latin-1") for k, v in scope.get("headers", ()) if k == b"x-request-id"), "")
        rid = incoming if _SANE_ID.fullmatch(incoming) else uuid.uuid4().hex
        state["request_id"] = rid
    return str(rid)


class RequestContextMiddleware(ASGIMiddleware):
    """Gives each request its id (in a context variable, so that every record logged meanwhile carries it) and
    logs one access record when the response is complete."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        rid = request_id(scope)
        scope["state"]["access_log"] = "middleware"  # tells `add_request_id` the record is written here
        token = REQUEST_ID.set(rid)
        started = time.perf_counter()
        status = 500  # what the client gets if the app fails before starting a response
        sent = 0

        async def send_status(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await next_app(scope, receive, send_status)
        finally:
            _access(scope, status, round(1000 * (time.perf_counter() - started), 2), sent)
            REQUEST_ID.reset(token)


def _access(scope: Scope, status: int, duration_ms: float | None, sent: int | None = None) -> None:
    """One access record: method, path, status, time taken, bytes of body sent, the client's address (behind a
    trusted proxy, the one it forwards) and, when it sent a Bearer key, the key's id (`key_id`), never the key."""
    if not access_log.isEnabledFor(logging.INFO):  # its fields cost microseconds a request: none for a record not kept
        return
    # the path as requested (a mounted app sees only the rest of it in scope["path"]), without the query string
    path = shown(scope.get("raw_path", b"").decode("latin-1") or scope.get("path", ""))
    asked = scope.get("state", {}).get("method_asked") or scope.get("method")
    method = shown(str(asked)) if asked is not None else None  # HEAD served as GET: HEAD
    client = scope.get("client")
    fields = {"method": method, "path": path, "status": status, "duration_ms": duration_ms, "bytes": sent,
              "client": shown(client[0]) if client else None}
    if (key := key_id(scope)) is not None:
        fields["key_id"] = key
    access_log.info("%s %s %s", method, path, status, extra=fields)


def bearer_digest(scope: Scope) -> str | None:
    """The SHA-256 (hex) of the Bearer token a request sends, None without one: a key named without the key."""
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return hashlib.sha256(token.strip().encode("latin-1")).hexdigest()
    return None


def key_id(scope: Scope) -> str | None:
    """Which key a request sent, for the access log: the first 12 hex digits of its `bearer_digest` (48 bits: no
    way back to a key of any length)."""
    digest = bearer_digest(scope)
    return None if digest is None else digest[:12]


async def add_request_id(message: Message, scope: Scope) -> None:
    """`before_send` hook: the `X-Request-ID` header on every response, those of unknown routes included (no
    middleware runs for them, so their access record is written here, without a duration)."""
    if message["type"] != "http.response.start":
        return
    rid = request_id(scope)
    MutableScopeHeaders.from_message(message)[HEADER] = rid
    if scope["state"].get("access_log") != "middleware" and scope.get("type") == ScopeType.HTTP:
        token = REQUEST_ID.set(rid)
        try:
            _access(scope, message["status"], None)
        finally:
            REQUEST_ID.reset(token)


class Tally:
    """Events of one kind (a server's refusals), logged when first seen and then at most every `every` seconds, with
    a count: those that came in between are logged when the period ends, whether more come or not."""

    def __init__(self, message: str, log: logging.Logger, every: float = 10.0) -> None:
        self.message, self.log, self.every = message, log, every
        self.count, self.logged = 0, float("-inf")
        self.total = 0  # since the process started (`rag_refusals_total`)
        self.client: tuple[str, int] | None = None
        self._due: tuple[asyncio.AbstractEventLoop, asyncio.TimerHandle] | None = None  # the period end's log

    def add(self, client: tuple[str, int] | None) -> None:
        """Count one event (from `client`), in a running event loop."""
        self.count, self.client, self.total = self.count + 1, client, self.total + 1
        now = time.monotonic()
        if now - self.logged >= self.every:
            self._log(now)
        elif self._due is None or self._due[0].is_closed() or self._due[1].cancelled():
            # a loop closed with the log still due (a server stopped, another started) would never run it
            loop = asyncio.get_running_loop()
            self._due = loop, loop.call_later(self.logged + self.every - now, self._period_end)

    def _period_end(self) -> None:
        self._due = None
        if self.count:
            self._log(time.monotonic())

    def _log(self, now: float) -> None:
        self.log.warning("%s: %d in the last %s (latest from %s)", self.message, self.count,
                         "moment" if self.logged == float("-inf") else f"{now - self.logged:.0f} s",
                         shown(self.client[0]) if self.client else "?")
        self.count, self.logged = 0, now


__all__ = ["HEADER", "REQUEST_ID", "SHOWN", "JsonFormatter", "RequestContextMiddleware", "RequestIdFilter", "Tally",
           "add_request_id", "configure", "request_id", "shown"]
