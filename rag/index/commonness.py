"""How common a word is in its language, whatever the corpus: among a question's words that the index lacks, an
everyday word ("ouvert", "écrire", "bloquez") that the model can bridge to the corpus's wording, or a name or jargon
("woocommerce", "ACPR", "NovaBanque") that the corpus does not treat.

The frequencies are wordfreq's small lists (`wordfreq.get_frequency_dict(language, "small")`: some 30,000 words a
language, those of Zipf 3 and above, i.e. once per million words; Zipf is log10 of the frequency per billion words). A
term's frequency is its word family's: the sum over the list's words that the language's analyzer reads as that term
(folded and stemmed, as the index reads them): "bloquez" alone is below the list's floor, its family (bloquer, bloqué,
bloque, ...) reads 4.7; "ecrire" typed without its accent is "écrire"'s term. A language wordfreq has no list for
holds no common term: every word its index lacks counts as rare, as before this split.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

from rag.index.analyzer import Analyzer

COMMON_ZIPF = 4.0  # once per 100,000 words
_WORDFREQ_CODES = {"no": "nb"}  # the analyzer's Norwegian is Bokmål


@functools.cache
def family_zipf(language: str) -> dict[str, float]:
    """Term (as `Analyzer(language)` reads a word) -> the Zipf frequency of its word family; empty for a language
    without a list. Built once a process: 0.2 to 0.6 s and 2 to 8 MB a language."""
    import wordfreq  # 11 MB once imported: only for a search

    # the list read as it is stored (`read_cBpack`: the words of each frequency, in steps of a centibel), not through
    # `get_frequency_dict`, whose language-code matching loads langcodes' tables (25 MB) and which keeps every list
    files = wordfreq.available_languages("small")
    file = files.get(_WORDFREQ_CODES.get(language, language))
    if file is None:
        return {}
    analyzer = Analyzer(language)
    sums: dict[str, float] = {}
    for centibels, words in enumerate(wordfreq.read_cBpack(file)):
        frequency = 10.0 ** (-centibels / 100)
        for word in words:
            terms = analyzer.terms(word)
            if len(terms) == 1:  # a stopword has none; "aujourd'hui" two
                sums[terms[0]] = sums.get(terms[0], 0.0) + frequency
    return {term: math.log10(frequency) + 9.0 for term, frequency in sums.items()}


def rare_share(question_terms: Sequence[str], unknown_terms: Sequence[str], language: str,
               cut: float = COMMON_ZIPF) -> float:
    """The share of the question's distinct terms that the index lacks (`unknown_terms`) and whose word family is
    below Zipf `cut` in `language`: names, jargon, words of another language (0 for a question without terms)."""
    distinct = set(question_terms)
    if not distinct:
        return 0.0
    zipf = family_zipf(language)
    return sum(zipf.get(term, 0.0) < cut for term in set(unknown_terms)) / len(distinct)


__all__ = ["COMMON_ZIPF", "family_zipf", "rare_share"]
