"""Kin words: a passage's word whose stem and a question word's are one the other's start, though the stemmer left
them apart ("détartrant" and "détartrage": "detartr", "detartrag"). Where in a passage to look for the answer
(`rag.search.snippets.best_windows`) counts a kin word at `KIN_SHARE` of its question word's weight, for a sentence
that does not hold the word itself: "produit detartrage" of a slide "Détartrage" whose bullets say "Utiliser
uniquement le détartrant Lemoine DT-20" and never "détartrage" quoted the first bullet. Which passage answers is the
question's words' alone (`rag.search.answer`).

Kin are close: the shorter stem of `KIN_MIN_CHARS` at least, the longer one at most `KIN_MAX_EXTRA` letters more (an
ending the stemmer left: "detartrag" of "detartr"). A shorter or a farther start says another word: "intern" is no
kin of "internacional" nor "internet", "depart" of "departur", "secret" of "secretari", "arbeit" of "arbeitgeb"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

KIN_SHARE = 0.5
KIN_MIN_CHARS = 7  # the shorter stem: "detartr" and "detartrag", not "intern" and "internet", "part" and "partenair"
KIN_MAX_EXTRA = 3  # letters the longer stem has more: an ending ("ag", "ation"'s stem), not another word's ("acional")


def kin_weights(sentences: Sequence[frozenset[str]], weights: Mapping[str, float]) -> list[float]:
    """For each sentence's terms, `KIN_SHARE` of the weights of the question's terms (`weights`) that the sentence
    lacks but holds a kin of. Linear in the terms' letters: each term's starts of kin length are looked up, never a
    question term against each of a sentence's."""
    started: dict[str, set[str]] = {}  # a start of kin length of a question term -> the question terms it starts
    for question in weights:
        for start in _starts(question):
            started.setdefault(start, set()).add(question)
    found: list[float] = []
    for terms in sentences:
        kin: set[str] = set()
        for term in terms:
            kin |= started.get(term, set())  # question terms this one starts
            kin.update(start for start in _starts(term) if start in weights)  # question terms that start this one
        found.append(KIN_SHARE * sum(weights[question] for question in kin - terms))
    return found


def _starts(term: str) -> list[str]:
    """The starts of `term` that may be a kin's whole stem: of `KIN_MIN_CHARS` at least, `KIN_MAX_EXTRA` at most
    shorter than it, never all of it."""
    return [term[:n] for n in range(max(KIN_MIN_CHARS, len(term) - KIN_MAX_EXTRA), len(term))]


__all__ = ["KIN_MAX_EXTRA", "KIN_MIN_CHARS", "KIN_SHARE", "kin_weights"]
