"""Every example shown in README.md and docs/*.md, run again against the session index of the seed corpus.

An example is a fenced block after a marker line, `<!-- example: NAME -->` or `<!-- example: NAME ROLE -->` with ROLE
`request` (what a user runs: a `curl` command, a Python script), `command` (a `rag` command line) or `response` (what
it prints). Each name has one check below, which runs the request as shown (the `curl` body and path, the Python
code itself) and compares what comes back with the response block: every key and value the block shows must be in
the real answer, and an object shows every key the answer holds unless `"...": "..."` stands for keys left out (so
that an example shown whole is whole: a client written from it misses no field), a trailing `"..."` in a list for
items left out, and
`(...)` inside a string for text left out. Timings (`took_ms`, `ms_per_query`, a log record's time and duration)
are not compared. Any fenced block that is not a shell command must be an example, so no output is shown unchecked.
"""

from __future__ import annotations

import io
import json
import logging
import re
import shlex
import subprocess
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from litestar.testing import TestClient

from rag.cli import main as cli_main
from rag.cli import parser as cli_parser
from rag.evaluation import evaluate, table
from rag.http.app import create_app
from rag.logs import JsonFormatter, RequestIdFilter

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
MARKER = re.compile(r"<!-- example: ([\w-]+)(?: (request|command|response))? -->")
UNTIMED = {"took_ms"}


@dataclass(frozen=True)
class Block:
    page: str
    language: str
    text: str


def fenced_blocks(path: Path) -> Iterator[tuple[str | None, str, str]]:
    """(marker line before it or None, language, text) of each fenced block of a Markdown page."""
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        if lines[i].startswith("```"):
            language = lines[i][3:].strip()
            end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
            before = lines[i - 1] if i else ""
            yield (before if MARKER.fullmatch(before) else None), language, "\n".join(lines[i + 1:end])
            i = end + 1
        else:
            i += 1


def examples() -> dict[tuple[str, str], Block]:
    found: dict[tuple[str, str], Block] = {}
    for path in PAGES:
        for marker, language, text in fenced_blocks(path):
            if marker is None:
                continue
            match = MARKER.fullmatch(marker)
            assert match
            key = (match[1], match[2] or "")
            assert key not in found, f"example {key} shown twice ({found[key].page} and {path.name})"
            found[key] = Block(path.name, language, text)
    return found


EXAMPLES = examples()


def block(name: str, role: str = "") -> Block:
    return EXAMPLES[(name, role)]


# -- comparing what a page shows with what came back ----------------------------------------------------------------


def matches(shown: Any, real: Any, where: str = "$") -> None:
    """Assert that `real` holds everything `shown` shows (see the module docstring for the abridging rules)."""
    if isinstance(shown, dict):
        assert isinstance(real, dict), f"{where}: shown an object, got {real!r}"
        if "..." not in shown:  # shown whole: no key left out
            left_out = sorted(set(real) - set(shown) - UNTIMED)
            assert not left_out, f'{where}: keys {left_out} not shown, and no "...": "..." says keys are left out'
        for key, value in shown.items():
            if key == "..." or key in UNTIMED:
                continue
            assert key in real, f"{where}: no key {key!r} in {sorted(real)}"
            matches(value, real[key], f"{where}.{key}")
    elif isinstance(shown, list):
        assert isinstance(real, list), f"{where}: shown a list, got {real!r}"
        items = [item for item in shown if item != "..."]
        if "..." in shown:
            assert len(real) >= len(items), f"{where}: {len(real)} items, fewer than the {len(items)} shown"
        else:
            assert len(real) == len(items), f"{where}: {len(real)} items, {len(items)} shown"
        for i, item in enumerate(items):
            matches(item, real[i], f"{where}[{i}]")
    elif isinstance(shown, str) and "(...)" in shown:
        assert isinstance(real, str), f"{where}: shown a string, got {real!r}"
        pieces = shown.split("(...)")
        assert real.startswith(pieces[0]) and real.endswith(pieces[-1]), f"{where}: {real!r} is not {shown!r}"
        at = len(pieces[0])
        for piece in pieces[1:-1]:
            found = real.find(piece, at)
            assert found >= 0, f"{where}: {piece!r} not in {real!r} after {at}"
            at = found + len(piece)
        assert at <= len(real) - len(pieces[-1]), f"{where}: {real!r} is not {shown!r}"
    elif isinstance(shown, float):
        assert real == pytest.approx(shown, rel=1e-3, abs=1e-4), f"{where}: {real!r}, shown {shown!r}"
    else:
        assert shown == real, f"{where}: {real!r}, shown {shown!r}"


def curl(command: str) -> tuple[str, str, dict[str, Any] | None]:
    """(method, path and query, JSON body or None) of the one `curl` command of a shell block."""
    words = shlex.split(command.replace("\\\n", " "))
    assert words[0] == "curl", command
    url = next(w for w in words[1:] if w.startswith(("127.0.0.1", "localhost", "http")))
    parts = urlsplit(url if "://" in url else f"http://{url}")
    body = words[words.index("-d") + 1] if "-d" in words else None
    return ("POST" if body else "GET"), parts.path + (f"?{parts.query}" if parts.query else ""), \
        (json.loads(body) if body else None)


def table_rows(text: str) -> list[list[str]]:
    """A `rag eval` table without its last column (milliseconds per question, which depend on the machine)."""
    rows = [line.split() for line in text.strip().splitlines()]
    return [rows[0], rows[1], *(row[:-1] for row in rows[2:])]


# -- the app and the checks -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(searcher, settings) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update={"reload_poll_seconds": 0}), searcher=searcher)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        yield c


def http_example(client: TestClient, name: str) -> Any:
    method, path, body = curl(block(name, "request").text)
    response = client.request(method, path, json=body)
    shown = json.loads(block(name, "response").text)
    assert response.status_code == shown.get("status", 200), response.text
    matches(shown, response.json())
    return response.json()


def mcp(client: TestClient, method: str, params: dict[str, Any] | None = None, path: str = "/mcp") -> dict[str, Any]:
    """One JSON-RPC call to a stateless MCP endpoint, as the SDK's client sends it."""
    response = client.post(path, json={"jsonrpc": "2.0", "id": 1, "method": method, "params": params or {}},
                           headers={"Accept": "application/json, text/event-stream"})
    assert response.status_code == 200, response.text
    return response.json()["result"]


def check_python_batch(client: TestClient, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                       **_: Any) -> None:
    def urlopen(request: urllib.request.Request) -> io.BytesIO:
        parts = urlsplit(request.full_url)
        answer = client.post(parts.path, content=request.data, headers=dict(request.header_items()))
        assert answer.status_code == 200, answer.text
        return io.BytesIO(answer.content)

    monkeypatch.chdir(ROOT)  # the script reads tests/data/devset.jsonl from the repository root
    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    exec(compile(block("python-batch", "request").text, "python-batch", "exec"), {})
    assert capsys.readouterr().out.strip() == block("python-batch", "response").text.strip()


def check_openai_client(client: TestClient, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                        **_: Any) -> None:
    """The script with the real `openai` client, its requests answered by the app in this process."""
    import httpx2
    import openai

    def forward(request: httpx2.Request) -> httpx2.Response:
        parts = urlsplit(str(request.url))
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")}
        answer = client.request(request.method, parts.path + (f"?{parts.query}" if parts.query else ""),
                                content=request.content, headers=headers)
        kept = {k: v for k, v in answer.headers.items() if k.lower() not in ("content-encoding", "content-length")}
        return httpx2.Response(answer.status_code, headers=kept, content=answer.content)

    made = openai.OpenAI
    monkeypatch.setattr(openai, "OpenAI", lambda **options: made(
        **options, http_client=httpx2.Client(transport=httpx2.MockTransport(forward))))
    exec(compile(block("openai-client", "request").text, "openai-client", "exec"), {})
    assert capsys.readouterr().out.strip() == block("openai-client", "response").text.strip()


def check_mcp_client(client: TestClient, **_: Any) -> None:
    code = block("mcp-client", "request").text
    call = re.search(r'call_tool\("search", (\{.*?\})\)', code)
    assert call, code
    names = [tool["name"] for tool in mcp(client, "tools/list")["tools"]]
    result = mcp(client, "tools/call", {"name": "search", "arguments": json.loads(call[1])})
    text = result["content"][0]["text"]
    shown = block("mcp-client", "response").text.splitlines()
    assert shown == [str(names), text[:300]]


# the server names the configurations give each profile, the path of each and the tools it serves
PROFILES = {"rag": ("/mcp", ["search", "get_passage", "list_documents"]),
            "rag-connector": ("/mcp/connector", ["search", "fetch"])}


def check_client_config(client: TestClient, name: str, kind: str | None) -> None:
    """A JSON configuration of an HTTP client: each server at the path of its profile, with a Bearer header, and
    that path answering with the profile's tools."""
    servers = json.loads(block(name).text)["mcpServers"]
    assert set(servers) == set(PROFILES)
    for server, config in servers.items():
        path, tools = PROFILES[server]
        assert config.get("type") == kind and urlsplit(config["url"]).path == path
        assert config["headers"]["Authorization"].startswith("Bearer ")
        assert [t["name"] for t in mcp(client, "tools/list", path=path)["tools"]] == tools


def check_mcp_http_config(client: TestClient, **_: Any) -> None:
    check_client_config(client, "mcp-http-config", "http")  # Claude Code


def check_cursor_config(client: TestClient, **_: Any) -> None:
    check_client_config(client, "cursor-config", None)


def check_openai_responses_config(client: TestClient, **_: Any) -> None:
    tool = json.loads(block("openai-responses-config").text)
    assert tool["type"] == "mcp" and tool["require_approval"] == "never"
    assert tool["headers"]["Authorization"].startswith("Bearer ")
    path = urlsplit(tool["server_url"]).path
    assert path == "/mcp/connector"
    assert [t["name"] for t in mcp(client, "tools/list", path=path)["tools"]] == ["search", "fetch"]


def check_mcp_stdio_config(tmp_path: Path, **_: Any) -> None:
    """The printf prints, from a clone, entries whose command lines rag's own parser reads as each profile."""
    printed = subprocess.run(["sh", "-c", block("mcp-stdio-config", "command").text], cwd=tmp_path,
                             capture_output=True, text=True, check=True).stdout
    servers = json.loads(printed)["mcpServers"]
    assert set(servers) == set(PROFILES)
    for server, config in servers.items():
        assert config["command"] == f"{tmp_path}/.venv/bin/rag" and config["env"]["HF_HUB_OFFLINE"] == "1"
        args = cli_parser().parse_args(config["args"])
        assert args.command == "mcp" and args.index_dir == tmp_path / "var/index"
        assert args.profile == ("connector" if server == "rag-connector" else "tools")
    assert servers["rag-connector"]["env"]["RAG_CORPUS_DIR"] == f"{tmp_path}/corpus"


def connector_call(client: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    """A JSON-RPC call to the shown address (its port too: the connector's links start with it)."""
    response = client.post("http://127.0.0.1:8000/mcp/connector", json=body,
                           headers={"Accept": "application/json, text/event-stream"})
    assert response.status_code == 200, response.text
    return response.json()


def check_mcp_connector_search(client: TestClient, **_: Any) -> None:
    request = block("mcp-connector-search", "request").text
    method, path, body = curl(request)
    assert (method, path) == ("POST", "/mcp/connector") and "127.0.0.1:8000/mcp/connector" in request
    assert body is not None
    got = connector_call(client, body)
    matches(json.loads(block("mcp-connector-search", "response").text), got)
    assert json.loads(got["result"]["content"][0]["text"]) == got["result"]["structuredContent"]


def check_mcp_connector_fetch(client: TestClient, **_: Any) -> None:
    shown = json.loads(block("mcp-connector-fetch", "response").text)
    got = connector_call(client, {"jsonrpc": "2.0", "id": 2, "method": "tools/call",
                                  "params": {"name": "fetch", "arguments": {"id": shown["id"]}}})["result"]
    matches(shown, got["structuredContent"])
    assert json.loads(got["content"][0]["text"]) == got["structuredContent"]


def check_chatbot_markdown(client: TestClient, **_: Any) -> None:
    method, path, body = curl(block("curl-k3", "request").text)
    answer = client.request(method, path, json=body).json()["answer"]
    assert answer["markdown"].strip() == block("chatbot-markdown").text.strip()


def check_chatbot_no_answer(client: TestClient, **_: Any) -> None:
    method, path, body = curl(block("chatbot-no-answer", "request").text)
    got = client.request(method, path, json=body).json()
    shown = json.loads(block("chatbot-no-answer", "response").text)
    assert len(got["passages"]) == body["k"]
    matches(shown, got)


def check_access_log(client: TestClient, **_: Any) -> None:
    shown = json.loads(block("access-log").text)
    records: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: records.append(handler.format(record))  # type: ignore[method-assign]
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    access = logging.getLogger(shown["logger"])
    level = access.level
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    try:
        # the key whose id the example shows ("password": a key a reader recognises is no key anyone should use)
        client.request(shown["method"], shown["path"], headers={"X-Request-ID": shown["request_id"],
                                                                "Authorization": "Bearer password"})
    finally:
        access.removeHandler(handler)
        access.setLevel(level)
    (record,) = [json.loads(r) for r in records]
    # a library may add private fields to every record (Ray, once imported, adds `_ray_timestamp_ns`)
    record = {k: v for k, v in record.items() if not k.startswith("_")}
    assert set(record) == set(shown)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", record["time"])
    assert isinstance(record["duration_ms"], float) and isinstance(record["client"], str)
    assert {k: v for k, v in record.items() if k not in ("time", "duration_ms", "client")} == \
        {k: v for k, v in shown.items() if k not in ("time", "duration_ms", "client")}  # the test client's address


def run_eval(name: str, settings, embedder, targets: dict[str, Path]) -> None:
    """The `rag eval` command line of the example, parsed by rag's own parser, run as `rag eval` runs it."""
    line = block(name, "command").text.strip()
    args = cli_parser().parse_args(shlex.split(line)[1:])
    assert args.command == "eval"
    if args.corpus_dir is not None:
        assert (ROOT / args.corpus_dir).resolve() == (ROOT / "corpus").resolve()  # the session copies it
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    printed = "\n\n".join(table(evaluate(targets.get(str(t), ROOT / t), settings, embedder, modes))
                          for t in args.targets)
    same_table(table_rows(printed), table_rows(block(name, "response").text))


def same_table(printed: list[list[str]], shown: list[list[str]]) -> None:
    """The same table, each figure within one question of the one shown: the bundled model's vectors differ a little
    between CPUs (float rounding around its exact integer products, docs/EVALUATION.md#determinism), enough for a
    close second passage to take a question's first place on one and not the other. Exact for fewer than ten
    questions, where one question is a tenth of a figure or more."""
    assert [row[:1] for row in printed] == [row[:1] for row in shown] and printed[:2] == shown[:2]
    questions = int(shown[0][1])  # "devset: 42 questions, ..."
    if questions < 10:
        assert printed == shown
        return
    for real, expected in zip(printed[2:], shown[2:], strict=True):
        assert len(real) == len(expected), (real, expected)
        for got, want in zip(real, expected, strict=True):
            if want == "-" or got == "-" or not want[:1].isdigit():
                assert got == want, (real, expected)
            else:
                assert abs(float(got) - float(want)) <= 1 / questions + 1e-4, (real, expected)


def check_eval_own(settings, embedder, tmp_path: Path, **_: Any) -> None:
    request = block("eval-own", "request")
    for line in request.text.splitlines():  # the format the README documents
        row = json.loads(line)
        assert set(row) <= {"id", "question", "answers", "passage_ids"} and {"id", "question"} <= set(row)
    questions = tmp_path / "my-questions.jsonl"
    questions.write_text(request.text + "\n", encoding="utf-8")
    run_eval("eval-own", settings, embedder, {"my-questions.jsonl": questions})


def check_devset_eval(settings, embedder, **_: Any) -> None:
    run_eval("devset-eval", settings, embedder, {})


def check_trec_files(settings, embedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                     capsys: pytest.CaptureFixture[str], **_: Any) -> None:
    """The command as shown, run by `rag`'s own `main` in a scratch folder, then the script over the files it wrote:
    its figures are the ones shown, and the answer recall `rag eval` computed in that run."""
    words = shlex.split(block("trec-files", "command").text.strip())
    assert words[0].endswith("/rag") and words[1] == "eval"
    argv = [str(ROOT / w) if w.endswith(".jsonl") else w for w in words[1:]]
    monkeypatch.setattr("rag.embedding.load.load_embedder", lambda *a, **k: embedder)  # no second model load
    monkeypatch.chdir(tmp_path)
    assert cli_main([*argv, "--corpus", str(settings.corpus_dir), "-o", "figures.json"]) == 0
    capsys.readouterr()
    exec(compile(block("trec-files", "request").text, "trec-files", "exec"), {})
    printed = capsys.readouterr().out
    assert printed.strip() == block("trec-files", "response").text.strip()
    (report,) = json.loads((tmp_path / "figures.json").read_text(encoding="utf-8"))
    (scores,) = report["scores"]
    shown = dict(line.split() for line in printed.splitlines())
    assert (float(shown["Success@1"]), float(shown["Success@5"])) == \
        (scores["answer_recall@1"], scores["answer_recall@5"])


def run_langchain(base_url: str, key: str, capsys: pytest.CaptureFixture[str]) -> tuple[dict[str, Any], str]:
    """The LangChain example as shown, asking `base_url` with `key`: the names it defined, and what it printed."""
    code = block("langchain", "request").text
    assert "http://127.0.0.1:8000/v1/search" in code and "Bearer <key>" in code
    names: dict[str, Any] = {}
    capsys.readouterr()
    exec(compile(code.replace("http://127.0.0.1:8000", base_url).replace("<key>", key), "langchain", "exec"), names)
    return names, capsys.readouterr().out


def check_langchain(client: TestClient, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                    **_: Any) -> None:
    """In process, through the test client (tests/system/test_langchain.py asks a real server with a key)."""
    import requests

    monkeypatch.setattr(requests, "post", lambda url, json, headers: client.post(urlsplit(url).path, json=json,
                                                                                 headers=headers))
    _, printed = run_langchain("http://127.0.0.1:8000", "unused", capsys)  # this app has no keys
    assert printed.strip() == block("langchain", "response").text.strip()


def check_layout(**_: Any) -> None:
    """docs/ARCHITECTURE.md's tree names every module of rag/ and no module that is not there."""
    shown = set(re.findall(r"\b([a-z_0-9]+\.py)\b", block("layout").text))
    real = {p.name for p in (ROOT / "rag").rglob("*.py")} - {"__main__.py"}
    folders = {p.parent.name + "/" for p in (ROOT / "rag").rglob("__init__.py")} - {"rag/"}
    assert shown == real, (sorted(real - shown), sorted(shown - real))
    assert all(folder in block("layout").text for folder in folders), folders


CHECKS: dict[str, Callable[..., None]] = {
    "layout": check_layout,
    "python-batch": check_python_batch,
    "mcp-client": check_mcp_client,
    "openai-client": check_openai_client,
    "mcp-http-config": check_mcp_http_config,
    "cursor-config": check_cursor_config,
    "openai-responses-config": check_openai_responses_config,
    "mcp-stdio-config": check_mcp_stdio_config,
    "mcp-connector-search": check_mcp_connector_search,
    "mcp-connector-fetch": check_mcp_connector_fetch,
    "chatbot-markdown": check_chatbot_markdown,
    "chatbot-no-answer": check_chatbot_no_answer,
    "access-log": check_access_log,
    "eval-own": check_eval_own,
    "devset-eval": check_devset_eval,
    "trec-files": check_trec_files,
    "langchain": check_langchain,
}
HTTP = sorted({name for name, role in EXAMPLES if role == "request"} - set(CHECKS))


def test_every_shown_output_is_an_example():
    """A block that is not a shell command (a response, a script, its output, a log record) must be checked."""
    unmarked = [(path.name, language, text[:60]) for path in PAGES for marker, language, text in fenced_blocks(path)
                if marker is None and language != "sh"]
    assert unmarked == []


def test_every_example_has_a_check():
    names = {name for name, _ in EXAMPLES}
    assert names == set(CHECKS) | set(HTTP)
    for name in HTTP:
        assert (name, "response") in EXAMPLES and block(name, "request").language == "sh", name


@pytest.mark.parametrize("name", HTTP)
def test_http_example(client, name):
    http_example(client, name)


def test_the_readme_example_ranks_the_identity_faq_first(client):
    """What the README's prose says of its example."""
    found = http_example(client, "search-basic")
    assert found["passages"][0]["citation"]["doc_id"] == "sequra-faq-marchands"
    assert "carte de séjour" in found["answer"]["text"]


def test_filter_examples_use_paths_of_the_seed_corpus(client):
    listed = {d["source"] for d in client.get("/v1/documents").json()["documents"]}
    for name in ("filter-sources", "documents-source"):
        _, path, body = curl(block(name, "request").text)
        sources = body["filter"]["sources"] if body else [path.split("source=")[1].split("&")[0]]
        assert set(sources) <= listed, name
    _, _, body = curl(block("filter-unknown-folder", "request").text)
    assert body and not any(s.startswith(f"{body['filter']['sources'][0]}/") for s in listed)


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_example(name, client, settings, embedder, tmp_path, monkeypatch, capsys):
    CHECKS[name](client=client, settings=settings, embedder=embedder, tmp_path=tmp_path, monkeypatch=monkeypatch,
                 capsys=capsys)
