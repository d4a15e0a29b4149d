"""The README's configuration table, checked by its script in a process of its own."""

import subprocess
import sys

from tests.helpers.paths import ROOT


def test_readme_configuration_table_is_current():
    result = subprocess.run([sys.executable, "scripts/settings_table.py", "--check"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
