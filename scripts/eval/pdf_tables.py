"""The tables `rag.corpus.formats.pdf` reads in PDFs, and what finding them costs.

    .venv/bin/python -m scripts.eval.pdf_tables FILE.pdf [FILE.pdf ...] [--rounds 5]
    .venv/bin/python -m scripts.eval.pdf_tables --prose FILE.txt [FILE.txt ...]

For each PDF: its pages, the table rows read (each printed, its cells joined by " | ", a table's first row marked
with "*"), and the median over the rounds of the time `parse_pdf` takes and of the time the tables' reading in it
takes (`rag.corpus.formats.pdf_tables.table_rows` over every page: a second reading of each page's content stream);
the ratio is the parse's time over the time it would take without the tables. The machine is noisy: compare ratios.

With `--prose`: pages of prose set in columns, where no table should be read. Each text file's blocks
(`tests.helpers.pdfs.paragraphs`), fourteen at a time from every sixth, set in 2 and 3 columns at 9, 10 and 11 pt
(`tests.helpers.pdfs.columns`, headings as short paragraphs), written column by column or row by row across, their
baselines as they flow or snapped to a grid (the columns' lines side by side): the pages read with a table, each
shown with its first rows.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader

from rag.corpus.formats.pdf import parse_pdf
from rag.corpus.formats.pdf_tables import table_rows
from tests.helpers.pdfs import columns, make_pdf, paragraphs


def _timed(data: bytes) -> tuple[float, float]:
    """The seconds `parse_pdf` takes on `data`, and those the tables' reading takes over the same pages."""
    started = time.perf_counter()
    parse_pdf(data)
    parse = time.perf_counter() - started
    reader = PdfReader(BytesIO(data))
    texts = [page.extract_text() or "" for page in reader.pages]
    started = time.perf_counter()
    for page, text in zip(reader.pages, texts, strict=True):
        table_rows(page, text)
    return parse, time.perf_counter() - started


def _prose(names: list[str]) -> int:
    pages = tabled = 0
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "page.pdf"
        for name in names:
            blocks = paragraphs(Path(name).read_text(encoding="utf-8"))
            for start in range(0, max(1, len(blocks) - 8), 6):
                for count in (2, 3):
                    for size in (9.0, 10.0, 11.0):
                        for grid in (False, True):
                            placed = columns(blocks[start:start + 14], count, size, grid)
                            for across in (False, True):
                                page = sorted(placed, key=lambda line: (-round(line[1], 1), line[0])) if across \
                                    else placed
                                doc = parse_pdf(make_pdf(path, [page]).read_bytes())
                                rows = [line.text for section in doc.sections for line in section.lines if line.item]
                                pages += 1
                                if rows:
                                    tabled += 1
                                    print(f"{name} from block {start}, {count} columns, {size:g} pt, "
                                          f"{'grid, ' if grid else ''}{'across' if across else 'down'}: {rows[:2]}")
    print(f"{tabled} of {pages} pages of prose in columns read with a table")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", metavar="FILE", help="PDF files to read (text files with --prose)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per file (the median is shown)")
    parser.add_argument("--prose", action="store_true", help="set the text files' prose in columns, count tables")
    args = parser.parse_args(argv)
    if args.prose:
        return _prose(args.files)
    for name in args.files:
        data = Path(name).read_bytes()
        doc = parse_pdf(data)
        rows = [line for section in doc.sections for line in section.lines if line.item]
        print(f"{name}: {len(doc.page_starts or [])} pages, {len(rows)} table rows")
        for row in rows:
            print(f"  {'*' if row.opens_table else ' '} {row.text}")
        parse, tables = (statistics.median(times) for times in zip(*(_timed(data) for _ in range(args.rounds)),
                                                                    strict=True))
        print(f"  parse {parse * 1000:.1f} ms, tables {tables * 1000:.1f} ms, ratio {parse / (parse - tables):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
