"""Office Open XML files of the other kinds Word, PowerPoint and Excel save: a template, a file with macros, a slide
show. Their parts are a .docx's, .pptx's or .xlsx's but for the main part's content type, and, with macros, a VBA
project part beside it (here an OLE header and nothing else: no reader may open it)."""

from __future__ import annotations

import io
import re
import zipfile

from tests.helpers.odt import zipped

_OPEN = "application/vnd.openxmlformats-officedocument."
MAIN_TYPES = {
    ".docm": "application/vnd.ms-word.document.macroEnabled.main+xml",
    ".dotx": f"{_OPEN}wordprocessingml.template.main+xml",
    ".dotm": "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
    ".ppsx": f"{_OPEN}presentationml.slideshow.main+xml",
    ".pptm": "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
    ".potx": f"{_OPEN}presentationml.template.main+xml",
    ".potm": "application/vnd.ms-powerpoint.template.macroEnabled.main+xml",
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    ".xltx": f"{_OPEN}spreadsheetml.template.main+xml",
    ".xltm": "application/vnd.ms-excel.template.macroEnabled.main+xml",
}
_MAIN_PARTS = {"d": "word/document.xml", "p": "ppt/presentation.xml", "x": "xl/workbook.xml"}
_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"


def saved_as(data: bytes, suffix: str) -> bytes:
    """`data`, a .docx, .pptx or .xlsx, as its application saves it as `suffix` (one of `MAIN_TYPES`): its main part
    of that kind's content type and, for a file with macros (a suffix ending in "m"), a VBA project related to it."""
    main = _MAIN_PARTS[suffix[1]]
    folder, name = main.split("/")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts: dict[str, str | bytes] = {info.filename: archive.read(info) for info in archive.infolist()}
    types = str(parts["[Content_Types].xml"], "utf-8")
    override = f'<Override PartName="/{main}" ContentType="{MAIN_TYPES[suffix]}"/>'
    types, found = re.subn(rf'<Override [^>]*PartName="/{re.escape(main)}"[^>]*/>', override, types)
    types = types if found else types.replace("</Types>", f"{override}</Types>")
    if suffix.endswith("m"):
        types = types.replace("</Types>", f'<Override PartName="/{folder}/vbaProject.bin" '
                                          'ContentType="application/vnd.ms-office.vbaProject"/></Types>')
        parts[f"{folder}/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
        rels = f"{folder}/_rels/{name}.rels"
        parts[rels] = str(parts[rels], "utf-8").replace(
            "</Relationships>", f'<Relationship Id="rIdVba" Type="{_VBA}" Target="vbaProject.bin"/></Relationships>')
    parts["[Content_Types].xml"] = types
    return zipped(parts, zipfile.ZIP_DEFLATED)
