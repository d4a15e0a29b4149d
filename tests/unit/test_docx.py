"""Word (.docx) ingest: the body's paragraphs and table rows as one text, heading-style sections, the title;
bad Word files reported; a passage of a .docx found by search and cited into its extracted text."""

from __future__ import annotations

import io
import re
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Pt
from lxml import etree

from rag.corpus.formats.docx import CELL_SEPARATOR, ENCRYPTED, NOT_A_ZIP, OLD_WORD, parse_docx
from rag.corpus.reader import Skipped, read_document, read_file
from tests.helpers.office import saved_as
from tests.helpers.word import FEES, PAYOUTS, make_guide, ole

GUIDE_TEXT = (
    "Guide du marchand en ligne\n"
    "Ce guide explique comment vendre sur la place de marché.\n"
    "Ouverture du compte\n"
    "Envoyez le formulaire d'inscription signé\tet un extrait Kbis.\nLe compte est activé sous deux jours ouvrés.\n"
    "Formule | Frais\n"
    "Ouverture | standard | 5 €\n"
    "Ouverture | express | 9 €\n"
    f"{FEES}\n"
    "Virements aux marchands\n"
    f"{PAYOUTS}\n"
    "Relevés\n"
    "Les relevés des douze derniers mois restent consultables dans l'espace marchand.\n"
)


def _read(path: Path):
    return read_document(path.parent, path)


def test_the_text_is_the_body_in_order_with_one_line_per_table_row(tmp_path):
    doc = _read(make_guide(tmp_path / "guide.docx"))
    assert doc.text == GUIDE_TEXT
    assert doc.page_starts is None and doc.page(0) is None  # no pages in a Word document
    for section in doc.sections:
        for line in section.lines:
            assert doc.text[line.start:line.end] == line.text


def test_a_run_reads_as_python_docx_reads_it(tmp_path):
    """rag reads runs itself (python-docx's `Paragraph.text` misses tracked insertions): the same text."""
    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph._p.append(parse_xml(
        f"<w:r {nsdecls('w')}><w:t>porte</w:t><w:noBreakHyphen/><w:t xml:space='preserve'>monnaie </w:t><w:tab/>"
        "<w:ptab w:relativeTo='margin' w:alignment='right' w:leader='none'/><w:t>fin</w:t><w:br/><w:cr/>"
        "<w:br w:type='page'/><w:t>suite</w:t><w:instrText>PAGE</w:instrText></w:r>"))
    document.save(tmp_path / "runs.docx")
    assert paragraph.text == "porte-monnaie \t\tfin\n\nsuite"
    assert _read(tmp_path / "runs.docx").text == paragraph.text + "\n"


def test_heading_styles_open_sections_starting_at_their_heading(tmp_path):
    doc = _read(make_guide(tmp_path / "guide.docx"))
    assert [(s.heading, [line.text for line in s.lines]) for s in doc.sections] == [
        ("Guide du marchand en ligne", ["Ce guide explique comment vendre sur la place de marché."]),
        ("Ouverture du compte", ["Envoyez le formulaire d'inscription signé\tet un extrait Kbis.",
                                 "Le compte est activé sous deux jours ouvrés.", "Formule | Frais",
                                 "Ouverture | standard | 5 €", "Ouverture | express | 9 €", FEES]),
        ("Virements aux marchands", [PAYOUTS]),
        # a Heading 2 under the Heading 1 before it; the Title is the document's, no heading stands under it
        ("Virements aux marchands › Relevés",
         ["Les relevés des douze derniers mois restent consultables dans l'espace marchand."]),
    ]
    for section in doc.sections:
        assert section.heading_start is not None
        own = section.heading.rpartition(" › ")[2]  # the path's last heading is the one at heading_start
        assert doc.text.startswith(own, section.heading_start)


def test_title_from_the_core_properties_else_the_title_style_else_the_file_name(tmp_path):
    assert _read(make_guide(tmp_path / "a.docx")).title == "Guide du marchand"
    assert _read(make_guide(tmp_path / "b.docx", title="  ")).title == "Guide du marchand en ligne"
    document = docx.Document()
    document.add_paragraph("Un seul paragraphe, sans titre.")
    document.save(tmp_path / "conditions-generales.docx")
    assert _read(tmp_path / "conditions-generales.docx").title == "Conditions generales"


MC = "xmlns:mc='http://schemas.openxmlformats.org/markup-compatibility/2006'"
WPS = "xmlns:wps='http://schemas.microsoft.com/office/word/2010/wordprocessingShape'"
VML = "xmlns:v='urn:schemas-microsoft-com:vml'"
GRAPHIC = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"


def _xml_paragraph(body: str) -> object:
    return parse_xml(f"<w:p {nsdecls('w', 'wp', 'a')} {MC} {WPS} {VML}>{body}</w:p>")


def _text_box(text: str) -> str:
    """A run holding a text box as Word writes one: a drawing, and a VML copy for older readers."""
    content = f"<w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent>"
    return (f"<w:r><mc:AlternateContent><mc:Choice Requires='wps'><w:drawing><wp:inline><a:graphic>"
            f"<a:graphicData uri='{GRAPHIC}'><wps:wsp><wps:txbx>{content}</wps:txbx></wps:wsp></a:graphicData>"
            f"</a:graphic></wp:inline></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>{content}"
            "</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>")


def _content_control(gallery: str, text: str) -> object:
    """A block content control (w:sdt) of a building-block gallery holding one paragraph, as Word writes a table
    of contents."""
    return parse_xml(f"<w:sdt {nsdecls('w')}><w:sdtPr><w:docPartObj><w:docPartGallery w:val='{gallery}'/>"
                     f"</w:docPartObj></w:sdtPr><w:sdtContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p>"
                     "</w:sdtContent></w:sdt>")


def test_tracked_changes_text_boxes_content_controls_and_contents_are_read_as_word_shows_the_body(tmp_path):
    document = docx.Document()
    document.styles.add_style("toc 1", WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("Table des matières", style="TOC Heading")
    document.add_paragraph("Retours\t3", style="toc 1")
    document.add_heading("Retours", 1)
    body = document.element.body
    body.insert(len(body) - 1, _xml_paragraph(  # before the section properties that end the body
        "<w:r><w:t xml:space='preserve'>Un client retourne un article sous </w:t></w:r>"
        "<w:del w:id='1' w:author='a'><w:r><w:delText>sept</w:delText></w:r></w:del>"
        "<w:ins w:id='2' w:author='a'><w:r><w:t>quatorze</w:t></w:r></w:ins>"
        "<w:r><w:t xml:space='preserve'> jours</w:t></w:r>"
        f"{_text_box('Encadré : voir les conditions.')}"
        "<mc:AlternateContent><mc:Choice Requires='w14'><w:r><w:t>.</w:t></w:r></mc:Choice>"
        "<mc:Fallback><w:r><w:t>.</w:t></w:r></mc:Fallback></mc:AlternateContent>"))
    body.insert(len(body) - 1, _content_control("Table of Contents", "Retours\t3"))
    body.insert(len(body) - 1, _content_control("Quick Parts", "Le remboursement suit la réception."))
    document.save(tmp_path / "changes.docx")
    doc = _read(tmp_path / "changes.docx")
    assert doc.text == ("Retours\nUn client retourne un article sous quatorze jours.\n"
                        "Le remboursement suit la réception.\n")


def test_a_style_based_on_a_heading_and_an_outline_level_make_headings_and_other_styles_do_not(tmp_path):
    document = docx.Document()
    custom = document.styles.add_style("Titre maison", WD_STYLE_TYPE.PARAGRAPH)
    custom.base_style = document.styles["Heading 2"]
    custom.font.size = Pt(15)
    document.add_paragraph("Garanties", style="Titre maison")
    document.add_paragraph("Les articles neufs sont garantis deux ans.")
    levelled = document.add_paragraph("Exclusions")
    levelled._p.get_or_add_pPr().append(parse_xml(f"<w:outlineLvl {nsdecls('w')} w:val='1'/>"))
    document.add_paragraph("L'usure normale n'est pas couverte.", style="Subtitle")
    document.add_paragraph("Sans niveau", style="Heading 3")._p.get_or_add_pPr().append(
        parse_xml(f"<w:outlineLvl {nsdecls('w')} w:val='9'/>"))  # level 9: body text, whatever the style
    document.save(tmp_path / "styles.docx")
    doc = _read(tmp_path / "styles.docx")
    assert [(s.heading, [line.text for line in s.lines]) for s in doc.sections] == [
        ("Garanties", ["Les articles neufs sont garantis deux ans."]),
        ("Exclusions", ["L'usure normale n'est pas couverte.", "Sans niveau"]),
    ]


def _numbered(paragraph, num_id: str, level: int = 0) -> None:
    paragraph._p.get_or_add_pPr().append(parse_xml(
        f"<w:numPr {nsdecls('w')}><w:ilvl w:val='{level}'/><w:numId w:val='{num_id}'/></w:numPr>"))


def _style_numbering(document, style: str, xml: str, based_on: str | None = None) -> None:
    element = document.styles[style].element
    if based_on:
        document.styles[style].base_style = document.styles[based_on]
    element.get_or_add_pPr().insert(0, parse_xml(f"<w:numPr {nsdecls('w')}>{xml}</w:numPr>"))


def test_a_heading_numbered_by_its_style_takes_its_list_and_level_as_word_merges_them(tmp_path):
    """An HR handbook's "Article 3" over "3.2" (audit 56): a multilevel list linked to the heading styles. Word's
    stock Heading 2 sets the level only and takes the list from Heading 1, which it is based on; "Link level to
    style" writes the list only, the level being the one whose w:pStyle names the style (ISO 29500, 17.9.23),
    whatever level the style says. Read as one w:numPr, the first gave Heading 2 no number, the second "Article 2"
    for "1.1"; a style switching numbering off (numId 0) numbers nothing."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(
        f"<w:abstractNum {nsdecls('w')} w:abstractNumId='80'>"
        + "".join(f"<w:lvl w:ilvl='{i}'><w:start w:val='1'/><w:numFmt w:val='decimal'/><w:pStyle w:val='{style}'/>"
                  f"<w:lvlText w:val='{text}'/></w:lvl>"
                  for i, (style, text) in enumerate((("Heading1", "Article %1"), ("Heading2", "%1.%2"),
                                                     ("Heading3", "%1.%2.%3"))))
        + "</w:abstractNum>"))
    numbering.append(parse_xml(f"<w:num {nsdecls('w')} w:numId='80'><w:abstractNumId w:val='80'/></w:num>"))
    _style_numbering(document, "Heading 1", "<w:numId w:val='80'/>")
    _style_numbering(document, "Heading 2", "<w:ilvl w:val='1'/>", based_on="Heading 1")
    _style_numbering(document, "Heading 3", "<w:ilvl w:val='0'/><w:numId w:val='80'/>")  # the link says level 2
    document.styles.add_style("Titre annexe", WD_STYLE_TYPE.PARAGRAPH).base_style = document.styles["Heading 1"]
    _style_numbering(document, "Titre annexe", "<w:numId w:val='0'/>")
    for text, style in (("Temps de travail", "Heading 1"), ("Durée", "Heading 2"), ("Forfait", "Heading 3"),
                        ("Horaires", "Heading 2"), ("Congés", "Heading 1"), ("Congés payés", "Heading 2"),
                        ("Annexe", "Titre annexe")):
        document.add_paragraph(text, style=style)
        document.add_paragraph("Texte.")
    document.save(tmp_path / "manuel.docx")
    assert [s.heading for s in parse_docx((tmp_path / "manuel.docx").read_bytes()).sections] == [
        "Article 1 Temps de travail", "1.1 Durée", "1.1.1 Forfait", "1.2 Horaires", "Article 2 Congés",
        "2.1 Congés payés", "Annexe"]


def test_list_paragraphs_show_the_number_or_bullet_word_shows(tmp_path):
    """An expense procedure's numbered steps and bulleted notes: Word shows "1.", "2.", "•" before them, the text
    had none, so "the second step" or "étape 3" found nothing and a passage quoted a list without its numbers. Each
    list counts apart; a level's count goes on after a deeper item and restarts under a new item above it; a
    level's number shows in its own format where a deeper level's text quotes it ("1.a.1")."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    levels = [("decimal", "%1."), ("lowerLetter", "%2)"), ("decimal", "%1.%2.%3"), ("upperRoman", "%4 -")]
    numbering.insert(0, parse_xml(
        f"<w:abstractNum {nsdecls('w')} w:abstractNumId='90'>"
        + "".join(f"<w:lvl w:ilvl='{i}'><w:start w:val='1'/><w:numFmt w:val='{shape}'/><w:lvlText w:val='{text}'/>"
                  "</w:lvl>" for i, (shape, text) in enumerate(levels))
        + "</w:abstractNum>"))
    numbering.append(parse_xml(f"<w:num {nsdecls('w')} w:numId='90'><w:abstractNumId w:val='90'/></w:num>"))
    document.add_paragraph("Étapes :")
    for text in ("Ouvrez l'outil.", "Saisissez la dépense."):
        document.add_paragraph(text, style="List Number")
    document.add_paragraph("À savoir :")
    document.add_paragraph("gardez le ticket ;", style="List Bullet")
    document.add_paragraph("Validez la note.", style="List Number")  # the same list goes on
    for text, level in (("Train", 0), ("seconde classe", 1), ("billet", 2), ("annexe", 3), ("billet", 2),
                        ("première classe", 1), ("Hôtel", 0), ("Paris", 1)):
        _numbered(document.add_paragraph(text), "90", level)
    _numbered(document.add_paragraph("Sans numéro, sa liste ôtée."), "0")
    _numbered(document.add_paragraph("Liste sans définition."), "77")
    document.save(tmp_path / "frais.docx")
    doc = _read(tmp_path / "frais.docx")
    assert doc.text.splitlines() == [
        "Étapes :", "1. Ouvrez l'outil.", "2. Saisissez la dépense.", "À savoir :", "• gardez le ticket ;",
        "3. Validez la note.", "1. Train", "a) seconde classe", "1.a.1 billet", "I - annexe", "1.a.2 billet",
        "b) première classe", "2. Hôtel", "a) Paris", "Sans numéro, sa liste ôtée.", "Liste sans définition."]
    items = [line for section in doc.sections for line in section.lines if line.item]
    assert [line.text for line in items][:3] == [
        "1. Ouvrez l'outil.", "2. Saisissez la dépense.", "• gardez le ticket ;"]


def test_an_empty_list_paragraph_is_counted_as_word_shows_its_number(tmp_path):
    """Word shows "2." on an empty list paragraph, so the step after it is "3.": the empty item reads as no line,
    but the count goes on past it (before, every later step was one short)."""
    document = docx.Document()
    for text in ("Envoyer la lettre", "", "Attendre la réponse", "Relancer"):
        document.add_paragraph(text, style="List Number")
    document.save(tmp_path / "etapes.docx")
    assert _read(tmp_path / "etapes.docx").text.splitlines() == [
        "1. Envoyer la lettre", "3. Attendre la réponse", "4. Relancer"]


def test_lists_of_one_definition_go_on_with_one_count_and_a_start_override_restarts_where_its_list_is_met(tmp_path):
    """Word counts the lists (w:num) made from one definition (w:abstractNum) as one: a converter's or an editor's
    second list of the same definition goes on ("3." after "2."), and "restart at 1" (a list of the same
    definition with a w:startOverride) restarts the count where its first paragraph stands, every list of the
    definition going on from there. Counted per list, the numbers came 1, 2, 1, 1, 3, 2."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(
        f"<w:abstractNum {nsdecls('w')} w:abstractNumId='91'><w:lvl w:ilvl='0'><w:start w:val='1'/>"
        "<w:numFmt w:val='decimal'/><w:lvlText w:val='%1.'/></w:lvl><w:lvl w:ilvl='1'><w:start w:val='1'/>"
        "<w:numFmt w:val='lowerLetter'/><w:lvlText w:val='%2)'/></w:lvl></w:abstractNum>"))
    for num_id, override in (("91", ""), ("92", ""), ("93", "<w:lvlOverride w:ilvl='0'><w:startOverride "
                                                              "w:val='1'/></w:lvlOverride>"),
                             ("94", "<w:lvlOverride w:ilvl='1'><w:startOverride w:val='4'/></w:lvlOverride>")):
        numbering.append(parse_xml(f"<w:num {nsdecls('w')} w:numId='{num_id}'><w:abstractNumId w:val='91'/>"
                                   f"{override}</w:num>"))
    for text, num_id, level in (("Un", "91", 0), ("Deux", "91", 0), ("Trois", "92", 0), ("Reprise", "93", 0),
                                ("Suite", "91", 0), ("point", "91", 1), ("Encore", "93", 0), ("point", "94", 1),
                                ("point", "94", 1), ("Fin", "94", 0), ("point", "94", 1)):
        _numbered(document.add_paragraph(text), num_id, level)
    document.save(tmp_path / "listes.docx")
    assert _read(tmp_path / "listes.docx").text.splitlines() == [
        "1. Un", "2. Deux", "3. Trois", "1. Reprise", "2. Suite", "a) point", "3. Encore", "d) point", "e) point",
        "4. Fin", "d) point"]


def test_a_nested_table_reads_inside_its_cell(tmp_path):
    document = docx.Document()
    outer = document.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "Pays"
    cell = outer.cell(0, 1)
    cell.text = "Délais :"
    inner = cell.add_table(rows=2, cols=2)
    for row, (country, days) in enumerate([("France", "2 jours"), ("Belgique", "3 jours")]):
        inner.cell(row, 0).text, inner.cell(row, 1).text = country, days
    document.save(tmp_path / "nested.docx")
    assert _read(tmp_path / "nested.docx").text == \
        f"Pays{CELL_SEPARATOR}Délais : France | 2 jours Belgique | 3 jours\n"


def test_bad_word_files_raise_a_reason_a_person_can_act_on(tmp_path):
    good = make_guide(tmp_path / "good.docx").read_bytes()
    cases = {
        "cut.docx": good[: len(good) // 2],
        "lock.docx": b"\x0bJean Dupont" + bytes(150),  # what Word leaves as "~$guide.docx" while it is open
        "secret.docx": ole("EncryptedPackage"),
        "renamed.docx": ole("WordDocument"),
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    with zipfile.ZipFile(tmp_path / "nodocument.docx", "w") as archive:
        archive.writestr("notes.txt", "a zip, not a Word document")
    for name in ("cut.docx", "lock.docx"):
        with pytest.raises(ValueError, match=f"^{re.escape(NOT_A_ZIP)}$"):
            _read(tmp_path / name)
    with pytest.raises(ValueError, match=f"^{re.escape(ENCRYPTED)}$"):
        _read(tmp_path / "secret.docx")
    with pytest.raises(ValueError, match=f"^{re.escape(OLD_WORD)}$"):
        _read(tmp_path / "renamed.docx")
    with pytest.raises(ValueError, match=r"^damaged \.docx, cannot be parsed \(KeyError"):
        _read(tmp_path / "nodocument.docx")
    with pytest.raises(ValueError, match=r"^not a \.docx: an OLE compound file"):
        parse_docx(ole("Workbook"))


def test_a_word_template_or_document_with_macros_reads_as_a_docx_and_keeps_its_guards(tmp_path, monkeypatch):
    """A .docm, .dotx and .dotm hold a .docx's parts but for their main part's content type, which python-docx
    refuses, and a .docm's and .dotm's macros (a VBA project part, never opened, counted as any part); another
    application's package named .docx says what it is."""
    from rag.corpus.formats import archive

    data = make_guide(tmp_path / "guide.docx").read_bytes()
    for suffix in (".docm", ".dotx", ".dotm"):
        (tmp_path / f"guide{suffix}").write_bytes(saved_as(data, suffix))
        assert _read(tmp_path / f"guide{suffix}").text == GUIDE_TEXT
    macros = saved_as(data, ".docm")
    monkeypatch.setattr(archive, "ELEMENTS_MAX", elements(macros) - 1)
    with pytest.raises(ValueError, match=r"^refused \.docx: its XML holds over"):
        parse_docx(macros)
    monkeypatch.undo()
    deck = Path(__file__).parents[1] / "data" / "slides" / "formation-support.pptx"
    with pytest.raises(ValueError, match=r"^not a Word document: a PowerPoint presentation named \.docx; rename it "
                                         r"\.pptx$"):
        parse_docx(deck.read_bytes())


def test_an_empty_document_has_no_text(tmp_path):
    document = docx.Document()
    document.add_paragraph("")
    document.add_heading("Un titre sans texte", 1)
    document.save(tmp_path / "vide.docx")
    with pytest.raises(ValueError, match=r"^no text found$"):
        _read(tmp_path / "vide.docx")


def test_word_files_respect_the_file_size_limit(tmp_path):
    path = make_guide(tmp_path / "big.docx")
    with pytest.raises(ValueError, match="file too large"):
        read_document(tmp_path, path, max_bytes=path.stat().st_size - 1)


def test_a_docx_that_unzips_to_too_much_is_refused_before_it_is_inflated(tmp_path, monkeypatch):
    from rag.corpus.formats import archive

    data = make_guide(tmp_path / "guide.docx").read_bytes()
    unzipped = sum(part.file_size for part in zipfile.ZipFile(tmp_path / "guide.docx").infolist())
    monkeypatch.setattr(archive, "UNZIPPED_MAX_BYTES", unzipped - 1)  # as a zip bomb would exceed the real limit
    with pytest.raises(ValueError, match=rf"expands to {unzipped:,} bytes once unzipped, over the {unzipped - 1:,}"):
        parse_docx(data)
    monkeypatch.setattr(archive, "UNZIPPED_MAX_BYTES", unzipped)
    assert parse_docx(data).text  # at the limit, read


def elements(data: bytes) -> int:
    """The elements of every XML part of the zip archive `data` as lxml reads them, all together, and of a part that
    is not XML (python-docx's template has a thumbnail.jpeg) as many as its bytes "<" (an upper bound in any
    encoding)."""
    count = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            try:
                count += sum(1 for _ in etree.fromstring(archive.read(name)).iter(etree.Element))
            except etree.XMLSyntaxError:
                count += archive.read(name).count(b"<")
    return count


def _part_changed(data: bytes, name: str, change: Callable[[bytes], bytes]) -> bytes:
    """The zip archive `data` with its part `name` changed by `change`."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {part: archive.read(part) for part in archive.namelist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for part, content in parts.items():
            archive.writestr(part, change(content) if part == name else content)
    return out.getvalue()


def _utf32(part: bytes) -> bytes:
    return re.sub("encoding=['\"]UTF-8['\"]", "encoding='UTF-32'", part.decode("utf-8")).encode("utf-32")


@pytest.mark.parametrize("encoding", ["UTF-8", "UTF-32"])
def test_a_docx_of_more_elements_than_a_document_may_hold_is_refused_saying_what_to_do(tmp_path, monkeypatch,
                                                                                       encoding):
    """python-docx reads each part as a whole tree (lxml: some 350 bytes an element read): a few kilobytes of zip of
    millions of elements would take gigabytes. They are counted as the parts inflate, before any is a tree, by lxml as
    python-docx reads them; a part in UTF-32, which python-docx reads whole but neither expat nor lxml as it inflates,
    is counted too, by its "<" (about twice its elements)."""
    from rag.corpus.formats import archive

    data = make_guide(tmp_path / "guide.docx").read_bytes()
    if encoding == "UTF-32":
        data = _part_changed(data, "word/document.xml", _utf32)
        assert "Ouverture du compte" in parse_docx(data).text  # python-docx reads it
    monkeypatch.setattr(archive, "ELEMENTS_MAX", elements(data) - 1)
    with pytest.raises(ValueError, match=rf"^refused \.docx: its XML holds over {elements(data) - 1:,} elements .*"
                                         "split it into several documents$"):
        parse_docx(data)
    if encoding == "UTF-8":
        monkeypatch.setattr(archive, "ELEMENTS_MAX", elements(data))
        assert parse_docx(data).text  # at the limit, read


def test_a_docx_of_more_text_than_a_document_may_hold_is_refused_saying_what_to_do(monkeypatch):
    """Text is counted too: a few hundred kilobytes of zip may hold hundreds of millions of characters."""
    from rag.corpus.formats import archive

    document, out = docx.Document(), io.BytesIO()
    document.add_paragraph("mot " * 50_000)
    document.save(out)
    monkeypatch.setattr(archive, "CHARACTERS_MAX", 200_000 - 1)
    with pytest.raises(ValueError, match=r"^refused \.docx: its XML holds over 199,999 characters of text .* split it "
                                         "into several documents$"):
        parse_docx(out.getvalue())
    monkeypatch.setattr(archive, "CHARACTERS_MAX", 400_000)
    assert len(parse_docx(out.getvalue()).text) == 200_001  # and its "\n"


def test_a_docx_s_indentation_is_no_text_but_counts_toward_a_bound_of_its_own(monkeypatch):
    """python-docx's template holds 93,000 characters of indentation between its elements, which counted as text."""
    from rag.corpus.formats import archive

    document, out = docx.Document(), io.BytesIO()
    document.add_paragraph("Un paragraphe.")
    document.save(out)
    monkeypatch.setattr(archive, "CHARACTERS_MAX", 20_000)
    assert parse_docx(out.getvalue()).text == "Un paragraphe.\n"
    monkeypatch.setattr(archive, "RAW_CHARACTERS_MAX", 40_000)
    with pytest.raises(ValueError, match=r"^refused \.docx: its XML holds over 40,000 characters, white space inc"):
        parse_docx(out.getvalue())


def test_a_docx_part_declaring_entities_is_refused():
    """An entity-expansion bomb needs a DOCTYPE's internal subset: Word never writes one."""
    good = io.BytesIO()
    docx.Document().save(good)
    bomb = _part_changed(good.getvalue(), "word/document.xml",
                         lambda part: part.replace(b"?>", b'?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">]>', 1))
    with pytest.raises(ValueError, match=r"^refused \.docx: its word/document\.xml has a DOCTYPE with declarations "
                                         r"\(an internal subset\), which Office Open XML never has"):
        parse_docx(bomb)


def _lying(data: bytes, padding: int) -> bytes:
    """The .docx `data` with `padding` spaces after word/document.xml's root element (still well-formed XML), its
    zip directory declaring the size and CRC of the document without them: a reader that trusts the directory
    and cuts what it inflated to the declared size reads a valid document, after inflating it all."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info.filename, content + b" " * padding if info.filename == "word/document.xml"
                            else content)
        lying = target.getinfo("word/document.xml")
        document = source.read("word/document.xml")
        lying.file_size, lying.CRC = len(document), zlib.crc32(document)  # written in the directory at close
    return out.getvalue()


def test_a_docx_whose_zip_directory_lies_about_sizes_is_refused_in_bounded_memory(tmp_path):
    """Inflation is bounded by what the data holds, not by what the directory declares: 96 MiB of hidden padding
    once took as much memory (2.1 GB for a larger one) before zipfile cut it to the declared size."""
    data = make_guide(tmp_path / "guide.docx").read_bytes()
    padded = _lying(data, 96 * 2**20)
    assert len(padded) < 2 * 2**20  # a small file
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=r"part word/document.xml inflates to [\d,]+ bytes, its zip directory "
                                             r"says [\d,]+"):
            parse_docx(padded)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * 2**20, f"{peak:,} bytes at the peak"
    assert parse_docx(_lying(data, 0)).text == parse_docx(data).text  # an honest directory: read as before


def test_a_zip_version_field_out_of_range_is_a_damaged_file_not_a_failed_ingest(tmp_path):
    data = bytearray(make_guide(tmp_path / "guide.docx").read_bytes())
    entry = data.find(b"PK\x01\x02")  # the first central directory entry
    data[entry + 6] = 99  # "version needed to extract": 9.9, which zipfile refuses with NotImplementedError
    (tmp_path / "bad.docx").write_bytes(bytes(data))
    skipped = read_file(tmp_path, tmp_path / "bad.docx")
    assert isinstance(skipped, Skipped) and skipped.reason.startswith("damaged .docx, cannot be parsed")


def test_a_table_python_docx_cannot_lay_out_is_read_as_written(tmp_path):
    document = docx.Document()
    document.add_paragraph("Texte important du document")
    table = document.add_table(rows=2, cols=1)
    table.cell(0, 0).text = "Première ligne"
    table.cell(1, 0).text = "Deuxième ligne"
    # a vertical merge that continues nothing (top row): python-docx raises on it, Word shows the cell
    table.cell(0, 0)._tc.get_or_add_tcPr().append(parse_xml(f"<w:vMerge {nsdecls('w')}/>"))
    document.save(tmp_path / "odd.docx")
    text = parse_docx((tmp_path / "odd.docx").read_bytes()).text
    assert text == "Texte important du document\nPremière ligne\nDeuxième ligne\n"


def test_odd_list_starts_neither_refuse_the_document_nor_spell_millions_of_letters(tmp_path):
    """A list level's w:start came through int() as it was: "x" made the whole document a "damaged .docx", a start
    of 2147483647 in letters spelt 82 million "w" before a paragraph, 10**4000 in Roman numerals overflowed, -3 came
    out "cmxcvii", and a list starting at 0 showed 0 before each item."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    starts = [("x", "decimal"), ("2147483647", "lowerLetter"), ("9" * 4000, "upperRoman"), ("-3", "lowerRoman"),
              ("0", "decimal"), ("800", "lowerLetter"), ("5000", "upperRoman")]
    for n, (start, shape) in enumerate(starts, 91):
        numbering.insert(0, parse_xml(
            f"<w:abstractNum {nsdecls('w')} w:abstractNumId='{n}'><w:lvl w:ilvl='0'><w:start w:val='{start}'/>"
            f"<w:numFmt w:val='{shape}'/><w:lvlText w:val='%1.'/></w:lvl></w:abstractNum>"))
        numbering.append(parse_xml(f"<w:num {nsdecls('w')} w:numId='{n}'><w:abstractNumId w:val='{n}'/></w:num>"))
        for text in ("un", "deux"):
            _numbered(document.add_paragraph(text), str(n))
    document.save(tmp_path / "listes.docx")
    assert _read(tmp_path / "listes.docx").text.splitlines() == [
        "1. un", "2. deux", "a. un", "b. deux", "I. un", "II. deux", "i. un", "ii. deux", "0. un", "1. deux",
        "800. un", "801. deux", "5000. un", "5001. deux"]
