"""`rag serve`'s start-up failures: an address it cannot listen on, an app that fails to start. Each leaves as the
project's own error, with its exit code, never as uvicorn's exit (3, which `rag` gives ingest failures)."""

from __future__ import annotations

import resource
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from litestar import Litestar

from rag import cli
from rag.errors import ConfigError, IndexMismatch
from rag.http import open_files, server
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


class Limits:
    """`resource` as `rag.http.open_files` uses it, with a soft and a hard open-file limit of its own; `setrlimit`
    refuses a soft limit above `settable`, as macOS does above kern.maxfilesperproc."""

    RLIMIT_NOFILE, RLIM_INFINITY = resource.RLIMIT_NOFILE, resource.RLIM_INFINITY

    def __init__(self, soft: int, hard: int, settable: int | None = None) -> None:
        self.soft, self.hard, self.settable = soft, hard, settable

    def getrlimit(self, which: int) -> tuple[int, int]:
        return self.soft, self.hard

    def setrlimit(self, which: int, limits: tuple[int, int]) -> None:
        if self.settable is not None and limits[0] > self.settable:
            raise ValueError("current limit exceeds maximum limit")
        self.soft, self.hard = limits


@pytest.mark.parametrize(("limits", "soft", "warned"), [
    (Limits(1024, 4096), 1024, False),  # enough already: unchanged
    (Limits(100, 4096), 512 + open_files.MARGIN, False),  # raised to what is needed, not to the hard limit
    (Limits(100, 300), 300, True),  # raised as far as the hard limit goes, and said
    (Limits(100, resource.RLIM_INFINITY, settable=256), 100, True),  # the system refused any more
])
def test_serve_raises_the_open_file_limit_to_what_max_connections_needs_else_warns(
        tmp_path: Path, monkeypatch, caplog, limits: Limits, soft: int, warned: bool):
    monkeypatch.setattr(open_files, "resource", limits)
    settings = Settings(index_dir=tmp_path, max_connections=512)
    # serve stops at listening, after the limit: no app runs
    with socket.create_server(("127.0.0.1", 0)) as taken, pytest.raises(ConfigError, match="is in use"):
        server.serve(None, settings.model_copy(update={"port": taken.getsockname()[1]}))
    assert limits.soft == soft
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    hard = "unlimited" if limits.hard == resource.RLIM_INFINITY else limits.hard
    assert warnings == ([f"the open-file limit (ulimit -n) is {soft}, under the 576 that RAG_MAX_CONNECTIONS=512 "
                         f"needs ({open_files.MARGIN} more for index files, sockets and logs), and the hard limit "
                         f"({hard}) allows no more: past about {soft - 64} connections new ones are dropped without "
                         "the 503; raise the limit (`ulimit -n`, systemd's LimitNOFILE, `docker run --ulimit "
                         "nofile=`) or lower RAG_MAX_CONNECTIONS"] if warned else [])
