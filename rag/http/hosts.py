"""Which `Host` and `Origin` a request may name: the defence against DNS rebinding and cross-site requests.

A server bound to a loopback address trusts that only this machine reaches it; a web page can break that trust by
DNS rebinding (its own name, resolved to 127.0.0.1: the browser then sends `Host: attacker.example`) or by
sending requests from its own origin. So, bound to loopback, every route answers only requests whose `Host` is a
loopback name, and refuses a browser's `Origin` that is neither such a name nor in `RAG_CORS_ORIGINS`. Bound
elsewhere (a container, behind a proxy), any host passes unless `RAG_ALLOWED_HOSTS` names them.

The probes and `/metrics` also answer a `Host` that is an IP address: Docker's health check, Kubernetes' probes and
Prometheus reach a replica by its address, not by the names a deployment lists, and DNS rebinding always sends a name.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Callable
from urllib.parse import urlsplit

from litestar import Request, Response
from litestar.enums import ScopeType
from litestar.exceptions import HTTPException, PermissionDeniedException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, HTTPResponseBodyEvent, HTTPResponseStartEvent, Receive, Scope, Send

from rag.http.problems import MEDIA_TYPE, problem_body, said
from rag.http.refusals import TALLIES
from rag.settings import Settings

LOOPBACK = ("127.0.0.1", "localhost", "::1")
# The routes machines reach a replica at by its address (open without keys too): an IP address as Host passes there.
PROBED = ("/healthz", "/readyz", "/metrics")


def allowed_hosts(settings: Settings) -> tuple[str, ...] | None:
    """The host names requests may name (lower case, IPv6 without brackets; `*.x` for any name under x), or None
    for any."""
    if settings.allowed_hosts:
        return None if "*" in settings.allowed_hosts else tuple(h.lower().strip("[]") for h in settings.allowed_hosts)
    return LOOPBACK if settings.host in LOOPBACK else None


def _name(host: str) -> str:
    """The host name of a `Host` value or a URL's netloc, without port and brackets, in lower case."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def host_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    name = _name(host)
    return any(name == entry or (entry.startswith("*.") and name.endswith(entry[1:])) for entry in allowed)


def is_address(host: str) -> bool:
    """Whether a `Host` value names an IP address (v4, or v6 in brackets), not a host name."""
    try:
        ipaddress.ip_address(_name(host))
    except ValueError:
        return False
    return True


def origin_allowed(origin: str, allowed: tuple[str, ...], cors_origins: list[str]) -> bool:
    if origin in cors_origins:
        return True
    try:
        parts = urlsplit(origin)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and host_allowed(parts.netloc, allowed)


def host_fault(host: str) -> str | None:
    """What makes a `Host` value no `host[:port]` (RFC 9112 3.2: an IPv6 address in brackets, a port of digits), or
    None: such a value made every route answer a 500 (the request's URL could not be read), logged twice."""
    try:
        urlsplit(f"//{host}").port  # noqa: B018  # raises on a port that is no number ("fe80::1", "a:b", "x:80:90")
    except ValueError:
        return "is not host[:port] (an IPv6 address goes in brackets, [fe80::1]; a port is digits)"
    return None  # other characters no host name has ("a/b"): Litestar's own 400, worded by `rag.http.problems`


class HostSyntaxMiddleware(ASGIMiddleware):
    """Refuses a request whose `Host` is no `host[:port]` with a 400 (RFC 9112 3.2), before anything reads its URL;
    counted as a malformed request (`rag_refusals_total{reason="malformed"}`)."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        host = next((value for name, value in scope["headers"] if name == b"host"), b"").decode("latin-1")
        fault = host_fault(host)
        if fault is None:
            await next_app(scope, receive, send)
            return
        TALLIES["malformed"].add(scope.get("client"))
        shown = host if len(host) <= 100 else host[:100] + "..."
        body = json.dumps(problem_body(400, f"the Host header {shown!r} {fault}", scope.get("path", ""))).encode()
        start: HTTPResponseStartEvent = {
            "type": "http.response.start", "status": 400,
            "headers": [(b"content-type", MEDIA_TYPE.encode()), (b"content-length", str(len(body)).encode())]}
        end: HTTPResponseBodyEvent = {"type": "http.response.body", "body": body, "more_body": False}
        await send(start)
        await send(end)


class HostCheckMiddleware(ASGIMiddleware):
    """Refuses, on every route, a `Host` not allowed (421) and a browser `Origin` not allowed (403).

    The refusal is answered here, by the app's error handler `answer`, not raised past the middleware outside it:
    the request metrics count it with its status."""

    scopes = (ScopeType.HTTP,)

    def __init__(self, allowed: tuple[str, ...], cors_origins: list[str],
                 answer: Callable[[Request, Exception], Response]) -> None:
        self.allowed = allowed
        self.cors_origins = cors_origins
        self.answer = answer

    def refusal(self, scope: Scope) -> HTTPException | None:
        headers = dict(scope["headers"])
        named = sum(name == b"host" for name, _ in scope["headers"])
        if named > 1:  # RFC 9112 3.2: a 400; which one would a proxy have checked?
            return said(400, f"the request has {named} Host headers: send one")
        host = headers.get(b"host", b"").decode("latin-1")
        if not host_allowed(host, self.allowed) and not (scope["path"] in PROBED and is_address(host)):
            shown = host if len(host) <= 100 else host[:100] + "..."
            # HTTP/1.0 lets a client leave Host out (`nc`, old scripts): "host ''" named nothing it had sent
            refused = "the request has no Host header: send one naming this server" if named == 0 else \
                f"this server does not answer for host {shown!r}"
            return HTTPException(status_code=421, detail=f"{refused}: it answers for " + ", ".join(self.allowed) +
                                                         " (RAG_ALLOWED_HOSTS)")
        origin = headers.get(b"origin")
        if origin is not None and not origin_allowed(origin.decode("latin-1"), self.allowed, self.cors_origins):
            return PermissionDeniedException("requests from web pages of another origin are refused: list the "
                                             "origin in RAG_CORS_ORIGINS to allow it")
        return None

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        refused = self.refusal(scope)
        if refused is None:
            await next_app(scope, receive, send)
            return
        request: Request = Request(scope, receive)
        handler = scope.get("route_handler")  # its encoders know the pydantic bodies, as Litestar's own answer does
        encoders = handler.resolve_type_encoders() if handler else scope["litestar_app"].type_encoders
        response = self.answer(request, refused).to_asgi_response(app=None, request=request, type_encoders=encoders)
        await response(scope, receive, send)


__all__ = ["LOOPBACK", "PROBED", "HostCheckMiddleware", "HostSyntaxMiddleware", "allowed_hosts", "host_allowed",
           "host_fault", "is_address", "origin_allowed"]
