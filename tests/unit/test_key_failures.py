"""Wrong API keys are throttled by client address: past RAG_MAX_KEY_FAILURES within the window, a 429 that says when
to retry, the key unchecked; the table of addresses is bounded, and one address's failures never refuse another."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from litestar.exceptions import TooManyRequestsException
from litestar.testing import TestClient

from rag.http import refusals
from rag.http.app import create_app
from rag.http.auth import KeyFailures, KeyRing
from rag.settings import Settings

USER, ADMIN = "user-key-0123456789", "admin-key-0123456789"
JSON = {"content-type": "application/json"}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client(tmp_path: Path, clock: Clock) -> Iterator[TestClient]:
    settings = Settings(corpus_dir=tmp_path, index_dir=tmp_path, reload_poll_seconds=0, api_keys=[USER],
                        admin_keys=[ADMIN], max_key_failures=3, key_failure_window_seconds=60)
    app = create_app(settings)
    app.state.key_failures.clock = clock
    with TestClient(app, base_url="http://127.0.0.1") as c:
        yield c


def _search(client: TestClient, key: str) -> int:
    return client.post("/v1/search", json={"question": "retours"}, headers={"authorization": f"Bearer {key}"}
                       ).status_code


def test_wrong_keys_past_the_limit_are_a_429_saying_when_to_retry_the_key_unchecked(client, clock, monkeypatch):
    assert [_search(client, f"guess-{n}") for n in range(3)] == [401, 401, 401]
    checked = []
    monkeypatch.setattr(KeyRing, "admits", lambda ring, token: checked.append(token) or False)
    clock.now += 20
    for key in ("guess-3", USER):  # the right key too: checking it would say which guess is right
        r = client.post("/v1/search", json={"question": "retours"}, headers={"authorization": f"Bearer {key}"})
        assert r.status_code == 429 and r.headers["content-type"].startswith("application/problem+json"), r.text
        assert r.headers["retry-after"] == "40"
        assert "RAG_MAX_KEY_FAILURES" in r.json()["detail"] and "for 40 s more" in r.json()["detail"]
    assert checked == []
    assert client.get("/healthz").status_code == 200  # a route without keys is not refused


def test_the_refusal_ends_with_the_window_and_counting_starts_again(client, clock):
    assert [_search(client, f"guess-{n}") for n in range(4)] == [401, 401, 401, 429]
    clock.now += 60
    assert _search(client, USER) == 503  # the key checked and admitted: no index to answer with
    assert [_search(client, f"guess-{n}") for n in range(4)] == [401, 401, 401, 429]


def test_valid_keys_do_not_count_and_admin_keys_count_with_api_keys(client):
    assert [_search(client, USER) for _ in range(5)] == [503] * 5
    reload = [client.post("/v1/admin/reload", headers={"authorization": f"Bearer {key}"}).status_code
              for key in (USER, "guess-0", "guess-1")]
    assert reload == [403, 401, 401]  # a search key on an admin route is known: not a guess
    assert _search(client, "guess-2") == 401
    assert _search(client, USER) == 429


def test_without_a_limit_wrong_keys_are_never_refused(tmp_path: Path):
    settings = Settings(corpus_dir=tmp_path, index_dir=tmp_path, reload_poll_seconds=0, api_keys=[USER],
                        max_key_failures=0)
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as c:
        assert {_search(c, f"guess-{n}") for n in range(50)} == {401}


def _from(host: str) -> SimpleNamespace:
    return SimpleNamespace(scope={"client": (host, 40000)})


@pytest.fixture
def tallied(monkeypatch) -> list:
    """The clients whose refusals are counted (logged and in rag_refusals_total), outside an event loop."""
    clients: list = []
    monkeypatch.setitem(refusals.TALLIES, "key_failures", SimpleNamespace(add=clients.append))
    return clients


def test_one_address_s_failures_never_refuse_another(tallied):
    failures = KeyFailures(limit=2, window=60, clock=Clock())
    for _ in range(2):
        failures.failed(failures.check(_from("203.0.113.5")))
    with pytest.raises(TooManyRequestsException):
        failures.check(_from("203.0.113.5"))
    assert tallied == [("203.0.113.5", 40000)]
    assert failures.check(_from("203.0.113.6")) == "203.0.113.6"
    # an IPv6 host is its /64: the addresses of one network are one client
    for host in ("2001:db8::1", "2001:db8::2"):
        failures.failed(failures.check(_from(host)))
    with pytest.raises(TooManyRequestsException):
        failures.check(_from("2001:db8::3"))
    assert failures.check(_from("2001:db8:0:1::1")) == "2001:db8:0:1::/64"


def test_the_table_of_addresses_is_bounded_the_longest_failed_dropped_first(tallied):
    failures = KeyFailures(limit=2, window=60, size=100, clock=Clock())
    for _ in range(2):
        failures.failed("198.51.100.1")
    for n in range(100):
        failures.failed(f"10.0.{n // 256}.{n % 256}")
        assert len(failures._counts) <= 100
    failures.check(_from("198.51.100.1"))  # dropped: it starts again
    failures.failed("10.0.0.99")
    with pytest.raises(TooManyRequestsException):
        failures.check(_from("10.0.0.99"))
