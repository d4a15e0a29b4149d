"""An AsciiDoc table (`|===` ... `|===`) read as rows: each row one line, its cells joined by `CELL_SEPARATOR`, as
the other readers give a table's rows to the chunker, its first row heading the rows below it.

A row has as many cells as the table has columns: the `cols` attribute's count (`cols="2,1,3"`, `cols="3*"`), else
the cells of the table's first line (https://docs.asciidoc.org/asciidoc/latest/tables/add-cells-and-rows/), so a
cell on a line of its own, as writers lay out long cells, joins its row. A cell's specifier before its `|` (`2+|`
spanning two columns, `.2+|`, `^|`, `a|`) is no text; a span counts its columns. A CSV or DSV table (`,===`,
`:===`) splits its lines on its own separator. An escaped `\\|` is a bar of the cell's text. The attribute list over a
table may set its data format and its separator (`table_format`, as Asciidoctor reads them,
https://docs.asciidoctor.org/asciidoc/latest/tables/table-ref/): `[separator=¦]` opens its cells with `¦` (a
specifier before it as before `|`), `[format=csv]` (`dsv`, `tsv`) makes a `|===` table's lines comma-separated
(colon-, tab-), `[format=dsv,separator=;]` splits them at `;`; a separator of more than one character is none.

A table nested in a cell (`!===` ... `!===`, its cells opened by `!`: AsciiDoc nests one in an `a|` cell, and one in
any cell is read so) is read as Asciidoctor shows it: its rows under the row of the cell holding it (`Table.close`),
each one line with its own offsets, not the cell's text; an attribute list right over it (`[cols="2,1"]`) its own, no
text, and its cells' specifiers (`h!`, `2+!`) read as an outer cell's; one level deep, as AsciiDoc nests tables
(no table opens in it), closed with the outer table if it is never closed itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# A cell's specifier: a factor, a column or row span, alignments, a style; only right before its bar, at the start of
# the line or after a space (`| 2+|`): "3|" after a bar is a cell's text.
_SPEC = re.compile(r"(?:^|(?<=\s))(?P<spec>(?:\d+\*)?(?:\d+(?:\.\d+)?\+|\.\d+\+)?(?:[<^>](?:\.[<^>])?|\.[<^>])?"
                   r"[adehlmsv]?)$")
_SPAN = re.compile(r"(?:(?P<factor>\d+)\*)?(?:(?P<columns>\d+)(?:\.\d+)?\+)?")
_COLS = re.compile(r"(?:(?P<times>\d+)\*)?[^,;]*")
_MAX_COLUMNS = 1_000  # a `cols` claiming more reads as this many
_NESTED = re.compile(r"!={3,}")  # a nested table's delimiter, in a cell of a table whose cells open with "|"
_ATTRIBUTES = re.compile(r"\[[^\[\]]*\]")  # a block attribute list (`[cols="2,1"]`), over a nested table
# a `cols` value: quoted, its commas its own; unquoted, up to the list's next comma (`cols=2*,options=header`)
_COLS_ATTRIBUTE = re.compile(r"""\bcols\s*=\s*(?:(?P<q>["'])(?P<quoted>[^"'\]]*)(?P=q)|(?P<cols>[^"',\]]*))""")
_FORMAT = re.compile(r"""\bformat\s*=\s*["']?(?P<format>psv|csv|dsv|tsv)\b""", re.IGNORECASE)
_SEPARATOR = re.compile(r"""\bseparator\s*=\s*(?:"(?P<double>[^"]*)"|'(?P<single>[^']*)'|(?P<bare>[^,\]\s]*))""")
_DELIMITERS = {"csv": ",", "dsv": ":", "tsv": "\t"}  # a format's own separator
Cells = list[tuple[str, int, int]]  # a row's cells: each one's text, where it starts and ends in the source


def listed_columns(attributes: str) -> int | None:
    """How many columns the `cols` of a block attribute list gives (`cols="2,1"` -> 2), None if it gives none."""
    cols = _COLS_ATTRIBUTE.search(attributes)
    return None if cols is None else columns(cols["quoted"] if cols["q"] else cols["cols"])


def table_format(delimiter: str, attributes: str) -> tuple[str, bool]:
    """The separator of a table opened by `delimiter` (`|===`'s "|", `,===`'s ",") under `attributes` (its attribute
    list, "" if none), and whether its cells are delimited (CSV, DSV, TSV) rather than opened by it (PSV)."""
    form = _FORMAT.search(attributes)
    kind = form["format"].lower() if form else {",": "csv", ":": "dsv"}.get(delimiter, "psv")
    found = _SEPARATOR.search(attributes)
    value = next((v for v in (found["double"], found["single"], found["bare"]) if v is not None), "") if found else ""
    value = "\t" if value == "\\t" else value
    default = _DELIMITERS.get(kind, delimiter if delimiter in "|!" else "|")
    return value if (len(value) == 1 and not value.isspace()) or value == "\t" else default, kind != "psv"


def columns(cols: str) -> int | None:
    """How many columns a `cols` attribute gives ("2,1,3" -> 3, "3*" -> 3, "1,2*" -> 3, "4" -> 4), None if none."""
    cols = cols.strip().strip('"')
    if not cols:
        return None
    if cols.isdigit():
        return max(1, min(int(cols), _MAX_COLUMNS))
    total = 0
    for spec in re.split(r"[,;]", cols):
        match = _COLS.match(spec.strip())
        total += int(match["times"]) if match and match["times"] else 1
    return min(total, _MAX_COLUMNS)


@dataclass
class _Cell:
    """A cell as its lines are read: the text of each of its lines, where it starts and ends in the source."""

    parts: list[str]
    start: int
    end: int
    nested: list[Cells] = field(default_factory=list)  # the rows of a table nested in it


@dataclass
class Table:
    """The rows of one table as its lines are read: `cells` each with its text and source offsets, a row ending
    when it holds `width` columns (found from the first line when `cols` gives none)."""

    separator: str
    width: int | None
    delimited: bool = False  # its lines all cells, split at its separator (CSV, DSV, TSV), none opened by a specifier
    rows: list[list[_Cell]] = field(default_factory=list)
    cells: list[_Cell] = field(default_factory=list)
    spans: int = 0  # the columns the cells of the row being read take
    inner: tuple[str, Table, _Cell] | None = None  # the table nested in a cell being read: its delimiter, the cell
    listed: tuple[str, int] | None = None  # an attribute list in a cell, the nested table's if one opens under it

    def line(self, raw: str, start: int) -> None:
        """Reads one line of the table's body, `start` its offset in the source (a blank line is none)."""
        if not raw.strip():
            return
        if self.inner is not None:
            if raw.strip() == self.inner[0]:
                self._close_inner()
            else:
                self.inner[1].line(raw, start)
            return
        cells = self.cells or (self.rows[-1] if self.rows else [])
        if self.separator == "|" and cells and _NESTED.fullmatch(raw.strip()):
            width = listed_columns(self.listed[0]) if self.listed else None
            self.inner, self.listed = (raw.strip(), Table("!", width), cells[-1]), None
            return
        listed, self.listed = self.listed, None
        if listed is not None:  # the attribute list over no nested table: a line of the cell's text
            self._cells(*listed)
        if self.separator == "|" and cells and _ATTRIBUTES.fullmatch(raw.strip()):
            self.listed = (raw, start)  # read once the next line shows whether it opens a nested table
            return
        self._cells(raw, start)

    def _cells(self, raw: str, start: int) -> None:
        """Reads a line of cells, or of the text of the cell it goes on."""
        cells = self.cells or (self.rows[-1] if self.rows else [])
        pieces = _split(raw, self.separator)
        if self.delimited:  # a CSV, DSV or TSV table's lines are all cells, which no specifier opens
            pieces = [("", 0, 0), *pieces]
        specs = ["" if self.delimited else _spec(text) for text, _, _ in pieces]
        lead_text, _, lead_end = pieces[0]
        lead = lead_text[:len(lead_text) - len(specs[0])].strip()
        if lead and cells:  # a cell's text going on on a line of its own, as long cells are laid out: its parts
            cells[-1].parts.append(lead)  # joined when the table closes, each line's cost its own
            cells[-1].end = start + lead_end - len(specs[0])
        for n, (text, begin, _) in enumerate(pieces[1:], 1):
            body = text[:len(text) - len(specs[n])] if n < len(pieces) - 1 else text
            stripped = body.strip()
            at = start + begin + len(body) - len(body.lstrip())
            self.cells.append(_Cell([stripped], at, at + len(stripped)))
            self.spans += _spans(specs[n - 1])
            if self.width is not None and self.spans >= self.width:
                self._row()
        if self.width is None and self.cells:  # the table's first line of cells: its count is the table's width
            self.width = self.spans
            self._row()

    def close(self) -> list[tuple[Cells, bool]]:
        """The table's rows, the last one's cells too where the table ends short of its width, each with whether it is
        a nested table's: the rows of a table nested in a cell right under the row holding it."""
        if self.inner is not None:
            self._close_inner()
        if self.listed is not None:
            self._cells(*self.listed)
            self.listed = None
        self._row()
        return [row for cells in self.rows for row in [
            ([(" ".join(cell.parts), cell.start, cell.end) for cell in cells], False),
            *((nested, True) for cell in cells for nested in cell.nested)]]

    def _close_inner(self) -> None:
        assert self.inner is not None
        _, table, cell = self.inner
        cell.nested += [cells for cells, _ in table.close()]
        self.inner = None

    def _row(self) -> None:
        if self.cells:
            self.rows.append(self.cells)
        self.cells, self.spans = [], 0


def _spec(text: str) -> str:
    """The specifier ending `text`, the piece of a line before a bar: "" if it ends with none."""
    match = _SPEC.search(text)
    return match["spec"] if match else ""


def _spans(spec: str) -> int:
    """The columns a cell of this specifier takes, for its row's count: `2+` two, `3*` three."""
    match = _SPAN.match(spec.strip())
    if match is None:
        return 1
    return int(match["columns"] or 1) * int(match["factor"] or 1)


def _split(raw: str, separator: str) -> list[tuple[str, int, int]]:
    """`raw` cut at each unescaped separator: the text before the first one, then each cell's, with their offsets in
    the line."""
    pieces: list[tuple[str, int, int]] = []
    begin = 0
    for match in re.finditer(rf"(?<!\\){re.escape(separator)}", raw):
        pieces.append((raw[begin:match.start()], begin, match.start()))
        begin = match.end()
    pieces.append((raw[begin:], begin, len(raw)))
    return pieces


__all__ = ["Table", "columns", "table_format"]
