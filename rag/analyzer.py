"""Language-aware text analysis for lexical search: the same steps on passages and on questions.

casefold -> elision (l', qu', jusqu'...) -> accent folding -> words -> stopwords -> Snowball stem.
Accents are folded *before* stemming so that "acceptée" and "acceptee" reach the stemmer as the same word: a
question typed without accents matches a passage written with them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

from rag.errors import ConfigError

# language code -> (Snowball algorithm, bm25s stopword list name, elided articles)
_LANGUAGES: dict[str, tuple[str, str | None, tuple[str, ...]]] = {
    "fr": ("french", "STOPWORDS_FRENCH",
           ("l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu")),
    "en": ("english", "STOPWORDS_EN", ()),
    "de": ("german", "STOPWORDS_GERMAN", ()),
    "es": ("spanish", "STOPWORDS_SPANISH", ()),
    "it": ("italian", "STOPWORDS_ITALIAN", ("l", "d", "un", "all", "dell", "nell", "sull", "dall", "c")),
    "pt": ("portuguese", "STOPWORDS_PORTUGUESE", ()),
    "nl": ("dutch", "STOPWORDS_DUTCH", ()),
    "sv": ("swedish", "STOPWORDS_SWEDISH", ()),
    "da": ("danish", "STOPWORDS_DANISH", ()),
    "no": ("norwegian", "STOPWORDS_NORWEGIAN", ()),
    "ru": ("russian", "STOPWORDS_RUSSIAN", ()),
    "tr": ("turkish", "STOPWORDS_TURKISH", ()),
    "ca": ("catalan", None, ("l", "d", "s", "n", "m", "t")),
    "ro": ("romanian", None, ()),
    "fi": ("finnish", None, ()),
    "hu": ("hungarian", None, ()),
}
LANGUAGES = tuple(sorted(_LANGUAGES))
_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Lower case without diacritics: "Désabonnement à l’Œuvre" -> "desabonnement a l'oeuvre"."""
    text = text.casefold().replace("’", "'").replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class Analyzer:
    """Turns text into index terms for one language."""

    def __init__(self, language: str) -> None:
        if language not in _LANGUAGES:
            raise ConfigError(f"unsupported language {language!r}; choose one of {', '.join(LANGUAGES)}")
        algorithm, stopword_list, elisions = _LANGUAGES[language]
        self.language = language
        self._stemmer = Stemmer.Stemmer(algorithm)
        self._stopwords = _stopwords(stopword_list)
        self._elision = (re.compile(r"\b(?:" + "|".join(elisions) + r")'(?=\w)") if elisions else None)

    def words(self, text: str) -> list[str]:
        """Folded words, elisions removed, stopwords kept (for highlighting and fuzzy matching)."""
        folded = fold(text)
        if self._elision is not None:
            folded = self._elision.sub("", folded)
        return _WORD.findall(folded)

    def terms(self, text: str) -> list[str]:
        """Index terms: folded words, without stopwords and one-letter words, stemmed."""
        kept = [w for w in self.words(text) if len(w) > 1 and w not in self._stopwords]
        return [self._trim(stem) for stem in self._stemmer.stemWords(kept)]

    def _trim(self, stem: str) -> str:
        # Snowball strips "ée" but not its folded form "ee": trim final e's so both spellings meet
        if self.language == "fr" and len(stem) > 3:
            return stem.rstrip("e")
        return stem


@lru_cache(maxsize=None)
def _stopwords(name: str | None) -> frozenset[str]:
    if name is None:
        return frozenset()
    import bm25s.stopwords

    return frozenset(fold(w) for w in getattr(bm25s.stopwords, name))


__all__ = ["LANGUAGES", "Analyzer", "fold"]
