"""Small PDFs made in the tests themselves: pages of text in Helvetica, optionally an outline, a title, a password;
and the pages and outline of a small merchant's guide. A page is either lines from its top left or lines placed where
a layout puts them (`flow`, `two_columns`), drawn in the order given; a placed line may be in Helvetica-Bold (a fifth
item, True), as word processors set headings apart."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, NumberObject

# a merchant's guide: three pages of text, one section each
PAGES = [
    "Guide du marchand\n"
    "Ouverture du compte\n"
    "Pour ouvrir un compte marchand, envoyez le formulaire d'inscription signé et un extrait Kbis de moins de "
    "trois mois.\nLe compte est activé sous deux jours ouvrés après la vérification des documents.",
    "Retours des clients\n"
    "Un client peut retourner un article sous quatorze jours. Le marchand enregistre le retour dans son espace, "
    "puis le paie-\nment restant est annulé.",
    "Virements aux marchands\n"
    "Les fonds des ventes sont virés sur le compte bancaire du marchand chaque mardi, par virement SEPA.\n"
    "Un relevé détaillé des commissions est envoyé par courriel le même jour.",
]
OUTLINE = [("Ouverture du compte", 0), ("Retours des clients", 1), ("Virements aux marchands", 2)]


def _escape(line: str) -> bytes:
    """A PDF string literal's body in WinAnsiEncoding (cp1252), with its delimiters escaped."""
    raw = line.encode("cp1252")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


# A line placed on the page: its left end and baseline in points from the page's bottom left, its text, its size; and
# optionally whether it is bold (Helvetica-Bold).
Placed = tuple[float, float, str, float] | tuple[float, float, str, float, bool]
WIDTH, HEIGHT, MARGIN, GUTTER = 595, 842, 56, 22
# Helvetica's advance widths (its AFM, thousandths of the size) for the characters 32 to 126; an accented letter has
# its base letter's width, any other character 556
_HELVETICA = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556,
    556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833,
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556,
    556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334,
    260, 334, 584]


# Helvetica-Bold is wider: its advance widths, on average over French text, this much more than Helvetica's
_BOLD = 1.07
SOFT_HYPHEN = "\u00ad"


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The text's width in points."""
    codes = [ord(unicodedata.normalize("NFD", char)[0]) for char in text]
    return sum(_HELVETICA[code - 32] if 32 <= code < 127 else 556 for code in codes) * size / 1000 * \
        (_BOLD if bold else 1)


def wrap(paragraph: str, width: float, size: float = 10, bold: bool = False) -> list[str]:
    """The paragraph's lines as a word processor wraps it at `width` points in Helvetica of `size`. A word may break
    where it has a soft hyphen (U+00AD), a hyphen ending the line, when its head fits there and the whole word does
    not; soft hyphens are not drawn otherwise."""
    lines: list[str] = []
    for word in paragraph.split():
        head, _, tail = word.rpartition(SOFT_HYPHEN)
        whole = word.replace(SOFT_HYPHEN, "")
        candidate = f"{lines[-1]} {whole}" if lines else whole
        if lines and text_width(candidate, size, bold) <= width:
            lines[-1] = candidate
        elif lines and head and text_width(f"{lines[-1]} {head}-", size, bold) <= width:
            lines[-1] = f"{lines[-1]} {head.replace(SOFT_HYPHEN, '')}-"
            lines.append(tail)
        else:
            lines.append(whole)
    return lines


def flow(paragraphs: Sequence[str], x: float, top: float, width: float, size: float = 10) -> list[Placed]:
    """The paragraphs wrapped at `width`, line under line from the baseline `top` down, a blank line between two."""
    placed: list[Placed] = []
    y = top
    for paragraph in paragraphs:
        for line in wrap(paragraph, width, size):
            placed.append((x, y, line, size))
            y -= size * 1.2
        y -= size * 0.6
    return placed


def two_columns(paragraphs: Sequence[str], top: float, size: float = 10) -> list[Placed]:
    """The paragraphs as a page's two columns below `top`: one flow at the column's width whose first half of the
    lines is the left column and the rest the right one (a sentence runs on from the left column's foot to the right
    one's head), left column first as most producers write them."""
    width = (WIDTH - 2 * MARGIN - GUTTER) / 2
    lines = flow(paragraphs, MARGIN, top, width, size)
    half = (len(lines) + 1) // 2
    shift = lines[half][1] - top if half < len(lines) else 0
    return lines[:half] + [(x + width + GUTTER, y - shift, text, s) for x, y, text, s in lines[half:]]


def paragraphs(text: str) -> list[str]:
    """A text file's blocks as paragraphs to set: its non-blank lines, a leading "#", "-" or "1." mark left out, soft
    hyphens too; lines opening on "@" or "|" (the audit sources' markup, Markdown table rows) left out."""
    return [re.sub(r"^(?:#+|-|\d+\.)\s*", "", line.strip()).replace(SOFT_HYPHEN, "") for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith(("@", "|"))]


def columns(paragraphs: Sequence[str], count: int, size: float = 10, grid: bool = False) -> list[Placed]:
    """The paragraphs as a page's `count` columns: one flow at the column's width down the page, cut into columns of
    as many lines each (lines below the bottom margin left out), the first column's lines first; with `grid`, each
    baseline snapped to a grid of the line's height, as DTP tools set columns' lines side by side."""
    top = HEIGHT - 2 * MARGIN
    width = (WIDTH - 2 * MARGIN - GUTTER * (count - 1)) / count
    lines = [line for line in flow(paragraphs, MARGIN, top, width, size) if line[1] > 2 * MARGIN - top]
    per = -(-len(lines) // count)
    placed: list[Placed] = []
    for k in range(count):
        part = lines[k * per:(k + 1) * per]
        for x, y, text, _ in part:
            y -= part[0][1] - top
            placed.append((x + k * (width + GUTTER), round(y / (size * 1.2)) * size * 1.2 if grid else y, text, size))
    return placed


def table(rows: Sequence[Sequence[str]], top: float, widths: Sequence[float], size: float = 9,
          bold_header: bool = False) -> list[Placed]:
    """A table's cells placed as word processors draw them, cell by cell, row by row from the baseline `top` down:
    each cell wrapped at its column's width (`widths`, in points, from the left margin) less a padding of 4 points
    each side, its row as tall as its longest cell and 5 points more; the header row (the first) in bold with
    `bold_header`."""
    placed: list[Placed] = []
    y = top
    for n, row in enumerate(rows):
        cells = [wrap(cell, width - 8, size, bold_header and n == 0) for cell, width in zip(row, widths, strict=True)]
        left, bold = float(MARGIN), bold_header and n == 0
        for cell, width in zip(cells, widths, strict=True):
            placed += [(left + 4, y - i * size * 1.25, line, size, bold) for i, line in enumerate(cell)]
            left += width
        y -= max(len(cell) for cell in cells) * size * 1.25 + 5
    return placed


def below(placed: Sequence[Placed]) -> float:
    """The baseline of a line two lines under the lowest of `placed`."""
    return min(y - 2.4 * size for _, y, _, size, *_ in placed)


def _content(lines: Sequence[str]) -> bytes:
    """Draw each line below the previous one, 14 points apart, from the top left of an A4 page."""
    out = [b"BT /F1 12 Tf 14 TL 72 770 Td"]
    for line in lines:
        out.append(b"(" + _escape(line) + b") Tj T*")
    out.append(b"ET")
    return b"\n".join(out)


def _placed(lines: Sequence[Placed]) -> bytes:
    """Draw each line where it stands, in their order (a text matrix each, as word processors write them; the font
    set where its size or weight changes: /F1 Helvetica, /F2 Helvetica-Bold)."""
    out, current = [b"BT"], ("", 0.0)
    for x, y, text, size, *bold in lines:
        font = ("/F2" if bold and bold[0] else "/F1", size)
        if font != current:
            out.append(f"{font[0]} {size:g} Tf".encode())
            current = font
        out.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm (".encode() + _escape(text) + b") Tj")
    out.append(b"ET")
    return b"\n".join(out)


def kerned(lines: Sequence[Placed]) -> bytes:
    """A page's content drawing each placed line as TeX and word processors draw text: one TJ array, each word
    of four letters or more in two pieces kerned apart (a thirtieth of the size tighter), a space as a kern."""
    out = [b"BT"]
    for x, y, text, size, *_ in lines:
        words = [b"(" + _escape(word[:2]) + b") 30 (" + _escape(word[2:]) + b")" if len(word) > 3 else
                 b"(" + _escape(word) + b")" for word in text.split(" ")]
        out.append(f"/F1 {size:g} Tf 1 0 0 1 {x:.2f} {y:.2f} Tm [".encode() + b" -278 ".join(words) + b"] TJ")
    out.append(b"ET")
    return b"\n".join(out)


def make_pdf(path: Path, pages: Sequence[str | bytes | Sequence[Placed]], *, title: str | None = None,
             outline: Sequence[tuple[str, int] | tuple[str, int, int]] = (), password: str | None = None) -> Path:
    """Write a PDF with one page per item of `pages`: a string (lines split on newlines; an empty string gives a page
    with no text), placed lines or a content stream (`kerned`); outline entries `(title, 0-based page)`, a /Title,
    and encryption with `password`; an outline entry `(title, page, level)` of level 2 nests under the entry of level
    1 before it."""
    writer = PdfWriter()
    fonts = DictionaryObject({
        NameObject(name): writer._add_object(DictionaryObject({
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject(base),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        })) for name, base in (("/F1", "/Helvetica"), ("/F2", "/Helvetica-Bold"))})
    for text in pages:
        page = writer.add_blank_page(width=595, height=842)
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
        if text:
            stream = DecodedStreamObject()
            stream.set_data(_content(text.split("\n")) if isinstance(text, str) else
                            text if isinstance(text, bytes) else _placed(text))
            page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/MediaBox")] = ArrayObject([NumberObject(0), NumberObject(0), NumberObject(595),
                                                      NumberObject(842)])
    parents: dict[int, Any] = {}
    for heading, number, *level in outline:
        depth = level[0] if level else 1
        parents[depth] = writer.add_outline_item(heading, number, parent=parents.get(depth - 1))
    if title is not None:
        writer.add_metadata({"/Title": title})
    if password is not None:
        writer.encrypt(password, algorithm="AES-128")
    with path.open("wb") as handle:
        writer.write(handle)
    return path


__all__ = [
    "HEIGHT",
    "MARGIN",
    "OUTLINE",
    "PAGES",
    "SOFT_HYPHEN",
    "WIDTH",
    "Placed",
    "below",
    "columns",
    "flow",
    "kerned",
    "make_pdf",
    "table",
    "text_width",
    "two_columns",
    "wrap",
]
