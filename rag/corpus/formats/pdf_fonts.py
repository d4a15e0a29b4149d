"""How a PDF's lines are set (bold or not, their size), read with pypdf's text visitor, and which of them head sections.

Most guides exported from a word processor or a DTP tool have no outline (bookmarks): their headings are lines set in
bold, in a larger size for the main ones ("3. Encaisser un paiement" in 14 pt bold over "3.2 Rembourser un client" in
11.5 pt bold over body text in 10 pt). `page.extract_text` gives the text alone; its visitor (`visitor_text`) is told
each piece of the text it puts out with the font and size it is drawn in, the pieces joined being the page's text, so
each character's font is known where it stands (`Runs`). A line's font: all in bold or not, its size the largest of a
line all in bold, else the one most of its text not in bold is set in. A line larger than the body's text (its most
common size) by 8 % or more is set apart as bold is (Word's own heading styles: Calibri Light in 16, 13 and 12 pt,
not bold, over a body in 11 pt). The lines that head sections are then chosen by the rule Word's and OpenDocument's
bold lines follow (`rag.corpus.formats.blocks.bold_heading_levels`): a line that reads as a heading and heads text
set apart from it, its level by its size, the first the title when it is larger than every other.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rag.corpus.formats.base import Line
from rag.corpus.formats.blocks import Font

# A font's name that says it is bold, after a subset's tag ("ABCDEF+Calibri-Bold", "Helvetica-BoldOblique",
# "Arial,Bold", "MyriadPro-Semibold", "Roboto-Black", "Montserrat-ExtraBold", "Lato-Heavy", "Segoe UI Demibold",
# "HelveticaNeueLTStd-Bd"; TeX's Computer Modern and EC bold extended, "CMBX12", "SFBX1000")
_BOLD_NAME = re.compile(r"bold|black|heavy|(?<![a-z])demi|[-,_ ]bd(?![a-z])|^(?:cm|sf|ec)bx", re.IGNORECASE)
_BOLD_WEIGHT = 600  # a font descriptor's /FontWeight from which it is bold
_FORCE_BOLD = 1 << 18  # a font descriptor's /Flags bit: glyphs painted bold
# How much larger than the body's text a line not in bold is set apart as a bold one is: Word's own heading styles
# set Heading 1 to 3 in 16, 13 and 12 pt (Calibri Light, not bold) over a body in 11 pt
_LARGER = 1.08


@dataclass
class Runs:
    """A page's extracted text cut where its font changes: run i ends at `ends[i]` (an offset in the page's text) and
    is set in `fonts[i]`, None for white space (a line break has no font of its own). No runs: not known."""

    ends: list[int] = field(default_factory=list)
    fonts: list[Font | None] = field(default_factory=list)


class Visitor:
    """The `visitor_text` of `page.extract_text`: the pieces of text it is told of, with their fonts."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.fonts: list[Font | None] = []
        self._bold: dict[int, tuple[Any, bool]] = {}  # by font dictionary, which is kept: its id is not reused
        self._fonts: dict[tuple[bool, float], Font] = {}  # one each: a page with a font change at every word has a
        # piece per word, and a Font object each cost half as much memory again as the text

    def __call__(self, text: str, cm: Sequence[float], tm: Sequence[float], font: Any, size: float) -> None:
        if not text:
            return
        self.pieces.append(text)
        try:
            self.fonts.append(self._font(font, size, cm, tm) if text.strip() else None)
        except Exception:  # a font pypdf hands over that is not what a font is: its text's font is not known, and
            self.fonts.append(None)  # the page is still read (an error here would cost the whole file)

    def _font(self, font: Any, size: float, cm: Sequence[float], tm: Sequence[float]) -> Font | None:
        """A piece's font: whether it is bold (`_bold`), and its size as drawn (the size set by Tf, scaled by the
        text and the graphics matrices: a producer may set 1 and scale the matrix)."""
        if id(font) not in self._bold:
            self._bold[id(font)] = font, _bold(font)
        try:
            scale = math.hypot(tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3])
            drawn = round(abs(float(size)) * scale, 1)
        except (TypeError, ValueError, IndexError):
            return None
        if drawn <= 0:
            return None
        key = (self._bold[id(font)][1], drawn)
        shared = self._fonts.get(key)
        if shared is None:
            shared = self._fonts[key] = Font(*key)
        return shared

    def runs(self, text: str) -> Runs:
        """The runs of the page whose extracted text is `text`; none when the pieces told of do not make it up (any
        pypdf whose visitor is told of other text than it puts out: the fonts of that page are not known)."""
        if "".join(self.pieces) != text:
            return Runs()
        ends, end = [], 0
        for piece in self.pieces:
            end += len(piece)
            ends.append(end)
        return Runs(ends, self.fonts)


def _bold(font: Any) -> bool:
    """Whether a font dictionary's glyphs are bold: by its name, or its descriptor's weight or flags."""
    try:
        if font is None:
            return False
        name = str(font.get("/BaseFont", "")).lstrip("/")
        name = name.partition("+")[2] or name  # a subset's tag aside
        descriptor = font.get("/FontDescriptor")
        descendants = font.get("/DescendantFonts")
        if descriptor is None and descendants:  # a composite (Type0) font's descriptor is its descendant's
            descriptor = descendants[0].get_object().get("/FontDescriptor")
        descriptor = descriptor.get_object() if descriptor is not None else {}
        weight = float(descriptor.get("/FontWeight", 0) or 0)
        flags = int(descriptor.get("/Flags", 0) or 0)
        return bool(_BOLD_NAME.search(name)) or weight >= _BOLD_WEIGHT or bool(flags & _FORCE_BOLD)
    except (AttributeError, TypeError, ValueError, IndexError, KeyError):
        return False


def line_fonts(lines: list[Line], page_starts: list[int], pages: list[Runs]) -> list[Font | None]:
    """Each line's font (None where it is not known), as far as heading goes: a line larger than the body's text by
    `_LARGER` counts as bold, a bold one smaller than the body's text (a table's header row, a caption) as not."""
    fonts = [_line_font(line, page_starts, pages) for line in lines]
    body = body_size(pages)
    if body is None:
        return fonts
    return [font if font is None else Font(font.size >= body * _LARGER or (font.bold and font.size >= body), font.size)
            for font in fonts]


def body_size(pages: list[Runs]) -> float | None:
    """The size most of the pages' text is set in (None where no font is known)."""
    sizes: Counter[float] = Counter()
    for runs in pages:
        start = 0
        for end, font in zip(runs.ends, runs.fonts, strict=True):
            if font is not None:
                sizes[font.size] += end - start
            start = end
    return sizes.most_common(1)[0][0] if sizes else None


def _line_font(line: Line, page_starts: list[int], pages: list[Runs]) -> Font | None:
    """The font of the text between `line.start` and `line.end`, over its runs (white space aside): all in bold or not;
    the size of the largest run of a line all in bold, else the size most of its text not in bold is set in (a bullet
    drawn larger, a word in a larger size, do not make the line larger)."""
    n = bisect_right(page_starts, line.start) - 1
    if n < 0 or n >= len(pages) or not pages[n].ends:
        return None
    runs, top = pages[n], page_starts[n]
    first = bisect_right(runs.ends, line.start - top)
    last = min(bisect_left(runs.ends, line.end - top), len(runs.ends) - 1)
    sizes: Counter[float] = Counter()  # of the text not in bold: characters by size
    bold = []
    for i in range(first, last + 1):
        font = runs.fonts[i]
        if font is not None and font.bold:
            bold.append(font.size)
        elif font is not None:
            sizes[font.size] += runs.ends[i] - (runs.ends[i - 1] if i else 0)
    if not sizes:
        return Font(True, max(bold)) if bold else None
    return Font(False, sizes.most_common(1)[0][0])


__all__ = ["Runs", "Visitor", "body_size", "line_fonts"]
