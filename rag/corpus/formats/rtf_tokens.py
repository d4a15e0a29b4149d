"""The tokens of a Rich Text Format file (`rag.corpus.formats.rtf` reads them), and the code pages its bytes are in.

RTF is 7-bit text: groups in braces, control words (a backslash, up to 32 letters, an optional signed number, a
space that ends the word and is not text), control symbols (a backslash and one other character: `\\~`, `\\-`,
`\\{`), `\\'hh` bytes of the document's or the font's code page, and plain text. A backslash before a line end is
a paragraph's end (`\\par`), a bare line end nothing. `\\binN` is followed by N raw bytes, skipped here (never more
than the file holds). Bytes above 127 written as they are, against the format, are read in the code page too.

Every token is found by one regex match at the position the last one ended, no alternative able to backtrack over
more than 32 letters and 10 digits: the whole file is read in one pass, whatever it holds.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator

# The kinds of tokens: a control word (its name and number, None without one), a `\\'hh` byte, a control symbol,
# a group's opening or closing brace, text
WORD, BYTE, SYMBOL, OPEN, CLOSE, TEXT = range(6)

_TOKEN = re.compile(r"\\([a-zA-Z]{1,32})(-?[0-9]{1,10})? ?|\\'([0-9a-fA-F]{2})|\\(.)|([{}])|([^\\{}\r\n]+)|[\r\n]+|\\",
                    re.S)
# The code page a font's \fcharset says its bytes are in (0 and 1: the document's own, \ansicpg's); 2 is Symbol's
# font, whose bytes are read as Latin-1 (a bullet, \'b7, shows as "·", which a list's label reads as "•")
CHARSETS = {2: "latin-1", 77: "mac_roman", 128: "cp932", 129: "cp949", 130: "johab", 134: "gbk", 136: "cp950",
            161: "cp1253", 162: "cp1254", 163: "cp1258", 177: "cp1255", 178: "cp1256", 186: "cp1257", 204: "cp1251",
            222: "cp874", 238: "cp1250", 255: "cp437"}
# The character sets a header may name instead of \ansi (Windows' code page 1252, unless \ansicpg says another)
CHARACTER_SETS = {"ansi": "cp1252", "mac": "mac_roman", "pc": "cp437", "pca": "cp850"}


def code_page(number: int | None) -> str | None:
    """The codec of a Windows code page number (\\ansicpg1252, \\cpg1251: "cp1252", "cp1251"; 65001 UTF-8, 10000 Mac
    Roman), None if Python knows none of that number."""
    if number is None:
        return None
    name = {65001: "utf-8", 10000: "mac_roman", 20127: "ascii", 28591: "latin-1"}.get(number, f"cp{number}")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decoded(data: bytes, codec: str) -> str:
    """`data` in `codec`, a byte that is no character there replaced by U+FFFD."""
    return data.decode(codec, errors="replace")


class Fonts:
    """The code pages of a font table's fonts (`\\fcharsetN`, `\\cpgN`), by font number, read a control word at a
    time (`word`) from the table's group."""

    def __init__(self) -> None:
        self.codecs: dict[int, str] = {}
        self.number = 0  # the font the table describes now

    def word(self, name: str, number: int | None) -> None:
        if name == "f" and number is not None:
            self.number = number
        elif name == "fcharset" and number in CHARSETS:
            self.codecs[self.number] = CHARSETS[number]
        elif name == "cpg" and (codec := code_page(number)):
            self.codecs[self.number] = codec

    def codec(self, font: int | None, default: str) -> str:
        """The code page of text in `font` (None: the document's), `default` where the table says none."""
        return self.codecs.get(font, default) if font is not None else default


class Characters:
    """The characters of a reader's BYTE and TEXT tokens: the fallback characters after a `\\uN` skipped (`fallback`
    of them still: a control word or symbol counts as one), `\\'hh` bytes held until a token that is neither (a
    double-byte code page's come in pairs, the second sometimes written as a character: `\\'83e`). `codec` gives
    the code page in force, asked only for bytes above 127."""

    def __init__(self) -> None:
        self.fallback = 0
        self.pending: list[str] = []

    def byte(self, value: str) -> None:
        if self.fallback:
            self.fallback -= 1
        else:
            self.pending.append(value)

    def text(self, value: str, codec: Callable[[], str]) -> str:
        if self.fallback:
            skipped = min(self.fallback, len(value))
            value, self.fallback = value[skipped:], self.fallback - skipped
        if self.pending:
            value, self.pending = "".join(self.pending) + value, []
        return value if value.isascii() else decoded(value.encode("latin-1"), codec())

    def flush(self, codec: Callable[[], str]) -> str:
        """The bytes held, decoded; called before any token that is no text."""
        if not self.pending:
            return ""
        text, self.pending = decoded("".join(self.pending).encode("latin-1"), codec()), []
        return text

    def skipped(self) -> bool:
        """Whether a control word or symbol is a fallback character, skipped."""
        if self.fallback:
            self.fallback -= 1
            return True
        return False


def tokens(source: str) -> Iterator[tuple[int, str, int | None]]:
    """The tokens of `source` (the file's bytes as Latin-1 text, one character a byte), in order: (kind, value,
    number), the number a control word's (None where it has none). TEXT's value is raw: its bytes above 127 are still
    Latin-1 characters, for the reader to decode in its code page; BYTE's is the byte as one such character."""
    end, at = len(source), 0
    while at < end:
        for found in _TOKEN.finditer(source, at):  # every character is in a token: no gap between two
            kind = found.lastindex
            if kind == 1 or kind == 2:
                name, number = found.group(1), found.group(2)
                value = None if number is None else int(number)
                if name == "bin":  # raw bytes: skipped, never past the end of the file; the search starts again
                    at = found.end() + min(max(value or 0, 0), end - found.end())
                    break
                yield WORD, name, value
            elif kind == 3:
                yield BYTE, chr(int(found.group(3), 16)), None
            elif kind == 4:
                yield SYMBOL, found.group(4), None
            elif kind == 5:
                yield (OPEN if found.group(5) == "{" else CLOSE), "", None
            elif kind == 6:
                yield TEXT, found.group(6), None
            # a run of line ends is nothing; a backslash at the very end of the file neither
        else:
            return


__all__ = ["BYTE", "CHARACTER_SETS", "CHARSETS", "CLOSE", "OPEN", "SYMBOL", "TEXT", "WORD", "Characters", "Fonts",
           "code_page", "decoded", "tokens"]
