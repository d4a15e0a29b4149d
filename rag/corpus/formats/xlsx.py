"""Read an Excel workbook (.xlsx: Office Open XML SpreadsheetML, Excel's format since 2007, which LibreOffice and Google
Sheets write too): each visible worksheet's cells as the sheet shows them, its rows read as a CSV export of it is
(`rag.corpus.formats.sheets`: an FAQ sheet gives one section per row).

An .xlsx is a zip archive of XML parts: xl/workbook.xml names the sheets in order (their `state`: hidden ones, and
"very hidden" ones, are left out and reported), its relationships (xl/_rels/workbook.xml.rels) the part of each, and
of the shared strings (xl/sharedStrings.xml) and styles (xl/styles.xml). A cell (`c`, at its reference `r`, "B3") is:
- a shared string (`t="s"`), an inline string (`t="inlineStr"`), a formula's string result (`t="str"`): its text,
  rich text runs joined (a phonetic guide, `rPh`, left out), line breaks kept, Excel's escapes read (`_x000D_`);
- a boolean (`t="b"`): TRUE or FALSE, as a CSV export writes it; an error (`t="e"`): as shown, "#N/A";
- a number: as its style's number format shows it (`rag.corpus.formats.xlsx_numbers`: a date from its serial, a
  percentage, fixed decimals, an integer without ".0").
A merged range holds its value in its first cell, as Excel stores it: the cells it covers are empty; the columns it
spans (the sheet's `mergeCells`) tell a note merged across the table from a column's value. Formulas are
read by their cached results (what Excel last showed); a cell without one is empty. Comments, charts, drawings,
chart sheets and the document's other parts are left out (a workbook of chart sheets alone is refused as holding
no sheet of cells). The title is docProps/core.xml's dc:title, else a one-cell
row over an FAQ sheet's header, as in a .csv.

A file that cannot be read raises `ValueError` with what to do about it: encrypted (an OLE compound file holding an
encrypted package: "remove its password first"), an old binary .xls renamed ("rename it .xls"), not a zip or
damaged, a zip bomb (`rag.corpus.formats.archive`), another Office file named .xlsx, XML declaring entities (refused
before expat reads them, as for OpenDocument). Parsed with the standard library (ElementTree on expat); no other
dependency is needed. The worksheets, shared strings and styles are read as they inflate, each cell dropped once read
(`rag.corpus.formats.archive.xml_events`), the cells counted as they come: a workbook past the budget is refused
before the rest of it is read.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from xml.etree import ElementTree

from rag.corpus.formats.archive import OLE_SIGNATURE, dc_title, not_a_zip, read_archive, xml_events, xml_part
from rag.corpus.formats.base import Parsed
from rag.corpus.formats.sheets import Budget, Sheet, parse_sheets
from rag.corpus.formats.xlsx_numbers import GENERAL, Format, number_format, shown

NOT_A_ZIP = not_a_zip(".xlsx")
ENCRYPTED = "encrypted .xlsx: remove its password first"
OLD_EXCEL = "not an .xlsx: an old binary Excel workbook (.xls) named .xlsx; rename it .xls"
NO_WORKBOOK = "damaged .xlsx: no workbook (xl/workbook.xml) in the archive"
_STANDARD = "Office Open XML"
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")  # ST_Xstring: a character XML cannot hold, "_x000D_" a carriage return
_REFERENCE = re.compile(r"([A-Za-z]{1,3})(\d+)")
MERGES_MAX = 100_000  # merged ranges kept a sheet (at cells with text): a report merging each of its rows is below
_RANGE = re.compile(r"([A-Za-z]{1,3})(\d{1,7}):([A-Za-z]{1,3})(\d{1,7})")  # a merged range, "A9:E9"
_ROWS_MAX = 1_048_576  # Excel's last row


def _local(tag: str) -> str:
    """An element's or attribute's name without its namespace: transitional and strict OOXML name theirs apart."""
    return tag.rpartition("}")[2]


def _children(element: ElementTree.Element, name: str) -> Iterator[ElementTree.Element]:
    return (child for child in element if _local(child.tag) == name)


def _child(element: ElementTree.Element | None, name: str) -> ElementTree.Element | None:
    return None if element is None else next(_children(element, name), None)


def _within(element: ElementTree.Element, outer: str, name: str) -> Iterator[ElementTree.Element]:
    """The `name` children of `element`'s first `outer` child (none if it has none)."""
    found = _child(element, outer)
    return iter(()) if found is None else _children(found, name)


def _attribute(element: ElementTree.Element, name: str) -> str | None:
    """`element`'s attribute `name` in a namespace (`r:id`), whichever."""
    return next((value for key, value in element.attrib.items() if key.startswith("{") and _local(key) == name), None)


def _string(element: ElementTree.Element) -> str:
    """A string item's text (`si`, `is`): its `t`, or its rich text runs' joined; a phonetic guide (`rPh`) left out."""
    pieces = []
    for child in element:
        name = _local(child.tag)
        if name == "t":
            pieces.append(child.text or "")
        elif name == "r":
            pieces.extend(t.text or "" for t in _children(child, "t"))
    return _ESCAPE.sub(lambda m: chr(int(m[1], 16)), "".join(pieces))


def _relationships(archive: zipfile.ZipFile, names: set[str], part: str) -> dict[str, tuple[str, str]]:
    """The relationships of `part`: by id, the part each leads to (a path in the archive) and its type's last word."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in names:
        return {}
    found = {}
    for rel in xml_part(archive, rels, ".xlsx", _STANDARD):
        target = rel.get("Target") or ""
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        found[rel.get("Id") or ""] = (path, (rel.get("Type") or "").rpartition("/")[2])
    return found


def _strings(archive: zipfile.ZipFile, part: str) -> list[str]:
    """The shared strings (the root's `si`), read as the part inflates (`xml_events`): at most `CELLS_MAX`, more
    than the cells a workbook may hold."""
    strings: list[str] = []
    budget, root = Budget("strings in its shared strings table"), None
    for event, element, parent in xml_events(archive, part, ".xlsx", {"si"}, _STANDARD):
        if root is None:
            root = element
        elif event == "end" and parent is root and _local(element.tag) == "si":
            budget.spend(1)
            strings.append(_string(element))
    return strings


def _formats(archive: zipfile.ZipFile, part: str | None) -> list[Format]:
    """The number format of each cell style (styles.xml's first `cellXfs`), by its index, read as the part inflates
    (`xml_events`: a workbook may hold tens of thousands of styles, a generated one one a cell): at most `CELLS_MAX`
    formats and styles, more than the cells a workbook may hold."""
    if part is None:
        return []
    codes: dict[str | None, str | None] = {}
    idents: list[str] = []
    lists: dict[str, ElementTree.Element] = {}  # the root's first numFmts and cellXfs
    budget, root = Budget("number formats and cell styles in its styles part"), None
    for event, element, parent in xml_events(archive, part, ".xlsx", {"numFmt", "xf"}, _STANDARD):
        tag = _local(element.tag)
        if root is None:
            root = element
        elif event == "start":
            if parent is root and tag in ("numFmts", "cellXfs"):
                lists.setdefault(tag, element)
        elif parent is not None and parent is lists.get({"numFmt": "numFmts", "xf": "cellXfs"}.get(tag, "")):
            budget.spend(1)
            if tag == "numFmt":
                codes[element.get("numFmtId")] = element.get("formatCode")
            else:
                idents.append(element.get("numFmtId") or "0")
    made = {ident: number_format(codes.get(ident), int(ident) if ident.isdecimal() else 0) for ident in set(idents)}
    return [made[ident] for ident in idents]  # a format made once for each id, whatever the styles naming it


def _where(reference: str | None, row: int, column: int) -> tuple[int, int]:
    """A cell's row and column (1-based) by its reference ("B3"), else the ones after the cell before it (a reference
    past Excel's last row too: "A99999999999" would make the sheet that many rows long)."""
    if reference and (match := _REFERENCE.fullmatch(reference)) and 0 < int(match[2]) <= _ROWS_MAX:
        return int(match[2]), _column(match[1])
    return row, column + 1


def _column(letters: str) -> int:
    """A column's number (1-based) by its letters ("AB": 28)."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def _merge(sheet: Sheet, reference: str) -> tuple[int, int, int] | None:
    """A merged range by its reference ("A9:E9"): its first cell's row and column and the columns it spans, where
    that cell holds text, the range spans more than it (`Sheet.merge` keeps no other) and none kept starts there
    (a range listed twice counts once); a reference of another shape is no merge."""
    match = _RANGE.fullmatch(reference)
    if match is None or not (cells := sheet.filled.get(row := int(match[2]))):
        return None
    column, end = _column(match[1]), _column(match[3])
    new = column <= len(cells) and cells[column - 1] and column - 1 not in sheet.across.get(row, {})
    return (row, column, end - column + 1) if end > column and new else None


class _Workbook:
    """A workbook's parts that its cells' values need: shared strings, number formats, its date system."""

    def __init__(self, archive: zipfile.ZipFile, names: set[str], workbook: str, date1904: bool) -> None:
        self.archive, self.date1904 = archive, date1904
        self.rels = _relationships(archive, names, workbook)
        parts = {kind: path for path, kind in self.rels.values() if path in names}
        self.shared = _strings(archive, parts["sharedStrings"]) if "sharedStrings" in parts else []
        self.formats = _formats(archive, parts.get("styles"))
        self.budget = Budget()  # the cells with text of all its sheets

    def value(self, cell: ElementTree.Element) -> str:
        """A cell's text, as the sheet shows it (the module's docstring)."""
        kind, raw = cell.get("t") or "n", _child(cell, "v")
        v = "" if raw is None else raw.text or ""
        if kind == "inlineStr":
            inline = _child(cell, "is")
            return "" if inline is None else _string(inline)
        if kind == "s":
            index = int(v) if v.strip().isdecimal() else -1
            if not 0 <= index < len(self.shared):
                raise ValueError(f"damaged .xlsx: cell {cell.get('r')} names shared string {v!r}, which the "
                                 f"workbook's {len(self.shared):,} do not hold")
            return self.shared[index]
        if kind == "b":
            return {"1": "TRUE", "0": "FALSE"}.get(v.strip(), v)
        if kind in ("str", "e", "d"):
            return _ESCAPE.sub(lambda m: chr(int(m[1], 16)), v)
        style = int(s) if (s := cell.get("s") or "0").isdecimal() else 0
        return shown(v, self.formats[style] if style < len(self.formats) else GENERAL, self.date1904) if v else ""

    def sheet(self, name: str, part: str) -> Sheet:
        """The worksheet `part`'s cells, by their references (a row or cell without one follows the one before),
        read as the part inflates (`xml_events`), the budget spent as each cell with text comes: the rows of its
        root's first sheetData, the cells (`c`) of each; then its root's mergeCells (after sheetData, as the schema
        orders them: the cells are known by then), a range kept only where its first cell holds text (`_merge`,
        whatever its size), the first `MERGES_MAX` so kept, the others reported in `Sheet.changes`."""
        sheet, root, data, read, merges, merged = Sheet(name), None, None, False, None, 0
        row, column, current = 0, 0, None
        for event, element, parent in xml_events(self.archive, part, ".xlsx", {"c"}, _STANDARD):
            if root is None:
                root = element
            elif event == "start":
                tag = _local(element.tag)
                if tag == "sheetData" and parent is root and not read:
                    data = element
                elif tag == "mergeCells" and parent is root:
                    merges = element
                elif tag == "mergeCell" and parent is merges is not None and (
                        found := _merge(sheet, element.get("ref") or "")) is not None:
                    merged += 1
                    if merged <= MERGES_MAX:
                        sheet.merge(*found)
                elif tag == "row" and parent is data is not None:
                    number = element.get("r") or ""
                    row = int(number) if number.isdecimal() and 0 < int(number) <= _ROWS_MAX else row + 1
                    column, current = 0, element
            elif element is data:
                data, read = None, True
            elif parent is current is not None and _local(element.tag) == "c":
                at, column = _where(element.get("r"), row, column)
                if (value := self.value(element)).strip():
                    self.budget.spend(1)
                    sheet.put(at, column, value)
        if merged > MERGES_MAX:
            over = merged - MERGES_MAX
            sheet.changes.append(f"{over:,} merged range{'s' if over > 1 else ''} over text past the first "
                                 f"{MERGES_MAX:,} read as not merged (a note merged across the table as its first "
                                 "column's value)")
        return sheet


def _parse(archive: zipfile.ZipFile) -> Parsed:
    names = set(archive.namelist())
    workbook = next((path for path, kind in _relationships(archive, names, "").values()
                     if kind == "officeDocument" and path in names), "xl/workbook.xml")
    if workbook not in names:
        if "word/document.xml" in names:
            raise ValueError("not an Excel workbook: a Word document (.docx) named .xlsx; rename it .docx")
        if "content.xml" in names:
            raise ValueError("not an Excel workbook: an OpenDocument file named .xlsx (a spreadsheet: rename it .ods)")
        raise ValueError(NO_WORKBOOK)
    root = xml_part(archive, workbook, ".xlsx", _STANDARD)
    properties = _child(root, "workbookPr")
    date1904 = properties is not None and (properties.get("date1904") or "").lower() in ("1", "true")
    book = _Workbook(archive, names, workbook, date1904)
    sheets, hidden, others = [], [], []
    for entry in _within(root, "sheets", "sheet"):
        name = entry.get("name") or ""
        if entry.get("state") in ("hidden", "veryHidden"):
            hidden.append(name)
            continue
        part, kind = book.rels.get(_attribute(entry, "id") or "", ("", ""))
        if kind == "worksheet" and part in names:  # a chart sheet or a dialog sheet holds no cells
            sheets.append(book.sheet(name, part))
        elif kind != "worksheet":
            others.append(name)
    core = xml_part(archive, "docProps/core.xml", ".xlsx", _STANDARD) if "docProps/core.xml" in names else None
    return parse_sheets(sheets, ".xlsx", dc_title(core), hidden, others)


def _ole_reason(data: bytes) -> str:
    """Why an OLE compound file is not an .xlsx: its stream names (UTF-16) tell an encrypted one from an .xls."""
    if "EncryptedPackage".encode("utf-16-le") in data:
        return ENCRYPTED
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return OLD_EXCEL
    return "not an .xlsx: an OLE compound file (another Office format?)"


def parse_xlsx(data: bytes) -> Parsed:
    """An .xlsx's visible sheets as sections, the text they are cited in, and its title. Raises `ValueError` when it
    cannot be read."""
    if data.startswith(OLE_SIGNATURE):
        raise ValueError(_ole_reason(data))
    return read_archive(data, ".xlsx", _parse)


__all__ = ["ENCRYPTED", "MERGES_MAX", "NOT_A_ZIP", "NO_WORKBOOK", "OLD_EXCEL", "parse_xlsx"]
