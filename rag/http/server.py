"""How `rag serve` runs uvicorn: its HTTP protocol, with the bounds an exposed server needs before any routing.

uvicorn buffers a request's head (request line and headers) without a limit with httptools, and never times out a
connection that sends nothing, trickles its head or its body: before the app sees anything, API keys included,
one client could take a gigabyte of memory or, with a few dozen sockets, every file descriptor. Here, whichever
parser runs (httptools, or h11 where httptools is missing):

- a head over `RAG_MAX_HEADER_BYTES` is answered 431 (h11: 400) and the connection closed, as soon as that many
  bytes have arrived (httptools: counted as they arrive, before the parser buffers them);
- a head not complete `RAG_HEADER_TIMEOUT_SECONDS` after the connection opened or the request's first byte, or a
  body not complete `RAG_BODY_TIMEOUT_SECONDS` after its head, is answered 408 and the connection closed;
- an idle keep-alive connection is closed after `RAG_KEEP_ALIVE_SECONDS` (uvicorn's own timer);
- past `RAG_MAX_CONNECTIONS` open connections, a new one is answered 503 and closed at once.

Refusals are logged, at most one record per kind every 10 seconds with how many there were.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import logging
import time
from typing import Any, ClassVar

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from rag.http.problems import MEDIA_TYPE, problem_body
from rag.settings import Settings

log = logging.getLogger("rag.server")
_HEAD_END = b"\r\n\r\n"
_LOG_EVERY = 10.0
_REASONS = {408: "Request Timeout", 431: "Request Header Fields Too Large", 503: "Service Unavailable"}


def _refusal(status: int, detail: str, retry_after: int | None = None) -> bytes:
    """A complete HTTP/1.1 problem response that closes the connection."""
    body = json.dumps(problem_body(status, detail, "")).encode()
    retry = f"retry-after: {retry_after}\r\n" if retry_after else ""
    return (f"HTTP/1.1 {status} {_REASONS[status]}\r\ncontent-type: {MEDIA_TYPE}\r\ncontent-length: {len(body)}\r\n"
            f"{retry}connection: close\r\n\r\n").encode() + body


class _Tally:
    """Refusals of one kind, logged when first seen and then at most every `_LOG_EVERY` seconds, with a count."""

    def __init__(self, message: str) -> None:
        self.message, self.count, self.logged = message, 0, float("-inf")

    def add(self, client: tuple[str, int] | None) -> None:
        self.count += 1
        now = time.monotonic()
        if now - self.logged >= _LOG_EVERY:
            log.warning("%s: %d in the last %s (latest from %s)", self.message, self.count,
                        "moment" if self.logged == float("-inf") else f"{now - self.logged:.0f} s",
                        client[0] if client else "?")
            self.count, self.logged = 0, now


TALLIES = {
    "connections": _Tally("refused connections past RAG_MAX_CONNECTIONS (503)"),
    "head_size": _Tally("refused request heads over RAG_MAX_HEADER_BYTES (431)"),
    "head_time": _Tally("closed connections whose request head was not complete within RAG_HEADER_TIMEOUT_SECONDS"
                        " (408)"),
    "body_time": _Tally("closed connections whose request body was not complete within RAG_BODY_TIMEOUT_SECONDS "
                        "(408)"),
}


class _Bounds(asyncio.Protocol):
    """What both parsers' protocols add: the connection cap, the head and body deadlines, and refusals."""

    max_head_bytes: ClassVar[int] = 32_768
    max_connections: ClassVar[int] = 512
    header_timeout: ClassVar[float] = 10.0
    body_timeout: ClassVar[float] = 30.0

    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        protocol: Any = self
        if len(protocol.connections) > self.max_connections:  # uvicorn has counted this one
            self._refuse(protocol, "connections", 503, f"more than {self.max_connections} connections are open "
                                                       "(RAG_MAX_CONNECTIONS): retry in a moment", retry_after=1)
        else:
            self._arm(protocol, "head")

    def connection_lost(self, exc: Exception | None) -> None:
        self._arm(self, None)
        super().connection_lost(exc)

    def _arm(self, protocol: Any, phase: str | None) -> None:
        """Start the deadline of `phase` ('head', 'body'), or none; a phase already running keeps its deadline."""
        current = getattr(self, "_phase", None)
        if phase == current and phase is not None:
            return
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        self._phase = phase
        if phase is not None:
            seconds = self.header_timeout if phase == "head" else self.body_timeout
            self._deadline = protocol.loop.call_later(seconds, self._expire, protocol, phase, seconds)

    def _expire(self, protocol: Any, phase: str, seconds: float) -> None:
        self._deadline = None
        what = "request line and headers" if phase == "head" else "request body"
        self._refuse(protocol, f"{phase}_time", 408, f"the {what} did not arrive within {seconds:g} s")

    def _refuse(self, protocol: Any, kind: str, status: int, detail: str, retry_after: int | None = None) -> None:
        TALLIES[kind].add(protocol.client)
        self._arm(protocol, None)
        transport: asyncio.Transport = protocol.transport
        if transport.is_closing():
            return
        cycle = getattr(protocol, "cycle", None)
        if cycle is None or not cycle.response_started:  # never a second status line into a response under way
            transport.write(_refusal(status, detail, retry_after))
        transport.close()


if importlib.util.find_spec("httptools") is not None:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class BoundedHttpTools(_Bounds, HttpToolsProtocol):
        """uvicorn's httptools protocol, with the bounds; each head's bytes are counted before the parser buffers
        them."""

        _head: int | None = 0  # bytes of the current request's head read so far; None once it is complete
        _tail = b""  # the last bytes read, in case the blank line that ends the head spans two reads

        def data_received(self, data: bytes) -> None:
            if self._head is not None:
                window = self._tail + data
                end = window.find(_HEAD_END)
                seen = self._head + (len(data) if end < 0 else end + len(_HEAD_END) - len(self._tail))
                if seen > self.max_head_bytes:
                    self._head = None
                    self._refuse(self, "head_size", 431, f"the request line and headers are larger than "
                                                         f"{self.max_head_bytes:,} bytes (RAG_MAX_HEADER_BYTES)")
                    return
                self._head, self._tail = (seen, window[-3:]) if end < 0 else (None, b"")
            super().data_received(data)

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._arm(self, "head")

        def on_headers_complete(self) -> None:
            super().on_headers_complete()
            self._arm(self, "body")

        def on_message_complete(self) -> None:
            super().on_message_complete()
            self._arm(self, None)
            self._head, self._tail = 0, b""  # what comes next is the head of the next request

    DEFAULT_PROTOCOL: type[asyncio.Protocol] = BoundedHttpTools
else:  # pragma: no cover - httptools is a dependency
    DEFAULT_PROTOCOL = H11Protocol


class BoundedH11(_Bounds, H11Protocol):
    """uvicorn's h11 protocol, with the bounds (h11 bounds the head itself: `h11_max_incomplete_event_size`)."""

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if not self.transport.is_closing():
            state = self.conn.their_state
            self._arm(self, "head" if state is h11.IDLE else "body" if state is h11.SEND_BODY else None)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm(self, None)  # uvicorn's keep-alive timer from here


PROTOCOLS: dict[str, type[asyncio.Protocol]] = {"auto": DEFAULT_PROTOCOL, "h11": BoundedH11}


def protocol(settings: Settings, base: type[asyncio.Protocol] = DEFAULT_PROTOCOL) -> type[asyncio.Protocol]:
    """The HTTP protocol class `rag serve` gives uvicorn: `base` with the settings' bounds."""
    limits: dict[str, Any] = {"max_head_bytes": settings.max_header_bytes,
                              "max_connections": settings.max_connections,
                              "header_timeout": settings.header_timeout_seconds,
                              "body_timeout": settings.body_timeout_seconds}
    return type(f"Rag{base.__name__}", (base,), limits)


def config(app: Any, settings: Settings, base: type[asyncio.Protocol] = DEFAULT_PROTOCOL) -> uvicorn.Config:
    """uvicorn's configuration for `app`: the bounded protocol, h11's own head bound, the keep-alive timeout."""
    # log_config=None: keep the handlers rag.logs configured; access_log=False: rag.logs writes one record a request
    return uvicorn.Config(app, host=settings.host, port=settings.port, log_level=settings.log_level,
                          access_log=False, log_config=None, http=protocol(settings, base),
                          h11_max_incomplete_event_size=settings.max_header_bytes,
                          timeout_keep_alive=settings.keep_alive_seconds)


def serve(app: Any, settings: Settings) -> None:
    """Run `app` until interrupted."""
    uvicorn.Server(config(app, settings)).run()


__all__ = ["DEFAULT_PROTOCOL", "PROTOCOLS", "BoundedH11", "config", "protocol", "serve"]
