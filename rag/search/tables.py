"""Tables in a passage: runs of two rows or more, a row being a line of cells (joined by " | " by the HTML and Word
readers, or a Markdown row starting with a bar). The first row of a run heads it: it names the columns, so a row
answers with its header's words too ("Wie viel Zuschlag gibt es am Sonntag?" of a row "Sonntag | 50 %" under
"Stufe | Zuschlag"), and an answer drawn from a table shows the header above its row (`snippets.excerpt`).

A table cut by chunking is headed by its first row in the passage. A lone line holding a bar (a shell pipeline, a
search syntax "apple | orange") is not a table.
"""

from __future__ import annotations

from rag.corpus.formats.base import CELL_SEPARATOR


def is_row(line: str) -> bool:
    """Whether `line` reads as a table row: cells joined by `CELL_SEPARATOR`, or a Markdown row."""
    body = line.strip()
    return CELL_SEPARATOR in body or (body.startswith("|") and body.endswith("|") and len(body) > 1)


def heads(lines: list[str]) -> list[int | None]:
    """For each of `lines`, the index of the line that heads its table (the table's first row, itself included);
    None for a line outside a table (not a row, or a row with no row next to it)."""
    out: list[int | None] = [None] * len(lines)
    if not any("|" in line for line in lines):  # no row (every row holds a bar): most passages
        return out
    rows = [is_row(line) for line in lines]
    i = 0
    while i < len(lines):
        j = i
        while j + 1 < len(lines) and rows[i] and rows[j + 1]:
            j += 1
        if j > i:
            out[i:j + 1] = [i] * (j + 1 - i)
        i = j + 1
    return out


def last_row(heads_: list[int | None], line: int) -> int:
    """The last line of the table that `line` is a row of."""
    while line + 1 < len(heads_) and heads_[line + 1] == heads_[line]:
        line += 1
    return line


__all__ = ["heads", "is_row", "last_row"]
