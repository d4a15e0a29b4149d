"""Strong emphasis in a passage's Markdown (`**...**`, `__...__`), as snippets must quote it: never half a pair.

An FAQ written as a list sets each question in bold before its answer, on the item's line ("- **Puis-je résilier
après un sinistre ?** Vous pouvez résilier à tout moment...") or alone on it, the answer on the lines below. Such a
bold run that is a whole sentence (it ends with `?`, `.` or `!` inside the marks) is the item's *lead-in*: it heads
what follows it in the item as a table's header row heads a row (`rag.search.tables`). The sentences it heads count
its words; it is never quoted itself when an answer follows it (`rag.search.snippets`): the question asked is not
its answer. Before, the sentence cut ran on through the closing marks into the answer, and the bullet and opening
marks trimmed off left an answer "Un animal a percuté ma voiture, qui paie ?** Pour une collision…", half a pair
that a chat renders as broken Markdown.

`whole` widens any excerpt to the pairs it cuts, on its lines: whatever the sentence cuts, no snippet holds half a
pair.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.passage import ITEM

MARKS = ("**", "__")
# A sentence that is one strong emphasis run, ending a sentence inside it: a bold question or statement.
_LEAD_IN = re.compile(r"(\*\*|__)[^*_\n]+[.!?…]\1")


def is_lead_in(sentence: str) -> bool:
    """Whether `sentence` (a trimmed sentence of a passage) is one bold run ending a sentence: "**Qui paie ?**"."""
    return _LEAD_IN.fullmatch(sentence) is not None


def kept_open(text: str, start: int, end: int) -> int:
    """The start of the sentence `text[start:end]` once its opening marks are given back: a sentence trimmed of a
    bullet and of the `**` that open an emphasis it closes ("- **Qui paie ?**") starts at those marks."""
    for mark in MARKS:
        if start >= len(mark) and text.startswith(mark, start - len(mark)) and text.count(mark, start, end) % 2:
            return start - len(mark)
    return start


def lead_ins(text: str, spans: Sequence[tuple[int, int, int, bool]], lines: Sequence[str]) -> list[int | None]:
    """For each sentence span of `text` (start, end, line number, prose line), the index of the lead-in span that
    heads it, or None: a lead-in heads the rest of its line, or, when it ends its line, the next line when that one
    is no item of its own (the answer under a bold question alone on an item's line)."""
    out: list[int | None] = [None] * len(spans)
    if "**" not in text and "__" not in text:
        return out
    for i, (a, b, line, _) in enumerate(spans):
        if not is_lead_in(text[a:b]) or i + 1 == len(spans):
            continue
        following = spans[i + 1][2]
        if following == line or (following == line + 1 and not ITEM.match(lines[following])
                                 and not is_lead_in(text[spans[i + 1][0]:spans[i + 1][1]])):
            for j in range(i + 1, len(spans)):
                if spans[j][2] != following:
                    break
                out[j] = i
    return out


def whole(text: str, start: int, end: int) -> tuple[int, int]:
    """(start, end) widened so that `text[start:end]` holds both marks of every strong emphasis pair it holds one
    of, the pairs counted on each line of `text` it meets (emphasis does not run over a paragraph)."""
    if "**" not in text and "__" not in text:
        return start, end
    pos = text.rfind("\n", 0, start) + 1
    last = text.find("\n", end)
    for line in text[pos:len(text) if last < 0 else last].split("\n"):
        for mark in MARKS:
            marks = [m.start() for m in re.finditer(re.escape(mark), line)]
            for a, b in zip(marks[0::2], marks[1::2], strict=False):
                a, b = pos + a, pos + b + len(mark)
                if a < start < b:
                    start = a
                if a < end < b:
                    end = b
        pos += len(line) + 1
    return start, end


__all__ = ["MARKS", "is_lead_in", "kept_open", "lead_ins", "whole"]
