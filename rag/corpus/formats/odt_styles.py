"""An OpenDocument text's styles, as far as reading it needs them: which paragraph styles make headings, how its
lists label their items, and how its text is set (bold or not, its size), for the headings typed as bold lines.

Styles come from content.xml's automatic styles (those the application makes for formatting applied by hand: "P1",
"T1") and styles.xml's styles (named: "Heading_20_1", "Strong_20_Emphasis"), each inheriting what it does not set
from its parent (style:parent-style-name), a paragraph style in the end from the default paragraph style.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree

from rag.corpus.formats.blocks import ASIDE_STYLE, Font
from rag.corpus.formats.numbering import ListLevel

_ODF = "urn:oasis:names:tc:opendocument:xmlns:"
_OFFICE, _TEXT, _STYLE = (f"{{{_ODF}{name}:1.0}}" for name in ("office", "text", "style"))
_FO = f"{{{_ODF}xsl-fo-compatible:1.0}}"
_ESCAPE = re.compile(r"_([0-9a-fA-F]{2})_")  # LibreOffice names the style "Heading 1" "Heading_20_1"
_HEADING_STYLE = re.compile(r"(?:heading|titre) (?P<level>[1-9]|10)|(?P<title>title|titre)")
# A font size: a length (in points, picas, inches, centimetres, millimetres, pixels) or a percentage of the parent's
_SIZE = re.compile(r"(?P<value>\d{1,4}(?:\.\d{1,4})?)(?P<unit>pt|pc|in|cm|mm|px|%)")
_POINTS = {"pt": 1.0, "pc": 12.0, "in": 72.0, "cm": 72 / 2.54, "mm": 72 / 25.4, "px": 0.75}
_PLAIN = Font(False, 12.0)  # text no style sets a font for: LibreOffice's


def number(value: str | None, default: int = 0) -> int:
    """An attribute's whole number; `default` unless it is one of at most 5 digits (not "x", "²" nor 10**4000)."""
    return int(value) if value and value.isdecimal() and len(value) <= 5 else default


def _style_name(name: str) -> str:
    return " ".join(_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), name).casefold().split())


def _applied(style: ElementTree.Element | None, font: Font) -> Font:
    """`font` changed by what `style`'s text properties set: fo:font-weight ("bold", or a weight of 600 and more, as
    semibold shows bold; "normal" and lighter weights not), fo:font-size (a length, or a percentage of `font`'s).
    Those of Western text: the Asian and complex scripts' own (style:font-weight-asian, -complex, their sizes) are
    not read, a limit of the bold headings in Chinese, Japanese, Korean, Arabic or Hebrew .odt files."""
    properties = None if style is None else style.find(f"{_STYLE}text-properties")
    if properties is None:
        return font
    weight = properties.get(f"{_FO}font-weight")
    bold = font.bold if weight is None else weight == "bold" or (weight.isdecimal() and 600 <= number(weight) <= 1000)
    size = font.size
    if found := _SIZE.fullmatch((properties.get(f"{_FO}font-size") or "").strip()):
        value = float(found["value"])
        size = font.size * value / 100 if found["unit"] == "%" else value * _POINTS[found["unit"]]
    return Font(bold, size)


class Styles:
    """The paragraph, text and list styles of content.xml's automatic styles and styles.xml's styles, by name: what a
    paragraph style makes of a paragraph ("title", "heading" with its level, "aside": a caption or a quotation, body
    text whose bold heads nothing, `ASIDE_STYLE`; or None: body text), how a list labels its items, and the font a
    paragraph or a span sets its text in; remembered."""

    def __init__(self, content: ElementTree.Element, styles: ElementTree.Element | None) -> None:
        self._paragraphs: dict[str, ElementTree.Element] = {}
        self._texts: dict[str, ElementTree.Element] = {}
        self._lists: dict[str, ElementTree.Element] = {}
        self._outline: ElementTree.Element | None = None  # text:outline-style: how text:h headings are numbered
        self._default: ElementTree.Element | None = None  # the default paragraph style: what every one inherits
        for root, holder in ((styles, f"{_OFFICE}styles"), (content, f"{_OFFICE}automatic-styles")):
            for style in [] if root is None else root.iterfind(holder + "/*"):
                name, family = style.get(f"{_STYLE}name", ""), style.get(f"{_STYLE}family")
                if style.tag == f"{_STYLE}style" and family in ("paragraph", "text"):
                    (self._paragraphs if family == "paragraph" else self._texts)[name] = style
                elif style.tag == f"{_STYLE}default-style" and family == "paragraph":
                    self._default = style
                elif style.tag == f"{_TEXT}list-style":
                    self._lists[name] = style
                elif style.tag == f"{_TEXT}outline-style":
                    self._outline = style
        self._kinds: dict[str | None, tuple[str | None, int]] = {}
        self._fonts: dict[tuple[str | None, Font | None], Font] = {}

    def kind(self, name: str | None) -> tuple[str | None, int]:
        if name not in self._kinds:
            self._kinds[name] = self._kind(name)
        return self._kinds[name]

    def _kind(self, name: str | None) -> tuple[str | None, int]:
        seen = set()
        while name is not None and name not in seen and (style := self._paragraphs.get(name)) is not None:
            seen.add(name)  # a loop of parents is not followed round
            outline = style.get(f"{_STYLE}default-outline-level")
            if outline is not None:  # said, it decides: "" is body text (LibreOffice's "Contents", a level removed)
                return ("heading", number(outline)) if number(outline) else (None, 0)
            for shown in (name, style.get(f"{_STYLE}display-name", "")):
                if named := _HEADING_STYLE.fullmatch(_style_name(shown)):
                    return ("title", 0) if named.group("title") else ("heading", int(named.group("level")))
                if ASIDE_STYLE.fullmatch(_style_name(shown)):
                    return "aside", 0
            name = style.get(f"{_STYLE}parent-style-name")
        return None, 0

    def font(self, name: str | None, around: Font | None = None) -> Font:
        """The font of a paragraph in paragraph style `name` (`around` None), or of a span in text style `name` within
        text set in `around`: what the style and its parents set, over the default paragraph style's, or `around`."""
        key = name, around
        if key not in self._fonts:
            found = self._paragraphs if around is None else self._texts
            chain, seen = [], set()
            while name is not None and name not in seen and (style := found.get(name)) is not None:
                seen.add(name)  # a loop of parents is not followed round
                chain.append(style)
                name = style.get(f"{_STYLE}parent-style-name")
            font = _applied(self._default, _PLAIN) if around is None else around
            for style in reversed(chain):  # from the furthest parent: the nearest style's settings win
                font = _applied(style, font)
            self._fonts[key] = font
        return self._fonts[key]

    def level(self, list_style: str | None, depth: int) -> ListLevel:
        """How level `depth` (1 the outermost) of list style `list_style` labels its items (a bullet if unknown)."""
        return _level(self._lists.get(list_style or ""), depth, f"{_TEXT}list-level-style-number")

    def outline(self, depth: int) -> ListLevel | None:
        """How the outline style numbers a heading of outline level `depth` (1 the outermost), as LibreOffice's
        "Heading Numbering" does; None if it numbers none (no outline style, a level without a number format)."""
        level = _level(self._outline, depth, f"{_TEXT}outline-level-style", shape="")  # no format: no number
        return level if level.numbered and level.shape else None


def _level(style: ElementTree.Element | None, depth: int, numbered: str, shape: str = "1") -> ListLevel:
    """How level `depth` of a list or outline style labels its items: its `numbered` level element's number format
    (`shape` if it gives none), prefix, suffix, start and the levels above it it shows; a bullet if it has no such
    level."""
    levels = {} if style is None else {child.get(f"{_TEXT}level"): child for child in style}
    level = levels.get(str(min(depth, 10)))
    if level is None or level.tag != numbered:
        return ListLevel()
    return ListLevel(True, level.get(f"{_STYLE}num-prefix", ""), level.get(f"{_STYLE}num-suffix", ""),
                     number(level.get(f"{_TEXT}start-value"), 1), level.get(f"{_STYLE}num-format", shape),
                     level.get(f"{_STYLE}num-letter-sync") == "true",
                     number(level.get(f"{_TEXT}display-levels"), 1))


__all__ = ["Styles", "number"]
