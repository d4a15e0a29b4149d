"""The configuration page's settings table (docs/CONFIGURATION.md), checked by its script in a process of its own."""

import subprocess
import sys

from tests.helpers.paths import ROOT


def test_configuration_page_table_is_current():
    result = subprocess.run([sys.executable, "-m", "scripts.settings_table", "--check"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
