"""How Word and OpenDocument files say a paragraph is in bold, and its size, for the headings typed as bold lines
(`test_bold_headings`): Word's toggles over its document defaults, its on/off values, character styles' sizes, the
complex scripts' own bold and size (w:bCs, w:szCs); OpenDocument's weights, percentages and default style."""

from __future__ import annotations

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt

from rag.corpus.formats.docx import parse_docx
from rag.corpus.formats.odt import parse_odt
from tests.helpers.odt import odt
from tests.unit.test_bold_headings import BUY, CARDS, ON_BOARD, PETS, _saved, with_bold_style

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


def test_word_bold_styles_turn_over_the_document_defaults_bold():
    """Bold is a toggle: the defaults' w:b, then each style that says bold turns it over. Defaults in bold and a
    Normal style in bold make Normal text plain, and a paragraph in a style that says nothing bold."""
    document = docx.Document()
    document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).append(
        parse_xml(f"<w:b {nsdecls('w')}/>"))
    document.styles["Normal"].font.bold = True
    heading = document.styles.add_style("Intertitre", WD_STYLE_TYPE.PARAGRAPH)
    heading.base_style, heading.font.size = None, Pt(14)  # based on no style: bold from the defaults alone
    for line, text in (("Acheter son billet", BUY), ("Les cartes de réduction", CARDS)):
        document.add_paragraph(line, style="Intertitre")
        document.add_paragraph(text)
    assert _headings(document) == ["Acheter son billet", "Les cartes de réduction"]


def test_word_bold_is_off_for_0_false_and_off():
    document = with_bold_style()
    document.add_paragraph("Acheter son billet", style="Intertitre")
    document.add_paragraph(BUY)
    for off in ("0", "false", "off"):  # a run's own w:b sets it absolutely, whatever its style says
        document.add_paragraph(style="Intertitre")._p.append(parse_xml(
            f"<w:r {nsdecls('w')}><w:rPr><w:b w:val='{off}'/></w:rPr><w:t>Les cartes de réduction</w:t></w:r>"))
        document.add_paragraph(CARDS)
    assert _headings(document) == ["Acheter son billet"]


def test_word_size_comes_from_the_character_style_before_the_paragraph_style():
    document = docx.Document()
    large = document.styles.add_style("Grand titre", WD_STYLE_TYPE.CHARACTER)
    large.font.bold, large.font.size = True, Pt(16)
    document.add_paragraph().add_run("Acheter son billet", style="Grand titre")
    document.add_paragraph().add_run("Où acheter ?").bold = True  # 11 pt, the defaults'
    document.add_paragraph(BUY)
    document.add_paragraph().add_run("Les cartes de réduction", style="Grand titre")  # as large: no title
    document.add_paragraph(CARDS)
    assert _headings(document) == ["Acheter son billet › Où acheter ?", "Les cartes de réduction"]


def _odt_headings(body: str, automatic: str = "", styles: str = "") -> list[str]:
    parsed = parse_odt(odt(body, automatic=automatic, styles=styles))
    return [" › ".join([*s.parents, str(s.heading)]) for s in parsed.sections]


def _paragraph_style(name: str, properties: str, parent: str = "Standard") -> str:
    return (f'<style:style style:name="{name}" style:family="paragraph" style:parent-style-name="{parent}">'
            f"<style:text-properties {properties}/></style:style>")


def test_odt_a_percentage_is_of_the_size_around_it_and_semibold_is_bold():
    """fo:font-size="110%" of the default 12 pt is 13.2 pt, under a line in 14 pt (not 110 pt); fo:font-weight 600
    (semibold) shows bold, 500 does not."""
    automatic = (_paragraph_style("P1", 'fo:font-weight="bold" fo:font-size="14pt"')
                 + _paragraph_style("P2", 'fo:font-weight="600" fo:font-size="110%"')
                 + _paragraph_style("P3", 'fo:font-weight="500" fo:font-size="110%"'))
    body = (f'<text:p text:style-name="P1">Acheter son billet</text:p><text:p>{BUY}</text:p>'
            f'<text:p text:style-name="P2">Où acheter ?</text:p><text:p>{ON_BOARD}</text:p>'
            f'<text:p text:style-name="P3">À bord</text:p><text:p>{CARDS}</text:p>'
            f'<text:p text:style-name="P1">Nous contacter</text:p><text:p>{PETS}</text:p>')  # as large: no title
    assert _odt_headings(body, automatic) == ["Acheter son billet", "Acheter son billet › Où acheter ?",
                                              "Nous contacter"]


def test_odt_text_takes_the_size_of_the_default_paragraph_style():
    """style:default-style sets every paragraph's font where its styles do not: a span in bold over default text is in
    its 10 pt (not LibreOffice's 12), under a line in 11 pt."""
    default = '<style:default-style style:family="paragraph"><style:text-properties fo:font-size="10pt"/>' \
              "</style:default-style>"
    automatic = (_paragraph_style("P1", 'fo:font-weight="bold" fo:font-size="11pt"')
                 + '<style:style style:name="T1" style:family="text"><style:text-properties fo:font-weight="bold"/>'
                 "</style:style>")
    body = (f'<text:p text:style-name="P1">Acheter son billet</text:p>'
            f'<text:p><text:span text:style-name="T1">Où acheter ?</text:span></text:p><text:p>{BUY}</text:p>'
            f'<text:p text:style-name="P1">Nous contacter</text:p><text:p>{CARDS}</text:p>')  # as large: no title
    assert _odt_headings(body, automatic, default) == ["Acheter son billet › Où acheter ?", "Nous contacter"]
