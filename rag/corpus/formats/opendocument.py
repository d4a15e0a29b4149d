"""An OpenDocument package (.odt, .ods, .odp: a zip archive of XML parts), checked before its content is read: that
its mimetype says it is of the family rag reads it as (a text, a spreadsheet, a presentation), and that its parts are
not encrypted; else a `ValueError` saying what it is and what to do."""

from __future__ import annotations

import zipfile
from xml.etree import ElementTree

from rag.corpus.formats.archive import check_elements, xml_part

_MANIFEST = "{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
# What the body of each family is called when a file lacks it
_BODIES = {"text": "text body", "spreadsheet": "spreadsheet", "presentation": "presentation"}
# The families rag reads, by their mimetype's last word: how a refusal names them, and what it says rag reads
FAMILIES = {"text": ("text", "text documents"), "spreadsheet": ("spreadsheet", "spreadsheets"),
            "presentation": ("presentation", "presentations")}
# What an OpenDocument file is, by its mimetype's last word (or its body's element)
KINDS = {"text": "a text document (.odt)", "spreadsheet": "a spreadsheet (.ods)",
         "presentation": "a presentation (.odp)", "graphics": "a drawing (.odg)", "drawing": "a drawing (.odg)",
         "chart": "a chart (.odc)", "formula": "a formula (.odf)", "image": "an image (.odi)",
         "database": "a database (.odb)"}


# The Office Open XML part that shows a file named as an OpenDocument one of a family is Office's: what it is, and
# the suffix to rename it with
OFFICE = {"text": ("word/document.xml", "a Word document (.docx)", ".docx"),
          "spreadsheet": ("xl/workbook.xml", "an Excel workbook (.xlsx)", ".xlsx"),
          "presentation": ("ppt/presentation.xml", "a PowerPoint presentation (.pptx)", ".pptx")}


def no_content(suffix: str) -> str:
    """The reason an OpenDocument archive of `suffix` without its content part is refused."""
    return f"damaged {suffix}: no content.xml in the archive"


def encrypted(suffix: str) -> str:
    """The reason an encrypted OpenDocument file of `suffix` (".odt") is refused."""
    return f"encrypted {suffix}: remove its password first"


def other_kind(kind: str, family: str, suffix: str) -> str:
    """Why an OpenDocument file of another kind (its mimetype's last word, or its body element's name) is refused
    when named `suffix`, a suffix of `family`."""
    kind = kind.removesuffix("-template")
    what = KINDS.get(kind, f"an OpenDocument {kind!r} file")
    name, reads = FAMILIES[family]
    return f"not an OpenDocument {name}: {what} named {suffix} (rag reads {reads})"


def check_package(archive: zipfile.ZipFile, names: set[str], family: str, suffix: str) -> None:
    """Refuse an archive, named `suffix`, whose mimetype says it is not an OpenDocument file of `family` ("text":
    text, text-template, text-master, text-web, all office:text bodies), whose parts are encrypted, or that holds
    no content part (an Office file of the family renamed, `OFFICE`, or a damaged one)."""
    if "mimetype" in names:
        mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
        kind = mimetype.removeprefix("application/vnd.oasis.opendocument.")
        if kind == mimetype:
            raise ValueError(f"not an OpenDocument {FAMILIES[family][0]}: its mimetype is {mimetype[:80]!r}")
        if kind.partition("-")[0] != family:
            raise ValueError(other_kind(kind, family, suffix))
    if "META-INF/manifest.xml" in names:
        manifest = xml_part(archive, "META-INF/manifest.xml", suffix)
        if manifest.find(f".//{_MANIFEST}encryption-data") is not None:
            raise ValueError(encrypted(suffix))
    if "content.xml" not in names:
        part, what, office = OFFICE[family]
        if part in names:
            raise ValueError(f"not an OpenDocument {FAMILIES[family][0]}: {what} named {suffix}; rename it {office}")
        raise ValueError(no_content(suffix))


def read_body(archive: zipfile.ZipFile, names: set[str], family: str,
              suffix: str) -> tuple[ElementTree.Element, ElementTree.Element]:
    """content.xml's tree and its body of `family` (office:body/office:text for "text"), read as a whole tree once the
    package is checked (`check_package`) and its elements counted (`check_elements`); refused with a `ValueError` when
    content.xml holds the body of another kind (`other_kind`) or none."""
    check_package(archive, names, family, suffix)
    check_elements(archive, suffix)  # before content.xml and styles.xml are read as whole trees
    content = xml_part(archive, "content.xml", suffix)
    return content, family_body(content, family, suffix)


def family_body(root: ElementTree.Element, family: str, suffix: str,
                part: str = "content.xml") -> ElementTree.Element:
    """The body of `family` (office:body/office:text for "text") of `root`, a part's (`part`) root element; refused
    with a `ValueError` when it holds another kind's (`no_body`) or none."""
    body = root.find(f"{_OFFICE}body")
    found = None if body is None else body.find(f"{_OFFICE}{family}")
    if found is None:
        raise no_body(None if body is None else next(iter(body), None), family, suffix, part)
    return found


def no_body(first: ElementTree.Element | None, family: str, suffix: str, part: str) -> ValueError:
    """Why a file of suffix `suffix` whose `part` holds no body of `family` is refused: `first`, office:body's first
    element, another kind's (`other_kind`), or none."""
    if first is not None and first.tag.startswith(_OFFICE):
        return ValueError(other_kind(first.tag.removeprefix(_OFFICE), family, suffix))
    return ValueError(f"damaged {suffix}: its {part} holds no {_BODIES[family]} (office:body/office:{family})")


def repeated(element: ElementTree.Element, attribute: str, most: int) -> int:
    """How many rows or cells a table's `element` stands for (its `table:number-rows-repeated` or
    `table:number-columns-repeated`, `attribute` without its prefix): from 1 to `most`; 1 unless the value is a whole
    number of at most 18 digits (not "x", "0", nor 10**4000, which int() refuses past 4,300 digits)."""
    value = element.get(f"{_TABLE}{attribute}") or "1"
    return max(1, min(int(value), most)) if value.isdecimal() and len(value) <= 18 else 1


__all__ = ["FAMILIES", "KINDS", "OFFICE", "check_package", "encrypted", "family_body", "no_body", "no_content",
           "other_kind", "read_body", "repeated"]
