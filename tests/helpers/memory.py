"""A parse run in a subprocess whose address space is limited (RLIMIT_AS) to what it had once its modules were
imported and the file read, plus 96 MiB (or the headroom a test gives): a file read whole that should have been read
as it inflates, or refused before, or held whole that should have flowed, dies there of MemoryError (and its reader
says so as "damaged")."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PARSE = """
import resource, sys
{imports}
data = open(sys.argv[1], "rb").read()
size = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmSize:")) * 1024
resource.setrlimit(resource.RLIMIT_AS, (size + {headroom} * 2**20, resource.RLIM_INFINITY))
try:
    parsed = {parse}(data)
    print(f"{{len(parsed.sections):,}} sections")
except ValueError as exc:
    print(exc)
"""


def limited_parse(path: Path, imports: str, parse: str, headroom: int = 96) -> str:
    """What the parse `parse` (an expression of the names `imports` imports) of the file at `path` raised, or the
    sections it gave ("50,000 sections"), in a subprocess limited to `headroom` MiB more than it held before the
    read; the subprocess must end well."""
    script = PARSE.format(imports=imports, parse=parse, headroom=headroom)
    done = subprocess.run([sys.executable, "-c", script, str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout
