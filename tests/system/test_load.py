"""The load test against the real server (`scripts/bench/loadtest.py`), kept out of the default run: it takes a minute.

    PYTHONPATH=$PWD .venv/bin/python -m pytest -m slow tests/system/test_load.py
"""

import json
import subprocess
import sys

import pytest

from tests.helpers.paths import ROOT


@pytest.mark.slow
def test_64_clients_for_30_seconds_without_errors_or_memory_growth(tmp_path):
    out = tmp_path / "load.json"
    result = subprocess.run([sys.executable, "-m", "scripts.bench.loadtest", "--clients", "64", "--duration", "30",
                             "--max-rss-growth-mib", "64", "--json", str(out)],
                            cwd=ROOT, capture_output=True, text=True, timeout=900)
    figures = json.loads(out.read_text())
    assert figures["requests"] > 64 and figures["seconds"] >= 30, result.stdout + result.stderr
    assert figures["errors"] == 0, figures["error_samples"]
    assert figures["rss_growth_mib"] <= 64, figures
    assert result.returncode == 0 and figures["passed"]
