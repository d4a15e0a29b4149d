"""A table of contents' entries, as `rag.corpus.formats.html` leaves them out: links to the page's own headings.

A link to an anchor of the page (`href="#name"`; not "#/..." nor "#!...", a single-page application's routes, which
are pages) that opens no widget (`WIDGET_LINK`) is an entry. A block whose text is all in such links is a table of
contents when it reads as a heading (one entry, the reader's rule), or when it holds two entries or more side by side
(Intercom's side column: their text joined is too long for a heading) each reading as a heading and leading to one
of the page's headings (`heading_ids`): a sentence split over two links (as Google Docs exports it), a list of
documents whose names answer, a "Sommaire" entry leading nowhere, a footnote's back-reference are read.

Linear in the page: the headings' ids are found by one scan of their start tags, each entry's words are capped."""

from __future__ import annotations

import re

from rag.corpus.formats.html_outline import WIDGET_LINK
from rag.corpus.formats.text import reads_as_heading

_HEADING_TAG = re.compile(r"<h[1-6](\s[^<>]*)>", re.IGNORECASE)  # stops at the next "<": one scan of the page
_ID = re.compile(r"""\bid\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_ENTRY_CHARS = 200  # an entry's words kept at most: enough to tell a heading (`reads_as_heading`) from a sentence


def heading_ids(page: str) -> frozenset[str]:
    """The ids the page's headings (`<h1>` to `<h6>`) carry, as written."""
    return frozenset(found.group(1) for tag in _HEADING_TAG.finditer(page) if (found := _ID.search(tag.group(1))))


class Entries:
    """The contents' entries in the block being read: `start`, `end` and `data` as the parser reads, `ends` as the
    block ends."""

    def __init__(self, headings: frozenset[str]) -> None:
        self._headings = headings
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

    def _judge(self) -> None:
        self._all = self._all and reads_as_heading(" ".join(self._text.split()))
        self._text = ""


__all__ = ["Entries", "heading_ids"]
