"""Highlights and answers of real searches: extractive, holding the question words, carried to citations and the API."""

from __future__ import annotations

import numpy as np

from rag.corpus.reader import read_corpus
from rag.evaluation import memory_index
from rag.index.store import Index
from rag.ingestion.pipeline import ingest
from rag.search.answer import answer, escape
from rag.search.searcher import Query, Searcher
from rag.search.snippets import excerpt
from rag.settings import Settings
from tests.helpers.paths import SPANISH_PAGES, TOOL_EXPORTS


def _index(corpus, embedder) -> Index:
    """Ingest the files written into `corpus` (a folder beside the index's) and load the index."""
    settings = Settings(corpus_dir=corpus, index_dir=corpus.parent / "index")
    ingest(settings, embedder=embedder)
    return Index.load(settings.index_dir)


def test_highlights_are_extractive_and_hold_the_question_words(searcher):
    questions = ["loi Châtel renouvellement abonnement", "Quels documents d’identité acceptez-vous ?",
                 "horaires du service client", "chiffrement SSL des transactions"]
    for mode in ("hybrid", "dense", "lexical"):
        for hits in searcher.search([Query(q, 5, mode) for q in questions]):
            for hit in hits:
                h = hit.highlight
                assert h is not None and h.text and hit.text[h.start:h.end] == h.text
                assert len(h.text) <= len(hit.text)
    (hits,) = searcher.search([Query("loi Châtel renouvellement abonnement", 1)])
    assert "loi Châtel" in hits[0].highlight.text and hits[0].highlight.score > 0
    (hits,) = searcher.search([Query("Quels jours et à quelles heures les opérateurs sont-ils joignables ?", 3)])
    best = answer(hits)
    assert best is not None and "du lundi au samedi, de 8 heures à 20 heures" in best.text


def test_without_a_word_in_common_the_model_s_closest_window_is_the_highlight(searcher):
    """An English question on the French FAQ shares no word with it: the highlight is the sentence window the model
    finds closest, not the passage's first sentence."""
    (hits,) = searcher.search([Query("How long does a refund take?", 3)])
    top = hits[0]
    assert top.highlight is not None and top.highlight.score == 0.0
    assert "délai de 5 jours" in top.highlight.text and not top.text.startswith(top.highlight.text)
    best = answer(hits)
    assert best is not None and "délai de 5 jours" in best.text
    (lexical,) = searcher.search([Query("How long does a refund take?", 3, "lexical")])
    assert all(not h.highlight.score for h in lexical)  # the lexical mode has no model: first sentences


def test_a_question_word_no_passage_holds_lets_the_model_s_window_outweigh_common_words(searcher):
    """"horaires" is in no passage: the sentence with "service client" alone is not the answer, the one the model
    finds closest is ("de 8 heures à 20 heures"). Its weight is that of a word in no section (`unseen_weight`)."""
    index = searcher.index
    question = "Quels sont les horaires du service client ?"
    assert index.lexical.unseen_weight(question) > max(
        index.lexical.term_weights(question).values())
    (hits,) = searcher.search([Query(question, 3)])
    best = answer(hits)
    assert best is not None and "de 8 heures à 20 heures" in best.text and "résiliation" not in best.text
    # every word held: the question's own weights
    assert index.lexical.unseen_weight("service client") == 0.0


def test_an_english_question_of_spanish_pages_is_answered_by_what_the_model_s_window_holds_of_its_own(
        embedder, settings):
    """No word of "Can I return items bought on sale?" is on the Spanish returns page; the model's closest window
    holds the list's last item, "Tarjetas regalo.", which the window before holds too, and the sentence after the
    list that answers. The answer was the item (of what cannot be returned), now the sentence."""
    searcher = Searcher(memory_index(read_corpus(SPANISH_PAGES).documents, settings, embedder), embedder,
                        candidates=settings.candidates)
    (hits,) = searcher.search([Query("Can I return items bought on sale?", 5)])
    best = answer(hits, hits.answerable, hits.language)
    assert best is not None and best.citation.section is not None and "no se pueden devolver" in best.citation.section
    assert hits[0].highlight is not None and hits[0].highlight.score == 0.0  # the model's window alone chose
    assert best.start == hits[0].text.index("Los artículos comprados en rebajas")
    assert "Tarjetas regalo" not in hits[0].text[best.start:best.end]


def test_an_english_how_to_of_a_french_wiki_is_answered_from_its_instruction(embedder, settings):
    """Audit 49's wiki, French spaces and an English vault (a French corpus): "How do I roll back a deploy?" got the
    tip callout the section "How to roll back" holds after its instruction, not the instruction."""
    index = memory_index(read_corpus(TOOL_EXPORTS).documents, settings, embedder)
    assert index.lexical.analyzer.language == "fr"
    (hits,) = Searcher(index, embedder, candidates=settings.candidates).search([Query("How do I roll back a deploy?",
                                                                                       5)])
    best = answer(hits, hits.answerable, hits.language)
    assert best is not None and best.citation.section == "How to roll back"
    assert best.text.startswith("Run `make rollback ENV=production TO=<sha>`")
    assert "When not to roll back" in best.text  # the warning follows the instruction


def test_misspelt_question_words_still_highlight(searcher):
    (hits,) = searcher.search([Query("loi Chatell", 5)])
    holding = [h for h in hits if "Châtel" in h.text]
    assert holding and all("loi Châtel" in h.highlight.text and h.highlight.score > 0 for h in holding)


def test_urls_from_front_matter_and_sources_toml_reach_citations(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "guide.md").write_text("---\ntitle: Guide\nurl: https://example.org/guide\n---\n# Retours\n"
                                     "Les retours sont acceptés sous 14 jours. Le remboursement suit.\n",
                                     encoding="utf-8")
    (corpus / "notes.txt").write_text("Le service client répond du lundi au vendredi.\n", encoding="utf-8")
    (corpus / "sources.toml").write_text('["notes.txt"]\ntitle = "Notes"\nurl = "https://example.org/notes"\n',
                                         encoding="utf-8")
    searcher = Searcher(_index(corpus, embedder), embedder)
    (hits,) = searcher.search([Query("sous combien de jours les retours ?", 2)])
    top = hits[0].citation
    assert (top.label, top.url) == ("Guide › Retours", "https://example.org/guide")
    best = answer(hits)
    assert hits[0].highlight is not None and hits[0].highlight.text == "Les retours sont acceptés sous 14 jours."
    # the answer shows the highlight with the rest of its paragraph
    assert best is not None and best.text == "Les retours sont acceptés sous 14 jours. Le remboursement suit."
    # each source links to its document opened at the passage: its first and last words highlighted
    guide = ("https://example.org/guide#:~:text=Les%20retours%20sont%20accept%C3%A9s%20sous%2014%20jours.%20Le%20"
             "remboursement%20suit.")
    notes = "https://example.org/notes#:~:text=Le%20service%20client%20r%C3%A9pond%20du%20lundi%20au%20vendredi."
    assert top.link == guide
    assert f"1. [Guide › Retours](<{guide}>)" in best.markdown
    assert f"2. [Notes](<{notes}>)" in best.markdown


def test_api_returns_highlights_labels_and_the_answer(client):
    body = client.post("/v1/search", json={"question": "Quels documents d’identité acceptez-vous ?"}).json()
    batch = client.post("/v1/search/batch", json={"questions": ["loi Châtel", "chiffrement SSL"]}).json()
    schema = client.get("/schema/openapi.json").json()["components"]["schemas"]
    for result in [body, *batch["results"]]:
        for hit in result["passages"]:
            c, h = hit["citation"], hit["highlight"]
            assert c["label"] == (f"{c['title']} › {c['section']}" if c["section"] else c["title"])
            assert hit["text"][h["start"]:h["end"]] == h["text"]
        best = result["answer"]
        source = result["passages"][best["rank"] - 1]
        assert best["passage_id"] == source["id"] and best["citation"] == source["citation"]
        shown = source["highlight"]
        # the answer: its passage's highlight and the whole sentences around it, verbatim
        assert source["text"][best["start"]:best["end"]] == best["text"]
        assert best["start"] <= shown["start"] < shown["end"] <= best["end"] and len(best["text"]) <= 400
        assert best["markdown"].startswith("> ") and f"1. {escape(source['citation']['label'])}" in best["markdown"]
    assert "carte de séjour" in body["answer"]["text"]
    assert "loi Châtel" in batch["results"][0]["answer"]["text"]
    assert "SSL" in batch["results"][1]["answer"]["text"]
    assert {"highlight"} <= set(schema["Hit"]["properties"]) and "answer" in schema["SearchResponse"]["properties"]
    assert "label" in schema["Citation"]["properties"] and "markdown" in schema["Answer"]["properties"]


def test_snippets_keep_wrapped_sentences_whole_and_list_items_apart(tmp_path, embedder):
    from tests.helpers.pdfs import make_pdf

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    make_pdf(corpus / "reglement.pdf", ["Congés exceptionnels\n"
                                        "Un congé exceptionnel pour déménagement est accordé après accord de son\n"
                                        "responsable. Il dure un jour ouvré au plus.\n"
                                        "Les autres absences suivent la convention collective."],
             title="Règlement intérieur")
    (corpus / "pieces.html").write_text(
        "<html><head><title>Pièces justificatives</title></head><body><h1>Pièces acceptées</h1>"
        "<p>Pour ouvrir un compte, nous acceptons :</p><ul><li>le passeport en cours de validité</li>"
        "<li>la facture d'électricité de moins de trois mois</li></ul></body></html>", encoding="utf-8")
    searcher = Searcher(_index(corpus, embedder), embedder)
    (hits,) = searcher.search([Query("congé exceptionnel déménagement accord", 1)])
    shown = " ".join(hits[0].highlight.text.split())
    assert shown.endswith("Un congé exceptionnel pour déménagement est accordé après accord de son responsable.")
    (hits,) = searcher.search([Query("passeport accepté pour ouvrir un compte", 1)])
    assert "passeport" in hits[0].highlight.text and "électricité" not in hits[0].highlight.text
    shown = answer(hits)  # the answer's excerpt adds no list item either
    assert shown is not None and "passeport" in shown.text and "électricité" not in shown.text


def test_an_faq_entry_split_in_passages_is_read_from_its_start_in_its_first_passage_only(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    details = " ".join(f"Le cas numéro {n} de conservation des relevés suit la règle générale du contrat." for n in
                       range(40))  # long enough for the entry to be cut into several passages
    (corpus / "faq.md").write_text(
        "# FAQ\n\n## Combien de temps gardez-vous mes relevés de compte ?\n\n"
        "Vos relevés sont gardés dix ans après la clôture du compte.\n\n"
        f"{details}\n\n- relevés papier\n\nLes relevés papier envoyés par courrier sont archivés à part, dans un local "
        "sécurisé.\n",
        encoding="utf-8")
    index = _index(corpus, embedder)
    assert len(index.passages) >= 2
    searcher = Searcher(index, embedder)
    (hits,) = searcher.search([Query("relevés papier envoyés par courrier archivés local sécurisé", len(index))])
    by_start = sorted(hits, key=lambda h: h.citation.start)
    # the searcher marks the entry's first passage only; its later passages start mid-answer
    assert [h._reading.opens_section for h in by_start] == [True] + [False] * (len(by_start) - 1)
    later = next(h for h in hits if "archivés à part" in h.text)
    plain = excerpt(later.text, later.highlight.start, later.highlight.end)
    assert plain != excerpt(later.text, later.highlight.start, later.highlight.end, from_start=True)  # they differ
    shown = answer([later])  # ... and the later passage keeps step 5
    assert shown is not None and "archivés à part" in shown.text and (shown.start, shown.end) == plain


def test_an_faq_entry_asked_by_its_heading_is_answered_by_its_opening_and_a_detail_by_the_detail(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    filler = " ".join(f"Le cas numéro {n} suit la règle générale du registre." for n in range(14))
    opening = ("C'est toute opération portant sur des données personnelles, quel que soit le procédé utilisé : "
               "enregistrer, organiser, conserver, modifier ou transmettre.")
    detail = ("Un traitement de données à caractère personnel peut être informatisé ou non ; un fichier papier "
              "organisé est aussi un traitement.")
    (corpus / "faq.md").write_text(
        f"# FAQ\n\n## Un traitement de données à caractère personnel, c'est quoi ?\n\n{opening}\n\n{filler}\n\n"
        f"Informatisés mais pas uniquement :\n\n{detail}\n\n"
        "## Combien de temps gardez-vous mes relevés ?\n\nVos relevés sont gardés dix ans après la clôture.\n",
        encoding="utf-8")
    index = _index(corpus, embedder)
    entry = next(p for p in index.passages if p.text.startswith("C'est toute"))
    assert detail in entry.text and entry.text.index(detail) > 700  # one passage; the detail beyond the lead
    searcher = Searcher(index, embedder)
    for question in ("C'est quoi un traitement de données à caractère personnel ?",
                     "Un traitement de données à caractère personnel, qu'est-ce que c'est ?"):
        (hits,) = searcher.search([Query(question, 2)])
        assert hits[0].id == entry.id and hits[0]._reading.asks_heading
        assert detail in hits[0].highlight.text  # the question's words are met deep in the entry ...
        shown = answer(hits)  # ... but it asks what the heading asks: the entry's opening answers
        assert shown is not None and shown.start == 0 and shown.text.startswith(opening), question
    row = index.rows[entry.id]

    def heading_cosine(question: str) -> float:
        assert index.headings is not None
        scored = index.extra_scores(embedder.embed_queries([index.embedded_question(question)])[0])
        assert scored is not None  # its whole cosine: a heading worded as a question scores 0.99 of it
        return float(index.heading_scores(np.array([row]), scored)[0])

    # closer to the heading than to the text, but naming what only the highlight holds: a detail, answered by it
    question = "Est-ce qu'un traitement de données à caractère personnel est forcément informatisé ?"
    (hits,) = searcher.search([Query(question, 2, explain=True)])
    assert hits[0].id == entry.id and heading_cosine(question) >= hits[0].explain.dense_score  # the dense half holds
    assert not hits[0]._reading.asks_heading  # ... the word half does not
    # the same decisions when headings and windows only re-score (past RAG_EXTRA_SCAN_MAX): the heading's cosine
    # computed for the one row is the one its dense score took
    limited = Searcher(index, embedder, extra_scan_max=0)
    for asked, heading in ((question, False), ("C'est quoi un traitement de données à caractère personnel ?", True)):
        (found,) = limited.search([Query(asked, 2)])
        assert found[0].id == entry.id and found[0]._reading.asks_heading is heading, asked
    shown = answer(hits)
    assert shown is not None and "informatisé" in shown.text and opening not in shown.text
    # a question closer to the passage's text or windows than to its heading asks a detail too
    question = "Un fichier papier peut-il être un traitement de données ?"
    (hits,) = searcher.search([Query(question, 2, explain=True)])
    assert heading_cosine(question) < hits[0].explain.dense_score
    shown = answer(hits)
    assert hits[0].id == entry.id and not hits[0]._reading.asks_heading
    assert shown is not None and "fichier papier organisé" in shown.text and opening not in shown.text


CONTRACT = """Conditions générales d'abonnement

Article 4 – Abonnement

4.1 L'abonnement permet de recevoir une box de produits à la fréquence choisie par le Client : toutes les 2 semaines, toutes les 4 semaines ou toutes les 6 semaines. Le prix de l'abonnement est celui affiché lors de la souscription, livraison comprise.
4.2 L'abonnement est sans engagement de durée. Le Client peut suspendre un envoi, changer de produit ou de fréquence, ou résilier son abonnement à tout moment depuis son espace client, au plus tard 3 jours avant la date du prochain prélèvement. Passé ce délai, l'envoi en cours est dû et expédié.
4.3 Le prélèvement a lieu sur la carte enregistrée le jour de la préparation de chaque envoi. En cas d'échec du paiement, la société fait deux nouvelles tentatives à 3 jours d'intervalle, puis suspend l'abonnement.
4.4 Le Client est informé par e-mail de chaque prélèvement. Les factures sont disponibles dans son espace client pendant 5 ans.
4.5 Toute box non retirée au point relais dans un délai de 14 jours est retournée à la société. Elle peut être réexpédiée une fois aux frais du Client, soit 6,90 euros.
"""  # noqa: E501  (a contract's clauses are long lines)


def test_an_answer_in_a_contract_s_numbered_clause_opens_on_that_clause(tmp_path, embedder):
    """The answer's excerpt grew back into the clause before it: "Passé ce délai, l'envoi en cours est dû et
    expédié." (4.2) opened the answers about 4.3's card and 4.4's invoices."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "conditions-abonnement.txt").write_text(CONTRACT, encoding="utf-8")
    searcher = Searcher(_index(corpus, embedder), embedder)
    for question, clause in [("ma carte a été refusée, que se passe-t-il ?", "4.3"),
                             ("le prélèvement est fait quand", "4.3"),
                             ("combien de temps je garde mes factures", "4.4")]:
        (hits,) = searcher.search([Query(question, 5)])
        reply = answer(hits)
        assert reply is not None and reply.text.startswith(clause) and "Passé ce délai" not in reply.text, reply.text
