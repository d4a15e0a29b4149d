"""The served index seen as an OpenAI vector store: what it is called, a hit's attributes, the filters over them
(OpenAI's comparison and compound filters), and the hits of several queries merged into one list.

A hit is a vector store result: its file is the passage's document (`file_id` the doc id, `filename` its source
path), its attributes the passage's citation (`ATTRIBUTES`). A filter can name the attributes and `file_id` and
`filename`. Its document-level part (`file_id`, `filename`, `title`, `url`) is applied before the search, exactly,
as `/v1/search`'s `filter` is (`documents`); its passage-level part (`passage_id`, `section`, `page`, `start`,
`end`) can only be checked on hits, so `admits` checks the whole filter on each hit the search returns.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from rag.errors import InvalidQuery
from rag.index.store import Index
from rag.schemas import DocumentSummary, Hit

Value = str | int
# Document-level attributes are the same for every passage of a document: a filter on them picks documents.
DOCUMENT_KEYS: dict[str, type] = {"file_id": str, "filename": str, "title": str, "url": str}
PASSAGE_KEYS: dict[str, type] = {"passage_id": str, "section": str, "page": int, "start": int, "end": int}
KEYS = {**DOCUMENT_KEYS, **PASSAGE_KEYS}
# The attributes of a result (`file_id` and `filename` are fields of their own), in the order they are listed.
ATTRIBUTES = ("passage_id", "title", "section", "page", "start", "end", "url")
FILTER_DEPTH_MAX = 8
FILTER_COMPARISONS_MAX = 100
FILTER_VALUES_MAX = 1000


@lru_cache(maxsize=16)
def store_name(index_dir: Path) -> str:
    """The store's name: the name of the index folder (stable across builds, reloads and restarts)."""
    return index_dir.resolve().name or "index"


def store_id(index_dir: Path) -> str:
    """The store's id: `vs_` and its name, lower-cased, anything but letters, digits, `-` and `_` made `-`."""
    return "vs_" + re.sub(r"[^a-z0-9_-]", "-", store_name(index_dir).lower())


# -- filters (the shapes of OpenAI's `ComparisonFilter` and `CompoundFilter`) ---------------------------------------


def _one_rule(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """A comparison's value as its union reads it, refused in one rule: the union said one error per branch, under
    the validator's own names for them (`filters.value.float`, `filters.value[union[str,float]][0]`)."""
    try:
        return handler(value)
    except ValidationError:
        raise PydanticCustomError("filter_value", "must be a string, a number or true or false (for in and nin, a "
                                                  "list of strings and numbers)") from None


class Comparison(BaseModel):
    """`key` compared with `value`: eq, ne, gt, gte, lt, lte with one value; in, nin with a list."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(min_length=1, max_length=64, description="The attribute compared: file_id, filename, "
                                                               "passage_id, title, section, page, start, end or url.")
    type: Literal["eq", "ne", "gt", "gte", "lt", "lte", "in", "nin"] = Field(
        description="eq: equals; ne: differs; gt, gte, lt, lte: numbers compared; in, nin: one of the list, or not.")
    value: Annotated[str | float | bool | list[str | float], WrapValidator(_one_rule)] = Field(
        description="A string or a number (a list for in and nin). An attribute a passage does not have (a "
                    "section, page or url) equals no value.")

    @cached_property
    def members(self) -> frozenset[str | float]:
        """The values as a set: `in` and `nin` cost one lookup per hit, however long the list."""
        return frozenset(self.value if isinstance(self.value, list) else [self.value])


def _kind(value: Any) -> str:
    return "compound" if isinstance(value, dict) and value.get("type") in ("and", "or") else "comparison"


class Compound(BaseModel):
    """Filters joined by `and` or `or`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["and", "or"] = Field(description="and: every filter passes; or: at least one does.")
    filters: list[Filter] = Field(min_length=1, max_length=FILTER_COMPARISONS_MAX,
                                  description="Comparison or compound filters.")

    @model_validator(mode="after")
    def _bounded(self) -> Compound:
        if depth(self) > FILTER_DEPTH_MAX:
            raise ValueError(f"filters nest at most {FILTER_DEPTH_MAX} deep")
        if len(comparisons(self)) > FILTER_COMPARISONS_MAX:
            raise ValueError(f"at most {FILTER_COMPARISONS_MAX} comparisons in all")
        return self


Filter = Annotated[Annotated[Comparison, Tag("comparison")] | Annotated[Compound, Tag("compound")],
                   Discriminator(_kind)]
Compound.model_rebuild()


def depth(node: Comparison | Compound) -> int:
    return 1 if isinstance(node, Comparison) else 1 + max(depth(child) for child in node.filters)


def comparisons(node: Comparison | Compound) -> list[Comparison]:
    if isinstance(node, Comparison):
        return [node]
    return [leaf for child in node.filters for leaf in comparisons(child)]


def _values(comparison: Comparison) -> list[Any]:
    value = comparison.value
    return value if isinstance(value, list) else [value]


def check(node: Comparison | Compound, where: str = "filters") -> None:
    """Raise `InvalidQuery` for a comparison that can match nothing by its form: an unknown key, a value of the
    wrong type for its attribute, a list for a one-value operator or one value for `in`/`nin`. The message names
    the field (`where`, then `.filters[i]` down the tree)."""
    if isinstance(node, Compound):
        for i, child in enumerate(node.filters):
            check(child, f"{where}.filters[{i}]")
        return
    kind = KEYS.get(node.key)
    if kind is None:
        raise InvalidQuery(f"{where}.key: no attribute {node.key[:64]!r}; filters take {', '.join(KEYS)}")
    listed = isinstance(node.value, list)
    if node.type in ("in", "nin") and not listed:
        raise InvalidQuery(f"{where}.value: {node.type} takes a list of values")
    if listed and node.type not in ("in", "nin"):
        raise InvalidQuery(f"{where}.value: {node.type} takes one value; use in or nin for a list")
    values = _values(node)
    if len(values) > FILTER_VALUES_MAX:
        raise InvalidQuery(f"{where}.value: at most {FILTER_VALUES_MAX} values (got {len(values)})")
    if node.type in ("gt", "gte", "lt", "lte") and kind is not int:
        raise InvalidQuery(f"{where}.type: {node.type} compares numbers, and {node.key} is a string; use eq, ne, "
                           "in or nin")
    for value in values:
        if not isinstance(value, str if kind is str else float):  # a bool is neither
            wanted = "a string" if kind is str else "a number"
            raise InvalidQuery(f"{where}.value: {node.key} is {wanted}; got {value!r}")


def values(hit: Hit) -> dict[str, Value]:
    """What a filter reads of a hit: its attributes, `file_id` and `filename`; an absent one (None) is left out."""
    citation = hit.citation
    found = {"file_id": citation.doc_id, "filename": citation.source, "passage_id": hit.id,
             "title": citation.title, "section": citation.section, "page": citation.page, "start": citation.start,
             "end": citation.end, "url": citation.url}
    return {key: value for key, value in found.items() if value is not None}


def attributes(hit: Hit) -> dict[str, Value]:
    """The attributes of a hit as a vector store result: `ATTRIBUTES`, those the passage has."""
    found = values(hit)
    return {key: found[key] for key in ATTRIBUTES if key in found}


def _document_values(document: DocumentSummary) -> dict[str, Value]:
    found = {"file_id": document.doc_id, "filename": document.source, "title": document.title, "url": document.url}
    return {key: value for key, value in found.items() if value is not None}


def admits(node: Comparison | Compound, found: Mapping[str, Value]) -> bool:
    """Whether `found` (a hit's `values`, or a document's) passes the filter (a `check`ed one)."""
    if isinstance(node, Compound):
        passes = (admits(child, found) for child in node.filters)
        return all(passes) if node.type == "and" else any(passes)
    have = found.get(node.key)
    if have is None:  # absent: equal to no value
        return node.type in ("ne", "nin")
    value = node.value
    match node.type:
        case "eq":
            return have == value
        case "ne":
            return have != value
        case "in":
            return have in node.members
        case "nin":
            return have not in node.members
    assert isinstance(have, int) and isinstance(value, float)  # `check`: only numbers are ordered
    return {"gt": have > value, "gte": have >= value, "lt": have < value, "lte": have <= value}[node.type]


def documents(node: Comparison | Compound, index: Index) -> set[str] | None:
    """The ids of the documents of `index` that may hold a passage `node` admits, or None for every document: exact
    when the filter names document-level keys only, else a superset (a passage-level comparison admits any
    document). `eq` and `in` on `file_id` and `filename` are looked up; other document-level comparisons read
    each document once."""
    if isinstance(node, Compound):
        parts = [documents(child, index) for child in node.filters]
        if node.type == "and":
            known = [part for part in parts if part is not None]
            return set.intersection(*known) if known else None
        return None if any(part is None for part in parts) else set().union(*(p for p in parts if p is not None))
    if node.key in PASSAGE_KEYS:
        return None
    if node.type in ("eq", "in") and node.key == "file_id":
        return {value for value in _values(node) if value in index.documents}
    if node.type in ("eq", "in") and node.key == "filename":
        return {doc_id for value in _values(node) for doc_id in index.documents_under(str(value))
                if index.documents[doc_id].source == value}
    return {doc_id for doc_id, document in index.documents.items() if admits(node, _document_values(document))}


def on_passages(node: Comparison | Compound) -> bool:
    """Whether the filter reads a passage-level attribute, which only the hits can tell."""
    return any(leaf.key in PASSAGE_KEYS for leaf in comparisons(node))


@dataclass(frozen=True)
class Scope:
    """What a filter makes of a search: the rows each query searches (None: all), the hits each takes (more than
    asked when only the hits can tell whether a passage passes), and the check on each hit. `empty`: the filter
    admits no document, nothing to search."""

    node: Comparison | Compound | None
    within: np.ndarray | None
    k: int
    empty: bool = False

    def passes(self, hit: Hit) -> bool:
        return self.node is None or admits(self.node, values(hit))


def scope(node: Comparison | Compound | None, index: Index, k: int, candidates: int) -> Scope:
    """The scope of a search for `k` results under the filter `node` (`check`ed here). A filter on passage-level
    keys takes the best `candidates` hits (at least `k`) of the documents the rest admits, then checks them."""
    if node is None:
        return Scope(None, None, k)
    check(node)
    total = sum(len(_values(leaf)) for leaf in comparisons(node))
    if total > FILTER_VALUES_MAX:  # the work of checking a hit grows with them: bounded for the whole filter
        raise InvalidQuery(f"filters: at most {FILTER_VALUES_MAX} values in all comparisons together (got {total})")
    admitted = documents(node, index)
    if admitted is not None and not admitted:
        return Scope(node, None, k, empty=True)
    within = None if admitted is None or len(admitted) == len(index.documents) else index.rows_of(admitted)
    return Scope(node, within, max(k, candidates) if on_passages(node) else k)


def merged(results: Sequence[Sequence[Hit]], limit: int, admit: Callable[[Hit], bool] | None = None,
           threshold: float = 0.0) -> list[Hit]:
    """The hits of several queries as one list, best first, at most `limit`: each passage once, with its best score
    among the queries; only those `admit` passes and that score at least `threshold`. Ties keep the order of the
    queries, then of their ranks."""
    best: dict[str, Hit] = {}
    admitted: dict[str, bool] = {}  # a passage found by several queries is checked once
    for hits in results:
        for hit in hits:
            kept = best.get(hit.id)
            if hit.score < threshold or (kept is not None and hit.score <= kept.score):
                continue
            if admit is not None:
                if hit.id not in admitted:
                    admitted[hit.id] = admit(hit)
                if not admitted[hit.id]:
                    continue
            best[hit.id] = hit
    return sorted(best.values(), key=lambda hit: -hit.score)[:limit]


__all__ = ["ATTRIBUTES", "KEYS", "Comparison", "Compound", "Filter", "Scope", "admits", "attributes", "check",
           "documents", "merged", "on_passages", "scope", "store_id", "store_name", "values"]
