"""A sentence holding a kin of a question word ("détartrant" of "détartrage", stems one the other's start) is where to
look in a passage whose sentences hold none of the question's words: "produit detartrage" of a slide "Détartrage"
quoted its first bullet."""

from __future__ import annotations

from rag.index.analyzer import Analyzer
from rag.search.kin import KIN_SHARE, kin_weight
from rag.search.snippets import Highlighter

BULLETS = ("• Toutes les 4 000 tasses ou tous les trois mois\n• Utiliser uniquement le détartrant Lemoine DT-20\n"
           "• Durée du cycle : 45 minutes\n• Noter l'opération dans le carnet d'entretien de la machine")


def _shown(text: str, question: str) -> tuple[str, str]:
    analyzer = Analyzer("fr")
    weights = {term: 1.0 for term in analyzer.terms(question)}
    lexical, drawn = Highlighter(analyzer).both(text, weights, None)
    assert lexical is not None and drawn is not None
    return lexical.text, drawn.text


def test_a_bullet_holding_a_kin_of_the_question_s_word_is_quoted_not_the_first():
    lexical, drawn = _shown(BULLETS, "produit detartrage")
    assert drawn == "Utiliser uniquement le détartrant Lemoine DT-20"
    assert lexical == "Toutes les 4 000 tasses ou tous les trois mois"  # the words' score: none held, as before


def test_a_sentence_holding_the_word_itself_wins_over_its_kin():
    text = "Le détartrant se commande au dépôt.\nLe détartrage dure 45 minutes."
    assert _shown(text, "durée du détartrage") == ("Le détartrage dure 45 minutes.",) * 2


def test_kin_are_stems_one_the_other_s_start_of_six_letters_or_more():
    weights = {"detartrag": 2.0, "produit": 1.0}
    assert kin_weight(frozenset({"detartr", "lemoin"}), weights) == KIN_SHARE * 2.0
    assert kin_weight(frozenset({"detartrag"}), weights) == 0.0  # the word itself: no kin
    assert kin_weight(frozenset({"product"}), weights) == 0.0  # a common start is no kin: one the other's start
    assert kin_weight(frozenset({"part"}), {"partenair": 1.0}) == 0.0  # too short a stem to say
