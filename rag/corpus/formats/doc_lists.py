"""The numbers and bullets an old binary Word document (.doc, [MS-DOC]) shows before its lists' paragraphs ("1.",
"a)", "1.2.", "•"), counted as Word counts them (`Lists`).

A paragraph's list is an LFO (sprmPIlfo, its own or its style's: 1 the first of the PlfLfo), which names a list
definition (an LSTF of the PlfLst, by its lsid) and may override where some of its levels start; its level is
sprmPIlvl's. Each level of a definition (an LVL, after the PlfLst in the table stream) gives its start, its number's
format (nfc) and its text (an Xst whose characters 0 to 8 stand for the numbers of those levels: "\\x00.\\x01."). The
lists made from one definition go on with one count, as Word's "continue numbering" does; a level's count goes on
until an item of a level above it restarts it (unless the level says it restarts only under some levels, or
never), or until a list that overrides the level's start is met for the first time, as `rag.corpus.formats.docx`
counts a .docx's.

Every count and size read is checked against the stream it lies in, so that reading stays linear in the file's
size; a label's text is cut to `_LABEL_MAX` characters.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass

from rag.corpus.formats.doc_pieces import u16, u32
from rag.corpus.formats.numbering import letters, roman

PLFLST, PLFLFO = 73, 74  # the pairs of FibRgFcLcb97 locating the lists' definitions and their overrides
_LSTF, _LVLF, _LFO = 28, 28, 16  # bytes
_LABEL_MAX = 64  # characters of a level's text kept: Word's own are a few; a longer one is a damaged file's
_BULLET, _NONE = 23, 255
# A number's formats (nfc): digits, upper and lower Roman numerals, upper and lower letters, digits from "01"; the
# others (ordinals, other scripts') come as digits
_FORMATS: dict[int, Callable[[int], str]] = {0: str, 1: lambda n: roman(n).upper(), 2: roman,
                                             3: lambda n: letters(n).upper(), 4: letters, 22: lambda n: f"{n:02d}"}


@dataclass(frozen=True)
class _Level:
    start: int
    nfc: int
    text: str
    legal: bool  # the numbers of the levels above it shown as digits ("1.2", whatever their own format)
    restarts_under: int  # an item of a level above this one (0 the outermost) restarts it: 9, any level above


def _level(table: bytes, at: int) -> tuple[_Level, int]:
    """The LVL at byte `at` of the table stream, and the byte after it; `ValueError` where it does not fit."""
    if at + _LVLF > len(table):
        raise ValueError("a list level lies outside its stream")
    start, nfc, flags = struct.unpack_from("<iBB", table, at)
    chpx, papx, limit = table[at + 24], table[at + 25], table[at + 26]
    restarts_under = limit if flags & 0x08 else 9  # fNoRestart: only an item above ilvlRestartLim restarts it
    at += _LVLF + papx + chpx
    count = u16(table, at)
    text = table[at + 2:at + 2 + 2 * count]
    if len(text) < 2 * count:
        raise ValueError("a list level's text lies outside its stream")
    shown = text.decode("utf-16-le", errors="replace")[:_LABEL_MAX]
    return _Level(start, nfc, shown, bool(flags & 0x04), restarts_under), at + 2 + 2 * count


class Lists:
    """The labels of a document's list paragraphs, in reading order (`label`)."""

    def __init__(self, table: bytes, lst: tuple[int, int], lfo: tuple[int, int]) -> None:
        """The lists of the table stream `table`, their definitions (the PlfLst) at `lst` and the lists made from
        them (the PlfLfo) at `lfo`, each (fc, lcb); `ValueError` where they do not fit in it."""
        self._definitions: dict[int, list[_Level]] = {}  # by lsid
        self._lists: list[tuple[int, dict[int, int]]] = []  # by ilfo - 1: its definition, the starts it overrides
        self._met: set[int] = set()
        self._counts: dict[int, list[int | None]] = {}  # by definition; None: a level not counted since its restart
        if any(fc + lcb > len(table) for fc, lcb in (lst, lfo)):
            raise ValueError("its list table lies outside its stream")
        if lst[1] >= 2:
            self._read_definitions(table, *lst)
        if lfo[1] >= 4:
            self._read_lists(table, *lfo)

    def _read_definitions(self, table: bytes, fc: int, lcb: int) -> None:
        count = struct.unpack_from("<h", table, fc)[0] if fc + 2 <= len(table) else 0
        count = max(0, min(count, (lcb - 2) // _LSTF))
        at = fc + lcb  # the levels follow the PlfLst, a definition's after the one before
        for n in range(count):
            lsid = struct.unpack_from("<i", table, fc + 2 + _LSTF * n)[0]
            simple = table[fc + 2 + _LSTF * n + 26] & 0x01
            levels = []
            for _ in range(1 if simple else 9):
                level, at = _level(table, at)
                levels.append(level)
            self._definitions.setdefault(lsid, levels)

    def _read_lists(self, table: bytes, fc: int, lcb: int) -> None:
        count = min(u32(table, fc), (lcb - 4) // (_LFO + 4))  # an LFO, and its LFOData's cp at least, each
        at = fc + 4 + _LFO * count  # the overrides follow the LFOs: each LFO's after the one before
        for n in range(count):
            lsid = struct.unpack_from("<i", table, fc + 4 + _LFO * n)[0]
            overridden = table[fc + 4 + _LFO * n + 12]
            starts: dict[int, int] = {}
            at += 4  # the LFOData's cp
            for _ in range(overridden):
                if at + 8 > len(table):
                    raise ValueError("a list's overrides lie outside their stream")
                start, flags = struct.unpack_from("<iI", table, at)
                at += 8
                if flags & 0x10:  # fStartAt: the level restarts at `start` where the list is first met
                    starts[flags & 0x0F] = start
                if flags & 0x20:  # fFormatting: a level of its own follows, read past
                    _, at = _level(table, at)
            self._lists.append((lsid, starts))

    def label(self, ilfo: int, ilvl: int) -> str | None:
        """The label of the next item of list `ilfo` (1 the first) at level `ilvl` (0 the outermost), counting it;
        None where the document has no such list or level (a damaged file, or one its writer left incomplete)."""
        if not 0 < ilfo <= len(self._lists) or not 0 <= ilvl <= 8:
            return None
        lsid, overrides = self._lists[ilfo - 1]
        levels = self._definitions.get(lsid)
        if levels is None or ilvl >= len(levels):
            return None
        counts = self._counts.setdefault(lsid, [None] * 9)
        if ilfo not in self._met:  # the list's first item: the levels it overrides restart
            self._met.add(ilfo)
            for k in overrides:
                if 0 <= k <= 8:
                    counts[k] = None
        starts = [overrides.get(k, levels[k].start if k < len(levels) else 1) for k in range(9)]
        counts[ilvl] = starts[ilvl] if (count := counts[ilvl]) is None else count + 1
        for k in range(ilvl + 1, min(len(levels), 9)):
            if ilvl < levels[k].restarts_under:
                counts[k] = None
        level = levels[ilvl]
        if level.nfc == _BULLET:
            return "•" if not level.text or "\ue000" <= level.text[0] <= "\uf8ff" else level.text.strip() or "•"
        shown = []
        for char in level.text:
            k = ord(char)
            if k > 8:
                shown.append(char)
            elif k <= ilvl:  # a level's number: its count, or its start where none was counted
                nfc = 0 if level.legal and k != ilvl else levels[k].nfc if k < len(levels) else 0
                if nfc != _NONE:
                    shown.append(_FORMATS.get(nfc, str)(starts[k] if (count := counts[k]) is None else count))
        return "".join(shown).strip() or None


__all__ = ["PLFLFO", "PLFLST", "Lists"]
