"""Read an e-mail saved by Outlook (.msg: Outlook's "Save as", or a message dragged out of Outlook into a folder; an
OLE compound file of MAPI properties, [MS-OXMSG], `rag.corpus.formats.ole`) as a saved `.eml` is read
(`rag.corpus.formats.eml`).

- The title: the subject (PR_SUBJECT, else PR_NORMALIZED_SUBJECT; its first `SUBJECT_CHARS`), its reply and forward
  prefixes ("RE:", "TR:", "AW:") left out.
- The body: the HTML one (PR_HTML) where the message has one and it holds text, read as a page, else the plain one
  (PR_BODY), read as a .txt; a reply's quoted earlier messages and the signature left out, a forward kept, as an
  .eml's (`rag.corpus.formats.eml.body_document`). A Unicode property is UTF-16; an 8-bit one is decoded by the code
  page the message names (PR_MESSAGE_CODEPAGE, else PR_INTERNET_CPID), the HTML by PR_INTERNET_CPID, else its
  `<meta>` charset; else either as a .txt file is (`rag.corpus.encoding`, what it assumed in the ingest's report). A
  message whose only body is the compressed RTF (PR_RTF_COMPRESSED, which Outlook writes beside the others) gives "no
  text found". A message signed with S/MIME in clear (IPM.Note.SMIME.MultipartSigned) keeps its MIME body in an
  attachment, read as an .eml; an encrypted or opaque-signed one (IPM.Note.SMIME) is refused with that reason.
- Left out: the headers (sender, recipients, date: no address is indexed); attachments, an attached message among
  them, each named in the ingest's report.

A file named .msg that is a MIME message (some tools save one so) is read as an .eml. Hostile files: the compound file
is read in time and memory linear in its size (`rag.corpus.formats.ole`), a name at most `NAME_BYTES`, at most
`ATTACHMENTS_MAX` attachments named.
"""

from __future__ import annotations

import codecs
import re
import struct

from rag.corpus.encoding import decode_text
from rag.corpus.formats.archive import OLE_SIGNATURE
from rag.corpus.formats.base import Parsed
from rag.corpus.formats.eml import NO_BODY, SUBJECT_CHARS, body_document, parse_eml, titled
from rag.corpus.formats.ole import Compound, OleError

NOT_MSG = "not an Outlook message: an OLE file without a message's properties (another Office file named .msg?)"
DAMAGED = "damaged Outlook message"
ENCRYPTED = "e-mail encrypted or signed with S/MIME: rag cannot read its text"
ATTACHMENTS_MAX = 1000  # named in the report at most; Outlook attaches a handful
NAME_BYTES = 4 * SUBJECT_CHARS  # of a subject's or an attachment's name's stream read at most: a longer one names none
_PROPERTIES = "__properties_version1.0"
_ATTACHMENT = "__attach_version1.0_#"
# MAPI property ids (the stream name's first four hex digits) and types (its last four)
_CLASS, _SUBJECT, _NORMALIZED_SUBJECT, _BODY, _HTML = 0x001A, 0x0037, 0x0E1D, 0x1000, 0x1013
_LONG_FILENAME, _FILENAME, _DISPLAY_NAME = 0x3707, 0x3704, 0x3001
_DATA = 0x3701  # PR_ATTACH_DATA_OBJ: an attached file's bytes (binary), an attached message (a storage, 000D)
_INTERNET_CPID, _MESSAGE_CODEPAGE = 0x3FDE, 0x3FFD
_UNICODE, _STRING8, _BINARY, _OBJECT, _INT32 = 0x001F, 0x001E, 0x0102, 0x000D, 0x0003
_TOP_HEADER = 32  # bytes before the top-level message's fixed-size property entries
# Windows code pages whose Python codec is not "cpNNNN"
_CODE_PAGES = {65001: "utf-8", 1200: "utf-16-le", 1201: "utf-16-be", 20127: "ascii", 20866: "koi8-r",
               21866: "koi8-u", 28591: "latin-1", 28605: "iso8859-15", 50220: "iso2022-jp", 50221: "iso2022-jp",
               50222: "iso2022-jp", 51932: "euc-jp", 51949: "euc-kr", 52936: "hz", 54936: "gb18030", 936: "gbk",
               65000: "utf-7", 10000: "mac-roman"}
_CHARSET = re.compile(rb"""<meta\b[^<>]{0,200}?\bcharset\s*=\s*["']?([\w.:-]{1,40})""", re.IGNORECASE)


class _Message:
    """The properties of one message storage of a compound file (`prefix`: "" for the file's own); what decoding
    assumed about its text, in `assumed`."""

    def __init__(self, file: Compound, prefix: str = "") -> None:
        self.file, self.prefix = file, prefix
        self.assumed: set[str] = set()
        self._fixed: bytes | None = None

    def value(self, prop: int, kind: int, most: int | None = None) -> bytes | None:
        return self.file.stream(f"{self.prefix}__substg1.0_{prop:04X}{kind:04X}", most)

    def integer(self, prop: int) -> int | None:
        """A 32-bit property of the message's own (its fixed-size entries: 16 bytes each, tag, flags, value)."""
        if self._fixed is None:
            self._fixed = self.file.stream(self.prefix + _PROPERTIES) or b""
        for at in range(_TOP_HEADER, len(self._fixed) - 15, 16):
            kind, found = struct.unpack_from("<HH", self._fixed, at)
            if found == prop and kind == _INT32:
                return int(struct.unpack_from("<i", self._fixed, at + 8)[0])
        return None

    def text(self, prop: int, code_page: str | None, most: int | None = None) -> str | None:
        """A string property: Unicode (UTF-16) where the message has it, else 8-bit in the message's code page."""
        data = self.value(prop, _UNICODE, most)
        if data is not None:
            return data.decode("utf-16-le", errors="replace").rstrip("\x00")
        data = self.value(prop, _STRING8, most)
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


def _codec(number: int | None) -> str | None:
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


def _attachments(file: Compound, code_page: str | None) -> list[str]:
    """The attachments' names (file name, else display name), an attached message's as "message: its subject"."""
    names = []
    for storage in [name for name in file.children() if name.startswith(_ATTACHMENT)][:ATTACHMENTS_MAX]:
        attachment = _Message(file, storage + "/")
        name = next((found for prop in (_LONG_FILENAME, _FILENAME, _DISPLAY_NAME)
                     if (found := attachment.text(prop, code_page, NAME_BYTES))), None)
        embedded = f"{storage}/__substg1.0_{_DATA:04X}{_OBJECT:04X}"
        if file.is_storage(embedded):
            subject = _Message(file, embedded + "/").text(_SUBJECT, code_page, NAME_BYTES)
            name = f"message: {subject}" if subject else name or "message"
        names.append(name or "attachment")
    return names


def _signed(file: Compound) -> Parsed:
    """A message signed with S/MIME in clear: its MIME body, kept whole in its one attachment, read as an .eml."""
    storage = next((name for name in file.children() if name.startswith(_ATTACHMENT)), None)
    data = _Message(file, storage + "/").value(_DATA, _BINARY) if storage else None
    if data is None:
        raise ValueError(NO_BODY)
    return parse_eml(data)


def _read(file: Compound) -> Parsed:
    message = _Message(file)
    if not file.is_stream(_PROPERTIES):
        raise ValueError(NOT_MSG)
    internet = _codec(message.integer(_INTERNET_CPID))
    strings = _codec(message.integer(_MESSAGE_CODEPAGE)) or internet
    kind = (message.text(_CLASS, strings, NAME_BYTES) or "").casefold()
    subject = message.text(_SUBJECT, strings, NAME_BYTES) or message.text(_NORMALIZED_SUBJECT, strings, NAME_BYTES)
    title, raw_subject = titled((subject or "")[:SUBJECT_CHARS])
    html = message.value(_HTML, _BINARY)
    html_text = message.decoded(html, internet, html=True) if html is not None else message.text(_HTML, strings)
    plain = message.text(_BODY, strings)
    attached = _attachments(file, strings)
    bodies = [[(text, is_html)] for text, is_html in ((html_text, True), (plain, False)) if text and text.strip()]
    if not bodies and kind.startswith("ipm.note.smime.multipartsigned"):
        return _signed(file)
    if not bodies and kind.startswith("ipm.note.smime"):
        raise ValueError(ENCRYPTED)
    for body in bodies:  # an HTML body of pictures alone holds no text: the plain one then
        try:
            parsed = body_document([(text.replace("\r\n", "\n"), is_html) for text, is_html in body], title,
                                   raw_subject, attached)
        except ValueError as exc:
            if str(exc) != NO_BODY:
                raise
            continue
        parsed.changes.extend(sorted(message.assumed))
        return parsed
    raise ValueError(NO_BODY)


def parse_msg(data: bytes) -> Parsed:
    """An Outlook message's body as a document under its subject. Raises `ValueError` for a file that is no
    message, is damaged or holds no text."""
    if not data.startswith(OLE_SIGNATURE):
        return parse_eml(data)  # a MIME message named .msg; refused as not an e-mail if it is none
    try:
        return _read(Compound(data))
    except OleError as exc:
        raise ValueError(f"{DAMAGED}: {exc}") from exc


__all__ = ["ATTACHMENTS_MAX", "DAMAGED", "ENCRYPTED", "NAME_BYTES", "NOT_MSG", "parse_msg"]
