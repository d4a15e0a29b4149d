"""API contract through Litestar's test client, over the real model and index."""

import shutil

import pytest
from litestar.testing import TestClient

from rag.http.app import create_app
from rag.index.store import Index
from rag.search.searcher import Searcher
from rag.settings import Settings

QUESTION = "Quels documents d’identité acceptez-vous ?"


def test_search_returns_the_faq_entry_with_citation(client):
    r = client.post("/v1/search", json={"question": QUESTION})
    assert r.status_code == 200
    body = r.json()
    assert body["question"] == QUESTION and body["mode"] == "hybrid"
    assert len(body["passages"]) == 5
    top = body["passages"][0]
    assert "carte de séjour" in top["text"]
    assert top["rank"] == 1
    assert top["citation"]["source"] == "sequra-faq-marchands.txt"
    assert top["citation"]["section"].startswith("Quel document")
    assert body["model"] and body["took_ms"] >= 0


def test_k_and_modes(client):
    for mode in ("hybrid", "dense", "lexical"):
        r = client.post("/v1/search", json={"question": "remboursement", "k": 2, "mode": mode, "explain": True})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["mode"] == mode and len(body["passages"]) <= 2
        assert body["passages"][0]["explain"] is not None


@pytest.mark.parametrize("question", ["eeeee", "ÉÉÉÉÉ ?", f"{QUESTION} éééééé"])
def test_a_word_that_stems_to_nothing_is_searched_like_any_other(client, question):
    # French stemming trims final e's: these once stemmed to bm25s's padding term and failed every search with a 500
    for mode in ("hybrid", "dense", "lexical"):
        r = client.post("/v1/search", json={"question": question, "mode": mode})
        assert r.status_code == 200, r.text
    r = client.post("/v1/search/batch", json={"questions": [question, QUESTION], "k": 1})
    assert r.status_code == 200, r.text
    assert "carte de séjour" in r.json()["results"][1]["passages"][0]["text"]


def test_batch_answers_in_order(client):
    questions = ["Quels documents d’identité acceptez-vous ?", "loi Châtel renouvellement abonnement"]
    r = client.post("/v1/search/batch", json={"questions": questions, "k": 1})
    assert r.status_code == 200
    results = r.json()["results"]
    assert [x["question"] for x in results] == questions
    assert "carte de séjour" in results[0]["passages"][0]["text"]
    assert "loi Châtel" in results[1]["passages"][0]["text"]


def test_a_batch_s_time_is_said_to_be_every_result_s(client):
    """Its questions share model calls: each result carries the batch's time, and the schema says so."""
    r = client.post("/v1/search/batch", json={"questions": ["délai de remboursement", QUESTION], "k": 1}).json()
    assert {x["took_ms"] for x in r["results"]} == {r["took_ms"]}
    schemas = client.get("/schema/openapi.json").json()["components"]["schemas"]
    assert "In a batch, the whole batch's time" in schemas["SearchResponse"]["properties"]["took_ms"]["description"]


def test_passage_by_id(client):
    hit = client.post("/v1/search", json={"question": QUESTION, "k": 1}).json()["passages"][0]
    r = client.get(f"/v1/passages/{hit['id']}")
    assert r.status_code == 200
    assert r.json() == {"id": hit["id"], "text": hit["text"], "citation": hit["citation"], "table_header": None}
    missing = client.get("/v1/passages/nope")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert "nope" in missing.json()["detail"]


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"  # what Firefox and Chrome send


def test_a_stale_link_to_a_passage_page_tells_a_person_it_no_longer_exists(client):
    """A passage's page, linked by a connector, whose document was edited and ingested again: a browser got the raw
    JSON problem. It gets a page saying so, in the corpus's language (the seed's is French), linking nowhere; an API
    client still gets the problem."""
    hit = client.post("/v1/search", json={"question": QUESTION, "k": 1}).json()["passages"][0]
    assert client.get(f"/passages/{hit['id']}", headers={"accept": BROWSER}).status_code == 200
    stale = client.get("/passages/aide-1234567890", headers={"accept": BROWSER})
    assert stale.status_code == 404 and stale.headers["content-type"].startswith("text/html")
    assert "Ce passage n’existe plus" in stale.text and "<code>aide-1234567890</code>" in stale.text
    assert "href" not in stale.text and "src=" not in stale.text
    assert stale.headers["content-security-policy"].startswith("default-src 'none'")
    hostile = client.get("/passages/%3Cb%3Ex", headers={"accept": BROWSER})
    assert hostile.status_code == 404 and "&lt;b&gt;x" in hostile.text and "<b>" not in hostile.text
    for accept in ("*/*", "application/json", "application/problem+json", None):
        problem = client.get("/passages/aide-1234567890", headers={"accept": accept} if accept else {})
        assert problem.status_code == 404, accept
        assert problem.headers["content-type"].startswith("application/problem+json"), accept


def test_health_and_readiness(client):
    assert client.get("/healthz").json()["status"] == "ok"
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["passages"] > 0


def test_not_ready_without_index(tmp_path):
    settings = Settings(index_dir=tmp_path / "none", corpus_dir=tmp_path)
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as c:
        assert c.get("/readyz").status_code == 503
        r = c.post("/v1/search", json={"question": "bonjour"})
        assert r.status_code == 503 and "rag ingest" in r.json()["detail"]



def test_not_ready_when_the_whole_index_folder_is_deleted_says_so_and_what_brings_it_back(index, settings, embedder,
                                                                                          tmp_path):
    """The 503 said "an ingest removed it" and that the server would load the current build within 2 s: there was
    none to load, and no ingest removes the current build."""
    target = tmp_path / "index"
    shutil.copytree(index.path.parent.parent, target, symlinks=True)
    served = settings.model_copy(update={"index_dir": target})
    with TestClient(create_app(served, searcher=Searcher(Index.load(target), embedder)),
                    base_url="http://127.0.0.1") as c:
        assert c.get("/readyz").status_code == 200
        shutil.rmtree(target)
        ready = c.get("/readyz")
        detail = ready.json()["detail"]
        assert ready.status_code == 503 and "the index folder RAG_INDEX_DIR is gone too" in detail, detail
        assert "an ingest" not in detail.replace("not by an ingest", "") and "loads the current build" not in detail
        assert "until a build is published there (`rag ingest`), which it serves within RAG_RELOAD_POLL" in detail
        target.mkdir()  # the folder back, empty: still no build to move on to
        assert "RAG_INDEX_DIR has no current build" in c.get("/readyz").json()["detail"]

def test_openapi_and_docs(client):
    schema = client.get("/schema/openapi.json").json()
    assert "/v1/search" in schema["paths"] and "/v1/search/batch" in schema["paths"]
    assert client.get("/schema/").status_code == 200
    # what any route may answer before it runs (host and origin checks, the per-address connection cap) is
    # described on every operation, as a problem
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {"403", "421", "429"} <= set(operation["responses"]), (method, path)
    refused = client.get("/healthz", headers={"Host": "rebinding.example"})
    assert refused.status_code == 421 and refused.headers["content-type"].startswith("application/problem+json")


def test_operation_ids_are_the_names_a_client_or_an_agent_calls(client):
    """Generators name a client's methods and agents their tools after them: `search`, not `V1SearchSearch`."""
    schema = client.get("/schema/openapi.json").json()
    ids = {path: [op["operationId"] for op in ops.values()] for path, ops in schema["paths"].items()}
    assert ids["/v1/search"] == ["search"] and ids["/v1/search/batch"] == ["search_batch"]
    assert ids["/v1/passages/{passage_id}"] == ["get_passage"] and ids["/v1/documents"] == ["list_documents"]
    every = [i for listed in ids.values() for i in listed]
    assert len(every) == len(set(every)) and all(i.isidentifier() for i in every)


def test_every_json_request_body_has_an_example_the_server_answers(client):
    """Swagger UI's "Try it out" sends a body's first example as it is; without one it made a body of placeholders
    from the schema (`filter.doc_ids` ["string"], a 422). Client generators and agents show them too."""
    schema = client.get("/schema/openapi.json").json()
    bodies = [(path, media) for path, operations in schema["paths"].items()
              for operation in operations.values() if "requestBody" in operation
              for media in operation["requestBody"]["content"].values()]
    assert len(bodies) == 3  # the searches; the admin reload takes none
    for path, media in bodies:
        (example,) = media["examples"].values()
        path = path.replace("{vector_store_id}", client.get("/v1/vector_stores").json()["data"][0]["id"])
        r = client.post(path, json=example["value"])
        assert r.status_code == 200, (path, r.text)


def test_the_request_body_examples_keep_within_the_servers_limits(searcher, settings):
    """A server whose RAG_K_MAX is 2 and RAG_BATCH_MAX 1 refused its own examples (k 3, two questions) with a 422."""
    narrow = settings.model_copy(update={"k_max": 2, "k_default": 2, "batch_max": 1})
    with TestClient(create_app(narrow, searcher=searcher), base_url="http://127.0.0.1") as client:
        schema = client.get("/schema/openapi.json").json()
        store = client.get("/v1/vector_stores").json()["data"][0]["id"]
        for path, operations in schema["paths"].items():
            for media in operations.get("post", {}).get("requestBody", {}).get("content", {}).values():
                (example,) = media["examples"].values()
                r = client.post(path.replace("{vector_store_id}", store), json=example["value"])
                assert r.status_code == 200, (path, r.text)


@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        ({"question": ""}, 422, "question"),
        ({"question": "   "}, 422, "question: is empty or only whitespace"),
        ({"question": "x" * 2001}, 422, "2000"),
        ({"question": "ok", "k": 0}, 422, "k"),
        ({"question": "ok", "k": 51}, 422, "k: must be at most 50"),
        ({"question": "ok", "k": "five"}, 422, "k"),
        ({"question": 42}, 422, "question"),
        ({"question": "ok", "mode": "magic"}, 422, "mode"),
        ({"question": "ok", "colour": "red"}, 422, "colour"),
        ({}, 422, "question"),
        ({"question": "a\x00b"}, 422, "control"),
        ({"question": "?!"}, 422, "letter or digit"),
    ],
)
def test_bad_search_input(client, body, status, needle):
    r = client.post("/v1/search", json=body)
    assert r.status_code == status, r.text
    problem = r.json()
    assert problem["status"] == status and needle in problem["detail"]
    assert r.headers["content-type"].startswith("application/problem+json")


def test_malformed_json_is_400(client):
    r = client.post("/v1/search", content=b'{"question": ', headers={"content-type": "application/json"})
    assert r.status_code == 400
    assert "JSON" in r.json()["detail"]


@pytest.mark.parametrize(
    ("body", "needle"),
    [({"questions": []}, "questions"), ({"questions": ["ok"] * 65}, "at most 64"),
     ({"questions": ["ok", ""]}, "questions"), ({"questions": "ok"}, "questions")],
)
def test_bad_batch_input(client, body, needle):
    r = client.post("/v1/search/batch", json=body)
    assert r.status_code == 422, r.text
    assert needle in r.json()["detail"]
