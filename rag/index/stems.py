"""Snowball's stems corrected where, language by language, it parts the forms of one word a reader asks by.

Each correction is measured on the help pages of tests/data/languages, English ones on audit 57's and en_stackfaq
(docs/EVALUATION.md), and applies to passages and questions alike (`rag.index.analyzer.Analyzer`): a change here
changes what an index holds, and bumps `rag.index.lexical.LAYOUT`.
"""

from __future__ import annotations

import re
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
    if language == "en" and (american := _american(word)) != word:
        return stem_word(american)
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


# British spellings, which Snowball stems apart from the American ones a reader may type ("personalised" ->
# "personalis", "personalized" -> "person"; "colour", "color"; "centre", "center"): the word is stemmed as its
# American spelling, whichever a page or a question writes. Whole families of endings, as the spelling rules go:
# -ise/-isation after a consonant (the verbs whose "-ise" is no "-ize", `_ISE_KEPT`, stay: "advertise", "surprise",
# "exercise"; after a vowel it never is: "appraise", whose "appraisal" Snowball stems alike, "cruise", "malaise"),
# -yse, -our (not "hour", "tour", "four", "your": one letter before it; nor "flour", "scour"), -tre and -bre, -logue,
# -ence of the four nouns that have it, and a few words of their own.
_ISE = re.compile(r"^(?P<base>[a-z]{2,}[b-df-hj-np-tv-z])is(?P<end>e|es|ed|ing|er|ers|ation|ations|ational)$")
_ISE_KEPT = frozenset((
    "advert", "adv", "appr", "ar", "chast", "circumc", "compr", "comprom", "conc", "dem", "desp", "dev", "disgu",
    "enterpr", "exc", "exerc", "expert", "franch", "improv", "inc", "merchand", "otherw", "parad", "po", "pra", "prec",
    "prem", "prom", "ra", "repr", "rev", "r", "superv", "surm", "surpr", "telev", "treat", "w", "no", "cru", "bru",
    "chem", "val", "an", "mort", "torto", "porpo", "turquo", "sunr", "upr", "likew", "clockw", "pract"))
_YSE = re.compile(r"^(?P<base>[a-z]{2,})ys(?P<end>e|es|ed|ing|er|ers)$")
_OUR = re.compile(r"^(?P<base>(?!(?:fl|sc)our)[a-z]{2,})our"
                  r"(?P<end>|s|ed|ing|ite|ites|ful|fully|able|ably|less|er|ers|ist|ists|al|ally|hood|hoods|y|ism)$")
_TRE = re.compile(r"^(?P<base>[a-z]{2,}[tb])re(?P<end>|s|d)$")
_LOGUE = re.compile(r"^(?P<base>[a-z]{2,}log)ue(?P<end>|s|d)$")
_WORDS = {"licence": "license", "licences": "licenses", "defence": "defense", "defences": "defenses",
          "offence": "offense", "offences": "offenses", "pretence": "pretense", "practise": "practice",
          "practised": "practiced", "practises": "practices", "practising": "practicing", "programme": "program",
          "programmes": "programs", "jewellery": "jewelry", "grey": "gray", "aluminium": "aluminum",
          "enrol": "enroll", "enrols": "enrolls", "enrolment": "enrollment", "enrolments": "enrollments",
          "fulfil": "fulfill", "fulfils": "fulfills", "fulfilment": "fulfillment", "instalment": "installment",
          "instalments": "installments", "skilful": "skillful", "timbre": "timbre"}


def _american(word: str) -> str:
    """`word` in its American spelling if it is written in a British one, else `word`."""
    if (known := _WORDS.get(word)) is not None:
        return known
    if (match := _ISE.match(word)) and match["base"] not in _ISE_KEPT:
        return f"{match['base']}iz{match['end']}"
    if match := _YSE.match(word):
        return f"{match['base']}yz{match['end']}"
    if match := _OUR.match(word):
        return f"{match['base']}or{match['end']}"
    if match := _TRE.match(word):
        return f"{match['base']}er{'e' + match['end'] if match['end'] == 'd' else match['end']}"
    if match := _LOGUE.match(word):
        return f"{match['base']}{'ged' if match['end'] == 'd' else match['end']}"
    return word


__all__ = ["corrected"]
