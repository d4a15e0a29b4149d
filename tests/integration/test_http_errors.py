"""Bad input over HTTP: every case is a 4xx problem body whose detail names what to fix, never a 500 or a trace."""

import gzip
import json

import pytest

from rag.settings import Settings

QUESTION = "Quels documents d’identité acceptez-vous ?"
JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def app_settings(settings: Settings) -> Settings:
    """A small body limit, to reach it."""
    return settings.model_copy(update={"max_body_bytes": 4096, "reload_poll_seconds": 0})


def problem(response, status: int) -> dict:
    """The problem body of `response`, after checking its status and shape, and that it leaks no internals."""
    assert response.status_code == status, response.text
    if response.request.url.path.startswith("/mcp"):  # a JSON-RPC error there, holding the problem (rag.http.mcp)
        assert response.headers["content-type"] == "application/json"
        body = response.json()["error"]["data"]
    else:
        assert response.headers["content-type"].startswith("application/problem+json")
        body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    assert "Traceback" not in response.text and 'File "' not in response.text
    # a 422 names each field it refuses in `errors`, whether a schema or a rule refused it; nothing else has `errors`
    if status == 422:
        assert body["errors"] and all(e["key"] and e["message"] for e in body["errors"]), body
    else:
        assert "errors" not in body, body
    return body


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"question": ""}, "question"),
        ({"question": " \t\n "}, "question"),
        ({"question": "é" * 2001}, "at most 2000 characters"),
        ({"question": "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"}, "non-text characters"),
        ({"question": "abc \x7f\x80\x9f def"}, "non-text characters"),
        ({"question": "abc \ufffd def"}, "non-text characters"),
        ({"question": "abc \uffff"}, "non-text characters"),
        ({"question": "-- ?! ..."}, "no letter or digit"),
        ({"question": QUESTION, "k": 0}, "k"),
        ({"question": QUESTION, "k": -3}, "k"),
        ({"question": QUESTION, "k": 51}, "k: must be at most 50"),
        ({"question": QUESTION, "k": 10**30}, "k: must be at most 50 (got 100000000000... (31 digits))"),
        ({"question": QUESTION, "k": 10**19}, "k: must be at most 50 (got 10000000000000000000)"),
        ({"question": QUESTION, "k": "5"}, "k"),
        ({"question": QUESTION, "k": 2.5}, "k"),
        ({"question": QUESTION, "k": True}, "k"),
        ({"question": QUESTION, "explain": "yes"}, "explain"),
        ({"question": QUESTION, "mode": 1}, "mode"),
        ({"question": ["a", "b"]}, "question"),
        ({"question": {"text": "a"}}, "question"),
        ({"question": None}, "question"),
        ({"question": QUESTION, "top_k": 3}, "top_k"),
        ({"questions": [QUESTION]}, "questions"),
    ],
)
def test_bad_search_bodies_are_422_naming_the_field(client, body, needle):
    assert needle in problem(client.post("/v1/search", json=body), 422)["detail"]


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"questions": []}, "questions"),
        ({"questions": [QUESTION] * 65}, "at most 64"),
        ({"questions": [QUESTION, "  "]}, "questions[1]: is empty"),
        ({"questions": [QUESTION, "ok \x00"]}, "questions[1]"),
        ({"questions": ["?!"]}, "questions[0]: has no letter or digit"),  # a batch of one names its list too
        ({"questions": [QUESTION, 3]}, "questions[1]: must be a question"),
        ({"questions": QUESTION}, "questions"),
        ({"questions": [QUESTION], "k": 51}, "k: must be at most 50"),
        ({"questions": [QUESTION], "question": QUESTION}, "question"),
    ],
)
def test_bad_batch_bodies_are_422_naming_the_field(client, body, needle):
    assert needle in problem(client.post("/v1/search/batch", json=body), 422)["detail"]


# A field a route does not take, sent by a likely mistake: the message names the field meant, or where it goes
# (`rag.http.fields`), not only pydantic's "Extra inputs are not permitted".
@pytest.mark.parametrize(
    ("path", "body", "said"),
    [
        # the single route's `context` sent at the top of a batch, where it goes with each question
        ("/v1/search/batch", {"questions": [QUESTION], "context": ["x"]},
         'context: unknown field here: `context` is a field of each item of `questions`: questions[i] = '
         '{"question": "...", "context": [...]}'),
        ("/v1/search/batch", {"question": QUESTION}, "question: unknown field: did you mean `questions`?"),
        ("/v1/search/batch", {"questions": [QUESTION], "top_k": 3}, "top_k: unknown field: did you mean `k`?"),
        ("/v1/search/batch", {"questions": [{"question": QUESTION, "k": 3}]},
         "questions[0].k: unknown field here: `k` is a field of the body (its top level)"),
        # a misspelling of a field of another place
        ("/v1/search/batch", {"questions": [{"question": QUESTION, "expalin": True}]},
         "questions[0].expalin: unknown field here: `explain` is a field of the body (its top level)"),
        ("/v1/search/batch", {"questions": [{"query": QUESTION}]},
         "questions[0].query: unknown field: did you mean `question`?"),
        ("/v1/search/batch", {"questions": [{"question": QUESTION, "sauce": 1}]},
         "questions[0].sauce: unknown field: the fields of each item of `questions` are question, context"),
        ("/v1/search", {"questions": [QUESTION]},
         "questions: unknown field: did you mean `question`? (`questions` is a field of POST /v1/search/batch)"),
        ("/v1/search", {"query": QUESTION}, "query: unknown field: did you mean `question`?"),
        # the field it likely means is sent too: nothing to rename
        ("/v1/search", {"question": QUESTION, "query": QUESTION},
         "query: unknown field (`question`, which it likely means, is given too)"),
        ("/v1/search/batch", {"questions": [{"question": QUESTION, "query": QUESTION}]},
         "questions[0].query: unknown field (`question`, which it likely means, is given too)"),
        ("/v1/search", {"question": QUESTION, "max_num_results": 3}, "max_num_results: unknown field: did you mean "
                                                                      "`k`?"),
        ("/v1/search", {"question": QUESTION, "contexts": ["a"]}, "contexts: unknown field: did you mean `context`?"),
        ("/v1/search", {"question": QUESTION, "filters": {}}, "filters: unknown field: did you mean `filter`?"),
        ("/v1/search", {"question": QUESTION, "doc_ids": ["a"]},
         'doc_ids: unknown field here: `doc_ids` is a field of `filter`: filter = {"doc_ids": [...]}'),
        ("/v1/search", {"question": QUESTION, "filter": {"source": ["a"]}},
         "filter.source: unknown field: did you mean `sources`?"),
        ("/v1/search", {"question": QUESTION, "sauce": 1},
         "sauce: unknown field: the fields of the body (its top level) are question, context, k, mode, explain, "
         "filter"),
    ],
)
def test_an_unknown_field_is_said_with_the_field_meant(client, path, body, said):
    answer = problem(client.post(path, json=body), 422)
    assert said in answer["detail"]
    key, message = said.split(": ", 1)
    assert any(e["key"] == key and e["message"].startswith(message) for e in answer["errors"]), answer  # OpenAI's param


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ({"query": QUESTION, "k": 3}, "k: unknown field: did you mean `max_num_results`?"),
        ({"question": QUESTION}, "question: unknown field: did you mean `query`?"),
        ({"query": QUESTION, "ranking_options": {"treshold": 1}},
         "ranking_options.treshold: unknown field: the fields of `ranking_options` are ranker, score_threshold"),
        ({"query": QUESTION, "filters": {"type": "eq", "key": "a", "value": "b", "sauce": 1}},
         "filters.sauce: unknown field: the fields of `filters` are"),  # a tagged union's member, named by its tag
        # the field meant here, and no other place whose field is only a synonym (a compound filter's `filters`)
        ({"query": QUESTION, "filter": {}}, "filter: unknown field: did you mean `filters`? (`filter` is a field of "
                                            "POST /v1/search)"),
        # a comparison's `filters` is a compound filter's, not the top level's (where this filter already is)
        ({"query": QUESTION, "filters": {"type": "eq", "key": "a", "value": "b", "filters": []}},
         'filters.filters: unknown field here: `filters` is a field of `filters`: filters = {"type": ..., '
         '"filters": [...]}'),
    ],
)
def test_an_unknown_field_of_the_openai_route_is_said_in_its_error_shape(client, app_settings, body, said):
    r = client.post(f"/v1/vector_stores/vs_{app_settings.index_dir.name}/search", json=body)
    assert r.status_code == 422 and said in r.json()["error"]["message"], r.text


def test_a_field_meant_here_is_not_said_elsewhere_by_a_synonym(client, app_settings):
    """A compound filter's `filter` means its `filters`, not the top level's (a synonym there too)."""
    body = {"query": QUESTION, "filters": {"type": "and", "filter": []}}
    r = client.post(f"/v1/vector_stores/vs_{app_settings.index_dir.name}/search", json=body)
    assert r.json()["error"]["message"].endswith("filters.filter: unknown field: did you mean `filters`?"), r.text


def test_an_unknown_field_s_name_is_cut_to_100_characters(client):
    """A key of 1 MB was echoed whole in `errors[].key` and in the message."""
    answer = problem(client.post("/v1/search", json={"question": QUESTION, "q" * 3000: 1}), 422)
    assert [e["key"] for e in answer["errors"]] == ["q" * 100 + "..."]
    assert len(answer["detail"]) < 400


def test_only_the_first_unknown_fields_of_a_body_are_looked_into(client):
    """A body of thousands of unknown fields costs no more than pydantic's own refusal of them."""
    body = {"question": QUESTION, **{f"top_{i}": 1 for i in range(50)}}
    messages = [e["message"] for e in problem(client.post("/v1/search", json=body), 422)["errors"]]
    assert len(messages) == 50 and messages[10:] == ["unknown field"] * 40 and all(m != "unknown field"
                                                                                   for m in messages[:10])


@pytest.mark.parametrize(
    ("raw", "status", "needle"),
    [
        (b'{"question": ', 400, "not valid JSON"),
        (b"{'question': 'x'}", 400, "not valid JSON"),
        (b'{"question": "\\ud800 lone surrogate"}', 400, "not valid JSON"),
        (b"\xff\xfe\x00binary", 400, "not valid JSON"),
        (b"", 400, "not valid JSON"),
        (b"[1, 2]", 422, "JSON object"),
        (b'"just a string"', 422, "JSON object"),
        (b"null", 422, "JSON object"),
    ],
)
def test_malformed_bodies(client, raw, status, needle):
    assert needle in problem(client.post("/v1/search", content=raw, headers=JSON), status)["detail"]


@pytest.mark.parametrize(("raw", "said"), [
    (b'{"question": "horaires", "k": 1e400}', "a number is out of range (beyond what a 64-bit float holds"),
    (b'{"question": "horaires", "context": [', "it ends before its JSON value does (a string, object or list left"),
    ('{"question": "café"}'.encode("latin-1"), "it holds bytes that are not UTF-8: JSON is sent in UTF-8"),
])
@pytest.mark.parametrize("path", ["/v1/search", "/v1/vector_stores/{store}/search"])
def test_a_body_the_decoder_cannot_read_is_said_in_the_api_words(client, app_settings, raw, said, path):
    """The decoder said "Number out of range - at `$[...]`", a path naming no field, "Input data was truncated" and
    "Invalid UTF-8 encoded string" (of a body in Latin-1 whatever charset it named): what to fix instead."""
    path = path.format(store=f"vs_{app_settings.index_dir.name}")
    response = client.post(path, content=raw, headers={"content-type": "application/json; charset=iso-8859-1"})
    assert response.status_code == 400, response.text
    body = response.json()
    detail = body["detail"] if "detail" in body else body["error"]["message"]
    assert detail.startswith(f"the request body is not valid JSON: {said}"), detail
    assert "$[" not in detail and "Input data" not in detail


@pytest.mark.parametrize(("encoding", "needle"), [
    ("utf-8-sig", "byte order mark (EF BB BF): send UTF-8 without one"),
    ("utf-16", "UTF-16 or UTF-32 (a byte order mark, FF FE)"),
    ("utf-16-be", "UTF-16 or UTF-32 (zero bytes where it begins)"),
    ("utf-32-le", "UTF-16 or UTF-32 (zero bytes where it begins)"),
])
def test_a_body_not_in_utf8_says_which_encoding_it_is(client, encoding, needle):
    """msgspec said "invalid character (byte 0)" of each: JSON is UTF-8, without a byte order mark (RFC 8259)."""
    raw = json.dumps({"question": QUESTION}, ensure_ascii=False).encode(encoding)
    assert needle in problem(client.post("/v1/search", content=raw, headers=JSON), 400)["detail"]


@pytest.mark.parametrize("path", ["/v1/search", "/mcp"])
@pytest.mark.parametrize("coding", ["gzip", "br", "GZIP, identity"])
def test_a_compressed_body_is_a_415_saying_to_send_it_uncompressed(client, path, coding):
    """It was read as JSON all the same: "the request body is not valid JSON: invalid character (byte 0)"."""
    raw = gzip.compress(b'{"question": "carte de sejour"}')
    response = client.post(path, content=raw, headers={**JSON, "content-encoding": coding})
    assert f"Content-Encoding: {coding.lower()}" in problem(response, 415)["detail"]
    assert response.headers["accept-encoding"] == "identity"


def test_a_body_said_to_be_sent_as_it_is_is_read(client):
    response = client.post("/v1/search", json={"question": QUESTION}, headers={"content-encoding": "identity"})
    assert response.status_code == 200, response.text


def test_body_over_the_size_limit_is_413_with_the_limit(client):
    padded = {"question": QUESTION, "pad": "x" * 5000}
    assert "4,096 bytes (RAG_MAX_BODY_BYTES)" in problem(client.post("/v1/search", json=padded), 413)["detail"]
    body = b'{"questions": [' + b",".join([b'"' + b"q" * 100 + b'"'] * 60) + b"]}"
    assert "RAG_MAX_BODY_BYTES" in problem(client.post("/v1/search/batch", content=body, headers=JSON), 413)["detail"]


@pytest.mark.parametrize("path", ["/", "/v2/search", "/v1/searches", "/v1/search/batch/extra", "/admin/reload"])
def test_unknown_routes_are_404_problems(client, path):
    detail = problem(client.get(path), 404)["detail"]
    assert "/schema/openapi.json" in detail


@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("GET", "/v1/search", "POST"), ("DELETE", "/v1/search", "POST"), ("PUT", "/v1/search/batch", "POST"),
    ("POST", "/v1/passages/some-id", "GET"), ("POST", "/healthz", "GET"), ("GET", "/v1/admin/reload", "POST")])
def test_wrong_methods_are_405_problems_saying_what_is_allowed(client, method, path, allowed):
    response = client.request(method, path)
    detail = problem(response, 405)["detail"]
    assert method in detail and allowed in detail and allowed in response.headers["allow"]


@pytest.mark.parametrize("passage_id", [
    "..%2F..%2Fetc%2Fpasswd", "..%2f..%2fmanifest.json", "%2e%2e%2f%2e%2e%2fvectors.faiss", "../../etc/passwd",
    "..%5C..%5Cwindows", "%00", "a%00b", "..", "%2e%2e"])
def test_passage_ids_with_path_tricks_are_404s_that_read_no_file(client, passage_id):
    response = client.get(f"/v1/passages/{passage_id}")
    body = problem(response, 404)
    assert "root:" not in response.text and "format_version" not in response.text
    assert "passage" in body["detail"] or "no route" in body["detail"]
    assert len(response.content) < 2000  # an absurd id is not echoed back in full


def test_valid_requests_still_pass(client):
    r = client.post("/v1/search", json={"question": "  " + QUESTION + "\n", "k": 1})
    assert r.status_code == 200 and r.json()["question"] == QUESTION
    assert r.headers["rag-index-build"]
    passage = client.get(f"/v1/passages/{r.json()['passages'][0]['id']}")
    # the build that answered, as on every route that reads the index
    assert passage.status_code == 200 and passage.headers["rag-index-build"] == r.headers["rag-index-build"]
