"""A PDF's tables, found where its text is drawn: rows of cells, as the HTML and Word readers give them.

A PDF has no table, only pieces of text drawn where a layout puts them. pypdf's plain text puts the pieces of one
line side by side, a space apart, so a table's cells run together ("Pro 24,90 € 1,20 % 2,50 %") and a cell wrapped
onto a second line becomes a line of its own, apart from its row. Where each piece is drawn is read with pypdf's
layout reader (`pypdf._text_extraction._layout_mode`: each text-showing operator with the x where it starts and
ends and its baseline), pypdf's own code, whose failure on any page (a change of that internal API, a font it cannot
measure) leaves the page's text as the plain reader gives it, as before.

On a page, the pieces on one baseline split where a gap wider than two spaces stands between them: the line's
segments. A table is a run of lines, one under the other no more than two font heights apart, whose segments stand
in columns: its first line, of two segments or more, sets them; each later line's segments must each
lie within one column, between the columns beside it (a paragraph across the columns ends the table). A line with a
segment in the first column and one in another opens a row; any other line (a wrapped cell, in its column) goes on
with the row above, a wrapped header row included; after the last row, a line in the first column alone ends the
table (the paragraph below it), unless it stands closer to the line above than rows stand apart (`_last`: that
row's wrapped first cell). A table has a header row and two rows at least, and none of these:
- columns of prose (a page in two or three columns): every column reads as prose (`_prose`: most of its lines fill
  its width, or a third of its cells hold two lines or more, or a quarter run on into the next row's, no sentence
  end and the next in lower case), where a table has a column of labels, codes or amounts, one line each;
- a phrase running on from a row into the next: a cell ending on an article, a preposition or a conjunction
  (`line_shapes.ends_open`) over the next row's going on in lower case ("Pensez à" over "indiquer"), as a paragraph
  beside a block of short lines (an address) does, which a table's cells never do;
- lines framed by text in its columns: a line right above or below (within three font heights) with a segment
  within one of its columns but the first (`_within`), as the lines of prose columns around a few that line up;
- lines drawn down one column, then down the next (as most producers write a page in columns): a table's rows are
  drawn one after the other, each row's pieces before the next row's;
- a list: its first column holds only bullets or numbers ("•", "1.", "a)") before its items' text.
Measured on prose set in columns (`scripts.eval.pdf_tables --prose`, docs/CORPUS_AND_INDEX.md): none read as a table
where the columns are written one after the other, nor (2,640 pages) where they are written line by line across.
A table whose rows each wrap in the first column and another reads as prose by these rules, and stays plain lines.
A row is its cells' texts (a cell's lines joined, a word hyphenated at a line's end joined where the next line goes on
in lower case; a word drawn in pieces as the plain text joins them), joined by `CELL_SEPARATOR`; it is cited at the
plain text's span from its first piece to its last. A table cut by a page break is one (`continued`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from itertools import pairwise
from statistics import median
from typing import Any

from rag.corpus.formats.base import CELL_SEPARATOR, Line
from rag.corpus.formats.line_shapes import ends_open
from rag.passage import ends_sentence

_GAP = 2.0  # spaces between two pieces of a line from which they are two segments (a table's cells, columns)
_LEADING = 2.0  # font heights between two lines' baselines beyond which a table ends
_FRAME = 3.0  # font heights within which the lines right above and below a table are its frame (`_within`)
# A column of prose: its lines fill its width, most of them (`_FILLED` of its widest line or more) and are words, not
# codes or amounts (`_WORDS` characters or more, the median); a table has a column that is not, of labels or amounts
_FILLED = 0.7
_FILLED_SHARE = 2 / 3
_WORDS = 12
# of a column's cells over two lines or more, from which it is prose (a table has a column of one-line cells)
_WRAPPED = 1 / 3
_RUNS_ON = 0.25  # of a column's lines running on into the next, from which it is prose (a table's cells do not)
_MARK = re.compile(r"[•·▪◦*\-–—]|\(?(?:\d{1,3}|[a-zA-Z]|[ivxIVX]{1,4})[.)]")  # a list item's mark alone
_MIN_ROWS = 2  # rows under the header row
_CLOSER = 0.9  # of the rows' pitch, under which a line in the first column alone after the last row is that row's


@dataclass
class _Piece:
    """A piece of text as drawn: from x0 to x1 on the baseline y, in a font `height` high, whose space is `space`
    wide (points)."""

    text: str
    x0: float
    x1: float
    y: float
    height: float
    space: float
    start: int = -1  # where it stands in the page's plain text
    end: int = -1


@dataclass
class _Segment:
    """Pieces of a line, a space or two apart: a table's cell on that line, or a column's line."""

    pieces: list[_Piece]

    @property
    def x0(self) -> float:
        return self.pieces[0].x0

    @property
    def x1(self) -> float:
        return self.pieces[-1].x1

    @property
    def text(self) -> str:
        """Its pieces' texts, a space between two unless the plain text runs one on into the other (a word drawn in
        pieces, kerned between its letters, as TeX and word processors draw them)."""
        return "".join(("" if n == 0 or 0 <= piece.start == self.pieces[n - 1].end else " ") + piece.text.strip()
                       for n, piece in enumerate(self.pieces))


@dataclass
class Row:
    """A table row: its cells' texts (the empty ones left out, as the HTML and Word readers leave them), and its span
    in the page's plain text."""

    cells: list[str]
    start: int
    end: int
    opens: bool = False  # the table's first row
    columns: int = 0  # the table's

    @property
    def text(self) -> str:
        return CELL_SEPARATOR.join(self.cells)


@dataclass
class _Table:
    """Lines in columns, one under the other, as they are read."""

    columns: list[list[float]]  # each column's x range so far
    lines: list[list[tuple[int, _Segment]]] = field(default_factory=list)  # each line's segments by column
    ys: list[float] = field(default_factory=list)  # each line's baseline
    opens: list[bool] = field(default_factory=list)  # whether each line opens a row (`_opens`)


def pieces(page: Any) -> list[_Piece] | None:
    """The page's pieces of text where they are drawn, in the order drawn; None where pypdf cannot tell."""
    try:
        from pypdf._text_extraction._layout_mode import _fixed_width_page as layout
        from pypdf.generic import ArrayObject, ContentStream, StreamObject

        contents = page.get("/Contents")
        contents = contents.get_object() if contents is not None else None
        if not isinstance(contents, (ArrayObject, StreamObject)):
            return []
        fonts = page._layout_mode_fonts()
        ops = iter(ContentStream(contents, page.pdf, "bytes").operations)
        state = layout.TextStateManager()
        shown: list[Any] = []
        for operands, op in ops:
            if op in (b"BT", b"q"):
                shown += layout.recurse_to_target_op(ops, state, b"ET" if op == b"BT" else b"Q", fonts)[1]
            elif op == b"Tf":
                layout.set_font_operation(state, fonts, operands)
            else:
                state.set_state_param(op, operands)
        return [_Piece(tj.text, float(tj.tx), float(tj.displaced_tx), float(tj.ty), float(tj.font_height),
                       float(tj.space_tx) * abs(float(tj.transform[0])) or float(tj.font_height) / 4)
                for tj in shown if tj.text.strip() and not tj.rotated and tj.font.interpretable]
    except Exception:  # an internal API changed, a font it cannot measure: the page's tables are not known
        return None


def _placed(found: list[_Piece], text: str) -> bool:
    """Each piece's span in the page's plain text, which holds them in the order drawn; False if one is missing."""
    cursor = 0
    for piece in found:
        body = piece.text.strip()
        at = text.find(body, cursor)
        if at < 0:
            return False
        piece.start, piece.end = at, at + len(body)
        cursor = piece.end
    return True


def _lines(found: list[_Piece]) -> list[list[_Segment]]:
    """The page's lines from its top, each its segments from the left."""
    rows: list[list[_Piece]] = []
    for piece in sorted(found, key=lambda piece: -piece.y):
        if rows and abs(rows[-1][0].y - piece.y) < 0.5 * max(piece.height, 1.0):
            rows[-1].append(piece)
        else:
            rows.append([piece])
    out: list[list[_Segment]] = []
    for row in rows:
        segments: list[_Segment] = []
        for piece in sorted(row, key=lambda piece: piece.x0):
            if segments and piece.x0 - segments[-1].x1 <= _GAP * piece.space:
                segments[-1].pieces.append(piece)
            else:
                segments.append(_Segment([piece]))
        out.append(segments)
    return out


def _fit(table: _Table, segments: list[_Segment]) -> list[tuple[int, _Segment]] | None:
    """Each segment's column, when each lies within one, clear of the columns beside it; None otherwise."""
    columns = table.columns
    placed: list[tuple[int, _Segment]] = []
    for segment in segments:
        overlapping = [n for n, (x0, x1) in enumerate(columns) if segment.x0 < x1 and segment.x1 > x0]
        if len(overlapping) > 1:
            return None
        if overlapping:
            n = overlapping[0]
        else:  # in a gap: the column it stands right of, if it reaches no further than the next one's start
            n = max((k for k, (x0, _) in enumerate(columns) if x0 <= segment.x0), default=-1)
            if n < 0:
                return None
        if placed and placed[-1][0] >= n:
            return None
        placed.append((n, segment))
    for n, segment in placed:
        columns[n] = [min(columns[n][0], segment.x0), max(columns[n][1], segment.x1)]
    return placed


def _opens(line: list[tuple[int, _Segment]]) -> bool:
    """Whether a table's line opens a row: a segment in its first column, and one in another."""
    return len(line) > 1 and line[0][0] == 0


def _tables(lines: list[list[_Segment]], heights: list[float], ys: list[float]) -> list[list[Row]]:
    """The rows of the tables among a page's lines (from its top; each line's font height and baseline)."""
    out: list[list[Row]] = []
    n = 0
    while n < len(lines):
        if len(lines[n]) < 2:
            n += 1
            continue
        table = _Table([[segment.x0, segment.x1] for segment in lines[n]], [list(enumerate(lines[n]))], [ys[n]])
        end = n + 1
        while end < len(lines) and ys[end - 1] - ys[end] <= _LEADING * heights[end]:
            placed = _fit(table, lines[end])
            if placed is None:
                break
            table.lines.append(placed)
            table.ys.append(ys[end])
            end += 1
        table.opens = [k == 0 or _opens(line) for k, line in enumerate(table.lines)]
        kept = _last(table)
        del table.lines[kept:], table.ys[kept:], table.opens[kept:]
        if sum(table.opens) < 1 + _MIN_ROWS:
            n += 1  # too short: a table may start on the next line (under a line of two parts, a running header)
            continue
        below = n + len(table.lines)
        framed = [k for k in (n - 1, below) if 0 <= k < len(lines) and
                  abs(ys[k] - ys[k + 1 if k < n else k - 1]) <= _FRAME * heights[max(k, n)]]
        rows = _rows(table) if _accepted(table) and not any(_within(table, lines[k]) for k in framed) else []
        if all(a.end <= b.start for a, b in pairwise(rows)):  # drawn row by row, not down a column then the next
            out.append(rows)
        n += len(table.lines)  # a table, or prose or a list in columns: none starts within it
    return out


def _within(table: _Table, line: list[_Segment]) -> bool:
    """Whether a line right above or below a table has a segment within one of its columns but the first: text
    going on in its columns, which a table's own lines do not frame (a paragraph, a caption in the first column)."""
    columns = table.columns
    return any(columns[k][0] - _GAP * segment.pieces[0].space <= segment.x0 and
               (k + 1 == len(columns) or segment.x1 < columns[k + 1][0])
               for segment in line for k in range(1, len(columns)))


def _last(table: _Table) -> int:
    """How many of a table's lines are its own: after its last row's opening line, a line in the first column alone
    is the text below it unless it stands closer to the line above than any row's opening line to the line above
    it (the row's wrapped first cell, in a table whose rows are set apart by more than its lines)."""
    opening = [k for k, opens in enumerate(table.opens) if opens]
    ys = table.ys
    pitch = min((ys[k - 1] - ys[k] for k in opening if k), default=0.0)
    for k in range(opening[-1] + 1, len(table.lines)):
        if not any(column for column, _ in table.lines[k]) and ys[k - 1] - ys[k] >= _CLOSER * pitch:
            return k
    return len(table.lines)


def _accepted(table: _Table) -> bool:
    """Whether lines in columns, a header row and two rows at least, are a table: not a list, nor prose."""
    rows = _cells(table)
    columns = [[cells[n] for cells in rows if cells[n]] for n in range(len(table.columns))]
    if all(_MARK.fullmatch(segment.text) for cell in columns[0] for segment in cell):
        return False  # a list: bullets or numbers before its items
    if any(a and b and ends_open(a[-1].text) and b[0].text[:1].islower() for n in range(len(columns))
           for a, b in pairwise(cells[n] for cells in rows)):
        return False  # a phrase runs on from a row into the next ("Pensez à" over "indiquer"): a column of prose
    return not all(_prose(cells) for cells in columns if cells)


def _prose(cells: list[list[_Segment]]) -> bool:
    """Whether a column's cells (each its segments, row after row) read as a column of prose: lines of words that
    fill its width, or cells that run on into the next row's (no sentence end, the next in lower case) as often as
    `_RUNS_ON` of them; a cell's own lines running on (a wrapped cell) do not count."""
    segments = [segment for cell in cells for segment in cell]
    widest = max(segment.x1 - segment.x0 for segment in segments)
    filled = sum(segment.x1 - segment.x0 >= _FILLED * widest for segment in segments)
    if filled >= _FILLED_SHARE * len(segments) and median(len(segment.text) for segment in segments) >= _WORDS:
        return True
    runs = sum(not ends_sentence(a[-1].text) and b[0].text[:1].islower() for a, b in pairwise(cells))
    return runs >= max(_RUNS_ON * (len(cells) - 1), 1) or sum(len(cell) > 1 for cell in cells) >= _WRAPPED * len(cells)


def _cell(parts: list[str]) -> str:
    """A cell's lines as one text: a word hyphenated at a line's end joined, as the plain text joins it."""
    text = ""
    for part in parts:
        part = " ".join(part.split())
        if text.endswith("-") and text[-2:-1].isalpha() and part[:1].islower():
            text = text[:-1] + part
        else:
            text = f"{text} {part}" if text else part
    return text


def _cells(table: _Table) -> list[list[list[_Segment]]]:
    """A table's rows, each its cells' segments: a row is a line that opens one with the lines under it that do not
    (its wrapped cells)."""
    rows: list[list[list[_Segment]]] = []
    for line, opens in zip(table.lines, table.opens, strict=True):
        if opens or not rows:
            rows.append([[] for _ in table.columns])
        for column, segment in line:
            rows[-1][column].append(segment)
    return rows


def _rows(table: _Table) -> list[Row]:
    """A table's rows, cited from their first piece to their last."""
    rows: list[Row] = []
    for cells in _cells(table):
        spans = [piece for cell in cells for segment in cell for piece in segment.pieces]
        texts = [_cell([segment.text for segment in cell]) for cell in cells]
        rows.append(Row([text for text in texts if text], min(p.start for p in spans), max(p.end for p in spans),
                        opens=not rows, columns=len(table.columns)))
    return rows


def table_rows(page: Any, text: str) -> list[Row]:
    """The rows of the tables on a page whose plain text is `text`, in their order, spans in `text`; none where
    pypdf cannot tell where its text stands, or where their spans in the text would overlap."""
    found = pieces(page)
    if not found or not _placed(found, text):
        return []
    lines = _lines(found)
    heights = [max(segment.pieces[0].height for segment in line) for line in lines]
    ys = [line[0].pieces[0].y for line in lines]
    rows = [row for table in _tables(lines, heights, ys) for row in table]
    rows.sort(key=lambda row: row.start)
    if any(a.end > b.start for a, b in pairwise(rows)):
        return []
    return rows


def continued(lines: list[Line], page_starts: list[int], columns: dict[int, int]) -> list[Line]:
    """The lines of a PDF's text (`Line.opens_table`: a table's first row) with a table going on from one page to
    the next read as one: a page whose first line is a table's first row, after a page whose last line is a row of a
    table of as many columns (`columns`: each row's, by its start), goes on with that table unless it repeats its
    header row; its first row heads nothing, as the page before's header row heads its rows (a word processor's
    table cut by a page break: "Allemagne | J+1 | 2,60 €" at the top of page 2 is no header of the rows under it)."""
    out: list[Line] = []
    header: Line | None = None
    for line in lines:
        if line.opens_table:
            before = out[-1] if out else None
            if header is not None and before is not None and before.item and line.text != header.text and \
                    columns.get(line.start) == columns.get(header.start) and \
                    bisect_right(page_starts, before.start) < bisect_right(page_starts, line.start):
                line = replace(line, opens_table=False)
            else:
                header = line
        out.append(line)
    return out


__all__ = ["Row", "continued", "table_rows"]
