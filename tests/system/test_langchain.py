"""LangChain's `RemoteLangChainRetriever` (langchain-community) against the app served by a real uvicorn on loopback,
with API keys: the code docs/INTEGRATIONS.md shows, run as shown, prints what the page shows, and its documents are
the API's passages (text and citation), through `invoke` (requests) and `ainvoke` (aiohttp) alike."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.helpers.serving import HTTP_TIMEOUT, keyed_server
from tests.integration.test_docs_examples import block, run_langchain

KEY = "langchain-key-1"


@pytest.fixture(scope="module")
def served(searcher, settings) -> Iterator[str]:
    """The app over the session searcher, on a loopback port, behind KEY."""
    with keyed_server(searcher, settings, KEY) as url:
        yield url


@pytest.fixture
def shown(served, capsys) -> tuple[dict[str, Any], str]:
    return run_langchain(served, KEY, capsys)


def question() -> str:
    found = re.search(r'\.invoke\("(.+?)"\)', block("langchain", "request").text)
    assert found
    return found[1]


def passages(served: str, key: str = KEY, **body: Any) -> list[dict[str, Any]]:
    response = httpx.post(f"{served}/v1/search", json={"question": question(), **body},
                          headers={"Authorization": f"Bearer {key}"}, timeout=HTTP_TIMEOUT)
    assert response.status_code == 200, response.text
    return list(response.json()["passages"])


def test_the_example_prints_what_the_page_shows(shown):
    _, printed = shown
    assert printed.strip() == block("langchain", "response").text.strip()


def test_documents_are_the_passages_text_and_citation(served, shown):
    names, _ = shown
    got = [(d.page_content, d.metadata) for d in names["documents"]]
    assert got == [(p["text"], p["citation"]) for p in passages(served)]
    assert len(got) == 5  # the body holds the question alone: the server's default k
    assert len(passages(served, k=2)) == 2


def test_ainvoke_gets_the_same_documents(shown):
    names, _ = shown
    documents = asyncio.run(names["retriever"].ainvoke(question()))
    assert documents == names["documents"]


def test_a_wrong_key_surfaces_as_a_key_error(served, shown):
    """The retriever reads the body whatever the status: the 401 problem has no `passages`."""
    names, _ = shown
    assert httpx.post(f"{served}/v1/search", json={"question": "x"}, timeout=HTTP_TIMEOUT).status_code == 401
    wrong = names["retriever"].model_copy(update={"headers": {"Authorization": "Bearer wrong-key"}})
    with pytest.raises(KeyError, match="passages"):
        wrong.invoke(question())
