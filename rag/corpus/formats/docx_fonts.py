"""How a Word document sets a paragraph's text, as far as telling the headings typed as bold lines goes: all in bold
or not, and its size (`rag.corpus.formats.blocks.Font`), as Word shows it.

A run's bold is its own w:b if set; else what the document defaults, its paragraph style and its character style say
(each style the nearest in its chain of "based on"), taken together as Word takes them: each one on turns it over (a
toggle property, ECMA-376 17.7.3: a "Strong" run in a bold style is not bold). Its size: its own w:sz, its character
style's, its paragraph style's, the defaults' (else Word's 10 pt).

Word sets the letters of complex scripts (Arabic, Hebrew, Syriac, Thaana, the Indic scripts, Thai, Lao, Tibetan,
Myanmar, Khmer: `_COMPLEX`) in the bold of w:bCs and the size of w:szCs instead, and all of a run's text so where the
run is marked right-to-left (w:rtl) or complex script (w:cs), itself or by its styles (ECMA-376 17.3.2.2, 17.3.2.7,
17.3.2.30): a run holding letters of both kinds is in bold where both say so, its size the larger. Other scripts
(Latin, Cyrillic, Greek, Chinese, Japanese, Korean) are set by w:b and w:sz.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from rag.corpus.formats.blocks import Font

if TYPE_CHECKING:
    from docx.document import Document as WordDocument

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_RPR, _RSTYLE, _VAL = f"{_W}rPr", f"{_W}rStyle", f"{_W}val"
# Where run properties set bold and size: [0] for the letters of other scripts, [1] for those of complex scripts
_BOLD = {f"{_W}b": 0, f"{_W}bCs": 1}
_SIZE = {f"{_W}sz": 0, f"{_W}szCs": 1}
_ALL_COMPLEX = {f"{_W}rtl", f"{_W}cs"}
_COMPLEX = re.compile("[\u0590-\u08ff\u0900-\u0dff\u0e00-\u0fff\u1000-\u109f\u1780-\u17ff\ufb1d-\ufdff\ufe70-\ufeff]")
_OTHER, _BOTH, _COMPLEX_ONLY = (0,), (0, 1), (1,)

# What run properties say, None where they say nothing: bold and size in half-points ([0] w:b and w:sz, [1] w:bCs and
# w:szCs), whether all the run's text is complex script (w:rtl, w:cs), the character style (w:rStyle)
_Said = tuple[list[bool | None], list[int | None], bool | None, str | None]


def _switch(value: str | None) -> bool:
    """Whether an on/off property's w:val (None: absent) says on ("1", "true", "on") rather than off ("0", "false",
    "off")."""
    return value not in ("0", "false", "off")


def _half_points(value: str | None) -> int | None:
    """A w:sz's or w:szCs's w:val as a font size in half-points; None if it is none (not 1 to 4 digits)."""
    return int(value) if value and value.isdigit() and len(value) <= 4 else None


def _said(properties: Any) -> _Said:
    """What run properties (a w:rPr: a run's, a style's, the document defaults'; None if there are none) say. One pass
    over them, not a search for each: in a long document in bold, most of the time goes on its runs' fonts."""
    bold: list[bool | None] = [None, None]
    size: list[int | None] = [None, None]
    complex_script = style = None
    for child in () if properties is None else properties:
        tag = child.tag
        if tag in _BOLD:
            bold[_BOLD[tag]] = _switch(child.get(_VAL))
        elif tag in _SIZE:
            size[_SIZE[tag]] = _half_points(child.get(_VAL))
        elif tag in _ALL_COMPLEX:
            complex_script = _switch(child.get(_VAL)) or bool(complex_script)
        elif tag == _RSTYLE:
            style = child.get(_VAL)
    return bold, size, complex_script, style


def scripts(text: str) -> tuple[int, ...]:
    """Which kinds of letters `text` holds: (0,) of other scripts only (or none), (1,) of complex scripts only, or
    both."""
    if not _COMPLEX.search(text):
        return _OTHER
    return _BOTH if any(c.isalpha() and not _COMPLEX.match(c) for c in text) else _COMPLEX_ONLY


class Fonts:
    """How the paragraphs of a document are set (`font`), its styles read once each."""

    def __init__(self, document: WordDocument) -> None:
        self._styles = document.styles.element
        bold, size, complex_script, _ = _said(self._styles.find(f"{_W}docDefaults/{_W}rPrDefault/{_RPR}"))
        self._default = [b or False for b in bold], [s or 20 for s in size], complex_script or False
        normal = self._styles.default_for("paragraph")  # a paragraph without w:pStyle is in it
        self._normal = None if normal is None else normal.styleId
        self._set: dict[str | None, _Said] = {None: ([None, None], [None, None], None, None)}

    def _style(self, style_id: str | None) -> _Said:
        """What a style says, itself or the nearest style it is based on that says it (None where none does)."""
        if style_id not in self._set:
            bold: list[bool | None] = [None, None]
            size: list[int | None] = [None, None]
            complex_script = None
            style, seen = self._styles.get_by_id(style_id), set()
            while style is not None and style.styleId not in seen:  # a loop of "based on" is not followed round
                seen.add(style.styleId)
                own_bold, own_size, own_complex, _ = _said(style.find(_RPR))
                bold = [b if b is not None else own for b, own in zip(bold, own_bold, strict=True)]
                size = [s if s is not None else own for s, own in zip(size, own_size, strict=True)]
                complex_script = own_complex if complex_script is None else complex_script
                style = self._styles.get_by_id(style.basedOn_val) if style.basedOn_val else None
            self._set[style_id] = bold, size, complex_script, None
        return self._set[style_id]

    def font(self, paragraph: Any, runs: list[tuple[Any, str]]) -> Font | None:
        """How `paragraph` is set (`runs`: its runs that show text, with it), as `Font` says; None if it shows none.
        Its runs are read up to the first not in bold only."""
        paragraph_bold, paragraph_size, paragraph_complex, _ = self._style(paragraph.style or self._normal)
        default_bold, default_size, default_complex = self._default
        styled_complex = default_complex if paragraph_complex is None else paragraph_complex
        largest = 0
        for run, text in runs:
            if not text.strip():
                continue
            own_bold, own_size, own_complex, character = _said(run.find(_RPR))
            character_bold, character_size, character_complex, _ = self._style(character)
            all_complex = own_complex if own_complex is not None else \
                styled_complex if character_complex is None else character_complex
            for kind in _COMPLEX_ONLY if all_complex else scripts(text):
                bold = own_bold[kind]
                if bold is None:  # each level of styles that says "on" turns it over; "off" leaves it as it was
                    bold = default_bold[kind] ^ bool(paragraph_bold[kind]) ^ bool(character_bold[kind])
                size = own_size[kind] or character_size[kind] or paragraph_size[kind] or default_size[kind]
                if not bold:
                    return Font(False, size / 2)
                largest = max(largest, size)
        return Font(True, largest / 2) if largest else None


__all__ = ["Fonts", "scripts"]
