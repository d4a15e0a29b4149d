"""The official `openai` client against the vector store routes, over real HTTP (the app served by uvicorn on
loopback, behind an API key): its own types parse every answer, and its own exceptions come out of every error."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import openai
import pytest
from openai import OpenAI
from openai.types import VectorStore, VectorStoreSearchResponse

from tests.helpers.serving import HTTP_TIMEOUT, keyed_server

KEY = "openai-key-1"
QUESTION = "Quels documents d’identité acceptez-vous ?"
FAQ, PLATFORM = "sequra-faq-marchands", "secu-debi-plateforme"


@pytest.fixture(scope="module")
def served(searcher, settings) -> Iterator[str]:
    """The app over the session searcher, on a loopback port, behind KEY."""
    with keyed_server(searcher, settings, KEY) as url:
        yield url


@pytest.fixture(scope="module")
def client(served) -> Iterator[OpenAI]:
    with OpenAI(base_url=f"{served}/v1", api_key=KEY, max_retries=0) as c:
        yield c


@pytest.fixture(scope="module")
def store(client) -> VectorStore:
    (found,) = client.vector_stores.list().data
    return found


def search(client: OpenAI, store: VectorStore, **options) -> list[VectorStoreSearchResponse]:
    options.setdefault("query", QUESTION)
    page = client.vector_stores.search(vector_store_id=store.id, **options)
    assert page.object == "vector_store.search_results.page"
    assert all(isinstance(result, VectorStoreSearchResponse) for result in page.data)
    scores = [result.score for result in page.data]
    assert all(0 <= score <= 1 for score in scores) and scores == sorted(scores, reverse=True)
    return page.data


def test_the_served_index_is_the_one_vector_store(client, store, settings, index):
    assert isinstance(store, VectorStore)
    assert store.id == f"vs_{settings.index_dir.name}" and store.name == settings.index_dir.name
    assert store.status == "completed" and store.object == "vector_store"
    assert store.file_counts.completed == store.file_counts.total == len(index.documents) == 2
    assert store.usage_bytes > 0 and store.created_at > 1_700_000_000
    assert store.metadata == {"build_id": index.build_id, "model": index.model["name"]}
    assert client.vector_stores.retrieve(store.id) == store
    assert client.vector_stores.list(after=store.id).data == []


def test_a_search_returns_the_passages_of_v1_search_as_vector_store_results(client, store, served):
    results = search(client, store, max_num_results=4)
    plain = httpx.post(f"{served}/v1/search", json={"question": QUESTION, "k": 4},
                       headers={"Authorization": f"Bearer {KEY}"}, timeout=HTTP_TIMEOUT).json()["passages"]
    assert len(results) == 4
    assert [(r.file_id, r.attributes["passage_id"], r.score) for r in results] == \
        [(p["citation"]["doc_id"], p["id"], p["score"]) for p in plain]
    first, hit = results[0], plain[0]
    assert first.file_id == FAQ and first.filename == f"{FAQ}.txt" and first.score == 1.0
    assert [(c.type, c.text) for c in first.content] == [("text", hit["text"])]
    citation = hit["citation"]
    assert first.attributes == {"passage_id": hit["id"], "title": citation["title"], "section": citation["section"],
                                "start": citation["start"], "end": citation["end"]}  # no page, no url: none
    assert "carte de séjour" in first.content[0].text
    assert len(search(client, store)) == 10  # OpenAI's default (the seed corpus has more passages)


def test_filters_pick_the_results(client, store):
    by_name = search(client, store, filters={"key": "filename", "type": "eq", "value": f"{PLATFORM}.txt"})
    assert by_name and {r.filename for r in by_name} == {f"{PLATFORM}.txt"}
    by_id = search(client, store, filters={"key": "file_id", "type": "in", "value": [FAQ, "no-such-document"]},
                   max_num_results=5)
    assert len(by_id) == 5 and {r.file_id for r in by_id} == {FAQ}
    assert search(client, store, filters={"key": "file_id", "type": "eq", "value": "no-such-document"}) == []
    # a passage-level comparison is checked on the hits: those after offset 2000 of the FAQ, the best of them first
    late = search(client, store, max_num_results=50, filters={"type": "and", "filters": [
        {"key": "file_id", "type": "eq", "value": FAQ}, {"key": "start", "type": "gte", "value": 2000}]})
    whole = search(client, store, max_num_results=50, filters={"key": "file_id", "type": "eq", "value": FAQ})
    assert late and [r.attributes["passage_id"] for r in late] == \
        [r.attributes["passage_id"] for r in whole if int(r.attributes["start"]) >= 2000]
    either = search(client, store, max_num_results=20, filters={"type": "or", "filters": [
        {"key": "filename", "type": "eq", "value": f"{PLATFORM}.txt"},
        {"key": "section", "type": "eq", "value": first_section(whole)}]})
    assert {r.file_id for r in either} == {FAQ, PLATFORM}
    assert all(r.file_id == PLATFORM or r.attributes.get("section") == first_section(whole) for r in either)


def first_section(results: list[VectorStoreSearchResponse]) -> str:
    return next(str(r.attributes["section"]) for r in results if "section" in r.attributes)


def test_score_threshold_drops_the_results_below_it(client, store):
    every = search(client, store, max_num_results=20)
    kept = search(client, store, max_num_results=20, ranking_options={"score_threshold": 0.5, "ranker": "auto"})
    assert 0 < len(kept) < len(every)
    assert kept == [r for r in every if r.score >= 0.5]


def test_several_queries_are_each_searched_and_merged(client, store):
    questions = [QUESTION, "remboursement d'une commande"]
    page = client.vector_stores.search(vector_store_id=store.id, query=questions, max_num_results=50,
                                       rewrite_query=False)
    assert page.model_extra is not None and page.model_extra["search_query"] == questions
    alone = [{r.attributes["passage_id"]: r.score for r in search(client, store, query=q, max_num_results=50)}
             for q in questions]
    best: dict[str, float] = {}
    for scores in alone:
        for passage, score in scores.items():
            best[passage] = max(score, best.get(passage, 0.0))
    merged = {r.attributes["passage_id"]: r.score for r in page.data}
    assert len(merged) == len(page.data) == min(50, len(best)) and merged.items() <= best.items()
    for scores in alone:  # each query gave some of the best scores: the merge is not one query's results
        assert any(score > scores.get(passage, 0.0) for passage, score in merged.items())


def test_errors_come_out_as_the_clients_own_exceptions(client, served, store):
    with OpenAI(base_url=f"{served}/v1", api_key="wrong", max_retries=0) as wrong, \
            pytest.raises(openai.AuthenticationError) as refused:
        wrong.vector_stores.list()
    assert refused.value.code == "invalid_api_key" and "invalid API key" in refused.value.message
    with pytest.raises(openai.NotFoundError) as missing:
        client.vector_stores.retrieve("vs_nothing")
    assert store.id in missing.value.message and missing.value.type == "invalid_request_error"
    with pytest.raises(openai.NotFoundError):
        client.vector_stores.search(vector_store_id="vs_nothing", query=QUESTION)
    for bad in (0, 51):
        with pytest.raises((openai.BadRequestError, openai.UnprocessableEntityError)) as invalid:
            client.vector_stores.search(vector_store_id=store.id, query=QUESTION, max_num_results=bad)
        assert invalid.value.param == "max_num_results" and "max_num_results" in invalid.value.message
    with pytest.raises(openai.UnprocessableEntityError) as invalid:
        client.vector_stores.search(vector_store_id=store.id, query=QUESTION,
                                    filters={"type": "and", "filters": [{"key": "author", "type": "eq", "value": "x"}]})
    assert invalid.value.param == "filters.filters[0].key" and "file_id, filename" in invalid.value.message
    assert set(invalid.value.body) == {"message", "type", "param", "code"}  # type: ignore[arg-type]
