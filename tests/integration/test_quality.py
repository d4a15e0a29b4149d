"""Retrieval quality on the dev set written for the seed corpus: real model, real FAISS, stated thresholds."""

import pytest

from rag.corpus.reader import read_corpus
from rag.evaluation import memory_index, read_questions, run
from rag.search.searcher import Searcher
from tests.helpers.paths import CORPUS, DATASETS, DEVSET, GERMAN_PAGES, SPANISH_PAGES


@pytest.fixture(scope="module")
def dev_scores(embedder, settings):
    index = memory_index(read_corpus(CORPUS).documents, settings, embedder)
    searcher = Searcher(index, embedder, candidates=settings.candidates)
    questions = read_questions(DEVSET)
    assert len(questions) >= 20
    return {s.mode: s for s in run(searcher, questions, ["hybrid", "dense", "lexical"], depth=5)}


def test_devset_answer_recall_at_5_default_mode(dev_scores):
    assert dev_scores["hybrid"].answer_recall[5] == 1.0  # every answer in the top 5 (docs/EVALUATION.md)


def test_devset_answer_recall_at_1_default_mode(dev_scores):
    # measured 0.833 (35 of 42, docs/EVALUATION.md); the margin allows two questions to flip. Issue 18's target of
    # 0.93 is not met: most of the 7 misses put a neighbouring entry of the same merchant FAQ first.
    assert dev_scores["hybrid"].answer_recall[1] >= 0.78


def test_devset_hybrid_is_not_below_either_retriever(dev_scores):
    for k in (1, 5):
        best_single = max(dev_scores["dense"].answer_recall[k], dev_scores["lexical"].answer_recall[k])
        assert dev_scores["hybrid"].answer_recall[k] >= best_single - 0.01


def test_a_question_across_languages_leans_on_the_multilingual_model(searcher, embedder, index):
    """BM25 reads the corpus's language: an English question of a French corpus matches only names and cognates
    there, and hybrid put those first often enough to come after dense alone (cnil_faq_dev's questions in English,
    R@1 0.564 against 0.615, scripts.eval.languages_audit). Such a question is fused at `ACROSS_QUESTION_WEIGHT`;
    one in the corpus's language at the index's weight, and a weight the settings fix stays fixed."""
    from rag.search.fusion import ACROSS_QUESTION_WEIGHT
    from rag.search.searcher import Query

    built = float(index.manifest["fusion"]["dense_weight"])
    assert built < ACROSS_QUESTION_WEIGHT

    def weight(s: Searcher, question: str) -> float | None:
        (hits,) = s.search([Query(question, 1, explain=True)])
        assert hits[0].explain is not None
        return hits[0].explain.dense_weight

    assert weight(searcher, "Which identity documents do you accept?") == ACROSS_QUESTION_WEIGHT
    assert weight(searcher, "Quels documents d’identité acceptez-vous ?") == built
    assert weight(Searcher(index, embedder, dense_weight=0.6), "Which identity documents do you accept?") == 0.6


def test_an_english_question_of_a_spanish_corpus_leans_on_the_model_too(embedder, settings):
    """The same holds of a corpus in another language than English or French: "Can I return items bought on sale?"
    of the Spanish pages met a cognate in the wrong section at the index's weight and comes to the answering one at
    `ACROSS_QUESTION_WEIGHT` (docs/EVALUATION.md, "Answers on long help pages"). The `answerable` rule stays the
    corpus's own: the rule across languages was fitted on English and French alone."""
    from rag.search.answerable import rule_for
    from rag.search.fusion import ACROSS_QUESTION_WEIGHT
    from rag.search.searcher import Query

    index = memory_index(read_corpus(SPANISH_PAGES).documents, settings, embedder)
    assert index.lexical.analyzer.language == "es"
    searcher = Searcher(index, embedder, candidates=settings.candidates)
    english, spanish = searcher.search([Query("Can I return items bought on sale?", 1, explain=True),
                                        Query("¿Puedo devolver un artículo comprado en rebajas?", 1, explain=True)])
    assert english[0].explain is not None and spanish[0].explain is not None
    assert english[0].explain.dense_weight == ACROSS_QUESTION_WEIGHT
    assert spanish[0].explain.dense_weight == float(index.manifest["fusion"]["dense_weight"])
    assert "se pueden devolver en las mismas condiciones" in english[0].text
    assert english.evidence is not None
    assert english.probability == rule_for(searcher.model, False).probability(english.evidence)


def test_a_sibling_section_worded_as_a_question_does_not_outscore_the_one_that_answers(embedder, settings):
    """"Wie kann ich meinen Abschlag ändern?" of the German pages: the section "Wie wird der Abschlag berechnet?"
    came first by its heading's cosine (0.892), a question like the user's, over "Abschlag anpassen" (0.888, its
    window), which answers. A section heading worded as a question scores `1 - QUESTION_DISCOUNT` of its cosine
    (docs/EVALUATION.md, "Answers on long help pages")."""
    from rag.search.searcher import Query

    index = memory_index(read_corpus(GERMAN_PAGES).documents, settings, embedder)
    searcher = Searcher(index, embedder, candidates=settings.candidates)
    (hits,) = searcher.search([Query("Wie kann ich meinen Abschlag ändern?", 2)])
    assert [h.citation.section for h in hits] == ["Ihr monatlicher Abschlag › Abschlag anpassen",
                                                  "Ihr monatlicher Abschlag › Wie wird der Abschlag berechnet?"]


@pytest.mark.datasets
@pytest.mark.skipif(not (DATASETS / "cnil_faq_dev").is_dir(), reason="needs ../shared/datasets")
def test_an_faq_entry_cut_in_two_answers_from_its_opening(embedder, settings, tmp_path):
    """cnil_faq_dev's entry "Windows 10 : quelles précautions élémentaires prendre ?" as a Markdown page of its own:
    cut in two passages, both scored by its heading's vector alike, and the shorter remainder ("Plus de détails :
    ici", a note on a formal notice) came first by a hair of BM25 (9.635 against 9.576): the question on what to do
    was answered by the note. Passages of one section the dense side scores alike are read in reading order
    (`rag.search.fusion.reading_order`)."""
    import json

    from rag.search.searcher import Query

    lines = (DATASETS / "cnil_faq_dev" / "passages.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    for row in [r for r in rows if r["id"] == "cnil-608"] + rows[:15]:
        (tmp_path / f"{row['id']}.md").write_text(f"# {row['title']}\n\n{row['text']}\n", encoding="utf-8")
    index = memory_index(read_corpus(tmp_path).documents, settings, embedder)
    (hits,) = Searcher(index, embedder, candidates=settings.candidates).search([Query("Quels conseils pour Windows "
                                                                                      "10 ?", 2)])
    assert [(h.citation.source, h.citation.start) for h in hits] == [("cnil-608.md", 0), ("cnil-608.md", 706)]
    assert hits[0].score >= hits[1].score


def test_a_long_sections_passage_that_bm25_prefers_stays_first_over_a_shorter_opening(embedder, settings, tmp_path):
    """A section "Comment résilier mon contrat ?" cut in three passages, all scored by its heading's vector alike:
    "que faire du décodeur ?" is answered by the third (the equipment to send back), which BM25 puts first by a hair
    for its words, not for being short (it is the longest). Reading order put the opening, then a passage without
    the word, ahead of it; only a passage longer than the one BM25 puts first is put ahead of it."""
    from rag.search.searcher import Query

    opening = ("La demande se fait depuis votre espace client, rubrique Mon abonnement, ou par "
               "courrier. Elle prend effet à la fin du mois en cours et vous recevez un courriel"
               " qui récapitule la date de fin du service, le montant restant dû et le décodeur "
               "à rendre. Tant que la date n'est pas atteinte, vous pouvez revenir sur votre "
               "décision. Les offres avec engagement de douze ou vingt-quatre mois entraînent "
               "des frais : le quart des mensualités restant dues, sauf déménagement à "
               "l'étranger, perte d'emploi ou maladie grave, sur justificatif. Nos conseillers "
               "restent disponibles au 3900 du lundi au samedi pour vous accompagner. Un dossier"
               " incomplet retarde la date de fin : joignez une pièce d'identité. ")
    equipment = ("Le décodeur et le modem prêtés restent notre propriété. Dans les quinze jours, "
                 "renvoyez le décodeur dans son emballage d'origine avec l'étiquette prépayée de "
                 "votre espace client, ou déposez-le dans une boutique. Un équipement non rendu "
                 "est facturé 150 euros. Conservez le récépissé de dépôt jusqu'à la clôture de "
                 "votre compte. La télécommande et les câbles sont à joindre au colis. Le "
                 "transporteur passe sous trois jours ouvrés. ")
    second = opening.replace("La demande", "Votre demande").replace("le décodeur à rendre", "la suite")
    (tmp_path / "resilier.md").write_text(
        f"# Mon abonnement\n\n## Comment résilier mon contrat ?\n\n{opening}\n\n{second}\n\n{equipment}\n\n"
        f"{equipment.replace('Le décodeur et le modem prêtés', 'Les appareils prêtés')}\n", encoding="utf-8")
    for i, topic in enumerate(["Installer le décodeur", "Le décodeur ne s'allume pas", "Changer de décodeur",
                               "Brancher le décodeur au téléviseur", "Mettre à jour le décodeur", "Payer ma facture",
                               "Changer d'offre", "Déménager"]):
        (tmp_path / f"p{i}.md").write_text(
            f"# {topic}\n\n## {topic} ?\n\nPour {topic.lower()}, suivez le guide de votre espace client. Le "
            "décodeur et le modem se pilotent depuis l'application. Un conseiller peut vous aider au 3900.\n",
            encoding="utf-8")
    index = memory_index(read_corpus(tmp_path).documents, settings, embedder)
    (hits,) = Searcher(index, embedder, candidates=settings.candidates).search(
        [Query("Je résilie mon contrat, que faire du décodeur ?", 3)])
    assert [h.citation.section for h in hits] == ["Comment résilier mon contrat ?"] * 3
    assert hits[0].text.startswith("Le décodeur et le modem prêtés")


def test_chat_shorthand_is_searched_as_the_words_it_stands_for(client, searcher):
    """"sav" is a word the seed corpus never writes: searched as typed, it was unknown to BM25 and to `answerable`,
    and the service-client section came second, said not answerable. Written out, the question finds what the same
    question in full words finds, said answerable or not as it is; the response quotes it as typed."""
    from rag.search.searcher import Query

    typed, full = "sav ouvert le samedi ?", "service après-vente ouvert le samedi ?"
    (as_typed,), (in_full,) = searcher.search([Query(typed, 3)]), searcher.search([Query(full, 3)])
    assert [hit.id for hit in as_typed] == [hit.id for hit in in_full]
    # the full words themselves are said not answerable since stop 64: docs/EVALUATION.md, its stop 64 subsection
    assert as_typed.answerable == in_full.answerable
    assert as_typed[0].citation.section == "Service client et désabonnement"
    body = client.post("/v1/search", json={"question": typed, "k": 3}).json()
    assert body["question"] == typed and body["passages"][0]["id"] == as_typed[0].id
