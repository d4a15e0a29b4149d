"""RTF files through ingest and search, over the real model and FAISS."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rag.corpus.formats.rtf import NOT_RTF
from rag.corpus.reader import read_document
from rag.index.store import Index
from rag.search.searcher import Query, Searcher
from tests.helpers.ingested import ingested_beside_bad_files

DATA = Path(__file__).resolve().parents[1] / "data" / "rtf"


@pytest.fixture(scope="module")
def rtf_corpus(tmp_path_factory, embedder) -> tuple[Path, Index]:
    """A folder of a Word and a TextEdit RTF file and one that is no RTF, ingested: the folder and its index."""
    corpus = tmp_path_factory.mktemp("rtf-corpus")
    shutil.copy(DATA / "faq-word.rtf", corpus / "guide-abonnement.rtf")
    shutil.copy(DATA / "faq-textedit.rtf", corpus / "faq-boutique.rtf")
    bad = {"renomme.rtf": (b"Ceci est un simple fichier texte.", NOT_RTF)}
    return corpus, ingested_beside_bad_files(corpus, tmp_path_factory.mktemp("rtf-index"), embedder, bad, 2)


def test_a_table_row_of_a_word_rtf_is_found_with_its_section_and_cited_into_its_text(rtf_corpus, embedder):
    corpus, index = rtf_corpus
    (hits,) = Searcher(index, embedder).search([Query("Quel est le préavis de la formule annuelle ?", 3, "hybrid",
                                                      False)])
    top = hits[0]
    assert "Annuelle | Trois mois" in top.text.splitlines()
    citation = top.citation
    assert (citation.source, citation.title) == ("guide-abonnement.rtf", "Guide de l'abonnement")
    assert citation.section == "Résiliation › Délais de préavis"
    text = read_document(corpus, corpus / citation.source).text
    assert "Annuelle | Trois mois" in text[citation.start:citation.end]


def test_a_textedit_rtf_is_found_under_its_bold_heading_and_titled_by_its_largest_line(rtf_corpus, embedder):
    (hits,) = Searcher(rtf_corpus[1], embedder).search([Query("Combien de jours pour retourner un article ?", 3,
                                                               "hybrid", False)])
    top = hits[0]
    assert "Vous disposez de 30 jours pour nous retourner un article, avec\u00a0:" in top.text.splitlines()
    assert (top.citation.source, top.citation.section, top.citation.title) == (
        "faq-boutique.rtf", "Retours", "Questions fréquentes")
