"""Plain text, with the cleaning a wiki page-diff export needs: numbered or stand-alone questions, short title lines,
a numbered outline's headings and a legal text's articles become section headings; a lone title line before the
first of them is the document's title, as is a title line over a file's one body."""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import pairwise

from rag.corpus.formats.articles import Articles, hollow, legal_headings
from rag.corpus.formats.base import Line, Outline, Parsed, Section, lines_with_offsets
from rag.corpus.formats.line_shapes import (
    BULLET,
    GREETING,
    NUMBERED,
    OUTLINE,
    SENTENCE_END,
    apart,
    ends_open,
    heading_like,
    opens_block,
    runs_on,
    short,
    titled,
    underlined,
    wrap_width,
)

_ELISION = re.compile(r"^\s*(?:\.{3,}|…)\s*$")
_OUTLINE_LEVEL = 99  # the level of a heading outside the outline: under the numbered headings open, never above them
# The legend a Confluence-style "page diff" view puts on top of its export.
_DIFF_LEGEND = {
    "versions compared",
    "key",
    "this line was added.",
    "this line was removed.",
    "formatting was changed.",
}
# What ends a sentence for a paragraph set in bold (`reads_as_heading`): a closing bracket or quote may end a title
_BOLD_SENTENCE_END = (".", "!", ";", ":", ",", "…")


def _is_legend(line: Line) -> bool:
    return BULLET.sub("", line.text).strip().casefold() in _DIFF_LEGEND


def looks_like_title(line: Line, following: Line | None, previous: Line | None = None, source: str = "") -> bool:
    """A short line without closing punctuation, starting with a capital, followed by a longer paragraph, and not
    the last of a block of such short lines (`previous`, the line just before it in `source`): an address's
    "United Kingdom" ends the address, it names nothing after it."""
    text = line.text
    if following is None or NUMBERED.match(text) or BULLET.match(text):
        return False
    if previous is not None and not apart(previous, line, source) and short(previous.text):
        return False
    if len(text) > 80 or len(text.split()) > 12 or text.endswith(SENTENCE_END):
        return False
    if not text[0].isupper() or GREETING.fullmatch(text) or ends_open(text):
        return False
    return len(following.text) >= max(2 * len(text), 60)


def reads_as_heading(text: str) -> bool:
    """Whether a paragraph set all in bold reads as a heading: a question, or a short title that does not end a
    sentence (a bold warning, "Attention : ..." or "**Important :** ...", and a bold sentence are emphasis, not
    headings). The one rule for bold lines in every format: HTML's `<p><strong>`, Markdown's `**...**` line, a Word
    or OpenDocument paragraph all in bold."""
    text = text.strip()
    return short_for_heading(text) and (text.endswith("?") or not text.endswith(_BOLD_SENTENCE_END))


def short_for_heading(text: str) -> bool:
    """Whether a line is short enough to head a section: a question of 150 characters at most, anything else of 80
    (`reads_as_heading`'s bound for a paragraph set in bold, a disclosure's summary's in Markdown)."""
    text = text.strip()
    return len(text) <= 150 and (text.endswith("?") or len(text) <= 80)


def _outline_numbers(lines: list[Line], source: str, after: set[int]) -> set[str]:
    """The numbers of a document's outline headings: lines numbered on two levels or more ("2.1 Optique"), two at
    least, each opening a block (after a blank line, a sentence's end or another numbered line: not a hard-wrapped
    sentence going on with "2.5 Millions ...") and titled as a heading (short, opening on a capital, not ending a
    sentence but for a question); the single numbers ("2.") they stand under; and a single number titled as a heading,
    opening a block and not one of a list of numbered lines that is up to one past the last of those or, in the
    document's order, follows one found ("6. Questions fréquentes", without a "6.1"; "3." to "9." after a "2.1", each
    without sub-sections: up to one past was "3." alone, and "4." to "9." stood inside it). A document without such
    lines has no outline: its numbered lines stay list items or questions, as before. A line right `after` an
    article's heading opens a block too ("ARTICLE 3 – PRIX" over "3.1 Tarifs")."""
    candidates = []
    clauses = set()  # the single numbers that numbered clauses stand under, headings or prose ("1.1 This policy ...")
    width = wrap_width(lines, source)
    for i, line in enumerate(lines):
        match = OUTLINE.match(line.text)
        if not match or not opens_block(lines, i, source, after):
            continue
        if "." in match["number"]:
            clauses.add(match["number"].split(".")[0])
        if heading_like(match["text"]) and not runs_on(lines, i, source, width):
            candidates.append((i, match["number"]))
    found = {number for _, number in candidates if "." in number}
    if len(found) < 2:
        # no titled clauses: the parts over numbered clauses of prose ("1. ABOUT THIS POLICY" over "1.1 This policy
        # applies to ...", a hard-wrapped sentence) are the outline, two at least
        found = {number for _, number in candidates if "." not in number and number in clauses}
        if len(found) < 2:
            return set()
    found |= {number.split(".")[0] for number in found}
    last = max(int(number.split(".")[0]) for number in found)
    for i, number in candidates:
        if "." not in number and (int(number) <= last + 1 or str(int(number) - 1) in found):
            around = [lines[j] for j in (i - 1, i + 1) if 0 <= j < len(lines)]
            if not any(NUMBERED.match(other.text) for other in around):
                found.add(number)
    return found


def parse_text(text: str) -> Parsed:
    """Plain text: numbered or stand-alone questions and short title lines become section headings.

    Wiki page-diff exports are cleaned: the legend at the top and the `...` elision lines are dropped, and a
    question the export split across elisions ("pourquoi" ... "avons-" ... "nous essayé ... ?") is joined again.
    An elision ends the current section: what follows it cannot be assumed to belong to the heading before it, nor to
    a question right before it whose answer the export elided (an answer whose question it elided is no answer to
    that one: it stands without heading, the question heads nothing).

    A numbered outline ("3. Vos garanties", "3.1 Optique", "3.2 Dentaire") gives headings their path: "3.1 Optique"
    opens the section "Optique" under "Vos garanties", and the other headings found stand under the numbered ones
    open ("Q : ...?" under "6. Questions fréquentes").

    Terms of sale, contracts and regulations head their parts "Article 4 – Mise en service" (`_legal_headings`): an
    article stands at the outline's single numbers' level, so that its titled clauses ("4.1 Raccordement") stand
    under it and the next article closes them; "Chapitre II", "Titre Ier" and their like stand above articles.
    """
    lines = lines_with_offsets(text)
    if lines and lines[0].text.casefold() == "versions compared":
        # drop the legend: it is the run of legend lines at the top
        while lines and _is_legend(lines[0]):
            lines.pop(0)

    legal = legal_headings(lines, text)
    drawn = underlined(lines, text)
    as_text: set[int] = set()  # the lines of headings that head nothing because an article follows, read as text
    while True:
        outline_numbers = _outline_numbers(lines, text, {j for h in legal.headings.values() for j in h.lines})
        sections, opened = _read(lines, outline_numbers, legal, text, as_text, drawn)
        empty = hollow(sections, opened)
        # text again: their sections, without lines, would be dropped, and them with (an article alone on its line
        # over the next; a question right over "Article 5 : Le dépôt ...", which closes it). Another heading of
        # nothing is dropped as before: an FAQ's question whose answer an export cut off ("1. Le client n'arrive pas
        # ... ?" over "..." in the seed FAQ) is no text a passage should end on.
        starts = sorted(opened.items())
        closed_by_legal = {line for (_, line), (_, after) in pairwise(starts)
                           if line in empty and line not in legal.headings and after in legal.headings}
        if not (empty & set(legal.headings)) and not closed_by_legal:
            break
        as_text |= closed_by_legal
        legal = legal.without(empty)
    kept = [s for s in sections if s.lines]
    headings, rules = drawn
    first = min(headings, default=0)
    if headings and set(range(first)) <= rules and list(headings.values()).count(headings[first]) == 1:
        # a file opening on the one heading of its style, "Résilier mon contrat" over "=====": its title, the
        # headings below standing under it already; its introduction a section without heading
        return Parsed([replace(s, heading=None, heading_start=None) if s.heading_start == lines[first].start else s
                       for s in kept], title=lines[first].text)
    if len(kept) > 1 and kept[-1].heading is None and len(kept[-1].lines) == 1 and \
            kept[-1].lines[0].text.endswith(":"):
        kept.pop()  # the file ends announcing what it does not hold ("Voici le process :", the rest cut off)
    opening = kept[0].heading if kept else None
    # a file of one title line over its one body ("Inscription à la médiathèque", then its paragraph): the line
    # names the document, as a lone title line before headed sections does (`leading_title`), where it was read as
    # the heading of its only section, under a title made from the file's name ("Inscription › Inscription à la
    # médiathèque"); a question over its answer stays a heading, as in an outlined document
    alone = len(kept) == 1 and opening is not None and bool(lines) and opening == lines[0].text and titled(opening)
    if (outline_numbers or legal or alone) and opening is not None and not kept[0].parents and lines and \
            kept[0].heading_start == lines[0].start and not opening.endswith("?") and 0 not in legal.headings:
        if alone:
            # the line stays its section's heading too, which a label leaves out where it is the title (`citation`)
            # and shows under a title sources.toml declares: without it the line's text would be in no passage
            return Parsed(kept, title=opening)
        # an outlined document opening on a title line, then its introduction: the line is its title, as a lone
        # title line is, and the introduction a section without heading
        return Parsed([replace(kept[0], heading=None, heading_start=None),
                       *[replace(s, parents=(opening, *s.parents)) for s in kept[1:]]], title=opening)
    if (asked := _question_over_titles(sections)) is not None:
        return Parsed([replace(s, parents=(asked, *s.parents)) for s in kept], title=asked)
    title, kept = leading_title(_title_apart(kept, lines, text, bool(legal)))
    return Parsed(kept, title=title)


def _question_over_titles(sections: list[Section]) -> str | None:
    """The question a file opens on with no text of its own, over parts its title lines head ("Comment payer ma
    facture ?" over "La carte bancaire" and "Le prélèvement"): it names what the file answers, its title and the
    heading its parts stand under, as a lone title line's; as a heading of nothing its section was dropped (a question
    whose answer an export cut off), and its words were in no passage. None for any other file."""
    opened = [section for section in sections if section.heading is not None or section.lines]
    if len(opened) < 2:
        return None
    first, second = opened[0], opened[1]
    if first.lines or first.heading is None or first.parents or first.shaped is not None or second.shaped is None:
        return None
    return first.heading if first.heading.endswith("?") else None


def _read(lines: list[Line], outline_numbers: set[str], legal: Articles, text: str, as_text: set[int],
          drawn: tuple[dict[int, int], set[int]]) -> tuple[list[Section], dict[int, int]]:
    """The sections of `lines`, and the line of each heading by the index of the section it opens; the lines
    `as_text` are text, whatever they look like; `drawn`: the underlined headings, by line with their level, and the
    lines of their rules, which are no text."""
    headings, rules = drawn
    sections: list[Section] = [Section(None)]
    pending: Line | None = None  # a numbered item that may continue after an elision
    after_elision = False
    titles = {j for heading in legal.headings.values() for j in heading.lines[1:]}  # the title lines under "ARTICLE 3"
    opened: dict[int, int] = {}  # the line of each heading, by the index of the section it opens
    outline = Outline()
    pending_at = 0  # the line `pending` starts on

    def open_section(heading: Line, at: int, level: int = _OUTLINE_LEVEL) -> None:
        opened[len(sections)] = at
        sections.append(outline.section(level, heading.text, heading.start))

    for i, line in enumerate(lines):
        if i in titles or i in rules:
            continue  # a title line under an article's number: in its heading; a heading's underline
        if _ELISION.match(line.text):
            if pending is None:
                sections.append(Section(None))
            after_elision = True
            continue
        numbered = NUMBERED.match(line.text)
        item = numbered.group("text") if numbered else None
        entry = OUTLINE.match(line.text) if outline_numbers else None
        if pending is None and entry and entry["number"] in outline_numbers and heading_like(entry["text"]) and \
                i not in as_text:
            after_elision = False
            open_section(Line(entry["text"], line.start, line.end), i, entry["number"].count(".") + 1)
            continue
        if pending is not None:
            if item is not None and after_elision and item[:1].islower():
                joiner = "" if pending.text.endswith("-") else " "
                pending = Line(pending.text + joiner + item, pending.start, line.end)
                after_elision = False
                continue
            if after_elision and not pending.text.endswith("?") and pending.end == lines[pending_at].end:
                sections[-1].lines.append(lines[pending_at])  # a numbered line of its own that asks nothing: text
            else:
                open_section(pending, pending_at)
            if after_elision:
                # the export elided what answered it (or the rest of the question, then its answer): what follows
                # the elision, an answer whose question the export elided too, is none of its, and stands without
                # heading, as after any elision (it was read under it); the question heads nothing, and is dropped
                sections.append(Section(None))
            pending = None
        after_elision = False
        if i in headings and i not in as_text:
            open_section(line, i, headings[i])
            continue
        if i in legal.headings:
            opened[len(sections)] = i
            heading = legal.headings[i]
            sections.append(outline.section(heading.level, heading.text, line.start))
            if heading.body is not None:  # "Art. 2. - Le présent décret ...": the article's text after its number
                sections[-1].lines.append(Line(line.text[heading.body:], line.start + heading.body, line.end))
            continue
        if i in legal.listed or i in as_text:
            sections[-1].lines.append(line)  # a table of contents' line, a heading of nothing: text
            continue
        if item is not None and not item.endswith("?"):
            # a numbered item that is not a question yet: a question cut by the export, or a list step
            nxt = lines[i + 1] if i + 1 < len(lines) else None
            if nxt is not None and _ELISION.match(nxt.text):
                pending, pending_at = Line(item, line.start, line.end), i
                continue
        if item is not None and item.endswith("?"):
            pending, pending_at = Line(item, line.start, line.end), i
            continue
        following = lines[i + 1] if i + 1 < len(lines) else None
        previous = lines[i - 1] if i else None
        asks = line.text.endswith("?") and len(line.text) <= 150
        if asks or looks_like_title(line, following, previous, text):
            open_section(line, i)
            sections[-1].shaped = None if asks else line  # a title line: a heading by its shape alone
            continue
        sections[-1].lines.append(line)
    if pending is not None:
        open_section(pending, pending_at)
    return sections, opened


def _title_apart(sections: list[Section], lines: list[Line], source: str, legal: bool) -> list[Section]:
    """A document opening on a block of two title lines, a title and what stands under it (a subtitle, "Version en
    vigueur au 1er mars 2025"), then its introduction: the first line alone, for `leading_title` to make it the title,
    and the second the introduction's first line (it names nothing, as `looks_like_title` reads it). Only where the
    first line is a title in capitals or the document has articles: in other files such a pair is as often a letter's
    greeting and first line ("Bonjour Marie" over "J'espère que tu vas bien") or a list's name and first item
    ("Ingrédients" over "3 pommes"), which are no title; and an underline ("=====") is no second line of a title."""
    first = sections[0] if sections else None
    if first is None or first.heading is not None or len(first.lines) < 3 or first.lines[:3] != lines[:3]:
        return sections
    if not (legal or lines[0].text.isupper()) or not titled(lines[0].text) or not titled(lines[1].text) or \
            apart(lines[0], lines[1], source) or not apart(lines[1], lines[2], source):
        return sections
    return [Section(None, first.lines[:1]), replace(first, lines=first.lines[1:]), *sections[1:]]


def leading_title(sections: list[Section]) -> tuple[str | None, list[Section]]:
    """A document that opens on a lone title line before its first headed section ("Gérer votre compte client",
    then "Créer un compte" and its paragraph): that line is the document's title, not a passage of its own, and the
    heading every section after it stands under (a heading path leaves it out where it is the title, and shows it
    under a title the file or `sources.toml` declares). Returns the title (None without one) and the sections."""
    if len(sections) < 2 or sections[0].heading is not None or len(sections[0].lines) != 1:
        return None, sections
    text = sections[0].lines[0].text
    if not titled(text):
        return None, sections
    return text, [replace(s, parents=(text, *s.parents)) for s in sections[1:]]


__all__ = ["leading_title", "looks_like_title", "parse_text", "reads_as_heading", "short_for_heading"]
