"""Markdown: ATX headings open sections; YAML-style front matter may give the title and the url."""

from __future__ import annotations

import re

from rag.corpus.formats.base import Line, Outline, Parsed, Section, lines_with_offsets

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(?P<body>.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_ATX = re.compile(r"^\s{0,3}(?P<marks>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
# A setext heading's underline: the line of text right above it is a heading, level 1 with "=", 2 with "-".
_SETEXT = re.compile(r"^(?P<marks>=+|-+)$")
# What starts a line that cannot be a setext heading's text: a list item, a quote, a table row, a fence.
_NOT_SETEXT_TEXT = re.compile(r"^(?:[-+*>|]|\d{1,9}[.)](?:\s|$)|```|~~~)")


# Lines of YAML front matter: a key (no space before its colon, as YAML writes it and French prose does not:
# "Attention : ..."); an indented continuation, a list item or a comment.
_YAML_KEY = re.compile(r"[\w\"'.-]+:(?:\s.*)?")
_YAML_MORE = re.compile(r"\s+\S.*|-(?:\s.*)?|#.*")


def _looks_like_yaml(body: str) -> bool:
    """At least one key, and keys or their continuations for at least half of the non-blank lines: lenient with a
    line YAML would not parse ("date:2024-01-01"), not with a paragraph of prose."""
    lines = [raw for raw in body.splitlines() if raw.strip()]
    keys = sum(1 for raw in lines if _YAML_KEY.fullmatch(raw))
    return keys > 0 and 2 * (keys + sum(1 for raw in lines if _YAML_MORE.fullmatch(raw))) >= len(lines)


def _front_matter(text: str) -> tuple[dict[str, str], int]:
    """The front matter's keys and where the body starts; none when the file opens with a `---` rule and text
    rather than YAML (a paragraph between two rules is text, not metadata to drop)."""
    match = _FRONT_MATTER.match(text)
    if not match or not _looks_like_yaml(match.group("body")):
        return {}, 0
    meta = {}
    for raw in match.group("body").splitlines():
        key, sep, value = raw.partition(":")
        if sep and key.strip():
            meta[key.strip().casefold()] = value.strip().strip("\"'")
    return meta, match.end()


def parse_markdown(text: str) -> Parsed:
    """Markdown: ATX (`## Heading`) and setext (a line underlined with `===` or `---`) headings open sections, each
    under the headings of higher levels still open; YAML-style front matter may give `title` and `url`."""
    meta, body_start = _front_matter(text)
    sections: list[Section] = [Section(None)]
    outline = Outline()
    title = meta.get("title")
    in_fence = False
    for line in lines_with_offsets(text):
        if line.start < body_start:
            continue
        if line.text.startswith(("```", "~~~")):
            in_fence = not in_fence
        level, heading, start = 0, "", line.start
        if in_fence:
            pass
        elif atx := _ATX.match(line.text):
            level, heading = len(atx.group("marks")), atx.group("text")
        elif (underline := _SETEXT.match(line.text)) and (above := _setext_text(text, sections[-1], line)):
            sections[-1].lines.pop()
            level, heading, start = (1 if underline.group("marks")[0] == "=" else 2), above.text, above.start
        if not level:
            sections[-1].lines.append(line)
            continue
        if title is None and level == 1:
            title = heading
        sections.append(outline.section(level, heading, start))
    return Parsed([s for s in sections if s.lines], title=title, url=meta.get("url"))


def _setext_text(text: str, section: Section, underline: Line) -> Line | None:
    """The line a setext underline makes a heading: the section's last line, right above the underline (no blank
    line between), when it is plain text (a list item or a quote above `---` is not a heading)."""
    if not section.lines:
        return None
    above = section.lines[-1]
    if text.count("\n", above.end, underline.start) != 1 or _NOT_SETEXT_TEXT.match(above.text):
        return None
    return above


__all__ = ["parse_markdown"]
