"""Where a full passage may end: its clean cuts, not after a line that runs on into the next (a hard-wrapped line
inside a sentence, a title or a label, a line announcing a list with a colon), nor inside a sequence of steps where
another will do (`rag.corpus.sequences`), each built only if it is taken."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from functools import partial

from rag.corpus import sequences
from rag.corpus.formats.base import Line
from rag.corpus.reader import Document
from rag.passage import ITEM, ends_sentence, sentence_breaks

TITLE_CHARS = 60  # a line shorter than this without a full stop names what follows it (`_runs_on`)
_FULL_STOPS = (".", "!", "…", ";")


def piece(line: Line, a: int, b: int, after: int | None = None) -> Line:
    """`line.text[a:b]` as a line of its own, which `follows` the piece of the line that ends at `after` (the line's
    own `follows` when it starts the line). Its offsets are exact when the line's text is the source's own
    (Markdown, plain text), or is with the characters it marks `doubled` written twice (a CSV cell's quotes); else
    (an HTML element, whose tags and entities the text leaves out) they stay the whole line's, which contains the
    piece: a citation is never moved off its text."""
    gap = line.text[a if after is None else after:a]
    # a word left out between them (`_spans`): a line break, so that each line of a passage stays the source's own
    follows = line.follows if a == 0 else gap if gap.isspace() or not gap else None
    doubled = line.doubled
    if line.end - line.start == len(line.text) + len(doubled):
        first, last = bisect_left(doubled, a), bisect_left(doubled, b)  # the doubled characters before a, before b
        return Line(line.text[a:b], line.start + a + first, line.start + b + last, line.item, follows,
                    tuple(i - a for i in doubled[first:last]))
    return Line(line.text[a:b], line.start, line.end, line.item, follows)


def _runs_on(doc: Document, line: Line, following: Line) -> bool:
    """Whether `line` runs on into `following`, so that a passage should not end between them: a line that
    announces what follows (a colon), a title or a label (a short line without a full stop: "Le déréférencement",
    "Délais ?"), or a hard-wrapped or PDF line (no sentence end, no blank line before the next, which starts no list
    item or table row). A list item's or a table row's end is clean, as is a paragraph's that ends otherwise (a blank
    line, or a block of HTML or Word), whatever its last character. In code (the only lines a reader keeps indented:
    Markdown's code blocks, HTML's `<pre>`), an indented line goes on with the block above it, and the last line of
    an indented block before a line at the code's margin is a clean cut: a YAML file's `section_7:` stays with its
    `  retries: 3`, a Python function with its body, where short code lines read as titles cut anywhere."""
    if following.text[:1].isspace():
        return True
    if line.text[:1].isspace():
        return False
    text = line.text
    if text.endswith((":", "：")):
        return True
    if line.item or ITEM.match(text):
        return False
    if len(text) < TITLE_CHARS and not text.endswith(_FULL_STOPS):
        return True
    if ends_sentence(text) or doc.blocks or following.item or ITEM.match(following.text):
        return False
    return doc.text.count("\n", line.end, following.start) <= 1


_Split = tuple[list[Line], list[Line]]  # a passage's lines it keeps, and those it carries to the next


def _split(group: list[Line], i: int, end: re.Match[str] | None = None) -> _Split:
    """`group` cut after its line `i`, or inside it at the sentence break `end`."""
    if end is None:
        return group[:i + 1], group[i + 1:]
    line = group[i]
    return [*group[:i], piece(line, 0, end.start())], [piece(line, end.end(), len(line.text), end.start()),
                                                       *group[i + 1:]]


def clean_cuts(doc: Document, group: list[Line], following: Line) -> Iterator[sequences.Candidate[_Split]]:
    """A full passage's clean cuts, the last first, each splitting its lines into those it keeps and those the next
    passage, starting with `following`, opens with: after a line that does not run on (`_runs_on`), and where a
    sentence ends inside a line that does; only those in its second half by characters (the passage keeps at least
    half its text), and of those inside a line (a sentence end there, or between the pieces a line too long alone was
    cut into) only those in the line the first falls in, if it does: a cut the passage would not have had without
    `rag.corpus.sequences` falls at a line's end. The first carries nothing when the passage ends cleanly on its last
    line; none when no cut is in bounds."""
    size = sum(len(line.text) for line in group)
    before = size  # characters of the lines before `after`
    line_no = 0  # of the source's lines, counted back from `following`'s, the one `line` is of
    inside: int | None = None  # the source line the first cut falls inside, -1 if it falls at a line's end
    for i in range(len(group) - 1, -1, -1):
        line, after = group[i], group[i + 1] if i + 1 < len(group) else following
        if 2 * before < size:
            return
        before -= len(line.text)
        line_no += after.follows is None  # `after` opens a line of the source
        in_line = after.follows is not None
        if not _runs_on(doc, line, after):
            if not in_line or inside in (None, line_no):
                yield sequences.Candidate(partial(_split, group, i), in_line,
                                          partial(sequences.last_sentence, line.text), after.text, 0)
                inside = (line_no if in_line else -1) if inside is None else inside
        elif inside in (None, line_no):
            ends = list(sentence_breaks(line.text))
            starts = [0, *(end.end() for end in ends)]  # where each of its sentences starts
            cuts = [(end, a) for end, a in zip(ends, starts, strict=False) if 2 * (before + end.start()) >= size]
            for end, a in reversed(cuts):
                yield sequences.Candidate(partial(_split, group, i, end), True,
                                          partial(sequences.last_sentence, line.text, a, end.start()), line.text,
                                          end.end())
            inside = line_no if cuts and inside is None else inside


__all__ = ["TITLE_CHARS", "clean_cuts", "piece"]
