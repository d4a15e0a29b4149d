"""An RTF file's stylesheet, as far as reading it needs: which paragraph styles make headings (and of what level),
the title, captions and quotations, a table of contents' entries.

Word writes `{\\stylesheet{\\s1 ... \\outlinelevel0 ... \\sbasedon0 \\snext0 heading 1;} ...}`, each paragraph style a
group: its number (\\sN; none for the default style, number 0), its properties, the style it is based on
(\\sbasedonN) and its name, ended by ";" (with aliases after commas: "heading 1,H1"). LibreOffice and other writers
name a heading style in their user's language ("Titre 1", "Überschrift 1"). A paragraph names its style with \\sN.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.corpus.formats.blocks import ASIDE_STYLE

# Heading and title styles by name (lower case, spaces single): English, French, German, Spanish, Portuguese,
# Italian and Dutch names, as writers localize them (Word writes its built-in styles' English names)
_HEADING_STYLE = re.compile(r"(?:heading|titre|[üu]berschrift|t[íi]tulo|titolo|kop) ?(?P<level>[1-9])"
                            r"|(?P<title>title|titre|titel|t[íi]tulo|titolo)")
_CONTENTS_STYLE = re.compile(r"(?:toc|table des matières|verzeichnis|tdm) ?[1-9]|toc heading|contents [1-9]")
_CHAIN_MAX = 32  # the styles a style's "based on" chain is followed through: a loop, or a chain too long, stops


@dataclass
class Style:
    """A paragraph style as the stylesheet gives it: its name (aliases included), outline level (0 the outermost; 9
    body text; None: not said) and the style it is based on."""

    name: list[str] = field(default_factory=list)
    outline: int | None = None
    based_on: int | None = None


class Styles:
    """The paragraph styles of a stylesheet by number, and what each makes of a paragraph (`kind`), remembered."""

    def __init__(self) -> None:
        self.styles: dict[int, Style] = {}
        self._kinds: dict[int, tuple[str | None, int]] = {}

    def kind(self, number: int, outline: int | None) -> tuple[str | None, int]:
        """What a paragraph in style `number` with its own outline level `outline` (\\outlinelevelN; None if it
        says none) is: ("heading", level 1 to 9), ("title", 0), ("contents", 0) (a table of contents' entry, left
        out), ("aside", 0) (a caption or a quotation: body text whose bold heads nothing) or (None, 0) body text."""
        kind = self._kinds.get(number)
        if kind is None:
            kind = self._kinds[number] = self._kind(number)
        if outline is not None and kind[0] != "contents":  # the paragraph's own level overrides its style's
            return ("heading", outline + 1) if 0 <= outline < 9 else (None, 0)
        return kind

    def _kind(self, number: int) -> tuple[str | None, int]:
        style, seen = self.styles.get(number), 0
        while style is not None and seen < _CHAIN_MAX:
            seen += 1
            for name in style.name:
                name = " ".join(name.casefold().split())
                if named := _HEADING_STYLE.fullmatch(name):
                    return ("title", 0) if named["title"] else ("heading", int(named["level"]))
                if _CONTENTS_STYLE.fullmatch(name):
                    return "contents", 0
                if ASIDE_STYLE.fullmatch(name):
                    return "aside", 0
            if style.outline is not None:
                return ("heading", style.outline + 1) if 0 <= style.outline < 9 else (None, 0)
            style = self.styles.get(style.based_on) if style.based_on is not None else None
        return None, 0


def style_names(text: str) -> list[str]:
    """A style's names from the text of its group: before the ";" that ends it, the name and its aliases."""
    return [name.strip() for name in text.split(";", 1)[0].split(",") if name.strip()]


__all__ = ["Style", "Styles", "style_names"]
