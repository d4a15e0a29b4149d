"""Snowball's stems corrected where, language by language, it parts the forms of one word a reader asks by.

Each correction is measured on the help pages of tests/data/languages (docs/EVALUATION.md) and applies to passages and
questions alike (`rag.index.analyzer.Analyzer`): a change here changes what an index holds, and bumps
`rag.index.lexical.LAYOUT`.
"""

from __future__ import annotations

from collections.abc import Callable

# Dutch consonants after which a final "t" is a verb's ending, not the word's: the present of "je"/"hij" ("je logt",
# "hij vraagt", "het duurt", "wordt", "betaalt") and past participles ("gebruikt"), which Snowball keeps ("logt",
# "log"). Not after "s" or "n" ("gast" is no "gas", "kant" no "kan", "plant" no "plan"), nor a vowel ("wet", "straat").
_DUTCH_VERB_T = frozenset("bdfghklmpr")


def corrected(language: str, word: str, stem: str, stem_word: Callable[[str], str]) -> str:
    """`stem`, Snowball's of `word` (folded first), as the forms of its word share it; `stem_word` stems a word as
    Snowball does."""
    # Snowball strips "ée" but not its folded form "ee": trim final e's so both spellings meet ("eeeee" stays)
    if language == "fr" and len(stem) > 3:
        return stem.rstrip("e") or stem
    # Portuguese writes a verb's c and g as "qu" and "gu" before e and i ("pagar", "paguei"; "clicar", "clique"),
    # which Snowball keeps: "paguei" stemmed "pagu", "pagar" "pag" ("água", whose "u" an "a" follows, stays)
    if language == "pt" and stem.endswith(("qu", "gu")) and word.startswith(stem) \
            and word[len(stem):len(stem) + 1] in ("e", "i"):
        return stem[:-2] + ("c" if stem[-2] == "q" else "g")
    if language == "nl":
        return _dutch(word, stem, stem_word)
    return stem


def _dutch(word: str, stem: str, stem_word: Callable[[str], str]) -> str:
    # Snowball strips the "s" of a singular ("fiets" -> "fiet", "adres" -> "adr", "kans" -> "kan") but keeps it in
    # the stem of its plural ("fietsen" -> "fiets", "adressen" -> "adres"): a stem in "s" left by an ending is
    # stemmed again, as the singular it is
    if stem.endswith("s") and stem != word:
        stem = stem_word(stem)
    if len(stem) > 3 and stem.endswith("t") and stem[-2] in _DUTCH_VERB_T:
        return stem[:-1]
    return stem


__all__ = ["corrected"]
