"""What `rag serve`'s HTTP protocols add to uvicorn's, whichever parser runs (`rag.http.server` says why each bound):
the connection caps (past `RAG_MAX_CONNECTIONS`, the unused connection idle longest closed for room, else a 503), the
head and body deadlines, the send deadline, and their refusals; and the close of a connection whose request was
answered before its body was read whole.

A response the app gives before the request's body has all arrived (a 413 for a body over RAG_MAX_BODY_BYTES, a 401
before a body is read) leaves the rest of that body on the connection: uvicorn kept the connection open, its next
request to be parsed from the body's rest, and a body that never came whole got a 408 when its deadline passed, a
second response to one request. Such a response says `connection: close`, and after it the connection lingers
(RFC 9112, 9.6): the server sends its end, reads and drops whatever still comes, and closes when the client does,
or when the body's deadline ends (`body_timeout` after its head: the linger never adds to it). A client that sends
its whole body before reading (requests, httpx) reads the refusal instead of a reset in the middle of its send."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, ClassVar

from rag.http.proxies import address_group, trusted
from rag.http.refusals import TALLIES, UVICORN_MALFORMED, refusal

_CLOSE = (b"connection", b"close")
LINGER_BYTES = 16 * 2**20  # what a lingering connection reads and drops at most: the rest of a body some MB over


class _Lingering:
    """A response cycle's transport, whose `close` (the response said `connection: close`) lingers instead."""

    __slots__ = ("_linger", "_transport")

    def __init__(self, transport: Any, linger: Callable[[], None]) -> None:
        self._transport, self._linger = transport, linger

    def close(self) -> None:
        flush = getattr(self._transport, "flush", None)  # a head `HeadWithBody` still holds goes first
        if flush is not None:
            flush()
        self._linger()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class Bounds(asyncio.Protocol):
    """What both parsers' protocols add: the connection cap, the head and body deadlines, and refusals."""

    max_head_bytes: ClassVar[int] = 32_768
    max_connections: ClassVar[int] = 512
    max_client_connections: ClassVar[int] = 64  # 0: no cap
    header_timeout: ClassVar[float] = 10.0
    body_timeout: ClassVar[float] = 30.0
    send_timeout: ClassVar[float] = 30.0

    _deadline: asyncio.TimerHandle | None = None
    _phase: str | None = None  # the phase whose deadline runs: 'head', 'body', or none
    _unread: asyncio.TimerHandle | None = None  # the deadline of a full write buffer, whatever the phase
    _lingering: asyncio.TimerHandle | None = None  # an unread body was refused: the end of the connection's linger
    _quiet_since = 0.0  # the event loop's time when the connection was made or its last response completed
    _served = False  # whether a request came on this connection: only one that never carried any is closed for room
    _drained = 0  # bytes read and dropped while the connection lingers

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        protocol: Any = self
        if self._crowding(protocol):
            self._refuse(protocol, "client_connections", 429,
                         f"more than {self.max_client_connections} connections are open from your address "
                         "(RAG_MAX_CONNECTIONS_PER_CLIENT): reuse them (keep-alive) or close some", retry_after=1)
        elif len(protocol.connections) > self.max_connections and not self._make_room(protocol):  # counted this one
            self._refuse(protocol, "connections", 503, f"more than {self.max_connections} connections are open "
                                                       "(RAG_MAX_CONNECTIONS): retry in a moment", retry_after=1)
        else:
            self._quiet_since = protocol.loop.time()
            self._arm(protocol, "head")

    def _make_room(self, protocol: Any) -> bool:
        """Past the cap, close the connection idle longest (`_idle`: no request under way, nor a byte of the next)
        among those that never carried a request: idle sockets opened and left (a flood) cannot keep out a request
        about to be sent, a health probe's among them. A client's keep-alive connection between two requests is never
        closed for room (the review: a flood of new connections evicted such connections just as their next request
        was sent, a reset that requests and httpx do not retry). False when none is: a 503, as before."""
        others = [other for other in protocol.connections if other is not self and not other.transport.is_closing()]
        if len(others) < self.max_connections:  # places already being given back
            return True
        idle = [other for other in others if isinstance(other, Bounds) and not other._served and other._idle()]
        if not idle:
            return False
        oldest: Any = min(idle, key=lambda other: other._quiet_since)
        TALLIES["idle_closed"].add(oldest.client)
        oldest._arm(oldest, None)
        oldest.transport.close()
        return True

    def _idle(self) -> bool:
        """Whether no request is under way on this connection (being read, queued or answered), nor has a byte of
        the next come: closing it loses nothing. Each parser's protocol says."""
        return False

    def _crowding(self, protocol: Any) -> bool:
        """Whether this connection's client (its address; an IPv6 one by its /64) holds more than its share, unless
        it is a trusted proxy's."""
        host = protocol.client[0] if protocol.client else None
        if not self.max_client_connections or host is None or host in trusted(protocol.config):
            return False
        group, proxies = address_group(host), trusted(protocol.config)
        return sum(1 for other in protocol.connections if other.client and address_group(other.client[0]) == group
                   and other.client[0] not in proxies) > self.max_client_connections

    def connection_lost(self, exc: Exception | None) -> None:
        self._arm(self, None)
        for timer in (self._unread, self._lingering):
            if timer is not None:
                timer.cancel()
        self._unread = self._lingering = None
        super().connection_lost(exc)

    def _watch(self, cycle: Any) -> None:
        """Give a new request's response cycle its close: a response started before the request's body is all in
        (uvicorn's `more_body`) says `connection: close`, and the connection lingers after it (`_linger`)."""
        self._served = True
        send = cycle.send

        async def sending(message: Any) -> None:
            if message["type"] == "http.response.start" and cycle.more_body and not cycle.response_started:
                headers = list(message.get("headers", []))
                if _CLOSE not in headers:
                    message = {**message, "headers": [*headers, _CLOSE]}
                cycle.transport = _Lingering(cycle.transport, self._linger)
            await send(message)

        cycle.send = sending

    def _linger(self) -> None:
        """The response is written: send the end of the connection after it, read and drop what the client still
        sends of its body, and close when the client does (`eof_received`) or when the body's deadline ends, which
        ran from its head (`body_timeout` from now at most): a body refused late in its time had lingered a whole
        `body_timeout` more, its connection's place held for nearly twice that."""
        protocol: Any = self
        transport: asyncio.Transport = protocol.transport
        end = protocol.loop.time() + self.body_timeout
        if self._phase == "body" and self._deadline is not None:
            end = min(end, self._deadline.when())
        self._arm(protocol, None)  # no 408 for that body: it was answered
        if transport.is_closing() or not transport.can_write_eof():
            transport.close()
            return
        transport.write_eof()
        self._lingering = protocol.loop.call_at(end, transport.close)

    def _dropped(self, data: bytes) -> bool:
        """Whether `data` is dropped, the connection lingering (`_linger`); past `LINGER_BYTES` dropped, it closes
        (the review: eight connections refused with a 413 pushed 53 GB into their lingers in 12 s, a core kept busy
        reading them)."""
        if self._lingering is None:
            return False
        self._drained += len(data)
        if self._drained > LINGER_BYTES:
            protocol: Any = self
            protocol.transport.close()
        return True

    def on_response_complete(self) -> None:
        super().on_response_complete()  # type: ignore[misc]
        protocol: Any = self
        self._quiet_since = protocol.loop.time()
        if self._lingering is not None:  # the linger's end closes it, not uvicorn's keep-alive timer
            protocol._unset_keepalive_if_required()

    def pause_writing(self) -> None:
        """The transport's write buffer is full (the client reads slower than the server writes, or not at all):
        the client has `send_timeout` to drain it, whatever else it sends meanwhile (a pipelined request)."""
        super().pause_writing()
        if self._unread is None:
            protocol: Any = self
            self._unread = protocol.loop.call_later(self.send_timeout, self._drop_unread)

    def resume_writing(self) -> None:
        super().resume_writing()
        if self._unread is not None:
            self._unread.cancel()
            self._unread = None

    def _drop_unread(self) -> None:
        """No status line can follow a response under way: the connection is dropped, its buffer freed at once."""
        protocol: Any = self
        self._unread = None
        TALLIES["send_time"].add(protocol.client)
        self._arm(protocol, None)
        protocol.transport.abort()

    def _unsupported_upgrade_warning(self) -> None:
        """An `Upgrade` (h2c, websocket: this server takes none, `config` turns WebSockets off) is ignored, as RFC 9110
        (7.8) allows, and the request answered over HTTP/1.1; uvicorn logged one or two warnings for each, from any
        client."""

    def send_400_response(self, msg: str) -> None:
        """uvicorn's answer to bytes its parser cannot read (`msg`: its own words), as a problem like every other
        error, where uvicorn's is plain text."""
        detail = ("the request is not valid HTTP/1.1: check its request line, header names and values, CRLF line "
                  "ends, and Content-Length or Transfer-Encoding (not both)") if msg == UVICORN_MALFORMED else msg
        self._refuse(self, "malformed", 400, detail)

    def _arm(self, protocol: Any, phase: str | None) -> None:
        """Start the deadline of `phase` ('head', 'body'), or none; a phase already running keeps its deadline."""
        if phase == self._phase and phase is not None:
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
        # never a second status line into a response under way (a finished one, on a reused connection, is none)
        if cycle is None or not cycle.response_started or cycle.response_complete:
            transport.write(refusal(status, detail, retry_after))
        transport.close()


__all__ = ["Bounds"]
