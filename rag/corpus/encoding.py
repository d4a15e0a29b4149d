"""The text in a text file's bytes (`.txt`, `.md`, `.html`): the encoding it is in, or why none can be trusted.

UTF-32 and UTF-16 are recognised by their byte order mark; anything else is UTF-8 (with or without its mark) or, when
its bytes are no UTF-8, a legacy Windows-1252 text (Latin-1's superset: old Windows and French exports) if they read
as Western European text (reported, but for an HTML page whose `<meta>` declares it). A file that fits none of them
is refused with the reason, not guessed.
"""

from __future__ import annotations

import codecs
import re

# UTF-32's marks before UTF-16's: the little-endian one, FF FE 00 00, starts with UTF-16's FF FE.
_MARKS = ((codecs.BOM_UTF32_LE, "utf-32", "UTF-32"), (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
          (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"), (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"))
LEGACY = "not valid UTF-8: read as Windows-1252 (Latin-1); save it as UTF-8 to be sure"
BINARY = "binary file (NUL bytes)"
# Letters of the Latin-1 range a Windows-1252 file's non-ASCII bytes should mostly be in, French and the other
# Western European languages' accented letters and their punctuation (’ « » „ … – — €): anything else is refused.
# Not ‚ ‡ ˆ •: they are the é ç ê ò of French text written for DOS (code page 437), which must be refused
# (`scripts/eval/legacy_encodings.py`).
_WESTERN = re.compile(r"[À-ÖØ-öø-ÿŒœŠšŽžŸ’‘“”„«»…–—€°²³µ·×÷¡¿ºª§©®\u00a0]")
_WESTERN_SHARE = 0.9
_ACCENTED_SHARE = 0.3  # of all letters at most: a few in Western European text; all of them in Cyrillic or Greek
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_ESCAPED = re.compile(r"[\udc80-\udcff]")  # a byte of no UTF-8 sequence, as "surrogateescape" decodes it
# An HTML page's declared encoding, in its first `_DECLARED` characters, and the names HTML reads as Windows-1252
_CHARSET = re.compile(r"""<meta\b[^<>]*?\bcharset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
_DECLARED = 4096
_WINDOWS_1252 = {"windows-1252", "cp1252", "x-cp1252", "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "l1",
                 "us-ascii", "ascii"}


def decode_text(data: bytes, html: bool = False) -> tuple[str, str | None]:
    """The text of a file's bytes and, when it was not UTF-8, what was assumed (`LEGACY`): nothing for an HTML page
    (`html`) whose `<meta>` says it is in Windows-1252 or Latin-1 (Word's "Page Web" writes `charset=windows-1252`),
    its bytes read so; nothing is assumed then.

    - A byte order mark says UTF-32 or UTF-16; a file it marks that does not decode is damaged (cut short, most
      often), and is refused as such.
    - Otherwise a NUL byte in the first 8 kB makes the file binary.
    - Then UTF-8, with or without its mark.
    - Bytes that are not UTF-8 are either UTF-8 with stray bytes (refused: read as Windows-1252, each of its accents
      would be garbled, "é" read as "Ã©") or a legacy 8-bit text. They are UTF-8 when they hold more valid UTF-8
      sequences of two to four bytes than bytes that belong to none (`utf8_with_errors`), or start with UTF-8's
      mark. A legacy text is read as Windows-1252 when its bytes decode so, at least 90% of its non-ASCII
      characters are Western European letters and punctuation, and these letters are at most 30% of all letters
      (Cyrillic written in Windows-1251 decodes too, as accented letters only).

    Raises `ValueError` with a reason a person can act on.
    """
    for bom, codec, name in _MARKS:
        if data.startswith(bom):
            try:
                return data.decode(codec), None
            except UnicodeDecodeError as exc:
                raise ValueError(_damaged(name, exc, len(data))) from exc
    if b"\x00" in data[:8192]:
        raise ValueError(BINARY)
    mark = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return (data[mark:] if mark else data).decode("utf-8"), None
    except UnicodeDecodeError as exc:
        refused = ValueError(f"not valid UTF-8 (byte {mark + exc.start}); convert the file to UTF-8")
        if mark or utf8_with_errors(data):  # a file that says it is UTF-8 is not read as anything else
            raise refused from exc
        text = _western(data)
        if text is None:
            raise refused from exc
        declared = _CHARSET.search(text, 0, _DECLARED) if html else None
        return text, None if declared and declared[1].lower() in _WINDOWS_1252 else LEGACY


def utf8_with_errors(data: bytes) -> bool:
    """Whether bytes that are not valid UTF-8 are still UTF-8, with stray bytes, rather than a legacy 8-bit text:
    they hold more valid UTF-8 sequences of two to four bytes than bytes outside any.

    A legacy text makes such sequences by chance only, where an accented letter meets a byte of punctuation: in
    Windows-1252, "É" and a non-breaking space (C9 A0), "é" then a non-breaking space and "»" (E9 A0 BB), "ß“" (DF 93).
    Its other accented letters, followed by ASCII, belong to no sequence. A UTF-8 file has every accent in one.
    `scripts/eval/legacy_encodings.py` measures the rule on both kinds of file."""
    text = data.decode("utf-8", "surrogateescape")
    invalid = len(_ESCAPED.findall(text))
    return len(_NON_ASCII.findall(text)) - invalid > invalid


def _western(data: bytes) -> str | None:
    """`data` read as Windows-1252, if it reads as Western European text; else None."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:  # 81, 8D, 8F, 90, 9D: no character in Windows-1252
        return None
    foreign = _NON_ASCII.findall(text)
    letters = sum(1 for ch in text if ch.isalpha())
    if (sum(1 for ch in foreign if _WESTERN.match(ch)) < _WESTERN_SHARE * len(foreign)
            or sum(1 for ch in foreign if ch.isalpha()) > _ACCENTED_SHARE * letters):
        return None
    return text


def _damaged(name: str, error: UnicodeDecodeError, size: int) -> str:
    """Why a file marked as UTF-16 or UTF-32 cannot be read: it ends inside a character, or holds no valid one."""
    if error.end >= size and error.reason in ("truncated data", "unexpected end of data"):
        return (f"{name} file (by its byte order mark) cut short: its {size:,} bytes end inside a character; "
                "copy or save it again, as UTF-8 to be sure")
    return (f"{name} file (by its byte order mark) damaged at byte {error.start} ({error.reason}); "
            "save it again, as UTF-8 to be sure")


__all__ = ["BINARY", "LEGACY", "decode_text", "utf8_with_errors"]
