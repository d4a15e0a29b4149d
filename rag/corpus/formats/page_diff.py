"""A wiki's page-diff export read in its new wording: Confluence's "Versions Compared" view saved as plain text.

The view shows a legend on top, `...` where it elides unchanged text, and each change's removed words (struck
through) right before the words that replace them, both as plain text once exported, with no mark of which is
which: "Quel document Quels documents d'identité sont valable valables /accepté ?". Where a run of words is
followed at once by the same run with some word inflected (an ending of one or two letters added or taken away:
"document" and "documents", "prévu" and "prévus"), the export shows an old wording then its new one, and the new
one is read: "Quels documents d'identité sont valables /acceptés ?". Repeated words of one form ("nous nous",
"vous vous") are no change; nor are words of one stem neither of which is the other with an ending ("semis" and
"semer", "followers" and "following"), nor short words ("de" and "des", "the" and "then"). A word replaced by
another ("mon l'achat") is not told from running text, and stays.

Only the headings' and lines' text changes: a line keeps its offsets, cut in two around the old wording it holds
(`Line.follows`), so that a citation still points into the file.
"""

from __future__ import annotations

import re
from dataclasses import replace

from rag.corpus.formats.base import Line, Parsed, Section
from rag.corpus.formats.line_shapes import BULLET

# The legend a Confluence-style page-diff view puts on top of its export, its first line the first of the file.
_LEGEND = {
    "versions compared",
    "key",
    "this line was added.",
    "this line was removed.",
    "formatting was changed.",
}
# A word (letters and digits) or a mark of punctuation: the two runs of a change match mark for mark too
_TOKEN = re.compile(r"[^\W_]+|[^\w\s]")
# The longest run of words read as one change: the seed export's is two ("Quel document Quels documents"); a longer
# run's each word of the same stem as the next run's is as rare in a change as outside one
_RUN_MAX = 4
# The shorter word of an inflected pair, at least: "the" and "then", "que" and "quel", "par" and "Paris", "des" and
# "de", each two words, stand side by side in running text
_WORD_MIN_CHARS = 4
# An inflection's ending, at most: a plural's "s" or "x", a feminine's "e", "es", "ed" ("prévu" and "prévus", which
# Snowball's French stems part; "accepté" and "acceptées")
_ENDING_MAX_CHARS = 2


def is_page_diff(lines: list[Line]) -> bool:
    """Whether a text's lines open on a page-diff view's legend ("Versions Compared")."""
    return bool(lines) and lines[0].text.casefold() == "versions compared"


def without_legend(lines: list[Line]) -> list[Line]:
    """The lines after the legend a page-diff export opens on (the run of legend lines at the top)."""
    start = 0
    while start < len(lines) and BULLET.sub("", lines[start].text).strip().casefold() in _LEGEND:
        start += 1
    return lines[start:]


def in_new_wording(parsed: Parsed) -> Parsed:
    """`parsed`, a page-diff export's, with its headings, title and lines read in their new wording."""
    def heading(text: str) -> str:
        return "".join(text[a:b] for a, b in _kept(text))

    sections = [replace(section, heading=None if section.heading is None else heading(section.heading),
                        parents=tuple(map(heading, section.parents)), lines=_lines(section))
                for section in parsed.sections]
    return replace(parsed, sections=sections, title=None if parsed.title is None else heading(parsed.title))


def _lines(section: Section) -> list[Line]:
    """The section's lines, each cut around the old wordings it holds: the pieces kept, joined by a space."""
    lines = []
    for line in section.lines:
        spans = _kept(line.text)
        if len(spans) == 1:
            lines.append(line)
            continue
        for n, (a, b) in enumerate(spans):
            piece = line.text[a:b]
            lead, trail = len(piece) - len(piece.lstrip()), len(piece) - len(piece.rstrip())
            if piece.strip():
                lines.append(replace(line, text=piece.strip(), start=line.start + a + lead,
                                     end=line.start + b - trail, follows=line.follows if n == 0 else " ",
                                     item=line.item and n == 0, opens_table=line.opens_table and n == 0))
    return lines


def _kept(text: str) -> list[tuple[int, int]]:
    """The spans of `text` its new wording keeps, in order: all of it but each old run of words a changed run
    follows (`_changed`). Linear in the text's length (`_RUN_MAX` runs tried at each word)."""
    tokens = [(m.start(), m.group().casefold()) for m in _TOKEN.finditer(text)]
    spans, start, i = [], 0, 0
    while i < len(tokens):
        n = next((n for n in range(1, _RUN_MAX + 1) if _changed(tokens, i, n)), 0)
        if n:
            spans.append((start, tokens[i][0]))
            start = tokens[i + n][0]
        i += max(n, 1)
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if a < b]


def _changed(tokens: list[tuple[int, str]], i: int, n: int) -> bool:
    """Whether the `n` tokens from `i`, opening on a word, are an old wording the next `n` replace: the same words
    and marks in the same order but for an ending (`_inflected`), one word at least inflected."""
    if i + 2 * n > len(tokens) or not tokens[i][1][0].isalnum():
        return False
    pairs = [(old, new) for (_, old), (_, new) in zip(tokens[i:i + n], tokens[i + n:i + 2 * n], strict=True)]
    return all(old == new or _inflected(old, new) for old, new in pairs) and any(old != new for old, new in pairs)


def _inflected(old: str, new: str) -> bool:
    """Whether two words (case folded) are one with an ending added to the other ("valable", "valables")."""
    short, long = sorted((old, new), key=len)
    ending = long[len(short):]
    return len(short) >= _WORD_MIN_CHARS and long.startswith(short) and ending.isalpha() and \
        len(ending) <= _ENDING_MAX_CHARS


__all__ = ["in_new_wording", "is_page_diff", "without_legend"]
