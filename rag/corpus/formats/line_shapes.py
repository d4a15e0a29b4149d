"""The shapes of a plain-text line that tell what it may be: a numbered item ("3. ..."), an outline's heading ("3.1
Optique"), a bullet, a title; whether it ends a sentence, and whether it opens a block of lines. Shared by the reader
of plain text (`rag.corpus.formats.text`) and the finder of a legal text's articles (`rag.corpus.formats.articles`)."""

from __future__ import annotations

import re
from collections.abc import Container
from itertools import pairwise

from rag.corpus.formats.base import Line

# `text` runs from its first to its last non-blank character, matched greedily: a lazy `\S.*?` before `\s*$` tries
# every end and is quadratic in a long run of spaces
# A day written as an ordinal, as German and the Nordic languages write dates ("1. Januar 2026 gelten neue Preise",
# "31. Dezember"), opens no numbered item nor outline heading: a sentence wrapped before its date goes on there.
_DATE = r"(?!\d{1,2}\.\s+(?i:j[aä]nn?u?ar|feb(?:ruar|er)|m[aä]r[zs]|maerz|marts|april|ma[ij]|jun[ie]|jul[ie]|august|" \
        r"september|o[kc]tober|november|de[sz]ember|december)\b)"
NUMBERED = re.compile(r"^\s*" + _DATE + r"\d{1,3}[.)]\s+(?P<text>\S(?:.*\S)?)\s*$")
BULLET = re.compile(r"^\s*(?:[•·▪◦*\-–]\s+)")
# A numbered heading of an outline: "2.", "2.1", "2.1.3" (or "2)") then its title ("2.1 Délais de remboursement").
OUTLINE = re.compile(r"^\s*" + _DATE + r"(?P<number>\d{1,2}(?:\.\d{1,2}){0,3})[.)]?\s+(?P<text>\S(?:.*\S)?)\s*$")
SENTENCE_END = (".", "!", "?", ";", ":", ",", "…", "»", ")")
# A letter's or a message's salutation, alone or with up to three words ("Bonjour à tous", "Chère cliente", "Dear
# customers", "Madame, Monsieur", "Sehr geehrte Damen und Herren"): the shape of a title when it ends on no comma, and
# never one. A date line ("Mardi 12 mars 2024") still heads what follows it: a changelog's entry is named by its date.
GREETING = re.compile(
    r"(?i:bonjour|bonsoir|salut|coucou|hello|hi|hey|dear|chers?|ch[èe]res?|madame|monsieur|mesdames|messieurs|hola|"
    r"buenos\s+d[ií]as|buenas(?:\s+tardes)?|estimad[oa]s?|querid[oa]s?|hallo|guten\s+(?:tag|morgen|abend)|"
    r"sehr\s+geehrte[rs]?|ciao|salve|gentil[ei]|car[oa]|ol[áa]|prezad[oa]s?)(?:,?\s+\S+){0,3}")


# Words that leave a phrase open: a line ending on one is a sentence wrapped onto the next line ("Liebe Kundinnen und
# Kunden, ab dem" over "1. Januar 2026 gelten..."; "Pour toute question, contactez le"), never a title. Articles,
# prepositions and conjunctions only: a German title may end on a verb's particle ("Melden Sie sich an"), an English
# one on "in" or "on" ("Log in"), a French one on "une" ("À la une"), a plan on its letter ("Plan A").
_OPEN = frozenset([
    "le", "la", "les", "des", "du", "de", "à", "au", "aux", "et", "ou", "par", "pour", "sur", "dans", "avec", "sans",
    "sous", "chez", "vers", "dont",  # fr
    "the", "an", "of", "to", "for", "with", "by", "from", "and", "or", "into",  # en
    "der", "die", "das", "dem", "den", "des", "einem", "einen", "einer", "eines", "und", "oder", "zum", "zur", "vom",
    "im", "beim", "für", "von",  # de
    "el", "los", "las", "del", "al", "con", "por", "para", "y",  # es
    "il", "lo", "gli", "della", "dei", "delle", "alla", "dal", "nel", "nella", "per",  # it
])


def ends_open(text: str) -> bool:
    """Whether `text` ends on a word that leaves its phrase open (`_OPEN`): the line goes on on the next one."""
    words = text.rsplit(None, 1)
    return bool(words) and words[-1].casefold() in _OPEN


def titled(text: str) -> bool:
    """A title's shape: up to 80 characters and 12 words, opening on a capital, no sentence end, no greeting, no word
    that leaves the phrase open at its end."""
    return len(text) <= 80 and len(text.split()) <= 12 and text[0].isupper() and not text.endswith(SENTENCE_END) \
        and not GREETING.fullmatch(text) and not ends_open(text)


def heading_like(text: str) -> bool:
    """A heading's text (an outline's, an article's title): up to 100 characters and 14 words, opening on a capital,
    not ending a sentence but for a question."""
    return len(text) <= 100 and len(text.split()) <= 14 and text[0].isupper() and \
        (text.endswith("?") or not text.endswith(SENTENCE_END))


def short(text: str) -> bool:
    """A line of a block of short lines (an address, a list without bullets) or of a title and what stands under it
    (a subtitle, "Version en vigueur au 1er mars 2025" under a CGV's title in capitals): no sentence end, and under 60
    characters or of a title's length (80 characters, 12 words)."""
    return not text.endswith(SENTENCE_END) and (len(text) < 60 or (len(text) <= 80 and len(text.split()) <= 12))


def apart(line: Line, following: Line, source: str) -> bool:
    """Whether a blank line stands between two lines."""
    return "\n\n" in source[line.end:following.start].replace("\r", "")


# A line drawn under (or over and under) a heading in plain text, as reStructuredText and e-mails set them apart.
_RULE = re.compile(r"([=\-~^*#+])\1{2,}")
_BRACKETED_END = re.compile(r"\s*\([^()]*\)$")
_COLUMNS = re.compile(r"\S(?:\t| {3,})\S")  # words set apart by a tab or three spaces and more: a table's columns


def _drawn_heading(text: str) -> bool:
    """Whether a line over a rule reads as a heading: past its number ("1. Installation"), it reads as a heading
    but for a bracket closing it ("Version 2.1 (2024-03-01)"), and it is no row of columns."""
    numbered = OUTLINE.match(text)
    words = numbered["text"] if numbered else text
    return not _COLUMNS.search(words) and heading_like(_BRACKETED_END.sub("", words) or ".")


CODE_INDENT = 4  # a line indented this much is code, as Markdown reads it: its underline draws no heading


def _column(line: Line, source: str) -> int:
    return line.start - source.rfind("\n", 0, line.start) - 1


def underlined(lines: list[Line], source: str) -> tuple[dict[int, int], set[int]]:
    """The headings of plain text drawn as underlined lines ("Résilier mon contrat" over "===================="), by
    line, with their level; and the lines that draw them. A heading's line opens a block, reads as a heading
    (`heading_like`) and has right under it a rule of one character repeated, at least half as long as it (drawn for
    it: a rule under a long line of prose is a separator), maybe right over it too. Levels go by the order the
    styles first appear in the document, as reStructuredText reads them: the first style is level 1, the next new
    one level 2. A numbered line is read past its number ("1. Installation"); a bracket closing the line is no
    sentence's end ("Version 2.1 (2024-03-01)", a changelog's entry); a line of columns ("Désignation      Montant"
    over "-----") is a table's header row, and a line indented as code (`CODE_INDENT`), no heading. A rule under two
    lines at the file's top draws its title and subtitle (`_subtitled`): the first is the heading, the second its
    section's first line ("Version du 14/10/2024 - usage interne" under a canned replies file's title). Further down,
    two lines over a rule are a signature ("Marie Dupont / Service client"), a form's fields, as often as a heading."""
    headings: dict[int, int] = {}
    rules: set[int] = set()
    styles: list[tuple[str, bool]] = []
    for i in range(1, len(lines)):
        line, title = lines[i], lines[i - 1]
        if not _RULE.fullmatch(line.text) or _RULE.fullmatch(title.text) or i - 1 in headings or \
                apart(title, line, source) or 2 * len(line.text) < len(title.text) or \
                not _drawn_heading(title.text) or _column(title, source) >= CODE_INDENT:
            continue
        over = i >= 2 and lines[i - 2].text == line.text and not apart(lines[i - 2], title, source)
        at = i - 1 if (over and opens_block(lines, i - 2, source)) or opens_block(lines, i - 1, source) else \
            i - 2 if not over and _subtitled(lines, i, source) else None
        if at is None:
            continue
        style = (line.text[0], over)
        if style not in styles:
            styles.append(style)
        headings[at] = styles.index(style) + 1
        rules |= {i, i - 2} if over else {i}
    return headings, rules


def _subtitled(lines: list[Line], i: int, source: str) -> bool:
    """Whether the rule at line `i` is drawn under the file's title and its subtitle, its first two lines: the first
    has a title's shape (`titled`: no greeting, no sentence's end), the second reads as a heading and asks nothing,
    and the rule is at least half as long as the title."""
    if i != 2:
        return False
    title, subtitle = lines[0], lines[1]
    return titled(title.text) and _drawn_heading(title.text) and not subtitle.text.endswith("?") and \
        2 * len(lines[i].text) >= len(title.text) and not apart(title, subtitle, source)


# A text hard-wrapped at a width: 72 to 120 characters, as `rag.search.lines` measures it for snippets; a wrapped
# line fills the width but for about the word that did not fit.
WRAP_MIN_WIDTH = 60
WRAP_SLACK = 15


def wrap_width(lines: list[Line], source: str) -> int | None:
    """The width a plain text is hard-wrapped at: its longest line's, when that is a text's width (`WRAP_MIN_WIDTH`)
    and a line within `WRAP_SLACK` characters of it goes on in lowercase on the next, no blank line between (a
    break only wrapping makes); else None."""
    width = max((len(line.text) for line in lines), default=0)
    if width < WRAP_MIN_WIDTH:
        return None
    return width if any(len(a.text) >= width - WRAP_SLACK and _goes_on(a, b, source) and b.text[:1].islower()
                        for a, b in pairwise(lines)) else None


def runs_on(lines: list[Line], i: int, source: str, width: int | None) -> bool:
    """Whether line `i` is a hard-wrapped sentence's first line, which the next goes on with: no blank line nor
    sentence end between them, the next no bullet nor numbered line, and it opens in lowercase ("2.1 Online orders:
    you can return most items within 30 days" / "of the day you receive them"), or line `i` ends on a word that
    leaves its phrase open ("... between 1 November and" / "24 December"), or fills the `width` the text is wrapped
    at and the next opens on no capital (a number, a quote): a long numbered title over a sentence ("1.1 Champ
    d'application des présentes conditions générales" / "Le présent contrat ...") stays a heading. A numbered line
    so is a clause, not an outline's heading."""
    if i + 1 >= len(lines) or not _goes_on(lines[i], lines[i + 1], source):
        return False
    line, following = lines[i].text, lines[i + 1].text
    return following[:1].islower() or ends_open(line) or (width is not None and len(line) >= width - WRAP_SLACK and
                                                         not following[:1].isupper())


def _goes_on(line: Line, following: Line, source: str) -> bool:
    """No blank line nor sentence end between two lines, the second no item: no bullet, no numbered line ("3.", "3.1
    ..."; a bare number goes on with a sentence, "... between 1 November and" / "24 December can be returned")."""
    numbered = OUTLINE.match(following.text)
    return not apart(line, following, source) and not line.text.endswith(SENTENCE_END) and \
        not BULLET.match(following.text) and not NUMBERED.match(following.text) and \
        not (numbered and "." in numbered["number"])


def opens_block(lines: list[Line], i: int, source: str, after: Container[int] = frozenset()) -> bool:
    """Whether line `i` opens a block: the first line, or after a blank line, a sentence's end, an outline's heading
    or one of the lines `after` (a heading's, found so)."""
    if i == 0:
        return True
    previous = lines[i - 1]
    return apart(previous, lines[i], source) or previous.text.endswith(SENTENCE_END) or \
        bool(OUTLINE.match(previous.text)) or i - 1 in after


__all__ = ["BULLET", "CODE_INDENT", "GREETING", "NUMBERED", "OUTLINE", "SENTENCE_END", "apart", "ends_open",
           "heading_like", "opens_block", "runs_on", "short", "titled", "underlined", "wrap_width"]
