"""Read an OpenDocument spreadsheet (.ods: LibreOffice Calc's, OpenOffice's, many administrations' format): each visible
sheet's cells as the application shows them, its rows read as a CSV export of it is (`rag.corpus.formats.sheets`: an
FAQ sheet gives one section per row), as `rag.corpus.formats.xlsx` reads Excel's.

An .ods is a zip archive of XML parts, content.xml holding the sheets (office:spreadsheet's table:table, in order, each
named by table:name). A sheet is hidden when its table style says `table:display="false"`: left out and reported. A
cell (table:table-cell) is the text its paragraphs (text:p) show, one a line, as the application wrote it: a number,
a date or a currency in the format the sheet shows them ("12,50 €", "15/01/2025"), spans and links included,
text:s its spaces, text:tab a tab, text:line-break a line break; a comment (office:annotation) and a note are left
out. A cell that holds no paragraph (a writer that leaves its shown text out) is its value (office:value,
office:date-value, office:boolean-value, office:string-value, as written). Repeated rows and cells
(table:number-rows-repeated, table:number-columns-repeated: how empty runs, and runs of the same value, are written)
count as many rows and cells; at most `CELLS_MAX` cells with text in all the workbook's sheets
(`rag.corpus.formats.sheets.Budget`), so that a few bytes repeating a cell a million times are refused, not expanded. A
merged cell holds the value, the cells it covers (table:covered-table-cell) are empty, as in Calc's CSV export. The
title is meta.xml's dc:title, else a one-cell row over an FAQ sheet's header.

A file that cannot be read raises `ValueError` with what to do about it, as an .odt does (`rag.corpus.formats.odt`):
encrypted, not a zip or damaged, a zip bomb, another OpenDocument file named .ods, XML declaring entities.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from xml.etree import ElementTree

from rag.corpus.formats.archive import dc_title, not_a_zip, read_archive, xml_part
from rag.corpus.formats.base import Parsed
from rag.corpus.formats.opendocument import check_package, encrypted, no_content, other_kind
from rag.corpus.formats.sheets import CELLS_MAX, Budget, Sheet, parse_sheets

NOT_A_ZIP = not_a_zip(".ods")
ENCRYPTED = encrypted(".ods")
NO_CONTENT = no_content(".ods")
FLAT = "flat OpenDocument .fods: save it as .ods"  # for `rag.corpus.files.CONVERT`: rag reads the zipped format
_ROWS_MAX = 1_048_576  # Calc's last row
_SPACES_MAX = 1000  # spaces one text:s stands for, at most

_ODF = "urn:oasis:names:tc:opendocument:xmlns:"
_OFFICE, _TEXT, _TABLE, _STYLE = (f"{{{_ODF}{name}:1.0}}" for name in ("office", "text", "table", "style"))
_ROW, _CELL, _COVERED = f"{_TABLE}table-row", f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"
_ROW_GROUPS = {f"{_TABLE}{tag}" for tag in ("table-header-rows", "table-rows", "table-row-group")}
_NOT_TEXT = {f"{_OFFICE}annotation", f"{_TEXT}note", f"{_TEXT}ruby-text"}
_VALUES = tuple(f"{_OFFICE}{name}" for name in ("string-value", "date-value", "time-value", "boolean-value", "value"))

def _count(element: ElementTree.Element, attribute: str) -> int:
    value = element.get(f"{_TABLE}{attribute}") or "1"
    return max(1, min(int(value), _ROWS_MAX)) if value.isdecimal() else 1


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


def _rows(table: ElementTree.Element) -> Iterator[ElementTree.Element]:
    for child in table:
        if child.tag == _ROW:
            yield child
        elif child.tag in _ROW_GROUPS:
            yield from _rows(child)


def _sheet(table: ElementTree.Element, budget: Budget) -> Sheet:
    sheet, row = Sheet(table.get(f"{_TABLE}name") or ""), 0
    for element in _rows(table):
        repeat_rows = _count(element, "number-rows-repeated")
        values, column = [], 0
        for cell in element:
            if cell.tag not in (_CELL, _COVERED):
                continue
            repeat = _count(cell, "number-columns-repeated")
            if cell.tag == _CELL and (value := _cell(cell)).strip():
                values.append((column, repeat, value))
            column += repeat
        budget.spend(repeat_rows * sum(repeat for _, repeat, _ in values))
        for n in range(repeat_rows if values else 0):
            for first, repeat, value in values:
                for k in range(repeat):
                    sheet.put(row + n + 1, first + k + 1, value)
        row = min(row + repeat_rows, _ROWS_MAX)
    return sheet


def _hidden(content: ElementTree.Element) -> set[str]:
    """The table styles of content.xml's automatic styles that hide a sheet (`table:display="false"`)."""
    styles = content.find(f"{_OFFICE}automatic-styles")
    return {style.get(f"{_STYLE}name") or "" for style in ([] if styles is None else styles)
            if (properties := style.find(f"{_STYLE}table-properties")) is not None
            and properties.get(f"{_TABLE}display") == "false"}


def _parse(archive: zipfile.ZipFile) -> Parsed:
    names = set(archive.namelist())
    check_package(archive, names, "spreadsheet", ".ods")
    content = xml_part(archive, "content.xml", ".ods")
    body = content.find(f"{_OFFICE}body")
    spreadsheet = None if body is None else body.find(f"{_OFFICE}spreadsheet")
    if spreadsheet is None:
        other = None if body is None else next(iter(body), None)
        if other is not None and other.tag.startswith(_OFFICE):
            raise ValueError(other_kind(other.tag.removeprefix(_OFFICE), "spreadsheet", ".ods"))
        raise ValueError("damaged .ods: its content.xml holds no spreadsheet (office:body/office:spreadsheet)")
    hiding = _hidden(content)
    sheets, hidden, budget = [], [], Budget()
    for table in (child for child in spreadsheet if child.tag == f"{_TABLE}table"):
        if table.get(f"{_TABLE}style-name") in hiding:
            hidden.append(table.get(f"{_TABLE}name") or "")
        else:
            sheets.append(_sheet(table, budget))
    meta = xml_part(archive, "meta.xml", ".ods").find(f"{_OFFICE}meta") if "meta.xml" in names else None
    return parse_sheets(sheets, ".ods", dc_title(meta), hidden)


def parse_ods(data: bytes) -> Parsed:
    """An .ods's visible sheets as sections, the text they are cited in, and its title. Raises `ValueError` when it
    cannot be read."""
    return read_archive(data, ".ods", _parse)


__all__ = ["CELLS_MAX", "ENCRYPTED", "FLAT", "NOT_A_ZIP", "NO_CONTENT", "parse_ods"]
