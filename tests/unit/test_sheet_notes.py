"""A workbook's note: a row under its table whose one cell is merged across the table ("Déjeuner inclus : 30 € par
participant") is a paragraph as written, not its first column's value ("Formation : Déjeuner inclus ..."), in an
.xlsx (its `mergeCells`), an .ods (`table:number-columns-spanned`) and an .xls (xlrd's `merged_cells`) alike; a cell
alone in its row, not merged, stays its column's value; a merge file lists costs no more than its cells."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.corpus.formats import xlsx as xlsx_reader
from rag.corpus.formats.base import Parsed
from rag.corpus.formats.csv import MAX_COLUMNS
from rag.corpus.formats.ods import parse_fods, parse_ods
from rag.corpus.formats.sheets import Sheet
from rag.corpus.formats.xls import parse_xls
from rag.corpus.formats.xlsx import parse_xlsx
from tests.helpers.sheets import MAIN, traced_parse, xlsx

DATA = Path(__file__).parents[1] / "data" / "xls"
READERS = {".xlsx": parse_xlsx, ".ods": parse_ods, ".xls": parse_xls, ".fods": parse_fods}
HEADER = ["Formation", "Durée", "Prix HT", "Lieu"]


def _shape(parsed: Parsed) -> list[tuple]:
    return [(s.heading, s.parents, [line.text for line in s.lines]) for s in parsed.sections]


@pytest.mark.parametrize("suffix", sorted(READERS))
def test_a_row_merged_across_the_table_is_a_note_in_every_workbook_format(suffix):
    """`formations_notes.fods` saved by LibreOffice as .xlsx, .ods and .xls (tests/data/xls/README.md): a title
    merged over the table, a note merged across inside it and one under it, and a row of one cell not merged. The
    notes were read as the first column's values ("Formation : Sessions d'automne : ..."); the title and the rows
    read as before."""
    parsed = READERS[suffix]((DATA / f"formations_notes{suffix}").read_bytes())
    assert parsed.title == "Formations inter-entreprises 2027"
    assert _shape(parsed) == [
        ("Excel avancé", (), ["Durée : 2 jours", "Prix HT : 890 €", "Lieu : Lyon"]),
        ("Gestion de projet", (), ["Durée : 3 jours", "Prix HT : 1 290 €", "Lieu : Paris"]),
        (None, (), ["Sessions d'automne : inscriptions ouvertes jusqu'au 15 juillet"]),
        ("Prise de parole", (), ["Durée : 1 jour", "Prix HT : 590 €", "Lieu : Nantes"]),
        (None, (), ["Formation : Atelier sur mesure"]),  # alone in its row, not merged: its column's value
        (None, (), ["Déjeuner inclus : 30 € par participant, hors taxes"])]
    assert parsed.text is not None
    for section in parsed.sections:
        for line in section.lines:  # a note is cited at its cell, as written
            assert line.text.endswith(parsed.text[line.start:line.end])


def test_a_merge_over_half_the_header_or_less_keeps_the_cell_its_column_s_value():
    """A cell merged over two of four columns may be a value spanning two (a category, a label): only a merge
    across more than half the table's columns is a note."""
    rows = [HEADER, ["Excel avancé", "2 jours", "890 €", "Lyon"], ["Sur devis", None, None, None],
            ["Déjeuner inclus", None, None, None]]
    parsed = parse_xlsx(xlsx({"S": rows}, merged={"S": ["A3:B3", "A4:C4"]}))
    assert [[line.text for line in s.lines] for s in parsed.sections][1:] == [["Formation : Sur devis"],
                                                                              ["Déjeuner inclus"]]


def test_a_note_merged_across_an_faq_sheet_is_read_not_lost_as_a_category_without_entry():
    """An FAQ sheet's first column its category: a note merged across from it was a category with no question nor
    answer, left out."""
    rows = [["Catégorie", "Question", "Réponse"], ["Livraison", "Délais ?", "Sous 48 h."],
            ["Réponses valables pour la France métropolitaine", None, None]]
    parsed = parse_xlsx(xlsx({"FAQ": rows}, merged={"FAQ": ["A3:C3"]}))
    assert _shape(parsed)[1:] == [(None, (), ["Réponses valables pour la France métropolitaine"])]


def test_merges_past_the_cells_cost_nothing_and_one_over_the_whole_sheet_is_bounded():
    """An .xlsx's mergeCells come after its cells: a range is kept only where its first cell holds text, at most
    `MAX_COLUMNS` wide, the first `MERGES_MAX` so kept; 100,000 ranges over empty rows hold nothing, one
    claiming A3:XFD1048576 makes its cell a note (without the filter, 100,000 ranges kept took 31 MB)."""
    rows = "".join(f'<row r="{r}">' + "".join(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'
                                               for ref, text in cells) + "</row>"
                   for r, cells in ((1, (("A1", "Nom"), ("B1", "Prix"))), (2, (("A2", "Duo"), ("B2", "45 €"))),
                                    (3, (("A3", "Tarifs HT"),))))
    merges = '<mergeCell ref="A3:XFD1048576"/>' + "".join(f'<mergeCell ref="A{r}:F{r}"/>' for r in range(4, 10**5))
    sheet = f'<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData><mergeCells>{merges}</mergeCells></worksheet>'
    parsed, peak = traced_parse(parse_xlsx, xlsx({"S": [["x"]]}, replace={"xl/worksheets/sheet1.xml": sheet}))
    assert _shape(parsed) == [("Duo", (), ["Prix : 45 €"]), (None, (), ["Tarifs HT"])]
    assert peak < 8 * 2**20


def test_a_sheet_keeps_a_merge_only_at_a_cell_with_text_and_at_most_as_wide_as_a_table_is_read():
    sheet = Sheet("S")
    sheet.put(2, 3, "Note")
    for row, column in ((1, 1), (2, 1), (2, 4), (9, 3)):
        sheet.merge(row, column, 5)
    sheet.merge(2, 3, 16_384)
    assert sheet.across == {2: {2: MAX_COLUMNS}}


@pytest.mark.parametrize(("first", "note"), [(2, "C4:D4"), (4, "E4:H4"), (0, "A4:E4")])
def test_a_note_is_measured_against_the_table_s_columns_not_the_empty_margin_left_of_it(first, note):
    """A table at C:D or E:H: its header's empty cells left of it are no columns of it, and a note merged across
    the table was read as its first column's value ("Formation : Tarifs valables en 2027"); a note merged from
    column A across a table at B:E (first = 0: the table at B, its note from A) is one too."""
    start = max(first, 1)
    width = 2 if first == 2 else 4
    margin = [None] * start
    rows = [margin + HEADER[:width], margin + ["Excel avancé", "2 jours", "890 €", "Lyon"][:width],
            margin + ["Word", "1 jour", "490 €", "Paris"][:width],
            [None] * first + ["Tarifs valables en 2027"]]
    parsed = parse_xlsx(xlsx({"S": rows}, merged={"S": [note]}))
    assert _shape(parsed)[-1] == (None, (), ["Tarifs valables en 2027"])


@pytest.mark.parametrize("suffix", [".xlsx", ".ods", ".xls"])
def test_a_category_band_of_an_faq_sheet_is_no_passage_and_a_band_of_a_price_list_reads_alone(suffix):
    """`faq_bands.fods` saved by LibreOffice (tests/data/xls/README.md): an FAQ sheet whose categories head bands
    merged across it ("Livraison"), and a price list whose product families do ("Sièges"). An FAQ's band was a
    passage of one word; it is left out, as a category without entry was before notes were read. A price list's
    band reads alone, not as its first column's value ("Produit : Sièges")."""
    parsed = READERS[suffix]((DATA / f"faq_bands{suffix}").read_bytes())
    assert _shape(parsed) == [
        ("Quels délais ?", ("FAQ", "Livraison"), ["Sous 48 h."]),
        ("Quels moyens ?", ("FAQ",), ["Carte et virement."]),
        ("Tarifs", (), ["Sièges"]),
        ("Fauteuil ergonomique", ("Tarifs",), ["Référence : SG-10", "Prix HT : 389 €"]),
        ("Chaise visiteur", ("Tarifs",), ["Référence : SG-11", "Prix HT : 79 €"])]


def test_the_merges_kept_are_those_at_cells_with_text_up_to_the_bound_the_others_reported(monkeypatch):
    """`MERGES_MAX` counts the ranges kept, not those over empty rows (a sheet listing the bound's number of them
    before its note's read the note as its column's value, and said nothing); past it, the reader says how many
    were read as not merged."""
    monkeypatch.setattr(xlsx_reader, "MERGES_MAX", 2)
    rows = [["Nom", "Prix"], ["Duo", "45 €"], ["Tarifs HT", None], ["Déjeuner inclus", None],
            ["Remise de 10 % dès 3 places", None]]
    merges = [f"A{r}:B{r}" for r in range(10, 20)] + ["A3:B3", "A4:B4", "A5:B5"]
    parsed = parse_xlsx(xlsx({"S": rows}, merged={"S": merges}))
    assert _shape(parsed)[1:] == [(None, (), ["Tarifs HT"]), (None, (), ["Déjeuner inclus"]),
                                  (None, (), ["Nom : Remise de 10 % dès 3 places"])]
    assert parsed.changes == ["1 merged range over text past the first 2 read as not merged (a note merged across "
                              "the table as its first column's value)"]


def test_a_short_note_under_an_faq_s_last_entry_is_read_not_taken_for_a_band():
    """A band heads the entries under it: one merged in the category column under the last entry heads none, and
    is the sheet's note, which was lost as a category without entry; a band over entries is still left out."""
    rows = [["Catégorie", "Question", "Réponse"], ["Livraison", None, None],
            [None, "Quels délais ?", "Sous 48 h."], [None, "Quels moyens ?", "Carte et virement."],
            ["Réponses valables en 2025", None, None]]
    parsed = parse_xlsx(xlsx({"S": rows}, merged={"S": ["A2:C2", "A5:C5"]}))
    shape = _shape(parsed)
    assert shape[-1] == (None, (), ["Réponses valables en 2025"])
    assert not any("Livraison" in lines for _, _, lines in shape), shape
