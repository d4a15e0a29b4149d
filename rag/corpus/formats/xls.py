"""Read an old binary Excel workbook (.xls: Excel 97-2003's BIFF8, and the BIFF2-5 of the versions before, which
xlrd reads): each visible worksheet's cells as the sheet shows them, its rows read as a CSV export of it is
(`rag.corpus.formats.sheets`), so that a workbook reads the same whatever the format it was saved in.

A cell is, as the .xlsx reader gives it (`rag.corpus.formats.xlsx`): its text (a formula's cached string result
too), line breaks kept; a boolean TRUE or FALSE; an error as Excel shows it, "#N/A"; a number (a date is one) as its
number format shows it (`rag.corpus.formats.xlsx_numbers`: the format code the file holds for it, else Excel's
built-in one of its id), in the workbook's date system (1900 or 1904). A merged range holds its value in its first
cell, the cells it covers empty, the columns it spans (xlrd's `Sheet.merged_cells`) telling a note merged across the
table from a column's value; hidden rows are read, hidden and very hidden sheets left out and reported; chart
sheets, Excel 4 macro sheets and Excel 5's Visual Basic module sheets hold no cells xlrd reads: reported, by the names
of the workbook's BOUNDSHEET records (xlrd keeps none of theirs), as an .xlsx's are. The title is the file's summary
information's (`rag.corpus.formats.ole_summary`), else a one-cell row over an FAQ sheet's header.

Many files named .xls are none: a web application's "Export to Excel" writes an HTML table or a tab-separated text,
which Excel opens all the same, and an .xlsx or .ods renamed .xls is common too. Each is read by its own reader,
what it is reported; an Excel 2003 XML spreadsheet, a Word document, a file of none of these kinds are refused with
what to do about it, as an encrypted workbook is ("remove its password first").

xlrd (BSD, pure Python) reads the workbook, a sheet at a time (`on_demand`: one sheet's cells in memory, let go of
once read), its rows ragged (a row holds the cells up to its last, not up to the sheet's widest row's): the file's
size (`RAG_MAX_FILE_BYTES`) bounds what it holds, a cell taking at least 6 bytes of the file (a MULRK record's) and
some 80 bytes read; the cells with text are counted as `rag.corpus.formats.sheets.Budget` counts an .xlsx's. Any
error xlrd raises on a damaged file becomes the reason it is refused.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable

import xlrd
from xlrd.biffh import unpack_string, unpack_unicode

from rag.corpus.encoding import decode_text
from rag.corpus.formats.archive import OLE_SIGNATURE, damaged
from rag.corpus.formats.base import Parsed
from rag.corpus.formats.csv import parse_csv, parse_tsv
from rag.corpus.formats.html import parse_html
from rag.corpus.formats.ods import parse_ods
from rag.corpus.formats.ole import Compound, OleError
from rag.corpus.formats.ole_summary import summary_title
from rag.corpus.formats.sheets import Budget, Sheet, parse_sheets
from rag.corpus.formats.xlsx import parse_xlsx
from rag.corpus.formats.xlsx_numbers import GENERAL, Format, number_format, shown

ENCRYPTED = "encrypted .xls: remove its password first"
# What xlrd raises on a damaged file: its own errors, and those of the structures it unpacks without checking them
_XLRD_ERRORS = (xlrd.XLRDError, struct.error, RecursionError, IndexError, KeyError, AssertionError, UnicodeDecodeError,
                LookupError, ValueError, TypeError, OverflowError, ZeroDivisionError)
_BIFF_STARTS = (b"\x09\x00", b"\x09\x02", b"\x09\x04", b"\x09\x08")  # a BOF record: a BIFF2-5 workbook, no OLE file
_ZIP = b"PK\x03\x04"
_BOUNDSHEET, _EOF, _WORKSHEET = 0x0085, 0x000A, 0  # a sheet's record in the globals, their end, a worksheet's type
_FILLED = re.compile(b"[^%c%c]" % (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK))  # a cell's type: neither empty nor blank
_SNIFF = 4096  # characters of a text file looked at to tell an HTML page from a delimited text
_HTML = re.compile(r"<(?:!doctype\s+html|html|table|body|head|meta)\b", re.IGNORECASE)
_XML_SPREADSHEET = "urn:schemas-microsoft-com:office:spreadsheet"


class _Book:
    """An open workbook's number formats and date system, and the budget of cells with text its sheets spend."""

    def __init__(self, book: xlrd.book.Book) -> None:
        self.book, self.budget = book, Budget()
        self.defined = {fmt.format_key for fmt in book.format_list}  # those the file writes a FORMAT record for
        self.formats: dict[int, Format] = {}

    def format(self, xf_index: int) -> Format:
        """The number format of cell style `xf_index`: the code the file holds for its id, else the built-in one."""
        if not 0 <= xf_index < len(self.book.xf_list):
            return GENERAL
        key = self.book.xf_list[xf_index].format_key
        if key not in self.formats:
            code = self.book.format_map[key].format_str if key in self.defined else None
            self.formats[key] = number_format(code, key)
        return self.formats[key]

    def value(self, kind: int, value: object, sheet: xlrd.sheet.Sheet, row: int, column: int) -> str:
        """A cell's text, as the sheet shows it (the module's docstring)."""
        if kind == xlrd.XL_CELL_TEXT:
            return str(value)
        if kind == xlrd.XL_CELL_BOOLEAN:
            return "TRUE" if value else "FALSE"
        if kind == xlrd.XL_CELL_ERROR:
            return xlrd.error_text_from_code.get(value, "#VALUE!")
        if kind in (xlrd.XL_CELL_NUMBER, xlrd.XL_CELL_DATE) and isinstance(value, float | int):
            return shown(repr(float(value)), self.format(sheet.cell_xf_index(row, column)), bool(self.book.datemode))
        return ""

    def sheet(self, read: xlrd.sheet.Sheet) -> Sheet:
        """A loaded worksheet's cells with text, the budget spent as each comes; its empty and blank cells (a row
        holds them up to its last cell, a MULBLANK record's 2 bytes each) skipped by a scan of the row's types."""
        sheet = Sheet(read.name)
        for row in range(read.nrows):
            kinds, values = bytes(read.row_types(row)), read.row_values(row)
            for found in _FILLED.finditer(kinds):
                column = found.start()
                if (text := self.value(kinds[column], values[column], read, row, column)).strip():
                    self.budget.spend(1)
                    sheet.put(row + 1, column + 1, text)
        for first, _, column, end in read.merged_cells:  # rows and columns from 0, the last ones past the range
            sheet.merge(first + 1, column + 1, end - column)
        return sheet


class _Discard:
    """Where xlrd writes its warnings (a damaged record): nowhere, not standard output."""

    @staticmethod
    def write(text: str) -> int:
        return len(text)


def _open(stream: bytes) -> xlrd.book.Book:
    """The workbook of a BIFF `stream`, its sheets not loaded yet (`on_demand`); refused with the reason."""
    try:
        return xlrd.open_workbook(file_contents=stream, formatting_info=True, on_demand=True, ragged_rows=True,
                                  logfile=_Discard())
    except xlrd.XLRDError as exc:
        if "encrypted" in str(exc):
            raise ValueError(ENCRYPTED) from exc
        raise ValueError(damaged(".xls", exc)) from exc
    except _XLRD_ERRORS as exc:
        raise ValueError(damaged(".xls", exc)) from exc


def _load(book: xlrd.book.Book, index: int) -> xlrd.sheet.Sheet:
    """Sheet `index` of `book`, read from the file now; refused as damaged if xlrd cannot read it."""
    try:
        return book.sheet_by_index(index)
    except _XLRD_ERRORS as exc:
        raise ValueError(damaged(".xls", exc)) from exc


def _workbook(data: bytes) -> Parsed:
    """A workbook's visible sheets, read a sheet at a time, each let go of once read: its BIFF stream, an OLE
    compound file's Workbook stream (Book in Excel 5's) or the file itself (Excel 2 to 4's)."""
    title = None
    if data.startswith(OLE_SIGNATURE):
        try:
            compound = Compound(data)
            stream = compound.stream("Workbook") or compound.stream("Book")
        except OleError as exc:
            raise ValueError(damaged(".xls", exc)) from exc
        if stream is None:
            raise ValueError(_other_ole(data))
        if stream.startswith(OLE_SIGNATURE):  # xlrd would read it with its own compound file reader (2^n steps)
            raise ValueError(damaged(".xls", OleError("a compound file inside its Workbook stream")))
        title = summary_title(compound)
        del compound
    else:
        stream = data
    with _open(stream) as book:
        others, hidden = _other_sheets(stream, book.biff_version, book.encoding)
        read, sheets = _Book(book), []
        for index in range(book.nsheets):
            loaded = _load(book, index)
            if loaded.visibility:  # 1 hidden, 2 very hidden
                hidden.append(loaded.name)
            else:
                sheets.append(read.sheet(loaded))
            book.unload_sheet(index)
    return parse_sheets(sheets, ".xls", title, hidden, others)


def _other_sheets(stream: bytes, version: int, encoding: str | None) -> tuple[list[str], list[str]]:
    """The names of a workbook's sheets that are no worksheets (a chart, a macro sheet, a Visual Basic module), the
    visible ones and the hidden ones, from the BOUNDSHEET records of its globals (up to their EOF record), as xlrd
    read them (BIFF `version` 50 and later: Excel 2 to 4 wrote a worksheet a file); one whose name cannot be decoded
    named by its place among the workbook's sheets ("sheet 3, its name unreadable")."""
    visible: list[str] = []
    hidden: list[str] = []
    at, place = 0, 0
    while version >= 50 and at + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, at)
        record, at = stream[at + 4:at + 4 + length], at + 4 + length
        if kind == _EOF:
            break
        place += kind == _BOUNDSHEET
        if kind == _BOUNDSHEET and len(record) > 6 and record[5] != _WORKSHEET:
            try:
                name = (unpack_unicode(record, 6, lenlen=1) if version >= 80
                        else unpack_string(record, 6, encoding, lenlen=1))
            except _XLRD_ERRORS:  # a name alone lost: the workbook's sheets of cells are still read
                name = f"sheet {place}, its name unreadable"
            (hidden if record[4] else visible).append(name)
    return visible, hidden


def _other_ole(data: bytes) -> str:
    """Why an OLE compound file holding no workbook is not an .xls: its stream names (UTF-16) say what it is."""
    if "EncryptedPackage".encode("utf-16-le") in data:
        return "encrypted Excel workbook (an .xlsx named .xls): remove its password first"
    if "WordDocument".encode("utf-16-le") in data:
        return "not an Excel workbook: a Word document (.doc) named .xls"
    if "PowerPoint Document".encode("utf-16-le") in data:
        return "not an Excel workbook: a PowerPoint presentation (.ppt) named .xls"
    return "not an .xls: an OLE compound file holding no workbook (another Office format?)"


def _text(data: bytes) -> Parsed:
    """A text file named .xls: an HTML page (a table, as web applications export "to Excel"), else a delimited text,
    tab-separated if its first line holds a tab; an Excel 2003 XML spreadsheet refused."""
    try:
        text, assumed = decode_text(data, html=True)
    except ValueError as exc:
        raise ValueError("damaged .xls: neither an Excel 97-2003 workbook (no OLE compound file header) nor an "
                         f"Excel file of another kind named .xls, nor a text table ({exc})") from exc
    head = text[:_SNIFF]
    if _XML_SPREADSHEET in head and "<Workbook" in head:
        raise ValueError("not an .xls: an Excel 2003 XML spreadsheet named .xls; open it in Excel or LibreOffice and "
                         "save it as .xlsx")
    parse: Callable[[str], Parsed]
    if _HTML.search(head):
        parse, kind = parse_html, "an HTML page (a web application's export to Excel?) named .xls: read as HTML"
    elif "\t" in head.partition("\n")[0]:
        parse, kind = parse_tsv, "a tab-separated text named .xls: read as .tsv"
    else:
        parse, kind = parse_csv, "a delimited text named .xls: read as .csv"
    parsed = parse(text)
    parsed.text = text if parsed.text is None else parsed.text
    parsed.changes = [kind, *([assumed] if assumed else []), *parsed.changes]
    return parsed


def _renamed(data: bytes) -> Parsed:
    """A zip archive named .xls: an .ods if it holds content.xml, else read as an .xlsx (whose reader says what it is
    when it is none)."""
    ods = b"content.xml" in data and b"xl/workbook" not in data
    parsed = parse_ods(data) if ods else parse_xlsx(data)
    parsed.changes.insert(0, f"an {'.ods' if ods else '.xlsx'} workbook named .xls: read as one (rename it)")
    return parsed


def parse_xls(data: bytes) -> Parsed:
    """An .xls's visible sheets as sections, the text they are cited in, and its title; a file of another kind named
    .xls read by its reader (the module's docstring). Raises `ValueError` when it cannot be read."""
    if data.startswith(_ZIP):
        return _renamed(data)
    if not data.startswith(OLE_SIGNATURE) and not data.startswith(_BIFF_STARTS):
        return _text(data)
    return _workbook(data)


__all__ = ["ENCRYPTED", "parse_xls"]
