"""Read an OpenDocument text (.odt: LibreOffice's, OpenOffice's, many administrations' format): one text whose offsets
citations index, and its headings as sections, as `rag.corpus.formats.docx` reads a Word document.

An .odt is a zip archive of XML parts: `mimetype`, `content.xml` (the body, office:text), `styles.xml` (the named
styles), `meta.xml` (the title). The text is the body in reading order, one block per line (a block followed by
"\\n"):
- a paragraph (text:p, text:h): its text as the application shows it, spans and links included, its white space
  collapsed as ODF prescribes (text:s is its spaces, text:tab "\\t", text:line-break "\\n", so such a paragraph spans
  several lines; soft page breaks are nothing);
- a list (text:list, nested): each item's paragraphs, the first after its bullet "•" or number, counted within the
  list from the list style's start (an item's own start value, and a top list continuing another's numbering, are
  followed), in the style's format (digits, letters, Roman numerals; other scripts' digits come as ours), after the
  numbers of the levels above it shows ("2.1"), between the style's prefix and suffix ("1.", "(b)"); a list nested
  deeper than a list style's `LEVELS` has its items read at the deepest, counted on with its own. Not rendered:
  an image or custom bullet (all "•"), a nested list continuing another's numbering (each nested list counts anew);
- a table (table:table): one line per row, the row's cells joined by " | " (a cell: its paragraphs, and the rows of a
  table nested in it, joined by a space; empty cells are left out; a cell merged across rows is read on each row it
  spans, as Word's, one merged across columns once, in the first column it spans);
- a footnote or an endnote (text:note): its body's blocks, as lines after the paragraph (or list item, or table, for
  a note in one of its cells) that cites it, in that block's section; its citation mark is no text;
- a chart (a draw:frame naming an embedded chart object, or a captioned one: the frame whose text box holds it and
  its caption): its title, series and a row of values for each category, after the paragraph showing it (and before
  its notes; after the table, for one in a cell; in its place, for one anchored to the page), through `Body`'s
  `charts` (`rag.corpus.formats.opendocument_charts`).
Left out, as what is not the body's flow: comments (office:annotation), deleted
text (the text:tracked-changes region, text:change markers, and a deletion tracked in place:
`rag.corpus.formats.odt_paragraph`; tracked insertions stay in), other frames, text boxes and
drawings (draw:*, an image's caption with them), indexes (a table of contents, alphabetical and other indexes, a
bibliography), declarations (text:sequence-decls, text:variable-decls, ...), forms (office:forms), hidden sections,
ruby annotations and a heading's cached number; any other element of the body is too. Hidden text within a
paragraph (a span formatted hidden, a hidden-text field) is read, as Word's hidden runs are. A citation's
`text[start:end]` is a stretch of that text.

Sections, like Markdown `#` headings: a text:h opens one at its text:outline-level, named by its text after the
number the outline style of styles.xml gives it, if any (LibreOffice's heading numbering: "2.1 Train", counted over
the document's headings as `Body._heading_number` says), and so does a text:p whose
paragraph style is a heading: named "Heading N" or "Titre N" (Word's French names), or with a default outline level,
itself or a style it inherits from (style:parent-style-name, through content.xml's automatic styles and styles.xml's
styles; a style's outline level, said, decides: "" is body text), unless LibreOffice or OpenOffice wrote the file
(meta:generator): they write a text:h for every paragraph in the outline, so their text:p are body text. A
paragraph in the Title style ("Title", "Titre", or one inheriting from it) opens a section that no heading stands
over. In a document with no heading (LibreOffice users too make a heading a bold line in the default style), a
text:p all in bold (fo:font-weight, from its paragraph style or from spans over all its text: `Styles.font`) opens
one where it reads as a heading and heads some text set apart from it, its level from its size (fo:font-size), as
in Word (`rag.corpus.formats.blocks`). The title is meta.xml's dc:title, else the first paragraph in the Title style,
else a first bold heading larger than all others.

A file that cannot be read raises `ValueError` with what to do about it; so does one of more elements or text than
`rag.corpus.formats.archive` allows (ELEMENTS_MAX, CHARACTERS_MAX), counted before content.xml and styles.xml are read
as whole trees. XML
whose DOCTYPE declares anything (an internal subset: ODF never has one, it is how entity-expansion bombs come) is
refused, found as the DOCTYPE opens, before expat reads it; a DOCTYPE naming an external DTD only, as OpenOffice
writes its manifest's, is read (expat fetches no DTD). Parsed with the standard library (ElementTree on expat); no
other dependency is needed.

A flat .fodt (one XML document, office:document: what an .odt's parts hold) is read as the .odt it would be saved as
(`parse_fodt`, `rag.corpus.formats.opendocument_flat`): its own office:styles, office:automatic-styles and office:meta
for styles.xml's, content.xml's and meta.xml's, its charts inline.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from xml.etree import ElementTree

from rag.corpus.formats.archive import dc_title, not_a_zip, read_archive, xml_part
from rag.corpus.formats.base import CELL_SEPARATOR, Parsed
from rag.corpus.formats.blocks import BlockText, Font
from rag.corpus.formats.numbering import ListLevel
from rag.corpus.formats.odt_paragraph import SPACES_MAX, Deletions, Paragraph
from rag.corpus.formats.odt_styles import Styles, number
from rag.corpus.formats.opendocument import encrypted, no_content, read_body
from rag.corpus.formats.opendocument_charts import Objects
from rag.corpus.formats.opendocument_flat import flat_tree, read_flat

NOT_A_ZIP = not_a_zip(".odt")
ENCRYPTED = encrypted(".odt")
NO_CONTENT = no_content(".odt")
# Writers whose every paragraph in the outline is a text:h (LibreOffice's xmloff: `0 < nOutlineLevel ? XML_H : XML_P`)
LEVELS = 10  # a list style's levels (ODF's): a list nested deeper is read at the tenth, its items counted there
OUTLINED_WRITERS = ("LibreOffice", "OpenOffice", "StarOffice", "Collabora")

_ODF = "urn:oasis:names:tc:opendocument:xmlns:"
_OFFICE, _TEXT, _TABLE = (f"{{{_ODF}{name}:1.0}}" for name in ("office", "text", "table"))
_FRAME = f"{{{_ODF}drawing:1.0}}frame"
_P, _H, _LIST, _ITEM, _HEADER = (f"{_TEXT}{tag}" for tag in ("p", "h", "list", "list-item", "list-header"))
_SECTION, _NUMBERED = f"{_TEXT}section", f"{_TEXT}numbered-paragraph"
_TBL, _ROW, _CELL = f"{_TABLE}table", f"{_TABLE}table-row", f"{_TABLE}table-cell"
_COVERED, _ROWS_SPANNED = f"{_TABLE}covered-table-cell", f"{_TABLE}number-rows-spanned"
_ROW_GROUPS = {f"{_TABLE}{tag}" for tag in ("table-header-rows", "table-rows", "table-row-group")}
_STYLE_NAME, _LEVEL, _START = f"{_TEXT}style-name", f"{_TEXT}outline-level", f"{_TEXT}start-value"
_NOTE, _NOTE_BODY = f"{_TEXT}note", f"{_TEXT}note-body"

def _xml(archive: zipfile.ZipFile, part: str) -> ElementTree.Element:
    return xml_part(archive, part, ".odt")


@dataclass(frozen=True)
class _Block:
    text: str
    kind: str | None = None  # "title", "heading", or None: body text
    level: int = 0
    item: bool = False  # a list's paragraph or a table's row
    font: Font | None = None  # a body paragraph's (`BlockText.add`)
    opens_table: bool = False  # a table's first row


class Body:
    """The blocks of office:text in reading order, lists counted as they go."""

    def __init__(self, styles: Styles, outlined: bool = False, spaces: int = SPACES_MAX,
                 charts: Callable[[ElementTree.Element], list[tuple[str, bool]]] = lambda _: [],
                 deletions: Deletions | None = None) -> None:
        self._styles = styles
        self._deletions = deletions or Deletions()  # those tracked in place (a flat .fodt's)
        # a paragraph whose end a deletion left out, going on in the next (its reader, element, label, item)
        self._carried: tuple[Paragraph, ElementTree.Element, str, bool] | None = None
        self.charts = charts  # the lines of the chart a frame shows (`rag.corpus.formats.opendocument_charts`)
        self._frames: list[ElementTree.Element] = []  # frames shown by the paragraphs read, not yet read themselves
        self._spaces = [max(SPACES_MAX, spaces)]  # text:s spaces left to the document: its content.xml's bytes
        self._outlined = outlined  # the writer makes every outline paragraph a text:h: a text:p is body text
        self._reached: dict[str, int] = {}  # the last number of a top list, by "style:" + its style, "id:" + its id
        self._notes: list[ElementTree.Element] = []  # notes cited by the paragraphs read, not yet read themselves
        self._tables = 0  # the tables being read: a note cited in a cell is read after its table
        self._headings: list[int | None] = [None] * 10  # the count of each outline level; None: not since restarted
        self._copies = max(SPACES_MAX, spaces)  # characters of merged cells' text left to repeat on the rows they
        # cover, as many as content.xml's bytes: a cell of 100 KB spanning 10,000 rows would give a gigabyte

    def read(self, flow: Iterable[ElementTree.Element]) -> Iterator[_Block]:
        """The blocks of a whole flow (the body, a note's, a table cell's): a paragraph a deletion still carries at its
        end is one block as it stands."""
        yield from self.blocks(flow)
        yield from self._ended()

    def blocks(self, container: Iterable[ElementTree.Element]) -> Iterator[_Block]:
        for child in container:
            tag = child.tag
            if tag in (_P, _H):
                yield self._paragraph(child)
            elif tag == _LIST:
                yield from self._list(child, 1, None)
            elif tag == _TBL:  # a paragraph a deletion carries ends before it, as one in a cell does in its cell
                yield from self._ended()
                yield from self._cited()
                self._tables += 1
                rows = [row for row in self._rows(child) if row.strip()]
                self._tables -= 1
                yield from (_Block(row, item=True, opens_table=n == 0) for n, row in enumerate(rows))
            elif tag == _FRAME and not self._deletions.open:  # a frame anchored to the page: read in its place
                self._frames.append(child)
            elif tag == _SECTION and child.get(f"{_TEXT}display") != "none":
                yield from self.blocks(child)
            elif tag == _NUMBERED:  # a list item outside a list: its number is the one the file shows
                number = child.find(f"{_TEXT}number")
                label = "" if number is None else " ".join("".join(number.itertext()).split())
                yield from (self._paragraph(p, label, item=True) for p in child if p.tag in (_P, _H))
            # anything else is left out: indexes, declarations, forms, tracked changes, frames, page breaks
            yield from self._cited()

    def _cited(self) -> Iterator[_Block]:
        """The lines of the charts shown and the blocks of the notes cited since the last call, as body text; none
        inside a table (they come after it) nor while a deletion carries a paragraph (they come after the paragraph)."""
        if self._tables or self._carried is not None:
            return
        frames, self._frames = self._frames, []
        for frame in frames:
            yield from (_Block(text, item=item) for text, item in self.charts(frame))
        notes, self._notes = self._notes, []
        for note in notes:  # its own body: a note within it is cited there, and read once, after its paragraph
            if (body := note.find(_NOTE_BODY)) is not None:
                yield from (_Block(block.text) for block in self._note(body))

    def _note(self, body: ElementTree.Element) -> Iterator[_Block]:
        """A note body's blocks, read as its own flow: none of the text's deletions open in it (a deletion open
        around its citation is not its), one it opens ending with it."""
        around, self._deletions.open = self._deletions.open, set()
        yield from self.read(body)
        self._deletions.ended()
        self._deletions.open = around

    def _paragraph(self, element: ElementTree.Element, label: str = "", item: bool = False) -> _Block:
        """A paragraph's block, in a list (`item`) after its `label`; a blank one if a deletion leaves out its end: it
        goes on in the next paragraph read, whose block then is both's, the first's kind."""
        reader, first = Paragraph(self._spaces, self._styles, self._notes, self._frames, self._deletions), element
        if self._carried is not None:
            (reader, first, label, item), self._carried = self._carried, None
        reader.read(element, self._styles.font(element.get(_STYLE_NAME)))
        if self._deletions.open:
            self._carried = reader, first, label, item
            return _Block("")
        return self._block(reader, first, label, item)

    def _ended(self) -> Iterator[_Block]:
        """The block of the paragraph a deletion carries, if any, ended where the reading is (a table's edge, a
        flow's end)."""
        if self._carried is not None:
            (reader, first, label, item), self._carried = self._carried, None
            yield self._block(reader, first, label, item)

    def _block(self, reader: Paragraph, element: ElementTree.Element, label: str, item: bool) -> _Block:
        """The block of paragraph `element`, read by `reader`, in a list (`item`) after its `label`."""
        text = "".join(reader.pieces)
        kind, level = self._styles.kind(element.get(_STYLE_NAME))
        if element.tag == _H and kind != "title":
            kind, level = "heading", number(element.get(_LEVEL)) or level or 1
        elif kind == "heading" and self._outlined:
            kind, level = None, 0
        aside, kind = kind == "aside", None if kind == "aside" else kind
        if element.tag == _H and kind == "heading" and not item:
            label = self._heading_number(element, level)
        if label and (kind is None or not item) and text.strip():
            text = f"{label} {text.lstrip()}"
        font = reader.font if kind is None and not item and not aside else None
        return _Block(text, kind, level, item and kind is None, font)

    def _heading_number(self, element: ElementTree.Element, depth: int) -> str:
        """The number the outline style gives a text:h of outline level `depth` ("2.", "2.1"), counted over the
        document's headings: a level's count goes on until a heading above it restarts it, or restarts where the
        heading says (text:restart-numbering, text:start-value); "" for a heading the style leaves unnumbered or one
        marked a list header (text:is-list-header)."""
        depth = min(depth, 10)
        shown = self._styles.outline(depth)
        if shown is None or element.get(f"{_TEXT}is-list-header") == "true":
            return ""
        counts = self._headings
        count = counts[depth - 1]
        if element.get(f"{_TEXT}restart-numbering") == "true":
            count = number(element.get(_START), shown.start)
        else:
            count = shown.start if count is None else count + 1
        counts[depth - 1:] = [count] + [None] * (10 - depth)
        above = [(level, counts[k] or level.start) for k in range(depth - 1)
                 if (level := self._styles.outline(k + 1)) is not None]
        return shown.label(count, above)

    def _list(self, element: ElementTree.Element, depth: int, style: str | None,
              above: tuple[tuple[ListLevel, int], ...] = ()) -> Iterator[_Block]:
        """The blocks of a list at `depth` (1: not in another), its items counted; `above`: the levels and counts of
        the items it stands in, outermost first, for a label that shows them ("2.1")."""
        style = element.get(_STYLE_NAME) or style
        level = self._styles.level(style, depth)
        count = level.start - 1
        if depth == 1 and (earlier := element.get(f"{_TEXT}continue-list")):
            count = self._reached.get(f"id:{earlier}", count)
        elif depth == 1 and element.get(f"{_TEXT}continue-numbering") == "true":
            count = self._reached.get(f"style:{style}", count)
        # what is read, innermost last: a list's items (its label None), or an item's children (its label, shown by
        # its first paragraph, as the application does); at the deepest level, a list nested in an item is read
        # after the item's children before it, its items as this level's, without recursion
        reading: list[tuple[Iterator[ElementTree.Element], list[str] | None]] = [(iter(element), None)]
        while reading:
            node, label = next(reading[-1][0], None), reading[-1][1]
            if node is None:
                reading.pop()
            elif label is None and node.tag in (_ITEM, _HEADER):
                labelled = node.tag == _ITEM and any(child.tag in (_P, _H) for child in node)  # not a list's only
                if labelled:
                    count = number(node.get(_START), count + 1)
                reading.append((iter(node), [level.label(count, above) if labelled else ""]))
            elif label is None:
                continue
            elif node.tag in (_P, _H):
                yield self._paragraph(node, label[0], item=True)
                yield from self._cited()
                label[0] = ""
            elif node.tag == _LIST and depth < LEVELS:
                yield from self._list(node, depth + 1, style, (*above, (level, count)))
            elif node.tag == _LIST:
                reading.append((iter(node), None))
            else:
                yield from self.blocks([node])
        if depth == 1:
            self._reached[f"style:{style}"] = count
            if own := element.get("{http://www.w3.org/XML/1998/namespace}id"):
                self._reached[f"id:{own}"] = count

    def _rows(self, table: ElementTree.Element, spans: dict[int, tuple[str, int]] | None = None) -> Iterator[str]:
        """Each row as its non-empty cells' texts joined by `CELL_SEPARATOR`, as Word's are read: a cell merged
        across rows on each row it spans (in the cell it covers there), one merged across columns once (the cells it
        covers left out); repeated rows and cells once. `spans`: by column, the text of a cell merged down from a
        row above and the rows it still covers (shared by a table's row groups)."""
        spans = {} if spans is None else spans
        for child in table:
            if child.tag == _ROW:
                cells, column = [], 0
                for cell in child:
                    if cell.tag == _CELL and (text := self._cell(cell)):
                        cells.append(text)
                        if (down := number(cell.get(_ROWS_SPANNED), 1)) > 1:
                            spans[column] = (text, down - 1)
                    elif cell.tag == _COVERED and column in spans and len(spans[column][0]) <= self._copies:
                        text, left = spans.pop(column)
                        cells.append(text)
                        self._copies -= len(text)
                        if left > 1:
                            spans[column] = (text, left - 1)
                    column += number(cell.get(f"{_TABLE}number-columns-repeated"), 1)
                yield CELL_SEPARATOR.join(cells)
            elif child.tag in _ROW_GROUPS:
                yield from self._rows(child, spans)

    def _cell(self, cell: ElementTree.Element) -> str:
        return " ".join(" ".join(block.text.split()) for block in self.read(cell) if block.text.strip())


def _text(body: ElementTree.Element, styles: Styles, meta: ElementTree.Element | None, spaces: int,
          charts: Callable[[], Callable[[ElementTree.Element], list[tuple[str, bool]]]]) -> Parsed:
    """The text of office:text (`body`), in `styles`, titled by `meta` (office:meta); `spaces` as `Body` takes it,
    `charts` making what `Body` takes anew for each reading (one reads each object once)."""
    generator = "" if meta is None else "".join(meta.findtext(f"{{{_ODF}meta:1.0}}generator") or "")
    outlined, deletions = generator.startswith(OUTLINED_WRITERS), Deletions(body)
    blocks = list(Body(styles, outlined, spaces, charts(), deletions).read(body))
    deletions.ended()
    if deletions.unclosed:  # read again, the text after a deletion's start that the reading never closed kept
        blocks = list(Body(styles, outlined, spaces, charts(), deletions.closing()).read(body))
    text = BlockText()
    for block in blocks:
        text.add(block.text, block.kind, block.level, block.item, block.font, block.opens_table)
    return text.parsed(dc_title(meta))


def _parse(archive: zipfile.ZipFile) -> Parsed:
    names = set(archive.namelist())
    content, body = read_body(archive, names, "text", ".odt")
    styles = Styles(content, _xml(archive, "styles.xml") if "styles.xml" in names else None)
    meta = _xml(archive, "meta.xml").find(f"{_OFFICE}meta") if "meta.xml" in names else None
    return _text(body, styles, meta, archive.getinfo("content.xml").file_size,
                 lambda: Objects(archive, ".odt").lines)


def _parse_flat(data: bytes) -> Parsed:
    root, body = flat_tree(data, "text", ".fodt")
    return _text(body, Styles(root, root), root.find(f"{_OFFICE}meta"), len(data), lambda: Objects(None, ".fodt").lines)


def parse_odt(data: bytes) -> Parsed:
    """An .odt's text, heading sections and title. Raises `ValueError` when it cannot be read."""
    return read_archive(data, ".odt", _parse)


def parse_fodt(data: bytes) -> Parsed:
    """A flat OpenDocument text's (.fodt: LibreOffice's "Flat XML ODF Text Document") text, heading sections and title,
    as the .odt it would be saved as (`rag.corpus.formats.opendocument_flat`). Raises `ValueError` when it cannot be
    read."""
    return read_flat(data, "text", ".fodt", lambda: _parse_flat(data))


__all__ = ["ENCRYPTED", "LEVELS", "NOT_A_ZIP", "NO_CONTENT", "Body", "parse_fodt", "parse_odt"]
