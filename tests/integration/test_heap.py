"""What a server holds, kept off the cyclic garbage collector while it serves (`rag.serving.heap`), with the real
app, index and model."""

from __future__ import annotations

import gc

from litestar.testing import TestClient

from rag.http.app import create_app
from rag.ingestion.pipeline import ingest

ADMIN = "admin-key-for-the-heap-tests-0123456789"


def test_a_server_keeps_what_it_holds_off_the_collector_before_and_after_a_reload(fresh_settings, embedder):
    """A reload gives the frozen heap back to the collector; the first full collection that finds the build it
    replaced freed (no request pins it any more) freezes the heap again. Automatic collections are off for the
    test, so that the collections are the test's own."""
    settings = fresh_settings.model_copy(update={"admin_keys": [ADMIN], "reload_poll_seconds": 0})
    ingest(settings, embedder=embedder)
    automatic = gc.isenabled()
    gc.disable()
    try:
        with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
            assert gc.get_freeze_count() > 0  # the build, the model and the app frozen once started
            assert client.post("/v1/search", json={"question": "délai de remboursement"}).status_code == 200
            pinned = client.app.state.runtime.current().index  # as a request still answered by it would
            (settings.corpus_dir / "added.md").write_text("# Horaires\n\nOuvert du lundi au vendredi.\n",
                                                          encoding="utf-8")
            ingest(settings, embedder=embedder)
            r = client.post("/v1/admin/reload", headers={"Authorization": f"Bearer {ADMIN}"})
            assert r.status_code == 200 and r.json()["status"] == "reloaded", r.text
            # the build before, frozen with the rest at the start, and its cycles collectable once no request pins it
            assert gc.get_freeze_count() == 0
            gc.collect()
            assert gc.get_freeze_count() == 0  # the build before still pinned: not frozen again
            del pinned
            gc.collect()
            assert gc.get_freeze_count() > 0  # freed: what the server holds now is frozen again
            assert client.post("/v1/search", json={"question": "horaires"}).status_code == 200
        assert gc.get_freeze_count() == 0  # a stopped server's objects collectable again
        gc.collect()
        assert gc.get_freeze_count() == 0  # for good
    finally:
        if automatic:
            gc.enable()


def test_a_stopped_server_gives_what_it_froze_back(searcher, settings):
    with TestClient(create_app(settings, searcher=searcher), base_url="http://127.0.0.1") as client:
        assert gc.get_freeze_count() > 0
        assert client.get("/readyz").status_code == 200
    assert gc.get_freeze_count() == 0
