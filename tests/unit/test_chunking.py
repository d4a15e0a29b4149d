"""Passage ids: stable, unique within a document, and linear in the number of duplicate passages."""

from __future__ import annotations

import hashlib
import time

from rag.corpus.chunking import with_doc_id
from rag.passage import Chunk


def _chunk(text: str) -> Chunk:
    return Chunk("", "doc", "Title", "doc.md", None, None, 0, len(text), text)


def test_ids_of_100000_duplicate_passages_are_unique_and_take_linear_time():
    """A document of 100,000 identical paragraphs (a .docx of 401 KB does it) once took minutes of CPU under the
    ingest lock: every duplicate counted up from 2 through the suffixes already taken."""
    chunks = [_chunk("same paragraph")] * 100_000
    started = time.perf_counter()
    ids = [chunk.id for chunk in with_doc_id(chunks, "doc")]
    elapsed = time.perf_counter() - started
    digest = hashlib.sha1(b"None\x00same paragraph").hexdigest()[:10]
    assert ids[:3] == [f"doc-{digest}", f"doc-{digest}-2", f"doc-{digest}-3"]  # the ids builds already have
    assert ids[-1] == f"doc-{digest}-100000" and len(set(ids)) == len(ids)
    assert elapsed < 5, f"{elapsed:.1f} s for 100,000 duplicate passages"


def test_duplicates_interleaved_with_other_passages_keep_their_numbers():
    texts = ["a", "b", "a", "c", "a", "b"]
    ids = [chunk.id for chunk in with_doc_id([_chunk(t) for t in texts], "doc")]
    assert len(set(ids)) == 6
    assert [i.count("-") for i in ids] == [1, 1, 2, 1, 2, 2]
    assert ids[4].endswith("-3") and ids[5].endswith("-2")
