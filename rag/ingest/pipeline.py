"""Corpus folder -> published index build. Re-ingesting an unchanged corpus costs a hash of its files."""

from __future__ import annotations

import contextlib
import hashlib
import json
import platform
import time
from collections.abc import Callable, Container
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from rag.corpus.chunking import Chunker
from rag.corpus.reader import (
    FORMATS,
    METADATA_FILE,
    Changed,
    Corpus,
    Document,
    Skipped,
    add_files,
    corpus_files,
    read_files,
    refusal,
    unique_ids,
)
from rag.embedding.base import Embedder, ModelSpec, effective_model
from rag.errors import ConfigError, IngestError
from rag.index.analyzer import Analyzer, detect_language
from rag.index.dense import VectorOptions
from rag.index.headings import Headings
from rag.index.lexical import LAYOUT as LEXICAL_LAYOUT
from rag.index.lexical import LexicalIndex
from rag.index.locks import IngestLock
from rag.index.store import Index, publish, read_manifest
from rag.passage import Chunk
from rag.search.fusion import auto_weight
from rag.settings import Settings


@dataclass
class IngestReport:
    """What an ingest did."""

    index_dir: str
    up_to_date: bool = False
    build_id: str | None = None
    files: int = 0
    documents: int = 0
    passages: int = 0
    embedded: int = 0
    reused: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    changed: list[Changed] = field(default_factory=list)  # files indexed with something left out (an unsafe url)
    seconds: float = 0.0
    model_seconds: float = 0.0  # part of `seconds` spent importing and loading the model (0 on Ray: the actors do)

    def to_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["skipped"] = [{"source": s.source, "reason": s.reason} for s in self.skipped]
        out["changed"] = [{"source": c.source, "change": c.change} for c in self.changed]
        return out


def _versions() -> dict[str, str]:
    names = ["rag", "faiss-cpu", "sentence-transformers", "torch", "transformers", "bm25s", "PyStemmer", "numpy"]
    out = {"python": platform.python_version()}
    for name in names:
        with contextlib.suppress(metadata.PackageNotFoundError):
            out[name] = metadata.version(name)
    return out


VECTOR_SETTINGS = ("index_type", "index_auto_threshold", "index_target_recall", "index_recall_queries", "hnsw_m",
                   "hnsw_ef_construction", "hnsw_ef_search", "ivf_nlist", "ivf_nprobe", "pq_m", "pq_bits", "pq_rerank")


def _config(settings: Settings) -> dict[str, Any]:
    """The settings an index build depends on; a change in any of them means a rebuild."""
    return {
        "model": effective_model(settings.model),  # the fallback's index is rebuilt once the bundled model can run
        "query_prompt": settings.query_prompt,
        "passage_prompt": settings.passage_prompt,
        "max_passage_tokens": settings.max_passage_tokens,
        "language": settings.language,
        "bm25_k1": settings.bm25_k1,
        "bm25_b": settings.bm25_b,
        "dense_weight": settings.dense_weight,
        "max_file_bytes": settings.max_file_bytes,
        "lexical_layout": LEXICAL_LAYOUT,
        "vectors": {name: getattr(settings, name) for name in VECTOR_SETTINGS},
    }


def fingerprint(corpus_dir: Path, settings: Settings) -> str:
    """A hash of every candidate file's path and bytes, the metadata file and the build settings."""
    digest = hashlib.sha256(json.dumps(_config(settings), sort_keys=True).encode())
    paths = list(corpus_files(corpus_dir))
    if (corpus_dir / METADATA_FILE).is_file():
        paths.append(corpus_dir / METADATA_FILE)
    for path in paths:
        digest.update(path.relative_to(corpus_dir).as_posix().encode() + b"\x00")
        reason = refusal(corpus_dir, path, settings.max_file_bytes)
        if reason:  # never open what ingest will not read: a link to a pipe or a device would hang here
            digest.update(f"refused:{reason}".encode())
            continue
        try:
            with path.open("rb") as handle:
                digest.update(hashlib.file_digest(handle, "sha256").digest())
        except OSError as exc:
            digest.update(f"unreadable:{exc.errno}".encode())
    return digest.hexdigest()


def embed_key(chunk: Chunk) -> str:
    return hashlib.sha256(chunk.indexed_text.encode()).hexdigest()


def _previous_vectors(settings: Settings, model: dict[str, Any]) -> dict[str, np.ndarray]:
    """Vectors of the current build by content hash, if it was built with the model `model` describes."""
    try:
        previous = Index.load(settings.index_dir, verify=False)
    except Exception:  # no build or an unreadable one: nothing to reuse, the ingest rebuilds
        return {}
    if previous.model != model:
        return {}
    vectors = previous.stored_vectors()
    known = {embed_key(chunk): vectors[row] for row, chunk in enumerate(previous.passages)}
    if previous.headings is not None:
        known |= previous.headings.by_key(previous.passages)
    return known


def section_numbers(chunks: list[Chunk]) -> list[int]:
    """The lexical section of each passage: consecutive passages of one document section share a number."""
    numbers: list[int] = []
    number, previous = -1, None
    for chunk in chunks:
        key = (chunk.doc_id, chunk.section)
        if key != previous:
            number, previous = number + 1, key
        numbers.append(number)
    return numbers


@dataclass
class Embedded:
    """What the read, chunk and embed stages give, whichever engine ran them: passages in corpus order."""

    corpus: Corpus
    chunks: list[Chunk]
    model: dict[str, Any]  # `Embedder.describe()` of the model that chunked and embedded them
    vectors: np.ndarray
    embedded: int  # passages embedded by this ingest; the others reused a stored vector
    headings: Headings  # each passage's heading, embedded on its own (`rag.index.headings`)


# Called once the passages are chunked, before any is embedded, with the corpus, the passages and the model's
# description: checks what depends on them (raising stops the ingest), returns the stored vectors to reuse by
# `embed_key`.
Prepare = Callable[[Corpus, list[Chunk], dict[str, Any]], dict[str, np.ndarray]]


def passage_limit(max_passage_tokens: int | None, model_max_tokens: int) -> int:
    """The largest passage in tokens: the configured limit, and never more than the model reads."""
    return min(max_passage_tokens or model_max_tokens, model_max_tokens)


def chunker_for(embedder: Embedder, max_passage_tokens: int | None) -> Chunker:
    """A chunker counting tokens with the model's tokenizer, making passages of at most `passage_limit` tokens."""
    return Chunker(embedder.count_tokens, passage_limit(max_passage_tokens, embedder.max_tokens))


def embed_missing(chunks: list[Chunk], known: Container[str],
                  embed: Callable[[list[str]], np.ndarray]) -> tuple[list[int], np.ndarray]:
    """The positions of the passages whose `embed_key` is not `known`, and their vectors, embedded now by `embed`."""
    missing = [i for i, chunk in enumerate(chunks) if embed_key(chunk) not in known]
    return missing, embed([chunks[i].indexed_text for i in missing])


def embed_chunks(corpus: Corpus, chunks: list[Chunk], model: dict[str, Any], prepare: Prepare,
                 embed: Callable[[list[str]], np.ndarray]) -> Embedded:
    """The embed stage, whichever engine chunked: `prepare`, then `embed` the passages it gives no vector for."""
    reuse = prepare(corpus, chunks, model)
    missing, fresh = embed_missing(chunks, reuse.keys(), embed)
    vectors = assemble_vectors(chunks, missing, fresh, reuse, int(model["dimension"]))
    headings = Headings.build(chunks, embed, reuse, int(model["dimension"]))
    return Embedded(corpus, chunks, model, vectors, len(missing), headings)


def assemble_vectors(chunks: list[Chunk], missing: list[int], fresh: np.ndarray, reuse: dict[str, np.ndarray],
                     dimension: int) -> np.ndarray:
    """One vector per passage: `fresh` at the `missing` positions, the reused vector of its content elsewhere."""
    vectors = np.zeros((len(chunks), dimension), dtype=np.float32)
    if missing:
        vectors[missing] = fresh
    now = set(missing)
    for i, chunk in enumerate(chunks):
        if i not in now:
            vectors[i] = reuse[embed_key(chunk)]
    return vectors


def chunk_and_embed(corpus: Corpus, settings: Settings, embedder: Embedder, prepare: Prepare, *,
                    progress: bool = False) -> Embedded:
    """The chunk and embed stages in this process (the local engine; `rag.ingest.ray` runs them on Ray), with
    `prepare` in between: once every passage is chunked, before any is embedded."""
    chunker = chunker_for(embedder, settings.max_passage_tokens)
    chunks = [chunk for doc in corpus.documents for chunk in chunker.chunk(doc)]
    return embed_chunks(corpus, chunks, embedder.describe(), prepare,
                        lambda texts: embedder.embed_passages(texts, progress=progress))


def index_parts(stages: Embedded, settings: Settings) -> tuple[LexicalIndex, dict[str, Any]]:
    """The lexical index and the manifest of embedded passages: the part of a build made once, on the driver."""
    documents, chunks = stages.corpus.documents, stages.chunks
    if not chunks:
        raise IngestError("the corpus has no text to index")
    language = settings.language
    if language == "auto":
        language = detect_language([doc.text for doc in documents])
    units = section_numbers(chunks)
    lexical = LexicalIndex.build([c.text for c in chunks], Analyzer(language), k1=settings.bm25_k1,
                                 b=settings.bm25_b, sections=units, headings=[c.context for c in chunks])
    weight, why = (float(settings.dense_weight), "set in the settings") if settings.dense_weight != "auto" \
        else auto_weight(tuple(stages.model["languages"]), language)
    manifest = {
        "model": stages.model,
        "chunking": {"max_tokens": passage_limit(settings.max_passage_tokens, int(stages.model["max_tokens"])),
                     "unit": "section, split on lines, sentences, words",
                     "indexed_text": "title › section, newline, passage text"},
        "lexical": {"library": "bm25s", "method": "lucene", "language": language, "layout": LEXICAL_LAYOUT,
                    "unit": "section, scaled by the passage's share; word pairs added",
                    "sections": units[-1] + 1, "k1": settings.bm25_k1, "b": settings.bm25_b,
                    "passage_share": lexical.passage_share, "pair_weight": lexical.pair_weight},
        "fusion": {"dense_weight": weight, "why": why},
        "headings": {"count": len(stages.headings.vectors), "text": "section heading, else document title",
                     "dense_score": "the better of the passage's cosine and its heading's"},
        "counts": {"documents": len(documents), "embedded": stages.embedded,
                   "reused": len(chunks) - stages.embedded},
        "versions": _versions(),
    }
    return lexical, manifest


def build_index(
    documents: list[Document],
    settings: Settings,
    embedder: Embedder,
    *,
    reuse: dict[str, np.ndarray] | None = None,
    progress: bool = False,
) -> tuple[Embedded, LexicalIndex, dict[str, Any]]:
    """Chunk, embed (reusing known vectors) and index documents. Returns what `publish` writes."""
    stages = chunk_and_embed(Corpus(documents), settings, embedder, lambda *_: reuse or {}, progress=progress)
    lexical, manifest = index_parts(stages, settings)
    return stages, lexical, manifest


def _require_documents(corpus: Corpus, corpus_dir: Path) -> None:
    if not corpus.documents:
        reasons = ("; ".join(f"{s.source}: {s.reason}" for s in corpus.skipped)
                   or f"no file of a format rag reads: {FORMATS}")
        raise IngestError(f"no readable document in {corpus_dir} ({reasons})")


def _read_local(settings: Settings, embedder: Embedder | None, embedder_factory: Callable[[], Embedder] | None,
                options: VectorOptions, report: IngestReport) -> tuple[Corpus, Embedder]:
    """The local engine's corpus and model, in the order that fails soonest: files read up to the first document
    (none: `IngestError`, no model loaded), the model loaded and its dimension checked against the vector settings
    (`ConfigError` with the rest of the corpus unread), then the rest read. Each file is read once."""
    corpus, outcomes = Corpus(), read_files(settings.corpus_dir, max_file_bytes=settings.max_file_bytes)
    add_files(corpus, outcomes, until_a_document=True)
    _require_documents(corpus, settings.corpus_dir)
    if embedder is None:
        loading = time.perf_counter()
        embedder = (embedder_factory or ModelSpec.from_settings(settings).load)()
        report.model_seconds = time.perf_counter() - loading
    options.check(embedder.dimension)  # settings this model rules out whatever the corpus holds
    add_files(corpus, outcomes)
    unique_ids(corpus.documents)
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
    (`rag.ingest.ray`) on the cluster at `address` (default: RAY_ADDRESS, else a local Ray instance) with at most
    `actors` model replicas; the build published is the local engine's, but for `engine` in the manifest.
    `embedder` (else `embedder_factory()`, else the settings' model) is the local engine's model; the Ray engine's
    actors load their own and the driver none. The model is loaded only when the corpus changed, and (local engine)
    only once a file of it has been read as a document.

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
        from rag.ingest.ray import require_ray

        require_ray()  # before anything else: without the extra, say how to install it, even with nothing to do
    if not settings.corpus_dir.is_dir():
        raise IngestError(f"corpus folder {settings.corpus_dir} does not exist")
    with IngestLock(settings.index_dir):
        return _ingest_locked(settings, started, force=force, progress=progress, embedder=embedder,
                              embedder_factory=embedder_factory, address=address, actors=actors)


def _ingest_locked(settings: Settings, started: float, *, force: bool, progress: bool, embedder: Embedder | None,
                   embedder_factory: Callable[[], Embedder] | None, address: str | None,
                   actors: int | None) -> IngestReport:
    """`ingest` once the arguments are checked and the index folder locked."""
    corpus_dir, index_dir = settings.corpus_dir, settings.index_dir
    report = IngestReport(index_dir=str(index_dir))
    corpus_hash = fingerprint(corpus_dir, settings)
    manifest = read_manifest(index_dir)
    if not force and manifest and manifest.get("corpus", {}).get("fingerprint") == corpus_hash:
        report.up_to_date = True
        report.build_id = manifest.get("build_id")
        report.files = len(manifest["corpus"].get("files", []))
        report.documents = manifest["counts"].get("documents", 0)
        report.passages = manifest["counts"]["passages"]
        report.reused = report.passages
        report.skipped = [Skipped(**s) for s in manifest["corpus"].get("skipped", [])]
        report.changed = [Changed(**c) for c in manifest["corpus"].get("changed", [])]
        report.seconds = time.perf_counter() - started
        return report

    options = VectorOptions.from_settings(settings)

    def prepare(corpus: Corpus, chunks: list[Chunk], model: dict[str, Any]) -> dict[str, np.ndarray]:
        _require_documents(corpus, corpus_dir)
        options.check(int(model["dimension"]), len(chunks) or None)  # no passage: `index_parts` says why
        return {} if force else _previous_vectors(settings, model)

    if settings.ingest_engine == "ray":
        from rag.ingest import ray as distributed

        stages = distributed.chunk_and_embed(settings, prepare, address=address, actors=actors, progress=progress)
    else:
        corpus, embedder = _read_local(settings, embedder, embedder_factory, options, report)
        stages = chunk_and_embed(corpus, settings, embedder, prepare, progress=progress)
    corpus = stages.corpus
    report.skipped = corpus.skipped
    report.changed = [Changed(d.source, change) for d in corpus.documents for change in d.changes]
    report.files = len(corpus.documents) + len(corpus.skipped)
    lexical, manifest = index_parts(stages, settings)
    manifest["engine"] = settings.ingest_engine
    manifest["corpus"] = {
        "path": str(corpus_dir),
        "fingerprint": corpus_hash,
        "files": [{"source": d.source, "sha256": d.sha256, "title": d.title} for d in corpus.documents],
        "skipped": [{"source": s.source, "reason": s.reason} for s in corpus.skipped],
        "changed": [{"source": c.source, "change": c.change} for c in report.changed],
    }
    manifest["build_seconds"] = round(time.perf_counter() - started, 3)
    build = publish(index_dir, stages.chunks, stages.vectors, lexical, manifest, options,
                    keep_builds=settings.keep_builds, headings=stages.headings)
    report.build_id = build.name
    report.documents = len(corpus.documents)
    report.passages = len(stages.chunks)
    report.embedded = manifest["counts"]["embedded"]
    report.reused = manifest["counts"]["reused"]
    report.seconds = time.perf_counter() - started
    return report


__all__ = ["Embedded", "IngestReport", "Prepare", "assemble_vectors", "build_index", "chunk_and_embed", "chunker_for",
           "embed_chunks", "embed_key", "embed_missing", "fingerprint", "index_parts", "ingest", "passage_limit"]
