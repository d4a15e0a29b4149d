"""The MCP stdio transport of `rag mcp`: the SDK's, with an answer for each line that is no JSON-RPC message.

The SDK's stdio transport hands the server an exception for a line it cannot read (JSON that does not parse, a
batch, an object of no message's shape), which the server logs at debug level and drops: the client that sent it,
waiting for the answer to its request, waits forever. JSON-RPC answers such a line with an error, a Parse error
(-32700) or an Invalid Request (-32600), as `/mcp` over HTTP does (`rag.http.mcp`).

Those answers are written by a task of their own (`answering_faults`), never by the reader of stdin: a client that
writes malformed lines without reading its answers filled the stdout pipe and stopped the server reading, so that
its own writes blocked too. At most `PENDING_FAULTS` answers wait for it; past them a malformed line goes unanswered,
with a warning in the log, and the answers to well-formed requests are written as ever.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import TracebackType
from typing import Any

import anyio
from mcp.shared.message import SessionMessage
from mcp_types import INVALID_REQUEST, PARSE_ERROR, ErrorData, JSONRPCError
from pydantic import ValidationError

PENDING_FAULTS = 1024  # answers to malformed lines waiting for a client that reads none: about 300 KB
logger = logging.getLogger("rag.mcp")


def _sent(errors: list[Any]) -> object:
    """What the line held, as the SDK's validation errors tell it: the value a member of the message union refused
    whole (a list, a string) or the object a member misses a field of; None when no error shows it (an object with
    every field, of wrong types). The first error's input is no such thing: `"params": [1]` fails first on the
    list [1], which is neither the message nor a batch."""
    for error in errors:
        loc = error["loc"]
        if len(loc) == 1 or (len(loc) == 2 and error["type"] == "missing"):
            return error["input"]
    return None


def fault_error(exc: Exception) -> JSONRPCError:
    """The JSON-RPC error answering a line the SDK could not read as a message (`exc`, its exception), in a line
    that says what to fix; its id is the line's own when it has a usable one and the line is no response (a client's
    answer to the server is not answered, and its id, the server's, would name one of the client's requests), else
    null."""
    errors = exc.errors(include_url=False) if isinstance(exc, ValidationError) else []
    message = _sent(errors)
    mid = message.get("id") if isinstance(message, dict) else None
    responds = isinstance(message, dict) and "method" not in message and ("result" in message or "error" in message)
    mid = mid if isinstance(mid, str | int) and not isinstance(mid, bool) and not responds else None
    if any(e["type"] == "json_invalid" for e in errors):
        code, said = PARSE_ERROR, f"Parse error: {errors[0]['msg']}: send one JSON object a line"
    elif isinstance(message, list):
        code, said = INVALID_REQUEST, "a JSON-RPC batch (a JSON list) is not accepted: send one message a line"
    else:
        code, said = INVALID_REQUEST, ("not a JSON-RPC message: a request is {\"jsonrpc\": \"2.0\", \"id\": a string "
                                       "or an integer, \"method\": a string, \"params\": an object}; a notification "
                                       "has no \"id\"")
    return JSONRPCError(jsonrpc="2.0", id=mid, error=ErrorData(code=code, message=said))


class AnsweredFaults:
    """The SDK's stdio read stream, each exception on it (a line it could not read) answered on `write` with
    `fault_error` instead of reaching the server, which would drop it; messages pass through."""

    def __init__(self, read: Any, write: Any) -> None:
        self._read = read
        self._write = write
        self._answers, self._pending = anyio.create_memory_object_stream[SessionMessage](PENDING_FAULTS)
        self._dropping = False

    async def forward(self) -> None:
        """Write the answers to malformed lines, in order, for as long as the connection lasts."""
        async with self._pending:
            async for answer in self._pending:
                try:
                    await self._write.send(answer)
                except (anyio.ClosedResourceError, anyio.BrokenResourceError):  # the connection ended: no one to tell
                    return
                self._dropping = self._dropping and self._pending.statistics().current_buffer_used > 0

    @property
    def last_context(self) -> Any:
        """The sender's context of the last message, which the SDK's dispatcher reads from its stream."""
        return getattr(self._read, "last_context", None)

    async def receive(self) -> SessionMessage:
        """The next message; a line that was none is answered here, and the one after it read."""
        while True:
            item = await self._read.receive()
            if not isinstance(item, Exception):
                return item
            try:
                self._answers.send_nowait(SessionMessage(fault_error(item)))
            except anyio.WouldBlock:
                if not self._dropping:
                    logger.warning("malformed lines on stdin left unanswered: %d answers to such lines wait for the "
                                   "client to read them", PENDING_FAULTS)
                self._dropping = True

    def __aiter__(self) -> AnsweredFaults:
        return self

    async def __anext__(self) -> SessionMessage:
        try:
            return await self.receive()
        except anyio.EndOfStream:  # stdin closed: as the SDK's own stream ends its iteration
            raise StopAsyncIteration from None

    async def aclose(self) -> None:
        self._answers.close()
        await self._read.aclose()

    async def __aenter__(self) -> AnsweredFaults:
        await self._read.__aenter__()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc_val: BaseException | None,
                        exc_tb: TracebackType | None) -> bool | None:
        return await self._read.__aexit__(exc_type, exc_val, exc_tb)


@asynccontextmanager
async def answering_faults(read: Any, write: Any) -> AsyncIterator[AnsweredFaults]:
    """`read` as `AnsweredFaults` whose answers a task writes on `write` while inside."""
    faults = AnsweredFaults(read, write)
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(faults.forward)
        yield faults
        tasks.cancel_scope.cancel()


__all__ = ["PENDING_FAULTS", "AnsweredFaults", "answering_faults", "fault_error"]
