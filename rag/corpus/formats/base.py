"""What every format parser gives: sections of lines, each line carrying its offsets in the text it indexes.

Parsers keep the offsets of what they keep, so that citations point at the exact place in the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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


__all__ = ["Line", "Parsed", "Section", "lines_with_offsets"]
