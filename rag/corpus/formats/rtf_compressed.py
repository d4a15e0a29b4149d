"""Outlook's compressed RTF ([MS-OXRTFCP]: an .msg's PR_RTF_COMPRESSED body), decompressed by hand: the format is a
60-line LZ77 variant, and the one library on the registry (`compressed_rtf`) formats each control byte as a string of
bits and copies a byte at a time, raises bare `Exception`s, and writes out whatever a back-reference outside the text
written so far points at.

A 16-byte header (its size, the size it claims uncompressed, "LZFu" compressed or "MELA" stored, a CRC-32 of the
compressed bytes), then runs of a control byte and 8 tokens, each a literal byte or, where its bit is set, a 16-bit
reference (12 bits of offset into a 4,096-byte ring dictionary that begins with `INITIAL`, 4 bits of length, 2 to 17
bytes); a reference to the place the next byte will be written ends the text.

Bounded whatever the file claims: the claimed size is never allocated, the output stops at the smaller of it and
`most`, and each reference writes at most 17 bytes for the 2 it takes (8.5 times the input at most). Raises
`ValueError` for a damaged one: a checksum that does not match, a reference to bytes not written yet.
"""

from __future__ import annotations

import struct
import zlib

INITIAL = (b"{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern \\fscript "
           b"\\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n\\par "
           b"\\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx")
_RING = 4096
DAMAGED = "damaged compressed RTF body"


def _crc(data: bytes) -> int:
    """[MS-OXRTFCP]'s CRC-32: zlib's polynomial and table, without its inversion before and after."""
    return zlib.crc32(data, 0xFFFFFFFF) ^ 0xFFFFFFFF


def decompressed(data: bytes, most: int) -> bytes:
    """The RTF of a PR_RTF_COMPRESSED stream, at most `most` bytes of it (and of what its header claims). Raises
    `ValueError` for bytes that are no compressed RTF or are damaged."""
    if len(data) < 16:
        raise ValueError(f"{DAMAGED}: {len(data)} bytes, less than its 16-byte header")
    size, claimed, kind, crc = struct.unpack_from("<II4sI", data)
    body = data[16:4 + size]  # its size counts the header's 12 bytes after itself
    most = min(most, claimed)
    if kind == b"MELA":
        return body[:most]
    if kind != b"LZFu":
        raise ValueError(f"{DAMAGED}: compressed as {kind!r}, neither LZFu nor MELA")
    if _crc(body) != crc:
        raise ValueError(f"{DAMAGED}: its checksum does not match")
    out = bytearray(INITIAL)  # the ring dictionary is this buffer's last 4,096 bytes
    limit, at, end = most + len(INITIAL), 0, len(body)
    while at < end and len(out) < limit:
        control = body[at]
        at += 1
        if control == 0 and at + 8 <= end:  # eight literals: most of a text's runs
            out += body[at:at + 8]
            at += 8
            continue
        for bit in range(8):
            if at >= end:
                break
            if not control & (1 << bit):
                out.append(body[at])
                at += 1
                continue
            if at + 2 > end:
                raise ValueError(f"{DAMAGED}: cut inside a reference")
            reference = (body[at] << 8) | body[at + 1]
            at += 2
            back = (len(out) - (reference >> 4)) % _RING  # how far behind the next byte the reference points
            if back == 0:  # to the next byte itself: the end
                return bytes(out[len(INITIAL):limit])
            if back > len(out):
                raise ValueError(f"{DAMAGED}: a reference to bytes not written yet")
            length, start = (reference & 0xF) + 2, len(out) - back
            piece = out[start:start + length]
            while len(piece) < length:  # a reference that overlaps what it writes repeats its bytes
                piece += piece[:length - len(piece)]
            out += piece
    return bytes(out[len(INITIAL):limit])


__all__ = ["DAMAGED", "INITIAL", "decompressed"]
