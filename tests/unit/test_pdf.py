"""PDF ingest: text page by page, outline sections, page citations; bad PDFs and unsupported files reported."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient
from pypdf import PdfWriter

from rag.corpus.formats.pdf import ENCRYPTED, NO_TEXT, PAGE_BREAK, parse_pdf
from rag.corpus.reader import read_document
from rag.http.app import create_app
from rag.index.store import PASSAGES, Index, current_build
from rag.ingest.pipeline import ingest
from rag.search.searcher import Query, Searcher
from rag.settings import Settings
from tests.pdfs import make_pdf

PAGES = [
    "Guide du marchand\n"
    "Ouverture du compte\n"
    "Pour ouvrir un compte marchand, envoyez le formulaire d'inscription signé et un extrait Kbis de moins de "
    "trois mois.\nLe compte est activé sous deux jours ouvrés après la vérification des documents.",
    "Retours des clients\n"
    "Un client peut retourner un article sous quatorze jours. Le marchand enregistre le retour dans son espace, "
    "puis le paie-\nment restant est annulé.",
    "Virements aux marchands\n"
    "Les fonds des ventes sont virés sur le compte bancaire du marchand chaque mardi, par virement SEPA.\n"
    "Un relevé détaillé des commissions est envoyé par courriel le même jour.",
]
OUTLINE = [("Ouverture du compte", 0), ("Retours des clients", 1), ("Virements aux marchands", 2)]
PAGE_THREE = "Quel jour les fonds des ventes sont-ils virés sur le compte bancaire du marchand ?"
UNSUPPORTED = "unsupported format .odt; rag reads .txt, .md, .html, .pdf, .docx"


def _read(path: Path):
    return read_document(path.parent, path)


def test_extracted_text_round_trips_french_accents(tmp_path):
    line = "Frais de séjour désabonnement : l'œuvre « à Noël », ça coûte 5 € — voilà."
    doc = _read(make_pdf(tmp_path / "accents.pdf", [line]))
    assert doc.text == line + "\n"


def test_pages_are_joined_by_a_form_feed_and_lines_index_the_text(tmp_path):
    doc = _read(make_pdf(tmp_path / "guide.pdf", PAGES, outline=OUTLINE))
    pages = doc.text.split(PAGE_BREAK)
    assert len(pages) == 3 and doc.page_starts == [0, len(pages[0]) + 1, len(pages[0]) + len(pages[1]) + 2]
    assert pages[2].startswith("Virements aux marchands")
    for section in doc.sections:
        for line in section.lines:
            assert doc.text[line.start:line.end] == line.text
    assert doc.page(doc.text.index("chaque mardi")) == 3 and doc.page(0) == 1


def test_outline_headings_become_sections_starting_where_their_title_stands(tmp_path):
    doc = _read(make_pdf(tmp_path / "guide.pdf", PAGES, outline=OUTLINE))
    assert [s.heading for s in doc.sections] == [None, "Ouverture du compte", "Retours des clients",
                                                 "Virements aux marchands"]
    assert doc.sections[0].lines[0].text == "Guide du marchand"  # before the first heading
    third = doc.sections[3]
    assert third.heading_start == doc.page_starts[2]
    assert third.lines[0].text.startswith("Les fonds des ventes")  # the heading line is not a body line


def test_a_numbered_heading_line_belongs_to_its_section_and_nested_entries_count(tmp_path):
    pages = ["1 Comptes\nIntroduction aux comptes marchands.\n1.1 Ouverture\nEnvoyez le formulaire signé."]
    path = tmp_path / "numbered.pdf"
    make_pdf(path, pages)
    writer = PdfWriter(clone_from=path)
    parent = writer.add_outline_item("1 Comptes", 0)
    writer.add_outline_item("Ouverture", 0, parent=parent)  # the outline title leaves the number out
    writer.write(path)
    doc = _read(path)
    assert [(s.heading, [line.text for line in s.lines]) for s in doc.sections] == [
        ("1 Comptes", ["Introduction aux comptes marchands."]), ("Ouverture", ["Envoyez le formulaire signé."])]
    assert doc.sections[1].heading_start == doc.text.index("1.1 Ouverture")


def test_without_an_outline_there_are_no_headings(tmp_path):
    doc = _read(make_pdf(tmp_path / "plain.pdf", PAGES))
    assert [s.heading for s in doc.sections] == [None]


def test_title_from_metadata_else_from_the_file_name(tmp_path):
    assert _read(make_pdf(tmp_path / "a.pdf", PAGES[:1], title="Guide des marchands")).title == "Guide des marchands"
    assert _read(make_pdf(tmp_path / "conditions-generales.pdf", PAGES[:1], title="  ")).title == \
        "Conditions generales"
    assert _read(make_pdf(tmp_path / "b.pdf", PAGES[:1])).title == "B"


def test_a_word_hyphenated_at_a_line_end_is_joined_without_moving_any_offset(tmp_path):
    pages = ["Le paie-\nment est dû. Le porte-\nmonnaie reste au porte-monnaie.\nUn Jean-\nPierre."]
    doc = _read(make_pdf(tmp_path / "hyphens.pdf", pages))
    raw = "Le paie-\nment est dû. Le porte-\nmonnaie reste au porte-monnaie.\nUn Jean-\nPierre.\n"
    assert len(doc.text) == len(raw)
    assert "Le paiement\n  est dû." in doc.text  # joined, same length: every later offset unchanged
    assert "porte-\nmonnaie" in doc.text  # spelt with its hyphen elsewhere: a compound, kept
    assert "Jean-\nPierre" in doc.text  # a capital after the break: kept
    assert doc.text.index("reste") == raw.index("reste")


def test_a_heading_not_found_below_one_found_on_its_page_takes_no_text_from_it(tmp_path):
    page = "fin de l'introduction\n1 Retours\nUn client retourne un article.\n1.1 Delais\nSous quatorze jours."
    doc = _read(make_pdf(tmp_path / "outline.pdf", ["Introduction", page],
                         outline=[("Retours", 1), ("Délais de retour", 1)]))  # the second title is not on the page
    by_heading = {s.heading: [line.text for line in s.lines] for s in doc.sections}
    assert [s.heading for s in doc.sections] == [None, "Retours"]  # where "Délais de retour" starts is unknown
    assert by_heading[None] == ["Introduction", "fin de l'introduction"]  # not taken by the heading missing
    assert by_heading["Retours"] == ["Un client retourne un article.", "1.1 Delais", "Sous quatorze jours."]


def test_lone_surrogates_from_a_broken_font_map_become_replacement_characters(tmp_path, monkeypatch):
    from pypdf import PageObject

    path = make_pdf(tmp_path / "cmap.pdf", ["Hello ABC world"])
    monkeypatch.setattr(PageObject, "extract_text", lambda self, *a, **k: "Hello \ud800BC world")  # as pypdf gives
    doc = _read(path)
    assert doc.text.startswith("Hello \ufffdBC world")  # one for one: no offset moves
    doc.text.encode("utf-8")  # the passage store and the tokenizer take it


def test_a_pdf_encrypted_with_an_owner_password_only_is_read(tmp_path):
    path = make_pdf(tmp_path / "owner.pdf", PAGES[:1])
    writer = PdfWriter(clone_from=path)
    writer.encrypt(user_password="", owner_password="proprietaire", algorithm="AES-128")
    writer.write(path)
    assert "extrait Kbis" in _read(path).text


def test_bad_pdfs_raise_a_reason_a_person_can_act_on(tmp_path):
    with pytest.raises(ValueError, match=f"^{re.escape(ENCRYPTED)}$"):
        _read(make_pdf(tmp_path / "secret.pdf", PAGES, password="motdepasse"))
    with pytest.raises(ValueError, match=f"^{re.escape(NO_TEXT)}$"):
        _read(make_pdf(tmp_path / "scan.pdf", ["", ""]))
    good = make_pdf(tmp_path / "good.pdf", PAGES).read_bytes()
    (tmp_path / "cut.pdf").write_bytes(good[: len(good) // 3])
    (tmp_path / "junk.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    for name in ("cut.pdf", "junk.pdf"):
        with pytest.raises(ValueError, match=r"^damaged PDF, cannot be parsed"):
            _read(tmp_path / name)
    with pytest.raises(ValueError, match=r"^damaged PDF"):
        parse_pdf(b"not a pdf at all")


@pytest.fixture(scope="module")
def pdf_settings(tmp_path_factory) -> Settings:
    corpus = tmp_path_factory.mktemp("pdf-corpus")
    make_pdf(corpus / "guide-marchand.pdf", PAGES, title="Guide du marchand", outline=OUTLINE)
    (corpus / "faq.txt").write_text("Comment changer de mot de passe ?\nOuvrez les réglages du compte, puis "
                                    "choisissez « Mot de passe » et suivez les instructions reçues par courriel.\n")
    (corpus / "notes.odt").write_bytes(b"PK\x03\x04 not read")
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
    assert reasons.keys() == {"notes.odt", "secret.pdf", "scan.pdf", "cut.pdf"}
    assert reasons["notes.odt"] == UNSUPPORTED and reasons["secret.pdf"] == ENCRYPTED
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
    assert skipped["notes.odt"] == UNSUPPORTED and ".brouillon.pdf" not in skipped
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
    store = build / PASSAGES
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


def test_pdfs_respect_the_file_size_limit(tmp_path):
    path = make_pdf(tmp_path / "big.pdf", PAGES)
    with pytest.raises(ValueError, match="file too large"):
        read_document(tmp_path, path, max_bytes=path.stat().st_size - 1)
