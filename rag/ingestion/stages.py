"""The steps of an ingest that both engines run (`rag.ingestion.pipeline` locally, `rag.ingestion.ray` on Ray): chunk,
embed the passages no stored vector covers, assemble the vectors, and make the parts of a build that are made once,
on the driver: the lexical index and the manifest (`index_parts`).
"""

from __future__ import annotations

import contextlib
import platform
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from importlib import metadata
from typing import Any

import numpy as np

from rag.corpus.chunking import Chunker, unindexable
from rag.corpus.reader import Corpus, Document
from rag.corpus.short_documents import join_title_lines
from rag.embedding.base import Embedder
from rag.embedding.blocks import Embedding
from rag.embedding.load import model_for
from rag.embedding.names import AUTO_MODEL
from rag.errors import IngestError
from rag.index import accents
from rag.index.analyzer import DOCUMENT_CHARS, Analyzer, detect_language, document_language
from rag.index.headings import Headings
from rag.index.lexical import LAYOUT as LEXICAL_LAYOUT
from rag.index.lexical import LexicalIndex
from rag.index.manifest import (
    AccentsRecord,
    Chunking,
    CorpusRecord,
    Counts,
    Fusion,
    HeadingsRecord,
    LexicalRecord,
    Manifest,
    WindowsRecord,
)
from rag.index.windows import Span, Windows, window_spans
from rag.passage import SENTENCE_RULE, Chunk, reuse_digest, sentences, with_doc_id
from rag.search.fusion import auto_weight
from rag.settings import Settings


def corpus_model(settings: Settings, documents: Sequence[Document]) -> Settings:
    """The settings with the model a corpus gets (`rag.embedding.load.model_for`: the one set, else by the language
    of what each document says as read (`said`: its headings and lines, not its source), before any is cut into
    passages by a model's tokenizer; each read from its first characters only, `analyzer.document_language`)."""
    if settings.model != AUTO_MODEL:
        return settings
    return model_for(settings, (document_language(said(doc, DOCUMENT_CHARS)) for doc in documents))


LANGUAGE_SAMPLE = 200  # documents read for the corpus's language, spread over it: under a second, whatever its size


def corpus_language(documents: Sequence[Document]) -> str:
    """The language most documents read (`analyzer.document_language`, each from its first characters), among up to
    `LANGUAGE_SAMPLE` spread over the corpus; ties go to the language read first. Before, the start of every document
    was read as one text, and one long file outweighed the rest: an 8 KB file of one repeated word ("mot mot ...",
    Norwegian for "against") made five French documents Norwegian, their words stemmed as Norwegian and the answers
    worded in English; a long English licence beside short French pages made them English. Documents without a
    language (a one-line note, a table of figures) have no say; when none has one, their text read together
    decides (`detect_language`)."""
    count = len(documents)
    sample = documents if count <= LANGUAGE_SAMPLE else [documents[i * count // LANGUAGE_SAMPLE]
                                                         for i in range(LANGUAGE_SAMPLE)]
    votes = Counter(language for doc in sample
                    if (language := document_language(said(doc, DOCUMENT_CHARS))) is not None)
    if not votes:
        return detect_language(said(doc, SAID_CHARS) for doc in documents)
    return votes.most_common(1)[0][0]


# What the language readers read of one document at most: `detect_language` its first 5,000 characters,
# `document_language` its first `DOCUMENT_CHARS`; what `cut` keeps of a document it releases.
SAID_CHARS = 5000


def said(doc: Document, limit: int) -> str:
    """The start of what `doc` says as read, its headings and lines (about `limit` characters), not its source: an
    HTML page's `<head>` is tag and attribute names and scripts, which read as English whatever the page's language.
    A document `cut` released gives the `SAID_CHARS` it kept, whatever `limit`: what the language readers read of
    it, at most `SAID_CHARS` (the start of what the same document gives with a larger limit)."""
    if doc.said is not None:
        return doc.said
    parts: list[str] = []
    size = 0
    for section in doc.sections:
        for text in [*([section.heading] if section.heading else []), *(line.text for line in section.lines)]:
            parts.append(text)
            size += len(text) + 1
            if size >= limit:
                return "\n".join(parts)
    return "\n".join(parts)


def embed_key(chunk: Chunk) -> str:
    """The key a passage's vector is reused by: a hash of what is embedded (`Chunk.indexed_text`, `text_key`)."""
    return text_key(chunk.indexed_text)


def text_key(text: str) -> str:
    """The reuse key of a passage whose indexed text is `text`: a hash of it (`reuse_text`)."""
    return reuse_digest(text)


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
    windows: Windows  # runs of a long passage's sentences, embedded on their own (`rag.index.windows`)
    window_tokens: int = 0  # their size (0: none made)


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


def passage_windows(chunks: Sequence[Chunk], count_tokens: Callable[[Sequence[str]], list[int]],
                    size: int) -> list[list[Span]]:
    """The sentence windows of each passage (`rag.index.windows.window_spans`), sentences measured in the model's
    tokens without its prompt and special tokens; none at all when `size` is 0. Both engines run it where the
    passages are chunked, with the model that chunked them."""
    if size <= 0:
        return [[] for _ in chunks]
    base = count_tokens([""])[0]
    out: list[list[Span]] = []
    for chunk in chunks:
        parts = sentences(chunk.text)
        out.append(window_spans([n - base for n in count_tokens(parts)], size) if len(parts) > 1 else [])
    return out


def embed_chunks(corpus: Corpus, chunks: list[Chunk], model: dict[str, Any], prepare: Prepare,
                 embedding: Embedding, windows: Sequence[Sequence[Span]] | None = None,
                 window_tokens: int = 0) -> Embedded:
    """The embed stage, whichever engine chunked: `prepare`, then embed (`embedding`) the passages, headings and
    windows (`passage_windows`, made with `window_tokens`; None: no window) it gives no vector for, each into the
    final array of its kind, a block of texts at a time (`rag.embedding.blocks`)."""
    reuse = prepare(corpus, chunks, model)
    dimension = int(model["dimension"])
    vectors, embedded = embed_passages(chunks, reuse, embedding, dimension)
    headings = Headings.build(chunks, embedding, reuse, dimension)
    made = Windows.build(chunks, windows or [[] for _ in chunks], embedding, reuse, dimension)
    return Embedded(corpus, chunks, model, vectors, embedded, headings, made, window_tokens)


def embed_passages(chunks: list[Chunk], known: dict[str, np.ndarray], embedding: Embedding,
                   dimension: int) -> tuple[np.ndarray, int]:
    """One vector per passage: the `known` one of its `embed_key`, else embedded now (`Embedding.fill`: a block of
    texts at a time, each distinct text once: a file of one line repeated gave hundreds of identical passages, each
    embedded again, 303 passages of 3 texts: 36.7 s); and how many passages had no vector `known`."""
    vectors = np.zeros((len(chunks), dimension), dtype=np.float32)
    embedded = embedding.fill(vectors, lambda: (chunk.indexed_text for chunk in chunks), text_key, known)
    return vectors, embedded


def cut(corpus: Corpus, chunker: Chunker, *, release: bool = True) -> list[Chunk]:
    """The passages of the corpus's documents, in corpus order; a document that gives none goes to the corpus's
    skipped files (`chunking.unindexable`): it is no document of the index.

    With `release`, each document is cut a section at a time, and lets go of each section once it gave passages and
    of its text once all did, keeping the start of what it said (`said`, `SAID_CHARS`) for the corpus's language:
    nothing after reads them (the report and the manifest read a document's source, title, url, hash and changes;
    passages hold their own text, span and pages). A knowledge base of 20,000 records held its text, its sections
    and its passages at once, 4.0 times its file's size before embedding and its text and sections all through
    embedding (`scripts/bench/json_records.py --ingest`, docs/PERFORMANCE.md). The passages are those
    `Chunker.chunk` gives the whole document, ids included (they are given over the whole document). Without it
    (`rag eval`, which looks for answers in the documents' text), the documents are left as read."""
    chunks: list[Chunk] = []
    kept = []
    for doc in corpus.documents:
        join_title_lines(doc, chunker)
        passages = released(chunker, doc) if release else chunker.chunk(doc)
        if passages:
            kept.append(doc)
            chunks.extend(passages)
        else:
            corpus.skipped.append(unindexable(doc))
    corpus.documents = kept
    return chunks


def released(chunker: Chunker, doc: Document) -> list[Chunk]:
    """`Chunker.chunk(doc)`, a section at a time, each section let go of once it gave passages, the text once all
    did (a section that gave none stays: `unindexable` reads a document that gave no passage). The Ray engine's
    chunking actors too (`rag.ingestion.ray.ChunkStage`): the documents they give back are what is kept of them."""
    doc.said = said(doc, SAID_CHARS)[:SAID_CHARS]
    pending, doc.sections = doc.sections[::-1], []
    alone = replace(doc, sections=[])  # the document with one section at a time
    passages: list[Chunk] = []
    while pending:
        section = pending.pop()
        alone.sections = [section]
        made = chunker.chunk(alone)
        passages.extend(made)
        if not made:
            doc.sections.append(section)
    if not passages:
        return []
    doc.text, doc.sections = "", []
    # a passage met in two sections has the same id in each: distinct ids are the ones the whole document gives
    if len({chunk.id for chunk in passages}) == len(passages):
        return passages
    return with_doc_id(passages, doc.doc_id)  # the ids `chunk` gives over the whole document (its k-th copies)


def chunk_and_embed(corpus: Corpus, settings: Settings, embedder: Embedder, prepare: Prepare, *,
                    progress: bool = False, release: bool = True) -> Embedded:
    """The chunk and embed stages in this process (the local engine; `rag.ingestion.ray` runs them on Ray), with
    `prepare` in between: once every passage is chunked, before any is embedded. The documents are `cut`, and
    with `release` let go of their text and sections once cut."""
    chunks = cut(corpus, chunker_for(embedder, settings.max_passage_tokens), release=release)
    size = settings.passage_window_tokens
    embedding = Embedding(lambda texts, meter: embedder.embed_passages(texts, progress=meter or False),
                          progress=progress)
    return embed_chunks(corpus, chunks, embedder.describe(), prepare, embedding,
                        passage_windows(chunks, embedder.count_tokens, size), size)


def _versions() -> dict[str, str]:
    names = ["rag", "faiss-cpu", "sentence-transformers", "torch", "transformers", "bm25s", "PyStemmer", "numpy"]
    out = {"python": platform.python_version()}
    for name in names:
        with contextlib.suppress(metadata.PackageNotFoundError):
            out[name] = metadata.version(name)
    return out


def index_parts(stages: Embedded, settings: Settings, *, started: float, fingerprint: str | None = None
                ) -> tuple[LexicalIndex, Manifest, dict[str, str]]:
    """The lexical index, the manifest and the accent table (`rag.index.accents`) of embedded passages: the part of
    a build made once, on the driver.

    `started` is when the ingest started (`time.perf_counter()`), `fingerprint` the corpus's (`pipeline.fingerprint`;
    None for a build that is never published)."""
    corpus, chunks = stages.corpus, stages.chunks
    if not chunks:
        raise IngestError("the corpus has no text to index")
    language = settings.language
    if language == "auto":
        # what the documents say, not their source (an HTML page opens on a <head> of markup read as English)
        language = corpus_language(corpus.documents)
    units = section_numbers(chunks)
    lexical = LexicalIndex.build([c.text for c in chunks], Analyzer(language), k1=settings.bm25_k1,
                                 b=settings.bm25_b, sections=units, headings=[c.prefix for c in chunks])
    table = accents.spellings(c.indexed_text for c in chunks)
    weight, why = (float(settings.dense_weight), "set in the settings") if settings.dense_weight != "auto" \
        else auto_weight(tuple(stages.model["languages"]), language)
    manifest = Manifest(
        model=stages.model,
        chunking=Chunking(max_tokens=passage_limit(settings.max_passage_tokens, int(stages.model["max_tokens"])),
                          unit="section, split on lines, sentences, words",
                          indexed_text="title › section, newline, passage text (an FAQ entry's other "
                                       "fields and a table's header row, for a passage going on with a long "
                                       "table, between them)"),
        lexical=LexicalRecord(library="bm25s", method="lucene", language=language, layout=LEXICAL_LAYOUT,
                              unit="section, scaled by the passage's share; word pairs added",
                              sections=units[-1] + 1, k1=settings.bm25_k1, b=settings.bm25_b,
                              passage_share=lexical.passage_share, pair_weight=lexical.pair_weight),
        fusion=Fusion(dense_weight=weight, why=why),
        headings=HeadingsRecord(count=len(stages.headings.vectors), text="section heading, else document title",
                                dense_score="the better of the passage's cosine and its heading's"),
        windows=WindowsRecord(tokens=stages.window_tokens, stride=stages.window_tokens // 2,
                              count=len(stages.windows), text="section path, newline, consecutive sentences",
                              dense_score="the best of the passage's, its heading's and its windows' cosines",
                              sentence_rule=SENTENCE_RULE),
        accents=AccentsRecord(words=len(table), rule=f"accented at least {accents.RATIO:g}x as often as plain"),
        counts=Counts(documents=len(corpus.documents), embedded=stages.embedded,
                      reused=len(chunks) - stages.embedded, passages=len(chunks)),
        versions=_versions(),
        engine=settings.ingest_engine,
        corpus=CorpusRecord(
            path=str(settings.corpus_dir.absolute()),  # a server run from another folder finds the files by it
            fingerprint=fingerprint,
            files=[{"source": d.source, "sha256": d.sha256, "title": d.title, "url": d.url or "", "doc_id": d.doc_id}
                   for d in corpus.documents],
            skipped=[{"source": s.source, "reason": s.reason} for s in corpus.skipped],
            changed=[{"source": d.source, "change": change} for d in corpus.documents for change in d.changes]),
        build_seconds=round(time.perf_counter() - started, 3),
    )
    return lexical, manifest, table


__all__ = ["SAID_CHARS", "Embedded", "Prepare", "chunk_and_embed", "chunker_for", "corpus_model", "cut", "embed_chunks",
           "embed_key", "embed_passages", "index_parts", "passage_limit", "passage_windows", "released",
           "section_numbers", "text_key"]
