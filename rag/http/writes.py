"""A response's head and body sent in one write: what the server's HTTP protocol (`rag.http.server`) gives each
request's response cycle for a transport.

uvicorn writes a response's status line and headers as soon as the app starts the response, then its body as a
second write: two sends on the socket, and a client that wakes up for the head alone, finds no body yet and waits
again. A JSON answer comes whole right after its head (Litestar sends both without yielding to the event loop),
so the head is held until the next write of the same response, which takes it along; a response whose body is
not ready within the event loop's turn (a stream) gets its head sent on the loop's next turn, as before.
"""

from __future__ import annotations

import asyncio
from typing import Any


class HeadWithBody:
    """`transport`, but for a write that starts a response (a status line), held until the next write or the event
    loop's next turn, whichever comes first. Everything else is the transport's own."""

    __slots__ = ("_held", "_loop", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: bytes | None = None

    def write(self, data: bytes) -> None:
        held = self._held
        if held is not None:
            self._held = None
            self._transport.write(held + data)
        elif data.startswith(b"HTTP/"):
            self._held = data
            self._loop.call_soon(self.flush)
        else:
            self._transport.write(data)

    def flush(self) -> None:
        """Send a head still held (its body did not follow within the loop's turn); dropped on a closing
        transport, as the transport's own write would be."""
        held, self._held = self._held, None
        if held is not None and not self._transport.is_closing():
            self._transport.write(held)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    @classmethod
    def install(cls, cycle: Any, loop: asyncio.AbstractEventLoop) -> None:
        """Give `cycle` (uvicorn's response cycle) one over its transport. A head still held when its response
        completes (a HEAD request's: uvicorn writes no body for it) goes out then, before anything else may write on
        the connection: a refusal of the next request, written on the transport itself, went out in its place."""
        transport, on_response = cls(cycle.transport, loop), cycle.on_response

        def completed() -> None:
            transport.flush()
            on_response()

        cycle.transport, cycle.on_response = transport, completed

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


__all__ = ["HeadWithBody"]
