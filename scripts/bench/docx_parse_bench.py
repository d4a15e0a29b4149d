"""How long `rag.corpus.formats.docx.parse_docx` takes on a large Word document, beside python-docx opening it.

    .venv/bin/python -m scripts.bench.docx_parse_bench [--sections 100] [--rounds 5] [FILE.docx ...]

Without files, it builds one with python-docx: `--sections` headings, each followed by 30 paragraphs (two runs
each) and a 10 x 4 table. Prints, per document, the median over `--rounds` of python-docx's `Document()` (unzip and
parse the XML) and of `parse_docx` (that, plus the text, sections and title), and the size of the text extracted.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import docx

from rag.corpus.formats.docx import parse_docx


def synthetic(sections: int) -> bytes:
    document = docx.Document()
    for number in range(sections):
        document.add_heading(f"Section {number}", 1 + number % 3)
        for line in range(30):
            paragraph = document.add_paragraph(f"Paragraphe {line} de la section {number} : " + "du texte " * 16)
            paragraph.add_run(" en gras").bold = True
        table = document.add_table(rows=10, cols=4)
        for row in range(10):
            for column in range(4):
                table.cell(row, column).text = f"cellule {row}.{column}"
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def median_seconds(work: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--sections", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    documents = [(str(path), path.read_bytes()) for path in args.files] or [
        (f"synthetic, {args.sections} sections", synthetic(args.sections))]
    for name, data in documents:
        opened = median_seconds(lambda data=data: docx.Document(BytesIO(data)), args.rounds)
        parsed = median_seconds(lambda data=data: parse_docx(data), args.rounds)
        result = parse_docx(data)
        print(f"{name}: {len(data):,} bytes; python-docx Document() {opened:.3f} s, parse_docx {parsed:.3f} s "
              f"(medians of {args.rounds}); {len(result.text or ''):,} characters, {len(result.sections)} sections")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
