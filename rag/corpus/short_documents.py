"""Short answers: a title line heads no section of a document of two passages or less that answers one question.

A short plain-text line that opens a block, without a sentence's end, over a longer paragraph reads as a heading
(`rag.corpus.formats.text.looks_like_title`; a PDF without an outline reads its lines so too): in a long file,
what gives it its sections. In a document of two passages or less whose title is a question (an FAQ entry written
out as a file of its own, titled by `sources.toml`), such lines are the names of its one answer's parts or a link's
text ("La liste Robinson", "La liste rouge", "Adressez une demande à la CNIL"), and cutting there made each part a
passage without the rest, its words and the question apart: cnil_faq_dev's 503 entries as one text file each found
their entry less often than the same entries as the dataset gives them (docs/EVALUATION.md, "Short documents").
Such a line is read as the text it is there, a line of the section before it. A short page of another kind keeps
its title lines: an information page's "Horaires", "Adresse", "Tarifs" each head what answers its own questions (read
as one passage, a question on the fees was answered by the opening hours, "horaires" by the bare word). Every
other heading is the writer's and kept: a question, a numbered outline's, an underlined line, Markdown's and
HTML's, an article's.
"""

from __future__ import annotations

from dataclasses import replace

from rag.corpus.chunking import Chunker
from rag.corpus.formats.base import PATH_SEPARATOR, Line, Section
from rag.corpus.reader import Document
from rag.sanitize import blank_controls

# A document of at most this many passages reads its title lines as text. Measured on cnil_faq_dev's entries as text
# files, 2 (21 of the 503 entries joined) and 3 gave the same figures; every other corpus of the repository is the same
# (none of their text or PDF files is so short, so cut and titled by a question).
SHORT_PASSAGES = 2


def join_title_lines(doc: Document, chunker: Chunker) -> None:
    """Read the title lines heading sections of `doc` (`Section.shaped`) as text, each at the end of the section
    before it (the first section's its first line), under the headings it stood under (`_under`), when the document's
    title asks a question, it was cut at one title line at least and the whole of it (title, headings, lines) fits in
    `SHORT_PASSAGES` of `chunker`'s passages; else leave `doc` as it is. The chunker then packs its lines as it
    packs any section's."""
    if not doc.title.rstrip().endswith("?") or not any(section.shaped and section.heading
                                                       for section in doc.sections[1:]):
        return
    words = [doc.title, *(s.heading for s in doc.sections if s.heading), *(li.text for s in doc.sections
                                                                         for li in s.lines)]
    if chunker.count_tokens(["\n".join(words)])[0] > SHORT_PASSAGES * chunker.max_tokens:
        return
    joined: list[Section] = []
    for section in doc.sections:
        if section.shaped is None or section.heading is None:
            joined.append(section)
            continue
        # the line as the parser read it: the reader blanked control characters in the heading and the source, so
        # the line read as text is blanked as every indexed line is (the same offsets, one for one)
        line = replace(section.shaped, text=blank_controls(section.shaped.text)[0])
        under = _under(section.heading, line)
        if joined:
            before = joined[-1]
            joined[-1] = replace(before, heading=before.heading or under, lines=[*before.lines, line, *section.lines])
        else:
            joined.append(replace(section, heading=under, heading_start=None, lines=[line, *section.lines]))
    doc.sections = joined


def _under(heading: str, line: Line) -> str | None:
    """The heading path a section headed by title line `line` stood under (its `heading` less the line), None if
    none: a lone title line before it under a title `sources.toml` declares ("Médiathèque Louise-Michel › Horaires")
    is in no line of the text, and stays the heading of what the section joins."""
    tail = PATH_SEPARATOR + line.text
    return heading[:-len(tail)] if heading.endswith(tail) else None


__all__ = ["join_title_lines"]
