"""A workbook past the cells a workbook may hold is refused within a small memory limit: its parts are read as they
inflate, the budget spent as its cells come (`rag.corpus.formats.archive.xml_events`), not once a part is a tree; one
within it is read within a limit that its rows held all at once as cells beside their sections exceed. Each parse
runs in a subprocess whose address space is limited (RLIMIT_AS) to what it had once its modules were imported and the
file read, plus 96 MiB (80 for the workbook within): a part read whole dies there of MemoryError, and says so as
"damaged"."""

from __future__ import annotations

import pytest

from tests.helpers.memory import limited_parse
from tests.helpers.sheets import wide_ods, wide_xlsx

# The parse, its budget lowered to 50,000 cells (the workbooks hold 500,000): 2,000,000 take some 20 s to reach
IMPORTS = """
from rag.corpus.formats import sheets
from rag.corpus.formats.ods import parse_ods
from rag.corpus.formats.xlsx import parse_xlsx
sheets.CELLS_MAX = 50_000
"""


@pytest.mark.parametrize("name", ["wide.xlsx", "wide.ods"])
def test_a_workbook_over_the_budget_is_refused_within_a_small_memory_limit(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(wide_xlsx(100_000) if name.endswith(".xlsx") else wide_ods(100_000))
    refusal = limited_parse(path, IMPORTS, '(parse_xlsx if sys.argv[1].endswith(".xlsx") else parse_ods)')
    assert refusal.startswith("over 50,000 cells with text in the workbook, repeated rows and cells counted"), refusal


@pytest.mark.parametrize("name", ["within.xlsx", "within.ods"])
def test_a_workbook_within_the_budget_is_read_within_a_memory_limit_its_rows_held_at_once_exceed(tmp_path, name):
    """Its rows flow into sections, each row's cells dropped once its section is made
    (`rag.corpus.formats.sheets.parse_sheets`): 1,995,000 cells, held as cells beside their sections, took 816 MiB
    (scripts/bench/sheets_memory.py). 250,000 cells here: the address space they took grew by 97 to 100 MiB held so,
    53 to 64 MiB now."""
    path = tmp_path / name
    path.write_bytes(wide_xlsx(50_000) if name.endswith(".xlsx") else wide_ods(50_000))
    read = limited_parse(path, "from rag.corpus.formats.ods import parse_ods\n"
                         "from rag.corpus.formats.xlsx import parse_xlsx",
                         '(parse_xlsx if sys.argv[1].endswith(".xlsx") else parse_ods)', headroom=80)
    assert read.strip() == "50,000 sections", read
