"""Where the tests find the checkout, its seed corpus, the dev set and the shared datasets; and how old a path looks."""

from __future__ import annotations

import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
CORPUS = ROOT / "corpus"
DEVSET = ROOT / "tests" / "data" / "devset.jsonl"
ENGLISH_DEVSET = ROOT / "tests" / "data" / "english" / "devset_en.jsonl"  # the dev set in English
HELP_CENTRE = ROOT / "tests" / "data" / "help_centre" / "pages"  # long pages, nested headings, HTML tables
SPANISH_PAGES = ROOT / "tests" / "data" / "languages" / "es" / "pages"  # three Spanish help pages
GERMAN_PAGES = ROOT / "tests" / "data" / "languages" / "de" / "pages"  # German help pages
TOOL_EXPORTS = ROOT / "tests" / "data" / "audit49" / "spaces"  # a team's wiki as four tools export it (fr, en)
DATASETS = ROOT.parent / "shared" / "datasets"


def age(path: Path, seconds: float) -> None:
    """Set `path`'s modification time `seconds` in the past (a link's own, not its target's)."""
    then = time.time() - seconds
    os.utime(path, (then, then), follow_symlinks=False)


def unseal(build: Path) -> Path:
    """Give back the write permission `publish` takes from a build's files, as a test damaging them on purpose needs
    when it does not run as root. Returns `build`."""
    for path in build.rglob("*"):
        if path.is_file():
            path.chmod(path.stat().st_mode | 0o200)
    return build
