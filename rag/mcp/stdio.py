"""The MCP stdio transport of `rag mcp`: the SDK's, with an answer for each line that is no JSON-RPC message.

The SDK's stdio transport hands the server an exception for a line it cannot read (JSON that does not parse, a
batch, an object of no message's shape), which the server logs at debug level and drops: the client that sent it,
waiting for the answer to its request, waits forever. JSON-RPC answers such a line with an error, a Parse error
(-32700) or an Invalid Request (-32600), as `/mcp` over HTTP does (`rag.http.mcp`).

Everything the server writes goes out through an `Outbox`, in the order sent, written by a task of its own: the
answer to such a line is queued by the reader of stdin, never written by it, since a client that writes malformed
lines without reading their answers filled the stdout pipe and stopped the server reading, so that its own writes
blocked too. At most `PENDING_FAULTS` answers wait; past them a malformed line goes unanswered, with a warning in the
log, and an answer to a request waits for room, as it waited for the pipe. Queued in the order the lines came, the
answer to a malformed line comes before those to the requests after it (with a null id, its place is all that tells
it from another), and stdin's end lets what waits be written (for `DRAIN_SECONDS` at most) before the server stops.

Stdin's end is told the SDK's server only once every request read has been computed and its answer sent to the
outbox (as long as one is answered every RAG_REQUEST_DEADLINE_SECONDS at least, `patience`): the server cancels
what is still computed when its stream ends, answering "Connection closed", so that a script piping its requests
into `rag mcp` and closing stdin lost the answers to its searches (`printf '%s\n' "$INIT" "$SEARCH" | rag mcp`).

The SDK's own writer of stdout wrote each message in a worker thread, blocked on the pipe while it is full: a client
that never read stdout and closed stdin held the server's exit for ever, since no deadline stops a thread blocked in
`write` and the process waits for its threads. A `Wire` writes stdout's pipe without a thread, each write taking what
the pipe has room for, waiting for more room on the event loop: a deadline cancels it as any wait (`stdio_streams`)
as long as none of its line is written; once its first bytes are, the rest is written under a deadline of its own
(`FINISH_SECONDS`), since a line cut there is a JSON the client cannot parse. The pipe made non-blocking is its own,
shared by every descriptor of it: when stderr is that pipe too (`rag mcp 2>&1 | client`), a write of the log could
fail with BlockingIOError, and the SDK's writer is kept.
"""

from __future__ import annotations

import json
import logging
import os
import stat
import sys
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from types import TracebackType
from typing import Any

import anyio
import anyio.lowlevel
from mcp.server import stdio as sdk_stdio
from mcp.shared.message import SessionMessage
from mcp_types import (
    INVALID_REQUEST,
    PARSE_ERROR,
    ErrorData,
    JSONRPCError,
    JSONRPCNotification,
    JSONRPCRequest,
    JSONRPCResponse,
)
from pydantic import ValidationError

from rag.wording import lone_surrogate

PENDING_FAULTS = 1024  # answers waiting for a client that reads none: about 300 KB of answers to malformed lines
DRAIN_SECONDS = 5  # how long the answers still waiting when stdin ends may take to be written
ANSWER_SECONDS = 300  # how long the requests still computed when stdin ends may go unanswered,
# RAG_REQUEST_DEADLINE_SECONDS being 0 (no deadline): long enough for any search, short enough that a request that
# hangs does not hold the exit
FINISH_SECONDS = 5  # how long a message whose writing has begun may still take after a deadline (a partial line
# would reach the client as a JSON it cannot parse)
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


def answered_id(message: object) -> str | int | None:
    """The id an error answering `message` (a decoded line or body) carries: the message's own when it is usable and
    the message is no response (a client's answer to the server is not answered, and its id, the server's, would
    name one of the client's requests), else None (null)."""
    mid = message.get("id") if isinstance(message, dict) else None
    responds = isinstance(message, dict) and "method" not in message and ("result" in message or "error" in message)
    return mid if isinstance(mid, str | int) and not isinstance(mid, bool) and not responds else None


def fault_error(exc: Exception) -> JSONRPCError:
    """The JSON-RPC error answering a line the SDK could not read as a message (`exc`, its exception), in a line
    that says what to fix; its id is the line's own (`answered_id`) when it can be read: a client waiting for the
    answer to its request (the MCP SDKs match answers by id) gets it, where a null id left it waiting."""
    errors = exc.errors(include_url=False) if isinstance(exc, ValidationError) else []
    unread = any(e["type"] == "json_invalid" for e in errors)
    lone = lone_surrogate(errors[0]["input"]) if unread and isinstance(errors[0]["input"], str | bytes) else None
    # a lone surrogate escape is the line's one fault when Python's decoder reads it: its id is known
    message = json.loads(errors[0]["input"]) if lone is not None else _sent(errors)
    mid = answered_id(message)
    if unread:
        code, said = PARSE_ERROR, f"Parse error: {lone or errors[0]['msg'] + ': send one JSON object a line'}"
    elif isinstance(message, list):
        code, said = INVALID_REQUEST, "a JSON-RPC batch (a JSON list) is not accepted: send one message a line"
    else:
        code, said = INVALID_REQUEST, ("not a JSON-RPC message: a request is {\"jsonrpc\": \"2.0\", \"id\": a string "
                                       "or an integer, \"method\": a string, \"params\": an object}; a notification "
                                       "has no \"id\"")
    return JSONRPCError(jsonrpc="2.0", id=mid, error=ErrorData(code=code, message=said))


class Outbox:
    """The write stream the SDK's server writes on, in front of `write`: what is sent there waits in one queue, that
    `forward` writes out in order; an answer to a malformed line is `offer`ed, never waiting for room. It keeps the
    ids of the client's requests still being computed (`expect`ed as they are read, until their answer is sent), for
    stdin's end to wait for them (`answered`)."""

    def __init__(self, write: Any) -> None:
        self._write = write
        self._queue, self._waiting = anyio.create_memory_object_stream[SessionMessage](PENDING_FAULTS)
        self._dropping = False
        # how many requests read under each id are still computed: a client may (wrongly) reuse an id in flight
        self._computing: Counter[str | int] = Counter()
        self._answer = anyio.Event()  # set at each answer sent, for `answered` to see the requests move on

    def expect(self, message: object) -> None:
        """Note a request read from the client as being computed; a `notifications/cancelled` withdraws the one it
        names, which the server never answers."""
        if isinstance(message, JSONRPCRequest):
            self._computing[message.id] += 1
        elif isinstance(message, JSONRPCNotification) and message.method == "notifications/cancelled":
            self._settle((message.params or {}).get("requestId"))

    def _settle(self, mid: object) -> None:
        if isinstance(mid, str | int) and self._computing[mid] > 0:
            self._computing[mid] -= 1
            if not self._computing[mid]:
                del self._computing[mid]
        self._answer.set()

    async def answered(self, seconds: float) -> None:
        """Wait until every request read has its answer sent (queued, or waiting for room in the queue: computed),
        as long as one comes every `seconds` at least, saying in the log how many are left unanswered past them. The
        wait is not `seconds` in all: a script piping a thousand searches has each computed in turn, in its own
        deadline, where a thousand answered in 30 s at most had the last ones cancelled."""
        while self._computing:
            self._answer = anyio.Event()
            with anyio.move_on_after(seconds) as waited:
                await self._answer.wait()
            if waited.cancelled_caught:
                break
        if self._computing:
            logger.warning("stdin closed: %d requests still computed, none answered for %g seconds, are cancelled",
                           self._computing.total(), seconds)

    async def send(self, item: SessionMessage) -> None:
        """Queue `item` (the SDK's own message: an answer, a notification), waiting for room."""
        if isinstance(item.message, JSONRPCResponse | JSONRPCError):
            self._settle(item.message.id)
        await self._queue.send(item)

    def offer(self, answer: SessionMessage) -> None:
        """Queue the answer to a malformed line, or drop it while `PENDING_FAULTS` messages wait (the client reads
        none), saying so in the log once until the queue is empty again."""
        try:
            self._queue.send_nowait(answer)
        except anyio.WouldBlock:
            if not self._dropping:
                logger.warning("malformed lines on stdin left unanswered: %d answers wait for the client to read "
                               "them", PENDING_FAULTS)
            self._dropping = True
        except anyio.ClosedResourceError:  # the server has stopped writing: there is no one to tell
            pass

    async def forward(self) -> None:
        """Write what is queued, in order, until the server has closed the outbox and all is written; then close
        `write`, which ends the SDK's writer of stdout."""
        try:
            async with self._waiting:
                async for item in self._waiting:
                    await self._write.send(item)
                    self._dropping = self._dropping and self._waiting.statistics().current_buffer_used > 0
        except (anyio.ClosedResourceError, anyio.BrokenResourceError):  # the connection ended: no one to tell
            pass
        finally:
            await self._write.aclose()

    async def aclose(self) -> None:
        self._queue.close()

    async def __aenter__(self) -> Outbox:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc_val: BaseException | None,
                        exc_tb: TracebackType | None) -> None:
        await self.aclose()


class AnsweredFaults:
    """The SDK's stdio read stream, each exception on it (a line it could not read) answered through `outbox` with
    `fault_error` instead of reaching the server, which would drop it; messages pass through. Its end (stdin's) is
    told the server once the requests read have their answers, for `patience` seconds at most: the SDK's server
    cancels the requests still computed when its stream ends, answering each "Connection closed", so that a client
    piping its requests and closing stdin (`printf ... | rag mcp`) lost the answers to its searches."""

    def __init__(self, read: Any, outbox: Outbox, patience: float = DRAIN_SECONDS) -> None:
        self._read = read
        self._outbox = outbox
        self._patience = patience

    @property
    def last_context(self) -> Any:
        """The sender's context of the last message, which the SDK's dispatcher reads from its stream."""
        return getattr(self._read, "last_context", None)

    async def receive(self) -> SessionMessage:
        """The next message; a line that was none is answered here, and the one after it read."""
        while True:
            try:
                item = await self._read.receive()
            except anyio.EndOfStream:
                await self._outbox.answered(self._patience)
                raise
            if not isinstance(item, Exception):
                self._outbox.expect(item.message)
                return item
            self._outbox.offer(SessionMessage(fault_error(item)))

    def __aiter__(self) -> AnsweredFaults:
        return self

    async def __anext__(self) -> SessionMessage:
        try:
            return await self.receive()
        except anyio.EndOfStream:  # stdin closed: as the SDK's own stream ends its iteration
            raise StopAsyncIteration from None

    async def aclose(self) -> None:
        await self._read.aclose()

    async def __aenter__(self) -> AnsweredFaults:
        await self._read.__aenter__()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc_val: BaseException | None,
                        exc_tb: TracebackType | None) -> bool | None:
        return await self._read.__aexit__(exc_type, exc_val, exc_tb)


class Wire:
    """The write stream of the process's stdout when it is a pipe (or a socket), in the SDK's framing (one JSON
    message a line): written on a duplicate of its file descriptor, non-blocking, so that a write waits for room on
    the event loop, where a cancellation or a deadline ends it. The descriptor's flags are restored on `close`."""

    def __init__(self, fd: int, finish: float = FINISH_SECONDS) -> None:
        self._fd = fd
        self._finish = finish
        self._blocking = os.get_blocking(fd)
        os.set_blocking(fd, False)  # the pipe's, shared by its other descriptors: fd 1 is diverted while serving

    @classmethod
    def of_stdout(cls) -> Wire | None:
        """A `Wire` on a duplicate of fd 1, taken before the SDK diverts fd 1 to stderr while it serves; None when
        stdout is no pipe or socket (a terminal, a file: those take what is written) or not fd 1 (in a test), when
        stderr is the same pipe (made non-blocking, the log's writes could fail), and on Windows (whose event loop
        cannot wait for a pipe)."""
        try:
            if sys.platform == "win32" or sys.stdout is None or sys.stdout.fileno() != 1:
                return None
            out = os.fstat(1)
        except (OSError, ValueError, AttributeError):  # io.UnsupportedOperation is an OSError and a ValueError
            return None
        if not (stat.S_ISFIFO(out.st_mode) or stat.S_ISSOCK(out.st_mode)) or _same_file(2, out):
            return None
        import fcntl  # POSIX only

        sys.stdout.flush()
        return cls(fcntl.fcntl(1, fcntl.F_DUPFD_CLOEXEC, 3))  # above 0-2, as the SDK's own duplicates

    async def send(self, item: SessionMessage) -> None:
        """Write `item`'s line, waiting while the pipe is full: cancellably until its first bytes are written, then
        shielded from a cancellation for `FINISH_SECONDS` more (after which a client that reads nothing gets the line
        cut, logged)."""
        line = (item.message.model_dump_json(by_alias=True, exclude_unset=True) + "\n").encode()
        data = memoryview(line)
        await anyio.lowlevel.checkpoint_if_cancelled()  # a message not begun when the deadline passed is dropped
        while len(data) == len(line):
            data = await self._write(data)
        with anyio.CancelScope(shield=True), anyio.move_on_after(self._finish):
            while data:
                data = await self._write(data)
        if data:
            logger.warning("an answer cut after %d of its %d bytes: the client read none of it for %s seconds",
                           len(line) - len(data), len(line), self._finish)

    async def _write(self, data: memoryview) -> memoryview:
        """What is left of `data` after one write, or after waiting for room when the pipe is full."""
        try:
            return data[os.write(self._fd, data):]
        except BlockingIOError:
            await anyio.wait_writable(self._fd)
            return data
        except (BrokenPipeError, ConnectionResetError):  # the client is gone: no one reads
            raise anyio.BrokenResourceError from None

    async def aclose(self) -> None:
        """Nothing to do: the descriptor is closed on leaving `stdio_streams`."""

    def close(self) -> None:
        with suppress(OSError):
            os.set_blocking(self._fd, self._blocking)
        os.close(self._fd)


def _same_file(fd: int, other: os.stat_result) -> bool:
    """Whether descriptor `fd` is open on the file (the pipe) `other` describes."""
    try:
        mine = os.fstat(fd)
    except OSError:
        return False
    return (mine.st_dev, mine.st_ino) == (other.st_dev, other.st_ino)


@asynccontextmanager
async def stdio_streams() -> AsyncIterator[tuple[Any, Any]]:
    """The SDK's stdio transport (which diverts fds 0 and 1 while it serves, so that stray output misses the
    protocol), its stdout written by a `Wire` when stdout is a pipe or a socket, else by the SDK's own writer."""
    wire = Wire.of_stdout()
    try:
        async with sdk_stdio.stdio_server() as (read, write):
            if wire is None:
                yield read, write
            else:
                async with write:  # never written on: closed, the SDK's writer of stdout ends
                    yield read, wire
    finally:
        if wire is not None:
            wire.close()


def patience(deadline: float) -> float:
    """How long the requests still computed at stdin's end may go without an answer: a search's deadline
    (RAG_REQUEST_DEADLINE_SECONDS, `deadline`), `ANSWER_SECONDS` when it has none (0)."""
    return deadline if deadline > 0 else ANSWER_SECONDS


@asynccontextmanager
async def answering_faults(read: Any, write: Any,
                           wait: float = DRAIN_SECONDS) -> AsyncIterator[tuple[AnsweredFaults, Outbox]]:
    """`read` as `AnsweredFaults` and `write` behind an `Outbox`, for the SDK's server to read and write while inside
    (it closes the outbox when it stops); at stdin's end, the requests read are computed and answered, while one is
    answered every `wait` seconds at least; on leaving, what waits in the outbox is written, for `DRAIN_SECONDS` at
    most (a client that reads nothing more would hold the server up)."""
    outbox = Outbox(write)
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(outbox.forward)
        try:
            yield AnsweredFaults(read, outbox, wait), outbox
        finally:
            await outbox.aclose()
            tasks.cancel_scope.deadline = anyio.current_time() + DRAIN_SECONDS


__all__ = ["ANSWER_SECONDS", "DRAIN_SECONDS", "FINISH_SECONDS", "PENDING_FAULTS", "AnsweredFaults", "Outbox", "Wire",
           "answered_id", "answering_faults", "fault_error", "patience", "stdio_streams"]
