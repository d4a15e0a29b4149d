"""A workbook past the cells a workbook may hold is refused within a small memory limit: its parts are read as they
inflate, the budget spent as its cells come (`rag.corpus.formats.archive.xml_events`), not once a part is a tree.
Each parse runs in a subprocess whose address space is limited (RLIMIT_AS) to what it had once its modules were
imported and the file read, plus 96 MiB: a part read whole dies there of MemoryError, and says so as "damaged"."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.sheets import wide_ods, wide_xlsx

ROOT = Path(__file__).resolve().parents[2]
# The parse, its budget lowered to 50,000 cells (the workbooks hold 500,000): 2,000,000 take some 20 s to reach
PARSE = """
import resource, sys
from rag.corpus.formats import sheets
from rag.corpus.formats.ods import parse_ods
from rag.corpus.formats.xlsx import parse_xlsx
sheets.CELLS_MAX = 50_000
data = open(sys.argv[1], "rb").read()
size = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmSize:")) * 1024
resource.setrlimit(resource.RLIMIT_AS, (size + 96 * 2**20, resource.RLIM_INFINITY))
try:
    (parse_xlsx if sys.argv[1].endswith(".xlsx") else parse_ods)(data)
except ValueError as exc:
    print(exc)
"""


@pytest.mark.parametrize("name", ["wide.xlsx", "wide.ods"])
def test_a_workbook_over_the_budget_is_refused_within_a_small_memory_limit(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(wide_xlsx(100_000) if name.endswith(".xlsx") else wide_ods(100_000))
    done = subprocess.run([sys.executable, "-c", PARSE, str(path)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("over 50,000 cells with text in the workbook, repeated rows and cells counted"), (
        done.stdout)
