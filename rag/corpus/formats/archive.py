"""A zipped document's archive (.docx, .odt, .xlsx, .ods, .pptx: zip archives of XML parts), checked before any part is
read whole: a zip bomb (a small file of gigabytes) and a directory that lies about its parts' sizes are refused in
bounded memory; and its XML parts, read refusing the DOCTYPE declarations entity bombs need: a small one whole
(`xml_part`), a large one (a worksheet) as it inflates, its elements dropped once read (`xml_events`); a document read
as whole trees (a .docx, an .odt) has its elements and text counted first, as its parts inflate (`check_elements`).
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable, Container, Iterable, Iterator
from io import BytesIO
from typing import IO, Protocol, TypeVar, cast
from xml.etree import ElementTree
from xml.parsers import expat

# Most a document may hold once unzipped: Word's and OpenDocument's XML compresses ten to twenty times, so a 20 MB
# file (RAG_MAX_FILE_BYTES) of text stays under it, and a zip bomb is refused before anything is inflated.
UNZIPPED_MAX_BYTES = 512 * 2**20
CHUNK_BYTES = 1 << 16  # what `xml_events` and `check_elements` inflate and parse at a time
# Elements one item of `xml_events` may hold (a cell: Excel's longest, 32,767 characters, each a rich text run of
# its own, is some 300,000), so that one element of millions is refused, not held
ITEM_ELEMENTS_MAX = 300_000
# Elements a document whose parts are read as whole trees (a .docx, an .odt) may hold, all its parts together: its
# read takes some 350 bytes an element (the tree, the text), so that this bounds it to some 700 MiB. A 2,000-page Word
# document of formatted runs, lists and tables holds some 550,000 (docs/PERFORMANCE.md, "What reading a document
# holds": `scripts.bench.documents_memory`).
ELEMENTS_MAX = 2_000_000
# Characters of text such a document may hold, a run of white space counting one at most (the indentation between the
# elements of a part written pretty-printed is not text: python-docx's template holds 93,000 characters of it): a
# read takes some 3 (.odt) to 5 (.docx) bytes a character, up to 250 MiB; 2.5 times the 20,000,000 bytes a text file
# may hold (`rag.corpus.files.MAX_FILE_BYTES`); a 2,000-page document holds some 5,700,000
CHARACTERS_MAX = 50_000_000
# Characters all told, white space included: a tree holds its white space at some 1 byte a character (ElementTree's
# tails), so that a part of white space alone costs less than the text budget allows
RAW_CHARACTERS_MAX = 2 * CHARACTERS_MAX
# An OLE compound file's first bytes: an encrypted Office Open XML file (Office wraps it in one), or an old binary
# .doc, .xls or .ppt, none of which is a zip archive
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
T = TypeVar("T")


def not_a_zip(kind: str) -> str:
    """The reason a file of suffix `kind` (".docx") that is no zip archive is refused."""
    return f"damaged {kind}: not a zip archive"


def damaged(kind: str, exc: BaseException) -> str:
    """The reason a file of suffix `kind` is refused when a library reading it raised `exc` (a reader following
    elements nested past Python's recursion limit: `NESTED`)."""
    if isinstance(exc, RecursionError):
        return NESTED.format(kind=kind)
    return f"damaged {kind}, cannot be parsed ({exc.__class__.__name__}: {exc})"


NESTED = ("refused {kind}: its elements nest deeper than rag follows (sections, tables or spans some thousand levels "
          "deep; an office application's nest a few dozen): a damaged or hostile file?")


def _too_large(size: str) -> str:
    return (f"expands to {size} once unzipped, over the {UNZIPPED_MAX_BYTES:,} rag reads (a damaged or hostile "
            "file? a document this large: split it)")


def check_archive(data: bytes, kind: str) -> None:
    """Refuse `data`, a file of suffix `kind` (".docx", ".odt", ".xlsx"), with a `ValueError` saying why, unless it is
    a zip archive whose parts, all together, hold at most `UNZIPPED_MAX_BYTES` and each exactly the size its directory
    declares: then reading a part whole is bounded by that size.

    The declared sizes are checked first, before anything is inflated; then every part is inflated in bounded steps
    (`_check_inflated_sizes`), as a directory may understate them.
    """
    if not zipfile.is_zipfile(BytesIO(data)):
        raise ValueError(not_a_zip(kind))
    try:
        unzipped = sum(part.file_size for part in zipfile.ZipFile(BytesIO(data)).infolist())
    except Exception as exc:  # BadZipFile, NotImplementedError (a version field out of range), ...
        raise ValueError(damaged(kind, exc)) from exc
    if unzipped > UNZIPPED_MAX_BYTES:  # a parser reads every part it needs into memory, and builds a tree of each
        raise ValueError(_too_large(f"{unzipped:,} bytes"))
    _check_inflated_sizes(data, kind)


def _check_inflated_sizes(data: bytes, kind: str) -> None:
    """Inflate every part in bounded steps and refuse the file unless each holds exactly the size its zip directory
    declares, all within `UNZIPPED_MAX_BYTES`.

    The sizes of the directory are what the guard before trusts, and zipfile too: it reads a part by inflating up to
    2 GiB in one call, then cuts it to the declared size, so a part that declares 1 KB but inflates to gigabytes
    costs gigabytes of memory before anything can object. Here a part is read 64 KiB at a time, up to what the
    remaining allowance permits whatever its declared size; once the sizes are known to be true, a parser's reads
    are bounded by them.
    """
    allowance = UNZIPPED_MAX_BYTES
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            for info in archive.infolist():
                if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                    raise ValueError(f"damaged {kind}: part {info.filename} is compressed in a way {kind} files "
                                     f"never use (method {info.compress_type})")
                declared, info.file_size = info.file_size, allowance + 1  # read what it holds, not what it says
                inflated = 0
                try:
                    with archive.open(info) as part:
                        while chunk := part.read(1 << 16):
                            inflated += len(chunk)
                            if inflated > allowance:
                                raise ValueError(_too_large(f"more than {UNZIPPED_MAX_BYTES:,} bytes"))
                except zipfile.BadZipFile:  # a CRC that fails: say why, when the size already does
                    if inflated == declared:
                        raise
                if inflated != declared:
                    raise ValueError(f"damaged {kind}: part {info.filename} inflates to {inflated:,} bytes, its zip "
                                     f"directory says {declared:,}")
                allowance -= inflated
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
        raise ValueError(damaged(kind, exc)) from exc


class _Doctype(Exception):
    """A DOCTYPE with declarations of its own met in a part, stopping its parse."""


class _Prolog:
    """Whether a part opens a DOCTYPE with an internal subset (where entities are declared), read a chunk at a time:
    found by expat's handler as the DOCTYPE opens, before it reads that subset, in any encoding; the scan stops
    there, or at the root element, which comes after any DOCTYPE. A DOCTYPE naming an external DTD alone
    (OpenOffice's manifest: "-//OpenOffice.org//DTD Manifest 1.0//EN") declares nothing expat reads: it fetches no
    DTD."""

    def __init__(self) -> None:
        self.scan: expat.XMLParserType | None = expat.ParserCreate()
        self.scan.StartDoctypeDeclHandler, self.scan.StartElementHandler = self._opened, self._root

    @staticmethod
    def _opened(name: str, system: str | None, public: str | None, internal: int) -> None:
        raise _Doctype if internal else StopIteration

    @staticmethod
    def _root(name: str, attributes: dict[str, str]) -> None:
        raise StopIteration

    def declares(self, chunk: bytes | memoryview, final: bool) -> bool:
        """Whether the part, read up to `chunk` (its last if `final`), has declared entities so far."""
        if self.scan is None:
            return False
        try:
            self.scan.Parse(chunk, final)
        except _Doctype:
            return True
        except (StopIteration, expat.ExpatError):
            self.scan = None
        return False


def _declaring(kind: str, part: str, standard: str) -> ValueError:
    return ValueError(f"refused {kind}: its {part} has a DOCTYPE with declarations (an internal subset), which "
                      f"{standard} never has (an entity bomb?); save it again from the application")


def _not_well_formed(kind: str, part: str, exc: ElementTree.ParseError) -> ValueError:
    return ValueError(f"damaged {kind}: its {part} is not well-formed XML ({exc})")


def xml_part(archive: zipfile.ZipFile, part: str, kind: str, standard: str = "OpenDocument") -> ElementTree.Element:
    """The XML tree of `part` of a file of suffix `kind` (".odt"), refused with a `ValueError` saying why when it
    declares entities (`_Prolog`: `standard`, the file's, never does) or is not well-formed. For a small part: a
    tree takes some 50 times its part's bytes (`xml_events` reads a large one)."""
    return xml_tree(archive.read(part), part, kind, standard)


def xml_tree(data: bytes, part: str, kind: str, standard: str = "OpenDocument",
             target: object | None = None) -> ElementTree.Element:
    """`xml_part` of a part's bytes already read (`data`); built by `target` if given (a tree builder's methods: one
    that counts what it builds, or leaves some text out). Parsed `CHUNK_BYTES` at a time: expat copies what it is
    given into a buffer of its own, so that a part given whole would be held twice."""
    prolog, parser = _Prolog(), ElementTree.XMLParser(target=target)
    view = memoryview(data)
    try:
        for start in range(0, max(len(view), 1), CHUNK_BYTES):
            chunk = view[start:start + CHUNK_BYTES]
            if prolog.declares(chunk, start + CHUNK_BYTES >= len(view)):
                raise _declaring(kind, part, standard)
            parser.feed(chunk)
        return parser.close()
    except ElementTree.ParseError as exc:
        raise _not_well_formed(kind, part, exc) from exc


def xml_events(archive: zipfile.ZipFile, part: str, kind: str, items: Container[str],
               standard: str = "OpenDocument") -> Iterator[tuple[str, ElementTree.Element, ElementTree.Element | None]]:
    """`part` of a file of suffix `kind` read as it inflates, `CHUNK_BYTES` at a time, never whole: ("start",
    element, its parent) as an element opens (its attributes read, not its content), ("end", element, its parent)
    once it is read; an element whose name (without its namespace) is one of `items` is read whole, its content
    included, and gives its "end" alone (a worksheet's cell: what it holds is no event; at most `ITEM_ELEMENTS_MAX`
    elements, the root no item). The tree is not kept: an element is dropped from its parent once its "end" is
    given, so that what is held is the open elements and the item being read, whatever the part's size. Refused as
    `xml_part` refuses a part, when the parse reaches the fault."""
    with archive.open(part) as stream:
        yield from stream_events(stream, part, kind, items, standard)


class Builder(Protocol):
    """A tree builder an XML parser builds with (`ElementTree.TreeBuilder`'s methods), which also gives the "start"
    and "end" events it met since last asked (`met`), each with its element, as `ElementTree.XMLPullParser` does."""

    def start(self, tag: str, attributes: dict[str, str]) -> ElementTree.Element: ...
    def end(self, tag: str) -> ElementTree.Element: ...
    def data(self, text: str) -> None: ...
    def close(self) -> ElementTree.Element: ...
    def met(self) -> list[tuple[str, ElementTree.Element]]: ...


def stream_events(stream: IO[bytes], part: str, kind: str, items: Container[str], standard: str = "OpenDocument",
                  builder: Builder | None = None) -> Iterator[tuple[str, ElementTree.Element,
                                                                    ElementTree.Element | None]]:
    """`xml_events` of a part's `stream` (a zip archive's part, or a flat file's bytes), its tree built by `builder`
    (one that leaves some text out) if given, else by ElementTree's own (in C: the faster)."""
    feed: Callable[[bytes], object]
    close: Callable[[], object]
    met: Callable[[], Iterable[tuple[str, ElementTree.Element]]]
    if builder is None:
        pull: ElementTree.XMLPullParser[ElementTree.Element] = ElementTree.XMLPullParser(("start", "end"))
        feed, close = pull.feed, pull.close
        met = cast(Callable[[], Iterator[tuple[str, ElementTree.Element]]], pull.read_events)
    else:
        parser = ElementTree.XMLParser(target=builder)
        feed, close, met = parser.feed, parser.close, builder.met
    prolog = _Prolog()
    path: list[ElementTree.Element] = []
    inside = held = 0  # the depth in the item being read (1 its own, 0 outside any), and the elements it holds
    try:
        while True:
            chunk = stream.read(CHUNK_BYTES)
            if prolog.declares(chunk, not chunk):
                raise _declaring(kind, part, standard)
            if chunk:
                feed(chunk)
            else:
                close()
            for event, element in met():
                if inside:  # in an item: its elements stay in it, no event
                    held += event == "start"
                    inside += 1 if event == "start" else -1
                    if held > ITEM_ELEMENTS_MAX:
                        raise ValueError(f"damaged {kind}: an element of its {part} holds over "
                                         f"{ITEM_ELEMENTS_MAX:,} others (a damaged or hostile file?)")
                    if inside:
                        continue
                    element = path.pop()
                elif event == "start":
                    path.append(element)
                    if len(path) > 1 and element.tag.rpartition("}")[2] in items:
                        inside = held = 1
                    else:
                        yield "start", element, path[-2] if len(path) > 1 else None
                    continue
                else:
                    path.pop()
                parent = path[-1] if path else None
                yield "end", element, parent
                if parent is not None:
                    parent.remove(element)
            if not chunk:
                return
    except ElementTree.ParseError as exc:
        raise _not_well_formed(kind, part, exc) from exc


class PartReader:
    """A part's stream as a scanner reads it, `CHUNK_BYTES` at most at a time, refusing a DOCTYPE with declarations
    as it comes (`xml_part`'s refusal), the "<" of what was read counted: more than the part's elements, in any
    encoding an XML parser reads (UTF-8, UTF-16, UTF-32, Shift_JIS); its bytes counted too."""

    def __init__(self, stream: IO[bytes], kind: str, part: str, standard: str) -> None:
        self._stream, self._prolog, self._refusal = stream, _Prolog(), (kind, part, standard)
        self.angles = self.bytes = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self._stream.read(CHUNK_BYTES if size < 0 else min(size, CHUNK_BYTES))
        if self._prolog.declares(chunk, not chunk):
            raise _declaring(*self._refusal)
        self.angles += chunk.count(b"<")
        self.bytes += len(chunk)
        return chunk


class Count:
    """The elements and characters of text of a document's parts, refused past `ELEMENTS_MAX`, `CHARACTERS_MAX` (a run
    of white space counting one) or `RAW_CHARACTERS_MAX` (each counting) as they come: an lxml parser target
    (`start`, `data`, `close`), and expat's handlers."""

    def __init__(self, kind: str) -> None:
        self.kind, self.elements, self.characters, self.raw = kind, 0, 0, 0

    def start(self, *_: object) -> None:
        self.elements += 1
        self.check()

    def data(self, text: str) -> None:
        self.raw += len(text)
        self.characters += len(" ".join(text.split()))  # a run of white space one character, or none at an end
        self.check()

    @staticmethod
    def close() -> None:
        return None

    def check(self) -> None:
        if self.elements > ELEMENTS_MAX:
            raise ValueError(f"refused {self.kind}: its XML holds over {ELEMENTS_MAX:,} elements (paragraphs, runs and "
                             "their formatting; a 2,000-page document holds some 550,000), more than rag reads as a "
                             "whole: split it into several documents")
        if self.characters > CHARACTERS_MAX:
            raise ValueError(f"refused {self.kind}: its XML holds over {CHARACTERS_MAX:,} characters of text (a "
                             "2,000-page document holds some 6,000,000), more than rag reads as a whole: split it into "
                             "several documents")
        if self.raw > RAW_CHARACTERS_MAX:
            raise ValueError(f"refused {self.kind}: its XML holds over {RAW_CHARACTERS_MAX:,} characters, white "
                             "space included, more than rag reads as a whole: save it again from the application, or "
                             "split it into several documents")


# Reads a part to its end into a `Count`: False at a fault (not XML, damaged), the count then what came before it
Scan = Callable[[PartReader, Count], bool]


def expat_scan(part: PartReader, count: Count) -> bool:
    """A `Scan` as ElementTree reads a part (expat)."""
    scan = expat.ParserCreate()
    scan.StartElementHandler, scan.CharacterDataHandler = count.start, count.data
    try:
        while chunk := part.read():
            scan.Parse(chunk, False)
        scan.Parse(b"", True)
    except expat.ExpatError:
        return False
    return True


def check_elements(archive: zipfile.ZipFile, kind: str, standard: str = "OpenDocument",
                   scanner: Scan = expat_scan) -> None:
    """Refuse a file of suffix `kind` (".docx") with a `ValueError` saying what to do when its parts hold over
    `ELEMENTS_MAX` elements or `CHARACTERS_MAX` characters of text (`RAW_CHARACTERS_MAX` with white space) all together
    (`Count`), counted as each part inflates (`PartReader`) by the parser that will read it (`scanner`: expat, or lxml
    for python-docx) keeping nothing, before any is read as a tree; or when one declares entities (`standard` never
    does). Every part is counted, whatever its name; one the scanner cannot read to its end (an image, a damaged part,
    an encoding it reads only whole) counts as many elements as it has "<", and as many characters as a quarter of its
    bytes."""
    count = Count(kind)
    for info in archive.infolist():
        elements, characters, raw = count.elements, count.characters, count.raw
        with archive.open(info) as stream:
            part = PartReader(stream, kind, info.filename, standard)
            if not scanner(part, count):
                while part.read():
                    pass
                count.elements = max(count.elements, elements + part.angles)
                count.characters = max(count.characters, characters + part.bytes // 4)
                count.raw = max(count.raw, raw + part.bytes // 4)
                count.check()


def read_archive(data: bytes, kind: str, parse: Callable[[zipfile.ZipFile], T]) -> T:
    """What `parse` reads of `data`, a file of suffix `kind`, once the archive is checked (`check_archive`: then every
    part `parse` reads whole has a size known true and bounded). Any error but the `ValueError`s saying why a file is
    refused becomes one saying it is damaged: zipfile and expat raise many kinds (deep nesting: RecursionError), none
    may stop the ingest."""
    check_archive(data, kind)
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            return parse(archive)
    except ValueError:
        raise
    except Exception as exc:
        raise ValueError(damaged(kind, exc)) from exc


def dc_title(properties: ElementTree.Element | None) -> str | None:
    """The title a document's properties give (their Dublin Core `dc:title`: an OpenDocument file's meta.xml, an
    Office file's docProps/core.xml), its white space collapsed; None if none."""
    found = None if properties is None else properties.find(".//{http://purl.org/dc/elements/1.1/}title")
    return None if found is None else " ".join("".join(found.itertext()).split()) or None


__all__ = ["CHARACTERS_MAX", "CHUNK_BYTES", "ELEMENTS_MAX", "ITEM_ELEMENTS_MAX", "NESTED", "OLE_SIGNATURE",
           "RAW_CHARACTERS_MAX", "UNZIPPED_MAX_BYTES", "Builder", "Count", "PartReader", "Scan", "check_archive",
           "check_elements", "damaged", "dc_title", "expat_scan", "not_a_zip", "read_archive", "stream_events",
           "xml_events", "xml_part", "xml_tree"]
