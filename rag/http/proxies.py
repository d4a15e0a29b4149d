"""Which client addresses are proxies: those uvicorn takes the client's address from `X-Forwarded-For` for
(`FORWARDED_ALLOW_IPS`, default the loopback addresses; `*` for any), read by uvicorn's own parser so that both
agree. A proxy's connections are its clients', many of them: no per-client cap counts them as one
(`rag.http.server`)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

# uvicorn's parser of that setting (private, present from 0.32 on; pyproject requires 0.50)
from uvicorn.middleware.proxy_headers import _TrustedHosts


@lru_cache(maxsize=8)
def _proxies(spec: str) -> _TrustedHosts:
    return _TrustedHosts(spec)


def trusted(config: Any) -> _TrustedHosts:
    """The proxies of a uvicorn config (`host in trusted(config)`): none unless it reads proxy headers."""
    if not getattr(config, "proxy_headers", False):
        return _proxies("")
    spec = config.forwarded_allow_ips
    return _proxies(spec if isinstance(spec, str) else ",".join(spec))


__all__ = ["trusted"]
