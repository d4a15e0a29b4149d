"""The HTML or plain text an RTF body encapsulates ([MS-OXRTFEX]): Outlook keeps an HTML mail's body, and sometimes a
plain one, only inside the RTF it writes (an .msg's PR_RTF_COMPRESSED), marked by `\\fromhtml1` or `\\fromtext` in
the RTF's header.

De-encapsulation copies out:
- the content of each `{\\*\\htmltag ...}` group (the HTML's markup: tags, comments, entities), its parameter left
  out, its bytes in the document's code page (\\ansicpg);
- the text between those groups, in the code page of its font (\\fN, the font table's \\fcharsetN or \\cpgN), except
  what stands between `\\htmlrtf` and `\\htmlrtf0` (what only the RTF shows: list bullets, paragraph marks);
- `\\par` and `\\line` as line ends, `\\tab` as a tab, `\\uN` (its \\ucN fallback skipped), `\\'hh` bytes, escaped
  braces and backslashes as the characters they stand for.
Skipped: the font and colour tables, the stylesheet, pictures and objects, and any other ignorable destination
(`{\\*\\mhtmltag ...}`, the same tags with their links rewritten, among them).

Hostile files: one pass over the tokens (`rag.corpus.formats.rtf_tokens`), groups nested deeper than `DEPTH_MAX` read
in the state of the deepest one kept, \\ucN bounded: the text is never longer than the RTF.
"""

from __future__ import annotations

from typing import NamedTuple

from rag.corpus.formats.rtf_tokens import (
    BYTE,
    CHARACTER_SETS,
    CLOSE,
    OPEN,
    SYMBOL,
    TEXT,
    WORD,
    Characters,
    Fonts,
    code_page,
    tokens,
)

DEPTH_MAX = 256  # groups nested deeper share the state of the deepest kept (Outlook's nest a handful)
_UC_MAX = 8
_SKIPPED = frozenset({"fonttbl", "colortbl", "stylesheet", "info", "pict", "object", "listtable", "listoverridetable",
                      "header", "footer", "themedata", "colorschememapping", "datastore", "latentstyles", "generator"})
_CHARACTERS = {"par": "\n", "line": "\n", "tab": "\t", "emdash": "\u2014", "endash": "\u2013", "bullet": "\u2022",
               "lquote": "\u2018", "rquote": "\u2019", "ldblquote": "\u201c", "rdblquote": "\u201d"}
_SYMBOLS = {"\\": "\\", "{": "{", "}": "}", "~": "\u00a0", "_": "-", "\n": "\n", "\r": "\n"}


class _State(NamedTuple):
    """A group's state: skipped (a destination of no text), inside `\\htmlrtf`, an HTML tag's group, the font table's
    group, the font selected, the fallback characters a `\\uN` is followed by."""

    skip: bool = False
    htmlrtf: bool = False
    tag: bool = False
    fonts: bool = False
    font: int | None = None
    uc: int = 1


class _Reader:
    def __init__(self) -> None:
        self.state = _State()
        self.stack: list[_State] = []
        self.overflow = 0
        self.codec = "cp1252"
        self.fonts = Fonts()
        self.star = False
        self.characters = Characters()
        self.out: list[str] = []

    def _codec(self) -> str:
        return self.fonts.codec(None if self.state.tag else self.state.font, self.codec)

    def _emit(self, text: str) -> None:
        state = self.state
        if text and not state.skip and not state.fonts and (state.tag or not state.htmlrtf):
            self.out.append(text)

    def read(self, source: str) -> str:
        characters = self.characters
        for kind, value, number in tokens(source):
            if kind == BYTE:
                characters.byte(value)
                continue
            if kind == TEXT:
                self._emit(characters.text(value, self._codec))
                continue
            self._emit(characters.flush(self._codec))
            if kind == OPEN:
                characters.fallback, self.star = 0, False
                if len(self.stack) >= DEPTH_MAX:
                    self.overflow += 1
                else:
                    self.stack.append(self.state)
            elif kind == CLOSE:
                characters.fallback, self.star = 0, False
                if self.overflow:
                    self.overflow -= 1
                elif not self.stack:
                    break
                else:
                    self.state = self.stack.pop()
                    if not self.stack:  # the document's own group closed
                        break
            elif characters.skipped():
                continue
            elif kind == SYMBOL:
                if value == "*":
                    self.star = True
                else:
                    self._emit(_SYMBOLS.get(value, ""))
            elif kind == WORD:
                self._word(value, number)
        self._emit(characters.flush(self._codec))
        return "".join(self.out)

    def _word(self, name: str, number: int | None) -> None:
        star, self.star, state = self.star, False, self.state
        if state.skip:
            return
        if star:
            self.state = state._replace(tag=True, htmlrtf=False) if name == "htmltag" else state._replace(skip=True)
        elif state.fonts:
            self.fonts.word(name, number)
        elif name == "fonttbl":
            self.state = state._replace(fonts=True)
        elif name in _SKIPPED:
            self.state = state._replace(skip=True)
        elif name == "htmlrtf":
            self.state = state._replace(htmlrtf=number != 0)
        elif name in _CHARACTERS:
            self._emit(_CHARACTERS[name])
        elif name == "u" and number is not None:
            code = number + 65536 if -32768 <= number < 0 else number
            self._emit(chr(code) if 0 <= code < 0x110000 and not 0xD800 <= code < 0xE000 else "\ufffd")
            self.characters.fallback = state.uc
        elif name == "uc":
            self.state = state._replace(uc=max(0, min(number if number is not None else 1, _UC_MAX)))
        elif name == "f":
            self.state = state._replace(font=number)
        elif name in CHARACTER_SETS:
            self.codec = CHARACTER_SETS[name]
        elif name == "ansicpg":
            self.codec = code_page(number) or self.codec


def encapsulation(rtf: bytes) -> str | None:
    """What an RTF body's header says it encapsulates: "html" (\\fromhtml1), "text" (\\fromtext), None (native RTF:
    neither before its first group or text)."""
    opened = 0
    for kind, value, number in tokens(rtf[:4096].decode("latin-1")):
        if kind == WORD and value == "fromhtml" and number == 1:
            return "html"
        if kind == WORD and value == "fromtext":
            return "text"
        opened += kind == OPEN
        if opened > 1 or kind == CLOSE or (kind == TEXT and value.strip()):
            return None
    return None


def deencapsulated(rtf: bytes) -> str:
    """The HTML or the text an RTF body encapsulates (see the module's docstring), as one string."""
    return _Reader().read(rtf.decode("latin-1"))


__all__ = ["DEPTH_MAX", "deencapsulated", "encapsulation"]
