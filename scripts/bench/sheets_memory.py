"""How much memory reading a large workbook takes, beside the same rows as a .csv.

    nice .venv/bin/python -m scripts.bench.sheets_memory [--rows 50000] [--within 399000] [--over 400001]
        [--checkout DIR]

Writes in a temporary folder, as Excel writes them (shared strings, a row element a row, each cell its reference):
- an FAQ of `--rows` rows under a header, 5 columns (category, question, answer, variants, status), each question
  and answer its own text, as an .xlsx, as an .ods (as LibreOffice writes one) and as the .csv Excel exports;
- a workbook of `--within` rows of 5 cells with text (1,995,000 cells by default: just within the 2,000,000 a
  workbook may hold, `rag.corpus.formats.sheets.CELLS_MAX`), to be read, a section a row;
- a workbook of `--over` rows of 5 such cells (2,000,005 cells by default: just past them), to be refused.
Each file is read by `parse_xlsx`, `parse_ods` or `parse_csv` in a subprocess of its own (the rag of `--checkout`,
this one by default: a checkout of another commit measures it), which prints the growth of its peak resident memory
(VmHWM, reset once its modules are imported and the file's bytes read) over what it held then, and the read's time;
this prints, for each file, the growth, both as ratios to the .csv's, and what the read gave (sections, or the reason
it was refused).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from string import ascii_uppercase
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent.parent
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
HEADER = ["Catégorie", "Question", "Réponse", "Variantes", "Statut"]
# What the subprocess runs: its peak resident memory's growth over the parse, in MiB, the parse's seconds, then what
# the parse gave
MEASURE = """
import sys, time
from rag.corpus.formats.csv import parse_csv
from rag.corpus.formats.docx import parse_docx
from rag.corpus.formats.ods import parse_ods
from rag.corpus.formats.odt import parse_odt
from rag.corpus.formats.xlsx import parse_xlsx
path = sys.argv[1]
data = open(path, "rb").read()
parse = {"xlsx": parse_xlsx, "ods": parse_ods, "docx": parse_docx, "odt": parse_odt}.get(path.rpartition(".")[2])
if parse is parse_docx:
    import docx  # imported by parse_docx: not a cost of the read
text = None if parse else data.decode("utf-8")
def status(field):
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith(field))
open("/proc/self/clear_refs", "w").write("5")  # the peak (VmHWM) from now on
before, start = status("VmRSS:"), time.perf_counter()
try:
    outcome = f"{len((parse(data) if parse else parse_csv(text)).sections):,} sections"
except ValueError as exc:
    outcome = f"refused: {str(exc)[:60]}..."
print((status("VmHWM:") - before) / 1024, time.perf_counter() - start, outcome, sep="\\t")
"""


def faq_rows(count: int) -> list[list[str]]:
    """The header and `count` FAQ rows, each question and answer its own."""
    return [HEADER, *([f"Catégorie {n % 40}", f"Question numéro {n} : comment faire la démarche {n} ?",
                       f"Réponse {n} : rendez-vous dans votre espace, rubrique {n % 97}, puis validez la demande.",
                       f"variante {n}", "publié"] for n in range(count))]


def write_xlsx(path: Path, rows: list[list[str]]) -> None:
    """An .xlsx of one sheet holding `rows` (of at most 26 cells), its strings shared, as Excel writes it."""
    strings: dict[str, int] = {}
    body = []
    for r, row in enumerate(rows, 1):
        cells = "".join(f'<c r="{ascii_uppercase[c]}{r}" t="s"><v>{strings.setdefault(value, len(strings))}</v></c>'
                        for c, value in enumerate(row))
        body.append(f'<row r="{r}">{cells}</row>')
    shared = "".join(f"<si><t>{escape(value)}</t></si>" for value in strings)
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "_rels/.rels": f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" Type="{RELS}/officeDocument" '
                       'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets><sheet name="FAQ" sheetId="1" '
                           'r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" Type="{RELS}/'
                                      f'worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
                                      f'Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/sharedStrings.xml": f'<sst xmlns="{MAIN}" count="{len(strings)}">{shared}</sst>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{MAIN}"><sheetData>{"".join(body)}</sheetData></worksheet>'}
    _zip(path, parts)


def write_ods(path: Path, rows: list[list[str]]) -> None:
    """An .ods of one sheet holding `rows`, as LibreOffice writes it."""
    office, table, text = (f"urn:oasis:names:tc:opendocument:xmlns:{name}:1.0" for name in ("office", "table", "text"))
    body = "".join("<table:table-row>" + "".join(
        f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p></table:table-cell>'
        for value in row) + "</table:table-row>" for row in rows)
    content = (f'<office:document-content xmlns:office="{office}" xmlns:table="{table}" xmlns:text="{text}">'
               f'<office:body><office:spreadsheet><table:table table:name="FAQ">{body}</table:table>'
               "</office:spreadsheet></office:body></office:document-content>")
    _zip(path, {"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": content})


def write_csv(path: Path, rows: list[list[str]]) -> None:
    """`rows` as Excel's CSV export writes them in a French locale: `;` between cells."""
    path.write_text("".join(";".join(row) + "\n" for row in rows), encoding="utf-8")


def _zip(path: Path, parts: dict[str, str]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)


def measure(path: Path, checkout: Path) -> tuple[float, float, str]:
    """The growth of the peak resident memory of a subprocess reading `path` with `checkout`'s rag, in MiB, the
    seconds the read took, and what it gave."""
    env = {**os.environ, "PYTHONPATH": str(checkout), "HF_HUB_OFFLINE": "1"}
    done = subprocess.run([sys.executable, "-c", MEASURE, str(path)], cwd=checkout, env=env, capture_output=True,
                          text=True, check=True)  # in `checkout`: `-c` imports from the current folder first
    growth, seconds, outcome = done.stdout.strip().split("\t")
    return float(growth), float(seconds), outcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=50_000, help="the FAQ's rows")
    parser.add_argument("--within", type=int, default=399_000, help="the rows of 5 cells of the workbook read")
    parser.add_argument("--over", type=int, default=400_001, help="the rows of 5 cells of the workbook refused")
    parser.add_argument("--checkout", type=Path, default=ROOT, help="the checkout whose rag reads the files")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        folder, faq = Path(work), faq_rows(args.rows)
        files = [folder / "faq.csv", folder / "faq.xlsx", folder / "faq.ods", folder / "within.xlsx",
                 folder / "over.xlsx"]
        write_csv(files[0], faq)
        write_xlsx(files[1], faq)
        write_ods(files[2], faq)
        for path, rows in ((files[3], args.within), (files[4], args.over)):
            write_xlsx(path, [[f"cellule {n % 1000}"] * 5 for n in range(rows)])
        print(f"rag of {args.checkout}; FAQ of {args.rows:,} rows, workbooks of {args.within * 5:,} and "
              f"{args.over * 5:,} cells")
        print("| file | bytes | unzipped | peak RSS growth | × the .csv's | time × the .csv's | read |\n"
              "|---|---:|---:|---:|---:|---:|---|")
        csv = (0.0, 0.0)
        for path in files:
            growth, seconds, outcome = measure(path, args.checkout)
            csv = csv if csv[0] else (growth, seconds)
            unzipped = sum(i.file_size for i in zipfile.ZipFile(path).infolist()) if path.suffix != ".csv" else None
            print(f"| {path.name} | {path.stat().st_size:,} | {'' if unzipped is None else f'{unzipped:,}'} | "
                  f"{growth:,.0f} MiB | {growth / csv[0]:.1f} | {seconds / csv[1]:.1f} | {outcome} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
