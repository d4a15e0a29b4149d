"""A damaged index, or one whose manifest does not match its vectors, is refused with a clear message: by the
loader, by `rag serve` (exit code 4) and by the app's start-up."""

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import faiss
import numpy as np
import pytest
from litestar.testing import TestClient

from rag import cli
from rag.errors import IndexError_, IndexMismatch
from rag.http.app import create_app
from rag.index.dense import VECTORS, DenseIndex
from rag.index.layout import BUILDS, CURRENT, FORMAT_VERSION, MANIFEST, current_build, damage
from rag.index.manifest import Manifest
from rag.index.publish import publish
from rag.index.store import Index
from rag.settings import Settings
from tests.helpers.paths import unseal


@pytest.fixture
def pristine(index: Index) -> Path:
    """The session's index folder: copied, never changed."""
    return index.path.parent.parent


def _rewrite_manifest(build: Path, change: Callable[[dict], None]) -> None:
    manifest = json.loads((build / MANIFEST).read_text())
    change(manifest)
    for name, entry in manifest["files"].items():  # keep the checksums right: only the content disagrees
        data = (build / name).read_bytes()
        entry.update(bytes=len(data), sha256=hashlib.sha256(data).hexdigest())
    (build / MANIFEST).write_text(json.dumps(manifest))


def truncate_vectors(build: Path) -> None:
    path = build / VECTORS
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def flip_a_byte_in_passages(build: Path) -> None:
    path = build / "passages.jsonl"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x20
    path.write_bytes(bytes(data))


def delete_lexical(build: Path) -> None:
    shutil.rmtree(build / "lexical")


def garble_manifest(build: Path) -> None:
    path = build / MANIFEST
    path.write_text(path.read_text()[:100])


def fewer_vectors_than_passages(build: Path) -> None:
    index = faiss.read_index(str(build / VECTORS))
    kept = index.reconstruct_n(0, index.ntotal - 1)
    DenseIndex.build(kept).save(build)
    _rewrite_manifest(build, lambda m: None)


def vectors_of_another_dimension(build: Path) -> None:
    index = faiss.read_index(str(build / VECTORS))
    other = np.random.default_rng(0).normal(size=(index.ntotal, 128)).astype(np.float32)
    DenseIndex.build(other / np.linalg.norm(other, axis=1, keepdims=True)).save(build)
    _rewrite_manifest(build, lambda m: None)


def manifest_counts_other_passages(build: Path) -> None:
    _rewrite_manifest(build, lambda m: m["counts"].update(passages=m["counts"]["passages"] + 3))


def manifest_key_renamed(build: Path) -> None:
    _rewrite_manifest(build, lambda m: m.update(count=m.pop("counts")))


def manifest_is_a_list(build: Path) -> None:
    (build / MANIFEST).write_text("[]")


def manifest_model_without_dimension(build: Path) -> None:
    _rewrite_manifest(build, lambda m: m["model"].update(dimension="384"))


FAULTS = {
    truncate_vectors: "damaged (its size differs from the manifest's)",
    flip_a_byte_in_passages: "damaged (checksum differs from the manifest)",
    delete_lexical: "is missing",
    garble_manifest: "has no readable manifest",
    fewer_vectors_than_passages: "is inconsistent",
    vectors_of_another_dimension: "vectors have dimension 128, manifest says 384",
    manifest_counts_other_passages: "is inconsistent",
    manifest_key_renamed: "has a manifest of the wrong shape (counts: Field required)",
    manifest_is_a_list: "has a manifest of the wrong shape (it is a JSON list, not an object)",
    manifest_model_without_dimension: "has a manifest of the wrong shape (model.dimension: Input should be a valid",
}


def damaged(pristine: Path, target: Path, fault: Callable[[Path], None]) -> Path:
    shutil.copytree(pristine, target, symlinks=True)
    fault(unseal(current_build(target)))
    return target


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.__name__)
def test_loading_refuses_with_the_reason(pristine, tmp_path, fault):
    index_dir = damaged(pristine, tmp_path / "index", fault)
    with pytest.raises(IndexError_) as refused:
        Index.load(index_dir)
    assert FAULTS[fault] in str(refused.value) and "rag ingest" in str(refused.value)


@pytest.mark.parametrize("fault", [garble_manifest, vectors_of_another_dimension, manifest_counts_other_passages,
                                   manifest_key_renamed, manifest_is_a_list], ids=lambda f: f.__name__)
def test_rag_serve_exit_code_and_message(pristine, tmp_path, monkeypatch, capsys, fault):
    from rag.http import server

    def started(*args, **kwargs):
        raise AssertionError("the server started on a damaged index")

    monkeypatch.setattr(server, "serve", started)
    index_dir = damaged(pristine, tmp_path / "index", fault)
    assert cli.main(["serve", "--index", str(index_dir)]) == 4
    assert FAULTS[fault] in capsys.readouterr().err


def test_the_app_does_not_start_on_a_damaged_index(pristine, tmp_path):
    index_dir = damaged(pristine, tmp_path / "index", flip_a_byte_in_passages)
    app = create_app(Settings(index_dir=index_dir, reload_poll_seconds=0))
    with pytest.raises(BaseExceptionGroup) as refused, TestClient(app):  # the lifespan's error, in a task group
        pass
    reasons = refused.value.subgroup(IndexError_)
    assert reasons is not None and "damaged" in str(reasons.exceptions[0])


def test_a_build_of_a_newer_format_is_refused_as_such(pristine, tmp_path):
    target = tmp_path / "index"
    shutil.copytree(pristine, target, symlinks=True)
    _rewrite_manifest(unseal(current_build(target)), lambda m: m.update(format_version=FORMAT_VERSION + 1))
    with pytest.raises(IndexMismatch, match=f"has format {FORMAT_VERSION + 1}, this rag reads formats 1 to "
                                            f"{FORMAT_VERSION}: it was written by a newer rag: upgrade this one"):
        Index.load(target)


def test_the_quick_check_hashes_only_what_changed_since_the_manifest(pristine, tmp_path):
    """The ingest's up-to-date check: a file written after its manifest is hashed (a flipped byte found); one
    as old as its manifest is checked by its size alone, the rest left unread."""
    index_dir = tmp_path / "index"
    shutil.copytree(pristine, index_dir, symlinks=True)
    build = unseal(current_build(index_dir))
    manifest = json.loads((build / MANIFEST).read_text())
    written = (build / MANIFEST).stat().st_mtime_ns
    for path in build.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(written, written))  # as published: nothing newer than the manifest
    assert damage(build, manifest, quick=True) is None
    flip_a_byte_in_passages(build)  # written now: newer than the manifest
    assert "passages.jsonl is damaged (checksum" in damage(build, manifest, quick=True)
    os.utime(build / "passages.jsonl", ns=(written, written))  # the same damage, its date put back
    assert damage(build, manifest, quick=True) is None  # not read: what the quick check gives up
    assert "passages.jsonl is damaged" in damage(build, manifest)
    truncate_vectors(build)
    os.utime(build / VECTORS, ns=(written, written))
    assert "is damaged (its size differs" in damage(build, manifest, quick=True)


@pytest.mark.parametrize("standing", ["empty folder", "file", "whole build"])
def test_a_current_that_is_not_a_link_is_named_with_its_fix(pristine, tmp_path, monkeypatch, capsys, standing):
    """A copy that followed the link leaves a folder at `current`: ingest refuses it (exit 4) before reading or writing
    anything, as it could never swap in a new build; readers say what is in the way, not "run `rag ingest`"."""
    from rag.http import server

    monkeypatch.setattr(server, "serve", lambda *a, **k: pytest.fail("the server started"))
    index_dir = tmp_path / "index"
    shutil.copytree(pristine, index_dir, symlinks=True)
    link, build = index_dir / CURRENT, current_build(index_dir)
    link.unlink()
    if standing == "whole build":
        shutil.copytree(build, link)
    elif standing == "empty folder":
        link.mkdir()
    else:
        link.write_text("")
    kind = "a file" if standing == "file" else "a folder"
    said = (f"{link} is {kind}, not the link to a build (`current -> builds/<id>`) that `rag ingest` makes and "
            f"replaces; copying an index folder with a tool that follows links")
    fix = f"`mv {link} {index_dir / BUILDS}/restored && ln -s builds/restored {link}`"
    before = sorted(p.relative_to(index_dir).as_posix() for p in index_dir.rglob("*"))
    corpus = tmp_path / "corpus"  # empty, and never read
    corpus.mkdir()
    assert cli.main(["ingest", str(corpus), "--index", str(index_dir), "--force"]) == 4
    err = capsys.readouterr().err
    assert said in err and fix in err and "run `rag ingest`" in err
    assert sorted(p.relative_to(index_dir).as_posix() for p in index_dir.rglob("*")) == before
    if standing == "whole build":  # readers read it as they did: only an ingest cannot go on
        assert len(Index.load(index_dir)) > 0
        return
    for command in (["serve"], ["documents"], ["search", "carte"]):
        assert cli.main([*command, "--index", str(index_dir)]) == 4
        err = capsys.readouterr().err
        assert said in err and fix in err and "no readable manifest" not in err


def test_a_build_whose_link_cannot_be_swapped_is_removed_with_its_link(pristine, tmp_path):
    """`publish` itself, if `current` turns into a folder once ingest has checked: the build it wrote and its
    temporary link are removed, and the error is the folder's, not a write failure's ("free space")."""
    index_dir = tmp_path / "index"
    shutil.copytree(pristine, index_dir, symlinks=True)
    source = Index.load(index_dir, verify=False)
    (index_dir / CURRENT).unlink()
    (index_dir / CURRENT).mkdir()
    before = sorted(p.name for p in index_dir.iterdir()), sorted(p.name for p in (index_dir / BUILDS).iterdir())
    with pytest.raises(IndexError_, match="is a folder, not the link to a build"):
        publish(index_dir, source.passages, source.stored_vectors(), source.lexical,
                Manifest.from_json(source.manifest))
    assert (sorted(p.name for p in index_dir.iterdir()), sorted(p.name for p in (index_dir / BUILDS).iterdir())) \
        == before
