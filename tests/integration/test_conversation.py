"""A message searched with the conversation's earlier messages (`context`): real model, the seed corpus's index."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import anyio
import jsonschema
import numpy as np
import pytest
from mcp import Client

from rag import cli
from rag.errors import InvalidQuery
from rag.evaluation import has_answer, read_questions, run
from rag.search.conversation import context_text
from rag.search.queries import estimated_tokens, make_queries
from rag.search.searcher import Query
from tests.helpers.mcp import stdio_server

CONVERSATIONS = Path(__file__).parents[1] / "data" / "conversations" / "seed.jsonl"
OFF_TOPIC = ["Peux-tu m'écrire un poème sur la mer ?", "how many calories in a banana",
             "c'est quoi la capitale de l'australie", "quelle est la meilleure assurance habitation pas chère"]


def _first_holds_answer(searcher, turns, with_context: bool) -> int:
    found = searcher.search([Query(t.question, 5, context=t.context if with_context else ()) for t in turns])
    return sum(bool(hits) and has_answer(hits[0].text, t.answers) for t, hits in zip(turns, found, strict=True))


def test_follow_ups_find_their_answer_with_the_conversation_and_a_new_subject_keeps_its_own(searcher):
    """The audit's turns (tests/data/conversations/seed.jsonl): elliptical follow-ups gain, and messages that change
    the subject lose nothing (measured: 10 -> 16 of 21 follow-ups, 6 -> 6 of 9 switches)."""
    turns = read_questions(CONVERSATIONS)
    styles = {row["id"]: row["style"] for row in map(json.loads, CONVERSATIONS.read_text().splitlines())}
    follow = [t for t in turns if styles[t.id] == "follow_up"]
    switch = [t for t in turns if styles[t.id] == "topic_switch"]
    assert all(t.context for t in turns) and len(follow) >= 20 and len(switch) >= 9
    assert _first_holds_answer(searcher, follow, True) >= _first_holds_answer(searcher, follow, False) + 4
    assert _first_holds_answer(searcher, switch, True) >= _first_holds_answer(searcher, switch, False)


def test_without_context_a_message_is_searched_alone_whatever_its_batch_holds(searcher, index, embedder):
    """Each score of a search without context is the message's own (its BM25 score, its cosine), and the same when
    the batch around it carries conversations."""
    questions = ["et le samedi ?", "Quels documents d’identité acceptez-vous ?", "remboursement délai"]
    solo = [searcher.search([Query(q, 5, explain=True)])[0] for q in questions]
    batch = searcher.search([Query(q, 5, explain=True, context=c) for q in questions
                             for c in ((), ("horaires du service client ?",))])[::2]
    for question, alone, batched in zip(questions, solo, batch, strict=True):
        assert [(h.id, h.score, h.explain) for h in alone] == [(h.id, h.score, h.explain) for h in batched]
        assert (alone.probability, alone.evidence) == (batched.probability, batched.evidence)
        bm25 = index.lexical.scores(question)
        vector = embedder.embed_queries([index.embedded_question(question)])[0]
        for hit in alone:
            row = index.rows[hit.id]
            assert hit.explain.lexical_score == pytest.approx(float(bm25[row]), abs=1e-6)
            assert hit.explain.dense_score == pytest.approx(float(index.dense_scores(np.array([row]), vector)[0]),
                                                            abs=1e-5)


def test_a_follow_up_reads_the_last_two_earlier_messages(searcher):
    question, last_two = "et le samedi c ouvert ?", ("horaires du service client secu-debi ?", "et par mail ?")
    (followed,), (longer,), (alone,) = (searcher.search([Query(question, 5, explain=True, context=c)])
                                        for c in (last_two, ("carte de séjour acceptée ?", *last_two), ()))
    assert [(h.id, h.score) for h in followed] == [(h.id, h.score) for h in longer]
    assert [(h.id, h.score) for h in followed] != [(h.id, h.score) for h in alone]
    assert has_answer(followed[0].text, ["du lundi au samedi"])


def test_a_conversation_about_the_corpus_does_not_make_an_off_topic_message_answerable(searcher):
    """`answerable` judges the message itself: its own words and its own vector, on the passages the conversation
    helped find."""
    context = ("horaires du service client secu-debi ?", "et le dimanche ?")
    alone = searcher.search([Query(m, 5) for m in OFF_TOPIC])
    after = searcher.search([Query(m, 5, context=context) for m in OFF_TOPIC])
    assert not any(h.answerable for h in alone)
    assert not any(h.answerable for h in after)
    (follow_up,) = searcher.search([Query("et le samedi c ouvert ?", 5, context=context[:1])])
    assert follow_up.answerable


def test_the_queue_weighs_the_context_the_model_reads(settings):
    (alone,) = make_queries(settings, ["et le samedi ?"], 5, None)
    context = ["x " * 50, "y " * 100, "z " * 100]
    (followed,) = make_queries(settings, ["et le samedi ?"], 5, None, context=context)
    (read,) = make_queries(settings, [context_text(context)], 5, None)  # the last two, as the model reads them
    assert estimated_tokens(followed) == estimated_tokens(alone) + estimated_tokens(read)
    assert estimated_tokens(followed, most=16) == estimated_tokens(alone, most=16) + 17


def test_rag_eval_asks_each_turn_with_its_context(searcher):
    turns = read_questions(CONVERSATIONS)
    stripped = [replace(t, context=()) for t in turns]
    (with_context,), (without,) = (run(searcher, asked, ["hybrid"]) for asked in (turns, stripped))
    assert with_context.answer_recall[1] >= without.answer_recall[1] + 0.1


@pytest.mark.parametrize(("context", "detail"), [
    (["a"] * 6, "context: at most 5 items (got 6)"),
    (["ok", "x" * 3000], "context[1]: at most"),
    (["ok", "bad\x00byte"], "context[1]: contains control"),
])
def test_http_refuses_a_context_it_cannot_read_and_says_which_message(client, context, detail):
    response = client.post("/v1/search", json={"question": "et le samedi ?", "context": context})
    assert response.status_code == 422, response.text
    assert detail in response.text


def test_an_earlier_message_without_a_word_is_taken_and_passed_over(client):
    """A chat's "👍" or "?" names no subject: refused, it made every search of the next five turns a 422."""
    question, said = "et le samedi c ouvert ?", "horaires du service client secu-debi ?"
    answers = [client.post("/v1/search", json={"question": question, "context": context})
               for context in ([said], [said, "👍"], ["?", said, "!!"])]
    assert [r.status_code for r in answers] == [200] * 3, answers[1].text
    assert len({tuple((p["id"], p["score"]) for p in r.json()["passages"]) for r in answers}) == 1
    alone = client.post("/v1/search", json={"question": question, "context": ["👍"]}).json()
    assert alone["passages"] == client.post("/v1/search", json={"question": question}).json()["passages"]
    batch = client.post("/v1/search/batch", json={"questions": [{"question": question, "context": [said, "?!"]}]})
    assert batch.status_code == 200 and batch.json()["results"][0]["passages"] == answers[0].json()["passages"]


def test_an_empty_earlier_message_is_taken_and_passed_over(client, settings):
    """A chat message that is only an attachment comes as "": refused, the 422 said to send the question's words.
    Over HTTP and in a batch it is passed over, as a "👍" is (MCP and the CLI: the tests below); an empty question is
    still refused."""
    question, said = "et le samedi c ouvert ?", "horaires du service client secu-debi ?"
    answers = [client.post("/v1/search", json={"question": question, "context": context})
               for context in ([said], [said, ""], ["", said, "   "])]
    assert [r.status_code for r in answers] == [200] * 3, answers[1].text
    assert len({tuple((p["id"], p["score"]) for p in r.json()["passages"]) for r in answers}) == 1
    batch = client.post("/v1/search/batch", json={"questions": [{"question": question, "context": [said, " \n"]}]})
    assert batch.status_code == 200 and batch.json()["results"][0]["passages"] == answers[0].json()["passages"]
    (query,) = make_queries(settings, [question], 5, None, context=["", said, "  "])
    assert context_text(query.context) == said
    with pytest.raises(InvalidQuery, match="question: is empty or only whitespace"):
        make_queries(settings, ["  "], 5, None, context=[said])
    empty = client.post("/v1/search", json={"question": " ", "context": [said]})
    assert empty.status_code == 422 and "question: is empty or only whitespace" in empty.text


def test_http_search_takes_the_context_and_openapi_bounds_it(client):
    body = client.post("/v1/search", json={"question": "et le samedi c ouvert ?",
                                           "context": ["horaires du service client secu-debi ?"]}).json()
    assert body["question"] == "et le samedi c ouvert ?" and body["answerable"]
    assert "du lundi au samedi" in body["passages"][0]["text"]
    schema = client.get("/schema/openapi.json").json()["components"]["schemas"]["SearchRequest"]
    array = next(o for o in schema["properties"]["context"]["oneOf"] if o.get("type") == "array")
    assert (array["minItems"], array["maxItems"], array["items"]["maxLength"]) == (0, 5, 2000)
    assert not {"minLength", "maxLength"} & set(schema["properties"]["context"])  # no string bounds on the union
    assert client.post("/v1/search", json={"question": "et le samedi ?", "context": []}).status_code == 200
    assert list(schema["properties"])[:2] == ["question", "context"]


def test_mcp_search_takes_the_context(searcher, settings):
    async def main() -> tuple[dict, dict]:
        async with Client(stdio_server(settings, searcher)) as session:
            tools = {t.name: t for t in (await session.list_tools()).tools}
            # an empty message (an attachment's) is passed over, as over HTTP
            result = await session.call_tool("search", {"question": "et le samedi c ouvert ?",
                                                        "context": ["", "horaires du service client secu-debi ?", " "]})
            assert not result.is_error, result.content
            return tools["search"].input_schema, result.structured_content or {}

    schema, found = anyio.run(main)
    array = next(o for o in schema["properties"]["context"]["anyOf"] if o.get("type") == "array")
    assert array["maxItems"] == 5 and array["items"]["maxLength"] == settings.question_max_chars
    assert found["answerable"] and "du lundi au samedi" in found["passages"][0]["text"]


def test_cli_search_takes_context(index, settings, embedder, monkeypatch, capsys):
    monkeypatch.setattr("rag.serving.runtime.load_embedder", lambda *a, **k: embedder)
    assert cli.main(["search", "--index", str(settings.index_dir), "-k", "1", "--json", "--context",
                     "horaires du service client secu-debi ?", "--context", "", "et le samedi c ouvert ?"]) == 0
    assert "du lundi au samedi" in json.loads(capsys.readouterr().out)["passages"][0]["text"]
    assert cli.main(["search", "--index", str(settings.index_dir), *["--context", "a"] * 6, "et le samedi ?"]) == 7
    assert "context: at most 5 earlier messages (got 6)" in capsys.readouterr().err


# plain strings and objects, with and without context, in one batch; a message asked alone and after a conversation
BATCH = ["et le samedi c ouvert ?",
         {"question": "et le samedi c ouvert ?", "context": ["horaires du service client secu-debi ?"]},
         {"question": "Quels documents d’identité acceptez-vous ?"},
         {"question": "et le dimanche ?", "context": ["carte de séjour acceptée ?", "horaires du service client "
                                                      "secu-debi ?", "et par mail ?"]},
         {"question": "délai de remboursement", "context": []},
         "loi Châtel renouvellement abonnement"]


def test_http_batch_answers_each_item_as_search_answers_it_with_its_context(client):
    options = {"k": 3, "explain": True}
    batch = client.post("/v1/search/batch", json={"questions": BATCH, **options})
    assert batch.status_code == 200, batch.text
    results = batch.json()["results"]
    for item, batched in zip(BATCH, results, strict=True):
        single = client.post("/v1/search", json={**({"question": item} if isinstance(item, str) else item),
                                                  **options})
        assert single.status_code == 200, single.text
        assert {**batched, "took_ms": None} == {**single.json(), "took_ms": None}
    assert [r["question"] for r in results] == [i if isinstance(i, str) else i["question"] for i in BATCH]
    alone, followed = results[:2]  # the conversation was read: the same message found another answer
    assert not alone["answerable"] and followed["answerable"]
    assert "du lundi au samedi" in followed["passages"][0]["text"]


@pytest.mark.parametrize(("item", "detail"), [
    ({"question": "et le samedi ?", "context": ["a"] * 6}, "questions[1].context: at most 5 items (got 6)"),
    ({"question": "et le samedi ?", "context": "horaires ?"}, "questions[1].context: must be a JSON list"),
    ({"question": "et le samedi ?", "context": ["ok", "x" * 3000]}, "questions[1].context[1]: at most 2000 characters"),
    ({"question": "et le samedi ?", "context": ["ok", "bad\x00byte"]}, "questions[1].context[1]: contains control"),
    ({"question": "et le samedi ?", "contexte": ["ok"]}, "questions[1].contexte: unknown field: did you mean"),
    ({"context": ["horaires ?"]}, "questions[1].question: required"),
    ({"question": "x" * 3000}, "questions[1].question: at most 2000 characters"),
    (42, "questions[1]: must be a question (a string) or an object with `question`"),
    ("   ", "questions[1]: is empty or only whitespace"),
])
def test_http_batch_refuses_an_item_it_cannot_read_and_says_which(client, item, detail):
    response = client.post("/v1/search/batch", json={"questions": ["horaires du service client ?", item]})
    assert response.status_code == 422, response.text
    assert detail in response.json()["detail"]


def test_a_batch_s_contexts_count_against_its_bounds(client, searcher, settings):
    """Items with context are no way around the bounds a batch of plain questions keeps: their count, the body's
    size, and the work the queue admits (each item weighed with its context, as a search is)."""
    long = [f"message {n} " + "horaires du service client " * 70 for n in range(5)]  # about 1,900 characters each
    plain = ["et le samedi ?"] * 4
    followed = [{"question": q, "context": long} for q in plain]
    too_many = client.post("/v1/search/batch", json={"questions": [followed[0]] * (settings.batch_max + 1)})
    assert too_many.status_code == 422 and f"at most {settings.batch_max} per batch" in too_many.json()["detail"]
    wide = [{"question": "et le samedi ?", "context": ["é" * 2000] * 5}] * settings.batch_max  # 1.3 MB in UTF-8
    assert client.post("/v1/search/batch", json={"questions": wide}).status_code == 413
    most = searcher.embedder.max_tokens
    costs = [sum(estimated_tokens(q, most) for q in make_queries(settings, plain, 5, None, contexts=c))
             for c in ([[]] * 4, [long] * 4)]
    assert costs[1] > 10 * costs[0]
    batcher = client.app.state.runtime.batcher
    measured = batcher.rate
    try:
        answered = []
        for questions in (plain, followed):  # the plain batch needs a third of the time allowed (1.5 deadlines)
            batcher.rate = costs[0] / (settings.request_deadline_seconds / 2)
            answered.append(client.post("/v1/search/batch", json={"questions": questions}))
    finally:
        batcher.rate = measured
    assert answered[0].status_code == 200, answered[0].text
    assert answered[1].status_code == 413 and "RAG_REQUEST_DEADLINE_SECONDS" in answered[1].json()["detail"]


def test_openapi_says_a_batch_item_is_a_question_or_an_object_with_its_context(client):
    document = client.get("/schema/openapi.json").json()
    schemas = document["components"]["schemas"]
    items = schemas["BatchSearchRequest"]["properties"]["questions"]["items"]
    assert items == {"oneOf": [{"type": "string", "minLength": 1, "maxLength": 2000, "pattern": r"\S"},
                               {"$ref": "#/components/schemas/BatchQuestion"}]}
    item = schemas["BatchQuestion"]
    assert item["additionalProperties"] is False and item["required"] == ["question"]
    assert item["properties"]["question"]["maxLength"] == 2000
    array = next(o for o in item["properties"]["context"]["oneOf"] if o.get("type") == "array")
    assert (array["minItems"], array["maxItems"], array["items"]["maxLength"]) == (0, 5, 2000)
    # the schema (JSON Schema 2020-12, OpenAPI 3.1's dialect) takes a mixed batch and refuses what the route refuses
    body = jsonschema.Draft202012Validator({"$ref": "#/components/schemas/BatchSearchRequest", **document})
    assert body.is_valid({"questions": BATCH})
    for item in (42, {"question": "ok", "contexte": []}, {"question": "ok", "context": ["a"] * 6}, {"context": []},
                 "", "   ", {"question": " "}):  # a question holds more than spaces (schemathesis found "" valid)
        assert not body.is_valid({"questions": ["ok", item]}), item
    # answered by the server's bounds before any route, on every route: documented there too
    assert {"408", "431"} <= set(document["paths"]["/v1/search/batch"]["post"]["responses"])
