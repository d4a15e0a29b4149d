"""Read an e-book (.epub, EPUB 2 and 3: a zip of XHTML documents, as LibreOffice, Calibre, Pages, InDesign and the
e-book stores write one): one document, its title the package's `dc:title`, its text the content documents of its
spine in reading order, each read as an HTML page is (`rag.corpus.formats.html`; an XHTML DOCTYPE is no obstacle:
that reader never loads a DTD nor expands an entity it declares).

- Where it is: META-INF/container.xml names the package document (the OPF), whose manifest lists the book's files
  and whose spine their reading order. The table of contents (EPUB 3's nav document, else EPUB 2's NCX) names each
  content document's chapter, and the chapters above it (a part): a chapter's headings stand under them ("Part 1 ›
  Chapter 1 › ..."), its text before any heading of its own under its chapter's title, as a reader's contents show.
- Left out: the nav document and the pages the package's guide names the cover or the contents (a list of the
  chapters, not their text), images, style sheets and scripts. A style sheet of the book is read for one thing: the
  classes it sets bold (LibreOffice's export writes its headings as `<p><span class="span2">`, styled bold).
- A chapter's notes (`epub:type="noteref"` citing its `<aside epub:type="footnote">`) are read after the paragraph
  citing them, as an HTML page's (`rag.corpus.formats.html_notes`); so are those in another file (an endnotes
  chapter), cited so or by a link the note links back to (EPUB 2's), once every chapter is read
  (`rag.corpus.formats.epub_notes`); a notes file the manifest lists off the spine, reached by its citations alone,
  is read for those notes only. A ruby's readings and printed page numbers are no text
  (`rag.corpus.formats.html_annotations`).
- Offsets index the content documents' XHTML, joined in spine order by a line break (`Parsed.text`): a passage's
  span holds its elements, tags included, as an HTML page's does.
- Refused: a book encrypted for DRM (META-INF/encryption.xml lists a file under a cipher, Adobe's or Apple's), with
  `ENCRYPTED`; a font obfuscated by the IDPF's or Adobe's algorithm alone is no DRM, and the book is read.

Hostile files: the archive's checks (`rag.corpus.formats.archive.read_archive`: a zip bomb, sizes that lie) come
first; the package and its table of contents are read only up to `PACKAGE_MAX` bytes each (their trees refuse a
DOCTYPE that declares entities), its style sheets that many all together, at most `SPINE_MAX` spine items, and
content documents of `CONTENT_MAX` bytes all together; a path that leads out of the archive ("../", an absolute path,
a URL) is not followed. Each document is read once, by the HTML reader, linear in its size.
"""

from __future__ import annotations

import zipfile
from functools import partial
from xml.etree import ElementTree

from rag.corpus.encoding import decode_text
from rag.corpus.formats.archive import dc_title, read_archive, xml_tree
from rag.corpus.formats.base import Line, Parsed, Section, shifted
from rag.corpus.formats.epub_notes import book_notes
from rag.corpus.formats.epub_toc import PACKAGE_MAX, chaptered, guide_skips, inside, small_part, toc_paths
from rag.corpus.formats.html import parse_html
from rag.corpus.formats.html_notes import LINK, attributes
from rag.corpus.formats.html_tags import bold_next, sheet_bold_classes

KIND = ".epub"
STANDARD = "EPUB"
CONTAINER = "META-INF/container.xml"
ENCRYPTION = "META-INF/encryption.xml"
ENCRYPTED = "encrypted (DRM) e-book: rag cannot read it"
NO_PACKAGE = "damaged .epub: no package document (META-INF/container.xml names none, or one not in the archive)"
# the algorithms that obfuscate an embedded font (the IDPF's, Adobe's): a font's licence, not the book's text locked
OBFUSCATION = frozenset({"http://www.idpf.org/2008/embedding", "http://ns.adobe.com/pdf/enc#RC"})
SPINE_MAX = 10_000  # a book of a thousand chapters is long; more is a hostile file
# bytes of content documents, all together: as much as an .html file may hold (RAG_MAX_FILE_BYTES' default), read by
# the same reader (6.7 MB of XHTML in 2,000 chapters took 60 s on a busy 2-core machine); a 2,000-page book is ~10 MB
CONTENT_MAX = 20_000_000
CONTENT_TYPES = frozenset({"application/xhtml+xml", "text/html"})
_OPF = "{http://www.idpf.org/2007/opf}"
_ENC = "{http://www.w3.org/2001/04/xmlenc#}"


def _package(archive: zipfile.ZipFile) -> tuple[str, ElementTree.Element]:
    """The package document's path and tree (the first rootfile the container names that the archive holds)."""
    data = small_part(archive, CONTAINER)
    container = xml_tree(data, CONTAINER, KIND, STANDARD) if data is not None else None
    for rootfile in [] if container is None else container.iter():
        path = rootfile.get("full-path") if rootfile.tag.rpartition("}")[2] == "rootfile" else None
        if path and (package := small_part(archive, path)) is not None:
            return path, xml_tree(package, path, KIND, STANDARD)
        if path and path in archive.NameToInfo:
            raise ValueError(f"refused .epub: its package document {path} holds over {PACKAGE_MAX:,} bytes (a book "
                             "of 10,000 chapters has some 1,500,000: a damaged or hostile file?)")
    raise ValueError(NO_PACKAGE)


def _refuse_drm(archive: zipfile.ZipFile) -> None:
    """Refuse a book whose encryption.xml lists a file under an algorithm other than a font's obfuscation: its
    content is encrypted (Adobe's ADEPT, Apple's FairPlay), and only the store's reader has the key."""
    if ENCRYPTION not in archive.namelist():
        return
    data = small_part(archive, ENCRYPTION)
    if data is None:
        raise ValueError(ENCRYPTED)
    for method in xml_tree(data, ENCRYPTION, KIND, STANDARD).iter(f"{_ENC}EncryptionMethod"):
        if method.get("Algorithm") not in OBFUSCATION:
            raise ValueError(ENCRYPTED)


def _bold_line(source: str, base: int, classes: set[str], line: Line) -> bool:
    """Whether `line`'s block element, in `source` (which starts at `base` in the joined text), opens on a run in bold
    (`<p><span class="span3">`, a class its style sheet sets bold; `<p><b>`)."""
    start = line.start - base
    opened = source.find(">", start, start + 2000)  # a start tag's end: a block's start tag is short
    return opened >= 0 and bold_next(source, opened + 1, classes)


def _parse(archive: zipfile.ZipFile) -> Parsed:
    _refuse_drm(archive)
    opf_path, package = _package(archive)
    manifest: dict[str, tuple[str | None, str, set[str]]] = {}  # id: path, media type, properties
    for item in package.iter(f"{_OPF}item"):
        manifest[item.get("id") or ""] = (inside(opf_path, item.get("href") or ""), item.get("media-type") or "",
                                          set((item.get("properties") or "").split()))
    refs = list(package.iter(f"{_OPF}itemref"))
    changes = [f"only the first {SPINE_MAX:,} of its {len(refs):,} spine items read"] if len(refs) > SPINE_MAX else []
    skipped = guide_skips(package, opf_path) | {path for path, _, marks in manifest.values() if "nav" in marks}
    spine = package.find(f"{_OPF}spine")
    toc = toc_paths(archive, manifest, spine.get("toc") if spine is not None else None)
    bold: set[str] = set()
    budget = PACKAGE_MAX  # bytes of style sheets read, all together (a book has one or a few), each sheet once, its
    # size known before it is inflated: a manifest naming one large sheet thousands of times reads it once
    for path in dict.fromkeys(path for path, media, _ in manifest.values() if media == "text/css"):
        size = _size(archive, path)
        if size is not None and size <= budget and (sheet := small_part(archive, path)) is not None:
            budget -= size
            bold |= sheet_bold_classes(sheet.decode("utf-8", errors="replace"))
    book = _Book(archive, bold, changes)
    outside = 0
    for ref in refs[:SPINE_MAX]:
        path, media, _ = manifest.get(ref.get("idref") or "", (None, "", set()))
        if path is None or path not in archive.NameToInfo:
            outside += ref.get("idref") in manifest
            continue
        if media not in CONTENT_TYPES or path in skipped or path in book.read:
            continue
        book.add(path, toc.get(path, ()))
    if outside:
        changes.append(f"{outside} spine item(s) naming a file outside the book, or none, not read")
    spine_sections = len(book.sections)
    documents = {path for path, media, _ in manifest.values() if path and media in CONTENT_TYPES}
    for path in _linked_off_spine(book, documents - skipped):
        book.add(path, (), spine=False)
    text = "\n".join(book.texts)
    book_notes(text, book.chapters, book.sections)
    sections = book.sections[:spine_sections]  # of a file off the spine, only the notes cited, moved to their lines
    return Parsed([s for s in sections if s.lines], title=dc_title(package), text=text, blocks=True, changes=changes)


class _Book:
    """The content documents read, in order: their sections and sources, offsets in their sources joined by a line
    break; at most `CONTENT_MAX` bytes all together."""

    def __init__(self, archive: zipfile.ZipFile, bold: set[str], changes: list[str]) -> None:
        self.archive, self.bold, self.changes = archive, bold, changes
        self.sections: list[Section] = []
        self.texts: list[str] = []
        self.chapters: list[tuple[str, int, str]] = []  # each document read: its path, start in the text, source
        self.read: set[str] = set()
        self.base = self.total = 0

    def add(self, path: str, toc: tuple[str, ...], spine: bool = True) -> None:
        """The document at `path` read after the others, under its chapters in the contents, `toc`. Raises
        `ValueError` when the book's documents hold over `CONTENT_MAX` bytes; a document off the `spine` past it is
        not read (named in the report), the book is."""
        self.read.add(path)
        size = self.archive.getinfo(path).file_size
        if not spine and self.total + size > CONTENT_MAX:
            self.changes.append(f"{path} not read: the book's chapters hold {CONTENT_MAX:,} bytes of XHTML already")
            return
        self.total += size
        if self.total > CONTENT_MAX:
            raise ValueError(f"refused .epub: its chapters hold over {CONTENT_MAX:,} bytes of XHTML, more than rag "
                             "reads as one document: split the book")
        try:
            source = decode_text(self.archive.read(path), html=True)[0]
        except ValueError as exc:  # bytes of no text encoding: a damaged chapter, not the whole book
            self.changes.append(f"{path} not read: {exc}")
            return
        parsed = parse_html(source, frozenset(self.bold))
        bold_line = partial(_bold_line, source, self.base, self.bold)
        for section in parsed.sections:
            section.url = None  # a content document's canonical link names no page of the book
        self.sections += chaptered(shifted(parsed.sections, self.base), toc, bold_line)
        self.texts.append(source)
        self.chapters.append((path, self.base, source))
        self.base += len(source) + 1


def _linked_off_spine(book: _Book, documents: set[str]) -> list[str]:
    """The content documents of the manifest, `documents`, not in the spine that its documents link into ("notes.xhtml
    #n1": a notes file some books leave off the spine, reached only by its notes' citations), in the order first
    linked to; each link's start tag read once."""
    linked: dict[str, None] = {}
    for path, _, source in book.chapters:
        for match in LINK.finditer(source):
            href = attributes(match[0]).get("href") or ""
            target = inside(path, href) if "#" in href and not href.startswith("#") else None
            if target in documents and target not in book.read and target in book.archive.NameToInfo:
                linked[target] = None
    return list(linked)


def parse_epub(data: bytes) -> Parsed:
    """An e-book's chapters in reading order, as one document under its title (see the module's docstring). Raises
    `ValueError` for a file that is no zip archive, is damaged, encrypted for DRM or too large."""
    return read_archive(data, KIND, _parse)




def _size(archive: zipfile.ZipFile, name: str | None) -> int | None:
    """The inflated size of the archive's part `name` (known true: `read_archive` checked it), None if it has none."""
    try:
        return archive.getinfo(name or "").file_size
    except KeyError:
        return None

__all__ = ["CONTENT_MAX", "ENCRYPTED", "NO_PACKAGE", "OBFUSCATION", "SPINE_MAX", "parse_epub"]
