"""Read a mailbox (.mbox: Thunderbird's folder files, Gmail's Takeout export, Apple Mail's and mutt's export): one
document, each message of it an entry of its own under its subject, read as a saved e-mail is
(`rag.corpus.formats.eml`: its HTML or plain body, a reply's quotes and signature left out, the messages it attaches
after it under their subjects ("Message › Attached › heading"), other attachments named in the report).

- Where a message begins: a "From " line (the mbox separator, "From sender date") at the file's start (after a byte
  order mark), after a blank line, as mail clients write them, or dated (asctime), followed by a header line; a body's
  own line that begins "From " is text unless it stands so (a mailbox written without quoting them). A body line
  quoted as mboxrd and mboxo quote them (">From ", ">>From ") loses one ">", as the mail client shows it.
- An entry: the message's subject (its reply and forward prefixes left out) heads what its body holds, its body's
  own headings below it ("Subject › heading"; a body that opens on its subject: the subject once). The file's name
  is the document's title, as a mailbox names a folder.
- Offsets index the messages' decoded bodies, joined in the file's order by a line break (`Parsed.text`), as an
  .eml's index its body and its attached messages'.
- A message that cannot be read (no header lines, no text, a hostile one: `parse_eml`'s refusals) is left out and
  counted in the report; the others are read. At most `MESSAGES_MAX` messages are read, the count of the others said.

Every step is linear in the file: one scan for the separators, one for the quoted lines, each message parsed once.
"""

from __future__ import annotations

import re

from rag.corpus.formats.base import Parsed, Section, filed_under, shifted
from rag.corpus.formats.eml import parse_eml

NOT_MBOX = 'not a mailbox: it does not begin with a "From " line followed by header lines'
MESSAGES_MAX = 10_000  # a 20 MB mailbox of short messages holds some 5,000; more is a hostile file
# a separator: a line beginning "From ", then a header line (the library's `mailbox.mbox` takes any "From " line)
_SEPARATOR = re.compile(rb"^From [^\r\n]*\r?\n(?=[!-9;-~]{1,76}:)", re.MULTILINE)
_DATED = re.compile(rb"From \S{0,200} +(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) +"  # a separator's date, as asctime() writes it
                    rb"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} +\d{1,2}:\d{2}")
_QUOTED = re.compile(rb"^>(>*From )", re.MULTILINE)  # mboxrd's and mboxo's quoted "From " lines
_SHOWN = 5  # messages named in the report, at most


def messages(data: bytes) -> list[bytes]:
    """The messages of a mailbox's bytes, in order, without their separators, quoted "From " lines unquoted; raises
    `ValueError` (`NOT_MBOX`) for bytes that do not begin with a separator."""
    data = data.removeprefix(b"\xef\xbb\xbf")  # a byte order mark some tools write
    lead = len(data) - len(data.lstrip(b"\r\n"))
    # a separator after the first follows a blank line, as mail clients write them, or dates its message as the
    # format does ("From x Sat Jan  1 00:00:00 2022": exporters that write no blank line): a body's line "From the
    # desk of ..." over a line that reads as a header stays text
    starts = [found for found in _SEPARATOR.finditer(data) if found.start() == lead or (found.start() > lead and (
        data.endswith((b"\n\n", b"\n\r\n"), 0, found.start()) or _DATED.match(data, found.start())))]
    if not starts or starts[0].start() != lead:
        raise ValueError(NOT_MBOX)
    ends = [found.start() for found in starts[1:]] + [len(data)]
    return [_QUOTED.sub(rb"\1", data[found.end():end]) for found, end in zip(starts, ends, strict=True)]


def _said(what: str, messages: list[str]) -> list[str]:
    """A line of the report naming `messages` (the first `_SHOWN`), none if there are none."""
    more = "; ..." if len(messages) > _SHOWN else ""
    return [f"{len(messages)} {what}: {'; '.join(messages[:_SHOWN])}{more}"] if messages else []


def parse_mbox(data: bytes) -> Parsed:
    """A mailbox's messages, each under its subject, as one document (see the module's docstring). Raises
    `ValueError` for a file that is no mailbox or holds no message with text."""
    found = messages(data)
    sections: list[Section] = []
    texts: list[str] = []
    base, unread, attached, blocks = 0, list[str](), list[str](), True
    for number, message in enumerate(found[:MESSAGES_MAX], 1):
        try:
            parsed = parse_eml(message)
        except ValueError as exc:
            unread.append(f"message {number} ({exc})")
            continue
        sections += filed_under(shifted(parsed.sections, base), parsed.title)
        attached += [f"{parsed.title or f'message {number}'}: {change}" for change in parsed.changes]
        texts.append(parsed.text or "")
        blocks = blocks and parsed.blocks  # an HTML body's lines are blocks, a plain one's may run on
        base += len(texts[-1]) + 1
    changes = [f"only the first {MESSAGES_MAX:,} of its {len(found):,} messages read"] if len(found) > MESSAGES_MAX \
        else []
    changes += _said("message(s) not read", unread) + _said("message(s) with attachments not read", attached)
    if not sections:
        raise ValueError(f"no message with text found{': ' + changes[-1] if changes else ''}")
    return Parsed(sections, text="\n".join(texts), blocks=blocks, changes=changes)


__all__ = ["MESSAGES_MAX", "NOT_MBOX", "messages", "parse_mbox"]
