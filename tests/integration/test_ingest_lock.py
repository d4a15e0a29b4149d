"""One ingest at a time per index folder, and a corpus with nothing to read refused before the model loads."""

import json
import os
import re
import shutil
import socket
from pathlib import Path

import pytest

from rag.cli import EXIT_CODES, INTERRUPTED, OUTPUT_CLOSED, TERMINATED, main
from rag.corpus import reader as documents_module
from rag.errors import IngestBusy, IngestError
from rag.index.layout import current_build
from rag.index.locks import LOCK_FILE, IngestLock
from rag.index.store import Index
from rag.ingestion import pipeline as ingest_module
from rag.ingestion.pipeline import ingest
from rag.settings import Settings
from tests.helpers.paths import ROOT


def no_model():
    raise AssertionError("the model was loaded")


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every path under `folder` (links not followed) with its size and modification time."""
    return {p.relative_to(folder).as_posix(): (p.lstat().st_size, p.lstat().st_mtime_ns)
            for p in [folder, *folder.rglob("*")]}


@pytest.fixture
def served(index, settings, tmp_path) -> Settings:
    """A copy of the session's corpus, and of its index folder with the build being served."""
    corpus, target = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(settings.corpus_dir, corpus)
    shutil.copytree(index.path.parent.parent, target, symlinks=True)
    return settings.model_copy(update={"corpus_dir": corpus, "index_dir": target})


def test_a_second_ingest_fails_at_once_naming_the_holder_and_touches_nothing(served, capsys):
    with IngestLock(served.index_dir) as lock:
        assert lock.held
        before = snapshot(served.index_dir)
        holder = f"pid {os.getpid()} on host {socket.gethostname()}, started 20"
        with pytest.raises(IngestBusy, match=f"another ingest is writing the index folder .*\\({holder}"):
            ingest(served, embedder_factory=no_model, force=True)
        code = main(["ingest", str(served.corpus_dir), "--index", str(served.index_dir), "--force", "--json"])
        assert code == 8
        captured = capsys.readouterr()
        assert holder in captured.err and "this one changed nothing" in captured.err
        said = json.loads(captured.out)  # --json: the failure as one object on stdout too
        assert said["ok"] is False and said["exit_code"] == 8 and holder in said["error"]
        assert snapshot(served.index_dir) == before  # not a build, a link, nor the lock's holder record changed
        assert len(Index.load(served.index_dir)) > 0  # serving needs no lock and is not stopped by one
    assert not lock.held and (served.index_dir / LOCK_FILE).read_bytes() == b""  # the record goes with the lock


def test_the_ray_engine_takes_the_lock_too(served):
    pytest.importorskip("ray.data")
    with IngestLock(served.index_dir), pytest.raises(IngestBusy):
        ingest(served.model_copy(update={"ingest_engine": "ray"}), force=True)  # before Ray starts


def test_the_lock_is_released_after_an_ingest_that_publishes_and_one_that_fails(served, embedder):
    article = served.corpus_dir / "secu-debi-plateforme.txt"
    article.write_text(article.read_text(encoding="utf-8") + "\nUne ligne ajoutée à la fin.\n", encoding="utf-8")
    report = ingest(served, embedder=embedder)
    assert report.build_id and 1 <= report.embedded <= 2
    IngestLock(served.index_dir).release()
    # the lock file stays beside the link and the builds, and is neither pruned nor loaded as a build
    assert sorted(p.name for p in served.index_dir.iterdir()) == [LOCK_FILE, "builds", "current"]
    assert len(list((served.index_dir / "builds").iterdir())) == 2
    assert Index.load(served.index_dir).build_id == report.build_id

    article.unlink()
    (served.corpus_dir / "sequra-faq-marchands.txt").write_bytes(b"\x00binary\x00")
    with pytest.raises(IngestError, match="no readable document"):
        ingest(served, embedder_factory=no_model)
    IngestLock(served.index_dir).release()
    assert current_build(served.index_dir).name == report.build_id


@pytest.mark.parametrize("corpus", ["missing", "empty", "all-skipped"])
def test_a_corpus_with_nothing_to_read_fails_before_the_model_loads(tmp_path, monkeypatch, capsys, corpus):
    folder = tmp_path / "corpus"
    if corpus != "missing":
        folder.mkdir()
    if corpus == "all-skipped":
        (folder / "blank.txt").write_text("")
        (folder / "notes.key").write_bytes(b"PK\x03\x04")
        (folder / "image.txt").write_bytes(b"\x89PNG\x00\x01\x00")
        (folder / "cp1251.md").write_bytes("Привет".encode("cp1251"))
    monkeypatch.setattr(ingest_module.ModelSpec, "load", lambda spec: no_model())
    assert main(["ingest", str(folder), "--index", str(tmp_path / "index")]) == 3
    error = capsys.readouterr().err
    if corpus == "missing":
        assert "does not exist" in error
    else:
        assert f"no readable document in {folder}" in error
    if corpus == "all-skipped":
        assert all(name in error for name in ("blank.txt", "notes.key", "image.txt", "cp1251.md"))


@pytest.mark.parametrize(("problem", "code"), [("missing corpus", 3), ("setting", 6), ("interrupted", INTERRUPTED),
                                             ("bug", 1)])
def test_ingest_json_prints_one_object_whatever_the_failure(tmp_path, monkeypatch, capsys, problem, code):
    """A script reading `rag ingest --json`'s stdout gets `{"ok": false, "exit_code", "error"}`, with the exit code."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Un document.", encoding="utf-8")
    if problem == "missing corpus":
        corpus = tmp_path / "missing"
    elif problem == "setting":
        monkeypatch.setenv("RAG_K_DEFAULT", "99")
    else:
        failure = KeyboardInterrupt() if problem == "interrupted" else RuntimeError("a bug")
        monkeypatch.setattr(ingest_module.ModelSpec, "load", lambda spec: (_ for _ in ()).throw(failure))
    argv = ["ingest", str(corpus), "--index", str(tmp_path / "index"), "--json"]
    if problem == "bug":  # Python's traceback and exit code, after the JSON
        with pytest.raises(RuntimeError, match="a bug"):
            main(argv)
    else:
        assert main(argv) == code
    said = json.loads(capsys.readouterr().out)
    assert said["ok"] is False and said["exit_code"] == code and said["error"]
    assert {"missing corpus": "does not exist", "setting": "RAG_K_DEFAULT (99) is larger than RAG_K_MAX",
            "interrupted": "interrupted", "bug": "RuntimeError: a bug"}[problem] in said["error"]


def test_the_first_document_read_before_the_model_is_not_read_again(served, embedder, monkeypatch):
    read: list[str] = []
    real_read = documents_module.read_file
    monkeypatch.setattr(documents_module, "read_file", lambda root, path, *a, **k: read.append(path.name)
                        or real_read(root, path, *a, **k))
    (served.corpus_dir / "aaa-bad.txt").write_bytes(b"\x00")  # read first, skipped
    report = ingest(served, embedder=embedder)
    assert sorted(read) == sorted(["aaa-bad.txt", "secu-debi-plateforme.txt", "sequra-faq-marchands.txt"])
    assert report.documents == 2 and [s.source for s in report.skipped] == ["aaa-bad.txt"]


def test_the_ray_engine_starts_no_ray_for_a_corpus_it_would_skip_whole(tmp_path, monkeypatch):
    ray = pytest.importorskip("ray")
    pytest.importorskip("ray.data")
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "blank.txt").write_text("")
    (folder / "notes.key").write_bytes(b"PK\x03\x04")
    monkeypatch.setattr(ray, "init", lambda *a, **k: no_model())
    settings = Settings(corpus_dir=folder, index_dir=tmp_path / "index", ingest_engine="ray")
    with pytest.raises(IngestError, match=r"no readable document .*blank\.txt: empty file; notes\.key: unsupported"):
        ingest(settings)


def test_the_readme_lists_every_exit_code():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    paragraph = " ".join(text[text.index("Exit codes:"):].split("\n\n")[0].split())
    # 1: whatever no other code names (the fallback of `rag.cli.main`)
    assert {int(code) for code in re.findall(r"(?:: |; )(\d+) ", paragraph)} == {0, 1, 2, INTERRUPTED, OUTPUT_CLOSED,
                                                                               TERMINATED, *EXIT_CODES.values()}
