"""`import rag` stays cheap: checked in a fresh interpreter."""

import subprocess
import sys

from tests.helpers.paths import ROOT


def test_import_rag_is_cheap():
    """`import rag` loads no model runtime, no FAISS, no web framework, not even pydantic."""
    heavy = ("litestar", "faiss", "numpy", "pydantic", "torch", "onnxruntime", "sentence_transformers", "mcp")
    probe = f"import sys, rag; print([m for m in {heavy!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert out.stdout.strip() == "[]"
