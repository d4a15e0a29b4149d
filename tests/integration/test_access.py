"""Access: API keys, admin keys, CORS, and the container's user."""

import hashlib
import hmac
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from litestar.testing import TestClient

from rag.http import auth
from rag.http.app import create_app
from rag.http.auth import client_of
from rag.http.proxies import address_group
from rag.settings import Settings
from tests.helpers.paths import ROOT

KEYS = ["first-key-0123456789", "second-key-abcdefghij"]
ADMIN = "admin-key-zyxwvutsrq"
BODY = {"question": "Quels documents d’identité acceptez-vous ?", "k": 1}


@contextmanager
def serving(searcher, settings, **overrides) -> Iterator[TestClient]:
    with TestClient(create_app(settings.model_copy(update={"reload_poll_seconds": 0, **overrides}),
                               searcher=searcher), base_url="http://127.0.0.1") as client:
        yield client


@pytest.fixture(scope="module")
def app_settings(settings: Settings) -> Settings:
    """`client` serves every route behind keys: two API keys and an admin key."""
    return settings.model_copy(update={"reload_poll_seconds": 0, "api_keys": KEYS, "admin_keys": [ADMIN]})


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def unauthorized(response) -> str:
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.headers["content-type"].startswith("application/problem+json")
    return response.json()["detail"]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Basic Zmlyc3Q6a2V5"}, {"Authorization": "Bearer"},
                                     {"Authorization": "Bearer "}, {"Authorization": KEYS[0]}])
def test_v1_routes_need_a_bearer_key(client, headers):
    for response in (client.post("/v1/search", json=BODY, headers=headers),
                     client.post("/v1/search/batch", json={"questions": [BODY["question"]]}, headers=headers),
                     client.get("/v1/passages/anything", headers=headers)):
        assert "Authorization: Bearer <key>" in unauthorized(response)



def test_the_key_is_checked_before_the_query_parameters(client):
    """A client without a key learns nothing of a route's parameters: an unknown one is a 401 without a key, a 422
    with one."""
    assert "Authorization: Bearer <key>" in unauthorized(client.post("/v1/search?sauce=1", json=BODY))
    assert "Authorization: Bearer <key>" in unauthorized(client.get("/v1/documents", params={"sauce": "x"}))
    assert client.post("/v1/search?sauce=1", json=BODY, headers=bearer(KEYS[0])).status_code == 422

@pytest.mark.parametrize(("headers", "said"), [
    ({}, "missing API key"), ({"Authorization": " "}, "missing API key"),
    ({"Authorization": KEYS[0]}, "does not start with `Bearer `"),
    ({"Authorization": f"Token {KEYS[0]}"}, "does not start with `Bearer `"),
    ({"Authorization": "Bearer  "}, "holds `Bearer` without a key"),
])
def test_a_key_sent_without_the_bearer_scheme_is_told_how_to_send_it(client, headers, said):
    """A key sent alone is not missing: the client is told what the header must hold, never what it held."""
    detail = unauthorized(client.post("/v1/search", json=BODY, headers=headers))
    assert said in detail and "`Authorization: Bearer <key>`" in detail
    assert KEYS[0] not in detail


@pytest.mark.parametrize("key", ["wrong", KEYS[0] + "x", KEYS[0][:-1], KEYS[1].upper(), "x" * 10_000])
def test_wrong_keys_are_refused(client, key):
    assert "invalid API key" in unauthorized(client.post("/v1/search", json=BODY, headers=bearer(key)))


def test_non_ascii_keys_are_refused_cleanly(client):
    header = {"Authorization": ("Bearer " + KEYS[0][:5] + "é" * 20).encode()}
    assert "invalid API key" in unauthorized(client.post("/v1/search", json=BODY, headers=header))


@pytest.mark.parametrize("key", [*KEYS, ADMIN])
def test_every_configured_key_is_accepted(client, key):
    assert client.post("/v1/search", json=BODY, headers=bearer(key)).status_code == 200
    assert client.post("/v1/search", json=BODY, headers={"authorization": f"bearer {key}"}).status_code == 200


def test_health_readiness_and_docs_stay_open(client):
    for path in ("/healthz", "/readyz", "/schema/openapi.json"):
        assert client.get(path).status_code == 200, path


def test_the_routes_operations_md_says_stay_open_are_those_that_answer_without_a_key(client):
    """With keys set, OPERATIONS.md's "Keys" names the routes open to anyone: no more (a route that leaks), and no
    fewer (`/metrics`, which probes' and scrapers' setups rely on, was left out)."""
    keys = (ROOT / "docs" / "OPERATIONS.md").read_text(encoding="utf-8").split("**Keys.**", 1)[1].split("\n\n", 1)[0]
    said = re.search(r"((?:`/\w+`(?:, | and )?)+) stay open", keys)
    assert said, keys
    listed = set(re.findall(r"`(/\w+)`", said.group(1)))
    candidates = ["/healthz", "/readyz", "/schema", "/metrics", "/v1/documents", "/passages/anything", "/mcp"]
    answered = {path for path in candidates if client.get(path).status_code < 400}
    assert listed == answered == {"/healthz", "/readyz", "/schema", "/metrics"}


def test_admin_routes_need_an_admin_key(client, searcher, settings):
    user = client.post("/v1/admin/reload", headers=bearer(KEYS[0]))  # a key it knows, not allowed here: 403
    assert user.status_code == 403 and "RAG_ADMIN_KEYS" in user.json()["detail"]
    # the route asks for an admin key, whichever guard refuses (the API's, then the admin one)
    assert "invalid admin key" in unauthorized(client.post("/v1/admin/reload", headers=bearer("not-a-key")))
    assert "missing admin key: send the header `Authorization: Bearer <key>`" in unauthorized(
        client.post("/v1/admin/reload"))
    assert "missing API key" in unauthorized(client.post("/v1/search", json=BODY))
    answer = client.post("/v1/admin/reload", headers=bearer(ADMIN))
    assert answer.status_code == 200 and answer.json()["status"] == "unchanged"
    with serving(searcher, settings, admin_keys=[ADMIN]) as admin_only:  # no API keys: the admin guard alone
        assert "missing admin key" in unauthorized(admin_only.post("/v1/admin/reload"))
        assert "invalid admin key" in unauthorized(admin_only.post("/v1/admin/reload", headers=bearer("not-a-key")))
    with serving(searcher, settings) as open_api:  # no keys at all: searches open, admin routes off
        assert open_api.post("/v1/search", json=BODY).status_code == 200
        off = open_api.post("/v1/admin/reload", headers=bearer(ADMIN))
        assert off.status_code == 403 and "RAG_ADMIN_KEYS" in off.json()["detail"]


def test_the_openapi_document_declares_the_key_each_route_asks_for(client, searcher, settings):
    """With keys set, the document declares them (Swagger UI's Authorize button, client generators' key parameter):
    a requirement on exactly the operations that answer 401 without a key, the admin key on the admin route. A
    server without keys declares none: its routes are open."""
    doc = client.get("/schema/openapi.json").json()
    schemes = doc["components"]["securitySchemes"]
    assert {name: (scheme["type"], scheme["scheme"]) for name, scheme in schemes.items()} == {
        "ApiKey": ("http", "bearer"), "AdminKey": ("http", "bearer")}
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            answer = client.request(method.upper(), re.sub(r"\{\w+\}", "anything", path),
                                    json={} if method == "post" else None)
            assert ("security" in operation) == (answer.status_code == 401), (method, path, answer.status_code)
    assert doc["paths"]["/v1/admin/reload"]["post"]["security"] == [{"AdminKey": []}]
    assert doc["paths"]["/v1/search"]["post"]["security"] == [{"ApiKey": []}]
    with serving(searcher, settings) as open_client:
        doc = open_client.get("/schema/openapi.json").json()
    assert "securitySchemes" not in doc["components"]
    assert not [path for path, item in doc["paths"].items() for operation in item.values() if "security" in operation]


def test_keys_are_compared_in_constant_time_against_every_key(monkeypatch):
    calls: list[tuple[bytes, bytes]] = []
    compare = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return compare(a, b)

    monkeypatch.setattr(auth.hmac, "compare_digest", spy)
    ring = auth.KeyRing(("short", "a-much-longer-key-than-the-first", "third"))
    for token, expected in [("short", True), ("third", True), ("nope", False), ("x" * 500, False)]:
        calls.clear()
        assert ring.admits(token) is expected
        # every key is compared, even after a match, and always as equal-length digests: the time taken tells
        # neither which key matched, nor how long the keys are, nor how close the guess was
        assert len(calls) == 3
        assert all(len(a) == len(b) == 32 for a, b in calls)
    assert "short" not in repr(ring)


def test_keys_never_reach_logs_responses_or_reprs(searcher, settings, caplog):
    caplog.set_level(logging.DEBUG)
    with serving(searcher, settings, api_keys=KEYS, admin_keys=[ADMIN], log_level="debug") as client:
        texts = [client.post("/v1/search", json=BODY, headers=bearer(key)).text
                 for key in (*KEYS, ADMIN, KEYS[0] + "-guess")]
        texts.append(client.post("/v1/admin/reload", headers=bearer(KEYS[1])).text)
        texts.append(client.get("/readyz").text)
        texts.append(client.get("/schema/openapi.json").text)
        configured = client.app.state.settings
    leaked = "\n".join([caplog.text, *texts, repr(configured), str(configured)])
    for key in (*KEYS, ADMIN):
        assert key not in leaked


def test_cors_is_off_by_default(searcher, settings):
    with serving(searcher, settings) as client:
        preflight = client.options("/v1/search", headers={"Origin": "https://chat.example",
                                                          "Access-Control-Request-Method": "POST"})
        assert "access-control-allow-origin" not in preflight.headers
        simple = client.post("/v1/search", json=BODY, headers={"Origin": "https://chat.example"})
        # bound to loopback, a page of another origin may not even fire a search (rag.http.hosts)
        assert simple.status_code == 403 and "access-control-allow-origin" not in simple.headers


def test_cors_allows_the_configured_origins_only(searcher, settings):
    with serving(searcher, settings, cors_origins=["https://chat.example"]) as client:
        preflight = client.options("/v1/search", headers={"Origin": "https://chat.example",
                                                          "Access-Control-Request-Method": "POST"})
        assert preflight.status_code in (200, 204)
        assert preflight.headers["access-control-allow-origin"] == "https://chat.example"
        simple = client.post("/v1/search", json=BODY, headers={"Origin": "https://chat.example"})
        assert simple.headers["access-control-allow-origin"] == "https://chat.example"
        other = client.options("/v1/search", headers={"Origin": "https://evil.example",
                                                      "Access-Control-Request-Method": "POST"})
        assert other.headers.get("access-control-allow-origin") != "https://evil.example"


def test_the_container_runs_as_an_unprivileged_user():
    lines = [line.split("#")[0].strip() for line in (ROOT / "Dockerfile").read_text().splitlines()]
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users, "the Dockerfile never switches user"
    assert users[-1] not in ("root", "0") and not users[-1].startswith("0:")
    last_user = max(i for i, line in enumerate(lines) if line.startswith("USER "))
    command = max(i for i, line in enumerate(lines) if re.match(r"(CMD|ENTRYPOINT)\b", line))
    assert last_user < command
    created = re.search(r"useradd[^&]*--uid (\d+)[^&]* " + re.escape(users[-1]), "\n".join(lines))
    assert created and int(created.group(1)) != 0


def test_the_client_a_search_is_queued_under():
    """The queue's turns and shares are per client (rag.serving.batcher): the API key sent when keys are on, else the
    address, an IPv6 one by its /64 (one host holds a /64: as many addresses as it likes)."""
    def scope(host: str, token: bytes | None = None) -> dict:
        return {"client": (host, 1234), "headers": [(b"authorization", b"Bearer " + token)] if token else []}

    digest = hashlib.sha256(b"k1").hexdigest()
    assert client_of(scope("192.0.2.7", b"k1"), keys=True) == client_of(scope("192.0.2.8", b"k1"), keys=True) == (
        "key", digest)
    assert client_of(scope("192.0.2.7", b"k1"), keys=False) == ("address", "192.0.2.7")  # without keys, no token
    assert client_of(scope("2001:db8::1"), False) == client_of(scope("2001:db8::abcd:1"), False) == (
        "address", "2001:db8::/64")
    assert client_of({"headers": []}, False) is None
    # the connection cap groups addresses as the queue does (rag.http.server): one IPv6 host cannot spread over its /64
    assert address_group("2001:db8::abcd:1") == "2001:db8::/64"
    assert address_group("::ffff:192.0.2.7") == "::ffff:192.0.2.7" and address_group("192.0.2.7") == "192.0.2.7"
