"""The title an old binary Office file (.xls, .doc: an OLE compound file) gives itself: its summary information's (the
"\\x05SummaryInformation" stream, a property set, [MS-OLEPS]), what Excel's and Word's File > Properties > Title
write, as an .xlsx's or a .docx's docProps/core.xml holds it.

A property set: a header (byte order, version, system, class id, its number of sections), then each section's format
id and offset; a section: its size, its number of properties, each property's id and offset in it; the title is
property 2, a string (VT_LPSTR in the code page property 1 names, VT_LPWSTR in UTF-16). Anything missing, cut short or
out of bounds gives no title: the file's name stands for it, as for an .xlsx without one. Read in one pass over at
most the section's properties, each a slice of the stream.
"""

from __future__ import annotations

import struct

from rag.corpus.formats.ole import Compound, OleError

_STREAM = "\x05SummaryInformation"
_CODEPAGE, _TITLE = 1, 2  # PIDSI_CODEPAGE, PIDSI_TITLE
_VT_I2, _VT_LPSTR, _VT_LPWSTR = 2, 0x1E, 0x1F
_CODECS = {1200: "utf-16-le", 65001: "utf-8", 10000: "mac_roman"}  # code pages Python names otherwise than "cpNNNN"


def summary_title(compound: Compound) -> str | None:
    """The title of an OLE compound file (its summary information's), its white space collapsed; None if it gives
    none or cannot be read."""
    try:
        stream = compound.stream(_STREAM)
        return None if stream is None else _title(stream)
    except (OleError, struct.error, LookupError):  # cut short, an offset out of bounds, an unknown code page
        return None


def _title(stream: bytes) -> str | None:
    if len(stream) < 48:
        return None
    (start,) = struct.unpack_from("<I", stream, 44)  # the first section's offset, after its format id
    _, count = struct.unpack_from("<II", stream, start)
    offsets: dict[int, int] = {}
    for n in range(min(count, (len(stream) - start - 8) // 8)):
        ident, offset = struct.unpack_from("<II", stream, start + 8 + 8 * n)
        offsets[ident] = start + offset
    codepage = 1252
    if _CODEPAGE in offsets and struct.unpack_from("<I", stream, offsets[_CODEPAGE])[0] == _VT_I2:
        codepage = struct.unpack_from("<H", stream, offsets[_CODEPAGE] + 4)[0]
    if _TITLE not in offsets:
        return None
    kind, size = struct.unpack_from("<II", stream, offsets[_TITLE])
    at = offsets[_TITLE] + 8
    if kind == _VT_LPWSTR or (kind == _VT_LPSTR and codepage == 1200):
        raw, codec = stream[at:at + 2 * size if kind == _VT_LPWSTR else at + size], "utf-16-le"
    elif kind == _VT_LPSTR:
        raw, codec = stream[at:at + size], _CODECS.get(codepage, f"cp{codepage}")
    else:
        return None
    return " ".join(raw.decode(codec, "replace").replace("\x00", " ").split()) or None


__all__ = ["summary_title"]
