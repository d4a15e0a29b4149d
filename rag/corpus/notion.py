"""Notion's "Markdown & CSV" export: the id it adds to each page's and database's name, and a database's rows, which
it writes twice: as the rows of `<Database> <id>_all.csv` (and of `<Database> <id>.csv`, the rows its current view
shows), and as one page a row in the folder beside them, `<Database> <id>/<the row's title> <its id>.md`, the row's
properties under its title, then what was written in it.

A row whose page is read is read from its page, which holds what the row holds and more: the CSV keeps the rows
without one, and a CSV whose every row has its page is not read, the report saying so. Else each row took a result
beside its own page, the same words twice. A row and its page are matched by the row's title, its first cell
(Notion's title property, its first column), against the page's name less its id, as Notion writes a name from the
title (without the characters a file name cannot hold: "Puis-je modifier ma commande ?" is `Puis-je modifier ma
commande  <id>.md`): their letters and digits, case and accents aside; a row without a title is "Untitled", as its
page. A name Notion cut short (a long title) is the one row's title it begins, if one only.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from pathlib import Path

from rag.corpus.formats.base import Parsed, Section
from rag.corpus.formats.columns import folded
from rag.corpus.formats.csv import csv_rows

_HEX_ID = "[0-9a-f]{32}"  # the id Notion adds to every page's and database's name
# that id in a path: `Remboursements 8f3c2a1b9d4e4f6a8b7c6d5e4f3a2b1c.md`, its folder of subpages, `FAQ <id>_all.csv`
NOTION_ID = re.compile(rf" {_HEX_ID}(?=_all\.csv$|\.\w+$|/|$)", re.IGNORECASE)
# a database's rows as CSV: `FAQ <id>.csv`, the rows its current view shows; `FAQ <id>_all.csv`, all of them
DATABASE = re.compile(rf"(?P<database>.+ {_HEX_ID})(?P<every>_all)?\.csv", re.IGNORECASE)
_UNTITLED = "Untitled"


def row_pages(path: Path, readable: Callable[[Path], bool]) -> list[Path]:
    """The pages that `readable` lets be read in the folder beside a Notion database's CSV file `path` (its `.md`
    files, not its subfolders'); none for another file."""
    if (database := DATABASE.fullmatch(path.name)) is None:
        return []
    try:
        found = sorted(path.with_name(database["database"]).iterdir())
    except OSError:  # no such folder (a database without pages), or one that cannot be listed
        return []
    return [page for page in found if page.suffix.lower() == ".md" and not page.name.startswith(".") and readable(page)]


def without_paged_rows(parsed: Parsed, text: str, pages: Sequence[Path], folder: str) -> Parsed:
    """`parsed`, the sections of a database's CSV `text`, less those of the rows read from their `pages` (in `folder`,
    as the report names it), what the report says of them in its changes. Raises `ValueError` when every row is."""
    rows = [(row[0].value if row else "", spans) for row in csv_rows(text)
            if (spans := [(line.start, line.end) for cell in row for line in cell.lines])][1:]  # the header aside
    names = [_key(NOTION_ID.sub("", page.name).removesuffix(page.suffix)) for page in pages]
    keys = [_key(title) or _key(_UNTITLED) for title, _ in rows]
    paged = _matched(keys, names)
    if not paged:
        return parsed
    left = sorted((min(spans)[0], max(end for _, end in spans)) for i, (_, spans) in enumerate(rows) if i in paged)
    firsts = [start for start, _ in left]
    kept = [section for section in parsed.sections if not _within(_start(section), firsts, left)]
    said = f"in {folder}/ (Notion's export writes a database's rows as pages too)"
    if not kept:
        raise ValueError(f"Notion's export of a database: each of its {len(rows):,} rows is read from its own page, "
                         f"{said}")
    parsed.sections = kept
    parsed.changes.append(f"{len(paged):,} of its {len(rows):,} rows read from their own pages {said}: left out here")
    return parsed


def _key(name: str) -> str:
    """A title or a page's name as they are matched: its letters and digits, case and accents folded."""
    return folded(name).replace(" ", "")


def _matched(keys: Sequence[str], names: Sequence[str]) -> set[int]:
    """The rows (their `keys`) that one of the pages (`names`) is, each page one row's: the row of its very name
    first, else the one row whose name it begins (Notion cut it short)."""
    free = {i: key for i, key in enumerate(keys)}
    by_key: dict[str, list[int]] = {}
    for i, key in free.items():
        by_key.setdefault(key, []).append(i)
    paged, short = set(), []
    for name in names:
        if by_key.get(name):
            paged.add(i := by_key[name].pop(0))
            free.pop(i)
        elif name:
            short.append(name)
    for name in short:
        begun = [i for i, key in free.items() if key.startswith(name)]
        if len(begun) == 1:
            paged.add(begun[0])
            free.pop(begun[0])
    return paged


def _start(section: Section) -> int:
    return section.heading_start if section.heading_start is not None else section.lines[0].start


def _within(offset: int, firsts: Sequence[int], spans: Sequence[tuple[int, int]]) -> bool:
    """Whether `offset` is in one of `spans` (in order, apart; `firsts` their starts)."""
    at = bisect_right(firsts, offset) - 1
    return at >= 0 and offset < spans[at][1]


__all__ = ["DATABASE", "NOTION_ID", "row_pages", "without_paged_rows"]
