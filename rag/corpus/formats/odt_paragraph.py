"""An OpenDocument text's paragraph as it shows (text:p, text:h: `Paragraph`), and the deletions tracked in place
(`Deletions`).

A change tracked as a deletion is written in one of two ways: the deleted text inside the changed region of
text:tracked-changes, the body holding a text:change mark where it was (an .odt as LibreOffice saves it: the region is
left out, and so the text); or the deleted text in its place in the body, between a text:change-start and a
text:change-end naming a changed region whose change is a text:deletion (a flat .fodt as LibreOffice 7 saves it): that
text is left out too, and a paragraph whose end it deletes goes on in the next paragraph read (not across a table's
edge: it ends there), as once the change is accepted (the body of the .odt saved from the same document). Only a
text:change-end the reading reaches after its text:change-start closes a deletion (a note is read as its own flow); the
text after a start that none closes is read as if it were not deleted."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from rag.corpus.formats.blocks import Font, Measure
from rag.corpus.formats.odt_styles import Styles, number

_ODF = "urn:oasis:names:tc:opendocument:xmlns:"
_OFFICE, _TEXT = (f"{{{_ODF}{name}:1.0}}" for name in ("office", "text"))
_FRAME = f"{{{_ODF}drawing:1.0}}frame"
_S, _TAB, _BREAK, _NOTE = (f"{_TEXT}{tag}" for tag in ("s", "tab", "line-break", "note"))
_STYLED = {f"{_TEXT}span", f"{_TEXT}a"}  # elements in a paragraph that set a text style on what they hold
_CHANGE_START, _CHANGE_END, _CHANGE_ID = f"{_TEXT}change-start", f"{_TEXT}change-end", f"{_TEXT}change-id"
# Inside a paragraph, what is not its text: comments, deletion marks, a ruby's annotation, a cached number (a note
# is not either: read after its paragraph)
_NOT_TEXT = {f"{_TEXT}{tag}" for tag in ("change", "ruby-text", "number")} | {f"{_OFFICE}annotation"}
# Frames, text boxes, shapes, 3D scenes and form controls: drawn over the page, not in the text's flow
_DRAWN = tuple(f"{{{_ODF}{name}:1.0}}" for name in ("drawing", "dr3d", "presentation", "form"))
_WHITE = re.compile(r"[ \t\r\n]+")
# The spaces text:s elements stand for, in one paragraph together: more is no layout; in the whole document, no more
# than content.xml's bytes (200,000 elements of 1,000 in 13 KB of zip made 200 million characters)
SPACES_MAX = 1000


def _spaces(count: str | None) -> int:
    """The spaces a text:s stands for: text:c of them (1 if it gives none)."""
    return SPACES_MAX if count and count.isdecimal() and len(count) > 5 else number(count, 1)


class Deletions:
    """The deletions a text's body (office:text) tracks in place: the changed regions of its text:tracked-changes
    whose change is a text:deletion (but those `kept`); those open where the reading is (`open`, a note's own); and
    those a flow's reading leaves open at its end (`unclosed`: a change-end in a comment, a hidden section, before its
    start, or none), whose text `Body` reads again kept (`closing`): only a change-end the reading reaches after its
    start closes a deletion."""

    def __init__(self, body: ElementTree.Element | None = None, kept: frozenset[str] = frozenset()) -> None:
        self._body = body
        regions = None if body is None else body.find(f"{_TEXT}tracked-changes")
        self._marked = {region.get(f"{_TEXT}id") for region in ([] if regions is None else regions)
                        if region.find(f"{_TEXT}deletion") is not None} - kept
        self._kept = kept
        self.open: set[str] = set()
        self.unclosed: set[str] = set()

    def mark(self, element: ElementTree.Element) -> bool:
        """Whether `element` starts or ends a deletion (then open, or closed, from its place)."""
        if element.tag not in (_CHANGE_START, _CHANGE_END) or element.get(_CHANGE_ID) not in self._marked:
            return False
        (self.open.add if element.tag == _CHANGE_START else self.open.discard)(element.get(_CHANGE_ID, ""))
        return True

    def ended(self) -> None:
        """A flow (the body, a note) read to its end: the deletions still open there are unclosed."""
        self.unclosed |= self.open

    def closing(self) -> Deletions:
        """The deletions of the same body, those unclosed kept (none open)."""
        return Deletions(self._body, self._kept | self.unclosed)


class Paragraph:
    """A paragraph's text as shown: white space (space, tab, line feed, carriage return) counts as one space, none
    at the start nor after another, across the elements within the paragraph (ODF 1.2, 6.1.2), what a deletion
    tracked in place holds left out (`deletions`); and how it is set (`font`: all in bold or not, and its size, for
    the headings typed as bold lines)."""

    def __init__(self, spaces: list[int], styles: Styles, notes: list[ElementTree.Element],
                 frames: list[ElementTree.Element], deletions: Deletions) -> None:
        self.pieces: list[str] = []
        self._notes = notes  # the notes it cites, for the body to read after it
        self._frames = frames  # the frames it shows (a chart's), for the body to read after it
        self._set = Measure()
        self._styles = styles
        self._deletions = deletions
        self._after_space = True  # at the start, white space shows as nothing
        self._spaces_left = min(SPACES_MAX, spaces[0])
        self._document = spaces  # the spaces text:s may still stand for in the whole document, shared

    def written(self, text: str | None, font: Font) -> None:
        """Text as the XML writes it, white space collapsed, set in `font`."""
        shown = "" if self._deletions.open else _WHITE.sub(" ", text or "")
        if self._after_space:
            shown = shown.removeprefix(" ")
        if shown:
            self.pieces.append(shown)
            self._after_space = shown.endswith(" ")
            self._set.saw(shown, font)

    @property
    def font(self) -> Font | None:
        """How the paragraph is set, as `Font` says; None if it shows no text."""
        return self._set.font

    def kept(self, text: str) -> None:
        """Characters an element stands for (text:s, text:tab, text:line-break): never collapsed."""
        if not self._deletions.open:
            self.pieces.append(text)
            self._after_space = False

    def read(self, element: ElementTree.Element, font: Font) -> None:
        """`element`'s text, and that of the elements within it but those left out; `font` the one it is set in."""
        self.written(element.text, font)
        for child in element:
            tag = child.tag
            if tag == _S:
                spaces = min(_spaces(child.get(f"{_TEXT}c")), self._spaces_left)
                self._spaces_left -= spaces
                self._document[0] -= spaces
                self.kept(" " * spaces)
            elif tag == _TAB:
                self.kept("\t")
            elif tag == _BREAK:
                self.kept("\n")
            elif tag in (_NOTE, _FRAME):
                if not self._deletions.open:
                    (self._notes if tag == _NOTE else self._frames).append(child)
            elif not self._deletions.mark(child) and tag not in _NOT_TEXT and not tag.startswith(_DRAWN):
                # spans, links, fields (their value shows), bookmarks and marks (empty); a span or a link in its style
                styled = tag in _STYLED and (name := child.get(f"{_TEXT}style-name")) is not None
                self.read(child, self._styles.font(name, font) if styled else font)
            self.written(child.tail, font)  # the text after an element left out is the paragraph's


__all__ = ["SPACES_MAX", "Deletions", "Paragraph"]
