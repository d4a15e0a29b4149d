"""The shape of a build's manifest: what the loader, the server and `rag ingest` read from it, checked once.

A manifest is valid JSON written by `rag.index.store.publish`; one that is valid JSON of another shape (a renamed key,
a list, a string where a number belongs) is a damaged build like any other, refused with the reason, never a
`KeyError` or an `AttributeError` in whatever reads it later.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError


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


def shape_error(manifest: object) -> str | None:
    """Why `manifest` (decoded JSON) is not of the shape `publish` writes, or None when it is."""
    if not isinstance(manifest, dict):
        return f"it is a JSON {type(manifest).__name__}, not an object"
    try:
        _Manifest.model_validate(manifest)
    except ValidationError as exc:
        return "; ".join(f"{'.'.join(map(str, e['loc'])) or '(top)'}: {e['msg']}" for e in exc.errors()[:5])
    return None


__all__ = ["shape_error"]
