"""Helpers for tests that serve an index while it changes: the questions asked, the corpus change that makes a new
build, `rag serve` in a subprocess (optionally on a read-only view of the index folder) and a round-robin proxy."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from rag.settings import Settings
from tests.helpers.paths import ROOT

HOST = "127.0.0.1"
# seconds: a request to a server of the test's own, a hang guard (httpx's default, 5 s, is a pause a loaded machine
# can make while a model answers)
HTTP_TIMEOUT = 60
QUESTIONS = [
    "Quels documents d’identité acceptez-vous ?",
    "Quelles sont les valeurs de l'équipe sécurité ?",
    "Comment fonctionne le remboursement d'une commande ?",
    "Quels horaires pour le service des colis express ?",
    "loi Châtel renouvellement abonnement",
]
# a document only the new build has; the new build also loses one of the two seed documents
NEW_DOC = """# Colis express
Le service des colis express livre en 24 heures, du lundi au samedi, de 8 h à 20 h.
Les colis express de plus de 30 kg ne sont pas acceptés.
"""
NEW_SOURCE = "colis-express.md"


def next_corpus(settings: Settings) -> None:
    """Change the corpus so that the next ingest publishes a build with passages the current one lacks, and
    without some it has."""
    (settings.corpus_dir / "secu-debi-plateforme.txt").unlink()
    (settings.corpus_dir / NEW_SOURCE).write_text(NEW_DOC, encoding="utf-8")


@contextlib.contextmanager
def uvicorn_thread(config: uvicorn.Config) -> Iterator[int]:
    """uvicorn run with `config` in a thread of this process (real HTTP, real concurrency); yields its port (give
    port 0 for a free one)."""
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield server.servers[0].sockets[0].getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextlib.contextmanager
def keyed_server(searcher: Any, settings: Settings, key: str | None, **overrides: Any) -> Iterator[str]:
    """The base URL of the app over `searcher`, served by uvicorn on a free loopback port, `/v1/*` and `/mcp`
    behind `key` (None: no key), with other settings in `overrides`."""
    from rag.http.app import create_app

    keyed = Settings(corpus_dir=settings.corpus_dir, index_dir=settings.index_dir, api_keys=[key] if key else [],
                     **overrides)
    with uvicorn_thread(uvicorn.Config(create_app(keyed, searcher=searcher), host="127.0.0.1", port=0,
                                       log_level="warning", lifespan="on")) as port:
        yield f"http://127.0.0.1:{port}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _read_only_prefix(folder: Path) -> list[str]:
    """A command prefix that runs the rest in a private mount namespace where `folder` is mounted read-only (the
    view a Kubernetes pod has of a volume mounted `readOnly: true`); other processes still see it writable."""
    script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" && exec "$@"'
    return ["unshare", "--mount", "--map-root-user", "sh", "-c", script, str(folder)]


@cache
def read_only_mounts() -> bool:
    """Whether this machine lets an unprivileged process mount a folder read-only in its own namespace (Linux with
    user namespaces, and `unshare` installed), checked by trying it: a write there must fail."""
    if shutil.which("unshare") is None:
        return False
    with tempfile.TemporaryDirectory() as scratch:
        probe = [*_read_only_prefix(Path(scratch)), "sh", "-c", 'touch "$0/probe" 2>/dev/null', scratch]
        result = subprocess.run(probe, capture_output=True, timeout=30)
        return result.returncode == 1 and not (Path(scratch) / "probe").exists()


class Server:
    """`python -m rag serve` of this checkout on a free loopback port, over `index_dir`, seen read-only when
    `read_only` (see `read_only_mounts`). `env` adds RAG_* settings."""

    def __init__(self, index_dir: Path, *, read_only: bool = False, env: dict[str, str] | None = None) -> None:
        self.index_dir, self.read_only, self.env = index_dir, read_only, env
        self._start()

    def _start(self) -> None:
        """Start the server on a port free now; the server binds it a moment later, when another process may have
        taken it (`ready` then starts it again on another)."""
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        command = [sys.executable, "-m", "rag", "serve", "--index", str(self.index_dir), "--host", HOST,
                   "--port", str(self.port)]
        if self.read_only:
            command = [*_read_only_prefix(self.index_dir), *command]
        # unshare and sh exec the server: the process started is the server itself
        self.process = subprocess.Popen(
            command, env={**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", **(self.env or {})},
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    async def ready(self, timeout: float = 300) -> None:
        """Wait for `/readyz` to answer 200. Raises `AssertionError` with the server's log if it exits or times out
        (the timeout a hang guard: a model loaded in a new process on a loaded machine)."""
        deadline, starts = time.monotonic() + timeout, 1
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = self.log()
                # the port, free when picked, was taken before the server bound it: another one (exit 6: config)
                if self.process.returncode == 6 and f"port {self.port} is in use" in log and starts < 5:
                    self._start()
                    starts += 1
                    continue
                raise AssertionError(f"rag serve exited with {self.process.returncode}: {log}")
            try:
                async with httpx.AsyncClient(base_url=self.url, timeout=5) as client:
                    if (await client.get("/readyz")).status_code == 200:
                        return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
        raise AssertionError(f"rag serve not ready after {timeout} s")

    def mount_options(self, folder: Path) -> set[str]:
        """The mount options under which the server sees `folder`, if it is a mount point in its namespace."""
        for line in Path(f"/proc/{self.process.pid}/mountinfo").read_text().splitlines():
            fields = line.split()
            if fields[4] == str(folder):
                return set(fields[5].split(","))
        return set()

    def log(self) -> str:
        return self.process.stderr.read()[-4000:] if self.process.stderr else ""

    def stop(self) -> None:
        """Ask the server to stop (SIGTERM), then, after 30 s, make it."""
        self.process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=30)
        self.process.kill()  # nothing if it has exited
        self.process.wait()
        if self.process.stderr:
            self.process.stderr.close()


class Proxy:
    """A TCP proxy on a free loopback port that hands each new connection to the next backend in turn.

    Requests made without keep-alive are thus spread one by one. `routed` maps the `X-Request-ID` of each request
    to the index of the backend that got it (read from the request's first bytes; None if not found there)."""

    REQUEST_ID = re.compile(rb"\r\nx-request-id: *([^\r\n]+)", re.IGNORECASE)

    def __init__(self, backends: list[int]) -> None:
        self.backends = backends
        self.port = 0  # and `url`: known once it listens
        self.url = ""
        self.routed: dict[str | None, int] = {}
        self.connections: Counter[int] = Counter()
        self._turn = 0
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> Proxy:
        # bound to a port the system picks as it binds (one picked before, then bound, may be taken meanwhile)
        self._server = await asyncio.start_server(self._handle, HOST, 0)
        self.port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://{HOST}:{self.port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _handle(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        backend = self._turn % len(self.backends)
        self._turn += 1
        self.connections[backend] += 1
        try:
            reader, writer = await asyncio.open_connection(HOST, self.backends[backend])
        except OSError:
            client_writer.close()
            return
        first = await client_reader.read(65536)
        found = self.REQUEST_ID.search(first)
        self.routed[found.group(1).decode() if found else None] = backend
        writer.write(first)
        await asyncio.gather(self._pipe(client_reader, writer), self._pipe(reader, client_writer))

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()
