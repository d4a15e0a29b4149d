"""A parse run in a subprocess whose address space is limited (RLIMIT_AS) to what it had once its modules were
imported and the file read, plus 96 MiB: a file read whole that should have been read as it inflates, or refused
before, dies there of MemoryError (and its reader says so as "damaged")."""

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
resource.setrlimit(resource.RLIMIT_AS, (size + 96 * 2**20, resource.RLIM_INFINITY))
try:
    {parse}(data)
except ValueError as exc:
    print(exc)
"""


def limited_parse(path: Path, imports: str, parse: str) -> str:
    """What the parse `parse` (an expression of the names `imports` imports) of the file at `path` raised, in a
    subprocess limited to 96 MiB more than it held before the read; the subprocess must end well."""
    done = subprocess.run([sys.executable, "-c", PARSE.format(imports=imports, parse=parse), str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout
