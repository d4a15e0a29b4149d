"""OpenDocument texts through ingest and search, over the real model and FAISS."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.corpus.formats.odt import ENCRYPTED, NOT_A_ZIP
from rag.corpus.reader import read_document
from rag.index.store import Index
from rag.search.searcher import Query, Searcher
from tests.helpers.ingested import ingested_beside_bad_files
from tests.helpers.odt import SAVINGS, make_guide, odt

SAVINGS_QUESTION = "Comment alimenter le compte épargne-temps avec les jours de congés non pris ?"
REMOTE = "Le télétravail est possible jusqu'à trois jours par semaine, après accord écrit du chef de service."
# A note whose heading is a text:p in an automatic style inheriting from Heading 1, as writers other than LibreOffice
# may write one (LibreOffice writes a text:h for every paragraph in the outline)
NOTE = odt(f'<text:p text:style-name="P1">Télétravail</text:p><text:p>{REMOTE}</text:p>',
           automatic='<style:style style:name="P1" style:family="paragraph" style:parent-style-name="Heading_20_1"/>')


@pytest.fixture(scope="module")
def odt_corpus(tmp_path_factory, embedder) -> tuple[Path, Index]:
    """A folder of two OpenDocument texts and bad files beside them, ingested: the folder and its index."""
    corpus = tmp_path_factory.mktemp("odt-corpus")
    make_guide(corpus / "guide-conges.odt")
    (corpus / "note-teletravail.odt").write_bytes(NOTE)
    bad = {"secret.odt": (odt("<text:p>x</text:p>", manifest="<manifest:encryption-data/>"), ENCRYPTED),
           "cut.odt": (NOTE[:500], NOT_A_ZIP), "plat.fodt": (
               b"<office:document/>",
               "damaged .fodt: its flat XML document is not well-formed XML (unbound prefix: line 1, column 0)")}
    return corpus, ingested_beside_bad_files(corpus, tmp_path_factory.mktemp("odt-index"), embedder, bad, 2)


def test_a_paragraph_of_an_odt_is_found_and_cited_into_its_extracted_text(odt_corpus, embedder):
    corpus, index = odt_corpus
    (hits,) = Searcher(index, embedder).search([Query(SAVINGS_QUESTION, 3, "hybrid", False)])
    top = hits[0]
    assert top.text == SAVINGS
    citation = top.citation
    assert citation.source == "guide-conges.odt" and citation.page is None
    assert citation.section == "Compte épargne-temps › Alimentation du compte"
    assert citation.title == "Guide des congés"  # meta.xml's dc:title
    text = read_document(corpus, corpus / citation.source).text
    # the passage's section starts at its heading, and the passage ends with its last line
    assert text[citation.start:citation.end] == f"Alimentation du compte\n{SAVINGS}"


def test_a_list_item_and_a_table_row_are_found_with_their_section(odt_corpus, embedder):
    (hits,) = Searcher(odt_corpus[1], embedder).search([Query("jour de solidarité", 3, "lexical", False)])
    top = hits[0]
    assert "• un jour de solidarité travaillé." in top.text.splitlines()
    # the footnote read after the paragraph citing it, in its section
    assert "Congé | Jours" in top.text.splitlines() and "Décret n° 84-972 du 26 octobre 1984." in top.text.splitlines()
    assert top.citation.section == "Congés annuels"


def test_a_heading_set_by_paragraph_style_names_the_section_and_the_file_name_the_title(odt_corpus, embedder):
    (hits,) = Searcher(odt_corpus[1], embedder).search([Query("Combien de jours de télétravail par semaine ?", 3,
                                                               "hybrid", False)])
    top = hits[0]
    assert top.text == REMOTE
    assert (top.citation.section, top.citation.title) == ("Télétravail", "Note teletravail")
