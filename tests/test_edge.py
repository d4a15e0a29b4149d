"""The HTTP edge under hostile input, without the model: an app with no index answers before any search runs."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient

from rag.api import create_app
from rag.settings import Settings

JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def bare_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    empty: Path = tmp_path_factory.mktemp("no-index")
    return Settings(corpus_dir=empty, index_dir=empty, reload_poll_seconds=0)


@pytest.fixture(scope="module")
def bare(bare_settings: Settings) -> Iterator[TestClient]:
    """An app serving no index: every request is parsed and checked, none reaches a search."""
    with TestClient(create_app(bare_settings)) as c:
        yield c


@pytest.mark.parametrize(("path", "field"), [("/v1/search", "question"), ("/v1/search/batch", "questions")])
@pytest.mark.parametrize("depth", [990, 100_000])
def test_json_nested_too_deeply_is_a_400_not_a_logged_500(bare, caplog, path, field, depth):
    body = f'{{"{field}": ' + "[" * depth + "]" * depth + "}"
    with caplog.at_level(logging.ERROR):
        r = bare.post(path, content=body, headers=JSON)
    assert r.status_code == 400, r.text
    assert "nested too deeply" in r.json()["detail"]
    assert not [rec for rec in caplog.records if rec.levelno >= logging.ERROR]
