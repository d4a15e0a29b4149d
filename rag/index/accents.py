"""Accents put back on a question before it is embedded, from the corpus's own spellings.

Users type French without accents ("carte de sejour"); BM25 folds accents on both sides and does not care, but the
embedding model reads "sejour" as another word than "séjour". At ingest, each unaccented word that the corpus writes
accented at least `RATIO` times as often as plain maps to its most frequent accented spelling (`spellings`); at query
time the text the model embeds has those words restored (`restore`); BM25 still gets the question as typed. Words of
web addresses and e-mail addresses are not counted, nor capitalised unaccented words (French often drops the
accents of capitals: "Etat"), so "a", "ou", "la", "donne" stay as typed: the corpus writes them plain too.

Measured by `scripts/eval/quality_sweep.py` and `rag eval --unaccented` (docs/EVALUATION.md). A build stores the table
as `accents.json`; a build without it embeds questions as typed.

A question typed in capitals ("COMBIEN COUTE LA LIVRAISON EXPRESS") is embedded in lower case, its first letter a
capital (`unshouted`): the model reads capitals as other tokens, and ranked a price table out of the first two.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

FILE = "accents.json"
RATIO = 10.0
_WORD = re.compile(r"\w+", re.UNICODE)
_ADDRESS = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+")


def strip_accents(text: str) -> str:
    """The text as typed on a keyboard without accents: "carte de séjour acceptée" -> "carte de sejour acceptee"."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def spellings(texts: Iterable[str], ratio: float = RATIO) -> dict[str, str]:
    """Unaccented word (casefolded) -> its most frequent accented spelling in `texts`, for the words written
    accented at least `ratio` times as often as plain; sorted by word, so that a build's file is reproducible."""
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    for text in texts:
        for word in _WORD.findall(_ADDRESS.sub(" ", text)):
            folded = word.casefold()
            if folded.isascii() and not word.islower():
                continue
            forms[strip_accents(folded)][folded] += 1
    out: dict[str, str] = {}
    for plain in sorted(forms):
        seen = forms[plain]
        ranked = sorted(seen.items(), key=lambda item: (-item[1], item[0]))
        best = next((word for word, _ in ranked if word != plain), None)
        if best is not None and seen[plain] * ratio < sum(n for word, n in ranked if word != plain):
            out[plain] = best
    return out


def restore(question: str, table: dict[str, str]) -> str:
    """`question` with each ASCII word the table knows written with its accents (the first letter's case kept)."""
    if not table:
        return question

    def put(match: re.Match[str]) -> str:
        word = match.group(0)
        found = table.get(word.casefold()) if word.isascii() else None
        if found is None:
            return word
        return found[0].upper() + found[1:] if word[0].isupper() else found

    return _WORD.sub(put, question)


def unshouted(question: str, min_letters: int = 12) -> str:
    """`question` in lower case with its first letter a capital when all its letters are capitals and there are at
    least `min_letters` of them (a short one, "CB VISA OK", is more likely acronyms); else as typed."""
    letters = [ch for ch in question if ch.isalpha()]
    if len(letters) < min_letters or not all(ch.isupper() for ch in letters):
        return question
    lowered = question.lower()
    first = next(i for i, ch in enumerate(lowered) if ch.isalpha())
    return lowered[:first] + lowered[first].upper() + lowered[first + 1:]


def save(table: dict[str, str], folder: Path) -> None:
    (folder / FILE).write_text(json.dumps(table, ensure_ascii=False, sort_keys=True), encoding="utf-8")


def load(folder: Path) -> dict[str, str] | None:
    """The table of a build, None for a build written without one."""
    path = folder / FILE
    if not path.is_file():
        return None
    table = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(table, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in table.items()):
        raise ValueError(f"{FILE} is not an object of strings")
    return table


__all__ = ["FILE", "RATIO", "load", "restore", "save", "spellings", "strip_accents", "unshouted"]
