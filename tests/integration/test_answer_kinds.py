"""The kind of answer a question asks for, as a ranking signal between a long page's passages (`rag.search.kinds`),
through ingest and search with the real model and FAISS: audit 65's shop guide repeats "Délais", "Frais" and "Qui
contacter ?" under every part, and a sibling case or an FAQ entry holding the question's subject came before the
sub-heading that answers. Of the audit's three questions it puts right (v01, v06, v07), the first is put right on
this page alone too (the other two lie farther apart in an index of one page)."""

from __future__ import annotations

import pytest

from rag.index.store import Index
from rag.search.searcher import Query, Searcher
from tests.helpers.ingested import one_file_index
from tests.helpers.paths import ROOT

GUIDE = ROOT / "tests" / "data" / "audit65" / "pages" / \
    "Livraison, retours et remboursements _ le guide complet – Centre d'aide Maison Verdier.html"


@pytest.fixture(scope="module")
def guide(tmp_path_factory, embedder) -> Index:
    return one_file_index(GUIDE, tmp_path_factory.mktemp("guide"), tmp_path_factory.mktemp("guide-index"), embedder)


def test_the_sub_heading_that_names_the_delay_asked_for_comes_before_an_faq_entry_on_the_subject(guide, embedder):
    # audit 65's v01: the FAQ entry "Puis-je annuler ma commande avant l'expédition ?" came first
    (hits,) = Searcher(guide, embedder).search(
        [Query("combien de temps pour preparer ma commande avant l'envoi ?", 5, "hybrid", False)])
    assert hits[0].citation.section == "La livraison de votre commande › Délais", [hit.citation.section for hit in hits]
    assert "préparés sous 48 heures ouvrées" in hits[0].text
