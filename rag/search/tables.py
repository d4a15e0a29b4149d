"""Tables in a passage: runs of two rows or more, a row being a line of cells (joined by " | " by the HTML and Word
readers, or a Markdown row starting with a bar). The first row of a run heads it: it names the columns, so a row
answers with its header's words too ("Wie viel Zuschlag gibt es am Sonntag?" of a row "Sonntag | 50 %" under
"Stufe | Zuschlag"), and an answer drawn from a table shows the header above its row (`snippets.excerpt`).

A long table cut by chunking: each later passage carries its table's header row (`rag.passage.Chunk.header`, embedded
and indexed before its text), which heads the rows the passage opens on (`ABOVE`, even a single row) and is shown
above the row an answer quotes (`rag.search.answer`). What a row is and which row heads it is decided on the ground
floor (`rag.passage.table_heads`), the chunker's rule too. A lone line holding a bar (a shell pipeline, a search
syntax "apple | orange") is not a table.
"""

from __future__ import annotations

from rag.passage import ABOVE, is_row
from rag.passage import table_heads as heads


def last_row(heads_: list[int | None], line: int) -> int:
    """The last line of the table that `line` is a row of."""
    while line + 1 < len(heads_) and heads_[line + 1] == heads_[line]:
        line += 1
    return line


def shown_above(text: str, start: int, header: str | None) -> str | None:
    """The header row an answer starting at `start` of a passage's `text` shows above it: the header the passage
    carries (`rag.passage.Chunk.header`), when the answer starts on one of the rows the passage opens on."""
    if header is None or "|" not in text:
        return None
    line = text.count("\n", 0, start)
    return header if heads(text.split("\n")[:line + 1], True)[line] == ABOVE else None


__all__ = ["ABOVE", "heads", "is_row", "last_row", "shown_above"]
