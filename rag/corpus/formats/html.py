"""HTML through the standard library's parser: headings open sections, block elements give lines (each line of a `<pre>`
one, indented as it is), a table row is one line of its cells, a definition list's term and its first definition one
line ("Amount: Two months of rent"), a disclosure's `<summary>` the heading of what its `<details>` holds (an FAQ
accordion's question over its answer), and so is a paragraph all in bold that reads as a heading (an FAQ's question set
in `<strong>`); on a page built of `<div>`s, an element whose class names a title (`<div class="title">`, `<span
class="section-title">`) heads what follows it (`rag.corpus.formats.html_outline`). A line all in links to the page's
own anchors is a table of contents (Google Docs puts one on top of its export), not text. What tools' exports write
around a page is read as the page shows it: a Google Docs export's Title paragraph (`<p class="title">` in its
`doc-content` body, the export having no `<title>`) is the document's title, a run in a class its style sets bold
(`.c3{font-weight:700}`) is bold, and its comments (their `[a]` marks in the text, their text at the end) are no part of
it; a Confluence export's title ("Espace RH : Congés payés", `<h1 id="title-heading">`) loses the space's name, and its
expand macro is a `<details>` (its `expand-control` the summary heading its `expand-content`). A tab's label heads its
panel, hidden or not (`rag.corpus.formats.html_tabs`). A page's furniture (menus, banners, footers, form controls) is
left out, by its element or role, or by its class or id where it is measured to be furniture
(`rag.corpus.formats.furniture`); where the page marks its content (`<main>`, else `<article>`) and that holds most of
its text, only that is read. A site's footer's facts (its address, its opening hours) are the last section
(`rag.corpus.formats.html_footer`). What office tools write when they save a document as a web page is read as the
document shows it (`rag.corpus.formats.html_office`). A ruby's readings and a printed book's page numbers are no
words of its sentences (`rag.corpus.formats.html_annotations`)."""

from __future__ import annotations

import re
import textwrap
from html.parser import HTMLParser

from rag.corpus.formats import html_notes, html_office, html_outline
from rag.corpus.formats.base import CELL_SEPARATOR, Line, Parsed, Section, unmarked
from rag.corpus.formats.furniture import HEAD, LENIENT, VOID, Furniture, Region, is_main, skipped
from rag.corpus.formats.html_annotations import Annotations
from rag.corpus.formats.html_contents import Entries
from rag.corpus.formats.html_feedback import polls
from rag.corpus.formats.html_footer import footer_facts
from rag.corpus.formats.html_keywords import keywords
from rag.corpus.formats.html_links import lists_links
from rag.corpus.formats.html_outline import GOOGLE_COMMENT, ID, INVISIBLE, NESTED, SUMMARY_LEVEL
from rag.corpus.formats.html_tabs import PANELS, Disclosures, PanelOutline, next_id, panel_id, tabs
from rag.corpus.formats.html_tags import BLOCKS, CELLS, CONTROLS, HEADINGS, STRONG, bold_classes, bold_run, heads_lines
from rag.corpus.formats.text import reads_as_heading, short_for_heading

_ITEMS = {"li", "dt", "dd", "tr", "td", "th"}  # their lines are items of a list or rows of a table
_CELL_BREAK = "\x00"  # marks where a row's next cell starts, until the row is flushed
# the least of a page's text its <main>, or its <article>s (cards, comments: not always the page's subject), must hold
# to be read alone
CONTENT_SHARE = {"main": 0.25, "article": 0.5}


class _HtmlSections(HTMLParser, Disclosures):
    """Collects headings and block texts with the offsets of their elements in the HTML source."""

    def __init__(self, source: str, scope: str | None = None, lenient: bool = False,
                 named: frozenset[tuple[int, int]] = frozenset(), labels: dict[str, str] | None = None,
                 bold: frozenset[str] = frozenset()) -> None:
        """`scope`: "main" or "article" to read only inside such elements, None to read the whole body. `lenient`:
        leave out only scripts, styles and the head. `named`: where the elements named as furniture, and tabs, start.
        `bold`: classes a style sheet the page links to sets bold."""
        super().__init__(convert_charrefs=True)
        self.scope, self.lenient, self.named = scope, lenient, named
        self._content = Region()  # the <main> or <article> being read, when the page is read in scope
        self._furniture = Region()  # the skipped element being passed over
        self._annotations = Annotations()  # a ruby's reading, a printed page's number: no text, no space
        self._source, self.line_starts = source, [0, *(match.end() for match in re.finditer("\n", source))]
        self.sections: list[Section] = [Section(None)]
        self.outline, self._labels = PanelOutline(), dict(labels or {})  # the tabs' panels' labels, by their ids
        self.title: str | None = None
        self.url: str | None = None
        self._in_title, self._titles = False, 0  # <title> elements read
        self._open: tuple[str, int] | None = None  # (tag, start offset) of the block being read
        self._buffer: list[str] = []
        self._loose_start: int | None = None  # where text outside any open block began
        self._term: Line | None = None  # the line of a <dt> just read, which its first <dd> joins
        # for each <details> open: the headings open and the section in effect where it opened, to return to once
        # it closes (what follows an FAQ's last answer is not part of it)
        self._details: list[tuple[tuple[tuple[int, str], ...], Section]] = []
        self._strong = 0  # <strong> or <b> elements open
        self._bold = self._plain = False  # whether the open block holds text in bold, and text that is not
        self._item = False  # whether the open block is a list item's first paragraph
        self._bare: Section | None = None  # the section a bold paragraph opened last
        self.ends: dict[int, int] = {}  # where the headings of bold paragraphs and summaries end, by their section
        self._new_table = False  # a <table> opened, whose first row is yet to come (`Line.opens_table`)
        # a Google Docs export's classes set bold, and for each <span> open whether it is bold (`bold_run`)
        self._bold_classes, self._spans = bold_classes(source) | bold, list[bool]()
        # a disclosure's summary being read (`<summary>`, or a control of `aria-expanded` whose `aria-controls` panel
        # follows it: Elementor's accordion title): the blocks it holds are its words; the panels awaited and open
        self._summary = Region()
        self._ids = {match.group(1): match.start() for match in reversed(list(ID.finditer(source)))}  # first ones
        self._id_starts = [match.start() for match in ID.finditer(source)]  # in order: which id follows a place
        # the panels awaited, by id, and those open: each with where its entry stands in `_details` and that entry
        self._awaited, self._panels = dict[str, tuple[int, object]](), list[tuple[Region, int, object]]()
        self._control = ""  # the panel the control being read awaits, and while nothing is read after it: its section,
        self._waiting: tuple[Section, str, int] | None = None  # that panel and how many disclosures were open with it
        self._held: tuple[str, Region] | None = None  # a heading's accordion control (its panel awaited), and its end
        # <div>s open, and for each Confluence expand macro open (`<div class="expand-container">`, read as a
        # <details> whose `<div class="expand-control">` is its summary) how many were open with it
        self._divs, self._expands = 0, list[int]()
        self._entries = Entries(source)  # links to the page's own anchors (a table of contents')
        # a Google Docs export (`<body class="doc-content">`), and whether the open block is its Title paragraph
        self._google_docs = self._title_paragraph = False
        self._comment = False  # whether the open block is a Google Docs comment (it holds `<a id="cmnt1">`)
        self._mark = False  # in a Google Docs comment's mark (`<a id="cmnt_ref1">[a]</a>`), which the page never shows
        self.confluence = False  # a Confluence export's page (`<h1 id="title-heading">`), titled "Space : Title"
        self._titling = html_outline.Titling(self.sections, self.outline, self.ends)  # a title named by class

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    @property
    def _skip(self) -> bool:
        return self._furniture.tag is not None or (self.scope is not None and self._content.tag is None)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "title" and self._titles == 0 and self._furniture.tag in (None, "head"):
            self._in_title = True  # the page's first <title> only (an icon's <svg> has titles too)
        elif tag == "link" and named.get("rel") == "canonical":
            self.url = named.get("href")
        if self._furniture.tag == "head" and tag not in HEAD:
            self._furniture = Region()  # `</head>` may be left out: the body's first element ends the head
        if self._furniture.tag is not None:
            self._furniture.start(tag)
            self._panel_lost(named)
            return
        if self._annotations.start(tag, named):
            return
        if tag in VOID:
            if self._entry(named.get("id")) == len(self._details) - 1:  # no panel (`<img id>`): its control heads
                del self._awaited[named.get("id") or ""], self._details[-1]  # on as any heading does, nothing ends
            if tag == "br" and not self._skip and self._open and self._open[0] == "p" and self._bold and \
                    not self._plain and not self._strong and heads_lines(
                        self._buffer, self._source, self._offset() + len(self.get_starttag_text() or ""),
                        self._bold_classes):
                self._flush(self._offset())  # "<p><strong>Article 10 – Garanties</strong><br>Les produits ...":
                self._open = ("p", self._offset())  # the bold run heads the paragraph's next lines
            elif tag == "br" and not self._skip:
                self._buffer.append(" " if self._open and self._open[0] == "tr" else "\n")
            return
        comment = GOOGLE_COMMENT.fullmatch(named.get("id") or "") if tag == "a" and self._google_docs else None
        self._comment = self._comment or bool(comment and not comment.group("mark"))
        self._mark = self._mark or bool(comment and comment.group("mark"))
        if skipped(tag, named, self.lenient) or (not self.lenient and self.named and self.getpos() in self.named):
            if tag == "table" and self._open and self._open[0] == "tr":
                self._flush(self._offset())  # the row it stands in ends there, as a table read would end it
            self._furniture.enter(tag)
            self._panel_lost(named)
            return
        self._content.start(tag)
        if self.scope is not None and self._content.tag is None and (
                is_main(tag, named) if self.scope == "main" else tag == "article"):
            self._content.enter(tag)
        if self._skip:
            return
        self._new_table = self._new_table or tag == "table"
        self._entries.start(tag, named)
        if tag == "body":
            self._google_docs = "doc-content" in (named.get("class") or "").split()
        if tag == "h1" and named.get("id") == "title-heading":
            self.confluence = True
        self._buffer += [" "] if tag in CONTROLS else []  # a control's words stand apart
        self._strong += tag in STRONG
        if tag == "span":
            self._spans.append(bold_run(tag, self.get_starttag_text() or "", self._bold_classes))
            self._strong += self._spans[-1]
        if tag == "dl":
            self._term = None  # a term joins a definition of its own list only
        classes = (named.get("class") or "").split()
        self._titling.start(tag, named)
        for panel in [panel for panel, _, _ in self._panels] + ([self._held[1]] if self._held else []):
            panel.start(tag)
        if self._entry(named.get("id")) is not None and self._summary.tag is None and (self._bold or self._plain):
            self._unwait()  # text read since its control, not yet a line
        label = self._labels.pop(named.get("id") or "", None)
        if (entry := self._entry(named.get("id"))) is not None:  # a control's panel (a tab's too: the control heads
            del self._awaited[named.get("id") or ""]  # it): read as what a <details> holds under its summary
            if self._summary.tag is not None:  # inside its own control: the control's words so far head it
                self._flush(self._offset())
            self._panels.append((Region(tag), entry, self._details[entry]))
            self._waiting = None
        elif label and tag in PANELS and len(self._panels) < NESTED:
            self._flush(self._offset())  # a tab's panel: its label heads it, as a <summary> heads its <details>
            self._details.append((self.outline.save(), self.sections[-1]))
            self._panels.append((Region(tag), len(self._details) - 1, self._details[-1]))
            self.sections.append(self.outline.panel(label, self._offset()))
        controls = panel_id(named)
        after = next_id(self._id_starts, self._offset() + len(self.get_starttag_text() or ""))
        # a control (of `aria-expanded`, or naming the element named right after it: a jQuery-era accordion's button),
        # not in an <hN> (WAI's accordion: that heads it) nor after words ("… <a role=button>Lire la suite")
        opens = "aria-expanded" in named or after == self._ids.get(controls, -2)
        control = opens and (tag == "button" or named.get("role") == "button") and \
            self._ids.get(controls, -1) > self._offset() and self._summary.tag is None and len(self._panels) < NESTED \
            and not (self._open and self._open[0] in HEADINGS) and not (self._bold or self._plain)
        if opens and self._open and self._open[0] in HEADINGS and len(self._panels) < NESTED and after == \
                self._ids.get(controls, -2) and self._entry(controls) is None and not (self._bold or self._plain):
            self._await(controls)  # WAI's accordion: the panel right after its heading ends what the heading heads
            self._held = (controls, Region(tag))  # (the first control of it only; all the heading's words in it)
        self._divs += tag == "div"
        if tag == "details" or (tag == "div" and "expand-container" in classes):
            self._details.append((self.outline.save(), self.sections[-1]))
            self._expands += [self._divs] if tag == "div" else []
        if self._summary.tag is not None and tag not in HEADINGS:  # its blocks are its words (Elementor's <div>s)
            self._summary.start(tag)
            self._buffer.append(" " if tag in BLOCKS or tag in HEADINGS else "")
        elif self._open and self._open[0] == "tr" and tag != "tr":
            # inside a row, blocks are part of its cells: the row is one line, its cells apart
            if tag in CELLS:
                self._buffer.append(_CELL_BREAK)
            elif tag in BLOCKS or tag in HEADINGS:
                self._buffer.append(" ")
        elif tag in BLOCKS or tag in HEADINGS or control:
            # a paragraph opening a list item is the item (Wix's `<li><p class="font_8">`, many editors' `<li><p>`)
            opens_item = self._open is not None and self._open[0] == "li" and not "".join(self._buffer).strip()
            self._flush(self._offset())
            self._item = opens_item and tag in ("p", "div")
            self._open = ("summary", self._offset()) if control else (tag, self._offset())
            if tag == "summary" or control:
                self._summary.enter(tag)
            if control:  # its panel closes what it heads, as a </details> does
                self._await(controls)
                self._control = controls
            self._title_paragraph = self._google_docs and tag == "p" and "title" in classes
            if tag == "div" and "expand-control" in classes and self._expands:  # Confluence's expand macro's label
                self._open = ("summary", self._offset())

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._in_title:
            self._in_title, self._titles = False, self._titles + 1
        if self._furniture.tag is not None:
            self._furniture.end(tag)
            if self._furniture.tag is None and self._open:
                self._buffer.append(" ")  # what stood between two words ("Total<select>…</select>10")
            return
        if self._annotations.end(tag):
            return
        if self._content.tag is not None and tag == self._content.tag:
            self._content.end(tag)
            if self._content.tag is None:  # the content closes: so does any block or loose text left open in it
                self._flush(self._offset() + len(f"</{tag}>"))
                return
        if self._skip:
            return
        self._buffer += [" "] if tag in CONTROLS else []
        self._strong -= tag in STRONG and self._strong > 0
        if tag == "span" and self._spans:
            self._strong -= self._spans.pop()
        self._entries.end(tag)
        self._mark = self._mark and tag != "a"
        if self._summary.tag is not None:
            self._summary.end(tag)
            if self._summary.tag is None:
                self._flush(self._offset() + len(f"</{tag}>"))
        elif self._open and (tag == self._open[0] or (tag == "table" and self._open[0] == "tr")):
            end = self._offset() + len(f"</{tag}>")
            self._flush(end)
        self._titling.end(tag)
        if self._held:
            self._held[1].end(tag)
        panel_closed = self._end_panels(tag)
        self._term = None if tag == "dl" else self._term
        expanded = tag == "div" and bool(self._expands) and self._expands[-1] == self._divs
        self._expands = self._expands[:-1] if expanded else self._expands
        self._divs -= tag == "div" and self._divs > 0
        if (tag == "details" or expanded or panel_closed) and self._details:
            self._close_details()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title = ((self.title or "") + data).strip() or None
        elif not (self._skip or self._mark or self._annotations.open or self._annotations.label(data)):
            if self._open is None and self._loose_start is None and data.strip():
                self._loose_start = self._offset()
            if data.strip():
                if self._strong:
                    self._bold = True
                else:
                    self._plain = True
                self._titling.text()
                if self._held and self._held[1].tag is None:
                    self._unhold()  # words of its heading after its control
                self._entries.data(data)
            self._buffer.append(data)

    def _flush(self, end: int) -> None:
        joined = "".join(self._buffer)
        # only a row has cells: a NUL anywhere else is text (blanked as a control character at ingest)
        cells = joined.split(_CELL_BREAK) if self._open and self._open[0] == "tr" else [joined]
        text = CELL_SEPARATOR.join(cell for cell in (" ".join(c.split()) for c in cells) if cell.strip(INVISIBLE))
        self._buffer, self._held = [], None
        self._summary = self._summary if self._summary.tag is None else Region()  # a summary ends with its text
        bold_only, self._bold, self._plain = self._bold and not self._plain, False, False
        titled = self._titling.level()
        contents, many = self._entries.ends()  # a link is judged within its block, never beyond
        title_paragraph, self._title_paragraph = self._title_paragraph, False
        item, self._item = self._item, False
        comment, self._comment = self._comment, False
        control, self._control = self._control, ""
        if text and not control and not comment:
            self._unwait()
        if self._open is None:
            if text and self._loose_start is not None:  # loose text between blocks
                self.sections[-1].lines.append(Line(text, self._loose_start, end))
            self._loose_start = None
            return
        tag, start = self._open
        self._open = None
        if not text:
            return
        if title_paragraph:
            self.title = self.title or text
            return
        # a contents' entry (a heading's words, not a sentence nor a row) or its entries side by side (Intercom's), read
        # where they stand; a disclosure's control or bold line only saying "Lire la suite" (a label: no heading)
        if comment or (contents and tag not in HEADINGS and tag != "tr" and (many or reads_as_heading(text))) or (
                (tag == "summary" or bold_only) and html_outline.reads_more(text)):
            if contents and self._bare is self.sections[-1] and not self._bare.lines:  # the contents' bold title:
                self._bare.heading, _ = None, self.ends.pop(id(self._bare), None)  # what follows is under its parents
            if contents and self._entries.labelled(self.sections[-1].lines, start, end):
                del self.sections[-1].lines[-1]  # its label ("Dans cet article"), heading it and nothing else
            return
        if tag == "pre":  # preformatted (code, a configuration file): its lines and their indentation are meaning
            self.sections[-1].lines += [Line(code.rstrip(), start, end) for code in
                                        textwrap.dedent(joined.replace(_CELL_BREAK, " ")).splitlines() if code.strip()]
            self._term = None
            return
        if tag in HEADINGS:
            if self.title is None and tag == "h1":
                self.title = text
            self.sections.append(self.outline.section(int(tag[1]), text, start))
            self._titling.heading(int(tag[1]), self.sections[-1])
        elif titled and tag not in _ITEMS and not item and reads_as_heading(text):
            self._titling.title(titled, Line(text, start, end))  # a `<div class="title">`
        elif (tag == "summary" and self._details and short_for_heading(text)) or (
                tag in ("p", "div") and bold_only and reads_as_heading(text)
                and (self.sections[-1] is not self._bare or self._bare.lines)):
            # a disclosure's summary; a paragraph (or a <div>'s own text: Yoast's FAQ block) all in bold that reads as
            # a heading (an FAQ's question set apart), but for one right under such a paragraph, which it would empty
            self.sections.append(self.outline.section(SUMMARY_LEVEL, text, start))
            self._bare = self.sections[-1] if tag != "summary" else None
            self._waiting = (self.sections[-1], control, len(self._details)) if control else None
            self.ends[id(self.sections[-1])] = end  # where it ends, should it head nothing (`parse_html`)
        elif tag == "dd" and self._term is not None and self.sections[-1].lines[-1:] == [self._term]:
            # a definition follows its term on the term's line: "Amount: Two months of rent", not two items apart
            joint = " " if self._term.text.endswith((":", "?", "!", ".")) else ": "
            self.sections[-1].lines[-1] = Line(self._term.text + joint + text, self._term.start, end, item=True)
            self._term = None
        else:
            self.sections[-1].lines.append(Line(text, start, end, item=tag in _ITEMS or item,
                                                opens_table=tag == "tr" and self._new_table))
            self._new_table = self._new_table and tag != "tr"
            self._term = self.sections[-1].lines[-1] if tag == "dt" else None


def _read(text: str, scope: str | None, named: frozenset[tuple[int, int]], labels: dict[str, str],
          bold: frozenset[str]) -> _HtmlSections:
    """The page read in `scope`, leaving out the elements starting at `named` too; read again leniently if an element
    left out never closes (a `<nav>` whose end tag is missing would take the rest of the page with it)."""
    for lenient in (False, True):
        parser = _HtmlSections(text, scope, lenient, named, labels, bold)
        parser.feed(text)
        parser.close()
        parser._flush(len(text))
        if parser._furniture.tag in (None, "head", *LENIENT):
            break
    return parser


def parse_html(text: str, bold: frozenset[str] = frozenset()) -> Parsed:
    """HTML through the standard library's parser: headings open sections, block elements give lines; `bold`: the
    classes the style sheets the page links to set bold (an e-book's, read from its archive).

    Furniture is left out (`skipped`, and `Furniture` for the elements named so). A page that marks its content
    with `<main>` (else `<article>`) is read there only, unless that holds less than its `CONTENT_SHARE` of the
    page's text (a template's empty `<main>`, comments marked up as articles under a post that is not). Offsets
    delimit each element in the HTML source (entities and inline tags make the text differ from it).
    """
    first = Furniture(lambda tag, attrs: skipped(tag, attrs, False))  # and the page's content marks
    first.feed(text)
    first.close()
    found = tabs(text)
    scope = "main" if first.main else "article" if first.article else None
    named = first.left_out | found.controls | polls(text) | keywords(text)  # and its feedback widgets, tags lines
    parser = whole = _read(text, None, named, found.labels, bold)
    if scope is not None:
        scoped = _read(text, scope, named, found.labels, bold)
        if html_outline.size(scoped.sections) >= CONTENT_SHARE[scope] * html_outline.size(whole.sections):
            parser = scoped
    title = parser.title
    if parser.confluence and title and " : " in title:  # Confluence's "Espace RH : Congés payés"
        title = html_outline.confluence_title(parser.sections, title)
    sections = [Section(None), *parser.sections]  # then what an office tool's export holds, as the document shows it
    title = html_office.office(text, sections, title)
    html_notes.notes(text, sections)  # and what an e-book or an accessible page marks as notes
    html_outline.unheaded(sections, parser.ends)
    sections = [s for s in sections if s.lines]  # lists of links to other pages left out, unless that is all there is
    sections = [s for s in sections if not lists_links(s, text)] or sections  # (a help centre's category page)
    sections += [] if parser.lenient or parser.confluence else footer_facts(text, parser.line_starts, first, sections)
    return Parsed(unmarked(sections), title=title, url=parser.url, blocks=True)


__all__ = ["CONTENT_SHARE", "parse_html"]
