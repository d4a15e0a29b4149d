"""The paragraph properties of an old binary Word document (.doc, [MS-DOC]) that its reader needs: each paragraph's
style and outline level, whether it stands in a table and ends a row, and whether it is a list's (`Paragraphs`, from
the PAPX pages the PlcBtePapx lists); what each style makes of a paragraph and how it sets its text: bold, size, list
(`Styles`, from the stylesheet, STSH).

A style is told by its built-in identifier (sti), not its name, which Word writes in the language of its user
("Titre 1", "Überschrift 1"): sti 1 to 9 are Heading 1 to 9, 62 Title, 19 to 27 the table of contents' TOC 1 to 9.
A style of the user's is told by its name as a .docx's is, by its outline level, or by the style it is based on.

Every offset and count read from the file is checked against the structure it lies in; each page of properties is
read once however often the file lists it, so that the work stays linear in the file's size.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from rag.corpus.formats.blocks import word_style
from rag.corpus.formats.doc_pieces import u16, u32

_PAGE = 512  # an FKP: a page of formatted disk pages, 512 bytes
_STI_TITLE, _STI_TOC = 62, range(19, 28)
_NO_STYLE = 0x0FFF  # istdBase: based on no style
# The sprms read: in a table (sprmPFInTable, sprmPItap), a row's end (sprmPFTtp, sprmPFInnerTtp), the outline level,
# the list and its level (sprmPIlfo: 1 to 0x7FE a list's; 0 none, 0xF801 none whatever the style says; sprmPIlvl),
# bold, hidden and size (sprmCFBold, sprmCFVanish, sprmCHps: in half-points)
_IN_TABLE, _ITAP, _TTP, _INNER_TTP, _OUTLINE, _ILFO, _ILVL = 0x2416, 0x6649, 0x2417, 0x244C, 0x2640, 0x460B, 0x260A
BOLD, HIDDEN, SIZE = 0x0835, 0x083C, 0x4A43
BOLD_BI = 0x085C  # sprmCFBoldBi: the bold of complex scripts' letters (Arabic, Hebrew, Thai), a toggle as bold is
_LISTS = range(1, 0x7FF)
_TDEF_TABLE, _CHANGE_TABS = 0xD608, 0xC615
_OPERAND = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}  # an operand's size by the sprm's spra (6: it says its own)


def sprms(grpprl: bytes) -> dict[int, bytes]:
    """The operands of a list of properties (a grpprl), by sprm, the last of each kept; read up to where one runs past
    the end or cannot be measured. Each step moves on by 3 bytes at least."""
    found: dict[int, bytes] = {}
    at = 0
    while at + 2 <= len(grpprl):
        sprm = u16(grpprl, at)
        at += 2
        spra = sprm >> 13
        if spra != 6:
            size = _OPERAND[spra]
        elif sprm == _TDEF_TABLE and at + 2 <= len(grpprl):  # a 2-byte count, one more than the bytes after it
            size = 1 + u16(grpprl, at)
        elif sprm != _CHANGE_TABS and at < len(grpprl):
            size = 1 + grpprl[at]
        else:  # sprmPChgTabs' size is worked out from its content: nothing after it is read
            break
        if at + size > len(grpprl):
            break
        found[sprm] = grpprl[at:at + size]
        at += size
    return found


@dataclass(frozen=True)
class Properties:
    """A paragraph's: its style (istd), its outline level (0 to 8 a heading's, 9 body text, None not set), whether it
    stands in a table, whether its mark ends a table row (a TTP: the mark after the row's last cell), and its list
    and level in it (ilfo, ilvl: None where its style says)."""

    istd: int = 0
    outline: int | None = None
    in_table: bool = False
    row_end: bool = False
    ilfo: int | None = None
    ilvl: int | None = None


def toggled(base: bool, operand: int | None) -> bool:
    """Bold or hidden as sprmCFBold's or sprmCFVanish's `operand` makes it over `base`, what the style under it says:
    0 off, 1 on, 0x80 as `base`, 0x81 the opposite (a ToggleOperand); None, as `base`."""
    if operand is None:
        return base
    return base != bool(operand & 1) if operand & 0x80 else bool(operand & 1)


@dataclass(frozen=True)
class Styled:
    """How a style sets its text, itself or by the styles it is based on: in bold or not, hidden or not, its size in
    half-points (None: it says none), and its list and level in it (ilfo, ilvl, a paragraph style's: None where it
    says none); `bold_bi`: the bold of complex scripts' letters, as `bold` the others'."""

    bold: bool = False
    hidden: bool = False
    size: int | None = None
    ilfo: int | None = None
    ilvl: int | None = None
    bold_bi: bool = False


_UNSTYLED = Styled()


def _properties(grpprl_and_istd: bytes) -> Properties:
    if len(grpprl_and_istd) < 2:
        return Properties()
    found = sprms(grpprl_and_istd[2:])

    def flag(sprm: int) -> bool:
        return bool(found.get(sprm, b"\0")[0])

    itap, outline, ilfo, ilvl = found.get(_ITAP), found.get(_OUTLINE), found.get(_ILFO), found.get(_ILVL)
    in_table = flag(_IN_TABLE) or (itap is not None and len(itap) == 4 and u32(itap, 0) > 0)
    return Properties(u16(grpprl_and_istd, 0), outline[0] if outline else None, in_table,
                      flag(_TTP) or flag(_INNER_TTP), u16(ilfo, 0) if ilfo else None, ilvl[0] if ilvl else None)


class Paragraphs:
    """The properties of the paragraph whose mark is kept at a byte of the WordDocument stream (`at`)."""

    def __init__(self, word: bytes, plc: bytes) -> None:
        count = (len(plc) - 4) // 8  # n + 1 byte offsets, then n page numbers
        runs: dict[int, tuple[int, Properties]] = {}  # by the first byte each describes: its end, its properties
        seen: set[int] = set()
        for n in range(max(count, 0)):
            page = u32(plc, 4 * (count + 1) + 4 * n) & 0x3FFFFF
            if page in seen or (page + 1) * _PAGE > len(word):
                continue  # read once; one outside the stream is none
            seen.add(page)
            self._read(word[page * _PAGE:(page + 1) * _PAGE], runs)
        self._starts = sorted(runs)
        self._runs = [runs[start] for start in self._starts]

    @staticmethod
    def _read(fkp: bytes, runs: dict[int, tuple[int, Properties]]) -> None:
        crun = fkp[_PAGE - 1]
        if 4 * (crun + 1) + 13 * crun > _PAGE - 1:
            return  # more runs than a page holds: a damaged page
        for i in range(crun):
            start, end = u32(fkp, 4 * i), u32(fkp, 4 * i + 4)
            offset = 2 * fkp[4 * (crun + 1) + 13 * i]  # BxPap.bOffset, in words; 0: the default properties
            properties = Properties()
            if offset and offset < _PAGE - 1:
                size = fkp[offset]
                at, length = (offset + 1, 2 * size - 1) if size else (offset + 2, 2 * fkp[offset + 1])
                properties = _properties(fkp[at:min(at + length, _PAGE - 1)])
            if end > start:
                runs[start] = (end, properties)

    def at(self, fc: int | None) -> Properties | None:
        """The properties of the paragraph whose mark is at byte `fc`; None where no page says (or `fc` is None)."""
        n = bisect_right(self._starts, fc) - 1 if fc is not None else -1
        if n < 0 or fc is None or fc >= self._runs[n][0]:
            return None
        return self._runs[n][1]


@dataclass(frozen=True)
class _Style:
    sti: int
    base: int
    name: str
    paragraph: bool  # a paragraph style; else a character style
    outline: int | None
    ilfo: int | None
    ilvl: int | None
    bold: int | None  # sprmCFBold's operand: 0 off, 1 on, 0x80 its base's, 0x81 the opposite
    hidden: int | None  # sprmCFVanish's, the same
    size: int | None
    bold_bi: int | None = None  # sprmCFBoldBi's, the same


class Styles:
    """The stylesheet: what each paragraph style (by istd) makes of a paragraph, as `rag.corpus.formats.docx`'s styles
    do: ("title", 0), ("heading", 1..9), ("contents", 0) (an entry of a table of contents, left out), ("aside", 0) (a
    caption or a quotation) or (None, 0), body text."""

    def __init__(self, stsh: bytes) -> None:
        self._styles: dict[int, _Style] = {}
        self._kinds: dict[int, tuple[str | None, int]] = {}
        self._sets: dict[int, Styled] = {}
        if len(stsh) < 6:
            return
        header = u16(stsh, 0)
        if header < 4 or 2 + header > len(stsh):
            return
        count, base_size = u16(stsh, 2), u16(stsh, 4)
        at = 2 + header
        for istd in range(count):  # each step moves on by 2 bytes at least: bounded by the stylesheet's size
            if at + 2 > len(stsh):
                break
            size = u16(stsh, at)
            std = stsh[at + 2:at + 2 + size]
            at += 2 + size
            if len(std) >= max(base_size, 10) + 2 and (style := _style(std, base_size)) is not None:
                self._styles[istd] = style

    def kind(self, istd: int, outline: int | None) -> tuple[str | None, int]:
        """What a paragraph of style `istd` and outline level `outline` (its own, None if it sets none) is: the
        paragraph's own level overrides its style's, as Word's navigation pane shows it."""
        kind, level = self._kinds.get(istd) or self._kind(istd)
        if outline is not None and kind != "contents":
            return ("heading", outline + 1) if outline < 9 else (None, 0)
        return kind, level

    def set_in(self, istd: int | None) -> Styled:
        """How style `istd` sets its text (a paragraph's or a character style: None, or one the sheet lacks, none):
        from its own character properties and then the styles it is based on, each walked once however long the
        chains of "based on" are, as `_kind` walks them."""
        if istd is None or istd in self._sets:  # most runs' (none) or a style walked already: asked once a run
            return self._sets.get(istd, _UNSTYLED) if istd is not None else _UNSTYLED
        chain: list[int] = []
        seen: set[int] = set()
        while istd in self._styles and istd not in self._sets and istd not in seen:
            seen.add(istd)  # a loop of "based on" is not followed round: the style met again sets nothing
            chain.append(istd)
            istd = self._styles[istd].base
        found = self._sets.get(istd, _UNSTYLED)
        for walked in reversed(chain):  # from the base up: each style's own properties over its base's
            style = self._styles[walked]
            found = self._sets[walked] = Styled(toggled(found.bold, style.bold), toggled(found.hidden, style.hidden),
                                                style.size or found.size,
                                                style.ilfo if style.ilfo is not None else found.ilfo,
                                                style.ilvl if style.ilvl is not None else found.ilvl,
                                                toggled(found.bold_bi, style.bold_bi))
        return found

    def listed(self, properties: Properties) -> tuple[int, int] | None:
        """The list (ilfo) and level (ilvl) of a paragraph of `properties`, each its own or its style's; None where
        it is no list's item."""
        styled = self.set_in(properties.istd)
        ilfo = properties.ilfo if properties.ilfo is not None else styled.ilfo
        ilvl = properties.ilvl if properties.ilvl is not None else styled.ilvl
        return (ilfo, ilvl or 0) if ilfo is not None and ilfo in _LISTS else None

    def _kind(self, istd: int) -> tuple[str | None, int]:
        """What style `istd` makes of a paragraph, from its own and then the styles it is based on; kept for every
        style walked, so that each style of the sheet is walked once however long the chains of "based on" are."""
        chain: list[int] = []
        seen: set[int] = set()
        found: tuple[str | None, int] = (None, 0)
        # a character style makes nothing of a paragraph; a loop of "based on" is not followed round
        while istd in self._styles and self._styles[istd].paragraph and istd not in seen:
            if istd in self._kinds:  # walked already from another style
                found = self._kinds[istd]
                break
            seen.add(istd)
            chain.append(istd)
            if (own := _own_kind(self._styles[istd])) is not None:
                found = own
                break
            istd = self._styles[istd].base
        for walked in chain:  # each said nothing of its own up to the one that did: the same kind for all
            self._kinds[walked] = found
        return found


def _own_kind(style: _Style) -> tuple[str | None, int] | None:
    """What a style makes of a paragraph by itself (None: what the style it is based on makes)."""
    name = " ".join(style.name.split(",")[0].casefold().split())  # "heading 1,h1": a name and its aliases
    if 1 <= style.sti <= 9:
        return "heading", style.sti
    if style.sti == _STI_TITLE:
        return "title", 0
    if style.sti in _STI_TOC:
        return "contents", 0
    return word_style(name, style.outline)


def _style(std: bytes, base_size: int) -> _Style | None:
    """A paragraph or character style's STD (a table or list style: None): its sti, the style it is based on, its
    name (an Xstz after the fixed part, `base_size` bytes), then its properties, each list (an LPUpx) its size and
    itself, from an even byte: a paragraph style's paragraph properties (its outline level, its list) and character
    properties, a character style's character properties (bold, hidden, size)."""
    sti, second = u16(std, 0) & 0x0FFF, u16(std, 2)
    stk = second & 0x000F  # 1 a paragraph style, 2 a character style
    if stk not in (1, 2):
        return None
    length = u16(std, base_size)
    name = std[base_size + 2:base_size + 2 + 2 * length].decode("utf-16-le", errors="replace")
    at = base_size + 2 + 2 * length + 2  # after the name and its terminating NUL
    upxs: list[dict[int, bytes]] = []
    for n in range(3 - stk):  # a paragraph style's two lists, a character style's one
        at += at % 2
        if at + 2 > len(std):
            break
        cb = u16(std, at)
        skip = 2 if stk == 1 and n == 0 else 0  # paragraph properties begin with the style's istd
        upxs.append(sprms(std[at + 2 + skip:at + 2 + cb]))
        at += 2 + cb
    paragraph = upxs[0] if stk == 1 and upxs else {}
    characters = upxs[-1] if len(upxs) == 3 - stk else {}
    outline, ilfo, ilvl = paragraph.get(_OUTLINE), paragraph.get(_ILFO), paragraph.get(_ILVL)
    bold, hidden, size = characters.get(BOLD), characters.get(HIDDEN), characters.get(SIZE)
    bold_bi = characters.get(BOLD_BI)
    return _Style(sti, second >> 4, name, stk == 1, outline[0] if outline else None, u16(ilfo, 0) if ilfo else None,
                  ilvl[0] if ilvl else None, bold[0] if bold else None, hidden[0] if hidden else None,
                  u16(size, 0) if size else None, bold_bi[0] if bold_bi else None)


__all__ = ["BOLD", "BOLD_BI", "HIDDEN", "SIZE", "Paragraphs", "Properties", "Styled", "Styles", "sprms", "toggled"]
