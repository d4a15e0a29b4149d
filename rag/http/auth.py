"""Who may call the API: optional Bearer keys for `/v1/*`, admin keys for admin routes; and who is calling
(`ClientMiddleware`: the client whose turn and share of the search queue a request takes).

Keys are compared as SHA-256 digests with `hmac.compare_digest`, against every configured key without stopping
at the first match: the time taken says nothing about how close a guess was, nor which key matched, nor how long
the keys are. Keys never appear in messages, logs or the settings' repr.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from rag.http.proxies import address_group
from rag.logs import bearer_digest
from rag.serving.runtime import CLIENT
from rag.settings import Settings


class KeyRing:
    """A set of secret keys that can only be asked whether it admits a token."""

    def __init__(self, keys: tuple[str, ...]) -> None:
        self._digests = [hashlib.sha256(key.encode()).digest() for key in keys]

    def __len__(self) -> int:
        return len(self._digests)

    def admits(self, token: str) -> bool:
        digest = hashlib.sha256(token.encode("utf-8", "surrogateescape")).digest()
        matched = False
        for known in self._digests:
            matched |= hmac.compare_digest(digest, known)
        return matched

    def __repr__(self) -> str:
        return f"KeyRing({len(self)} keys)"


@dataclass(frozen=True)
class KeyRings:
    """The settings' keys, digested once per app (`create_app` keeps them on `app.state.key_rings`)."""

    search: KeyRing  # API keys and admin keys: an admin key may search too
    api: KeyRing
    admin: KeyRing

    @classmethod
    def from_settings(cls, settings: Settings) -> KeyRings:
        return cls(search=KeyRing((*settings.api_keys, *settings.admin_keys)), api=KeyRing(tuple(settings.api_keys)),
                   admin=KeyRing(tuple(settings.admin_keys)))


def bearer_token(connection: ASGIConnection) -> str:
    """The token of an `Authorization: Bearer <token>` header; raises 401 when there is none, saying whether the
    header is missing or holds no Bearer key (the key alone, or another scheme), never echoing what it holds."""
    header = connection.headers.get("authorization")
    if header is None or not header.strip():
        raise NotAuthorizedException("missing API key: send the header `Authorization: Bearer <key>`")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        raise NotAuthorizedException("the Authorization header does not start with `Bearer `: send the key as "
                                     "`Authorization: Bearer <key>`, the word Bearer and a space before the key")
    if not token.strip():
        raise NotAuthorizedException("the Authorization header holds `Bearer` without a key: send "
                                     "`Authorization: Bearer <key>`")
    return token.strip()


# Guards are coroutines: Litestar runs a plain-function guard in a worker thread, a thread hop on every request.
async def api_key_guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """When API keys are configured, require one of them (or an admin key)."""
    settings: Settings = connection.app.state.settings
    rings: KeyRings = connection.app.state.key_rings
    if settings.api_keys and not rings.search.admits(bearer_token(connection)):
        raise NotAuthorizedException("invalid API key: send one of the keys set in RAG_API_KEYS")


async def admin_key_guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Require an admin key; admin routes are off while no admin key is configured."""
    settings: Settings = connection.app.state.settings
    rings: KeyRings = connection.app.state.key_rings
    if not settings.admin_keys:
        raise PermissionDeniedException("admin routes are disabled: set RAG_ADMIN_KEYS to enable them")
    token = bearer_token(connection)
    if not rings.admin.admits(token):
        if settings.api_keys and rings.api.admits(token):  # known, but not allowed here
            raise PermissionDeniedException("this API key may search but not call admin routes: send a key set "
                                            "in RAG_ADMIN_KEYS")
        raise NotAuthorizedException("invalid admin key: send one of the keys set in RAG_ADMIN_KEYS")


class ClientMiddleware(ASGIMiddleware):
    """Names the client of each request for the search queue (`rag.serving.runtime.CLIENT`): with API keys, the key
    it sends (its digest: a key shared by several programs is one client), else the address uvicorn reports (behind
    a proxy, the proxy's, unless uvicorn reads `X-Forwarded-For` from it: `FORWARDED_ALLOW_IPS`)."""

    scopes = (ScopeType.HTTP,)

    def __init__(self, keys: bool) -> None:
        self.keys = keys

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        token = CLIENT.set(client_of(scope, self.keys))
        try:
            await next_app(scope, receive, send)
        finally:
            CLIENT.reset(token)


def client_of(scope: Scope, keys: bool) -> tuple[str, str] | None:
    """("key", digest) of the Bearer token when API keys are on (the guard refuses any other), else ("address",
    host), an IPv6 host by its /64 (a host's own network: it holds more addresses than any queue); None when neither
    is known."""
    if keys and (digest := bearer_digest(scope)) is not None:
        return "key", digest
    client = scope.get("client")
    if not client:
        return None
    return "address", address_group(client[0])


__all__ = ["ClientMiddleware", "KeyRing", "KeyRings", "admin_key_guard", "api_key_guard", "bearer_token", "client_of"]
