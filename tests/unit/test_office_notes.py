"""Footnotes and endnotes of Word and OpenDocument texts (audit 56, `tests/data/audit56`): an office writes part of a
rule in a note ("la journée de solidarité est travaillée¹", the note naming the day), which was left out, so the
answer was lost. A note is read as lines after the block whose shown text cites it, in that block's section."""

from __future__ import annotations

import io

import docx
from docx.oxml import parse_xml

from rag.corpus.formats.docx import parse_docx
from rag.corpus.formats.odt import parse_odt
from tests.helpers.odt import odt
from tests.helpers.word import W, with_part


def _cite(kind: str, ident: int) -> str:
    return f'<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:{kind}Reference w:id="{ident}"/></w:r>'


def _word(*paragraphs: str, table: str = "") -> bytes:
    document = docx.Document()
    document.add_heading("Temps de travail", 1)
    body = document.element.body
    for xml in paragraphs:
        body.insert(len(body) - 1, parse_xml(f"<w:p {W}>{xml}</w:p>"))
    if table:
        body.insert(len(body) - 1, parse_xml(f"<w:tbl {W}><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid>{table}"
                                             "</w:tbl>"))
    document.add_heading("Congés", 1)
    document.add_paragraph("Vingt-cinq jours ouvrés par an.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _sections(parsed) -> list[tuple[str | None, list[str]]]:
    return [(s.heading, [line.text for line in s.lines]) for s in parsed.sections]


def test_a_word_footnote_is_read_after_the_paragraph_citing_it_in_its_section():
    data = _word(f'<w:r><w:t>La journée de solidarité est travaillée</w:t></w:r>{_cite("footnote", 1)}'
                 '<w:r><w:t>.</w:t></w:r>', '<w:r><w:t>Le temps est saisi chaque semaine.</w:t></w:r>')
    data = with_part(data, "footnotes", {"1": "Elle est fixée au lundi de Pentecôte.\n"
                                              "Un jour de RTT peut la remplacer."})
    parsed = parse_docx(data)
    assert _sections(parsed) == [
        ("Temps de travail", ["La journée de solidarité est travaillée.", "Elle est fixée au lundi de Pentecôte.",
                              "Un jour de RTT peut la remplacer.", "Le temps est saisi chaque semaine."]),
        ("Congés", ["Vingt-cinq jours ouvrés par an."])]
    for section in parsed.sections:  # cited into the text as every line is
        assert all(parsed.text[line.start:line.end] == line.text for line in section.lines)


def test_a_word_endnote_and_a_note_cited_in_a_table_follow_their_block_and_a_deleted_citation_cites_nothing():
    row = ("<w:tr><w:tc><w:p><w:r><w:t>{}</w:t></w:r>{}</w:p></w:tc>"
           "<w:tc><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc></w:tr>")
    data = _word(
        f'<w:r><w:t>Les heures sont majorées</w:t></w:r>{_cite("endnote", 2)}'
        f'<w:del w:id="9" w:author="a"><w:r><w:delText> de 10 %</w:delText></w:r>{_cite("footnote", 3)}</w:del>',
        table=row.format("Paris", _cite("footnote", 1), "150 €") + row.format("Lyon", "", "110 €"))
    data = with_part(with_part(data, "footnotes", {"1": "Et la petite couronne.", "3": "Note supprimée."}),
                     "endnotes", {"2": "Selon l'accord du 12 mars 2022."})
    assert _sections(parse_docx(data))[0] == ("Temps de travail", [
        "Les heures sont majorées", "Selon l'accord du 12 mars 2022.",
        "Paris | 150 €", "Lyon | 110 €", "Et la petite couronne."])


def _note(ident: int, text: str, kind: str = "footnote") -> str:
    return (f'<text:note text:id="ftn{ident}" text:note-class="{kind}"><text:note-citation>{ident}'
            f"</text:note-citation><text:note-body><text:p>{text}</text:p></text:note-body></text:note>")


def test_an_opendocument_note_is_read_after_the_paragraph_list_item_or_table_citing_it():
    cell = "<table:table-cell><text:p>{}</text:p></table:table-cell>"
    body = (
        '<text:h text:outline-level="1">Transport</text:h>'
        f"<text:p>Les kilomètres suivent le barème fiscal{_note(1, 'Soit 0,636 € par kilomètre.')}.</text:p>"
        f'<text:list text:style-name="Bullets"><text:list-item><text:p>Péages{_note(2, "Sur ticket.", "endnote")}'
        "</text:p></text:list-item><text:list-item><text:p>Parking</text:p></text:list-item></text:list>"
        '<table:table><table:table-column table:number-columns-repeated="2"/><table:table-row>'
        + cell.format(f"Paris{_note(3, 'Et la petite couronne.')}") + cell.format("150 €")
        + "</table:table-row><table:table-row>" + cell.format("Lyon") + cell.format("110 €")
        + '</table:table-row></table:table><text:h text:outline-level="1">Repas</text:h><text:p>20 €</text:p>')
    parsed = parse_odt(odt(body))
    assert _sections(parsed) == [
        ("Transport", ["Les kilomètres suivent le barème fiscal.", "Soit 0,636 € par kilomètre.", "• Péages",
                       "Sur ticket.", "• Parking", "Paris | 150 €", "Lyon | 110 €", "Et la petite couronne."]),
        ("Repas", ["20 €"])]
    for section in parsed.sections:
        assert all(parsed.text[line.start:line.end] == line.text for line in section.lines)
