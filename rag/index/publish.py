"""Writing a build: beside the current one, then published by one atomic step; older builds pruned.

A build is written in a hidden temporary folder, renamed into `builds/` and only then published by replacing the
`current` link (`rag.index.layout`): a reader sees the old build or the new one, never half of one, and a crash leaves
`current` as it was. The manifest is the last file written, once, with the checksums of all the others; then every
file is made read-only (a served build is memory-mapped, and a file truncated under a server ends it).

A loaded `Index` holds a lease on its build folder (`rag.index.locks`): pruning after an ingest keeps the new build,
the one it replaced and any build still leased, so a server never has the build it serves, or is loading, deleted
under it. The leftovers of interrupted ingests (`builds/.tmp-*`, `.current-*`) are removed once they are older than
`LEFTOVER_GRACE_SECONDS`: a lease is seen only on the host that holds it, and an ingest running on another host
sharing the folder keeps its temporary folder's modification time fresh while it writes (`kept_fresh`).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import faiss
import numpy as np

from rag.errors import IndexError_, IndexWriteFailed
from rag.index import accents as accent_table
from rag.index.dense import DenseIndex
from rag.index.headings import Headings
from rag.index.layout import (
    BUILDS,
    CURRENT,
    LEXICAL,
    MANIFEST,
    PASSAGES,
    build_files,
    build_format,
    current_build,
    file_sha256,
    link_fault,
)
from rag.index.lexical import LexicalIndex
from rag.index.locks import Lease, remove_unless_leased
from rag.index.manifest import Checksum, Manifest, Stamp
from rag.index.vector_options import VectorOptions
from rag.index.windows import Windows
from rag.passage import Chunk

# A leftover this recent may be the folder another host's ingest is writing right now: its lease is not visible here.
LEFTOVER_GRACE_SECONDS = 3600.0
# How often a writing ingest touches its temporary folder: far below the grace, so a live one never looks abandoned.
HEARTBEAT_SECONDS = 60.0


def _seal(build: Path) -> None:
    """Make a build's files read-only and flush them to disk.

    A published build is never written again, and a server memory-maps it: a file truncated in place ends that
    server with SIGBUS. Without write permission, a sync tool or an editor run by anyone but root refuses to.
    """
    for path in [*build_files(build), build / MANIFEST]:
        path.chmod(path.stat().st_mode & ~0o222)
        with path.open("rb") as handle:
            os.fsync(handle.fileno())
    for folder in [build, *(p for p in build.rglob("*") if p.is_dir())]:
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


@contextmanager
def kept_fresh(folder: Path, every: float = HEARTBEAT_SECONDS) -> Iterator[None]:
    """Touch `folder` every `every` seconds while the block runs, so that pruning on any host sees it in use.

    Writing a large build can go minutes without adding a file to the folder (hashing gigabytes, say), and on a
    shared volume the folder's modification time is the only sign of life other hosts can see.
    """
    done = threading.Event()

    def beat() -> None:
        while not done.wait(every):
            try:
                os.utime(folder)
            except OSError:  # the folder is gone (renamed into place, or removed on failure): nothing to keep fresh
                return

    thread = threading.Thread(target=beat, name=f"rag-heartbeat-{folder.name}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def publish(index_dir: Path, chunks: list[Chunk], vectors: np.ndarray, lexical: LexicalIndex, manifest: Manifest,
            options: VectorOptions | None = None, *, keep_builds: int = 2, headings: Headings | None = None,
            windows: Windows | None = None, accents: dict[str, str] | None = None) -> Path:
    """Write a new build beside the current one, then make it current in one atomic step. Returns its folder.

    `options` say which dense index to build (default: exact); the manifest's `faiss` entry records the kind, its
    parameters and the recall measured at build. Afterwards the `keep_builds` newest builds are kept (the new one
    and the one it replaced at least), and older ones are removed unless leased.
    """
    if keep_builds < 2:
        raise ValueError("keep_builds must be at least 2: the new build and the one it replaces")
    if len(chunks) != len(vectors) or len(chunks) != len(lexical):
        raise ValueError("chunks, vectors and lexical rows differ in number")
    if manifest.counts.passages != len(chunks):
        raise ValueError(f"the manifest counts {manifest.counts.passages} passages, there are {len(chunks)}")
    previous = current_build(index_dir)
    try:
        final = _write_build(index_dir, chunks, vectors, lexical, manifest, options, headings, windows, accents)
    except OSError as exc:  # disk full, read-only: nothing of the new build is left, `current` is unchanged
        if (fault := link_fault(index_dir)) is not None:  # a folder put at `current` since the ingest checked
            raise IndexError_(fault) from exc
        raise IndexWriteFailed(_write_failure(index_dir, exc)) from exc
    _prune(index_dir, keep={final.resolve(), previous}, also_newest=keep_builds - 2)
    return final


def prune(index_dir: Path, *, keep_builds: int = 2) -> None:
    """Prune as `publish` does, without publishing: keep the current build and the `keep_builds - 1` newest others
    (the one it replaced, if it is still there, is the newest), any build leased, and recent leftovers. For an ingest
    that finds the corpus unchanged, after one killed between publishing and pruning left more builds than kept."""
    if keep_builds < 2:
        raise ValueError("keep_builds must be at least 2: the current build and the one it replaced")
    current = current_build(index_dir)
    if current is not None:  # no build published: nothing of this folder is known to be safe to remove
        _prune(index_dir, keep={current}, also_newest=keep_builds - 1)


def _write_failure(index_dir: Path, exc: OSError) -> str:
    try:
        free = f"{shutil.disk_usage(index_dir).free:,} bytes free there"
    except OSError:
        free = "free space unknown"
    what = exc.strerror or str(exc)
    return (f"the new index build could not be written in {index_dir} ({what}; {free}): the current build is "
            "unchanged and still served; free space (or make the folder writable), or set RAG_INDEX_DIR to a "
            "folder with room, and run `rag ingest` again")


def _write_build(index_dir: Path, chunks: list[Chunk], vectors: np.ndarray, lexical: LexicalIndex,
                 manifest: Manifest, options: VectorOptions | None, headings: Headings | None,
                 windows: Windows | None, accents: dict[str, str] | None) -> Path:
    """`publish` up to the atomic switch of `current`; removes what it wrote if it fails."""
    builds = index_dir / BUILDS
    builds.mkdir(parents=True, exist_ok=True)
    dense = DenseIndex.build(vectors, options)  # before the folder exists: the slow part leaves nothing to clean up
    build_id = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + "-" + uuid.uuid4().hex[:6]
    tmp, final, link_tmp = builds / f".tmp-{build_id}", builds / build_id, index_dir / f".{CURRENT}-{build_id}"
    tmp.mkdir()
    written = tmp  # the folder holding what this call wrote: removed if it fails
    writing = Lease(tmp, exclusive=True)  # a concurrent ingest's pruning on this host must not take it for a leftover
    try:
        with kept_fresh(tmp):
            try:
                dense.save(tmp)
            except RuntimeError as exc:  # FAISS reports a failed write so; its text names the system's reason
                raise OSError(errno.EIO, f"FAISS could not write the vectors ({str(exc)[-120:]})") from exc
            if headings is not None:
                headings.save(tmp)
            if windows is not None and len(windows):  # none made: a build as before windows
                windows.save(tmp)
            if accents is not None:
                accent_table.save(accents, tmp)
            with (tmp / PASSAGES).open("w", encoding="utf-8") as handle:
                for chunk in chunks:
                    handle.write(json.dumps(chunk.to_record(), ensure_ascii=False) + "\n")
            lexical.save(tmp / LEXICAL)
            stamp = Stamp(format_version=build_format(chunks), build_id=build_id,
                          built_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                          faiss={**dense.description, "faiss_version": faiss.__version__},
                          files={p.relative_to(tmp).as_posix(): Checksum(p.stat().st_size, file_sha256(p))
                                 for p in build_files(tmp)})
            (tmp / MANIFEST).write_text(json.dumps(manifest.to_json(stamp), ensure_ascii=False, indent=2),
                                        encoding="utf-8")
            _seal(tmp)
            tmp.rename(final)
            written = final
        link_tmp.symlink_to(Path(BUILDS) / build_id)
        os.replace(link_tmp, index_dir / CURRENT)  # the atomic step
    except BaseException:
        link_tmp.unlink(missing_ok=True)
        if written == tmp or current_build(index_dir) != final.resolve():  # an interrupt just after the swap: kept
            shutil.rmtree(written, ignore_errors=True)
        raise
    finally:
        writing.release()
    return final


def _published_at(build: Path) -> int:
    """When a build was published: its manifest is the last file written (names only give the second)."""
    try:
        return (build / MANIFEST).stat().st_mtime_ns
    except OSError:
        return 0


def _abandoned(leftover: Path, now: float) -> bool:
    """Whether an interrupted ingest's leftover is old enough to be nobody's work in progress (links not followed)."""
    try:
        return now - leftover.lstat().st_mtime > LEFTOVER_GRACE_SECONDS
    except FileNotFoundError:
        return False


def _prune(index_dir: Path, keep: set[Path | None], also_newest: int = 0) -> None:
    """Remove the builds not in `keep` nor among the `also_newest` newest others, except those leased, and the
    leftovers of interrupted ingests older than `LEFTOVER_GRACE_SECONDS`, except those leased.

    A lease only protects a folder on the host that holds it: replicas on other hosts sharing the folder are protected
    by `keep` alone (`RAG_KEEP_BUILDS`), and ingests running on other hosts by the grace period (`kept_fresh`).
    """
    builds = index_dir / BUILDS
    others = [p for p in builds.iterdir() if p.is_dir() and not p.name.startswith(".") and p.resolve() not in keep]
    others.sort(key=_published_at, reverse=True)
    for old in others[also_newest:]:
        remove_unless_leased(old)
    now = time.time()
    for leftover in builds.glob(".tmp-*"):
        if _abandoned(leftover, now):
            remove_unless_leased(leftover)  # a killed ingest's lease died with it; a running one's is still held
    for link in index_dir.glob(f".{CURRENT}-*"):
        if _abandoned(link, now):
            link.unlink(missing_ok=True)


__all__ = ["HEARTBEAT_SECONDS", "LEFTOVER_GRACE_SECONDS", "kept_fresh", "prune", "publish"]
