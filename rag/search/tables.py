"""Tables in a passage: runs of two rows or more, a row being a line of cells (joined by " | " by the HTML and Word
readers, or a Markdown row starting with a bar). The first row of a run heads it: it names the columns, so a row
answers with its header's words too ("Wie viel Zuschlag gibt es am Sonntag?" of a row "Sonntag | 50 %" under
"Stufe | Zuschlag"), and an answer drawn from a table shows the header above its row (`snippets.excerpt`).

A long table cut by chunking: each later passage carries its table's header row (`rag.passage.Chunk.header`, embedded
and indexed before its text), which heads the rows the passage opens on (`ABOVE`, even a single row) and is shown
above the row an answer quotes (`rag.search.answer`), as a table's own header row is above a later row of it, the
rows between left out. What a row is and which row heads it is decided on the ground
floor (`rag.passage.table_heads`), the chunker's rule too. A lone line holding a bar (a shell pipeline, a search
syntax "apple | orange") is not a table.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from itertools import accumulate, pairwise
from typing import Protocol

from rag.passage import ABOVE, is_row, is_separator
from rag.passage import table_heads as heads


class Part(Protocol):
    """A sentence of a passage as `rag.search.snippets.Sentence` has it: its offsets, its terms, its header's."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def terms(self) -> frozenset[str]: ...
    @property
    def header(self) -> frozenset[str]: ...


def named_rows(lines: Sequence[str], parts: Sequence[Part], keys: Collection[str], start: int, end: int,
               header: bool = False, terms: Callable[[str], Iterable[str]] | None = None) -> list[tuple[int, int]]:
    """(start, end) of the other rows of the table that a highlight `start:end` on its rows lies in, which the
    question names apart from them: rows holding a question word (`keys`) that neither the highlight nor its header
    holds, and that at most half of the table's rows hold (a word of most rows names no row). "le prix du plan Solo
    et du plan Pro ?" highlights the row of Solo, and names Pro's, two rows below: both answer. `lines`: the
    passage's, with their ends (`rag.search.lines.joined`); `parts`: its sentences; `header`: it goes on with a
    table whose header row it carries. With `terms` (a text's analysed words), the word must stand in the row's
    first cell, which names it: "La carte American Express est-elle acceptée en ligne ?" names no row whose value
    is "non accepté"."""
    offsets = list(accumulate(map(len, lines)))
    table = heads(list(lines), header)
    first, last = bisect_right(offsets, start), bisect_right(offsets, max(start, end - 1))
    if last >= len(lines) or (head := table[first]) is None or table[last] != head or first == last == head:
        return []  # not on a table's rows (its header alone gives the whole table)
    body = [n for n, h in enumerate(table) if h == head and n != head and not is_separator(lines[n])]
    asked = set(keys)
    return named_apart(offsets, [(n, n) for n in body], parts, start, end,
                       [asked if terms is None else asked & set(terms(first_cell(lines[n]))) for n in body])


def named_apart(offsets: Sequence[int], groups: Sequence[tuple[int, int]], parts: Sequence[Part], start: int,
                end: int, asked: Sequence[set[str]]) -> list[tuple[int, int]]:
    """(start, end) of the groups of lines (a table's rows, a list's items: each its first and last line; `offsets`:
    where each line of the passage ends) that a question names apart from a highlight `start:end` among them: those
    it does not lie in that hold a word of the question which may name them (`asked`, each group's) that the
    highlight (its header too) does not hold, and that at most half of the groups hold (a word of most names none);
    not a group whose such words another named group holds with more (it echoes that one)."""
    first, last = bisect_right(offsets, start), bisect_right(offsets, max(start, end - 1))
    on: list[list[Part]] = [[] for _ in groups]
    tops = [top for top, _ in groups]
    said: set[str] = set()
    for part in parts:
        line = bisect_right(offsets, part.start)
        if (k := bisect_right(tops, line) - 1) >= 0 and line <= groups[k][1]:
            on[k].append(part)
        if start <= part.start and part.end <= end:
            said |= part.terms | part.header
    words = [set().union(*(part.terms for part in group)) & named for group, named in zip(on, asked, strict=True)]
    counts = Counter(word for group in words for word in group)
    apart = {k: {w for w in words[k] if w not in said and 2 * counts[w] <= len(groups)}
             for k, (top, bottom) in enumerate(groups) if bottom < first or top > last}
    # a group naming only some of what another one names echoes it ("rejet" of "Rejet de chèque", beside "Rejet de
    # prélèvement" for "... du rejet de prélèvement ?"): the other answers
    return [(min(p.start for p in on[k]), max(p.end for p in on[k])) for k, held in apart.items()
            if held and not any(held < other for other in apart.values())]


def echoes(parts: Sequence[Part], found: Sequence[frozenset[str]], i: int, j: int) -> bool:
    """Whether one of two table rows `i` and `j` of a passage (`parts`, each sentence's question words `found`)
    holds question words that another row holds with more: it echoes that row, which answers what it says, and
    `snippets.best_windows` pairs no such rows ("prix de la saisie sur compte et du rejet de prélèvement ?": "Rejet
    de chèque" beside "Saisie sur compte" brings only "rejet", which "Rejet de prélèvement" holds with more). Rows
    under a header only."""
    if not (parts[i].header and parts[j].header):
        return False
    return any(found[s] and any(found[s] < found[k] for k in range(len(parts)) if k not in (i, j) and parts[k].header)
               for s in (i, j))


def named_by(cells: Sequence[tuple[int, frozenset[str]] | None], words: frozenset[str]
             ) -> tuple[list[bool], list[bool]]:
    """Whether each sentence of a passage lies on a table row that a question names: every word of the row's first
    cell is one of the question's, each two side by side there too, and no other row of its table so named holds
    those words and more ("Sérénité Plus" over "Sérénité" for "délai pour sérénité plus"); and whether it lies on
    another row of that table, which the model's side of the highlight takes no longer (the header's words drew it
    to the first row, the model's window or the prose under the table, holding more of the question's words, to the
    next: `rag.search.snippets.best_windows`); the rows of another table of the passage keep it.
    `cells`: each sentence's table (its header's line) and the words of its row's first cell that may name it, with
    their pairs (`naming`), None off a table's rows under a header; `words`: the question's, folded, none left out,
    with their pairs (`phrase`). The row's name says which row is asked where the index's terms cannot: "combien de
    tasses par jour pour la duo m" names "Duo M", whose "m" no term holds
    (one letter), and the rows "Duo S", "Duo M", "Duo XL" under "Tasses par jour" tied on "duo"."""
    names = {cell for cell in cells if cell is not None and cell[1] and cell[1] <= words}
    by_table: dict[int, list[frozenset[str]]] = {}
    for table, name in names:
        by_table.setdefault(table, []).append(name)
    named = [cell in names and not any(cell[1] < other for other in by_table[cell[0]]) for cell in cells]
    asked = {cell[0] for cell, row in zip(cells, named, strict=True) if row and cell is not None}
    return named, [cell is not None and cell[0] in asked and not row for cell, row in zip(cells, named, strict=True)]


def naming(cell: str, words: Callable[[str], Iterable[str]], terms: Callable[[str], Iterable[str]]
           ) -> frozenset[str]:
    """The words (folded, all: `words`) of a row's first `cell` and their pairs (`phrase`) that may name the row
    (`named_by`): none when the cell holds no index term (`terms`), "A", "I", "Oui": a one-letter word or a stop word
    of the question ("quelle consommation a le modèle le moins cher": French "a") names no row; "Duo M" is named by
    "duo m", its "m" beside a term, and "Classe A" by "classe a" only, not by "consommation a la classe D"."""
    return phrase(list(words(cell))) if any(True for _ in terms(cell)) else frozenset()


def phrase(words: Sequence[str]) -> frozenset[str]:
    """`words` and each two of them side by side ("duo m"): a row's name is in a question when its words are, and
    each two of them are side by side there too (`named_by`), so that a word asked elsewhere in the question (French
    "a", has) names no row with another ("Classe A" for "quelle consommation a la classe D")."""
    return frozenset(words) | frozenset(f"{first} {second}" for first, second in pairwise(words))


def first_cell(line: str) -> str:
    """A row's first cell: before its first bar, a Markdown row's leading bar left out."""
    body = line.strip()
    return (body[1:] if body.startswith("|") else body).split("|", 1)[0]


def last_row(heads_: list[int | None], line: int) -> int:
    """The last line of the table that `line` is a row of."""
    while line + 1 < len(heads_) and heads_[line + 1] == heads_[line]:
        line += 1
    return line


def below_header(lines: Sequence[str], head: int, line: int) -> str | None:
    """The header row (line `head` of a passage's `lines`) that a row on `line` of its table is shown under, when
    other rows stand between them (a Markdown separator row aside); None for the header itself and the row right
    under it, which an excerpt shows as they stand."""
    return lines[head].strip() if any(not is_separator(lines[n]) for n in range(head + 1, line)) else None


def shown_above(lines: Sequence[str], start: int, header: str | None) -> str | None:
    """The header row an answer starting at offset `start` of a passage shows above it, the passage's `lines` with
    their ends (`rag.search.lines.joined`): the header the passage carries (`rag.passage.Chunk.header`), when the
    answer starts on one of the rows the passage opens on; its table's header row, when it starts on a later row of
    a table in the passage (`below_header`): the rows between answer nothing that was asked, and are left out. A
    Markdown header comes with its separator row on the line under it (`with_separator`)."""
    line = bisect_right(list(accumulate(map(len, lines))), start)
    table = heads(list(lines), header is not None)
    if line >= len(lines) or (head := table[line]) is None:
        return None
    if head == ABOVE:
        return None if header is None else with_separator(header)
    shown = below_header(lines, head, line)
    return None if shown is None else with_separator(shown, lines[head + 1])


def with_separator(header: str, below: str | None = None) -> str:
    """A Markdown table's header row and, on the line under it, its separator row (`below`, the line under the
    header in the passage, when it is one; else one of dashes, a cell each): a header quoted above a later row
    without it makes no Markdown table of them. Another table's header row as it is."""
    body = header.strip()
    if not (body.startswith("|") and body.endswith("|") and len(body) > 1):
        return header
    separator = below.strip() if below is not None and is_separator(below) else "|" + "---|" * (body.count("|") - 1)
    return f"{header}\n{separator}"


__all__ = ["ABOVE", "Part", "below_header", "echoes", "first_cell", "heads", "is_row", "last_row", "named_apart",
           "named_by", "named_rows", "naming", "phrase", "shown_above", "with_separator"]
