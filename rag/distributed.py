"""Ingest's read, chunk and embed stages as a Ray Data pipeline, for corpora one machine embeds too slowly.

    corpus files (driver, in `corpus_files` order)
      -> map: read and parse one file (`rag.documents.read_file`), or the reason it is skipped
      -> map_batches over a pool of `ChunkEmbedder` actors, each loading the model once:
         chunk each document (`rag.ingest.chunker_for`), embed the passages no stored vector covers
         (`rag.ingest.embed_missing`)
      -> driver: rows put back in file order, document ids made unique (`rag.documents.unique_ids`), vectors
         assembled with the reused ones (`rag.ingest.assemble_vectors`)

Every step is the function the local engine calls, so the build `rag.ingest` publishes from it is the local build
by construction: same passage ids and order, vectors equal within float noise (batches differ), same manifest but
for `engine`. The lexical index, the manifest and the publishing stay on the driver, done once.

`ray` is imported only here and only when the engine runs: it is an optional extra (`pip install 'rag[ray]'`).
On a cluster (`address`), every node needs `rag` installed and the corpus folder at the same absolute path.
"""

from __future__ import annotations

import json
import logging
import pickle
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from rag import errors
from rag.chunking import Chunk, with_doc_id
from rag.documents import Corpus, Document, Skipped, corpus_files, read_file, read_metadata, unique_ids
from rag.embedder import Embedder
from rag.errors import ConfigError, IngestError, RagError
from rag.ingest import Embedded, assemble_vectors, chunker_for, embed_missing
from rag.settings import Settings

INSTALL_HINT = "pip install 'rag[ray]' (in a checkout: pip install -e '.[ray]')"
_RAISED = re.compile(r"^rag\.errors\.(\w+): (.+)$", re.MULTILINE)  # a worker's error, in its traceback
DOCUMENTS_PER_BATCH = 16  # documents per actor call: enough passages for full model batches, small enough to spread


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
    """Pipeline step 1: one file read and parsed, or skipped with its reason."""
    path = Path(row["path"])
    meta = json.loads(row["meta"]) or None
    return {"order": row["order"], "outcome": pickle.dumps(read_file(Path(root), path, meta, max_bytes=max_bytes))}


class ChunkEmbedder:
    """Pipeline step 2, a Ray Data actor: loads the model once, then chunks and embeds batches of documents.

    `known` holds the `embed_key` of every passage whose vector the driver can reuse: those are not embedded again.
    Each output row holds one file's outcome, its passages, the positions embedded here and their vectors.
    """

    def __init__(self, settings: Settings, known: frozenset[str]) -> None:
        self.embedder = Embedder(settings.model, query_prompt=settings.query_prompt,
                                 passage_prompt=settings.passage_prompt, device=settings.device,
                                 batch_size=settings.encode_batch_size)
        self.chunker = chunker_for(settings, self.embedder)
        self.known = known

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, list[Any]]:
        outcomes: list[Document | Skipped] = [pickle.loads(blob) for blob in batch["outcome"]]
        per_file = [self.chunker.chunk(o) if isinstance(o, Document) else [] for o in outcomes]
        missing, fresh = embed_missing([c for chunks in per_file for c in chunks], self.known, self.embedder)
        at = np.asarray(missing, dtype=np.int64)
        bounds = np.cumsum([0, *map(len, per_file)])
        results = []
        for k, (outcome, chunks) in enumerate(zip(outcomes, per_file, strict=True)):
            mine = (at >= bounds[k]) & (at < bounds[k + 1])
            results.append(pickle.dumps((outcome, chunks, (at[mine] - bounds[k]).tolist(), fresh[mine])))
        return {"order": list(batch["order"]), "result": results}


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


def _run(ray: ModuleType, items: list[dict[str, Any]], root: Path, settings: Settings, known: frozenset[str],
         actors: int | None, progress: bool) -> list[dict[str, Any]]:
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = progress
    if not progress:
        logging.getLogger("ray.data").setLevel(logging.WARNING)
    cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
    size = actors or cpus
    # Autoscaling from one actor: a pool larger than the free CPUs waits for them instead of failing.
    pool = ray.data.ActorPoolStrategy(min_size=1, max_size=size, initial_size=min(size, cpus))
    dataset = (ray.data.from_items(items)
               .map(_read, fn_kwargs={"root": str(root), "max_bytes": settings.max_file_bytes})
               .map_batches(ChunkEmbedder, batch_size=DOCUMENTS_PER_BATCH, compute=pool, num_cpus=1,
                            fn_constructor_kwargs={"settings": settings, "known": known}))
    return sorted(dataset.iter_rows(), key=lambda row: int(row["order"]))


def chunk_and_embed(settings: Settings, reuse: dict[str, np.ndarray], dimension: int, *, address: str | None = None,
                    actors: int | None = None, progress: bool = False) -> Embedded:
    """Read, chunk and embed `settings.corpus_dir` on Ray: the cluster at `address`, a local one when None, or the
    Ray session this process already has. `actors` caps the model replicas (default: the cluster's CPUs).

    Vectors in `reuse` (by `embed_key`) are taken as they are. Raises `ConfigError` without the extra,
    `IngestError` when Ray cannot start, connect or run the pipeline.
    """
    ray = require_ray()
    root = settings.corpus_dir.absolute()  # workers may run elsewhere than this process's folder
    metadata, skipped = read_metadata(root)
    items = []
    for order, path in enumerate(corpus_files(root)):
        meta = metadata.get(path.relative_to(root).as_posix())
        items.append({"order": order, "path": str(path), "meta": json.dumps(meta)})
    rows: list[dict[str, Any]] = []
    if items:
        started_here = not ray.is_initialized()
        if started_here:
            options: dict[str, Any] = {"address": address} if address else {"include_dashboard": False}
            try:
                ray.init(**options, logging_level=logging.WARNING)
            except Exception as exc:  # ConnectionError, ValueError, RuntimeError: no cluster to run on
                where = f"the Ray cluster at {address}" if address else "a local Ray instance"
                raise IngestError(f"cannot connect to {where}: {exc}") from exc
        try:
            rows = _run(ray, items, root, settings, frozenset(reuse), actors, progress)
        except Exception as exc:
            raise _translated(exc, address) from exc
        finally:
            if started_here:
                ray.shutdown()
    return _assemble(rows, skipped, reuse, dimension)


def _assemble(rows: list[dict[str, Any]], skipped: list[Skipped], reuse: dict[str, np.ndarray],
              dimension: int) -> Embedded:
    """The pipeline's rows, in file order, as the local engine's stages give them."""
    corpus = Corpus(skipped=list(skipped))
    parts: list[tuple[Document, list[Chunk], list[int], np.ndarray]] = []
    for row in rows:
        outcome, chunks, missing, fresh = pickle.loads(row["result"])
        if isinstance(outcome, Skipped):
            corpus.skipped.append(outcome)
        else:
            corpus.documents.append(outcome)
            parts.append((outcome, chunks, missing, fresh))
    renamed = {id(doc) for doc in unique_ids(corpus.documents)}  # ids depend on every file: known only here
    chunks_all: list[Chunk] = []
    missing_all: list[int] = []
    fresh_all = [np.zeros((0, dimension), dtype=np.float32)]
    for doc, chunks, missing, fresh in parts:
        if id(doc) in renamed:
            chunks = with_doc_id(chunks, doc.doc_id)
        missing_all.extend(len(chunks_all) + i for i in missing)
        fresh_all.append(fresh)
        chunks_all.extend(chunks)
    vectors = assemble_vectors(chunks_all, missing_all, np.concatenate(fresh_all), reuse, dimension)
    return Embedded(corpus, chunks_all, vectors, len(missing_all))


__all__ = ["DOCUMENTS_PER_BATCH", "INSTALL_HINT", "ChunkEmbedder", "chunk_and_embed", "require_ray"]
