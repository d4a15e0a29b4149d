"""The unit lane loads no model: here the session's model fixture (and so `index` and `searcher`, built on it) stops
the test with where it belongs instead."""

from __future__ import annotations

from typing import NoReturn

import pytest


@pytest.fixture(scope="session")
def embedder() -> NoReturn:
    pytest.fail("a unit test loads no model: a test that needs `embedder`, `index` or `searcher` belongs in "
                "tests/integration/", pytrace=False)
