"""`RAG_MODEL=auto` with the real models: an English corpus is ingested with all-MiniLM-L6-v2 and served with it, a
French one with the bundled model; a corpus whose language changes is embedded again, nothing reused across models;
a model set by name that is not the index's is still refused. Each model is loaded once per run (the session's
`embedder` and `minilm`)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from rag.embedding.base import Embedder
from rag.embedding.load import ModelSpec
from rag.embedding.names import AUTO_MODEL, BUNDLED_MODEL, ENGLISH_MODEL
from rag.errors import IndexMismatch, ReloadFailed
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


def test_a_server_under_auto_keeps_its_build_when_the_next_needs_the_other_model_and_says_to_restart(tmp_path, loads):
    corpus, settings, searcher, reloader = _english_server(tmp_path)
    _corpus(corpus, _french_pages())
    ingest(settings)
    with pytest.raises(ReloadFailed, match=r"RAG_MODEL=auto chose it for its corpus.*restart the server to serve it"):
        asyncio.run(reloader.reload())
    assert searcher.model == ENGLISH_MODEL and searcher.index.model["name"] == ENGLISH_MODEL  # still served
    assert load_searcher(settings).model == BUNDLED_MODEL  # what a restart loads


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
