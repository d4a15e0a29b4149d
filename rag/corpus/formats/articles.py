"""Which lines of a plain-text legal text, contract or terms of sale head its articles and divisions: the lines shaped
as such (`rag.corpus.formats.legal`) that stand where a heading does, with the title line an article alone on its line
takes in; and, once the text is read into sections, the ones that head nothing, to be read as text again."""

from __future__ import annotations

from dataclasses import dataclass

from rag.corpus.formats.base import Line, Section
from rag.corpus.formats.legal import legal_heading
from rag.corpus.formats.line_shapes import BULLET, NUMBERED, OUTLINE, apart, heading_like, opens_block, titled


@dataclass(frozen=True)
class Heading:
    """An article's or a division's heading: its outline `level`, its `text`, and the `lines` it stands on (its own,
    then the title line it takes in, if any)."""

    level: int
    text: str
    lines: tuple[int, ...]


def legal_headings(lines: list[Line], source: str) -> dict[int, Heading]:
    """The articles and divisions of a legal text, by the index of their line. The heading is the line; where the
    line holds no title ("ARTICLE 3", "Art. 7 –"), the line and the short title line under it ("Art. 7 – Durée"),
    or the line alone over an outline's "3.1 ..." or a sentence. Each opens a block, as an outline's headings do, or
    follows another heading; a title must read as a heading, a colon after it aside ("Article 3. Le Client s'engage à
    ..." is a clause, text, and so is a decree's "Art. 2. - Le présent décret ...", an article without title). A
    document with fewer than two has none: one such line is read as any other."""
    found: dict[int, Heading] = {}
    covered: set[int] = set()  # the lines of the headings found: a heading may follow them
    for i, line in enumerate(lines):
        heading = legal_heading(line.text)
        if i in covered or heading is None or not opens_block(lines, i, source, frozenset(covered)):
            continue
        if heading.title is not None:
            title = heading.title.removesuffix(":").rstrip()  # "Article 2 - Loyer :" over its text
            if title and heading_like(title):
                found[i] = Heading(heading.level, line.text, (i,))
        elif _title_line(lines, i + 1, source) and _goes_on(lines, i + 2, heading.level):
            joiner = " " if heading.label != line.text else " – "  # "Art. 7 –" has its separator
            found[i] = Heading(heading.level, line.text + joiner + lines[i + 1].text, (i, i + 1))
        else:
            found[i] = Heading(heading.level, heading.label, (i,))
        covered.update(found[i].lines if i in found else ())
    return _counted(found)


def _title_line(lines: list[Line], i: int, source: str) -> bool:
    """Whether line `i` is a title on its own: a title's shape, no sentence inside it ("Objet. Le contrat ..."), no
    number or bullet, and not going on into a next line of its block that opens in lower case (a wrapped sentence's
    first line)."""
    if i >= len(lines) or not titled(lines[i].text) or ". " in lines[i].text:
        return False
    text, after = lines[i].text, lines[i + 1] if i + 1 < len(lines) else None
    if legal_heading(text) is not None or any(rule.match(text) for rule in (OUTLINE, NUMBERED, BULLET)):
        return False
    return after is None or apart(lines[i], after, source) or not after.text[0].islower()


def _goes_on(lines: list[Line], i: int, level: int) -> bool:
    """Whether something would stand under a heading of `level` from line `i` on: a line that is not a heading at its
    level or above. Without it, the line under an article alone on its line ("ARTICLE 1" over "Le présent contrat
    est régi par le droit français", then "ARTICLE 2") is its text, not its title."""
    if i >= len(lines):
        return False
    following = legal_heading(lines[i].text)
    return following is None or following.level > level


def _counted(found: dict[int, Heading]) -> dict[int, Heading]:
    return found if len(found) >= 2 else {}


def hollow(sections: list[Section], opened: dict[int, int]) -> set[int]:
    """The lines of the headings that head nothing, once the text is read into `sections`: `opened` gives the line
    of the heading that opened a section, by its index. A heading heads nothing when its section has no line and no
    section with lines stands under it before it closes (a parser keeps no section without lines: the heading would
    be lost with it)."""
    return {i for k, i in opened.items() if not sections[k].lines and not _heads_lines(sections, k)}


def _heads_lines(sections: list[Section], k: int) -> bool:
    """Whether a section with lines stands under section `k`'s heading before the heading closes."""
    path = (*sections[k].parents, sections[k].heading)
    for section in sections[k + 1:]:
        if section.heading is None:
            continue  # after an elision: the headings open stay open
        if section.parents[:len(path)] != path:
            return False
        if section.lines:
            return True
    return False


def without(found: dict[int, Heading], hollow_lines: set[int]) -> dict[int, Heading]:
    """The headings found, but those on `hollow_lines`: these are read as text."""
    return _counted({i: heading for i, heading in found.items() if i not in hollow_lines})


__all__ = ["Heading", "hollow", "legal_headings", "without"]
