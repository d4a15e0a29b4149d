"""The index artifact: FAISS vectors, the passage store, the BM25 index and a manifest that describes them.

Layout of `index_dir`:

    current -> builds/<build_id>      a relative symbolic link, swapped atomically by each ingest
    builds/<build_id>/manifest.json   model, dimension, chunking, corpus hash, versions, file checksums
    builds/<build_id>/vectors.faiss   normalised vectors, inner-product metric, one of the kinds of `rag.index.dense`
    builds/<build_id>/vectors.exact.npy   the exact vectors, for the ivfpq kind only (its codes are lossy)
    builds/<build_id>/passages.jsonl  one passage per line, in vector order
    builds/<build_id>/lexical/        bm25s arrays
    .ingest.lock                      the writer lock (`rag.index.ingest_lock`): one ingest at a time; never a build

A build is written in a hidden temporary folder, renamed into `builds/` and only then published by replacing the
`current` link: a reader sees the old build or the new one, never half of one, and a crash leaves `current` as it
was. Loading checks the files against the manifest's checksums and the counts against each other.

A loaded `Index` holds a lease on its build folder (`rag.index.lease`): pruning after an ingest keeps the new build, the
one it replaced and any build still leased, so a server never has the build it serves, or is loading, deleted
under it. The leftovers of interrupted ingests (`builds/.tmp-*`, `.current-*`) are removed once they are older than
`LEFTOVER_GRACE_SECONDS`: a lease is seen only on the host that holds it, and an ingest running on another host
sharing the folder keeps its temporary folder's modification time fresh while it writes.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import faiss
import numpy as np
from threadpoolctl import threadpool_limits

from rag.corpus.chunking import Chunk
from rag.errors import IndexError_, IndexMismatch, IndexNotFound, IndexWriteFailed
from rag.index.analyzer import Analyzer
from rag.index.dense import DenseIndex, VectorOptions
from rag.index.headings import Headings
from rag.index.lease import Lease, remove_unless_leased
from rag.index.lexical import LexicalIndex
from rag.index.manifest import shape_error
from rag.schemas import DocumentSummary

# The newest build format this rag writes and reads. Format 2 added `page` to passage records (PDF passages); a build
# is written in the lowest format that holds it (`build_format`), so that a build without pages stays readable by a
# rag that reads format 1 only, and one with pages is refused by such a rag for its format, not for an unknown field.
FORMAT_VERSION = 2
MANIFEST = "manifest.json"
PASSAGES = "passages.jsonl"
LEXICAL = "lexical"
CURRENT = "current"
BUILDS = "builds"
# A leftover this recent may be the folder another host's ingest is writing right now: its lease is not visible here.
LEFTOVER_GRACE_SECONDS = 3600.0
# How often a writing ingest touches its temporary folder: far below the grace, so a live one never looks abandoned.
HEARTBEAT_SECONDS = 60.0


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _files(build: Path) -> list[Path]:
    return sorted(p for p in build.rglob("*") if p.is_file() and p.name != MANIFEST)


def _fsync_tree(build: Path) -> None:
    for path in [*_files(build), build / MANIFEST]:
        with path.open("rb") as handle:
            os.fsync(handle.fileno())
    for folder in [build, *(p for p in build.rglob("*") if p.is_dir())]:
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def build_format(chunks: list[Chunk]) -> int:
    """The lowest format that holds these passages: 2 if one has a page, else 1."""
    return 2 if any(chunk.page is not None for chunk in chunks) else 1


def current_build(index_dir: Path) -> Path | None:
    """The build folder `current` points to, or None when no build was ever published."""
    link = index_dir / CURRENT
    if not link.exists():
        return None
    return link.resolve()


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


def single_threaded_search() -> None:
    """Make FAISS searches made from the calling thread run on that thread alone (an OpenMP setting per thread),
    and numpy's BLAS (OpenBLAS: a setting for the whole process) run on one thread.

    A server's small batches over a flat index take microseconds; a team of OpenMP threads woken for each one
    costs more than that and competes with the embedding model for the same cores. The same holds for numpy's
    matrix products (the exact scores of candidates, of a filter's passages): measured with
    scripts/bench/filter_bench.py's vectors on a loaded 2-core machine, 5,000 passages against a question took a median
    8 ms with OpenBLAS's two threads and 0.15 ms with one. The model (torch) has threads of its own, unaffected.
    The server calls it from its main thread at start-up as well as from the search thread: an OpenBLAS started with
    `OPENBLAS_NUM_THREADS` ignores a count set from another thread.
    """
    faiss.omp_set_num_threads(1)
    threadpool_limits(1, user_api="blas")


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


def publish(index_dir: Path, chunks: list[Chunk], vectors: np.ndarray, lexical: LexicalIndex,
            manifest: dict[str, Any], options: VectorOptions | None = None, *, keep_builds: int = 2,
            headings: Headings | None = None) -> Path:
    """Write a new build beside the current one, then make it current in one atomic step. Returns its folder.

    `options` say which dense index to build (default: exact); the manifest's `faiss` entry records the kind, its
    parameters and the recall measured at build. Afterwards the `keep_builds` newest builds are kept (the new one
    and the one it replaced at least), and older ones are removed unless leased.
    """
    if keep_builds < 2:
        raise ValueError("keep_builds must be at least 2: the new build and the one it replaces")
    if len(chunks) != len(vectors) or len(chunks) != len(lexical):
        raise ValueError("chunks, vectors and lexical rows differ in number")
    previous = current_build(index_dir)
    try:
        final = _write_build(index_dir, chunks, vectors, lexical, manifest, options, headings)
    except OSError as exc:  # disk full, read-only: nothing of the new build is left, `current` is unchanged
        raise IndexWriteFailed(_write_failure(index_dir, exc)) from exc
    _prune(index_dir, keep={final.resolve(), previous}, also_newest=keep_builds - 2)
    return final


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
                 manifest: dict[str, Any], options: VectorOptions | None, headings: Headings | None) -> Path:
    """`publish` up to the atomic switch of `current`; removes what it wrote if it fails."""
    builds = index_dir / BUILDS
    builds.mkdir(parents=True, exist_ok=True)
    dense = DenseIndex.build(vectors, options)  # before the folder exists: the slow part leaves nothing to clean up
    build_id = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + "-" + uuid.uuid4().hex[:6]
    tmp = builds / f".tmp-{build_id}"
    tmp.mkdir()
    writing = Lease(tmp, exclusive=True)  # a concurrent ingest's pruning on this host must not take it for a leftover
    try:
        with kept_fresh(tmp):
            try:
                dense.save(tmp)
            except RuntimeError as exc:  # FAISS reports a failed write so; its text names the system's reason
                raise OSError(errno.EIO, f"FAISS could not write the vectors ({str(exc)[-120:]})") from exc
            if headings is not None:
                headings.save(tmp)
            with (tmp / PASSAGES).open("w", encoding="utf-8") as handle:
                for chunk in chunks:
                    handle.write(json.dumps(chunk.to_record(), ensure_ascii=False) + "\n")
            lexical.save(tmp / LEXICAL)
            manifest = {
                **manifest,
                "format_version": build_format(chunks),
                "build_id": build_id,
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "faiss": {**dense.description, "faiss_version": faiss.__version__},
                "counts": {**manifest.get("counts", {}), "passages": len(chunks)},
                "files": {p.relative_to(tmp).as_posix(): {"bytes": p.stat().st_size, "sha256": _sha256(p)}
                          for p in _files(tmp)},
            }
            (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
            _fsync_tree(tmp)
            final = builds / build_id
            tmp.rename(final)
        link_tmp = index_dir / f".{CURRENT}-{build_id}"
        link_tmp.symlink_to(Path(BUILDS) / build_id)
        os.replace(link_tmp, index_dir / CURRENT)  # the atomic step
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
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


@dataclass
class Index:
    """A loaded, verified build: passages in vector order, the dense index and the BM25 index."""

    path: Path
    manifest: dict[str, Any]
    passages: list[Chunk]
    vectors: DenseIndex
    lexical: LexicalIndex
    lease: Lease | None = field(default=None, repr=False, compare=False)
    headings: Headings | None = field(default=None, repr=False, compare=False)  # None: a build from before them

    def __post_init__(self) -> None:
        self.rows = {chunk.id: row for row, chunk in enumerate(self.passages)}
        # Each row's document, as a number in corpus order: the rows of a filter are one pass of numpy over them.
        numbers: dict[str, int] = {}
        self.row_documents = np.fromiter((numbers.setdefault(chunk.doc_id, len(numbers)) for chunk in self.passages),
                                         dtype=np.int32, count=len(self.passages))
        self._document_numbers = numbers
        counts = np.bincount(self.row_documents, minlength=len(numbers))
        self.documents: dict[str, DocumentSummary] = {}  # in corpus order
        first_rows = np.unique(self.row_documents, return_index=True)[1]  # numbers ascend with rows: corpus order
        for (doc_id, number), row in zip(numbers.items(), first_rows, strict=True):
            first = self.passages[int(row)]
            self.documents[doc_id] = DocumentSummary(doc_id=doc_id, title=first.title, source=first.source,
                                                     url=first.url, passages=int(counts[number]))
        # Document ids under each source path and each folder of one: built here, with the rest, when the index is
        # loaded (off the event loop), not by the first request that filters.
        by_path: dict[str, list[str]] = {}
        for doc_id, document in self.documents.items():
            parts = document.source.split("/")
            for depth in range(1, len(parts) + 1):
                by_path.setdefault("/".join(parts[:depth]), []).append(doc_id)
        self._by_path = {path: tuple(ids) for path, ids in by_path.items()}

    def documents_under(self, path: str | None) -> tuple[str, ...]:
        """Ids of the documents whose source is `path` or lies under the folder `path` (None: all), in corpus
        order."""
        if path is None:
            return tuple(self.documents)
        return self._by_path.get(path.strip("/").removeprefix("./"), ())

    def rows_of(self, doc_ids: Iterable[str]) -> np.ndarray:
        """The sorted rows of the passages of `doc_ids` (ids of documents of this index)."""
        admitted = np.zeros(len(self._document_numbers), dtype=bool)
        admitted[[self._document_numbers[doc_id] for doc_id in doc_ids]] = True
        return np.flatnonzero(admitted[self.row_documents])

    @property
    def build_id(self) -> str:
        return str(self.manifest["build_id"])

    @property
    def model(self) -> dict[str, Any]:
        return dict(self.manifest["model"])

    def __len__(self) -> int:
        return len(self.passages)

    def dense_scores(self, rows: np.ndarray, vector: np.ndarray, heading_scores: np.ndarray | None = None
                     ) -> np.ndarray:
        """The dense score of `rows` for one question vector: each passage's cosine, or its heading's when higher
        (`rag.index.headings`; `heading_scores`, every heading's cosine, when already computed)."""
        scores = self.vectors.vectors_for(rows) @ vector
        if self.headings is None:
            return scores
        if heading_scores is None:
            heading_scores = self.headings.vectors @ vector
        return np.maximum(scores, heading_scores[self.headings.of_row[rows]])

    def stored_vectors(self) -> np.ndarray:
        """A copy of all exact vectors, in passage order (for reuse by the next ingest), whatever the index kind."""
        return self.vectors.all_vectors()

    @classmethod
    def load(cls, index_dir: Path, *, verify: bool = True) -> Index:
        """Load the current build. Raises `IndexNotFound` or `IndexError_` with what to do about it."""
        build = current_build(index_dir)
        if build is None:
            raise IndexNotFound(f"no index in {index_dir}: run `rag ingest` first")
        return cls.load_build(build, verify=verify)

    @classmethod
    def load_build(cls, build: Path, *, verify: bool = True) -> Index:
        """Load one build folder, holding a lease on it for as long as the returned `Index` lives."""
        try:
            lease = Lease(build)
        except BlockingIOError as exc:
            raise IndexError_(f"index build {build} is being written or removed: try again") from exc
        except OSError as exc:
            raise IndexError_(f"index build {build} cannot be opened ({exc}): run `rag ingest`") from exc
        try:
            manifest = json.loads((build / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise IndexError_(f"index build {build} has no readable manifest ({exc}): run `rag ingest`") from exc
        version = manifest.get("format_version") if isinstance(manifest, dict) else 1  # not a dict: the shape says
        if not isinstance(version, int) or not 1 <= version <= FORMAT_VERSION:
            newer = isinstance(version, int) and version > FORMAT_VERSION
            raise IndexMismatch(f"index build {build} has format {version}, this rag reads formats 1 to "
                                f"{FORMAT_VERSION}: " + ("it was written by a newer rag: upgrade this one, or "
                                                         "rebuild the index with it (`rag ingest --force`)"
                                                         if newer else "run `rag ingest --force`"))
        if (wrong := shape_error(manifest)) is not None:
            raise IndexError_(f"index build {build} has a manifest of the wrong shape ({wrong}): "
                              "run `rag ingest --force`")
        if verify:
            for name, expected in manifest.get("files", {}).items():
                path = build / name
                if not path.is_file():
                    raise IndexError_(f"index file {path} is missing: run `rag ingest --force`")
                if path.stat().st_size != expected["bytes"] or _sha256(path) != expected["sha256"]:
                    raise IndexError_(f"index file {path} is damaged (checksum differs from the manifest): "
                                      "run `rag ingest --force`")
        try:
            vectors = DenseIndex.load(build, manifest.get("faiss"))
            passages = []
            with (build / PASSAGES).open(encoding="utf-8") as handle:
                for line in handle:
                    passages.append(Chunk(**json.loads(line)))
            analyzer = Analyzer(manifest["lexical"]["language"])
            lexical = LexicalIndex.load(build / LEXICAL, analyzer)
            headings = Headings.load(build)
        except (OSError, RuntimeError, ValueError, TypeError, KeyError) as exc:
            raise IndexError_(f"index build {build} cannot be read ({exc}): run `rag ingest --force`") from exc
        sizes = {"vectors": vectors.ntotal, "passages": len(passages), "lexical": len(lexical),
                 "manifest": manifest["counts"]["passages"]}
        if headings is not None:
            sizes["headings"] = len(headings.of_row)
        if len(set(sizes.values())) != 1:
            raise IndexError_(f"index build {build} is inconsistent ({sizes}): run `rag ingest --force`")
        if vectors.d != manifest["model"]["dimension"]:
            raise IndexError_(f"index build {build}: vectors have dimension {vectors.d}, manifest says "
                              f"{manifest['model']['dimension']}: run `rag ingest --force`")
        if headings is not None and len(headings.of_row) and (
                headings.vectors.shape[1] != vectors.d or not 0 <= headings.of_row.min() <= headings.of_row.max()
                < len(headings.vectors)):
            raise IndexError_(f"index build {build}: heading vectors do not match their passages: "
                              "run `rag ingest --force`")
        return cls(build, manifest, passages, vectors, lexical, lease, headings)

    def check_model(self, served: dict[str, Any]) -> None:
        """Refuse to serve with another model, model package or prompt than the index was built with: `served` is
        the serving model's `Embedder.describe()`."""
        built = self.model
        if built["name"] != served["name"] or built.get("package") != served.get("package"):
            def named(model: dict[str, Any]) -> str:
                return repr(model["name"]) + (f" ({model['package']})" if model.get("package") else "")

            raise IndexMismatch(
                f"the index was built with model {named(built)} but this server runs {named(served)}: "
                f"re-run `rag ingest --force` with this model, or set RAG_MODEL={built['name']}")
        for kind in ("passage", "query"):
            key = f"{kind}_prompt"
            if built.get(key, "") != served.get(key, ""):
                raise IndexMismatch(
                    f"the index was built with {kind} prompt {built.get(key, '')!r}, this server uses "
                    f"{served.get(key, '')!r}: set RAG_{key.upper()} accordingly or re-run `rag ingest --force`")


__all__ = ["Index", "current_build", "publish", "read_manifest", "single_threaded_search"]
