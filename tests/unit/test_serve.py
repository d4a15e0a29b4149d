"""`rag serve`'s start-up failures: an address it cannot listen on, an app that fails to start. Each leaves as the
project's own error, with its exit code, never as uvicorn's exit (3, which `rag` gives ingest failures)."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from litestar import Litestar

from rag import cli
from rag.errors import ConfigError, IndexMismatch
from rag.http import server
from rag.settings import Settings


def test_a_port_in_use_stops_serve_with_a_config_error_naming_it(tmp_path: Path, capsys):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        # no index and the watch on: serve goes as far as listening
        assert cli.main(["serve", "--index", str(tmp_path), "--host", "127.0.0.1", "--port", str(port)]) == 6
    err = capsys.readouterr().err
    assert f"rag: error: cannot listen on 127.0.0.1:{port}: port {port} is in use" in err and "RAG_PORT" in err


def test_a_host_that_is_not_this_machines_is_a_config_error_naming_it(tmp_path: Path):
    settings = Settings(index_dir=tmp_path, host="192.0.2.1")  # TEST-NET-1: never a local address
    with pytest.raises(ConfigError, match=r"cannot listen on 192\.0\.2\.1:8000: 192\.0\.2\.1 is not an address of "
                                          r"this machine; set RAG_HOST"):
        server.listen(settings)


def test_listen_binds_without_accepting_yet(tmp_path: Path):
    (sock,) = server.listen(Settings(index_dir=tmp_path).model_copy(update={"port": 0}))
    with sock, pytest.raises(ConnectionRefusedError):
        socket.create_connection(sock.getsockname(), timeout=5)


def test_an_address_of_a_family_this_machine_lacks_is_left_out_as_asyncio_leaves_it(tmp_path: Path, monkeypatch):
    """"localhost" resolves to ::1 and 127.0.0.1; with IPv6 turned off (no such socket) or ::1 not assigned, the
    server listens on 127.0.0.1 as uvicorn did, not refuses to start."""
    real = socket.socket
    listed = [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("::1", 0, 0, 0)),
              (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 0))]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *_, **__: listed)
    settings = Settings(index_dir=tmp_path, host="localhost").model_copy(update={"port": 0})

    def no_ipv6(family: int = socket.AF_INET, *args: object) -> socket.socket:
        if family == socket.AF_INET6:
            raise OSError(97, "Address family not supported by protocol")
        return real(family, *args)

    for lacking in ("no IPv6", "::1 not assigned"):
        if lacking == "no IPv6":
            monkeypatch.setattr(socket, "socket", no_ipv6)
        else:
            monkeypatch.setattr(socket, "socket", real)
            listed[0] = (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("::2", 0, 0, 0))  # not this machine's
        (sock,) = server.listen(settings)
        with sock:
            assert sock.family == socket.AF_INET and sock.getsockname()[0] == "127.0.0.1"


def test_an_app_that_fails_to_start_raises_its_own_error(tmp_path: Path):
    @asynccontextmanager
    async def broken(_: Litestar) -> AsyncIterator[None]:
        raise IndexMismatch("the index was built with another model")
        yield

    settings = Settings(index_dir=tmp_path, log_level="error").model_copy(update={"port": 0})
    with pytest.raises(IndexMismatch, match="another model"):  # `rag serve` then exits 4, as for a load failure
        server.serve(Litestar(lifespan=[broken]), settings)
