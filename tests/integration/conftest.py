"""The HTTP app over the session's searcher, behind Litestar's test client: one `client` per module, serving
`app_settings` (the session's settings, unless the module overrides that fixture: limits, API keys)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

from rag.http.app import create_app
from rag.search.searcher import Searcher
from rag.settings import Settings


@pytest.fixture(scope="module")
def app_settings(settings: Settings) -> Settings:
    """The settings `client` serves. A module whose tests need others defines its own fixture of this name."""
    return settings


@pytest.fixture(scope="module")
def client(searcher: Searcher, app_settings: Settings) -> Iterator[TestClient]:
    """A test client of the app (its lifespan run) serving `app_settings` over the session's searcher."""
    with TestClient(create_app(app_settings, searcher=searcher), base_url="http://127.0.0.1") as c:
        yield c
