"""How much memory reading a large Word or OpenDocument text takes, and refusing one of too many elements.

    nice .venv/bin/python -m scripts.bench.documents_memory [--pages 2000] [--checkout DIR]

Writes in a temporary folder:
- a document of `--pages` pages as people write them, as a .docx (python-docx) and as an .odt: a heading every
  third page, five paragraphs of five formatted runs (font and size, some bold or italic) a page, three list items
  (numbers or bullets), and a table of 8 x 4 cells every fourth page, some 450 words a page;
- paragraphs of one run of "x", as many as the elements a document may hold allow
  (`rag.corpus.formats.archive.ELEMENTS_MAX`), some 1,000 elements within it ("within"), and a few past it ("over",
  to be refused): the most a read of one document may hold, and what a refusal holds;
- paragraphs of 5,000,000 characters, a few past the characters of text a document may hold
  (`rag.corpus.formats.archive.CHARACTERS_MAX`), "text", to be refused.
Each file is read by `parse_docx` or `parse_odt` in a subprocess of its own (the rag of `--checkout`, this one by
default: a checkout of another commit measures it, `scripts.bench.sheets_memory.measure`), which prints the growth of
its peak resident memory (VmHWM, reset once its modules are imported and the file's bytes read) and the read's time;
this prints, for each file, its size, unzipped and in XML elements (all its parts), and what the read gave.
"""

from __future__ import annotations

import argparse
import contextlib
import tempfile
import zipfile
from pathlib import Path
from xml.parsers import expat

import docx
from docx.shared import Pt

from rag.corpus.formats.archive import CHARACTERS_MAX, ELEMENTS_MAX
from scripts.bench.sheets_memory import ROOT, measure

WORDS = ["le", "la", "les", "de", "des", "une", "un", "procédure", "dossier", "demande", "service", "usager",
         "délai", "pièce", "justificatif", "envoi", "formulaire"]
ODF = "urn:oasis:names:tc:opendocument:xmlns"
XMLNS = " ".join(f'xmlns:{prefix}="{ODF}:{name}:1.0"' for prefix, name in (
    ("office", "office"), ("style", "style"), ("text", "text"), ("table", "table"), ("fo", "xsl-fo-compatible")))
# The .odt's automatic styles: its runs' (a size, bold, italic) and its lists' (bullets, numbers)
AUTOMATIC = (
    '<style:style style:name="T1" style:family="text"><style:text-properties fo:font-size="11pt"/></style:style>'
    '<style:style style:name="T2" style:family="text"><style:text-properties fo:font-size="11pt" '
    'fo:font-weight="bold"/></style:style><style:style style:name="T3" style:family="text">'
    '<style:text-properties fo:font-size="11pt" fo:font-style="italic"/></style:style>'
    '<text:list-style style:name="L1"><text:list-level-style-bullet text:level="1" text:bullet-char="•"/>'
    '</text:list-style><text:list-style style:name="L2"><text:list-level-style-number text:level="1" '
    'style:num-suffix="." style:num-format="1"/></text:list-style>')


def words(seed: int, count: int) -> str:
    return " ".join(WORDS[(seed * 7 + n * 3) % len(WORDS)] for n in range(count))


def write_docx(path: Path, pages: int) -> None:
    """A Word document of `pages` pages as people write them (the module's docstring)."""
    document = docx.Document()
    for page in range(pages):
        if page % 3 == 0:
            document.add_heading(f"Chapitre {page} : {words(page, 5)}", level=1 + page % 3)
        for n in range(5):
            paragraph = document.add_paragraph()
            for r in range(5):
                run = paragraph.add_run(words(page * 10 + n * 5 + r, 16) + " ")
                run.bold, run.italic = r == 1, r == 3
                run.font.size, run.font.name = Pt(11), "Calibri"
        for n in range(3):
            document.add_paragraph(words(page + n, 12), style="List Number" if page % 2 else "List Bullet")
        if page % 4 == 0:
            table = document.add_table(rows=8, cols=4)
            table.style = "Table Grid"
            for cell in (cell for row in table.rows for cell in row.cells):
                cell.text = words(page, 4)
                cell.paragraphs[0].runs[0].font.size = Pt(10)
    document.save(path)


def write_odt(path: Path, pages: int) -> None:
    """An .odt of the same pages as `write_docx`'s, as LibreOffice writes one."""
    body = []
    for page in range(pages):
        if page % 3 == 0:
            body.append(f'<text:h text:outline-level="{1 + page % 3}">Chapitre {page} : {words(page, 5)}</text:h>')
        for n in range(5):
            spans = "".join(f'<text:span text:style-name="T{1 + (r == 1) + 2 * (r == 3)}">'
                            f"{words(page * 10 + n * 5 + r, 16)} </text:span>" for r in range(5))
            body.append(f"<text:p>{spans}</text:p>")
        items = "".join(f"<text:list-item><text:p>{words(page + n, 12)}</text:p></text:list-item>" for n in range(3))
        body.append(f'<text:list text:style-name="L{1 + page % 2}">{items}</text:list>')
        if page % 4 == 0:
            cell = f'<table:table-cell office:value-type="string"><text:p>{words(page, 4)}</text:p></table:table-cell>'
            body.append('<table:table><table:table-column table:number-columns-repeated="4"/>'
                        + f"<table:table-row>{cell * 4}</table:table-row>" * 8 + "</table:table>")
    write_odt_body(path, "".join(body))


def write_odt_body(path: Path, body: str) -> None:
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {XMLNS} office:version="1.3">'
               f"<office:automatic-styles>{AUTOMATIC}</office:automatic-styles><office:body><office:text>{body}"
               "</office:text></office:body></office:document-content>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)


def write_docx_body(path: Path, body: str) -> None:
    """A .docx whose body is `body`, and nothing else it needs."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    package = "http://schemas.openxmlformats.org/package/2006"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", f'<Types xmlns="{package}/content-types"><Default Extension="rels" '
                         'ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName='
                         '"/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                         'wordprocessingml.document.main+xml"/></Types>')
        archive.writestr("_rels/.rels", f'<Relationships xmlns="{package}/relationships"><Relationship Id="rId1" '
                         'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
                         'Target="word/document.xml"/></Relationships>')
        archive.writestr("word/document.xml", f'<w:document xmlns:w="{w}"><w:body>{body}</w:body></w:document>')


def elements(path: Path) -> int:
    """The elements of all the XML parts of the archive at `path` (each counted up to its first fault)."""
    count = 0

    def opened(*_: object) -> None:
        nonlocal count
        count += 1

    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            scan = expat.ParserCreate()
            scan.StartElementHandler = opened
            with contextlib.suppress(expat.ExpatError):
                scan.Parse(archive.read(name), True)
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=2000, help="the pages of the document as people write them")
    parser.add_argument("--checkout", type=Path, default=ROOT, help="the checkout whose rag reads the files")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        files = [folder / f"pages{args.pages}.docx", folder / f"pages{args.pages}.odt"]
        write_docx(files[0], args.pages)
        write_odt(files[1], args.pages)
        for name, count in (("within", ELEMENTS_MAX - 1000), ("over", ELEMENTS_MAX + 1)):
            files.append(folder / f"{name}.docx")  # a paragraph's elements: w:p, w:r, w:t
            write_docx_body(files[-1], "<w:p><w:r><w:t>x</w:t></w:r></w:p>" * -(-count // 3))
            files.append(folder / f"{name}.odt")  # text:p, text:span
            write_odt_body(files[-1], "<text:p><text:span>x</text:span></text:p>" * -(-count // 2))
        paragraph = "mot " * 1_250_000  # 5,000,000 characters: lxml reads a text node of at most 10 MB
        for suffix, write, element in ((".docx", write_docx_body, "<w:p><w:r><w:t>{}</w:t></w:r></w:p>"),
                                       (".odt", write_odt_body, "<text:p>{}</text:p>")):
            files.append(folder / f"text{suffix}")
            write(files[-1], element.format(paragraph) * (CHARACTERS_MAX // len(paragraph) + 1))
        print(f"rag of {args.checkout}; a document may hold {ELEMENTS_MAX:,} elements, {CHARACTERS_MAX:,} characters")
        print("| file | bytes | unzipped | elements | peak RSS growth | seconds | read |\n"
              "|---|---:|---:|---:|---:|---:|---|")
        for path in files:
            growth, seconds, outcome = measure(path, args.checkout)
            unzipped = sum(info.file_size for info in zipfile.ZipFile(path).infolist())
            print(f"| {path.name} | {path.stat().st_size:,} | {unzipped:,} | {elements(path):,} | {growth:,.0f} MiB | "
                  f"{seconds:.1f} | {outcome} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
