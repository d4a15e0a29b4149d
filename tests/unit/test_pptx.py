"""PowerPoint (.pptx) reading: a section a slide headed by its title, its shapes in reading order, tables as rows,
speaker notes; the slide's number as the citation's page, hidden slides left out; bad files refused with a reason a
person can act on. `tests/data/slides/formation-support.pptx` was written by python-pptx (`make_decks.py` there)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from rag.corpus.files import BINARY_SUFFIXES, FORMATS, refusal
from rag.corpus.formats.pptx import ENCRYPTED, NOT_A_PRESENTATION, NOT_A_ZIP, OLD_POWERPOINT, parse_pptx
from rag.corpus.reader import read_document
from tests.helpers.odt import zipped
from tests.helpers.office import saved_as
from tests.unit.test_docx import elements

DECK = Path(__file__).parents[1] / "data" / "slides" / "formation-support.pptx"
_NS = ('xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
       'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
       'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"')
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def shape(*paragraphs: str, placeholder: str | None = None) -> str:
    """A text shape of `paragraphs` (each a paragraph's inner XML, or plain text for one run); `placeholder`: its
    placeholder element's attributes (`type="title"`, `idx="1"`)."""
    ph = "" if placeholder is None else f"<p:ph {placeholder}/>"
    body = "".join(p if p.startswith("<") else f"<a:p><a:r><a:t>{p}</a:t></a:r></a:p>" for p in paragraphs)
    return (f'<p:sp><p:nvSpPr><p:cNvPr id="2" name="s"/><p:cNvSpPr/><p:nvPr>{ph}</p:nvPr></p:nvSpPr><p:spPr/>'
            f"<p:txBody><a:bodyPr/>{body}</p:txBody></p:sp>")


def pptx(*slides: str | tuple[str, str], hidden: tuple[int, ...] = (), title: str | None = None,
         absolute: bool = False, attributes: str = "", sections: dict[str, tuple[int, ...]] | None = None) -> bytes:
    """A .pptx of `slides` (each its shape tree's shapes, or (shapes, notes shapes)); `hidden`: the 1-based numbers
    of hidden slides; `title`: the document properties' title; `absolute`: relationship targets as absolute paths;
    `attributes`: the presentation element's (`firstSlideNum="3"`); `sections`: PowerPoint's sections, each its
    name and its slides' numbers."""
    parts: dict[str, str | bytes] = {"[Content_Types].xml": "<Types/>"}
    ids, rels = [], []
    for n, slide in enumerate(slides, 1):
        shapes, notes = (slide, None) if isinstance(slide, str) else slide
        show = ' show="0"' if n in hidden else ""
        parts[f"ppt/slides/slide{n}.xml"] = f"<p:sld {_NS}{show}><p:cSld><p:spTree>{shapes}</p:spTree></p:cSld></p:sld>"
        if notes is not None:
            parts[f"ppt/notesSlides/notesSlide{n}.xml"] = \
                f"<p:notes {_NS}><p:cSld><p:spTree>{notes}</p:spTree></p:cSld></p:notes>"
            target = f"/ppt/notesSlides/notesSlide{n}.xml" if absolute else f"../notesSlides/notesSlide{n}.xml"
            parts[f"ppt/slides/_rels/slide{n}.xml.rels"] = (
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                f'<Relationship Id="rId2" Type="{_REL}notesSlide" Target="{target}"/></Relationships>')
        ids.append(f'<p:sldId id="{255 + n}" r:id="rId{n}"/>')
        target = f"/ppt/slides/slide{n}.xml" if absolute else f"slides/slide{n}.xml"
        rels.append(f'<Relationship Id="rId{n}" Type="{_REL}slide" Target="{target}"/>')
    groups = "".join(f'<p14:section name="{name}" id="{{{n}}}"><p14:sldIdLst>'
                     + "".join(f'<p14:sldId id="{255 + k}"/>' for k in numbers) + "</p14:sldIdLst></p14:section>"
                     for n, (name, numbers) in enumerate((sections or {}).items()))
    extensions = ("" if sections is None else '<p:extLst><p:ext uri="{521415D9-36F7-43E2-AB2F-B90AF26B5E84}">'
                  '<p14:sectionLst xmlns:p14="http://schemas.microsoft.com/office/powerpoint/2010/main">'
                  f"{groups}</p14:sectionLst></p:ext></p:extLst>")
    parts["ppt/presentation.xml"] = \
        f"<p:presentation {_NS} {attributes}><p:sldIdLst>{''.join(ids)}</p:sldIdLst>{extensions}</p:presentation>"
    parts["ppt/_rels/presentation.xml.rels"] = \
        f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{"".join(rels)}' \
        "</Relationships>"
    if title is not None:
        parts["docProps/core.xml"] = ('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
                                      'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
                                      f"<dc:title>{title}</dc:title></cp:coreProperties>")
    return zipped(parts, zipfile.ZIP_DEFLATED)


def _sections(data: bytes) -> list[tuple[str | None, list[str]]]:
    return [(s.heading, [line.text for line in s.lines]) for s in parse_pptx(data).sections]


def test_pptx_is_a_format_rag_reads_and_an_old_ppt_is_refused_with_what_to_do(tmp_path):
    assert BINARY_SUFFIXES[".pptx"] is parse_pptx
    assert ".pptx" in FORMATS.split(", ")
    # a slide show, and a deck and a template with macros (never run) or without: the same parts
    for suffix in (".ppsx", ".pptm", ".potx", ".potm"):
        (tmp_path / f"formation{suffix}").write_bytes(saved_as(DECK.read_bytes(), suffix))
        assert read_document(tmp_path, tmp_path / f"formation{suffix}").title == \
            "Formation support : remboursements et litiges"
    (tmp_path / "formation.ppt").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    assert refusal(tmp_path, tmp_path / "formation.ppt") == OLD_POWERPOINT


def test_a_powerpoint_deck_reads_a_section_a_slide_its_page_the_slide_s_number(tmp_path):
    """The deck python-pptx wrote from its default template: a title slide, bullets under a content placeholder with
    speaker notes, a table, a hidden slide, a slide without a title, grouped text boxes, a chart (its title, axis
    title, series and categories: its part's, as python-pptx writes it); in three PowerPoint sections,
    whose names head their slides' titles; the speaker notes under "Notes" below their slide's heading path."""
    (tmp_path / DECK.name).write_bytes(DECK.read_bytes())
    doc = read_document(tmp_path, tmp_path / DECK.name)
    assert doc.title == "Formation support : remboursements et litiges"
    assert [(s.heading, [line.text for line in s.lines]) for s in doc.sections] == [
        ("Introduction", ["Équipe service client — mise à jour de mars 2025"]),
        ("Remboursements › Délais de remboursement", [
            "Carte bancaire : remboursé sous 5 jours ouvrés après la réception du retour",
            "Le délai court à partir du scan du colis à l'entrepôt", "Virement : sous 3 jours ouvrés",
            "Bon d'achat : immédiat, valable 12 mois"]),
        ("Remboursements › Délais de remboursement › Notes", [
            "Rappeler au client qu'un remboursement par carte peut apparaître sur son relevé jusqu'à 3 jours après "
            "notre virement."]),
        ("Remboursements › Frais de retour par transporteur", [
            "Transporteur | Délai de dépôt | Frais", "Colissimo | 14 jours | Gratuit",
            "Mondial Relay | 14 jours | 3,90 €", "Chronopost | 7 jours | 8,50 €"]),
        ("Litiges", ["Un litige ouvert bloque le remboursement jusqu'à sa clôture.",
                "Le client reçoit un e-mail à chaque étape."]),
        ("Litiges › Ouvrir un litige pour un colis perdu", [
            "Étape 1", "Vérifier le suivi du transporteur", "Étape 2", "Attendre 48 heures après la date prévue",
            "Étape 3", "Ouvrir le litige depuis la fiche commande"]),
        ("Litiges › Bilan des litiges", ["Litiges ouverts par transporteur", "Nombre de litiges", "2024", "2025",
                                         "Colissimo | 2024: 42 | 2025: 35", "Mondial Relay | 2024: 31 | 2025: 24",
                                         "Chronopost | 2024: 12 | 2025: 9"])]
    bullets, notes, table = doc.sections[1].lines, doc.sections[2].lines, doc.sections[3].lines
    assert [line.item for line in bullets + notes] == [True, True, True, True, False]  # the notes are no item
    assert [(line.item, line.opens_table) for line in table] == [(True, True)] + [(True, False)] * 3
    # slide 4 is hidden: left out, its number kept, so that slide 5's text is cited on page 5
    assert [doc.page(s.lines[0].start) for s in doc.sections] == [1, 2, 2, 3, 5, 6, 7]
    assert "obsolète" not in doc.text and "L-12" not in doc.text
    for section in doc.sections:
        for line in section.lines:
            assert doc.text[line.start:line.end] == line.text
        if section.heading_start is not None:  # the slide's title, under its section's name (which is no text)
            assert doc.text.startswith(section.heading.rpartition(" › ")[2], section.heading_start)
    assert parse_pptx(DECK.read_bytes()).changes == ["1 hidden slide left out"]


def test_furniture_placeholders_pictures_and_a_fallback_copy_are_left_out_and_line_breaks_kept():
    slide = (shape("Retours", placeholder='type="title"')
             + shape('<a:p><a:r><a:t>Sous 30 jours</a:t></a:r><a:br/><a:r><a:t>dans l\'emballage</a:t></a:r>'
                     "<a:fld type=\"slidenum\"><a:t>, voir la fiche</a:t></a:fld></a:p>", placeholder='idx="1"')
             + shape("12/03/2025", placeholder='type="dt" idx="10"') + shape("Confidentiel", placeholder='type="ftr"')
             + shape("7", placeholder='type="sldNum" idx="12"')
             + '<p:pic><p:nvPicPr><p:cNvPr id="9" name="logo"/></p:nvPicPr></p:pic>'
             + "<mc:AlternateContent><mc:Choice Requires=\"p14\">" + shape("Encadré : étiquette prépayée")
             + "</mc:Choice><mc:Fallback>" + shape("Encadré : étiquette prépayée") + "</mc:Fallback>"
             + "</mc:AlternateContent>")
    notes = shape("", placeholder='type="sldImg"') + shape("Dire que le retour est gratuit.",
                                                             placeholder='type="body" idx="1"') \
        + shape("7", placeholder='type="sldNum"')
    data = pptx(shape("Guide des retours", placeholder='type="ctrTitle"'), (slide, notes))
    parsed = parse_pptx(data)
    assert parsed.title == "Guide des retours"
    assert _sections(data) == [("Retours", ["Sous 30 jours", "dans l'emballage, voir la fiche",
                                            "Encadré : étiquette prépayée"]),
                               ("Notes", ["Dire que le retour est gratuit."])]
    assert parsed.sections[1].parents == ("Retours",)
    assert parsed.page_starts == [0, 0]  # the title slide holds no text but its title, which heads nothing


def test_the_title_is_the_cover_s_else_the_document_properties_and_absolute_targets_are_read():
    assert parse_pptx(pptx(shape("Texte seul"), title="Modèle 2019")).title == "Modèle 2019"
    data = pptx(shape("Tarifs", placeholder='type="ctrTitle"') + shape("Dix euros"),
                shape("Tarifs", placeholder='type="title"') + shape("Suite"), title="Modèle 2019", absolute=True)
    assert parse_pptx(data).title == "Tarifs"
    assert _sections(data) == [(None, ["Dix euros"]), (None, ["Suite"])]  # the title heads no section of its own


def test_bullets_follow_the_paragraph_and_its_placeholder():
    numbered = '<a:p><a:pPr><a:buAutoNum type="arabicPeriod"/></a:pPr><a:r><a:t>Ouvrir la commande</a:t></a:r></a:p>'
    off = '<a:p><a:pPr><a:buNone/></a:pPr><a:r><a:t>Sans puce</a:t></a:r></a:p>'
    data = pptx(shape("Puce du modèle", off, placeholder='idx="1"') + shape(numbered, "Texte libre")
                + shape("Sous-titre", placeholder='type="subTitle" idx="1"'))
    lines = parse_pptx(data).sections[0].lines
    assert [(line.text, line.item) for line in lines] == [("Puce du modèle", True), ("Sans puce", False),
                                                         ("Ouvrir la commande", True), ("Texte libre", False),
                                                         ("Sous-titre", False)]


def test_bad_pptx_files_raise_a_reason_a_person_can_act_on(tmp_path):
    good = pptx(shape("Un texte."))
    cases = {
        NOT_A_ZIP: [good[: len(good) // 2], b"texte brut"],
        ENCRYPTED: [b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le")],
        f"{OLD_POWERPOINT} (this one is named .pptx)": [b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64],
        NOT_A_PRESENTATION: [zipped({"[Content_Types].xml": "<Types/>", "docProps/core.xml": "<x/>"})],
        "not a PowerPoint presentation: a Word document named .pptx; rename it .docx": [
            zipped({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})],
        "not a PowerPoint presentation: an Excel workbook named .pptx; rename it .xlsx": [
            zipped({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})],
        "not a PowerPoint presentation: an OpenDocument file named .pptx; rename it .odp, .odt or .ods": [
            zipped({"mimetype": "application/vnd.oasis.opendocument.presentation", "content.xml": "<x/>"})],
        "damaged .pptx: its ppt/presentation.xml is not well-formed XML": [
            zipped({"ppt/presentation.xml": "<p:presentation>"})],
        "refused .pptx: its ppt/slides/slide1.xml has a DOCTYPE with declarations": [
            zipfile_with(good, "ppt/slides/slide1.xml", '<?xml version="1.0"?><!DOCTYPE p:sld [<!ENTITY a "aaaa">]>'
                                                        '<p:sld/>')],
    }
    for reason, files in cases.items():
        for data in files:
            with pytest.raises(ValueError, match=f"^{re.escape(reason)}"):
                parse_pptx(data)
    (tmp_path / "vide.pptx").write_bytes(pptx(shape("Titre seul", placeholder='type="title"'), shape(" ")))
    with pytest.raises(ValueError, match=r"^no text found$"):
        read_document(tmp_path, tmp_path / "vide.pptx")


def zipfile_with(data: bytes, part: str, content: str) -> bytes:
    """`data`, a zip archive, with `part` replaced by `content`."""
    import io

    archive = zipfile.ZipFile(io.BytesIO(data))
    return zipped({name: content if name == part else archive.read(name) for name in archive.namelist()})


def test_a_pptx_of_more_elements_than_a_document_may_hold_is_refused_before_a_slide_is_read(monkeypatch):
    from rag.corpus.formats import archive

    data = pptx(shape(*["Une ligne."] * 20))
    monkeypatch.setattr(archive, "ELEMENTS_MAX", elements(data) - 1)
    with pytest.raises(ValueError, match=rf"^refused \.pptx: its XML holds over {elements(data) - 1:,} elements .*"
                                         "split it into several documents$"):
        parse_pptx(data)
    monkeypatch.setattr(archive, "ELEMENTS_MAX", elements(data))
    assert parse_pptx(data).text == "Une ligne.\n" * 20  # at the limit, read


def test_a_slide_or_notes_part_listed_twice_is_refused_not_read_again_for_each_listing():
    """A 50 KB file listing one slide of 2 MB of text 400 times read as 800,000,000 characters (2.3 GB) before: each
    part is read once, as the element and character guards count it."""
    data = pptx(shape("Un texte."), (shape("Deux"), shape("Notes", placeholder='type="body" idx="1"')), shape("Trois"))
    presentation = zipfile.ZipFile(io.BytesIO(data)).read("ppt/presentation.xml").decode()
    twice = zipfile_with(data, "ppt/presentation.xml", presentation.replace('r:id="rId3"', 'r:id="rId1"'))
    with pytest.raises(ValueError, match=r"^damaged \.pptx: its ppt/slides/slide1\.xml is listed twice"):
        parse_pptx(twice)
    rels = zipfile.ZipFile(io.BytesIO(data)).read("ppt/slides/_rels/slide2.xml.rels")
    shared = zipped({**{name: zipfile.ZipFile(io.BytesIO(data)).read(name) for name in zipfile.ZipFile(
        io.BytesIO(data)).namelist()}, "ppt/slides/_rels/slide3.xml.rels": rels})
    with pytest.raises(ValueError, match=r"^damaged \.pptx: its ppt/notesSlides/notesSlide2\.xml is listed twice"):
        parse_pptx(shared)
    assert parse_pptx(data).text == "Un texte.\nDeux\nNotes\nTrois\n"


def test_a_strict_open_xml_deck_reads_as_the_same_deck_saved_as_usual():
    """PowerPoint's "Strict Open XML Presentation" names its elements in purl.oclc.org namespaces: it read as no text
    ("no text found") before."""
    transitional = {"presentationml/2006/main": "presentationml/main", "drawingml/2006/main": "drawingml/main",
                    "officeDocument/2006/relationships": "officeDocument/relationships",
                    "drawingml/2006/chart": "drawingml/chart"}
    archive = zipfile.ZipFile(io.BytesIO(DECK.read_bytes()))
    parts = {}
    for name in archive.namelist():
        part = archive.read(name)
        for usual, strict in transitional.items():
            part = part.replace(f"http://schemas.openxmlformats.org/{usual}".encode(),
                                f"http://purl.oclc.org/ooxml/{strict}".encode())
        parts[name] = part
    strict, usual = parse_pptx(zipped(parts, zipfile.ZIP_DEFLATED)), parse_pptx(DECK.read_bytes())
    assert b"purl.oclc.org/ooxml/presentationml" in parts["ppt/presentation.xml"]
    assert (strict.title, strict.text, strict.page_starts, strict.changes) == (
        usual.title, usual.text, usual.page_starts, usual.changes)
    assert [(s.heading, s.lines) for s in strict.sections] == [(s.heading, s.lines) for s in usual.sections]


def test_a_text_box_added_to_the_notes_page_is_part_of_the_notes_its_furniture_is_not():
    notes = (shape("", placeholder='type="sldImg"') + shape("Dire que le retour est gratuit.",
                                                            placeholder='type="body" idx="1"')
             + shape("Hors antenne : le litige L-7 reste ouvert.") + shape("Confidentiel", placeholder='type="hdr"')
             + shape("4", placeholder='type="sldNum" idx="5"'))
    assert _sections(pptx((shape("Retours", placeholder='type="title"') + shape("Sous 30 jours"), notes))) == [
        (None, ["Sous 30 jours"]),
        ("Notes", ["Dire que le retour est gratuit.", "Hors antenne : le litige L-7 reste ouvert."])]


def test_a_slide_whose_title_is_all_it_says_has_its_title_as_a_line_to_find_at_its_page(tmp_path):
    """A section divider, a screenshot under its title: the title was a heading over nothing, so no passage held it
    and a question naming it found nothing."""
    title = 'type="title"'
    picture = '<p:pic><p:nvPicPr><p:cNvPr id="9" name="capture"/></p:nvPicPr></p:pic>'
    (tmp_path / "retours.pptx").write_bytes(pptx(
        shape("Guide des retours", placeholder='type="ctrTitle"'), shape("Partie 1 : les délais", placeholder=title),
        shape("Le virement prend trois jours."), shape("Écran de saisie d'un litige", placeholder=title) + picture,
        shape("Sommaire", placeholder=title) + shape("Un")))
    doc = read_document(tmp_path, tmp_path / "retours.pptx")
    assert [(s.heading, [line.text for line in s.lines], doc.page(s.lines[0].start)) for s in doc.sections] == [
        (None, ["Partie 1 : les délais"], 2), (None, ["Le virement prend trois jours."], 3),
        (None, ["Écran de saisie d'un litige"], 4), ("Sommaire", ["Un"], 5)]
    assert all(doc.text[line.start:line.end] == line.text for s in doc.sections for line in s.lines)


def test_a_citation_s_page_is_the_number_powerpoint_shows_on_the_slide_counted_from_the_deck_s_first(tmp_path):
    """PowerPoint's "Number slides from" (a deck whose cover is 0, a chapter's deck going on from 12): a citation's
    page was the slide's place in the deck, not the number on it."""
    slides = [shape("Tarifs 2025", placeholder='type="ctrTitle"') + shape("Mise à jour de mars"),
              shape("Le virement prend trois jours.")]
    for first, pages in ((' firstSlideNum="12"', [12, 13]), (' firstSlideNum="0"', [0, 1]), ("", [1, 2]),
                         (' firstSlideNum="-4"', [1, 2]), (' firstSlideNum="100000"', [1, 2])):
        (tmp_path / "tarifs.pptx").write_bytes(pptx(*slides, attributes=first))
        doc = read_document(tmp_path, tmp_path / "tarifs.pptx")
        assert [doc.page(s.lines[0].start) for s in doc.sections] == pages, first


def test_every_edge_says_a_page_is_the_number_the_document_gives_it_a_deck_s_from_its_first_slide_number():
    """The API said `page` was "1-based ... for a PDF" while a deck numbered from 0 cites its cover as page 0 (the
    number on the slide, which the next slide's 1 follows): each edge now says what a page is."""
    from rag.mcp.connector import FetchMetadata
    from rag.mcp.tools import ToolPassage
    from rag.schemas import Citation

    for model in (Citation, ToolPassage, FetchMetadata):
        said = model.model_fields["page"].description or ""
        assert "presentation" in said and "Number slides from" in said and "0" in said, model


def test_a_slide_in_a_powerpoint_section_stands_under_the_section_s_name():
    """PowerPoint's sections (named groups of slides in the slide sorter) are a deck's parts: a citation named the
    slide's title alone, not which part of the deck it is in. A slide without a title, or whose title is its
    section's (the part's divider), is headed by the section's name; a section without a name heads nothing."""
    title = 'type="title"'
    slides = (shape("Formation support", placeholder='type="ctrTitle"') + shape("Mars 2025"),
              shape("Bienvenue dans l'équipe."), shape("Délais", placeholder=title) + shape("Sous 5 jours."),
              shape("Litiges", placeholder=title), shape("Colis perdu", placeholder=title) + shape("Attendre 48 h."),
              shape("Contacts", placeholder=title) + shape("Le support de niveau 2."))
    parsed = parse_pptx(pptx(*slides, sections={"Introduction": (1, 2), "Remboursements  et retours": (3,),
                                                "Litiges": (4, 5), "": (6,)}))
    assert [(s.parents, s.heading, [line.text for line in s.lines]) for s in parsed.sections] == [
        ((), "Introduction", ["Mars 2025"]), ((), "Introduction", ["Bienvenue dans l'équipe."]),
        (("Remboursements et retours",), "Délais", ["Sous 5 jours."]), ((), "Litiges", ["Litiges"]),
        (("Litiges",), "Colis perdu", ["Attendre 48 h."]), ((), "Contacts", ["Le support de niveau 2."])]
    assert parsed.title == "Formation support"
    assert parsed.text.startswith("Mars 2025\nBienvenue dans l'équipe.\nDélais\nSous 5 jours.\n")  # no name in it
    plain = parse_pptx(pptx(*slides))  # the deck without sections: as it was
    assert [(s.parents, s.heading) for s in plain.sections] == [
        ((), None), ((), None), ((), "Délais"), ((), None), ((), "Colis perdu"), ((), "Contacts")]
    assert plain.text == parsed.text


def test_powerpoint_s_own_name_for_a_section_nobody_named_heads_nothing():
    """PowerPoint names the first section "Default Section" (in a French PowerPoint "Section par défaut") when a deck
    gets sections, and a new one "Untitled Section": each headed its slides as a part of the deck would."""
    slides = (shape("Bienvenue dans l'équipe."), shape("Délais", placeholder='type="title"') + shape("Sous 5 jours."),
              shape("Colis perdu", placeholder='type="title"') + shape("Attendre 48 h."))
    for name in ("Default Section", "Section par  défaut", "STANDARDABSCHNITT", "Sección sin título"):
        parsed = parse_pptx(pptx(*slides, sections={name: (1, 2), "Litiges": (3,)}))
        assert [(s.parents, s.heading) for s in parsed.sections] == [
            ((), None), ((), "Délais"), (("Litiges",), "Colis perdu")], name
    named = parse_pptx(pptx(*slides, sections={"Section par défaut du contrat": (1, 2), "Litiges": (3,)}))
    assert named.sections[1].parents == ("Section par défaut du contrat",)


def test_a_first_slide_that_is_no_cover_yields_to_the_deck_s_title_and_powerpoint_s_own_title_is_none():
    """A deck that opens on its agenda was titled "Sommaire" whatever its properties said; one nobody named was
    "PowerPoint Presentation" (the title of a new deck, of python-pptx's and of many templates) once its first slide
    had no title. A title slide (its centred title, a subtitle) still names the deck, whatever its properties say."""
    title = 'type="title"'
    agenda = shape("Sommaire", placeholder=title) + shape("Délais", "Litiges", placeholder='idx="1"')
    delays = shape("Délais", placeholder=title) + shape("Sous 5 jours.")
    parsed = parse_pptx(pptx(agenda, delays, title="Formation support 2025"))
    assert parsed.title == "Formation support 2025"
    assert [(s.heading, s.lines[0].text) for s in parsed.sections] == [("Sommaire", "Délais"),
                                                                        ("Délais", "Sous 5 jours.")]
    assert parse_pptx(pptx(agenda, delays)).title == "Sommaire"  # no other title to give: as it was
    subtitle = shape("Mars 2025", placeholder='type="subTitle"')
    cover = shape("Formation support", placeholder='type="ctrTitle"') + subtitle
    assert parse_pptx(pptx(cover, delays, title="Formation support 2025")).title == "Formation support"
    subtitled = shape("Formation support", placeholder=title) + subtitle
    assert parse_pptx(pptx(subtitled, delays, title="Modèle")).title == "Formation support"
    for placeholder in ("PowerPoint Presentation", "Présentation PowerPoint", "Presentación de PowerPoint",
                        "PowerPoint-Präsentation", "PowerPoint プレゼンテーション", "Microsoft PowerPoint"):
        assert parse_pptx(pptx(shape("Texte seul"), title=placeholder)).title is None, placeholder
        assert parse_pptx(pptx(agenda, delays, title=placeholder)).title == "Sommaire", placeholder
    assert parse_pptx(pptx(shape("Texte seul"), title="Formation PowerPoint avancée")).title == \
        "Formation PowerPoint avancée"


_DGM = 'xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram"'


def smartart(points: list[tuple[str, str | None, str]], links: list[tuple[str, str, int]]) -> str:
    """A SmartArt data part: `points` (id, type or None for a node, text), `links` (parent, child, order among its
    siblings), written in the order given, as PowerPoint may."""
    def point(key: str, kind: str | None, text: str) -> str:
        typed = "" if kind is None else f' type="{kind}"'
        paragraphs = "".join(f"<a:p><a:r><a:t>{p}</a:t></a:r></a:p>" for p in text.split("|"))
        return f'<dgm:pt modelId="{key}"{typed}><dgm:prSet/><dgm:spPr/><dgm:t><a:bodyPr/>{paragraphs}</dgm:t></dgm:pt>'

    pts = "".join(point(*p) for p in points)
    cxns = "".join(f'<dgm:cxn modelId="c{n}" srcId="{parent}" destId="{child}" srcOrd="{order}" destOrd="0"/>'
                   for n, (parent, child, order) in enumerate(links))
    return (f'<dgm:dataModel {_DGM} xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><dgm:ptLst>{pts}'
            f"</dgm:ptLst><dgm:cxnLst>{cxns}</dgm:cxnLst></dgm:dataModel>")


def test_a_smartart_graphic_s_nodes_are_read_in_its_text_pane_s_order_as_list_items():
    """A process drawn as SmartArt keeps its text in ppt/diagrams/dataN.xml, not in the slide's shapes: its steps (and a
    step's sub-points under it) were lost. Points written out of order, a transition point and a layout point of no
    text, a node no connection reaches (read last)."""
    frame = ('<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id="4" name="Diagramme"/><p:cNvGraphicFramePr/><p:nvPr/>'
             '</p:nvGraphicFramePr><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/'
             f'diagram"><dgm:relIds {_DGM} r:dm="rId7" r:lo="rId8" r:qs="rId9" r:cs="rId10"/></a:graphicData>'
             "</a:graphic></p:graphicFrame>")
    data = pptx(shape("Les guides", placeholder='type="ctrTitle"'),
                shape("Ouvrir un litige", placeholder='type="title"') + frame)
    points = [("s3", None, "Ouvrir le litige"), ("doc", "doc", ""), ("s1", None, "Vérifier le suivi"),
              ("t1", "parTrans", "x"), ("s2", None, "Attendre 48 heures"), ("s2a", None, "jours ouvrés|hors fériés"),
              ("p1", "pres", ""), ("lost", None, "Note libre")]
    links = [("doc", "s3", 2), ("doc", "s1", 0), ("doc", "s2", 1), ("s2", "s2a", 0)]
    archive = zipfile.ZipFile(io.BytesIO(data))
    parts = {name: archive.read(name) for name in archive.namelist()}
    parts["ppt/diagrams/data1.xml"] = smartart(points, links)
    parts["ppt/slides/_rels/slide2.xml.rels"] = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId7" Type="{_REL}diagramData" Target="../diagrams/data1.xml"/></Relationships>')
    parsed = parse_pptx(zipped(parts))
    assert [(s.heading, [(line.text, line.item) for line in s.lines]) for s in parsed.sections] == [
        ("Ouvrir un litige", [("Vérifier le suivi", True), ("Attendre 48 heures", True), ("jours ouvrés", True),
                              ("hors fériés", True), ("Ouvrir le litige", True), ("Note libre", True)])]
    parts["ppt/slides/_rels/slide1.xml.rels"] = parts["ppt/slides/_rels/slide2.xml.rels"]  # one data part, two graphics
    parts["ppt/slides/slide1.xml"] = parts["ppt/slides/slide2.xml"]
    with pytest.raises(ValueError, match=r"^damaged \.pptx: its ppt/diagrams/data1\.xml is listed twice"):
        parse_pptx(zipped(parts))


def test_an_agenda_listing_the_later_slides_titles_gives_no_section():
    """Audit 62's decks: the agenda ("Au programme", "Sommaire", "Ordre du jour"), a list of the titles of the slides
    after it, was a passage of short general topics that ranked first for questions none of its slides answers (a
    demonstrator lent to a client, and 6 of 10 off-topic questions). Its text stays the slide's, its notes are read; a
    list that names no later slide, or names earlier ones (a summary), is a slide's text as before."""
    from rag.corpus.formats.slides import Slide, presentation
    from tests.helpers.timing import grows_linearly

    def items(*texts: str) -> list[tuple[str, bool, bool]]:
        return [(text, True, False) for text in texts]

    slides = [Slide("Formation des commerciaux", [("Janvier 2027", False, False)], cover=True),
              Slide("Au programme", items("1. Notre offre", "Le cycle de vente", "Remises", "Questions"),
                    notes=[("Présenter l'équipe.", False, False)]),
              Slide("Notre offre en trois familles", items("Machines à grains", "Capsules")),
              Slide("Le cycle de vente", items("Prospection")), Slide("Remises et validation", items("10 %")),
              Slide("En résumé", items("Notre offre", "Le cycle de vente", "Remises et validation")),
              Slide("Questions ?", [])]
    parsed = presentation(slides)
    assert [(s.heading, s.parents, [line.text for line in s.lines]) for s in parsed.sections] == [
        (None, (), ["Janvier 2027"]), ("Notes", ("Au programme",), ["Présenter l'équipe."]),
        ("Notre offre en trois familles", (), ["Machines à grains", "Capsules"]),
        ("Le cycle de vente", (), ["Prospection"]), ("Remises et validation", (), ["10 %"]),
        ("En résumé", (), ["Notre offre", "Le cycle de vente", "Remises et validation"]),
        (None, (), ["Questions ?"])]  # a title alone: a line to find
    assert "Au programme\n1. Notre offre\nLe cycle de vente\n" in parsed.text
    kept = presentation([*slides[:1], Slide("Nos atouts", items("Notre offre", "Le prix", "Le service")), *slides[2:]])
    assert kept.sections[1].heading == "Nos atouts"
    deck = Path(__file__).parents[1] / "data" / "audit62" / "pages" / "lancement_gamme_duo.pptx"
    assert "Sommaire" not in [s.heading for s in parse_pptx(deck.read_bytes()).sections]
    assert grows_linearly(lambda n: presentation([Slide(f"Sujet {i} du jour", items(*(f"Sujet {j}" for j in
                                                                                       range(i, i + 20))))
                                                  for i in range(n)]), 500)


def test_an_agenda_s_line_saying_something_new_keeps_the_slide():
    """A list naming the later slides but for one line said that line's news in no passage, nor the slide's title
    ("Réunion de lancement le 15 mars à 9 h au showroom de Lyon"): a slide is an agenda only when every line of it
    names a later slide. Its titles' first words are kept up to eight words (and the title whole): every first words
    of a long title were, 16,000 slides of 200 characters taking 305 MB where the deck alone takes 16."""
    import tracemalloc

    from rag.corpus.formats.slides import Slide, presentation
    from tests.helpers.timing import grows_linearly

    def items(*texts: str) -> list[tuple[str, bool, bool]]:
        return [(text, True, False) for text in texts]

    later = [Slide("Notre offre en trois familles", items("Capsules")), Slide("Le cycle de vente", items("Appels")),
             Slide("Remises et validation", items("10 %"))]
    title = "Réunion de lancement le 15 mars à 9 h au showroom de Lyon"
    lines = ["Notre offre", "Le cycle de vente", "Remises et validation", "Déjeuner offert, parking au sous-sol"]
    parsed = presentation([Slide("Formation", items("Janvier"), cover=True), Slide(title, items(*lines)), *later])
    assert (parsed.sections[1].heading, [line.text for line in parsed.sections[1].lines]) == (title, lines)
    long_title = "Notre offre de machines à grains pour les bureaux de dix à quatre-vingts personnes en France"
    parsed = presentation([Slide("Au programme", items("Notre offre de machines à grains pour les bureaux",
                                                       long_title, "Le cycle de vente")), Slide(long_title, []),
                           *later[1:]])
    assert "Au programme" not in [s.heading for s in parsed.sections]  # a long title named whole or by 8 words

    def deck(n: int) -> list[Slide | None]:
        return [Slide(f"w{i} " + "a " * 98, items("x")) for i in range(n)]

    tracemalloc.start()
    try:
        presentation(deck(2000))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2000 * 200, peak  # each title's every first words: about 75 times the titles' characters
    assert grows_linearly(lambda n: presentation(deck(n)), 500)
