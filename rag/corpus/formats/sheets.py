"""A spreadsheet's worksheets (.xlsx, .ods) read as their CSV exports are: each sheet's rows go through
`rag.corpus.formats.columns.table_sections`, so that an FAQ sheet (question, answer, category columns) gives one
section per row, its drafts left out and its other cells fields, exactly as the sheet saved as .csv does.

The readers of the formats (`rag.corpus.formats.xlsx`, `rag.corpus.formats.ods`) give each sheet's cells as text, as
the application shows them; this module writes them into one *extracted text*, which citations index, as a Word
document's (`Parsed.text`):
- each visible sheet with text in turn, in the workbook's order; where there are several, its name on a line first;
- each row of text a line (a cell holding line breaks makes it several), its non-empty cells joined by
  `CELL_SEPARATOR` (" | "), as a Word table's row; empty rows are left out of the text, and counted in the row
  numbers reports give (a spreadsheet's own);
- each cell's lines are cited exactly in it (a cell holding HTML at its elements, as in a .csv: `value_lines`).

Where a workbook has several sheets with text, each sheet's name heads its rows, a level above their categories
("Livraison" › "Quels sont les délais ?"), and a title row above a sheet's header heads them under its name; a row
without heading of its own is headed by its sheet. A row under a header whose one cell is merged across most of
the table's columns (a note under a price list, "Sérénité Plus : contrat Sérénité majoré de 60 %, ...") is a note,
a paragraph as written, not that cell's column's value (`rag.corpus.formats.columns.table_sections`): the readers
give each cell's merge (`Sheet.merge`). A sheet that cannot be read as a table (a header with no row
under it, a row of more than `MAX_COLUMNS` cells) is left out and reported, the others read; hidden sheets are left out
and reported, empty ones silently.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

from rag.corpus.formats.base import CELL_SEPARATOR, Parsed
from rag.corpus.formats.columns import Cell, table_sections
from rag.corpus.formats.csv import MAX_COLUMNS, value_lines

CELLS_MAX = 2_000_000  # cells with text in a workbook, all its sheets and repeats counted: far past an FAQ's


class Budget:
    """The cells with text a workbook may still hold, all its sheets together: `CELLS_MAX`, so that a few bytes
    repeating a cell a million times, or a sheet so repeated many times, are refused, not expanded. Spent as each
    cell is read, its sheet's part read as it inflates: a workbook past it is refused holding the cells before, not
    a tree of its sheet (2,000,005 cells took 1.4 GB read so). `what`: what it counts, if not cells (an .xlsx's
    shared strings)."""

    def __init__(self, what: str = "cells with text in the workbook, repeated rows and cells counted") -> None:
        self.left, self.what = CELLS_MAX, what

    def spend(self, cells: int) -> None:
        """Count `cells` more cells with text (or more of `what` the budget counts); raise `ValueError` past
        `CELLS_MAX`."""
        self.left -= cells
        if self.left < 0:
            raise ValueError(f"over {CELLS_MAX:,} {self.what} (a damaged or hostile file? a data matrix is no text "
                             "to search)")


@dataclass
class Sheet:
    """A worksheet's name and its rows of cells, as shown: `filled[r]` the sheet's row r (1-based) if it holds text,
    `filled[r][j]` its column j + 1 (empty cells included, trailing ones left out); the empty rows between are not
    stored, so that a cell at row 1,048,576 costs no million rows (`rows`). `across[r][j]`: how many columns the cell
    with text at row r, column j + 1 spans, merged with those right of it (`merge`: only such a cell's, so that the
    merges a file lists cost no more than its cells with text). `refused`: why the sheet cannot be read, found while
    reading it (a row too wide); `changes`, what its reader reports of it (a bound reached)."""

    name: str
    filled: dict[int, list[str]] = field(default_factory=dict)
    across: dict[int, dict[int, int]] = field(default_factory=dict)
    refused: str | None = None
    changes: list[str] = field(default_factory=list)

    def put(self, row: int, column: int, value: str) -> None:
        """Set the cell at 1-based `row` and `column` to `value`; a value past `MAX_COLUMNS` refuses the sheet."""
        if not value.strip():
            return
        if column > MAX_COLUMNS:
            self.refused = self.refused or (f"a cell in column {column:,} of row {row:,}: rag reads tables of at most "
                                            f"{MAX_COLUMNS:,} columns (a data matrix is no text to search)")
            return
        cells = self.filled.setdefault(row, [])
        cells.extend([""] * (column - len(cells)))  # in C: a row of one cell in column 1,000 pads 999
        cells[column - 1] = value

    def merge(self, row: int, column: int, columns: int) -> None:
        """Say that the cell at 1-based `row` and `column` is merged over `columns` columns from its own (a merged
        range's first cell, which holds its value): kept only where that cell holds text, at most `MAX_COLUMNS`."""
        cells = self.filled.get(row)
        if columns > 1 and cells is not None and 0 < column <= len(cells) and cells[column - 1]:
            self.across.setdefault(row, {})[column - 1] = min(columns, MAX_COLUMNS)

    @property
    def empty(self) -> bool:
        """Whether no cell of the sheet holds text."""
        return not self.filled

    def drain(self) -> Iterator[tuple[list[str], dict[int, int]]]:
        """The sheet's rows from its first, the empty ones between those with text included (as []), one at a
        time, each with the columns its merged cells span (`across`), let go of once given (the sheet is empty
        after), so that its cells are not held beside all the sections its rows become."""
        for number in range(1, max(self.filled, default=0) + 1):
            yield self.filled.pop(number, []), self.across.pop(number, {})


class _Text:
    """The extracted text, written a piece at a time."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.length = 0

    def write(self, piece: str) -> int:
        """Append `piece`; where it starts."""
        start = self.length
        self.pieces.append(piece)
        self.length += len(piece)
        return start


def _cells(values: Sequence[str], across: dict[int, int], text: _Text) -> list[Cell]:
    """A row's cells, their non-empty values written into `text` on one line and their lines cited there, each
    spanning the columns `across` gives it (one if none)."""
    cells, written = [], False
    for i, value in enumerate(values):
        if not value.strip():
            cells.append(Cell(value, ()))
            continue
        if written:
            text.write(CELL_SEPARATOR)
        start, written = text.write(value), True
        lines, _ = value_lines(value)
        cells.append(Cell(value, tuple(replace(line, start=line.start + start, end=line.end + start)
                                       for line in lines), across.get(i, 1)))
    if written:
        text.write("\n")
    return cells


def parse_sheets(sheets: Sequence[Sheet], kind: str, title: str | None = None, hidden: Sequence[str] = (),
                 others: Sequence[str] = ()) -> Parsed:
    """The sections of a workbook's visible `sheets`, as the module's docstring says, of a file of suffix `kind`;
    `title` the one its properties give, `hidden` the names of the hidden sheets left out, `others` those of the
    visible sheets that hold no cells (chart sheets, dialog sheets, macro sheets), reported too. Raises `ValueError`
    when no sheet gives a section."""
    shown = [sheet for sheet in sheets if not sheet.empty]
    if not shown:
        visible, why = "visible " if hidden else "", f" ({_hidden(hidden)})" if hidden else ""
        if others and not sheets:
            raise ValueError(f"no text found: the {kind} holds no {visible}sheet of cells, only chart, dialog or "
                             f"macro sheets ({_listed(others)}){why}")
        raise ValueError(f"no text found: every {visible}sheet of the {kind} is empty{why}")
    several = len(shown) > 1
    text, sections, changes, refused = _Text(), [], [], []
    for sheet in shown:
        if several:
            text.write(sheet.name + "\n")
        # a row's cells made as the table reads it, dropped once its section is made: 2,000,000 cells held as
        # cells beside their sections took 816 MiB; every row written into the text, a sheet refused's too
        rows = (_cells(values, across, text) if values else () for values, across in sheet.drain())
        try:
            if sheet.refused:
                raise ValueError(sheet.refused)
            parsed = table_sections(rows)
        except ValueError as exc:
            refused.append(f"sheet {sheet.name!r} left out: {exc}" if several else str(exc))
            continue
        finally:
            deque(rows, maxlen=0)
        if several:
            above = (sheet.name, *([parsed.title] if parsed.title else []))
            for section in parsed.sections:
                if section.heading is None:
                    section.heading, section.parents = above[-1], above[:-1]
                else:
                    section.parents = (*above, *section.parents)
            changes += [f"sheet {sheet.name!r}: {change}" for change in (*sheet.changes, *parsed.changes)]
        else:
            title, changes = title or parsed.title, [*sheet.changes, *parsed.changes]
        sections += parsed.sections
    if not sections:
        raise ValueError(refused[0])
    if others:
        changes.append(f"{len(others):,} chart, dialog or macro sheet{'s' if len(others) > 1 else ''} not read "
                       f"({_listed(others)})")
    if hidden:
        changes.append(_hidden(hidden))
    return Parsed(sections, title=title, text="".join(text.pieces), blocks=True, changes=[*refused, *changes])


def _hidden(names: Sequence[str]) -> str:
    """What the ingest reports of the hidden sheets `names`, left out."""
    return f"{len(names):,} hidden sheet{'s' if len(names) > 1 else ''} left out ({_listed(names)})"


def _listed(names: Sequence[str]) -> str:
    return ", ".join(repr(name) for name in names[:5]) + (", ..." if len(names) > 5 else "")


__all__ = ["CELLS_MAX", "Budget", "Sheet", "parse_sheets"]
