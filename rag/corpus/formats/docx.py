"""Read a Word document (.docx, python-docx): one text whose offsets citations index, and its headings as sections.

The text is the document body in reading order, one block per line (a block followed by "\\n"):
- a paragraph: its runs' text as Word shows it (tracked insertions in, tracked deletions out; a tab is "\\t", a
  line break "\\n", so such a paragraph spans several lines), a list's after the number or bullet Word shows
  ("1.", "a)", "•": `_Numbering`);
- a table: one line per row, the row's cells joined by " | " (a cell: its paragraphs, and the rows of a table
  nested in it, joined by a space; a cell spanning several columns appears once, one spanning several rows on
  each of them; empty cells are left out).
- a footnote or an endnote: its paragraphs' lines after the block whose shown text cites it (`docx_notes`);
- a chart: its title, series and values after the paragraph (or table) holding it (`docx_charts`).
Blank paragraphs and rows are left out, and so are what is not the body's flow: headers, footers, comments, text
boxes and a table of contents (a "Table of Contents" content control, paragraphs in the TOC styles). A citation's
`text[start:end]` is a stretch of that text.

Sections, like Markdown `#` headings: a paragraph in a heading style (Title, Heading 1..9, a style based on one,
or one with an outline level in 1..9, as Word's navigation pane shows it) opens a section named by its text;
text before the first one has no heading. In a document with no such heading (most people make a heading bold, and
larger, in the Normal style), a paragraph all in bold as Word shows it (`rag.corpus.formats.docx_fonts`) opens one
where it reads as a heading and heads some text set apart from it (not in bold and not larger, or in bold but
smaller), its level from its size (`rag.corpus.formats.blocks`). The title is the core properties' `title`, else the
first paragraph in the Title style, else a first bold heading larger than all others.
A file that cannot be read raises `ValueError` with what to do about it; so does one whose XML parts hold more
elements or text than `rag.corpus.formats.archive` allows (ELEMENTS_MAX, CHARACTERS_MAX), counted before python-docx
reads each part as a whole tree.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from io import BytesIO
from typing import TYPE_CHECKING, Any

from rag.corpus.formats.archive import (
    OLE_SIGNATURE,
    Count,
    PartReader,
    check_archive,
    check_elements,
    damaged,
    not_a_zip,
)
from rag.corpus.formats.base import CELL_SEPARATOR, Parsed
from rag.corpus.formats.blocks import BlockText, word_style
from rag.corpus.formats.docx_charts import Charts
from rag.corpus.formats.docx_fonts import Fonts
from rag.corpus.formats.docx_notes import Notes
from rag.corpus.formats.numbering import letters, roman

if TYPE_CHECKING:
    from docx.document import Document as WordDocument

OLD_WORD = "a Word .doc named .docx: rename it .doc"  # rag reads it as .doc (`formats.doc`)
ENCRYPTED = "encrypted .docx: remove its password first"
NOT_A_ZIP = not_a_zip(".docx")

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _R, _SDT, _SDT_CONTENT, _CUSTOM_XML = (f"{_W}{tag}" for tag in ("p", "tbl", "r", "sdt", "sdtContent",
                                                                         "customXml"))
_TR, _TC = f"{_W}tr", f"{_W}tc"
# Where a run's text is not the paragraph's: deleted, or the fallback copy of content shown another way.
_NOT_SHOWN = {f"{_W}del", f"{_W}moveFrom", "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"}
# A run's children that stand for text (what python-docx's `CT_R.text` reads; each one's `str` is its text).
_RUN_TEXT = {f"{_W}{tag}" for tag in ("t", "tab", "ptab", "br", "cr", "noBreakHyphen")}
# An OLE compound file: Word's encrypted .docx, and the old binary .doc.
# The content type of the main part of each kind of Word file read as a .docx, whose parts are the same: a document, a
# template (.dotx), and either with macros (.docm, .dotm; the macros are a part of their own, never opened)
_WORD_MAIN = {f"application/vnd.{kind}.main+xml" for kind in (
    "openxmlformats-officedocument.wordprocessingml.document",
    "openxmlformats-officedocument.wordprocessingml.template",
    "ms-word.document.macroEnabled", "ms-word.template.macroEnabledTemplate")}
# Another application's main part, by a word of its content type: what the file is, and the suffix to rename it with
_OTHERS = {"presentationml": ("a PowerPoint presentation", ".pptx"), "spreadsheetml": ("an Excel workbook", ".xlsx")}


def _run_text(run: Any, paragraph: Any) -> str:
    """A run's text if it belongs to `paragraph` itself (not a text box inside it) and is shown."""
    for ancestor in run.iterancestors():
        if ancestor is paragraph:
            # `CT_R.text`, without the XPath it compiles on every call (most of the parsing time)
            return "".join(str(child) for child in run.iterchildren() if child.tag in _RUN_TEXT)
        if ancestor.tag == _P or ancestor.tag in _NOT_SHOWN:
            return ""
    return ""


def _runs(paragraph: Any) -> list[tuple[Any, str]]:
    """The runs of `paragraph` that show text of its own, each with its text (`_run_text`)."""
    return [(run, text) for run in paragraph.iter(_R) if (text := _run_text(run, paragraph))]


def _paragraph_text(paragraph: Any) -> str:
    # Not `Paragraph.text`: it reads only runs and hyperlinks directly under the paragraph, missing tracked
    # insertions, fields and content controls.
    return "".join(text for _, text in _runs(paragraph))


def _is_contents(sdt: Any) -> bool:
    """A content control holding a table of contents: headings repeated with page numbers."""
    gallery = sdt.find(f"{_W}sdtPr/{_W}docPartObj/{_W}docPartGallery")
    return gallery is not None and str(gallery.get(f"{_W}val", "")).startswith("Table of Contents")


def _blocks(container: Any) -> Iterator[Any]:
    """The paragraphs and tables of `container` in order, content controls and custom XML opened."""
    for child in container.iterchildren():
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag == _SDT and not _is_contents(child):
            for content in child.iterchildren(_SDT_CONTENT):
                yield from _blocks(content)
        elif child.tag == _CUSTOM_XML:
            yield from _blocks(child)


def _rows(table: Any, parent: Any) -> list[str]:
    """Each row of a table as its cells' texts joined by `CELL_SEPARATOR`.

    python-docx lays the cells out on the table's grid (a cell spanning rows repeated on each), and raises on a
    grid it cannot lay out (a vertical merge continuing nothing, a row with more cells than the grid): then the
    table is read as it is written, row element by cell element, rather than losing the whole document.
    """
    from docx.table import Table

    try:
        rows = []
        for row in Table(table, parent).rows:
            cells, previous = [], None
            for cell in row.cells:  # a cell spanning columns comes once per column; rows: its first row's
                if cell._tc is not previous:
                    previous = cell._tc
                    text = _cell_text(cell._tc, parent)
                    if text:
                        cells.append(text)
            rows.append(CELL_SEPARATOR.join(cells))
        return rows
    except Exception:  # python-docx raises ValueError, IndexError, ... on a grid it cannot lay out
        return [CELL_SEPARATOR.join(text for tc in row.iterchildren(_TC) if (text := _cell_text(tc, parent)))
                for row in table.iterchildren(_TR)]


def _cell_text(cell: Any, parent: Any) -> str:
    pieces: list[str] = []
    for block in _blocks(cell):
        pieces.extend([_paragraph_text(block)] if block.tag == _P else _rows(block, parent))
    return " ".join(" ".join(piece.split()) for piece in pieces if piece.strip())


class _Styles:
    """What each paragraph style makes of a paragraph: "title", "heading", "contents" (an entry of a table of
    contents, left out), "aside" (a caption or a quotation: body text whose bold heads nothing, `ASIDE_STYLE`) or None
    (body text), with a heading's level (0 the title, 1 to 9 Heading 1 to 9, or the outline level plus one),
    remembered by style."""

    def __init__(self, document: WordDocument) -> None:
        self._styles = document.styles.element
        self._kinds: dict[str | None, tuple[str | None, int]] = {}

    def kind(self, paragraph: Any) -> tuple[str | None, int]:
        style_id = paragraph.style  # python-docx's `CT_P.style`: the w:pStyle id, None for the default style
        if style_id not in self._kinds:
            self._kinds[style_id] = self._kind(style_id)
        kind, style_level = self._kinds[style_id]
        level = _outline_level(paragraph)  # the paragraph's own level overrides its style's
        if level is not None and kind != "contents":
            return ("heading", level + 1) if level < 9 else (None, 0)
        return kind, style_level

    def _kind(self, style_id: str | None) -> tuple[str | None, int]:
        style = self._styles.get_by_id(style_id) if style_id else self._styles.default_for("paragraph")
        seen = set()
        while style is not None and style.styleId not in seen:  # a loop of "based on" is not followed round
            seen.add(style.styleId)
            name = " ".join(str(style.name_val or "").casefold().split())
            if (kind := word_style(name, _outline_level(style))) is not None:
                return kind
            style = self._styles.get_by_id(style.basedOn_val) if style.basedOn_val else None
        return None, 0


def _val(element: Any, path: str, default: str = "") -> str:
    found = element.find(path)
    return default if found is None else str(found.get(f"{_W}val", default))


def _start(level: Any, tag: str = "start") -> int:
    """The number a list level (or a level's override: `tag` "startOverride") starts at: 1 unless it gives a number
    of Word's (0 to 32767), not "x" or 10**4000."""
    value = _val(level, f"{_W}{tag}", "1")
    return int(value) if value.isdigit() and len(value) <= 5 else 1


# Word's number formats ("decimal" for the others: an ordinal in words is rare in documents)
_FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str, "decimalZero": lambda n: f"{n:02d}", "lowerLetter": letters, "lowerRoman": roman,
    "upperLetter": lambda n: letters(n).upper(), "upperRoman": lambda n: roman(n).upper()}


class _Numbering:
    """The number or bullet Word shows before a list paragraph ("1.", "a)", "2.1", "•"), counted as Word counts:
    per list definition (`w:abstractNum`: the lists, `w:num`, made from one definition go on with one count, as
    Word's "continue numbering" does), a level's count going on until an item of a higher level restarts it, or
    until a list that overrides the level's start (Word's "restart at 1", a `w:num` of the same definition with a
    `w:startOverride`) is met for the first time. A paragraph takes its list from its own properties, else from
    its style's (the "List Number" style; `_list_of`). None: no list, or one whose definition is missing."""

    def __init__(self, document: WordDocument) -> None:
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError):  # no numbering part: no lists
            numbering = None
        abstracts = {str(a.get(f"{_W}abstractNumId")): a for a in ([] if numbering is None else
                                                                   numbering.iterchildren(f"{_W}abstractNum"))}
        nums = list([] if numbering is None else numbering.iterchildren(f"{_W}num"))
        self._lists = {str(num.get(f"{_W}numId")): abstracts.get(_val(num, f"{_W}abstractNumId")) for num in nums}
        self._definition = {str(num.get(f"{_W}numId")): _val(num, f"{_W}abstractNumId") for num in nums}
        # a list's levels whose start it overrides, with that start: they restart where the list is first met
        self._overrides = {str(num.get(f"{_W}numId")): {
            int(level): _start(override, "startOverride") for override in num.iterchildren(f"{_W}lvlOverride")
            if override.find(f"{_W}startOverride") is not None
            and (level := str(override.get(f"{_W}ilvl"))).isdigit() and int(level) <= 8} for num in nums}
        self._met: set[str] = set()
        self._styles = document.styles.element
        self._counts: dict[str, list[int | None]] = {}  # by definition; None: a level not counted since its restart

    def _list_of(self, paragraph: Any) -> tuple[str, str]:
        """A paragraph's list (numId) and level (ilvl), each from the nearest of its own properties and its style's
        chain (w:basedOn) that sets it, as Word merges them: Word's Heading 2 may set the level only, its list coming
        from Heading 1. A level the paragraph does not set itself is the one its list's definition links to its style
        (a w:lvl's w:pStyle, Word's "Link level to style"), whatever its style says. ("", "0"): none set."""
        num_id = level = None
        node, style_id, seen, own_level = paragraph, paragraph.style, set(), False
        while node is not None and (num_id is None or level is None):
            found = node.find(f"{_W}pPr/{_W}numPr")
            if found is not None and num_id is None and found.find(f"{_W}numId") is not None:
                num_id = _val(found, f"{_W}numId")
            if found is not None and level is None and found.find(f"{_W}ilvl") is not None:
                level, own_level = _val(found, f"{_W}ilvl", "0"), node is paragraph
            seen.add(style_id)  # a loop of "based on" is not followed round
            node = self._styles.get_by_id(style_id) if style_id else None
            style_id = node.basedOn_val if node is not None and node.basedOn_val not in seen else None
        definition = self._lists.get(num_id or "")
        if definition is not None and not own_level and paragraph.style:
            for linked in definition.iterchildren(f"{_W}lvl"):
                if _val(linked, f"{_W}pStyle", "") == paragraph.style:
                    level = str(linked.get(f"{_W}ilvl"))
        return num_id or "", level or "0"

    def label(self, paragraph: Any) -> str | None:
        num_id, level = self._list_of(paragraph)
        definition = self._lists.get(num_id)
        if definition is None or not level.isdigit() or int(level) > 8:
            return None  # numId 0 (numbering taken off) or a list whose definition is missing
        levels = {str(lvl.get(f"{_W}ilvl")): lvl for lvl in definition.iterchildren(f"{_W}lvl")}
        if level not in levels:
            return None
        counts = self._counts.setdefault(self._definition[num_id], [None] * 9)
        overrides = self._overrides[num_id]
        if num_id not in self._met:  # the list's first paragraph: the levels it overrides restart
            self._met.add(num_id)
            for k in overrides:
                counts[k] = None
        depth = int(level)
        starts = [overrides.get(k, _start(levels[str(k)]) if str(k) in levels else 1) for k in range(9)]
        counts[depth] = starts[depth] if (count := counts[depth]) is None else count + 1
        counts[depth + 1:] = [None] * (8 - depth)
        shape = _val(levels[level], f"{_W}numFmt", "decimal")
        text = _val(levels[level], f"{_W}lvlText")
        if shape == "bullet":
            return "•" if not text or "\ue000" <= text[0] <= "\uf8ff" else text  # a Symbol font's private glyph
        if shape == "none":
            return text.strip() or None

        def number(match: re.Match[str]) -> str:
            k = int(match.group(1)) - 1
            shown = _val(levels[str(k)], f"{_W}numFmt", "decimal") if str(k) in levels else "decimal"
            return _FORMATS.get(shown, str)(starts[k] if (count := counts[k]) is None else count)

        return re.sub(r"%([1-9])", number, text).strip() or None


def _outline_level(element: Any) -> int | None:
    """The w:outlineLvl of a paragraph or style: 0..8 a heading level, 9 body text; None if it sets none."""
    level = element.find(f"{_W}pPr/{_W}outlineLvl")
    value = "" if level is None else str(level.get(f"{_W}val", ""))
    return int(value) if value.isdigit() else None


def _parse(document: WordDocument) -> Parsed:
    styles = _Styles(document)
    numbering = _Numbering(document)
    fonts = Fonts(document)
    notes = Notes(document, _paragraph_text)
    charts = Charts(document, _NOT_SHOWN)
    parent = document._body
    text = BlockText()
    for block in _blocks(document.element.body):
        if block.tag == _TBL:
            for n, row in enumerate(row for row in _rows(block, parent) if row.strip()):
                text.add(row, item=True, opens_table=n == 0)
            for line, item in charts.lines(block):  # a chart in a cell: after the table
                text.add(line, item=item)
        elif (kind_level := styles.kind(block))[0] != "contents":
            runs, (kind, level) = _runs(block), kind_level
            paragraph = "".join(shown for _, shown in runs)
            aside, kind = kind == "aside", None if kind == "aside" else kind
            label = numbering.label(block)  # an empty item counts too, as Word shows its number
            if paragraph.strip() and label:
                text.add(f"{label} {paragraph.lstrip()}", kind, level, item=True)  # as Word shows it: "step 3" found
            else:
                font = fonts.font(block, runs) if kind is None and not aside and text.measures(paragraph) else None
                text.add(paragraph, kind, level, font=font)
            for line, item in charts.lines(block):  # a chart's words and values, in a part of their own
                text.add(line, item=item)
        for note in notes.cited(block):  # after what cites it, in its section
            text.add(note)
    return text.parsed(" ".join((document.core_properties.title or "").split()) or None)


def _ole_reason(data: bytes) -> str:
    """Why an OLE compound file is not a .docx: its stream names (UTF-16) tell an encrypted .docx from a .doc."""
    if "EncryptedPackage".encode("utf-16-le") in data:
        return ENCRYPTED
    if "WordDocument".encode("utf-16-le") in data:
        return OLD_WORD
    return "not a .docx: an OLE compound file (another Office format?)"


def _lxml_scan(part: PartReader, count: Count) -> bool:
    """A `Scan` as python-docx reads a part (lxml, entities not expanded: Shift_JIS among the encodings it reads that
    expat does not), building no tree."""
    from lxml import etree

    try:
        etree.parse(part, etree.XMLParser(target=count, resolve_entities=False))
    except etree.XMLSyntaxError:
        return False
    return True


def _main_part(data: bytes) -> Any:
    """The main part of the package `data`, as `docx.Document` opens it but for its check of the content type, which
    refuses any but a .docx's: the main part of a Word template or of a document with macros (`_WORD_MAIN`) is read as
    a .docx's (python-docx's `DocumentPart`), every other part as python-docx reads it."""
    # Imported here: python-docx and lxml take a tenth of a second to import, which a server that never reads a Word
    # file need not pay. Importing a module of the `docx` package registers python-docx's part classes by content type.
    from docx.opc.package import Unmarshaller
    from docx.opc.part import PartFactory
    from docx.opc.pkgreader import PackageReader
    from docx.package import Package
    from docx.parts.document import DocumentPart

    def part(name: Any, content_type: str, reltype: str, blob: bytes, package: Package) -> Any:
        if content_type in _WORD_MAIN:
            return DocumentPart.load(name, content_type, blob, package)
        return PartFactory(name, content_type, reltype, blob, package)  # of the class python-docx gives its type

    package = Package()
    Unmarshaller.unmarshal(PackageReader.from_file(BytesIO(data)), package, part)
    return package.main_document_part


def _not_word(content_type: str) -> str:
    """The reason a package whose main part is of `content_type`, not Word's, is refused."""
    for word, (what, suffix) in _OTHERS.items():
        if word in content_type:
            return f"not a Word document: {what} named .docx; rename it {suffix}"
    return f"not a Word document: its main part is {content_type or 'of no content type'}"


def parse_docx(data: bytes) -> Parsed:
    """A .docx's text, heading sections and title. Raises `ValueError` when it cannot be read."""
    if data.startswith(OLE_SIGNATURE):
        raise ValueError(_ole_reason(data))
    check_archive(data, ".docx")  # python-docx reads every part into memory, and lxml builds a tree of each:
    with zipfile.ZipFile(BytesIO(data)) as archive:  # their elements counted first, as they inflate
        check_elements(archive, ".docx", "Office Open XML", _lxml_scan)
    try:
        main = _main_part(data)
        if main.content_type in _WORD_MAIN:
            return _parse(main.document)
    except Exception as exc:  # zipfile, lxml and python-docx raise many kinds of error; none may stop the ingest
        raise ValueError(damaged(".docx", exc)) from exc
    raise ValueError(_not_word(main.content_type))


__all__ = ["CELL_SEPARATOR", "ENCRYPTED", "NOT_A_ZIP", "OLD_WORD", "parse_docx"]
