"""Read a PDF's text layer (pypdf): one text whose offsets citations index, its pages, and its outline as sections.

The text is each page's extracted text (`pypdf.PageObject.extract_text`), pages joined with a form feed "\\f",
with one repair that keeps every offset: a word hyphenated across a line break ("paie-\\nment") is joined
("paiement\\n ", the same length), unless the document spells it with the hyphen elsewhere ("porte-monnaie").
Everything else stands as pypdf extracts it, so `text[start:end]` of a citation is that text, page after page.

Running headers and footers (lines that stand at the top or the bottom of two pages or more, a page number aside:
`rag.corpus.formats.pdf_furniture`) are left out of the sections. Sections come from the outline (bookmarks): a
heading starts where its title is found on its destination page (the page's top when it is not found, unless a
heading before it in the outline was found on that page: then it is left out); text before the first one has no
heading. Without an outline, lines set in bold or larger that read as headings head sections, their levels by size
(`rag.corpus.formats.pdf_fonts`: the rule of Word's bold lines) where one of them at least is larger than the text; in
a PDF without such lines (one font throughout, or headings set in bold at the text's size alone), short title lines
head sections as in plain text (`rag.corpus.formats.text.looks_like_title`), and a lone one before the first is the
title when the file declares none (else a letter's bold subject, text as in a .docx). A PDF that cannot be read raises
`ValueError` saying what to do. What pypdf warns of while it reads a file (what it repaired: "incorrect startxref
pointer", or found odd) comes back in `Parsed.changes`, for the ingest report to name the file, not printed bare.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from collections.abc import Collection, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from io import BytesIO
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from rag.corpus.formats.base import Line, Outline, Parsed, Section, unmarked
from rag.corpus.formats.blocks import bold_heading_levels
from rag.corpus.formats.letters import signature
from rag.corpus.formats.pdf_fonts import Runs, Visitor, body_size, line_fonts
from rag.corpus.formats.pdf_furniture import PAGE_BREAK, body_lines, edge, fixed_blocks, printed_title, site_furniture
from rag.corpus.formats.pdf_tables import Row, continued, table_rows
from rag.corpus.formats.text import leading_title, looks_like_title

if TYPE_CHECKING:
    from pypdf import PdfReader

ENCRYPTED = "encrypted PDF: decrypt it first"
NO_TEXT = "no text found: a scanned PDF? run OCR first"
# A letter run, a hyphen ending the line, a letter run starting the next one.
HYPHEN_BREAK = re.compile(r"([^\W\d_]+)-\n([^\W\d_]+)")
# A word of letter runs joined by hyphens within a line ("porte-monnaie").
COMPOUND = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)+")
# Lone surrogates: pypdf decodes a font's character map with "surrogatepass", so a broken map yields them, and no
# tokenizer or UTF-8 encoder takes them. Each becomes U+FFFD, one character for one: no offset moves.
SURROGATE = re.compile("[\ud800-\udfff]")
# What may stand before a heading's title on its line: its number ("2.1 ASN.1 syntax" under "ASN.1 syntax").
_NUMBERING = re.compile(r"[\d.]*\s*")
# The fewest headings set in bold or larger (the title aside) by which a PDF without outline is sectioned: a single bold
# line over text in a PDF in one font ("Important") is emphasis, and its plain title lines are its headings
_STYLED_HEADINGS = 2
# A line at least this long without a sentence end runs on into the next: the paragraph under a title goes on there
_RUN_ON = 40
_SENTENCE_END = (".", "!", "?", "…", ":", ";")
# A line runs on into the next when that one's first word would have taken it past this share of the column's width
# (characters of a proportional font: a wrapped line may stop short of the longest by a few)
_WRAPPED = 0.85
_CONTINUING = set(",;:.)]…!?»")  # punctuation that opens a line only where the sentence before goes on
# An amount: a number with its currency or percent sign ("39,80 €", "1 200 EUR", "1,75 %", "$12"). A line that holds
# one is a table's row or a sentence, no heading ("Total 39,80 €" in bold); a bold line over a row of two such is the
# table's header row ("Offre Abonnement Commission" over "Essentiel 14,90 € 1,75 %"). Linear: a number starts after
# no digit nor separator (its groups of thousands are joined by a non-breaking space, not a plain one), so each is
# scanned once.
_AMOUNT = re.compile(r"(?<![\d.,\u00a0\u202f])\d+(?:[.,\u00a0\u202f]\d+)*\s?(?:[€$£%]|EUR\b)|[€$£]\s?\d")
_ROW = 2  # amounts on a line from which it is a table's row
# The repairs pypdf logs while the current thread parses a PDF; None when none is being parsed.
_REPAIRS: ContextVar[list[str] | None] = ContextVar("pdf_repairs", default=None)
# Repairs named in the report, at most; the rest are counted.
SHOWN_REPAIRS = 3


class _Repairs(logging.Handler):
    """Keeps pypdf's records for the file being parsed; any other goes on to the root logger, as it would have."""

    def emit(self, record: logging.LogRecord) -> None:
        repairs = _REPAIRS.get()
        if repairs is None:
            logging.getLogger().handle(record)
        elif record.levelno >= logging.WARNING:
            repairs.append(" ".join(record.getMessage().split()))


_PYPDF_LOG = logging.getLogger("pypdf")
_PYPDF_LOG.addHandler(_Repairs())
_PYPDF_LOG.propagate = False
_PYPDF_LOG.setLevel(logging.WARNING)  # made whatever the root logger's level: the report needs them


def _repaired(repairs: list[str]) -> list[str]:
    """The ingest report's line for what pypdf warned of (what it repaired, or found odd), if anything: each message
    once, the first few."""
    distinct = list(dict.fromkeys(repair for repair in repairs if repair))
    if not distinct:
        return []
    more = len(distinct) - SHOWN_REPAIRS
    return ["the PDF reader warned (check the text it read): " + "; ".join(distinct[:SHOWN_REPAIRS])
            + (f"; and {more} more" if more > 0 else "")]


@dataclass(frozen=True)
class _Heading:
    title: str
    page: int  # 0-based
    level: int = 1  # 1 at the outline's top, 2 for an entry nested under one, ...


def _outline(reader: PdfReader, items: list[Any] | None = None, level: int = 1) -> Iterator[_Heading]:
    """Outline entries in reading order, nested ones after their parent; entries without a page left out."""
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            yield from _outline(reader, item, level + 1)
            continue
        page = reader.get_destination_page_number(item)
        title = _clean(" ".join(str(item.title or "").split()))
        if title and page is not None and page >= 0:
            yield _Heading(title, page, level)


def _clean(text: str) -> str:
    return SURROGATE.sub("\ufffd", text)


def dehyphenate(pages: list[str]) -> list[str]:
    """Pages with the words hyphenated at a line end joined, each page keeping its length: "paie-\\nment x" ->
    "paiement\\n  x". A word the document also spells with its hyphen ("porte-monnaie") keeps it, as does one whose
    second part starts with a capital ("Jean-Pierre")."""
    # every pair of neighbours in a hyphenated word within a line, once: a lookup per break, not a document scan
    spelt = {f"{a}-{b}".casefold() for page in pages for compound in COMPOUND.findall(page)
             for a, b in pairwise(compound.split("-"))}

    def join(match: re.Match[str]) -> str:
        head, tail = match.group(1), match.group(2)
        if not tail[0].islower() or f"{head}-{tail}".casefold() in spelt:
            return match.group(0)
        return f"{head}{tail}\n "

    return [HYPHEN_BREAK.sub(join, page) for page in pages]


def _sections(lines: list[Line], text: str, page_starts: list[int], headings: list[_Heading]) -> list[Section]:
    """The text's lines under the outline headings; a heading found in the text is not a line of its own."""
    ends = [*page_starts[1:], len(text)]
    starts: list[tuple[int, int, _Heading]] = []  # (section start, heading end in the text, heading)
    floor = 0
    for heading in headings:
        if heading.page >= len(page_starts):
            continue
        top = page_starts[heading.page]
        words = [re.escape(word) for word in heading.title.split()]
        found = re.compile(r"\s+".join(words), re.IGNORECASE).search(text, max(top, floor), ends[heading.page])
        if found:
            line_start = max(text.rfind("\n", top, found.start()), text.rfind(PAGE_BREAK, top, found.start()),
                             top - 1) + 1
            start = line_start if _NUMBERING.fullmatch(text, line_start, found.start()) else found.start()
            starts.append((start, found.end(), heading))
            floor = found.end()
        elif floor <= top:  # not found: its section starts at its page's top
            starts.append((top, top, heading))
            floor = top
        # else: not found on a page where a heading above it was: where it starts is unknown, and any guess would
        # label some other heading's text with it; that text keeps the heading found

    sections = [Section(None)]
    outline = Outline()
    boundaries = [start for start, _, _ in starts]
    for start, heading_end, heading in starts:
        sections.append(outline.section(heading.level, heading.title, start if heading_end > start else None))
    for line in lines:
        owner = bisect_right(boundaries, line.start)  # 0: before any heading
        if owner and line.end <= starts[owner - 1][1]:
            continue  # the heading's own line
        if owner and line.start < starts[owner - 1][1]:  # the heading ends mid-line: keep the rest
            cut = starts[owner - 1][1]
            rest = text[cut:line.end].strip()
            if not rest:
                continue
            line = Line(rest, line.end - len(rest), line.end)
        sections[owner].lines.append(line)
    return [section for section in sections if section.lines]


class _Encrypted(Exception):
    """The PDF needs a password to be read."""


def _page_text(page: Any) -> tuple[str, Runs, list[Row]]:
    """A page's text as pypdf extracts it, the fonts it is set in (`rag.corpus.formats.pdf_fonts`) and its tables'
    rows (`rag.corpus.formats.pdf_tables`)."""
    visitor = Visitor()
    text = page.extract_text(visitor_text=visitor) or ""
    token = _REPAIRS.set([])  # what the layout reader warns of is its own reading's, not the text's
    try:
        rows = table_rows(page, text)
    finally:
        _REPAIRS.reset(token)
    return text, visitor.runs(text), rows


def _extract(data: bytes) -> tuple[list[str], list[Runs], list[list[Row]], list[_Heading], str]:
    """Pages' text, fonts and table rows, outline headings and /Title, as pypdf gives them (and raises on a
    malformed file)."""
    # Imported here: pypdf takes a tenth of a second to import, which a server that never reads a PDF need not pay.
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    reader = PdfReader(BytesIO(data))
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")  # with an owner password alone, anyone may read it
        except (DependencyError, NotImplementedError) as exc:  # a cipher pypdf cannot run here
            raise _Encrypted from exc
        if not opened:
            raise _Encrypted
    try:
        texts, fonts, rows = zip(*(_page_text(page) for page in reader.pages), strict=True) if reader.pages \
            else ((), (), ())
        pages = dehyphenate([_clean(text) for text in texts])
    except FileNotDecryptedError as exc:
        raise _Encrypted from exc
    try:
        headings = list(_outline(reader))
    except Exception:  # a damaged outline costs the headings, not the text (pypdf raises KeyError, TypeError, ...)
        headings = []
    metadata = reader.metadata
    title = _clean(" ".join(str(metadata.title or "").split())) if metadata else ""
    return pages, list(fonts), list(rows), headings, title


def parse_pdf(data: bytes) -> Parsed:
    """A PDF's text, pages and outline sections, and its /Title. Raises `ValueError` when it cannot be read."""
    repairs: list[str] = []
    token = _REPAIRS.set(repairs)
    try:
        pages, fonts, rows, headings, title = _extract(data)
    except _Encrypted as exc:
        raise ValueError(ENCRYPTED) from exc
    except Exception as exc:  # pypdf raises many kinds of error on a malformed file; none may stop the ingest
        raise ValueError(f"damaged PDF, cannot be parsed ({exc.__class__.__name__}: {exc})") from exc
    finally:
        _REPAIRS.reset(token)
    if not any(page.strip() for page in pages):
        raise ValueError(NO_TEXT)
    page_starts, offset = [], 0
    for page in pages:
        page_starts.append(offset)
        offset += len(page) + len(PAGE_BREAK)
    text = PAGE_BREAK.join(pages)
    placed = [(Line(_clean(row.text), top + row.start, top + row.end, item=True, opens_table=row.opens), row.columns)
              for top, page_rows in zip(page_starts, rows, strict=True) for row in page_rows]
    lines, running = _body(text, [line for line, _ in placed])
    lines, left_out = fixed_blocks(continued(lines, page_starts, {line.start: columns for line, columns in placed}),
                                   page_starts, fonts, running)
    lines = site_furniture(lines, page_starts, fonts, running | left_out)
    styled, first, letter = _styled(lines, page_starts, fonts) if not headings else ([], None, set())
    if styled:
        sections = styled
    else:  # `first`, if any, is a letter's subject (`letter`: its lines that head nothing): too few bold lines
        sections = _sections(lines, text, page_starts, headings) if headings else _titled(lines, running, letter)
        lead, sections = leading_title(sections)
        first = lead or first
    named = title or first or printed_title(running | left_out) or _header_title(text)
    return Parsed(unmarked(sections), title=named, text=text, page_starts=page_starts, changes=_repaired(repairs))


def _body(text: str, rows: list[Line]) -> tuple[list[Line], set[str]]:
    """The text's lines without its running headers and footers (`body_lines`), and these; each table row (`rows`)
    in place of the lines it spans, where the first of them stood."""
    lines, running = body_lines(text)
    if not rows:
        return lines, running
    out: list[Line] = []
    n = 0
    for line in lines:
        while n < len(rows) and rows[n].end <= line.start:
            n += 1
        if n < len(rows) and line.start < rows[n].end and line.end > rows[n].start:
            if not out or out[-1] is not rows[n]:
                out.append(rows[n])
        else:
            out.append(line)
    return out, running


def _header_title(text: str) -> str | None:
    """The document's first line where the pages after repeat it as their header ("Conditions générales de vente"):
    `body_lines` leaves it out with them, but it names the document as a lone first line does (`leading_title`)."""
    first = next((Line(line.strip(), 0, 0) for line in text.splitlines() if line.strip()), None)
    if first is None or first.text not in body_lines(text)[1]:
        return None
    return leading_title([Section(None, [first]), Section(None)])[0]  # a title's shape: short, no full stop


def _paragraph(lines: list[Line], i: int) -> Line | None:
    """The paragraph that starts at `lines[i]`, as one line: a PDF's text is wrapped at the column's width, so the
    paragraph under a title ("Article 4 – Utilisation du matériel informatique") runs over lines no longer than it
    is. Lines join while the one before runs on (`_RUN_ON` characters or more, no sentence end) and the next goes
    on with its sentence (in lower case, or on punctuation): a list of lines, a block of links, is no paragraph."""
    if i >= len(lines):
        return None
    end = i
    while end + 1 < len(lines) and _runs_on(lines[end]) and _goes_on(lines[end + 1].text):
        end += 1
    return Line(" ".join(line.text for line in lines[i:end + 1]), lines[i].start, lines[end].end)


def _goes_on(text: str) -> bool:
    """A line that goes on with the sentence of the line before: it opens in lower case or on punctuation."""
    return text[:1].islower() or text[:1] in _CONTINUING


def _runs_on(line: Line) -> bool:
    return len(line.text) >= _RUN_ON and not line.text.endswith(_SENTENCE_END)


def _styled(lines: list[Line], page_starts: list[int],
            fonts: list[Runs]) -> tuple[list[Section], str | None, set[int]]:
    """A PDF without an outline whose headings are set in bold or larger (`rag.corpus.formats.pdf_fonts`): its
    sections under them, a heading over those of smaller ones, and the title line (None without one). A heading
    wrapped over two lines or more (the next in the same font going on in lower case) is one; a line that goes on
    with the sentence of a line in another font (in lower case after no sentence end) is a paragraph's, and heads
    nothing, as a line with an amount ("Total 39,80 €") and a line over a row of amounts (a table's header row: a
    PDF's text does not tell its cells apart) do not. No sections where fewer
    than `_STYLED_HEADINGS` lines head one so (the title aside), nor where none of them is larger than the body's text:
    bold alone at the body's size sets apart defined terms and notes ("« Client »") as much as headings, and in a PDF
    whose headings are set no larger than its text, its plain title lines are its headings ("ARTICLE 2 – PRIX"), as
    `_titled` reads them (a short bold heading among them reads as a title line there too). A table's row
    (`rag.corpus.formats.pdf_tables`) heads nothing. A letter's subject line (`bold_heading_levels`) counts among
    those lines as the heading it reads as, but is text, and the title where no line is larger, as in a .docx; where
    there are too few, no sections, the subject's title, and its line's index with its signature's (`signature`: an
    annex's bold title under it, over its text, heads it)."""
    set_in = line_fonts(lines, page_starts, fonts)
    groups: list[list[int]] = []  # the indexes of each heading's lines, or of a line of text alone
    inside: set[int] = set()  # the groups that head nothing whatever their font
    for i, (line, font) in enumerate(zip(lines, set_in, strict=True)):
        goes_on = i > 0 and _goes_on(line.text) and not lines[i - 1].text.endswith(_SENTENCE_END)
        if goes_on and font is not None and font.bold and set_in[i - 1] == font:
            groups[-1].append(i)
        else:
            if goes_on or line.item or _AMOUNT.search(line.text) or \
                    (i + 1 < len(lines) and len(_AMOUNT.findall(lines[i + 1].text)) >= _ROW):
                # a phrase in bold within a paragraph ("et" / "les remboursements de plus de 500 euros"), a table's
                # row, or its header row
                inside.add(len(groups))
            groups.append([i])
    headings = [" ".join(lines[i].text for i in group) for group in groups]
    levels, subject = bold_heading_levels([(heading, None if n in inside else set_in[group[0]])
                                           for n, (heading, group) in enumerate(zip(headings, groups, strict=True))])
    body = body_size(fonts) or 0.0
    read = [*levels, *([] if subject is None else [subject])]  # a letter's subject counts as the heading it reads as
    larger = any((font := set_in[groups[n][0]]) is not None and font.size > body for n in read)
    letter = None if subject is None else headings[subject]
    if sum(level > 0 for level in levels.values()) + (subject is not None) < _STYLED_HEADINGS or not larger:
        at = None if subject is None else groups[subject][0]
        return [], letter, set() if at is None else {at, *signature([line.text for line in lines], at, lambda i: (
            (font := set_in[i]) is not None and font.bold and looks_like_title(lines[i], _paragraph(lines, i + 1))))}
    sections, outline, title = [Section(None)], Outline(), None
    for n, group in enumerate(groups):
        if n not in levels:
            sections[-1].lines.extend(lines[i] for i in group)
        elif levels[n] == 0:
            title = title or headings[n]
            sections.append(Section(headings[n], heading_start=lines[group[0]].start))
        else:
            sections.append(outline.section(levels[n], headings[n], lines[group[0]].start))
    return [section for section in sections if section.lines], title or letter, set()


def _titled(lines: list[Line], running: set[str], letter: Collection[int] = ()) -> list[Section]:
    """A PDF without an outline: its short title lines head sections, as in plain text (`looks_like_title`, the
    paragraph after a title taken whole, `_paragraph`), but without plain text's test of the line before: a PDF's
    text has no blank lines to tell a block of short lines (an address) from a heading under another ("Garantie et
    service après-vente", then "Garantie légale"); nor is a line inside a wrapped paragraph. Running headers and
    footers are left out (`body_lines`), and a table's row heads nothing, nor do a `letter`'s subject line and
    signature (`_styled`: text of the letter or memo, as in a .docx, whatever follows: a footer, a P.S.)."""
    lengths = sorted(len(line.text) for line in lines)
    width = lengths[len(lengths) * 19 // 20] if lengths else 0  # the column's, a long table row or two aside
    sections = [Section(None)]
    for i, line in enumerate(lines):
        # a paragraph's wrapped line is none: the line before runs on into it (its first word did not fit there: a
        # list item without a full stop, "- la maintenance des équipements", runs on into no title), it breaks a
        # word, or the next goes on
        inside = (i and _runs_on(lines[i - 1]) and
                  len(lines[i - 1].text) + 1 + len(line.text.split()[0]) > _WRAPPED * width) or \
            line.text.endswith("-") or \
            (i + 1 < len(lines) and _goes_on(lines[i + 1].text))
        if not inside and not line.item and i not in letter and line.text.strip() not in running and \
                edge(line.text.strip()) not in running and looks_like_title(line, _paragraph(lines, i + 1)):
            sections.append(Section(line.text, heading_start=line.start, shaped=line))
        else:
            sections[-1].lines.append(line)
    return [section for section in sections if section.lines]


__all__ = ["ENCRYPTED", "HYPHEN_BREAK", "NO_TEXT", "PAGE_BREAK", "dehyphenate", "parse_pdf"]
