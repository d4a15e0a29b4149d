"""HTML through the standard library's parser: headings open sections, block elements give lines."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from rag.corpus.formats.base import Line, Parsed, Section

_BLOCKS = {"p", "li", "dt", "dd", "td", "th", "pre", "blockquote", "figcaption", "caption", "summary"}
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
        self.title: str | None = None
        self.url: str | None = None
        self._skip = 0
        self._in_title = False
        self._open: tuple[str, int] | None = None  # (tag, start offset) of the block being read
        self._buffer: list[str] = []

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
        elif self._open and tag == self._open[0]:
            end = self._offset() + len(f"</{tag}>")
            self._flush(end)

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title = ((self.title or "") + data).strip() or None
        elif not self._skip:
            self._buffer.append(data)

    def _flush(self, end: int) -> None:
        text = " ".join("".join(self._buffer).split())
        self._buffer = []
        if self._open is None:
            if text:  # loose text between blocks
                self.sections[-1].lines.append(Line(text, end, end))
            return
        tag, start = self._open
        self._open = None
        if not text:
            return
        if tag in _HEADINGS:
            if self.title is None and tag == "h1":
                self.title = text
            self.sections.append(Section(text, heading_start=start))
        else:
            self.sections[-1].lines.append(Line(text, start, end))


def parse_html(text: str) -> Parsed:
    """HTML through the standard library's parser: headings open sections, block elements give lines.

    Offsets delimit each element in the HTML source (entities and inline tags make the text differ from it).
    """
    parser = _HtmlSections(text)
    parser.feed(text)
    parser.close()
    parser._flush(len(text))
    return Parsed([s for s in parser.sections if s.lines], title=parser.title, url=parser.url)


__all__ = ["parse_html"]
