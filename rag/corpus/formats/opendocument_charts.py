"""An OpenDocument text's or presentation's charts (Insert › Chart in Writer or Impress), read as an Office
document's are (`rag.corpus.formats.charts`): its title, its axes' titles, its series' names and a row for each
category with its values ("Colissimo | 2024: 42 | 2025: 35"). A chart is an embedded object: the frame showing it
(`draw:frame`) names it (`draw:object xlink:href="./Object 1"`), and its words and numbers live in the object's own
part (`Object 1/content.xml`: `office:chart`'s `chart:chart`), which the document's body does not show.

The object's data is its local table (`table:table` in `chart:chart`, LibreOffice's "local-table"): its first row
names the series (the corner cell empty), each other row a category, its first column's label, then a value per
series. A series (`chart:series`) takes its values from the cells its `chart:values-cell-range-address` names
("local-table.$B$2:.$B$5": column B, rows 2 to 5), its name from `chart:label-cell-address` (else its column's first
row), its categories from `chart:categories` (else the first column). A chart drawn from a spreadsheet's cells names
them ("Feuille1.B2:Feuille1.B5"): the local table keeps a copy, the first cell of each copied range marked with it
(`svg:desc`), which finds its column. A value is the cell's text as the table keeps it ("42", "0.25"). A scatter
chart's series gives its points, "x → y", its x values those of its `chart:domain`, else of the first series'
(LibreOffice writes a domain once, for the first of the series sharing it); a bubble chart's, "x → y (size)", its
values the sizes, its first domain the y values and its second the x, else the first series'. An x or a y so shared
is read at the value's position along its range, and only if it is short (`_SHARED_MAX`): a long text is no number a
chart plots, and thousands of series naming it would each copy it.

A chart object named twice is read once (a small file naming one object thousands of times would give its text as
many times); one that is missing, not well-formed or holds no chart (a formula, a drawing) is left out, the document
read as before; one declaring entities refuses the file, as any part does (`rag.corpus.formats.archive.check_elements`).
The table is read once, its cells by column (a row or a cell repeated, `table:number-rows-repeated`, read once at its
first place), each column once whatever the series naming it: a range declaring millions of rows reads the cells
there are."""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from itertools import islice
from xml.etree import ElementTree

from rag.corpus.formats.archive import xml_part
from rag.corpus.formats.charts import Series, lines
from rag.corpus.formats.opendocument import repeated
from rag.corpus.formats.opendocument_numbers import DataStyles

_ODF = "urn:oasis:names:tc:opendocument:xmlns:"
_OFFICE, _DRAW, _TEXT, _TABLE, _CHART, _SVG = (
    f"{{{_ODF}{name}:1.0}}" for name in ("office", "drawing", "text", "table", "chart", "svg-compatible"))
_HREF = "{http://www.w3.org/1999/xlink}href"
_NUMERIC = {"float", "percentage", "currency"}  # a cell whose value is a number its data style shows
_ROW, _CELLS = f"{_TABLE}table-row", {f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"}
_ROW_GROUPS = {f"{_TABLE}{tag}" for tag in ("table-header-rows", "table-rows", "table-row-group")}
# a cell's reference after its table's name and a dot (".$B$2", ".C7"): a match starts at a dot only and reads at
# most a dozen characters, so that a search is linear in the attribute's length
_REFERENCE = re.compile(r"\.\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")
# an x or a y value longer than this is no number a chart plots: left out, not copied into every series sharing it
_SHARED_MAX = 100
_REPEATED_MAX = 1 << 20  # a row or cell repeated more than this is read as so many (Calc's sheets hold 1,048,576 rows)
Place = tuple[int, int, int, int]  # a range of a local table: its first column and row, its last column and row


def _cell(reference: re.Match[str]) -> tuple[int, int]:
    """A cell's column and row from its reference ("B2": 1, 2; rows counted from 1, columns from 0)."""
    column = 0
    for letter in reference.group(1).upper():
        column = column * 26 + ord(letter) - 64
    return column - 1, int(reference.group(2))


class _Table:
    """A chart's local table: its cells' texts by column then row and by row then column (rows counted from 1, as the
    ranges count them; a number's its value, `office:value`), the cells holding numbers, shown as `styles` show them,
    and the cell where each marked range starts (`svg:desc`, a spreadsheet's range copied)."""

    def __init__(self, table: ElementTree.Element | None, styles: DataStyles) -> None:
        self.name = "" if table is None else table.get(f"{_TABLE}name", "")
        self.styles = styles
        self.columns: dict[int, dict[int, str]] = {}
        self.rows: dict[int, dict[int, str]] = {}
        self.numbers: set[tuple[int, int]] = set()  # (column, row)
        self.marked: dict[str, tuple[int, int]] = {}
        row = 1
        for element in () if table is None else self._rows(table):
            column = 0
            for cell in element:
                if cell.tag not in _CELLS:
                    continue
                text = " ".join(" ".join("".join(p.itertext()) for p in cell.iterfind(f"{_TEXT}p")).split())
                value = cell.get(f"{_OFFICE}value", "").strip()
                if cell.get(f"{_OFFICE}value-type") in _NUMERIC and value:
                    text = value
                    self.numbers.add((column, row))
                if text := text or value:
                    self.columns.setdefault(column, {})[row] = self.rows.setdefault(row, {})[column] = text
                for mark in cell.iterfind(f"{_DRAW}g/{_SVG}desc"):
                    self.marked.setdefault((mark.text or "").strip(), (column, row))
                column += repeated(cell, "number-columns-repeated", _REPEATED_MAX)
            row += repeated(element, "number-rows-repeated", _REPEATED_MAX)

    @staticmethod
    def _rows(table: ElementTree.Element) -> Iterator[ElementTree.Element]:
        """The table's rows in order, those of its row groups (header rows, rows) in theirs."""
        stack = list(reversed(table))
        while stack:
            element = stack.pop()
            if element.tag == _ROW:
                yield element
            elif element.tag in _ROW_GROUPS:
                stack += reversed(element)

    def place(self, address: str | None) -> Place | None:
        """Where the first range `address` names is in this table: by its letters and numbers if it names this table
        (or none), else where its copy is marked (a spreadsheet's range); None if neither."""
        address = (address or "").strip()
        first = _REFERENCE.search(address)
        if first is None:
            return None
        last = _REFERENCE.search(address, first.end()) if address[first.end():first.end() + 1] == ":" else None
        last = last or first
        (column, row), (to_column, to_row) = _cell(first), _cell(last)
        if address[:first.start()].strip("'").replace("''", "'") not in (self.name, ""):
            mark = self.marked.get(address[:last.end()])
            if mark is None:
                return None
            (column, row), (to_column, to_row) = mark, (mark[0] + to_column - column, mark[1] + to_row - row)
        return min(column, to_column), min(row, to_row), max(column, to_column), max(row, to_row)

    def shown(self, column: int, row: int, text: str, style: str | None) -> str:
        """A cell's text, a number as data style `style` shows it (`DataStyles.shown`)."""
        return self.styles.shown(text, style) if (column, row) in self.numbers else text

    def line(self, place: Place, style: str | None = None) -> tuple[tuple[bool, int], dict[int, str]]:
        """The cells' texts of `place`, a column's by row or a row's by column (a range across columns), numbers as
        data style `style` shows them, and which line of the table they are (a column or a row, its index)."""
        column, row, to_column, to_row = place
        if column == to_column:
            return (True, column), {at: self.shown(column, at, text, style)
                                    for at, text in self.columns.get(column, {}).items() if row <= at <= to_row}
        return (False, row), {at: self.shown(at, row, text, style)
                              for at, text in self.rows.get(row, {}).items() if column <= at <= to_column}

    def at(self, place: Place, k: int, style: str | None) -> str:
        """The text of the `k`th cell along `place` (counted from 0: down a range in a column, across one in a row),
        a number as data style `style` shows it, "" outside it or over `_SHARED_MAX` characters: looked up, not read
        along, so that series sharing their x values cost their own points, and a long text several series share is
        not copied into each's points."""
        column, row, to_column, to_row = place
        if column == to_column:
            column, row = column, row + k if row + k <= to_row else -1
        else:
            column, row = column + k if column + k <= to_column else -1, row
        text = self.columns.get(column, {}).get(row, "")
        return self.shown(column, row, text, style) if len(text) <= _SHARED_MAX else ""

    def text(self, place: Place | None) -> str:
        """The text of the cell at `place`'s start."""
        return "" if place is None else self.columns.get(place[0], {}).get(place[1], "")


def _text(element: ElementTree.Element | None) -> str:
    """A title's paragraphs' text, white space collapsed."""
    return "" if element is None else " ".join(
        " ".join("".join(p.itertext()) for p in element.iterfind(f"{_TEXT}p")).split())


def chart_lines(content: ElementTree.Element, styles: ElementTree.Element | None = None) -> list[tuple[str, bool]]:
    """The lines of an OpenDocument chart object's content (its `office:document-content`), each (text, a list item),
    as `rag.corpus.formats.charts.lines` gives them, numbers as their data styles show them (those of `content` and
    of `styles`, the object's styles.xml); none if it holds no chart."""
    chart = content.find(f"{_OFFICE}body/{_OFFICE}chart/{_CHART}chart")
    if chart is None:
        return []
    data = DataStyles(content, styles)
    table = _Table(chart.find(f"{_TABLE}table"), data)
    plot = chart.find(f"{_CHART}plot-area")
    axes = [] if plot is None else plot.findall(f"{_CHART}axis")
    # each axis's data style by its name, and the first x and y axes' (a series attached to none, the categories)
    by_axis = {axis.get(f"{_CHART}name", ""): data.data_style(axis.get(f"{_CHART}style-name")) for axis in axes}
    x_style, y_style = (next((data.data_style(axis.get(f"{_CHART}style-name")) for axis in axes
                              if axis.get(f"{_CHART}dimension") == dimension), None) for dimension in "xy")
    titles = [_text(chart.find(f"{_CHART}title")), _text(chart.find(f"{_CHART}subtitle")),
              *(_text(axis.find(f"{_CHART}title")) for axis in axes)]
    shared = None if plot is None else plot.find(f"{_CHART}axis/{_CHART}categories")  # the axis's, placed once
    shared_place = None if shared is None else table.place(shared.get(f"{_TABLE}cell-range-address"))
    every, read = [], set()
    # the first series' domains (a scatter chart's x values; a bubble chart's y, then x): a series without its own
    # plots against them, as LibreOffice writes a domain once, for the first of the series sharing it
    first: list[Place | None] = [None, None]
    for series in [] if plot is None else plot.iterfind(f"{_CHART}series"):
        own = [table.place(domain.get(f"{_TABLE}cell-range-address"))
               for domain in islice(series.iterfind(f"{_CHART}domain"), 2)]
        domains = [own[n] if n < len(own) else first[n] for n in range(2)]
        first = [first[n] if first[n] is not None or n >= len(own) else own[n] for n in range(2)]
        place = table.place(series.get(f"{_CHART}values-cell-range-address"))
        if place is None:
            continue
        y = by_axis.get(series.get(f"{_CHART}attached-axis", "")) or y_style
        (by_column, at), values = table.line(place, data.data_style(series.get(f"{_CHART}style-name")) or y)
        if (by_column, at) in read:  # a line of the table read once, whatever the series naming it
            continue
        read.add((by_column, at))
        start = place[1] if by_column else place[0]  # a value's position along its range: its x's, its y's
        name = table.text(table.place(series.get(f"{_CHART}label-cell-address"))) or table.text(
            (at, 1, at, 1) if by_column else (0, at, 0, at))
        names = [name] if name else []
        kind = series.get(f"{_CHART}class") or chart.get(f"{_CHART}class")
        xs, ys = (domains[1], domains[0]) if kind == "chart:bubble" else (domains[0], None)
        if kind == "chart:bubble":  # its values are its bubbles' sizes, its y and x in its domains
            every.append(Series(names, [], [], {}, [] if xs is None or ys is None else [
                f"{x} → {y} ({size})" for n, size in sorted(values.items())
                if (x := table.at(xs, n - start, x_style)) and (y := table.at(ys, n - start, y_style))]))
        elif kind == "chart:scatter" and xs is not None:
            every.append(Series(names, [], [], {}, [f"{x} → {value}" for n, value in sorted(values.items())
                                                     if (x := table.at(xs, n - start, x_style))]))
        else:
            own_categories = series.find(f"{_CHART}categories")
            found = shared_place if own_categories is None else table.place(
                own_categories.get(f"{_TABLE}cell-range-address"))
            # the categories along the values: for values in a column, the column named (else the first), for
            # values in a row, the row named (else the first)
            if by_column:
                line = found[0] if found is not None and found[0] == found[2] else 0
                categories = table.columns.get(line, {})
            else:
                line = found[1] if found is not None and found[1] == found[3] else 1
                categories = table.rows.get(line, {})
            # a label read where a value is (not the whole line for each series: many series share one)
            labels = [(n, table.shown(line, n, categories[n], x_style) if by_column else
                       table.shown(n, line, categories[n], x_style)) for n in sorted(values) if n in categories]
            every.append(Series(names, [text for _, text in labels], labels, values))
    return lines(titles, every)


class Objects:
    """The charts the frames of an OpenDocument file (`archive`, of suffix `kind`) show, each object read once; those
    of a flat file (`archive` None) inline, each its own office:document in its frame's draw:object."""

    def __init__(self, archive: zipfile.ZipFile | None, kind: str) -> None:
        self._archive, self._kind = archive, kind
        self._read: set[str] = set()

    def lines(self, frame: ElementTree.Element) -> list[tuple[str, bool]]:
        """The lines of the chart `frame` (a `draw:frame`) shows, each (text, a list item), or of those the frames
        of its text box's paragraphs show (Writer's captioned object: a frame whose text box holds the object's
        frame and its caption, "Figure 1: ..."); none if it shows no chart, or one read before, missing, not
        well-formed or outside the package."""
        if frame.find(f"{_DRAW}object") is None:
            return [line for inner in frame.iterfind(f"{_DRAW}text-box/{_TEXT}p/{_DRAW}frame")
                    for line in self._shown(inner)]
        return self._shown(frame)

    def _shown(self, frame: ElementTree.Element) -> list[tuple[str, bool]]:
        """The lines of the object `frame` names itself (its `draw:object`), read once."""
        shown = frame.find(f"{_DRAW}object")
        if self._archive is None:  # a flat file's: each frame holds its own
            inline = None if shown is None else shown.find(f"{_OFFICE}document")
            return [] if inline is None else chart_lines(inline)
        href = "" if shown is None else shown.get(_HREF, "")
        part = posixpath.normpath(posixpath.join(href, "content.xml")) if href else ""
        if (not part or part.startswith(("../", "/")) or part == "content.xml" or part in self._read
                or part not in self._archive.NameToInfo):
            return []
        self._read.add(part)
        styles = posixpath.join(posixpath.dirname(part), "styles.xml")
        try:
            content = xml_part(self._archive, part, self._kind)
        except ValueError:
            return []
        try:
            common = xml_part(self._archive, styles, self._kind) if styles in self._archive.NameToInfo else None
        except ValueError:  # a damaged styles.xml: the numbers as the table keeps them
            common = None
        return chart_lines(content, common)

__all__ = ["Objects", "chart_lines"]
