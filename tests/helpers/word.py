"""Word files made in the tests themselves: a small merchant's guide, a part python-docx does not write (footnotes,
endnotes) added to a saved document, and the start of an OLE compound file."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx

from tests.helpers.odt import zipped

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

FEES = "Les frais d'ouverture d'un compte marchand sont prélevés sur le premier virement."
PAYOUTS = ("Les fonds des ventes sont virés sur le compte bancaire du marchand chaque mardi, par virement SEPA. "
           "Un relevé détaillé des commissions est envoyé par courriel le même jour.")


def make_guide(path: Path, *, title: str | None = "Guide du marchand") -> Path:
    """A small guide: a Title paragraph, an introduction, two Heading 1 sections (the first with a table whose
    top row spans two columns and whose first column spans two rows) and a Heading 2 section."""
    document = docx.Document()
    if title is not None:
        document.core_properties.title = title
    document.add_heading("Guide du marchand en ligne", 0)
    document.add_paragraph("Ce guide explique comment vendre sur la place de marché.")
    document.add_paragraph("   ")  # blank: left out
    document.add_heading("Ouverture du compte", 1)
    opening = document.add_paragraph("Envoyez le formulaire d'inscription signé\tet un extrait Kbis.")
    opening.add_run().add_break()  # a line break: the paragraph spans two lines
    opening.add_run("Le compte est activé sous deux jours ouvrés.")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Formule"
    table.cell(0, 2).text = "Frais"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "Ouverture"
    table.cell(1, 1).text, table.cell(1, 2).text = "standard", "5 €"
    table.cell(2, 1).text, table.cell(2, 2).text = "express", "9 €"
    document.add_paragraph(FEES)
    document.add_heading("Virements aux marchands", 1)
    document.add_paragraph(PAYOUTS)
    document.add_heading("Relevés", 2)
    document.add_paragraph("Les relevés des douze derniers mois restent consultables dans l'espace marchand.")
    document.save(path)
    return path


def with_part(data: bytes, kind: str, notes: dict[str, str]) -> bytes:
    """`data`, a .docx, with its word/KIND.xml part ("footnotes", "endnotes"), related to the document and of its
    content type, holding Word's two separators (ids -1 and 0) and a note of each id in `notes` whose paragraphs are
    the value's lines, each opening on the note's reference mark as Word writes it."""
    tag = kind.removesuffix("s")
    separators = "".join(f'<w:{tag} w:type="{kind}" w:id="{n}"><w:p><w:r><w:{kind}/></w:r></w:p></w:{tag}>'
                         for n, kind in ((-1, "separator"), (0, "continuationSeparator")))
    body = "".join(f'<w:{tag} w:id="{ident}">' + "".join(
        f'<w:p><w:r><w:{tag}Ref/></w:r><w:r><w:t xml:space="preserve"> {line}</w:t></w:r></w:p>'
        for line in text.split("\n")) + f"</w:{tag}>" for ident, text in notes.items())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts: dict[str, str | bytes] = {info.filename: archive.read(info) for info in archive.infolist()}
    parts[f"word/{kind}.xml"] = f"<w:{kind} {W}>{separators}{body}</w:{kind}>"
    parts["word/_rels/document.xml.rels"] = str(parts["word/_rels/document.xml.rels"], "utf-8").replace(
        "</Relationships>", f'<Relationship Id="rId{kind}" Type="http://schemas.openxmlformats.org/officeDocument/'
                            f'2006/relationships/{kind}" Target="{kind}.xml"/></Relationships>')
    parts["[Content_Types].xml"] = str(parts["[Content_Types].xml"], "utf-8").replace(
        "</Types>", f'<Override PartName="/word/{kind}.xml" ContentType="application/vnd.openxmlformats-'
                    f'officedocument.wordprocessingml.{kind}+xml"/></Types>')
    return zipped(parts, zipfile.ZIP_DEFLATED)


def ole(stream: str) -> bytes:
    """The start of an OLE compound file whose directory names `stream` (UTF-16, as OLE stores names): enough for
    the check, which reads no further; a real encrypted .docx needs an encryption library to make."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + stream.encode("utf-16-le") + bytes(64)
