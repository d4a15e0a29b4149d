"""A refused field's rule said in the API's words (`rag.http.rules`), never in its validators': what the schemathesis
run of `test_api_properties` cannot see, since a 422 that says "Input should be a valid dictionary or instance of
SearchFilter" conforms to the schema all the same."""

from __future__ import annotations

import re
from typing import Any

import pytest

QUESTION = "Quels documents d’identité acceptez-vous ?"
# the validators' own words: a Python class, their jargon, a type the client never sent
JARGON = re.compile(r"Input should|Expected `|instance of|after validation|Invalid enum|Extra inputs|should have|"
                    r"Field required")


def _said(response) -> str:
    """What an error body says: a problem's `detail`, or an OpenAI error's `message`."""
    body = response.json()
    return body["detail"] if "detail" in body else body["error"]["message"]


@pytest.mark.parametrize(("url", "said"), [
    ("/v1/documents?limit=abc", "limit: must be an integer (got 'abc')"),
    ("/v1/documents?limit=0", "limit: must be at least 1 (got '0')"),
    ("/v1/documents?limit=5000", "limit: must be at most 1000 (got '5000')"),
    ("/v1/documents?offset=-1", "offset: must be at least 0 (got '-1')"),
    ("/v1/documents?source=" + "a" * 5000, "source: at most 4096 characters (got 5000)"),
    ("/v1/passages/" + "a" * 5000, "passage_id: at most 4196 characters (got 5000)"),
    ("/v1/vector_stores?order=newest", "order: must be one of asc, desc (got 'newest')"),
    ("/v1/vector_stores?order=" + "x" * 5000, "order: must be one of asc, desc (got '" + "x" * 100 + "...')"),
])
def test_a_bad_parameter_says_the_rule_and_the_value_sent(client, url, said):
    r = client.get(url)
    assert r.status_code == 422 and _said(r) == said, r.text


@pytest.mark.parametrize(("path", "body", "said"), [
    ("/v1/search", {"question": QUESTION, "filter": "guide"},
     'filter: must be a JSON object: {"doc_ids": [...], "sources": [...]}'),
    ("/v1/search", {"question": QUESTION, "k": 0}, "k: must be at least 1"),
    ("/v1/search", {"question": QUESTION, "k": "5"}, "k: must be an integer"),
    ("/v1/search", {"question": QUESTION, "explain": "yes"}, "explain: must be true or false"),
    ("/v1/search", {"question": QUESTION, "mode": "fast"}, "mode: must be 'hybrid', 'dense' or 'lexical'"),
    ("/v1/search", {"question": QUESTION, "context": "horaires ?"}, "context: must be a JSON list"),
    ("/v1/search", {"question": QUESTION, "context": ["a"] * 6}, "context: at most 5 items (got 6)"),
    ("/v1/search", {"question": QUESTION, "filter": {"doc_ids": []}}, "filter.doc_ids: must not be empty"),
    ("/v1/search", {"question": 5}, "question: must be a JSON string"),
    ("/v1/search/batch", {"questions": []}, "questions: must not be empty"),
])
def test_a_bad_body_field_says_the_rule_in_the_api_words(client, path, body, said):
    r = client.post(path, json=body)
    assert r.status_code == 422 and said in _said(r), r.text
    assert said.split(": ", 1)[1] in [e["message"] for e in r.json()["errors"]]


WRONG = [None, "", -1, 0, 10**30, 2.5, True, [], {}, ["x"], {"x": 1}, "x" * 5000]


def _bodies(spec: dict[str, Any], path: str, good: dict[str, Any]) -> list[dict[str, Any]]:
    """`good` with each of its route's fields (as the OpenAPI document lists them) set to each wrong value."""
    operation = spec["paths"][path]["post"]
    reference = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    fields = spec["components"]["schemas"][reference.rsplit("/", 1)[1]]["properties"]
    return [{**good, name: value} for name in fields for value in WRONG]


def test_no_refusal_of_any_route_speaks_the_validators_words(client, settings):
    """Every route of the OpenAPI document, each field of each body and each query parameter set to values of the
    wrong type and range: every refusal is a 4xx whose message is the API's."""
    spec = client.get("/schema/openapi.json").json()
    store = f"vs_{settings.index_dir.name}"
    good = {"/v1/search": {"question": QUESTION}, "/v1/search/batch": {"questions": [QUESTION]},
            "/v1/vector_stores/{vector_store_id}/search": {"query": QUESTION}}
    refused = []
    for path, operations in spec["paths"].items():
        url = path.replace("{vector_store_id}", store).replace("{passage_id}", "x")
        if path in good:
            for body in [*_bodies(spec, path, good[path]), {}]:  # {}: each required field missing
                r = client.post(url, json=body)
                refused += [(path, body, r)] if r.status_code != 200 else []
        for parameter in operations.get("get", {}).get("parameters", []):
            if parameter["in"] == "query":
                for value in ["abc", "-1", "1.5", "", str(10**30), "x" * 5000]:
                    r = client.get(url, params={parameter["name"]: value})
                    refused += [(path, {parameter["name"]: value}, r)] if r.status_code != 200 else []
    assert len(refused) > 150  # the sweep reached the validators
    for path, sent, r in refused:
        assert 400 <= r.status_code < 500, (path, sent, r.text)
        assert not JARGON.search(r.text), (path, str(sent)[:200], _said(r)[:300])
        assert len(r.content) < 4000, (path, str(sent)[:200])  # a value sent is shown shortened
