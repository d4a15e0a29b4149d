"""A table's header written over two rows, as a workbook's is where a name spans several columns: "Location
mensuelle HT" merged over "36 mois" and "60 mois", "Taux de commission" over "Nouveau client" and "Client existant".
A spreadsheet keeps a merged cell's value in its first cell, so the sheet's rows (and its CSV export) read

    Modèle | Prix d'achat HT | Location mensuelle HT |         | Contrat Sérénité par an
           |                 | 36 mois               | 60 mois |

and the row under the header is the names of the columns the name above spans. Read so, each of those columns is
named by both ("Location mensuelle HT › 36 mois"), and the second row is no row of data. The second row is a header's
only when every cell it fills stands under a name spanning several columns (a name followed by empty cells, the row
under filling at least two of them) and reads as a name: a row of data fills its first column, under a name that spans
none. The caller asks more of it (`rag.corpus.formats.columns.names_values`): its cells unlike the values under them
("36 mois" over "49 €"), as a row of data's first row under a header of merged names reads too ("Nom" over "Dupont"
and "Jean": read as names, the row would be lost).
"""

from __future__ import annotations

from collections.abc import Sequence

LEVEL = " › "  # between the name spanning columns and a column's own
_NAME_CHARS, _NAME_WORDS = 60, 8
_SENTENCE_END = (".", "!", "?")


def _name(value: str) -> bool:
    """Whether a cell reads as a column's name: one line of at most 60 characters and 8 words, no sentence."""
    text = value.strip()
    return (len(text.splitlines()) == 1 and len(text) <= _NAME_CHARS and len(text.split()) <= _NAME_WORDS
            and not text.endswith(_SENTENCE_END))


def two_level_names(header: Sequence[str], below: Sequence[str]) -> list[str] | None:
    """The names of a table's columns when `below`, the row under `header`, completes it (the module's docstring);
    None when it is a row of its own."""
    width = max(len(header), len(below))
    top = [" ".join(header[i].split()) if i < len(header) else "" for i in range(width)]
    under = [" ".join(below[i].split()) if i < len(below) else "" for i in range(width)]
    spans: list[tuple[int, int]] = []  # each name of the header and the columns it spans, its own and empty ones
    for i, name in enumerate(top):
        if name:
            spans.append((i, i + 1))
        elif spans:
            spans[-1] = (spans[-1][0], i + 1)
    wide = [(start, end) for start, end in spans if sum(1 for i in range(start + 1, end) if under[i])
            and sum(1 for i in range(start, end) if under[i]) > 1]
    inside = {i for start, end in wide for i in range(start, end)}
    filled = [i for i, value in enumerate(under) if value]
    if not wide or any(i not in inside or not _name(below[i]) for i in filled):
        return None
    names = list(top)
    for start, end in wide:
        for i in range(start, end):
            names[i] = f"{top[start]}{LEVEL}{under[i]}" if under[i] else top[start]
    return names


__all__ = ["LEVEL", "two_level_names"]
