"""Prometheus metrics, request ids and structured logs, through the real app."""

from __future__ import annotations

import calendar
import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
import uvicorn
from litestar.testing import TestClient
from prometheus_client.parser import text_string_to_metric_families

from rag import logs
from rag.http import metrics
from rag.http.app import create_app
from rag.http.metrics import KNOWN_METHODS
from rag.logs import JsonFormatter, RequestIdFilter
from tests.helpers.serving import uvicorn_thread

QUESTION = "Quels documents d’identité acceptez-vous ?"


def samples(client: TestClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    r = client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(r.text) for s in family.samples}


def value(metrics: dict, name: str, **labels: str) -> float:
    wanted = set(labels.items())
    return sum(v for (n, ls), v in metrics.items() if n == name and wanted <= ls)


def test_requests_are_counted_and_timed_by_route_template_and_status(client, searcher):
    passage_id = searcher.index.passages[0].id
    before = samples(client)
    assert client.post("/v1/search", json={"question": QUESTION}).status_code == 200
    assert client.post("/v1/search", json={"question": ""}).status_code == 422
    assert client.get(f"/v1/passages/{passage_id}").status_code == 200
    assert client.post("/mcp", json={}).status_code >= 400  # the MCP mount (refused here: not a loopback Host)
    assert client.get("/v1/documents", headers={"host": "attacker.example"}).status_code == 421
    assert client.head(f"/v1/passages/{passage_id}").status_code == 200  # served as GET, counted as HEAD
    after = samples(client)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("rag_requests_total", path="/v1/search", method="POST", status_code="200") == 1
    assert delta("rag_requests_total", path="/v1/search", status_code="422") == 1
    assert delta("rag_request_duration_seconds_count", path="/v1/search", status_code="200") == 1
    assert delta("rag_request_duration_seconds_sum", path="/v1/search", status_code="200") > 0
    # one series per route, whatever the passage id
    assert delta("rag_requests_total", path="/v1/passages/{passage_id}", method="GET", status_code="200") == 1
    assert delta("rag_requests_total", path="/v1/passages/{passage_id}", method="HEAD", status_code="200") == 1
    assert not any(passage_id in dict(labels).get("path", "") for _, labels in after)
    assert delta("rag_requests_total", path="/mcp", method="POST") == 1
    assert delta("rag_requests_total", path="/v1/documents", status_code="421") == 1  # refused before the route


def test_metric_labels_are_bounded_and_requests_under_way_have_no_status(client):
    """h11 passes any token as a method, and a mounted app (`/mcp`) is handed it: each would be series of its own."""
    for method in ("FROBNICATE", "X-MADE-UP-1", "BREW"):
        assert client.request(method, "/mcp", json={}).status_code == 405
    after = samples(client)
    requests = [dict(labels) for name, labels in after if name.startswith("rag_request")]
    assert {labels["method"] for labels in requests} <= KNOWN_METHODS | {"_OTHER"}
    assert value(after, "rag_requests_total", path="/mcp", method="_OTHER", status_code="405") >= 3
    under_way = [dict(labels) for name, labels in after if name == "rag_requests_in_progress"]
    assert under_way and not any("status_code" in labels for labels in under_way)
    assert value(after, "rag_requests_in_progress", path="/metrics", method="GET") == 1  # the scrape itself


def test_the_queue_and_every_refusal_are_counted_by_reason(client):
    """A batch that alone would miss the deadline at the measured rate is refused (413) and counted; the queue's
    gauges read what waits; every reason has its series from the start."""
    from rag.http.metrics import QUEUE_REFUSALS
    from rag.http.refusals import TALLIES

    before = samples(client)
    for reason in (*TALLIES, *QUEUE_REFUSALS):
        assert ("rag_refusals_total", frozenset({("reason", reason)})) in before, reason
    assert value(before, "rag_queue_questions") == 0 and value(before, "rag_queue_tokens") == 0
    batcher = client.app.state.runtime.batcher
    measured, batcher.rate = batcher.rate, 1e-6  # tokens a second: any batch needs ages
    try:
        answer = client.post("/v1/search/batch", json={"questions": ["remboursement", "carte de séjour"]})
    finally:
        batcher.rate = measured
    assert answer.status_code == 413 and "RAG_REQUEST_DEADLINE_SECONDS" in answer.json()["detail"]
    after = samples(client)
    assert value(after, "rag_refusals_total", reason="too_much_work") - value(
        before, "rag_refusals_total", reason="too_much_work") == 1


def test_encode_batch_sizes_are_recorded(client):
    before = samples(client)
    questions = ["remboursement", "carte de séjour", "horaires du service client"]
    assert client.post("/v1/search/batch", json={"questions": questions}).status_code == 200
    assert client.post("/v1/search", json={"question": "remboursement", "mode": "lexical"}).status_code == 200
    after = samples(client)
    batches = value(after, "rag_encode_batch_size_count") - value(before, "rag_encode_batch_size_count")
    encoded = value(after, "rag_encode_batch_size_sum") - value(before, "rag_encode_batch_size_sum")
    # the three questions of the batch are embedded in one or more model calls, the lexical one too (`answerable`
    # reads both retrievers): it was counted as never embedded
    assert encoded == 4 and 2 <= batches <= 4
    assert value(after, "rag_encode_batch_size_bucket", le="4.0") - value(before, "rag_encode_batch_size_bucket",
                                                                          le="4.0") == batches


def test_mcp_tool_calls_are_counted_by_profile_tool_and_outcome(client):
    """An MCP request answers HTTP 200 whatever its outcome: a failing agent showed nowhere in the metrics."""
    def call(path: str, tool: str, arguments: dict) -> dict:
        body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": tool, "arguments": arguments}}
        r = client.post(path, json=body, headers={"accept": "application/json, text/event-stream"})
        assert r.status_code == 200
        return r.json()

    before = samples(client)
    assert not call("/mcp", "search", {"question": QUESTION})["result"]["isError"]
    assert call("/mcp", "get_passage", {"id": "no-such-passage"})["result"]["isError"]
    assert "error" in call("/mcp", "made_up_tool", {})  # a JSON-RPC error, its name no label of its own
    assert not call("/mcp/connector", "search", {"query": QUESTION})["result"]["isError"]
    after = samples(client)

    def counted(**labels: str) -> float:
        return value(after, "rag_mcp_tool_calls_total", **labels) - value(before, "rag_mcp_tool_calls_total",
                                                                          **labels)
    assert counted(profile="tools", tool="search", outcome="ok") == 1
    assert counted(profile="tools", tool="get_passage", outcome="error") == 1
    assert counted(profile="tools", tool="_OTHER", outcome="refused") == 1
    assert counted(profile="connector", tool="search", outcome="ok") == 1
    assert counted() == 4
    assert not any(n == "rag_mcp_tool_calls_total" and ("tool", "made_up_tool") in ls for n, ls in after)


def test_index_size_and_build_time(client, searcher):
    metrics = samples(client)
    manifest = searcher.index.manifest
    assert value(metrics, "rag_index_passages") == len(searcher.index)
    assert value(metrics, "rag_index_build_seconds") == pytest.approx(manifest["build_seconds"])
    built = calendar.timegm(time.strptime(manifest["built_at"], "%Y-%m-%dT%H:%M:%SZ"))
    assert value(metrics, "rag_index_built_timestamp_seconds") == built
    assert value(metrics, "rag_reload_failed") == 0  # a refused build: tests/system/test_reload.py


def test_every_response_has_a_request_id(client):
    ids = set()
    for method, path, body in [("POST", "/v1/search", {"question": QUESTION}), ("POST", "/v1/search", {}),
                               ("GET", "/nowhere", None), ("GET", "/healthz", None), ("DELETE", "/v1/search", None)]:
        r = client.request(method, path, json=body)
        rid = r.headers.get("x-request-id")
        assert rid and len(rid) == 32, (path, r.status_code)
        ids.add(rid)
    assert len(ids) == 5  # a new one each time


@pytest.mark.parametrize(("sent", "kept"), [
    ("abc-123_x.y", True), ("0b5c2f0e-7f1e-4c47-9d0a-2d3f1a6b9e77", True), ("a" * 128, True),
    ("a" * 129, False), ("two words", False), ("é".encode(), False), ("x\\ny", False), ("", False),
])
def test_a_sane_incoming_request_id_is_kept(client, sent, kept):
    r = client.get("/healthz", headers={"X-Request-ID": sent})
    assert (r.headers["x-request-id"] == sent) == kept
    if not kept:
        assert len(r.headers["x-request-id"]) == 32


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def test_structured_access_logs_carry_the_request_id(client):
    handler = Collect()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("rag")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    try:
        ok = client.post("/v1/search", json={"question": QUESTION}, headers={"X-Request-ID": "req-42"})
        missing = client.get("/nowhere")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    records = [json.loads(line) for line in handler.lines]
    access = {r["request_id"]: r for r in records if r["logger"] == "rag.access"}
    first = access["req-42"]
    assert ok.headers["x-request-id"] == "req-42"
    assert first["level"] == "info" and first["method"] == "POST" and first["path"] == "/v1/search"
    assert first["status"] == 200 and first["duration_ms"] > 0 and first["message"] == "POST /v1/search 200"
    assert first["time"].endswith("Z")
    second = access[missing.headers["x-request-id"]]
    assert second["path"] == "/nowhere" and second["status"] == 404


@pytest.mark.parametrize(("level", "noted"), [("info", False), ("debug", True)])
def test_an_mcp_call_logs_its_access_record_not_the_sdk_s_session_end(client, capsys, level, noted):
    """The SDK's transport logged "Terminating session: None" at info after every stateless MCP request: one record
    saying nothing beside each access record."""
    root = logging.getLogger()
    kept = root.handlers[:], root.level
    try:
        logs.configure(level, "json")  # as `rag serve` does; its handler writes to the captured stderr
        r = client.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
                        headers={"Accept": "application/json, text/event-stream", "MCP-Protocol-Version": "2025-06-18"})
        assert r.status_code == 200
        lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    finally:
        root.handlers[:], _ = kept
        root.setLevel(kept[1])
        logging.getLogger("mcp.server.streamable_http").setLevel(logging.NOTSET)
    assert [x["path"] for x in lines if x["logger"] == "rag.access"] == ["/mcp"]
    assert any(x["message"].startswith("Terminating session") for x in lines) == noted


def test_the_sdk_s_transport_keeps_to_the_log_level(capsys):
    """Its logger was set to WARNING under every level but debug, to quiet its info records: under
    RAG_LOG_LEVEL=error its warnings still came, as a logger's own level is the only one its records meet."""
    root = logging.getLogger()
    kept = root.handlers[:], root.level
    try:
        logs.configure("error", "text")
        logging.getLogger("mcp.server.streamable_http").warning("a warning")
        logging.getLogger("mcp.server.streamable_http").error("an error")
        said = capsys.readouterr().err
    finally:
        root.handlers[:], _ = kept
        root.setLevel(kept[1])
        logging.getLogger("mcp.server.streamable_http").setLevel(logging.NOTSET)
    assert "an error" in said and "a warning" not in said


def test_a_scrape_is_rendered_off_the_event_loop_one_at_a_time(searcher, settings, monkeypatch):
    """Rendering is tens of ms of pure Python (more with every route and status seen), and ran on the event loop: a
    client scraping in a loop on four connections took /healthz's median from 6 to 245 ms. Here the first scrape's
    rendering is held until /healthz has been answered and the second scrape is seen waiting for its turn (a
    rendering timed at 0.5 s, and /healthz's answer asserted under 0.4 s, failed on a loaded machine): rendered
    on the event loop, /healthz would wait for ever; two at a time, the second would render beside the first."""
    hang = 120  # seconds: a guard against a hang only
    rendering, most = 0, 0
    count = threading.Lock()
    begun, release = threading.Event(), threading.Event()
    real = metrics.generate_latest

    def held(registry: Any) -> bytes:
        nonlocal rendering, most
        with count:
            rendering += 1
            most = max(most, rendering)
        begun.set()
        release.wait(hang)
        with count:
            rendering -= 1
        return real(registry)

    monkeypatch.setattr(metrics, "generate_latest", held)
    app = create_app(settings, searcher=searcher)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    with uvicorn_thread(config) as port, ThreadPoolExecutor(2) as scrapers:
        base = f"http://127.0.0.1:{port}"
        scrapes = [scrapers.submit(httpx.get, f"{base}/metrics", timeout=hang) for _ in range(2)]
        try:
            assert begun.wait(hang), "no scrape was rendered"
            assert httpx.get(f"{base}/healthz", timeout=hang).status_code == 200  # while a rendering is held
            turn, deadline = app.state.metrics.rendering, time.monotonic() + hang
            while not turn.statistics().tasks_waiting and most == 1:  # the second scrape reaches its turn
                assert time.monotonic() < deadline, "the second scrape never came"
                time.sleep(0.01)
            assert most == 1, "two scrapes rendered at once"
        finally:
            release.set()
        assert [scrape.result().status_code for scrape in scrapes] == [200, 200]
    assert most == 1


@pytest.mark.parametrize(("keys", "said"), [
    ({}, "API keys: none, /v1, /mcp and /passages are open to every client that reaches this address; "
         "admin keys: none (admin routes off)"),
    ({"api_keys": ["key-one", "key-two"], "admin_keys": ["admin-key"]}, "API keys: 2; admin keys: 1"),
])
def test_the_start_says_which_build_is_served_and_whether_keys_are_needed(searcher, settings, caplog, keys, said):
    """The log said "listening on ..." and nothing of the index nor of the keys: a server whose key setting was
    misspelt (or empty) started open to all with no word of it. The keys are counted, never shown."""
    index = searcher.index
    with caplog.at_level(logging.INFO, logger="rag.api"), \
            TestClient(create_app(settings.model_copy(update=keys), searcher=searcher), base_url="http://127.0.0.1"):
        pass
    (started,) = [r.getMessage() for r in caplog.records if r.name == "rag.api" and "serving" in r.getMessage()]
    assert started == (f"serving index build {index.build_id} ({len(index)} passages, model "
                       f"{searcher.model_of(index)}); {said}")
    assert not any(key in started for key in ("key-one", "key-two", "admin-key"))  # no build id holds them (hex)
