"""What every format parser gives: sections of lines, each line carrying its offsets in the text it indexes.

Parsers keep the offsets of what they keep, so that citations point at the exact place in the file.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace

from rag.passage import CELL_SEPARATOR


@dataclass(frozen=True, slots=True)
class Line:
    """A piece of text and where it stands in the source: `source[start:end]` contains `text`. `item`: a list item
    or a table row of a format whose items carry no bullet in their text (HTML, Word). `follows`: for the rest of
    the line before it, which the chunker cut at a sentence end or between words, what stood between the two (a
    space, or nothing within a word or after a Chinese full stop): a passage joins them so, not with a line break
    (None: a line of its own, or a piece after a word left out). `doubled`: where `source[start:end]` is `text` with
    the characters at these positions written as two (a quote inside a quoted CSV cell, `""`; an escape in a JSON
    string, `\\"`, `\\t`), in order, so that a piece of the line is cited exactly too. `opens_table`: the first row
    of a table of a format whose rows carry no bar of their own (HTML, Word, OpenDocument), so that back to back
    tables stay apart (`rag.passage.table_heads`)."""

    text: str
    start: int
    end: int
    item: bool = False
    follows: str | None = None
    doubled: tuple[int, ...] = ()
    opens_table: bool = False


PATH_SEPARATOR = " › "  # between the headings of a section's path, and after the document title in a label
# between a page's name and its site's in a title ("Moyens de paiement | MaBoutique", "Aide — Retours")
_TITLE_PARTS = re.compile(r"\s+[|–—·-]\s+")


@dataclass(slots=True)
class Section:
    """Lines under one heading (or under none, `heading=None`); `parents` are the headings it stands under,
    outermost first (a `###` under a `##`), which the reader puts in front of it (`heading_path`). `url`: the
    address of the section's own page, where a file holds several (a JSON record's `html_url`), cited instead of
    the document's. `shaped`: the heading's line, where its shape alone made it one (a plain-text title line,
    `formats.text.looks_like_title`), which a short document reads as text (`rag.corpus.short_documents`).
    `fields`: an FAQ entry's other values beside its answer, "Name : value" lines (a spreadsheet row's other
    columns, a JSON record's other keys: an id, its paraphrases, its state, a date), which the chunker embeds and
    indexes with each of its passages but keeps out of their text (`rag.passage.Chunk.fields`): an answer quotes
    the entry's answer, never its bookkeeping."""

    heading: str | None
    lines: list[Line] = field(default_factory=list)
    heading_start: int | None = None
    parents: tuple[str, ...] = ()
    url: str | None = None
    shaped: Line | None = None
    fields: list[Line] = field(default_factory=list)


class Outline:
    """The headings open at each level as a parser meets them: a heading closes those at its level and below, and
    stands under the ones still open."""

    def __init__(self) -> None:
        self._open: list[tuple[int, str]] = []

    def section(self, level: int, heading: str, heading_start: int | None = None) -> Section:
        """The section a heading of `level` (1 the outermost) opens, its parents filled in."""
        while self._open and self._open[-1][0] >= level:
            self._open.pop()
        section = Section(heading, heading_start=heading_start, parents=tuple(text for _, text in self._open))
        self._open.append((level, heading))
        return section

    def save(self) -> tuple[tuple[int, str], ...]:
        """The headings open now, for `restore`."""
        return tuple(self._open)

    def restore(self, saved: tuple[tuple[int, str], ...]) -> None:
        """Open again the headings `save` saw open, closing any opened since (a disclosure's summary, once its
        `<details>` closes)."""
        self._open = list(saved)


def heading_path(section: Section, title: str) -> str | None:
    """The section's heading behind the headings it stands under ("Express (Chronopost) › Délais" rather than a
    third "Délais"), leaving out a parent that repeats the document title, which the label shows already: the whole
    title, or the page's own name in a title that adds the site's ("Retours et remboursements – MaBoutique")."""
    if section.heading is None:
        return None
    kept = [parent for parent in section.parents if parent.strip() and not names_page(parent, title)]
    return PATH_SEPARATOR.join([*kept, section.heading])


def names_page(heading: str, title: str) -> bool:
    """Whether a heading names the page `title` names: the whole title, or the page's own name in a title that adds
    the site's ("Retours et remboursements – MaBoutique"), case and spacing aside."""
    return _folded(heading) in {_folded(part) for part in (title, *_TITLE_PARTS.split(title))}


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass
class Parsed:
    """What a parser found: the sections, and metadata the file declares about itself.

    `text` is the text the lines' offsets index when it is not the file's decoded text (the text extracted from a
    PDF or a Word document);
    `page_starts` the offset in it where each page begins, for paged formats, and `first_page` the first one's number
    (a deck whose slides PowerPoint numbers from another: "Number slides from" 0 to 9999);
    `blocks` whether each line is a block of its own (a paragraph, an item, a row: HTML, Word), never a piece of a
    hard-wrapped paragraph that runs on to the next line;
    `changes` what the parser repaired or left out, for the ingest report.
    """

    sections: list[Section]
    title: str | None = None
    url: str | None = None
    slug: str | None = None  # the page's path on its site, as a site generator's front matter gives it
    text: str | None = None
    page_starts: list[int] | None = None
    first_page: int = 1
    blocks: bool = False
    changes: list[str] = field(default_factory=list)


def _toggle(word: str) -> bool:
    """A word that is one symbol alone, as an accordion's toggle prints: a dash, "+", "−", "▾", "▸", "›", an icon
    font's glyph (a private use character) ...; not a degree sign ("Lavage à 30 °")."""
    return len(word) == 1 and word != "°" and (unicodedata.category(word) in ("Pd", "Sm", "So", "Co") or word in "‹›")


def unmarked(sections: list[Section]) -> list[Section]:
    """The sections with an accordion's toggle mark left out of their headings and of the headings they stand under:
    a symbol alone (`_toggle`) opening, or closing, two sibling headings or more (an accordion's items: at the same
    depth under the same heading), the same mark at the same end, as a page shows each question of an opened FAQ
    ("– Que faire si ma carte est bloquée ?", "Et mes abonnements ? ▾"). A mark on one heading alone is its text
    ("– 20 % sur la literie", "+ de 50 magasins"), as is a heading of a mark alone; lines keep theirs ("– texte", a
    list's item). Linear in the headings and their parents."""
    counts: Counter[tuple[int, str | None, int, str]] = Counter()
    for section in sections:
        words = (section.heading or "").split()
        if len(words) > 1:
            at = (len(section.parents), section.parents[-1] if section.parents else None)
            counts.update({(*at, 0, words[0]), (*at, -1, words[-1])})
    marks = {key for key, count in counts.items() if count > 1 and _toggle(key[3])}
    if not marks:
        return sections

    def bare(heading: str, depth: int, parent: str | None) -> str:
        words = heading.split()
        if len(words) > 1 and (depth, parent, 0, words[0]) in marks:
            heading = heading.strip().split(None, 1)[1]
            words = words[1:]
        if len(words) > 1 and (depth, parent, -1, words[-1]) in marks:
            heading = heading.strip().rsplit(None, 1)[0]
        return heading

    for section in sections:
        parents = section.parents
        if section.heading:
            section.heading = bare(section.heading, len(parents), parents[-1] if parents else None)
        section.parents = tuple(bare(parent, n, parents[n - 1] if n else None) for n, parent in enumerate(parents))
    return sections


def shifted(sections: list[Section], by: int) -> list[Section]:
    """`sections` (changed in place) with their offsets moved `by` characters on: the place of the text they index in
    a text that joins several (an e-book's chapters, a mailbox's messages)."""
    for section in sections:
        section.lines = [replace(line, start=line.start + by, end=line.end + by) for line in section.lines]
        section.fields = [replace(line, start=line.start + by, end=line.end + by) for line in section.fields]
        section.heading_start = None if section.heading_start is None else section.heading_start + by
        section.shaped = None if section.shaped is None else replace(
            section.shaped, start=section.shaped.start + by, end=section.shaped.end + by)
    return sections


def filed_under(sections: list[Section], title: str | None) -> list[Section]:
    """`sections` (changed in place) as the entries of one message among others (a mailbox's, a message attached to
    one): `title`, its subject, names those without a heading and heads the others ("Subject › heading"), unless
    the body opens on it (then once)."""
    for section in sections:
        if section.heading is None:
            section.heading = title
        elif title and not any(names_page(heading, title) for heading in (section.heading, *section.parents[:1])):
            section.parents = (title, *section.parents)
    return sections


def lines_with_offsets(text: str) -> list[Line]:
    """The non-blank lines of `text`, stripped, with their offsets (form feeds and other breaks end lines too)."""
    lines, pos = [], 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        stripped = body.strip()
        if stripped:
            lead = len(body) - len(body.lstrip())
            lines.append(Line(stripped, pos + lead, pos + lead + len(stripped)))
        pos += len(raw)
    return lines


__all__ = ["CELL_SEPARATOR", "PATH_SEPARATOR", "Line", "Outline", "Parsed", "Section", "filed_under",
           "heading_path", "lines_with_offsets", "names_page", "shifted", "unmarked"]
