"""How `rag serve` runs uvicorn: its HTTP protocol, with the bounds an exposed server needs before any routing.

uvicorn's httptools protocol buffers a request's head (request line and headers) without a limit, before the app
sees anything, API keys included: one client sending a gigabyte of headers costs the process a gigabyte. Here the
head is bounded by `RAG_MAX_HEADER_BYTES`, whichever parser runs: with httptools, the bytes of the head are
counted as they arrive and a head over the limit is answered 431 and the connection closed, before the parser has
buffered it; with h11, its own bound on an incomplete event does the same (answered 400).
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import logging
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from rag.problems import MEDIA_TYPE, problem_body
from rag.settings import Settings

log = logging.getLogger("rag.server")
_HEAD_END = b"\r\n\r\n"


def _refusal(status: int, reason: str, detail: str) -> bytes:
    """A complete HTTP/1.1 problem response that closes the connection."""
    body = json.dumps(problem_body(status, detail, "")).encode()
    return (f"HTTP/1.1 {status} {reason}\r\ncontent-type: {MEDIA_TYPE}\r\ncontent-length: {len(body)}\r\n"
            "connection: close\r\n\r\n").encode() + body


if importlib.util.find_spec("httptools") is not None:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class HeadBoundedHttpTools(HttpToolsProtocol):
        """uvicorn's httptools protocol, counting each request head's bytes before the parser buffers them."""

        max_head_bytes = 32_768

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            self._head: int | None = 0  # bytes of the current request's head read so far; None once it is complete
            self._tail = b""  # the last bytes read, in case the blank line that ends the head spans two reads
            super().connection_made(transport)

        def data_received(self, data: bytes) -> None:
            if self._head is not None:
                window = self._tail + data
                end = window.find(_HEAD_END)
                seen = self._head + (len(data) if end < 0 else end + len(_HEAD_END) - len(self._tail))
                if seen > self.max_head_bytes:
                    self._refuse_head(seen)
                    return
                self._head, self._tail = (seen, window[-3:]) if end < 0 else (None, b"")
            super().data_received(data)

        def on_message_complete(self) -> None:
            super().on_message_complete()
            self._head, self._tail = 0, b""  # what comes next is the head of the next request

        def _refuse_head(self, seen: int) -> None:
            self._head = None
            log.warning("refused a request head of more than %d bytes (RAG_MAX_HEADER_BYTES) from %s: 431, "
                        "connection closed", self.max_head_bytes, self.client[0] if self.client else "?")
            self.transport.write(_refusal(431, "Request Header Fields Too Large",
                                          f"the request line and headers are larger than {self.max_head_bytes:,} "
                                          "bytes (RAG_MAX_HEADER_BYTES)"))
            self.transport.close()

    DEFAULT_PROTOCOL: type[asyncio.Protocol] = HeadBoundedHttpTools
else:  # pragma: no cover - httptools is a dependency; h11 is uvicorn's own fallback
    DEFAULT_PROTOCOL = H11Protocol


def protocol(settings: Settings, base: type[asyncio.Protocol] = DEFAULT_PROTOCOL) -> type[asyncio.Protocol]:
    """The HTTP protocol class `rag serve` gives uvicorn, with the settings' bounds."""
    limits: dict[str, Any] = {"max_head_bytes": settings.max_header_bytes}
    return type(f"Rag{base.__name__}", (base,), limits)


def config(app: Any, settings: Settings, base: type[asyncio.Protocol] = DEFAULT_PROTOCOL) -> uvicorn.Config:
    """uvicorn's configuration for `app`: the bounded protocol, and h11's own head bound should h11 run."""
    # log_config=None: keep the handlers rag.logs configured; access_log=False: rag.logs writes one record a request
    return uvicorn.Config(app, host=settings.host, port=settings.port, log_level=settings.log_level,
                          access_log=False, log_config=None, http=protocol(settings, base),
                          h11_max_incomplete_event_size=settings.max_header_bytes)


def serve(app: Any, settings: Settings) -> None:
    """Run `app` until interrupted."""
    uvicorn.Server(config(app, settings)).run()


__all__ = ["DEFAULT_PROTOCOL", "H11Protocol", "config", "protocol", "serve"]
