"""Fields: lines of a passage that name what they hold ("Téléphone : poste 5000", "Amount: Two months of rent"; a
spreadsheet's or CSV's row is read as such lines, `rag.corpus.formats.columns`), and the fields a question asks for.

A row read as fields answers a question about one of its cells: "qui est le responsable de la paie ?" of the row
headed "Paie", "Responsable : Claire Besson", "Téléphone : 04 72 10 20 16", "Adresse électronique :
paie@vernet-logistique.fr". The row's heading is no line of it, and the question's word that names the row
("paie") stood in one line only, inside the e-mail address, one token of which weighed as the line's own word:
the answer quoted the address. So, choosing where in a passage to look (`rag.search.snippets.best_windows`):

- a word a sentence holds only inside an e-mail or web address (`addressed`) counts `ADDRESS_SHARE` of its weight:
  it says whose address it is, which the sentence's own words do not;
- a field whose name the question asks for (`named`, `asked`) counts as holding the question's rarest word once more,
  as the model's window does: a kind of field's name in the question ("responsable", "téléphone"), or a word that
  asks for it (`rag.search.asking.asking`: French and English words for any question, "numéro" a "Téléphone", "qui"
  a "Responsable", "combien" a "Prix"; a question read as Spanish, German, ... its own language's too, "wer" an
  "Ansprechpartner").

Neither changes the question words' score that chooses the answer's passage (`rag.search.answer`). Words are
compared as the index's analyzer reads them (folded, stemmed), so "horaire" asks for "Horaires", "telephone" for
"Téléphone".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from rag.index.analyzer import Analyzer
from rag.search.asking import asking

ADDRESS_SHARE = 0.5
NAME_WORDS = 6  # a field's name is a few words: a longer run before a colon is a sentence announcing something
# A line opening on a name and a colon before its value: the name starts with a letter, may be set in bold, holds no
# colon, bar, "!" or "?" (a sentence the line's first is cut at its end already: "Tél. : ..." is a name); the colon is
# followed by a space (not "https://", "10:30").
_FIELD = re.compile(r"(?:\*\*|__)?([^\W\d_][^:|!?\n]{0,59}?)(?:\*\*|__)?[ \t\u00a0]*(?:\*\*|__)?:(?:\*\*|__)?"
                    r"[ \t\u00a0]+\S")
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:https?://|www\.)\S+", re.IGNORECASE)


def name(line: str) -> str | None:
    """The name a field's line opens on ("Téléphone" of "Téléphone : poste 5000", "Amount" of "**Amount:** Two
    months"), None for a line that names no field."""
    match = _FIELD.match(line)
    return match.group(1) if match is not None and len(match.group(1).split()) <= NAME_WORDS else None


def named(line: str, analyzer: Analyzer) -> frozenset[str]:
    """The terms of the name a field's line opens on (`name`), empty for a line that names no field."""
    found = name(line)
    return frozenset() if found is None else frozenset(analyzer.terms(found))


def addressed(sentence: str, terms: frozenset[str], analyzer: Analyzer) -> frozenset[str]:
    """Those of a sentence's `terms` that it holds only inside an e-mail or web address ("paie" of "Adresse
    électronique : paie@vernet-logistique.fr")."""
    if "@" not in sentence and "://" not in sentence and "www." not in sentence.casefold():
        return frozenset()
    return terms - frozenset(analyzer.terms(_ADDRESS.sub(" ", sentence)))


def asked(question: str, analyzer: Analyzer, language: str | None = None) -> frozenset[str]:
    """The terms of the field names `question`, read as `language` (the analyzer's when None), asks for: those
    naming a kind of field (`asking`) that a word of it names or asks for. Not any word of it: a price list's line
    names an item ("Code en ligne seul : 39 €"), and "l'examen du code est compris dans le forfait ?" asked for no
    such line (audit 54's a04 lost its answer so)."""
    words = frozenset(analyzer.terms(question)) | frozenset(analyzer.words(question))
    kinds = _kinds(analyzer, language or analyzer.language)
    return frozenset().union(*(names for names, asks in kinds if words & asks))


@lru_cache(maxsize=64)  # an analyzer per index, a few languages asked in: the table read once for each
def _kinds(analyzer: Analyzer, language: str) -> tuple[tuple[frozenset[str], frozenset[str]], ...]:
    """`asking(language)` as `analyzer` reads it: each kind's name terms, and the words and terms asking for it, none of
    one letter ("e" of "e-mail" is the Italian "è", the Portuguese "e")."""
    def read(words: Iterable[str]) -> frozenset[str]:
        text = " ".join(words)
        return frozenset(word for word in (*analyzer.terms(text), *analyzer.words(text)) if len(word) > 1)

    return tuple((frozenset(analyzer.terms(names)), read((names, asks))) for names, asks in asking(language))


__all__ = ["ADDRESS_SHARE", "NAME_WORDS", "addressed", "asked", "name", "named"]
