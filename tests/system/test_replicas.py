"""Replicas over one artifact: two `rag serve` processes over the same index folder, behind a round-robin proxy,
answer identically and without a single error while an ingest replaces the build they serve.

The ingest runs in the test process (`pipeline.ingest`, what `rag ingest` calls, with the session's model): the
servers are separate processes already, so the new build reaches them only through the folder, as it would from an
ingest job; a third process would add a model load (seconds) and nothing the servers can tell apart.

Where the machine allows it (Linux user namespaces, see `tests.helpers.serving.read_only_mounts`), each server sees the
index folder through a read-only mount, as a pod does a volume mounted `readOnly: true`, while the ingest writes
through the ordinary path; elsewhere the servers run on the writable folder and that part goes unchecked.
"""

import asyncio
import json
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from rag.http.routes import BUILD_HEADER
from rag.index.store import Index
from rag.ingestion.pipeline import ingest
from rag.settings import Settings
from tests.helpers.serving import NEW_SOURCE, QUESTIONS, Proxy, Server, next_corpus, read_only_mounts

pytestmark = pytest.mark.anyio
PAUSE = 0.05
TOOK = re.compile(rb'"took_ms":[0-9.eE+-]+')  # the only part of a body that may differ between two answers


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@dataclass(frozen=True)
class Asked:
    """One request through the proxy and what came back; `body` is the raw body without `took_ms`."""

    request_id: str
    question: str
    status: int
    build: str | None
    body: bytes


def body(response: httpx.Response) -> bytes:
    return TOOK.sub(b'"took_ms":0', response.content)


async def ask(client: httpx.AsyncClient, question: str, request_id: str) -> Asked:
    try:
        r = await client.post("/v1/search", json={"question": question, "k": 5}, headers={"X-Request-ID": request_id})
    except httpx.HTTPError as exc:  # a reset or refused connection is an error like any non-200
        return Asked(request_id, question, 0, None, repr(exc).encode())
    return Asked(request_id, question, r.status_code, r.headers.get(BUILD_HEADER), body(r))


async def clients(url: str, stop: asyncio.Event, asked: list[Asked], workers: int = 3) -> None:
    """`workers` clients asking the questions in turn until `stop`, pausing `PAUSE` between two questions (steady
    traffic that leaves the ingest some CPU); no keep-alive, so that the proxy spreads every request, not every
    client."""
    limits = httpx.Limits(max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        async def worker(w: int) -> None:
            n = w
            while not stop.is_set():
                asked.append(await ask(client, QUESTIONS[n % len(QUESTIONS)], f"w{w}-{n}"))
                n += workers
                await asyncio.sleep(PAUSE)
        await asyncio.gather(*(worker(w) for w in range(workers)))


async def answers_after(asked: list[Asked], mark: int, count: int) -> None:
    """Wait until `count` answers have come after the first `mark` (300 s: a hang guard)."""
    deadline = asyncio.get_running_loop().time() + 300
    while len(asked) - mark < count:
        assert asyncio.get_running_loop().time() < deadline, f"fewer than {count} answers in 300 s"
        await asyncio.sleep(0.05)


async def same_answers_directly(servers: list[Server], build: str) -> dict[str, bytes]:
    """Ask each replica directly every question; each answer must be the same to the byte on both, from `build`."""
    answers: dict[str, bytes] = {}
    async with httpx.AsyncClient(timeout=60) as client:
        for question in QUESTIONS:
            got = [await client.post(f"{s.url}/v1/search", json={"question": question, "k": 5}) for s in servers]
            assert [r.status_code for r in got] == [200, 200]
            assert [r.headers[BUILD_HEADER] for r in got] == [build, build]
            assert body(got[0]) == body(got[1]), question
            answers[question] = body(got[0])
    return answers


@pytest.fixture
def artifact(tmp_path: Path, index: Index, settings: Settings) -> Settings:
    """A copy of the session's corpus and of its index (the old build), to change and re-ingest."""
    shutil.copytree(settings.corpus_dir, tmp_path / "corpus")
    shutil.copytree(index.path.parent.parent, tmp_path / "index", symlinks=True)
    return Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")


async def test_two_replicas_answer_alike_and_fail_nothing_while_the_artifact_is_replaced(artifact, index, embedder):
    old = index.build_id
    read_only = read_only_mounts()
    # one torch thread each: two servers and the ingest share this machine's cores, and oversubscribed they crawl
    env = {"RAG_RELOAD_POLL_SECONDS": "0.5", "RAG_LOG_LEVEL": "warning", "OMP_NUM_THREADS": "1"}
    servers = [Server(artifact.index_dir, read_only=read_only, env=env) for _ in range(2)]
    try:
        await asyncio.gather(*(s.ready() for s in servers))
        if read_only:  # the servers serve, and will reload, from a folder they cannot write to
            assert all("ro" in s.mount_options(artifact.index_dir) for s in servers)
        before = await same_answers_directly(servers, old)

        asked: list[Asked] = []
        stop = asyncio.Event()
        async with Proxy([s.port for s in servers]) as proxy:
            load = asyncio.create_task(clients(proxy.url, stop, asked))
            await answers_after(asked, 0, 12)
            next_corpus(artifact)
            new = (await asyncio.to_thread(ingest, artifact, embedder=embedder)).build_id
            async with httpx.AsyncClient(timeout=60) as client:
                deadline = asyncio.get_running_loop().time() + 300  # a few polls of 0.5 s; minutes: a hang guard
                while (ready := [(await client.get(f"{s.url}/readyz")).json()["build_id"] for s in servers]) \
                        != [new, new] and asyncio.get_running_loop().time() < deadline:
                    await asyncio.sleep(0.05)
            assert ready == [new, new]
            await answers_after(asked, len(asked), 12)
            stop.set()
            await load
        after = await same_answers_directly(servers, new)
    finally:
        for server in servers:
            server.stop()

    assert [a for a in asked if a.status != 200] == []
    assert {a.build for a in asked} == {old, new} and new != old
    assert None not in proxy.routed and set(proxy.routed.values()) == {0, 1}
    # per build and question, one answer to the byte, whichever replica gave it; both replicas answered each build
    bodies: dict[tuple[str | None, str], set[bytes]] = defaultdict(set)
    replicas: dict[str | None, set[int]] = defaultdict(set)
    for a in asked:
        bodies[a.build, a.question].add(a.body)
        replicas[a.build].add(proxy.routed[a.request_id])
    assert {key: len(found) for key, found in bodies.items() if len(found) > 1} == {}
    assert replicas == {old: {0, 1}, new: {0, 1}}
    for (build, question), (found,) in bodies.items():
        assert found == (before if build == old else after)[question]
    # the new build answers from the changed corpus: the new document tops the question it answers
    express = QUESTIONS[3]
    sources = {build: [p["citation"]["source"] for p in json.loads(answers[express])["passages"]]
               for build, answers in ((old, before), (new, after))}
    assert sources[new][0] == NEW_SOURCE and NEW_SOURCE not in sources[old]


def test_a_replica_started_before_the_first_ingest_listens_not_ready(tmp_path, monkeypatch):
    """A pod may start before the ingest job has published anything: `rag serve` then listens, not ready, and the
    watch serves the first build when it appears (tests/system/test_reload.py). Without the watch it would never become
    ready, so it refuses to start, as before."""
    from litestar.testing import TestClient

    from rag import cli
    from rag.http import server

    started = {}
    monkeypatch.setattr(server, "serve", lambda app, settings: started.update(app=app))
    assert cli.main(["serve", "--index", str(tmp_path / "empty")]) == 0
    with TestClient(started.pop("app"), base_url="http://127.0.0.1") as client:
        ready = client.get("/readyz")
        search = client.post("/v1/search", json={"question": QUESTIONS[0]})
    assert ready.status_code == 503 and ready.json()["detail"].startswith("no index in ")
    assert search.status_code == 503
    monkeypatch.setenv("RAG_RELOAD_POLL_SECONDS", "0")
    assert cli.main(["serve", "--index", str(tmp_path / "empty")]) == 4 and not started
