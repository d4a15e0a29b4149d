"""Markdown: ATX headings open sections; YAML-style front matter may give the title and the url."""

from __future__ import annotations

import re

from rag.corpus.formats.base import Parsed, Section, lines_with_offsets

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


__all__ = ["parse_markdown"]
