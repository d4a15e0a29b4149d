"""Excel workbooks (.xlsx): each visible sheet read as its CSV export is (an FAQ sheet one section per row), several
sheets under their names, cells as Excel shows them, every line cited in the extracted text; bad files refused with a
reason a person can act on."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable

import pytest

from rag.corpus.files import BINARY_SUFFIXES, FORMATS
from rag.corpus.formats.base import Parsed
from rag.corpus.formats.csv import parse_csv
from rag.corpus.formats.xlsx import ENCRYPTED, NO_WORKBOOK, NOT_A_ZIP, OLD_EXCEL, parse_xlsx
from rag.corpus.reader import read_document
from tests.helpers.odt import zipped
from tests.helpers.office import saved_as
from tests.helpers.sheets import MAIN, PACKAGE_RELS, RELS, Raw, traced_parse, wide_xlsx, xlsx

FAQ = [["FAQ boutique", None, None, None, None],
       ["Catégorie", "Question", "Réponse", "Variantes", "Statut"],
       ["Livraison", "Quels sont les délais ?", "Sous 48 h en France.\nSous 5 jours en Europe.", "délai | quand",
        "publié"],
       ["Livraison", "Livrez-vous le dimanche ?", "Pas encore.", None, "brouillon"],
       [],
       ["Paiement", "Puis-je payer en 3 fois ?", 'Oui, avec "Alma", dès 100 €.', "3x", "publié"]]


def _shape(parsed: Parsed) -> list[tuple]:
    return [(s.heading, s.parents, [line.text for line in s.lines], [f.text for f in s.fields])
            for s in parsed.sections]


def _csv(rows: list[list]) -> str:
    def cell(value: object) -> str:
        text = "" if value is None else str(value)
        return '"' + text.replace('"', '""') + '"' if any(ch in text for ch in ';"\n') else text
    return "\n".join(";".join(cell(value) for value in row) for row in rows) + "\n"


def _cited(parsed: Parsed) -> None:
    """Every line and field of every section stands in the extracted text at its offsets."""
    for section in parsed.sections:
        for line in [*section.lines, *section.fields]:
            assert line.text.endswith(parsed.text[line.start:line.end])
        if section.heading_start is not None:
            assert parsed.text.startswith(section.heading, section.heading_start)


def test_xlsx_is_a_format_rag_reads_and_its_templates_too(tmp_path):
    assert BINARY_SUFFIXES[".xlsx"] is parse_xlsx
    assert ".xlsx" in FORMATS.split(", ")
    for suffix in (".xlsm", ".xltx", ".xltm"):  # a workbook with macros (never run), templates: the same parts
        (tmp_path / f"suivi{suffix}").write_bytes(saved_as(xlsx({"FAQ": FAQ}), suffix))
        assert read_document(tmp_path, tmp_path / f"suivi{suffix}").text == parse_xlsx(xlsx({"FAQ": FAQ})).text


def test_an_faq_sheet_gives_the_sections_its_csv_export_gives():
    """One section per row, its question the heading under its category, its answer's lines, its other cells
    fields, the draft left out and reported, the title row the title: as the same sheet saved as .csv."""
    parsed = parse_xlsx(xlsx({"Feuil1": FAQ}))
    exported = parse_csv(_csv(FAQ))
    assert _shape(parsed) == _shape(exported) == [
        ("Quels sont les délais ?", ("Livraison",), ["Sous 48 h en France.", "Sous 5 jours en Europe."],
         ["Variantes : délai | quand", "Statut : publié"]),
        ("Puis-je payer en 3 fois ?", ("Paiement",), ['Oui, avec "Alma", dès 100 €.'],
         ["Variantes : 3x", "Statut : publié"])]
    assert parsed.title == exported.title == "FAQ boutique"
    assert parsed.changes == exported.changes and "(the first: row 4)" in parsed.changes[0]
    assert parsed.blocks and parsed.text == (
        "FAQ boutique\nCatégorie | Question | Réponse | Variantes | Statut\n"
        "Livraison | Quels sont les délais ? | Sous 48 h en France.\nSous 5 jours en Europe. | délai | quand | publié\n"
        "Livraison | Livrez-vous le dimanche ? | Pas encore. | brouillon\n"
        'Paiement | Puis-je payer en 3 fois ? | Oui, avec "Alma", dès 100 €. | 3x | publié\n')
    _cited(parsed)


def test_several_sheets_head_their_rows_and_hidden_and_empty_ones_are_left_out():
    prices = [["Produit", "Prix"], ["Abonnement mensuel", Raw("<v>9.9</v>", style=5)], [None, "sans produit"]]
    parsed = parse_xlsx(xlsx({"FAQ": FAQ, "Vide": [], "Tarifs": prices, "Brouillons": [["Question", "Réponse"],
                                                                                        ["Secret ?", "Oui."]]},
                             hidden=["Brouillons"], title="Service client"))
    assert _shape(parsed) == [
        ("Quels sont les délais ?", ("FAQ", "FAQ boutique", "Livraison"),
         ["Sous 48 h en France.", "Sous 5 jours en Europe."], ["Variantes : délai | quand", "Statut : publié"]),
        ("Puis-je payer en 3 fois ?", ("FAQ", "FAQ boutique", "Paiement"), ['Oui, avec "Alma", dès 100 €.'],
         ["Variantes : 3x", "Statut : publié"]),
        ("Abonnement mensuel", ("Tarifs",), ["Prix : 9,90 €"], []),  # a French euro format
        ("Tarifs", (), ["Prix : sans produit"], [])]  # a row without heading of its own: its sheet's
    assert parsed.title == "Service client"  # docProps/core.xml's
    assert parsed.text.startswith("FAQ\nFAQ boutique\n") and "Tarifs\nProduit | Prix\n" in parsed.text
    assert "Secret" not in parsed.text and "Vide" not in parsed.text
    assert parsed.changes == [
        "sheet 'FAQ': 1 row left out, flagged as drafts (a status column reading draft or brouillon; not published) "
        "(the first: row 4)", "1 hidden sheet left out ('Brouillons')"]
    _cited(parsed)
    with pytest.raises(ValueError, match=r"^no text found: every visible sheet of the \.xlsx is empty \(1 hidden"):
        parse_xlsx(xlsx({"Vide": [], "Caché": [["a", "b"]]}, hidden=["Caché"]))


def test_a_sheet_that_is_no_table_is_reported_and_the_others_read():
    parsed = parse_xlsx(xlsx({"FAQ": FAQ, "Entête": [["Question", "Réponse"]]}))
    assert [s.heading for s in parsed.sections] == ["Quels sont les délais ?", "Puis-je payer en 3 fois ?"]
    assert parsed.changes[0] == ("sheet 'Entête' left out: no text found: the table has a header row and no row of "
                                 "text under it")
    with pytest.raises(ValueError, match=r"^no text found: the table has a header row and no row"):
        parse_xlsx(xlsx({"Entête": [["Question", "Réponse"]]}))
    wide = xlsx({"Matrice": [["x"]]}, replace={"xl/worksheets/sheet1.xml": (
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c>'
        '<c r="ALN1"><v>1</v></c></row></sheetData></worksheet>')})
    with pytest.raises(ValueError, match=r"^a cell in column 1,002 of row 1: rag reads tables of at most 1,000"):
        parse_xlsx(wide)


def test_cells_read_as_excel_shows_them():
    rows = [["Quoi", "Valeur"],
            ["entier", 42.0], ["décimal", 0.30000000000000004], ["booléen", True],
            ["date", Raw("<v>45672</v>", style=1)], ["date perso", Raw("<v>45672.75</v>", style=4)],
            ["deux décimales", Raw("<v>12.5</v>", style=2)], ["pourcentage", Raw("<v>0.125</v>", style=3)],
            ["prix", Raw("<v>1234.5</v>", style=5)], ["erreur", Raw("<v>#N/A</v>", type="e")],
            ["formule", Raw("<f>A1&amp;B1</f><v>QuoiValeur</v>", type="str")],
            ["en ligne", Raw('<is><r><t>Gras</t></r><r><rPr><b/></rPr><t xml:space="preserve"> et normal</t></r>'
                             "<rPh><t>ふりがな</t></rPh></is>", type="inlineStr")],
            ["échappé", Raw("<is><t>ligne_x000D_\nsuite</t></is>", type="inlineStr")],
            ["vide", Raw("<f>NA()</f>")]]
    parsed = parse_xlsx(xlsx({"Valeurs": rows}))
    assert [(s.heading, [line.text for line in s.lines]) for s in parsed.sections] == [
        ("entier", ["Valeur : 42"]), ("décimal", ["Valeur : 0.3"]), ("booléen", ["Valeur : TRUE"]),
        ("date", ["Valeur : 2025-01-15"]), ("date perso", ["Valeur : 2025-01-15"]),
        ("deux décimales", ["Valeur : 12.50"]), ("pourcentage", ["Valeur : 13%"]), ("prix", ["Valeur : 1 234,50 €"]),
        ("erreur", ["Valeur : #N/A"]), ("formule", ["Valeur : QuoiValeur"]), ("en ligne", ["Valeur : Gras et normal"]),
        ("échappé", ["Valeur : ligne", "suite"]), (None, ["Quoi : vide"])]  # a formula without result: empty
    _cited(parsed)
    assert parse_xlsx(xlsx({"D": [["Quand", "Date"], ["x", Raw("<v>0</v>", style=1)]]}, date1904=True)).sections[
        0].lines[0].text == "Date : 1904-01-01"


def test_a_merged_cell_s_value_is_its_first_cell_s():
    """Excel keeps a merged range's value in its first cell: a title merged over the header's width is the title,
    a category merged down two rows heads the first of them only, as its CSV export writes it."""
    rows = [["Foire aux questions", None, None], ["Catégorie", "Question", "Réponse"],
            ["Compte", "Mot de passe oublié ?", "Cliquez sur « Oublié »."],
            [None, "Changer d'e-mail ?", "Dans Profil."]]
    parsed = parse_xlsx(xlsx({"FAQ": rows}, merged={"FAQ": ["A1:C1", "A3:A4"]}))
    assert parsed.title == "Foire aux questions"
    assert [(s.heading, s.parents) for s in parsed.sections] == [("Mot de passe oublié ?", ("Compte",)),
                                                                 ("Changer d'e-mail ?", ())]
    assert _shape(parsed) == _shape(parse_csv(_csv(rows)))


def test_a_title_row_and_a_header_merged_over_two_rows_name_every_column():
    """Audit 62's price list: a title merged over the sheet, then a header whose "Location mensuelle HT" spans two
    columns named in the row under it, "Modèle" merged down both rows. The title heads the rows, and each column is
    named by both rows; the second row is no row of data (the title was read as the header's only name, every row's
    cells left without theirs)."""
    rows = [["Grille tarifaire 2027", None, None, None],
            ["Modèle", "Prix d'achat HT", "Location mensuelle HT", None],
            [None, None, "36 mois", "60 mois"],
            ["Duo M", "3690", "129", "95"], ["Duo XL", "5900", "199", "149"]]
    parsed = parse_xlsx(xlsx({"Tarifs": rows}, merged={"Tarifs": ["A1:D1", "A2:A3", "B2:B3", "C2:D2"]}))
    assert parsed.title == "Grille tarifaire 2027"
    assert _shape(parsed) == _shape(parse_csv(_csv(rows))) == [
        ("Duo M", (), ["Prix d'achat HT : 3690", "Location mensuelle HT › 36 mois : 129",
                       "Location mensuelle HT › 60 mois : 95"], []),
        ("Duo XL", (), ["Prix d'achat HT : 5900", "Location mensuelle HT › 36 mois : 199",
                        "Location mensuelle HT › 60 mois : 149"], [])]
    _cited(parsed)


def test_every_line_points_into_the_extracted_text_through_read_document(tmp_path):
    (tmp_path / "faq.xlsx").write_bytes(xlsx({"Feuil1": FAQ}))
    doc = read_document(tmp_path, tmp_path / "faq.xlsx")
    assert doc.title == "FAQ boutique" and doc.page_starts is None and doc.blocks
    assert [s.heading for s in doc.sections] == ["Livraison › Quels sont les délais ?",
                                                 "Paiement › Puis-je payer en 3 fois ?"]
    for section in doc.sections:
        for line in section.lines:
            assert doc.text[line.start:line.end] == line.text


def test_bad_xlsx_files_raise_a_reason_a_person_can_act_on():
    good = xlsx({"F": FAQ})
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100
    cases = {
        NOT_A_ZIP: [good[: len(good) // 2], b"PK\x03\x04", b"texte brut"],
        ENCRYPTED: [ole + "EncryptedPackage".encode("utf-16-le")],
        OLD_EXCEL: [ole + "Workbook".encode("utf-16-le")],
        NO_WORKBOOK: [zipped({"[Content_Types].xml": "<Types/>"})],
        "not an Excel workbook: a Word document (.docx) named .xlsx; rename it .docx": [
            zipped({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})],
        "damaged .xlsx: its xl/sharedStrings.xml is not well-formed XML (mismatched tag": [
            xlsx({"F": FAQ}, replace={"xl/sharedStrings.xml": "<sst><si><t>a</si></sst>"})],
        "damaged .xlsx: cell B2 names shared string '7', which the workbook's 1 do not hold": [
            xlsx({"F": [["a"]]}, replace={"xl/worksheets/sheet1.xml": (
                f'<worksheet xmlns="{MAIN}"><sheetData><row r="2"><c r="B2" t="s"><v>7</v></c></row></sheetData>'
                "</worksheet>")})],
        "refused .xlsx: its xl/workbook.xml has a DOCTYPE with declarations (an internal subset), which Office Open "
        "XML never has": [xlsx({"F": FAQ}, replace={"xl/workbook.xml": (
            '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
            f'<workbook xmlns="{MAIN}"><sheets/></workbook>')})],
    }
    for reason, files in cases.items():
        for data in files:
            with pytest.raises(ValueError, match=f"^{re.escape(reason)}"):
                parse_xlsx(data)


def test_an_xlsx_that_unzips_to_too_much_is_refused_before_it_is_inflated(monkeypatch):
    from rag.corpus.formats import archive

    data = xlsx({"F": FAQ})
    unzipped = sum(part.file_size for part in zipfile.ZipFile(io.BytesIO(data)).infolist())
    monkeypatch.setattr(archive, "UNZIPPED_MAX_BYTES", unzipped - 1)
    with pytest.raises(ValueError, match=rf"^expands to {unzipped:,} bytes once unzipped, over the {unzipped - 1:,}"):
        parse_xlsx(data)
    monkeypatch.setattr(archive, "UNZIPPED_MAX_BYTES", unzipped)
    assert parse_xlsx(data).sections


def test_a_part_that_inflates_past_what_its_directory_says_is_refused():
    """A zip bomb whose directory understates its part: found while inflating, in bounded memory."""
    data = bytearray(xlsx({"F": FAQ}, replace={"xl/worksheets/sheet9.xml": "a" * 100_000}))
    at = data.rfind(b"xl/worksheets/sheet9.xml")  # its central directory entry: the name after 46 bytes of fields
    size = at - 46 + 24
    data[size:size + 4] = (1000).to_bytes(4, "little")
    with pytest.raises(ValueError, match=r"^damaged \.xlsx: part xl/worksheets/sheet9\.xml inflates to 100,000 bytes, "
                                         r"its zip directory says 1,000"):
        parse_xlsx(bytes(data))


@pytest.mark.parametrize(("code", "builtin", "value", "shown_as"), [
    ("[h]:mm", 0, "1.5", "36:00"), (None, 46, "1.5000115740740741", "36:00:01"), ("[mm]:ss", 0, "0.0625", "90:00"),
    ("[ss]", 0, "0.001", "86"), ("[Red][h]:mm", 0, "-0.25", "-6:00"), ("h:mm", 0, "0.75", "18:00")])
def test_a_duration_in_its_largest_unit_shows_every_hour(code, builtin, value, shown_as):
    """A shift of a day and a half, formatted `[h]:mm`, was read "12:00", the time of day past the first day."""
    from rag.corpus.formats.xlsx_numbers import number_format, shown

    assert shown(value, number_format(code, builtin)) == shown_as


@pytest.mark.parametrize(("code", "value", "shown_as"), [
    ("0.00", "1e26", "100000000000000000000000000.00"), ("0.00", "1e308", "1" + "0" * 308 + ".00"),
    ("0%", "1e308", "1e308"), ("[h]:mm", "1e308", "1e308"), ("dd/mm/yyyy", "1e308", "1e308"),
    ("[h]:mm", "-2", "-48:00")])
def test_a_number_no_format_can_show_is_its_value_and_never_refuses_the_workbook(code, value, shown_as):
    """One cell of 1e26 in a "0.00" format refused the whole workbook ("damaged .xlsx ... InvalidOperation": past
    Decimal's 28 digits), 1e308 in [h]:mm too (OverflowError)."""
    from rag.corpus.formats.xlsx_numbers import number_format, shown

    assert shown(value, number_format(code, 164)) == shown_as
    parsed = parse_xlsx(xlsx({"S": [["Quoi", "Valeur"], ["x", Raw("<v>1e26</v>", style=2)]]}))  # style 2: "0.00"
    assert [line.text for line in parsed.sections[0].lines] == ["Valeur : 100000000000000000000000000.00"]


def test_a_cell_far_down_costs_no_row_per_empty_row_and_one_past_excel_s_last_row_follows_its_row():
    """A few hundred bytes naming cell A1048576 made the sheet a million rows long in memory (about 70 MB a sheet,
    1.5 GB for 20 sheets); a reference past Excel's last row made it longer still ("A99999999999": memory
    exhausted)."""
    rows = "".join(f'<row r="{r}"><c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c></row>'
                   for r, ref, text in [(1, "A1", "Question"), (2, "A5000000", "Rien ?"), (1048576, "A1048576",
                                                                                            "Tout ?")])
    sheet = f'<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>'
    parsed, peak = traced_parse(parse_xlsx, xlsx({"S": [["Question"]]}, replace={"xl/worksheets/sheet1.xml": sheet}))
    assert [[line.text for line in s.lines] for s in parsed.sections] == [["Question : Rien ?"], ["Question : Tout ?"]]
    assert peak < 20 * 2**20


def over_budget_peak(parse: Callable[[bytes], Parsed], data: bytes, monkeypatch: pytest.MonkeyPatch) -> int:
    """The peak of memory traced while `parse` refuses `data`, past a budget lowered to 20,000 cells."""
    import tracemalloc

    from rag.corpus.formats import sheets

    monkeypatch.setattr(sheets, "CELLS_MAX", 20_000)
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=r"^over 20,000 cells with text in the workbook, repeated rows and cells "):
            parse(data)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_workbook_over_the_budget_is_refused_as_its_cells_come_not_once_its_sheet_is_a_tree(monkeypatch):
    """A worksheet was read into one ElementTree before any cell was counted: 2,000,005 cells (78 MB of XML, a 6 MB
    file) took 1.4 GB before the refusal (scripts/bench/sheets_memory.py). Here the budget is lowered to 20,000 cells
    and the sheet holds 200,000: read as it inflates, the refusal comes at the 20,001st (117 MB traced at the
    base)."""
    assert over_budget_peak(parse_xlsx, wide_xlsx(40_000), monkeypatch) < 8 * 2**20


def test_a_shared_strings_table_past_the_budget_is_refused_as_it_is_read(monkeypatch):
    from rag.corpus.formats import sheets

    strings = "".join(f"<si><t>{n}</t></si>" for n in range(1001))
    data = xlsx({"S": [["x"]]}, replace={"xl/sharedStrings.xml": f'<sst xmlns="{MAIN}">{strings}</sst>'})
    monkeypatch.setattr(sheets, "CELLS_MAX", 1000)
    with pytest.raises(ValueError, match=r"^over 1,000 strings in its shared strings table \(a damaged or hostile"):
        parse_xlsx(data)
    monkeypatch.setattr(sheets, "CELLS_MAX", 1001)
    assert parse_xlsx(data).sections


def test_a_part_read_as_it_inflates_is_refused_as_one_read_whole_is(monkeypatch):
    """A worksheet or the shared strings declaring entities, or not well-formed, are refused as the workbook part is
    (`xml_part`); a cell of more elements than any Excel writes is refused, not held."""
    from rag.corpus.formats import archive

    doctype = '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]>'
    cases = {
        "refused .xlsx: its xl/worksheets/sheet1.xml has a DOCTYPE with declarations (an internal subset)": {
            "xl/worksheets/sheet1.xml": f'{doctype}<worksheet xmlns="{MAIN}"><sheetData/></worksheet>'},
        "refused .xlsx: its xl/sharedStrings.xml has a DOCTYPE with declarations": {
            "xl/sharedStrings.xml": f'{doctype}<sst xmlns="{MAIN}"><si><t>&a;</t></si></sst>'},
        "damaged .xlsx: its xl/worksheets/sheet1.xml is not well-formed XML (mismatched tag: line 1, column 95)": {
            "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{MAIN}"><sheetData><row></sheetData></worksheet>'},
        "damaged .xlsx: its xl/worksheets/sheet1.xml is not well-formed XML (no element found": {
            "xl/worksheets/sheet1.xml": ""},
        "damaged .xlsx: an element of its xl/worksheets/sheet1.xml holds over 1,000 others": {
            "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{MAIN}"><sheetData><row><c t="inlineStr"><is>'
                                        + "<r><t>a</t></r>" * 501 + "</is></c></row></sheetData></worksheet>"}}
    monkeypatch.setattr(archive, "ITEM_ELEMENTS_MAX", 1000)
    for reason, parts in cases.items():
        with pytest.raises(ValueError, match=f"^{re.escape(reason)}"):
            parse_xlsx(xlsx({"F": [["Question"], ["Oui ?"]]}, replace=parts))
    cell = "<c t=\"inlineStr\"><is>" + "<r><t>a</t></r>" * 499 + "</is></c>"
    sheet = f'<worksheet xmlns="{MAIN}"><sheetData><row><c t="inlineStr"><is><t>Q</t></is></c></row><row>{cell}</row>' \
            "</sheetData></worksheet>"
    read = parse_xlsx(xlsx({"F": [["x"]]}, replace={"xl/worksheets/sheet1.xml": sheet}))
    assert [line.text for line in read.sections[0].lines] == ["Q : " + "a" * 499]


@pytest.mark.parametrize(("code", "value", "shown_as"), [
    ("#,##0.00", "1234.5", "1,234.50"), ("#,##0", "-1234567.5", "-1,234,568"), ("#,##0.00 [$€-40C]", "12.5", "12,50 €"),
    ("0.0,,", "12200000", "12.2"), ('#,##0,"k"', "1234567", "1,235k"), ("0.00", "1234.5", "1234.50"),
    ("#,##0%", "12.345", "1,235%"), ("#,##0\\ [$€-40C]", "5900", "5 900 €"),
    ("#,##0.00 [$€-407]", "1234.5", "1.234,50 €"), ("#,##0.00 [$$-409]", "1234.5", "1,234.50 $"),
    ("0\\ %", "0.06", "6 %"), ("0.0\\ %", "0.065", "6.5 %"),
    ("[$$-80A]#,##0.00", "1234.5", "$1,234.50"), ("[$$-540A]#,##0.00", "1234.5", "$1,234.50"),  # Mexico, the US
    ("[$CHF-807] #,##0.00", "1234.5", "CHF 1'234.50"), ("[$CHF-810] #,##0.00", "1234.5", "CHF 1'234.50"),
    ("#,##0.00 [$$-C0C]", "1234.5", "1 234,50 $"), ("#,##0.00 [$€-C0A]", "1234.5", "1.234,50 €"),
    ("#,##0.00 [$€-813]", "1234.5", "1.234,50 €"), ("[$R$-416] #,##0.00", "1234.5", "R$ 1.234,50"),
    ("[$CHF-100C] #,##0.00", "1234.5", "CHF 1,234.50"),  # Swiss French: not told, English's
    # another country of a language writing a decimal comma writes one too: its language's marks, never "5,900"
    ("#,##0\\ [$€-80C]", "5900", "5 900 €"), ("#,##0.00 [$€-816]", "1234.5", "1.234,50 €"),
    ("#,##0.00 [$€-C07]", "1234.5", "1.234,50 €"), ("#,##0 [$$-2C0A]", "5900", "5.900 $"),
    ("[$Q-100A]#,##0.00", "1234.5", "Q1,234.50")])  # Guatemala's Spanish: a decimal point
def test_a_number_s_thousands_are_separated_where_its_format_separates_them(code, value, shown_as):
    """`#,##0.00` showed 1234.5 as "1234.50", where Excel shows "1,234.50" (in English, and its CSV export there:
    the separators a format code is written with); a comma after the digits divides by a thousand. A format naming a
    locale (`[$€-40C]`, French; `-407`, German) shows its separators: audit 62's French price list read "5,900 €",
    five euros ninety to its reader; its "0\\ %" read "6%", the space between the number and its sign lost. The
    locale is its country's: Mexico's Spanish and Swiss German were shown as Spain's and Germany's ("$1.234,50")."""
    from rag.corpus.formats.xlsx_numbers import number_format, shown

    assert shown(value, number_format(code, 164)) == shown_as


@pytest.mark.parametrize(("code", "builtin", "value", "shown_as"), [
    (None, 11, "12345", "1.23E+04"), (None, 11, "0.000123", "1.23E-04"), (None, 11, "-12345", "-1.23E+04"),
    (None, 11, "9.999", "1.00E+01"), (None, 11, "0", "0.00E+00"), (None, 48, "12345", "12.3E+3"),
    ('0.0E-0" m"', 164, "12345", "1.2E4 m"), (None, 12, "1.25", "1 1/4"), (None, 12, "0.5", "1/2"),
    (None, 12, "2", "2"), (None, 12, "0.3", "2/7"), (None, 12, "-1.25", "-1 1/4"), (None, 13, "3.14159", "3 14/99"),
    ("?/?", 164, "1.25", "5/4"), ("# ?/8", 164, "1.3", "1 2/8"), (None, 12, "1.99", "2")])
def test_scientific_and_fraction_formats_show_what_excel_shows(code, builtin, value, shown_as):
    """`0.00E+00` showed 12345 as "12345.00" and `# ?/?` showed 1.25 as "1.25", where Excel shows "1.23E+04" and
    "1 1/4"."""
    from rag.corpus.formats.xlsx_numbers import number_format, shown

    assert shown(value, number_format(code, builtin)) == shown_as


@pytest.mark.parametrize(("serial", "builtin", "date1904", "shown_as"), [
    ("-0.5", 14, False, "-0.5"), ("-0.25", 20, False, "-0.25"), ("-0.25", 20, True, "-06:00"),
    ("-1", 14, True, "-1904-01-02"), ("-1.5", 22, True, "-1904-01-02 12:00"), ("1", 14, True, "1904-01-02")])
def test_a_negative_date_is_its_value_in_the_1900_system_and_before_1904_in_the_1904_one(serial, builtin, date1904,
                                                                                        shown_as):
    """A serial between -1 and 0 was read as a time of 1899-12-30 (-0.25 in h:mm "18:00", a day's end), where Excel's
    1900 date system shows ######## for any negative date or time, and its 1904 one the time before its epoch, with a
    minus ("-6:00": why workbooks of negative durations use it)."""
    from rag.corpus.formats.xlsx_numbers import number_format, shown

    assert shown(serial, number_format(None, builtin), date1904) == shown_as


@pytest.mark.parametrize(("serial", "builtin", "shown_as"), [
    ("1", 14, "1900-01-01"), ("59", 14, "1900-02-28"), ("60", 14, "1900-02-29"), ("61", 14, "1900-03-01"),
    ("59.75", 22, "1900-02-28 18:00"), ("0.5", 20, "12:00"), ("0", 14, "1900-01-00"), ("45672", 14, "2025-01-15")])
def test_a_date_before_march_1900_is_the_day_excel_shows(serial, builtin, shown_as):
    """Excel's 1900 date system counts a 29 February 1900 (as Lotus 1-2-3 did): serials 1 to 59 were read a day
    early (1 as 1899-12-31), 60 as 1900-02-28."""
    from rag.corpus.formats.xlsx_numbers import number_format, shown

    assert shown(serial, number_format(None, builtin)) == shown_as


def _charts(state: str, rows: list[list[str | int]] | None = None) -> bytes:
    """A workbook of a chart sheet, then a worksheet in `state` (hidden, or visible), its `rows` (by default, a
    header if hidden, none if visible)."""
    book = (f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets><sheet name="Ventes 2024" sheetId="1" r:id="rId1"/>'
            f'<sheet name="Données" sheetId="2" state="{state}" r:id="rId2"/></sheets></workbook>')
    rels = (f'<Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="rId1" Type="{RELS}/chartsheet" '
            f'Target="chartsheets/sheet1.xml"/><Relationship Id="rId2" Type="{RELS}/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>')
    rows = rows if rows is not None else [["Mois", "Ventes"]] if state == "hidden" else []
    return xlsx({"Données": rows}, replace={
        "xl/workbook.xml": book, "xl/_rels/workbook.xml.rels": rels, "xl/chartsheets/sheet1.xml": "<chartsheet/>"})


def test_a_workbook_of_chart_sheets_alone_says_it_holds_no_sheet_of_cells():
    """It was refused as "every visible sheet of the .xlsx is empty", which a person who sees a chart in it cannot
    act on; a workbook with a worksheet, empty, still says so."""
    with pytest.raises(ValueError, match=r"^no text found: the \.xlsx holds no visible sheet of cells, only chart, "
                                         r"dialog or macro sheets \('Ventes 2024'\) "
                                         r"\(1 hidden sheet left out \('Données'\)\)$"):
        parse_xlsx(_charts("hidden"))
    with pytest.raises(ValueError, match=r"^no text found: every sheet of the \.xlsx is empty$"):
        parse_xlsx(_charts("visible"))
    # beside a sheet of cells, a chart sheet is reported (it was left out unsaid)
    assert parse_xlsx(_charts("visible", [[2024, 12], [2025, 9]])).changes == [
        "1 chart, dialog or macro sheet not read ('Ventes 2024')"]


def test_the_styles_part_is_read_as_it_inflates_its_formats_counted(monkeypatch):
    """styles.xml was read whole into a tree: a generated workbook writing a style a cell (or a hostile one) holds
    as many `xf` as cells. Read as it inflates, its formats and styles counted, the first numFmts and cellXfs only."""
    from rag.corpus.formats import sheets

    styles = (f'<styleSheet xmlns="{MAIN}"><numFmts><numFmt numFmtId="164" formatCode="#,##0.0"/></numFmts>'
              '<cellStyleXfs><xf numFmtId="2"/></cellStyleXfs><cellXfs>' + '<xf numFmtId="0"/>' * 998
              + '<xf numFmtId="164"><alignment wrapText="1"/></xf></cellXfs>'
              '<cellXfs><xf numFmtId="9"/></cellXfs></styleSheet>')
    rows = [["Quoi", "Valeur"], ["prix", Raw("<v>1234.5</v>", style=998)], ["autre", Raw("<v>0.5</v>", style=999)]]
    data = xlsx({"S": rows}, replace={"xl/styles.xml": styles})
    monkeypatch.setattr(sheets, "CELLS_MAX", 1000)
    assert [line.text for s in parse_xlsx(data).sections for line in s.lines] == ["Valeur : 1,234.5", "Valeur : 0.5"]
    monkeypatch.setattr(sheets, "CELLS_MAX", 999)
    with pytest.raises(ValueError, match=r"^over 999 number formats and cell styles in its styles part \(a damaged"):
        parse_xlsx(data)
