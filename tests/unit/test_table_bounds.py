"""Where a table starts and ends in a section's lines (`rag.passage.table_heads`): two tables back to back each head
their own rows (the second table's later passages carry its header, not the first's), and lines holding bars that
are no table (a code block, a paragraph of links, ASCII art) head nothing."""

from __future__ import annotations

import pytest

from rag.corpus.chunking import Chunker
from rag.corpus.reader import read_document
from rag.passage import table_heads
from tests.helpers.odt import odt

FEES = [(f"Opération {n}", f"{n} €", f"{n + 100} €") for n in range(30)]
CARDS = [(f"Carte {n}", f"{n} €", f"{n * 12} €") for n in range(30)]
FIRST, SECOND = ("Opération", "Compte Essentiel", "Compte Zen"), ("Carte", "Prix mensuel", "Prix annuel")


def _words(texts) -> list[int]:
    return [len(text.split()) for text in texts]


def _markdown() -> str:
    def table(head, rows):
        return "".join(f"| {' | '.join(row)} |\n" for row in [head, ("---",) * 3, *rows])
    return f"# Tarifs\n\n{table(FIRST, FEES)}\n{table(SECOND, CARDS)}\nFin.\n"


def _html() -> str:
    def table(head, rows):
        return "<table>" + "".join(f"<tr>{''.join(f'<td>{c}</td>' for c in row)}</tr>\n" for row in [head, *rows]) \
            + "</table>"
    return f"<html><body><h1>Tarifs</h1>{table(FIRST, FEES)}{table(SECOND, CARDS)}<p>Fin.</p></body></html>"


def _docx(path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("Tarifs", level=1)
    for head, rows in ((FIRST, FEES), (SECOND, CARDS)):
        table = document.add_table(rows=len(rows) + 1, cols=3)
        for row, cells in zip(table.rows, [head, *rows], strict=True):
            for cell, value in zip(row.cells, cells, strict=True):
                cell.text = value
    document.save(str(path))


def _odt() -> bytes:
    def table(head, rows):
        return "<table:table>" + "".join(
            "<table:table-row>" + "".join(f"<table:table-cell><text:p>{c}</text:p></table:table-cell>" for c in row)
            + "</table:table-row>" for row in [head, *rows]) + "</table:table>"
    return odt(f'<text:h text:outline-level="1">Tarifs</text:h>{table(FIRST, FEES)}{table(SECOND, CARDS)}'
               "<text:p>Fin.</text:p>")


@pytest.mark.parametrize("name", ["tarifs.md", "tarifs.html", "tarifs.docx", "tarifs.odt"])
def test_back_to_back_tables_each_head_their_own_rows(tmp_path, name):
    path = tmp_path / name
    if name.endswith(".md"):
        path.write_text(_markdown(), encoding="utf-8")
    elif name.endswith(".html"):
        path.write_text(_html(), encoding="utf-8")
    elif name.endswith(".docx"):
        _docx(path)
    else:
        path.write_bytes(_odt())
    chunks = Chunker(_words, max_tokens=80).chunk(read_document(tmp_path, path))
    carried = [(c.header, c.text.lstrip("| ").split(" ")[0]) for c in chunks if c.header is not None]
    assert {first for _, first in carried} == {"Opération", "Carte"}  # both tables go on over passages
    for header, first in carried:  # each passage under its own table's header
        assert header.lstrip("| ").startswith(first)


def test_a_separator_row_or_a_row_the_reader_says_opens_a_table_starts_a_new_table():
    lines = ["| A | B |", "|---|---|", "| a | 1 |", "| C | D |", "|---|---|", "| c | 2 |"]
    assert table_heads(lines) == [0, 0, 0, 3, 3, 3]
    rows = ["A | B", "a | 1", "C | D", "c | 2"]
    assert table_heads(rows, items=[True] * 4, opens=[True, False, True, False]) == [0, 0, 2, 2]
    assert table_heads(rows, True, items=[True] * 4, opens=[False, False, True, False]) == [-1, -1, 2, 2]


@pytest.mark.parametrize("lines", [
    ["```", "a | b | c", "| x | y |", "|---|---|", "| 1 | 2 |", "```"],  # in a code block
    ["+---+---+", "| a | b |", "+---+---+", "| c | d |"],  # ASCII art: no separator row under a header
    ["| Accueil | Produits |", "| Contact | Aide |"],  # bars of a menu, no separator
])
def test_lines_with_bars_that_are_no_table_head_nothing(lines):
    assert table_heads(lines) == [None] * len(lines)


def test_a_paragraph_of_cells_is_a_row_only_if_the_reader_read_one():
    lines = ["Accueil | Produits | Contact", "Mentions | Plan du site | Aide"]
    assert table_heads(lines, items=[False, False]) == [None, None]
    assert table_heads(lines, items=[True, True]) == [0, 0]


@pytest.mark.parametrize(("words", "carried"), [(12, True), (15, False)])
def test_a_header_is_carried_only_when_it_takes_at_most_half_of_a_passage(tmp_path, words, carried):
    cells = [" ".join(f"{name}{n}" for n in range(words)) for name in ("offre", "prix", "frais")]
    header = f"| {' | '.join(cells)} |"  # 3 * words + 4 bars: 40 words of 80, or 49
    rows = "".join(f"| ligne {n} | {n} € | {n + 1} € |\n" for n in range(40))
    path = tmp_path / "tarifs.md"
    path.write_text(f"# Tarifs\n\n{header}\n|---|---|---|\n{rows}", encoding="utf-8")
    chunks = Chunker(_words, max_tokens=80).chunk(read_document(tmp_path, path))
    assert len(chunks) >= 3 and all((c.header == header) is carried for c in chunks[1:])
