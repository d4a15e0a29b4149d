"""Read an old binary Word document (.doc, .dot: Word 97 to 2003, "MS Word 97"): one text whose offsets citations
index, and its headings as sections, as `rag.corpus.formats.docx` reads a .docx.

The file is an OLE compound file (`rag.corpus.formats.ole`); its WordDocument stream holds the FIB and the
characters, its table stream (0Table or 1Table) the piece table, the stylesheet and the paragraphs' properties
([MS-DOC]: `rag.corpus.formats.doc_pieces`, `rag.corpus.formats.doc_styles`). The text is the main document's
(ccpText characters: not the headers, footers, comments nor text boxes), one block per line (a block followed by
"\\n"):
- a paragraph (ended by its mark, \\r, or a page or section break, \\x0c): its characters, a line break (\\x0b) a
  "\\n" (such a paragraph spans several lines), a non-breaking hyphen "-", a soft hyphen nothing, a picture's or a
  drawing's anchor (\\x01, \\x08) nothing;
- a table (paragraphs in a table, each cell ended by \\x07, a row by a \\x07 marked as the row's end): one line per
  row, its cells joined by " | " (a cell: its paragraphs joined by a space; empty cells left out);
- a footnote: its paragraphs, as lines after the paragraph (or the table) that cites it;
- a field (a hyperlink, a date, a page reference: \\x13 instruction \\x14 result \\x15, nested or not): its result as
  shown, never its instruction; a table of contents (a TOC field, paragraphs in the TOC styles) is left out.
Sections: a paragraph in a heading style (Heading 1 to 9 or Title by the style's built-in identifier, whatever its
name in the user's language; a style of the user's by name, outline level or the style it is based on), or with
an outline level of its own, opens a section named by its text. In a document with none, a paragraph all in bold
that reads as a heading and heads text set apart from it opens one, its level from its size, by the rule a .docx's
and an .odt's bold lines follow (`rag.corpus.formats.blocks`): its runs' own bold and size (sprmCFBold, sprmCHps),
else their character style's and their paragraph style's (bold a toggle, as Word takes it: a bold character style
in a bold paragraph style is not bold), else Word's 10 pt; a list's item (sprmPIlfo, its own or its style's) and a
table's cell head nothing. A list's paragraph is read after the number or bullet Word shows before it ("1.", "a)",
"•": `rag.corpus.formats.doc_lists`), a list item as a .docx's is, in a table's cell too. The title is the summary
information's, else the first paragraph in the Title style, else a first bold heading larger than all others.

Refused with a reason: an encrypted .doc, a Word 6 or 95 file, and a damaged one. A file named .doc that is not
one, as Word itself writes when asked ("Save as" RTF or Web page under a .doc name) or a .docx renamed, is read
as what it is. The main document's text deleted with changes tracked is left out, as once the changes are accepted,
and so is its hidden text, which Word neither shows nor prints, hidden by its own properties or by its paragraph's
or character style (a toggle, as bold is; a hidden paragraph, cell or field mark still parts what it parts); a
footnote's are read still (`rag.corpus.formats.doc_characters`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from rag.corpus.encoding import decode_text
from rag.corpus.formats.archive import OLE_SIGNATURE, damaged
from rag.corpus.formats.base import CELL_SEPARATOR, Parsed
from rag.corpus.formats.blocks import BlockText, Font, Measure
from rag.corpus.formats.doc_characters import PLCFBTECHPX, Look, Looks, read_looks
from rag.corpus.formats.doc_lists import PLFLFO, PLFLST, Lists
from rag.corpus.formats.doc_pieces import (
    CLX,
    PLCFBTEPAPX,
    PLCFFNDREF,
    PLCFFNDTXT,
    STSHF,
    WORD_97,
    Fib,
    Pieces,
    read_fib,
    stretch,
    u32,
)
from rag.corpus.formats.doc_styles import Paragraphs, Properties, Styled, Styles
from rag.corpus.formats.docx import parse_docx
from rag.corpus.formats.html import parse_html
from rag.corpus.formats.ole import Compound, OleError
from rag.corpus.formats.ole_summary import summary_title
from rag.corpus.formats.rtf import parse_rtf

ENCRYPTED = "encrypted Word .doc: remove its password first"
OLD_VERSION = "Word 6 or Word 95 document: open it in Word or LibreOffice and save it as .docx"
NOT_WORD = "not a Word document"
# Characters of the text that end a paragraph, end a cell, open, separate and close a field, cite a footnote
_PARAGRAPH_END, _CELL, _NOTE = "\r\x0c\x0e", "\x07", "\x02"  # \x0e: a column break
_END = re.compile("[\r\x0c\x0e\x07]")  # a paragraph's mark, or a cell's
_FIELD_OPEN, _FIELD_RESULT, _FIELD_CLOSE = "\x13", "\x14", "\x15"
_SHOWN = {"\x0b": "\n", "\t": "\t", "\x1e": "-"}  # every other control character (an anchor, a soft hyphen) is none
_CONTROL = re.compile(r"(\x00+|[\x01-\x1f])")  # \x00: a character deleted with changes tracked, or none
# OLE streams of Office's other files, and what a file holding one is
_OTHERS = {"EncryptedPackage": "an encrypted Office file (.docx?): remove its password first",
           "Workbook": "an Excel workbook named .doc; rename it .xls", "Book": "an Excel workbook named .doc; rename "
           "it .xls", "PowerPoint Document": "a PowerPoint presentation named .doc; rename it .ppt"}
# The stretches of a paragraph each set otherwise kept to measure its font, at most: a heading typed as a bold line
# is set in one look or a few; a paragraph of thousands of runs each of its own look kept them all
_STRETCHES = 32
_INSTRUCTION_KEPT = 16  # characters of a field's instruction kept: enough to tell a table of contents
# What an open field is at: its result, shown; its instruction, hidden; a table of contents, hidden to its end; its
# instruction after a field nested in it opened, hidden (told no table of contents by what came before the nested one)
_RESULT, _INSTRUCTION, _TOC, _NESTING = 0, 1, 2, 3
T = TypeVar("T")


class _Reader:
    """The blocks of a document's main text, read character run by character run into a `BlockText`."""

    def __init__(self, styles: Styles, paragraphs: Paragraphs, pieces: Pieces, notes: dict[int, list[str]],
                 looks: Looks | None = None, lists: Lists | None = None) -> None:
        self.text = BlockText()
        self.styles, self.paragraphs, self.pieces, self.notes = styles, paragraphs, pieces, notes
        self.looks, self.lists = looks or Looks([]), lists or Lists(b"", (0, 0), (0, 0))
        self.fields = bytearray()  # what each open field is at, the innermost last: a byte a field, however deep
        self.hidden = 0  # fields on `fields` that hide what is read now
        self.instruction = ""  # the first characters of the innermost field's instruction, while it is read
        self.source = ""  # the text read
        self.paragraph: list[str] = []
        self.styled: Styled | None = None  # how the paragraph's style sets its text, once its first run asks
        # the paragraph's text shown, the first stretch of each of its properties (with text, not only spaces): all a
        # paragraph's font is measured by (`Measure`), a few stretches however many runs it holds (`_STRETCHES`)
        self.stretches: list[tuple[str, Look]] = []
        self.measured: set[Look] = set()
        self.cell: list[str] = []  # the paragraphs of the cell being read
        self.row: list[str] = []  # the cells of the row being read
        self.table_open = False
        self.cited: list[str] = []  # the lines of the notes cited by the paragraph being read
        self.cited_in_table: list[str] = []  # and those its table's cells cite, for after the table
        self.last_cell = False  # the last mark read was a cell's: a cell mark right after one ends the row

    def read(self, text: str) -> None:
        cp, self.source = 0, text
        for part in _CONTROL.split(text):  # linear: each character is looked at once
            if part[:1] < " " and part:
                self._control(part[0], cp)
            elif part:
                if not self.hidden:
                    self._shown(part, cp)
                elif self.fields and self.fields[-1] == _INSTRUCTION and len(self.instruction) < _INSTRUCTION_KEPT:
                    self.instruction = (self.instruction + part[:_INSTRUCTION_KEPT])[:_INSTRUCTION_KEPT]
            cp += len(part)
        self._end_paragraph(None)
        self._close_table()

    def _control(self, char: str, cp: int) -> None:
        if char in _PARAGRAPH_END:
            self._end_paragraph(self.paragraphs.at(self.pieces.fc(cp)))
        elif char == _CELL:
            self._end_cell(self.paragraphs.at(self.pieces.fc(cp)))
        elif char == _FIELD_OPEN:
            if self.fields and self.fields[-1] == _INSTRUCTION:  # only the innermost instruction is kept: tell now
                self.fields[-1] = _TOC if self._toc() else _NESTING
            self.fields.append(_INSTRUCTION)
            self.instruction = ""
            self.hidden += 1
        elif char == _FIELD_RESULT and self.fields and self.fields[-1] in (_INSTRUCTION, _NESTING):
            if self.fields[-1] == _INSTRUCTION and self._toc():  # a table of contents stays hidden
                self.fields[-1] = _TOC
            else:
                self.fields[-1], self.hidden = _RESULT, self.hidden - 1
        elif char == _FIELD_CLOSE and self.fields:
            self.hidden -= self.fields.pop() != _RESULT
        elif char == _NOTE and cp in self.notes:
            self.cited.extend(self.notes.pop(cp))
        elif char in _SHOWN and not self.hidden and not self._hides(self.looks.at(cp), cp):
            self.paragraph.append(_SHOWN[char])

    def _shown(self, part: str, cp: int) -> None:
        """Characters of the text out of a field's instruction, from position `cp`: those not hidden are shown."""
        for start, end, look in self.looks.along(cp, cp + len(part)):
            if not self._hides(look, start):
                shown = part[start - cp:end - cp]
                self.paragraph.append(shown)
                if len(self.stretches) < _STRETCHES and look not in self.measured and shown.strip():
                    self.measured.add(look)
                    self.stretches.append((shown, look))

    def _hides(self, look: Look, cp: int) -> bool:
        """Whether the characters of `look` from position `cp` are hidden, by their own properties or their styles':
        their paragraph's is found, at its first run, by the mark that ends it (the next one: each paragraph's
        characters are searched once)."""
        if self.styled is None:
            end = _END.search(self.source, cp)
            properties = self.paragraphs.at(self.pieces.fc(end.start())) if end else None
            self.styled = self.styles.set_in(properties.istd if properties else 0)
        return look.hides(self.styled, self.styles.set_in(look.style))

    def _toc(self) -> bool:
        """Whether the innermost field's instruction, read so far, is a table of contents'."""
        return self.instruction.lstrip().upper().startswith("TOC")

    def _take(self) -> str:
        line, self.paragraph, self.stretches, self.measured = "".join(self.paragraph), [], [], set()
        self.styled = None
        return line

    def _font(self, properties: Properties | None, stretches: list[tuple[str, Look]]) -> Font | None:
        """How a paragraph of `properties` showing `stretches` is set, as `Font` says (None: it shows no text)."""
        measure, paragraph = Measure(), self.styles.set_in(properties.istd if properties else 0)
        for shown, look in stretches:
            measure.saw(shown, look.font(paragraph, self.styles.set_in(look.style), shown))
        return measure.font

    def _end_paragraph(self, properties: Properties | None) -> None:
        shown, line = self.stretches, self._take()
        self.last_cell = False
        if properties is not None and properties.in_table:  # a paragraph of a cell, not its last
            self._cell_paragraph(line, properties)
            self.cited_in_table.extend(self.cited)
            self.cited = []
            return
        self._close_table()
        kind, level = self.styles.kind(properties.istd, properties.outline) if properties else (None, 0)
        listed = self.styles.listed(properties) if properties is not None else None
        label = self.lists.label(*listed) if kind != "contents" and listed else None  # an empty item counts too
        if label and line.strip():
            self.text.add(f"{label} {line.lstrip()}", None if kind == "aside" else kind, level, item=True)
        elif kind != "contents":  # a list's item without a label is no bold line either
            font = self._font(properties, shown) if kind is None and not listed and self.text.measures(line) else None
            self.text.add(line, None if kind == "aside" else kind, level, font=font)
        for note in self.cited:
            self.text.add(note)
        self.cited = []

    def _end_cell(self, properties: Properties | None) -> None:
        line = self._take()
        self.cited_in_table.extend(self.cited)
        self.cited = []
        row_end = properties.row_end if properties is not None else self.last_cell and not line.strip()
        if row_end:
            if self.cell:  # text after the row's last cell mark: a cell of its own
                self.row.append(" ".join(self.cell))
            row, self.row, self.cell = CELL_SEPARATOR.join(self.row), [], []
            if row.strip():
                self.text.add(row, item=True, opens_table=not self.table_open)
                self.table_open = True
            self.last_cell = False
            return
        self._cell_paragraph(line, properties)
        if self.cell:
            self.row.append(" ".join(self.cell))
        self.cell, self.last_cell = [], True

    def _cell_paragraph(self, line: str, properties: Properties | None) -> None:
        """A paragraph of a cell, of `properties`: its text, after its number or bullet if it is a list's (counted
        as outside a table, an empty item too, so that a list going on after the table goes on from the cell's)."""
        listed = self.styles.listed(properties) if properties is not None else None
        label = self.lists.label(*listed) if listed else None
        if line.strip():
            self.cell.append(" ".join(f"{label} {line}".split() if label else line.split()))

    def _close_table(self) -> None:
        if self.row or self.cell:  # a row left without its end mark is one still
            self._end_cell(Properties(row_end=True))
        self.table_open = False
        for note in self.cited_in_table:  # a note cited in a cell: after the table
            self.text.add(note)
        self.cited_in_table = []


def _notes(word: bytes, table: bytes, fib: Fib, pieces: Pieces) -> dict[int, list[str]]:
    """The footnotes' lines, by the position of the mark that cites each in the main text."""
    if fib.ccp_ftn <= 0:
        return {}
    references, texts = stretch(table, *fib.where(PLCFFNDREF), "footnotes"), stretch(table, *fib.where(PLCFFNDTXT),
                                                                                   "footnotes' text")
    count = (len(references) - 4) // 6  # n + 1 positions, then n 2-byte FRDs
    if count <= 0 or len(texts) < 4 * (count + 1):
        return {}
    notes, read = {}, 0
    for n in range(count):
        start, end = u32(texts, 4 * n), u32(texts, 4 * n + 4)
        if not read <= start <= end <= fib.ccp_ftn:  # notes overlapping would read their text again and again
            continue
        read = end
        note = pieces.text(word, fib.ccp_text + start, fib.ccp_text + end)
        lines = [" ".join(_CONTROL.sub(lambda m: " " if m.group() in "\x0b\t" else "", line).split())
                 for line in re.split(r"[\r\x0c]", note)]
        notes[u32(references, 4 * n)] = [line for line in lines if line]
    return notes


def _not_ole(data: bytes) -> Parsed:
    """A file named .doc that is no OLE compound file: read as what it is, or refused saying what it is."""
    start = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith(b"{\\rtf"):  # Word's "Save as: Rich Text Format" keeps the name a user types
        return parse_rtf(data)
    if start.startswith(b"PK\x03\x04"):  # a .docx renamed: Word opens it all the same
        return parse_docx(data)
    if b"<html" in start.lower() or start.lower().startswith(b"<!doctype html"):  # Word's "Save as: Web Page"
        text, _ = decode_text(data, html=True)
        return replace(parse_html(text), text=text)
    raise ValueError(f"{NOT_WORD}: not an OLE compound file, as a Word .doc is (damaged, or of another format?)")


def parse_doc(data: bytes) -> Parsed:
    """A .doc's text, heading sections and title. Raises `ValueError` when it cannot be read."""
    if not data.startswith(OLE_SIGNATURE):
        return _not_ole(data)
    try:
        ole = Compound(data)
    except OleError as exc:
        raise ValueError(damaged(".doc", exc)) from exc
    if not ole.is_stream("WordDocument"):
        other = next((what for stream, what in _OTHERS.items() if ole.is_stream(stream)), None)
        raise ValueError(f"{NOT_WORD}: {other or 'an OLE compound file without a WordDocument stream'}")
    try:
        word = ole.stream("WordDocument") or b""
        fib = read_fib(word)
    except ValueError as exc:  # OleError among them: a chain that loops, a sector out of the file
        raise ValueError(damaged(".doc", exc)) from exc
    if fib.encrypted:
        raise ValueError(ENCRYPTED)
    if fib.nfib < WORD_97:
        raise ValueError(OLD_VERSION)
    try:
        table = ole.stream(fib.table)
        if table is None:
            raise ValueError(f"its table stream {fib.table} is missing")
        pieces = Pieces(stretch(table, *fib.where(CLX), "piece table"), len(word))
        text = pieces.text(word, 0, fib.ccp_text)
    except ValueError as exc:
        raise ValueError(damaged(".doc", exc)) from exc
    changes: list[str] = []
    looks = _optional(lambda: read_looks(word, stretch(table, *fib.where(PLCFBTECHPX), ""), pieces), Looks([]),
                      "characters' properties (deleted and hidden text, bold lines)", changes)
    text = looks.without_deleted(text)
    styles = _optional(lambda: Styles(stretch(table, *fib.where(STSHF), "")), Styles(b""), "stylesheet (headings)",
                       changes)
    paragraphs = _optional(lambda: Paragraphs(word, stretch(table, *fib.where(PLCFBTEPAPX), "")),
                           Paragraphs(word, b""), "paragraph properties (styles, tables)", changes)
    notes: dict[int, list[str]] = _optional(lambda: _notes(word, table, fib, pieces), {}, "footnotes", changes)
    lists = _optional(lambda: Lists(table, fib.where(PLFLST), fib.where(PLFLFO)), Lists(b"", (0, 0), (0, 0)),
                      "lists (their numbers)", changes)
    reader = _Reader(styles, paragraphs, pieces, notes, looks, lists)
    reader.read(text)
    return replace(reader.text.parsed(summary_title(ole)), changes=changes)


def _optional(read: Callable[[], T], instead: T, what: str, changes: list[str]) -> T:
    """What `read` reads of a part of the document its text does not need, or `instead` where the file is damaged
    there, saying so in `changes`."""
    try:
        return read()
    except ValueError:
        changes.append(f"its {what} could not be read (damaged): its text is read without")
        return instead


__all__ = ["ENCRYPTED", "NOT_WORD", "OLD_VERSION", "parse_doc"]
