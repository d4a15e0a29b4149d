"""Index reload without downtime: under concurrent requests, a new build is swapped in (admin route or watch of
the `current` link) with zero failed requests, each response answered wholly by one build; a build that does not
load never replaces the served one, and the server says why."""

import asyncio
import json
import logging
import shutil
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar
from prometheus_client.parser import text_string_to_metric_families

from rag.http.app import create_app
from rag.http.routes import BUILD_HEADER
from rag.index import publish
from rag.index.layout import current_build
from rag.index.store import Index
from rag.ingestion.pipeline import ingest
from rag.search.searcher import Searcher
from rag.settings import Settings
from tests.helpers.paths import unseal
from tests.helpers.serving import NEW_DOC, QUESTIONS, next_corpus

pytestmark = pytest.mark.anyio
ADMIN_KEY = "admin-key-for-reload-tests"
ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@asynccontextmanager
async def serving(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """The app, its lifespan run, behind a client whose requests really run concurrently in this event loop
    (Litestar's AsyncTestClient hands each request to a portal thread and waits for it: one at a time)."""
    async with app.lifespan(), httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1",
                                                 timeout=120) as client:
        yield client


@pytest.fixture
def served(tmp_path: Path, index: Index, settings: Settings) -> Iterator[Settings]:
    """A copy of the session's corpus and index (build A), to change and re-ingest."""
    shutil.copytree(settings.corpus_dir, tmp_path / "corpus")
    shutil.copytree(index.path.parent.parent, tmp_path / "index", symlinks=True)
    yield Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", admin_keys=[ADMIN_KEY],
                   reload_poll_seconds=0)


@dataclass
class Answer:
    started: float
    status: int
    build: str | None
    ids: list[str]


async def hammer(client: httpx.AsyncClient, stop: asyncio.Event, answers: list[Answer], worker: int) -> None:
    loop = asyncio.get_running_loop()
    n = worker
    while not stop.is_set():
        n += 1
        started = loop.time()
        if n % 3:
            r = await client.post("/v1/search", json={"question": QUESTIONS[n % len(QUESTIONS)], "k": 5})
            ids = [hit["id"] for hit in r.json().get("passages", [])] if r.status_code == 200 else []
        else:
            r = await client.post("/v1/search/batch", json={"questions": QUESTIONS, "k": 3})
            ids = [hit["id"] for res in r.json().get("results", []) for hit in res["passages"]] \
                if r.status_code == 200 else []
        answers.append(Answer(started, r.status_code, r.headers.get(BUILD_HEADER), ids))


async def answered(answers: list[Answer], count: int, *, after: float) -> None:
    """Wait until `count` requests started after `after` are answered (300 s: a hang guard)."""
    deadline = asyncio.get_running_loop().time() + 300
    while sum(a.started > after for a in answers) < count:
        assert asyncio.get_running_loop().time() < deadline, f"fewer than {count} answers in 300 s"
        await asyncio.sleep(0.05)


async def reload_under_load(settings: Settings, embedder, trigger: str) -> tuple[list[Answer], float, dict]:
    """Serve build A under 12 concurrent clients, publish build B, swap it in by `trigger`; returns the answers,
    the time the swap was known done, and the passage ids of each build."""
    first = Index.load(settings.index_dir)
    app = create_app(settings, searcher=Searcher(first, embedder, candidates=settings.candidates))
    answers: list[Answer] = []
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    async with serving(app) as client:
        workers = [asyncio.create_task(hammer(client, stop, answers, w)) for w in range(12)]
        await answered(answers, 12, after=0.0)
        next_corpus(settings)
        report = await asyncio.to_thread(ingest, settings, embedder=embedder)
        if trigger == "admin":
            r = await client.post("/v1/admin/reload", headers=ADMIN)
            assert r.status_code == 200, r.text
            assert r.json() == {"status": "reloaded", "build_id": report.build_id,
                                "previous_build_id": first.build_id, "passages": report.passages,
                                "model": embedder.name}
        else:  # the watch's swap, seen on /readyz (a minute at least: a hang guard)
            await eventually(client, "/readyz", lambda r: r.json()["build_id"] == report.build_id)
        swapped = loop.time()
        await answered(answers, 24, after=swapped)
        stop.set()
        await asyncio.gather(*workers)
    second = Index.load(settings.index_dir)
    assert second.build_id == report.build_id
    ids = {first.build_id: {c.id for c in first.passages}, second.build_id: {c.id for c in second.passages}}
    return answers, swapped, ids


@pytest.mark.parametrize("trigger", ["admin", "watch"])
async def test_reload_under_load_fails_no_request_and_mixes_no_builds(served, embedder, trigger):
    settings = served if trigger == "admin" else served.model_copy(update={"reload_poll_seconds": 0.05})
    answers, swapped, ids = await reload_under_load(settings, embedder, trigger)
    old, new = list(ids)
    assert ids[old] - ids[new] and ids[new] - ids[old]  # each build has passages the other lacks
    assert [a.status for a in answers if a.status != 200] == []
    assert {a.build for a in answers} == {old, new}
    for answer in answers:  # every passage of a response comes from the build it names
        assert answer.ids and set(answer.ids) <= ids[answer.build], answer
    assert all(a.build == new for a in answers if a.started > swapped)
    assert sum(a.build == new for a in answers) >= 24 and sum(a.build == old for a in answers) >= 12


async def test_a_build_that_does_not_load_is_not_served_and_the_server_says_why(served, embedder):
    first = Index.load(served.index_dir)
    app = create_app(served, searcher=Searcher(first, embedder))
    async with serving(app) as client:
        unchanged = await client.post("/v1/admin/reload", headers=ADMIN)
        assert unchanged.json()["status"] == "unchanged" and unchanged.json()["build_id"] == first.build_id
        assert gauge((await client.get("/metrics")).text, "rag_reload_failed") == 0
        next_corpus(served)
        broken = ingest(served, embedder=embedder).build_id
        passages = unseal(current_build(served.index_dir)) / "passages.jsonl"
        passages.write_bytes(passages.read_bytes()[:-10])
        refused = await client.post("/v1/admin/reload", headers=ADMIN)
        # what a scraper sees: still ready (an older build answers), and the refusal, which alone said nothing of it
        scraped = (await client.get("/metrics")).text
        assert gauge(scraped, "rag_ready") == 1 and gauge(scraped, "rag_reload_failed") == 1
        assert refused.status_code == 409 and refused.headers["content-type"] == "application/problem+json"
        detail = refused.json()["detail"]
        assert f"index build {broken} was not loaded, still serving build {first.build_id}" in detail
        assert "passages.jsonl is damaged" in detail
        search = await client.post("/v1/search", json={"question": QUESTIONS[0]})
        assert search.status_code == 200 and search.headers[BUILD_HEADER] == first.build_id
        ready = (await client.get("/readyz")).json()
        assert ready["status"] == "ok" and ready["build_id"] == first.build_id and ready["detail"] == detail


@pytest.mark.parametrize("manifest", ["[]", "renamed"])
async def test_a_build_whose_manifest_has_the_wrong_shape_is_refused_as_damaged(served, embedder, caplog, manifest):
    """Valid JSON of another shape: a 409 on the admin route, one warning and a `/readyz` detail from the watch,
    not a 500 and a traceback on every poll."""
    first = Index.load(served.index_dir)
    settings = served.model_copy(update={"reload_poll_seconds": 0.02})
    app = create_app(settings, searcher=Searcher(first, embedder))
    # The new build is damaged before the server starts: a watch polling every 20 ms would otherwise load it,
    # whole, between the ingest and the damage.
    next_corpus(settings)
    ingest(settings, embedder=embedder)
    path = unseal(current_build(settings.index_dir)) / "manifest.json"
    if manifest == "renamed":
        data = json.loads(path.read_text())
        data["models"] = data.pop("model")
        path.write_text(json.dumps(data))
    else:
        path.write_text(manifest)
    async with serving(app) as client:
        with caplog.at_level(logging.WARNING):
            refused = await client.post("/v1/admin/reload", headers=ADMIN)
            await asyncio.sleep(0.3)  # about 15 polls of the watch
        assert refused.status_code == 409, refused.text
        assert "has a manifest of the wrong shape" in refused.json()["detail"]
        ready = (await client.get("/readyz")).json()
        assert ready["build_id"] == first.build_id and "wrong shape" in ready["detail"]
        # `current` rolled back to the served build, as an operator would: the refusal is no longer reported
        link = settings.index_dir / "current"
        link.unlink()
        link.symlink_to(first.path.relative_to(settings.index_dir))
        # when the watch's next poll reads the link, not after a fixed 0.3 s (15 polls on a quiet machine, maybe
        # none on a loaded one)
        ready = (await eventually(client, "/readyz", lambda r: r.json()["detail"] is None)).json()
        assert ready["build_id"] == first.build_id and ready["detail"] is None, ready
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


async def test_the_watch_skips_a_bad_build_then_takes_the_next_good_one(served, embedder, monkeypatch):
    first = Index.load(served.index_dir)
    settings = served.model_copy(update={"reload_poll_seconds": 0.05})
    app = create_app(settings, searcher=Searcher(first, embedder))

    async def readiness(client: httpx.AsyncClient, until) -> dict:
        return (await eventually(client, "/readyz", lambda r: until(r.json()))).json()

    async with serving(app) as client:
        next_corpus(settings)
        sealed = publish._seal

        def damaged(build: Path) -> None:  # before the build is published: the watch never sees it whole, nor cut
            (build / "vectors.faiss").write_bytes(b"not faiss")  # short (a damaged file written after publishing
            sealed(build)  # raced the 50 ms watch: read while cut to 0 bytes, it "cannot be read")

        with monkeypatch.context() as patched:
            patched.setattr(publish, "_seal", damaged)
            await asyncio.to_thread(ingest, settings, embedder=embedder)
        ready = await readiness(client, lambda r: r["detail"])
        assert ready["build_id"] == first.build_id and "vectors.faiss is damaged" in ready["detail"]
        assert gauge((await client.get("/metrics")).text, "rag_reload_failed") == 1
        (settings.corpus_dir / "colis-express.md").write_text(NEW_DOC + "\nEt le dimanche aussi.\n")
        good = await asyncio.to_thread(ingest, settings, embedder=embedder)
        ready = await readiness(client, lambda r: r["build_id"] == good.build_id)
        assert ready["detail"] is None
        assert gauge((await client.get("/metrics")).text, "rag_reload_failed") == 0


async def test_a_server_started_before_the_first_ingest_becomes_ready_by_itself(tmp_path, served, embedder):
    settings = served.model_copy(update={"index_dir": tmp_path / "later", "reload_poll_seconds": 0.05})
    (unseal(current_build(served.index_dir)) / "vectors.faiss").write_bytes(b"not faiss")
    async with serving(create_app(settings)) as client:
        assert (await client.get("/readyz")).status_code == 503
        served.index_dir.rename(settings.index_dir)  # a damaged first build appears, all at once
        ready = await eventually(client, "/readyz", lambda r: "damaged" in (r.json()["detail"] or ""))
        assert ready.status_code == 503 and "vectors.faiss is damaged" in ready.json()["detail"]
        report = await asyncio.to_thread(ingest, settings, embedder=embedder, force=True)  # as the detail says
        ready = await eventually(client, "/readyz", lambda r: r.status_code == 200)
        assert ready.status_code == 200 and ready.json()["build_id"] == report.build_id
        search = await client.post("/v1/search", json={"question": QUESTIONS[0]})
        assert search.status_code == 200 and search.headers[BUILD_HEADER] == report.build_id


class AnotherModel:
    """The test's embedder, describing itself as another model: what it ingests, a server of the real model refuses.
    The build says so from the moment it is published (editing its manifest afterwards raced the server's watch,
    which could read it half-written)."""

    def __init__(self, embedder: Any) -> None:
        self._embedder = embedder

    def describe(self) -> dict[str, object]:
        return {**self._embedder.describe(), "name": "someone/another-model"}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._embedder, name)


async def eventually(client: httpx.AsyncClient, path: str, until) -> httpx.Response:
    """`path`'s first response that `until` accepts, asked every 50 ms; after 300 s, a hang (a count of tries was
    a minute on a quiet machine, less on a loaded one)."""
    deadline = asyncio.get_running_loop().time() + 300
    while not until(response := await client.get(path)):
        assert asyncio.get_running_loop().time() < deadline, f"{path} never changed: {response.status_code} " \
                                                               f"{response.text}"
        await asyncio.sleep(0.05)
    return response


def gauge(text: str, name: str) -> float:
    (value,) = [s.value for family in text_string_to_metric_families(text) for s in family.samples if s.name == name]
    return value


async def test_a_replica_whose_build_is_pruned_while_it_cannot_move_on_is_not_ready_until_a_good_build(
        served, embedder, caplog):
    caplog.set_level(logging.INFO, logger="rag.reload")
    first = Index.load(served.index_dir)
    settings = served.model_copy(update={"reload_poll_seconds": 0.05})
    async with serving(create_app(settings, searcher=Searcher(first, embedder))) as client:
        next_corpus(settings)
        refused = (await asyncio.to_thread(ingest, settings, embedder=AnotherModel(embedder))).build_id
        ready = await eventually(client, "/readyz", lambda r: r.json()["detail"])
        assert ready.status_code == 200 and f"index build {refused} was not loaded" in ready.json()["detail"]
        assert gauge((await client.get("/metrics")).text, "rag_ready") == 1

        shutil.rmtree(first.path)  # what an ingest on another host does, past RAG_KEEP_BUILDS: it cannot see our lease
        ready = await client.get("/readyz")
        assert ready.status_code == 503 and ready.headers["content-type"] == "application/problem+json"
        detail = ready.json()["detail"]
        # the folder named by its setting: a probe is no place for the server's paths (the log has them)
        assert (f"index build {first.build_id} is served but its folder RAG_INDEX_DIR/builds/{first.build_id} is gone"
                in detail and str(first.path) not in detail)
        assert f"index build {refused} was not loaded" in detail and "someone/another-model" in detail
        assert "publish a build this server accepts (`rag ingest`)" in detail and "RAG_KEEP_BUILDS" in detail
        health = await client.get("/healthz")
        assert health.status_code == 200 and health.json() == {"status": "ok", "detail": None, "passages": None,
                                                               "build_id": None, "model": None}
        assert gauge((await client.get("/metrics")).text, "rag_ready") == 0
        search = await client.post("/v1/search", json={"question": QUESTIONS[0]})  # answered from memory meanwhile
        assert search.status_code == 200 and search.headers[BUILD_HEADER] == first.build_id
        await asyncio.sleep(0.5)  # ten polls of the watch, and more probes: still one warning
        assert (await client.get("/readyz")).json()["detail"] == detail
        gone = [r for r in caplog.records if "is gone" in r.getMessage()]
        assert [(r.levelname, r.build_id) for r in gone] == [("WARNING", first.build_id)]  # type: ignore[attr-defined]

        (settings.corpus_dir / "colis-express.md").write_text(NEW_DOC + "\nEt le dimanche aussi.\n")
        good = (await asyncio.to_thread(ingest, settings, embedder=embedder)).build_id
        ready = await eventually(client, "/readyz", lambda r: r.status_code == 200)
        assert ready.json()["build_id"] == good and ready.json()["detail"] is None
        assert gauge((await client.get("/metrics")).text, "rag_ready") == 1
        search = await client.post("/v1/search", json={"question": QUESTIONS[0]})
        assert search.status_code == 200 and search.headers[BUILD_HEADER] == good


async def test_a_replica_whose_build_is_pruned_before_it_reloads_says_how_to_move_on(served, embedder):
    first = Index.load(served.index_dir)
    async with serving(create_app(served, searcher=Searcher(first, embedder))) as client:  # the watch is off
        next_corpus(served)
        newer = (await asyncio.to_thread(ingest, served, embedder=embedder)).build_id
        shutil.rmtree(first.path)
        ready = await client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["detail"].endswith("until it loads the current build, on `POST /v1/admin/reload` (the "
                                               "watch is off: RAG_RELOAD_POLL_SECONDS=0)")
        assert (await client.post("/v1/admin/reload", headers=ADMIN)).json()["build_id"] == newer
        ready = await client.get("/readyz")
        assert ready.status_code == 200 and ready.json()["build_id"] == newer
