"""A zipped document's archive (.docx, .odt, .xlsx, .ods: zip archives of XML parts), checked before any part is
read whole: a zip bomb (a small file of gigabytes) and a directory that lies about its parts' sizes are refused in
bounded memory; and its XML parts, read refusing the DOCTYPE declarations entity bombs need (`xml_part`).
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable
from io import BytesIO
from typing import TypeVar
from xml.etree import ElementTree
from xml.parsers import expat

# Most a document may hold once unzipped: Word's and OpenDocument's XML compresses ten to twenty times, so a 20 MB
# file (RAG_MAX_FILE_BYTES) of text stays under it, and a zip bomb is refused before anything is inflated.
UNZIPPED_MAX_BYTES = 512 * 2**20
T = TypeVar("T")


def not_a_zip(kind: str) -> str:
    """The reason a file of suffix `kind` (".docx") that is no zip archive is refused."""
    return f"damaged {kind}: not a zip archive"


def damaged(kind: str, exc: BaseException) -> str:
    """The reason a file of suffix `kind` is refused when a library reading it raised `exc`."""
    return f"damaged {kind}, cannot be parsed ({exc.__class__.__name__}: {exc})"


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


def _declares(data: bytes) -> bool:
    """Whether `data` opens a DOCTYPE with an internal subset (where entities are declared), found by expat's
    handler as the DOCTYPE opens, before it reads that subset, in any encoding; the scan stops there, or at the root
    element, which comes after any DOCTYPE. A DOCTYPE naming an external DTD alone (OpenOffice's manifest:
    "-//OpenOffice.org//DTD Manifest 1.0//EN") declares nothing expat reads: it fetches no DTD."""
    def opened(name: str, system: str | None, public: str | None, internal: int) -> None:
        raise _Doctype if internal else StopIteration

    def root(name: str, attributes: dict[str, str]) -> None:
        raise StopIteration

    scan = expat.ParserCreate()
    scan.StartDoctypeDeclHandler, scan.StartElementHandler = opened, root
    try:
        scan.Parse(data, True)
    except _Doctype:
        return True
    except (StopIteration, expat.ExpatError):
        pass
    return False


def xml_part(archive: zipfile.ZipFile, part: str, kind: str, standard: str = "OpenDocument") -> ElementTree.Element:
    """The XML tree of `part` of a file of suffix `kind` (".odt"), refused with a `ValueError` saying why when it
    declares entities (`_declares`: `standard`, the file's, never does) or is not well-formed."""
    data = archive.read(part)
    if _declares(data):
        raise ValueError(f"refused {kind}: its {part} has a DOCTYPE with declarations (an internal subset), which "
                         f"{standard} never has (an entity bomb?); save it again from the application")
    parser = ElementTree.XMLParser()
    try:
        parser.feed(data)
        return parser.close()
    except ElementTree.ParseError as exc:
        raise ValueError(f"damaged {kind}: its {part} is not well-formed XML ({exc})") from exc


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


__all__ = ["UNZIPPED_MAX_BYTES", "check_archive", "damaged", "dc_title", "not_a_zip", "read_archive", "xml_part"]
