"""What `rag.corpus.formats.html` makes of the headings it reads: an element whose class (or id) names a section's
title (`<div class="title">`, `<div class="page-title">`, `<span class="section-title">`, `<p class="heading">`, on a
page built of `<div>`s without `<hN>`) heads what follows it, at the level its name says (`title_level`); after an
`<hN>`, under it where it stands in an element of its section (a Confluence callout's `<p class="title">`), beside it
otherwise, and right under it in a card its subtitle, a line; the next of its kind in its element beside it, at its
level (`Titling`); above the bold lines after it; a caption is no heading; a heading that heads nothing, not even
the headings after it (a bold line, a summary, such a title), is a line of the section before (`unheaded`); a
control saying only "Lire la suite" heads nothing (`reads_more`); a Confluence export's title loses its space's name
(`confluence_title`). And the marks of the page the reader goes by (a widget's link, a Google Docs comment's id, an
element's id, zero-width characters)."""

from __future__ import annotations

import re
from itertools import pairwise

from rag.corpus.formats.base import Line, Outline, Section
from rag.corpus.formats.furniture import Region
from rag.corpus.formats.html_tags import BLOCKS, HEADINGS

# what marks a link that only works a widget of the page (a tab, an accordion's panel), not a jump to a section
WIDGET_LINK = ("data-toggle", "data-bs-toggle", "aria-controls", "role")
GOOGLE_COMMENT = re.compile(r"cmnt(?P<mark>_ref)?\d+")  # a Google Docs comment's id, its mark's in the text
# a <summary> heads its <details> under every heading open, <h6> and the titles named by class included
SUMMARY_LEVEL = 10
ID = re.compile(r"""\sid=["']?([^"'\s<>]+)""")  # where an element's id is set: a control's panel follows it
NESTED = 64  # panels open at once, at most, read as a control's (a hostile page nests thousands)
CAPTIONS = {"figcaption", "caption"}  # a figure's or a table's caption: never a heading, whatever its class
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"  # zero-width characters: a line of these only is a spacer (Wix's)
# the words of a class (or id) that names a section's title ("title", "page-title", "sous-titre"), and those that may
# stand beside them: where on the page it stands, and the title's level (a page's title the top, a subtitle under a
# title); a title of anything else ("title-bar", "tooltip-title", "card-title", "product-title") is text
_TITLE_WORDS = {"title", "titre", "titel", "titulo", "heading", "headline", "subtitle", "subheading", "soustitre"}
_PAGE_WORDS = {"page", "main", "headline"}
_SUB_WORDS = {"sub", "sous", "subtitle", "subheading", "soustitre"}
_PLACE_WORDS = _PAGE_WORDS | _SUB_WORDS | {"section", "block", "bloc", "chapter", "part", "entry", "article"}
# what a control that only shows the rest of a text says ("Lire la suite", "Read more »", "Voir moins"): a label, no
# heading of what it shows
_READ_MORE = re.compile(r"(?:lire|voir|afficher|read|show|see|view)\s+(?:la\s+suite|plus|moins|more|less)|"
                        r"continuer\s+la\s+lecture|continue\s+reading|la\s+suite", re.IGNORECASE)
_NAME_WORD = re.compile(r"[-_\s]+|(?<=[a-z])(?=[A-Z])")  # "page-title", "section_title", "pageTitle"


def reads_more(text: str) -> bool:
    """Whether a block's text only says to show the rest of a text ("Lire la suite…", "Read more »", "+ Voir plus"; not
    "Plus" alone, which heads a list of advantages too)."""
    return bool(_READ_MORE.fullmatch(text.strip(" .…:»›>→+-–—()[]")))


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
    or a sentence's other words is text; so is a caption's (`<figcaption class="title">`: a figure's, never a heading).
    Where such a title stands against the last `<hN>` read says what it is (`level`, `title`): in an element nested in
    the one that heading stands in (a Confluence callout's `<p class="title">`) or as deep (a card's body beside the
    header holding it), under it; beside it in that element, or in one less deep (that element closed: a `<section>`
    of the heading), at its level, one of the page's sections ("Page › Section", not "Page › Previous h2 › Section");
    right under it in its element, heading what follows there only (a team page's `<h3>Marie Dupont</h3><div
    class="title">Comptable</div><p>...</p>` in its card), a line of its section: its subtitle. The next title of the
    same name's level in the same element, under the same `<hN>` (or none), is its sibling, at its level (a price
    grid's plans under "Formules": under it, each, not the first only), no subtitle. A title but a page's heads no
    further than the element it stands in, once it headed something there (`_close`): what follows is what preceded
    it, or the first of its siblings ("Formules", not a plan)."""

    def __init__(self, sections: list[Section], outline: Outline, ends: dict[int, int]) -> None:
        """`sections`, `outline`: the page's sections read so far and its headings open, which titles add to; `ends`:
        where the text of each title's heading ends, by its section (`unheaded`)."""
        self._sections, self._outline, self._ends = sections, outline, ends
        self._element = Region()
        self._level = self._named = 0  # its level, 0 once a block opens in it; the last block's, by its name
        self._links = 0  # links open
        self._titled = self._untitled = False
        self._open: list[tuple[str, int]] = []  # the elements open and their serial numbers, as end tags close them
        self._serials: set[int] = set()
        self._depths: dict[str, list[int]] = {}  # where in `_open` the elements of each tag open stand
        self._count = 0
        # the element the title, and the <hN>, being read stand in and how deep it stands (0, 0: none)
        self._parent = self._heading_parent = (0, 0)
        self._heading: tuple[int, tuple[int, int], Section] | None = None  # the last <hN>: level, element, section
        # the titles read whose element is open: that element, the section before, its own, its line, the headings
        # open before it, and whether it stands right under an <hN> in its element (its subtitle)
        self._reaches: list[tuple[int, Section, Section, Line, tuple[tuple[int, str], ...], bool]] = []
        # the last title read: the section of the <hN> before it (None: none), its element, its named level, its level
        # and its section
        self._last: tuple[Section | None, tuple[int, int], int, int, Section] | None = None

    def start(self, tag: str, named: dict[str, str | None]) -> None:
        self._links += tag == "a" and "href" in named
        parent, self._count = (self._open[-1][1] if self._open else 0, len(self._open)), self._count + 1
        self._depths.setdefault(tag, []).append(len(self._open))
        self._open.append((tag, self._count))
        self._serials.add(self._count)
        self._heading_parent = parent if tag in HEADINGS else self._heading_parent
        if self._element.tag is None and (level := title_level(named)) and not any(
                self._depths.get(caption) for caption in CAPTIONS):
            self._element, self._level, self._parent = Region(tag), level, parent
        else:
            self._element.start(tag)
            self._level = 0 if self._element.tag is not None and tag in BLOCKS else self._level

    def end(self, tag: str) -> None:
        self._links -= tag == "a" and self._links > 0
        self._element.end(tag)
        if self._depths.get(tag):  # it closes the elements opened in it too (an optional `</p>`, a missing one)
            for closed, serial in reversed(self._open[self._depths[tag][-1]:]):
                self._depths[closed].pop()
                self._serials.discard(serial)
                self._open.pop()
        while self._reaches and self._reaches[-1][0] not in self._serials:
            self._close(*self._reaches.pop()[1:])

    def _close(self, before: Section, section: Section, line: Line, saved: tuple[tuple[int, str], ...],
               subtitle: bool) -> None:
        """A title's element closes: what follows is no longer its (a price grid's last plan does not head the text
        after the grid), and a subtitle that headed the rest of its card, nothing else, is folded back into a line
        of its heading's section."""
        at = next((at for at in range(len(self._sections) - 1, len(self._sections) - NESTED - 1, -1)
                   if at >= 0 and self._sections[at] is section), None)
        if at is None or not all(_heads(section, after) for after in self._sections[at + 1:]):
            return  # it no longer heads what is read (an <hN> or a title beside it came since)
        opened = self._outline.save()
        if subtitle:
            del self._sections[at], self._ends[id(section)]  # its id may be another's once it is gone
            before.lines += [line, *section.lines]
            for after in self._sections[at:]:  # the bold lines under it ("Langues"): under the <hN>
                after.parents = after.parents[:len(saved)] + after.parents[len(saved) + 1:]
            self._outline.restore(saved + opened[len(saved) + 1:])
        elif section.lines or at + 1 < len(self._sections):  # it headed what its element holds after it
            self._outline.restore(saved)
            self._sections.append(Section(before.heading, heading_start=before.heading_start, parents=before.parents))

    def text(self) -> None:
        """Words read in the block open."""
        titling = self._element.tag is not None and self._level > 0 and not self._links
        self._titled, self._untitled = self._titled or titling, self._untitled or not titling

    def heading(self, level: int, section: Section) -> None:
        """An `<hN>` of `level` read, opening `section`."""
        self._heading = (level, self._heading_parent, section)

    def level(self) -> int:
        """The level of the heading the block just read is, 0 if it is none; the block's words are forgotten."""
        level = self._named = self._level if self._titled and not self._untitled else 0
        self._titled = self._untitled = False
        if not level or self._heading is None:
            return level
        heading_level, (parent, depth), section = self._heading
        if self._last and self._last[:3] == (section, self._parent, level):
            return self._last[3]  # the next title of its kind in its element under the same <hN>: its sibling
        if (section is self._sections[-1] and not section.lines) or (self._parent[0] != parent and
                                                                     self._parent[1] >= depth):
            return level + 6  # right under the <hN>, or in an element of its section: under it
        return max(heading_level, 2) + (level == 3)  # beside it, or out of its element: a section of the page

    def _subtitles(self) -> bool:
        """Whether the title read stands right under the last <hN>, in its element: nothing read between them."""
        return bool(self._heading and self._heading[2] is self._sections[-1] and not self._sections[-1].lines and
                    self._parent == self._heading[1] and self._parent[0])

    def title(self, level: int, line: Line) -> None:
        """A title of `level` (`level`) on `line` read: the section it opens."""
        saved, before, heading = self._outline.save(), self._sections[-1], self._heading[2] if self._heading else None
        last, first = self._last, None
        if last and last[:4] == (heading, self._parent, self._named, level):  # the next of its kind in its element
            first = next((at for at, reach in enumerate(self._reaches) if reach[2] is last[4]), None)
        if first is not None:  # what follows them is what preceded the first ("Formules", not its first plan), and
            _, before, _, _, saved, _ = self._reaches[first]  # the first is no subtitle of the <hN>
            del self._reaches[first:]
        section = self._outline.section(level, line.text, line.start)
        self._last = (heading, self._parent, self._named, level, section)
        if self._parent[0] and self._named != 1:  # a page's title heads the whole page
            self._reaches = [*self._reaches[1 - NESTED:], (self._parent[0], before, section, line, saved,
                                                            self._subtitles())]
        self._sections.append(section)
        self._ends[id(section)] = line.end


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


def size(sections: list[Section]) -> int:
    """How much text sections hold: their headings' and lines' characters, of those that hold lines."""
    return sum(len(s.heading or "") + sum(len(line.text) for line in s.lines) for s in sections if s.lines)


def confluence_title(sections: list[Section], title: str) -> str:
    """A Confluence export's title without its space's name ("Espace RH : Congés payés": "Congés payés"); its `<h1>`
    says it too, the page's heading and the parent of its sections."""
    space, title = title.split(" : ", 1)
    for section in sections:
        section.heading = title if section.heading == f"{space} : {title}" else section.heading
        section.parents = tuple(title if parent == f"{space} : {title}" else parent for parent in section.parents)
    return title


__all__ = ["GOOGLE_COMMENT", "ID", "INVISIBLE", "NESTED", "SUMMARY_LEVEL", "WIDGET_LINK", "Titling",
           "confluence_title", "reads_more", "size", "title_level", "unheaded"]
