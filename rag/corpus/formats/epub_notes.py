"""An e-book's notes kept in another of its files (an endnotes chapter, `notes.xhtml`) read after the paragraph citing
them, as a chapter's own notes are (`rag.corpus.formats.html_notes`), once every chapter is read: the notes chapter
is then not read twice, its notes no longer where they stood.

A citation is a link to an element of another content document of the book (`<a href="notes.xhtml#n1">`): marked a
note's (`epub:type="noteref"`, `role="doc-noteref"`: EPUB 3's, pandoc's, InDesign's), or a link whose text is a
note's mark ("1", "[12]", "*", "[iv]", "[A]") the element it points at links back to, among its first links, by a
mark or a return sign ("↩", "↑", "back"): an EPUB 2 book's, Calibre's and Project Gutenberg's, `<p id="n1"><a
href="chapter1.xhtml#r1">1</a> ...`, the note's id on its paragraph or on the link back opening it. A glossary's,
a bibliography's or a contents page's entry linking back to its uses is no note. The note is the
blocks of that element (an `<aside epub:type="endnote">`, an `<li>` of a `<section epub:type="endnotes">`, a `<p>`),
or the block holding it where it is an inline one opening that block (the link back); its link back leaves its
text, the citation's mark leaves the citing block where it is its only occurrence in it. An element holding a heading
(a chapter, a section of notes) is no note: a link to a chapter is a cross-reference.

Every link's start tag of the book is read once, the ids and tags of the files holding notes once each: linear in the
book's XHTML (a book of 20,000 notes)."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from urllib.parse import unquote

from rag.corpus.formats.base import Section
from rag.corpus.formats.epub_toc import inside
from rag.corpus.formats.html_notes import (
    ELEMENT,
    HEADING,
    LINK,
    LINKS,
    NOTE_REF,
    WINDOW,
    Note,
    Places,
    attributes,
    back_link,
    element_at,
    element_ends,
    follow,
    link_text,
    marked,
    plain,
    without_back,
)
from rag.corpus.formats.html_outline import ID

# A note's mark ("1", "[12]", "(3)", "*", "†", "[iv]", "1.", Project Gutenberg's lettered "[A]", its 27th "[AA]") and
# a link back's text (a mark or a return sign); a letter alone is no mark (an index's "A", "B" links to its letters),
# nor two letters apart (a parallel text's "[FR]", "[EN]" links to its translation)
_MARK = re.compile(r"[\[(]?(?:\d{1,4}|[*†‡§¶]{1,3})[\])]?\.?"
                   r"|[\[(](?:[ivxlcdm]{1,5}|(?P<letter>[a-z])(?P=letter)?)[\])]\.?", re.IGNORECASE)
_RETURN = re.compile(_MARK.pattern + r"|[↩↑^][\ufe0e\ufe0f]?|back|retour|return", re.IGNORECASE)


class _File:
    """A content document as read in the book's joined text: its path, where it starts there, its source; its ids
    (where each is set, in the joined text) and links, found once, when first asked for."""

    def __init__(self, path: str, base: int, source: str) -> None:
        self.path, self.base, self.source = path, base, source
        self._ids: dict[str, int] | None = None

    @property
    def ids(self) -> dict[str, int]:
        if self._ids is None:
            self._ids = {}
            for match in ID.finditer(self.source):
                self._ids.setdefault(match[1], self.base + match.start())
        return self._ids


def book_notes(text: str, chapters: list[tuple[str, int, str]], sections: list[Section]) -> None:
    """The notes a chapter cites in another file of the book read after the lines citing them (see the module); in
    place. `text` is the book's content documents joined, `chapters` each one's path, start in `text` and source,
    `sections` the book's, their offsets indexing `text`."""
    files = {path: _File(path, base, source) for path, base, source in chapters}
    citations: list[tuple[int, int, bool, _File, int]] = []  # start, start tag's end, marked a note's, note's element
    for path, base, source in chapters:
        for match in LINK.finditer(source):
            attrs = attributes(match[0])
            href = attrs.get("href") or ""
            target = files.get(inside(path, href) or "") if "#" in href and not href.startswith("#") else None
            if target is None or target.path == path:
                continue  # a chapter's own notes are the HTML reader's
            where = target.ids.get(unquote(href.partition("#")[2]), -1)
            begin = element_at(text, where) if where >= 0 else -1
            if begin >= 0:
                citations.append((base + match.start(), base + match.end(), marked(attrs, NOTE_REF), target, begin))
    if not citations:
        return
    noting = sorted({target.base: target for *_, target, _ in citations}.values(), key=lambda file: file.base)
    links = [(file.base + match.start(), file.base + match.end(), attributes(match[0]))  # the notes files' links
             for file in noting for match in LINK.finditer(file.source)]
    starts: dict[str, dict[int, str]] = {}  # each notes file's notes' elements: where each starts (in it), its name
    for *_, target, begin in citations:
        if (element := ELEMENT.match(text, begin)) is not None and not element[1]:
            starts.setdefault(target.path, {})[begin - target.base] = element[2].lower()
    ends = {path: {target_start + files[path].base: end + files[path].base
                   for target_start, end in element_ends(files[path].source, names).items()}
            for path, names in starts.items()}
    places, link_starts = Places(sections), [at for at, *_ in links]
    headings = [match.start() for match in HEADING.finditer(text)]
    found: list[Note] = []
    gone: set[tuple[int, int]] = set()
    for at, end, noteref, target, begin in citations:
        close = ends.get(target.path, {}).get(begin)  # None: never closed, or no element: the note its first line
        cited = places.holding(at)
        noted = places.first(begin, begin + WINDOW if close is None else close)
        holding = places.holding(begin)
        if noted is None and holding is not None:  # an inline element opening its block: the block is the note
            line = sections[holding[0]].lines[holding[1]]  # (its opening read, not the block: a block may be long)
            opening = begin - line.start <= WINDOW and not plain(text[line.start:begin])
            noted, close = (holding, line.end) if opening else (None, close)
        if cited is None or noted is None or cited == noted or noted in gone:
            continue
        first = sections[noted[0]].lines[noted[1]]
        span = close or first.end
        if bisect.bisect_left(headings, min(begin, first.start)) < bisect.bisect_left(headings, span):
            continue  # a heading: a chapter or a section of notes, no note
        within = bisect.bisect_left(link_starts, min(begin, first.start))
        back, back_at = back_link(text, links[within:within + LINKS], min(span, begin + WINDOW), (at, end),
                                  _resolver(files, target))
        if not noteref and not (_MARK.fullmatch(link_text(text, end)) and _RETURN.fullmatch(back)):
            continue  # a plain link not a note's mark, or not linked back to by one: a cross-reference, a glossary's
        note = without_back(first.text, back)
        if (mark := link_text(text, end)) and note:
            gone.add(noted)
            found.append(Note(cited, noted, note, mark, span, back, back_at))
    follow(text, sections, found)


def _resolver(files: dict[str, _File], within: _File) -> Callable[[str], int | None]:
    """Where a link of the file `within` leads in the joined text (its `href`: to an id of the book), if it does."""

    def target(href: str) -> int | None:
        path, _, fragment = href.partition("#")
        file = files.get(inside(within.path, path) or "") if path else within
        return file.ids.get(unquote(fragment)) if file is not None and fragment else None

    return target


__all__ = ["book_notes"]
