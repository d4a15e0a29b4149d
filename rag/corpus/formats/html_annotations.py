"""What a page marks as read beside its text, never as words of its sentences, for `rag.corpus.formats.html`: a ruby's
readings (`<rt>`, over the base they read: 漢字 with かんじ over it; the `<rp>` parentheses drawn around them where ruby
cannot be; an `<rtc>`'s annotations) and a printed book's page numbers, where a page turned (`epub:type="pagebreak"`,
`role="doc-pagebreak"`: an e-book's, an accessible page's; empty, or holding the number). Their text is left out, and
nothing stands where it was: a ruby's base is one word (漢字, not 漢 字), a sentence runs on over a page's turn. Only a
page's number is left out of a page break (see `Annotations`); a reading outside any `<ruby>` is text.

HTML lets `</rt>` and `</rp>` be left out. So a reading ends as HTML's tree builder ends it: at its end tag; at the
start tag of the next reading (`<rt>`, `<rp>`, those of an `<rtc>` staying in it) or of a ruby's next part (`<rb>`,
`<rtc>`); at the end tag of any element it stands in (`</ruby>`, `</p>`: one not opened inside it). It holds a few words
(phrasing content): a block's or a heading's start tag ends it too, where a tree builder would put the block in it, so
that no missing end tag takes the paragraphs after it with it."""

from __future__ import annotations

import re

from rag.corpus.formats.furniture import VOID
from rag.corpus.formats.html_tags import BLOCKS, HEADINGS

_READINGS = {"rt", "rp"}
_PARTS = {"rb", "rtc"}  # a ruby's next base, or its next container of annotations: every reading open ends
_CONTAINER = "rtc"  # whose readings end each other, not it
# elements that never stand in an annotation's few words (as html.py reads them: a line each, or furniture)
_BLOCKS = BLOCKS | HEADINGS | {"hr", "thead", "tbody", "tfoot", "nav", "footer", "body", "html", "dialog"}
_PAGE_BREAK = "pagebreak"  # an `epub:type` of EPUB's structural vocabulary (`z3998:pagebreak` too)
_PAGE_BREAK_ROLE = "doc-pagebreak"  # DPUB-ARIA's role
_NUMBER = 16  # characters of a page's number, at most
_NESTED = 64  # elements followed inside one annotation: one deeper ends it (a hostile page nests thousands)


def vocabulary(epub_type: str | None) -> set[str]:
    """The words of an `epub:type` attribute, lower-cased, without their vocabulary's prefix (`z3998:pagebreak`)."""
    return {word.rpartition(":")[2] for word in (epub_type or "").lower().split()}


def page_break(attrs: dict[str, str | None]) -> bool:
    """Whether an element, by its attributes, marks where a printed page turned."""
    return _PAGE_BREAK in vocabulary(attrs.get("epub:type")) or \
        _PAGE_BREAK_ROLE in (attrs.get("role") or "").lower().split()


_LABEL = re.compile(r"[\divxlcdm]+", re.IGNORECASE)  # a page's number: digits, or a roman numeral


class Annotations:
    """Follows the annotation open, if any, through a page's tags as a streaming parser reports them: `start` and `end`
    say whether a tag is the annotation's (no text of the page), `open` whether text read now is, `label` whether
    text read now is a page's number.

    A ruby's parts are taken, tags and all (none is a block, so the page's structure is untouched); a `<rt>` or a
    `<rp>` outside any `<ruby>` is text, as a browser shows it. A page break's tags are the page's, as any element's
    (a `<div role="doc-pagebreak">` around paragraphs is a `<div>`, a `<br>` one a line break): only the words right
    after its start tag, before any other tag, are left out, and only when they are a page's number (digits, its
    `title` or `aria-label`, a roman numeral where it gives neither); any other words or tag end what it may hide."""

    def __init__(self) -> None:
        self._open: list[str] = []  # the annotation's element, then the elements open in it, outermost first
        self._rubies = 0  # <ruby> elements open
        self._page: set[str] | None = None  # a page break's numbers, while its first words are awaited

    @property
    def open(self) -> bool:
        return bool(self._open)

    def start(self, tag: str, attrs: dict[str, str | None]) -> bool:
        """Whether the element starting is an annotation or stands in one; one it ends (see the module) ends first."""
        self._page = None  # any element starting ends the wait: a number stands right after its break's start
        self._rubies += tag == "ruby"
        if self._open and (tag in _PARTS or tag in _BLOCKS):
            self._open = []
        elif self._open and tag in _READINGS:
            self._open = self._open[:1] if self._open[0] == _CONTAINER else []
        if (tag in _READINGS or tag == _CONTAINER) and (self._rubies or self._open):
            self._open.append(tag)
            return True
        if not self._open and page_break(attrs) and tag not in VOID:
            self._page = {(attrs.get(key) or "").strip().lower() for key in ("title", "aria-label")} - {""}
        if not self._open:
            return False
        if tag not in VOID and len(self._open) < _NESTED:
            self._open.append(tag)
        elif tag not in VOID:
            self._open = []  # too deep to follow: read as text rather than lose what follows
            return False
        return True

    def label(self, data: str) -> bool:
        """Whether text read now is a page break's number, left out (see the class)."""
        words = data.strip().lower()
        if self._page is None or not words:
            return False
        page, self._page = self._page, None
        numeral = words.isdigit() or (not page and _LABEL.fullmatch(words) is not None)  # "mix" no page's name
        return len(words) <= _NUMBER and (numeral or words in page)

    def end(self, tag: str) -> bool:
        """Whether the end tag is the annotation's, or one's in it; one of an element it stands in ends it first."""
        self._page = None
        self._rubies -= tag == "ruby" and self._rubies > 0
        if tag in self._open:
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag):]
            return True
        self._open = []
        return False


__all__ = ["Annotations", "page_break", "vocabulary"]
