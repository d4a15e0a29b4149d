"""Read a PowerPoint presentation (.pptx): one text whose offsets citations index, a section a slide, its page the
slide's number.

A .pptx is a zip archive of XML parts (Office Open XML): `ppt/presentation.xml` lists the slides in their order, each
a part of its own (`ppt/slides/slideN.xml`, found through the presentation's relationships), its speaker notes
another (`ppt/notesSlides/...`, found through the slide's). A slide is read as PowerPoint's Reading Order pane lists
its shapes, which is their order in the slide's shape tree (grouped shapes in their group's order):
- a shape's text: a line a paragraph (its runs' and fields' text; a line break `a:br` is "\\n", so such a paragraph
  spans several lines), a paragraph of a content placeholder or with a bullet or number a list item (the bullet and
  the number are not rendered);
- a table: one line per row, the row's cells joined by " | " (a cell: its paragraphs joined by a space; empty cells
  and cells a merged cell covers are left out);
- then the slide's speaker notes, whose text is what the presenter says of the slide: its notes placeholder's and
  the text boxes added to its notes page, in a section of their own below the slide's (`rag.corpus.formats.slides`);
- a SmartArt graphic (a process's steps, a cycle, an organisation chart): its nodes' text, from its data part, in
  the order its text pane lists them (`rag.corpus.formats.smartart`), each a list item;
- a chart: its title, its axes' titles, its series' names (list items) and a row for each category with its values
  (a scatter or bubble chart's, a row for each point), from its chart part (`rag.corpus.formats.charts`); an
  equation, in its paragraph, as a line of plain text ("x=(−b±√(b^2−4ac))/(2a)").
The slide's title (its title placeholder) heads its section; a slide without one has a section of its own without a
heading. A slide in one of PowerPoint's sections (named groups of slides, `p14:sectionLst` in presentation.xml's
extensions) stands under the section's name (`rag.corpus.formats.slides`), unless PowerPoint named it ("Default
Section", "Untitled Section" and their translations). The presentation's title is its first slide's
where that is a title slide (`ctrTitle`, `subTitle`: what a deck opens with; that slide's title then heads nothing, the
citation's title showing it), else the document properties' `dc:title` (not PowerPoint's own for a deck nobody named,
`_named`), else the first slide's (`rag.corpus.formats.slides`). Left out: the date, footer and slide number
placeholders, pictures, the notes' slide image and numbers, and hidden slides (PowerPoint skips them
in a show: `Parsed.changes` says how many), whose numbers still count, so that a citation's page is the slide's number
in PowerPoint, counted from the deck's "Number slides from" (`firstSlideNum`).

A file that cannot be read raises `ValueError` with what to do about it: an old binary .ppt, an encrypted .pptx, a
damaged archive, a zip that holds no presentation, one of more elements or text than `rag.corpus.formats.archive`
allows (ELEMENTS_MAX, CHARACTERS_MAX), counted as each part inflates before any is read as a tree, or one listing a
slide, notes, SmartArt data or chart part twice (`_once`). Parsed with the
standard library (ElementTree on expat, a DOCTYPE with declarations refused as for every Office and OpenDocument
part); no other dependency is needed. A Strict Open XML deck (PowerPoint's "Strict Open XML Presentation") is read
as the usual one, its names taken to their Transitional namespaces.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from xml.etree import ElementTree

from rag.corpus.formats import slides
from rag.corpus.formats.archive import OLE_SIGNATURE, check_elements, dc_title, not_a_zip, read_archive, xml_part
from rag.corpus.formats.base import CELL_SEPARATOR, Parsed
from rag.corpus.formats.charts import chart_lines, math_text
from rag.corpus.formats.slides import Slide
from rag.corpus.formats.smartart import diagram_lines

OLD_POWERPOINT = "old PowerPoint .ppt: save it as .pptx"  # for `rag.corpus.files.CONVERT`
ENCRYPTED = "encrypted .pptx: remove its password first"
NOT_A_ZIP = not_a_zip(".pptx")
NOT_A_PRESENTATION = "damaged .pptx: no presentation (ppt/presentation.xml) in the archive"

_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_DGM = "{http://schemas.openxmlformats.org/drawingml/2006/diagram}"
_P14 = "{http://schemas.microsoft.com/office/powerpoint/2010/main}"  # PowerPoint 2010's extensions: sections
_A14 = "{http://schemas.microsoft.com/office/drawing/2010/main}"  # Office 2010's drawing extensions: equations
_C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
_STRICT = "{http://purl.oclc.org/ooxml/"  # the namespaces of Strict Open XML (ISO/IEC 29500 Strict)
_NOTES_SLIDE = "/notesSlide"  # the end of the relationship type from a slide to its notes
_TITLES = {"title", "ctrTitle"}
_COVER = {"ctrTitle", "subTitle"}  # a title slide's placeholders (the Title Slide layout's), which a deck opens with
# Words of PowerPoint's own title for a deck nobody named ("PowerPoint Presentation", "Présentation PowerPoint")
_APPLICATION = {"powerpoint", "microsoft", "office"}
# PowerPoint's own names for a section nobody named, in the languages rag reads: the first section's, which PowerPoint
# adds when a deck gets its first section ("Default Section"), and a new section's ("Untitled Section"); they name no
# part of the deck, as "PowerPoint Presentation" names no deck
_UNNAMED = {"default section", "section par défaut", "standardabschnitt", "sección predeterminada",
            "sezione predefinita", "seção padrão", "secção predefinida", "standaardsectie", "untitled section",
            "section sans titre", "abschnitt ohne titel", "sección sin título", "sezione senza titolo",
            "seção sem título", "secção sem título", "sectie zonder titel"}
# Placeholders whose text is no part of what a slide says: the date, the footer, the slide's number, a header, and
# in notes the slide's image
_FURNITURE = {"dt", "ftr", "sldNum", "hdr", "sldImg"}
_CONTENT = {None, "body", "obj", "subTitle"}  # placeholders whose paragraphs are a list: a content placeholder's
_BULLETS = {f"{_A}buChar", f"{_A}buAutoNum", f"{_A}buBlip"}


def _xml(archive: zipfile.ZipFile, part: str) -> ElementTree.Element:
    """The tree of `part`, a Strict Open XML part's names in the namespaces of the usual (Transitional) format."""
    root = xml_part(archive, part, ".pptx", "Office Open XML")
    if root.tag.startswith(_STRICT):
        for element in root.iter():
            element.tag = _transitional(element.tag)
            for name in [name for name in element.attrib if name.startswith(_STRICT)]:
                element.attrib[_transitional(name)] = element.attrib.pop(name)
    return root


def _transitional(name: str) -> str:
    """`name` ("{http://purl.oclc.org/ooxml/drawingml/main}p": Strict Open XML, PowerPoint's "Strict Open XML
    Presentation") in its Transitional namespace ("{http://schemas.openxmlformats.org/drawingml/2006/main}p")."""
    if not name.startswith(_STRICT):
        return name
    namespace, local = name[len(_STRICT):].split("}", 1)
    kind, _, rest = namespace.partition("/")
    return f"{{http://schemas.openxmlformats.org/{kind}/2006/{rest}}}{local}"


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """The relationships of `part` (its `_rels` part), by id: (type, the target's part name), internal targets only."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in archive.NameToInfo:
        return {}
    found = {}
    for rel in _xml(archive, rels).iter(f"{_RELS}Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External" or not target:
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        found[rel.get("Id", "")] = (rel.get("Type", ""), path)
    return found


def _placeholder(shape: ElementTree.Element) -> tuple[bool, str | None]:
    """Whether `shape` is a placeholder, and its type (None: a content placeholder, which has no type)."""
    found = shape.find(f"{_P}nvSpPr/{_P}nvPr/{_P}ph")
    return (False, None) if found is None else (True, found.get("type"))


def _paragraph(paragraph: ElementTree.Element) -> str:
    """A paragraph's text as PowerPoint shows it: its runs and fields, its equations (`a14:m`, `math_text`), the
    content of PowerPoint's choice in an alternate content block, a line break as "\\n"."""
    pieces = []
    for child in paragraph:
        if child.tag in (f"{_A}r", f"{_A}fld"):
            pieces.append("".join(t.text or "" for t in child.iter(f"{_A}t")))
        elif child.tag == f"{_A}br":
            pieces.append("\n")
        elif child.tag == f"{_A14}m":
            pieces.append(math_text(child))
        elif child.tag == f"{_MC}AlternateContent" and (choice := child.find(f"{_MC}Choice")) is not None:
            pieces.append(_paragraph(choice))
    return "".join(pieces)


def _bulleted(paragraph: ElementTree.Element, listed: bool) -> bool:
    """Whether a paragraph is a list item: one with a bullet or a number of its own, or one of a content placeholder
    (which the layout bullets) whose bullet is not turned off."""
    properties = paragraph.find(f"{_A}pPr")
    children = set() if properties is None else {child.tag for child in properties}
    return bool(children & _BULLETS) or (listed and f"{_A}buNone" not in children)


def _shapes(tree: ElementTree.Element) -> Iterator[ElementTree.Element]:
    """The shapes of a shape tree in reading order, a group's in its own order, the shapes of PowerPoint's choice in
    an alternate content block (`mc:Choice`; its `mc:Fallback` is the same content for older readers)."""
    for child in tree:
        if child.tag == f"{_P}grpSp":
            yield from _shapes(child)
        elif child.tag == f"{_MC}AlternateContent":
            choice = child.find(f"{_MC}Choice")
            if choice is not None:
                yield from _shapes(choice)
        elif child.tag in (f"{_P}sp", f"{_P}graphicFrame"):
            yield child


def _read(slide: Slide, tree: ElementTree.Element | None, notes: bool = False,
          part: Callable[[str], ElementTree.Element | None] = lambda _: None) -> None:
    """Add what the shapes of `tree` say to `slide`: its title (outside `notes`), its paragraphs, its tables, its
    SmartArt graphics and its charts (`part`: the tree of the part a relationship id names, their data's), to its
    notes' blocks if `notes`."""
    blocks = slide.notes if notes else slide.blocks
    for shape in () if tree is None else _shapes(tree):
        if shape.tag == f"{_P}graphicFrame":
            for table in shape.iter(f"{_A}tbl"):
                rows = [row for tr in table.iter(f"{_A}tr") if (row := _row(tr))]
                blocks.extend((row, True, n == 0) for n, row in enumerate(rows))
            for ids in shape.iter(f"{_DGM}relIds"):
                if (data := part(ids.get(f"{_R}dm", ""))) is not None:
                    blocks.extend((line, True, False) for line in diagram_lines(data, _paragraph))
            for chart in shape.iter(f"{_C}chart"):
                if (space := part(chart.get(f"{_R}id", ""))) is not None:
                    blocks.extend((line, item, False) for line, item in chart_lines(space, _paragraph))
            continue
        placeholder, kind = _placeholder(shape)
        if kind in _FURNITURE or (notes and placeholder and kind != "body"):
            continue
        slide.cover = slide.cover or (kind in _COVER and not notes)
        body = shape.find(f"{_P}txBody")
        paragraphs = [] if body is None else body.findall(f"{_A}p")
        if kind in _TITLES and not notes and slide.titled(" ".join(_paragraph(p) for p in paragraphs)):
            continue
        listed = placeholder and kind in _CONTENT and not notes and kind != "subTitle"
        blocks.extend((text, _bulleted(p, listed), False) for p in paragraphs if (text := _paragraph(p)).strip())


def _row(row: ElementTree.Element) -> str:
    """A table row's cells joined by " | ", empty cells and those a merged cell covers left out."""
    cells = []
    for cell in row.findall(f"{_A}tc"):
        if cell.get("hMerge") == "1" or cell.get("vMerge") == "1":
            continue
        text = " ".join(" ".join(_paragraph(p).split()) for p in cell.iter(f"{_A}p"))
        if text.strip():
            cells.append(" ".join(text.split()))
    return CELL_SEPARATOR.join(cells)


# Another kind of file named .pptx, by the part that shows what it is: what it is, and the suffix to rename it with
_OTHERS = {"word/document.xml": ("a Word document", ".docx"), "xl/workbook.xml": ("an Excel workbook", ".xlsx"),
           "content.xml": ("an OpenDocument file", ".odp, .odt or .ods")}


def _parse(archive: zipfile.ZipFile) -> Parsed:
    if "ppt/presentation.xml" not in archive.NameToInfo:
        for part, (what, suffix) in _OTHERS.items():
            if part in archive.NameToInfo:
                raise ValueError(f"not a PowerPoint presentation: {what} named .pptx; rename it {suffix}")
        raise ValueError(NOT_A_PRESENTATION)
    check_elements(archive, ".pptx", "Office Open XML")  # before any part is read as a whole tree
    presentation = _xml(archive, "ppt/presentation.xml")
    relationships = _relationships(archive, "ppt/presentation.xml")
    slide_ids = presentation.find(f"{_P}sldIdLst")
    properties = _xml(archive, "docProps/core.xml") if "docProps/core.xml" in archive.NameToInfo else None
    groups = _groups(presentation)
    read: set[str] = set()

    def slide(slide_id: ElementTree.Element) -> Slide | None:
        found = _slide(archive, relationships.get(slide_id.get(f"{_R}id", ""), ("", ""))[1], read)
        if found is not None:
            found.group = groups.get(slide_id.get("id", ""))
        return found

    return slides.presentation(map(slide, [] if slide_ids is None else slide_ids.findall(f"{_P}sldId")),
                               _named(dc_title(properties)), _first_number(presentation))


def _named(title: str | None) -> str | None:
    """The document properties' `title`, unless it is PowerPoint's own for a deck nobody named: the application's
    name and at most one other word but short ones ("PowerPoint Presentation", "Présentation PowerPoint",
    "Presentación de PowerPoint", "PowerPoint-Präsentation", "PowerPoint プレゼンテーション"), which a new deck,
    python-pptx's and those of many templates keep."""
    words = [word.casefold() for word in re.findall(r"\w+", title or "")]
    if "powerpoint" in words and sum(len(word) > 3 for word in words if word not in _APPLICATION) <= 1:
        return None
    return title


def _groups(presentation: ElementTree.Element) -> dict[str, str]:
    """The name of the section each slide is in, by the slide's id (PowerPoint 2010's sections, `p14:sectionLst` in
    the presentation's extensions: named groups of slides), white space collapsed; a section without a name, or with
    PowerPoint's own for one nobody named (`_UNNAMED`: "Default Section", "Section par défaut"), none."""
    groups: dict[str, str] = {}
    for section in presentation.iter(f"{_P14}section"):
        name = " ".join(section.get("name", "").split())
        if name and name.casefold() not in _UNNAMED:
            groups.update((slide_id.get("id", ""), name) for slide_id in section.iter(f"{_P14}sldId"))
    return groups


def _first_number(presentation: ElementTree.Element) -> int:
    """The number PowerPoint shows on the first slide: its "Number slides from" (`firstSlideNum`, 0 to 9999), else
    1."""
    number = presentation.get("firstSlideNum", "")
    return int(number) if number.isascii() and number.isdigit() and len(number) <= 4 else 1


def _once(part: str, read: set[str]) -> str:
    """`part`, added to the parts `read`; refused if it was read before. PowerPoint gives each slide a part and its
    notes another: a part listed twice (ELEMENTS_MAX and CHARACTERS_MAX count it once) would be read again for each
    time it is listed, a 50 KB file giving gigabytes of text."""
    if part in read:
        raise ValueError(f"damaged .pptx: its {part} is listed twice (as two slides, the notes of two, or the data "
                         "of two graphics or charts)")
    read.add(part)
    return part


def _slide(archive: zipfile.ZipFile, part: str, read: set[str]) -> Slide | None:
    """The slide of `part`, and its notes, none of them one of the parts `read` before (`_once`); None if the archive
    lacks it (its number still counts)."""
    if part not in archive.NameToInfo:
        return None
    root = _xml(archive, _once(part, read))
    slide = Slide(hidden=root.get("show") in ("0", "false"))
    if slide.hidden:
        return slide
    related = _relationships(archive, part)

    def data(rid: str) -> ElementTree.Element | None:
        target = related.get(rid, ("", ""))[1]
        return _xml(archive, _once(target, read)) if target in archive.NameToInfo else None

    _read(slide, root.find(f"{_P}cSld/{_P}spTree"), part=data)
    for kind, target in related.values():
        if kind.endswith(_NOTES_SLIDE) and target in archive.NameToInfo:
            _read(slide, _xml(archive, _once(target, read)).find(f"{_P}cSld/{_P}spTree"), notes=True)
    return slide


def parse_pptx(data: bytes) -> Parsed:
    """A .pptx's text, a section a slide, its pages the slides, and its title. Raises `ValueError` when it cannot be
    read."""
    if data.startswith(OLE_SIGNATURE):
        raise ValueError(ENCRYPTED if "EncryptedPackage".encode("utf-16-le") in data else
                         f"{OLD_POWERPOINT} (this one is named .pptx)")
    return read_archive(data, ".pptx", _parse)


__all__ = ["ENCRYPTED", "NOT_A_PRESENTATION", "NOT_A_ZIP", "OLD_POWERPOINT", "parse_pptx"]
