"""`rag search --url`: the same output as a local `rag search`, asked of a running server (a real uvicorn on
loopback, with API keys); errors said as the local search says them, with the same exit codes. And `rag --version`."""

from __future__ import annotations

import json
import socket
import tomllib
from collections.abc import Iterator

import pytest

from rag import __version__, cli
from rag.schemas import SearchResponse
from tests.helpers.paths import ROOT
from tests.helpers.serving import keyed_server

KEY = "remote-key-1"
QUESTION = "Quels documents d’identité acceptez-vous ?"


@pytest.fixture(scope="module")
def served(searcher, settings) -> Iterator[str]:
    """The app over the session searcher, on a loopback port, behind KEY."""
    with keyed_server(searcher, settings, KEY) as url:
        yield url


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("extra", [[], ["-k", "2", "--mode", "lexical"], ["--source", "sequra-faq-marchands.txt"],
                                   ["--context", "horaires du service client ?", "--context", "et par mail ?"]])
def test_remote_search_prints_what_the_local_search_prints(served, settings, embedder, capsys, monkeypatch, extra):
    monkeypatch.setattr("rag.serving.runtime.load_embedder", lambda *a, **k: embedder)  # no second model load
    monkeypatch.setenv("RAG_API_KEY", KEY)
    local = run(capsys, "search", "--index", str(settings.index_dir), *extra, QUESTION)
    remote = run(capsys, "search", "--url", served, *extra, QUESTION)
    assert local[0] == 0 and remote == local
    # --json prints what the API answers, whole (the time taken aside, which differs)
    shown = [json.loads(run(capsys, "search", *where, "--json", *extra, QUESTION)[1])
             for where in (["--index", str(settings.index_dir)], ["--url", served])]
    assert all(set(found) == set(SearchResponse.model_fields) and found.pop("took_ms") >= 0 for found in shown)
    assert shown[0] == shown[1] and shown[0]["passages"] and shown[0]["answer"]["text"]
    assert shown[0]["mode"] == (extra[3] if "--mode" in extra else "hybrid") and shown[0]["model"]


def test_remote_search_says_an_unanswered_question_as_the_local_one_does(served, settings, embedder, capsys,
                                                                          monkeypatch):
    monkeypatch.setattr("rag.serving.runtime.load_embedder", lambda *a, **k: embedder)
    monkeypatch.setenv("RAG_API_KEY", KEY)
    local = run(capsys, "search", "--index", str(settings.index_dir), "What is the capital of Australia?")
    remote = run(capsys, "search", "--url", served, "What is the capital of Australia?")
    assert remote == local and local[1].startswith("The documents do not seem to answer this question.\n"
                                                   "Closest sources:\n")  # the question's language


def test_the_url_comes_from_rag_url_too(served, capsys, monkeypatch):
    monkeypatch.setenv("RAG_URL", served)
    monkeypatch.setenv("RAG_API_KEY", KEY)
    code, out, _ = run(capsys, "search", "--json", "-k", "1", QUESTION)
    assert code == 0 and len(json.loads(out)["passages"]) == 1


def test_remote_errors_say_what_to_fix_with_the_local_exit_codes(served, capsys, monkeypatch):
    code, _, err = run(capsys, "search", "--url", served, QUESTION)  # no key
    assert code == 6 and "refused" in err and "RAG_API_KEY" in err
    monkeypatch.setenv("RAG_API_KEY", KEY)
    code, _, err = run(capsys, "search", "--url", served, "-k", "0", QUESTION)  # the server's 422
    assert code == 7 and err.startswith("rag: error: ") and "k" in err
    code, _, err = run(capsys, "search", "--url", served, "--source", "no/such/folder", QUESTION)
    assert code == 7 and "no/such/folder" in err
    with socket.socket() as unused:  # bound, never listening: nobody can listen there during the call
        unused.bind(("127.0.0.1", 0))
        code, _, err = run(capsys, "search", "--url", f"http://127.0.0.1:{unused.getsockname()[1]}", QUESTION)
    assert code == 6 and "cannot reach a rag server" in err and "Traceback" not in err
    code, _, err = run(capsys, "search", "--url", "file:///etc/passwd", QUESTION)
    assert code == 6 and "http://" in err


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--version"])
    assert exit_.value.code == 0
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert capsys.readouterr().out == f"rag {project['version']}\n" and __version__ == project["version"]
