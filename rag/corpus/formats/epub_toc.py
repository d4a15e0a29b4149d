"""An e-book's table of contents, as `rag.corpus.formats.epub` reads it: the chapter each content document begins
(with the chapters above it: a part), from EPUB 3's nav document or else EPUB 2's NCX; the pages the package's guide
names the cover or the contents; and paths inside the archive, never out of it."""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

from rag.corpus.formats.archive import xml_tree
from rag.corpus.formats.base import Line, Section
from rag.corpus.formats.html_annotations import page_break
from rag.corpus.formats.text import reads_as_heading

# bytes of the package document, a table of contents, the style sheets: read whole, the first two as trees of some 50
# times their bytes (`archive.xml_part`); a book of 10,000 chapters has a package of some 1.5 MB
PACKAGE_MAX = 4 * 2**20
TOC_DEPTH = 8  # levels of a table of contents read (a part, a chapter, its sections ...); deeper ones are not
# a guide's references to pages that are no text of the book: its cover, its list of chapters
GUIDE_SKIPPED = frozenset({"cover", "toc"})
_OPF = "{http://www.idpf.org/2007/opf}"
_NCX = "{http://www.daisy.org/z3986/2005/ncx/}"
_XHTML = "{http://www.w3.org/1999/xhtml}"
_EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
_WORDS = re.compile(r"\w+")
_ANNOTATIONS = {"rt", "rp", "rtc"}  # a ruby's readings: no words of a title
Manifest = dict[str, tuple[str | None, str, set[str]]]  # an item's id: its path, media type and properties


def inside(base: str, href: str) -> str | None:
    """The archive path `href` names, relative to the archive file `base` (its fragment and %-escapes undone); None
    for a URL, an absolute path or one that climbs out of the archive ("../../etc/passwd")."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
        return None
    path = posixpath.normpath(posixpath.join(posixpath.dirname(base), unquote(parts.path)))
    return None if path == ".." or path.startswith(("../", "/")) else path


def small_part(archive: zipfile.ZipFile, name: str | None) -> bytes | None:
    """The bytes of the archive's part `name`, None if it has none of that name or it holds over `PACKAGE_MAX` bytes
    (its size is known true: `read_archive` checked it)."""
    try:
        info = archive.getinfo(name or "")
    except KeyError:
        return None
    return archive.read(info) if info.file_size <= PACKAGE_MAX else None


def guide_skips(package: ElementTree.Element, opf_path: str) -> set[str]:
    """The paths of the pages an EPUB 2 package's guide names its cover or its contents."""
    return {path for reference in package.iter(f"{_OPF}reference")
            if (reference.get("type") or "").lower() in GUIDE_SKIPPED
            and (path := inside(opf_path, reference.get("href") or "")) is not None}


def _label(element: ElementTree.Element | None) -> str:
    """An entry's words, as a chapter's heading reads them: without a ruby's readings nor a printed page's number
    (`rag.corpus.formats.html_annotations`), walked without recursion (a hostile label nests thousands deep)."""
    words: list[str] = []
    stack: list[ElementTree.Element | str] = [] if element is None else [element]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            words.append(item)
            continue
        words.append(item.text or "")
        for child in reversed(item):  # each child's words, then the text after it
            stack.append(child.tail or "")
            if child.tag.rpartition("}")[2] not in _ANNOTATIONS and not page_break(
                    {"epub:type": child.get(_EPUB_TYPE), "role": child.get("role")}):
                stack.append(child)
    return " ".join("".join(words).split())


def _nav_entry(element: ElementTree.Element) -> tuple[str, str | None]:
    """An `<li>` of EPUB 3's nav: the label and target of its `<a>` (or a heading `<span>`, without target)."""
    link = element.find(f"{_XHTML}a")
    return _label(link if link is not None else element.find(f"{_XHTML}span")), \
        None if link is None else link.get("href")


def _nav_below(element: ElementTree.Element) -> list[ElementTree.Element]:
    return [item for below in element if below.tag == f"{_XHTML}ol" for item in below if item.tag == f"{_XHTML}li"]


def _ncx_entry(element: ElementTree.Element) -> tuple[str, str | None]:
    """A navPoint of EPUB 2's NCX: its navLabel's text, its content's src."""
    content = element.find(f"{_NCX}content")
    return _label(element.find(f"{_NCX}navLabel/{_NCX}text")), None if content is None else content.get("src")


def _ncx_below(element: ElementTree.Element) -> list[ElementTree.Element]:
    return [below for below in element if below.tag == f"{_NCX}navPoint"]


Entries = Callable[[ElementTree.Element], list[ElementTree.Element]]


def _walk(top: ElementTree.Element, base: str, below: Entries,
          read: Callable[[ElementTree.Element], tuple[str, str | None]]) -> dict[str, tuple[str, ...]]:
    """The chapter path of each content document the table of contents `top` names: the labels its entries share,
    outermost first (`below`: an element's entries; `read`: an entry's label and target), `TOC_DEPTH` levels at most.
    A document one entry names (its sections' entries below it) is under that entry's label; one that entries beside
    its first also name (a book in one file, "#c1", "#c2") under what they stand in, its chapters its own headings."""
    paths: dict[str, tuple[str, ...]] = {}
    firsts: dict[str, tuple[str, ...]] = {}  # each document's first entry's labels
    stack: list[tuple[ElementTree.Element, tuple[str, ...]]] = [(entry, ()) for entry in reversed(below(top))]
    while stack:
        element, above = stack.pop()
        label, href = read(element)
        path = inside(base, href) if href else None
        labels = (*above, label) if label else above
        if path is not None and label:
            first = firsts.setdefault(path, labels)
            if labels != first and labels[:-1] == first[:-1]:  # another chapter of the file beside its first entry
                paths[path] = first[:-1]  # (not a section below it, nor a list of figures elsewhere): what they share
            else:
                paths.setdefault(path, labels)
        if len(labels) < TOC_DEPTH:
            stack.extend((entry, labels) for entry in reversed(below(element)))
    return {path: labels for path, labels in paths.items() if labels}


def toc_paths(archive: zipfile.ZipFile, manifest: Manifest, ncx_id: str | None) -> dict[str, tuple[str, ...]]:
    """Each content document's chapter path (the labels of its entry and of those it stands in), from the nav
    document, else the NCX; none from one that is no well-formed XML (a nav with `&nbsp;`, which XML does not know)."""
    nav = next((path for path, _, properties in manifest.values() if "nav" in properties), None)  # EPUB 3 has one
    if nav is not None and (data := small_part(archive, nav)) is not None:
        try:
            navs = [element for element in xml_tree(data, nav, ".epub", "EPUB").iter(f"{_XHTML}nav")
                    if "toc" in (element.get(_EPUB_TYPE) or "").split()]
        except ValueError:
            navs = []
        if navs:
            return _walk(navs[0], nav, _nav_below, _nav_entry)
    ncx = manifest.get(ncx_id or "") or next((item for item in manifest.values()
                                              if item[1] == "application/x-dtbncx+xml"), None)
    if ncx is not None and ncx[0] and (data := small_part(archive, ncx[0])) is not None:
        try:
            nav_map = xml_tree(data, ncx[0], ".epub", "EPUB").find(f"{_NCX}navMap")
        except ValueError:
            return {}
        if nav_map is not None:
            return _walk(nav_map, ncx[0], _ncx_below, _ncx_entry)
    return {}


def _words(text: str) -> str:
    return " ".join(_WORDS.findall(text.casefold()))


def _names(heading: str, label: str) -> bool:
    """Whether a heading and a table of contents' label name one chapter: the words of one are the other's, or run
    within them ("Chapter 1 The Eve of the War", "Chapter 1 - The Eve of the War"), case aside."""
    words = [f" {_words(text)} " for text in (heading, label)]
    return words[0].strip() != "" and (words[0] in words[1] or words[1] in words[0])


def chaptered(sections: list[Section], path: tuple[str, ...], bold: Callable[[Line], bool]) -> list[Section]:
    """A content document's sections under the chapters the table of contents puts it in (`path`, outermost first,
    its own last), as a reader's contents show them ("Part 1 › Chapter 1 › ..."):

    - its opening, before any heading of its own, under its first line where that is its chapter's title; else read
      alone: a title that names no text of it (LibreOffice's "Section 1" for an untitled opening; a title of images);
    - where its first heading names its chapter, the headings after it under that one (an export's bold paragraphs
      are siblings), a first line under it in bold (`bold`) that reads as a heading a heading too (the HTML reader
      takes a bold paragraph right under another for a line: here the first is the chapter's title, the contents
      say so);
    - all under the chapters above it (a part)."""
    if not path:
        return sections
    above, chapter = path[:-1], path[-1]
    headed = next((section for section in sections if section.heading is not None), None)
    own: tuple[str, ...] = ()  # the chapter's title, as the sections after its heading stand under it
    out: list[Section] = []
    for at, section in enumerate(sections):
        title = section.lines[0] if at == 0 and section.heading is None and section.lines else None
        if title is not None and _words(title.text) == _words(chapter):
            section.heading, section.heading_start, section.lines = title.text, title.start, section.lines[1:]
            own = (title.text,)
        elif section is headed and section.heading and not own and _names(section.heading, chapter):
            own = (section.heading,)
            first = section.lines[0] if len(section.lines) > 1 else None
            if first is not None and bold(first) and reads_as_heading(first.text):
                out.append(Section(section.heading, [], section.heading_start, (*above, *section.parents)))
                section = Section(first.text, section.lines[1:], first.start, section.parents)
                section.parents = (*own, *section.parents)
        elif own and own[0] not in section.parents:
            section.parents = (*own, *section.parents)
        section.parents = (*above, *section.parents)
        out.append(section)
    return out


__all__ = ["PACKAGE_MAX", "TOC_DEPTH", "chaptered", "guide_skips", "inside", "small_part", "toc_paths"]
