"""OpenDocument spreadsheets (.ods): each visible sheet read as its CSV export is, as an .xlsx is; cells as Calc shows
them, repeated rows and cells counted, covered cells empty; bad files refused with a reason a person can act on."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from rag.corpus.files import BINARY_SUFFIXES, FORMATS
from rag.corpus.formats.csv import parse_csv
from rag.corpus.formats.ods import CELLS_MAX, ENCRYPTED, NO_CONTENT, NOT_A_ZIP, parse_fods, parse_ods
from rag.corpus.formats.opendocument import repeated
from rag.corpus.formats.xlsx import parse_xlsx
from tests.helpers.odt import zipped
from tests.helpers.sheets import HIDING, Raw, ods, wide_ods, xlsx
from tests.unit.test_xlsx import FAQ, _cited, _csv, _shape, over_budget_peak

FLAT_DATA = Path(__file__).parents[1] / "data" / "fods"
_FLAT_ROOT = ('<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
              'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
              'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
              'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
              'office:mimetype="application/vnd.oasis.opendocument.spreadsheet">')


def _flat(body: str, styles: str = "", meta: str = "", root: str = _FLAT_ROOT) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>{root}<office:meta>{meta}</office:meta>'
            f"<office:styles>{styles}</office:styles><office:body>{body}</office:body></office:document>").encode()


def _table(name: str, style: str, text: str) -> str:
    return (f'<table:table table:name="{name}" table:style-name="{style}"><table:table-row><table:table-cell>'
            f"<text:p>{text}</text:p></table:table-cell></table:table-row></table:table>")


def test_ods_and_fods_are_formats_rag_reads(tmp_path):
    assert BINARY_SUFFIXES[".ods"] is parse_ods and BINARY_SUFFIXES[".fods"] is parse_fods
    assert {".ods", ".fods"} <= set(FORMATS.split(", "))


def test_a_flat_fods_reads_as_the_ods_saved_from_the_same_workbook():
    """LibreOffice's .fods and .ods of one workbook: the same text, sections, title and report (its hidden sheet,
    hidden by an automatic style, left out)."""
    flat, zipped_ = (parse_fods((FLAT_DATA / "boutique.fods").read_bytes()),
                     parse_ods((FLAT_DATA / "boutique.ods").read_bytes()))
    assert flat.text == zipped_.text and _shape(flat) == _shape(zipped_)
    assert flat.title == zipped_.title == "FAQ de la boutique"
    assert flat.changes == zipped_.changes == ["1 hidden sheet left out ('Brouillon')"]
    assert "Sous 48 h en France." in flat.text and "secret" not in flat.text


def test_a_flat_fods_reads_its_common_styles_and_its_title():
    """A sheet hidden by one of office:styles' styles (an .ods's styles.xml's), the title office:meta's dc:title."""
    body = ("<office:spreadsheet>" + _table("FAQ", "ta1", "Quels sont les délais ?") +
            _table("Brouillon", "ta2", "secret") + "</office:spreadsheet>")
    parsed = parse_fods(_flat(body, HIDING, "<dc:title>Tarifs 2025</dc:title>"))
    assert parsed.title == "Tarifs 2025" and "secret" not in (parsed.text or "")
    assert parsed.changes == ["1 hidden sheet left out ('Brouillon')"]


def test_flat_files_that_cannot_be_read_say_why():
    cases = {
        "refused .fods: its flat XML document has a DOCTYPE with declarations": (
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><d>&a;</d>'),
        "not an OpenDocument spreadsheet: a text document (.odt) named .fods": _flat("<office:text/>"),
        "not a flat OpenDocument spreadsheet: its root is no office:document (.fods)": _flat(
            "<office:spreadsheet/>", root=_FLAT_ROOT.replace("office:document ", "office:document-content ")).replace(
            b"</office:document>", b"</office:document-content>"),
        "damaged .fods: its flat XML document is not well-formed XML": b"<office:document/>",
    }
    for reason, data in cases.items():
        with pytest.raises(ValueError, match=f"^{re.escape(reason)}"):
            parse_fods(data)


def test_an_ods_reads_as_the_same_workbook_in_xlsx_and_as_its_csv_export():
    prices = [["Produit", "Prix"], ["Abonnement mensuel", "9,90 €"]]
    sheets = {"FAQ": FAQ, "Tarifs": prices, "Brouillons": [["Question", "Réponse"], ["Secret ?", "Oui."]]}
    parsed = parse_ods(ods(sheets, hidden=["Brouillons"], title="Service client"))
    assert _shape(parsed) == _shape(parse_xlsx(xlsx(sheets, hidden=["Brouillons"])))
    assert (parsed.text, parsed.changes) == (parse_xlsx(xlsx(sheets, hidden=["Brouillons"])).text,
                                            parse_xlsx(xlsx(sheets, hidden=["Brouillons"])).changes)
    assert parsed.title == "Service client"
    _cited(parsed)
    alone = parse_ods(ods({"Feuille1": FAQ}))
    assert _shape(alone) == _shape(parse_csv(_csv(FAQ))) and alone.title == "FAQ boutique"


@pytest.mark.parametrize("where", ["after the body", "styles.xml"])
def test_a_sheet_hidden_by_a_style_after_the_body_or_in_styles_xml_is_left_out(where):
    """The style hiding a sheet was applied only among content.xml's automatic styles before its body: placed after
    it (OpenDocument orders them before, a writer may not), or a common style of styles.xml, the hidden sheet was
    read as a visible one."""
    sheets = {"FAQ": FAQ, "Brouillons": [["Question", "Réponse"], ["Secret ?", "Oui."]]}
    data = ods(sheets, hidden=["Brouillons"])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts: dict[str, str | bytes] = {name: archive.read(name) for name in archive.namelist()}
    automatic = f"<office:automatic-styles>{HIDING}</office:automatic-styles>"
    content, styles = str(parts["content.xml"], "utf-8"), str(parts["styles.xml"], "utf-8")
    assert automatic in content and "</office:styles>" in styles
    if where == "styles.xml":
        parts["content.xml"] = content.replace(automatic, "")
        parts["styles.xml"] = styles.replace("</office:styles>", f"{HIDING}</office:styles>")
    else:
        parts["content.xml"] = content.replace(automatic, "").replace("</office:body>", f"</office:body>{automatic}")
    moved, before = parse_ods(zipped(parts)), parse_ods(data)
    assert (_shape(moved), moved.text, moved.changes) == (_shape(before), before.text, before.changes)
    assert moved.changes[-1] == "1 hidden sheet left out ('Brouillons')"


def test_cells_read_as_calc_shows_them_repeats_counted_covered_cells_empty():
    covered = ("<table:table-row><table:covered-table-cell><text:p>Compte</text:p></table:covered-table-cell>"
               "<table:table-cell><text:p>Changer d'e-mail ?</text:p></table:table-cell><table:table-cell "
               "office:value-type='string' office:string-value='Dans Profil.'/></table:table-row>")
    rows: list = [["Foire aux questions", Raw("", "table:number-columns-repeated='2'")],
                  ["Catégorie", "Question", "Réponse"],
                  [Raw("<text:p>Compte</text:p>", "table:number-rows-spanned='2'"), "Mot de passe ?",
                   Raw("<text:p>Cliquez<text:s text:c='2'/>sur<text:tab/>« <text:span>Oublié</text:span> »."
                       "<text:line-break/>Puis validez.<office:annotation><text:p>à revoir</text:p>"
                       "</office:annotation></text:p>")],
                  covered]
    parsed = parse_ods(ods({"FAQ": rows}))
    assert parsed.title == "Foire aux questions"
    assert [(s.heading, s.parents, [line.text for line in s.lines]) for s in parsed.sections] == [
        ("Mot de passe ?", ("Compte",), ["Cliquez  sur\t« Oublié ».", "Puis validez."]),
        ("Changer d'e-mail ?", (), ["Dans Profil."])]
    _cited(parsed)
    repeated = ods({"Prix": [["Produit", "Prix"],
                             "<table:table-row table:number-rows-repeated='3'><table:table-cell "
                             "table:number-columns-repeated='2'><text:p>idem</text:p></table:table-cell>"
                             "</table:table-row>",
                             "<table:table-row table:number-rows-repeated='1048000'><table:table-cell "
                             "table:number-columns-repeated='1024'/></table:table-row>"]})
    assert [(s.heading, [line.text for line in s.lines]) for s in parse_ods(repeated).sections] == [
        ("idem", ["Prix : idem"])] * 3


def test_a_few_bytes_repeating_a_cell_a_million_times_are_refused():
    bomb = ods({"Prix": [["Produit", "Prix"], "<table:table-row table:number-rows-repeated='1048000'><table:table-cell "
                "table:number-columns-repeated='1000'><text:p>x</text:p></table:table-cell></table:table-row>"]})
    with pytest.raises(ValueError, match=rf"^over {CELLS_MAX:,} cells with text in the workbook, repeated rows"):
        parse_ods(bomb)


def test_the_cells_a_workbook_may_hold_are_counted_over_all_its_sheets():
    """Each sheet was allowed CELLS_MAX cells: 1,978 bytes of three sheets each repeating a cell 1,990,000 times
    took 4.1 GB and three minutes to read; ten such sheets exhaust memory."""
    row = ("<table:table-row table:number-rows-repeated='1000'><table:table-cell office:value-type='string' "
           "table:number-columns-repeated='1000'><text:p>x</text:p></table:table-cell></table:table-row>")
    bomb = ods({f"S{n}": [["Question", "Réponse"], row] for n in range(3)})
    with pytest.raises(ValueError, match=rf"^over {CELLS_MAX:,} cells with text in the workbook"):
        parse_ods(bomb)


def test_bad_ods_files_raise_a_reason_a_person_can_act_on():
    good = ods({"F": FAQ})
    cases = {
        NOT_A_ZIP: [good[: len(good) // 2], b"texte brut"],
        ENCRYPTED: [ods({"F": FAQ}, manifest='<manifest:encryption-data manifest:checksum="AAAA"/>')],
        "not an OpenDocument spreadsheet: a text document (.odt) named .ods (rag reads spreadsheets)": [
            ods({"F": FAQ}, mimetype="application/vnd.oasis.opendocument.text"),
            ods({"F": FAQ}, mimetype=None, body_element="office:text")],
        NO_CONTENT: [ods({"F": FAQ}, leave_out={"content.xml"})],
        "not an OpenDocument spreadsheet: an Excel workbook (.xlsx) named .ods; rename it .xlsx": [
            xlsx({"F": FAQ})],
        "damaged .ods: its content.xml holds no spreadsheet": [
            zipped({"content.xml": "<office:document-content xmlns:office='urn:oasis:names:tc:opendocument:xmlns:"
                                   "office:1.0'/>"})],
        "damaged .ods: its content.xml is not well-formed XML (undefined entity": [
            ods({"F": [["a", Raw("<text:p>&lol;</text:p>")]]})],
    }
    for reason, files in cases.items():
        for data in files:
            with pytest.raises(ValueError, match=f"^{re.escape(reason)}"):
                parse_ods(data)


def test_a_content_part_over_the_budget_is_refused_as_its_cells_come_not_once_it_is_a_tree(monkeypatch):
    """content.xml was read into one ElementTree before any cell was counted (an FAQ of 50,000 rows took 2.8 times
    its CSV export's memory, scripts/bench/sheets_memory.py): 200,000 cells under a budget lowered to 20,000 are
    refused at the 20,001st, the cells before it, and their rows, dropped as they are read (142 MB traced at the
    base)."""
    assert over_budget_peak(parse_ods, wide_ods(40_000), monkeypatch) < 8 * 2**20


def test_a_repeated_row_or_cell_counts_from_one_to_the_cap_and_a_count_that_is_no_number_as_one():
    table = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"

    def row(count: str | None) -> ElementTree.Element:
        return ElementTree.Element(f"{{{table}}}table-row", {} if count is None else
                                   {f"{{{table}}}number-rows-repeated": count})

    assert [repeated(row(c), "number-rows-repeated", 100) for c in (None, "3", "0", "x", "-2", "²", "5000")] == \
        [1, 3, 1, 1, 1, 1, 100]
    assert repeated(row("9" * 4400), "number-rows-repeated", 100) == 1  # int() refuses it past 4,300 digits
