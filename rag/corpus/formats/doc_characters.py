"""The characters' properties of an old binary Word document (.doc, [MS-DOC]) that its reader needs, from their CHPX
in the pages (FKPs) the PlcBteChpx lists: whether a character is deleted with changes tracked (sprmCFRMarkDel: shown
struck through by Word, gone once the changes are accepted) or hidden (sprmCFVanish: Word neither shows nor prints
it), and how it is set (sprmCFBold, sprmCHps, its character style: sprmCIstd), for the headings typed as bold lines.

One walk over the pages gives each run of characters its `Look`; `Looks` holds them by character position, for the
deleted text to be taken out (`without_deleted`) and the reader to go along the text with them (`along`). Each page is
read once however often the file lists it; runs that overlap (no writer makes them) are cut where the one before ends,
so that they stand in order and apart; the pieces hold no more bytes than the stream, all together
(`rag.corpus.formats.doc_pieces`), so each piece meets only the runs within its bytes: the work stays linear in the
file, however many runs a page lists.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from operator import itemgetter

from rag.corpus.formats.blocks import Font
from rag.corpus.formats.doc_pieces import Pieces, u16, u32
from rag.corpus.formats.doc_styles import BOLD, SIZE, Styled, sprms, toggled

PLCFBTECHPX = 12  # the pair of FibRgFcLcb97 locating the characters' properties' bin table
_PAGE = 512
# The sprms read: deleted (1, or 0x81: the opposite of its style's, which never deletes), hidden (the same), the
# character style
_DELETED, _HIDDEN, _STYLE = 0x0800, 0x083C, 0x4A30
_DEFAULT_SIZE = 20  # half-points: Word's 10 pt, where no style says
GONE = "\x00"  # what a deleted character is replaced by: a control character the reader shows as nothing


@dataclass(frozen=True)
class Look:
    """A run of characters' own properties: deleted with changes tracked, hidden, bold (sprmCFBold's operand: 0 off,
    1 on, 0x80 as its styles say, 0x81 the opposite; None: set by its styles), its size in half-points and its
    character style (None: set by its styles)."""

    deleted: bool = False
    hidden: bool = False
    bold: int | None = None
    size: int | None = None
    style: int | None = None

    def font(self, paragraph: Styled, character: Styled) -> Font:
        """How the run is set, its paragraph's style setting `paragraph` and its character style `character`: its own
        bold, else its styles' (each in bold turns it over, as Word takes a toggle property: a bold character style
        in a bold paragraph style is not bold); its own size, else its character style's, its paragraph style's, or
        Word's 10 pt."""
        return Font(toggled(paragraph.bold != character.bold, self.bold),
                    (self.size or character.size or paragraph.size or _DEFAULT_SIZE) / 2)


PLAIN = Look()


def _look(grpprl: bytes) -> Look:
    found = sprms(grpprl)
    deleted, hidden, bold, size, style = (found.get(sprm) for sprm in (_DELETED, _HIDDEN, BOLD, SIZE, _STYLE))
    return Look(bool(deleted and deleted[0] & 1), bool(hidden and hidden[0] & 1), bold[0] if bold else None,
                u16(size, 0) if size else None, u16(style, 0) if style else None)


class Looks:
    """The runs of characters (from, to position) with properties of their own, in order and apart; characters of no
    run have none (`PLAIN`)."""

    def __init__(self, runs: list[tuple[int, int, Look]]) -> None:
        self.runs = runs
        self._next = 0  # the first run `along` has not gone past

    def without_deleted(self, text: str) -> str:
        """`text` (the characters from position 0) with each deleted character replaced by `GONE`: as long as it was,
        so that every position still names the same character."""
        parts, at = [], 0
        for start, end, look in self.runs:
            start, end = max(start, at), min(end, len(text))
            if look.deleted and start < end:
                parts += [text[at:start], GONE * (end - start)]
                at = end
        return "".join(parts) + text[at:]

    def along(self, start: int, end: int) -> Iterator[tuple[int, int, Look]]:
        """The characters from position `start` to `end`, stretch by stretch, each with its properties. Called for
        positions that only move forward, as a text is read: each run is gone past once."""
        runs, n = self.runs, self._next
        while n < len(runs) and runs[n][1] <= start:
            n += 1
        self._next = n
        at = start
        while at < end:
            if n < len(runs) and runs[n][0] <= at:
                stop, look = min(runs[n][1], end), runs[n][2]
            else:
                stop, look = min(runs[n][0] if n < len(runs) else end, end), PLAIN
            yield at, stop, look
            if n < len(runs) and stop >= runs[n][1]:
                n += 1
            at = stop

    def at(self, position: int) -> Look:
        """The properties of the character at `position` (positions moving forward, as for `along`)."""
        return next(self.along(position, position + 1), (0, 0, PLAIN))[2]


def read_looks(word: bytes, plc: bytes, pieces: Pieces) -> Looks:
    """The characters' properties of the document whose WordDocument stream is `word` and piece table `pieces`; the
    bin table `plc` lists the pages (a page outside the stream is none)."""
    return Looks(_by_position(_by_bytes(word, plc), pieces))


def _by_bytes(word: bytes, plc: bytes) -> list[tuple[int, int, Look]]:
    """The runs of bytes of `word` (from, to) whose characters have properties of their own, in order and apart."""
    count = (len(plc) - 4) // 8  # n + 1 byte offsets, then n page numbers
    runs: list[tuple[int, int, Look]] = []
    seen: set[int] = set()
    read: dict[bytes, Look] = {}  # a page's runs share few lists of properties: each read once
    for n in range(max(count, 0)):
        page = u32(plc, 4 * (count + 1) + 4 * n) & 0x3FFFFF
        if page in seen or (page + 1) * _PAGE > len(word):
            continue
        seen.add(page)
        fkp = word[page * _PAGE:(page + 1) * _PAGE]
        crun = fkp[_PAGE - 1]
        if 4 * (crun + 1) + crun > _PAGE - 1:
            continue  # more runs than a page holds: a damaged page
        for i in range(crun):
            start, end = u32(fkp, 4 * i), u32(fkp, 4 * i + 4)
            offset = 2 * fkp[4 * (crun + 1) + i]  # in words; 0: no properties of its own
            if not offset or end <= start:
                continue
            grpprl = fkp[offset + 1:min(offset + 1 + fkp[offset], _PAGE - 1)]
            if (look := read.get(grpprl)) is None:
                look = read[grpprl] = _look(grpprl)
            if look != PLAIN:
                runs.append((start, end, look))
    apart: list[tuple[int, int, Look]] = []  # whatever the pages claim: a run overlapping the one before cut
    for start, end, look in sorted(runs, key=itemgetter(0)):
        start = max(start, apart[-1][1]) if apart else start
        if apart and start == apart[-1][1] and look == apart[-1][2]:  # runs apart only by properties not read here
            apart[-1] = (apart[-1][0], max(end, start), look)
        elif start < end:
            apart.append((start, end, look))
    return apart


def _by_position(runs: list[tuple[int, int, Look]], pieces: Pieces) -> list[tuple[int, int, Look]]:
    """The runs of bytes `runs` (in order and apart) as runs of characters' positions, in order and apart: the pieces
    stand in order of position and each keeps its characters in order of bytes."""
    starts = [start for start, _, _ in runs]
    found: list[tuple[int, int, Look]] = []
    for piece in pieces.pieces:
        width = 1 if piece.compressed else 2
        last = piece.fc + (piece.end - piece.cp) * width
        n = max(bisect_left(starts, piece.fc) - 1, 0)
        while n < len(runs) and runs[n][0] < last:
            start, end = max(runs[n][0], piece.fc), min(runs[n][1], last)
            if start < end:  # a character is in the run its first byte is in (a page may cut one in two)
                first, stop = (piece.cp + (at - piece.fc + width - 1) // width for at in (start, end))
                if first < stop:
                    found.append((first, stop, runs[n][2]))
            n += 1
    return found


__all__ = ["GONE", "PLAIN", "PLCFBTECHPX", "Look", "Looks", "read_looks"]
