"""E-books through ingest and search, over the real model and FAISS."""

from __future__ import annotations

import html
import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from rag.corpus.formats.epub import ENCRYPTED, parse_epub
from rag.index.store import Index
from rag.search.searcher import Query, Searcher
from tests.helpers.ingested import ingested_beside_bad_files

DATA = Path(__file__).resolve().parents[1] / "data" / "epub"


def _locked() -> bytes:
    """A book whose chapter is encrypted for DRM (Adobe's ADEPT writes rights.xml and an encryption.xml so)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip")
        archive.writestr("META-INF/rights.xml", "<adept:rights xmlns:adept=\"http://ns.adobe.com/adept\"/>")
        archive.writestr("META-INF/encryption.xml", (
            '<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
            'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData><enc:EncryptionMethod '
            'Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/><enc:CipherData><enc:CipherReference '
            'URI="OEBPS/chapter1.xhtml"/></enc:CipherData></enc:EncryptedData></encryption>'))
        archive.writestr("OEBPS/chapter1.xhtml", b"\x8f\x12 encrypted bytes")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def epub_corpus(tmp_path_factory, embedder) -> Index:
    """A folder of LibreOffice's and Feedbooks' e-books beside one locked by DRM, ingested: its index."""
    corpus = tmp_path_factory.mktemp("epub-corpus")
    shutil.copy(DATA / "libreoffice-politique-voyages.epub", corpus / "politique-voyages.epub")
    shutil.copy(DATA / "feedbooks-wells-trimmed.epub", corpus / "wells.epub")
    bad = {"verrouille.epub": (_locked(), ENCRYPTED)}
    return ingested_beside_bad_files(corpus, tmp_path_factory.mktemp("epub-index"), embedder, bad, 2)


def test_a_chapters_answer_is_found_under_its_chapter_and_cited_in_its_xhtml(epub_corpus, embedder):
    (hits,) = Searcher(epub_corpus, embedder).search([Query(
        "Combien de jours avant le départ faut-il établir l'ordre de mission pour l'étranger ?", 3, "hybrid", False)])
    top = hits[0]
    assert "quinze jours pour un déplacement à l'étranger" in top.text
    citation = top.citation
    assert (citation.source, citation.title) == ("politique-voyages.epub", "Politique voyages et notes de frais")
    assert citation.section == "Avant le déplacement › Ordre de mission"
    source = parse_epub((DATA / "libreoffice-politique-voyages.epub").read_bytes()).text or ""
    shown = " ".join(html.unescape(re.sub(r"<[^>]*>", " ", source[citation.start:citation.end])).split())
    for line in top.text.splitlines():
        assert " ".join(line.split()) in shown


def test_a_novels_chapter_is_found_under_its_part(epub_corpus, embedder):
    (hits,) = Searcher(epub_corpus, embedder).search([Query("the planet Mars distance from the sun", 3, "hybrid",
                                                            False)])
    assert hits[0].citation.source == "wells.epub"
    assert hits[0].citation.section == "Part 1 - The Coming of the Martians › Chapter 1 The Eve of the War"
