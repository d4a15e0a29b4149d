"""A question only a site's footer answers (its office hours), through ingest and search with the real model and
FAISS: audit 54's a11 ("le bureau est ouvert le samedi ?") found nothing, the footer being furniture on every page.
The footer each page repeats is served once."""

from __future__ import annotations

import shutil

import pytest

from rag.index.store import Index
from rag.ingestion.pipeline import ingest
from rag.search.answer import answer
from rag.search.searcher import Query, Searcher
from rag.settings import Settings
from tests.helpers.paths import ROOT

WIX = ROOT / "tests" / "data" / "audit54" / "pages" / "Formules & tarifs _ Auto-École du Parc.html"
FOOTER = ('<footer class="site-footer"><h4>Plomberie Arnaud</h4><p>8 rue des Tanneurs, 31000 Toulouse</p>'
          "<p>Atelier ouvert du lundi au vendredi de 8 h à 18 h, fermé le week-end</p>"
          '<ul class="footer-links"><li><a href="/mentions">Mentions légales</a></li></ul>'
          "<p>© 2024 Plomberie Arnaud</p></footer>")
PAGES = {
    "chauffe-eau.html": ("Remplacer un chauffe-eau", "Nous remplaçons votre chauffe-eau électrique ou thermodynamique "
                         "en une demi-journée, ancien appareil repris et recyclé."),
    "fuite.html": ("Réparer une fuite", "Une fuite sous l'évier se répare en général en une heure : joint, siphon ou "
                   "flexible changé sur place."),
    "devis.html": ("Demander un devis", "Le devis est gratuit et envoyé sous 48 heures après la visite du technicien."),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory, embedder) -> Index:
    corpus = tmp_path_factory.mktemp("site")
    for name, (title, text) in PAGES.items():
        (corpus / name).write_text(f"<html><head><title>{title} – Plomberie Arnaud</title></head><body><main>"
                                   f"<h1>{title}</h1><p>{text}</p></main>{FOOTER}</body></html>", encoding="utf-8")
    shutil.copy(WIX, corpus / WIX.name)
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("site-index"))
    ingest(settings, embedder=embedder)
    return Index.load(settings.index_dir)


@pytest.mark.parametrize(("question", "quoted"), [
    ("le bureau est ouvert le samedi ?", "le samedi de 9 h à 12 h"),  # audit 54's a11, the Wix page's footer
    ("l'atelier est ouvert le samedi ?", "fermé le week-end"),  # a footer three pages repeat
])
def test_a_question_only_the_footer_answers_finds_it_and_its_copies_are_served_once(site, embedder, question, quoted):
    (hits,) = Searcher(site, embedder).search([Query(question, 5, "hybrid", False)])
    assert quoted in hits[0].text, [hit.text for hit in hits]
    reply = answer(hits, True, "fr")
    assert reply is not None and quoted in reply.text
    assert len({hit.text for hit in hits}) == len(hits)
    assert sum("Atelier ouvert" in passage.text for passage in site.passages) == len(PAGES)  # each page its copy
