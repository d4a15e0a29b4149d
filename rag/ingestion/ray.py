"""Ingest's read, chunk and embed stages as a Ray Data pipeline, for corpora one machine embeds too slowly.

    corpus files (driver, in `corpus_files` order, each with its `refusals` reason if it has one)
      -> map: read and parse one file (`rag.corpus.reader.read_file`), or the reason it is skipped; under
         `RAG_MODEL=auto`, every file read first, and the documents' language chooses the model
         (`rag.ingestion.stages.corpus_model`)
      -> map_batches over a pool of `ChunkStage` actors, each loading the model once: refuse vector settings the
         model's dimension rules out (`VectorOptions.check`), chunk each document (`rag.ingestion.stages.chunker_for`)
         and let go of its text and sections once cut (`rag.ingestion.stages.released`)
      -> driver: rows put back in file order, document ids made unique (`rag.corpus.reader.unique_ids`); the ingest's
         `prepare` checks the passage count and picks the stored vectors to reuse: nothing is embedded yet
      -> map_batches over a pool of `EmbedStage` actors, each loading the model once: embed the passages no stored
         vector covers, in batches of `PASSAGES_PER_BATCH`
      -> driver: vectors assembled with the reused ones (`rag.ingestion.stages.embed_chunks`)

Every step is the function the local engine calls (`rag.ingestion.stages`), so the build `rag.ingestion.pipeline`
publishes from it is the local build by construction: same passage ids and order, vectors equal within float noise
(batches differ), same manifest but for `engine`. The lexical index, the manifest and the publishing stay on the
driver, done once.

The driver loads no model: what it needs of one (dimension, token limit, languages, the description the manifest
records and the reuse check compares) is the chunking actors' `Embedder.describe()`, and the embedding actors refuse
to embed with a model that describes itself otherwise. Each stage loads the model in its own actors: the passages
must all be counted before any is embedded, and a Ray Data actor pool serves one stage. Actors are given the
model's `ModelSpec`, the passage token limit and the vector options, never the settings (which hold API keys).

`ray` is imported only here and only when the engine runs: it is an optional extra (`pip install 'rag[ray]'`).
On a cluster (`address`), every node needs `rag` installed and the corpus folder at the same absolute path.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import re
import sys
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

import rag.errors as errors
from rag.corpus.chunking import unindexable
from rag.corpus.files import corpus_files, refusals, shown_name
from rag.corpus.reader import Corpus, Document, Skipped, read_file, read_metadata, unique_ids, unmatched
from rag.corpus.short_documents import join_title_lines
from rag.corpus.urls import entry
from rag.embedding.blocks import Embedding
from rag.embedding.load import ModelSpec
from rag.embedding.names import AUTO_MODEL
from rag.errors import ConfigError, IngestError, ModelError, RagError
from rag.index.vector_options import VectorOptions
from rag.index.windows import Span
from rag.ingestion.stages import (
    Embedded,
    Prepare,
    chunker_for,
    corpus_model,
    embed_chunks,
    passage_windows,
    released,
)
from rag.interrupts import reclaim
from rag.passage import Chunk, with_doc_id
from rag.settings import Settings

INSTALL_HINT = "pip install 'rag[ray]' (in a checkout: pip install -e '.[ray]')"
_RAISED = re.compile(r"^rag\.errors\.(\w+): (.+)$", re.MULTILINE)  # a worker's error, in its traceback
DOCUMENTS_PER_BATCH = 16  # documents per chunking call: small enough to spread over the actors
PASSAGES_PER_BATCH = 256  # passages per embedding call: several full model batches, small enough to spread


def require_ray() -> ModuleType:
    """The `ray` module with Ray Data, or a `ConfigError` that says how to install the extra."""
    try:
        import ray
        import ray.data  # Ray Data comes with the `data` extra of ray, not with ray itself
    except ImportError as exc:
        raise ConfigError(f"the Ray ingest engine needs the optional Ray extra, not installed here: {INSTALL_HINT}") \
            from exc
    return ray


# Rows carry pickled objects in a binary column: Ray Data then moves opaque bytes and never tries to infer an Arrow
# schema from documents, sections and chunks.

def _read(row: dict[str, Any], *, root: str, max_bytes: int) -> dict[str, Any]:
    """Pipeline step 1: one file read and parsed, or skipped with its reason (the driver's, `refusals`, if it found
    one: such a file is not opened)."""
    path = Path(os.fsdecode(row["path"]))  # the name's bytes: Arrow strings must be UTF-8, names need not be
    if row["refused"]:
        outcome: Document | Skipped = Skipped(shown_name(path.relative_to(root).as_posix()), row["refused"])
    else:
        outcome = read_file(Path(root), path, json.loads(row["meta"]) or None, max_bytes=max_bytes)
    return {"order": row["order"], "outcome": pickle.dumps(outcome)}


class ChunkStage:
    """Pipeline step 2, a Ray Data actor: loads the model once, refuses the vector options its dimension rules out,
    then chunks batches of documents. Each output row holds one file's outcome and passages, and the model's
    description (JSON)."""

    def __init__(self, model: ModelSpec, max_passage_tokens: int | None, vectors: VectorOptions,
                 window_tokens: int = 0) -> None:
        embedder = model.load()
        vectors.check(embedder.dimension)  # before chunking anything
        self.chunker = chunker_for(embedder, max_passage_tokens)
        self.count_tokens = embedder.count_tokens
        self.window_tokens = window_tokens
        self.description = json.dumps(embedder.describe())

    def _chunked(self, outcome: Document | Skipped) -> tuple[Document | Skipped, list[Chunk], list[list[Span]]]:
        # the document let go of its text and sections once cut (`stages.released`), as the local engine's: the
        # driver held every document whole, text, sections and lines, from chunking until the build was written
        if isinstance(outcome, Document):
            join_title_lines(outcome, self.chunker)
        chunks = released(self.chunker, outcome) if isinstance(outcome, Document) else []
        if isinstance(outcome, Document) and not chunks:  # no document of the index, as with the local engine
            outcome = unindexable(outcome)
        return outcome, chunks, passage_windows(chunks, self.count_tokens, self.window_tokens)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, list[Any]]:
        outcomes: list[Document | Skipped] = [pickle.loads(blob) for blob in batch["outcome"]]
        results = [pickle.dumps(self._chunked(o)) for o in outcomes]
        return {"order": list(batch["order"]), "result": results, "model": [self.description] * len(results)}


class EmbedStage:
    """Pipeline step 3, a Ray Data actor: loads the model once, checks that it is the one that chunked (`expected`,
    its description), then embeds batches of passage texts. Each output row: the text's position and its vector."""

    def __init__(self, model: ModelSpec, expected: dict[str, Any]) -> None:
        self.embedder = model.load()
        if self.embedder.describe() != expected:
            raise ModelError(f"model {model.name!r} loads differently on this node than where the passages were "
                             f"chunked ({self.embedder.describe()} against {expected}): install the same model "
                             "files on every node")

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {"position": batch["position"], "vector": self.embedder.embed_passages(list(batch["text"]))}


def _translated(exc: BaseException, address: str | None) -> RagError:
    """A Ray failure as the package's own error: the `RagError` a worker raised if there is one, else `IngestError`.

    A task's error keeps its cause; an actor that died in `__init__` (the model did not load there) keeps only the
    worker's traceback as text, whose last `rag.errors.<Name>: <message>` line names it.
    """
    seen: BaseException | None = exc
    for _ in range(20):  # Ray wraps a worker's error in its own, sometimes twice
        if seen is None:
            break
        if isinstance(seen, RagError) and type(seen).__module__ == errors.__name__:
            return type(seen)(*seen.args)
        seen = getattr(seen, "cause", None) or seen.__cause__
    text = str(exc)
    for name, message in reversed(_RAISED.findall(text)):
        kind = getattr(errors, name, None)
        if isinstance(kind, type) and issubclass(kind, RagError):
            return kind(message.strip())
    where = f" on the Ray cluster at {address}" if address else " on Ray"
    last = next((line.strip() for line in reversed(text.splitlines()) if line.strip()), "")
    return IngestError(f"the ingest pipeline failed{where}: {type(exc).__name__}: {last}")


def _actor_model(settings: Settings) -> ModelSpec:
    """What an actor loads its model from: the settings' model, one text at a time (an actor holds one CPU; side by
    side would only add a second session of the model to each)."""
    return replace(ModelSpec.from_settings(settings), workers=1)


def _pool(ray: ModuleType, actors: int | None, batches: int) -> Any:
    """An actor pool of at most `actors` (default: the cluster's CPUs) and `batches` (each actor loads the model: a
    small re-ingest starts few), autoscaling from one: a pool larger than the free CPUs waits for them instead of
    failing."""
    cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
    size = max(1, min(actors or cpus, batches))
    return ray.data.ActorPoolStrategy(min_size=1, max_size=size, initial_size=min(size, cpus))


def _chunk(ray: ModuleType, root: Path, settings: Settings, skipped: list[Skipped], items: list[dict[str, Any]],
           actors: int | None,
           previous: dict[str, str]) -> tuple[Corpus, list[Chunk], list[list[Span]], dict[str, Any]]:
    """Steps 1 and 2: the corpus, its passages in corpus order with unique document ids (`previous`: the ids the
    published build gave its files), their sentence windows, and the model's description ({} when there was no
    file to read, so no model was loaded)."""
    if not items:
        return Corpus(skipped=list(skipped)), [], [], {}
    read = ray.data.from_items(items).map(_read, fn_kwargs={"root": str(root), "max_bytes": settings.max_file_bytes})
    if settings.model == AUTO_MODEL:  # the documents' language chooses the model that chunks them: all read first
        read = read.materialize()
        outcomes = [pickle.loads(row["outcome"]) for row in sorted(read.iter_rows(), key=lambda row: int(row["order"]))]
        settings = corpus_model(settings, [outcome for outcome in outcomes if isinstance(outcome, Document)])
    dataset = (read.map_batches(ChunkStage, batch_size=DOCUMENTS_PER_BATCH, num_cpus=1,
                            compute=_pool(ray, actors, -(-len(items) // DOCUMENTS_PER_BATCH)),
                            fn_constructor_kwargs={"model": _actor_model(settings),
                                                   "max_passage_tokens": settings.max_passage_tokens,
                                                   "window_tokens": settings.passage_window_tokens,
                                                   "vectors": VectorOptions.from_settings(settings)}))
    rows = sorted(dataset.iter_rows(), key=lambda row: int(row["order"]))
    models = {row["model"] for row in rows}
    if len(models) > 1:
        raise ModelError(f"model {settings.model!r} loads differently on the nodes of the cluster ({sorted(models)}): "
                         "install the same model files on every node")
    corpus, chunks, windows = _assemble([pickle.loads(row["result"]) for row in rows], skipped, previous)
    return corpus, chunks, windows, json.loads(models.pop())


def _embed(ray: ModuleType, texts: list[str], settings: Settings, model: dict[str, Any],
           actors: int | None) -> np.ndarray:
    """Step 3: the vectors of `texts`, in order."""
    vectors = np.zeros((len(texts), int(model["dimension"])), dtype=np.float32)
    if not texts:
        return vectors
    dataset = (ray.data.from_items([{"position": i, "text": text} for i, text in enumerate(texts)])
               .map_batches(EmbedStage, batch_size=PASSAGES_PER_BATCH, num_cpus=1,
                            compute=_pool(ray, actors, -(-len(texts) // PASSAGES_PER_BATCH)),
                            fn_constructor_kwargs={"model": replace(_actor_model(settings), name=model["name"]),
                                                   "expected": model}))
    for batch in dataset.iter_batches(batch_format="numpy", batch_size=None):
        vectors[batch["position"]] = batch["vector"]
    return vectors


def chunk_and_embed(settings: Settings, prepare: Prepare, *, address: str | None = None, actors: int | None = None,
                    progress: bool = False, previous: dict[str, str] | None = None) -> Embedded:
    """Read, chunk and embed `settings.corpus_dir` on Ray: the cluster at `address`, a local one when None, or the
    Ray session this process already has. `actors` caps the model replicas of each stage (default: the cluster's
    CPUs); `previous` holds the document ids the published build gave its files (`unique_ids`).

    `prepare` runs on the driver once every passage is chunked and before any is embedded (`stages.Prepare`).
    Raises what `prepare` or the actors raise (`ConfigError`, `ModelError`), `ConfigError` without the extra,
    `IngestError` when Ray cannot start, connect or run the pipeline.
    """
    ray = require_ray()
    root = settings.corpus_dir.absolute()  # workers may run elsewhere than this process's folder
    metadata, skipped = read_metadata(root)
    paths = list(corpus_files(root))
    reasons = refusals(root, paths, settings.max_file_bytes)  # a file two names lead to is read once, as locally
    skipped = [*skipped, *unmatched(metadata, root, paths, reasons)]
    items = [{"order": order, "path": os.fsencode(path), "refused": reason or "",
              "meta": json.dumps(entry(metadata, path.relative_to(root).as_posix()))}
             for order, (path, reason) in enumerate(zip(paths, reasons, strict=True))]
    if all(reasons):  # no file passes the checks made without opening it: start no Ray, no model, to skip them all
        skipped = [*skipped, *(Skipped(shown_name(path.relative_to(root).as_posix()), reason)
                               for path, reason in zip(paths, reasons, strict=True) if reason)]
        items = []
    started_here = bool(items) and not ray.is_initialized()
    if started_here:
        options: dict[str, Any] = {"address": address} if address else {"include_dashboard": False}
        try:
            ray.init(**options, logging_level=logging.WARNING)
        except Exception as exc:  # ConnectionError, ValueError, RuntimeError: no cluster to run on
            where = f"the Ray cluster at {address}" if address else "a local Ray instance"
            raise IngestError(f"cannot connect to {where}: {exc}") from exc
        reclaim()  # ray.init installs its own SIGTERM handler: an ingest stopped so still cleans up and says so
    bars = progress and sys.stderr.isatty()  # Ray's bars on a terminal only: in a log, one endless line
    ray.data.DataContext.get_current().enable_progress_bars = bars
    if not bars:
        logging.getLogger("ray.data").setLevel(logging.WARNING)

    def embed(texts: list[str]) -> np.ndarray:
        try:
            return _embed(ray, texts, settings, model, actors)
        except Exception as exc:
            raise _translated(exc, address) from exc

    try:
        try:
            corpus, chunks, windows, model = _chunk(ray, root, settings, skipped, items, actors, previous or {})
        except Exception as exc:
            raise _translated(exc, address) from exc
        # each kind of text in one pipeline (`block=None`): a pipeline a block would start the actors, and load the
        # model in each, again for every block
        embedding = Embedding(lambda texts, _meter: embed(texts), block=None)
        return embed_chunks(corpus, chunks, model, prepare, embedding, windows, settings.passage_window_tokens)
    finally:
        if started_here:
            ray.shutdown()


def _assemble(results: list[tuple[Document | Skipped, list[Chunk], list[list[Span]]]],
              skipped: list[Skipped], previous: dict[str, str]) -> tuple[Corpus, list[Chunk], list[list[Span]]]:
    """The chunking actors' results, in file order, as the local engine's stages give them (`previous`: the ids
    the published build gave its files, `unique_ids`)."""
    corpus = Corpus(skipped=list(skipped))
    parts: list[tuple[Document, list[Chunk]]] = []
    windows: list[list[Span]] = []
    for outcome, chunks, spans in results:
        if isinstance(outcome, Skipped):
            corpus.skipped.append(outcome)
        else:
            corpus.documents.append(outcome)
            parts.append((outcome, chunks))
            windows.extend(spans)
    renamed = {id(doc) for doc in unique_ids(corpus.documents, previous)}  # ids depend on every file: known only here
    chunks_all: list[Chunk] = []
    for doc, chunks in parts:
        chunks_all.extend(with_doc_id(chunks, doc.doc_id) if id(doc) in renamed else chunks)
    return corpus, chunks_all, windows


__all__ = ["DOCUMENTS_PER_BATCH", "INSTALL_HINT", "PASSAGES_PER_BATCH", "ChunkStage", "EmbedStage", "chunk_and_embed",
           "require_ray"]
