"""Headings typed as bold lines in Word and OpenDocument files: most people set a heading apart by making its paragraph
bold (and larger), in the default style. In a document without heading styles, such a paragraph that reads as a
heading and heads some text opens a section, its level from its size; bold words opening a paragraph, a bold list
item or table cell, and a styled document's bold lines stay text."""

from __future__ import annotations

import io

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt

from rag.corpus.formats.docx import parse_docx
from rag.corpus.formats.odt import parse_odt
from tests.helpers.odt import odt

BUY = ("Vous pouvez acheter votre billet sur le site, dans l'application, aux distributeurs des gares et aux "
       "guichets des gares principales.")
ON_BOARD = "Dans les petites gares sans distributeur, le billet s'achète à bord auprès du contrôleur, au tarif normal."
CARDS = "Les cartes de réduction sont valables un an à partir de la date choisie à l'achat, et sont nominatives."
PETS = "Les petits animaux de moins de 6 kg voyagent dans un panier fermé, moyennant un billet à 7 €."


def _word(blocks: list[tuple[str, str, float | None]], *, title: str | None = None, heading_styles: bool = False):
    """A Word document of (style, text, bold size) paragraphs: a size makes the whole paragraph bold in it."""
    document = docx.Document()
    if title is not None:
        document.core_properties.title = title
    if heading_styles:
        document.add_heading("Conditions", 1)
    for style, text, size in blocks:
        run = document.add_paragraph(style=style).add_run(text)
        if size is not None:
            run.bold, run.font.size = True, Pt(size)
    return document


def _sections(document) -> list[tuple[str, list[str]]]:
    out = io.BytesIO()
    document.save(out)
    parsed = parse_docx(out.getvalue())
    return [(" › ".join([*s.parents, str(s.heading)]), [line.text for line in s.lines]) for s in parsed.sections]


GUIDE = [("Normal", "Ferrovia – Guide du voyageur", 18), ("Normal", "Édition 2025, pour préparer votre voyage.", None),
         ("Normal", "Acheter son billet", 14), ("Normal", "Où acheter ?", 11), ("Normal", BUY, None),
         ("Normal", "À bord", 11), ("Normal", ON_BOARD, None),
         ("Normal", "Les cartes de réduction", 14), ("Normal", CARDS, None),
         ("Normal", "Animaux", 11), ("Normal", PETS, None)]


def test_bold_paragraphs_of_two_sizes_are_headings_of_two_levels_under_a_larger_first_one_the_title():
    document = _word(GUIDE)
    assert _sections(document) == [
        ("Ferrovia – Guide du voyageur", ["Édition 2025, pour préparer votre voyage."]),
        ("Acheter son billet › Où acheter ?", [BUY]),
        ("Acheter son billet › À bord", [ON_BOARD]),
        ("Les cartes de réduction", [CARDS]),
        ("Les cartes de réduction › Animaux", [PETS]),  # 11 pt after 14 pt: under it
    ]
    out = io.BytesIO()
    document.save(out)
    parsed = parse_docx(out.getvalue())
    assert parsed.title == "Ferrovia – Guide du voyageur"  # no title property: the first, larger than all others
    assert parse_docx(_saved(_word(GUIDE, title="Guide Ferrovia"))).title == "Guide Ferrovia"
    for section in parsed.sections:  # each heading where its section says, in the text citations index
        assert parsed.text is not None and section.heading_start is not None
        assert parsed.text.startswith(section.heading or "", section.heading_start)


def _saved(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_first_bold_line_no_larger_than_the_others_is_a_heading_not_the_title():
    sections = _sections(_word([("Normal", "Acheter son billet", 14), ("Normal", BUY, None),
                                ("Normal", "Les cartes de réduction", 14), ("Normal", CARDS, None)]))
    assert sections == [("Acheter son billet", [BUY]), ("Les cartes de réduction", [CARDS])]
    assert parse_docx(_saved(_word([("Normal", "Acheter son billet", 14), ("Normal", BUY, None)]))).title is None


def test_bold_words_opening_a_paragraph_a_bold_warning_and_bold_lines_heading_nothing_stay_text():
    document = _word([("Normal", "Acheter son billet", 14), ("Normal", BUY, None),
                      ("Normal", "Attention : le billet est nominatif.", 11), ("Normal", ON_BOARD, None)])
    paragraph = document.add_paragraph()
    paragraph.add_run("Important :").bold = True
    paragraph.add_run(" les billets sont nominatifs.")
    document.add_paragraph(CARDS)
    for line in ("Ferrovia Régions", "Service Relation Client"):  # a signature: a bold line over one as large, or none
        document.add_paragraph().add_run(line).bold = True
    assert _sections(document) == [("Acheter son billet", [
        BUY, "Attention : le billet est nominatif.", ON_BOARD, "Important : les billets sont nominatifs.", CARDS,
        "Ferrovia Régions", "Service Relation Client"])]


LETTER = ["Objet : résiliation de mon abonnement", BUY, "Madame Dupont", CARDS]


def test_a_document_typed_all_in_bold_has_no_bold_headings():
    """Where the text too is in bold (the document defaults', the default style's, or each run's), a bold line is not
    set apart from the text after it: a letter typed all in bold keeps its lines as text."""
    defaults = docx.Document()
    defaults.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).append(
        parse_xml(f"<w:b {nsdecls('w')}/>"))
    by_hand = docx.Document()
    for line in LETTER:
        defaults.add_paragraph(line)
        by_hand.add_paragraph().add_run(line).bold = True
    assert _sections(defaults) == _sections(by_hand) == [("None", LETTER)]
    bold = '<style:text-properties fo:font-weight="bold"/>'
    body = "".join(f'<text:p text:style-name="Standard">{line}</text:p>' for line in LETTER)
    for styles in (f'<style:default-style style:family="paragraph">{bold}</style:default-style>',
                   f'<style:style style:name="Standard" style:family="paragraph">{bold}</style:style>'):
        parsed = parse_odt(odt(body, styles=styles))
        assert [(s.heading, [line.text for line in s.lines]) for s in parsed.sections] == [(None, LETTER)]


def test_a_bold_line_heads_text_in_bold_smaller_than_itself_but_not_text_larger_than_itself():
    """A title in 18 pt heads a lead paragraph in bold in 11 pt; a caption in bold in 9 pt over text in 11 pt is
    no heading (nor does it make the first heading, larger, a title)."""
    lead = [("Normal", "Ferrovia – Guide du voyageur", 18), ("Normal", BUY, 11), ("Normal", "Où acheter ?", 11),
            ("Normal", ON_BOARD, None)]
    assert _sections(_word(lead)) == [("Ferrovia – Guide du voyageur", [BUY]), ("Où acheter ?", [ON_BOARD])]
    caption = [("Normal", "Acheter son billet", 14), ("Normal", BUY, None),
               ("Normal", "Figure 1 – Plan du réseau régional", 9), ("Normal", ON_BOARD, None)]
    parsed = parse_docx(_saved(_word(caption)))
    assert parsed.title is None
    assert [(s.heading, [line.text for line in s.lines]) for s in parsed.sections] == [
        ("Acheter son billet", [BUY, "Figure 1 – Plan du réseau régional", ON_BOARD])]
    small = '<style:style style:name="P9" style:family="paragraph"><style:text-properties fo:font-weight="bold" ' \
            'fo:font-size="9pt"/></style:style>'
    body = f'<text:p text:style-name="P9">Figure 1 – Plan du réseau régional</text:p><text:p>{ON_BOARD}</text:p>'
    assert [s.heading for s in parse_odt(odt(body, automatic=small)).sections] == [None]  # 9 pt over 12 pt


def test_a_caption_or_a_quotation_in_bold_is_no_heading():
    """Word's Caption (bold, 9 pt) and Intense Quote (bold) styles, and LibreOffice's captions and quotations, set
    their text in bold without making it a heading: "Figure 1" made "Acheter son billet", larger, the title."""
    document = _word([("Normal", "Acheter son billet", 14), ("Normal", BUY, None)])
    document.add_paragraph("Figure 1 – Plan du réseau régional", style="Caption")
    document.add_paragraph(ON_BOARD)
    document.add_paragraph("Le train, c'est la liberté", style="Intense Quote")
    document.add_paragraph(CARDS)
    parsed = parse_docx(_saved(document))
    assert parsed.title is None
    assert [(s.heading, [line.text for line in s.lines]) for s in parsed.sections] == [
        ("Acheter son billet", [BUY, "Figure 1 – Plan du réseau régional", ON_BOARD, "Le train, c'est la liberté",
                                CARDS])]
    bold = '<style:text-properties fo:font-weight="bold"/>'
    styles = (f'<style:style style:name="Caption" style:family="paragraph">{bold}</style:style>'
              '<style:style style:name="Figure" style:family="paragraph" style:parent-style-name="Caption"/>'
              f'<style:style style:name="Quotations" style:family="paragraph">{bold}</style:style>')
    body = (f'<text:p text:style-name="Figure">Figure 1 – Plan du réseau régional</text:p><text:p>{ON_BOARD}</text:p>'
            f'<text:p text:style-name="Quotations">Le train, c\'est la liberté</text:p><text:p>{CARDS}</text:p>')
    assert [s.heading for s in parse_odt(odt(body, styles=styles)).sections] == [None]


def test_a_bold_list_item_and_a_bold_table_cell_are_no_headings():
    document = _word([("Normal", "Acheter son billet", 14), ("Normal", BUY, None),
                      ("List Bullet", "Billet Mini", 11), ("Normal", ON_BOARD, None)])
    table = document.add_table(rows=2, cols=1)
    table.cell(0, 0).paragraphs[0].add_run("Carte Jeune").bold = True
    table.cell(1, 0).text = CARDS
    assert _sections(document) == [("Acheter son billet", [BUY, "• Billet Mini", ON_BOARD, "Carte Jeune", CARDS])]


def test_a_document_with_heading_styles_keeps_its_bold_lines_as_text():
    """A document that marks its headings with styles says what they are: its bold lines are emphasis."""
    blocks = [("Normal", "Acheter son billet", 14), ("Normal", BUY, None)]
    assert _sections(_word(blocks)) == [("Acheter son billet", [BUY])]
    assert _sections(_word(blocks, heading_styles=True)) == [("Conditions", ["Acheter son billet", BUY])]


def with_bold_style() -> docx.document.Document:
    """A Word document with a paragraph style in bold, 13 pt, "Intertitre": a heading style made by hand."""
    document = docx.Document()
    style = document.styles.add_style("Intertitre", WD_STYLE_TYPE.PARAGRAPH)
    style.font.bold, style.font.size = True, Pt(13)
    return document


def test_bold_comes_from_the_run_its_character_style_or_the_paragraph_style_and_can_be_turned_off():
    document = with_bold_style()
    document.add_paragraph("Acheter son billet", style="Intertitre")
    document.add_paragraph(BUY)
    document.add_paragraph().add_run("À bord", style="Strong")  # a bold character style
    document.add_paragraph(ON_BOARD)
    document.add_paragraph("Les cartes de réduction", style="Intertitre").runs[0].bold = False  # w:b w:val="0"
    document.add_paragraph(CARDS)
    strong_in_bold = document.add_paragraph(style="Intertitre")
    strong_in_bold.add_run("Animaux", style="Strong")  # bold twice: Word's toggle shows it not bold
    document.add_paragraph(PETS)
    document.add_paragraph()._p.append(parse_xml(  # a run's own w:b wins over its styles
        f"<w:r {nsdecls('w')}><w:rPr><w:rStyle w:val='Strong'/><w:b w:val='1'/></w:rPr><w:t>Vélos</w:t></w:r>"))
    document.add_paragraph(PETS)
    document.add_paragraph("Nous contacter", style="Intertitre")
    document.add_paragraph(CARDS)
    assert _sections(document) == [
        ("Acheter son billet", [BUY]),
        ("Acheter son billet › À bord", [ON_BOARD, "Les cartes de réduction", CARDS, "Animaux", PETS]),
        ("Acheter son billet › Vélos", [PETS]),  # 11 pt (the document defaults') under 13 pt
        ("Nous contacter", [CARDS]),
    ]


BOLD_STYLES = ('<style:style style:name="P1" style:family="paragraph" style:parent-style-name="Standard">'
               '<style:text-properties fo:font-weight="bold" fo:font-size="14pt"/></style:style>'
               '<style:style style:name="P2" style:family="paragraph" style:parent-style-name="Standard">'
               '<style:text-properties fo:font-weight="bold"/></style:style>'
               '<style:style style:name="T1" style:family="text"><style:text-properties fo:font-weight="bold"/>'
               '</style:style>')


def _odt_sections(body: str) -> list[tuple[str, list[str]]]:
    parsed = parse_odt(odt(body, automatic=BOLD_STYLES))
    return [(" › ".join([*s.parents, str(s.heading)]), [line.text for line in s.lines]) for s in parsed.sections]


def test_an_odt_paragraph_bold_by_its_style_or_by_spans_over_all_its_text_is_a_heading_its_size_its_level():
    body = (f'<text:p text:style-name="P1">Acheter son billet</text:p><text:p>{BUY}</text:p>'
            '<text:p><text:span text:style-name="T1">À </text:span> <text:span text:style-name="T1">bord</text:span>'
            f'</text:p><text:p>{ON_BOARD}</text:p>'
            '<text:p><text:span text:style-name="T1">Important :</text:span> les billets sont nominatifs.</text:p>'
            f'<text:p text:style-name="P2">Cartes</text:p><text:p>{CARDS}</text:p>'
            '<text:list><text:list-item><text:p text:style-name="P2">Billet Mini</text:p></text:list-item></text:list>'
            f'<table:table><table:table-row><table:table-cell><text:p text:style-name="P2">Animaux</text:p>'
            f'</table:table-cell></table:table-row></table:table><text:p>{PETS}</text:p>'
            f'<text:p text:style-name="P1">Nous contacter</text:p><text:p>{CARDS}</text:p>')
    assert _odt_sections(body) == [
        ("Acheter son billet", [BUY]),
        ("Acheter son billet › À bord", [ON_BOARD, "Important : les billets sont nominatifs."]),
        ("Acheter son billet › Cartes", [CARDS, "• Billet Mini", "Animaux", PETS]),  # 12 pt under 14 pt
        ("Nous contacter", [CARDS]),
    ]
    headed = '<text:h text:outline-level="1">Conditions</text:h>' + body  # an outline of its own: bold is text
    assert [heading for heading, _ in _odt_sections(headed)] == ["Conditions"]


def test_an_odt_first_bold_line_larger_than_the_others_is_its_title_unless_meta_xml_gives_one():
    automatic = BOLD_STYLES + ('<style:style style:name="P3" style:family="paragraph" style:parent-style-name="P2">'
                               '<style:text-properties fo:font-size="150%"/></style:style>')  # 18 pt, bold from P2
    body = (f'<text:p text:style-name="P3">Guide du voyageur</text:p><text:p>{BUY}</text:p>'
            f'<text:p text:style-name="P1">Les cartes de réduction</text:p><text:p>{CARDS}</text:p>')
    parsed = parse_odt(odt(body, automatic=automatic))
    assert parsed.title == "Guide du voyageur"
    assert [(s.heading, s.parents) for s in parsed.sections] == [("Guide du voyageur", ()),
                                                                  ("Les cartes de réduction", ())]
    assert parse_odt(odt(body, automatic=automatic, title="Guide Ferrovia")).title == "Guide Ferrovia"


def test_each_run_is_read_once_and_a_blank_paragraphs_fonts_never(monkeypatch):
    """The cost of bold headings on a long document: a run's text is read once (for the paragraph's text and for its
    fonts alike), and the fonts of a paragraph only where it may head a section or follow one that may; never a blank
    one's, which heads nothing (three after "Acheter son billet", each of five bold runs without text)."""
    import rag.corpus.formats.docx as word

    document = _word(GUIDE)
    for _ in range(3):
        blank = document.add_paragraph()
        for _ in range(5):
            blank.add_run("").bold = True
        document.paragraphs[2]._p.addnext(blank._p)
    texts, fonts = [], []
    run_text, font = word._run_text, word.Fonts.font
    monkeypatch.setattr(word, "_run_text", lambda run, paragraph: texts.append(run) or run_text(run, paragraph))
    monkeypatch.setattr(word.Fonts, "font", lambda self, paragraph, *rest: fonts.append(paragraph) or font(
        self, paragraph, *rest))
    assert _sections(document)[1][0] == "Acheter son billet › Où acheter ?"
    assert len(texts) == len(GUIDE) + 3 * 5  # one run a paragraph of the guide, five in each blank one
    assert len(fonts) == 6 + 5  # the guide's six bold lines, and the five paragraphs of text after one


def test_a_paragraph_in_the_title_style_is_the_title_and_no_bold_line_is_another():
    """Word's Title style says which paragraph is the title: the largest bold line is then the first heading, and the
    headings in a smaller size stand under it."""
    headings = [("Normal", "Acheter son billet", 14), ("Normal", BUY, None), ("Normal", "Où acheter ?", 11),
                ("Normal", ON_BOARD, None)]
    parsed = parse_docx(_saved(_word([("Title", "Guide Ferrovia", None), *headings])))
    assert parsed.title == "Guide Ferrovia"
    assert [(s.heading, s.parents) for s in parsed.sections] == [("Acheter son billet", ()),
                                                                  ("Où acheter ?", ("Acheter son billet",))]
    before = [("Normal", "Ferrovia Régions", 18), ("Normal", CARDS, None), ("Title", "Guide Ferrovia", None)]
    assert parse_docx(_saved(_word([*before, *headings]))).title == "Guide Ferrovia"  # not the bold line before it


def test_a_bold_line_above_the_title_heads_none_of_the_documents_sections():
    """A letterhead above the Title paragraph ("CONFIDENTIEL", a company's name in bold over its address) is text,
    in Word and OpenDocument alike; a bold line above the title over a paragraph heads that paragraph, but none of the
    sections after the title. Before, the largest bold line above the title stood over every heading after it."""
    letterhead = [("Normal", "ACME Conseil", 18), ("Normal", "12 rue de la Paix, 75002 Paris", None),
                  ("Normal", "CONFIDENTIEL", 11), ("Title", "Guide Ferrovia", None)]
    headings = [("Normal", "Acheter son billet", 14), ("Normal", BUY, None), ("Normal", "Où acheter ?", 11),
                ("Normal", ON_BOARD, None)]
    after = [("Acheter son billet", [BUY]), ("Acheter son billet › Où acheter ?", [ON_BOARD])]
    assert _sections(_word([*letterhead, *headings])) == [
        ("None", ["ACME Conseil", "12 rue de la Paix, 75002 Paris", "CONFIDENTIEL"]), *after]
    over_text = [("Normal", "Ferrovia Régions", 18), ("Normal", CARDS, None), ("Title", "Guide Ferrovia", None)]
    assert _sections(_word([*over_text, *headings])) == [("Ferrovia Régions", [CARDS]), *after]
    automatic = BOLD_STYLES + ('<style:style style:name="P3" style:family="paragraph" style:parent-style-name="P2">'
                               '<style:text-properties fo:font-size="150%"/></style:style>')  # 18 pt, bold from P2
    body = ('<text:p text:style-name="P3">ACME Conseil</text:p><text:p>12 rue de la Paix, 75002 Paris</text:p>'
            '<text:p text:style-name="Title">Guide Ferrovia</text:p>'
            f'<text:p text:style-name="P1">Acheter son billet</text:p><text:p>{BUY}</text:p>'
            f'<text:p text:style-name="P2">Où acheter ?</text:p><text:p>{ON_BOARD}</text:p>')
    parsed = parse_odt(odt(body, automatic=automatic))
    assert parsed.title == "Guide Ferrovia"
    assert [(" › ".join([*s.parents, str(s.heading)]), [line.text for line in s.lines]) for s in parsed.sections] == [
        ("None", ["ACME Conseil", "12 rue de la Paix, 75002 Paris"]), *after]
