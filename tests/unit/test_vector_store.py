"""OpenAI-style filters over a hit's attributes (rag.search.vector_store): what they admit, the documents they pick
before a search, the forms they refuse, and several queries' hits merged."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from rag.errors import InvalidQuery
from rag.schemas import Citation, DocumentSummary, Hit
from rag.search.vector_store import (
    FILTER_DEPTH_MAX,
    Comparison,
    Compound,
    Filter,
    admits,
    attributes,
    check,
    documents,
    merged,
    on_passages,
    store_id,
    values,
)

FILTER = TypeAdapter(Filter)


def hit(passage: str, doc: str, source: str, *, section: str | None = None, page: int | None = None,
        start: int = 0, end: int = 10, url: str | None = None, score: float = 0.5, title: str = "T") -> Hit:
    citation = Citation(doc_id=doc, title=title, source=source, section=section, start=start, end=end, page=page,
                        url=url, label=title)
    return Hit(rank=1, id=passage, text=f"text of {passage}", score=score, citation=citation)


HITS = [
    hit("a-1", "a", "faq/a.md", section="Retours", start=0, end=100, title="Guide A"),
    hit("a-2", "a", "faq/a.md", section="Paiement", start=100, end=250, title="Guide A"),
    hit("b-1", "b", "faq/b.pdf", page=1, start=0, end=80, url="https://example.org/b", title="Guide B"),
    hit("b-2", "b", "faq/b.pdf", page=3, start=80, end=300, url="https://example.org/b", title="Guide B"),
    hit("c-1", "c", "c.txt", start=0, end=50, title="Notes"),
]


class Catalogue:
    """The part of an `Index` that `documents` reads: its documents, and the ids under a path."""

    def __init__(self, hits: list[Hit]) -> None:
        self.documents = {h.citation.doc_id: DocumentSummary(doc_id=h.citation.doc_id, title=h.citation.title,
                                                             source=h.citation.source, url=h.citation.url,
                                                             passages=1) for h in hits}

    def documents_under(self, path: str) -> tuple[str, ...]:
        path = path.strip("/").removeprefix("./")
        return tuple(d for d, doc in self.documents.items() if doc.source == path or doc.source.startswith(path + "/"))


INDEX = Catalogue(HITS)


def parse(raw: dict) -> Comparison | Compound:
    node = FILTER.validate_python(raw, strict=True)
    check(node)
    return node


def passing(raw: dict) -> list[str]:
    node = parse(raw)
    return [h.id for h in HITS if admits(node, values(h))]


@pytest.mark.parametrize(("raw", "ids"), [
    ({"key": "filename", "type": "eq", "value": "faq/a.md"}, ["a-1", "a-2"]),
    ({"key": "file_id", "type": "in", "value": ["b", "c", "zz"]}, ["b-1", "b-2", "c-1"]),
    ({"key": "file_id", "type": "nin", "value": ["b", "c"]}, ["a-1", "a-2"]),
    ({"key": "title", "type": "ne", "value": "Guide A"}, ["b-1", "b-2", "c-1"]),
    ({"key": "page", "type": "gte", "value": 2}, ["b-2"]),
    ({"key": "page", "type": "lt", "value": 2.5}, ["b-1"]),
    ({"key": "start", "type": "gt", "value": 0}, ["a-2", "b-2"]),
    ({"key": "end", "type": "lte", "value": 100}, ["a-1", "b-1", "c-1"]),
    # an attribute a passage lacks equals no value: ne and nin admit it, every other comparison refuses it
    ({"key": "section", "type": "ne", "value": "Retours"}, ["a-2", "b-1", "b-2", "c-1"]),
    ({"key": "section", "type": "eq", "value": "Retours"}, ["a-1"]),
    ({"key": "url", "type": "nin", "value": ["https://example.org/b"]}, ["a-1", "a-2", "c-1"]),
    ({"key": "page", "type": "lt", "value": 100}, ["b-1", "b-2"]),
    ({"key": "passage_id", "type": "eq", "value": "c-1"}, ["c-1"]),
    ({"type": "and", "filters": [{"key": "file_id", "type": "eq", "value": "a"},
                                 {"key": "section", "type": "eq", "value": "Paiement"}]}, ["a-2"]),
    ({"type": "or", "filters": [{"key": "filename", "type": "eq", "value": "c.txt"},
                                {"type": "and", "filters": [{"key": "page", "type": "eq", "value": 3},
                                                            {"key": "title", "type": "eq", "value": "Guide B"}]}]},
     ["b-2", "c-1"]),
])
def test_a_filter_admits_the_passages_whose_attributes_pass(raw, ids):
    assert passing(raw) == ids


def test_numbers_compare_as_numbers_whatever_json_wrote():
    assert passing({"key": "page", "type": "eq", "value": 3}) == passing({"key": "page", "type": "eq", "value": 3.0})
    assert passing({"key": "page", "type": "in", "value": [1, 3.0]}) == ["b-1", "b-2"]


@pytest.mark.parametrize(("raw", "message"), [
    ({"key": "author", "type": "eq", "value": "x"}, "filters.key: no attribute 'author'; filters take file_id"),
    ({"key": "page", "type": "eq", "value": "3"}, "filters.value: page is a number; got '3'"),
    ({"key": "title", "type": "eq", "value": 3}, "filters.value: title is a string; got 3.0"),
    ({"key": "title", "type": "eq", "value": True}, "filters.value: title is a string; got True"),
    ({"key": "page", "type": "eq", "value": False}, "filters.value: page is a number; got False"),
    ({"key": "title", "type": "gt", "value": "A"}, "filters.type: gt compares numbers, and title is a string"),
    ({"key": "file_id", "type": "in", "value": "a"}, "filters.value: in takes a list of values"),
    ({"key": "file_id", "type": "eq", "value": ["a"]}, "filters.value: eq takes one value; use in or nin"),
    ({"type": "or", "filters": [{"key": "file_id", "type": "eq", "value": "a"},
                                {"type": "and", "filters": [{"key": "page", "type": "in", "value": ["x"]}]}]},
     "filters.filters[1].filters[0].value: page is a number; got 'x'"),
])
def test_a_filter_that_can_match_nothing_by_its_form_is_refused_naming_the_field(raw, message):
    with pytest.raises(InvalidQuery) as refused:
        parse(raw)
    assert str(refused.value).startswith(message)


def test_filters_nest_and_grow_within_bounds():
    node: dict = {"key": "page", "type": "eq", "value": 1}
    for _ in range(FILTER_DEPTH_MAX - 1):
        node = {"type": "and", "filters": [node]}
    parse(node)
    with pytest.raises(ValidationError, match=f"nest at most {FILTER_DEPTH_MAX} deep"):
        parse({"type": "and", "filters": [node]})
    with pytest.raises(ValidationError, match="at most 100 comparisons"):
        leaf = {"key": "page", "type": "eq", "value": 1}
        parse({"type": "or", "filters": [{"type": "or", "filters": [leaf] * 51}] * 2})
    with pytest.raises(ValidationError):
        parse({"type": "and", "filters": []})


def test_the_attributes_of_a_result_are_those_the_passage_has():
    assert attributes(HITS[0]) == {"passage_id": "a-1", "title": "Guide A", "section": "Retours", "start": 0,
                                   "end": 100}
    assert attributes(HITS[2]) == {"passage_id": "b-1", "title": "Guide B", "page": 1, "start": 0, "end": 80,
                                   "url": "https://example.org/b"}


# -- the documents a filter picks before the search: a superset of those of the passages it admits, exact when it
# names document-level keys only

DOCUMENT_LEVEL = st.one_of(
    st.builds(lambda t, v: {"key": "file_id", "type": t, "value": v}, st.sampled_from(["eq", "ne"]),
              st.sampled_from(["a", "b", "c", "zz"])),
    st.builds(lambda t, v: {"key": "file_id", "type": t, "value": v}, st.sampled_from(["in", "nin"]),
              st.lists(st.sampled_from(["a", "b", "c", "zz"]), max_size=3)),
    st.builds(lambda t, v: {"key": "filename", "type": t, "value": v}, st.sampled_from(["eq", "ne"]),
              st.sampled_from(["faq/a.md", "faq/b.pdf", "c.txt", "faq", "./c.txt"])),
    st.builds(lambda v: {"key": "filename", "type": "in", "value": v},
              st.lists(st.sampled_from(["faq/a.md", "c.txt", "faq"]), max_size=2)),
    st.builds(lambda t, v: {"key": "title", "type": t, "value": v}, st.sampled_from(["eq", "ne"]),
              st.sampled_from(["Guide A", "Guide B", "Notes"])),
    st.builds(lambda t: {"key": "url", "type": t, "value": "https://example.org/b"}, st.sampled_from(["eq", "ne"])),
)
PASSAGE_LEVEL = st.one_of(
    st.builds(lambda t, v: {"key": "page", "type": t, "value": v},
              st.sampled_from(["eq", "ne", "gt", "gte", "lt", "lte"]), st.integers(0, 4)),
    st.builds(lambda t, v: {"key": "section", "type": t, "value": v}, st.sampled_from(["eq", "ne"]),
              st.sampled_from(["Retours", "Paiement"])),
    st.builds(lambda t, v: {"key": "start", "type": t, "value": v}, st.sampled_from(["gt", "lte"]),
              st.integers(0, 120)),
)


def trees(leaves: st.SearchStrategy[dict]) -> st.SearchStrategy[dict]:
    return st.recursive(leaves, lambda inner: st.builds(lambda t, fs: {"type": t, "filters": fs},
                                                        st.sampled_from(["and", "or"]),
                                                        st.lists(inner, min_size=1, max_size=3)), max_leaves=6)


@given(raw=trees(st.one_of(DOCUMENT_LEVEL, PASSAGE_LEVEL)))
@hypothesis_settings(max_examples=300, deadline=None, derandomize=True, database=None)
def test_the_documents_picked_hold_every_passage_the_filter_admits(raw):
    node = parse(raw)
    picked = documents(node, INDEX)  # type: ignore[arg-type]
    admitted = {h.citation.doc_id for h in HITS if admits(node, values(h))}
    assert picked is None or admitted <= picked
    if picked is None:
        assert on_passages(node)


@given(raw=trees(DOCUMENT_LEVEL))
@hypothesis_settings(max_examples=300, deadline=None, derandomize=True, database=None)
def test_on_document_level_keys_the_documents_picked_are_exactly_those_admitted(raw):
    node = parse(raw)
    admitted = {h.citation.doc_id for h in HITS if admits(node, values(h))}
    assert not on_passages(node)
    assert documents(node, INDEX) == admitted  # type: ignore[arg-type]


# -- several queries merged


def test_merged_hits_keep_each_passage_once_with_its_best_score_best_first():
    first = [hit("a-1", "a", "a.md", score=1.0), hit("b-1", "b", "b.md", score=0.4), hit("c-1", "c", "c.md", score=0.1)]
    second = [hit("b-1", "b", "b.md", score=0.9), hit("d-1", "d", "d.md", score=0.4)]
    assert [(h.id, h.score) for h in merged([first, second], 10)] == [("a-1", 1.0), ("b-1", 0.9), ("d-1", 0.4),
                                                                      ("c-1", 0.1)]
    assert [h.id for h in merged([first, second], 2)] == ["a-1", "b-1"]
    assert [h.id for h in merged([first, second], 10, threshold=0.4)] == ["a-1", "b-1", "d-1"]
    assert [h.id for h in merged([first, second], 10, admit=lambda h: h.citation.doc_id != "a")] == \
        ["b-1", "d-1", "c-1"]


def test_the_store_id_is_the_index_folder_name_made_safe(tmp_path: Path):
    assert store_id(tmp_path / "index") == "vs_index"
    assert store_id(tmp_path / "Mon Index.v2") == "vs_mon-index-v2"
    assert store_id(tmp_path / "index" / "..") == f"vs_{tmp_path.name.lower()}".replace(".", "-")


def test_a_filter_is_bounded_in_values_and_checks_each_passage_once():
    from rag.search.vector_store import FILTER_VALUES_MAX, scope

    many = {"type": "and", "filters": [{"key": "title", "type": "nin", "value": [f"t{i}-{j}" for i in range(500)]}
                                        for j in range(3)]}
    with pytest.raises(InvalidQuery, match=f"at most {FILTER_VALUES_MAX} values in all"):
        scope(FILTER.validate_python(many), Catalogue(HITS), 5, 50)  # type: ignore[arg-type]
    seen: list[str] = []

    def admit(hit) -> bool:
        seen.append(hit.id)
        return True

    one = hit("p1", "a", "faq/a.md", score=0.9)
    found = merged([[one], [one.model_copy(update={"score": 0.5})], [one]], 5, admit)
    assert [h.id for h in found] == ["p1"] and seen == ["p1"]
    nin = FILTER.validate_python({"key": "title", "type": "nin", "value": ["Guide A", "Notes"]})
    assert [h.id for h in HITS if admits(nin, values(h))] == ["b-1", "b-2"]  # the set lookup as the list was
