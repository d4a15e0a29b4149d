"""OpenDocument presentations (.odp, LibreOffice Impress) read as PowerPoint decks are: a section a slide under its
title frame, its shapes' text (lists with their bullets, tables as rows) then its notes, the slide's number its page,
hidden slides and the footer, date and page number frames left out; bad files refused with what to do."""

from __future__ import annotations

import re

import pytest

from rag.corpus.files import BINARY_SUFFIXES, FORMATS
from rag.corpus.formats.odp import ENCRYPTED, NOT_A_ZIP, parse_fodp, parse_odp
from tests.helpers.odt import odt, zipped

PRESENTATION = "application/vnd.oasis.opendocument.presentation"
HIDDEN = ('<style:style style:name="dp2" style:family="drawing-page"><style:drawing-page-properties '
          'presentation:visibility="hidden"/></style:style>')


def frame(kind: str | None, *paragraphs: str) -> str:
    """A frame of presentation class `kind` (None: a text box of one's own) holding `paragraphs` (inner XML, or plain
    text for one text:p), as Impress writes it."""
    cls = "" if kind is None else f' presentation:class="{kind}"'
    body = "".join(p if p.startswith("<") else f'<text:p text:style-name="P1">{p}</text:p>' for p in paragraphs)
    return (f'<draw:frame presentation:style-name="pr1" draw:layer="layout" svg:width="25cm" svg:height="3cm"{cls}>'
            f"<draw:text-box>{body}</draw:text-box></draw:frame>")


def page(n: int, *shapes: str, notes: str = "", style: str = "dp1") -> str:
    notes_part = "" if not notes else (
        f'<presentation:notes draw:style-name="dp1"><draw:page-thumbnail presentation:class="page" '
        f'draw:page-number="{n}"/>{notes}</presentation:notes>')
    return (f'<draw:page draw:name="page{n}" draw:style-name="{style}" draw:master-page-name="Default" '
            f'presentation:presentation-page-layout-name="AL1T0">{"".join(shapes)}{notes_part}</draw:page>')


def odp(*pages: str, title: str | None = None, hidden: bool = False, **kwargs) -> bytes:
    return odt("".join(pages), mimetype=PRESENTATION, body_element="office:presentation", title=title,
               automatic=HIDDEN if hidden else "", **kwargs)


DECK = odp(
    page(1, frame("title", "Guide des congés des agents"), frame("subtitle", "Direction des ressources humaines")),
    page(2, frame("title", "Congés annuels"),
         frame("outline", '<text:list text:style-name="Bullets"><text:list-item><text:p>Vingt-cinq jours ouvrés par '
                          "an</text:p></text:list-item><text:list-item><text:p>Posés avant le 31 décembre</text:p>"
                          "</text:list-item></text:list>"),
         frame("footer", "Mairie de Saint-Aurel"), frame("page-number", "2"), frame("date-time", "12/03/2025"),
         notes=frame("notes", "Rappeler le report exceptionnel de cinq jours.")),
    page(3, frame("title", "Ancienne règle (retirée)"), frame("outline", "Formulaire papier C-3"), style="dp2"),
    page(4, '<draw:g>' + frame(None, "Compte épargne-temps : dix jours par an au plus") + '</draw:g>'
         '<draw:custom-shape draw:style-name="gr1"><text:p>Demande avant le 31 décembre</text:p></draw:custom-shape>'
         '<draw:frame draw:style-name="gr2"><table:table><table:table-row><table:table-cell><text:p>Congé</text:p>'
         "</table:table-cell><table:table-cell><text:p>Jours</text:p></table:table-cell></table:table-row>"
         "<table:table-row><table:table-cell><text:p>Annuel</text:p></table:table-cell><table:table-cell><text:p>25"
         "</text:p></table:table-cell></table:table-row></table:table></draw:frame>"
         '<draw:frame><draw:image xlink:href="Pictures/logo.png"/></draw:frame>'),
    title="Modèle Impress", hidden=True)


def test_odp_and_a_flat_fodp_are_formats_rag_reads():
    assert BINARY_SUFFIXES[".odp"] is parse_odp and BINARY_SUFFIXES[".fodp"] is parse_fodp
    assert {".odp", ".fodp"} <= set(FORMATS.split(", "))


def test_an_impress_deck_reads_a_section_a_slide_its_page_the_slide_s_number():
    parsed = parse_odp(DECK)
    assert parsed.title == "Guide des congés des agents"  # the first slide's, not the template's dc:title
    # a first slide that is no title slide (no subtitle: an agenda) yields to the properties' title, and heads its own
    agenda = odp(page(1, frame("title", "Sommaire"), frame("outline", "Congés annuels")), title="Guide des congés")
    assert (parse_odp(agenda).title, parse_odp(agenda).sections[0].heading) == ("Guide des congés", "Sommaire")
    assert [(s.heading, [(line.text, line.item) for line in s.lines]) for s in parsed.sections] == [
        (None, [("Direction des ressources humaines", False)]),
        ("Congés annuels", [("• Vingt-cinq jours ouvrés par an", True), ("• Posés avant le 31 décembre", True)]),
        ("Notes", [("Rappeler le report exceptionnel de cinq jours.", False)]),
        (None, [("Compte épargne-temps : dix jours par an au plus", False),
                ("Demande avant le 31 décembre", False), ("Congé | Jours", True), ("Annuel | 25", True)])]
    assert parsed.changes == ["1 hidden slide left out"]
    assert [bisect_page(parsed, s.lines[0].start) for s in parsed.sections] == [1, 2, 2, 4]
    assert parsed.sections[2].parents == ("Congés annuels",)  # the notes under their slide's title
    text = parsed.text or ""
    assert "C-3" not in text and "Saint-Aurel" not in text and "12/03/2025" not in text
    for section in parsed.sections:
        for line in section.lines:
            assert text[line.start:line.end] == line.text


def bisect_page(parsed, offset: int) -> int:
    from bisect import bisect_right

    return bisect_right(parsed.page_starts, offset)


def test_bad_odp_files_raise_a_reason_a_person_can_act_on():
    good = odp(page(1, frame(None, "Un texte.")))
    cases = {
        NOT_A_ZIP: [good[: len(good) // 2]],
        ENCRYPTED: [odp(page(1, frame(None, "x")), manifest='<manifest:encryption-data manifest:checksum-type="SHA1" '
                                                          'manifest:checksum="AAAA"/>')],
        "not an OpenDocument presentation: a text document (.odt) named .odp (rag reads presentations)": [
            odt("<text:p>x</text:p>")],
        "not an OpenDocument presentation: a PowerPoint presentation (.pptx) named .odp; rename it .pptx": [
            zipped({"[Content_Types].xml": "<Types/>", "ppt/presentation.xml": "<p:presentation/>"})],
        "not an OpenDocument presentation: an OpenDocument 'nothing' file named .odp": [
            odt("", mimetype=None, body_element="office:nothing")],
        "damaged .odp: its content.xml holds no presentation": [
            zipped({"mimetype": PRESENTATION, "content.xml": "<office:document-content xmlns:office='urn:oasis:names:"
                                                             "tc:opendocument:xmlns:office:1.0'/>"})],
    }
    for reason, files in cases.items():
        for data in files:
            with pytest.raises(ValueError, match=f"^{re.escape(reason)}"):
                parse_odp(data)


def test_a_shape_a_click_on_opens_a_link_is_read_in_its_place():
    """`draw:a` around a frame (a shape with a hyperlink): its text was left out, as no shape of the page."""
    deck = odp(page(1, frame("title", "Contacts"), frame(None, "Avant le lien"),
                    '<draw:a xlink:href="https://intranet.example/rh">' + frame(None, "Portail RH : demandes en ligne")
                    + "</draw:a>", frame(None, "Après le lien")))
    assert [line.text for line in parse_odp(deck).sections[0].lines] == [
        "Avant le lien", "Portail RH : demandes en ligne", "Après le lien"]
