"""Ingest killed with SIGKILL while it writes a build, and ingest on a full disk: the served index survives both."""

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from rag.index.layout import BUILDS, current_build
from rag.index.locks import IngestLock
from rag.index.publish import LEFTOVER_GRACE_SECONDS
from rag.index.store import Index
from rag.ingestion.pipeline import ingest
from tests.helpers.paths import ROOT, age

# `rag ingest` stalled once the vectors are written, before the other files and the manifest: the marker says so.
STALLED_MID_WRITE = """
import sys, time
from pathlib import Path
import faiss
from rag.cli import main
write = faiss.write_index
def stalled(index, path):
    write(index, path)
    Path(sys.argv[1]).touch()
    time.sleep(300)
faiss.write_index = stalled
sys.exit(main(sys.argv[2:]))
"""


def test_sigkill_while_writing_leaves_the_previous_index_intact(fresh_settings, embedder, tmp_path):
    """SIGKILL gives the ingest no chance to clean up: its half-written build stays, `current` never moves, and the
    next ingest clears the leftover. The ingest is stopped at a known point of its write (not raced against a
    timer, which a loaded machine can miss)."""
    ingest(fresh_settings, embedder=embedder)
    before = current_build(fresh_settings.index_dir)
    ids = [chunk.id for chunk in Index.load(fresh_settings.index_dir).passages]
    (fresh_settings.corpus_dir / "nouveau.md").write_text("# Nouveauté\nUn document ajouté avant l'ingestion tuée.\n")
    marker, builds = tmp_path / "writing", fresh_settings.index_dir / BUILDS
    command = [sys.executable, "-c", STALLED_MID_WRITE, str(marker), "ingest", str(fresh_settings.corpus_dir),
               "--index", str(fresh_settings.index_dir), "--quiet", "--force"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    with subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) as process:
        deadline = time.monotonic() + 300
        while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), process.communicate(timeout=60)
        process.kill()
        process.communicate(timeout=60)
    writing = list(builds.glob(".tmp-*"))
    assert len(writing) == 1  # the half-written build, not published
    held = sorted(p.name for p in writing[0].iterdir())
    assert "vectors.faiss" in held and "manifest.json" not in held  # killed with the build half written
    assert current_build(fresh_settings.index_dir) == before  # `current` never moved
    survivor = Index.load(fresh_settings.index_dir)  # checksums and counts verified
    assert [chunk.id for chunk in survivor.passages] == ids
    age(writing[0], LEFTOVER_GRACE_SECONDS + 60)  # nobody touched it since: abandoned
    report = ingest(fresh_settings, embedder=embedder)  # the next ingest works and clears the leftover
    assert not list(builds.glob(".tmp-*")) and current_build(fresh_settings.index_dir).name == report.build_id


# `rag ingest` with its build stalled once written, before it is published: the marker file says it got there.
STALLED_INGEST = """
import sys, time
from pathlib import Path
from rag.cli import main
from rag.index import publish
seal = publish._seal
def stalled(build):
    seal(build)
    Path(sys.argv[1]).touch()
    time.sleep(300)
publish._seal = stalled
sys.exit(main(sys.argv[2:]))
"""


def test_sigterm_while_writing_removes_the_build_being_written_and_exits_143(fresh_settings, embedder, tmp_path):
    """`kill`, systemd, Kubernetes and `docker stop` stop an ingest with SIGTERM: it cleans up as on ^C, its lock
    released and nothing of its build left (not an hour's `builds/.tmp-*`), and says so in --json."""
    first = ingest(fresh_settings, embedder=embedder).build_id
    index_dir, marker = fresh_settings.index_dir, tmp_path / "writing"
    command = [sys.executable, "-c", STALLED_INGEST, str(marker), "ingest", str(fresh_settings.corpus_dir),
               "--index", str(index_dir), "--force", "--json"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        deadline = time.monotonic() + 300
        while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), process.communicate(timeout=60)
        assert len(list((index_dir / BUILDS).glob(".tmp-*"))) == 1  # written, not yet published
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 143, err
    assert json.loads(out) == {"ok": False, "exit_code": 143, "error": "terminated (SIGTERM)"}
    assert "Traceback" not in err
    assert [p.name for p in (index_dir / BUILDS).iterdir()] == [first]
    assert current_build(index_dir).name == first and Index.load(index_dir).build_id == first
    IngestLock(index_dir).release()  # free: the lock went with the cleanup


@contextmanager
def small_disk(folder: Path, size: int) -> Iterator[Path]:
    """A file system of `size` bytes at `folder` (a tmpfs: needs root, as here and in CI; skipped elsewhere)."""
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode:
        pytest.skip(f"cannot mount a small file system here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_full_disk_stops_ingest_with_its_exit_code_and_leaves_the_index_intact(fresh_settings, embedder, tmp_path,
                                                                                   monkeypatch, capsys):
    """No space left while a build is written: a message that says so (exit 9), no traceback, nothing of the new
    build left behind, and the current build still loads."""
    import functools

    import rag.ingestion.pipeline
    from rag import cli

    first = ingest(fresh_settings, embedder=embedder)
    size = sum(p.stat().st_size for p in (fresh_settings.index_dir / BUILDS / first.build_id).rglob("*")
               if p.is_file())
    room = (size * 3 // 2 // 4096 + 8) * 4096  # one build and a half: the next one cannot fit
    with small_disk(tmp_path / "disk", room) as disk:
        settings = fresh_settings.model_copy(update={"index_dir": disk / "index"})
        built = ingest(settings, embedder=embedder).build_id
        monkeypatch.setattr(rag.ingestion.pipeline, "ingest", functools.partial(ingest, embedder=embedder))
        code = cli.main(["ingest", str(settings.corpus_dir), "--index", str(settings.index_dir), "--force",
                         "--quiet"])
        err = capsys.readouterr().err
        assert code == 9, err
        assert err.startswith("rag: error: the new index build could not be written in ") and "Traceback" not in err
        assert "No space left on device" in err and "the current build is unchanged" in err
        assert current_build(settings.index_dir).name == built and Index.load(settings.index_dir).build_id == built
        assert [p.name for p in (settings.index_dir / BUILDS).iterdir()] == [built]
