"""A build's manifest: the typed record an ingest writes, and the shape a reader checks before trusting one.

Written: `Manifest` is what an ingest knows about its build (model, chunking, lexical index, fusion, headings, counts,
versions, corpus), made once by `rag.ingestion.stages.index_parts`; `Stamp` is what writing the build adds (format,
build id, time, the FAISS index's description, file checksums), made once by `rag.index.publish.publish`, which
writes both as one JSON object, the record's keys first, in the order of their fields.

Read: a manifest is valid JSON written by `publish` (by this rag or an older one, so keys may be missing or extra);
one that is valid JSON of another shape (a renamed key, a list, a string where a number belongs) is a damaged build
like any other, refused by `shape_error` with the reason, never a `KeyError` or an `AttributeError` in whatever reads
it later. Readers read the checked JSON (`rag.index.store.Index.manifest`); only the keys this shape names are
relied on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError


@dataclass(frozen=True)
class Chunking:
    """How passages were cut: at most `max_tokens` of the model's tokens, heading path included."""

    max_tokens: int
    unit: str
    indexed_text: str


@dataclass(frozen=True)
class LexicalRecord:
    """How the BM25 index was built (`rag.index.lexical`)."""

    library: str
    method: str
    language: str
    layout: int
    unit: str
    sections: int
    k1: float
    b: float
    passage_share: float
    pair_weight: float


@dataclass(frozen=True)
class Fusion:
    """The dense weight searches fuse with by default, and why it is that."""

    dense_weight: float
    why: str


@dataclass(frozen=True)
class HeadingsRecord:
    """The heading vectors (`rag.index.headings`): how many, of what text, and how they score."""

    count: int
    text: str
    dense_score: str


@dataclass(frozen=True)
class WindowsRecord:
    """The sentence windows (`rag.index.windows`): their size, how many, and how they score (0 windows: off)."""

    tokens: int
    stride: int
    count: int
    text: str
    dense_score: str
    sentence_rule: int = 1  # the `rag.passage.SENTENCE_RULE` that cut its sentences (1: a build from before the record)


@dataclass(frozen=True)
class AccentsRecord:
    """The accent table of the dense side's questions (`rag.index.accents`): how many words it restores."""

    words: int
    rule: str


@dataclass(frozen=True)
class Counts:
    """Documents and passages indexed; of the passages, how many were embedded and how many reused a stored vector."""

    documents: int
    embedded: int
    reused: int
    passages: int


@dataclass(frozen=True)
class CorpusRecord:
    """The corpus read: its folder, its fingerprint (None for a build that is never published), and per file
    `{"source", "sha256", "title", "url", "doc_id"}` indexed ("url": "" when none; not recorded before stop 47),
    `{"source", "reason"}` skipped, `{"source", "change"}` changed (the ingest report's lists, kept so that an
    up-to-date ingest reports them again)."""

    path: str
    fingerprint: str | None
    files: list[dict[str, str]]
    skipped: list[dict[str, str]]
    changed: list[dict[str, str]]


@dataclass(frozen=True)
class Manifest:
    """What an ingest records about its build, made once when the build's parts are made."""

    model: dict[str, Any]  # the `Embedder.describe()` of the model that embedded the passages
    chunking: Chunking
    lexical: LexicalRecord
    fusion: Fusion
    headings: HeadingsRecord
    counts: Counts
    versions: dict[str, str]  # of Python and the libraries a build depends on
    engine: str  # the ingest engine: "local" or "ray"
    corpus: CorpusRecord
    build_seconds: float  # from the start of the ingest to the parts made, before writing
    windows: WindowsRecord | None = None  # None: a build from before sentence windows
    accents: AccentsRecord | None = None  # None: a build from before the accent table

    def to_json(self, stamp: Stamp | None = None) -> dict[str, Any]:
        """The manifest as JSON: this record's keys, then the stamp's (a build in memory has none)."""
        return asdict(self) | (asdict(stamp) if stamp is not None else {})

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Manifest:
        """The record of a manifest that this rag wrote (its stamp left out): to publish the same build again."""
        return cls(model=dict(data["model"]), chunking=Chunking(**data["chunking"]),
                   lexical=LexicalRecord(**data["lexical"]), fusion=Fusion(**data["fusion"]),
                   headings=HeadingsRecord(**data["headings"]), counts=Counts(**data["counts"]),
                   versions=dict(data["versions"]), engine=str(data["engine"]), corpus=CorpusRecord(**data["corpus"]),
                   build_seconds=float(data["build_seconds"]),
                   windows=WindowsRecord(**data["windows"]) if data.get("windows") else None,
                   accents=AccentsRecord(**data["accents"]) if data.get("accents") else None)


@dataclass(frozen=True)
class Checksum:
    """One file of a build: its size and SHA-256, checked when the build is loaded."""

    bytes: int
    sha256: str


@dataclass(frozen=True)
class Stamp:
    """What writing a build adds to its manifest, made once by `publish`."""

    format_version: int  # `rag.index.layout.build_format`
    build_id: str
    built_at: str  # UTC, ISO 8601 to the second
    faiss: dict[str, Any]  # the dense index's description (`rag.index.dense`) and the FAISS version
    files: dict[str, Checksum]  # by path relative to the build folder, every file but the manifest


class _Part(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class _Model(_Part):
    name: str
    dimension: int
    query_prompt: str = ""
    passage_prompt: str = ""


class _Counts(_Part):
    passages: int
    documents: int = 0


class _Lexical(_Part):
    language: str


class _File(_Part):
    bytes: int
    sha256: str


class _Fusion(_Part):
    dense_weight: float = 0.5


class _Skipped(_Part):
    source: str
    reason: str


class _Changed(_Part):
    source: str
    change: str


class _Corpus(_Part):
    fingerprint: str | None = None
    files: list[dict[str, Any]] = []
    skipped: list[_Skipped] = []
    changed: list[_Changed] = []


class _Manifest(_Part):
    format_version: int
    build_id: str
    model: _Model
    counts: _Counts
    lexical: _Lexical
    files: dict[str, _File] = {}
    faiss: dict[str, Any] | None = None
    # read as `manifest.get(key, default)`: present, they are of the type the reader expects, never null
    fusion: _Fusion = _Fusion()
    corpus: _Corpus = _Corpus()
    built_at: str = ""
    build_seconds: float = 0.0


# -- the shape a reader checks


def shape_error(manifest: object) -> str | None:
    """Why `manifest` (decoded JSON) is not of the shape `publish` writes, or None when it is."""
    if not isinstance(manifest, dict):
        return f"it is a JSON {type(manifest).__name__}, not an object"
    try:
        _Manifest.model_validate(manifest)
    except ValidationError as exc:
        return "; ".join(f"{'.'.join(map(str, e['loc'])) or '(top)'}: {e['msg']}" for e in exc.errors()[:5])
    return None


__all__ = ["AccentsRecord", "Checksum", "Chunking", "CorpusRecord", "Counts", "Fusion", "HeadingsRecord",
           "LexicalRecord", "Manifest", "Stamp", "WindowsRecord", "shape_error"]
