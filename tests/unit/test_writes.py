"""A response's head held for its body's first write (`rag.http.writes.HeadWithBody`)."""

from __future__ import annotations

import asyncio

from rag.http.writes import HeadWithBody

HEAD = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n"


class Recorded:
    """A transport that records its writes."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_write_buffer_size(self) -> int:
        return 7


def test_a_head_goes_out_with_its_body_in_one_write() -> None:
    async def main() -> list[bytes]:
        recorded = Recorded()
        transport = HeadWithBody(recorded, asyncio.get_running_loop())  # type: ignore[arg-type]
        transport.write(HEAD)
        assert recorded.writes == []
        transport.write(b"{}")
        await asyncio.sleep(0)  # the loop's next turn sends nothing more
        return recorded.writes

    assert asyncio.run(main()) == [HEAD + b"{}"]


def test_a_head_without_a_body_within_the_turn_is_sent_on_the_next() -> None:
    async def main() -> list[bytes]:
        recorded = Recorded()
        transport = HeadWithBody(recorded, asyncio.get_running_loop())  # type: ignore[arg-type]
        transport.write(HEAD)
        await asyncio.sleep(0)
        transport.write(b"{}")  # a streamed body, later
        return recorded.writes

    assert asyncio.run(main()) == [HEAD, b"{}"]


def test_other_writes_pass_and_close_sends_what_is_held() -> None:
    async def main() -> Recorded:
        recorded = Recorded()
        transport = HeadWithBody(recorded, asyncio.get_running_loop())  # type: ignore[arg-type]
        transport.write(b"0\r\n\r\n")  # not a status line: written at once
        assert transport.get_write_buffer_size() == 7  # the rest is the transport's own
        transport.write(HEAD)
        transport.close()
        await asyncio.sleep(0)
        return recorded

    recorded = asyncio.run(main())
    assert recorded.writes == [b"0\r\n\r\n", HEAD]
    assert recorded.closed


def test_a_held_head_is_dropped_on_a_closing_transport() -> None:
    async def main() -> list[bytes]:
        recorded = Recorded()
        transport = HeadWithBody(recorded, asyncio.get_running_loop())  # type: ignore[arg-type]
        transport.write(HEAD)
        recorded.closed = True  # the connection refused or lost meanwhile
        await asyncio.sleep(0)
        return recorded.writes

    assert asyncio.run(main()) == []
