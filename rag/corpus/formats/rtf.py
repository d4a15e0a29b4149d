"""Read a Rich Text Format file (.rtf: WordPad's, macOS TextEdit's default, Word's "Save as RTF", old help and
procedure files): one text whose offsets citations index, and its headings as sections, as
`rag.corpus.formats.docx` reads a Word document.

The text is the body in reading order, one block per line (a block followed by "\\n"), as a .docx's is:
- a paragraph (ended by \\par, or a backslash before a line end as TextEdit writes it; \\sect, \\page and \\column
  end one too): its text as shown, `\\'hh` bytes in the code page of the document (\\ansicpg) or of the font
  (\\fcharset), `\\uN` characters (the \\ucN fallback characters after one skipped), \\tab a tab, \\line a line break
  (such a paragraph spans several lines), \\~ a no-break space, \\_ a hyphen, \\- nothing; a list item's after the
  bullet or number its \\listtext (or \\pntext) shows, "•" for any bullet;
- a table (\\intbl paragraphs, \\cell, \\row): one line per row, its cells joined by " | " (a cell: its paragraphs, and
  the rows of a table nested in it, \\nestcell and \\nestrow, joined by a space; empty cells left out);
- a footnote or an endnote (\\footnote): its paragraphs, as lines after the paragraph that cites it (after the
  table, for a note cited in a cell), in that paragraph's section; its citation mark is no text;
- a field (a hyperlink, a page reference): its result as shown (\\fldrslt), not its instruction; a table of
  contents (a TOC field, paragraphs in a "toc N" style) is left out.
Left out, as what is not the body's flow: the font, colour, list and style tables, the document's information
(its \\title is the title), pictures, objects, shapes and text boxes, headers and footers, comments, deleted and
hidden text (\\deleted, \\v), and any destination marked ignorable (`{\\*\\...}`) this reader does not know.

Sections, like Markdown `#` headings: a paragraph in a heading style of the stylesheet (Word's "heading 1" to
"heading 9", localized names, "Title"; a style with an \\outlinelevel, or based on such a style:
`rag.corpus.formats.rtf_styles`), or with an outline level of its own, opens a section named by its text. In a
document without any (TextEdit and WordPad write no styles), a paragraph all in bold (\\b, \\fs) opens one where it
reads as a heading and heads some text set apart from it, its level from its size (`rag.corpus.formats.blocks`).

Hostile files: groups nested deeper than `DEPTH_MAX` are read in the state of the deepest one kept, \\binN skips at
most the rest of the file, \\ucN is bounded, braces left open at the end close there, and one that is no RTF at all
is refused with a reason. Every step reads each token once (`rag.corpus.formats.rtf_tokens`).
"""

from __future__ import annotations

from dataclasses import replace

from rag.corpus.formats.archive import OLE_SIGNATURE
from rag.corpus.formats.base import CELL_SEPARATOR, Parsed
from rag.corpus.formats.blocks import BlockText
from rag.corpus.formats.rtf_groups import PROPERTIES, Paragraph, State
from rag.corpus.formats.rtf_styles import Style, Styles, style_names
from rag.corpus.formats.rtf_tokens import (
    BYTE,
    CHARACTER_SETS,
    OPEN,
    SYMBOL,
    TEXT,
    WORD,
    Characters,
    Fonts,
    code_page,
    tokens,
)

NOT_RTF = "not an RTF file: it does not begin with {\\rtf"
DEPTH_MAX = 256  # groups nested deeper are read as part of the deepest one kept (Word's files nest some 20)
# Destinations whose text is not the body's: skipped whole
_SKIPPED = frozenset({
    "colortbl", "pict", "object", "header", "headerl", "headerr", "headerf", "footer", "footerl", "footerr",
    "footerf", "themedata", "colorschememapping", "datastore", "latentstyles", "listtable", "listoverridetable",
    "generator", "xmlnstbl", "rsidtbl", "mmathPr", "filetbl", "revtbl", "pgdsctbl", "nonesttables", "nonshppict",
    "shppict", "shp", "shpgrp", "do", "private", "xe", "tc", "tcn", "txe", "rxe", "atnid", "atnauthor", "annotation",
    "atrfstart", "atrfend", "ftnsep", "ftnsepc", "ftncn", "aftnsep", "aftnsepc", "aftncn", "pn", "pntxta", "pntxtb",
    "template", "docvar", "userprops", "bkmkstart", "bkmkend", "fldtype", "listpicture", "protusertbl"})
# Ignorable destinations ({\*\...}) that are read: a note, a field's instruction (to tell a table of contents), a
# nested table's row properties (they end its rows, \nestrow), a \upr's Unicode text (\ud: LibreOffice writes the
# title so, {\upr{\title ANSI}{\*\ud{\title Unicode}}}; the ANSI group before it is skipped)
_READ_STARRED = frozenset({"footnote", "fldinst", "nesttableprops", "ud"})
_CHARACTERS = {"tab": "\t", "line": "\n", "emdash": "\u2014", "endash": "\u2013", "bullet": "\u2022",
               "lquote": "\u2018", "rquote": "\u2019", "ldblquote": "\u201c", "rdblquote": "\u201d",
               "emspace": "\u2003", "enspace": "\u2002", "qmspace": "\u2005", "lbr": "\n"}
_SYMBOLS = {"~": "\u00a0", "_": "-", "\\": "\\", "{": "{", "}": "}", "\t": "\t"}
_BREAKS = frozenset({"par", "sect", "page", "column"})


class _Reader:
    """The blocks of one file, read token by token into a `BlockText`."""

    def __init__(self) -> None:
        self.text = BlockText()
        self.styles = Styles()
        self.state = State()
        self.stack: list[State] = []
        self.overflow = 0  # groups opened past DEPTH_MAX, not kept
        self.codec = "cp1252"
        self.fonts = Fonts()
        self.default_font: int | None = None
        self.star = False  # a \* before the control word now read: an ignorable destination
        self.characters = Characters()  # a \uN's fallback characters to skip, \'hh bytes not decoded yet
        self.high: int | None = None  # a \uN high surrogate waiting for its low one
        self.paragraph = Paragraph()
        self.notes: list[tuple[Paragraph, list[str]]] = []  # the paragraphs a note being read interrupted
        self.note_lines: list[str] = []  # the lines of the note being read
        self.cited: list[str] = []  # the lines of the notes the paragraph being read cites, for after it
        self.cited_in_table: list[str] = []  # and those its table's cells cite, for after the table
        self.cells: list[tuple[list[str], list[str]]] = []  # by table level: its row's cells, its cell's paragraphs
        self.table_open = False  # a row of the body's table was added, and no paragraph outside it since
        self.parts: dict[str, list[str]] = {"title": [], "style": [], "instruction": []}
        self.title: str | None = None
        self.style = Style()
        self.style_number = 0
        self.changes: list[str] = []

    def read(self, source: str) -> Parsed:
        for kind, value, number in tokens(source):
            if kind == BYTE:
                self.characters.byte(value)
                continue
            if kind == TEXT:
                self._emit(self.characters.text(value, self._codec))
                continue
            self._emit(self.characters.flush(self._codec))
            if kind == WORD:
                if not self.characters.skipped():
                    self._word(value, number)
            elif kind == SYMBOL:
                if not self.characters.skipped():
                    self._symbol(value)
            elif kind == OPEN:  # a \* marks the control word right after it, never one in another group
                self.characters.fallback, self.star = 0, False
                self._open()
            elif not self._close():  # the document's group closed: what follows is no part of it
                break
        else:
            self._emit(self.characters.flush(self._codec))
            if self.stack:
                left = len(self.stack)
                self.changes.append(f"the file ends inside {left:,} group{'s' if left > 1 else ''} left open (cut "
                                    "short?): read to its end")
        while self.notes:  # a note the file ends in (cut short): read as closed there
            self._end_note()
        self._end_paragraph()
        self._close_table()
        for line in self.cited:
            self.text.add(line)
        return replace(self.text.parsed(self.title or None), changes=self.changes)

    def _codec(self) -> str:
        font = self.state.font if self.state.font is not None else self.default_font
        return self.fonts.codec(font, self.codec)

    def _emit(self, text: str) -> None:
        state = self.state
        if state.skip or state.deleted or state.hidden or not text:
            return
        if state.sink is None:
            self.paragraph.add(text, state)
        elif state.sink == "label":
            self.paragraph.label.append(text)
        elif state.sink in self.parts:
            self.parts[state.sink].append(text)
        # the font table's, the stylesheet's and the information's other text is not the document's

    def _open(self) -> None:
        if len(self.stack) >= DEPTH_MAX:
            if not self.overflow:
                self.changes.append(f"groups nested deeper than {DEPTH_MAX} read as part of the one around them")
            self.overflow += 1
            return
        parent = self.state
        self.stack.append(parent)
        self.state = parent.child()
        if parent.opened == "upr":  # its first group: the text in ANSI, which its \*\ud group gives again
            parent.opened, self.state.skip = "upr read", True
        if parent.sink == "stylesheet" and not parent.skip:  # a style's group: its number, level, name
            self.state.sink, self.state.opened = "style", "style"
            self.style, self.style_number, self.parts["style"] = Style(), 0, []

    def _close(self) -> bool:
        """Close a group; False once the document's own group is closed."""
        self.characters.fallback, self.star = 0, False
        if self.overflow:
            self.overflow -= 1
            return True
        if not self.stack:
            return False
        closed, self.state = self.state, self.stack.pop()
        if closed.opened == "style" and not closed.skip:  # not a character or table style ({\*\cs1 ...})
            self.style.name = style_names("".join(self.parts["style"]))
            self.styles.styles[self.style_number] = self.style
        elif closed.opened == "title":
            self.title = " ".join("".join(self.parts["title"]).split()) or self.title
        elif closed.opened == "instruction":
            self.state.instruction = " ".join("".join(self.parts["instruction"]).split())
        elif closed.opened == "footnote":
            self._end_note()
        return bool(self.stack)

    def _word(self, name: str, number: int | None) -> None:
        state = self.state
        star, self.star = self.star, False
        if state.skip:
            return
        if (star and name not in _READ_STARRED) or name in _SKIPPED:
            state.skip = True
        elif state.sink == "fonts":
            self.fonts.word(name, number)
        elif state.sink == "style":
            self._style_word(name, number)
        elif name in _BREAKS:
            if state.sink is None:
                self._end_paragraph()
        elif name in _CHARACTERS:
            self._emit(_CHARACTERS[name])
        elif name == "u" and number is not None:
            self._unicode(number)
        elif name in PROPERTIES:
            PROPERTIES[name](state, number)
        elif name in ("cell", "nestcell"):
            self._end_cell(max(state.depth(), 2) if name == "nestcell" else 1)
        elif name in ("row", "nestrow"):
            self._end_row(max(state.depth(), 2) if name == "nestrow" else 1)
        else:
            self._destination(name, number)

    def _destination(self, name: str, number: int | None) -> None:
        state = self.state
        if name in ("fonttbl", "stylesheet", "info"):
            state.sink = {"fonttbl": "fonts"}.get(name, name)
        elif name == "title" and state.sink == "info":
            state.sink = state.opened = "title"
            self.parts["title"] = []
        elif name == "fldinst":
            state.sink = state.opened = "instruction"
            self.parts["instruction"] = []
        elif name == "fldrslt" and state.instruction.upper().startswith("TOC"):
            state.skip = True  # a table of contents: the headings again, with page numbers
        elif name == "field":
            state.instruction = ""
        elif name in ("listtext", "pntext"):  # a writer may give both, the same label
            state.sink, state.skip = "label", bool(self.paragraph.label)
        elif name == "upr":
            state.opened = "upr"
        elif name == "footnote" and state.opened != "footnote":  # once a group, or it would never end
            state.opened, state.sink = "footnote", None
            self.notes.append((self.paragraph, self.note_lines))
            self.paragraph, self.note_lines = Paragraph(), []
        elif name in CHARACTER_SETS:
            self.codec = CHARACTER_SETS[name]
        elif name == "ansicpg":
            self.codec = code_page(number) or self.codec
        elif name == "deff":
            self.default_font = number
        # any other control word: a property that does not change the text, or one this reader does not know

    def _style_word(self, name: str, number: int | None) -> None:
        if name == "s" and number is not None:
            self.style_number = number
        elif name == "outlinelevel":
            self.style.outline = number
        elif name == "sbasedon":
            self.style.based_on = number

    def _symbol(self, symbol: str) -> None:
        if symbol == "*":
            self.star = True
        elif symbol in ("\n", "\r"):
            if not self.state.skip and self.state.sink is None:
                self._end_paragraph()
        elif symbol in _SYMBOLS:
            self._emit(_SYMBOLS[symbol])
        # \- an optional hyphen, \: an index's subentry, \| a formula's: nothing shown

    def _unicode(self, number: int) -> None:
        code = number + 65536 if -32768 <= number < 0 else number  # above 32767 written as negative
        self.characters.fallback = self.state.uc
        if 0xD800 <= code < 0xDC00:
            self.high = code
            return
        if 0xDC00 <= code < 0xE000:
            char = chr(0x10000 + ((self.high - 0xD800) << 10) + code - 0xDC00) if self.high is not None else "\ufffd"
        else:
            char = chr(code) if 0 <= code < 0x110000 else "\ufffd"
        self.high = None
        self._emit(char)

    def _take(self) -> tuple[Paragraph, str, str]:
        """The paragraph read so far, its label and its text; a new one begins."""
        paragraph, self.paragraph = self.paragraph, Paragraph()
        return (paragraph, *paragraph.shown())

    def _end_paragraph(self) -> None:
        paragraph, label, body = self._take()
        line = f"{label} {body.lstrip()}" if label and body.strip() else body
        if self.notes:
            if line.strip():
                self.note_lines.append(line.strip())
            return
        state = self.state
        if (depth := state.depth()) > 0:
            self._cell_text(depth, line)
            return
        self._close_table()
        kind, level = self.styles.kind(state.style, state.outline)
        if kind != "contents":
            aside, kind = kind == "aside", None if kind == "aside" else kind
            if label and body.strip():
                self.text.add(line, kind, level, item=True)
            else:
                self.text.add(body, kind, level, font=paragraph.font if kind is None and not aside else None)
        for note in self.cited:
            self.text.add(note)
        self.cited = []

    def _end_note(self) -> None:
        _, label, body = self._take()
        line = f"{label} {body.lstrip()}" if label and body.strip() else body
        lines = [*self.note_lines, line.strip()] if line.strip() else self.note_lines
        self.paragraph, self.note_lines = self.notes.pop()
        if self.notes:
            self.note_lines.extend(lines)
        else:  # cited by the paragraph being read: after it, or after its table
            (self.cited_in_table if self.state.depth() else self.cited).extend(lines)

    def _level(self, depth: int) -> tuple[list[str], list[str]]:
        while len(self.cells) < depth:
            self.cells.append(([], []))
        return self.cells[depth - 1]

    def _cell_text(self, depth: int, text: str) -> None:
        if text.strip():
            self._level(depth)[1].append(" ".join(text.split()))

    def _end_cell(self, depth: int) -> None:
        _, label, body = self._take()
        self._cell_text(depth, f"{label} {body.lstrip()}" if label and body.strip() else body)
        cells, paragraphs = self._level(depth)
        if paragraphs:
            cells.append(" ".join(paragraphs))
            paragraphs.clear()

    def _end_row(self, depth: int) -> None:
        if self.paragraph.pieces or self._level(depth)[1]:  # text after the row's last \cell: a cell of its own
            self._end_cell(depth)
        cells = self._level(depth)[0]
        row = CELL_SEPARATOR.join(cells)
        cells.clear()
        if depth > 1:  # a nested table's row: a paragraph of the cell it stands in
            self._cell_text(depth - 1, row)
        elif row.strip():
            self.text.add(row, item=True, opens_table=not self.table_open)
            self.table_open = True

    def _close_table(self) -> None:
        """End the table being read, if any: a row left without its \\row is one still, and the notes its cells
        cite come after it."""
        for depth in range(len(self.cells), 0, -1):
            cells, paragraphs = self.cells[depth - 1]
            if cells or paragraphs:
                self._end_row(depth)
        self.cells = []
        self.table_open = False
        for note in self.cited_in_table:
            self.text.add(note)
        self.cited_in_table = []


def parse_rtf(data: bytes) -> Parsed:
    """An .rtf's text, heading sections and title. Raises `ValueError` for a file that is no RTF."""
    start = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not start.startswith(b"{\\rtf"):
        if data.startswith(b"PK\x03\x04"):
            raise ValueError(f"{NOT_RTF} (a zip archive: a .docx or an .odt named .rtf? rename it)")
        if data.startswith(OLE_SIGNATURE):
            raise ValueError(f"{NOT_RTF} (a Word .doc named .rtf? rename it .doc)")
        raise ValueError(NOT_RTF)
    # read from the "{": a byte order mark or white space before it is no text of the document
    return _Reader().read(str(memoryview(data)[min(len(data), 64) - len(start):], "latin-1"))


__all__ = ["DEPTH_MAX", "NOT_RTF", "parse_rtf"]
