"""Read a table exported as text (.csv, .tsv): one entry per row, each line cited at its cell in the file.

Chatbot integrators keep their FAQ in a spreadsheet exported as CSV ("question;réponse": Excel's French exports
delimit by ";", in UTF-8 with a BOM or in Windows-1252, which the reader decodes as it decodes any text file,
`rag.corpus.encoding`), and help desks export their articles as a table. What a row becomes is
`rag.corpus.formats.columns`'s: a question and its answer, or a record of named values.

- The delimiter: a tab for .tsv; for .csv, of `,` `;` tab `|`, one that splits most of the first rows (up to 50, in
  the first 64 kB) into two columns or more, the one splitting them into the same number of columns most often
  (`delimiter`); none, a file of one column, when no candidate splits most rows (a list of questions whose commas are
  prose). `csv.Sniffer` is not used: it counts delimiters line by line, and gives up on an FAQ whose answers run over
  paragraphs and hold a doubled quote; its guess of `'` for quotes is wrong for French text, whose apostrophes it
  sees as quotes; and its quote-guessing regular expression takes time quadratic in its sample (5 s on 16 kB of
  quotes and line breaks). A first line that declares the delimiter, as Excel writes one for another locale's Excel
  (`sep=;`), names it, and is no row. Quotes are always `"`, doubled inside a quoted cell.
- Rows are the standard library's `csv.reader` rows (quoted cells holding line breaks and doubled quotes), fed the
  text a line at a time (`\\n`, `\\r\\n` or `\\r`, as `open(newline="")` gives them), which tells where each row
  starts and ends. Each cell is then found in its row's text (`_scan`): a line of a cell is cited at its own span,
  exactly, its quotes doubled in it where the file doubles them (`Line.doubled`, so that each piece the chunker cuts
  a long line into is cited at its own stretch too), unless the row is malformed in a way `csv` forgives (`"a"b`:
  the cell's whole span).
- A cell holding HTML (`markup`: an article's body as Zendesk, Freshdesk or Intercom export it, `<p>Cliquez sur
  <strong>...`) is read by the HTML reader, its tags and entities left out, each block a line cited at its element;
  one whose tags a sentence names, never closed ("Utilisez <b> et <i> ..."), is text.
- Bounds, each a `ValueError` whose reason the ingest reports, the file skipped: a row of more than `MAX_COLUMNS`
  cells; a quoted cell never closed, which `csv` would read to the end of the file as one cell; a file whose rows
  hold no text. A file is at most `RAG_MAX_FILE_BYTES` (`rag.corpus.files.refusal`) before it is decoded, and a
  binary one is refused there. A cell may be as long as its file (a help desk's article body holding an image inline
  in base64): the csv module's own limit, 131,072 characters, is raised (`LONGEST_CELL`).
"""

from __future__ import annotations

import csv
import io
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count, islice

from rag.corpus.formats.base import Line, Parsed, lines_with_offsets
from rag.corpus.formats.columns import Cell, table_sections
from rag.corpus.formats.html import parse_html

DELIMITERS = ",;\t|"
# the delimiter of a file of one column: ASCII's unit separator, which text does not hold (a file that does delimits
# its cells with it, as ASCII means it to)
ONE_COLUMN = "\x1f"
_SPLIT = 0.8  # the least share of the first rows a delimiter splits into two columns or more
MAX_COLUMNS = 1000  # cells in a row: far past an FAQ's or a help desk export's; beyond, a data matrix, not text
_QUOTE = '"'
# Excel's line naming the delimiter, opening a file it writes for another locale's Excel ("sep=;"), quoted by some
_DECLARED = re.compile(r'"?sep=(?P<sep>[^"\r\n])[^\r\n]*(?:\r\n|\n|\r)', re.IGNORECASE)
_SAMPLE_CHARS = 65536  # where the delimiter is chosen from: the first rows, wherever they end
_SAMPLE_ROWS = 50
_BREAK = re.compile("[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")  # where `str.splitlines` breaks a line
# The csv module refuses a cell longer than its field size limit, 131,072 characters by default, a setting of the
# whole process. It bounds what a reader streaming a file holds; rag holds the whole decoded file already, a cell is a
# slice of it, and the file is bounded before it is decoded (RAG_MAX_FILE_BYTES, 20 MB by default: at most that many
# characters). So the limit is raised once, here, to the largest a C long holds on every platform, 2 GB: beyond any
# file rag reads whole. Safe for the rest of the process: a reader elsewhere accepts longer cells, and reads every
# file it read before as it did.
LONGEST_CELL = 2**31 - 1
csv.field_size_limit(LONGEST_CELL)


# elements an article's body is written with, whose tags make a cell HTML (`markup`)
_ELEMENTS = ("p", "div", "span", "br", "hr", "strong", "b", "em", "i", "u", "a", "img", "ul", "ol", "li", "dl", "dt",
             "dd", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "td", "th", "blockquote",
             "pre", "code", "section", "article", "figure", "figcaption", "details", "summary", "sup", "sub", "font",
             "iframe", "video")
_BLOCKS = frozenset(("p", "div", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6"))  # a cell's opening block
_TAG = re.compile(rf"</?(?P<name>{'|'.join(_ELEMENTS)})(?=[\s/>])(?P<rest>[^<>]*)>", re.IGNORECASE)


@dataclass(slots=True)
class _Span:
    """Where a cell stands in the text: its raw span (quotes included); `inner` the span of its value when the
    value is read from it exactly (the raw span less its quotes, or all of it), None when `csv` forgave a fault."""

    start: int
    end: int
    inner: tuple[int, int] | None
    quoted: bool


def _cell(value: str, span: _Span) -> Cell:
    """A cell whose lines are cited in the text: exactly where its value is its raw text (a doubled quote counted
    twice), else at the whole of its span; an HTML cell's at its elements (`value_lines`)."""
    lines, html = value_lines(value)
    if span.inner is None:
        return Cell(value, tuple(Line(line.text, span.start, span.end, line.item) for line in lines))
    start = span.inner[0]
    quotes = [i for i, ch in enumerate(value) if ch == _QUOTE] if span.quoted and _QUOTE in value else []
    cited = []
    for line in lines:  # each quote before a character stands doubled in the file
        first, last = bisect_left(quotes, line.start), bisect_left(quotes, line.end)
        doubled = () if html else tuple(q - line.start for q in quotes[first:last])
        cited.append(Line(line.text, start + line.start + first, start + line.end + last, line.item, doubled=doubled))
    return Cell(value, tuple(cited))


def value_lines(value: str) -> tuple[list[Line], bool]:
    """A cell's non-blank lines, their offsets in its value, and whether it holds HTML (`markup`), read then by the
    HTML reader (`rag.corpus.formats.html.parse_html`): its blocks' texts, cited at their elements, and its headings
    (an article body's `<h2>`), each a line cited from its element to its section's first line."""
    if markup(value):
        lines = []
        for section in parse_html(value).sections:
            if section.heading is not None:
                lines.append(Line(section.heading, section.heading_start or 0, section.lines[0].start))
            lines.extend(section.lines)
        return lines, True
    if _BREAK.search(value) is None:  # most cells: one line, found without splitting (a table of millions of cells)
        text = value.strip()
        lead = len(value) - len(value.lstrip())
        return ([Line(text, lead, lead + len(text))] if text else []), False
    return lines_with_offsets(value), False


def markup(value: str) -> bool:
    """Whether a cell holds HTML, as help desks export an article's body (Zendesk, Freshdesk, Intercom): markup, not
    tags named in prose. A common element (`_ELEMENTS`) opened then closed ("Cliquez sur <strong>Enregistrer</strong>",
    "<p>Oui.</p>"), a start tag with attributes ("<a href='...'>", "<img src='...'>"), two line breaks ("Oui.<br>Sous
    24 h.<br>"), or a block's start tag opening the cell, the text at once after it ("<p>Bonjour<p>Merci de votre
    retour", valid HTML without closing tags). Tags named in a sentence, never closed ("Utilisez <b> et <i> pour la
    mise en forme", "le signe <b>", "<p> ouvre un paragraphe"), leave it text, read as written."""
    if "<" not in value:
        return False
    opening = _TAG.match(value.lstrip())
    if opening is not None and opening["name"].casefold() in _BLOCKS and not opening[0].startswith("</") and \
            value.lstrip()[opening.end():opening.end() + 1] != " ":
        return True
    opened: set[str] = set()
    breaks = 0
    for tag in _TAG.finditer(value):
        name = tag["name"].casefold()
        if tag[0].startswith("</"):
            if name in opened:
                return True
        elif "=" in tag["rest"]:
            return True
        elif name == "br":
            breaks += 1
            if breaks == 2:
                return True
        else:
            opened.add(name)
    return False


def parse_csv(text: str) -> Parsed:
    """A .csv file, its delimiter the one its first line declares (Excel's `sep=;`, a line left out), else found in
    its first rows (`delimiter`)."""
    return table_sections(csv_rows(text))


def csv_rows(text: str) -> Iterator[list[Cell]]:
    """The rows of a .csv file (`parse_csv`'s delimiter), each cell's lines cited in `text`. Raises `ValueError` as
    `parse_table` does."""
    declared = _DECLARED.match(text)
    if declared:
        return _rows(text, declared["sep"], declared.end())
    return _rows(text, delimiter(text), 0)


def parse_tsv(text: str) -> Parsed:
    """A .tsv file: tab-delimited."""
    return parse_table(text, "\t")


def parse_table(text: str, separator: str, start: int = 0) -> Parsed:
    """The rows of a delimited text from `start`, the end of a line declaring the delimiter, as sections
    (`rag.corpus.formats.columns.table_sections`). Raises `ValueError` for a file that cannot be read as a table,
    with a reason a person can act on."""
    return table_sections(_rows(text, separator, start))


def delimiter(text: str) -> str:
    """The delimiter of a .csv file: of `DELIMITERS`, one that splits most of its first rows into two columns or more,
    the one splitting them into the same number of columns most often (`_consistency`); between equals, the one a
    space follows least often (a delimiter is written alone, a comma of prose is followed by a space: "Horaires ?;De
    9 h, du lundi au vendredi"), then the first. `ONE_COLUMN` when none splits most rows."""
    sample = text[:_SAMPLE_CHARS]
    cut = len(sample) < len(text)
    scores = {d: _consistency(sample, d, cut) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: (scores[d], -_spaced(sample, d)))
    return best if scores[best] > 0 else ONE_COLUMN


def _spaced(sample: str, separator: str) -> float:
    """The share of `separator`'s occurrences in `sample` that a space follows."""
    return sample.count(separator + " ") / max(1, sample.count(separator))


def _consistency(sample: str, separator: str, cut: bool) -> float:
    """How consistently `separator` splits the sample's rows: the share of its non-empty rows that have the most
    common number of columns; 0 unless it splits `_SPLIT` of them or more into two columns or more (a comma in half
    the questions of a list of questions is prose, one column). Rows may differ in width: a file written by hand
    leaves out the empty cells closing a row ("question;réponse;note" over "A ?;Oui")."""
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=separator, quotechar=_QUOTE, strict=False)
    try:
        counts = [len(row) for row in islice(reader, _SAMPLE_ROWS + 1) if row]
    except csv.Error:
        return 0.0
    if cut and len(counts) > 1:
        counts.pop()  # the row the sample cut off, or one past the rows sampled
    if not counts or sum(1 for n in counts if n > 1) < _SPLIT * len(counts):
        return 0.0
    return Counter(counts).most_common(1)[0][1] / len(counts)


def _rows(text: str, separator: str, start: int) -> Iterator[list[Cell]]:
    """The rows of `text` from `start` (0, or the end of its first line) as `csv.reader` reads them, each cell
    located in `text` (`_scan`), numbered as a spreadsheet numbers them (Excel shows no row for a `sep=` line)."""
    consumed = start

    def pieces() -> Iterator[str]:
        nonlocal consumed
        # lines as `csv` wants them: their line breaks kept, untranslated
        for piece in io.StringIO(text[start:] if start else text, newline=""):
            consumed += len(piece)
            yield piece

    reader = csv.reader(pieces(), delimiter=separator, quotechar=_QUOTE, strict=False)
    unquoted = re.compile(f"[^{re.escape(separator)}\r\n]*")  # an unquoted cell, or what follows a quoted one
    skipped = 1 if start else 0  # the line declaring the delimiter
    line = 1 + skipped
    for number in count(1):
        where = f"row {number:,} (line {line:,})"  # as a spreadsheet numbers its rows, and an editor its lines
        try:
            values = next(reader, None)
        except csv.Error as exc:
            raise ValueError(f"not a readable table, in {where}: {exc}") from exc
        if values is None:
            return
        if len(values) > MAX_COLUMNS:
            raise ValueError(f"{len(values):,} cells in {where}: rag reads tables of at most {MAX_COLUMNS:,} "
                             "columns (a data matrix is no text to search)")
        end = consumed
        spans = _scan(text, start, end, unquoted, len(values), where)
        yield [_cell(value, _checked(text, span, value)) for value, span in zip(values, spans, strict=True)]
        start, line = end, reader.line_num + skipped + 1


def _checked(text: str, span: _Span, value: str) -> _Span:
    """`span`, its `inner` left out unless the file holds `value` there (its quotes doubled in a quoted cell): not
    where `csv` forgave a fault (`"Oui" mais non`, read as "Oui mais non")."""
    if span.inner is None:
        return span
    raw = text[span.inner[0]:span.inner[1]]
    if (raw.replace(_QUOTE * 2, _QUOTE) if span.quoted else raw) == value:
        return span
    return _Span(span.start, span.end, None, span.quoted)


def _scan(text: str, start: int, end: int, unquoted: re.Pattern[str], cells: int, where: str) -> list[_Span]:
    """Where each of the `cells` cells of the row `text[start:end]` stands, read as `csv.reader` reads it, each after
    a delimiter but the first: a cell opening on a quote runs to the quote that closes it (a doubled one does not),
    and on to the next delimiter (what `csv` appends to it, forgiving); any other cell to the next delimiter or line
    break. Raises `ValueError` for a quoted cell never closed: `csv` read the rest of the file as that cell (a quote
    open at a line's end goes on to the next line, and only the file's end closes a row in it)."""
    spans, pos = [], start
    for k in range(cells):
        if k:
            pos += 1  # the delimiter
        cell, inner = pos, None
        if text.startswith(_QUOTE, pos, end):
            pos += 1
            while (close := text.find(_QUOTE, pos, end)) >= 0 and text.startswith(_QUOTE * 2, close, end):
                pos = close + 2
            if close < 0:
                raise ValueError(f"a quote opened in {where} is never closed: the rest of the file would be one "
                                 'cell; close it, and double a quote inside a quoted cell ("")')
            inner, pos = (cell + 1, close), close + 1
        match = unquoted.match(text, pos, end)
        pos = match.end() if match else pos
        if inner is None:
            inner = (cell, pos)
        spans.append(_Span(cell, pos, inner, text.startswith(_QUOTE, cell, end)))
    return spans


__all__ = ["DELIMITERS", "LONGEST_CELL", "MAX_COLUMNS", "ONE_COLUMN", "csv_rows", "delimiter", "markup", "parse_csv",
           "parse_table", "parse_tsv", "value_lines"]
