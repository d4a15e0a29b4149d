"""How `rag serve` runs uvicorn: its HTTP protocol, with the bounds an exposed server needs before any routing.

uvicorn buffers a request's head (request line and headers) without a limit with httptools, and never times out a
connection that sends nothing, trickles its head or its body: before the app sees anything, API keys included,
one client could take a gigabyte of memory or, with a few dozen sockets, every file descriptor. Here, whichever
parser runs (httptools, or h11 where httptools is missing):

- a head over `RAG_MAX_HEADER_BYTES` is answered 431 and the connection closed as soon as that many bytes have
  arrived (httptools: counted before its parser buffers them), and so are trailer fields (after a chunked body's last
  chunk) over as many: httptools would buffer them without a bound, 30 s of CPU for one of 100 MB, every client waiting;
- a head not complete `RAG_HEADER_TIMEOUT_SECONDS` after the connection opened or the request's first byte, or a
  body not complete `RAG_BODY_TIMEOUT_SECONDS` after its head, is answered 408 and the connection closed;
- a response the client does not read: once the server's write buffer for it is full, the client has
  `RAG_SEND_TIMEOUT_SECONDS` to drain it, else the connection is dropped (its buffered answer with it; uvicorn
  would keep both for ever);
- a body in a transfer coding other than chunked (`Transfer-Encoding: gzip, chunked`) is answered 501 and the
  connection closed (RFC 9112, 6.1), where httptools read it as chunked and handed the app the compressed bytes;
- an idle keep-alive connection is closed after `RAG_KEEP_ALIVE_SECONDS` (uvicorn's own timer);
- an answer given before its request's body was all in (a 413, a 401) says `connection: close`, and the rest of the
  body is read and dropped until the client closes or the body's deadline passes (`RAG_BODY_TIMEOUT_SECONDS` after
  its head, whenever the answer came: `rag.http.bounds`);
- past `RAG_MAX_CONNECTIONS` open connections, the one idle longest that never carried a request is closed for room,
  and when none is idle a new one is answered 503 and closed at once; past
  `RAG_MAX_CONNECTIONS_PER_CLIENT` from one address, 429 (a trusted proxy's, `FORWARDED_ALLOW_IPS`, are its
  clients': not capped), so that one client cannot take every place.

Refusals are logged, at most one record per kind every 10 seconds with how many there were. `serve` binds the
address before uvicorn runs (`rag.http.listen`): one it cannot listen on (a port in use, a host that is not this
machine's) is a `ConfigError` naming it, not uvicorn's own exit (3)."""

from __future__ import annotations

import asyncio
import importlib.util
import re
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import DEFAULT_MAX_INCOMPLETE_EVENT_SIZE, H11Protocol

from rag.http.bounds import Bounds
from rag.http.listen import Server, StartUp, listen
from rag.http.open_files import allow_connections
from rag.http.refusals import TALLIES, UNKNOWN_CODING, unknown_coding
from rag.http.writes import HeadWithBody
from rag.settings import Settings

_HEAD_END = b"\r\n\r\n"
_REQUEST_LINE = re.compile(rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+ ")  # a method, then a space
def _too_large(limit: int, what: str = "request line and headers") -> str:
    return f"the {what} are larger than {limit:,} bytes (RAG_MAX_HEADER_BYTES)"


# Requests one connection may have queued behind the one being answered (pipelined): httptools parses every request
# of a read at once, so one write of 256 KB queued 6,000 of them, and eight such connections made /healthz wait 7 s.
# Past this many, the newest are dropped and the connection closes after the last one kept ("connection: close"): a
# pipelining client sends those again on a new connection (RFC 9112, 9.3.2). h11 parses one request at a time.
PIPELINE_MAX = 32
_PIECE = 4096  # bytes parsed before the pipeline is looked at: a hundred small requests at most

if importlib.util.find_spec("httptools") is not None:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class BoundedHttpTools(Bounds, HttpToolsProtocol):
        """uvicorn's httptools protocol, with the bounds; each head's bytes are counted before the parser buffers
        them."""

        _head: int | None = 0  # bytes of the current request's head read so far; None once it is complete
        _tail = b""  # the last bytes read, in case the blank line that ends the head spans two reads
        _recent = b""  # the last bytes of every read: a pipelined head may start in the read that ends a request
        _running: Any = None  # the cycle whose app runs; `cycle` is the last request parsed, maybe one queued
        # A chunk whose size line is read and none of its data yet: after the last (zero) chunk, trailer fields come,
        # which httptools buffers (each value grown by copying: quadratic) and uvicorn appends to the headers
        _chunk_open = False
        _chunk_data = False  # a chunk's data came in the read being parsed
        _trailer = 0  # bytes of reads made of trailer fields alone, counted against the head's bound
        _closing = False  # requests past `PIPELINE_MAX` were dropped: the connection closes after the last kept
        _begun = False  # a request's first byte is parsed, its message not yet complete

        def _start_asgi_task(self, cycle: Any, app: Any) -> None:
            self._running = cycle
            super()._start_asgi_task(cycle, app)

        def connection_lost(self, exc: Exception | None) -> None:
            """uvicorn tells only `cycle` that the client is gone: with a pipelined request queued, the answer under
            way would write on into the closed transport and log a traceback (the connection dropped unread)."""
            running = self._running
            if running is not None and not running.response_complete:
                running.disconnected = True
                running.message_event.set()
            super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            # past the requests it answers (`PIPELINE_MAX`), or after an answer to a request whose body was not all
            # in (`Bounds._linger`): the rest is not read
            if self._closing or self._dropped(data):
                return
            cycle = self.cycle
            if self._phase is None and (cycle is None or cycle.response_complete):
                # a byte after a finished exchange starts the next head: uvicorn stops its keep-alive timer at any
                # byte, and the parser skips blank lines without starting a message, so "\r\n" kept it open for ever
                self._arm(self, "head")
            if self._head is not None:
                window = self._tail + data
                end = window.find(_HEAD_END)
                seen = self._head + (len(data) if end < 0 else end + len(_HEAD_END) - len(self._tail))
                if seen > self.max_head_bytes:
                    self._head = None
                    self._refuse(self, "head_size", 431, _too_large(self.max_head_bytes))
                    return
                self._head, self._tail = (seen, window[-3:]) if end < 0 else (None, b"")
            self._recent = (self._recent + data)[-3:]
            open_before, self._chunk_data = self._chunk_open, False
            for start in range(0, len(data), _PIECE):  # in pieces: a read's requests are parsed up to the bound only
                super().data_received(data[start:start + _PIECE])
                if self.transport.is_closing():
                    return
                if self._closing:  # a request refused behind answers under way (`_refuse_head`): none read after it
                    self._arm(self, None)  # a head parsed after it armed its deadline
                    return
                if len(self.pipeline) > PIPELINE_MAX:  # oldest on the right: the newest are left unanswered
                    while len(self.pipeline) > PIPELINE_MAX:
                        self.pipeline.popleft()
                    self.pipeline[0][0].keep_alive, self._closing = False, True
                    self._arm(self, None)  # a deadline of a dropped request would write its 408 among the answers
                    return
            if open_before and self._chunk_open and not self._chunk_data:  # a read of trailer fields alone
                self._trailer += len(data)
                if self._trailer > self.max_head_bytes:
                    self._refuse(self, "head_size", 431, _too_large(self.max_head_bytes, "trailer fields after a "
                                                                                         "chunked body"))

        def on_chunk_header(self) -> None:
            self._chunk_open = True

        def on_body(self, body: bytes) -> None:
            self._chunk_open, self._chunk_data = False, True
            # refused (`on_headers_complete`): no request takes the body (`cycle` is still the one before it)
            if not self.transport.is_closing() and not self._closing:
                super().on_body(body)

        def on_chunk_complete(self) -> None:
            self._chunk_open = False

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._begun = True
            self._arm(self, "head")

        def _idle(self) -> bool:
            cycle = self.cycle
            return (not self._begun and not self.pipeline and not self._closing and self._lingering is None
                    and (cycle is None or cycle.response_complete))

        def on_headers_complete(self) -> None:
            if self._closing:  # a request after one refused behind answers under way (`_refuse_head`): unread
                return
            if unknown_coding(self.headers):  # httptools reads `gzip, chunked` as chunked: the body as it came
                self._refuse_head("coding", 501, UNKNOWN_CODING)
                return
            if self.parser.should_upgrade() and any(name == b"transfer-encoding" or (name == b"content-length" and
                                                    value.strip(b"0 \t")) for name, value in self.headers):
                # httptools reads no body after an Upgrade head: the app saw none, and the body was read as the
                # next request (past a read's first piece, a 400 in place of the answer): refused, not misread
                self._refuse_head("malformed", 400, "a request with an Upgrade header cannot have a body here: "
                                  "send it without Upgrade and `Connection: upgrade` (curl: --http1.1 on http://)")
                return
            before = self.cycle
            super().on_headers_complete()
            if self.cycle is not before:  # a new request's cycle: its head goes out with its body's first write
                HeadWithBody.install(self.cycle, self.loop)
                self._watch(self.cycle)
            self._arm(self, "body")
            # the head is whole: bytes after it in the same read (a pipelined request's body) are not head bytes
            self._head, self._tail = None, b""

        def _refuse_head(self, kind: str, status: int, detail: str) -> None:
            """Refuse the request whose head was just parsed. With answers to pipelined requests before it still to
            come, its refusal would go out first, in place of theirs (the running one's lost): those are answered,
            the last closing the connection, and this one is left unanswered, as those past `PIPELINE_MAX` are (a
            client sends it again on a new connection, RFC 9112, 9.3.2, and is refused there)."""
            cycle = self.cycle  # the last request before this one, running or queued
            if cycle is None or cycle.response_complete:
                self._refuse(self, kind, status, detail)
            else:
                TALLIES[kind].add(self.client)
                cycle.keep_alive, self._closing = False, True
                self._arm(self, None)

        def on_message_complete(self) -> None:
            if self.transport.is_closing() or self._closing:  # refused (`on_headers_complete`): no request made
                return
            super().on_message_complete()
            self._begun = False
            self._arm(self, None)
            # next is the next request's head, which may have begun in this read (its last bytes may start its end)
            self._head, self._tail, self._trailer = 0, self._recent, 0

    DEFAULT_PROTOCOL: type[asyncio.Protocol] = BoundedHttpTools
else:  # pragma: no cover - httptools is a dependency
    DEFAULT_PROTOCOL = H11Protocol


class _Faulting(h11.Connection):
    """h11's connection, keeping the error it raised last: uvicorn answers every one with the same 400."""

    fault: h11.RemoteProtocolError | None = None

    def next_event(self) -> Any:
        try:
            return super().next_event()
        except h11.RemoteProtocolError as exc:
            self.fault = exc
            raise


class BoundedH11(Bounds, H11Protocol):
    """uvicorn's h11 protocol, with the bounds (h11 bounds the head itself: `h11_max_incomplete_event_size`)."""

    def __init__(self, config: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        bound = config.h11_max_incomplete_event_size  # None: uvicorn's default, as `H11Protocol` takes it
        self.conn = _Faulting(h11.SERVER, DEFAULT_MAX_INCOMPLETE_EVENT_SIZE if bound is None else bound)

    def data_received(self, data: bytes) -> None:
        if self._dropped(data):  # after an answer to a request whose body was not all in (`Bounds._linger`)
            return
        if self.conn.their_state is h11.IDLE and self._over(self.conn.trailing_data[0] + data):
            self._refuse(self, "head_size", 431, _too_large(self.max_head_bytes))
            return
        super().data_received(data)
        if not self.transport.is_closing():
            state = self.conn.their_state
            self._arm(self, "head" if state is h11.IDLE else "body" if state is h11.SEND_BODY else None)

    def _idle(self) -> bool:
        cycle = self.cycle
        return (self.conn.their_state is h11.IDLE and not self.conn.trailing_data[0] and self._lingering is None
                and (cycle is None or cycle.response_complete))

    def handle_events(self) -> None:
        before = self.cycle
        super().handle_events()
        if self.cycle is not before:  # a new request's (here or, pipelined, when the one before is answered)
            self._watch(self.cycle)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm(self, None)  # uvicorn's keep-alive timer from here

    def _over(self, pending: bytes) -> bool:
        """Whether bytes waiting for a head hold more than the bound without a whole head: a 431 that names the
        setting, as with httptools (h11's own bound is uvicorn's 400, in the words of any error). A whole head, well
        formed or not, is h11's to judge; the blank lines h11 skips before a head do not end one."""
        pending = pending.lstrip(b"\r\n")
        return len(pending) > self.max_head_bytes and pending.find(_HEAD_END, 0, self.max_head_bytes + 4) < 0

    def send_400_response(self, msg: str) -> None:
        """h11 refused a head it had buffered while the previous response went out (a pipelined one): a 431 too when
        that is why, the buffer a request line and no end of head past the bound (a malformed head h11 read whole
        leaves its body there instead: a 400)."""
        pending, fault = self.conn.trailing_data[0], getattr(self.conn, "fault", None)
        if fault is not None and fault.error_status_hint == 501:  # h11's: a Transfer-Encoding but chunked alone
            self._refuse(self, "coding", 501, UNKNOWN_CODING)
        elif _REQUEST_LINE.match(pending.lstrip(b"\r\n")) and self._over(pending):
            self._refuse(self, "head_size", 431, _too_large(self.max_head_bytes))
        else:
            super().send_400_response(msg)


# On SIGTERM, requests under way get this long to finish, then their connections are closed: a client reading its
# answer slowly could otherwise hold a stop for ever (under Kubernetes' default grace period of 30 s).
GRACEFUL_SHUTDOWN_SECONDS = 25

PROTOCOLS: dict[str, type[asyncio.Protocol]] = {"auto": DEFAULT_PROTOCOL, "h11": BoundedH11}


def protocol(settings: Settings, base: type[asyncio.Protocol] = DEFAULT_PROTOCOL) -> type[asyncio.Protocol]:
    """The HTTP protocol class `rag serve` gives uvicorn: `base` with the settings' bounds."""
    limits: dict[str, Any] = {"max_head_bytes": settings.max_header_bytes,
                              "max_connections": settings.max_connections,
                              "max_client_connections": settings.client_connections,
                              "header_timeout": settings.header_timeout_seconds,
                              "body_timeout": settings.body_timeout_seconds,
                              "send_timeout": settings.send_timeout_seconds}
    return type(f"Rag{base.__name__}", (base,), limits)


def config(app: Any, settings: Settings, base: type[asyncio.Protocol] = DEFAULT_PROTOCOL) -> uvicorn.Config:
    """uvicorn's configuration for `app`: the bounded protocol, h11's own head bound, the keep-alive timeout."""
    # log_config=None: keep the handlers rag.logs configured; access_log=False: rag.logs writes one record a request;
    # ws="none": no route takes a WebSocket, whose connection would leave the bounds above and whose refusal was a
    # plain-text 403 or 400 from the WebSocket library; an upgrade to one is answered over HTTP, a problem as any other
    return uvicorn.Config(app, host=settings.host, port=settings.port, log_level=settings.log_level, ws="none",
                          access_log=False, log_config=None, http=protocol(settings, base),
                          h11_max_incomplete_event_size=settings.max_header_bytes,
                          timeout_keep_alive=settings.keep_alive_seconds,
                          timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS)


def serve(app: Any, settings: Settings) -> None:
    """Run `app` until interrupted. Raises `ConfigError` when it cannot listen (`listen`), and the exception that
    stopped the app's start-up, if one did (uvicorn has logged it)."""
    allow_connections(settings.max_connections)  # each one a descriptor: the soft `ulimit -n` raised, else a warning
    sockets = listen(settings)
    started = StartUp(app)
    server = Server(config(started, settings))
    try:
        server.run(sockets=sockets)
    except SystemExit:
        if server.started or started.failure is None:
            raise
        raise started.failure from None
    finally:
        for sock in sockets:
            sock.close()


__all__ = ["DEFAULT_PROTOCOL", "PROTOCOLS", "BoundedH11", "config", "listen", "protocol", "serve"]
