"""Spreadsheets (.xlsx, .ods) through ingest and search, over the real model and FAISS: a French FAQ kept in Excel
answers with its answer column, cited at its row in the extracted text; bad workbooks are reported and skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.corpus.formats.xlsx import ENCRYPTED, NOT_A_ZIP
from rag.corpus.reader import read_document
from rag.index.store import Index
from rag.search.searcher import Query, Searcher
from tests.helpers.ingested import ingested_beside_bad_files
from tests.helpers.sheets import ods, xlsx

RETURNS = ("Vous disposez de 30 jours après la livraison pour nous retourner un article. Le remboursement est fait "
           "sous 14 jours sur le moyen de paiement utilisé.")
FAQ = [["Catégorie", "Question", "Réponse", "Identifiant"],
       ["Livraison", "Quels sont les délais de livraison ?", "Comptez 48 heures en France métropolitaine et cinq jours "
        "ouvrés vers l'Europe.", "liv-01"],
       ["Retours", "Comment retourner un article ?", RETURNS, "ret-01"],
       ["Paiement", "Quels moyens de paiement acceptez-vous ?", "Carte bancaire, PayPal et virement.", "pay-01"]]
HOURS = [["Question", "Réponse"], ["Quels sont les horaires du service client ?",
                                   "Le service client répond du lundi au vendredi, de 9 h à 18 h."]]


@pytest.fixture(scope="module")
def sheets_corpus(tmp_path_factory, embedder) -> tuple[Path, Index]:
    """A folder holding an FAQ workbook in .xlsx, another in .ods, and bad files beside them, ingested."""
    corpus = tmp_path_factory.mktemp("sheets-corpus")
    (corpus / "faq-boutique.xlsx").write_bytes(xlsx({"FAQ": FAQ}))
    (corpus / "service-client.ods").write_bytes(ods({"Horaires": HOURS}))
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64
    good = xlsx({"FAQ": FAQ})
    bad = {"coupe.xlsx": (good[:300], NOT_A_ZIP), "secret.xlsx": (ole + "EncryptedPackage".encode("utf-16-le"),
                                                                   ENCRYPTED),
           "ancien.xls": (ole, "damaged .xls, cannot be parsed (OleError: cut short: 72 bytes, less than a compound "
                               "file's 512-byte header)"), "plat.fods": (
               b"<office:document/>",
               "damaged .fods: its flat XML document is not well-formed XML (unbound prefix: line 1, column 0)")}
    return corpus, ingested_beside_bad_files(corpus, tmp_path_factory.mktemp("sheets-index"), embedder, bad, 2)


def test_a_french_faq_in_excel_answers_with_its_answer_column_cited_at_its_row(sheets_corpus, embedder):
    corpus, index = sheets_corpus
    (hits,) = Searcher(index, embedder).search([Query("J'ai reçu un article qui ne me plaît pas, puis-je le "
                                                      "renvoyer ?", 3, "hybrid", False)])
    top = hits[0]
    assert top.text == RETURNS  # the answer column, not the row's identifier
    citation = top.citation
    assert (citation.source, citation.section, citation.page) == ("faq-boutique.xlsx",
                                                                  "Retours › Comment retourner un article ?", None)
    text = read_document(corpus, corpus / citation.source).text
    assert text[citation.start:citation.end] == f"Comment retourner un article ? | {RETURNS}"


def test_an_faq_in_an_ods_is_found_too(sheets_corpus, embedder):
    (hits,) = Searcher(sheets_corpus[1], embedder).search([Query("À quelle heure puis-je appeler le service client ?",
                                                                 3, "hybrid", False)])
    top = hits[0]
    assert top.text == HOURS[1][1]
    assert (top.citation.source, top.citation.section) == ("service-client.ods",
                                                           "Quels sont les horaires du service client ?")
