"""`rag serve` in a process of its own refuses to start on a damaged index: exit code 4 and a message, no traceback."""

import os
import shutil
import subprocess
import sys

from rag.index.dense import VECTORS
from rag.index.store import current_build
from tests.helpers.paths import ROOT, unseal


def test_rag_serve_refuses_to_start_on_a_damaged_index(index, tmp_path):
    index_dir = tmp_path / "index"
    shutil.copytree(index.path.parent.parent, index_dir, symlinks=True)  # the session's index, copied
    vectors = unseal(current_build(index_dir)) / VECTORS
    vectors.write_bytes(vectors.read_bytes()[: vectors.stat().st_size // 2])  # truncated
    result = subprocess.run([sys.executable, "-m", "rag", "serve", "--index", str(index_dir), "--port", "1"],
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 4, result.stderr
    assert result.stderr.startswith("rag: error: index file ")
    assert "vectors.faiss is damaged" in result.stderr and "run `rag ingest --force`" in result.stderr
    assert "Traceback" not in result.stderr
