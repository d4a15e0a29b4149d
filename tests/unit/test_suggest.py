"""`rag.suggest` and the rules of a refused field (`rag.http.rules`) where no route of the tests reaches them."""

from __future__ import annotations

import difflib
from types import SimpleNamespace

import pytest

from rag.http.rules import Rules
from rag.suggest import closest, suggestion


def test_a_name_longer_than_any_field_is_not_compared(monkeypatch):
    """A 100,000-character name is no misspelling: difflib is not run over it (its cost grows with the name)."""

    def compared(*args, **kwargs):
        raise AssertionError("compared")

    monkeypatch.setattr(difflib, "get_close_matches", compared)
    assert suggestion("k" * 101, ["k", "question"]) is None
    with pytest.raises(AssertionError, match="compared"):
        suggestion("qestion", ["k", "question"])


@pytest.mark.parametrize(("name", "meant"), [
    ("ulr", "url"), ("mdoe", "mode"), ("titel", "title"), ("uri", None), ("lru", None), ("ab", None), ("url", "url")])
def test_two_neighbouring_letters_swapped_read_as_the_name_they_spell(name, meant):
    assert closest(name, ["url", "title", "mode", "ba"]) == meant


def test_a_closed_set_not_found_among_the_route_s_parameters_points_to_the_openapi_document():
    request = SimpleNamespace(scope={}, query_params={"order": "sideways"}, path_params={})
    said = Rules(request).said({"key": "order", "message": "Invalid enum value 'sideways'", "source": "query"})
    assert said == "must be one of the values /schema/openapi.json lists (got 'sideways')"
