"""Word files through ingest and search, over the real model and FAISS."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rag.corpus.formats.docx import ENCRYPTED, NOT_A_ZIP
from rag.corpus.reader import read_document
from rag.index.store import Index
from rag.ingestion.pipeline import ingest
from rag.search.searcher import Query, Searcher
from rag.settings import Settings
from tests.helpers.word import PAYOUTS, make_guide, ole

PAYOUT_QUESTION = "Quel jour les fonds des ventes sont-ils virés sur le compte bancaire du marchand ?"


@pytest.fixture(scope="module")
def docx_settings(tmp_path_factory) -> Settings:
    corpus = tmp_path_factory.mktemp("docx-corpus")
    make_guide(corpus / "guide-marchand.docx")
    make_guide(corpus / "copie.docx", title=None)
    (corpus / "sources.toml").write_text('["copie.docx"]\ntitle = "Copie du guide"\n')
    (corpus / "faq.txt").write_text("Comment changer de mot de passe ?\nOuvrez les réglages du compte, puis "
                                    "choisissez « Mot de passe » et suivez les instructions reçues par courriel.\n")
    shutil.copy(Path(__file__).resolve().parents[1] / "data" / "doc" / "guide-conges.doc", corpus / "ancien.doc")
    (corpus / "secret.docx").write_bytes(ole("EncryptedPackage"))
    (corpus / "cut.docx").write_bytes((corpus / "guide-marchand.docx").read_bytes()[:2000])
    return Settings(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("docx-index"))


@pytest.fixture(scope="module")
def docx_index(docx_settings, embedder) -> Index:
    report = ingest(docx_settings, embedder=embedder)
    assert {s.source: s.reason for s in report.skipped} == {
        "secret.docx": ENCRYPTED, "cut.docx": NOT_A_ZIP}
    assert report.documents == 4
    return Index.load(docx_settings.index_dir)


def test_a_paragraph_of_a_word_file_is_found_and_cited_into_its_extracted_text(docx_index, docx_settings,
                                                                               embedder):
    (hits,) = Searcher(docx_index, embedder).search([Query(PAYOUT_QUESTION, 3, "hybrid", False)])
    top = hits[0]
    assert top.text == PAYOUTS
    citation = top.citation
    assert citation.source in {"guide-marchand.docx", "copie.docx"} and citation.page is None
    assert citation.section == "Virements aux marchands"
    text = read_document(docx_settings.corpus_dir, docx_settings.corpus_dir / citation.source).text
    # the passage's section starts at its heading, and the passage ends with its last line
    assert text[citation.start:citation.end] == f"Virements aux marchands\n{PAYOUTS}"
    titles = {chunk.source: chunk.title for chunk in docx_index.passages}
    assert titles["guide-marchand.docx"] == "Guide du marchand"  # core properties
    assert titles["copie.docx"] == "Copie du guide"  # sources.toml wins over the Title paragraph


def test_a_table_row_is_found_with_its_section(docx_index, embedder):
    (hits,) = Searcher(docx_index, embedder).search([Query("frais ouverture express", 3, "lexical", False)])
    top = hits[0]
    assert "Ouverture | express | 9 €" in top.text.splitlines()
    assert top.citation.section == "Ouverture du compte"


def test_a_table_row_of_an_old_binary_word_file_is_found_and_cited_into_its_extracted_text(docx_index, docx_settings,
                                                                                          embedder):
    (hits,) = Searcher(docx_index, embedder).search([Query("durée des congés d'hiver", 3, "hybrid", False)])
    top = hits[0]
    citation = top.citation
    assert citation.source == "ancien.doc" and citation.section == "Demander un congé › Congés d’été"
    assert "Hiver | 1 semaine ou 2 | selon l’ancienneté" in top.text.splitlines()
    text = read_document(docx_settings.corpus_dir, docx_settings.corpus_dir / "ancien.doc").text
    assert top.text in text[citation.start:citation.end]
