"""A sentence holding a kin of a question word ("détartrant" of "détartrage", stems one the other's start) is where to
look in a passage whose sentences hold none of the question's words: "produit detartrage" of a slide "Détartrage"
quoted its first bullet."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from rag.index.analyzer import Analyzer
from rag.search.kin import KIN_SHARE, kin_weights
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


def _kin(terms: set[str], weights: dict[str, float]) -> float:
    return kin_weights([frozenset(terms)], weights)[0]


def test_kin_are_stems_one_the_other_s_start_of_seven_letters_or_more_and_close():
    weights = {"detartrag": 2.0, "produit": 1.0}
    assert _kin({"detartr", "lemoin"}, weights) == KIN_SHARE * 2.0
    assert _kin({"detartrag"}, weights) == 0.0  # the word itself: no kin
    assert _kin({"product"}, weights) == 0.0  # a common start is no kin: one the other's start
    assert _kin({"part"}, {"partenair": 1.0}) == 0.0  # too short a stem to say
    # a six-letter stem, or one three letters or more short of the other, starts another word
    for short, long in (("intern", "internacional"), ("intern", "internet"), ("depart", "departur"),
                        ("secret", "secretari"), ("arbeit", "arbeitgeb"), ("versicher", "versicherungsnumm")):
        assert _kin({short}, {long: 1.0}) == _kin({long}, {short: 1.0}) == 0.0


def test_a_false_kin_does_not_move_the_quote():
    text = "Assistance : poste 2040 depuis les bureaux.\nAssistance internet : 09 70 00 00 00."
    assert _shown(text, "numéro de l'assistance interne")[1] == "Assistance : poste 2040 depuis les bureaux."


class _Counted(Mapping[str, float]):
    """Question weights that count every look at them, however taken (`items()`, `keys()` and `get` go through
    these): the work `kin_weights` does, without a clock."""

    looks = 0

    def __init__(self, weights: dict[str, float]) -> None:
        self._weights = weights

    def __getitem__(self, key: str) -> float:
        type(self).looks += 1
        return self._weights[key]

    def __iter__(self) -> Iterator[str]:
        for key in self._weights:
            type(self).looks += 1
            yield key

    def __len__(self) -> int:
        return len(self._weights)


def test_kin_cost_is_linear_in_the_question_s_terms():
    """A question of 2,000 terms, 50 sentences of 40: each question term against each sentence term was 4 million
    looks; each term's few starts looked up, a few looks a term."""
    weights = _Counted({f"{n:08d}word": 1.0 for n in range(2000)})
    sentences = [frozenset(f"{n:08d}wor" for n in range(k, 2000, 50)) for k in range(50)]
    _Counted.looks = 0
    assert kin_weights(sentences, weights) == [KIN_SHARE * 40] * 50
    terms = len(weights) + sum(len(sentence) for sentence in sentences)
    assert _Counted.looks <= 8 * terms
