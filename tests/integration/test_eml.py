"""Saved e-mails (.eml, and Outlook's .msg) through ingest and search, over the real model and FAISS."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rag.corpus.formats.eml import NOT_EML
from rag.corpus.formats.msg import NOT_MSG
from rag.index.store import Index
from rag.search.searcher import Query, Searcher
from tests.helpers.ingested import ingested_beside_bad_files

DATA = Path(__file__).resolve().parents[1] / "data" / "eml"
MSG = DATA.parent / "msg"


@pytest.fixture(scope="module")
def eml_corpus(tmp_path_factory, embedder) -> Index:
    """A folder of an Outlook reply, a forwarded procedure, an Outlook .msg reply and files that are no e-mail,
    ingested: its index."""
    corpus = tmp_path_factory.mktemp("eml-corpus")
    shutil.copy(DATA / "outlook-reponse.eml", corpus / "remboursement.eml")
    shutil.copy(DATA / "transfert-procedure.eml", corpus / "colis-abime.eml")
    shutil.copy(MSG / "reponse-retard-livraison.msg", corpus / "retard.msg")
    word = (DATA.parent / "audit61" / "pages" / "teletravail.doc").read_bytes()
    bad = {"renomme.eml": (b"Ceci est un simple fichier texte.", NOT_EML), "document.msg": (word, NOT_MSG)}
    return ingested_beside_bad_files(corpus, tmp_path_factory.mktemp("eml-index"), embedder, bad, 3)


def test_a_replys_answer_is_found_under_its_subject_and_its_quote_is_not(eml_corpus, embedder):
    (hits,) = Searcher(eml_corpus, embedder).search([Query("Sous combien de jours une commande annulée est-elle "
                                                           "remboursée ?", 3, "hybrid", False)])
    top = hits[0]
    assert "versé sous 5 jours ouvrés" in top.text
    assert (top.citation.source, top.citation.title) == ("remboursement.eml", "Remboursement d'une commande annulée")
    assert not any("commande 4411" in hit.text or "@" in hit.text for hit in hits)


def test_a_forwarded_procedure_is_found(eml_corpus, embedder):
    (hits,) = Searcher(eml_corpus, embedder).search([Query("Que faire quand un colis arrive abîmé ?", 3, "hybrid",
                                                           False)])
    top = hits[0]
    assert "ouvrez un litige transporteur sous 48 heures ;" in top.text.splitlines()
    assert (top.citation.source, top.citation.title) == ("colis-abime.eml", "Procédure de retour d’un colis abîmé")


def test_an_outlook_msg_replys_answer_is_found_under_its_subject(eml_corpus, embedder):
    (hits,) = Searcher(eml_corpus, embedder).search([Query("Quand ma commande en retard sera-t-elle livrée ?", 3,
                                                           "hybrid", False)])
    top = hits[0]
    assert "Elle sera expédiée le 14 novembre et livrée sous 48 heures ouvrées." in top.text
    assert (top.citation.source, top.citation.title) == ("retard.msg", "Retard de livraison de la commande 4512")
    assert not any("devait arriver vendredi" in hit.text for hit in hits)
