"""Writes pages/*.pdf from sources/*.txt as a browser prints a help page to PDF ("Imprimer → Enregistrer au format
PDF"): the site's body text at 10 pt, headings in Helvetica-Bold at larger sizes (questions of a FAQ in bold at the
body's size), lines wrapped at the page's width, the site's printed furniture in the body (its menu, breadcrumb,
"Partager", "Cet article vous a-t-il été utile ?", the footer's links, in smaller type), and on every page the
browser's running lines: Chrome's (the date and time at the top left, the page's title centred; the URL at the bottom
left, "2/3" at the right) drawn before the page's body, Firefox's (the title at the top left, the URL at the right;
"2 sur 3" at the bottom left, the date at the right) drawn after it. Elements the site fixes on screen (a sticky menu,
a cookie banner, a chat button) are printed on every page, over the body's top or bottom, drawn after the body.

    PYTHONPATH=$PWD .venv/bin/python tests/data/audit60/make_pdf.py

The markup of audit 43's sources (`tests/data/audit43/make_pdf.py`: `@title`, `@sub`, `#`, `##`, `###`, `- `, `1. `,
`| a | b |`, `@widths`), with `@browser chrome|firefox`, `@pdftitle` (the /Title the PDF gets: the page's title for
Chrome, none when empty), `@header` (the title in the browser's header when the PDF has no /Title), `@url`, `@date`,
`@fixedtop` (a line fixed at the top of the screen), `@fixed` (a block fixed at its bottom, one a line), `@small` (a
line of the site's furniture in 8.5 pt).
"""

from __future__ import annotations

from pathlib import Path

from tests.data.audit43.make_pdf import HEADINGS, LEAD, Layout
from tests.helpers.pdfs import HEIGHT, WIDTH, Placed, make_pdf, text_width, wrap

HERE = Path(__file__).parent
EDGE = 28  # the browser's running lines stand in the page's margin of 1 cm
SMALL, RUNNING, TEXT = 9.0, 8.0, 11.5
COLUMN = (84.0, 400.0)  # the site's content column, as its desktop layout centres it: left end, width
DOCUMENTS = [
    ("box.txt", "Résilier votre box Internet _ Assistance Néotel.pdf"),
    ("retours.txt", "Retours et remboursements – Aide Maison Lisière.pdf"),
    ("carte.txt", "Carte perdue ou volée _ faire opposition – Banque Aurore.pdf"),
]


def running(browser: str, title: str, url: str, date: str, n: int, total: int) -> list[Placed]:
    """The browser's header and footer on page `n` of `total`."""
    right = WIDTH - EDGE
    if browser == "chrome":
        shown = title if text_width(title, RUNNING) < 300 else title[:60] + "…"
        count = f"{n}/{total}"
        return [(EDGE, HEIGHT - 20, date, RUNNING), ((WIDTH - text_width(shown, RUNNING)) / 2, HEIGHT - 20, shown,
                                                     RUNNING),
                (EDGE, 16, url, RUNNING), (right - text_width(count, RUNNING), 16, count, RUNNING)]
    count = f"{n} sur {total}"
    return [(EDGE + 8, HEIGHT - 22, title, RUNNING), (right - 8 - text_width(url, RUNNING), HEIGHT - 22, url, RUNNING),
            (EDGE + 8, 18, count, RUNNING), (right - 8 - text_width(date, RUNNING), 18, date, RUNNING)]


def fixed(top: str, bottom: list[str], width: float) -> tuple[list[Placed], float]:
    """What the site fixes on screen, as printed on each page, and the height it takes at the page's bottom."""
    placed: list[Placed] = [(COLUMN[0], HEIGHT - 50, top, SMALL, True)] if top else []
    lines = [line for block in bottom for line in wrap(block, width, SMALL)]
    y = 40 + SMALL * LEAD * (len(lines) - 1)
    for line in lines:
        placed.append((COLUMN[0], y, line, SMALL))
        y -= SMALL * LEAD
    return placed, SMALL * LEAD * len(lines) + 8


def build(source: Path) -> tuple[list[list[Placed]], str | None]:
    meta: dict[str, list[str]] = {"@browser": [], "@pdftitle": [""], "@header": [""], "@url": [], "@date": [],
                                  "@fixedtop": [""], "@fixed": []}
    rows = [raw.strip() for raw in source.read_text(encoding="utf-8").splitlines()]
    for line in rows:
        command, _, rest = line.partition(" ")
        if command == "@fixed":
            meta[command].append(rest.strip())
        elif command in meta:
            meta[command] = [rest.strip()]
    layout = Layout(x=COLUMN[0], width=COLUMN[1])
    over, height = fixed(meta["@fixedtop"][0], meta["@fixed"], layout.width)
    layout.bottom += height
    table: list[list[str]] = []
    shares: list[float] = []
    for line in [*rows, ""]:
        if table and not line.startswith("|"):
            layout.table(table, shares or [1.0] * len(table[0]))
            table, shares = [], []
        command, _, rest = line.partition(" ")
        if not line or command in meta:
            continue
        if line.startswith("|"):
            table.append([cell.strip() for cell in line.strip("|").split("|")])
        elif command == "@widths":
            shares = [float(share) for share in rest.split()]
        elif command == "@small":
            layout.paragraph(rest, size=SMALL)
        elif command == "@sub":
            layout.paragraph(rest, size=9)
        elif command == "###":  # a FAQ's question: bold at the body's size
            layout.y -= 7
            layout.need(TEXT * LEAD + 3 * TEXT * LEAD)
            layout.draw(layout.x, rest, TEXT, True)
            layout.y -= TEXT * LEAD + 2
        elif command in HEADINGS:
            layout.heading(command, rest)
        elif command == "-":
            layout.paragraph(rest, mark="•", size=TEXT)
        elif command[:-1].isdigit() and command.endswith("."):
            layout.paragraph(rest, mark=command, size=TEXT)
        else:
            layout.paragraph(line, size=TEXT)
    browser, url, date = meta["@browser"][0], meta["@url"][0], meta["@date"][0]
    title = meta["@pdftitle"][0] or meta["@header"][0]
    total = len(layout.pages)
    pages = []
    for n, body in enumerate(layout.pages, 1):
        lines = running(browser, title, url, date, n, total)
        pages.append(lines + body + over if browser == "chrome" else body + over + lines)
    return pages, meta["@pdftitle"][0] or None


def main() -> None:
    for source, pdf in DOCUMENTS:
        pages, title = build(HERE / "sources" / source)
        make_pdf(HERE / "pages" / pdf, pages, title=title)
        words = len((HERE / "sources" / source).read_text(encoding="utf-8").split())
        print(f"{pdf}: {len(pages)} pages, about {words} words")


if __name__ == "__main__":
    main()
