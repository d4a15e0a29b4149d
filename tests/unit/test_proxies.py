"""Which addresses count as proxies, as uvicorn reads `FORWARDED_ALLOW_IPS`."""

from types import SimpleNamespace

from rag.http.proxies import _group, address_group, trusted


def _read(spec: str):
    return trusted(SimpleNamespace(proxy_headers=True, forwarded_allow_ips=spec))


def test_addresses_networks_and_anyone():
    proxies = _read("127.0.0.1, ::1,10.1.0.0/16, /run/proxy.sock, not an address")
    assert "127.0.0.1" in proxies and "0:0:0:0:0:0:0:1" in proxies  # an address however written
    assert "10.1.200.3" in proxies and "10.2.0.1" not in proxies
    assert "/run/proxy.sock" in proxies and "192.0.2.1" not in proxies
    assert None not in proxies and "" not in proxies
    assert "192.0.2.1" in _read("*") and "192.0.2.1" not in _read("")
    # read as uvicorn reads them: "*" trusts anyone only alone, a network with host bits set is no network
    assert "192.0.2.1" not in _read("10.0.0.5,*") and "10.0.0.5" in _read("10.0.0.5,*")
    assert "10.2.3.4" not in _read("10.0.0.1/8")


def test_a_config_that_reads_no_proxy_headers_trusts_no_one():
    assert "127.0.0.1" not in trusted(SimpleNamespace(proxy_headers=False, forwarded_allow_ips="*"))
    assert "127.0.0.1" in trusted(SimpleNamespace(proxy_headers=True, forwarded_allow_ips=["127.0.0.1"]))


def test_what_is_not_an_address_is_grouped_by_its_first_characters():
    """A trusted proxy forwards what its client sent: the group (a key of a cache, the queue's lanes and the count of
    wrong keys) is bounded, whatever the length."""
    assert address_group("203.0.113.7") == "203.0.113.7" and address_group("2001:db8::1") == "2001:db8::/64"
    assert address_group("unknown") == "unknown"
    _group.cache_clear()
    assert address_group("a" * 32_000) == "a" * 200 + "... (32,000 characters)"
    assert _group.cache_info().currsize == 0  # 4,096 such hosts cached held 128 MB
    assert address_group("fe80::1%eth0") == "fe80::/64"
