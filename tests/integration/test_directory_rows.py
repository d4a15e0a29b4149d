"""A directory kept as a spreadsheet (a town hall's services: manager, phone, hours, e-mail), through ingest, search
and the answer with the real model: each row is read as its fields, and the answer quotes the field the question
asks for, not the e-mail address that holds the service's name."""

from __future__ import annotations

import pytest

from rag.index.store import Index
from rag.ingestion.pipeline import ingest
from rag.search.answer import answer
from rag.search.searcher import Query, Searcher
from rag.settings import Settings

DIRECTORY = ("Service;Responsable;Téléphone;Horaires;Adresse électronique\r\n"
             "État civil;Hélène Roussel;03 80 11 22 30;8 h 30 - 12 h;etatcivil@mairie-valbois.fr\r\n"
             "Urbanisme;Paul Garnier;03 80 11 22 45;13 h 30 - 17 h;urbanisme@mairie-valbois.fr\r\n"
             "Cantine scolaire;Inès Morel;03 80 11 22 60;8 h - 11 h;cantine@mairie-valbois.fr\r\n"
             "Police municipale;Yann Lefort;03 80 11 22 17;24 h/24;police@mairie-valbois.fr\r\n")


@pytest.fixture(scope="module")
def directory_index(tmp_path_factory, embedder) -> Index:
    corpus = tmp_path_factory.mktemp("directory-corpus")
    (corpus / "annuaire-mairie.csv").write_bytes(DIRECTORY.encode("utf-8-sig"))
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("directory-index"))
    assert ingest(settings, embedder=embedder).documents == 1
    return Index.load(settings.index_dir)


@pytest.mark.parametrize(("question", "quoted"), [
    ("numéro de l'urbanisme", "Téléphone : 03 80 11 22 45"),
    ("qui est le responsable de la cantine scolaire ?", "Responsable : Inès Morel"),
    ("telephone de la police municipale", "Téléphone : 03 80 11 22 17"),
    ("horaires de l'urbanisme", "Horaires : 13 h 30 - 17 h"),  # not its address after it, holding "urbanisme"
])
def test_a_directory_row_answers_with_the_field_asked_for(directory_index, embedder, question, quoted):
    (hits,) = Searcher(directory_index, embedder).search([Query(question, 3, "hybrid", False)])
    reply = answer(hits, True, "fr")
    assert reply is not None and reply.text == quoted
    assert "@" in hits[0].text  # the row's address holds the service's name, and is not the answer
