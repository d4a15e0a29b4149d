"""How Word and OpenDocument files say a paragraph is in bold, and its size, for the headings typed as bold lines
(`test_bold_headings`): the complex scripts' own bold and size in Word (w:bCs, w:szCs)."""

from __future__ import annotations

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from rag.corpus.formats.docx import parse_docx
from tests.unit.test_bold_headings import BUY, CARDS, ON_BOARD, _saved

# "Buying a ticket", and a paragraph of text under it (long, ending a sentence: no heading), in Arabic
ARABIC_HEADING = "شراء التذكرة"
ARABIC_TEXT = ("يمكنكم شراء التذكرة من الموقع أو من التطبيق أو من آلات البيع في المحطات أو من شبابيك المحطات "
               "الرئيسية قبل السفر.")


def _headings(document) -> list[str]:
    return [" › ".join([*s.parents, str(s.heading)]) for s in parse_docx(_saved(document)).sections]


def _run(document, text: str, properties: str) -> None:
    """A paragraph of one run of `text` with run properties `properties` (w:rPr's children, as XML)."""
    document.add_paragraph()._p.append(parse_xml(
        f"<w:r {nsdecls('w')}><w:rPr>{properties}</w:rPr><w:t xml:space='preserve'>{text}</w:t></w:r>"))


def test_word_sets_complex_script_text_in_the_bold_and_size_of_bcs_and_szcs():
    """An Arabic heading in bold by w:bCs, its size w:szCs, is a heading; one whose w:b only says bold is not (Word
    shows it plain); a run marked complex script (w:cs) or right-to-left (w:rtl) is set so whatever its letters."""
    document = docx.Document()
    _run(document, ARABIC_HEADING, "<w:bCs/><w:szCs w:val='28'/>")
    document.add_paragraph(ARABIC_TEXT)
    _run(document, "Où acheter ?", "<w:rtl/><w:bCs/><w:szCs w:val='24'/>")
    document.add_paragraph(BUY)
    _run(document, ARABIC_HEADING, "<w:b/><w:sz w:val='28'/>")  # Latin bold: the Arabic letters are not
    document.add_paragraph(ARABIC_TEXT)
    _run(document, "À bord", "<w:cs/><w:b/>")  # complex script: w:b is not its bold
    document.add_paragraph(ON_BOARD)
    _run(document, f"{ARABIC_HEADING} – Acheter", "<w:b/><w:bCs/><w:sz w:val='28'/><w:szCs w:val='24'/>")
    document.add_paragraph(CARDS)  # both kinds of letters in bold, the run's size the larger: 14 pt, as the first
    assert _headings(document) == [ARABIC_HEADING, f"{ARABIC_HEADING} › Où acheter ?", f"{ARABIC_HEADING} – Acheter"]
    plain = docx.Document()
    for half in ("<w:b/>", "<w:bCs/>"):  # its Arabic letters, then its Latin ones, not in bold: not all of it is
        _run(plain, f"{ARABIC_HEADING} – Acheter", half)
        plain.add_paragraph(CARDS)
    assert _headings(plain) == ["None"]
