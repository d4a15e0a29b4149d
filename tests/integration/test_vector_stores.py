"""The vector store routes' errors: every error under `/v1/vector_stores` is an OpenAI error body (`{"error": {message,
type, param, code}}`) whose message names what to fix, with the statuses and headers of the rest of the API; every
other route keeps its problem details. (The routes themselves, through the `openai` client:
tests/system/test_openai_client.py.)"""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from rag.http.app import create_app
from rag.settings import Settings

QUESTION = "Quels documents d’identité acceptez-vous ?"
JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def app_settings(settings: Settings) -> Settings:
    """A small body limit and a small batch, to reach them."""
    return settings.model_copy(update={"max_body_bytes": 4096, "batch_max": 3, "reload_poll_seconds": 0})


@pytest.fixture(scope="module")
def search_path(settings: Settings) -> str:
    return f"/v1/vector_stores/vs_{settings.index_dir.name}/search"


def openai_error(response, status: int, param: str | None = None) -> str:
    """The message of an OpenAI error body, after checking its status and shape."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"message", "type", "param", "code"}
    error = body["error"]
    assert error["type"] == ("server_error" if status >= 500 else "invalid_request_error")
    assert error["param"] == param and error["message"]
    assert "Traceback" not in response.text
    return error["message"]


@pytest.mark.parametrize(("body", "param", "needle"), [
    ({"query": QUESTION, "max_num_results": 0}, "max_num_results", "max_num_results: must be at least 1"),
    ({"query": QUESTION, "max_num_results": 51}, "max_num_results", "max_num_results: must be at most 50"),
    ({"query": QUESTION, "max_num_results": "5"}, "max_num_results", "max_num_results: must be an integer"),
    ({"query": ""}, "query", "query: is empty or only whitespace"),
    ({"query": []}, "query", "query: must not be empty"),
    ({"query": 7}, "query", "query: must be a JSON string"),
    ({"query": "-- ?!"}, "query", "query: has no letter or digit"),
    ({"query": [QUESTION, "abc \x00"]}, "query[1]", "query[1]: contains control"),
    ({"query": ["-- ?!"]}, "query[0]", "query[0]: has no letter or digit"),
    ({"query": [QUESTION] * 4}, "query", "query: at most 3 questions (got 4)"),
    ({"query": "é" * 2001}, "query", "at most 2000 characters"),
    ({"query": QUESTION, "top_k": 3}, "top_k", "top_k"),
    ({"query": QUESTION, "ranking_options": {"score_threshold": 1.5}}, "ranking_options.score_threshold", "1"),
    ({"query": QUESTION, "ranking_options": {"ranker": "best"}}, "ranking_options.ranker", "auto"),
    ({"query": QUESTION, "filters": {"key": "page", "type": "between", "value": 3}}, "filters.type", "eq"),
    ({"query": QUESTION, "filters": {"type": "and", "filters": [{"key": "page", "type": "eq"}]}},
     "filters.filters[0].value", "required"),
    ({"query": QUESTION, "filters": {"type": "and", "filters": [{"key": "page", "type": "gt", "value": "3"}]}},
     "filters.filters[0].value", "page is a number"),
    ({"query": QUESTION, "filters": {"key": "author", "type": "eq", "value": "x"}}, "filters.key",
     "no attribute 'author'; filters take file_id, filename, title, url, passage_id, section, page, start, end"),
])
def test_bad_search_bodies_are_422s_naming_the_field(client, search_path, body, param, needle):
    assert needle in openai_error(client.post(search_path, json=body), 422, param)


@pytest.mark.parametrize("value", [None, {"a": 1}, [{"a": 1}], [["x"]]])
def test_a_comparison_value_of_no_type_it_takes_is_said_in_one_rule(client, search_path, value):
    """The union of the value's types said one error per branch, under the validator's names for them:
    "filters.value.float: must be a number; ...; filters.value[union[str,float]][0]: must be a JSON string"."""
    body = {"query": QUESTION, "filters": {"type": "or", "filters": [{"key": "page", "type": "in", "value": value}]}}
    said = openai_error(client.post(search_path, json=body), 422, "filters.filters[0].value")
    assert said == ("filters.filters[0].value: must be a string, a number or true or false (for in and nin, a list "
                    "of strings and numbers)")


def test_a_filter_nested_beyond_its_bounds_is_a_422_not_a_crash(client, search_path):
    node: dict = {"key": "page", "type": "eq", "value": 1}
    for _ in range(100):
        node = {"type": "and", "filters": [node]}
    response = client.post(search_path, json={"query": QUESTION, "filters": node})
    assert response.status_code == 422 and len(response.text) < 1000
    assert "filters nest at most 8 deep" in openai_error(response, 422, response.json()["error"]["param"])
    assert response.json()["error"]["param"].startswith("filters.filters[0]")


@pytest.mark.parametrize(("raw", "status", "needle"), [
    (b"{not json", 400, "not valid JSON"), (b"", 400, "empty"), (b"[1]", 422, "JSON object")])
def test_malformed_bodies(client, search_path, raw, status, needle):
    assert needle in openai_error(client.post(search_path, content=raw, headers=JSON), status)


def test_the_limits_of_the_api_hold_in_openai_shape(client, search_path):
    padded = {"query": QUESTION, "pad": "x" * 5000}
    response = client.post(search_path, json=padded)
    assert "RAG_MAX_BODY_BYTES" in openai_error(response, 413)
    assert response.json()["error"]["code"] == "request_too_large"
    plain = client.post(search_path, content=b'{"query": "x"}', headers={"content-type": "text/plain"})
    assert "application/json" in openai_error(plain, 415)


def test_unknown_stores_routes_and_methods_under_the_prefix(client, settings):
    served = f"vs_{settings.index_dir.name}"
    missing = client.get("/v1/vector_stores/vs_other")
    assert served in openai_error(missing, 404) and missing.json()["error"]["code"] == "not_found"
    assert "no route" in openai_error(client.get(f"/v1/vector_stores/{served}/files"), 404)
    assert "DELETE" in openai_error(client.delete(f"/v1/vector_stores/{served}"), 405)
    assert "limit" in openai_error(client.get("/v1/vector_stores?limit=0"), 422, "limit")
    # the rest of the API keeps problem details
    other = client.post("/v1/search", json={"question": QUESTION, "k": 0})
    assert other.status_code == 422 and other.headers["content-type"].startswith("application/problem+json")
    assert client.get("/v1/vector_storesX").headers["content-type"].startswith("application/problem+json")


def test_a_wrong_key_is_a_401_in_openai_shape(searcher, settings):
    keyed = settings.model_copy(update={"api_keys": ["the-key-0123456789"], "reload_poll_seconds": 0})
    with TestClient(create_app(keyed, searcher=searcher), base_url="http://127.0.0.1") as c:
        response = c.get("/v1/vector_stores", headers={"Authorization": "Bearer wrong"})
        assert "invalid API key" in openai_error(response, 401)
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["error"]["code"] == "invalid_api_key"
        assert c.get("/v1/vector_stores", headers={"Authorization": "Bearer the-key-0123456789"}).status_code == 200


def test_without_an_index_the_store_is_a_503_saying_why(tmp_path):
    settings = Settings(index_dir=tmp_path / "none", corpus_dir=tmp_path, reload_poll_seconds=0)
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as c:
        response = c.get("/v1/vector_stores")
        assert "rag ingest" in openai_error(response, 503) and response.headers["retry-after"]
        assert response.json()["error"]["code"] == "unavailable"
        searched = c.post("/v1/vector_stores/vs_none/search", json={"query": QUESTION})
        assert "rag ingest" in openai_error(searched, 503)


def test_a_search_without_max_num_results_takes_at_most_the_server_s_k_max(settings, searcher, search_path):
    small = settings.model_copy(update={"k_max": 3, "reload_poll_seconds": 0})
    with TestClient(create_app(small, searcher=searcher), base_url="http://127.0.0.1") as client:
        answered = client.post(search_path, json={"query": QUESTION})
        assert answered.status_code == 200 and len(answered.json()["data"]) == 3  # OpenAI's 10, within k_max
        refused = client.post(search_path, json={"query": QUESTION, "max_num_results": 4})
        assert "at most 3" in openai_error(refused, 422, "max_num_results")


def test_the_openapi_document_lists_the_attributes_a_filter_compares(client):
    """The filter's `key` was any string by the schema, and every attribute but nine a 422 (schemathesis's finding):
    a client generated from the schema now offers the nine."""
    import jsonschema

    document = client.get("/schema/openapi.json").json()
    key = document["components"]["schemas"]["Comparison"]["properties"]["key"]
    assert set(key["enum"]) == {"file_id", "filename", "title", "url", "passage_id", "section", "page", "start", "end"}
    compared = jsonschema.Draft202012Validator({"$ref": "#/components/schemas/Comparison", **document})
    assert compared.is_valid({"key": "file_id", "type": "eq", "value": "x"})
    assert not compared.is_valid({"key": "author", "type": "eq", "value": "x"})
