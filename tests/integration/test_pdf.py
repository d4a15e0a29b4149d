"""PDFs through ingest, search and the HTTP API, over the real model and FAISS: pages in citations, the build format."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient

from rag.corpus.formats.pdf import ENCRYPTED, NO_TEXT
from rag.corpus.reader import read_document
from rag.http.app import create_app
from rag.index.store import PASSAGES, Index, current_build
from rag.ingestion.pipeline import ingest
from rag.search.searcher import Query, Searcher
from rag.settings import Settings
from tests.helpers.paths import unseal
from tests.helpers.pdfs import OUTLINE, PAGES, make_pdf

UNSUPPORTED = ("unsupported format .key; rag reads .txt, .text, .md, .markdown, .mdx, .rst, .rest, .html, .htm, "
               ".csv, .tsv, .json, .jsonl, .ndjson, .adoc, .asciidoc, .asc, .pdf, .docx, .docm, .dotx, .dotm, .doc, "
               ".dot, .odt, .fodt, .xlsx, .xlsm, .xltx, .xltm, .xls, .ods, .fods, .pptx, .ppsx, .pptm, .potx, .potm, "
               ".odp, .fodp, .rtf, .eml, .msg, .epub, .mbox")


PAGE_THREE = "Quel jour les fonds des ventes sont-ils virés sur le compte bancaire du marchand ?"


@pytest.fixture(scope="module")
def pdf_settings(tmp_path_factory) -> Settings:
    corpus = tmp_path_factory.mktemp("pdf-corpus")
    make_pdf(corpus / "guide-marchand.pdf", PAGES, title="Guide du marchand", outline=OUTLINE)
    (corpus / "faq.txt").write_text("Comment changer de mot de passe ?\nOuvrez les réglages du compte, puis "
                                    "choisissez « Mot de passe » et suivez les instructions reçues par courriel.\n")
    (corpus / "notes.key").write_bytes(b"PK\x03\x04 not read")
    (corpus / ".brouillon.pdf").write_bytes(b"hidden: never reported")
    (corpus / "sources.toml").write_text('["faq.txt"]\ntitle = "FAQ du compte"\n')
    make_pdf(corpus / "secret.pdf", PAGES, password="motdepasse")
    make_pdf(corpus / "scan.pdf", ["", ""])
    (corpus / "cut.pdf").write_bytes((corpus / "guide-marchand.pdf").read_bytes()[:400])
    return Settings(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("pdf-index"))


@pytest.fixture(scope="module")
def pdf_index(pdf_settings, embedder) -> Index:
    report = ingest(pdf_settings, embedder=embedder)
    reasons = {s.source: s.reason for s in report.skipped}
    assert reasons.keys() == {"notes.key", "secret.pdf", "scan.pdf", "cut.pdf"}
    assert reasons["notes.key"] == UNSUPPORTED and reasons["secret.pdf"] == ENCRYPTED
    assert reasons["scan.pdf"] == NO_TEXT and reasons["cut.pdf"].startswith("damaged PDF")
    assert report.documents == 2
    return Index.load(pdf_settings.index_dir)


def test_a_sentence_on_page_three_is_found_and_cited_with_its_page(pdf_index, pdf_settings, embedder):
    searcher = Searcher(pdf_index, embedder)
    (hits,) = searcher.search([Query(PAGE_THREE, 3, "hybrid", False)])
    top = hits[0]
    assert "chaque mardi" in top.text
    citation = top.citation
    assert citation.source == "guide-marchand.pdf" and citation.page == 3
    assert citation.section == "Virements aux marchands"
    assert citation.label == "Guide du marchand › Virements aux marchands, p. 3"
    text = read_document(pdf_settings.corpus_dir, pdf_settings.corpus_dir / citation.source).text
    cited = text[citation.start:citation.end]
    assert all(line in cited for line in top.text.splitlines())
    faq = next(chunk for chunk in pdf_index.passages if chunk.source == "faq.txt")
    assert faq.page is None and faq.title == "FAQ du compte"  # sources.toml still names the documents


def test_the_report_is_kept_in_the_manifest_and_an_unchanged_corpus_is_up_to_date(pdf_index, pdf_settings,
                                                                                  embedder):
    skipped = {s["source"]: s["reason"] for s in pdf_index.manifest["corpus"]["skipped"]}
    assert skipped["notes.key"] == UNSUPPORTED and ".brouillon.pdf" not in skipped
    again = ingest(pdf_settings, embedder=embedder)
    assert again.up_to_date and {s.source for s in again.skipped} == set(skipped)


def test_the_http_api_returns_the_page_in_citations(pdf_index, pdf_settings, embedder):
    searcher = Searcher(pdf_index, embedder)
    with TestClient(create_app(pdf_settings, searcher=searcher), base_url="http://127.0.0.1") as client:
        body = client.post("/v1/search", json={"question": PAGE_THREE, "k": 3}).json()
        top = body["passages"][0]
        assert top["citation"]["page"] == 3 and top["citation"]["label"].endswith(", p. 3")
        assert "p. 3" in body["answer"]["markdown"]
        again = client.get(f"/v1/passages/{top['id']}").json()
        assert again["citation"]["page"] == 3
        schema = client.get("/schema/openapi.json").json()
    citation = schema["components"]["schemas"]["Citation"]["properties"]["page"]
    assert "page" in json.dumps(citation) and "integer" in json.dumps(citation)


@pytest.fixture
def pageless_copy(pdf_index, tmp_path) -> Iterator[Path]:
    """A copy of the PDF index whose passage records carry no `page`, as an index built before pages existed."""
    target = tmp_path / "index"
    shutil.copytree(pdf_index.path.parent.parent, target, symlinks=True)
    build = current_build(target)
    assert build is not None
    store = unseal(build) / PASSAGES
    records = [json.loads(line) for line in store.read_text(encoding="utf-8").splitlines()]
    assert any("page" in record for record in records)
    store.write_text("".join(json.dumps({k: v for k, v in r.items() if k != "page"}, ensure_ascii=False) + "\n"
                             for r in records), encoding="utf-8")
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    data = store.read_bytes()
    manifest["files"][PASSAGES] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    (build / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    yield target


def test_an_index_without_page_fields_still_loads_and_serves(pageless_copy, embedder):
    index = Index.load(pageless_copy)
    assert all(chunk.page is None for chunk in index.passages)
    (hits,) = Searcher(index, embedder).search([Query(PAGE_THREE, 1, "hybrid", False)])
    assert hits[0].citation.page is None and not hits[0].citation.label.endswith(", p. 3")


def test_records_of_formats_without_pages_are_written_as_before(index):
    """Indexes of .txt/.md/.html corpora keep the passage records an older rag reads (no `page` key)."""
    records = [json.loads(line) for line in (index.path / PASSAGES).read_text(encoding="utf-8").splitlines()]
    assert records and all("page" not in record for record in records)


def test_only_a_build_with_pages_is_written_in_format_2(pdf_index, index):
    """A rag reading format 1 only refuses a build with pages for its format, and still reads a build without."""
    assert pdf_index.manifest["format_version"] == 2 and any(chunk.page for chunk in pdf_index.passages)
    assert index.manifest["format_version"] == 1


def test_a_passage_over_several_pages_is_cited_with_its_page_range(tmp_path, embedder):
    """A PDF without bookmarks is one section: its passage ran over pages 1 to 3 and was cited "p. 1", where the
    answer was on page 3."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    make_pdf(corpus / "conditions.pdf", ["1. Objet", "Les présentes conditions régissent les ventes.",
                                         "3. Litiges", "En cas de litige, contactez le service client."])
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    ingest(settings, embedder=embedder)
    index = Index.load(settings.index_dir)
    (chunk,) = index.passages
    assert (chunk.page, chunk.last_page) == (1, 4) and index.manifest["format_version"] == 3
    (hits,) = Searcher(index, embedder).search([Query("que faire en cas de litige ?", 1)])
    citation = hits[0].citation
    assert (citation.page, citation.last_page) == (1, 4) and citation.label.endswith(", pp. 1–4")
    records = [json.loads(line) for line in (index.path / PASSAGES).read_text(encoding="utf-8").splitlines()]
    assert records[0]["last_page"] == 4
