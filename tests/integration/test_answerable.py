"""`answerable` with the real model: the seed corpus answers its own questions, not questions about something else."""

from __future__ import annotations

import json

import pytest

from rag.corpus.reader import read_corpus
from rag.evaluation import has_answer, memory_index, read_questions
from rag.index.store import Index
from rag.search.answer import no_answer
from rag.search.answerable import ACROSS_RULE, FULL_RULE
from rag.search.searcher import Query, Searcher
from tests.helpers.paths import DEVSET, ENGLISH_DEVSET, TOOL_EXPORTS

OFF_TOPIC = ["What is the capital of Australia?", "Quelle est la recette de la tarte tatin ?",
             "Qui a gagné la coupe du monde de football en 1998 ?", "How do I reset my router password?"]


def test_off_topic_questions_are_not_answerable(searcher):
    for found in searcher.search([Query(q, 3) for q in OFF_TOPIC]):
        assert found and not found.answerable and found.probability is not None and found.probability < 0.5


def test_a_question_of_function_words_alone_is_not_answerable(searcher):
    # nothing in it a passage could hold: passages still come back, the answer says the documents do not answer
    for found in searcher.search([Query(q, 3) for q in ("de", "le la les de", "Comment faire ?", "What is it?")]):
        assert found and not found.answerable


def test_seed_questions_are_answerable(searcher):
    questions = read_questions(DEVSET)
    found = searcher.search([Query(q.question, 5) for q in questions])
    assert sum(f.answerable for f in found) >= 0.95 * len(questions)
    (hits,) = searcher.search([Query("Quels documents d’identité acceptez-vous ?", 3)])
    assert hits.answerable


def test_questions_in_english_asked_of_the_french_corpus(searcher):
    """The seed corpus is French. English questions it answers (tests/data/english/devset_en.jsonl, the dev set
    translated) are weighed by the rule fitted across languages: their words are all unknown to the index, which
    flagged 35 of the 42 by the rule of the corpus's own language (18 now). Off-topic ones in English stay flagged.
    Half of these questions fitted that rule: this shows it is the one that runs, not how well it does on new ones
    (docs/EVALUATION.md holds out the other half)."""
    questions = read_questions(ENGLISH_DEVSET)
    found = searcher.search([Query(q.question, 5) for q in questions])
    assert sum(f.answerable for f in found) >= 0.5 * len(questions)
    assert sum(has_answer(f[0].text, q.answers) for q, f in zip(questions, found, strict=True)) >= 0.6 * len(found)
    off_topic = searcher.search([Query(q, 3) for q in (
        "What's the capital of Canada?", "How do I bake a chocolate cake?", "Who won the 2018 football World Cup?")])
    assert not any(f.answerable for f in off_topic)


@pytest.fixture(scope="module")
def wiki(embedder, settings) -> Index:
    """Audit 49's wiki, three French spaces and an English vault: it reads French."""
    return memory_index(read_corpus(TOOL_EXPORTS).documents, settings, embedder)


def test_the_rule_is_the_one_of_the_question_s_language_and_its_best_passage_s(wiki, embedder, settings):
    """Audit 49's wiki, three French spaces and an English vault, reads French. "Which port does the app listen on
    locally?" is English, and found its English page first ("…the app listens on localhost:8080"), but was weighed
    by the rule across languages, fitted on English questions of French passages: 0.02, not answerable (0.91 by the
    rule of one language). An English question of the French pages keeps the rule across languages; an English
    question the vault does not answer stays flagged."""
    index = wiki
    assert index.lexical.analyzer.language == "fr"
    port, leave, dashboard = Searcher(index, embedder, candidates=settings.candidates).search([Query(q, 5) for q in (
        "Which port does the app listen on locally?", "How many days of paid leave can be carried over?",
        "Which port does the admin dashboard listen on?")])
    assert port.asked_in == leave.asked_in == "en" and "localhost:8080" in port[0].text
    assert port.answerable and port.probability == FULL_RULE.probability(port.evidence)
    assert leave[0].id.startswith("confluence-rh-conges-payes")
    assert leave.probability == ACROSS_RULE.probability(leave.evidence)
    assert not dashboard.answerable


def test_an_english_question_of_a_wiki_holding_english_pages_is_read_as_english(wiki, embedder, settings):
    """The wiki's English vault holds every English function word ("when", "can", "how", "do", "the"): taken for
    words of the corpus's own, they made its English questions French, answered with "Sources :" and the French
    no-answer sentence, at the corpus's dense weight. A word held mostly by English pages is English
    (`rag.index.held`); the vault's questions are answered by the rule of one language, their best passage being
    in theirs; the wiki's French questions stay French."""
    searcher = Searcher(wiki, embedder, candidates=settings.candidates)
    questions = ["When can we deploy to production?", "How do I roll back a deploy?",
                 "What is the phone number of Adyen support?", "Combien de jours de télétravail par semaine ?"]
    deploy, roll_back, phone, remote = searcher.search([Query(q, 5) for q in questions])
    assert deploy.asked_in == roll_back.asked_in == phone.asked_in == "en" and remote.asked_in == "fr"
    for found in (deploy, roll_back, phone):
        assert found[0].id.startswith("obsidian-handbook") and found.answerable
        assert found.probability == FULL_RULE.probability(found.evidence)
    assert remote[0].id.startswith("confluence-rh-teletravail") and remote.answerable


def test_the_courtesies_of_a_chat_message_do_not_make_it_less_answerable(searcher):
    """"Bonjour", "svp", "merci" are words the corpus does not hold; counted as such, they made a plain question look
    off-topic (flagged, with probability 0.42 for the third)."""
    plain, *wrapped = searcher.search([Query(q, 3) for q in (
        "Comment me désabonner ?", "Bonjour, comment me désabonner ?", "Bonjour, comment me désabonner svp ? Merci")])
    assert plain.answerable and all(found.answerable for found in wrapped)
    assert all(found.evidence.unknown == plain.evidence.unknown == 0.0 for found in wrapped)
    assert not any(found.answerable for found in searcher.search([Query(q, 3) for q in ("Bonjour", "merci !")]))


def test_dense_and_lexical_modes_decide_answerable_as_hybrid_does(searcher):
    """They rank by one retriever; whether the documents answer is read from both, as in hybrid mode (it was only
    "some passage came back": "What is the capital of Australia?" was answerable in dense mode)."""
    questions = ["What is the capital of Australia?", "Comment faire ?", "recette de la tarte aux pommes",
                 "Quels documents d’identité acceptez-vous ?"]
    hybrid = searcher.search([Query(q, 3) for q in questions])
    assert [f.answerable for f in hybrid] == [False, False, False, True]
    for mode in ("dense", "lexical"):
        found = searcher.search([Query(q, 3, mode) for q in questions])
        assert [f.answerable for f in found] == [False, False, False, True]
        # the same decision where passages came back (lexically, Australia shares no word with the corpus)
        assert all((f.probability, f.evidence) == (h.probability, h.evidence)
                   for f, h in zip(found, hybrid, strict=True) if f)
        assert sum(bool(f) for f in found) >= 2  # lexically, "Comment faire ?" holds no word either


def test_api_says_when_the_documents_do_not_answer(client):
    body = client.post("/v1/search", json={"question": "What is the capital of Australia?", "k": 2}).json()
    assert body["answerable"] is False and len(body["passages"]) == 2
    # the seed corpus is French, the question English: what the answer says is in the question's language
    sentence = "The documents do not seem to answer this question."
    assert no_answer("en") == sentence
    assert body["answer"]["text"] == sentence and body["answer"]["markdown"].startswith(f"{sentence}\n\nClosest")
    batch = client.post("/v1/search/batch", json={"questions": ["What is the capital of Australia?",
                                                                "chiffrement des paiements",
                                                                "Quelle est la capitale de l'Australie ?"]}).json()
    assert [r["answerable"] for r in batch["results"]] == [False, True, False]
    assert batch["results"][1]["answer"]["text"] != sentence
    assert batch["results"][2]["answer"]["text"] == no_answer("fr")  # a French question: the corpus's language
    assert "\n\nSources :\n1. " in batch["results"][1]["answer"]["markdown"]
    schema = client.get("/schema/openapi.json").json()["components"]["schemas"]["SearchResponse"]
    assert "answerable" in schema["required"] and "calibrated" in schema["properties"]["answerable"]["description"]
    assert json.dumps(body)  # plain JSON all the way
