"""`rag.mcp_stdio.Wire`, the writer of `rag mcp`'s stdout: a deadline ends a write to a pipe nobody reads (the SDK's
writer, blocked in a thread, held the process's exit for ever), and a reader gets every byte."""

from __future__ import annotations

import os
import threading

import anyio
import mcp_types
import pytest
from mcp.shared.message import SessionMessage

from rag.mcp_stdio import Wire


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
    wire = Wire(write)
    try:
        async def main() -> None:
            with anyio.fail_after(0.5):
                await wire.send(_message(1, 200_000))  # some 400 KB: several times a pipe's buffer

        with pytest.raises(TimeoutError):
            _in_thread(main, 10)
    finally:
        wire.close()
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
    reader.join(10)
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
            _in_thread(main, 10)
    finally:
        wire.close()
