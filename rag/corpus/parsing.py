"""Turn a source file's text into sections of lines, each line carrying its offsets in that text.

Three formats here: plain text (with the cleaning a wiki page-diff export needs), Markdown and HTML (PDFs:
`rag.corpus.formats.pdf`, Word: `rag.corpus.formats.docx`). Every parser keeps the offsets of what it keeps,
so that citations point at the exact place in the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass(frozen=True)
class Line:
    """A piece of text and where it stands in the source: `source[start:end]` contains `text`."""

    text: str
    start: int
    end: int


@dataclass
class Section:
    """Lines under one heading (or under none, `heading=None`)."""

    heading: str | None
    lines: list[Line] = field(default_factory=list)
    heading_start: int | None = None


@dataclass
class Parsed:
    """What a parser found: the sections, and metadata the file declares about itself.

    `text` is the text the lines' offsets index when it is not the file's decoded text (the text extracted from a
    PDF or a Word document);
    `page_starts` the offset in it where each page begins, for paged formats.
    """

    sections: list[Section]
    title: str | None = None
    url: str | None = None
    text: str | None = None
    page_starts: list[int] | None = None


# -- plain text -------------------------------------------------------------------------------------------------

_ELISION = re.compile(r"^\s*(?:\.{3,}|…)\s*$")
_NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+(?P<text>\S.*?)\s*$")
_BULLET = re.compile(r"^\s*(?:[•·▪◦*\-–]\s+)")
# The legend a Confluence-style "page diff" view puts on top of its export.
_DIFF_LEGEND = {
    "versions compared",
    "key",
    "this line was added.",
    "this line was removed.",
    "formatting was changed.",
}
_SENTENCE_END = (".", "!", "?", ";", ":", ",", "…", "»", ")")


def lines_with_offsets(text: str) -> list[Line]:
    """The non-blank lines of `text`, stripped, with their offsets (form feeds and other breaks end lines too)."""
    lines, pos = [], 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        stripped = body.strip()
        if stripped:
            lead = len(body) - len(body.lstrip())
            lines.append(Line(stripped, pos + lead, pos + lead + len(stripped)))
        pos += len(raw)
    return lines


def _is_legend(line: Line) -> bool:
    return _BULLET.sub("", line.text).strip().casefold() in _DIFF_LEGEND


def _looks_like_title(line: Line, following: Line | None) -> bool:
    """A short line without closing punctuation, starting with a capital, followed by a longer paragraph."""
    text = line.text
    if following is None or _NUMBERED.match(text) or _BULLET.match(text):
        return False
    if len(text) > 80 or len(text.split()) > 12 or text.endswith(_SENTENCE_END):
        return False
    if not text[0].isupper():
        return False
    return len(following.text) >= max(2 * len(text), 60)


def parse_text(text: str) -> Parsed:
    """Plain text: numbered or stand-alone questions and short title lines become section headings.

    Wiki page-diff exports are cleaned: the legend at the top and the `...` elision lines are dropped, and a
    question the export split across elisions ("pourquoi" ... "avons-" ... "nous essayé ... ?") is joined again.
    An elision ends the current section: what follows it cannot be assumed to belong to the heading before it.
    """
    lines = lines_with_offsets(text)
    if lines and lines[0].text.casefold() == "versions compared":
        # drop the legend: it is the run of legend lines at the top
        while lines and _is_legend(lines[0]):
            lines.pop(0)

    sections: list[Section] = [Section(None)]
    pending: Line | None = None  # a numbered item that may continue after an elision
    after_elision = False

    def open_section(heading: Line) -> None:
        sections.append(Section(heading.text, heading_start=heading.start))

    for i, line in enumerate(lines):
        if _ELISION.match(line.text):
            if pending is None:
                sections.append(Section(None))
            after_elision = True
            continue
        numbered = _NUMBERED.match(line.text)
        item = numbered.group("text") if numbered else None
        if pending is not None:
            if item is not None and after_elision and item[:1].islower():
                joiner = "" if pending.text.endswith("-") else " "
                pending = Line(pending.text + joiner + item, pending.start, line.end)
                after_elision = False
                continue
            open_section(pending)
            pending = None
        after_elision = False
        if item is not None and not item.endswith("?"):
            # a numbered item that is not a question yet: a question cut by the export, or a list step
            nxt = lines[i + 1] if i + 1 < len(lines) else None
            if nxt is not None and _ELISION.match(nxt.text):
                pending = Line(item, line.start, line.end)
                continue
        if item is not None and item.endswith("?"):
            pending = Line(item, line.start, line.end)
            continue
        following = lines[i + 1] if i + 1 < len(lines) else None
        if (line.text.endswith("?") and len(line.text) <= 150) or _looks_like_title(line, following):
            open_section(line)
            continue
        sections[-1].lines.append(line)
    if pending is not None:
        open_section(pending)
    return Parsed([s for s in sections if s.lines])


# -- Markdown ---------------------------------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(?P<body>.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_ATX = re.compile(r"^\s{0,3}(?P<marks>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")


def _front_matter(text: str) -> tuple[dict[str, str], int]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, 0
    meta = {}
    for raw in match.group("body").splitlines():
        key, sep, value = raw.partition(":")
        if sep and key.strip():
            meta[key.strip().casefold()] = value.strip().strip("\"'")
    return meta, match.end()


def parse_markdown(text: str) -> Parsed:
    """Markdown: ATX headings open sections; YAML-style front matter may give `title` and `url`."""
    meta, body_start = _front_matter(text)
    sections: list[Section] = [Section(None)]
    title = meta.get("title")
    in_fence = False
    for line in lines_with_offsets(text):
        if line.start < body_start:
            continue
        if line.text.startswith(("```", "~~~")):
            in_fence = not in_fence
        heading = None if in_fence else _ATX.match(line.text)
        if heading:
            if title is None and len(heading.group("marks")) == 1:
                title = heading.group("text")
            sections.append(Section(heading.group("text"), heading_start=line.start))
        else:
            sections[-1].lines.append(line)
    return Parsed([s for s in sections if s.lines], title=title, url=meta.get("url"))


# -- HTML -------------------------------------------------------------------------------------------------------

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


__all__ = ["Line", "Parsed", "Section", "lines_with_offsets", "parse_html", "parse_markdown", "parse_text"]
