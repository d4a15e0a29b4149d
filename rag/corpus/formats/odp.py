"""Read an OpenDocument presentation (.odp: LibreOffice Impress's, OpenOffice's): one text whose offsets citations
index, a section a slide (`rag.corpus.formats.slides`), its page the slide's number, as a PowerPoint deck is read.

content.xml's office:presentation holds the slides (draw:page) in order. A slide's shapes are read in their order in the
page (grouped shapes, draw:g, in the group's order; a shape with a hyperlink, in a draw:a, in its place): a frame's text
box (draw:text-box) and a shape's own text as an OpenDocument text's body is read (`rag.corpus.formats.odt.Body`:
paragraphs, lists with their bullets and numbers, tables one line a row), a table (table:table in a frame) one line a
row, a chart (a frame naming an embedded chart object) as its title, series and a row of values for each category
(`rag.corpus.formats.opendocument_charts`); then its speaker notes (presentation:notes), in a section of their own.
The frame of class "title" is the slide's title. Left out: the header, footer, date and page number frames, pictures,
other embedded objects, the notes' slide thumbnail, and hidden slides (their drawing-page style's
presentation:visibility "hidden"), whose numbers still count. The title is the first slide's title where it is a cover
(a title slide: with a frame of class "subtitle") or meta.xml has no dc:title, else that dc:title
(`rag.corpus.formats.slides`).

A file that cannot be read raises `ValueError` with what to do about it, as an .odt does (`check_package`: another
OpenDocument kind or a PowerPoint file named .odp, an encrypted one; the archive and element guards).

A flat .fodp (one XML document, office:document: what an .odp's parts hold) is read as the .odp it would be saved as
(`parse_fodp`, `rag.corpus.formats.opendocument_flat`).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from xml.etree import ElementTree

from rag.corpus.formats import slides
from rag.corpus.formats.archive import dc_title, not_a_zip, read_archive, xml_part
from rag.corpus.formats.base import Parsed
from rag.corpus.formats.odt import Body
from rag.corpus.formats.odt_styles import Styles
from rag.corpus.formats.opendocument import encrypted, read_body
from rag.corpus.formats.opendocument_charts import Objects
from rag.corpus.formats.opendocument_flat import flat_tree, read_flat
from rag.corpus.formats.slides import Slide

NOT_A_ZIP = not_a_zip(".odp")
ENCRYPTED = encrypted(".odp")

_ODF = "urn:oasis:names:tc:opendocument:xmlns:"
_OFFICE, _DRAW, _STYLE, _TEXT, _TABLE, _PRESENTATION = (
    f"{{{_ODF}{name}:1.0}}" for name in ("office", "drawing", "style", "text", "table", "presentation"))
_CLASS = f"{_PRESENTATION}class"
# Frames whose text is no part of what a slide says: the header, footer, date and page number, and in notes the
# slide's thumbnail; pictures, charts and objects hold none
_FURNITURE = {"header", "footer", "date-time", "page-number", "page", "graphic", "object", "chart", "handout"}
# Shapes that hold text of their own (text:p, text:list), as a frame's text box does
_SHAPES = {f"{_DRAW}{tag}" for tag in ("custom-shape", "rect", "ellipse", "polygon", "polyline", "path", "line",
                                       "connector", "caption", "measure", "regular-polygon", "circle")}


def _xml(archive: zipfile.ZipFile, part: str) -> ElementTree.Element:
    return xml_part(archive, part, ".odp")


def _hidden_styles(content: ElementTree.Element) -> set[str]:
    """The drawing-page styles of content.xml that hide a slide (presentation:visibility "hidden")."""
    return {style.get(f"{_STYLE}name", "") for style in content.iterfind(f"{_OFFICE}automatic-styles/{_STYLE}style")
            if (properties := style.find(f"{_STYLE}drawing-page-properties")) is not None
            and properties.get(f"{_PRESENTATION}visibility") == "hidden"}


def _shapes(container: ElementTree.Element) -> Iterator[ElementTree.Element]:
    """The shapes of a page or a group in their order, a group's in its own, as a hyperlink's (`draw:a`: a shape
    a click on opens a link) its shape's."""
    for child in container:
        if child.tag in (f"{_DRAW}g", f"{_DRAW}a"):
            yield from _shapes(child)
        elif child.tag == f"{_DRAW}frame" or child.tag in _SHAPES:
            yield child


def _read(slide: Slide, body: Body, container: ElementTree.Element, notes: bool = False) -> None:
    """Add what the shapes of `container` say to `slide`: its title (outside `notes`), its text and its tables, to its
    notes' blocks if `notes`."""
    target = slide.notes if notes else slide.blocks
    for shape in _shapes(container):
        kind = shape.get(_CLASS)
        if shape.tag == f"{_DRAW}frame" and shape.find(f"{_DRAW}object") is not None:  # a chart, in its place
            target.extend((text, item, False) for text, item in body.charts(shape) if not notes or kind is None)
            continue
        if kind in _FURNITURE or (notes and kind not in (None, "notes")):
            continue
        slide.cover = slide.cover or (kind == "subtitle" and not notes)  # the Title Slide layout's subtitle
        holders = [child for child in shape if child.tag in (f"{_DRAW}text-box", f"{_TABLE}table")] \
            if shape.tag == f"{_DRAW}frame" else [shape]
        for holder in holders:
            blocks = [block for block in body.blocks([holder] if holder.tag == f"{_TABLE}table" else holder)
                      if block.text.strip()]
            if kind == "title" and not notes and slide.titled(" ".join(block.text for block in blocks)):
                continue
            target.extend((block.text, block.item, block.opens_table) for block in blocks)


def _slides(shows: ElementTree.Element, content: ElementTree.Element, styles: ElementTree.Element | None,
            meta: ElementTree.Element | None, spaces: int,
            charts: Callable[[ElementTree.Element], list[tuple[str, bool]]]) -> Parsed:
    """The slides of office:presentation (`shows`), in the styles of `content` (its automatic styles) and `styles`
    (its common styles), titled by `meta` (office:meta); `spaces` and `charts` as `Body` takes them."""
    reader = Body(Styles(content, styles), spaces=spaces, charts=charts)
    hiding = _hidden_styles(content)
    pages = []
    for page in shows.iterfind(f"{_DRAW}page"):
        slide = Slide(hidden=page.get(f"{_DRAW}style-name") in hiding)
        if not slide.hidden:
            _read(slide, reader, page)
            for notes in page.iterfind(f"{_PRESENTATION}notes"):
                _read(slide, reader, notes, notes=True)
        pages.append(slide)
    return slides.presentation(pages, dc_title(meta))


def _parse(archive: zipfile.ZipFile) -> Parsed:
    names = set(archive.namelist())
    content, shows = read_body(archive, names, "presentation", ".odp")
    styles = _xml(archive, "styles.xml") if "styles.xml" in names else None
    meta = _xml(archive, "meta.xml").find(f"{_OFFICE}meta") if "meta.xml" in names else None
    return _slides(shows, content, styles, meta, archive.getinfo("content.xml").file_size,
                   Objects(archive, ".odp").lines)


def _parse_flat(data: bytes) -> Parsed:
    root, shows = flat_tree(data, "presentation", ".fodp")
    return _slides(shows, root, root, root.find(f"{_OFFICE}meta"), len(data), Objects(None, ".fodp").lines)


def parse_odp(data: bytes) -> Parsed:
    """An .odp's text, a section a slide, its pages the slides, and its title. Raises `ValueError` when it cannot be
    read."""
    return read_archive(data, ".odp", _parse)


def parse_fodp(data: bytes) -> Parsed:
    """A flat OpenDocument presentation (.fodp: LibreOffice's "Flat XML ODF Presentation") read as the .odp it would
    be saved as (`rag.corpus.formats.opendocument_flat`). Raises `ValueError` when it cannot be read."""
    return read_flat(data, "presentation", ".fodp", lambda: _parse_flat(data))


__all__ = ["ENCRYPTED", "NOT_A_ZIP", "parse_fodp", "parse_odp"]
