"""A reload of a build of the other model under `RAG_MODEL=auto`, under concurrent requests: none fails, and each
is answered by one build and the model that build was made with, never a question encoded by one model searched in
the other's vectors (its dense scores are those that build and its model give)."""

import asyncio
import gc
import shutil
from pathlib import Path

import pytest

from rag.embedding.base import Embedder
from rag.embedding.load import ModelSpec
from rag.embedding.names import BUNDLED_MODEL, ENGLISH_MODEL
from rag.http.app import create_app
from rag.http.routes import BUILD_HEADER
from rag.index.store import Index
from rag.ingestion.pipeline import ingest
from rag.search.searcher import Query, Searcher
from rag.serving import reload as reload_module
from rag.serving.reload import Reloader
from rag.serving.runtime import load_searcher
from rag.settings import Settings
from tests.helpers.paths import CORPUS
from tests.system.test_reload import ADMIN, ADMIN_KEY, serving

pytestmark = pytest.mark.anyio
ENGLISH_PAGES = {
    "account.md": "# Deleting your account\n\nGo to the settings page, open the privacy tab and click the button at "
                  "the bottom. Your account is deactivated for two weeks, then deleted for good.\n",
    "mail.md": "# Forwarding your mail\n\nIn the mail settings, add the address your messages should go to and "
               "confirm it with the code we send there.\n",
}
QUESTIONS = ["how do I remove my profile?", "Comment fonctionne le remboursement d'une commande ?",
             "forward my emails", "Quels documents d'identité acceptez-vous ?"]
Answered = tuple[str, str, str, list[tuple[str, float]]]  # question, build, model, (passage id, dense score)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _scores(hits) -> list[tuple[str, float]]:
    return [(hit["id"], round(hit["explain"]["dense_score"], 3)) for hit in hits]


async def _hammer(client, stop: asyncio.Event, answers: list[Answered], worker: int) -> None:
    n = worker
    while not stop.is_set():
        n += 1
        question = QUESTIONS[n % len(QUESTIONS)]
        r = await client.post("/v1/search", json={"question": question, "k": 3, "mode": "dense", "explain": True})
        assert r.status_code == 200, r.text
        answers.append((question, r.headers[BUILD_HEADER], r.json()["model"], _scores(r.json()["passages"])))


async def _answered(answers: list[Answered], count: int, workers: list[asyncio.Task]) -> None:
    """Wait until `count` answers are in: a worker's failure is raised (its `assert`), and no answer for minutes is
    a hang (the loops that waited had no end: a failed worker hung the run)."""
    deadline = asyncio.get_running_loop().time() + 300
    while len(answers) < count:
        for worker in workers:
            if worker.done():
                worker.result()  # raises what ended it
        assert asyncio.get_running_loop().time() < deadline, f"{len(answers)} answers of {count} in 300 s"
        await asyncio.sleep(0.05)


async def test_a_swap_to_the_other_model_under_load_reads_each_question_with_its_builds_model(
        tmp_path: Path, embedder: Embedder, minilm: Embedder, monkeypatch):
    models = {BUNDLED_MODEL: embedder, ENGLISH_MODEL: minilm}
    monkeypatch.setattr(ModelSpec, "load", lambda spec: models[spec.name])  # the session's copies, no second load
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", admin_keys=[ADMIN_KEY],
                        reload_poll_seconds=0, max_document_loss=1)
    ingest(settings)
    french = Index.load(settings.index_dir)
    answers: list[Answered] = []
    stop = asyncio.Event()
    async with serving(create_app(settings)) as client:
        workers = [asyncio.create_task(_hammer(client, stop, answers, w)) for w in range(8)]
        await _answered(answers, 16, workers)
        shutil.rmtree(corpus)
        corpus.mkdir()
        for name, text in ENGLISH_PAGES.items():
            (corpus / name).write_text(text, encoding="utf-8")
        await asyncio.to_thread(ingest, settings)
        r = await client.post("/v1/admin/reload", headers=ADMIN)
        assert r.status_code == 200 and r.json()["model"] == ENGLISH_MODEL, r.text
        swapped = len(answers)
        await _answered(answers, swapped + 16, workers)
        stop.set()
        await asyncio.gather(*workers)
    english = Index.load(settings.index_dir)
    builds = {french.build_id: (french, embedder), english.build_id: (english, minilm)}
    expected = {(build, q): _scores([hit.model_dump() for hit in Searcher(index, model).search(
        [Query(q, 3, "dense", explain=True)])[0]]) for build, (index, model) in builds.items() for q in QUESTIONS}
    assert {build for _, build, _, _ in answers} == set(builds)  # answers on both sides of the swap
    for question, build, model, scores in answers:
        assert model == builds[build][1].name and scores == expected[build, question], (question, build, model)


def _write(corpus: Path, pages: dict[str, str] | None) -> None:
    """The corpus folder holding `pages`, or the seed corpus (French) when None."""
    shutil.rmtree(corpus, ignore_errors=True)
    if pages is None:
        shutil.copytree(CORPUS, corpus)
        return
    corpus.mkdir()
    for name, text in pages.items():
        (corpus / name).write_text(text, encoding="utf-8")


def test_a_reload_back_to_a_model_still_held_for_a_pinned_build_takes_that_copy(
        tmp_path: Path, embedder: Embedder, minilm: Embedder, monkeypatch):
    """e5, then MiniLM, then e5 while a request pins the first build: memory never holds two copies of one model."""
    models = {BUNDLED_MODEL: embedder, ENGLISH_MODEL: minilm}
    monkeypatch.setattr(ModelSpec, "load", lambda spec: models[spec.name])  # the session's copies, no second load
    loaded: list[str] = []  # by the reloads

    def load_for_index(settings, built):
        loaded.append(str(built["name"]))
        return models[str(built["name"])]

    monkeypatch.setattr(reload_module, "load_for_index", load_for_index)
    corpus = tmp_path / "corpus"
    _write(corpus, None)
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", max_document_loss=1)
    ingest(settings)
    searcher = load_searcher(settings)
    reloader = Reloader(settings, searcher, load=lambda: load_searcher(settings), install=lambda s: None)

    def reload_to(pages: dict[str, str] | None) -> str:
        _write(corpus, pages)
        ingest(settings)
        return asyncio.run(reloader.reload()).model

    french = searcher.index  # pinned by a request received before the reloads
    assert reload_to(ENGLISH_PAGES) == ENGLISH_MODEL and loaded == [ENGLISH_MODEL]
    english = searcher.index  # pinned too
    assert reload_to(None) == BUNDLED_MODEL and loaded == [ENGLISH_MODEL]  # e5 still held for the French build
    assert reload_to(ENGLISH_PAGES) == ENGLISH_MODEL and loaded == [ENGLISH_MODEL]  # MiniLM held for `english`
    del french, english  # their requests answered: e5 is released, and loaded again by a reload back to it
    gc.collect()
    assert reload_to(None) == BUNDLED_MODEL and loaded == [ENGLISH_MODEL, BUNDLED_MODEL]
