"""Which client addresses are proxies: those uvicorn takes the client's address from `X-Forwarded-For` for
(`FORWARDED_ALLOW_IPS`, default the loopback addresses; `*` for any), read as uvicorn reads it: addresses and
networks, comma-separated. A proxy's connections are its clients', many of them: no per-client cap counts them as
one (`rag.http.server`)."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

_Address = ipaddress.IPv4Address | ipaddress.IPv6Address
_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class Proxies:
    """The trusted addresses and networks of one `FORWARDED_ALLOW_IPS` value; `host in proxies`."""

    def __init__(self, spec: str) -> None:
        names = [name.strip() for name in spec.split(",") if name.strip()]
        self.anyone = names == ["*"]  # as uvicorn: "*" alone; in a list it is a name that matches nothing
        self.literals: set[str] = set()  # what is no address (a Unix socket's path): compared as written
        self.addresses: set[_Address] = set()
        self.networks: set[_Network] = set()
        for name in names:
            try:
                if "/" in name:
                    self.networks.add(ipaddress.ip_network(name))  # as uvicorn: "10.0.0.1/8" is no network
                else:
                    self.addresses.add(ipaddress.ip_address(name))
            except ValueError:
                self.literals.add(name)

    def __contains__(self, host: object) -> bool:
        if self.anyone:
            return True
        if not isinstance(host, str) or not host:
            return False
        if host in self.literals:
            return True
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        return address in self.addresses or any(address in network for network in self.networks)


@lru_cache(maxsize=8)
def _proxies(spec: str) -> Proxies:
    return Proxies(spec)


def trusted(config: Any) -> Proxies:
    """The proxies of a uvicorn config: none unless it reads proxy headers."""
    if not getattr(config, "proxy_headers", False):
        return _proxies("")
    spec = config.forwarded_allow_ips
    return _proxies(spec if isinstance(spec, str) else ",".join(spec))


__all__ = ["Proxies", "trusted"]
