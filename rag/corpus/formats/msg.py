"""Read an e-mail saved by Outlook (.msg: Outlook's "Save as", or a message dragged out of Outlook into a folder; an
OLE compound file of MAPI properties, [MS-OXMSG]) as a saved `.eml` is read (`rag.corpus.formats.eml`), through
`olefile`.

- The title: the subject (PR_SUBJECT), its reply and forward prefixes ("RE:", "TR:", "AW:") left out.
- The body: the HTML one (PR_HTML) where the message has one, read as a page, else the plain one (PR_BODY), read as a
  .txt; a reply's quoted earlier messages and the signature left out, a forward kept, as an .eml's
  (`rag.corpus.formats.eml.body_document`). A Unicode property is UTF-16; an 8-bit one, and the HTML, are decoded
  by the code page the message names (PR_INTERNET_CPID, PR_MESSAGE_CODEPAGE), else as a .txt file is
  (`rag.corpus.encoding`). A message whose only body is the compressed RTF (PR_RTF_COMPRESSED, which Outlook writes
  beside the others) gives "no text found".
- Left out: the headers (sender, recipients, date: no address is indexed); attachments, an attached message among
  them, each named in the ingest's report.

A file named .msg that is a MIME message (some tools save one so) is read as an .eml. Hostile files: olefile parses
the compound file, refusing one whose sector chains or directory are incorrect (a truncated file among them: by default
it reads on with what it finds); a stream is read only if its declared size is within the file's, and at most
`ATTACHMENTS_MAX` attachments are named.
"""

from __future__ import annotations

import codecs
import struct
from io import BytesIO

import olefile

from rag.corpus.encoding import decode_text
from rag.corpus.formats.archive import OLE_SIGNATURE
from rag.corpus.formats.base import Parsed
from rag.corpus.formats.eml import body_document, parse_eml, titled

NOT_MSG = "not an Outlook message: an OLE file without a message's properties (another Office file named .msg?)"
DAMAGED = "damaged Outlook message"
ATTACHMENTS_MAX = 1000  # named in the report at most; Outlook attaches a handful
_PROPERTIES = "__properties_version1.0"
_ATTACHMENT = "__attach_version1.0_#"
# MAPI property ids (the stream name's first four hex digits) and types (its last four)
_SUBJECT, _BODY, _HTML = 0x0037, 0x1000, 0x1013
_LONG_FILENAME, _FILENAME, _DISPLAY_NAME = 0x3707, 0x3704, 0x3001
_EMBEDDED = 0x3701  # PR_ATTACH_DATA_OBJ as a storage (type 000D): an attached message
_INTERNET_CPID, _MESSAGE_CODEPAGE = 0x3FDE, 0x3FFD
_UNICODE, _STRING8, _BINARY, _OBJECT, _INT32 = 0x001F, 0x001E, 0x0102, 0x000D, 0x0003
_TOP_HEADER = 32  # bytes before the top-level message's fixed-size property entries; 8 for an attachment's
# Windows code pages whose Python codec is not "cpNNNN"
_CODE_PAGES = {65001: "utf-8", 1200: "utf-16-le", 1201: "utf-16-be", 20127: "ascii", 20866: "koi8-r",
               21866: "koi8-u", 28591: "latin-1", 28605: "iso8859-15", 50220: "iso2022-jp", 50221: "iso2022-jp",
               50222: "iso2022-jp", 51932: "euc-jp", 51949: "euc-kr", 52936: "hz", 54936: "gb18030", 936: "gbk",
               65000: "utf-7", 10000: "mac-roman"}


class _Message:
    """The properties of one message storage of an open compound file (`prefix`: "" for the file's own)."""

    def __init__(self, ole: olefile.OleFileIO, limit: int, prefix: str = "") -> None:
        self.ole, self.limit, self.prefix = ole, limit, prefix

    def stream(self, name: str) -> bytes | None:
        """A stream's bytes, none when it is missing or declares more than the file holds."""
        path = self.prefix + name
        if self.ole.get_type(path) != olefile.STGTY_STREAM or self.ole.get_size(path) > self.limit:
            return None
        with self.ole.openstream(path) as stream:
            return stream.read()

    def value(self, prop: int, kind: int) -> bytes | None:
        return self.stream(f"__substg1.0_{prop:04X}{kind:04X}")

    def integer(self, prop: int, header: int) -> int | None:
        """A 32-bit property from the fixed-size entries of the properties stream (16 bytes each: tag, flags, value)."""
        data = self.stream(_PROPERTIES) or b""
        for at in range(header, len(data) - 15, 16):
            kind, found = struct.unpack_from("<HH", data, at)
            if found == prop and kind == _INT32:
                return int(struct.unpack_from("<i", data, at + 8)[0])
        return None

    def text(self, prop: int, code_page: str | None) -> str | None:
        """A string property: Unicode (UTF-16) where the message has it, else 8-bit in the message's code page."""
        data = self.value(prop, _UNICODE)
        if data is not None:
            return data.decode("utf-16-le", errors="replace").rstrip("\x00")
        data = self.value(prop, _STRING8)
        return None if data is None else _decoded(data.rstrip(b"\x00"), code_page)


def _codec(number: int | None) -> str | None:
    """The Python codec of a Windows code page number, none for one Python does not know."""
    if number is None or number <= 0:
        return None
    name = _CODE_PAGES.get(number) or (f"iso8859-{number - 28590}" if 28591 <= number <= 28606 else f"cp{number}")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _decoded(data: bytes, code_page: str | None) -> str:
    """Bytes in the message's code page, else decoded as a .txt file is (what UTF-8 makes of them at worst)."""
    if code_page:
        return data.decode(code_page, errors="replace")
    try:
        return decode_text(data.replace(b"\x00", b""))[0]
    except ValueError:
        return data.decode("utf-8", errors="replace")


def _attachments(ole: olefile.OleFileIO, limit: int, code_page: str | None) -> list[str]:
    """The attachments' names (file name, else display name), an attached message's as "message: its subject"."""
    storages = sorted({entry[0] for entry in ole.listdir(streams=True, storages=True)
                       if entry[0].startswith(_ATTACHMENT)})
    names = []
    for storage in storages[:ATTACHMENTS_MAX]:
        attachment = _Message(ole, limit, storage + "/")
        name = next((found for prop in (_LONG_FILENAME, _FILENAME, _DISPLAY_NAME)
                     if (found := attachment.text(prop, code_page))), None)
        embedded = f"{storage}/__substg1.0_{_EMBEDDED:04X}{_OBJECT:04X}"
        if ole.get_type(embedded) == olefile.STGTY_STORAGE:
            subject = _Message(ole, limit, embedded + "/").text(_SUBJECT, code_page)
            name = f"message: {subject}" if subject else name or "message"
        names.append(name or "attachment")
    return names


def parse_msg(data: bytes) -> Parsed:
    """An Outlook message's body as a document under its subject. Raises `ValueError` for a file that is no
    message, is damaged or holds no text."""
    if not data.startswith(OLE_SIGNATURE):
        return parse_eml(data)  # a MIME message named .msg; refused as not an e-mail if it is none
    try:
        ole = olefile.OleFileIO(BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)  # a truncated file too
    except (OSError, ValueError, IndexError, KeyError, struct.error, RecursionError) as exc:
        raise ValueError(f"{DAMAGED}: {exc}") from exc
    try:
        message = _Message(ole, len(data))
        if ole.get_type(_PROPERTIES) != olefile.STGTY_STREAM:
            raise ValueError(NOT_MSG)
        code_page = _codec(message.integer(_INTERNET_CPID, _TOP_HEADER))
        strings = _codec(message.integer(_MESSAGE_CODEPAGE, _TOP_HEADER)) or code_page
        subject, raw_subject = titled(message.text(_SUBJECT, strings) or "")
        html = message.value(_HTML, _BINARY)
        html_text = _decoded(html, code_page) if html is not None else message.text(_HTML, strings)
        bodies = [(html_text, True)] if html_text and html_text.strip() else []
        if not bodies and (plain := message.text(_BODY, strings)) and plain.strip():
            bodies = [(plain.replace("\r\n", "\n"), False)]
        attached = _attachments(ole, len(data), strings)
    except (OSError, IndexError, KeyError, struct.error, RecursionError) as exc:
        raise ValueError(f"{DAMAGED}: {exc}") from exc
    finally:
        ole.close()
    return body_document(bodies, subject, raw_subject, attached)


__all__ = ["ATTACHMENTS_MAX", "DAMAGED", "NOT_MSG", "parse_msg"]
