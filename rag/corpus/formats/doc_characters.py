"""The characters' properties of an old binary Word document (.doc, [MS-DOC]) that its reader needs, from their CHPX
in the pages (FKPs) the PlcBteChpx lists: whether a character is deleted with changes tracked (sprmCFRMarkDel: shown
struck through by Word, gone once the changes are accepted) or hidden (sprmCFVanish, its own or its styles': Word
neither shows nor prints it), and how it is set (sprmCFBold, sprmCHps, its character style: sprmCIstd; the bold of
complex scripts' letters, sprmCFBoldBi, as a .docx's w:bCs), for the headings typed as bold lines.

One walk over the pages gives each run of characters its `Look`; `Looks` holds them by character position, for the
deleted text to be taken out (`without_deleted`) and the reader to go along the text with them (`along`). Each page is
read once however often the file lists it; runs that overlap (no writer makes them) are cut where the one before ends,
so that they stand in order and apart; the pieces hold no more bytes than the stream, all together
(`rag.corpus.formats.doc_pieces`), so each piece meets only the runs within its bytes: the work stays linear in the
file, however many runs a page lists.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from rag.corpus.formats.blocks import Font
from rag.corpus.formats.doc_pieces import Pieces, u16, u32
from rag.corpus.formats.doc_styles import BOLD, BOLD_BI, HIDDEN, SIZE, Styled, sprms, toggled
from rag.corpus.formats.docx_fonts import scripts

PLCFBTECHPX = 12  # the pair of FibRgFcLcb97 locating the characters' properties' bin table
_PAGE = 512
# The sprms read: deleted (1, or 0x81: the opposite of its style's, which never deletes), the character style; the
# bold of complex scripts' letters (sprmCFBoldBi), and a run all of whose text is set so (sprmCFBiDi: right-to-left,
# sprmCFComplexScripts), as Word sets them (w:bCs, w:rtl and w:cs in a .docx: `rag.corpus.formats.docx_fonts`)
_DELETED, _STYLE, _BIDI, _COMPLEX = 0x0800, 0x4A30, 0x085A, 0x0882
_DEFAULT_SIZE = 20  # half-points: Word's 10 pt, where no style says
GONE = "\x00"  # what a deleted character is replaced by: a control character the reader shows as nothing


@dataclass(frozen=True)
class Look:
    """A run of characters' own properties: deleted with changes tracked, hidden and bold (sprmCFVanish's and
    sprmCFBold's operands: 0 off, 1 on, 0x80 as its styles say, 0x81 the opposite; None: set by its styles), its size
    in half-points and its character style (None: set by its styles)."""

    deleted: bool = False
    hidden: int | None = None
    bold: int | None = None
    size: int | None = None
    style: int | None = None
    bold_bi: int | None = None  # sprmCFBoldBi's operand, as sprmCFBold's: the bold of complex scripts' letters
    complex: bool = False  # all its text set as complex scripts' letters are (right-to-left, or marked so)

    def font(self, paragraph: Styled, character: Styled, text: str = "") -> Font:
        """How the run is set, its paragraph's style setting `paragraph` and its character style `character`, showing
        `text`: its own bold, else its styles' (each in bold turns it over, as Word takes a toggle property: a bold
        character style in a bold paragraph style is not bold); its own size, else its character style's, its
        paragraph style's, or Word's 10 pt. The letters of complex scripts (Arabic, Hebrew, Thai, ...), or all its
        text where the run is `complex`, are in the bold of its sprmCFBoldBi where it has one, over its styles' (a
        style's Western bold alone leaves them as they are, as in a .docx); a run holding letters of both kinds is in
        bold where both say so."""
        kinds = (1,) if self.complex else scripts(text)
        bold = all(toggled(paragraph.bold != character.bold, self.bold) if kind == 0 else
                   toggled(paragraph.bold_bi != character.bold_bi, self.bold if self.bold_bi is None else self.bold_bi)
                   for kind in kinds)
        return Font(bold, (self.size or character.size or paragraph.size or _DEFAULT_SIZE) / 2)

    def hides(self, paragraph: Styled, character: Styled) -> bool:
        """Whether the run is hidden, its paragraph's style setting `paragraph` and its character style `character`:
        by its own sprmCFVanish, else its styles' (a toggle, as bold is: Word hides the text of a style that says
        hidden, a "Note interne" paragraph style, a character style, unless the run itself shows it)."""
        return toggled(paragraph.hidden != character.hidden, self.hidden)


    @property
    def code(self) -> int:
        """The look as one number of 64 bits (`_look_of` reads it back): complex and deleted, then hidden, bold, size,
        style and bold_bi, each with a bit that says it is set."""
        code = int(self.complex) << 1 | int(self.deleted)
        for value, bits in ((self.hidden, 8), (self.bold, 8), (self.size, 16), (self.style, 16), (self.bold_bi, 8)):
            code = code << (bits + 1) | (0 if value is None else 1 << bits | value)
        return code


PLAIN = Look()
_PLAIN = PLAIN.code
_DELETED_BIT = 8 + 1 + 8 + 1 + 16 + 1 + 16 + 1 + 8 + 1  # where `Look.code` keeps deleted: above the other five
_LOOKS_HELD = 4096  # the looks read back from their codes, or read from their sprms, held at most: a few in real files


@lru_cache(maxsize=_LOOKS_HELD)
def _look_of(code: int) -> Look:
    fields: list[int | None] = []
    for bits in (8, 16, 16, 8, 8):  # bold_bi, style, size, bold, hidden: the last set first
        fields.append(code & ((1 << bits) - 1) if code >> bits & 1 else None)
        code >>= bits + 1
    bold_bi, style, size, bold, hidden = fields
    return Look(bool(code & 1), hidden, bold, size, style, bold_bi, bool(code & 2))


def _look(grpprl: bytes) -> Look:
    found = sprms(grpprl)
    deleted, hidden, bold, size, style, bold_bi = (found.get(sprm) for sprm in (_DELETED, HIDDEN, BOLD, SIZE, _STYLE,
                                                                               BOLD_BI))
    return Look(bool(deleted and deleted[0] & 1), hidden[0] if hidden else None, bold[0] if bold else None,
                u16(size, 0) if size else None, u16(style, 0) if style else None, bold_bi[0] if bold_bi else None,
                any(found.get(sprm, b"\0")[0] & 1 for sprm in (_BIDI, _COMPLEX)))


class Looks:
    """The runs of characters (from, to position) with properties of their own, in order and apart; characters of no
    run have none (`PLAIN`). A run is kept as three numbers (from, to, its `Look`'s `code`), 16 bytes, not as objects
    of its own: a million runs hold 16 MB, not a quarter of a gigabyte, whether they share a few looks, as real
    documents' do, or each has its own (before, each look of its own was kept whole: about 370 bytes a run)."""

    def __init__(self, runs: Iterable[tuple[int, int, Look]] = ()) -> None:
        self._starts, self._ends, self._codes = array("I"), array("I"), array("Q")
        self._next = 0  # the first run `along` has not gone past
        for start, end, look in runs:
            self.add(start, end, look.code)

    def add(self, start: int, end: int, code: int) -> None:
        """Add a run after the last one (`start` at or after its end, before `end`), of the look whose `Look.code` is
        `code`; one that goes on from the last with the same properties lengthens it."""
        if self._ends and self._ends[-1] == start and self._codes[-1] == code:
            self._ends[-1] = end
        else:
            self._starts.append(start)
            self._ends.append(end)
            self._codes.append(code)

    def __len__(self) -> int:
        return len(self._starts)

    @property
    def end(self) -> int:
        """Where the last run ends (0 when there is none)."""
        return self._ends[-1] if self._ends else 0

    def runs(self) -> Iterator[tuple[int, int, Look]]:
        """The runs, in order."""
        runs = zip(self._starts, self._ends, self._codes, strict=True)
        return ((start, end, _look_of(code)) for start, end, code in runs)

    def without_deleted(self, text: str) -> str:
        """`text` (the characters from position 0) with each deleted character replaced by `GONE`: as long as it was,
        so that every position still names the same character."""
        parts, at = [], 0
        deleted = 1 << _DELETED_BIT
        for start, end, code in zip(self._starts, self._ends, self._codes, strict=True):
            start, end = max(start, at), min(end, len(text))
            if code & deleted and start < end:
                parts += [text[at:start], GONE * (end - start)]
                at = end
        return "".join(parts) + text[at:]

    def along(self, start: int, end: int) -> Iterator[tuple[int, int, Look]]:
        """The characters from position `start` to `end`, stretch by stretch, each with its properties. Called for
        positions that only move forward, as a text is read: each run is gone past once."""
        starts, ends, count, n = self._starts, self._ends, len(self._starts), self._next
        while n < count and ends[n] <= start:
            n += 1
        self._next = n
        at = start
        while at < end:
            if n < count and starts[n] <= at:
                stop, look = min(ends[n], end), _look_of(self._codes[n])
            else:
                stop, look = min(starts[n] if n < count else end, end), PLAIN
            yield at, stop, look
            if n < count and stop >= ends[n]:
                n += 1
            at = stop

    def at(self, position: int) -> Look:
        """The properties of the character at `position` (positions moving forward, as for `along`)."""
        return next(self.along(position, position + 1), (0, 0, PLAIN))[2]


def read_looks(word: bytes, plc: bytes, pieces: Pieces) -> Looks:
    """The characters' properties of the document whose WordDocument stream is `word` and piece table `pieces`; the
    bin table `plc` lists the pages (a page outside the stream is none)."""
    return _by_position(_by_bytes(word, plc), pieces)


def _by_bytes(word: bytes, plc: bytes) -> Looks:
    """The runs of bytes of `word` (from, to) whose characters have properties of their own, in order and apart:
    the pages read in the order of their first byte, each run cut where the one before ends (a page's runs follow
    one another; pages or runs overlapping, which no writer makes, are read so all the same)."""
    count = (len(plc) - 4) // 8  # n + 1 byte offsets, then n page numbers
    pages: set[int] = set()
    for n in range(max(count, 0)):
        page = u32(plc, 4 * (count + 1) + 4 * n) & 0x3FFFFF
        if (page + 1) * _PAGE <= len(word):  # read once however often listed; one outside the stream is none
            pages.add(page)
    runs = Looks()
    read: dict[bytes, int] = {}  # runs share few lists of properties: each read once (a few thousand held at most)
    for page in sorted(pages, key=lambda page: u32(word, page * _PAGE)):
        fkp = word[page * _PAGE:(page + 1) * _PAGE]
        crun = fkp[_PAGE - 1]
        if 4 * (crun + 1) + crun > _PAGE - 1:
            continue  # more runs than a page holds: a damaged page
        for i in range(crun):
            offset = 2 * fkp[4 * (crun + 1) + i]  # in words; 0: no properties of its own
            start, end = max(u32(fkp, 4 * i), runs.end), u32(fkp, 4 * i + 4)
            if not offset or end <= start:
                continue
            grpprl = fkp[offset + 1:min(offset + 1 + fkp[offset], _PAGE - 1)]
            if (code := read.get(grpprl)) is None:
                if len(read) >= _LOOKS_HELD:
                    read.clear()
                code = read[grpprl] = _look(grpprl).code
            if code != _PLAIN:
                runs.add(start, end, code)
    return runs


def _by_position(runs: Looks, pieces: Pieces) -> Looks:
    """The runs of bytes `runs` (in order and apart) as runs of characters' positions, in order and apart: the pieces
    stand in order of position and each keeps its characters in order of bytes."""
    found = Looks()
    starts, ends, codes = runs._starts, runs._ends, runs._codes
    for piece in pieces.pieces:
        width = 1 if piece.compressed else 2
        last = piece.fc + (piece.end - piece.cp) * width
        n = bisect_right(ends, piece.fc)  # the first run that ends after the piece's first byte
        while n < len(starts) and starts[n] < last:
            start, end = max(starts[n], piece.fc), min(ends[n], last)
            # a character is in the run its first byte is in (a page may cut one in two)
            first, stop = (piece.cp + (at - piece.fc + width - 1) // width for at in (start, end))
            if first < stop:
                found.add(first, stop, codes[n])
            n += 1
    return found


__all__ = ["GONE", "PLAIN", "PLCFBTECHPX", "Look", "Looks", "read_looks"]
