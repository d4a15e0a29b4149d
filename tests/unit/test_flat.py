"""Flat OpenDocument texts and presentations (.fodt, .fodp: one XML document) read as the .odt and .odp LibreOffice
saves from the same document: the same text, sections, offsets and title; a picture's base64 text costs nothing
held; hostile or damaged flat files refused with a reason, as zipped ones are."""

from __future__ import annotations

import base64
import re
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from rag.corpus.formats import archive
from rag.corpus.formats.base import Parsed
from rag.corpus.formats.odp import parse_fodp, parse_odp
from rag.corpus.formats.ods import parse_fods
from rag.corpus.formats.odt import parse_fodt, parse_odt
from tests.helpers.odt import XMLNS, odt
from tests.helpers.timing import grows_linearly
from tests.unit.test_xlsx import _cited

DATA = Path(__file__).parents[1] / "data" / "flat"
TWINS: dict[str, tuple[Callable[[bytes], Parsed], Callable[[bytes], Parsed]]] = {
    "politique.odt": (parse_odt, parse_fodt), "guide.odt": (parse_odt, parse_fodt), "note.odt": (parse_odt, parse_fodt),
    "changes.odt": (parse_odt, parse_fodt), "deck.odp": (parse_odp, parse_fodp)}
# What each pair shows that a reader could lose: outline numbers over headings, a chart and a footnote, bold lines
# as headings, tracked changes (the deleted text left out), a deck's chart and speaker notes: a section (its heading
# and those over it), a line, and what must not be read
SHOWN = {"politique.odt": ("1.1 Ordre de mission", ("1. Avant le déplacement",), "Réservez le plus tôt possible", ()),
         "guide.odt": ("Alimentation du compte", ("Compte épargne-temps",), "Colissimo | 2024: 42 | 2025: 35", ()),
         "note.odt": ("Accueil du public", (), "L'accueil reste ouvert le matin", ()),
         "changes.odt": ("Demander un congé", (), "Il l'adresse à son responsable validée dans le logiciel.",
                         ("sept", "par courrier", "papier C-3")),
         "deck.odp": ("Notes", ("Congés annuels",), "Chronopost | 2024: 12 | 2025: 9", ())}

def _flat(body: str, element: str = "office:text", kind: str = "text", before: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>{before}<office:document {XMLNS} office:version="1.3" '
            f'office:mimetype="application/vnd.oasis.opendocument.{kind}"><office:body><{element}>{body}</{element}>'
            "</office:body></office:document>").encode()


@pytest.mark.parametrize("name", TWINS)
def test_a_flat_file_reads_as_the_zipped_file_libreoffice_saves_from_the_same_document(name):
    """tests/data/flat/make_flat.py: each pair saved by LibreOffice from one source; the flat file must give what its
    zipped twin gives, to the offsets of every line (the text each indexes is the file's own extracted text)."""
    zipped, flat = TWINS[name]
    twin = DATA / f"{name.partition('.')[0]}.f{name.partition('.')[2]}"
    expected, parsed = zipped((DATA / name).read_bytes()), flat(twin.read_bytes())
    assert parsed == expected
    _cited(parsed)
    heading, parents, line, deleted = SHOWN[name]
    assert (heading, parents) in [(section.heading, section.parents) for section in parsed.sections]
    assert line in (parsed.text or "") and not any(text in (parsed.text or "") for text in deleted)


def _with_picture(size: int) -> bytes:
    """The guide's .fodt, its picture's base64 text `size` bytes long."""
    flat = (DATA / "guide.fodt").read_bytes()
    start = flat.index(b"<office:binary-data>", flat.index(b'draw:name="Logo"')) + len(b"<office:binary-data>")
    return flat[:start] + base64.encodebytes(bytes(size * 3 // 4)) + flat[flat.index(b"</office:binary-data>", start):]


def _peak(parse: Callable[[bytes], Parsed], data: bytes) -> int:
    parse(data)  # what the first call imports and caches is no cost of the file's
    tracemalloc.start()
    try:
        parse(data)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_picture_s_base64_text_is_never_held_nor_counted_as_text(monkeypatch):
    """A picture of 8 MB in a flat file costs its bytes in the file alone: its text is no element's, and past the
    characters a document may hold it is no refusal (a zipped file's picture is a part of its own)."""
    data = _with_picture(8_000_000)
    assert parse_fodt(data) == parse_fodt((DATA / "guide.fodt").read_bytes())
    assert _peak(parse_fodt, data) < 2_000_000
    deck = (DATA / "deck.fodp").read_bytes()
    shown = deck.replace(b"<draw:page ", b'<draw:page draw:name="photo"><draw:frame><draw:image><office:binary-data>'
                         + base64.encodebytes(bytes(6_000_000)) + b"</office:binary-data></draw:image></draw:frame>"
                         b"</draw:page><draw:page ", 1)
    assert _peak(parse_fodp, shown) < 2_000_000
    sheet = (Path(__file__).parents[1] / "data" / "fods" / "boutique.fods").read_bytes()
    drawn = sheet.replace(b"<table:table-row", b"<table:shapes><draw:frame><draw:image><office:binary-data>"
                          + base64.encodebytes(bytes(6_000_000)) + b"</office:binary-data></draw:image></draw:frame>"
                          b"</table:shapes><table:table-row", 1)
    assert parse_fods(drawn) == parse_fods(sheet) and _peak(parse_fods, drawn) < 2_000_000
    monkeypatch.setattr(archive, "CHARACTERS_MAX", 1_000_000)
    monkeypatch.setattr(archive, "RAW_CHARACTERS_MAX", 1_000_000)
    assert parse_fodt(data).title == "Guide des congés"


def test_flat_files_that_cannot_be_read_say_why(monkeypatch):
    cases = {
        "refused .fodt: its flat XML document has a DOCTYPE with declarations": (
            parse_fodt, _flat("<text:p>&a;</text:p>", before='<!DOCTYPE d [<!ENTITY a "aaaa">]>')),
        "refused .fodp: its flat XML document has a DOCTYPE with declarations": (
            parse_fodp, _flat("", before='<!DOCTYPE d [<!ENTITY a SYSTEM "file:///etc/passwd">]>')),
        "not an OpenDocument text: a spreadsheet (.ods) named .fodt": (
            parse_fodt, _flat("", "office:spreadsheet", "spreadsheet")),
        "not an OpenDocument presentation: a text document (.odt) named .fodp": (parse_fodp, _flat("<text:p/>")),
        "not a flat OpenDocument text: its root is no office:document (.fodt)": (
            parse_fodt, _flat("").replace(b"office:document ", b"office:document-content ").replace(
                b"</office:document>", b"</office:document-content>")),
        "damaged .fodt: its flat XML document is not well-formed XML": (parse_fodt, b"<office:document/>"),
        "not a flat OpenDocument text: a zip archive named .fodt (an .odt? rename it .odt)": (
            parse_fodt, (DATA / "note.odt").read_bytes()),
        "not a flat OpenDocument presentation: a zip archive named .fodp (an .odp? rename it .odp)": (
            parse_fodp, (DATA / "deck.odp").read_bytes()),
        "damaged .fodp: its flat XML document holds no presentation (office:body/office:presentation)": (
            parse_fodp, _flat("").replace(b"<office:body><office:text></office:text></office:body>", b"")),
        "refused .fodt: its elements nest deeper than rag follows (sections, tables or spans": (  # as an .odt's
            parse_fodt, _flat("<text:section>" * 1000 + "<text:p>x</text:p>" + "</text:section>" * 1000)),
    }
    for reason, (parse, data) in cases.items():
        with pytest.raises(ValueError, match=f"^{re.escape(reason)}"):
            parse(data)
    # a DOCTYPE naming an external DTD only declares nothing expat reads: it fetches none
    assert parse_fodt(_flat("<text:p>Bonjour</text:p>", before='<!DOCTYPE d SYSTEM "http://example.invalid/d.dtd">'))\
        .text == "Bonjour\n"
    monkeypatch.setattr(archive, "ELEMENTS_MAX", 1000)
    with pytest.raises(ValueError, match=r"^refused \.fodt: its XML holds over 1,000 elements"):
        parse_fodt(_flat("<text:p>x</text:p>" * 1000))


def test_a_deletion_tracked_in_place_is_left_out_of_an_odt_too():
    """The deleted text between a text:change-start and its text:change-end, a paragraph whose end it deletes going on
    in the next, as once accepted; a deletion no text:change-end closes leaves the text read as before."""
    changes = ('<text:tracked-changes><text:changed-region text:id="d1"><text:deletion><office:change-info/>'
               '</text:deletion></text:changed-region><text:changed-region text:id="i1"><text:insertion>'
               "<office:change-info/></text:insertion></text:changed-region></text:tracked-changes>")
    body = ('<text:p>Posée <text:change-start text:change-id="i1"/>un mois<text:change-end text:change-id="i1"/> '
            '<text:span>avant, <text:change-start text:change-id="d1"/>par courrier</text:span>.</text:p>'
            '<text:p>Refusée<text:note><text:note-body><text:p>Note supprimée.</text:p></text:note-body></text:note> '
            '<text:change-end text:change-id="d1"/>ou validée.</text:p><text:p>Fin.</text:p>')
    for parse, data in ((parse_odt, odt(changes + body)), (parse_fodt, _flat(changes + body))):
        assert parse(data).text == "Posée un mois avant, ou validée.\nFin.\n"
    unclosed = body.replace('<text:change-end text:change-id="d1"/>', "")
    assert parse_odt(odt(changes + unclosed)).text == ("Posée un mois avant, par courrier.\nRefusée ou validée.\n"
                                                       "Note supprimée.\nFin.\n")


_DELETION = ('<text:tracked-changes><text:changed-region text:id="d1"><text:deletion><office:change-info/>'
             "</text:deletion></text:changed-region></text:tracked-changes>")


@pytest.mark.parametrize(("body", "text"), [
    ('<text:p>Avant <text:change-start text:change-id="d1"/>supprimé<office:annotation><text:p>com'
     '<text:change-end text:change-id="d1"/>ment</text:p></office:annotation> après.</text:p><text:p>Fin.</text:p>',
     "Avant supprimé après.\nFin.\n"),
    ('<text:p>Avant <text:change-start text:change-id="d1"/>supprimé</text:p><text:section text:name="S" '
     'text:display="none"><text:p>caché<text:change-end text:change-id="d1"/></text:p></text:section>'
     "<text:p>Fin.</text:p>", "Avant supprimé\nFin.\n"),
    ('<text:p>Un <text:change-end text:change-id="d1"/>deux</text:p><text:p>trois '
     '<text:change-start text:change-id="d1"/>quatre</text:p><text:p>Fin.</text:p>', "Un deux\ntrois quatre\nFin.\n"),
    ('<text:p>Un <text:change-start text:change-id="d1"/>deux</text:p><text:p>Fin.</text:p>', "Un deux\nFin.\n"),
    ('<text:p>A<text:note><text:note-body><text:p>note <text:change-start text:change-id="d1"/>ouverte</text:p>'
     '</text:note-body></text:note></text:p><text:p>B <text:change-end text:change-id="d1"/>C</text:p>',
     "A\nnote ouverte\nB C\n")], ids=["end in a comment", "end in a hidden section", "end before start",
                                    "no end", "start in a note"])
def test_a_deletion_the_reading_never_closes_deletes_nothing(body, text):
    """Only a text:change-end the reading reaches after its start closes a deletion (not one in a comment, a hidden
    section, before it, or out of the note it opens in): the text after a start none closes is read."""
    assert parse_fodt(_flat(_DELETION + body)).text == text


def test_a_chart_is_read_again_when_a_deletion_none_closes_sends_the_text_to_a_second_reading(tmp_path):
    # each reading reads each object anew: the second one read no chart (its part counted as read by the first)
    zipped = tmp_path / "guide.odt"
    with zipfile.ZipFile(DATA / "guide.odt") as source:
        parts = {name: source.read(name) for name in source.namelist()}
    content = parts["content.xml"].decode()
    unclosed = ('<text:tracked-changes><text:changed-region text:id="x1"><text:deletion><office:change-info/>'
                '</text:deletion></text:changed-region></text:tracked-changes>')
    content = content.replace("<office:text>", "<office:text>" + unclosed, 1).replace(
        "</office:text>", '<text:p>Dernier <text:change-start text:change-id="x1"/>jamais fermé.</text:p>'
        "</office:text>", 1)
    with zipfile.ZipFile(zipped, "w") as edited:
        for name, part in {**parts, "content.xml": content.encode()}.items():
            edited.writestr(name, part)
    before, after = parse_odt((DATA / "guide.odt").read_bytes()).text, parse_odt(zipped.read_bytes()).text
    charted = [line for line in before.splitlines() if "|" in line]
    assert charted and all(line in after.splitlines() for line in charted)
    assert after.endswith("Dernier jamais fermé.\n")


def test_a_note_cited_before_a_deletion_across_its_paragraph_s_end_is_read_as_its_own_flow():
    """A note is its own flow: a deletion opening after its citation and closing in the next paragraph leaves its
    text, read after the paragraph both make, as in the .odt LibreOffice saves from the same document."""
    body = ('<text:p>Premier paragraphe<text:note text:id="n1" text:note-class="footnote"><text:note-citation>1'
            "</text:note-citation><text:note-body><text:p>Note gardée.</text:p></text:note-body></text:note>"
            '<text:change-start text:change-id="d1"/>fin supprimée.</text:p><text:p>Début supprimé'
            '<text:change-end text:change-id="d1"/> du second.</text:p><text:p>Dernier paragraphe.</text:p>')
    assert parse_fodt(_flat(_DELETION + body)).text == ("Premier paragraphe du second.\nNote gardée.\n"
                                                         "Dernier paragraphe.\n")


def test_a_paragraph_a_deletion_carries_is_not_merged_across_a_table_s_edge():
    """A deletion running from a paragraph into a table's cell: the paragraph ends before the table, not in its row;
    one running from a cell out of the table: the cell's paragraph ends in its cell, not after the table."""
    body = ('<text:p>Avant <text:change-start text:change-id="d1"/>supprimé</text:p><table:table><table:table-row>'
            '<table:table-cell><text:p>cellule<text:change-end text:change-id="d1"/> gardée</text:p>'
            "</table:table-cell><table:table-cell><text:p>B</text:p></table:table-cell></table:table-row>"
            "</table:table><text:p>Fin.</text:p>")
    assert parse_fodt(_flat(_DELETION + body)).text == "Avant \ngardée | B\nFin.\n"
    out = ('<table:table><table:table-row><table:table-cell><text:p>A <text:change-start text:change-id="d1"/>x'
           "</text:p></table:table-cell><table:table-cell><text:p>B</text:p></table:table-cell></table:table-row>"
           '</table:table><text:p>y<text:change-end text:change-id="d1"/> fin</text:p>')
    assert parse_fodt(_flat(_DELETION + out)).text == "A\nfin\n"


def test_a_list_nested_a_thousand_deep_is_read_by_both_readers_its_deeper_items_at_the_tenth_level():
    """Python's recursion limit refused it ("damaged .fodt, cannot be parsed (RecursionError: ..."): a list style has
    ten levels, a list nested deeper has its items read at the tenth, without recursion, in linear time."""
    def nested(depth: int) -> str:
        return ("<text:list><text:list-item><text:p>x</text:p>" * depth + "<text:p>profond</text:p>"
                + "</text:list-item></text:list>" * depth)

    for parse, data in ((parse_odt, odt(nested(1000))), (parse_fodt, _flat(nested(1000)))):
        texts = [line.text for section in parse(data).sections for line in section.lines]
        assert texts == ["• x"] * 1000 + ["profond"]
    shallow = [line.text for section in parse_fodt(_flat(nested(3))).sections for line in section.lines]
    assert shallow == ["• x"] * 3 + ["profond"]
    assert grows_linearly(lambda n: parse_fodt(_flat(nested(n))), 5000)
    with pytest.raises(ValueError, match=r"^refused \.odt: its elements nest deeper than rag follows"):
        parse_odt(odt("<text:section>" * 1000 + "<text:p>x</text:p>" + "</text:section>" * 1000))
