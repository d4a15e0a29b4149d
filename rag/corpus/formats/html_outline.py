"""What `rag.corpus.formats.html` makes of the headings it reads: an element whose class (or id) names a section's
title (`<div class="title">`, `<div class="page-title">`, `<span class="section-title">`, `<p class="heading">`, on a
page built of `<div>`s without `<hN>`) heads what follows it, at the level its name says (`title_level`), under the
`<hN>` read before it (a Confluence callout's `<p class="title">`) and above the bold lines after it; a heading
that heads nothing, not even the headings after it (a bold line, a summary, such a title), is a line of the section
before (`unheaded`); a Confluence export's title loses its space's name (`confluence_title`). And the marks of the
page the reader goes by (a widget's link, a Google Docs comment's id, an element's id, zero-width characters)."""

from __future__ import annotations

import re
from itertools import pairwise

from rag.corpus.formats.base import Line, Section
from rag.corpus.formats.furniture import Region
from rag.corpus.formats.html_tags import BLOCKS

# what marks a link that only works a widget of the page (a tab, an accordion's panel), not a jump to a section
WIDGET_LINK = ("data-toggle", "data-bs-toggle", "aria-controls", "role")
GOOGLE_COMMENT = re.compile(r"cmnt(?P<mark>_ref)?\d+")  # a Google Docs comment's id, its mark's in the text
# a <summary> heads its <details> under every heading open, <h6> and the titles named by class included
SUMMARY_LEVEL = 10
ID = re.compile(r"""\sid=["']?([^"'\s<>]+)""")  # where an element's id is set: a control's panel follows it
NESTED = 64  # panels open at once, at most, read as a control's (a hostile page nests thousands)
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"  # zero-width characters: a line of these only is a spacer (Wix's)
# the words of a class (or id) that names a section's title ("title", "page-title", "sous-titre"), and those that may
# stand beside them: where on the page it stands, and the title's level (a page's title the top, a subtitle under a
# title); a title of anything else ("title-bar", "tooltip-title", "card-title", "product-title") is text
_TITLE_WORDS = {"title", "titre", "titel", "titulo", "heading", "headline", "subtitle", "subheading", "soustitre"}
_PAGE_WORDS = {"page", "main", "headline"}
_SUB_WORDS = {"sub", "sous", "subtitle", "subheading", "soustitre"}
_PLACE_WORDS = _PAGE_WORDS | _SUB_WORDS | {"section", "block", "bloc", "chapter", "part", "entry", "article"}
_NAME_WORD = re.compile(r"[-_\s]+|(?<=[a-z])(?=[A-Z])")  # "page-title", "section_title", "pageTitle"


def title_level(named: dict[str, str | None]) -> int:
    """The level of the heading an element's class or id names it (1 a page's title, 2 a section's, 3 a subtitle, on a
    page of no <hN> before it: `Titling` sets it under those), 0 if none does: all the words of one of its names are
    title words or words that place a title, one at least a title word."""
    for name in (*(named.get("class") or "").split(), named.get("id") or ""):
        words = {word.lower() for word in _NAME_WORD.split(name) if word}
        if words & _TITLE_WORDS and words <= _TITLE_WORDS | _PLACE_WORDS:
            return 1 if words & _PAGE_WORDS else 3 if words & _SUB_WORDS else 2
    return 0


class Titling:
    """The element whose class (or id) names a title being read (`title_level`), and whether the block open holds text
    in it, outside links, and no other text: a title holding blocks, a link ("<a class="title">" in a list of links)
    or a sentence's other words is text."""

    def __init__(self) -> None:
        self._element = Region()
        self._level = 0  # its level, 0 once a block opens in it
        self._links = 0  # links open
        self._titled = self._untitled = False
        self.headed = False  # whether an <hN> was read: the titles after it stand under those (a callout's title)

    def start(self, tag: str, named: dict[str, str | None]) -> None:
        self._links += tag == "a" and "href" in named
        if self._element.tag is None and (level := title_level(named)):
            self._element, self._level = Region(tag), level
        else:
            self._element.start(tag)
            self._level = 0 if self._element.tag is not None and tag in BLOCKS else self._level

    def end(self, tag: str) -> None:
        self._links -= tag == "a" and self._links > 0
        self._element.end(tag)

    def text(self) -> None:
        """Words read in the block open."""
        titling = self._element.tag is not None and self._level > 0 and not self._links
        self._titled, self._untitled = self._titled or titling, self._untitled or not titling

    def level(self) -> int:
        """The level of the heading the block just read is, 0 if it is none; the block's words are forgotten."""
        level = self._level if self._titled and not self._untitled else 0
        self._titled = self._untitled = False
        return level + 6 * (self.headed and level > 0)


def unheaded(sections: list[Section], ends: dict[int, int]) -> None:
    """A heading of `ends` (where its text ends, by its section) that heads nothing, neither lines nor the headings
    after it that are kept (an `<hN>` heading nothing is not), is a line of the section before it, as a Word
    document's bold line is."""
    kept = [True] * len(sections)  # whether a section's heading stays in what is read: by its lines, or as a line
    for at in range(len(sections) - 1, 0, -1):
        kept[at] = bool(sections[at].lines) or id(sections[at]) in ends or (at + 1 < len(sections) and kept[at + 1]
                                                                             and _heads(sections[at], sections[at + 1]))
    for at, (before, section) in enumerate(pairwise(sections), 1):
        nested = at + 1 < len(sections) and kept[at + 1] and _heads(section, sections[at + 1])
        if not section.lines and id(section) in ends and not nested:
            before.lines.append(Line(section.heading or "", section.heading_start or 0, ends[id(section)]))


def _heads(section: Section, after: Section) -> bool:
    return after.parents[len(section.parents):][:1] == (section.heading,)


def confluence_title(sections: list[Section], title: str) -> str:
    """A Confluence export's title without its space's name ("Espace RH : Congés payés": "Congés payés"); its `<h1>`
    says it too, the page's heading and the parent of its sections."""
    space, title = title.split(" : ", 1)
    for section in sections:
        section.heading = title if section.heading == f"{space} : {title}" else section.heading
        section.parents = tuple(title if parent == f"{space} : {title}" else parent for parent in section.parents)
    return title


__all__ = ["GOOGLE_COMMENT", "ID", "INVISIBLE", "NESTED", "SUMMARY_LEVEL", "WIDGET_LINK", "Titling",
           "confluence_title", "title_level", "unheaded"]
