"""Corpus folder -> published index build: the ingest's orchestration, its fingerprint and its report.

Re-ingesting an unchanged corpus costs a hash of its files (`fingerprint`). The steps themselves are
`rag.ingestion.stages`, run in this process or on Ray (`rag.ingestion.ray`, imported only when that engine runs).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from rag.corpus.chunking import LAYOUT as PASSAGE_LAYOUT
from rag.corpus.files import FORMATS, METADATA_FILE, corpus_files, read_as, refusals
from rag.corpus.reader import (
    Changed,
    Corpus,
    Skipped,
    add_files,
    is_metadata,
    not_read,
    previous_ids,
    read_files,
    unique_ids,
)
from rag.embedding.base import Embedder
from rag.embedding.load import ModelSpec, effective_model, english_model_installed, model_release
from rag.embedding.names import AUTO_MODEL, BUNDLED_MODEL, ENGLISH_MODEL
from rag.errors import ConfigError, IndexError_, IndexNotFound, IndexWriteFailed, IngestError
from rag.index.layout import current_build, damage, link_fault, read_manifest
from rag.index.lexical import LAYOUT as LEXICAL_LAYOUT
from rag.index.locks import IngestLock
from rag.index.publish import prune, publish
from rag.index.store import Index
from rag.index.vector_options import VectorOptions
from rag.index.windows import numbered_as_now
from rag.ingestion.changes import file_changes
from rag.ingestion.report import IngestReport
from rag.ingestion.stages import chunk_and_embed, corpus_model, embed_key, index_parts
from rag.passage import Chunk
from rag.settings import Settings

log = logging.getLogger("rag.ingest")


def _config(settings: Settings) -> dict[str, Any]:
    """The settings an index build depends on; a change in any of them means a rebuild."""
    def named(name: str) -> str:
        model = effective_model(name)  # the fallback's index is rebuilt once the bundled model can run
        release = model_release(model)  # a new conversion of the bundled weights is a new model
        return model if release is None else f"{model} ({release})"

    # auto: the corpus chooses between the two models (its bytes are hashed too), the English one if installed
    model = named(settings.model) if settings.model != AUTO_MODEL else \
        f"{AUTO_MODEL}: {named(BUNDLED_MODEL)}" + (f" or {ENGLISH_MODEL}" if english_model_installed() else "")
    return {
        "model": model,
        "query_prompt": settings.query_prompt,
        "passage_prompt": settings.passage_prompt,
        "max_passage_tokens": settings.max_passage_tokens,
        "passage_window_tokens": settings.passage_window_tokens,
        "language": settings.language,
        "bm25_k1": settings.bm25_k1,
        "bm25_b": settings.bm25_b,
        "dense_weight": settings.dense_weight,
        "max_file_bytes": settings.max_file_bytes,
        "lexical_layout": LEXICAL_LAYOUT,
        "passage_layout": PASSAGE_LAYOUT,
        "vectors": VectorOptions.settings_of(settings),
    }


def fingerprint(corpus_dir: Path, settings: Settings) -> str:
    """A hash of every candidate file's path and bytes, the metadata file's bytes and the build settings."""
    digest = hashlib.sha256(json.dumps(_config(settings), sort_keys=True).encode())
    metadata = corpus_dir / METADATA_FILE
    paths = list(corpus_files(corpus_dir))
    # never open what ingest will not read: a link to a pipe or a device would hang here; a second name of a file is
    # its reason (which name is read), not its bytes again (the metadata file is read whatever its suffix says)
    reasons = refusals(corpus_dir, paths, settings.max_file_bytes)
    for path, reason in [*zip(paths, reasons, strict=True), *([(metadata, None)] if metadata.is_file() else [])]:
        digest.update(os.fsencode(path.relative_to(corpus_dir).as_posix()) + b"\x00")  # a name's bytes, UTF-8 or not
        if reason:
            digest.update(f"refused:{reason}".encode())
            continue
        try:
            with path.open("rb") as handle:
                digest.update(hashlib.file_digest(handle, "sha256").digest())
        except OSError as exc:
            digest.update(f"unreadable:{exc.errno}".encode())
    return digest.hexdigest()


def _previous_vectors(settings: Settings, model: dict[str, Any]) -> dict[str, np.ndarray]:
    """Vectors of the current build by content hash, if it was built with the model `model` describes and its files
    are whole (checksums verified: a damaged vector file reused would carry its damage into every build after)."""
    try:
        previous = Index.load(settings.index_dir)
    except IndexNotFound:
        return {}
    except Exception as exc:  # an unreadable or damaged build: nothing to reuse, every passage embedded again
        log.warning("the current build's vectors are not reused (%s)", exc)
        return {}
    if previous.model != model:
        return {}
    vectors = previous.stored_vectors()
    known = {embed_key(chunk): vectors[row] for row, chunk in enumerate(previous.passages)}
    if previous.headings is not None:
        known |= previous.headings.by_key(previous.passages)
    if previous.windows is not None and numbered_as_now(previous.manifest):
        known |= previous.windows.by_key(previous.passages)
    return known


def _require_room(index_dir: Path, chunks: list[Chunk], dimension: int) -> None:
    """Refuse, before any passage is embedded, a build that cannot fit where it is to be written: its vectors (4 bytes
    a dimension, kept whole by every index kind) and its passages' text are a floor of its size, sentence windows,
    headings and the lexical index coming on top. An ingest of hours found a full disk only when it wrote."""
    need = len(chunks) * dimension * 4 + sum(len(chunk.text) for chunk in chunks)  # a character is a byte at least
    folder = index_dir
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        free = shutil.disk_usage(folder).free
    except OSError:  # what cannot be measured is found when the build is written
        return
    if free < need:
        raise IndexWriteFailed(f"the new index build needs more than {need:,} bytes in {index_dir} ({len(chunks):,} "
                               f"passages' vectors and text) and {free:,} bytes are free there: nothing was embedded "
                               "and the current build is unchanged and still served; free space, or set "
                               "RAG_INDEX_DIR to a folder with room, and run `rag ingest` again")


def _require_documents(corpus: Corpus, corpus_dir: Path) -> None:
    if not corpus.documents:
        reasons = ("; ".join(f"{s.source}: {s.reason}" for s in corpus.skipped)
                   or f"no file of a format rag reads: {FORMATS}")
        raise IngestError(f"no readable document in {corpus_dir} ({reasons})")


# Fewer documents lost than this never stop an ingest, whatever their share (three files of five deleted on purpose).
LOSS_MIN_DOCUMENTS = 10


def _require_kept(corpus: Corpus, published: dict[str, Any] | None, settings: Settings) -> None:
    """Refuse a corpus that lost more than `RAG_MAX_DOCUMENT_LOSS` of the served build's documents (and at least
    `LOSS_MIN_DOCUMENTS`): a corpus folder emptied or mounted half-way by accident would otherwise be published, and
    every replica would hot-reload it, answering from what is left. Only a corpus that is what is left of the
    served build's is held to it: the same folder, and no document the served build lacks (pointing
    `RAG_CORPUS_DIR` at another folder, or putting other files in this one, is a choice, not an accident). A
    document now skipped as a second name of a file read is not lost: its text is indexed under the name read (if
    that name is a document: a binary or damaged file is read under no name)."""
    record = (published or {}).get("corpus") or {}
    was = str(record.get("path", ""))
    if not was or (was != str(settings.corpus_dir) and Path(was).resolve() != settings.corpus_dir.resolve()):
        return
    known = {str(entry.get("source")) for entry in record.get("files", []) if isinstance(entry, dict)}
    if any(document.source not in known for document in corpus.documents):
        return
    before = int(((published or {}).get("counts") or {}).get("documents", 0))
    # a document of the served build now skipped as a second name of a file read (a copy replaced by a link, a build
    # from before links were read once) lost its name, not its text; not if that file was refused once opened
    read = {document.source for document in corpus.documents}
    renamed = sum(skipped.source in known and read_as(skipped.reason, read) is not None for skipped in corpus.skipped)
    lost = before - len(corpus.documents) - renamed
    if settings.max_document_loss < 1 and lost >= LOSS_MIN_DOCUMENTS and lost > settings.max_document_loss * before:
        raise IngestError(f"the corpus has {len(corpus.documents)} readable documents where the served build has "
                          f"{before}: {lost} would go, more than RAG_MAX_DOCUMENT_LOSS "
                          f"({settings.max_document_loss:.0%}) allows; nothing was published. If they are meant to "
                          "go, ingest again with RAG_MAX_DOCUMENT_LOSS=1")


def _read_local(settings: Settings, embedder: Embedder | None, embedder_factory: Callable[[], Embedder] | None,
                options: VectorOptions, report: IngestReport, previous: dict[str, str]) -> tuple[Corpus, Embedder]:
    """The local engine's corpus and model, in the order that fails soonest: files read up to the first document
    (none: `IngestError`, no model loaded), the model loaded and its dimension checked against the vector settings
    (`ConfigError` with the rest of the corpus unread), then the rest read. Each file is read once. Under
    `RAG_MODEL=auto`, the whole corpus is read first: its language chooses the model (`stages.corpus_model`)."""
    corpus, outcomes = Corpus(), read_files(settings.corpus_dir, max_file_bytes=settings.max_file_bytes)
    choose = embedder is None and embedder_factory is None and settings.model == AUTO_MODEL
    add_files(corpus, outcomes, until_a_document=not choose)  # the model chosen by the whole corpus's language
    _require_documents(corpus, settings.corpus_dir)
    if embedder is None:
        spec = ModelSpec.from_settings(corpus_model(settings, corpus.documents) if choose else settings)
        loading = time.perf_counter()
        embedder = (embedder_factory or spec.load)()
        report.model_seconds = time.perf_counter() - loading
    options.check(embedder.dimension)  # settings this model rules out whatever the corpus holds
    add_files(corpus, outcomes)
    unique_ids(corpus.documents, previous)
    return corpus, embedder


def ingest(
    settings: Settings,
    *,
    force: bool = False,
    progress: bool = False,
    embedder: Embedder | None = None,
    embedder_factory: Callable[[], Embedder] | None = None,
    address: str | None = None,
    actors: int | None = None,
) -> IngestReport:
    """Ingest `settings.corpus_dir` into `settings.index_dir`; skip the work when nothing changed.

    With `settings.ingest_engine == "ray"`, reading, chunking and embedding run as a Ray Data pipeline
    (`rag.ingestion.ray`) on the cluster at `address` (default: RAY_ADDRESS, else a local Ray instance) with at most
    `actors` model replicas; the build published is the local engine's, but for `engine` in the manifest.
    `embedder` (else `embedder_factory()`, else the settings' model) is the local engine's model; the Ray engine's
    actors load their own and the driver none. The model is loaded only when the corpus changed, and (local engine)
    only once a file of it has been read as a document.

    A folder or file where the `current` link should be is `IndexError_`, raised before anything is read, loaded or
    written: no new build could replace it.

    One ingest at a time per index folder: the whole ingest, from before the corpus is read until the new build is
    published and the old ones pruned, holds the folder's `IngestLock`; another ingest holding it is `IngestBusy`,
    raised before anything is read, loaded or written. The lock goes with the process, however it ends.

    Vector settings that cannot work are refused (`ConfigError`) before any passage is embedded: as soon as the
    model's dimension is known, and again once the passages are counted (`VectorOptions.check`).
    A failure at any point leaves the published index as it was.
    """
    started = time.perf_counter()
    engine = settings.ingest_engine
    if engine != "ray" and (address is not None or actors is not None):
        raise ConfigError("a Ray address or actor count goes with the Ray engine (--engine ray)")
    if actors is not None and actors < 1:
        raise ConfigError(f"the Ray engine needs at least one actor, not {actors}")
    if engine == "ray" and (embedder is not None or embedder_factory is not None):
        raise ConfigError("a model object goes with the local engine: the Ray engine's actors load their own")
    if engine == "ray":
        from rag.ingestion.ray import require_ray

        require_ray()  # before anything else: without the extra, say how to install it, even with nothing to do
    if not settings.corpus_dir.is_dir():
        raise IngestError(f"corpus folder {settings.corpus_dir} is a file: give the folder that holds it"
                          if settings.corpus_dir.exists() else f"corpus folder {settings.corpus_dir} does not exist")
    if settings.index_dir.resolve() == settings.corpus_dir.resolve():
        raise IngestError(f"the index folder is the corpus folder ({settings.corpus_dir}): give the index a folder of "
                          "its own (RAG_INDEX_DIR, --index), or each ingest would read the builds of the last")
    if not os.access(settings.corpus_dir, os.R_OK | os.X_OK, effective_ids=os.access in os.supports_effective_ids):
        raise IngestError(f"corpus folder {settings.corpus_dir} cannot be read (permissions): this user needs to "
                          "list it and open what it holds (chmod u+rx)")
    if (fault := link_fault(settings.index_dir)) is not None:  # the new build could never be published
        raise IndexError_(fault)
    with IngestLock(settings.index_dir):
        return _ingest_locked(settings, started, force=force, progress=progress, embedder=embedder,
                              embedder_factory=embedder_factory, address=address, actors=actors)


def _ingest_locked(settings: Settings, started: float, *, force: bool, progress: bool, embedder: Embedder | None,
                   embedder_factory: Callable[[], Embedder] | None, address: str | None,
                   actors: int | None) -> IngestReport:
    """`ingest` once the arguments are checked and the index folder locked."""
    corpus_dir, index_dir = settings.corpus_dir, settings.index_dir
    report = IngestReport(index_dir=str(index_dir))
    corpus_hash: str | None = fingerprint(corpus_dir, settings)
    published = read_manifest(index_dir)
    up_to_date = not force and published and published.get("corpus", {}).get("fingerprint") == corpus_hash
    build = current_build(index_dir)
    if up_to_date and published and build is not None and (wrong := damage(build, published, quick=True)) is not None:
        # the corpus has not changed, but the build serving it did: servers refuse it, so build it again
        log.warning("%s: the corpus is unchanged, its index is built again", wrong)
        up_to_date = False
    if up_to_date and published:
        report.up_to_date = True
        report.build_id = published.get("build_id")
        # as a build counts them: every file read or skipped (a skipped entry of sources.toml is no file)
        report.files = len(published["corpus"].get("files", [])) + sum(
            not is_metadata(s["source"]) for s in published["corpus"].get("skipped", []))
        report.documents = published["counts"].get("documents", 0)
        report.passages = published["counts"]["passages"]
        report.reused = report.passages
        report.skipped = [Skipped(**s) for s in published["corpus"].get("skipped", [])]
        report.changed = [Changed(**c) for c in published["corpus"].get("changed", [])]
        report.since = file_changes([], [])
        report.read_languages(published["model"], published["lexical"]["language"])
        prune(index_dir, keep_builds=settings.keep_builds)  # an ingest killed before it pruned left builds beyond
        report.seconds = time.perf_counter() - started
        return report

    options = VectorOptions.from_settings(settings)

    def prepare(corpus: Corpus, chunks: list[Chunk], model: dict[str, Any]) -> dict[str, np.ndarray]:
        _require_documents(corpus, corpus_dir)
        _require_kept(corpus, published, settings)  # before any passage is embedded
        options.check(int(model["dimension"]), len(chunks) or None)  # no passage: `index_parts` says why
        _require_room(settings.index_dir, chunks, int(model["dimension"]))
        return {} if force else _previous_vectors(settings, model)

    if settings.ingest_engine == "ray":
        from rag.ingestion import ray as distributed

        stages = distributed.chunk_and_embed(settings, prepare, address=address, actors=actors, progress=progress,
                                             previous=previous_ids(published))
    else:
        corpus, embedder = _read_local(settings, embedder, embedder_factory, options, report, previous_ids(published))
        stages = chunk_and_embed(corpus, settings, embedder, prepare, progress=progress)
    corpus = stages.corpus
    not_read(corpus)  # a second name of a file refused once opened says so, on either engine
    report.skipped = corpus.skipped
    report.changed = [Changed(d.source, change) for d in corpus.documents for change in d.changes]
    report.files = len(corpus.documents) + sum(not is_metadata(s.source) for s in corpus.skipped)
    if fingerprint(corpus_dir, settings) != corpus_hash:
        # a file changed, appeared or went while the corpus was read: the build holds what was read, and records no
        # fingerprint, so that the next ingest reads the corpus again instead of finding it "up to date"
        log.warning("files of %s changed while they were read: the next `rag ingest` reads the corpus again",
                    corpus_dir)
        corpus_hash = None
    lexical, manifest, table = index_parts(stages, settings, started=started, fingerprint=corpus_hash)
    build = publish(index_dir, stages.chunks, stages.vectors, lexical, manifest, options,
                    keep_builds=settings.keep_builds, headings=stages.headings, windows=stages.windows, accents=table)
    report.build_id = build.name
    report.since = None if not published else file_changes(published["corpus"].get("files", []),
                                                           manifest.corpus.files)
    report.documents = len(corpus.documents)
    report.passages = len(stages.chunks)
    report.embedded = manifest.counts.embedded
    report.reused = manifest.counts.reused
    report.read_languages(manifest.model, manifest.lexical.language)
    report.seconds = time.perf_counter() - started
    return report


__all__ = ["IngestReport", "file_changes", "fingerprint", "ingest"]
