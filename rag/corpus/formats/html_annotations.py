"""What a page marks as read beside its text, never as words of its sentences, for `rag.corpus.formats.html`: a ruby's
readings (`<rt>`, over the base they read: 漢字 with かんじ over it; the `<rp>` parentheses drawn around them where ruby
cannot be; an `<rtc>`'s annotations) and a printed book's page numbers, where a page turned (`epub:type="pagebreak"`,
`role="doc-pagebreak"`: an e-book's, an accessible page's; empty, or holding the number). Their text is left out, and
nothing stands where it was: a ruby's base is one word (漢字, not 漢 字), a sentence runs on over a page's turn.

HTML lets `</rt>` and `</rp>` be left out, and an HTML page may write `<span epub:type="pagebreak"/>` that HTML does not
close (only XHTML does). So an annotation ends as HTML's tree builder ends it: at its end tag; at the start tag of the
next reading (`<rt>`, `<rp>`, those of an `<rtc>` staying in it) or of a ruby's next part (`<rb>`, `<rtc>`); at the end
tag of any element it stands in (`</ruby>`, `</p>`: one not opened inside it). It holds a few words (phrasing
content): a block's or a heading's start tag ends it too, where a tree builder would put the block in it, so that no
missing end tag takes the paragraphs after it with it. A self-closed element (`<span .../>`) holds nothing, as XHTML
reads it (the standard library's parser reports its end tag at once)."""

from __future__ import annotations

from rag.corpus.formats.furniture import VOID
from rag.corpus.formats.html_tags import BLOCKS, HEADINGS

_READINGS = {"rt", "rp"}
_PARTS = {"rb", "rtc"}  # a ruby's next base, or its next container of annotations: every reading open ends
_CONTAINER = "rtc"  # whose readings end each other, not it
# elements that never stand in an annotation's few words (as html.py reads them: a line each, or furniture)
_BLOCKS = BLOCKS | HEADINGS | {"hr", "thead", "tbody", "tfoot", "nav", "footer", "body", "html", "dialog"}
_PAGE_BREAK = "pagebreak"  # an `epub:type` of EPUB's structural vocabulary (`z3998:pagebreak` too)
_PAGE_BREAK_ROLE = "doc-pagebreak"  # DPUB-ARIA's role
_NESTED = 64  # elements followed inside one annotation: one deeper ends it (a hostile page nests thousands)


def vocabulary(epub_type: str | None) -> set[str]:
    """The words of an `epub:type` attribute, lower-cased, without their vocabulary's prefix (`z3998:pagebreak`)."""
    return {word.rpartition(":")[2] for word in (epub_type or "").lower().split()}


def page_break(attrs: dict[str, str | None]) -> bool:
    """Whether an element, by its attributes, marks where a printed page turned."""
    return _PAGE_BREAK in vocabulary(attrs.get("epub:type")) or \
        _PAGE_BREAK_ROLE in (attrs.get("role") or "").lower().split()


class Annotations:
    """Follows the annotation open, if any, through a page's tags as a streaming parser reports them: `start` and `end`
    say whether a tag is the annotation's (no text of the page), `open` whether text read now is."""

    def __init__(self) -> None:
        self._open: list[str] = []  # the annotation's element, then the elements open in it, outermost first

    @property
    def open(self) -> bool:
        return bool(self._open)

    def start(self, tag: str, attrs: dict[str, str | None]) -> bool:
        """Whether the element starting is an annotation or stands in one; one it ends (see the module) ends first."""
        if self._open and (tag in _PARTS or tag in _BLOCKS):
            self._open = []
        elif self._open and tag in _READINGS:
            self._open = self._open[:1] if self._open[0] == _CONTAINER else []
        if tag in _READINGS or tag == _CONTAINER or (not self._open and page_break(attrs)):
            self._open += [] if tag in VOID else [tag]
            return True
        if not self._open:
            return False
        if tag not in VOID and len(self._open) < _NESTED:
            self._open.append(tag)
        elif tag not in VOID:
            self._open = []  # too deep to follow: read as text rather than lose what follows
            return False
        return True

    def end(self, tag: str) -> bool:
        """Whether the end tag is the annotation's, or one's in it; one of an element it stands in ends it first."""
        if tag in self._open:
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag):]
            return True
        self._open = []
        return False


__all__ = ["Annotations", "page_break", "vocabulary"]
