"""Client addresses: which are proxies, those uvicorn takes the client's address from `X-Forwarded-For` for
(`FORWARDED_ALLOW_IPS`, default the loopback addresses; `*` for any), read by uvicorn's own parser so that both
agree (a proxy's connections are its clients', many of them: no per-client cap counts them as one,
`rag.http.server`); and which addresses are one client (`address_group`: an IPv6 host by its /64)."""

from __future__ import annotations

import contextlib
import ipaddress
from functools import lru_cache
from typing import Any

# uvicorn's parser of that setting (private, present from 0.32 on; pyproject requires 0.50)
from uvicorn.middleware.proxy_headers import _TrustedHosts

from rag.logs import shown


@lru_cache(maxsize=8)
def _proxies(spec: str) -> _TrustedHosts:
    return _TrustedHosts(spec)


def trusted(config: Any) -> _TrustedHosts:
    """The proxies of a uvicorn config (`host in trusted(config)`): none unless it reads proxy headers."""
    if not getattr(config, "proxy_headers", False):
        return _proxies("")
    spec = config.forwarded_allow_ips
    return _proxies(spec if isinstance(spec, str) else ",".join(spec))


# characters: an IPv6 address with its zone (`fe80::1%eth0`, the zone an interface's name) is at most 56
LONGEST_ADDRESS = 64


def address_group(host: str) -> str:
    """The client an address stands for: an IPv4 address itself, an IPv6 one by its /64 (a host's own network holds
    more addresses than any cap; one host could open a connection from each); anything else (what a trusted proxy
    forwards need not be an address) itself, its first characters when longer than an address: a key of the search
    queue's lanes and of the count of wrong keys, each kept up to 32 KiB (the head's bound) and these cached too."""
    return _group(host) if len(host) <= LONGEST_ADDRESS else shown(host)


@lru_cache(maxsize=4096)
def _group(host: str) -> str:
    with contextlib.suppress(ValueError):
        if isinstance(address := ipaddress.ip_address(host), ipaddress.IPv6Address) and address.ipv4_mapped is None:
            return str(ipaddress.ip_network(f"{host}/64", strict=False))
    return host


__all__ = ["address_group", "trusted"]
