"""`rag serve`'s HTTP protocol under hostile connections: a real uvicorn on a loopback port, the app without an
index (no model), raw sockets for what no HTTP client would send."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from rag import server
from rag.api import create_app
from rag.settings import Settings
from tests.serving import uvicorn_thread

PARSERS = [server.DEFAULT_PROTOCOL, server.H11Protocol]


@contextmanager
def serving(settings: Settings, base: type) -> Iterator[tuple[str, int]]:
    """`rag serve`'s uvicorn configuration, on `base`'s parser, on a free loopback port."""
    settings = settings.model_copy(update={"port": 0, "log_level": "warning"})
    with uvicorn_thread(server.config(create_app(settings), settings, base)) as port:
        yield "127.0.0.1", port


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(corpus_dir=tmp_path, index_dir=tmp_path, reload_poll_seconds=0, max_header_bytes=16_384)


def _answer(sock: socket.socket, timeout: float = 5.0) -> bytes:
    """Everything the server sends until it closes the connection (or `timeout` passes without a byte)."""
    sock.settimeout(timeout)
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except TimeoutError:
        return received + b"<timed out: still open>"
    except ConnectionResetError:
        pass
    return received


@pytest.mark.parametrize("base", PARSERS, ids=lambda b: b.__name__)
@pytest.mark.parametrize("shape", ["one long header", "many headers", "long url"])
def test_a_request_head_over_the_limit_is_refused_and_the_connection_closed(settings, base, shape):
    """Sent in pieces, as an attacker would, 2 MB in all: refused once past 16 KiB, not buffered to the end."""
    with serving(settings, base) as address, socket.create_connection(address) as sock:
        start = b"GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\n"
        prefix, piece = {"long url": (b"GET /healthz?", b"a" * 65_536),
                         "one long header": (start + b"x-big: ", b"a" * 65_536),
                         "many headers": (start, b"x-h: v\r\n" * 8192)}[shape]
        sock.sendall(prefix)
        sent = 0
        try:
            while sent < 2_000_000:
                sock.sendall(piece)
                sent += len(piece)
        except (BrokenPipeError, ConnectionResetError):
            pass  # closed on us: what is expected
        answer = _answer(sock)
    status = answer.split(b"\r\n", 1)[0]
    assert status.startswith((b"HTTP/1.1 431", b"HTTP/1.1 400")), answer[:200]
    assert b"still open" not in answer


@pytest.mark.parametrize("base", PARSERS, ids=lambda b: b.__name__)
def test_heads_under_the_limit_and_bodies_of_any_size_still_pass(settings, base):
    body = b'{"question": "' + b"a" * 200_000 + b'"}'  # over the 16 KiB head limit, under the body limit
    with serving(settings, base) as address, socket.create_connection(address) as sock:
        head = (b"POST /v1/search HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
                b"x-pad: " + b"p" * 12_000 + b"\r\ncontent-length: " + str(len(body)).encode() + b"\r\n\r\n")
        sock.sendall(head + body)  # one write: the head's end and the body in the same reads
        sock.sendall(b"GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n")
        answer = _answer(sock)
    assert answer.startswith(b"HTTP/1.1 503"), answer[:300]  # no index: read, parsed and answered by the app
    assert answer.count(b"HTTP/1.1 200") == 1  # then the pipelined healthz: the body was read to its end
