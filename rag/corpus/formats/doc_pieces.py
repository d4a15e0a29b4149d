"""The text of an old binary Word document (.doc, Word 97 to 2003, [MS-DOC]): its File Information Block (`Fib`) and
its piece table (`Pieces`), which says where each stretch of the document's characters is kept in the WordDocument
stream, and how (one byte a character in code page 1252, or two in UTF-16).

Everything read from the file is checked against the size of the stream it points into: an offset or a count out of
bounds raises `ValueError`, never reads past the end nor loops longer than the stream is long.
"""

from __future__ import annotations

import struct
from bisect import bisect_right
from dataclasses import dataclass

WORD_97 = 0x00C1  # the nFib of Word 97 and every later version's binary files; Word 6 and 95 wrote less
_IDENT = 0xA5EC  # wIdent: a Word binary file (Word 6 onwards)
# Where the FIB's fixed part ends: FibBase (32 bytes), then csw and the 16-bit values it counts
_BASE_BYTES = 32
# The pairs (fc, lcb) of FibRgFcLcb97 read here, by index: the stylesheet, the footnotes' references and texts, the
# paragraph properties' bin table, the piece table
STSHF, PLCFFNDREF, PLCFFNDTXT, PLCFBTEPAPX, CLX = 1, 2, 3, 13, 33
# The bytes 0x80..0x9F of a compressed piece are code page 1252's; the five it leaves undefined stand for themselves
_CP1252 = {byte: (bytes([byte]).decode("cp1252", errors="ignore") or chr(byte)) for byte in range(0x80, 0xA0)}


def u16(data: bytes, at: int) -> int:
    """The unsigned 16-bit little-endian number at `at`; `ValueError` if `data` ends before it."""
    if at < 0 or at + 2 > len(data):
        raise ValueError(f"an offset out of bounds ({at:,} in {len(data):,} bytes)")
    return int(struct.unpack_from("<H", data, at)[0])


def u32(data: bytes, at: int) -> int:
    """The unsigned 32-bit little-endian number at `at`; `ValueError` if `data` ends before it."""
    if at < 0 or at + 4 > len(data):
        raise ValueError(f"an offset out of bounds ({at:,} in {len(data):,} bytes)")
    return int(struct.unpack_from("<I", data, at)[0])


def stretch(data: bytes, fc: int, lcb: int, what: str) -> bytes:
    """`data[fc:fc + lcb]`, a structure the FIB points at; `ValueError` naming `what` if it does not fit."""
    if fc < 0 or lcb < 0 or fc + lcb > len(data):
        raise ValueError(f"its {what} lies outside its stream ({fc:,} + {lcb:,} bytes in {len(data):,})")
    return data[fc:fc + lcb]


@dataclass(frozen=True)
class Fib:
    """What the File Information Block says: the format version (`nfib`), whether the file is encrypted (or
    obfuscated), which table stream it uses ("0Table" or "1Table"), how many characters its main document and its
    footnotes hold (`ccp_text`, `ccp_ftn`), and where each structure of the table stream lies (`where`)."""

    nfib: int
    encrypted: bool
    table: str
    ccp_text: int
    ccp_ftn: int
    pairs: tuple[tuple[int, int], ...]

    def where(self, index: int) -> tuple[int, int]:
        """The (fc, lcb) pair of FibRgFcLcb at `index`: (0, 0), nothing, where the FIB holds fewer."""
        return self.pairs[index] if index < len(self.pairs) else (0, 0)


def read_fib(word: bytes) -> Fib:
    """The FIB at the start of the WordDocument stream `word`; `ValueError` if it is no Word FIB."""
    if len(word) < _BASE_BYTES + 2 or u16(word, 0) != _IDENT:
        raise ValueError("its WordDocument stream does not begin as Word's do")
    nfib, flags = u16(word, 2), u16(word, 0x0A)
    at = _BASE_BYTES
    csw = u16(word, at)
    at += 2 + 2 * csw
    cslw = u16(word, at)
    lw = at + 2  # FibRgLw97: cbMac, lProductCreated, lProductRevised, ccpText, ccpFtn, ...
    ccp_text = u32(word, lw + 12) if cslw >= 4 else 0
    ccp_ftn = u32(word, lw + 16) if cslw >= 5 else 0
    at = lw + 4 * cslw
    count = u16(word, at) if at + 2 <= len(word) else 0
    count = min(count, (len(word) - at - 2) // 8)  # the pairs the stream holds, whatever cbRgFcLcb claims
    pairs = tuple(struct.iter_unpack("<II", word[at + 2:at + 2 + 8 * count])) if count > 0 else ()
    return Fib(nfib, bool(flags & 0x0100) or bool(flags & 0x8000), "1Table" if flags & 0x0200 else "0Table",
               ccp_text, ccp_ftn, tuple((int(fc), int(lcb)) for fc, lcb in pairs))


@dataclass(frozen=True)
class Piece:
    """A stretch of the document's characters, from character position `cp` to `end`, kept from byte `fc` of the
    WordDocument stream, one byte a character (`compressed`, code page 1252) or two (UTF-16LE)."""

    cp: int
    end: int
    fc: int
    compressed: bool


class Pieces:
    """The piece table of a document (its CLX's PlcPcd), read from the table stream. `ValueError` if a piece lies
    outside the WordDocument stream (`word_bytes` long) or the pieces together keep more bytes than it holds (pieces
    reusing the same bytes): the text read is never longer than the stream."""

    def __init__(self, clx: bytes, word_bytes: int) -> None:
        at = 0
        while at < len(clx) and clx[at] == 0x01:  # Prc: a grpprl of properties the pieces may point at, skipped
            size = u16(clx, at + 1)
            if size >= 0x8000:  # cbGrpprl is signed; a negative one would step back, and loop for ever
                raise ValueError("its piece table cannot be read (a negative length)")
            at += 3 + size
        if at >= len(clx) or clx[at] != 0x02:
            raise ValueError("its piece table cannot be found")
        plc = stretch(clx, at + 5, u32(clx, at + 1), "piece table")
        count = (len(plc) - 4) // 12  # n + 1 character positions, then n 8-byte descriptors
        if count <= 0 or 4 * (count + 1) + 8 * count != len(plc):
            raise ValueError("its piece table is not as long as its pieces")
        cps = struct.unpack_from(f"<{count + 1}I", plc, 0)
        self.pieces: list[Piece] = []
        claimed = 0  # the bytes all pieces keep: pieces never share bytes, so no more than the stream holds
        for n in range(count):
            fc = u32(plc, 4 * (count + 1) + 8 * n + 2)
            compressed = bool(fc & 0x40000000)
            fc = (fc & 0x3FFFFFFF) // 2 if compressed else fc & 0x3FFFFFFF
            cp, end = cps[n], cps[n + 1]
            if end < cp or (self.pieces and cp < self.pieces[-1].end):
                raise ValueError("its piece table's positions go backwards")
            size = (end - cp) * (1 if compressed else 2)
            if fc + size > word_bytes:
                raise ValueError("a piece of its text lies outside its WordDocument stream")
            claimed += size
            if claimed > word_bytes:  # pieces reusing the same bytes would multiply the text past the file's size
                raise ValueError(f"its pieces keep more text than its WordDocument stream holds ({claimed:,} bytes"
                                 f" in {word_bytes:,}: overlapping pieces)")
            self.pieces.append(Piece(cp, end, fc, compressed))
        self._starts = [piece.cp for piece in self.pieces]

    def text(self, word: bytes, start: int, end: int) -> str:
        """The characters from position `start` to `end` (where pieces cover them), decoded."""
        parts = []
        for n in range(max(0, bisect_right(self._starts, start) - 1), len(self.pieces)):  # no copy of the list's tail
            piece = self.pieces[n]
            if piece.cp >= end:
                break
            first, last = max(start, piece.cp) - piece.cp, min(end, piece.end) - piece.cp
            if first >= last:
                continue
            if piece.compressed:
                parts.append(word[piece.fc + first:piece.fc + last].decode("latin-1").translate(_CP1252))
            else:
                parts.append(word[piece.fc + 2 * first:piece.fc + 2 * last].decode("utf-16-le", errors="replace"))
        return "".join(parts)

    def fc(self, cp: int) -> int | None:
        """The byte of the WordDocument stream character position `cp` is kept at; None if no piece holds it."""
        n = bisect_right(self._starts, cp) - 1
        if n < 0 or cp >= self.pieces[n].end:
            return None
        piece = self.pieces[n]
        return piece.fc + (cp - piece.cp) * (1 if piece.compressed else 2)


__all__ = ["CLX", "PLCFBTEPAPX", "PLCFFNDREF", "PLCFFNDTXT", "STSHF", "WORD_97", "Fib", "Piece", "Pieces",
           "read_fib", "stretch", "u16", "u32"]
