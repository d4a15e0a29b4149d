"""Word files made in the tests themselves: a small merchant's guide, and the start of an OLE compound file."""

from __future__ import annotations

from pathlib import Path

import docx

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


def ole(stream: str) -> bytes:
    """The start of an OLE compound file whose directory names `stream` (UTF-16, as OLE stores names): enough for
    the check, which reads no further; a real encrypted .docx needs an encryption library to make."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + stream.encode("utf-16-le") + bytes(64)
