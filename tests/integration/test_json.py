"""A knowledge base exported as JSON, ingested and searched: a help desk's articles, an FAQ and a passage collection,
each answer cited at its record, under its title, with the record's page as its URL."""

from __future__ import annotations

import json
import shutil

from rag.index.store import Index
from rag.ingestion.pipeline import ingest
from rag.search.searcher import Query, Searcher
from rag.settings import Settings
from tests.helpers.paths import ROOT

ARTICLES = {"articles": [
    {"id": 1, "url": "https://aide.exemple.fr/api/v2/help_center/fr/articles/1.json", "draft": False, "locale": "fr",
     "html_url": "https://aide.exemple.fr/hc/fr/articles/1-remboursement", "title": "Délais de remboursement",
     "body": "<h2>Carte bancaire</h2><p>Le remboursement arrive sur votre carte sous 5 à 10 jours ouvrés après "
             "réception du colis.</p><h2>Virement</h2><p>Un virement est émis sous 3 jours ouvrés.</p>"},
    {"id": 2, "html_url": "https://aide.exemple.fr/hc/fr/articles/2", "draft": True, "title": "Programme fidélité",
     "body": "<p>Bientôt des points de fidélité à chaque commande.</p>"}], "next_page": None}
FAQ = [{"question": "Puis-je payer en plusieurs fois ?", "category": "Paiement",
        "answer": "Oui : le paiement en 3 ou 4 fois sans frais est proposé dès 100 € d’achat, par carte bancaire."}]


def test_json_records_are_searched_and_cited_at_their_record(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "articles.json").write_text(json.dumps(ARTICLES, ensure_ascii=False), encoding="utf-8")
    (corpus / "faq.json").write_text(json.dumps(FAQ, ensure_ascii=True, indent=2), encoding="utf-8")
    cnil = ROOT.parent / "shared" / "datasets" / "cnil_faq_dev" / "passages.jsonl"
    passages = corpus / "passages.jsonl"
    if cnil.is_file():  # the dataset copied as is; else a few lines of the same shape
        shutil.copyfile(cnil, passages)
    else:
        passages.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in [
            {"id": "cnil-1", "title": "Que faire contre les spams ?", "text": "Ne répondez jamais à un spam.\n\n"
             "Signalez-le sur le site www.signal-spam.fr."}]), encoding="utf-8")
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    report = ingest(settings, embedder=embedder)
    assert report.documents == 3 and not report.skipped
    assert any("draft: true" in change.change for change in report.changed if change.source == "articles.json")
    searcher = Searcher(Index.load(settings.index_dir), embedder)

    (hits,) = searcher.search([Query("Combien de temps pour être remboursé sur ma carte ?", 3)])
    top = hits[0].citation
    assert (top.source, top.section) == ("articles.json", "Délais de remboursement")
    assert top.url == "https://aide.exemple.fr/hc/fr/articles/1-remboursement" and top.link.startswith(top.url)
    assert "5 à 10 jours ouvrés" in (corpus / "articles.json").read_text(encoding="utf-8")[top.start:top.end]
    (hits,) = searcher.search([Query("fidélité points commande", 10)])
    assert all("fidélité" not in hit.text for hit in hits)  # the draft is not indexed

    (hits,) = searcher.search([Query("payer en plusieurs fois", 1)])
    citation = hits[0].citation
    assert (citation.source, citation.section, citation.url) == ("faq.json", "Paiement › Puis-je payer en plusieurs "
                                                                 "fois ?", None)
    raw = (corpus / "faq.json").read_text(encoding="utf-8")  # \u20ac, \u2019: the span holds the escapes
    assert json.loads(f'"{raw[raw.index("Oui"):citation.end]}"') == hits[0].text

    (hits,) = searcher.search([Query("comment lutter contre les spams ?", 1)])
    citation = hits[0].citation
    raw = passages.read_text(encoding="utf-8")
    line = raw.count("\n", 0, citation.start)
    assert raw.count("\n", 0, citation.end) == line  # one record, on its own line
    record = json.loads(raw.splitlines()[line])
    assert (citation.source, citation.section) == ("passages.jsonl", record["title"])
    assert " ".join(hits[0].text.split()) in " ".join(record["text"].split())
