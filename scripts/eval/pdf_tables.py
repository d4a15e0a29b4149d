"""The tables `rag.corpus.formats.pdf` reads in PDFs, and what finding them costs.

    .venv/bin/python -m scripts.eval.pdf_tables FILE.pdf [FILE.pdf ...] [--rounds 5]

For each PDF: its pages, the table rows read (each printed, its cells joined by " | ", a table's first row marked
with "*"), and the median over the rounds of the time `parse_pdf` takes and of the time the tables' reading in it
takes (`rag.corpus.formats.pdf_tables.table_rows` over every page: a second reading of each page's content stream);
the ratio is the parse's time over the time it would take without the tables. The machine is noisy: compare ratios.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader

from rag.corpus.formats.pdf import parse_pdf
from rag.corpus.formats.pdf_tables import table_rows


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pdfs", nargs="+", metavar="FILE.pdf", help="PDF files to read")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per file (the median is shown)")
    args = parser.parse_args(argv)
    for name in args.pdfs:
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
