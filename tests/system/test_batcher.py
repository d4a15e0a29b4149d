"""Micro-batching over real HTTP: the app served by uvicorn in a thread, concurrent clients, a client that leaves."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from rag.http.app import create_app
from rag.search.searcher import Query
from tests.helpers.batching import devset_questions, same_answer

HANG = 120  # seconds: a guard against a hang only


@pytest.fixture(scope="module")
def server_url(searcher, settings):
    """The app served by uvicorn on a loopback port, in a thread of this process (real HTTP, real concurrency)."""
    import uvicorn

    from tests.helpers.serving import uvicorn_thread

    # no deadline: on a loaded machine the measured rate makes 64 long questions more than a deadline's work, and
    # the server would rightly refuse them (503) instead of queueing them for the test of a client that leaves
    app = create_app(settings.model_copy(update={"request_deadline_seconds": 0}), searcher=searcher)
    with uvicorn_thread(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning")) as port:
        yield f"http://127.0.0.1:{port}", app


def test_concurrent_requests_each_get_their_own_answer(searcher, server_url):
    import httpx

    url, app = server_url
    questions = devset_questions()
    requests = [{"question": q, "k": 1 + n % 7, "mode": ("hybrid", "dense", "lexical")[n % 3]}
                for n, q in enumerate(questions * 3)]
    alone = [searcher.search([Query(r["question"], r["k"], r["mode"])])[0] for r in requests]
    batches_before = app.state.runtime.batcher.batches

    async def scenario():
        limits = httpx.Limits(max_connections=len(requests))
        async with httpx.AsyncClient(base_url=url, limits=limits, timeout=120) as client:
            return await asyncio.gather(*(client.post("/v1/search", json=r) for r in requests))

    responses = asyncio.run(scenario())
    assert app.state.runtime.batcher.batches - batches_before < len(requests)  # requests really were answered together
    for request, response, expected in zip(requests, responses, alone, strict=True):
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["question"] == request["question"] and body["mode"] == request["mode"]
        same_answer(body["passages"], expected, request["question"])


def test_the_questions_of_a_client_that_left_are_not_computed(server_url, monkeypatch):
    """Over real HTTP: a batch of 64 long questions sent, then the connection closed: the server stops computing
    them within a model call or two, instead of answering all 64 to nobody. The first model call is held until the
    server has dropped the rest (the connection closed 0.3 s after the batch was queued, and what the model had
    computed by the time the server read the close depended on the machine's load)."""
    import json
    import socket
    import threading
    from urllib.parse import urlsplit

    url, app = server_url
    batcher = app.state.runtime.batcher
    items, dropped = batcher.items, batcher.dropped
    computing, release, returned = threading.Event(), threading.Event(), threading.Event()
    compute = batcher._fn

    def held(questions):
        computing.set()
        release.wait(HANG)
        try:
            return compute(questions)
        finally:
            returned.set()

    monkeypatch.setattr(batcher, "_fn", held)
    questions = [f"Question {n} : " + " ".join(f"mot{n}x{m}" for m in range(250)) for n in range(64)]
    body = json.dumps({"questions": [q[:2000] for q in questions], "k": 1}).encode()
    address = urlsplit(url)
    errors: list[logging.LogRecord] = []
    recorder = logging.Handler(logging.ERROR)
    recorder.emit = errors.append  # type: ignore[method-assign]
    logging.getLogger("uvicorn.error").addHandler(recorder)  # uvicorn's loggers do not reach the root's
    with socket.create_connection((address.hostname, address.port)) as sock:
        sock.sendall(b"POST /v1/search/batch HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
                     b"content-length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        assert computing.wait(HANG), "the batch was never computed"  # read, queued, its first model call begun
    try:
        deadline = time.monotonic() + HANG
        while batcher._pending and time.monotonic() < deadline:  # the close read, the rest dropped
            time.sleep(0.05)
        assert not batcher._pending, "the questions of the client that left are still queued"
    finally:
        release.set()
    assert returned.wait(HANG)  # the call under way when the rest was dropped ends
    time.sleep(0.5)  # and its results are handed back, to nobody (no error logged meanwhile)
    logging.getLogger("uvicorn.error").removeHandler(recorder)
    computed = batcher.items - items
    assert batcher.dropped - dropped >= 32 and computed <= 32, (computed, batcher.dropped - dropped)
    assert not errors, [r.getMessage() for r in errors]  # a client leaving is no error of the server
