"""Strong emphasis in a passage's Markdown (`**...**`, `__...__`), as snippets must quote it: never half a pair.

An FAQ written as a list sets each question in bold before its answer, on the item's line ("- **Puis-je résilier
après un sinistre ?** Vous pouvez résilier à tout moment...", "1. **...?**") or alone on it, the answer on the lines
below. Such a bold run that is a whole question (it ends with `?` inside the marks) is the item's *lead-in*: it heads
what follows it in the item as a table's header row heads a row (`rag.search.tables`). The sentences it heads count
its words; it is never quoted itself when an answer follows it (`rag.search.snippets`): the question asked is not
its answer. Before, the sentence cut ran on through the closing marks into the answer, and the bullet and opening
marks trimmed off left an answer "Un animal a percuté ma voiture, qui paie ?** Pour une collision…", half a pair
that a chat renders as broken Markdown.

`whole` widens any excerpt to the pairs it cuts, on its lines: whatever the sentence cuts, no snippet holds half a
pair. Only marks that can open or close emphasis pair (as CommonMark's flanking rules have it, simplified): an
opening mark is followed by no space and preceded by no word character, a closing one preceded by no space and
followed by no word character. A footnote's marker ("Essentiel**"), a power ("2**10") opens nothing; and a pair
that would widen the excerpt beyond `cap` characters is left cut (a glob "**/*.md" and "src/**/" far after it).
A bold statement is no lead-in: it may well be the answer ("**Le remboursement est effectué sous 14 jours.**").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.passage import ITEM

MARKS = ("**", "__")
# A sentence that is one strong emphasis run ending with a question mark inside it, maybe numbered: a bold question.
_LEAD_IN = re.compile(r"(?:\d{1,3}[.)]\s+)?(\*\*|__)[^*_\n]+\?\1")


def is_lead_in(sentence: str) -> bool:
    """Whether `sentence` (a trimmed sentence of a passage) is one bold question: "**Qui paie ?**", "2. **Qui
    paie ?**"."""
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


def _word(char: str) -> bool:
    return char.isalnum() or char == "_"


def pairs(line: str, mark: str) -> list[tuple[int, int]]:
    """(start, end) of each emphasis run of `line` set between two `mark`s, both marks included: a mark opens when
    followed by no space and preceded by no word character, closes an open run when preceded by no space and
    followed by no word character; any other is a mere character ("2**10", "Essentiel** est")."""
    out: list[tuple[int, int]] = []
    pending = None
    for match in re.finditer(re.escape(mark), line):
        at, after = match.start(), match.end()
        before_char = line[at - 1] if at else " "
        after_char = line[after] if after < len(line) else " "
        if pending is not None and not before_char.isspace() and not _word(after_char):
            out.append((pending, after))
            pending = None
        elif not after_char.isspace() and not _word(before_char):
            pending = at
    return out


def whole(text: str, start: int, end: int, cap: int) -> tuple[int, int]:
    """(start, end) widened so that `text[start:end]` holds both marks of every strong emphasis pair it holds one
    of, the pairs counted on each line of `text` it meets (emphasis does not run over a paragraph); left as it is
    when that would take it beyond `cap` characters (or its own length, if longer)."""
    if "**" not in text and "__" not in text:
        return start, end
    pos = text.rfind("\n", 0, start) + 1
    last = text.find("\n", end)
    wide, far = start, end
    for line in text[pos:len(text) if last < 0 else last].split("\n"):
        for mark in MARKS:
            for a, b in pairs(line, mark):
                a, b = pos + a, pos + b
                if a < wide < b:
                    wide = a
                if a < far < b:
                    far = b
        pos += len(line) + 1
    return (wide, far) if far - wide <= max(cap, end - start) else (start, end)


__all__ = ["MARKS", "is_lead_in", "kept_open", "lead_ins", "pairs", "whole"]
