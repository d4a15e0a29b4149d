"""Writes pages/*.pdf from sources/*.txt as a word processor or a DTP tool exports such guides: Helvetica body text
at 10 pt, headings in Helvetica-Bold at larger sizes (or at the body's size), a running header and a footer with the
page number on every page after the first, tables drawn as positioned cells row by row (the header row bold), bullets
and numbered items drawn as a mark then the text, words hyphenated at line ends where a soft hyphen allows, pages in
two columns where the source says so (written column by column). Only the telecom guide has an outline (bookmarks).

    PYTHONPATH=$PWD .venv/bin/python tests/data/audit43/make_pdf.py

A source is one block a line: `@title`, `@sub` (a line under the title), `# ` a main heading, `## ` a sub-heading,
`### ` a heading in bold at the body's size, `- ` a bullet, `1. ` a numbered item, `| a | b |` a table row (the first
row of a table its header; `@widths 30 70` before it gives its columns' shares), `@columns` / `@end` two columns,
`@page` a page break, `@header` / `@footer` the running lines (`{n}` the page number, `{total}` the count, a tab
between a left and a right part), anything else a paragraph. U+00AD (soft hyphen) marks where a word may break.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tests.helpers.pdfs import HEIGHT, MARGIN, SOFT_HYPHEN, WIDTH, Placed, make_pdf, text_width, wrap

HERE = Path(__file__).parent
BODY, LEAD = 10.0, 1.25
TOP, BOTTOM = HEIGHT - 78, 66
GUTTER = 20
# heading kinds: size, space above
HEADINGS = {"@title": (18.0, 0.0), "#": (14.0, 14.0), "##": (11.5, 9.0), "###": (10.0, 7.0)}
# the documents: source, PDF, /Title, whether it gets an outline
DOCUMENTS = [
    ("terminal.txt", "guide-commercant-paynova-t200.pdf", None, False),
    ("vendeur.txt", "manuel-vendeur-boutika.pdf", None, False),
    ("abonne.txt", "guide-abonne-helios-mobile.pdf", "Guide de l'abonné Helios Mobile", True),
]


@dataclass
class Layout:
    """Pages of placed lines, filled from the top down in a column of `width` from `x`."""

    pages: list[list[Placed]] = field(default_factory=lambda: [[]])
    y: float = TOP
    x: float = MARGIN
    width: float = WIDTH - 2 * MARGIN
    bottom: float = BOTTOM
    outline: list[tuple[str, int, int]] = field(default_factory=list)

    def new_page(self) -> None:
        self.pages.append([])
        self.y = TOP

    def need(self, height: float) -> None:
        if self.y - height < self.bottom:
            self.new_page()

    def draw(self, x: float, text: str, size: float, bold: bool = False) -> None:
        self.pages[-1].append((x, self.y, text, size, bold))

    def heading(self, kind: str, text: str) -> None:
        size, space = HEADINGS[kind]
        self.y -= space
        self.need(size * LEAD + 3 * BODY * LEAD)  # a heading is kept with the next lines
        self.draw(self.x, text.replace(SOFT_HYPHEN, ""), size, True)
        if kind in ("#", "##"):
            self.outline.append((text.replace(SOFT_HYPHEN, ""), len(self.pages) - 1, 1 if kind == "#" else 2))
        self.y -= size * LEAD + 2

    def paragraph(self, text: str, mark: str = "", size: float = BODY) -> None:
        indent = 14 if mark else 0
        for i, line in enumerate(wrap(text, self.width - indent, size)):
            self.need(size * LEAD)
            if mark and i == 0:
                self.draw(self.x + 2, mark, size)
            self.draw(self.x + indent, line, size)
            self.y -= size * LEAD
        self.y -= 4

    def table(self, rows: list[list[str]], shares: list[float]) -> None:
        widths = [self.width * share / sum(shares) for share in shares]
        self.y -= 2
        for n, row in enumerate(rows):
            cells = [wrap(cell, width - 8, BODY - 1, n == 0) for cell, width in zip(row, widths, strict=True)]
            height = max(len(cell) for cell in cells) * (BODY - 1) * LEAD + 5
            self.need(height)
            left = self.x
            for cell, width in zip(cells, widths, strict=True):
                for i, line in enumerate(cell):
                    self.pages[-1].append((left + 4, self.y - i * (BODY - 1) * LEAD, line, BODY - 1, n == 0))
                left += width
            self.y -= height
        self.y -= 6

    def columns(self, column: Layout) -> None:
        """The lines laid out in `column` (from 0 down) set in two balanced columns from here, over as many pages as
        they need: the left column's lines, then the right one's, as most producers write them."""
        lines = sorted(column.pages[0], key=lambda line: -line[1])
        while lines:
            room = self.y - BOTTOM
            height = -lines[-1][1] + BODY * LEAD - (-lines[0][1])
            top = -lines[0][1]
            half = top + min(height / 2, room)
            cut = next((i for i, line in enumerate(lines) if -line[1] > half), len(lines))
            left, rest = lines[:cut], lines[cut:]
            shift = -rest[0][1] if rest else 0
            right = [line for line in rest if -line[1] - shift <= room - BODY * LEAD]
            lines = rest[len(right):]
            for placed, dx, base in ((left, 0.0, top), (right, column.width + GUTTER, shift)):
                for x, y, text, size, *bold in placed:
                    self.pages[-1].append((self.x + x + dx, self.y - (-y - base), text, size, *bold))
            self.y -= max((-y - top for _, y, *_ in left), default=0) + BODY * LEAD * 1.5
            if lines:
                self.new_page()


def furniture(text: str, y: float, n: int, total: int) -> list[Placed]:
    """A running header's or footer's parts: the left one at the margin, the right one against the right margin."""
    left, _, right = text.format(n=n, total=total).partition("\t")
    placed: list[Placed] = [(MARGIN, y, left, 8.0)] if left else []
    if right:
        placed.append((WIDTH - MARGIN - text_width(right, 8.0), y, right, 8.0))
    return placed


def build(source: Path) -> tuple[list[list[Placed]], list[tuple[str, int, int]]]:
    page = layout = Layout()
    header = footer = ""
    table: list[list[str]] = []
    shares: list[float] = []
    for raw in [*source.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if table and not line.startswith("|"):
            layout.table(table, shares or [1.0] * len(table[0]))
            table, shares = [], []
        if not line:
            continue
        command, _, rest = line.partition(" ")
        if command == "@header":
            header = raw.split(" ", 1)[1]
        elif command == "@footer":
            footer = raw.split(" ", 1)[1]
        elif command == "@title":
            layout.heading("@title", rest)
        elif command == "@sub":
            layout.paragraph(rest, size=9)
            layout.y -= 6
        elif command in HEADINGS:
            layout.heading(command, rest)
        elif command == "@widths":
            shares = [float(share) for share in rest.split()]
        elif line.startswith("|"):
            table.append([cell.strip() for cell in line.strip("|").split("|")])
        elif command == "@columns":
            layout = Layout(y=0.0, x=0.0, width=(WIDTH - 2 * MARGIN - GUTTER) / 2, bottom=-1e9)
        elif command == "@end":
            page.columns(layout)
            layout = page
        elif command == "@page":
            layout.new_page()
        elif command == "-":
            layout.paragraph(rest, mark="•")
        elif command[:-1].isdigit() and command.endswith("."):
            layout.paragraph(rest, mark=command)
        else:
            layout.paragraph(line)
    total = len(page.pages)
    pages = [(furniture(header, HEIGHT - 42, n, total) if n > 1 else []) + body + furniture(footer, 32, n, total)
             for n, body in enumerate(page.pages, 1)]
    return pages, page.outline


def main() -> None:
    for source, pdf, title, outline in DOCUMENTS:
        pages, entries = build(HERE / "sources" / source)
        make_pdf(HERE / "pages" / pdf, pages, title=title, outline=entries if outline else ())
        words = len((HERE / "sources" / source).read_text(encoding="utf-8").split())
        print(f"{pdf}: {len(pages)} pages, about {words} words")


if __name__ == "__main__":
    main()
