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


class Socket(Recorded):
    """A connection's transport, enough for the server's httptools protocol."""

    def abort(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str, default: object = None) -> object:
        return {"peername": ("127.0.0.1", 5555), "sockname": ("127.0.0.1", 80)}.get(name, default)

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


def test_a_head_request_s_answer_goes_out_before_a_refusal_read_in_the_same_turn() -> None:
    """uvicorn writes no body for a HEAD request: its head was held to the loop's next turn, and the client's next
    bytes read in the same turn, refused (a 400 written on the transport itself, which then closes), went out in its
    place: the HEAD's answer was lost. Its response's end now sends what is held."""
    import uvicorn
    from uvicorn.server import ServerState

    from rag.http import server
    from rag.settings import Settings

    async def main() -> list[bytes]:
        loop = asyncio.get_running_loop()
        socket, connection = Socket(), {}

        async def app(scope: dict, receive: object, send: object) -> None:
            # the next request's bytes arrive in the turn that answers this one (a pipelining client)
            loop.call_soon(connection["protocol"].data_received, b"BAD\x01 / HTTP/1.1\r\n\r\n")
            await send({"type": "http.response.start", "status": 200,  # type: ignore[operator]
                        "headers": [(b"content-length", b"2")]})
            await send({"type": "http.response.body", "body": b"{}"})  # type: ignore[operator]

        config = uvicorn.Config(app, http="httptools", lifespan="off", access_log=False)
        config.load()
        protocol = server.protocol(Settings())(config, ServerState(), {}, loop)  # type: ignore[call-arg]
        connection["protocol"] = protocol
        protocol.connection_made(socket)  # type: ignore[arg-type]
        protocol.data_received(b"HEAD / HTTP/1.1\r\nhost: x\r\n\r\n")  # type: ignore[attr-defined]
        for _ in range(5):
            await asyncio.sleep(0)
        return socket.writes

    writes = asyncio.run(main())
    assert writes[0] == b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n", writes
    assert writes[1].startswith(b"HTTP/1.1 400 "), writes
