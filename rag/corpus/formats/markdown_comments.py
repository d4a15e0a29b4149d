"""HTML comments in Markdown, left out of its text as the HTML reader leaves them out, each line kept at its offsets.

A `<!--` that opens a line runs to the next `-->` wherever it is (CommonMark's HTML block); one inside a line is
inline HTML, closed within its paragraph or not a comment (`markdown.parse_markdown` reads what is left).
"""

from __future__ import annotations

import re

from rag.corpus.formats.base import Line
from rag.corpus.formats.markdown_links import code_spans

# Where a paragraph ends: a blank line, or a line that interrupts it (a heading, a fence, a quote, an HTML block).
_PARAGRAPH_END = re.compile(r"\n(?:[ \t]*(?:\r?\n|\Z)| {0,3}(?:#{1,6}(?:[ \t]|\r?\n|\Z)|`{3}|~{3}|>|<!--))")


class Closes:
    """Where inline comments of `text` may close, remembered as the scan goes down the file: the end of the
    paragraph a line is in, and the paragraph already known to hold no `-->` from some point on. Each is searched for
    once per paragraph, not once per line or per `<!--` (a paragraph of 40,000 lines with one each)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._paragraph_end = -1
        self._open_from = len(text)  # from here to `_paragraph_end`, no `-->`

    def paragraph_end(self, end: int) -> int:
        """Where the paragraph holding the line that ends at `end` ends (a line holds no break)."""
        if self._paragraph_end < end:
            found = _PARAGRAPH_END.search(self.text, end)
            self._paragraph_end = found.start() if found else len(self.text)
            self._open_from = len(self.text)
        return self._paragraph_end

    def close(self, at: int, end: int) -> int:
        """Where the `-->` that closes an inline `<!--` at `at` starts, in its paragraph; -1 if none."""
        limit = self.paragraph_end(end)
        if at + 2 >= self._open_from:
            return -1
        close = self.text.find("-->", at + 2, limit)
        if close < 0:
            self._open_from = at + 2
        return close


def uncommented(text: str, start: int, end: int, hidden: list[tuple[int, int]]) -> list[Line]:
    """The text of `start:end` outside the `hidden` spans, stripped, one line per piece."""
    lines, cursor = [], start
    for a, b in [*hidden, (end, end)]:
        piece = text[cursor:a]
        if stripped := piece.strip():
            lead = cursor + len(piece) - len(piece.lstrip())
            lines.append(Line(stripped, lead, lead + len(stripped)))
        cursor = b
    return lines


def comments(text: str, start: int, end: int, open_until: int, last_close: int,
              closes: Closes) -> tuple[list[tuple[int, int]], int]:
    """The spans of `start:end` inside HTML comments, and where the last one ends (past `end` when it runs on over
    the next lines); `open_until`: the end of a comment opened on an earlier line; `last_close`: where the last
    `-->` of the text starts. A `<!--` that opens a line runs to the next `-->` wherever it is (an HTML block); one
    inside a line is inline HTML, closed within its paragraph or not a comment: a stray `<!--` in prose, or one
    never closed, is text, not the rest of the file left out."""
    hidden, cursor = [], start
    if open_until > start:
        hidden.append((start, min(open_until, end)))
        cursor = open_until
    if text.find("<!--", cursor, end) < 0:
        return hidden, open_until
    code = iter(code_spans(text, start, end))
    span = next(code, None)
    first = end - len(text[start:end].lstrip(" "))  # the line's first character after its indentation
    while (at := text.find("<!--", cursor, end)) >= 0:
        while span is not None and span[1] <= at:
            span = next(code, None)
        if span is not None and span[0] <= at:  # in a code span: text
            cursor = span[1]
            continue
        if at + 2 > last_close:
            break  # no `-->` after it anywhere
        block = at == first and at - start <= 3
        close = text.find("-->", at + 2) if block else closes.close(at, end)
        if close < 0:
            cursor = at + 4
            continue
        open_until = close + 3
        hidden.append((at, min(open_until, end)))
        cursor = open_until
    return hidden, open_until


def blanked(body: str, start: int, hidden: list[tuple[int, int]]) -> str:
    """The line with its hidden spans replaced by spaces, for the shape of what is left (built once: a line of
    thousands of comments is not copied once per comment)."""
    pieces, cursor = [], 0
    for a, b in hidden:
        pieces += [body[cursor:a - start], " " * (b - a)]
        cursor = b - start
    pieces.append(body[cursor:])
    return "".join(pieces)


__all__ = ["Closes", "blanked", "comments", "uncommented"]
