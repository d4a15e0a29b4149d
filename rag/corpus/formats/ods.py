"""Read an OpenDocument spreadsheet (.ods: LibreOffice Calc's, OpenOffice's, many administrations' format): each visible
sheet's cells as the application shows them, its rows read as a CSV export of it is (`rag.corpus.formats.sheets`: an
FAQ sheet gives one section per row), as `rag.corpus.formats.xlsx` reads Excel's.

An .ods is a zip archive of XML parts, content.xml holding the sheets (office:spreadsheet's table:table, in order, each
named by table:name). A sheet is hidden when its table style says `table:display="false"`: left out and reported,
whether the style is one of content.xml's automatic styles (before its body, as OpenDocument orders them, or after it)
or a common style of styles.xml (a sheet whose style is known only once it is read counts its cells still). A
cell (table:table-cell) is the text its paragraphs (text:p) show, one a line, as the application wrote it: a number,
a date or a currency in the format the sheet shows them ("12,50 €", "15/01/2025"), spans and links included,
text:s its spaces, text:tab a tab, text:line-break a line break; a comment (office:annotation) and a note are left
out. A cell that holds no paragraph (a writer that leaves its shown text out) is its value (office:value,
office:date-value, office:boolean-value, office:string-value, as written). Repeated rows and cells
(table:number-rows-repeated, table:number-columns-repeated: how empty runs, and runs of the same value, are written)
count as many rows and cells; at most `CELLS_MAX` cells with text in all the workbook's sheets
(`rag.corpus.formats.sheets.Budget`), so that a few bytes repeating a cell a million times are refused, not expanded;
content.xml is read as it inflates, each cell dropped once read (`rag.corpus.formats.archive.xml_events`). A
merged cell holds the value, the cells it covers (table:covered-table-cell) are empty, as in Calc's CSV export; the
columns it spans (table:number-columns-spanned) tell a note merged across the table from a column's value. The
title is meta.xml's dc:title, else a one-cell row over an FAQ sheet's header.

A flat .fods (one XML document, office:document, holding office:meta, office:styles, office:automatic-styles and
office:body: what an .ods's meta.xml, styles.xml and content.xml hold) is read as an .ods, its document as content.xml
is (`parse_fods`), its common styles and its title from its own office:styles and office:meta.

A file that cannot be read raises `ValueError` with what to do about it, as an .odt does (`rag.corpus.formats.odt`):
encrypted, not a zip or damaged, a zip bomb, another OpenDocument file named .ods, XML declaring entities.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from xml.etree import ElementTree
from xml.etree.ElementTree import Element

from rag.corpus.formats.archive import dc_title, not_a_zip, read_archive, xml_events, xml_part
from rag.corpus.formats.base import Parsed
from rag.corpus.formats.opendocument import check_package, encrypted, no_body, no_content, repeated
from rag.corpus.formats.opendocument_flat import PART, check_root, flat_events, read_flat
from rag.corpus.formats.sheets import CELLS_MAX, Budget, Sheet, parse_sheets

NOT_A_ZIP = not_a_zip(".ods")
ENCRYPTED = encrypted(".ods")
NO_CONTENT = no_content(".ods")
_ROWS_MAX = 1_048_576  # Calc's last row
_SPACES_MAX = 1000  # spaces one text:s stands for, at most

_ODF = "urn:oasis:names:tc:opendocument:xmlns:"
_OFFICE, _TEXT, _TABLE, _STYLE = (f"{{{_ODF}{name}:1.0}}" for name in ("office", "text", "table", "style"))
_ROW, _CELL, _COVERED = f"{_TABLE}table-row", f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"
_ROW_GROUPS = {f"{_TABLE}{tag}" for tag in ("table-header-rows", "table-rows", "table-row-group")}
_NOT_TEXT = {f"{_OFFICE}annotation", f"{_TEXT}note", f"{_TEXT}ruby-text"}
_VALUES = tuple(f"{_OFFICE}{name}" for name in ("string-value", "date-value", "time-value", "boolean-value", "value"))
_ITEMS = {"table-cell", "covered-table-cell", "style"}  # what `xml_events` reads whole: a cell, a style

def _paragraph(element: ElementTree.Element) -> str:
    """A paragraph's text as written in it: text:s its spaces, text:tab a tab, text:line-break a line break."""
    pieces = [element.text or ""]
    for child in element:
        if child.tag == f"{_TEXT}s":
            count = child.get(f"{_TEXT}c") or "1"
            pieces.append(" " * (min(int(count), _SPACES_MAX) if count.isdecimal() else 1))
        elif child.tag == f"{_TEXT}tab":
            pieces.append("\t")
        elif child.tag == f"{_TEXT}line-break":
            pieces.append("\n")
        elif child.tag not in _NOT_TEXT:
            pieces.append(_paragraph(child))
        pieces.append(child.tail or "")
    return "".join(pieces)


def _cell(cell: ElementTree.Element) -> str:
    """A cell's text as shown, its paragraphs one a line; without any, its value as written."""
    paragraphs = [_paragraph(p) for p in cell if p.tag in (f"{_TEXT}p", f"{_TEXT}h")]
    if paragraphs:
        return "\n".join(paragraphs)
    return next((value for name in _VALUES if (value := cell.get(name))), "")


class _Content:
    """content.xml's sheets, read as the part inflates (`xml_events`: a cell, or a style, read whole at a time), the
    budget spent as each cell with text comes: its automatic styles (those hiding a sheet, `table:display="false"`:
    a table whose style is one already met is left unread), each table of office:body's office:spreadsheet, its rows
    (within row groups too) and their cells."""

    def __init__(self) -> None:
        self.budget, self.hiding = Budget(), set[str]()
        self.tables: list[tuple[str, str | None, Sheet | None]] = []  # name, style, cells (None: known hidden)
        self.root: Element | None = None
        self.styles: Element | None = None  # office:automatic-styles
        self.common: Element | None = None  # office:styles: a flat .fods's, where styles.xml's are in .ods
        self.body: Element | None = None
        self.first: Element | None = None  # the body's first element: office:spreadsheet, else another kind's
        self.spreadsheet: Element | None = None
        self.table: Element | None = None
        self.row: Element | None = None
        self.sheet: Sheet | None = None
        self.number = self.repeat = self.column = 0  # the row's number (its last, repeated), its repeats, its cell's
        self.values: list[tuple[int, int, str, int]] = []  # the row's cells with text: column, repeats, text, span

    def start(self, element: Element, parent: Element | None) -> None:
        tag = element.tag
        if self.root is None:
            self.root = element
        elif parent is self.root:
            if tag == f"{_OFFICE}automatic-styles" and self.styles is None:
                self.styles = element
            elif tag == f"{_OFFICE}styles" and self.common is None:
                self.common = element
            elif tag == f"{_OFFICE}body" and self.body is None:
                self.body = element
        elif parent is self.body is not None:
            self.first = self.first if self.first is not None else element
            if tag == f"{_OFFICE}spreadsheet" and self.spreadsheet is None:
                self.spreadsheet = element
        elif tag == f"{_TABLE}table" and parent is self.spreadsheet is not None:
            name, style = element.get(f"{_TABLE}name") or "", element.get(f"{_TABLE}style-name")
            if style in self.hiding:
                self.tables.append((name, style, None))
            else:
                self.table, self.sheet, self.number = element, Sheet(name), 0
                self.tables.append((name, style, self.sheet))
        elif tag == _ROW and self.sheet is not None and parent is not None and (
                parent is self.table or parent.tag in _ROW_GROUPS):
            self.row, self.values, self.column = element, [], 0
            self.repeat = repeated(element, "number-rows-repeated", _ROWS_MAX)

    def end(self, element: Element, parent: Element | None) -> None:
        if element.tag in (_CELL, _COVERED) and parent is self.row is not None:
            repeat = repeated(element, "number-columns-repeated", _ROWS_MAX)
            if element.tag == _CELL and (value := _cell(element)).strip():
                self.budget.spend(self.repeat * repeat)
                across = repeated(element, "number-columns-spanned", _ROWS_MAX)
                self.values.append((self.column, repeat, value, across))
            self.column += repeat
        elif element is self.row and self.sheet is not None:
            for n in range(self.repeat if self.values else 0):
                for first, repeat, value, across in self.values:
                    for k in range(repeat):
                        self.sheet.put(self.number + n + 1, first + k + 1, value)
                        self.sheet.merge(self.number + n + 1, first + k + 1, across)
            self.number, self.row = min(self.number + self.repeat, _ROWS_MAX), None
        elif element is self.table and self.sheet is not None:
            self.table = self.sheet = None
        elif parent is not None and (parent is self.styles or parent is self.common) and _hides(element):
            self.hiding.add(element.get(f"{_STYLE}name") or "")

    def split(self) -> tuple[list[Sheet], list[str]]:
        """The visible sheets, and the names of the hidden ones, in order, by the styles that hide one (`hiding`)
        once all are known."""
        hidden = [name for name, style, sheet in self.tables if sheet is None or style in self.hiding]
        return [sheet for _, style, sheet in self.tables if sheet is not None and style not in self.hiding], hidden


def _hides(style: Element) -> bool:
    """Whether a style is a table's that hides its sheet (`table:display="false"`)."""
    properties = style.find(f"{_STYLE}table-properties") if style.tag == f"{_STYLE}style" else None
    return properties is not None and properties.get(f"{_TABLE}display") == "false"


def _common_hiding(archive: zipfile.ZipFile) -> set[str]:
    """The names of styles.xml's common styles (office:styles) that hide a sheet, read as the part inflates."""
    root, common, found = None, None, set()
    for event, element, parent in xml_events(archive, "styles.xml", ".ods", {"style"}):
        if root is None:
            root = element
        elif event == "start" and parent is root and element.tag == f"{_OFFICE}styles" and common is None:
            common = element
        elif event == "end" and parent is common is not None and _hides(element):
            found.add(element.get(f"{_STYLE}name") or "")
    return found


def _sheets(events: Iterator[tuple[str, Element, Element | None]], kind: str,
            archive: zipfile.ZipFile | None = None) -> Parsed:
    """The sheets of an .ods's content.xml, read as it inflates (`events`), its common styles those of its styles.xml
    and its title meta.xml's; or of a .fods (`archive` None) as it is parsed, its common styles those of its own
    office:styles and its title its office:meta's."""
    content, meta = _Content(), None
    for event, element, parent in events:
        if event == "end" and parent is content.root is not None and element.tag == f"{_OFFICE}meta":
            meta = element
        else:
            (content.start if event == "start" else content.end)(element, parent)
            if archive is None and content.root is element:
                check_root(element, "spreadsheet", kind)  # as it opens: a part saved alone is not read through
    if content.spreadsheet is None:
        raise no_body(content.first, "spreadsheet", kind, PART if archive is None else "content.xml")
    names = set() if archive is None else set(archive.namelist())
    if archive is not None and "styles.xml" in names:
        content.hiding |= _common_hiding(archive)
    if archive is not None and "meta.xml" in names:
        meta = xml_part(archive, "meta.xml", kind).find(f"{_OFFICE}meta")
    sheets, hidden = content.split()
    return parse_sheets(sheets, kind, dc_title(meta), hidden)


def _parse(archive: zipfile.ZipFile) -> Parsed:
    check_package(archive, set(archive.namelist()), "spreadsheet", ".ods")
    return _sheets(xml_events(archive, "content.xml", ".ods", _ITEMS | {"meta"}), ".ods", archive)


def parse_fods(data: bytes) -> Parsed:
    """A flat OpenDocument spreadsheet (.fods: LibreOffice's "Flat XML ODF Spreadsheet", one XML document whose root,
    office:document, holds what an .ods's content.xml, styles.xml and meta.xml hold) read as an .ods is, its document
    as it is parsed (`rag.corpus.formats.opendocument_flat`). Raises `ValueError` when it cannot be read."""
    return read_flat(data, "spreadsheet", ".fods",
                     lambda: _sheets(flat_events(data, ".fods", _ITEMS | {"meta"}), ".fods"))


def parse_ods(data: bytes) -> Parsed:
    """An .ods's visible sheets as sections, the text they are cited in, and its title. Raises `ValueError` when it
    cannot be read."""
    return read_archive(data, ".ods", _parse)


__all__ = ["CELLS_MAX", "ENCRYPTED", "NOT_A_ZIP", "NO_CONTENT", "parse_fods", "parse_ods"]
