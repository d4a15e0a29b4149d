"""Notes read after the block that cites them, as a Word document's are (`rag.corpus.formats.docx_notes`), once
`rag.corpus.formats.html` has read a page's blocks: the move itself (`follow`), for the notes an office tool's export
pairs (`rag.corpus.formats.html_office`) and for those an e-book or an accessible page marks (`notes`).

An e-book (EPUB 3's `epub:type`) and a page written with DPUB-ARIA's roles mark a note's citation, a link to the
note's element in the same page (`<a epub:type="noteref" href="#fn1">1</a>`, `role="doc-noteref"`: pandoc's, Sigil's,
InDesign's), and the note wherever it stands (an `<aside epub:type="footnote" id="fn1">` right after the paragraph or
at the chapter's end, an `<li id="fn1">` of a `<section role="doc-endnotes">`). The blocks of the element the link
points at follow the block that cites it, in that block's section; the citation's mark leaves the text where it is its
only occurrence in the block, and a link back to the citation (`<a href="#ref1">1</a>` opening the note, to the
citation's id or to one set just before it, as LibreOffice's `<sup id="calledF1">` around it; pandoc's "↩︎" ending
it, `role="doc-backlink"`) leaves the note. A note whose element is never closed is its first block only
(it would take the rest of the page); an element holding its citation or a heading (a section, the page's body) is no
note. A note in another file of the book (an endnotes chapter, `notes.xhtml#en1`) is
moved once the book's chapters are read (`rag.corpus.formats.epub_notes`).

Each link's start tag is read once, each tag of the page once to find where the notes' elements end: linear in the
page."""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Callable
from dataclasses import replace
from typing import NamedTuple

from rag.corpus.formats.base import Line, Section
from rag.corpus.formats.html_annotations import vocabulary
from rag.corpus.formats.html_outline import ID

WINDOW = 2000  # characters of a note's source read for the link back to its citation, at most
_MARKS = 64  # citations' marks left out of one block, at most (each is looked for in the whole block)
_NOTE_MARK = 1000  # characters a note's mark may span in the source, its tags included (Word's: some 400)
_TAG = re.compile(r"<[^<>]*>")
_LINK_END = re.compile(r"</a\s*>", re.IGNORECASE)
_TAGS_ONLY = re.compile(r"(?:\s|<[^<>]*>)*")  # what may follow a link back ending its note's last line
HEADING = re.compile(r"<h[1-6][\s/>]", re.IGNORECASE)
LINK = re.compile(r"<a\b[^<>]*>", re.IGNORECASE)
ELEMENT = re.compile(r"<(/?)([a-zA-Z][\w:.-]*)")
_ATTRIBUTE = re.compile(r"""\s([\w:.-]+)\s*=\s*(?:"([^"<>]*)"|'([^'<>]*)'|([^\s"'<>]+))""")
NOTE_REF = ("noteref", "doc-noteref")  # a citation's epub:type and role
_NOTE_REFS = re.compile("noteref", re.IGNORECASE)
_BACKLINK = ("backlink", "doc-backlink")
LINKS = 16  # links of a note looked through for its link back (pandoc's ends it), at most


class Note(NamedTuple):
    """A note to read after the line citing it: both as (section, line) places, the note's first line's text without
    its own mark, the citation's mark, where the note's element ends in the source (its next lines up to there
    follow it), and its link back's text, left out of its last line where it ends it (pandoc's and Standard Ebooks'
    "↩" after a note's last paragraph) and where it starts (-1: none)."""

    cited: tuple[int, int]
    noted: tuple[int, int]
    text: str
    mark: str
    end: int
    back: str = ""
    back_at: int = -1


def plain(fragment: str) -> str:
    """A fragment of HTML's text: tags left out, entities read, spaces collapsed."""
    return " ".join(html.unescape(_TAG.sub("", fragment)).split())


def link_text(source: str, end: int, span: int = _NOTE_MARK) -> str:
    """The text of a link whose start tag ends at `end`, if it closes within `span` characters."""
    close = source.find("</a", end, end + span)
    return plain(source[end:close]) if close >= 0 else ""


class Places:
    """Where a page's lines stand in its source, as (section, line) places."""

    def __init__(self, sections: list[Section]) -> None:
        self._places = sorted((line.start, line.end, s, n) for s, section in enumerate(sections)
                              for n, line in enumerate(section.lines))
        self._starts = [place[0] for place in self._places]

    def holding(self, offset: int) -> tuple[int, int] | None:
        """The line whose span holds `offset`, if any."""
        at = bisect.bisect_right(self._starts, offset) - 1
        return self._places[at][2:] if at >= 0 and offset < self._places[at][1] else None

    def first(self, begin: int, end: int) -> tuple[int, int] | None:
        """The first line starting from `begin` and before `end`, if any."""
        at = bisect.bisect_left(self._starts, begin)
        return self._places[at][2:] if at < len(self._places) and self._starts[at] < end else None


def _ends_line(source: str, at: int, end: int) -> bool:
    """Whether the link starting at `at` in `source` ends its line (ending at `end`): only tags and spaces after it
    (not "[2] Voir la note [2]", whose text ends as its link back's does)."""
    close = _LINK_END.search(source, at, at + WINDOW)
    return close is not None and _TAGS_ONLY.fullmatch(source, close.end(), max(close.end(), end)) is not None


def follow(source: str, sections: list[Section], notes: list[Note]) -> None:
    """Each of `notes` read after the line citing it (a table's row's, after its table's last row cited so), in its
    section, the citation's mark left out of it where it is its only occurrence; in place. A note's paragraphs stay
    together, and a note cited in a note follows that one wherever it goes; every line is read once, whatever the
    order of the notes and of their citations (a note cited only from a note of its own, in a loop, stays where it
    is)."""
    gone = {note.noted for note in notes}  # the notes' own lines
    texts = {note.noted: note.text for note in notes}  # lines' texts, their marks or links back left out
    after: dict[tuple[int, int], list[tuple[int, int]]] = {}  # the lines read right after each line, in order
    for cited, (s, n), _, mark, end, back, back_at in notes:
        body = texts.get(cited, sections[cited[0]].lines[cited[1]].text)
        # "septembre[1]." -> "septembre.", "le plus proche1 ;" -> "le plus proche ;"
        if len(after.get(cited, ())) < _MARKS and body.count(mark) == 1 and body.strip() != mark:
            at = body.index(mark)  # (a line that is its mark alone keeps it: no line is left empty)
            texts[cited] = body[:at] + body[at + len(mark):].removeprefix(" " if body[at - 1:at] in " " else "")
        after.setdefault(cited, []).append((s, n))
        note_lines = sections[s].lines
        while n + 1 < len(note_lines) and note_lines[n + 1].start < end and (s, n + 1) not in gone:
            after.setdefault((s, n), []).insert(0, (s, n + 1))  # the note's next paragraph, before its own notes
            n += 1
            gone.add((s, n))
        last = note_lines[n]
        if (s, n) not in texts and last.start <= back_at < last.end and last.text.endswith(back) and \
                last.text.strip() != back and _ends_line(source, back_at, last.end):  # after the note's text
            texts[(s, n)] = last.text[:-len(back)].rstrip()
    read: set[tuple[int, int]] = set()

    def line(place: tuple[int, int]) -> Line:
        original = sections[place[0]].lines[place[1]]
        moved = place in gone
        text = texts.get(place, original.text)
        return replace(original, text=text, item=False, opens_table=False) if moved else \
            replace(original, text=text) if text != original.text else original

    def following(place: tuple[int, int]) -> list[Line]:
        """The lines read after `place`'s, depth first (a note's note right after it), each once."""
        out: list[Line] = []
        stack = list(reversed(after.get(place, ())))
        while stack:
            next_place = stack.pop()
            if next_place in read:
                continue
            read.add(next_place)
            out.append(line(next_place))
            stack.extend(reversed(after.get(next_place, ())))
        return out

    lines_of: list[list[Line]] = []
    for s, section in enumerate(sections):
        lines, waiting = list[Line](), list[Line]()  # the notes cited in a table's row wait for its last row
        for n, each in enumerate(section.lines):
            row = source[each.start:each.start + 3].lower() == "<tr"
            if (s, n) in gone:
                continue
            if waiting and (not row or each.opens_table):
                lines.extend(waiting)
                waiting = []
            read.add((s, n))
            lines.append(line((s, n)))
            waiting.extend(following((s, n)))
            if waiting and not row:
                lines.extend(waiting)
                waiting = []
        lines_of.append(lines + waiting)
    for s, section in enumerate(sections):  # notes no line read cites (a loop of notes): where they stand
        for n in range(len(section.lines)):
            if (s, n) not in read:
                read.add((s, n))
                lines_of[s].append(line((s, n)))
                lines_of[s].extend(following((s, n)))
        section.lines[:] = lines_of[s]


def attributes(tag: str) -> dict[str, str]:
    return {key.lower(): next((v for v in rest if v), "") for key, *rest in _ATTRIBUTE.findall(tag)}


def marked(attrs: dict[str, str], marks: tuple[str, str]) -> bool:
    """Whether an element's `epub:type` or role says `marks` (the type's word, the role)."""
    return marks[0] in vocabulary(attrs.get("epub:type")) or marks[1] in (attrs.get("role") or "").lower().split()


def element_ends(source: str, starts: dict[int, str]) -> dict[int, int]:
    """Where each element starting at one of `starts` (its tag's name) ends, its end tag included: one pass over the
    page's tags, counting those of the names, an element left open never ending."""
    names = set(starts.values())
    depth = dict.fromkeys(names, 0)
    open_at: dict[str, list[tuple[int, int]]] = {name: [] for name in names}  # (start, depth) of each one open
    ends: dict[int, int] = {}
    for match in ELEMENT.finditer(source):
        name = match[2].lower()
        if name not in names:
            continue
        if not match[1]:
            depth[name] += 1
            if starts.get(match.start()) == name:
                open_at[name].append((match.start(), depth[name]))
        else:
            if open_at[name] and open_at[name][-1][1] == depth[name]:
                ends[open_at[name].pop()[0]] = source.find(">", match.end()) + 1 or len(source)
            depth[name] = max(0, depth[name] - 1)
    return ends


def notes(source: str, sections: list[Section]) -> None:
    """The notes an e-book or an accessible page marks read after the lines citing them (see the module); in
    place."""
    if not _NOTE_REFS.search(source):
        return  # most pages: their links are not read again
    links = [(match.start(), match.end(), attributes(match[0])) for match in LINK.finditer(source)]
    citations = [(at, end, attrs) for at, end, attrs in links if marked(attrs, NOTE_REF)
                 and attrs.get("href", "").startswith("#") and len(attrs["href"]) > 1]
    if not citations:
        return
    ids: dict[str, int] = {}
    for match in ID.finditer(source):
        ids.setdefault(match[1], match.start())
    begins = [element_at(source, ids.get(attrs["href"][1:], -1)) for _, _, attrs in citations]
    starts: dict[int, str] = {}  # the notes' elements: where each starts, its tag's name
    for begin in begins:
        if begin >= 0 and (element := ELEMENT.match(source, begin)) is not None and not element[1]:
            starts[begin] = element[2].lower()
    ends, places, link_starts = element_ends(source, starts), Places(sections), [at for at, _, _ in links]
    headings = [match.start() for match in HEADING.finditer(source)]
    found: list[Note] = []
    gone: set[tuple[int, int]] = set()  # the notes' lines
    for (at, end, _), begin in zip(citations, begins, strict=True):
        if begin not in starts:
            continue
        close = ends.get(begin)  # None: never closed, the note is its first line
        cited, noted = places.holding(at), places.first(begin, begin + WINDOW if close is None else close)
        if cited is None or noted is None or cited == noted or noted in gone:
            continue
        first = sections[noted[0]].lines[noted[1]]
        span = close or first.end
        if begin <= at < span or bisect.bisect_left(headings, begin) < bisect.bisect_left(headings, span):
            continue  # no note: an element holding its citation (a section, the body), or a heading
        within = bisect.bisect_left(link_starts, begin)
        back, back_at = back_link(source, links[within:within + LINKS], min(close or first.end, begin + WINDOW),
                                  (at, end), lambda href: ids.get(href[1:]) if href.startswith("#") else None)
        text = without_back(first.text, back)
        if (mark := link_text(source, end)) and text:
            gone.add(noted)
            found.append(Note(cited, noted, text, mark, first.end if close is None else close, back, back_at))
    follow(source, sections, found)


def without_back(text: str, back: str) -> str:
    """A note's first line's `text` without its link back's, `back`, where the link opens or ends it."""
    if back and text.startswith(back):
        return text[len(back):].strip()
    if back and text.endswith(back):
        return text[:-len(back)].strip()
    return text


def element_at(source: str, attribute: int) -> int:
    """Where the start tag holding the attribute at `attribute` opens, within `WINDOW` characters; -1 if none does
    (an "id=" in text)."""
    at = source.rfind("<", max(0, attribute - WINDOW), attribute) if attribute >= 0 else -1
    return at if at >= 0 and ">" not in source[at:attribute] else -1


def back_link(source: str, links: list[tuple[int, int, dict[str, str]]], end: int, citation: tuple[int, int],
              target_of: Callable[[str], int | None]) -> tuple[str, int]:
    """The text of the first of a note's `links` (its first) before `end` that leads back to its citation (whose start
    tag spans `citation`): to an id set in that tag or at most `_NOTE_MARK` characters before it (LibreOffice's `<sup
    id>` around it), or marked so (`role="doc-backlink"`); `target_of` tells where an `href` leads in `source`. With
    where the link starts; "" and -1 if none does."""
    for at, link_end, attrs in links:
        if at >= end:
            break
        target = target_of(attrs.get("href") or "")
        if (target is not None and citation[0] - _NOTE_MARK <= target < citation[1]) or marked(attrs, _BACKLINK):
            return link_text(source, link_end), at
    return "", -1


__all__ = ["ELEMENT", "HEADING", "LINK", "LINKS", "NOTE_REF", "WINDOW", "Note", "Places", "attributes", "back_link",
           "element_at", "element_ends", "follow", "link_text", "marked", "notes", "plain",
           "without_back"]
