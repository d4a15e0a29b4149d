"""The kind of answer a question asks for and whether a passage gives it (`rag.search.kinds`): French and English,
typed with or without accents; a topic word alone asks for no kind."""

import numpy as np
import pytest

from rag.passage import Chunk
from rag.search.fusion import Ranking
from rag.search.kinds import HEAD_STEP, MARGIN, Kind, asked, given, prefer


@pytest.mark.parametrize(("question", "kind"), [
    ("combien de temps pour preparer ma commande ?", Kind.DELAY),
    ("carte refusée : au bout de combien de temps notre espace est bloqué ?", Kind.DELAY),
    ("jusqu'a quand je peux retourner un article", Kind.DELAY),
    ("Jusqu’à quand peut-on faire corriger une facture ?", Kind.DELAY),
    ("sous quel délai l'expert passe ?", Kind.DELAY),
    ("How long do I have to report a broken item?", Kind.DELAY),
    ("When will the refund show up on my card?", Kind.DELAY),
    ("combien ca coute la facture papier", Kind.AMOUNT),
    ("Combien ça coûte, la livraison d'un canapé ?", Kind.AMOUNT),
    ("retour par enlèvement, c'est payant ?", Kind.AMOUNT),
    ("quel tarif pour la formule Pro ?", Kind.AMOUNT),
    ("la recherche de fuite est prise en charge jusqu'a combien ?", Kind.AMOUNT),
    ("How much is express delivery?", Kind.AMOUNT),
    ("toujours pas reçu mon remboursement, je contacte qui ?", Kind.CONTACT),
    ("a quelle adresse ecrire pour un colis perdu", Kind.CONTACT),
    ("à qui m'adresser pour une facture fausse ?", Kind.CONTACT),
    ("Who should I email to fix the VAT number?", Kind.CONTACT),
])
def test_a_question_asks_for_the_kind_its_wording_asks_for(question, kind):
    assert asked(question) == {kind}


@pytest.mark.parametrize("question", [
    "comment résilier mon abonnement ?",
    "livraison express arrivée en retard, remboursée ?",
    "on peut annuler une commande deja expediee ?",
    "Quand un paiement échoue, que se passe-t-il ?",  # "quand" opening a clause asks for no date
    "How do I reset my password?",
])
def test_a_question_without_such_a_wording_asks_for_no_kind(question):
    assert asked(question) == set()


@pytest.mark.parametrize(("kind", "heading"), [
    (Kind.DELAY, "Délais"), (Kind.DELAY, "Delais"), (Kind.DELAY, "Processing times"),
    (Kind.AMOUNT, "Frais"), (Kind.AMOUNT, "Nos tarifs"), (Kind.AMOUNT, "Fees"),
    (Kind.CONTACT, "Qui contacter ?"), (Kind.CONTACT, "Contact"), (Kind.CONTACT, "Who to contact"),
])
def test_a_heading_that_names_the_kind_gives_it_whatever_the_text(kind, heading):
    assert given({kind}, heading, "Voir ci-dessous.") == 1.0


@pytest.mark.parametrize(("kind", "text"), [
    (Kind.DELAY, "Les commandes sont préparées sous 48 heures ouvrées."),
    (Kind.DELAY, "Vous avez 14 jours pour nous retourner l'article."),
    (Kind.DELAY, "Refunds reach your card within 5 business days."),
    (Kind.DELAY, "Le remboursement est fait immédiatement."),
    (Kind.AMOUNT, "Un supplément de 15 € s'applique."),
    (Kind.AMOUNT, "Express delivery costs $12.90."),
    (Kind.AMOUNT, "Le retour en point relais est gratuit."),
    (Kind.AMOUNT, "Une remise de 10 % sur la formule annuelle."),
    (Kind.CONTACT, "Écrivez à facturation@planora.fr en joignant la facture."),
    (Kind.CONTACT, "Appelez le 01 23 45 67 89, 24 h sur 24."),
    (Kind.CONTACT, "Contactez le service client depuis votre espace."),
])
def test_a_text_that_gives_the_kind_gives_it_at_half_a_heading_s_weight(kind, text):
    assert given({kind}, "Le retour en magasin", text) == 0.5


@pytest.mark.parametrize(("kind", "text"), [
    (Kind.DELAY, "Votre colis est remis au transporteur, qui le livre chez vous."),
    (Kind.AMOUNT, "Les meubles sont livrés par notre partenaire, sur rendez-vous."),
    (Kind.CONTACT, "Les meubles sont livrés par notre partenaire, sur rendez-vous."),
    (Kind.AMOUNT, "Votre commande n°12345 est expédiée."),  # a number without a currency is no amount
])
def test_a_passage_that_gives_none_of_the_kind_gives_nothing(kind, text):
    assert given({kind}, "Livraison des meubles", text) == 0.0


def _chunk(row: int, doc: str, section: str, text: str) -> Chunk:
    return Chunk(id=f"{doc}-{row}", doc_id=doc, title=doc, source=f"{doc}.html", section=section, url=None, start=0,
                 end=len(text), text=text)


PASSAGES = [
    _chunk(0, "guide", "Retourner un article", "Vous pouvez nous retourner un article qui ne vous convient pas."),
    _chunk(1, "guide", "Retourner un article › Délais", "Vous disposez de 30 jours après la livraison."),
    _chunk(2, "faq", "Retours", "Un article retourné doit être dans son emballage."),
    _chunk(3, "faq", "Retours › Délais", "Comptez 14 jours."),
]


def _ranking(rows: list[int], scores: list[float]) -> Ranking:
    return Ranking(np.array(rows), np.array(scores), np.zeros(len(rows)), np.zeros(len(rows)), {}, {})


def test_the_first_document_s_passage_under_a_heading_naming_the_kind_comes_first_within_the_margin():
    ranked = prefer(_ranking([0, 1, 2], [1.0, 0.97, 0.9]), PASSAGES, "combien de temps pour retourner un article ?")
    assert [item.row for item in ranked] == [1, 0, 2]
    assert ranked[0].score == pytest.approx(0.97 + HEAD_STEP)


@pytest.mark.parametrize(("rows", "scores", "expected"), [
    # "Délais" of another document than the first's, and the first's own too far below: neither raised
    ([0, 3, 1], [1.0, 0.99, 1.0 - MARGIN - 0.01], [0, 3, 1]),
    # the first document is the FAQ: its "Délais" is raised, the guide's passage is not
    ([2, 0, 3], [1.0, 0.99, 0.98], [3, 2, 0]),
])
def test_only_the_first_document_s_passages_within_the_margin_are_raised(rows, scores, expected):
    ranked = prefer(_ranking(rows, scores), PASSAGES, "combien de temps pour retourner un article ?")
    assert [item.row for item in ranked] == expected


def test_a_question_that_asks_for_no_kind_keeps_its_ranking():
    ranking = _ranking([0, 1], [1.0, 0.99])
    assert prefer(ranking, PASSAGES, "comment retourner un article ?") is ranking
