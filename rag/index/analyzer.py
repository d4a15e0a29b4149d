"""Language-aware text analysis for lexical search: the same steps on passages and on questions.

casefold -> elision (l', qu', jusqu'...) -> accent folding -> words -> stopwords -> Snowball stem.
Accents are folded *before* stemming so that "acceptée" and "acceptee" reach the stemmer as the same word: a
question typed without accents matches a passage written with them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache, lru_cache

import Stemmer

from rag.errors import ConfigError
from rag.index.stems import corrected

# language code -> (Snowball algorithm, bm25s stopword list name, elided articles). A language without a bm25s list
# takes stopwords-iso's for its code; one outside this table (`py3langid` names it) no stemmer (`Analyzer`).
_LANGUAGES: dict[str, tuple[str | None, str | None, tuple[str, ...]]] = {
    "fr": ("french", "STOPWORDS_FRENCH",
           ("l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu")),
    "en": ("english", "STOPWORDS_EN", ()),
    "de": ("german", "STOPWORDS_GERMAN", ()),
    "es": ("spanish", "STOPWORDS_SPANISH", ()),
    "it": ("italian", "STOPWORDS_ITALIAN", ("l", "d", "un", "all", "dell", "nell", "sull", "dall", "c", "cos", "dov",
                                             "com", "quest", "quell", "anch", "dev")),
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
    "el": ("greek", None, ()),
    "pl": ("polish", None, ()),
    "cs": ("czech", None, ()),
    "lt": ("lithuanian", None, ()),
    "et": ("estonian", None, ()),
    "id": ("indonesian", None, ()),
    "ar": ("arabic", None, ()),
    "hy": ("armenian", None, ()),
    "eu": ("basque", None, ()),
    "ga": ("irish", None, ()),
    "hi": ("hindi", None, ()),
    "ne": ("nepali", None, ()),
    "fa": ("persian", None, ()),
    "sr": ("serbian", None, ()),
    "ta": ("tamil", None, ()),
    "eo": ("esperanto", None, ()),
}
LANGUAGES = tuple(sorted(_LANGUAGES))
# Languages that write a compound as one word ("Kontokündigung", "Überweisungslimit"): a question's compound that the
# index does not hold is read as its two parts when it holds both (`Analyzer.parts`). The letters that may join them
# ("Überweisung-s-limit") and the shortest part are checked on the German pages of tests/data/languages.
_COMPOUNDING = {"de": ("s", "es", "n", "en"), "nl": ("s", "en"), "sv": ("s",), "da": ("s", "e"), "no": ("s", "e")}
_PART_MIN_CHARS = 3
# German endings that stem like a word the index may hold, and make adjectives and participles, not compounds:
# "kostenlos" is no "kosten" + "los", "laufende" no "lauf" + "ende"; an "Ende" heads a compound after a joint only
# ("Monats-ende", "Woche-n-ende"). The others: "monatlich", "zahlbar", "fehlerhaft", "sparsam".
_SUFFIX_TAILS = {"de": frozenset({"los", "lich", "bar", "haft", "sam"})}
_JOINED_TAILS = {"de": frozenset({"end"})}
# Every cut of a word is stemmed: a cost in the square of its length, 70 ms for one word of 2,000 letters (the longest
# question), per request. "Donaudampfschifffahrtsgesellschaftskapitän" has 42; a longer run of letters is no compound.
_COMPOUND_MAX_CHARS = 48
# The languages with a bm25s list: told apart by their function words (`detect_language`, `question_language`), and
# folded before they are stemmed, as measured on French (the others' suffixes may carry diacritics: Polish "-ów").
_LISTED = tuple(language for language, (_, stopword_list, _) in _LANGUAGES.items() if stopword_list is not None)
_FOLDED_FIRST = frozenset((*_LISTED, "ca", "ro", "fi", "hu"))
# Below this share of a sample's words in the best bm25s stopword list (0.23 to 0.46 in the text of the languages
# listed, 0.05 in Polish, 0 in Greek), function words say too little: `py3langid` names the language.
LISTED_MIN_SHARE = 0.15
# Question words and the auxiliaries and function words questions are built with ("puis-je", "pouvez-vous",
# "chez"): frequent in questions, topical in no passage, stopwords on both sides. The Snowball stopword lists were
# made for documents and leave them in; left in, each is a word the corpus may not hold, and a question holding one
# looks less answerable (`rag.search.answerable`).
_QUESTION_WORDS = {
    "fr": {"quel", "quelle", "quels", "quelles", "lequel", "laquelle", "lesquels", "lesquelles", "combien",
           "comment", "pourquoi", "quand", "quoi", "koi", "dont", "est-ce", "peut", "peuvent", "faut", "fait", "faire",
           "puis", "pouvez", "pourriez", "pouvons", "veux", "veut", "voulez", "voudrais", "aimerais", "souhaite",
           "souhaiterais", "chez", "plusieurs", "peux", "pourrais", "pourrait", "dois", "doit", "doivent", "devez",
           "fais", "faites"},  # a chat's first person too ("je peux", "dois-je"), as the third person is
    "en": {"what", "which", "who", "whom", "whose", "when", "where", "why", "how", "does", "do", "did", "can",
           "could", "should", "would"},
    # NLTK's Spanish and German lists hold "qué", "cómo", "wie", "was", but not "cuánto", "wann", "warum", "gibt
    # (es)": left in, "cuánto" of a question matched "cuánto tarda ..., cuánto cuesta ..." in a page's introduction
    "es": {"cuánto", "cuánta", "cuántos", "cuántas", "cuáles", "puedo", "puede", "pueden", "podría", "podemos",
           "quiero", "quisiera", "hago", "hacer", "debo", "tengo", "puedes", "debe", "necesito", "necesita"},
    "de": {"wann", "warum", "wieso", "weshalb", "wieviel", "wieviele", "woher", "wohin", "womit", "wofür", "darf",
           "dürfen", "möchte", "gibt", "geht", "wer", "wen", "wem", "wessen"},
    # NLTK's lists lack these too: "posso" of 10 Italian questions in 48 matched the pages' "posso", "quanto" of 9
    # Portuguese ones was a word no passage holds (read as off-topic), as were Dutch "wanneer", "welke", "jullie"
    "it": {"cosa", "qual", "quali", "quando", "posso", "puoi", "può", "possono", "possiamo", "potete", "potrei",
           "devo", "deve", "devono", "dovrei", "voglio", "vorrei", "vuoi", "faccio", "fare", "fa", "po"},
    "pt": {"quanto", "quanta", "quantos", "quantas", "qual", "quais", "onde", "porque", "porquê", "posso", "pode",
           "podem", "podemos", "consigo", "devo", "deve", "quero", "queria", "gostaria", "preciso", "faço", "fazer",
           "pra"},
    "nl": {"wanneer", "waarom", "waar", "welke", "welk", "hoeveel", "hoelang", "kun", "moeten", "mag", "mogen",
           "jullie", "jij", "gaat"},
}
# How a language's special letters are typed on a keyboard without them: a German writes "fuer", "Kuendigung",
# "Strasse". Snowball's German stemmer reads "ue" as "ü" (both reach "kundig"), but a stopword is dropped before it
# is stemmed: "fuer" and "ueber" stayed in the question as words no passage holds ("für" is a stopword there).
_TRANSLITERATIONS = {"de": str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})}
# The courtesies a chat message wraps its question in ("Bonjour, ... svp ? Merci"): left out of questions only, so
# that a passage keeps its "merci" or "Hello" (a bank's name) and a question does not look off-topic for them.
_COURTESIES = {
    "fr": {"bonjour", "bonsoir", "salut", "coucou", "hello", "merci", "svp", "stp", "cordialement"},
    "en": {"hello", "hi", "hey", "thanks", "thank", "please", "regards", "cheers"},
    "es": {"hola", "buenas", "buenos", "gracias", "saludos", "porfa"},
    "de": {"hallo", "moin", "servus", "bitte", "danke", "grüße", "gruß"},
    "it": {"ciao", "salve", "grazie", "buongiorno", "buonasera", "favore", "gentilmente", "cortesemente", "saluti"},
    "pt": {"olá", "oi", "obrigado", "obrigada", "favor"},
    "nl": {"hallo", "hoi", "bedankt", "dank", "alvast", "alstublieft", "alsjeblieft", "aub", "graag", "groeten"},
}
# Function words told apart in `question_language` only, where a language's stopword list is short (Lucene's English
# list has no pronoun: "do you take credit cards?" holds none of its words).
_FUNCTION_WORDS = {
    "en": {"i", "me", "my", "mine", "you", "your", "yours", "we", "us", "our", "he", "him", "his", "she", "her", "its",
           "them", "am", "were", "been", "being", "have", "has", "had", "get", "got", "will", "may", "might", "must",
           "from", "about", "out", "up", "so", "than", "too", "very", "just", "any", "some", "all", "after", "before",
           "here", "also", "only", "because", "while", "without", "over", "again", "doesn", "don", "isn", "won",
           "there"},
}
# A word's letters and digits: an underscore joins words (`NIMBUS_LOG_LEVEL`, `currency_mismatch`, `timeout_seconds`
# in a documentation page's tables and code) that a question writes apart ("the default log level").
_WORD = re.compile(r"[^\W_]+")
# Characters that do not show and join what they stand in: a soft hyphen (HTML's &shy;, PDFs), zero-width spaces and
# joiners, a byte-order mark in mid-text. Left in, they cut "rem\u00adbour\u00adse\u00adment" into three words.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))


def _lower(text: str) -> str:
    """`fold` without removing diacritics: lower case, invisible characters out, apostrophes and ligatures as one."""
    return text.translate(_INVISIBLE).casefold().replace("’", "'").replace("œ", "oe").replace("æ", "ae")


def fold(text: str) -> str:
    """Lower case without diacritics or invisible characters: "Désabonnement à l’Œuvre" -> "desabonnement a
    l'oeuvre"."""
    decomposed = unicodedata.normalize("NFKD", _lower(text))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class Analyzer:
    """Turns text into index terms for one language."""

    def __init__(self, language: str) -> None:
        if language not in _LANGUAGES and language not in _identified():
            raise ConfigError(f"unsupported language {language!r}; choose one of {', '.join(LANGUAGES)}, or another "
                              "ISO 639-1 code that py3langid knows (no stemming then)")
        algorithm, _, elisions = _LANGUAGES.get(language, (None, None, ()))
        self.language = language
        self._stemmer = Stemmer.Stemmer(algorithm) if algorithm else None
        self._stopwords = _stopwords(language) | _spelt(language, _QUESTION_WORDS.get(language, ()))
        self._courtesies = _spelt(language, _COURTESIES.get(language, ()))
        self._elision = (re.compile(r"\b(?:" + "|".join(elisions) + r")'(?=\w)") if elisions else None)
        self._folded_first = language in _FOLDED_FIRST

    def words(self, text: str) -> list[str]:
        """Folded words, elisions removed, stopwords kept (for highlighting and fuzzy matching)."""
        return [fold(word) for word in self._words(text)] if not self._folded_first else self._words(text)

    def _words(self, text: str) -> list[str]:
        """Words as the stemmer reads them: folded, or lower case with diacritics if stemmed first (`_FOLDED_FIRST`)."""
        folded = fold(text) if self._folded_first else _lower(text)
        if self._elision is not None:
            folded = self._elision.sub("", folded)
        return _WORD.findall(folded)

    def terms(self, text: str) -> list[str]:
        """Index terms: folded words, without stopwords and one-letter words, stemmed; never an empty term (bm25s
        keeps "" for its padding)."""
        return self._stemmed(self._words(text))

    def question_terms(self, text: str) -> list[str]:
        """`terms` of a question, without the courtesies a chat message wraps it in ("Bonjour, ... svp ?"): the terms
        of `question_words`, which the lexical index reads."""
        return [term for _, term in self.question_words(text)]

    def question_words(self, text: str) -> list[tuple[str, str]]:
        """(word, term) of each of `question_terms`: the word as the stemmer read it (for `parts`)."""
        pairs = [(word, self._stemmed([word])) for word in self._question_words(text)]
        return [(word, term[0]) for word, term in pairs if term]

    def _question_words(self, text: str) -> list[str]:
        words = self._words(text)
        folded = words if self._folded_first else [fold(w) for w in words]
        return [w for w, plain in zip(words, folded, strict=True) if plain not in self._courtesies]

    def parts(self, word: str, holds: Callable[[str], bool]) -> tuple[str, str] | None:
        """A compound word of a question (as `question_words` gives it) read as two terms that `holds` knows:
        "kontokundigung" -> ("konto", "kundig"), "ueberweisungslimit" -> ("uberweis", "limit"), the letters joining
        them dropped; the split with the longest last part (the compound's head), None in a language that does not
        compound, without one, or for a word too long to be one. The word is cut before it is stemmed: the stem of
        the whole ("kontokund") ends elsewhere than its last part's ("kundig")."""
        joints = _COMPOUNDING.get(self.language)
        if joints is None or len(word) > _COMPOUND_MAX_CHARS:
            return None
        for cut in range(_PART_MIN_CHARS, len(word) - _PART_MIN_CHARS + 1):
            found = self._split(word, cut, joints, holds)
            # a joint read as the tail's first letters ("vertrag|sende") when it joins the head ("vertrags|ende")
            later = (self._split(word, cut + len(j), joints, holds) for j in joints if word.startswith(j, cut))
            if found is not None:
                return next((split for split in later if split is not None), found)
        return None

    def _split(self, word: str, cut: int, joints: tuple[str, ...], holds: Callable[[str], bool]
               ) -> tuple[str, str] | None:
        """`word` cut at `cut` into two held terms, the head with or without a joint, if it can be."""
        tail = self._stemmed([word[cut:]]) if len(word) - cut >= _PART_MIN_CHARS else []
        if not tail or not holds(tail[0]) or tail[0] in _SUFFIX_TAILS.get(self.language, ()):
            return None
        head = word[:cut]
        # German joins with "n" after an "e" only ("karte-n-sperre"): "montagn|achts" is no "montag" + "acht"
        joined = [head[:-len(j)] for j in joints if head.endswith(j) and (j != "n" or head[-2:-1] == "e")]
        for first in joined if tail[0] in _JOINED_TAILS.get(self.language, ()) else (head, *joined):
            stem = self._stemmed([first]) if len(first) >= _PART_MIN_CHARS else []
            if stem and holds(stem[0]):
                return stem[0], tail[0]
        return None

    def _stemmed(self, words: list[str]) -> list[str]:
        if self._folded_first:
            kept = [w for w in words if len(w) > 1 and w not in self._stopwords]
            stems = kept if self._stemmer is None else self._stemmer.stemWords(kept)
            return [term for term in map(self._trim, kept, stems) if term]
        kept = [w for w in words if len(w) > 1 and fold(w) not in self._stopwords]
        stems = kept if self._stemmer is None else self._stemmer.stemWords(kept)
        return [term for term in map(fold, stems) if term]

    def _trim(self, word: str, stem: str) -> str:
        """`stem` corrected where Snowball parts the forms of one word (`rag.index.stems`)."""
        return stem if self._stemmer is None else corrected(self.language, word, stem, self._stemmer.stemWord)


@cache
def _stopwords(language: str) -> frozenset[str]:
    """The language's bm25s list (Lucene's and NLTK's: short, function words only), else stopwords-iso's (longer),
    else none."""
    name = _LANGUAGES.get(language, (None, None, ()))[1]
    if name is None:
        import stopwordsiso

        return frozenset(fold(w) for w in stopwordsiso.stopwords(language)) if stopwordsiso.has_lang(language) \
            else frozenset()
    import bm25s.stopwords

    return _spelt(language, getattr(bm25s.stopwords, name))


def _spelt(language: str, words: Iterable[str]) -> frozenset[str]:
    """`words` folded, with their spellings without the language's special letters ("für": "fur" and "fuer")."""
    table = _TRANSLITERATIONS.get(language)
    lowered = {_lower(w) for w in words}
    return frozenset(fold(w) for w in lowered | ({w.translate(table) for w in lowered} if table else set()))


@cache
def _identified() -> frozenset[str]:
    """The languages `py3langid` tells apart."""
    import py3langid

    return frozenset(str(language) for language, _ in py3langid.rank(""))


def question_language(question: str, corpus_language: str, languages: Iterable[str] = _LISTED,
                      known: Callable[[str, str], bool] | None = None) -> str:
    """The language a question is written in, if one of `languages` other than the corpus's: the one with the most
    function words (stopwords and question words, of two letters or more) of its own in the question, which the
    corpus language does not share and the corpus does not hold as its own (`known(word, language)`: "the" is the
    folded "thé" of a French tea shop's pages; an English page's "the" is English, `rag.index.held`), more than the
    corpus language's own against it. "Is payment data encrypted?" asked of a French corpus is English; "carte
    sejour acceptee ?" (no function word) is the corpus's, as is any question asked of a corpus in a language
    without a list of function words.
    """
    ours = _function_words(corpus_language)
    if not ours:
        return corpus_language
    words, marked = _asked_words(question)
    best, lead = corpus_language, 0
    for language in languages:
        if language == corpus_language or not (apart := _apart(language, corpus_language))[0]:
            continue
        theirs_only, ours_only = apart
        if theirs_only.isdisjoint(words):  # most languages, for most questions: none of their words
            continue
        plain = marked if _plain(language) else set()  # "thé" is no English "the", whatever the corpus holds
        own = sum(w in theirs_only and w not in plain and not (known and known(w, language)) for w in words)
        if own > lead:  # else it cannot lead, whatever counts against it: one pass over the words, not two
            against = sum(w in ours_only for w in words)
            if own - against > lead:
                best, lead = language, own - against
    return best


@lru_cache(maxsize=64)  # read up to three times a question, for as many sets of languages (`rag.search.searcher`)
def _asked_words(question: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """A question's folded words of two letters or more, and those it writes with diacritics only ("thé")."""
    spelt = _WORD.findall(unicodedata.normalize("NFC", _lower(question)))
    marked = frozenset({fold(w) for w in spelt if not w.isascii()} - set(spelt))
    return tuple(w for w in _WORD.findall(fold(question)) if len(w) > 1), marked


@cache
def _plain(language: str) -> bool:
    """Whether every function word of `language`'s own lists is written without diacritics (English, Dutch): a word
    a question writes with some is none of them (`question_language`). False for a stopwords-iso language."""
    import bm25s.stopwords

    name = _LANGUAGES.get(language, (None, None, ()))[1]
    extra = _QUESTION_WORDS.get(language, set()) | _FUNCTION_WORDS.get(language, set())
    return name is not None and all(w.isascii() for w in (*getattr(bm25s.stopwords, name), *extra))


@cache
def _apart(language: str, corpus_language: str) -> tuple[frozenset[str], frozenset[str]]:
    """The function words of `language` the corpus language does not share, and the corpus language's it does not
    (`question_language` reads a question's words against both, for every answer's wording)."""
    theirs, ours = _function_words(language), _function_words(corpus_language)
    return theirs - ours, ours - theirs


@cache
def _function_words(language: str) -> frozenset[str]:
    if language not in _LANGUAGES:
        return frozenset()
    extra = _QUESTION_WORDS.get(language, set()) | _FUNCTION_WORDS.get(language, set())
    return _stopwords(language) | frozenset(fold(w) for w in extra)


def detect_language(texts: Iterable[str], sample_chars: int = 200_000) -> str:
    """The language whose stopwords (bm25s lists) cover most words of a sample of `texts`; when even the best covers
    less than `LISTED_MIN_SHARE` of them (a language without a list: Greek, Polish, Japanese...; or a corpus of
    reference pages, tables and lists, whose function words are few), the one `py3langid` names (French for a
    sample without any word).

    Stopword coverage is a crude but dependable detector over whole documents: function words make up a third
    to a half of running text in every language listed, and their lists barely overlap.
    """
    sample, size = [], 0
    for text in texts:
        sample.append(text[:5000])
        size += len(sample[-1])
        if size >= sample_chars:
            break
    text = " ".join(sample)
    words = _WORD.findall(fold(text))
    if not words:
        return "fr"
    best, best_share = "fr", 0.0
    for language in _LISTED:
        stopwords = _stopwords(language)
        share = sum(w in stopwords for w in words) / len(words)
        if share > best_share:
            best, best_share = language, share
    if best_share >= LISTED_MIN_SHARE:
        return best
    import py3langid

    return str(py3langid.classify(text)[0])


# What a document's language is read from (`document_language`): its first so many characters, enough function words
# to tell its language and a cost bounded per document whatever its length.
DOCUMENT_CHARS = 2000
# The fewest words (of two letters or more) to tell a document's language by: in fewer, a URL's `www` and `com` or a
# word shared by two lists decide (en_stackfaq's one-line answers read Portuguese or French; none of 20 words or more).
DOCUMENT_MIN_WORDS = 20
# What `py3langid` names text that is no language: figures, codes (`detect_language` on a table of numbers).
NO_LANGUAGE = frozenset({"vo", "zxx"})
_LETTERS = re.compile(r"[^\W\d_]{2,}")


def document_language(text: str) -> str | None:
    """The language of one document, read from the words of two letters or more of its first `DOCUMENT_CHARS`
    characters (`detect_language`: single letters, variables and initials, are stopwords of several languages);
    None when they are fewer than `DOCUMENT_MIN_WORDS` (a one-line note), or than the tokens made of digits (a table
    of dates, figures and codes), or what `py3langid` names no language (`NO_LANGUAGE`)."""
    head = text[:DOCUMENT_CHARS]
    words = _LETTERS.findall(head)
    if len(words) < max(DOCUMENT_MIN_WORDS, len(_WORD.findall(head)) - len(words)):
        return None
    language = detect_language([" ".join(words)])
    return None if language in NO_LANGUAGE else language


# `document_language` of one passage's text, cached: the same passages come back question after question (a heading
# read in its passage's language, `rag.search.answer.asks`; the rule of `answerable` a question's best passage picks)
passage_language = lru_cache(maxsize=4096)(document_language)


__all__ = ["DOCUMENT_CHARS", "LANGUAGES", "Analyzer", "detect_language", "document_language", "fold",
           "passage_language", "question_language"]
