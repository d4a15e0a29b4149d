"""Excel workbooks made in the tests themselves: an .xlsx's bytes from its sheets' rows, written as Excel writes them
(shared strings, a style per number format, relationships), with raw cell XML where a test needs it."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from rag.corpus.formats.base import Parsed
from tests.helpers.odt import odt, zipped

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
# cell styles by index, as `Raw` names them: 0 General, 1 a date (built-in 14), 2 "0.00", 3 a percentage (9),
# 4 a custom date "dd/mm/yyyy", 5 a price in euros
STYLES = (f'<styleSheet xmlns="{MAIN}"><numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
          '<numFmt numFmtId="165" formatCode="#,##0.00\\ [$€-40C]"/></numFmts><cellXfs count="6">'
          '<xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="2"/><xf numFmtId="9"/>'
          '<xf numFmtId="164"/><xf numFmtId="165"/></cellXfs></styleSheet>')


@dataclass(frozen=True)
class Raw:
    """A cell written as given: its `<c>`'s type, style and inner XML."""

    inner: str
    type: str | None = None
    style: int | None = None


Value = str | int | float | bool | Raw | None


def _column(n: int) -> str:
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(ref: str, value: Value, shared: list[str]) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, Raw):
        attributes = (f' t="{value.type}"' if value.type else "") + (
            f' s="{value.style}"' if value.style is not None else "")
        return f'<c r="{ref}"{attributes}>{value.inner}</c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    shared.append(value)
    return f'<c r="{ref}" t="s"><v>{len(shared) - 1}</v></c>'


def sheet_xml(rows: Sequence[Sequence[Value]], shared: list[str], merged: Sequence[str] = ()) -> str:
    """A worksheet part holding `rows` from row 1 (an empty row written as none), strings added to `shared`."""
    body = "".join(
        f'<row r="{r}">{"".join(_cell(f"{_column(c)}{r}", value, shared) for c, value in enumerate(row, 1))}</row>'
        for r, row in enumerate(rows, 1) if any(value not in (None, "") for value in row))
    cells = "".join(f'<mergeCell ref="{ref}"/>' for ref in merged)
    merges = f'<mergeCells count="{len(merged)}">{cells}</mergeCells>' if merged else ""
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN}" xmlns:r="{RELS}">' \
           f"<sheetData>{body}</sheetData>{merges}</worksheet>"


def xlsx(sheets: dict[str, Sequence[Sequence[Value]]], *, hidden: Sequence[str] = (), title: str | None = None,
         merged: dict[str, Sequence[str]] | None = None, date1904: bool = False,
         replace: dict[str, str | bytes] | None = None) -> bytes:
    """An .xlsx's bytes: `sheets` by name in order, each its rows from row 1 (a cell a string, a number, a boolean,
    a `Raw` cell, or None), the sheets named in `hidden` hidden, `title` as docProps/core.xml's, `merged` the ranges
    merged in each sheet, parts of `replace` written instead of those made here (or added)."""
    shared: list[str] = []
    parts: dict[str, str | bytes] = {}
    entries, rels, types = [], [], []
    for n, (name, rows) in enumerate(sheets.items(), 1):
        parts[f"xl/worksheets/sheet{n}.xml"] = sheet_xml(rows, shared, (merged or {}).get(name, ()))
        state = ' state="hidden"' if name in hidden else ""
        entries.append(f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{n}"{state} r:id="rId{n}"/>')
        rels.append(f'<Relationship Id="rId{n}" Type="{RELS}/worksheet" Target="worksheets/sheet{n}.xml"/>')
        types.append(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.openxmlformats-'
                     'officedocument.spreadsheetml.worksheet+xml"/>')
    rels += [f'<Relationship Id="rIdS" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>',
             f'<Relationship Id="rIdY" Type="{RELS}/styles" Target="styles.xml"/>']
    pr = '<workbookPr date1904="1"/>' if date1904 else "<workbookPr/>"
    parts["xl/workbook.xml"] = f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}">' \
                               f"{pr}<sheets>{''.join(entries)}</sheets></workbook>"
    parts["xl/_rels/workbook.xml.rels"] = f'<Relationships xmlns="{PACKAGE_RELS}">{"".join(rels)}</Relationships>'
    strings = "".join(f'<si><t xml:space="preserve">{escape(s)}</t></si>' for s in shared)
    parts["xl/sharedStrings.xml"] = f'<sst xmlns="{MAIN}" count="{len(shared)}">{strings}</sst>'
    parts["xl/styles.xml"] = STYLES
    parts["_rels/.rels"] = f'<Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="rId1" Type="{RELS}/' \
                           'officeDocument" Target="xl/workbook.xml"/></Relationships>'
    parts["[Content_Types].xml"] = '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' \
                                   f"{''.join(types)}</Types>"
    if title is not None:
        parts["docProps/core.xml"] = '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/' \
                                     'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">' \
                                     f"<dc:title>{escape(title)}</dc:title></cp:coreProperties>"
    parts.update(replace or {})
    return zipped(parts, zipfile.ZIP_DEFLATED)


def wide_xlsx(rows: int) -> bytes:
    """A workbook of `rows` rows of 5 cells, each the same shared string, as Excel writes them."""
    cells = "".join(f'<row r="{r}">' + "".join(f'<c r="{c}{r}" t="s"><v>0</v></c>' for c in "ABCDE") + "</row>"
                    for r in range(1, rows + 1))
    return xlsx({"S": [["x"]]}, replace={
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{MAIN}"><sheetData>{cells}</sheetData></worksheet>'})


SPREADSHEET = "application/vnd.oasis.opendocument.spreadsheet"
# a table style hiding its sheet, as LibreOffice writes one for a sheet hidden by Format > Sheet > Hide
HIDING = ('<style:style style:name="ta2" style:family="table"><style:table-properties table:display="false"/>'
          "</style:style>")


def ods_cell(value: Value) -> str:
    """A table cell as LibreOffice writes one: a string's paragraphs, a number's value beside the text it shows, a
    `Raw` cell's inner XML inside table:table-cell with `type` as its attributes."""
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, Raw):
        return f"<table:table-cell {value.type or ''}>{value.inner}</table:table-cell>"
    if isinstance(value, bool | int | float):
        return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p>' \
               "</table:table-cell>"
    paragraphs = "".join(f"<text:p>{escape(line)}</text:p>" for line in value.split("\n"))
    return f'<table:table-cell office:value-type="string">{paragraphs}</table:table-cell>'


def _ods_row(row: Sequence[Value] | str) -> str:
    if isinstance(row, str):
        return row
    return f"<table:table-row>{''.join(ods_cell(value) for value in row)}</table:table-row>"


def ods(sheets: dict[str, Sequence[Sequence[Value] | str]], *, hidden: Sequence[str] = (), title: str | None = None,
        **kwargs: object) -> bytes:
    """An .ods's bytes: `sheets` by name in order, each its rows from row 1 (a row a sequence of cells, or its XML
    as given), those named in `hidden` hidden; other arguments `tests.helpers.odt.odt`'s (a `mimetype`, a
    `manifest`, parts to `leave_out`, the `body_element`)."""
    tables = "".join(
        f'<table:table table:name="{escape(name)}" table:style-name="{"ta2" if name in hidden else "ta1"}">'
        + "".join(_ods_row(row) for row in rows) + "</table:table>" for name, rows in sheets.items())
    options: dict = {"mimetype": SPREADSHEET, "body_element": "office:spreadsheet", **kwargs}
    return odt(tables, title=title, automatic=HIDING, **options)


def wide_ods(rows: int) -> bytes:
    """An .ods of `rows` rows of 5 cells, each the same string, as LibreOffice writes them."""
    row = "<table:table-row>" + "<table:table-cell office:value-type='string'><text:p>x</text:p></table:table-cell>" * 5
    return ods({"S": [row + "</table:table-row>"] * rows})


def traced_parse(parse: Callable[[bytes], Parsed], data: bytes) -> tuple[Parsed, int]:
    """What `parse` makes of `data`, and the peak of memory traced (tracemalloc) while it parsed."""
    import tracemalloc

    tracemalloc.start()
    try:
        parsed = parse(data)
        return parsed, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
