"""Who may call the API: optional Bearer keys for `/v1/*`, admin keys for admin routes; and who is calling
(`ClientMiddleware`: the client whose turn and share of the search queue a request takes).

Keys are compared as SHA-256 digests with `hmac.compare_digest`, against every configured key without stopping
at the first match: the time taken says nothing about how close a guess was, nor which key matched, nor how long
the keys are. Keys never appear in messages, logs or the settings' repr. An address that sends more wrong keys than
`RAG_MAX_KEY_FAILURES` within `RAG_KEY_FAILURE_WINDOW_SECONDS` is refused (429) until the window ends, its keys
unchecked (`KeyFailures`): a client tried 400 keys a second, now 20 a minute.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException, TooManyRequestsException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from rag.http.proxies import address_group
from rag.http.refusals import TALLIES
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


class KeyFailures:
    """Wrong keys by client address (`client_of`: an IPv6 one by its /64; behind a trusted proxy, the address it
    forwards), counted in a window from each address's first: past `limit` within `window` seconds, the address is
    refused (429) without its key being checked until the window ends. Another address's keys, right or wrong, never
    count against it. At most `size` addresses are kept (a few hundred kilobytes), the one that failed longest ago
    dropped first: a client with more addresses than that can make some forgotten, but from so many it has as many
    guesses a window without forgetting any."""

    def __init__(self, limit: int, window: float, size: int = 4096,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.size, self.clock = limit, window, size, clock
        self._counts: OrderedDict[str, tuple[float, int]] = OrderedDict()  # address: (window start, failures)

    def check(self, connection: ASGIConnection) -> str | None:
        """The request's address, for `failed`; raises a 429 saying when to retry while the address is refused."""
        client = client_of(connection.scope, False)
        address = None if client is None else client[1]
        if address is None or (counted := self._counts.get(address)) is None:
            return address
        started, failures = counted
        left = started + self.window - self.clock()
        if left <= 0:
            del self._counts[address]
        elif failures >= self.limit:
            TALLIES["key_failures"].add(connection.scope.get("client"))
            wait = math.ceil(left)
            raise TooManyRequestsException(
                f"too many wrong keys from your address ({self.limit} within {self.window:g} s, RAG_MAX_KEY_FAILURES):"
                f" its requests are refused, their key unchecked, for {wait} s more; then send a valid key",
                headers={"Retry-After": str(wait)})
        return address

    def failed(self, address: str | None) -> None:
        """Count a wrong key from `address`."""
        if address is None or not self.limit:
            return
        now = self.clock()
        started, failures = self._counts.pop(address, (now, 0))
        if now - started >= self.window:
            started, failures = now, 0
        self._counts[address] = started, failures + 1  # the last to fail last dropped
        if len(self._counts) > self.size:
            self._counts.popitem(last=False)


def bearer_token(connection: ASGIConnection, asked: str = "API key") -> str:
    """The token of an `Authorization: Bearer <token>` header; raises 401 when there is none, saying whether the
    header is missing (the `asked` key: "API key", "admin key") or holds no Bearer key (the key alone, or another
    scheme), never echoing what it holds."""
    header = connection.headers.get("authorization")
    if header is None or not header.strip():
        raise NotAuthorizedException(f"missing {asked}: send the header `Authorization: Bearer <key>`")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        raise NotAuthorizedException("the Authorization header does not start with `Bearer `: send the key as "
                                     "`Authorization: Bearer <key>`, the word Bearer and a space before the key")
    if not token.strip():
        raise NotAuthorizedException("the Authorization header holds `Bearer` without a key: send "
                                     "`Authorization: Bearer <key>`")
    return token.strip()


_INVALID_ADMIN = "invalid admin key: send one of the keys set in RAG_ADMIN_KEYS"


# Guards are coroutines: Litestar runs a plain-function guard in a worker thread, a thread hop on every request.
async def api_key_guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """When API keys are configured, require one of them (or an admin key). On an admin route (with admin keys set),
    whose guard comes next, a refusal asks for an admin key: an API key would only pass to be refused there."""
    settings: Settings = connection.app.state.settings
    rings: KeyRings = connection.app.state.key_rings
    if settings.api_keys:
        failures: KeyFailures = connection.app.state.key_failures
        address = failures.check(connection)
        admin = bool(settings.admin_keys) and admin_key_guard in handler.resolve_guards()
        if not rings.search.admits(bearer_token(connection, "admin key" if admin else "API key")):
            failures.failed(address)
            raise NotAuthorizedException(_INVALID_ADMIN if admin else "invalid API key: send one of the keys set "
                                                                      "in RAG_API_KEYS")


async def admin_key_guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Require an admin key; admin routes are off while no admin key is configured."""
    settings: Settings = connection.app.state.settings
    rings: KeyRings = connection.app.state.key_rings
    if not settings.admin_keys:
        raise PermissionDeniedException("admin routes are disabled: set RAG_ADMIN_KEYS to enable them")
    failures: KeyFailures = connection.app.state.key_failures
    address = failures.check(connection)
    token = bearer_token(connection, "admin key")
    if not rings.admin.admits(token):
        if settings.api_keys and rings.api.admits(token):  # known, but not allowed here
            raise PermissionDeniedException("this API key may search but not call admin routes: send a key set "
                                            "in RAG_ADMIN_KEYS")
        failures.failed(address)
        raise NotAuthorizedException(_INVALID_ADMIN)


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


__all__ = ["ClientMiddleware", "KeyFailures", "KeyRing", "KeyRings", "admin_key_guard", "api_key_guard", "bearer_token",
           "client_of"]
