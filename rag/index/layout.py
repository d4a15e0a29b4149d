"""Where an index lives on disk: the folder's layout, the build format, and reading which build is current.

Layout of `index_dir`:

    current -> builds/<build_id>      a relative symbolic link, swapped atomically by each ingest
    builds/<build_id>/manifest.json   model, dimension, chunking, corpus hash, versions, file checksums
    builds/<build_id>/vectors.faiss   normalised vectors, inner-product metric, one of the kinds of `rag.index.dense`
    builds/<build_id>/vectors.exact.npy   the exact vectors, for the ivfpq kind only (its codes are lossy)
    builds/<build_id>/passages.jsonl  one passage per line, in vector order
    builds/<build_id>/lexical/        bm25s arrays
    builds/<build_id>/headings.npy, heading_rows.npy   heading vectors (`rag.index.headings`)
    builds/<build_id>/windows.npy, window_rows.npy   sentence-window vectors (`rag.index.windows`)
    builds/<build_id>/accents.json    the accent table of questions (`rag.index.accents`)
    .ingest.lock                      the writer lock (`rag.index.locks`): one ingest at a time; never a build

`rag.index.publish` writes builds, `rag.index.store.Index` loads them.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rag.index.manifest import shape_error
from rag.passage import Chunk

# The newest build format this rag writes and reads. Format 2 added `page` to passage records (PDF passages), format 3
# `last_page` (a PDF passage over several pages), format 4 `header` (a passage going on with a long table), format 5
# `fields` (an FAQ entry's other columns); a build is written in the lowest format that holds it (`build_format`), so
# that a build without them stays readable by a rag that reads an older format only, and one with them is refused by
# such a rag for its format, not for an unknown field.
FORMAT_VERSION = 5
MANIFEST = "manifest.json"
PASSAGES = "passages.jsonl"
LEXICAL = "lexical"
CURRENT = "current"
BUILDS = "builds"


def build_format(chunks: Sequence[Chunk]) -> int:
    """The lowest format that holds these passages: 5 if one carries an FAQ entry's fields, 4 if one carries a
    table's header row, 3 if one runs over several pages, 2 if one has a page, else 1."""
    if any(chunk.fields is not None for chunk in chunks):
        return 5
    if any(chunk.header is not None for chunk in chunks):
        return 4
    if any(chunk.last_page is not None for chunk in chunks):
        return 3
    return 2 if any(chunk.page is not None for chunk in chunks) else 1


def file_sha256(path: Path) -> str:
    """The hex SHA-256 of a file's bytes, as the manifest records it."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def damage(build: Path, manifest: dict[str, Any], *, quick: bool = False) -> str | None:
    """What is wrong with the files of `build` that its manifest lists (missing, unreadable, or not of their recorded
    size and checksum), or None when they are whole. Reads every byte of them; `quick`, only those changed since
    the manifest was written (a published build is never written again: a later change is damage, or a copy), the
    others checked by their size."""
    try:
        written = (build / MANIFEST).stat().st_mtime_ns if quick else None
        for name, expected in manifest.get("files", {}).items():
            path = build / name
            if not path.is_file():
                return f"index file {path} is missing"
            stat = path.stat()
            if stat.st_size != expected["bytes"]:
                return f"index file {path} is damaged (its size differs from the manifest's)"
            if (written is None or stat.st_mtime_ns > written) and file_sha256(path) != expected["sha256"]:
                return f"index file {path} is damaged (checksum differs from the manifest)"
    except OSError as exc:
        return f"index file in {build} cannot be read ({exc})"
    return None


def build_files(build: Path) -> list[Path]:
    """The files of a build that its manifest lists with their checksums: all of them but the manifest."""
    return sorted(p for p in build.rglob("*") if p.is_file() and p.name != MANIFEST)


class _Pieces:
    """A file numpy writes an array to through Python's own write, 16 MiB at a time (numpy writes a file object of
    its own kind directly, a full disk is then "N requested and M written" instead of ENOSPC and its message)."""

    def __init__(self, handle: io.BufferedWriter) -> None:
        self.write = handle.write


def save_arrays(folder: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write each array as `folder / name` in numpy's format, a piece at a time: the bytes of a whole array were
    made twice before (in a buffer, then copied out of it), 123 MB more while a build of 20,000 passages' sentence
    windows (61 MB) was written (docs/PERFORMANCE.md)."""
    for name, array in arrays.items():
        with (folder / name).open("wb") as handle:
            np.save(_Pieces(handle), array)


def current_build(index_dir: Path) -> Path | None:
    """The build folder `current` points to, or None when no build was ever published."""
    link = index_dir / CURRENT
    if not link.exists():
        return None
    return link.resolve()


def link_fault(index_dir: Path) -> str | None:
    """What is wrong when a folder or a file stands where the `current` link should be, with how to fix it; None when
    `current` is a link or absent. A copy of an index folder by a tool that follows links makes such a folder: it
    reads as a build, but no ingest can swap it for a link in one step (`os.replace` cannot replace a folder)."""
    link = index_dir / CURRENT
    if link.is_symlink() or not os.path.lexists(link):
        return None
    kind = "a folder" if link.is_dir() else "a file"
    return (f"{link} is {kind}, not the link to a build (`{CURRENT} -> {BUILDS}/<id>`) that `rag ingest` makes and "
            "replaces; copying an index folder with a tool that follows links (`cp -rL`, `scp -r`, `rsync -r`) "
            "does that, `cp -a` and `rsync -a` keep the link. Move it away (`mv "
            f"{link} {link}.old`) and run `rag ingest`; or, if it holds a whole build, make it one: `mv {link} "
            f"{index_dir / BUILDS}/restored && ln -s {BUILDS}/restored {link}`")


def read_manifest(index_dir: Path) -> dict[str, Any] | None:
    """The manifest of the current build, or None if there is none, it is unreadable or of the wrong shape."""
    build = current_build(index_dir)
    if build is None:
        return None
    try:
        manifest = json.loads((build / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if shape_error(manifest) is None else None


__all__ = ["BUILDS", "CURRENT", "FORMAT_VERSION", "LEXICAL", "MANIFEST", "PASSAGES", "build_files", "build_format",
           "current_build", "damage", "file_sha256", "link_fault", "read_manifest", "save_arrays"]
