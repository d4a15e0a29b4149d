"""What office tools write when they save a document as a web page (Word's "Page Web", Google Docs' "Web page",
LibreOffice Writer's "Document HTML"), read as the document shows it, once `rag.corpus.formats.html` has read the
page's blocks (`office`):

- A footnote or an endnote is read after the block that cites it (a table's, cited in a row), in that block's
  section, as a Word document's (`rag.corpus.formats.docx_notes`): the three tools write a note's citation and its
  text at the page's end as two links pointing at each other (Word's `<a href="#_ftn1" name="_ftnref1">[1]</a>`
  and `<a href="#_ftnref1" name="_ftn1">[1]</a>`, Google Docs' `ftnt_ref1` / `ftnt1` ids, LibreOffice's
  `sdfootnote1anc` / `sdfootnote1sym` names), the first the citation, the second opening the note's first paragraph;
  the paragraphs after it in the `<div>` each tool wraps a note in follow it, up to that `<div>`'s end (none where it
  is never closed: it would take the rest of the page), but for one that cites a note itself. The citation's mark
  ("[1]", a "1" glued to the word it follows) leaves the text where it is its only occurrence in the block (else it
  stays: which one it is could be guessed wrong), for the block's first 64 notes; the note's mark leaves the note
  (`rag.corpus.formats.html_notes` moves them).
- A list paragraph of Word (`MsoListParagraph`, a `mso-list` style: Word writes no `<li>`) is a list item: its
  number ("1.", "a)") stays as the document shows it, its bullet (Symbol's "·", Courier New's "o", Wingdings' "§",
  written as text before Word's 7 pt spacer `<span style='font:7.0pt "Times New Roman"'>`) leaves the text, as an
  HTML list's does.
- A paragraph of Word whose style the page's style sheet sets bold (a template's own style, "Titre article":
  `p.Titrearticle, li.Titrearticle, div.Titrearticle {...; font-weight:bold}`, `<p class=Titrearticle>`) is set in
  bold as a `<b>` sets it: where it reads as a heading it heads what follows it in its section, under that section's
  heading, as a paragraph all in bold does (`rag.corpus.formats.html`), but for one that would head nothing (the
  section's last line, or right above another). Word's own styles (`Mso...`: `MsoNormal`, the list and contents
  paragraphs) are not read so, whatever their weight.
- The Title paragraph (Word's `MsoTitle`, LibreOffice's `title-western`) titles the document where the page's
  `<title>` says nothing (LibreOffice writes it empty), and is no line of it where it says the title; the heading of
  Word's table of contents (`MsoTocHeading`: "Sommaire", over entries that are no text) is no line either.

Each rule reads the HTML source at the offsets of the lines the reader gave, within `WINDOW` characters of a line's
start (and before its end), and each link's start tag once: linear in the page.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace

from rag.corpus.formats.base import Line, Section
from rag.corpus.formats.html_notes import Note, Places, follow, link_text, plain
from rag.corpus.formats.text import reads_as_heading

WINDOW = 2000  # characters of a block's source read for its marks, at most (a hostile block of megabytes is not)
_LINK = re.compile(r"<a\b[^<>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""\s(href|name|id)\s*=\s*(?:"([^"<>]*)"|'([^'<>]*)'|([^\s"'<>]+))""", re.IGNORECASE)
_DIV = re.compile(r"</?div\b", re.IGNORECASE)
# Word's list paragraph (its start tag), and the spacer after its number or bullet
_LIST_PARAGRAPH = re.compile(r"<p\b[^<>]*?(?:\bclass=[\"']?MsoList|mso-list:\s*l\d)", re.IGNORECASE)
_SPACER = re.compile(r"""<span\s+style=(["'])font:\s*7\.0pt\s+(?:&quot;|")?Times New Roman""", re.IGNORECASE)
_NUMBER = re.compile(r"\(?(?:\d{1,4}|[a-zA-Z]{1,5})(?:\.\d{1,4})*[.)]")  # "1.", "a)", "iv.", "(a)", "2.1."
_TITLE_CLASS = re.compile(r"<p\b[^<>]*?\bclass=[\"']?(MsoTitle|MsoTocHeading|title-(?:western|cjk|ctl))[\"'\s>]",
                          re.IGNORECASE)
_PAGE_TITLE = re.compile(r"<title\b[^<>]*>([^<]*)</title", re.IGNORECASE)
# A page Word saved (its first `_HEAD` characters say so), a class its style sheet sets bold (after the selector's
# last element: "p.A, li.A, div.A\n\t{...}"), and a paragraph's own class
_WORD_PAGE = re.compile(r"<meta\s+name=[\"']?(?:ProgId|Generator)[\"']?\s+content=[\"']?"
                        r"(?:Word\.Document|Microsoft Word)", re.IGNORECASE)
_HEAD = 8192
_BOLD_STYLE = re.compile(r"\.([\w-]+)\s*\{[^{}]*\bfont-weight:\s*(?:700|800|900|bold)\b", re.IGNORECASE)
_PARAGRAPH_CLASS = re.compile(r"<p\b[^<>]*?\bclass=[\"']?([\w-]+)", re.IGNORECASE)


@dataclass(frozen=True)
class _Link:
    at: int  # where its start tag opens
    end: int  # where its start tag ends
    name: str
    target: str  # the anchor its `href="#..."` points at ("" if none)


def office(source: str, sections: list[Section], title: str | None) -> str | None:
    """The page's sections as the document shows them (the module's rules, in place); returns its title: `title`,
    or its Title paragraph's text where the page's `<title>` says nothing."""
    title = _title(source, sections, title)
    bold = {name for name in _BOLD_STYLE.findall(source) if not name.lower().startswith("mso")} \
        if _WORD_PAGE.search(source, 0, _HEAD) else set()
    if bold:
        sections[:] = [part for section in sections for part in _styled_headings(source, section, bold)]
    _lists(source, sections)
    _notes(source, sections)
    return title


def _title(source: str, sections: list[Section], title: str | None) -> str | None:
    page_title = _PAGE_TITLE.search(source)
    named = bool(page_title and page_title[1].strip())
    for section in sections[:2]:  # the page's first lines, before and under its first heading
        kept = []
        for line in section.lines:
            match = _TITLE_CLASS.match(source, line.start, min(len(source), line.start + WINDOW))
            style = match[1].lower() if match else ""
            if style and not named and style != "msotocheading":
                title, named = line.text, True  # the Title paragraph, where no `<title>` says one
            elif not style or (style != "msotocheading" and line.text != title):
                kept.append(line)
        section.lines[:] = kept
    return title


def _styled_headings(source: str, section: Section, bold: set[str]) -> list[Section]:
    """`section` cut at its paragraphs whose own style is one of `bold`, that read as headings."""
    heads = [not line.item and reads_as_heading(line.text) and bool(
        (match := _PARAGRAPH_CLASS.match(source, line.start, min(line.end, line.start + WINDOW))) and match[1] in bold)
        for line in section.lines]
    own, parts = list[Line](), [section]
    parents = (*section.parents, section.heading) if section.heading else section.parents
    for at, line in enumerate(section.lines):
        if heads[at] and at + 1 < len(section.lines) and not heads[at + 1]:
            parts.append(Section(line.text, heading_start=line.start, parents=parents, url=section.url))
        else:
            (own if len(parts) == 1 else parts[-1].lines).append(line)
    section.lines[:] = own
    return parts


def _lists(source: str, sections: list[Section]) -> None:
    for section in sections:
        for at, line in enumerate(section.lines):
            start = _LIST_PARAGRAPH.match(source, line.start, min(len(source), line.start + WINDOW))
            spacer = _SPACER.search(source, start.end(), min(line.end, line.start + WINDOW)) if start else None
            if start is None or spacer is None:
                continue
            tag_end = source.find(">", start.end(), spacer.start())
            mark = plain(source[tag_end + 1:spacer.start()]) if tag_end >= 0 else ""
            if not mark or len(mark) > 8 or not line.text.startswith(mark):
                continue
            text = line.text if _NUMBER.fullmatch(mark) else line.text[len(mark):].lstrip()
            section.lines[at] = replace(line, text=text, item=True) if text else line


def _links(source: str) -> dict[str, _Link]:
    """The page's links by their name (or id), the first of each name."""
    links: dict[str, _Link] = {}
    for match in _LINK.finditer(source):
        values = {key.lower(): next((v for v in rest if v), "") for key, *rest in _ATTRIBUTE.findall(match[0])}
        href = values.get("href") or ""
        name = values.get("name") or values.get("id") or ""
        if name and name not in links:
            links[name] = _Link(match.start(), match.end(), name, href[1:] if href.startswith("#") else "")
    return links


def _notes(source: str, sections: list[Section]) -> None:
    links = _links(source)
    places = Places(sections)
    divs = [(match.start(), match[0][1] == "/") for match in _DIV.finditer(source)]
    div_starts = [at for at, _ in divs]
    closed: dict[int, int] = {}  # a <div>'s place in `divs`: where its </div> starts (one pass, a stack: linear)
    opened: list[int] = []
    for n, (at, closing) in enumerate(divs):
        if not closing:
            opened.append(n)
        elif opened:
            closed[opened.pop()] = at

    def wrapped_until(offset: int) -> int:
        """Where the `<div>` that opens last before `offset` (within `WINDOW`, nothing but its own tag between) is
        closed; `offset` where no such `<div>` wraps it, or it is never closed (it would take the rest of the page)."""
        at = bisect.bisect_right(div_starts, offset) - 1
        if at < 0 or divs[at][1] or offset - divs[at][0] > WINDOW:
            return offset
        return closed.get(at, offset)

    gone: set[tuple[int, int]] = set()  # the notes' own lines
    pairs: list[Note] = []
    citations = sorted((link for link in links.values() if link.target in links), key=lambda link: link.at)
    for citation in citations:
        note = links[citation.target]
        if note.target != citation.name or note.at <= citation.at:
            continue  # no pair, or the note's own link back
        cited, noted = places.holding(citation.at), places.holding(note.at)
        mark, back = link_text(source, citation.end), link_text(source, note.end)
        if cited is None or noted is None or cited == noted or noted in gone or cited in gone or not mark:
            continue
        note_line = sections[noted[0]].lines[noted[1]]
        text = note_line.text[len(back):].strip() if back and note_line.text.startswith(back) else ""
        if not text:
            continue
        gone.add(noted)
        pairs.append(Note(cited, noted, text, mark, wrapped_until(note.at)))
    follow(source, sections, pairs)


__all__ = ["WINDOW", "office"]
