"""The MAPI properties of a message in an Outlook .msg ([MS-OXMSG]): a storage of the compound file
(`rag.corpus.formats.ole`; the file's root, or an attached message's `__substg1.0_3701000D`, or an attachment's),
one stream per variable-size property ("__substg1.0_<id><type>"), the 32-bit ones in its fixed-size entries
("__properties_version1.0"); strings in UTF-16, or 8-bit in the message's code page.
"""

from __future__ import annotations

import codecs
import re
import struct

from rag.corpus.encoding import decode_text
from rag.corpus.formats.ole import Compound

PROPERTIES = "__properties_version1.0"
# bytes before the fixed-size entries: the file's message's, an attached message's, an attachment's ([MS-OXMSG] 2.4)
TOP, EMBEDDED, ATTACHMENT = 32, 24, 8
UNICODE, STRING8, BINARY, OBJECT, INT32 = 0x001F, 0x001E, 0x0102, 0x000D, 0x0003  # property types
# Windows code pages whose Python codec is not "cpNNNN"
_CODE_PAGES = {65001: "utf-8", 1200: "utf-16-le", 1201: "utf-16-be", 20127: "ascii", 20866: "koi8-r",
               21866: "koi8-u", 28591: "latin-1", 28605: "iso8859-15", 50220: "iso2022-jp", 50221: "iso2022-jp",
               50222: "iso2022-jp", 51932: "euc-jp", 51949: "euc-kr", 52936: "hz", 54936: "gb18030", 936: "gbk",
               65000: "utf-7", 10000: "mac-roman"}
_CHARSET = re.compile(rb"""<meta\b[^<>]{0,200}?\bcharset\s*=\s*["']?([\w.:-]{1,40})""", re.IGNORECASE)


class Properties:
    """The properties of one storage of a compound file (`prefix`: "" for the root, else the storage's path and "/";
    `header`: the bytes before its fixed-size entries); what decoding assumed about its text, in `assumed`."""

    def __init__(self, file: Compound, prefix: str = "", header: int = TOP) -> None:
        self.file, self.prefix, self.header = file, prefix, header
        self.assumed: set[str] = set()
        self._fixed: bytes | None = None

    def value(self, prop: int, kind: int, most: int | None = None) -> bytes | None:
        return self.file.stream(self.path(prop, kind), most)

    def path(self, prop: int, kind: int) -> str:
        return f"{self.prefix}__substg1.0_{prop:04X}{kind:04X}"

    def integer(self, prop: int) -> int | None:
        """A 32-bit property (a fixed-size entry: 16 bytes each, tag, flags, value)."""
        if self._fixed is None:
            self._fixed = self.file.stream(self.prefix + PROPERTIES) or b""
        for at in range(self.header, len(self._fixed) - 15, 16):
            kind, found = struct.unpack_from("<HH", self._fixed, at)
            if found == prop and kind == INT32:
                return int(struct.unpack_from("<i", self._fixed, at + 8)[0])
        return None

    def text(self, prop: int, code_page: str | None, most: int | None = None) -> str | None:
        """A string property: Unicode (UTF-16) where the message has it, else 8-bit in the message's code page."""
        data = self.value(prop, UNICODE, most)
        if data is not None:
            return data.decode("utf-16-le", errors="replace").rstrip("\x00")
        data = self.value(prop, STRING8, most)
        return None if data is None else self.decoded(data.rstrip(b"\x00"), code_page)

    def decoded(self, data: bytes, code_page: str | None, html: bool = False) -> str:
        """Bytes in `code_page`, else (an HTML's `<meta>` charset first) as a .txt file is, what was assumed noted;
        what UTF-8 makes of them at worst."""
        declared = _CHARSET.search(data, 0, 4096) if html and not code_page else None
        code_page = code_page or (_codec_named(declared[1].decode("ascii")) if declared else None)
        if code_page:
            return data.decode(code_page, errors="replace")
        try:
            text, assumed = decode_text(data.replace(b"\x00", b""), html=html)
        except ValueError as exc:
            self.assumed.add(f"{exc}: read as UTF-8")
            return data.decode("utf-8", errors="replace")
        if assumed:
            self.assumed.add(assumed)
        return text


def codec(number: int | None) -> str | None:
    """The Python codec of a Windows code page number, none for one Python does not know."""
    if number is None or number <= 0:
        return None
    return _codec_named(_CODE_PAGES.get(number) or (f"iso8859-{number - 28590}" if 28591 <= number <= 28606
                                                    else f"cp{number}"))


def _codec_named(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


__all__ = ["ATTACHMENT", "BINARY", "EMBEDDED", "INT32", "OBJECT", "PROPERTIES", "STRING8", "TOP", "UNICODE",
           "Properties", "codec"]
