"""A Sphinx site's reStructuredText sources through ingest and search, over the real model and FAISS: a question
finds its answer in a section, a table row or a tab, cited under its heading path at offsets that hold it in the
`.rst` file; no file the pages `include` is read."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from rag.index.store import Index
from rag.search.searcher import Query, Searcher
from tests.helpers.ingested import ingested_beside_bad_files

DATA = Path(__file__).parents[1] / "data" / "rst"


@pytest.fixture(scope="module")
def rst_corpus(tmp_path_factory, embedder) -> tuple[Path, Index]:
    corpus = tmp_path_factory.mktemp("rst-corpus")
    for page in DATA.glob("*.rst"):
        shutil.copy(page, corpus / page.name)
    secret = tmp_path_factory.mktemp("outside") / "secrets.rst"
    secret.write_text("Le mot de passe administrateur est hunter2.\n", encoding="utf-8")
    (corpus / "inclus.rst").write_text(f"Annexe\n======\n\nVoir l'annexe.\n\n.. include:: {secret}\n\n"
                                       f".. literalinclude:: {secret}\n", encoding="utf-8")
    return corpus, ingested_beside_bad_files(corpus, tmp_path_factory.mktemp("rst-index"), embedder, {}, 6)


@pytest.mark.parametrize(("question", "source", "section", "quoted"), [
    ("Combien de jours ai-je pour retourner un article ?", "guide-livraison.rst", "Retours et remboursements",
     "Vous disposez de 30 jours pour nous retourner un article."),
    ("Quelle est la commission de l'offre Pro ?", "tarifs.rst", "Grille des offres", "Pro | 29 € | 4 %"),
    ("Comment installer le client sous Linux ?", "api-paiement.rst", "Créer un paiement › Linux",
     "Installez le client avec pip install maboutique."),
])
def test_a_question_finds_its_answer_in_a_sphinx_page(rst_corpus, embedder, question, source, section, quoted):
    corpus, index = rst_corpus
    (hits,) = Searcher(index, embedder).search([Query(question, 3, "hybrid", False)])
    top = next(hit for hit in hits if quoted in hit.text)
    assert (top.citation.source, top.citation.section) == (source, section)
    cited = (corpus / source).read_text(encoding="utf-8")[top.citation.start:top.citation.end]
    assert all(word in cited for word in re.findall(r"\w+", quoted) if word not in ("30", "jours"))


def test_an_include_is_never_read(rst_corpus, embedder):
    _, index = rst_corpus
    (hits,) = Searcher(index, embedder).search([Query("mot de passe administrateur hunter2", 5, "hybrid", False)])
    assert not any("hunter2" in hit.text for hit in hits)
