"""How long `rag.corpus.formats.pdf.parse_pdf` takes on long PDFs, and the memory it takes at its peak.

    PYTHONPATH=$PWD .venv/bin/python -m scripts.bench.pdf_reading --write /tmp/pdfs [--rounds 5]
    PYTHONPATH=$PWD .venv/bin/python -m scripts.bench.pdf_reading /tmp/pdfs/*.pdf [--rounds 5]

`--write DIR` writes three PDFs there and times them: `guide.pdf`, audit 43's terminal guide
(`tests/data/audit43/sources/terminal.txt`) 88 times over, written by its `make_pdf.py` (about 300 pages, headings in
bold at their sizes, tables, footers); `plain.pdf`, 300 pages of one paragraph over and over in one font under a bold
heading each; `runs.pdf`, the same pages with each word drawn on its own, every other one in bold (a font change at
every word: the most runs a page can hold). Given files, it times those: the code of another checkout reads the same
files when run as a file with that checkout first on the path (`PYTHONPATH=<checkout> python <this file> FILE...`).
Prints, per file, the best CPU time of `--rounds` (`time.process_time`), the sections read, and the peak of the
memory Python allocated during one more read (`tracemalloc`).
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from pathlib import Path

from rag.corpus.formats.pdf import parse_pdf

BODY = ("Le montant remboursé ne peut pas dépasser celui de la transaction d'origine, et le remboursement doit "
        "être effectué dans un délai de 180 jours après l'achat. Le client voit le crédit sous cinq jours.")


def write(folder: Path) -> list[Path]:
    """The three PDFs of the module's docstring, written into `folder`."""
    from tests.data.audit43.make_pdf import HERE, build
    from tests.helpers.pdfs import HEIGHT, MARGIN, Placed, make_pdf, text_width, wrap

    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "guide.txt"
    source.write_text((HERE / "sources" / "terminal.txt").read_text(encoding="utf-8") * 88, encoding="utf-8")
    written = [make_pdf(folder / "guide.pdf", build(source)[0])]
    for name in ("plain", "runs"):
        pages: list[list[Placed]] = []
        for n in range(300):
            placed: list[Placed] = [(MARGIN, HEIGHT - 60, f"{n + 1}. Chapitre {n + 1}", 14, True)]
            y, k = HEIGHT - 80.0, 0
            while y > 60:
                for line in wrap(f"{BODY} Page {n}.", 480, 10):
                    if name == "plain":
                        placed.append((MARGIN, y, line, 10))
                    else:
                        x = float(MARGIN)
                        for j, word in enumerate(line.split()):
                            placed.append((x, y, word + " ", 10, (j + k) % 2 == 0))
                            x += text_width(word + " ", 10)
                    y, k = y - 12, k + 1
                y -= 6
            pages.append(placed)
        written.append(make_pdf(folder / f"{name}.pdf", pages))
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--write", type=Path, help="write the three PDFs into this folder and time them")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    files = [*args.files, *(write(args.write) if args.write else [])]
    for path in files:
        data = path.read_bytes()
        best, sections = float("inf"), 0
        for _ in range(args.rounds):
            started = time.process_time()
            sections = len(parse_pdf(data).sections)
            best = min(best, time.process_time() - started)
        tracemalloc.start()
        parse_pdf(data)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"{path.name}: {best:.2f} s CPU (best of {args.rounds}), {sections} sections, "
              f"peak {peak / 1e6:.0f} MB allocated")


if __name__ == "__main__":
    main()
