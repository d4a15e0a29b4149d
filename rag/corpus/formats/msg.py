"""Read an e-mail saved by Outlook (.msg: Outlook's "Save as", or a message dragged out of Outlook into a folder; an
OLE compound file of MAPI properties, [MS-OXMSG], `rag.corpus.formats.ole`, `rag.corpus.formats.msg_properties`) as a
saved `.eml` is read (`rag.corpus.formats.eml`).

- The title: the subject (PR_SUBJECT, else PR_NORMALIZED_SUBJECT; its first `SUBJECT_CHARS`), its reply and forward
  prefixes ("RE:", "TR:", "AW:") left out.
- The body: the HTML one (PR_HTML) where the message has one and it holds text, read as a page, else the plain one
  (PR_BODY), read as a .txt, else the compressed RTF (PR_RTF_COMPRESSED, `rag.corpus.formats.rtf_compressed`: all
  that Outlook keeps of a rich-text mail, and of some HTML ones): the HTML or the text it encapsulates
  (`rag.corpus.formats.rtf_encapsulated`) read as that body would be, native RTF as an .rtf is
  (`rag.corpus.formats.rtf`); a reply's quoted earlier messages and the signature left out, a forward kept, as an
  .eml's (`rag.corpus.formats.eml.body_document`). A Unicode property is UTF-16; an 8-bit one is decoded by the code
  page the message names (PR_MESSAGE_CODEPAGE, else PR_INTERNET_CPID), the HTML by PR_INTERNET_CPID, else its
  `<meta>` charset; else either as a .txt file is (`rag.corpus.encoding`, what it assumed in the ingest's report). A
  message signed with S/MIME in clear (IPM.Note.SMIME.MultipartSigned) keeps its MIME body in an attachment, read as
  an .eml; an encrypted or opaque-signed one (IPM.Note.SMIME) is refused with that reason.
- An attached message (PR_ATTACH_METHOD 5, a forward "as attachment"): read after the body, under its subject, as a
  mailbox's messages are (`rag.corpus.formats.base.filed_under`: "Subject › its headings"), the messages it attaches
  after it, `DEPTH_MAX` deep (`rag.corpus.formats.eml.with_attached`, as an .eml's); its own attachments named in
  the report after its subject; one without text named.
- Left out: the headers (sender, recipients, date: no address is indexed); the other attachments, each named in the
  ingest's report.

A file named .msg that is a MIME message (some tools save one so) is read as an .eml. Hostile files: the compound file
is read in time and memory linear in its size (`rag.corpus.formats.ole`: every stream, an attached message's among
them, drawn on one budget, the file's size; its directory, a tree, can hold no loop), a name at most `NAME_BYTES`, at
most `ATTACHMENTS_MAX` attachments named or read, at most `RTF_MAX_BYTES` of RTF decompressed from the whole file (a
message's body before its attached messages; one past it named, with that reason), each stream read once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rag.corpus.formats.archive import OLE_SIGNATURE
from rag.corpus.formats.base import Parsed
from rag.corpus.formats.eml import (
    DEPTH_MAX,
    NO_BODY,
    SUBJECT_CHARS,
    body_document,
    not_read,
    parse_eml,
    read_body_document,
    titled,
    with_attached,
)
from rag.corpus.formats.msg_properties import (
    ATTACHMENT,
    BINARY,
    EMBEDDED,
    OBJECT,
    PROPERTIES,
    TOP,
    Properties,
    codec,
)
from rag.corpus.formats.ole import Compound, OleError
from rag.corpus.formats.rtf import parse_rtf
from rag.corpus.formats.rtf_compressed import DAMAGED as DAMAGED_RTF
from rag.corpus.formats.rtf_compressed import decompressed
from rag.corpus.formats.rtf_encapsulated import deencapsulated, encapsulation

NOT_MSG = "not an Outlook message: an OLE file without a message's properties (another Office file named .msg?)"
DAMAGED = "damaged Outlook message"
SPENT = "rich text not read past the file's limit"  # `RTF_MAX_BYTES`, spent by the messages read before
ENCRYPTED = "e-mail encrypted or signed with S/MIME: rag cannot read its text"
ATTACHMENTS_MAX = 1000  # named in the report at most; Outlook attaches a handful
NAME_BYTES = 4 * SUBJECT_CHARS  # of a subject's or an attachment's name's stream read at most: a longer one names none
RTF_MAX_BYTES = 64 * 2**20  # of RTF decompressed from a file's messages, all together
_ATTACHMENT = "__attach_version1.0_#"
# MAPI property ids (the stream name's first four hex digits)
_CLASS, _SUBJECT, _NORMALIZED_SUBJECT, _BODY, _HTML, _RTF = 0x001A, 0x0037, 0x0E1D, 0x1000, 0x1013, 0x1009
_LONG_FILENAME, _FILENAME, _DISPLAY_NAME = 0x3707, 0x3704, 0x3001
_DATA = 0x3701  # PR_ATTACH_DATA_OBJ: an attached file's bytes (binary), an attached message (a storage, 000D)
_METHOD, _EMBEDDED_MESSAGE = 0x3705, 5  # PR_ATTACH_METHOD, afEmbeddedMessage
_INTERNET_CPID, _MESSAGE_CODEPAGE = 0x3FDE, 0x3FFD


@dataclass
class _Reading:
    """One file's read: its compound file, and the RTF its messages may still decompress."""

    file: Compound
    rtf_left: int = field(default_factory=lambda: RTF_MAX_BYTES)  # read when a file is, as tests change it


@dataclass
class _Attachments:
    """A message's attachments: the names of those not read, and the messages attached read, each a document."""

    names: list[str]
    messages: list[Parsed]


def _attachments(reading: _Reading, message: Properties, code_page: str | None, depth: int) -> _Attachments:
    """The attachments' names (file name, else display name), an attached message's as "message: its subject"; an
    attached message read as a document where it can be, `DEPTH_MAX` deep at most."""
    read = _Attachments([], [])
    file = reading.file
    for storage in [name for name in file.children(message.prefix.rstrip("/"))
                    if name.startswith(_ATTACHMENT)][:ATTACHMENTS_MAX]:
        attachment = Properties(file, f"{message.prefix}{storage}/", ATTACHMENT)
        name = next((found for prop in (_LONG_FILENAME, _FILENAME, _DISPLAY_NAME)
                     if (found := attachment.text(prop, code_page, NAME_BYTES))), None)
        embedded = attachment.path(_DATA, OBJECT)
        if file.is_storage(embedded):
            inner, why = Properties(file, embedded + "/", EMBEDDED), ""
            subject = _subject(inner)  # read once, here: each stream read draws on the file's size
            if attachment.integer(_METHOD) == _EMBEDDED_MESSAGE and depth < DEPTH_MAX:
                try:
                    read.messages.append(_document(reading, inner, subject, depth + 1))
                    continue
                except ValueError as exc:
                    if isinstance(exc, OleError):
                        raise
                    why = f" ({exc})"
            name = (f"message: {subject}" if subject else name or "message") + why
        read.names.append(name or "attachment")
    return read


def _signed(message: Properties) -> Parsed:
    """A message signed with S/MIME in clear: its MIME body, kept whole in its one attachment, read as an .eml."""
    storage = next((name for name in message.file.children(message.prefix.rstrip("/"))
                    if name.startswith(_ATTACHMENT)), None)
    data = Properties(message.file, f"{message.prefix}{storage}/", ATTACHMENT).value(_DATA, BINARY) if storage \
        else None
    if data is None:
        raise ValueError(NO_BODY)
    return parse_eml(data)


def _rich(reading: _Reading, message: Properties, title: str, raw_subject: str, names: list[str]) -> Parsed:
    """The compressed RTF body (PR_RTF_COMPRESSED): the HTML or the text it encapsulates read as that body would be,
    a native one through the RTF reader; at most what `reading` may still decompress."""
    data = message.value(_RTF, BINARY)
    if data is None:
        raise ValueError(NO_BODY)
    if reading.rtf_left == 0:
        raise ValueError(SPENT)
    rtf = decompressed(data, reading.rtf_left + 1)
    cut = len(rtf) > reading.rtf_left
    rtf, reading.rtf_left = rtf[:reading.rtf_left], max(0, reading.rtf_left - len(rtf))
    head = rtf.lstrip()
    if cut and len(head) < 5 and b"{\\rtf".startswith(head):  # cut before its first control word
        raise ValueError(SPENT)
    if not head.startswith(b"{\\rtf"):
        raise ValueError(f"{DAMAGED_RTF}: it does not begin with {{\\rtf")
    kind = encapsulation(rtf)
    if kind:
        parsed = body_document([(deencapsulated(rtf).replace("\r\n", "\n"), kind == "html")], title, raw_subject,
                               names)
    else:
        parsed = read_body_document(parse_rtf(rtf), title, raw_subject, names)
    if cut:
        parsed.changes.append(f"its rich-text body read to its first {RTF_MAX_BYTES:,} bytes")
    return parsed


def _body(reading: _Reading, message: Properties, title: str, raw_subject: str) -> tuple[Parsed, bool]:
    """The message's body as a document: HTML (PR_HTML) holding text, else plain (PR_BODY), else the compressed RTF;
    S/MIME as the module's docstring says. Raises `ValueError` (`NO_BODY` when it holds no text). With it, whether
    its attachments are its body (signed in clear: its one attachment, the MIME message read), none to name."""
    internet = codec(message.integer(_INTERNET_CPID))
    strings = codec(message.integer(_MESSAGE_CODEPAGE)) or internet
    kind = (message.text(_CLASS, strings, NAME_BYTES) or "").casefold()
    html = message.value(_HTML, BINARY)
    html_text = message.decoded(html, internet, html=True) if html is not None else message.text(_HTML, strings)
    plain = message.text(_BODY, strings)
    bodies = [(text, is_html) for text, is_html in ((html_text, True), (plain, False)) if text and text.strip()]
    if not bodies and kind.startswith("ipm.note.smime.multipartsigned"):
        return _signed(message), True
    if not bodies and kind.startswith("ipm.note.smime"):
        raise ValueError(ENCRYPTED)
    for text, is_html in bodies:  # an HTML body of pictures alone holds no text: the plain one then
        try:
            return body_document([(text.replace("\r\n", "\n"), is_html)], title, raw_subject, []), False
        except ValueError as exc:
            if str(exc) != NO_BODY:
                raise
    return _rich(reading, message, title, raw_subject, []), False


def _subject(message: Properties) -> str | None:
    """A message's subject (PR_SUBJECT, else PR_NORMALIZED_SUBJECT), in its code page."""
    strings = codec(message.integer(_MESSAGE_CODEPAGE)) or codec(message.integer(_INTERNET_CPID))
    return message.text(_SUBJECT, strings, NAME_BYTES) or message.text(_NORMALIZED_SUBJECT, strings, NAME_BYTES)


def _document(reading: _Reading, message: Properties, subject: str | None, depth: int = 0) -> Parsed:
    """A message's body under `subject`, the messages attached to it after it, each under its own subject as a
    mailbox's messages are (`rag.corpus.formats.mbox`). Raises `ValueError` when none holds text."""
    strings = codec(message.integer(_MESSAGE_CODEPAGE)) or codec(message.integer(_INTERNET_CPID))
    title, raw_subject = titled((subject or "")[:SUBJECT_CHARS])
    try:  # its body before its attached messages: its rich text drawn first on the file's budget
        parsed, its_body = _body(reading, message, title, raw_subject)
        missing: ValueError | None = None
    except ValueError as exc:
        if str(exc) not in (NO_BODY, SPENT):
            raise
        parsed, its_body, missing = Parsed([], title=title or None, text="", blocks=True), False, exc
    attached = _attachments(reading, message, strings, depth)
    if missing is not None and not attached.messages:
        raise missing
    parsed.changes += ([SPENT] if str(missing) == SPENT else []) + ([] if its_body else not_read(attached.names))
    parsed.changes += sorted(message.assumed)
    return with_attached(parsed, attached.messages)


def parse_msg(data: bytes) -> Parsed:
    """An Outlook message's body as a document under its subject, the messages attached to it after it. Raises
    `ValueError` for a file that is no message, is damaged or holds no text."""
    if not data.startswith(OLE_SIGNATURE):
        return parse_eml(data)  # a MIME message named .msg; refused as not an e-mail if it is none
    try:
        file = Compound(data)
        if not file.is_stream(PROPERTIES):
            raise ValueError(NOT_MSG)
        top = Properties(file, "", TOP)
        return _document(_Reading(file), top, _subject(top))
    except OleError as exc:
        raise ValueError(f"{DAMAGED}: {exc}") from exc


__all__ = ["ATTACHMENTS_MAX", "DAMAGED", "DEPTH_MAX", "ENCRYPTED", "NAME_BYTES", "NOT_MSG", "RTF_MAX_BYTES",
           "parse_msg"]
