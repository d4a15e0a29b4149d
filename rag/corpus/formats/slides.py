"""A presentation's text, slide by slide (PowerPoint's .pptx, OpenDocument's .odp): a section a slide, headed by its
title, a page a slide.

Each slide shown gives its title on a line of its own, then its blocks, each followed by "\\n" (a block of several
lines, a paragraph with line breaks, gives each its `Line`). The presentation's title is its first shown slide's title
where that slide is a cover (a title slide: its layout's centred title, a subtitle) or the document properties name no
title, which then heads nothing (a citation's title shows it; nor does a later slide's title that repeats it); else the
properties' title: a first slide that is no cover (an agenda, a table of contents, a first topic) names a part of the
deck, not the deck, and heads its section as any slide does. A slide without a title has a section without a heading,
and so has one whose title is all it says (a section divider's, a picture's): its title is its line, so that it can be
found. A slide in a named group of slides (PowerPoint's sections) stands under the group's name, its heading path "Group
› Slide title" (a slide without a title: the group's name). A slide that is listed but hidden, or whose part is missing,
gives no text but keeps its number: the pages are the slides as the application numbers them, so that slide 5 is page 5
whatever slide 4 is. A slide's speaker notes come after its blocks, in a section of their own headed by PowerPoint's
and Impress's name for them in the deck's language (`NOTES`: "Notizen" in a German deck, "Notes" in a French one or
one whose language is not told, `rag.index.analyzer.document_language`) under the slide's heading path ("Délais ›
Notes"; "Notes" alone under a slide without a heading). A slide listing the titles of the slides after it (an agenda,
"Au programme": at least three lines, each naming a later slide, whole or by its first words) gives no section:
it says nothing its slides do not, and its list of topics, short and general, ranked first for questions none of them
answers (as a Word document's table of contents or a web page's list of links is left out); its text stays the
slide's, its notes are read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rag.corpus.formats.base import Line, Parsed, Section, lines_with_offsets
from rag.corpus.formats.columns import folded
from rag.index.analyzer import DOCUMENT_CHARS, document_language

# What heads a slide's speaker notes, under the slide's heading path: what the presenter says is no text the slide
# shows, and a citation of it says so ("Délais de remboursement › Notes"); PowerPoint's and Impress's name for them,
# by the deck's language (English's for a language not here, or not told)
NOTES = {"en": "Notes", "fr": "Notes", "es": "Notas", "de": "Notizen", "it": "Note", "pt": "Notas", "nl": "Notities"}
_AGENDA_ITEMS = 3  # the lines an agenda lists at least
_TITLE_CHARS = 200  # of a slide's title, those an agenda's line may name (a longer title's first words)
_PREFIX_WORDS = 8  # the first words of a title an agenda's line may name, at most (else the title whole)


@dataclass
class Slide:
    """What one slide says: its title, and its blocks in reading order, each (text, a list item or a table row, a
    table's first row). `hidden`: left out of a show, and so of the text. `group`: the named group of slides it is
    in (a PowerPoint section), whose name heads it (`_section`). `cover`: a title slide (a centred title, a
    subtitle: the layout a deck opens with), whose title, on the first slide, is the deck's. `notes`: its speaker
    notes' blocks, as `blocks`."""

    title: str | None = None
    blocks: list[tuple[str, bool, bool]] = field(default_factory=list)
    hidden: bool = False
    group: str | None = None
    cover: bool = False
    notes: list[tuple[str, bool, bool]] = field(default_factory=list)

    def titled(self, text: str) -> bool:
        """Take `text` (white space collapsed) as the slide's title, unless it has one already or it is blank;
        whether it was taken."""
        title = " ".join(text.split())
        if self.title is not None or not title:
            return False
        self.title = title
        return True


def presentation(slides: Iterable[Slide | None], title: str | None = None, number: int = 1) -> Parsed:
    """The text and sections of `slides` in order, each slide's notes after it (None: a slide listed but missing),
    the first's page numbered `number`, and the presentation's title: the first shown slide's where it is a cover or
    `title` (the document properties') is None, else `title`."""
    slides = list(slides)
    said = _notes(slides)
    agendas = _agendas(slides)
    sections: list[Section] = []
    pieces: list[str] = []
    page_starts: list[int] = []
    offset = hidden = 0
    first: Slide | None = None
    named: str | None = None  # the deck's title, where its first slide gives it
    for at, slide in enumerate(slides):
        page_starts.append(offset)
        if slide is None or slide.hidden:
            hidden += slide is not None
            continue
        if first is None:
            first = slide
            named = slide.title if slide.cover or title is None else None
        heading = None if slide.title is None or slide.title == named else slide.title
        section = _section(heading, slide.group)
        notes = Section(said, parents=tuple(part for part in (*section.parents, section.heading) if part))
        if heading is not None:
            section.heading_start = offset
            pieces.append(heading + "\n")
            offset += len(heading) + 1
        for target, blocks in ((section, slide.blocks), (notes, slide.notes)):
            for text, item, opens_table in blocks:
                target.lines.extend(Line(line.text, offset + line.start, offset + line.end, item,
                                         opens_table=opens_table and n == 0)
                                    for n, line in enumerate(lines_with_offsets(text)))
                pieces.append(text + "\n")
                offset += len(text) + 1
        if at in agendas:  # its text stays the slide's, no passage repeats its slides' titles
            section = Section(None)
        elif heading is not None and not section.lines:  # a title alone (a divider, a picture's): a line to find
            section = _section(None, slide.group)
            section.lines.append(Line(heading, page_starts[-1], page_starts[-1] + len(heading)))
        sections.extend(part for part in (section, notes) if part.lines)
    changes = [f"{hidden} hidden slide{'s' if hidden > 1 else ''} left out"] if hidden else []
    return Parsed(sections, title=named or title, text="".join(pieces),
                  page_starts=page_starts, first_page=number, blocks=True, changes=changes)


def _agendas(slides: list[Slide | None]) -> set[int]:
    """Which of `slides` are agendas: at least `_AGENDA_ITEMS` lines, every one naming a later slide shown, its
    title whole or its first words, `_PREFIX_WORDS` at most ("Notre offre" for "Notre offre en trois familles"; a
    number before it aside). A line naming none says something of its own: the slide is read. Linear in the deck:
    each title gives at most `_PREFIX_WORDS` + 1 keys, a line of an agenda is looked up among them."""
    found: set[int] = set()
    later: set[str] = set()  # the later slides' titles and their first words, folded, read from the last slide back
    for at in range(len(slides) - 1, -1, -1):
        slide = slides[at]
        if slide is None or slide.hidden:
            continue
        items = [line for text, _, _ in slide.blocks for line in text.splitlines() if line.strip()]
        if len(items) >= _AGENDA_ITEMS and all(_bare(item) in later for item in items):  # read up to one naming none
            found.add(at)
        words = _bare((slide.title or "")[:_TITLE_CHARS]).split()
        later.update(" ".join(words[:n]) for n in range(1, min(len(words), _PREFIX_WORDS) + 1))
        later.add(" ".join(words))
    return found


def _bare(line: str) -> str:
    """A line as an agenda's item is matched: folded, a number or bullet before it left out ("1. Offre": "offre")."""
    words = folded(line).split()
    return " ".join(words[1:] if words[:1] and words[0].isdecimal() else words)


def _notes(slides: list[Slide | None]) -> str:
    """What heads the speaker notes of `slides`: `NOTES`'s name in the language of what the slides shown and their
    notes say (their first `DOCUMENT_CHARS` characters); English's where it is not told."""
    shown = [slide for slide in slides if slide is not None and not slide.hidden]
    if not any(slide.notes for slide in shown):
        return NOTES["en"]
    texts, size = [], 0
    for text, _, _ in (block for slide in shown for block in (*slide.blocks, *slide.notes)):
        texts.append(text)
        size += len(text) + 1
        if size >= DOCUMENT_CHARS:
            break
    return NOTES.get(document_language("\n".join(texts)) or "en", NOTES["en"])


def _section(heading: str | None, group: str | None) -> Section:
    """The section of a slide headed `heading` (None: a slide without a heading) in the named group of slides `group`
    (PowerPoint's sections; None: in none): the slide's title under the group's name, as a Markdown `##` under its
    `#`, so that a citation says which part of the deck it is from; a slide without a title, or whose title is the
    group's name (the part's divider), headed by the group's name alone."""
    if group is None or (heading is not None and heading.casefold() == group.casefold()):
        return Section(heading)
    return Section(group) if heading is None else Section(heading, parents=(group,))


__all__ = ["NOTES", "Slide", "presentation"]
