"""How often PDF text breaks words at line ends, and what `rag.corpus.formats.pdf` does with those breaks.

    .venv/bin/python -m scripts.eval.pdf_hyphens FILE.pdf [FILE.pdf ...]

For each PDF: pages, words, line-end hyphen breaks in pypdf's raw text, how many `formats.pdf` joins (lower case after
the break, the hyphenated spelling not found elsewhere) and keeps, and whether the repaired text kept every offset
(same length, page by page).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from pypdf import PdfReader

from rag.corpus.formats.pdf import HYPHEN_BREAK, dehyphenate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pdfs", nargs="+", metavar="FILE.pdf", help="PDF files to read")
    for name in parser.parse_args(argv).pdfs:
        reader = PdfReader(Path(name))
        raw = [page.extract_text() or "" for page in reader.pages]
        fixed = dehyphenate(raw)
        breaks = sum(len(HYPHEN_BREAK.findall(page)) for page in raw)
        left = sum(len(HYPHEN_BREAK.findall(page)) for page in fixed)
        words = sum(len(re.findall(r"\w+", page)) for page in raw)
        same = all(len(a) == len(b) for a, b in zip(raw, fixed, strict=True))
        print(f"{name}: {len(raw)} pages, {words} words, {breaks} line-end hyphen breaks, {breaks - left} joined, "
              f"{left} kept, offsets kept: {same}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
