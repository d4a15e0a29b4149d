"""The HTTP edge under hostile input, without the model: an app with no index answers before any search runs."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar import Response
from litestar.testing import TestClient

from rag.http.app import create_app
from rag.http.hosts import LOOPBACK, HostCheckMiddleware
from rag.http.pages import render
from rag.http.requests import CHECKED_BYTES, duplicate_key
from rag.schemas import Citation, Passage
from rag.settings import Settings

JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def bare_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    empty: Path = tmp_path_factory.mktemp("no-index")
    return Settings(corpus_dir=empty, index_dir=empty, reload_poll_seconds=0)


@pytest.fixture(scope="module")
def bare(bare_settings: Settings) -> Iterator[TestClient]:
    """An app serving no index: every request is parsed and checked, none reaches a search."""
    with TestClient(create_app(bare_settings), base_url="http://127.0.0.1") as c:
        yield c


@pytest.mark.parametrize(("path", "field"), [("/v1/search", "question"), ("/v1/search/batch", "questions")])
@pytest.mark.parametrize("depth", [990, 100_000])
def test_json_nested_too_deeply_is_a_400_not_a_logged_500(bare, caplog, path, field, depth):
    body = f'{{"{field}": ' + "[" * depth + "]" * depth + "}"
    with caplog.at_level(logging.ERROR):
        r = bare.post(path, content=body, headers=JSON)
    assert r.status_code == 400, r.text
    assert "nested too deeply" in r.json()["detail"]
    assert not [rec for rec in caplog.records if rec.levelno >= logging.ERROR]


@pytest.mark.parametrize(("path", "body"), [("/v1/search", '{"question": "retour %s"}'),
                                           ("/v1/search/batch", '{"questions": ["%s retour"]}'),
                                           ("/v1/vector_stores/vs_index/search", '{"query": "%s"}')])
def test_a_lone_surrogate_escape_is_a_400_that_says_so_not_a_truncated_body(bare, path, body):
    """msgspec refuses "\\ud800" (no Unicode character) saying "Input data was truncated", which sent a client
    looking for a cut-off body."""
    for lone in ("\\ud800", "\\udfff"):
        r = bare.post(path, content=body % lone, headers=JSON)
        assert r.status_code == 400, r.text
        said = r.json()["detail"] if "detail" in r.json() else r.json()["error"]["message"]
        assert "lone UTF-16 surrogate escape" in said and "truncated" not in said
    assert bare.post(path, content=body % "\\ud83d\\ude00", headers=JSON).status_code != 400  # a pair: 😀
    cut = bare.post(path, content=(body % "\\ud800")[:-3], headers=JSON).text
    assert "lone UTF-16 surrogate escape" not in cut  # JSON cut short is not said to be only that


@pytest.mark.parametrize(("path", "body", "key"), [
    ("/v1/search", '{"question": "retours", "question": "horaires"}', "question"),
    ("/v1/search", '{"question": "horaires: 10:30", "k": 3, "k": 4}', "k"),  # colons in a string: read again
    ("/v1/search/batch", '{"questions": ["retours"], "explain": true, "questions": ["horaires"]}', "questions"),
    ("/v1/vector_stores/vs_index/search",
     '{"query": "retours", "filters": {"type": "eq", "key": "page", "key": "source", "value": 1}}', "key"),
])
def test_a_key_sent_twice_is_a_400_naming_it_not_the_last_taken_silently(bare, path, body, key):
    r = bare.post(path, content=body, headers=JSON)
    assert r.status_code == 400, r.text
    said = r.json()["detail"] if "detail" in r.json() else r.json()["error"]["message"]
    assert f"the key {key!r} twice in one object: send each key once" in said


@pytest.mark.parametrize(("path", "body"), [
    ("/v1/search", '{"question": "horaires: 10:30 ou 11:00", "k": 3}'),
    ("/v1/search/batch", '{"questions": ["a:b", "c"], "k": 2}'),
    ("/v1/vector_stores/vs_index/search", '{"query": "x", "filters": {"type": "and", "filters": '
                                          '[{"type": "eq", "key": "page", "value": 1}, '
                                          '{"type": "eq", "key": "page", "value": 2}]}}'),
])
def test_keys_once_per_object_pass_whatever_colons_strings_hold(bare, path, body):
    """The same key in two objects, colons in strings: no key twice in one object."""
    # read and valid: no index to answer with (503), no store of that name without one (404)
    assert bare.post(path, content=body, headers=JSON).status_code in (503, 404)


def test_a_key_sent_twice_is_never_passed_on_however_deep_the_body_nests(bare):
    """The decode that keeps every pair takes a few levels less than msgspec: a body nested just under msgspec's
    bound decoded once, failed the second decode, and was passed on with its key twice (a 422 for the extra field
    here, on a route that took any JSON the last key's value)."""
    said = set()
    for depth in range(900, 1000):
        body = '{"question": "a", "question": "b", "x": ' + "[" * depth + "]" * depth + "}"
        r = bare.post("/v1/search", content=body, headers=JSON)
        said.add((r.status_code, "twice" if "twice in one object" in r.text else
                  "deep" if "nested too deeply" in r.text else r.text[:200]))
    assert said == {(400, "twice"), (400, "deep")}, said


def test_duplicate_key_finds_a_key_twice_at_any_depth_and_none_otherwise():
    for body, twice in [(b'{"a": 1, "b": {"c": [{"d": 1, "d": 2}]}}', "d"), (b'[{"x": 1}, {"y": 1, "y": 1}]', "y"),
                        (b'{"a": {"b": 1}, "a": {"b": 1}}', "a"), (b'{"a": "1", "b": {"a": 2}}', None),
                        (b'{"a:": ":", "b": [":"]}', None), (b'[]', None), (b'"::"', None)]:
        assert duplicate_key(body, json.loads(body)) == twice, body
    # a body larger than people write is not decoded again: its cost would be the client's to choose
    large = b'{"a": 1, "a": ":' + b"x" * CHECKED_BYTES + b'"}'
    assert duplicate_key(large, json.loads(large)) is None
    assert duplicate_key(large[:CHECKED_BYTES - 2] + b'"}', json.loads(large[:CHECKED_BYTES - 2] + b'"}')) == "a"


USER, ADMIN = "user-key-0123456789", "admin-key-0123456789"


@pytest.fixture(scope="module")
def keyed(bare_settings: Settings) -> Iterator[TestClient]:
    settings = bare_settings.model_copy(update={"api_keys": [USER], "admin_keys": [ADMIN], "max_body_bytes": 2048})
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as c:
        yield c


def _problem(response, status: int) -> dict:
    """The problem a refusal answers: the body, or under `/mcp` the `data` of the JSON-RPC error it comes as there
    (`tests/unit/test_mcp_refusals.py`)."""
    assert response.status_code == status, response.text
    if response.request.url.path.startswith("/mcp"):
        assert response.headers["content-type"] == "application/json", response.headers
        return response.json()["error"]["data"]
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    return response.json()


@pytest.mark.parametrize("path", ["/schema/swagger", "/schema/redoc", "/schema/elements", "/schema/nothing"])
def test_schema_pages_that_do_not_exist_are_404_problems_not_html(bare, path):
    assert "/schema/openapi.json" in _problem(bare.get(path), 404)["detail"]
    assert bare.get("/schema/openapi.json").status_code == 200 and bare.get("/schema").status_code == 200


@pytest.mark.parametrize("path", ["/mcp", "/mcp/connector"])
def test_mcp_refusals_name_their_own_path(keyed, path):
    bearer = {"authorization": f"Bearer {USER}", "content-type": "application/json",
              "accept": "application/json, text/event-stream"}
    too_large = _problem(keyed.post(path, content=b"{" + b" " * 5000 + b"}", headers=bearer), 413)
    assert "RAG_MAX_BODY_BYTES" in too_large["detail"] and too_large["instance"] == path
    assert _problem(keyed.post(path, json={}), 401)["instance"] == path


@pytest.mark.parametrize("path", ["/mcp", "/mcp/connector"])
@pytest.mark.parametrize("method", ["GET", "DELETE", "PUT", "PATCH"])
def test_mcp_accepts_post_alone_and_says_so(keyed, path, method):
    """A GET would open an event stream that never ends; a stateless server has no session to DELETE. The 405
    advertised GET, POST and DELETE, and a DELETE's had no Allow at all."""
    r = keyed.request(method, path, headers={"authorization": f"Bearer {USER}", "accept": "text/event-stream"})
    assert _problem(r, 405)["detail"] == f"{path} does not accept {method}; it accepts POST"
    assert r.headers["allow"] == "POST"
    head = keyed.head(path, headers={"authorization": f"Bearer {USER}"})
    assert head.status_code == 405 and head.headers["allow"] == "POST"


@pytest.mark.parametrize("path", ["/mcp", "/mcp/connector"])
def test_mcp_refuses_a_body_that_is_not_json_with_a_415(keyed, path):
    """The SDK takes application/json alone, and refused the rest in plain text (a missing type, a +json one) or
    in JSON-RPC (a type in capitals): each is a problem now, and the type in capitals is read."""
    def post(content_type: str | None):
        headers = {"authorization": f"Bearer {USER}", "accept": "application/json, text/event-stream"}
        return keyed.post(path, content=b'{"jsonrpc": "2.0", "id": 1, "method": "tools/list"}',
                          headers=headers | ({"content-type": content_type} if content_type else {}))

    for refused in ("text/plain", None, "application/vnd.api+json"):
        assert "Content-Type: application/json" in _problem(post(refused), 415)["detail"]
    for taken in ("Application/JSON", "application/json; charset=utf-8"):
        answered = post(taken)
        assert answered.status_code == 200 and answered.json()["result"]["tools"], answered.text


@pytest.mark.parametrize("method", ["tools/list", "ping"])
def test_mcp_params_null_is_taken_as_none_as_it_was(keyed, method):
    """`"params": null` (what a client serializing an absent field as null sends) was answered by the SDK; the check
    that params are an object refused it: "not a NoneType"."""
    headers = {"authorization": f"Bearer {USER}", "accept": "application/json, text/event-stream",
               "content-type": "application/json"}
    answered = keyed.post("/mcp", json={"jsonrpc": "2.0", "id": 9, "method": method, "params": None}, headers=headers)
    assert answered.status_code == 200 and "result" in answered.json(), answered.text


@pytest.mark.parametrize("path", ["/mcp", "/mcp/connector"])
def test_mcp_a_notification_with_a_null_id_is_still_taken(keyed, path):
    """A request with a null id is refused (nobody would get its answer), but a notification's method with one is
    what a client serializing an absent id as null sends, and was taken with a 202: refused with a 400, it failed the
    client's `notifications/initialized` and so its connection."""
    headers = {"authorization": f"Bearer {USER}", "accept": "application/json, text/event-stream",
               "content-type": "application/json"}
    for body in ({"jsonrpc": "2.0", "id": None, "method": "notifications/initialized"},
                 {"jsonrpc": "2.0", "id": None, "method": "notifications/cancelled", "params": {"requestId": 3}}):
        answered = keyed.post(path, json=body, headers=headers)
        assert answered.status_code == 202 and not answered.content, answered.text


@pytest.mark.parametrize("path", ["/mcp", "/mcp/connector"])
@pytest.mark.parametrize(("body", "mid", "says"), [
    (b'[{"jsonrpc": "2.0", "id": 1, "method": "tools/list"}]', None, "a JSON-RPC batch (a JSON list) is not accepted"),
    (b'{"jsonrpc": "2.0", "id": {"a": 1}, "method": "tools/list"}', None, '"id" must be a string or an integer'),
    (b'{"jsonrpc": "2.0", "id": null, "method": "tools/list"}', None, '"id" must be a string or an integer, not null'),
    (b'{"jsonrpc": "2.0", "id": 7, "methd": "tools/list"}', 7, "needs \"method\", a string such as"),
    (b'{"jsonrpc": "1.0", "id": "x", "method": "tools/list"}', "x", '"jsonrpc" must be "2.0"'),
    (b'"tools/list"', None, "a JSON-RPC message is a JSON object, not a str"),
    (b'{"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": ["search"]}', 3,
     '"params" must be a JSON object (MCP names its parameters), not a list'),
    (b'{"jsonrpc": "2.0", "id": 4, "method": "tools/call", "method": "tools/list"}', 4,
     "holds the key 'method' twice in one object: send each key once"),
    (b'{"jsonrpc": "2.0", "id": 5, "method": "tools/call", "params": {"name": "search", "arguments": '
     b'{"question": "horaires: 10:30", "question": "retours"}}}', 5, "holds the key 'question' twice"),
    (b'{"jsonrpc": "2.0", "id": 6, "id": 7, "method": "tools/list"}', None, "holds the key 'id' twice"),
])
def test_mcp_says_in_a_line_what_makes_a_message_no_json_rpc(keyed, path, body, mid, says):
    """The SDK answered these with a pydantic dump of a kilobyte or two (four union members' errors, each with a link),
    and an id that is an object or null (MCP forbids it) with a silent 202: a JSON-RPC "Invalid Request" that says
    what to fix instead."""
    headers = {"authorization": f"Bearer {USER}", "accept": "application/json, text/event-stream",
               "content-type": "application/json"}
    answered = keyed.post(path, content=body, headers=headers)
    assert answered.status_code == 400, answered.text
    error = answered.json()
    assert error["id"] == mid and error["error"]["code"] == -32600 and says in error["error"]["message"]
    assert len(answered.content) < 400


@pytest.mark.parametrize("path", ["/mcp", "/mcp/connector"])
@pytest.mark.parametrize("version", ["2025-6-18", "2025-03-25", "banana"])
def test_mcp_an_unsupported_protocol_version_header_is_said_with_the_versions_served(keyed, path, version):
    """A handshake client whose MCP-Protocol-Version the SDK does not speak was told that "params._meta must be an
    object carrying the required ... envelope keys", the 2026 revision's, whatever it had got wrong: the protocol's
    400 now says the version is unsupported and lists those served, in the SDK's own error (-32022, as its clients
    read it), for requests and notifications alike."""
    headers = {"authorization": f"Bearer {USER}", "accept": "application/json, text/event-stream",
               "content-type": "application/json", "mcp-protocol-version": version}
    for mid, body in ((4, {"jsonrpc": "2.0", "id": 4, "method": "tools/list"}),
                      (None, {"jsonrpc": "2.0", "method": "notifications/initialized"})):
        answered = keyed.post(path, json=body, headers=headers)
        assert answered.status_code == 400, answered.text
        error = answered.json()
        assert error["id"] == mid and error["error"]["code"] == -32022, error
        assert f"the MCP-Protocol-Version header says '{version}'" in error["error"]["message"]
        assert error["error"]["data"] == {"supported": ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25",
                                                        "2026-07-28"], "requested": version}
    headers["mcp-protocol-version"] = "2025-06-18"  # a version served is answered as before
    served = keyed.post(path, json={"jsonrpc": "2.0", "id": 5, "method": "tools/list"}, headers=headers)
    assert "result" in served.json(), served.text


@pytest.mark.parametrize("path", ["/mcp", "/mcp/connector"])
def test_an_unknown_prompt_is_invalid_params_naming_it_and_logs_no_traceback(keyed, path, caplog):
    """The SDK answered code 0 and logged a traceback of 1.7 KB at error level for each: any client could fill the
    error log with them."""
    headers = {"authorization": f"Bearer {USER}", "accept": "application/json, text/event-stream",
               "content-type": "application/json"}
    with caplog.at_level(logging.INFO):
        answered = keyed.post(path, headers=headers, json={"jsonrpc": "2.0", "id": 4, "method": "prompts/get",
                                                            "params": {"name": "summarize"}})
    assert answered.status_code == 200, answered.text
    assert answered.json()["error"] == {"code": -32602,
                                        "message": "no prompt named 'summarize': prompts/list lists them (none here)"}
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info], caplog.text


def test_a_path_under_mcp_that_holds_no_server_is_a_404_naming_those_that_do(keyed):
    detail = _problem(keyed.post("/mcp/other", json={}, headers={"authorization": f"Bearer {USER}"}), 404)["detail"]
    assert "/mcp, /mcp/connector" in detail


def test_a_passage_page_shows_what_the_documents_hold_as_text_never_as_markup():
    hostile = Passage(id='p"1', text="<script>alert(1)</script>\n& more", citation=Citation(
        doc_id="d", title="Guide <b>", source="a&b.md", section="Retours", start=0, end=40,
        url="https://example.org/?a=1&b=2", label="Guide <b> › Retours"))
    page = render(hostile)
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;\n&amp; more" in page
    assert "<title>Guide &lt;b&gt; › Retours</title>" in page and "a&amp;b.md, characters 0–40" in page
    assert '<a href="https://example.org/?a=1&amp;b=2">' in page and "p&quot;1" in page
    # labelled in the corpus's language, English for one without labels
    french = render(hostile, "fr")
    assert '<html lang="fr">' in french and "a&amp;b.md, caractères 0–40" in french and "<dt>Lien</dt>" in french
    assert '<html lang="en">' in render(hostile, "el") and "characters 0–40" in render(hostile, "el")


def test_a_user_key_on_an_admin_route_is_forbidden_not_unauthenticated(keyed):
    forbidden = _problem(keyed.post("/v1/admin/reload", headers={"authorization": f"Bearer {USER}"}), 403)
    assert "RAG_ADMIN_KEYS" in forbidden["detail"]
    assert _problem(keyed.post("/v1/admin/reload", headers={"authorization": "Bearer nope"}), 401)


def test_503s_say_when_to_retry_and_name_the_index_folder_by_its_setting(bare, bare_settings):
    for response in (bare.post("/v1/search", json={"question": "retours"}), bare.get("/readyz")):
        detail = _problem(response, 503)["detail"]
        assert int(response.headers["retry-after"]) >= 1
        assert "no index in RAG_INDEX_DIR: run `rag ingest` first" in detail
        assert str(bare_settings.index_dir) not in response.text


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/schema/openapi.json", "/v1/documents", "/nowhere"])
def test_head_answers_what_get_would_without_the_body(bare, path, caplog):
    got = bare.get(path)
    with caplog.at_level(logging.INFO, logger="rag.access"):
        r = bare.head(path)
    assert r.status_code == got.status_code and r.content == b"" and got.content
    for header in ("content-type", "content-length", "retry-after"):
        assert r.headers.get(header) == got.headers.get(header), header
    assert [rec.message for rec in caplog.records if rec.name == "rag.access"] == [f"HEAD {path} {got.status_code}"]


def test_head_on_a_post_route_is_refused_with_the_methods_allowed(bare):
    r = bare.head("/v1/search")
    assert r.status_code == 405 and r.content == b""
    assert set(r.headers["allow"].split(", ")) == {"POST", "OPTIONS"}


@pytest.mark.parametrize("keys", ["clé-secrète", "key with space", "tab\tkey"])
def test_api_keys_a_header_cannot_carry_are_refused_at_start_up(keys, monkeypatch, capsys):
    from pydantic import ValidationError

    from rag import cli

    with pytest.raises(ValidationError, match="printable ASCII"):
        Settings(api_keys=keys)
    monkeypatch.setenv("RAG_ADMIN_KEYS", f"fine-key,{keys}")
    assert cli.main(["serve"]) == 6
    err = capsys.readouterr().err
    assert "RAG_ADMIN_KEYS" in err and "key 2" in err and keys not in err and "fine-key" not in err


def test_a_title_with_line_breaks_stays_one_source_line():
    from rag.schemas import Citation
    from rag.search.answer import markdown

    label = "Guide\n\n2. [Injected](https://evil.example)\n# Heading"
    citation = Citation(doc_id="d", title=label, source="d.md", section=None, start=0, end=1, label=label)
    sources = markdown("x", citation, []).split("Sources:\n", 1)[1]
    assert sources.count("\n") == 1 and sources.startswith("1. Guide 2. \\[Injected\\]")


def test_the_docs_say_not_to_truncate_a_served_build():
    from tests.helpers.paths import ROOT

    page = (ROOT / "docs" / "CORPUS_AND_INDEX.md").read_text(encoding="utf-8")
    index_section = page.split("\n## Index", 1)[1].split("\n## ", 1)[0]
    assert "SIGBUS" in index_section and "truncat" in index_section


def test_the_swagger_ui_page_loads_nothing_from_elsewhere(bare):
    import re

    page = bare.get("/schema")
    assert page.status_code == 200
    urls = re.findall(r"""(?:src|href)=['"]([^'"]+)""", page.text)
    assert urls and all(url.startswith("/schema/assets/") for url in urls), urls
    for url in urls:
        asset = bare.get(url)
        assert asset.status_code == 200 and len(asset.content) > 1000, url


ROUTES = [("GET", "/v1/documents"), ("GET", "/v1/passages/some-id"), ("POST", "/v1/search"),
          ("POST", "/v1/search/batch"), ("POST", "/mcp"), ("GET", "/healthz"), ("GET", "/schema/openapi.json")]


@pytest.mark.parametrize(("method", "path"), ROUTES)
@pytest.mark.parametrize("host", ["attacker.example", "attacker.example:8000", "127.0.0.1.attacker.example",
                                  "localhost.", ""])
def test_bound_to_loopback_every_route_refuses_a_foreign_host(bare, method, path, host):
    """DNS rebinding: a page whose name resolves to 127.0.0.1 makes the browser send its own name as Host."""
    r = bare.request(method, path, headers={"host": host}, json={"question": "x"} if method == "POST" else None)
    assert "RAG_ALLOWED_HOSTS" in _problem(r, 421)["detail"]


def test_a_request_without_host_is_told_to_send_one():
    """An HTTP/1.0 request may leave Host out; it was told "this server does not answer for host ''"."""
    check = HostCheckMiddleware(LOOPBACK, [], answer=lambda request, exc: Response(None))
    refused = check.refusal({"type": "http", "headers": [], "path": "/v1/documents"})
    assert refused is not None and refused.status_code == 421
    assert refused.detail == ("the request has no Host header: send one naming this server: it answers for 127.0.0.1, "
                              "localhost, ::1 (RAG_ALLOWED_HOSTS)")


def test_a_foreign_host_on_the_vector_store_routes_gets_their_error_shape(bare):
    r = bare.post("/v1/vector_stores/vs_1/search", headers={"host": "attacker.example"}, json={"query": "x"})
    assert r.status_code == 421 and r.headers["content-type"] == "application/json"
    assert "RAG_ALLOWED_HOSTS" in r.json()["error"]["message"]


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.1:8000", "localhost", "LOCALHOST:1", "[::1]", "[::1]:8000"])
def test_loopback_hosts_pass(bare, host):
    assert bare.get("/healthz", headers={"host": host}).status_code == 200


@pytest.mark.parametrize("host", ["fe80::1", "a:b", "10.0.0.1:80:90"])
@pytest.mark.parametrize("path", ["/healthz", "/v1/documents", "/metrics", "/mcp"])
def test_a_host_whose_port_is_no_number_is_a_400_that_says_why(bare, host, path, caplog):
    """Such a Host made every route a 500, two tracebacks logged a request: the request's URL could not be read
    (by the metrics, then the error handler)."""
    r = bare.get(path, headers={"host": host})
    assert r.status_code == 400 and r.headers["content-type"].startswith("application/problem+json"), r.text
    assert r.json()["detail"] == (f"the Host header {host!r} is not host[:port] (an IPv6 address goes in brackets, "
                                  "[fe80::1]; a port is digits)")
    assert not [rec for rec in caplog.records if rec.exc_info]


@pytest.mark.parametrize("origin", ["https://evil.example", "http://127.0.0.1.evil.example", "null",
                                   "http://localhost.evil.example:8000"])
def test_a_page_of_another_origin_cannot_fire_searches(bare, origin):
    r = bare.post("/v1/search", json={"question": "retours"}, headers={"origin": origin})
    assert "RAG_CORS_ORIGINS" in _problem(r, 403)["detail"]


@pytest.mark.parametrize("origin", ["http://127.0.0.1:8000", "http://localhost:3000", "https://[::1]"])
def test_pages_served_from_this_machine_may(bare, origin):
    assert bare.post("/v1/search", json={"question": "retours"}, headers={"origin": origin}).status_code == 503


@pytest.mark.parametrize("path", ["/v1/search", "/v1/search/batch"])
@pytest.mark.parametrize("content_type", ["text/plain", "text/plain; charset=utf-8",
                                          "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"])
def test_json_routes_refuse_bodies_that_are_not_said_to_be_json(bare, path, content_type):
    """`text/plain` is what a page may send anywhere without a CORS preflight."""
    r = bare.post(path, content=b'{"question": "retours", "questions": ["retours"]}',
                  headers={"content-type": content_type})
    assert "Content-Type: application/json" in _problem(r, 415)["detail"]


@pytest.mark.parametrize("path", ["/v1/search", "/v1/search/batch"])
def test_a_body_without_content_type_is_read_as_json(bare, path):
    """Scripts often post JSON without saying so; a page doing it across origins is refused by its Origin."""
    body = b'{"question": "retours"}' if path == "/v1/search" else b'{"questions": ["retours"]}'
    r = bare.post(path, content=body)
    assert r.status_code == 503  # parsed and valid: the bare app has no index to answer with
    foreign = bare.post(path, content=body, headers={"origin": "https://evil.example"})
    assert foreign.status_code == 403


@pytest.mark.parametrize(("bound", "allowed", "host", "passes"), [
    ("127.0.0.1", ["rag.example.org"], "rag.example.org:443", True),
    ("127.0.0.1", ["rag.example.org"], "localhost", False),
    ("127.0.0.1", ["*.example.org"], "eu.rag.example.org", True),
    ("127.0.0.1", ["*.example.org"], "example.org.evil", False),
    ("127.0.0.1", ["*"], "anything.example", True),
    ("0.0.0.0", [], "10.1.2.3:8000", True),  # a container behind its service: any host, unless listed
    ("0.0.0.0", ["rag.internal"], "10.1.2.3:8000", False),
    ("0.0.0.0", ["rag.internal"], "other.example", False),
])
def test_allowed_hosts_for_deployments(bare_settings, bound, allowed, host, passes):
    settings = bare_settings.model_copy(update={"host": bound, "allowed_hosts": allowed})
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as c:
        assert (c.get("/v1/documents", headers={"host": host}).status_code != 421) == passes


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/metrics"])
@pytest.mark.parametrize("bound", ["0.0.0.0", "127.0.0.1"])
def test_probes_and_metrics_answer_a_replica_reached_by_its_address(bare_settings, path, bound):
    """Docker's HEALTHCHECK asks 127.0.0.1, Kubernetes' probes and Prometheus the pod's IP: with RAG_ALLOWED_HOSTS
    naming the deployment's host, they got a 421, the container unhealthy and the pod restarted for ever. An address
    passes there (DNS rebinding sends a name); a name not listed, and an address on the other routes, do not."""
    settings = bare_settings.model_copy(update={"host": bound, "allowed_hosts": ["rag.example.org"]})
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as c:
        for host in ("127.0.0.1:8000", "10.1.2.3:8000", "[fd00::1]:8000"):
            assert c.get(path, headers={"host": host}).status_code != 421, host
            assert c.get("/v1/documents", headers={"host": host}).status_code == 421, host
        assert c.get(path, headers={"host": "attacker.example"}).status_code == 421
        assert c.get(path, headers={"host": "rag.example.org"}).status_code != 421


@pytest.mark.parametrize("path", ["/v1/search", "/mcp", "/mcp/connector"])
def test_a_client_gone_before_its_body_is_complete_is_a_499_not_a_server_error(bare_settings, caplog, path):
    """Litestar raises a 500 when the connection closes mid-body (the client left, or its stalled body was cut at
    RAG_BODY_TIMEOUT_SECONDS): logged and counted as a server error, it would page someone for a client's doing. The
    MCP SDK logged a ClientDisconnect traceback and answered 500: /mcp reads the body as the JSON routes do."""
    app = create_app(bare_settings)
    events = [{"type": "http.request", "body": b'{"question": "bon', "more_body": True}, {"type": "http.disconnect"}]
    sent: list[dict] = []

    async def receive() -> dict:
        return events.pop(0) if events else {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "", "state": {},
             "headers": [(b"host", b"127.0.0.1"), (b"content-type", b"application/json"), (b"content-length", b"99"),
                         (b"accept", b"application/json, text/event-stream")],
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 8000)}
    with TestClient(app) as client, caplog.at_level(logging.INFO):  # the lifespan runs the MCP transports
        client.blocking_portal.call(app, scope, receive, send)
    assert [m["status"] for m in sent if m["type"] == "http.response.start"] == [499]
    assert [r.status for r in caplog.records if r.name == "rag.access"] == [499]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_refused_host_is_logged_with_the_status_it_gets(bare, caplog):
    with caplog.at_level(logging.INFO):
        assert bare.get("/v1/documents", headers={"host": "attacker.example"}).status_code == 421
        assert bare.get("/v1/documents", headers={"origin": "https://evil.example"}).status_code == 403
    assert [r.status for r in caplog.records if r.name == "rag.access"] == [421, 403]


def test_a_host_header_that_is_no_host_name_says_so(bare):
    r = bare.get("/v1/documents", headers={"host": "bad host!"})
    assert r.status_code == 400 and r.json()["detail"] == "the Host header is not a valid host name (or host:port)"


@pytest.mark.parametrize(("path", "arguments"), [("/mcp", {"question": "retours"}),
                                                 ("/mcp/connector", {"query": "retours"})])
def test_mcp_tool_errors_name_the_index_folder_by_its_setting(bare, bare_settings, path, arguments):
    r = bare.post(path, json={"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                              "params": {"name": "search", "arguments": arguments}},
                  headers={"accept": "application/json, text/event-stream"})
    result = r.json()["result"]
    assert result["isError"] and "no index in RAG_INDEX_DIR" in result["content"][0]["text"], result
    assert str(bare_settings.index_dir) not in r.text


def test_every_error_the_openapi_document_declares_is_a_problem_outside_the_openai_routes(bare):
    """Litestar declared a 400 of its own shape ({status_code, detail}) on the GET routes with parameters, which
    answer a bad parameter with a 422 problem: a client generated from the document would get a type never sent."""
    paths = bare.get("/schema/openapi.json").json()["paths"]
    declared = [(method, path, status, sorted(response.get("content", {})))
                for path, item in paths.items() for method, operation in item.items()
                for status, response in operation["responses"].items() if status[0] in "45"]
    assert {(m, p) for m, p, *_ in declared} >= {("get", "/v1/documents"), ("post", "/v1/search")}
    assert [d for d in declared if not d[1].startswith("/v1/vector_stores")
            and d[3] != ["application/problem+json"]] == []
    assert ("get", "/v1/documents", "422", ["application/problem+json"]) in declared
    # the OpenAI-compatible routes keep OpenAI's error shape, their own 400 included
    assert ("post", "/v1/vector_stores/{vector_store_id}/search", "400", ["application/json"]) in declared


@pytest.mark.parametrize(("path", "body"), [
    ("/v1/search", {"question": "retours", "k": 3.0}), ("/v1/search/batch", {"questions": ["retours"], "k": 3.0}),
    ("/v1/vector_stores/vs_index/search", {"query": "a", "max_num_results": 3.0})])
def test_a_count_sent_as_a_number_without_fraction_is_taken(bare, path, body):
    """JSON Schema's "integer" takes 3.0, and some clients send every number so (Gemini's function calls): strict
    validation answered "k: must be an integer", to a request the OpenAPI document says is valid. A fraction is
    still refused. (The bare app has no index: a valid body gets its 503, or 404 for the index's vector store.)"""
    assert bare.post(path, json=body).status_code in (503, 404)
    field = "k" if "k" in body else "max_num_results"
    assert bare.post(path, json={**body, field: 3.5}).status_code in (400, 422)
