"""Where what a saved e-mail adds around the text its sender wrote begins: the earlier messages a reply quotes, and
the sender's signature. `rag.corpus.formats.eml` leaves out what follows that offset.

Told with certainty only, else the text is kept:
- an attribution line ("Le lun. 3 mars 2025 à 10:02, X <x@y> a écrit :", "On ... wrote:", Thunderbird's, Gmail's and
  Apple Mail's, in five languages, on one line or wrapped over two) followed by nothing but "> " quoted lines (a reply
  that answers between the quoted lines is kept whole), or a run of "> " lines ending the message that quotes a
  header or an attribution (Hotmail's "> From: ..."; a citation of a law or a command is kept);
- Outlook's "-----Original Message-----" line, or its header block ("De : ... Envoyé : ... Objet : ..."), on one line
  or over the next lines: Outlook quotes the earlier message below it unmarked;
- in HTML, the elements mail clients wrap a quoted message in (Gmail's `gmail_quote`, Outlook's `divRplyFwdMsg` and
  `appendonsend`, Thunderbird's `moz-cite-prefix`, Yahoo's `yahoo_quoted`, Proton's `protonmail_quote`, Apple
  Mail's `<blockquote type="cite">`: unless the reply goes on below the blockquote, bottom-posted, when only its
  signature is cut, or the blockquote opens with a forwarded message's line) and signatures (`gmail_signature`,
  `moz-signature`);
- the signature delimiter, a line "-- " (RFC 3676).
A forwarded message (a "Fwd:", "TR:" subject, or a "---------- Forwarded message ---------" line before any quote) is
the content: nothing of it is left out.

Each line is matched once against patterns on at most `_LINE_MAX` characters, each HTML marker found by one search:
linear in the message.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence

SIGNATURE_LINES, SIGNATURE_CHARS = 8, 80  # a signature's name, title, company, phone, address: a few short lines
_NAME_CHARS = 50  # a signature's first line: a name, or a name and a title
_NOT_SIGNED = re.compile(r"(?:[-*•–]\s|\d{1,2}[.)]\s|P\.?\s?S\b)", re.IGNORECASE)  # an item, a postscript

_RULE = re.compile(r"_{10,}")  # the line of underscores Outlook's plain text sets over a quoted message's "From:"
_LINE_MAX = 400  # an attribution or a header line is shorter: a longer line is text
_WROTE = re.compile(r"(?:On|Le|Am|El|Il|Op) [^\n]{1,300}?(?:wrote|a écrit|schrieb|escribió|ha scritto|schreef)\s?:",
                    re.IGNORECASE)
_ORIGINAL = re.compile(r"-{2,} ?(?:Original Message|Message d'origine|Ursprüngliche Nachricht|Mensaje original|"
                       r"Messaggio originale) ?-{2,}", re.IGNORECASE)
_FROM = re.compile(r"\*?(?:De|From|Von|Da)\s?\*?\s?:", re.IGNORECASE)
_SENT = re.compile(r"\b(?:Envoyé|Sent|Gesendet|Inviato|Enviado|Date)\s?\*?\s?:", re.IGNORECASE)
_SUBJECT = re.compile(r"\b(?:Objet|Subject|Betreff|Oggetto|Asunto)\s?\*?\s?:", re.IGNORECASE)
_FORWARDED = re.compile(r"-{2,} ?(?:Forwarded message|Message transféré|Weitergeleitete Nachricht|Mensaje reenviado|"
                        r"Forwarded Message|Messaggio inoltrato)|(?:Begin forwarded message|Début du message "
                        r"réexpédié)\s?:", re.IGNORECASE)
# HTML elements a quoted message or a signature stands in; the quote's whole, as these clients end the message with it
_HTML_MARKERS = re.compile(r"""<(?:div|blockquote|pre|span)\b[^<>]{0,400}?(?:class\s*=\s*["']?(?:gmail_quote|"""
                           r"""yahoo_quoted|protonmail_quote|"""
                           r"""(?P<signature>gmail_signature|moz-signature)|(?P<prefix>moz-cite-prefix))\b|"""
                           r"""id\s*=\s*["']?(?:divRplyFwdMsg|appendonsend)\b|(?P<cite>type\s*=\s*["']?cite\b))""",
                           re.IGNORECASE)
_BLOCKQUOTE = re.compile(r"<(/?)blockquote\b", re.IGNORECASE)
_FORWARD_SUBJECT = re.compile(r"\s*(?:(?:RE|AW|SV|Réf|R|Rép)\s?:\s*)*(?:Fwd?|TR|WG|RV|Enc|Doorst)\s?:", re.IGNORECASE)


_FIELD = re.compile(r"\*?(?:De|From|Von|Da|Date|Datum|Envoyé|Sent|Gesendet|À|A|To|An|Pour|Cc|Objet|Sujet|"
                    r"Subject|Betreff|Oggetto|Asunto)\s?\*?\s?:", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_FIELDS_MAX = 8  # a forwarded message's header block: From, Sent, To, Cc, Subject and a few more


def forwarded_headers(lines: Sequence[tuple[str, int]]) -> list[tuple[int, int]]:
    """The spans (start, end offsets) of the header blocks a forwarded message stands under ("---------- Forwarded
    message ---------", "De : ... Envoyé : ... Objet : ..." and the field lines after them): its senders' addresses
    and dates, which are no part of what it says."""
    spans = []
    i = 0
    while i < len(lines):
        text = lines[i][0].strip()[:_LINE_MAX]
        if _FORWARDED.search(text) or _ORIGINAL.fullmatch(text) or (_FROM.match(text) and _attribution(lines, i)):
            end = i + 1
            while end < len(lines) and end - i <= _FIELDS_MAX and _FIELD.match(lines[end][0].strip()):
                end += 1
            last = lines[end - 1]
            spans.append((lines[i][1], last[1] + len(last[0])))
            i = end
        else:
            i += 1
    return spans


def _wrote(text: str) -> bool:
    """Whether `text` is an attribution line: "On ... wrote:", "Le ... a écrit :", "Am ... schrieb X <x@y>:" (its
    sender after the verb: found by `in`, not by a second repeat in the pattern)."""
    if _WROTE.fullmatch(text):
        return True
    return text.startswith("Am ") and text.endswith(":") and " schrieb " in text


def forwarded(subject: str) -> bool:
    """Whether a subject says its message forwards another ("Fwd: Procédure", "TR : ...", "RE: TR: ...")."""
    return _FORWARD_SUBJECT.match(subject) is not None


def _attribution(lines: Sequence[tuple[str, int]], i: int) -> bool:
    """Whether line `i` opens a quote: an attribution (on it, or wrapped onto the next line) or Outlook's header."""
    text = lines[i][0].strip()
    if len(text) > _LINE_MAX:
        return False
    if _ORIGINAL.fullmatch(text):
        return True
    joined = f"{text} {lines[i + 1][0].strip()[:_LINE_MAX]}" if i + 1 < len(lines) else text
    if _FROM.match(text):  # Outlook's header block: From, Sent (a date: a procedure's "Envoyé : le jour même" is
        # none) and Subject, on this line or the next three
        block = " ".join(line.strip()[:_LINE_MAX] for line, _ in lines[i:i + 4])
        sent = _SENT.search(block)
        return sent is not None and _DIGIT.search(block, sent.end(), sent.end() + 40) is not None and \
            _SUBJECT.search(block) is not None
    return _wrote(text) or (not text.endswith(":") and _wrote(joined))


def _quoted(text: str) -> bool:
    return text.lstrip().startswith(">")


def reply_start(lines: Sequence[tuple[str, int]], plain: bool) -> int | None:
    """The offset where a reply's quoted earlier message begins in a message's lines (text, offset), None if none is
    told with certainty. `plain`: lines of a text/plain body, whose quotes are "> " lines; an attribution there is
    the quote's only when "> " lines alone follow it (a reply answering between the quoted lines keeps them)."""
    for i, (text, _) in enumerate(lines):
        if _FORWARDED.search(text[:_LINE_MAX]):
            return None  # a forwarded message is the content
        if _attribution(lines, i):
            if _ORIGINAL.fullmatch(text.strip()) or _FROM.match(text.strip()):
                above = next((j for j in range(i - 1, -1, -1) if lines[j][0].strip()), None)
                rule = above is not None and _RULE.fullmatch(lines[above][0].strip())  # Outlook's, over "De :"
                return lines[above if rule and above is not None else i][1]
            if not plain:  # an HTML quote is told by the element it stands in (`html_cut`)
                continue
            rest = [line for line, _ in lines[i + 1:] if line.strip()]
            if all(_quoted(line) for line in rest[1:]) and (not rest or _quoted(rest[0]) or
                                                            _wrote(f"{text.strip()} {rest[0].strip()[:_LINE_MAX]}")):
                return lines[i][1]
            return None
    # a run of quoted lines ending the message, with no attribution before it (Hotmail quotes an HTML one so too)
    end = len(lines)
    while end and not lines[end - 1][0].strip():
        end -= 1
    start = end
    while start and _quoted(lines[start - 1][0]):
        start -= 1
    if 0 < start < end and any(_quotes_a_message(line) for line, _ in lines[start:end]):
        return lines[start][1]
    return None


def _quotes_a_message(line: str) -> bool:
    """Whether a "> " line quotes an e-mail's header or attribution ("> From: ...", "> Le ... a écrit :"): a run of
    quoted lines without one is a citation the sender wrote (a law's article, a command), kept."""
    text = line.lstrip().lstrip(">").strip()[:_LINE_MAX]
    return bool(_FIELD.match(text) or _ORIGINAL.fullmatch(text) or _wrote(text))


def signature_start(text: str, end: int | None = None) -> int | None:
    """The offset of a plain text's signature delimiter line, None if it has none: "-- " (RFC 3676), or "--" alone
    (a client or an editor that strips trailing spaces) when what follows it, up to `end` (where a quote begins; else
    the text's end), reads as a signature (`_signs`): a "--" that parts a message's text from more of it (an agenda, a
    postscript, a procedure's next steps) heads lines a signature has not."""
    found = re.search(r"^-- \r?$", text, re.MULTILINE)
    if found:
        return found.start()
    last = None  # the last before `end`: an earlier one heads all that the last heads, and more
    for bare in re.finditer(r"^--\r?$", text[:end] if end is not None else text, re.MULTILINE):
        last = bare
    if last is None:
        return None
    return last.start() if _signs([line.strip() for line in text[last.end():end].splitlines() if line.strip()]) \
        else None


def _signs(lines: list[str]) -> bool:
    """Whether lines read as a signature: a few short ones (`SIGNATURE_LINES`, `SIGNATURE_CHARS`), the first a name
    (`_NAME_CHARS` at most, no sentence's end), none announcing more (":" at its end), a list's item or a postscript."""
    return 0 < len(lines) <= SIGNATURE_LINES and len(lines[0]) <= _NAME_CHARS and lines[0][-1] not in ".:;!?," and \
        all(len(line) <= SIGNATURE_CHARS and not line.endswith(":") and not _NOT_SIGNED.match(line) for line in lines)


def html_cut(html: str, starts: Sequence[int]) -> int | None:
    """The offset of the first element of `html` that a client wraps a quoted message or a signature in, None if none.
    `starts`: the offsets of the lines read from `html`, in order. A cited blockquote (Thunderbird's and Apple Mail's,
    which let a reply answer below it) followed by lines of text before any signature is no end of the reply: then
    only the signature is cut."""
    found = _HTML_MARKERS.search(html)
    if found is None or not (found["cite"] or found["prefix"]):
        return found.start() if found else None
    depth, end = 0, None
    for tag in _BLOCKQUOTE.finditer(html, found.start()):  # where the quote's outermost blockquote closes
        depth += -1 if tag[1] else 1
        if depth <= 0:
            end = tag.end()
            break
    if end is None:
        return found.start()
    signature = next((m.start() for m in _HTML_MARKERS.finditer(html, end) if m["signature"]), len(html))
    below = bisect_left(starts, end)
    if below < len(starts) and starts[below] < signature:
        return signature if signature < len(html) else None  # a reply below the quote: the quote is kept
    return found.start()


def opens_forward(text: str) -> bool:
    """Whether a line opens a forwarded message ("Début du message réexpédié :", "---------- Forwarded message"): a
    quote it opens (Apple Mail puts a forward in a cited blockquote) is the content."""
    return _FORWARDED.search(text[:_LINE_MAX]) is not None


def ends_with_attribution(text: str) -> bool:
    """Whether a line is an attribution ("Le ... a écrit :"), left out with the quote it announced."""
    return len(text) <= _LINE_MAX and _wrote(text.strip())


__all__ = ["ends_with_attribution", "forwarded", "forwarded_headers", "html_cut", "opens_forward", "reply_start",
           "signature_start"]
