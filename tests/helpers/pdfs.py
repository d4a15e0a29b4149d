"""Small PDFs made in the tests themselves: pages of text in Helvetica, optionally an outline, a title, a password;
and the pages and outline of a small merchant's guide."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, NumberObject

# a merchant's guide: three pages of text, one section each
PAGES = [
    "Guide du marchand\n"
    "Ouverture du compte\n"
    "Pour ouvrir un compte marchand, envoyez le formulaire d'inscription signé et un extrait Kbis de moins de "
    "trois mois.\nLe compte est activé sous deux jours ouvrés après la vérification des documents.",
    "Retours des clients\n"
    "Un client peut retourner un article sous quatorze jours. Le marchand enregistre le retour dans son espace, "
    "puis le paie-\nment restant est annulé.",
    "Virements aux marchands\n"
    "Les fonds des ventes sont virés sur le compte bancaire du marchand chaque mardi, par virement SEPA.\n"
    "Un relevé détaillé des commissions est envoyé par courriel le même jour.",
]
OUTLINE = [("Ouverture du compte", 0), ("Retours des clients", 1), ("Virements aux marchands", 2)]


def _escape(line: str) -> bytes:
    """A PDF string literal's body in WinAnsiEncoding (cp1252), with its delimiters escaped."""
    raw = line.encode("cp1252")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _content(lines: Sequence[str]) -> bytes:
    """Draw each line below the previous one, 14 points apart, from the top left of an A4 page."""
    out = [b"BT /F1 12 Tf 14 TL 72 770 Td"]
    for line in lines:
        out.append(b"(" + _escape(line) + b") Tj T*")
    out.append(b"ET")
    return b"\n".join(out)


def make_pdf(path: Path, pages: Sequence[str], *, title: str | None = None,
             outline: Sequence[tuple[str, int]] = (), password: str | None = None) -> Path:
    """Write a PDF with one page per string of `pages` (lines split on newlines; an empty string gives a page with
    no text), outline entries `(title, 0-based page)`, a /Title, and encryption with `password`."""
    writer = PdfWriter()
    font = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"),
        NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
    })
    font_ref = writer._add_object(font)
    for text in pages:
        page = writer.add_blank_page(width=595, height=842)
        page[NameObject("/Resources")] = DictionaryObject({
            NameObject("/Font"): DictionaryObject({NameObject("/F1"): font_ref}),
        })
        if text:
            stream = DecodedStreamObject()
            stream.set_data(_content(text.split("\n")))
            page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/MediaBox")] = ArrayObject([NumberObject(0), NumberObject(0), NumberObject(595),
                                                      NumberObject(842)])
    for heading, number in outline:
        writer.add_outline_item(heading, number)
    if title is not None:
        writer.add_metadata({"/Title": title})
    if password is not None:
        writer.encrypt(password, algorithm="AES-128")
    with path.open("wb") as handle:
        writer.write(handle)
    return path


__all__ = ["OUTLINE", "PAGES", "make_pdf"]
