"""A flat OpenDocument file (.fodt, .fods, .fodp: LibreOffice's "Flat XML" text, spreadsheet and presentation), read as
the zipped file it would be saved as: one XML document whose root, office:document, holds what the zipped file's parts
hold (office:meta meta.xml's, office:styles styles.xml's, office:automatic-styles and office:body content.xml's),
its embedded objects inline (a chart's own office:document in the draw:object of the frame showing it) and its
pictures as base64 text (office:binary-data).

A text or a presentation is read as one tree (`flat_tree`), as content.xml and styles.xml are: its elements and text
counted as it is built, within the limits a zipped file's parts have together (`rag.corpus.formats.archive.Count`);
a picture's base64 text is left out as it comes, never held nor counted, so that a picture costs its bytes in the file
alone (tests/unit/test_flat.py: the peak of an 8 MB one's read under 2 MB), the file fed to expat a chunk at a time
(`rag.corpus.formats.archive.xml_tree`). A spreadsheet is read as it is parsed, a cell at a time
(`flat_events`), as an .ods's content.xml is. Either way XML whose DOCTYPE declares anything (an entity bomb) is
refused before it is parsed, expat fetches no external entity, and a file that is not an office:document of the
family its suffix names, or not well-formed, raises a `ValueError` saying why (`read_flat`)."""

from __future__ import annotations

from collections.abc import Callable, Container, Iterator
from io import BytesIO
from typing import TypeVar
from xml.etree import ElementTree

from rag.corpus.formats.archive import Count, damaged, stream_events, xml_tree
from rag.corpus.formats.opendocument import FAMILIES, family_body

PART = "flat XML document"  # what a flat file's one XML document is named in the reasons it is refused for
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_BINARY = f"{_OFFICE}binary-data"
_ZIP = b"PK\x03\x04"
T = TypeVar("T")


class _Builder:
    """ElementTree's tree builder, a picture's base64 text (office:binary-data's) left out: for a tree
    (`counted`), the elements and text it builds counted (`Count`, refused past its limits as they come); else the
    events it meets kept until asked for (`met`)."""

    def __init__(self, suffix: str, counted: bool) -> None:
        self._tree, self._count = ElementTree.TreeBuilder(), Count(suffix) if counted else None
        self._met: list[tuple[str, ElementTree.Element]] | None = None if counted else []
        self._binary = False  # in office:binary-data, before any element within it

    def start(self, tag: str, attributes: dict[str, str]) -> ElementTree.Element:
        if self._count is not None:
            self._count.start()
        self._binary = tag == _BINARY
        element = self._tree.start(tag, attributes)
        if self._met is not None:
            self._met.append(("start", element))
        return element

    def end(self, tag: str) -> ElementTree.Element:
        self._binary = False
        element = self._tree.end(tag)
        if self._met is not None:
            self._met.append(("end", element))
        return element

    def data(self, text: str) -> None:
        if not self._binary:
            if self._count is not None:
                self._count.data(text)
            self._tree.data(text)

    def close(self) -> ElementTree.Element:
        return self._tree.close()

    def met(self) -> list[tuple[str, ElementTree.Element]]:
        met, self._met = self._met or [], []
        return met


def check_root(root: ElementTree.Element, family: str, suffix: str) -> None:
    """Refuse a flat file of `family` ("text") whose root is no office:document (a zipped file's part saved alone)."""
    if root.tag != f"{_OFFICE}document":
        raise ValueError(f"not a flat OpenDocument {FAMILIES[family][0]}: its root is no office:document ({suffix})")


def flat_tree(data: bytes, family: str, suffix: str) -> tuple[ElementTree.Element, ElementTree.Element]:
    """The tree of `data`, a flat file of `family` ("text") named `suffix` (".fodt"), and its body of that family
    (office:body/office:text), built as `_Builder` builds it; refused with a `ValueError` as the module says."""
    root = xml_tree(data, PART, suffix, target=_Builder(suffix, counted=True))
    check_root(root, family, suffix)
    return root, family_body(root, family, suffix, PART)


def flat_events(data: bytes, suffix: str, items: Container[str]) -> Iterator[
        tuple[str, ElementTree.Element, ElementTree.Element | None]]:
    """`data`, a flat file named `suffix`, read as it is parsed, as `rag.corpus.formats.archive.xml_events` reads a
    part (`items` read whole)."""
    return stream_events(BytesIO(data), PART, suffix, items, builder=_Builder(suffix, counted=False))


def read_flat(data: bytes, family: str, suffix: str, read: Callable[[], T]) -> T:
    """What `read` reads of `data`, a flat file of `family` named `suffix`: its `ValueError`s saying why the file is
    refused, and any other error becoming one saying it is damaged (expat's and ElementTree's many kinds; deep
    nesting: RecursionError), as a zipped file's are (`rag.corpus.formats.archive.read_archive`); a zip archive (the
    zipped file named as the flat one) refused with what to do."""
    if data.startswith(_ZIP):
        zipped = suffix.replace(".f", ".", 1)
        raise ValueError(f"not a flat OpenDocument {FAMILIES[family][0]}: a zip archive named {suffix} (an {zipped}? "
                         f"rename it {zipped})")
    try:
        return read()
    except ValueError:
        raise
    except Exception as exc:
        raise ValueError(damaged(suffix, exc)) from exc


__all__ = ["PART", "check_root", "flat_events", "flat_tree", "read_flat"]
