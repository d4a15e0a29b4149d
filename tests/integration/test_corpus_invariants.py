"""The chunk-length and citation invariants, on every passage of the seed corpus, with the real tokenizer."""

from rag.index.store import Index
from tests.helpers.paths import CORPUS


def test_no_passage_exceeds_the_model_window(index: Index, embedder):
    counts = embedder.count_tokens([p.indexed_text for p in index.passages])
    assert max(counts) <= embedder.max_tokens
    assert len(index.passages) >= 10


def test_every_line_of_every_passage_occurs_in_order_in_its_cited_span(index: Index):
    for passage in index.passages:
        source = (CORPUS / passage.source).read_text(encoding="utf-8")
        span = source[passage.start:passage.end]
        cursor = 0
        for line in passage.text.split("\n"):
            found = span.find(line, cursor)
            assert found >= 0, (passage.id, line)
            cursor = found + len(line)


def test_citations_are_complete(index: Index):
    for passage in index.passages:
        assert passage.doc_id and passage.title and passage.source.endswith(".txt")
        assert 0 <= passage.start < passage.end


def test_long_sections_are_split_not_truncated(index: Index):
    service = [p for p in index.passages if p.section == "Service client et désabonnement"]
    assert len(service) >= 2
    joined = " ".join(p.text for p in service)
    assert "de son abonnement." in joined  # the section's last sentence is still indexed
