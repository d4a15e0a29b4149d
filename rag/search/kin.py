"""Kin words: a passage's word whose stem and a question word's are one the other's start, though the stemmer left
them apart ("détartrant" and "détartrage": "detartr", "detartrag"). Where in a passage to look for the answer
(`rag.search.snippets.best_windows`) counts a kin word at `KIN_SHARE` of its question word's weight, for a sentence
that does not hold the word itself: "produit detartrage" of a slide "Détartrage" whose bullets say "Utiliser
uniquement le détartrant Lemoine DT-20" and never "détartrage" quoted the first bullet. Which passage answers is the
question's words' alone (`rag.search.answer`)."""

from __future__ import annotations

from collections.abc import Mapping

KIN_SHARE = 0.5
KIN_MIN_CHARS = 6  # the shorter stem: "command" and "commande", not "part" and "partenaire"


def kin_weight(terms: frozenset[str], weights: Mapping[str, float]) -> float:
    """`KIN_SHARE` of the weights of the question's terms (`weights`) that a sentence's `terms` lack but hold a kin
    of: a term one of whose start the other is, the shorter of `KIN_MIN_CHARS` at least."""
    return KIN_SHARE * sum(weight for question, weight in weights.items() if question not in terms and any(
        term != question and min(len(term), len(question)) >= KIN_MIN_CHARS
        and (term.startswith(question) or question.startswith(term)) for term in terms))


__all__ = ["KIN_MIN_CHARS", "KIN_SHARE", "kin_weight"]
