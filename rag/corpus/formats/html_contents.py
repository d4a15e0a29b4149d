"""A table of contents' entries, as `rag.corpus.formats.html` leaves them out: links to the page's own headings.

A link to an anchor of the page (`href="#name"`; not "#/..." nor "#!...", a single-page application's routes, which
are pages) that opens no widget (`WIDGET_LINK`) is an entry. A block whose text is all in such links is a table of
contents when it reads as a heading (one entry, the reader's rule), or when it holds two entries or more side by side
(Intercom's side column: their text joined is too long for a heading) each reading as a heading and leading to one
of the page's headings (`heading_ids`: the heading's own id, an id inside it, or one on an element only tags away
before it, a `<section id>` wrapping it or an `<a name>` anchoring it): a sentence split over two links (as Google
Docs exports it), a list of documents whose names answer, a "Sommaire" entry leading nowhere, a footnote's
back-reference are read. A table of contents' label ("Dans cet article", "Sommaire") is left out with it where it
heads it and nothing else: the line read just before its entries, reading as a heading, first in an element that
holds only it and them, with nothing but tags between (`Entries.labelled`).

Linear in the page: the headings' ids are found by one scan of its tags, each entry's words are capped."""

from __future__ import annotations

import re

from rag.corpus.formats.base import Line
from rag.corpus.formats.furniture import VOID
from rag.corpus.formats.html_outline import WIDGET_LINK
from rag.corpus.formats.text import reads_as_heading

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*+)([^<>]*+)>")  # stops at the next "<": one scan of the page
_HEADING = re.compile(r"h[1-6]", re.IGNORECASE)
_ID = re.compile(r"""(?:^|\s)id\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_NAME = re.compile(r"""(?:^|\s)name\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)  # an `<a name>`'s anchor
_ENTRY_CHARS = 200  # an entry's words kept at most: enough to tell a heading (`reads_as_heading`) from a sentence


def heading_ids(page: str) -> frozenset[str]:
    """The anchors, as written, that lead to one of the page's headings (`<h1>` to `<h6>`): the ids its start tag
    and the elements in it carry (`<h2><a id="x"></a>...`), and those of the elements that stand before it with no
    word between (`<section id="x"><h2>`, `<a name="x"></a><h2>`, an `<a>`'s name counting as its id)."""
    found: set[str] = set()
    waiting: list[str] = []  # the anchors met since the last word, which a heading next would take
    heading, last = False, 0  # whether in a heading; where the last tag ended
    for tag in _TAG.finditer(page):
        if page[last:tag.start()].strip():
            waiting = []  # words between: what was met before leads to them
        last = tag.end()
        closing, name, attributes = tag.group(1), tag.group(2), tag.group(3)
        if _HEADING.fullmatch(name):
            heading = not closing
            found.update(waiting if heading else ())
            waiting = []
        if closing:
            continue
        named = _NAME.search(attributes) if name.lower() == "a" else None
        anchors = [match.group(1) for match in (_ID.search(attributes), named) if match]
        if heading:
            found.update(anchors)
        else:
            waiting += anchors
    return frozenset(found)


def _tags_only(page: str, start: int, end: int) -> bool:
    """Whether `page[start:end]` holds tags and spaces only."""
    while start < end:
        if page[start].isspace():
            start += 1
        elif page[start] == "<" and (close := page.find(">", start, end)) > 0:
            start = close + 1
        else:
            return False
    return True


def _opens(page: str, at: int) -> bool:
    """Whether an element's start tag (not a void one's) comes right before `at`, spaces aside."""
    while at > 0 and page[at - 1].isspace():
        at -= 1
    if not at or page[at - 1] != ">":
        return False
    tag = _TAG.fullmatch(page, max(0, page.rfind("<", 0, at)), at)
    return tag is not None and not tag.group(1) and tag.group(2).lower() not in VOID


def _closes(page: str, at: int) -> bool:
    """Whether an end tag comes right after `at`, spaces aside."""
    while at < len(page) and page[at].isspace():
        at += 1
    return page.startswith("</", at)


class Entries:
    """The contents' entries in the block being read: `start`, `end` and `data` as the parser reads, `ends` as the
    block ends, `labelled` as a block of entries is left out."""

    def __init__(self, page: str) -> None:
        self._page, self._headings = page, heading_ids(page)
        self._run = (0, -1)  # where the blocks of entries left out one after the other start, and where they end
        self._label = (-1, -1, -1, False)  # the last line judged as their label: its start and end, the run's, and why
        self.open = 0  # entries open (a link in a link counts twice)
        self._count = 0  # entries in the block
        self._text = ""  # the open entry's words, capped
        self._all = True  # whether every entry of the block reads as a heading and leads to one
        self._anchored = self._unanchored = False  # whether the block holds words in entries, and words not

    def start(self, tag: str, named: dict[str, str | None]) -> None:
        href = named.get("href") or ""
        if tag != "a" or not href.startswith("#") or len(href) < 2 or href[1] in "/!" or \
                any(key in named for key in WIDGET_LINK):
            return
        self.open, self._count = self.open + 1, self._count + 1
        self._all = self._all and href[1:] in self._headings

    def end(self, tag: str) -> None:
        if tag == "a" and self.open:
            self.open -= 1
            if not self.open:
                self._judge()

    def data(self, data: str) -> None:
        """Words of the block (not blank)."""
        # a page number after a contents entry's link is the entry's (LibreOffice's "1. Objet<tab>1")
        entry = bool(self.open) or (self._anchored and data.strip().isdigit())
        self._anchored, self._unanchored = self._anchored or bool(self.open), self._unanchored or not entry
        if self.open and len(self._text) <= _ENTRY_CHARS:
            self._text += data[:_ENTRY_CHARS + 1]

    def ends(self) -> tuple[bool, bool]:
        """The block ends: whether its words are all in entries (a page number after one counted in), and whether
        it held two entries or more, each a heading's (an entry open is judged as it stands: one never closed does
        not take the page with it); the counts start again."""
        if self.open:
            self._judge()
        contents, many = self._anchored and not self._unanchored, self._count > 1 and self._all
        self.open, self._count, self._all, self._anchored, self._unanchored = 0, 0, True, False, False
        return contents, many

    def labelled(self, lines: list[Line], start: int, end: int) -> bool:
        """A block of entries from `start` to `end` is left out: whether `lines`' last one is their label (left out
        with them), which it is once their element ends (the blocks before, only tags away, counted with it)."""
        self._run = (self._run[0] if _tags_only(self._page, self._run[1], start) else start, end)
        label = lines[-1] if lines else None
        if label is None or label.item or not _closes(self._page, end):
            return False
        if self._label[:3] != (label.start, label.end, self._run[0]):  # judged once for a run's blocks
            self._label = (label.start, label.end, self._run[0], _tags_only(self._page, label.end, self._run[0]) and
                           _opens(self._page, label.start) and reads_as_heading(label.text))
        return self._label[3]

    def _judge(self) -> None:
        self._all = self._all and reads_as_heading(" ".join(self._text.split()))
        self._text = ""


__all__ = ["Entries", "heading_ids"]
