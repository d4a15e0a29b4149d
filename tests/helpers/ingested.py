"""A corpus folder ingested: one file of `tests/data` alone, or beside files it must skip, each for the reason a test
expects."""

from __future__ import annotations

import shutil
from pathlib import Path

from rag.index.store import Index
from rag.ingestion.pipeline import ingest
from rag.settings import Settings


def ingested_beside_bad_files(corpus: Path, index_dir: Path, embedder, bad: dict[str, tuple[bytes, str]],
                              documents: int) -> Index:
    """`bad` (name: bytes, reason) written into `corpus`, then the folder ingested into `index_dir`: each bad file is
    skipped for its reason, `documents` documents are read, and the index is loaded."""
    for name, (data, _) in bad.items():
        (corpus / name).write_bytes(data)
    settings = Settings(corpus_dir=corpus, index_dir=index_dir)
    report = ingest(settings, embedder=embedder)
    assert {s.source: s.reason for s in report.skipped} == {name: reason for name, (_, reason) in bad.items()}
    assert report.documents == documents
    return Index.load(index_dir)


def one_file_index(path: Path, corpus: Path, index_dir: Path, embedder) -> Index:
    """The file at `path` copied alone into `corpus`, ingested into `index_dir`, and the index loaded."""
    shutil.copy(path, corpus / path.name)
    ingest(Settings(corpus_dir=corpus, index_dir=index_dir), embedder=embedder)
    return Index.load(index_dir)
