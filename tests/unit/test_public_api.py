"""The public face: `rag.__all__` is what a Python user calls, all of it importable and documented, cheaply."""


import pytest

import rag
from rag import errors


def test_all_is_sorted_unique_and_importable():
    assert rag.__all__ == sorted(set(rag.__all__))
    for name in rag.__all__:
        assert getattr(rag, name) is not None, name
    assert set(rag.__all__) <= set(dir(rag))
    namespace: dict[str, object] = {}
    exec("from rag import *", namespace)
    assert set(rag.__all__) <= set(namespace)


def test_every_public_name_is_documented():
    """Each name has a docstring of its own and is listed in the package's docstring."""
    assert rag.__doc__
    for name in rag.__all__:
        if name == "__version__":
            continue
        value = getattr(rag, name)
        assert (value.__doc__ or "").strip(), f"{name} has no docstring"
        assert name in rag.__doc__, f"{name} is not listed in rag's docstring"


def test_the_whole_error_tree_is_public():
    assert set(errors.__all__) <= set(rag.__all__)
    assert all(issubclass(getattr(rag, name), rag.RagError) for name in errors.__all__)


def test_the_core_entry_points_are_the_internal_ones():
    """The public names are the objects themselves, not wrappers: what the docs of each module say holds."""
    from rag.http.app import create_app
    from rag.ingestion.pipeline import ingest
    from rag.search.searcher import Searcher
    from rag.serving.runtime import load_searcher

    assert rag.create_app is create_app and rag.ingest is ingest
    assert rag.Searcher is Searcher and rag.load_searcher is load_searcher


def test_unknown_names_raise_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        rag.nothing_here  # noqa: B018

