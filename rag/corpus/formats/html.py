"""HTML through the standard library's parser: headings open sections, block elements give lines, a table row is
one line of its cells."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from rag.corpus.formats.base import CELL_SEPARATOR, Line, Outline, Parsed, Section

_BLOCKS = {"p", "li", "dt", "dd", "tr", "td", "th", "pre", "blockquote", "figcaption", "caption", "summary",
           # containers: text written straight inside one (a page built of <div>s) is a line of its own
           "div", "section", "article", "main", "header", "aside", "details", "figure", "address", "dl", "ul", "ol",
           "table", "form", "fieldset"}
_CELLS = {"td", "th"}
_ITEMS = {"li", "dt", "dd", "tr", "td", "th"}  # their lines are items of a list or rows of a table
_CELL_BREAK = "\x00"  # marks where a row's next cell starts, until the row is flushed
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_SKIPPED = {"script", "style", "noscript", "template", "svg", "head", "nav", "footer"}


class _HtmlSections(HTMLParser):
    """Collects headings and block texts with the offsets of their elements in the HTML source."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.line_starts = [0]
        for match in re.finditer("\n", source):
            self.line_starts.append(match.end())
        self.sections: list[Section] = [Section(None)]
        self.outline = Outline()
        self.title: str | None = None
        self.url: str | None = None
        self._skip = 0
        self._in_title = False
        self._open: tuple[str, int] | None = None  # (tag, start offset) of the block being read
        self._buffer: list[str] = []
        self._loose_start: int | None = None  # where text outside any open block began

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        elif tag == "link" and dict(attrs).get("rel") == "canonical":
            self.url = dict(attrs).get("href")
        elif tag in _SKIPPED:
            self._skip += 1
        elif self._open and self._open[0] == "tr" and tag != "tr":
            # inside a row, blocks are part of its cells: the row is one line, its cells apart
            if tag in _CELLS:
                self._buffer.append(_CELL_BREAK)
            elif tag in _BLOCKS or tag in _HEADINGS or tag == "br":
                self._buffer.append(" ")
        elif (tag in _BLOCKS or tag in _HEADINGS) and not self._skip:
            self._flush(self._offset())
            self._open = (tag, self._offset())
        elif tag == "br":
            self._buffer.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in _SKIPPED:
            self._skip = max(0, self._skip - 1)
        elif self._open and (tag == self._open[0] or (tag == "table" and self._open[0] == "tr")):
            end = self._offset() + len(f"</{tag}>")
            self._flush(end)

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title = ((self.title or "") + data).strip() or None
        elif not self._skip:
            if self._open is None and self._loose_start is None and data.strip():
                self._loose_start = self._offset()
            self._buffer.append(data)

    def _flush(self, end: int) -> None:
        joined = "".join(self._buffer)
        # only a row has cells: a NUL anywhere else is text (blanked as a control character at ingest)
        cells = joined.split(_CELL_BREAK) if self._open and self._open[0] == "tr" else [joined]
        text = CELL_SEPARATOR.join(cell for cell in (" ".join(c.split()) for c in cells) if cell)
        self._buffer = []
        if self._open is None:
            if text and self._loose_start is not None:  # loose text between blocks
                self.sections[-1].lines.append(Line(text, self._loose_start, end))
            self._loose_start = None
            return
        tag, start = self._open
        self._open = None
        if not text:
            return
        if tag in _HEADINGS:
            if self.title is None and tag == "h1":
                self.title = text
            self.sections.append(self.outline.section(int(tag[1]), text, start))
        else:
            self.sections[-1].lines.append(Line(text, start, end, item=tag in _ITEMS))


def parse_html(text: str) -> Parsed:
    """HTML through the standard library's parser: headings open sections, block elements give lines.

    Offsets delimit each element in the HTML source (entities and inline tags make the text differ from it).
    """
    parser = _HtmlSections(text)
    parser.feed(text)
    parser.close()
    parser._flush(len(text))
    return Parsed([s for s in parser.sections if s.lines], title=parser.title, url=parser.url,
                  blocks=True)


__all__ = ["parse_html"]
