"""Where `rag serve` listens: its address bound before uvicorn runs, so that one it cannot listen on (a port in use, a
host that is not this machine's) is a `ConfigError` naming it and what to change, not uvicorn's own exit (3); and how
it starts there (`Server`, `StartUp`): saying where it listens, keeping the error that stopped the app's start-up."""

from __future__ import annotations

import errno
import logging
import socket
from typing import Any

import uvicorn

from rag.errors import ConfigError
from rag.settings import Settings

log = logging.getLogger("rag.server")


def listen(settings: Settings) -> list[socket.socket]:
    """Sockets bound to `RAG_HOST`:`RAG_PORT`, one per address the host resolves to, as asyncio binds them (not
    listening yet: a connection is refused until `serve` runs): an address of a family this machine lacks (IPv6
    turned off, `::1` not assigned in a container) is left out, as asyncio leaves it, and an empty host means every
    interface. Raises `ConfigError` naming the address and why when none can be bound."""
    host, port = settings.host, settings.port
    try:
        addresses = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except OSError as exc:  # socket.gaierror
        raise ConfigError(f"cannot listen on {host}:{port}: {host!r} is not an address nor a known host name "
                          f"({exc.strerror}); set RAG_HOST (--host) to one, e.g. 127.0.0.1") from None
    sockets: list[socket.socket] = []
    missing: OSError | None = None  # why an address was left out, said if none is bound
    distinct = list(dict.fromkeys(addresses))
    try:
        for family, kind, proto, _, address in distinct:
            try:
                sock = socket.socket(family, kind, proto)
            except OSError as exc:  # a family this machine does not have
                missing = exc
                continue
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a port left in TIME_WAIT is free
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)  # the host's IPv4 address has its own
            try:
                sock.bind(address)
            except OSError as exc:
                if exc.errno != errno.EADDRNOTAVAIL or len(distinct) == 1:
                    raise
                sockets.pop().close()  # the address's family is not enabled here (asyncio: bpo-30945)
                missing = exc
        if not sockets:
            raise missing or OSError(errno.EADDRNOTAVAIL, "no address to bind")
    except OSError as exc:
        for sock in sockets:
            sock.close()
        raise ConfigError(f"cannot listen on {host}:{port}: {_why(exc, host, port)}") from None
    return sockets


def _why(exc: OSError, host: str, port: int) -> str:
    if exc.errno == errno.EADDRINUSE:
        return f"port {port} is in use (another process listens on it); set RAG_PORT (--port) to a free one"
    if exc.errno == errno.EADDRNOTAVAIL:
        return (f"{host} is not an address of this machine; set RAG_HOST (--host) to one of its addresses, "
                "127.0.0.1 or 0.0.0.0 (all)")
    if exc.errno == errno.EACCES:
        return "permission denied (a port below 1024 needs privileges); set RAG_PORT (--port) to another"
    return f"{exc.strerror or exc}; check RAG_HOST (--host) and RAG_PORT (--port)"


class StartUp:
    """`app`, keeping the exception its start-up (the ASGI lifespan) raised: uvicorn logs it and exits with its
    own code, where `serve` (`rag.http.server`) raises it, for the CLI's exit code of its kind."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.failure: BaseException | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "lifespan":  # a request: nothing to keep
            return await self.app(scope, receive, send)
        try:
            await self.app(scope, receive, send)
        except BaseException as exc:
            failure = exc
            while isinstance(failure, BaseExceptionGroup) and len(failure.exceptions) == 1:
                failure = failure.exceptions[0]  # Litestar starts the lifespan in a task group
            self.failure = failure
            raise


class Server(uvicorn.Server):
    """uvicorn's server, saying where it listens once started: uvicorn says so only on the sockets it binds."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        for sock in sockets or []:
            host, port = sock.getsockname()[:2]
            log.info("listening on http://%s:%d", f"[{host}]" if sock.family == socket.AF_INET6 else host, port)


__all__ = ["Server", "StartUp", "listen"]
