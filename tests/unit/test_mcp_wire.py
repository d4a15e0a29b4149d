"""`rag.mcp.stdio.Wire`, the writer of `rag mcp`'s stdout: a deadline ends a write to a pipe nobody reads (the SDK's
writer, blocked in a thread, held the process's exit for ever), and a reader gets every byte."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import anyio
import mcp_types
import pytest
from mcp.shared.message import SessionMessage

from rag.mcp.stdio import Wire


def _message(mid: int, size: int) -> SessionMessage:
    return SessionMessage(mcp_types.jsonrpc_message_adapter.validate_python(
        {"jsonrpc": "2.0", "id": mid, "result": {"text": "é" * size}}))


def _in_thread(main, seconds: float) -> None:
    """Run `main` in a thread of its own, failing if it has not ended within `seconds` (a write blocked in the
    kernel would hold pytest too)."""
    failed: list[BaseException] = []

    def run() -> None:
        try:
            anyio.run(main)
        except BaseException as exc:  # reported to the test's thread
            failed.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "the write blocked"
    if failed:
        raise failed[0]


def test_a_deadline_ends_a_write_to_a_full_pipe():
    read, write = os.pipe()
    wire = Wire(write, finish=0.5)
    try:
        async def main() -> None:
            with anyio.move_on_after(0.5):
                await wire.send(_message(1, 200_000))  # some 400 KB: several times a pipe's buffer

        _in_thread(main, 60)
    finally:
        wire.close()
        os.close(read)


def test_a_deadline_never_cuts_a_message_begun():
    """A deadline passing while a message is half written lets it finish (a cut line is a JSON the client cannot
    parse) and drops the messages not begun. The deadline is the reader's first bytes, not a timer: 50 ms after the
    block began, a loaded machine had not always begun the first message (none written), nor could the reader's
    pace be relied on to leave the fifth unbegun."""
    read, write = os.pipe()
    wire = Wire(write)
    received = bytearray()
    begun, cancelled = threading.Event(), threading.Event()

    def drain() -> None:  # reads the first bytes, then nothing until the deadline has passed, then all
        received.extend(os.read(read, 4096))
        begun.set()
        cancelled.wait(60)
        while chunk := os.read(read, 65536):
            received.extend(chunk)
        os.close(read)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    messages = [_message(mid, 400_000) for mid in range(5)]  # some 800 KB each: many times a pipe's buffer

    async def main() -> None:
        async def deadline(scope: anyio.CancelScope) -> None:
            await anyio.to_thread.run_sync(begun.wait, 60)
            scope.cancel()  # the first message half written: the pipe full, the reader waiting
            cancelled.set()

        async with anyio.create_task_group() as tasks:
            with anyio.CancelScope() as scope:
                tasks.start_soon(deadline, scope)
                for message in messages:
                    await wire.send(message)

    try:
        _in_thread(main, 60)
    finally:
        cancelled.set()
        wire.close()
    reader.join(60)
    assert begun.is_set() and received.endswith(b"\n")
    lines = received.decode().splitlines()
    assert lines == [messages[0].message.model_dump_json(by_alias=True, exclude_unset=True)]  # whole; none after it


@pytest.mark.parametrize(("stderr", "wired"), [(subprocess.STDOUT, False), (subprocess.DEVNULL, True)])
def test_no_wire_when_stderr_is_stdout_s_pipe(stderr, wired):
    """`rag mcp 2>&1 | client`: the pipe made non-blocking would be stderr's too, whose writes could then fail."""
    code = "from rag.mcp.stdio import Wire; print(Wire.of_stdout() is not None)"
    shown = subprocess.run([sys.executable, "-c", code],
                           stdout=subprocess.PIPE, stderr=stderr, check=True, timeout=60, text=True)
    assert shown.stdout.split()[-1] == str(wired)


def test_close_restores_the_pipe_s_blocking_mode():
    read, write = os.pipe()
    other = os.dup(write)  # the same pipe, as fd 1 once the SDK gives it back
    try:
        Wire(write).close()
        assert os.get_blocking(other)
    finally:
        os.close(other)
        os.close(read)


def test_a_reader_gets_every_message_whole_and_in_order():
    read, write = os.pipe()
    wire = Wire(write)
    received = bytearray()

    def drain() -> None:
        with os.fdopen(read, "rb") as stream:
            received.extend(stream.read())

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()

    async def main() -> None:
        for mid in range(20):
            await wire.send(_message(mid, 30_000 * (mid % 3)))

    try:
        _in_thread(main, 30)
    finally:
        wire.close()
    reader.join(60)
    lines = received.decode().splitlines()
    assert lines == [_message(mid, 30_000 * (mid % 3)).message.model_dump_json(by_alias=True, exclude_unset=True)
                     for mid in range(20)]


def test_a_write_to_a_pipe_whose_reader_is_gone_is_a_broken_stream():
    read, write = os.pipe()
    os.close(read)
    wire = Wire(write)

    async def main() -> None:
        await wire.send(_message(1, 10))

    try:
        with pytest.raises(anyio.BrokenResourceError):
            _in_thread(main, 60)
    finally:
        wire.close()
