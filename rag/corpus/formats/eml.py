"""Read a saved e-mail (.eml: RFC 5322 and MIME, as Outlook, Thunderbird, Apple Mail and Gmail's "Download message"
save one): its subject the title, the text its sender wrote the document, through the standard library's `email`.

- The title: the Subject, RFC 2047 words decoded, its reply and forward prefixes ("RE:", "TR:", "Fwd:", "AW:") left
  out.
- The body: the text/html part where there is one, read as a page is (`rag.corpus.formats.html`: headings, lists and
  tables; an inline `cid:` image is nothing), else the text/plain one, read as a .txt is (`rag.corpus.formats.text`), a
  `format=flowed` body's soft line breaks joined first (RFC 3676, `eml_flowed`). A part is decoded by its charset; one
  without a charset or with one Python does not know, as a .txt file is (`rag.corpus.encoding`). Of a
  multipart/alternative, one part is read, never both (the plain ones where the HTML ones chosen hold no text at all,
  pictures alone, as an Outlook message's); the text parts of a multipart/mixed are all read, in order (Apple Mail
  splits a body around an inline attachment), a plain one among HTML ones as a paragraph. Offsets index the decoded
  bodies, the message's then its attached messages', joined by a line break.
- An attached message (message/rfc822: a message forwarded as an attachment, Outlook's and Gmail's; one sent
  base64- or quoted-printable-encoded decoded first, `eml_encoded`, checked as a file is, its parts counted with the
  file's): read after the body, its body as this one's, under its subject as a mailbox's messages are
  (`rag.corpus.formats.base.filed_under`: "Subject › its headings"), the messages it attaches after it, `DEPTH_MAX`
  deep (`with_attached`, an Outlook message's too); its own attachments named in the report after its subject; one
  without text, or without header lines (a part the library cannot parse as a message), named.
- Left out: a reply's quoted earlier messages and the signature, where they can be told with certainty
  (`rag.corpus.formats.eml_replies`; a forwarded message is kept whole); the headers (sender, recipients, date: no
  address is indexed); attachments, each named in the ingest's report.

Hostile files: a file without header lines is refused ("not an e-mail"), as is one with a Content- header over
`HEADER_MAX` bytes (lines ended by CR, LF or both); one of more than `MULTIPARTS_MAX` multipart or attached message
parts (the library checks each line against every open boundary, and nests its parser per level) or of more than
`PARTS_MAX` parts is read up to the delimiter line before the first part over them, the rest left out and the report
saying so (`rag.corpus.formats.eml_bounds`; refused where nothing before holds text); the Subject is read to
`SUBJECT_CHARS`; only the body
part chosen is decoded (a 20 MB attachment is never), and every step is linear in the file.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.policy import default
from html import escape

from rag.corpus.encoding import decode_text
from rag.corpus.formats.base import Parsed, filed_under, shifted
from rag.corpus.formats.eml_bounds import (
    HEADER_MAX,
    MULTIPARTS_MAX,
    NESTED,
    PARTS_MAX,
    Budget,
    nesting,
    read_within,
)
from rag.corpus.formats.eml_encoded import POLICY, decoded, encoded_text, raw_payload
from rag.corpus.formats.eml_flowed import unflowed
from rag.corpus.formats.eml_replies import (
    ends_with_attribution,
    forwarded,
    forwarded_headers,
    html_cut,
    opens_forward,
    reply_start,
    signature_start,
)
from rag.corpus.formats.html import parse_html
from rag.corpus.formats.text import parse_text

NOT_EML = "not an e-mail: it does not begin with header lines (From:, Subject:, Date: ...)"
NO_BODY = "no text found"
DAMAGED = "damaged e-mail: a header the library cannot parse"
DEPTH_MAX = 8  # attached messages nested deeper are named, not read (a forward of a forward: a few levels)
# headers a saved message has at least one of (a draft may lack From; Gmail's download has them all)
_KNOWN = frozenset({"from", "subject", "date", "to", "message-id", "mime-version", "received", "return-path",
                    "content-type", "x-mozilla-status", "thread-topic"})
_HEADER = re.compile(rb"(?:From [^\r\n]*\r?\n)?[!-9;-~]{1,76}:")
SUBJECT_CHARS = 2000  # of the Subject read: a title is shorter, and the library parses it in more than linear time
_PREFIXES = re.compile(r"\s*(?:(?:RE|AW|SV|R|Réf|Rép|Fwd?|TR|WG|RV|Enc|Antw|Doorst)\s?(?:\[\d{1,3}\])?\s?:\s*)+",
                       re.IGNORECASE)


def _subject(message: EmailMessage) -> tuple[str, str]:
    """The subject as a title (decoded, on one line, without its reply and forward prefixes), and as written."""
    raw = next((str(value) for name, value in message.raw_items() if name.lower() == "subject"), "")
    if len(raw) > SUBJECT_CHARS:  # cut between words, not inside an encoded word
        raw = raw[:SUBJECT_CHARS].rsplit(None, 1)[0]
    try:  # read unparsed, then only its beginning parsed (encoded words decoded)
        subject = str(default.header_factory("subject", raw))
    except (ValueError, IndexError, TypeError, LookupError):  # a malformed encoded word: the header as written
        subject = raw
    return titled(subject)


def titled(subject: str) -> tuple[str, str]:
    """A subject as a title (on one line, without its reply and forward prefixes: "RE:", "TR:", "Fwd:", "AW:"), and as
    written, on one line."""
    subject = " ".join(subject.split())
    prefix = _PREFIXES.match(subject)
    return (subject[prefix.end():] if prefix else subject), subject


def _decoded(part: Message) -> str:
    """A text part's text: its transfer encoding undone by the library, its bytes decoded by its charset (none, or
    one Python does not know: as a .txt file is decoded)."""
    data = part.get_payload(decode=True)
    data = data if isinstance(data, bytes) else b""
    charset = part.get_content_charset()
    if charset:
        try:
            return data.decode(charset, errors="replace")
        except (LookupError, ValueError):  # unknown, or a codec that fails whatever the bytes ("undefined", "idna")
            pass
    try:
        return decode_text(data.replace(b"\x00", b""))[0]
    except ValueError:  # bytes of no encoding the .txt reader knows: what UTF-8 makes of them
        return data.decode("utf-8", errors="replace")


def _walk(message: Message) -> tuple[list[Message], list[Message], list[Message]]:
    """The message's text parts in order (html, plain), one of each multipart/alternative's, its attachments (an
    attached message among them, not looked into), and its text parts again, each HTML one an alternative chose in
    place of a plain one beside it that one (read when the HTML holds no text: pictures alone); the parts of a
    multipart are visited once each, without recursion."""
    bodies: list[Message] = []
    attached: list[Message] = []
    plain_of: dict[int, Message] = {}  # by the id of an HTML part chosen, the plain alternative beside it
    stack = [message]
    while stack:
        part = stack.pop()
        if part.get_content_type() == "message/rfc822" and part is not message:  # a message attached: not the body
            attached.append(part)
            continue
        if part.is_multipart():
            payload = part.get_payload()
            children = [child for child in payload if isinstance(child, Message)] if isinstance(payload, list) else []
            if part.get_content_subtype() == "alternative":
                # the richest form the client wrote: html, else plain; an alternative of multiparts, its last
                texts = [c for c in children if c.get_content_type() in ("text/html", "text/plain")]
                html = [c for c in texts if c.get_content_type() == "text/html"]
                chosen = html[-1] if html else texts[-1] if texts else children[-1] if children else None
                if html and (plain := [c for c in texts if c.get_content_type() == "text/plain"]):
                    plain_of[id(chosen)] = plain[-1]
                children = [chosen] if chosen is not None else []
            stack.extend(reversed(children))
            continue
        disposition = part.get_content_disposition()
        if part.get_content_type() in ("text/html", "text/plain") and disposition != "attachment" and \
                not part.get_filename():
            bodies.append(part)
        elif disposition == "attachment" or part.get_filename() or part.get_content_maintype() == "application":
            attached.append(part)
    return bodies, attached, [plain_of.get(id(part), part) for part in bodies] if plain_of else bodies


def _plain(text: str, subject: str) -> tuple[str, Parsed]:
    """A text/plain body read as a .txt file, from its first line to where its quote or signature begins (a quote
    with nothing above it is the content: kept)."""
    lines = _offset_lines(text)
    cut = None if forwarded(subject) else reply_start(lines, plain=True)
    if cut is not None and not text[:cut].strip():  # the quote is all there is (a forward not named one): the text
        cut = None
    ends = [at for at in (cut, signature_start(text, cut)) if at is not None]
    kept = text[:min(ends)] if ends else text
    return kept, _without(parse_text(kept), forwarded_headers(lines))


def _without(parsed: Parsed, spans: list[tuple[int, int]]) -> Parsed:
    """`parsed` without its lines that begin in one of `spans` (sorted, apart), nor the sections left empty."""
    if not spans:
        return parsed
    starts = [start for start, _ in spans]
    for section in parsed.sections:
        section.lines = [line for line in section.lines
                         if (at := bisect_right(starts, line.start) - 1) < 0 or line.start >= spans[at][1]]
    parsed.sections = [section for section in parsed.sections if section.lines]
    return parsed


def _offset_lines(text: str) -> list[tuple[str, int]]:
    lines, pos = [], 0
    for raw in text.splitlines(keepends=True):
        lines.append((raw.rstrip("\r\n"), pos))
        pos += len(raw)
    return lines


def _html(html: str | None, subject: str, parsed: Parsed | None = None) -> Parsed:
    """A text/html body read as a page (or a body some other reader read, `parsed`: its `html` None), its lines from
    where its quote or signature begins left out."""
    parsed = parsed or parse_html(html or "")
    lines = [(line.text, line.start) for section in parsed.sections for line in section.lines]
    if forwarded(subject):
        return _without(parsed, forwarded_headers(lines))
    cut = html_cut(html, sorted(start for _, start in lines)) if html is not None else None
    ends = [at for at in (cut, reply_start(lines, plain=False))
            if at is not None and any(start < at for _, start in lines)]  # a quote that is the whole text is kept
    if not ends:
        return parsed
    cut = min(ends)
    if opens_forward(next((text for text, start in lines if start >= cut), "")):  # Apple Mail's forward is in a
        return _without(parsed, forwarded_headers(lines))  # cited blockquote: the content
    sections = []
    for section in parsed.sections:
        section.lines = [line for line in section.lines if line.start < cut]
        if section.lines and (section.heading_start is None or section.heading_start < cut):
            sections.append(section)
    if sections and len(sections[-1].lines) > 1 and ends_with_attribution(sections[-1].lines[-1].text):
        sections[-1].lines.pop()  # Apple Mail's "Le ... a écrit :" stands before its cite blockquote
    parsed.sections = sections
    return _without(parsed, forwarded_headers(lines))


def parse_eml(data: bytes) -> Parsed:
    """A saved e-mail's body as a document under its subject. Raises `ValueError` for a file that is no e-mail or
    holds no text; one past the bounds of its parts is read up to the part over them (`eml_bounds.cut_before`), the
    report saying where, and refused only where nothing before that part holds text."""
    parsed, cut = read_within(data, Budget(), lambda kept, budget: _document(_message(kept, budget), 0, budget))
    parsed.changes += [cut] if cut else []
    return parsed


def _message(data: bytes, budget: Budget) -> EmailMessage:
    """`data` parsed as a message, once found to be one and its parts within what is left of the file's `budget`
    (spent). Raises `ValueError` otherwise."""
    head = data[:4096]
    lead = len(head) - len(head.lstrip(b"\xef\xbb\xbf \t\r\n"))  # a byte order mark or blank lines first
    if not _HEADER.match(data, lead):
        raise ValueError(NOT_EML)
    budget.spend(data, data.lower())
    try:
        message = BytesParser(policy=POLICY).parsebytes(data[lead:])
    except RecursionError as exc:
        raise ValueError(NESTED) from exc
    if not isinstance(message, EmailMessage) or not _headed(message):
        raise ValueError(NOT_EML)
    return message


def _headed(message: Message) -> bool:
    """Whether `message` has a header a saved message has (a part without header lines is none)."""
    return bool({key.lower() for key in message} & _KNOWN)


def _document(message: EmailMessage, depth: int, budget: Budget) -> Parsed:
    """A message's body under its subject, the messages attached to it after it (`with_attached`), `DEPTH_MAX` deep
    from `depth`. Raises `ValueError` when none holds text."""
    try:  # the library's header parsers raise more than ValueError on malformed parameters ('filename*' alone)
        bodies, attached, plainer = _walk(message)
        readings = [_texts(bodies)] + ([_texts(plainer)] if plainer is not bodies else [])
        names: list[str] = []
        messages: list[Parsed] = []
        for part in attached:
            name = _attached(part, depth, messages, budget)
            if name is not None:
                names.append(name)
        subject = _subject(message)
    except (IndexError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"{DAMAGED}: {type(exc).__name__}: {exc}") from exc
    for texts in readings:  # the HTML bodies, else, if they hold no text, the plain ones beside them
        try:
            return with_attached(body_document(texts, *subject, names), messages)
        except ValueError as exc:
            if str(exc) != NO_BODY:
                raise
    if not messages:
        raise ValueError(NO_BODY)
    return with_attached(Parsed([], title=subject[0] or None, text="", blocks=True, changes=not_read(names)), messages)


def _texts(parts: list[Message]) -> list[tuple[str, bool]]:
    """Text parts' texts, each `(text, is_html)`, a `format=flowed` one's soft line breaks joined."""
    texts = []
    for part in parts:
        text, html = _decoded(part), part.get_content_type() == "text/html"
        if not html and str(part.get_param("format", "")).lower() == "flowed":
            text = unflowed(text, str(part.get_param("delsp", "")).lower() == "yes")
        texts.append((text, html))
    return texts


def _attached(part: Message, depth: int, messages: list[Parsed], budget: Budget) -> str | None:
    """An attachment's name for the report; none for an attached message read (added to `messages`): one with header
    lines, `DEPTH_MAX` deep at most; another named "message: its subject", with why it was not read."""
    name = str(part.get_filename() or part.get_content_type())
    if part.get_content_type() != "message/rfc822":
        return name
    why, inner, charged, cut = "", None, len(budget.charged), ""
    try:
        inner, cut = _inner(part, budget)
        if inner is None or not _headed(inner):
            return name
        if depth < DEPTH_MAX:
            messages.append(_document(inner, depth + 1, budget))
            messages[-1].changes += [cut] if cut else []
            return None
    except ValueError as exc:  # one cut past its bounds says so too: nothing before the part over them was read
        why = f" ({cut}; {exc})" if cut else f" ({exc})"
    finally:
        del budget.charged[charged:]  # the counts of messages parsed apart within it: the next part's is its own
    subject = _subject(inner)[1] if inner is not None else ""
    return (f"message: {subject}" if subject else name) + why


def _inner(part: Message, budget: Budget) -> tuple[EmailMessage | None, str]:
    """The message attached as `part`, and "" or the report's line saying where it was cut: one sent encoded
    (`eml_encoded`) parsed from its decoded bytes with a file's bounds (`_message`), read up to the part over them
    as a file is (`read_within`), what the count read in its bytes in the file given back, no more; else, the
    library's."""
    text = encoded_text(part)
    if text is None:
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        return (inner if isinstance(inner, EmailMessage) else None), ""
    refund = min(nesting(raw_payload(part).lower()), budget.charged[-1])  # its bytes as the count read them
    budget.charged[-1], budget.multiparts = budget.charged[-1] - refund, budget.multiparts + refund
    return read_within(decoded(part, text), budget, _message)


def with_attached(parsed: Parsed, messages: list[Parsed]) -> Parsed:
    """`parsed`, a message's document, with the messages attached to it after its body, each under its subject (else
    "attached message N") as a mailbox's messages are, their reports' lines after it; offsets index the texts joined
    by a line break."""
    texts = [parsed.text or ""] if parsed.sections else []
    base = len(texts[0]) + 1 if texts else 0
    for number, inner in enumerate(messages, 1):
        name = inner.title or f"attached message {number}"
        parsed.sections += filed_under(shifted(inner.sections, base), name)
        texts.append(inner.text or "")
        base += len(texts[-1]) + 1
        parsed.blocks = parsed.blocks and inner.blocks
        parsed.changes += [f"{name}: {change}" for change in inner.changes]
    parsed.text = "\n".join(texts)
    return parsed


def body_document(bodies: list[tuple[str, bool]], subject: str, raw_subject: str, attached: list[str]) -> Parsed:
    """A message's document from its text bodies in order, each `(text, is_html)`: read as a page where one is HTML
    (a plain one among them as a paragraph), else as a .txt; the reply's quotes and the signature left out, titled
    `subject` (`raw_subject`, with its prefixes, tells a forward), its attachments' names in the ingest's report.
    Raises `ValueError` when it holds no text."""
    if not bodies:
        raise ValueError(NO_BODY)
    if any(html for _, html in bodies):  # Apple Mail's around an inline attachment
        text = "\n".join(body if html else "<p>" + escape(body).replace("\n", "<br>") + "</p>" for body, html in bodies)
        parsed = _html(text, raw_subject)
    else:
        text, parsed = _plain("\n\n".join(body for body, _ in bodies), raw_subject)
    return _titled(parsed, text, subject, attached)


def read_body_document(body: Parsed, subject: str, raw_subject: str, attached: list[str]) -> Parsed:
    """`body_document` of a body another reader read (an Outlook message's rich text: `rag.corpus.formats.rtf`), its
    lines read as an HTML body's are."""
    return _titled(_html(None, raw_subject, body), body.text or "", subject, attached)


def _titled(parsed: Parsed, text: str, subject: str, attached: list[str]) -> Parsed:
    parsed.text, parsed.title, parsed.url, parsed.slug = text, subject or None, None, None
    parsed.sections = [section for section in parsed.sections if section.lines]
    if not parsed.sections:
        raise ValueError(NO_BODY)
    parsed.changes += not_read(attached)
    return parsed


def not_read(attached: list[str]) -> list[str]:
    """The ingest report's line naming a message's attachments (the first five), none if there are none."""
    if not attached:
        return []
    shown = ", ".join(" ".join(name.split())[:80] for name in attached[:5])
    return [f"{len(attached)} attachment(s) not read: {shown}{', ...' if len(attached) > 5 else ''}"]


__all__ = ["DEPTH_MAX", "HEADER_MAX", "MULTIPARTS_MAX", "NESTED", "NOT_EML", "NO_BODY", "PARTS_MAX", "SUBJECT_CHARS",
           "body_document", "not_read", "parse_eml", "read_body_document", "titled", "unflowed", "with_attached"]
