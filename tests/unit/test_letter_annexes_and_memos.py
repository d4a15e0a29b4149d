"""Where a letter ends: an annex's title in regular weight under its signature heads the annex's text in a PDF (the
signature's lines stop at an annex's or enclosures' label), and a memo that greets its readers ("Bonjour à tous,")
keeps its title over its fields as a memo does, in Word, OpenDocument and PDF alike (`rag.corpus.formats.letters`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.corpus.formats.base import Parsed
from rag.corpus.formats.docx import parse_docx
from rag.corpus.formats.odt import parse_fodt
from rag.corpus.formats.pdf import parse_pdf
from tests.helpers.pdfs import HEIGHT, MARGIN, Placed, make_pdf, wrap

DATA = Path(__file__).resolve().parents[1] / "data" / "doc"
READERS = {".docx": parse_docx, ".fodt": parse_fodt, ".pdf": parse_pdf}
SIGNED = ["Veuillez agréer, Madame, l'expression de nos salutations distinguées.", "Claire Durand",
          "Responsable du service clients"]
TERMS = ("Le contrat couvre les dommages causés au logement par un incendie, un dégât des eaux ou une catastrophe "
         "naturelle, dans la limite de 300 000 € par sinistre.")


def _sections(parsed: Parsed) -> list[tuple[str, list[str]]]:
    return [(" › ".join([*s.parents, str(s.heading)]), [line.text for line in s.lines]) for s in parsed.sections]


def test_a_plain_annex_title_under_a_pdf_letters_signature_heads_its_text():
    """LibreOffice's PDF of a letter in one font, its signature over "Annexe 1 : Conditions particulières" in regular
    weight: the annex's title heads its text as the second annex's does (before: it was read as the signature's
    fourth line, and its text went on in the letter). Each line's offsets still point at its text."""
    parsed = parse_pdf((DATA / "courrier-annexe.pdf").read_bytes())
    sections = _sections(parsed)
    assert [heading for heading, _ in sections] == ["None", "Annexe 1 : Conditions particulières",
                                                    "Annexe 2 : Franchises"]
    assert sections[0][1][-3:] == SIGNED
    assert " ".join(sections[1][1]) == TERMS
    assert parsed.title == "Objet : Envoi de votre contrat d'assurance habitation"
    assert all(parsed.text[line.start:line.end] == line.text for section in parsed.sections for line in section.lines)


@pytest.mark.parametrize("enclosed", [
    [], ["Pièces jointes : 2"], ["Enclosures: 2"], ["P.J. : contrat, conditions particulières"]])
def test_an_enclosures_line_ends_a_pdf_letters_signature(tmp_path: Path, enclosed: list[str]):
    """The enclosures' line under a signature ("Pièces jointes : 2") is none of its lines: the annex's title under it
    still heads its text (before: the signature's four short lines took it in)."""
    subject = "Objet : Envoi de votre contrat"  # in bold, as the signer's name
    lines = ["Paris, le 3 mars 2026", subject, "Madame,", TERMS, *SIGNED, *enclosed,
             "Annexe 1 : Conditions particulières", TERMS]
    placed: list[Placed] = []
    y = HEIGHT - 80.0
    for text in lines:
        for line in wrap(text, 480, 10.0, text in (subject, SIGNED[1])):
            placed.append((MARGIN, y, line, 10.0, text in (subject, SIGNED[1])))
            y -= 13.0
    parsed = parse_pdf(make_pdf(tmp_path / "letter.pdf", [placed]).read_bytes())
    assert [heading for heading, _ in _sections(parsed)] == ["None", "Annexe 1 : Conditions particulières"]
    assert _sections(parsed)[0][1][-len(enclosed) - 3:] == [*SIGNED, *enclosed]


@pytest.mark.parametrize("suffix", READERS)
def test_a_memo_that_greets_its_readers_keeps_its_title_over_its_fields(suffix: str):
    """A "Note de service" in bold 16 pt over its fields ("À :", "De :", "Date :"), its bold subject over "Bonjour à
    tous,": a memo, its title the note's (before: read as a letter, the title was text of its head and the subject
    titled it); its subject is text, its bold headings head their text, its signature is text."""
    parsed = READERS[suffix]((DATA / f"note-de-service{suffix}").read_bytes())
    sections = _sections(parsed)
    assert (parsed.title, [heading for heading, _ in sections]) == (
        "Note de service", ["Note de service", "Organisation du travail", "Accès au parking"])
    assert sections[0][1][:5] == ["À : l'ensemble du personnel", "De : Direction des ressources humaines",
                                  "Date : 3 mars 2026", "Objet : Fermeture des bureaux pendant les travaux",
                                  "Bonjour à tous,"]
    assert sections[-1][1][-3:] == ["Cordialement,", "Marie Lefèvre", "Directrice des ressources humaines"]
