"""OpenDocument text (.odt) reading: the body's paragraphs, lists and table rows as one text, heading sections from
text:h and from paragraph styles, the title; what is left out; bad files refused with a reason a person can act on."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from rag.corpus.files import BINARY_SUFFIXES, FORMATS
from rag.corpus.formats.odt import ENCRYPTED, NO_CONTENT, NOT_A_ZIP, parse_fodt, parse_odt
from rag.corpus.reader import read_document
from tests.helpers.odt import SAVINGS, make_guide, odt, zipped
from tests.unit.test_docx import elements


def _text(body: str, **kwargs) -> str:
    return parse_odt(odt(body, **kwargs)).text or ""


def _sections(body: str, **kwargs) -> list[tuple[str | None, tuple[str, ...], list[str]]]:
    return [(s.heading, s.parents, [line.text for line in s.lines]) for s in parse_odt(odt(body, **kwargs)).sections]


def test_odt_is_a_format_rag_reads():
    assert BINARY_SUFFIXES[".odt"] is parse_odt
    assert ".odt" in FORMATS.split(", ")


def test_a_paragraph_reads_its_spans_links_spaces_tabs_and_line_breaks_as_shown():
    body = ('<text:p text:style-name="Text_20_body">\n   Les <text:span text:style-name="T1">frais </text:span> de '
            '<text:a xlink:href="https://example.fr/tarifs">dossier</text:a>\n  sont fixés<text:s text:c="3"/>à'
            "<text:tab/>10 €<text:line-break/>par an<text:soft-page-break/> et par <text:s/>agent.</text:p>"
            "<text:p>Deuxième <text:bookmark text:name='b'/>paragraphe<text:span>  </text:span> ici.</text:p>")
    assert _text(body) == ("Les frais de dossier sont fixés   à\t10 €\npar an et par  agent.\n"
                           "Deuxième paragraphe ici.\n")


def test_a_huge_space_count_is_capped():
    assert _text('<text:p>a<text:s text:c="999999999"/>b</text:p>') == "a" + " " * 1000 + "b\n"


def test_text_h_opens_sections_at_its_outline_level_under_the_headings_still_open():
    body = ('<text:p>Avant tout titre.</text:p>'
            '<text:h text:outline-level="1">Congés</text:h><text:p>Vingt-cinq jours.</text:p>'
            '<text:h text:outline-level="2">Report</text:h><text:p>Jusqu\'au 31 mai.</text:p>'
            '<text:h text:outline-level="3">Exceptions</text:h><text:p>Maladie.</text:p>'
            '<text:h text:outline-level="2">Fractionnement</text:h><text:p>Deux jours.</text:p>'
            '<text:h>Sans niveau</text:h><text:p>Au premier niveau.</text:p>')
    assert _sections(body) == [
        (None, (), ["Avant tout titre."]),
        ("Congés", (), ["Vingt-cinq jours."]),
        ("Report", ("Congés",), ["Jusqu'au 31 mai."]),
        ("Exceptions", ("Congés", "Report"), ["Maladie."]),
        ("Fractionnement", ("Congés",), ["Deux jours."]),
        ("Sans niveau", (), ["Au premier niveau."]),
    ]


def test_a_paragraph_in_a_heading_style_is_a_heading_through_its_parent_styles():
    """LibreOffice writes an automatic style (P1) whose parent is a named one of styles.xml; other applications
    write text:p in a heading style, or a style of their own inheriting from one, or one with an outline level."""
    automatic = ('<style:style style:name="P1" style:family="paragraph" style:parent-style-name="Heading_20_2"/>'
                 '<style:style style:name="P2" style:family="paragraph" style:parent-style-name="Maison"/>'
                 '<style:style style:name="P3" style:family="paragraph" style:default-outline-level="3"/>'
                 '<style:style style:name="P4" style:family="paragraph" style:parent-style-name="Boucle"/>'
                 '<style:style style:name="P5" style:family="paragraph" style:parent-style-name="Text_20_body"/>'
                 '<style:style style:name="P6" style:family="text" style:parent-style-name="Heading_20_1"/>')
    styles = ('<style:style style:name="Maison" style:family="paragraph" style:parent-style-name="Titre_20_1"/>'
              '<style:style style:name="Titre_20_1" style:family="paragraph"/>'
              '<style:style style:name="Boucle" style:family="paragraph" style:parent-style-name="Autre"/>'
              '<style:style style:name="Autre" style:family="paragraph" style:parent-style-name="Boucle"/>'
              '<style:style style:name="Heading_20_9" style:display-name="En-tête" style:family="paragraph"/>')
    body = ('<text:p text:style-name="Maison">Garanties</text:p><text:p>Deux ans.</text:p>'
            '<text:p text:style-name="P1">Exclusions</text:p><text:p text:style-name="P5">L\'usure.</text:p>'
            '<text:p text:style-name="P3">Cas particuliers</text:p><text:p text:style-name="P4">Une boucle.</text:p>'
            '<text:p text:style-name="P2">Retours</text:p><text:p text:style-name="Heading">Parent sans niveau'
            '</text:p><text:p text:style-name="P6">Style de caractères</text:p>'
            '<text:p text:style-name="Heading_20_9">Nommé par son nom</text:p><text:p>Fin.</text:p>')
    assert _sections(body, automatic=automatic, styles=styles) == [
        ("Garanties", (), ["Deux ans."]),
        ("Exclusions", ("Garanties",), ["L'usure."]),
        ("Cas particuliers", ("Garanties", "Exclusions"), ["Une boucle."]),
        ("Retours", (), ["Parent sans niveau", "Style de caractères"]),
        ("Nommé par son nom", ("Retours",), ["Fin."]),
    ]


def test_nested_lists_show_their_bullets_and_numbers_counted_within_each_list():
    automatic = ('<text:list-style style:name="L1"><text:list-level-style-number text:level="1" style:num-prefix="("'
                 ' style:num-suffix=")" style:num-format="1" text:start-value="3"/>'
                 '<text:list-level-style-number text:level="2" style:num-format=""/></text:list-style>')
    body = ('<text:p>Pièces :</text:p><text:list text:style-name="Bullets">'
            "<text:list-header><text:p>En-tête de liste</text:p></text:list-header>"
            "<text:list-item><text:p>formulaire signé ;</text:p><text:p>second paragraphe de l'item</text:p>"
            '<text:list><text:list-item><text:p>daté</text:p></text:list-item></text:list></text:list-item>'
            "<text:list-item><text:list><text:list-item><text:p>sous un item vide</text:p></text:list-item></text:list>"
            "</text:list-item></text:list>"
            '<text:list xml:id="list1" text:style-name="Numbering_20_123"><text:list-item><text:p>Remplir.</text:p>'
            '<text:list><text:list-item><text:p>en ligne</text:p></text:list-item><text:list-item><text:p>sur papier'
            '</text:p></text:list-item></text:list></text:list-item>'
            "<text:list-item><text:p>Envoyer.</text:p></text:list-item></text:list>"
            "<text:p>Puis :</text:p>"
            '<text:list text:continue-list="list1" text:style-name="Numbering_20_123"><text:list-item><text:p>Signer.'
            '</text:p></text:list-item></text:list>'
            '<text:list text:style-name="Numbering_20_123"><text:list-item text:start-value="7"><text:p>Sept.'
            '</text:p></text:list-item><text:list-item><text:p>Huit.</text:p></text:list-item></text:list>'
            '<text:list text:continue-numbering="true" text:style-name="Numbering_20_123"><text:list-item><text:p>'
            'Neuf.</text:p></text:list-item></text:list>'
            '<text:list text:style-name="L1"><text:list-item><text:p>trois</text:p><text:list><text:list-item>'
            '<text:p>sans numéro</text:p></text:list-item></text:list></text:list-item></text:list>'
            '<text:list text:style-name="Inconnu"><text:list-item><text:p>style absent</text:p></text:list-item>'
            "</text:list>")
    parsed = parse_odt(odt(body, automatic=automatic))
    assert (parsed.text or "").splitlines() == [
        "Pièces :", "En-tête de liste", "• formulaire signé ;", "second paragraphe de l'item", "• daté",
        "• sous un item vide", "1. Remplir.", "1. en ligne", "2. sur papier", "2. Envoyer.", "Puis :",
        "3. Signer.", "7. Sept.", "8. Huit.", "9. Neuf.", "(3) trois", "sans numéro", "• style absent"]
    items = {line.text: line.item for section in parsed.sections for line in section.lines}
    assert not items["Pièces :"] and items["• daté"] and items["second paragraphe de l'item"]


def test_an_empty_list_item_is_counted_as_libreoffice_numbers_it():
    """LibreOffice shows "2." on an empty item, so the step after it is "3." (as the .doc and .docx readers now
    count); the empty item reads as no line."""
    body = ('<text:list text:style-name="Numbering_20_123"><text:list-item><text:p>Envoyer.</text:p></text:list-item>'
            "<text:list-item><text:p/></text:list-item><text:list-item><text:p>Attendre.</text:p></text:list-item>"
            "</text:list>")
    assert (parse_odt(odt(body)).text or "").splitlines() == ["1. Envoyer.", "3. Attendre."]


def test_list_numbers_come_in_their_format_with_the_numbers_of_the_levels_above_they_show():
    """A letter, a Roman numeral or "2.1" came as a digit, so "see point b)" or "article 2.1" named nothing a passage
    held: numbers now come as LibreOffice shows them, each level above in its own format."""
    automatic = ('<text:list-style style:name="Plan">'
                 '<text:list-level-style-number text:level="1" style:num-suffix="." style:num-format="I"/>'
                 '<text:list-level-style-number text:level="2" style:num-suffix="." style:num-format="1" '
                 'text:display-levels="2"/>'
                 '<text:list-level-style-number text:level="3" style:num-suffix=")" style:num-format="a" '
                 'text:display-levels="3" text:start-value="52"/>'
                 '<text:list-level-style-bullet text:level="4" text:bullet-char="•"/>'
                 '<text:list-level-style-number text:level="5" style:num-suffix=")" style:num-format="A" '
                 'text:display-levels="9"/></text:list-style>'
                 '<text:list-style style:name="Sync"><text:list-level-style-number text:level="1" style:num-suffix="."'
                 ' style:num-format="a" style:num-letter-sync="true" text:start-value="52"/></text:list-style>'
                 '<text:list-style style:name="Other"><text:list-level-style-number text:level="1" '
                 'style:num-suffix="." style:num-format="一, 二, 三, ..." text:start-value="2"/></text:list-style>')

    def items(*texts: str, inner: str = "") -> str:
        return "".join(f"<text:list-item><text:p>{t}</text:p>{inner if i == 0 else ''}</text:list-item>"
                       for i, t in enumerate(texts))

    fifth = f"<text:list>{items('cinquième')}</text:list>"
    fourth = f"<text:list>{items('puce', inner=fifth)}</text:list>"
    third = f"<text:list>{items('az', 'ba', inner=fourth)}</text:list>"
    second = f"<text:list>{items('un', 'deux', inner=third)}</text:list>"
    body = (f'<text:list text:style-name="Plan">{items("Objet", "Durée", inner=second)}</text:list>'
            f'<text:list text:style-name="Sync">{items("zz", "aaa")}</text:list>'
            f'<text:list text:style-name="Other">{items("deux")}</text:list>')
    assert (parse_odt(odt(body, automatic=automatic)).text or "").splitlines() == [
        "I. Objet", "I.1. un", "I.1.az) az", "• puce", "I.1.az.A) cinquième", "I.1.ba) ba", "I.2. deux",
        "II. Durée", "zz. zz", "aaa. aaa", "2. deux"]


def test_a_table_gives_one_line_per_row_with_covered_cells_empty_cells_and_nested_tables_read_as_docx_does():
    body = ('<table:table><table:table-column table:number-columns-repeated="3"/><table:table-header-rows>'
            '<table:table-row><table:table-cell table:number-columns-spanned="2"><text:p>Formule</text:p>'
            "</table:table-cell><table:covered-table-cell/><table:table-cell><text:p>Frais</text:p></table:table-cell>"
            "</table:table-row></table:table-header-rows><table:table-rows><table:table-row>"
            '<table:table-cell table:number-rows-spanned="2"><text:p>Ouverture</text:p></table:table-cell>'
            "<table:table-cell><text:p>standard</text:p><text:p>en ligne</text:p></table:table-cell>"
            "<table:table-cell><text:p>5 €</text:p></table:table-cell></table:table-row><table:table-row>"
            "<table:covered-table-cell><text:p>caché</text:p></table:covered-table-cell>"
            "<table:table-cell><text:p>express</text:p></table:table-cell><table:table-cell/></table:table-row>"
            "</table:table-rows><table:table-row><table:table-cell><text:p>Délais :</text:p><table:table>"
            "<table:table-row><table:table-cell><text:p>France</text:p></table:table-cell><table:table-cell><text:p>"
            "2 jours</text:p></table:table-cell></table:table-row><table:table-row><table:table-cell><text:p>Belgique"
            "</text:p></table:table-cell><table:table-cell><text:p>3 jours</text:p></table:table-cell>"
            "</table:table-row></table:table></table:table-cell><table:table-cell><text:list text:style-name="
            '"Bullets"><text:list-item><text:p>une puce</text:p></text:list-item></text:list></table:table-cell>'
            "</table:table-row></table:table>")
    parsed = parse_odt(odt(body))
    # the cell merged down two rows read on both, as Word's (the covered cell's own text never), one merged across
    # two columns once
    assert parsed.text == ("Formule | Frais\nOuverture | standard en ligne | 5 €\nOuverture | express\n"
                           "Délais : France | 2 jours Belgique | 3 jours | • une puce\n")
    assert all(line.item for section in parsed.sections for line in section.lines)


def test_comments_tracked_deletions_frames_indexes_declarations_and_forms_are_left_out_and_a_note_follows():
    """A note is read after its paragraph (`tests/unit/test_office_notes.py`), the rest left out."""
    body = (
        '<office:forms form:automatic-focus="false"><form:form form:name="F"><form:text form:name="champ" '
        'form:current-value="valeur du formulaire"/></form:form></office:forms>'
        "<text:tracked-changes><text:changed-region text:id=\"ct1\"><text:deletion><office:change-info>"
        "<dc:creator>A</dc:creator></office:change-info><text:p>sept</text:p></text:deletion></text:changed-region>"
        "</text:tracked-changes>"
        '<text:variable-decls><text:variable-decl text:name="v" office:value-type="string"/></text:variable-decls>'
        '<text:user-field-decls><text:user-field-decl text:name="u" office:string-value="champ utilisateur"/>'
        "</text:user-field-decls>"
        '<text:table-of-content text:name="Table des matières"><text:table-of-content-source/><text:index-body>'
        "<text:index-title><text:p>Table des matières</text:p></text:index-title><text:p>Retours\t3</text:p>"
        "</text:index-body></text:table-of-content>"
        '<text:alphabetical-index text:name="Index"><text:index-body><text:p>remboursement, 3</text:p>'
        "</text:index-body></text:alphabetical-index>"
        '<text:h text:outline-level="1">Retours</text:h>'
        '<text:p>Un client retourne un article sous <text:change text:change-id="ct1"/><text:change-start '
        'text:change-id="ct2"/>quatorze<text:change-end text:change-id="ct2"/> jours<text:note text:note-class='
        '"endnote"><text:note-citation>i</text:note-citation><text:note-body><text:p>Note de fin.</text:p>'
        "</text:note-body></text:note><office:annotation><dc:creator>B</dc:creator><text:p>À vérifier</text:p>"
        '</office:annotation><draw:frame draw:name="Cadre"><draw:text-box><text:p>Encadré : voir les conditions.'
        '</text:p></draw:text-box></draw:frame>.<office:annotation-end office:name="x"/></text:p>'
        '<draw:frame text:anchor-type="page"><draw:text-box><text:p>Cadre de page</text:p></draw:text-box>'
        '</draw:frame><text:section text:name="Masquée" text:display="none"><text:p>Section masquée</text:p>'
        '</text:section><text:section text:name="Visible"><text:p>Le remboursement suit la réception.</text:p>'
        "</text:section><text:p>Illustration <text:sequence text:name=\"Illustration\">1</text:sequence></text:p>")
    assert _text(body) == ("Retours\nUn client retourne un article sous quatorze jours.\nNote de fin.\n"
                           "Le remboursement suit la réception.\nIllustration 1\n")


def test_the_title_is_the_meta_title_else_the_first_title_paragraph_else_the_file_name(tmp_path):
    assert read_document(tmp_path, make_guide(tmp_path / "a.odt")).title == "Guide des congés"
    assert read_document(tmp_path, make_guide(tmp_path / "b.odt", title=" ")).title == "Guide des congés des agents"
    assert read_document(tmp_path, make_guide(tmp_path / "c.odt", title=None)).title == "Guide des congés des agents"
    automatic = '<style:style style:name="P1" style:family="paragraph" style:parent-style-name="Titre"/>'
    styles = '<style:style style:name="Titre" style:family="paragraph"/>'
    parsed = parse_odt(odt('<text:p text:style-name="P1">Règlement  intérieur</text:p><text:p>Article 1.</text:p>'
                           '<text:p text:style-name="Title">Second titre</text:p><text:p>Article 2.</text:p>',
                           automatic=automatic, styles=styles))
    assert parsed.title == "Règlement intérieur"
    # a title heads a section no heading stands over
    assert [(s.heading, s.parents) for s in parsed.sections] == [("Règlement intérieur", ()), ("Second titre", ())]
    (tmp_path / "note-de-service.odt").write_bytes(odt("<text:p>Un seul paragraphe.</text:p>"))
    assert read_document(tmp_path, tmp_path / "note-de-service.odt").title == "Note de service"


def test_every_line_and_heading_points_into_the_extracted_text(tmp_path):
    doc = read_document(tmp_path, make_guide(tmp_path / "guide.odt"))
    assert doc.text == (
        "Guide des congés des agents\nCe guide présente les congés des agents de la collectivité.\n"
        "Congés annuels\nChaque agent a droit à vingt-cinq jours ouvrés de congés annuels par année civile.\n"
        "Décret n° 84-972 du 26 octobre 1984.\n• deux jours de fractionnement ;\n• un jour de solidarité travaillé.\n"
        "Congé | Jours\nAnnuel | 25\n"
        f"Compte épargne-temps\nAlimentation du compte\n{SAVINGS}\n")
    assert doc.page_starts is None and doc.blocks
    assert [s.heading for s in doc.sections] == ["Guide des congés des agents", "Congés annuels",
                                                 "Compte épargne-temps › Alimentation du compte"]
    for section in doc.sections:
        assert section.lines
        for line in section.lines:
            assert doc.text[line.start:line.end] == line.text
        assert section.heading_start is not None
        assert doc.text.startswith(section.heading.rpartition(" › ")[2], section.heading_start)


BOMB = ('<?xml version="1.0"?><!DOCTYPE office:document-content [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>')


def test_bad_odt_files_raise_a_reason_a_person_can_act_on(tmp_path):
    good = odt("<text:p>Un paragraphe.</text:p>")
    cases = {
        NOT_A_ZIP: [good[: len(good) // 2], b"PK\x03\x04", b"texte brut"],
        ENCRYPTED: [odt("<text:p>x</text:p>", manifest='<manifest:encryption-data manifest:checksum-type="SHA1" '
                                                       'manifest:checksum="AAAA"/>')],
        "not an OpenDocument text: a spreadsheet (.ods) named .odt (rag reads text documents)": [
            odt("", mimetype="application/vnd.oasis.opendocument.spreadsheet", body_element="office:spreadsheet")],
        "not an OpenDocument text: a presentation (.odp) named .odt (rag reads text documents)": [
            odt("", mimetype=None, body_element="office:presentation"),
            odt("", mimetype="application/vnd.oasis.opendocument.presentation-template")],
        "not an OpenDocument text: its mimetype is 'application/zip'": [odt("<text:p>x</text:p>",
                                                                             mimetype="application/zip")],
        NO_CONTENT: [odt("<text:p>x</text:p>", leave_out={"content.xml"})],
        "not an OpenDocument text: a Word document (.docx) named .odt; rename it .docx": [
            zipped({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})],
        "damaged .odt: its content.xml is not well-formed XML (mismatched tag: line 1, column": [
            zipped({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<a><b></a>"})],
        "damaged .odt: its content.xml holds no text body": [
            zipped({"content.xml": "<office:document-content xmlns:office='urn:oasis:names:tc:opendocument:xmlns:"
                                 "office:1.0'/>"})],
        "damaged .odt: its content.xml is not well-formed XML (undefined entity": [odt("<text:p>&lol;</text:p>")],
    }
    for reason, files in cases.items():
        for data in files:
            with pytest.raises(ValueError, match=f"^{re.escape(reason)}"):
                parse_odt(data)
    (tmp_path / "vide.odt").write_bytes(odt('<text:p> </text:p><text:h text:outline-level="1">Un titre</text:h>'))
    with pytest.raises(ValueError, match=r"^no text found$"):
        read_document(tmp_path, tmp_path / "vide.odt")


@pytest.mark.parametrize("part", ["content.xml", "styles.xml", "meta.xml", "META-INF/manifest.xml"])
def test_xml_declaring_entities_is_refused_before_they_are_read(part):
    """An entity-expansion bomb needs a DOCTYPE's internal subset; ODF never has one. A DOCTYPE naming an external
    DTD declares nothing expat reads (it fetches none): an entity it would define is undefined, a damaged file."""
    good = zipfile.ZipFile(io.BytesIO(odt("<text:p>x</text:p>", title="Titre")))
    parts = {name: good.read(name).decode() for name in good.namelist()}
    parts[part] = parts[part].replace('<?xml version="1.0" encoding="UTF-8"?>', BOMB)
    with pytest.raises(ValueError, match=rf"^refused \.odt: its {re.escape(part)} has a DOCTYPE with declarations"):
        parse_odt(zipped(parts))
    utf16 = parts[part].replace('encoding="UTF-8"', 'encoding="UTF-16"')
    with pytest.raises(ValueError, match=rf"^refused \.odt: its {re.escape(part)} has a DOCTYPE with declarations"):
        parse_odt(zipped({**parts, part: utf16.encode("utf-16")}))
    parts[part] = '<!DOCTYPE x SYSTEM "file:///etc/passwd"><x>&xxe;</x>'
    with pytest.raises(ValueError, match=rf"^damaged \.odt: its {re.escape(part)} is not well-formed XML \(undefined"):
        parse_odt(zipped(parts))


def test_an_odt_of_more_elements_than_a_document_may_hold_is_refused_saying_what_to_do(monkeypatch):
    """content.xml and styles.xml are read as whole trees (some 350 bytes an element): their elements are counted as
    they inflate first, all the parts together."""
    from rag.corpus.formats import archive

    data = odt("<text:p>Un paragraphe.</text:p>" * 20)
    monkeypatch.setattr(archive, "ELEMENTS_MAX", elements(data) - 1)
    with pytest.raises(ValueError, match=rf"^refused \.odt: its XML holds over {elements(data) - 1:,} elements .*"
                                         "split it into several documents$"):
        parse_odt(data)
    monkeypatch.setattr(archive, "ELEMENTS_MAX", elements(data))
    assert parse_odt(data).text == "Un paragraphe.\n" * 20  # at the limit, read


def test_an_odt_of_more_text_than_a_document_may_hold_is_refused_saying_what_to_do(monkeypatch):
    from rag.corpus.formats import archive

    data = odt(f"<text:p>{'mot ' * 50_000}</text:p>")
    monkeypatch.setattr(archive, "CHARACTERS_MAX", 200_000 - 1)
    with pytest.raises(ValueError, match=r"^refused \.odt: its XML holds over 199,999 characters of text .* split it "
                                         "into several documents$"):
        parse_odt(data)
    monkeypatch.setattr(archive, "CHARACTERS_MAX", 200_100)
    assert len(parse_odt(data).text) == 200_001  # and its "\n"


def test_an_odt_s_indentation_is_no_text_and_a_part_of_white_space_alone_is_refused(monkeypatch):
    """A part written pretty-printed (LibreOffice with "Size optimization for ODF format" off) indents its elements:
    that white space counted toward the text a document may hold, and could refuse it; white space still counts toward
    a bound of its own, so that a part of white space alone is refused before it is read as a tree."""
    from rag.corpus.formats import archive

    data = odt("".join(f"\n{' ' * 100}<text:p>Un paragraphe.</text:p>" for _ in range(200)))
    monkeypatch.setattr(archive, "CHARACTERS_MAX", 10_000)
    monkeypatch.setattr(archive, "RAW_CHARACTERS_MAX", 40_000)
    assert parse_odt(data).text == "Un paragraphe.\n" * 200
    with pytest.raises(ValueError, match=r"^refused \.odt: its XML holds over 40,000 characters, white space included"):
        parse_odt(odt("<text:p>Un paragraphe.</text:p>" + " " * 40_000))


def test_openoffice_s_manifest_doctype_is_read():
    good = zipfile.ZipFile(io.BytesIO(odt("<text:p>Un paragraphe.</text:p>")))
    parts = {name: good.read(name).decode() for name in good.namelist()}
    parts["META-INF/manifest.xml"] = parts["META-INF/manifest.xml"].replace(
        '<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE manifest:manifest '
        'PUBLIC "-//OpenOffice.org//DTD Manifest 1.0//EN" "Manifest.dtd">')
    assert parse_odt(zipped(parts)).text == "Un paragraphe.\n"


def test_many_space_elements_stay_bounded_in_a_paragraph_and_in_the_document():
    """200,000 text:s of 1,000 spaces each would be 200 million characters from a few kilobytes of zip."""
    spaces = '<text:s text:c="1000"/>' * 2000
    parsed = parse_odt(odt(f"<text:p>a{spaces}b</text:p><text:p>c<text:s text:c='3'/>d</text:p>"))
    assert parsed.text == "a" + " " * 1000 + "b\nc   d\n"
    data = odt('<text:p>a<text:s text:c="1000"/></text:p>' * 20_000)
    content = zipfile.ZipFile(io.BytesIO(data)).getinfo("content.xml").file_size
    assert content < 20_000 * 1000 // 10 and len(parse_odt(data).text) <= content + 2 * 20_000


def test_libreoffice_s_body_text_is_no_heading_whatever_its_style_inherits():
    """LibreOffice writes a text:h for every paragraph in the outline, and marks a style out of it with an empty
    default outline level ("Contents", a level removed by hand): its text:p are body text. Another writer's text:p
    in a heading style is a heading."""
    styles = ('<style:style style:name="Contents" style:family="paragraph" style:parent-style-name="Heading_20_1" '
              'style:default-outline-level=""/>')
    automatic = '<style:style style:name="P1" style:family="paragraph" style:parent-style-name="Heading_20_1"/>'
    body = ('<text:h text:outline-level="1">Congés</text:h><text:p text:style-name="Contents">Sommaire</text:p>'
            '<text:p text:style-name="P1">Niveau retiré à la main</text:p><text:p>Les congés se posent.</text:p>')
    libre = parse_odt(odt(body, styles=styles, automatic=automatic, generator="LibreOffice/7.6.4.1$Linux_X86_64"))
    assert [s.heading for s in libre.sections if s.heading] == ["Congés"]
    other = parse_odt(odt(body, styles=styles, automatic=automatic))
    assert [s.heading for s in other.sections if s.heading] == ["Congés", "Niveau retiré à la main"]


def test_an_odt_that_unzips_to_too_much_is_refused_before_it_is_inflated(monkeypatch):
    from rag.corpus.formats import archive

    data = odt("<text:p>Un paragraphe.</text:p>")
    unzipped = sum(part.file_size for part in zipfile.ZipFile(io.BytesIO(data)).infolist())
    monkeypatch.setattr(archive, "UNZIPPED_MAX_BYTES", unzipped - 1)
    with pytest.raises(ValueError, match=rf"^expands to {unzipped:,} bytes once unzipped, over the {unzipped - 1:,}"):
        parse_odt(data)
    monkeypatch.setattr(archive, "UNZIPPED_MAX_BYTES", unzipped)
    assert parse_odt(data).text == "Un paragraphe.\n"


def test_a_flat_fodt_is_a_format_rag_reads():
    assert BINARY_SUFFIXES[".fodt"] is parse_fodt and ".fodt" in FORMATS.split(", ")


# LibreOffice's "Heading Numbering" (Tools > Heading Numbering): styles.xml's outline style, level 1 "1.", level 2
# "1.1" (the level above shown), level 3 unnumbered
OUTLINE = ('<text:outline-style style:name="Outline"><text:outline-level-style text:level="1" style:num-suffix="." '
           'style:num-format="1"/><text:outline-level-style text:level="2" style:num-format="1" '
           'text:display-levels="2"/><text:outline-level-style text:level="3" style:num-format=""/>'
           "</text:outline-style>")


def test_a_heading_shows_the_number_the_outline_style_gives_it():
    """A travel policy numbered by LibreOffice's heading numbering (audit 56): the numbers are in no heading's text,
    so "1.1 Ordre de mission" was cited "Ordre de mission" and a reader told "see 2.3" found nothing."""
    h = '<text:h text:style-name="Heading_20_{0}" text:outline-level="{0}"{2}>{1}</text:h><text:p>Texte.</text:p>'
    body = "".join(h.format(level, name, attributes) for level, name, attributes in (
        (1, "Avant le déplacement", ""), (2, "Ordre de mission", ""), (2, "Réservations", ""),
        (1, "Annexes", ' text:is-list-header="true"'), (1, "Transport", ""), (3, "Train de nuit", ""),
        (2, "Train", ""), (1, "Repas", ' text:restart-numbering="true" text:start-value="7"'), (2, "Plafonds", "")))
    assert [(heading, parents) for heading, parents, _ in _sections(body, styles=OUTLINE)] == [
        ("1. Avant le déplacement", ()), ("1.1 Ordre de mission", ("1. Avant le déplacement",)),
        ("1.2 Réservations", ("1. Avant le déplacement",)), ("Annexes", ()), ("2. Transport", ()),
        ("Train de nuit", ("2. Transport",)), ("2.1 Train", ("2. Transport",)), ("7. Repas", ()),
        ("7.1 Plafonds", ("7. Repas",))]
    # without an outline style, or with its levels unnumbered, a heading is its text
    assert [heading for heading, _, _ in _sections(body)][:2] == ["Avant le déplacement", "Ordre de mission"]
