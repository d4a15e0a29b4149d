"""Old binary Excel workbooks (.xls): read as the .xlsx they were saved from reads, cells as Excel shows them, files
made by Excel itself; files of other kinds named .xls read by their own readers; encrypted, damaged and hostile files
refused with a reason, in time and memory bounded by the file."""

from __future__ import annotations

import contextlib
import random
import struct
from pathlib import Path

import pytest

from rag.corpus.files import BINARY_SUFFIXES, FORMATS
from rag.corpus.formats import sheets, xls
from rag.corpus.formats.ole import Compound
from rag.corpus.formats.xls import ENCRYPTED, parse_xls
from rag.corpus.formats.xlsx import parse_xlsx
from rag.corpus.reader import read_document
from tests.helpers.sheets import ods, xlsx

DATA = Path(__file__).parents[1] / "data" / "xls"
FAQ = [["Question", "Réponse"], ["Quels sont les délais ?", "Sous 48 h."]]


def _read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def _shape(parsed):
    return [(s.heading, s.parents, [line.text for line in s.lines], [f.text for f in s.fields])
            for s in parsed.sections]


def _stream(data: bytes) -> bytes:
    """The BIFF stream of an .xls: what Excel 2 to 4 saved as the file itself."""
    stream = Compound(data).stream("Workbook")
    assert stream is not None
    return stream


def _with_record(stream: bytes, kind: int, body: bytes | None) -> bytes:
    """`stream` with its first record of `kind` in the workbook's globals given `body` (None: a record of that kind
    and body inserted after the BOF)."""
    at = 0
    while at < len(stream):
        found, length = struct.unpack_from("<HH", stream, at)
        if body is None and at == 0:
            return stream[:4 + length] + struct.pack("<HH", kind, 0) + stream[4 + length:]
        if found == kind:
            return stream[:at + 4] + body + stream[at + 4 + length:]
        at += 4 + length
    raise AssertionError(f"no record {kind:#06x}")


def test_xls_is_a_format_rag_reads(tmp_path):
    assert BINARY_SUFFIXES[".xls"] is parse_xls
    assert ".xls" in FORMATS.split(", ")
    (tmp_path / "Boutique.XLS").write_bytes(_read("boutique.xls"))
    doc = read_document(tmp_path, tmp_path / "Boutique.XLS")
    assert doc.title == "FAQ de la boutique" and "Quels sont les délais ?" in doc.text


def test_a_workbook_saved_as_xls_reads_as_the_xlsx_it_was_saved_from():
    """LibreOffice's .xls of an .xlsx: the same text, sections, title (its summary information's) and report: its
    dates, percentages, prices, booleans and errors shown as Excel shows them, the title row merged over the header,
    the hidden sheet left out and reported."""
    parsed, source = parse_xls(_read("boutique.xls")), parse_xlsx(_read("boutique.xlsx"))
    assert parsed.text == source.text and _shape(parsed) == _shape(source)
    assert parsed.title == source.title == "FAQ de la boutique"
    assert parsed.changes == source.changes == ["1 hidden sheet left out ('Brouillon')"]
    assert "Livraison | Quels sont les délais ? | Sous 48 h en France.\nSous 5 jours en Europe. | 2025-01-15 | 42% " \
           "| 1 234,50 € | TRUE | #N/A\n" in parsed.text  # a French euro format
    assert "| 2024-01-09 | 10% | 12.50 | FALSE\n" in parsed.text and "| TRUE | #DIV/0!\n" in parsed.text
    assert "secret" not in parsed.text
    for section in parsed.sections:
        for line in [*section.lines, *section.fields]:
            assert line.text.endswith(parsed.text[line.start:line.end])


def test_workbooks_saved_by_excel_itself():
    """Excel 2003's files: Cyrillic text, formulas read by their cached results (a General number to 15 significant
    digits, as .xlsx's), a merged range's value once, in its first cell."""
    assert parse_xls(_read("excel2003_formulas.xls")).text == (
        "Description | Data\nNon-latin1 text | МОСКВА Москва\nformula number | 0.142857142857143\n"
        "formula text | ABCDEF\nformula zero-length text\nformula boolean | TRUE\nformula error | #DIV/0!\n"
        "formula non-latin1 text | МОСКВА Москва\n")
    merged = parse_xls(_read("excel2003_merged.xls"))
    assert "table2\nMERGED\ntable3\n" in merged.text and merged.text.count("MERGED") == 1


def test_a_workbook_of_the_1904_date_system_counts_its_dates_from_1904():
    stream = _with_record(_stream(_read("boutique.xls")), 0x0022, struct.pack("<H", 1))  # DATEMODE
    assert "| 2029-01-16 | 42% |" in parse_xls(stream).text  # 45672 days after 1904-01-01


def test_an_encrypted_workbook_says_to_remove_its_password():
    stream = _with_record(_stream(_read("boutique.xls")), 0x002F, None)  # FILEPASS
    with pytest.raises(ValueError, match=f"^{ENCRYPTED}$"):
        parse_xls(stream)


def test_the_cells_with_text_are_counted_against_the_workbook_budget(monkeypatch):
    monkeypatch.setattr(sheets, "CELLS_MAX", 20)
    with pytest.raises(ValueError, match="over 20 cells with text"):
        parse_xls(_read("boutique.xls"))


def test_files_of_other_kinds_named_xls_are_read_by_their_readers():
    """A web application's "export to Excel" (an HTML table, a tab-separated text), an .xlsx or an .ods renamed:
    read as what they are, and reported."""
    html = ("<html><body><table><tr><th>Question</th><th>Réponse</th></tr><tr><td>Quels sont les délais ?</td>"
            "<td>Sous 48 h.</td></tr></table></body></html>").encode()
    parsed = parse_xls(html)
    assert "Sous 48 h." in (parsed.text or "") and parsed.changes[0].startswith("an HTML page")
    parsed = parse_xls("Question\tRéponse\nQuels sont les délais ?\tSous 48 h.\n".encode())
    assert _shape(parsed) == [("Quels sont les délais ?", (), ["Sous 48 h."], [])]
    assert parsed.changes[0] == "a tab-separated text named .xls: read as .tsv"
    assert parse_xls("Question;Réponse\nQuels sont les délais ?;Sous 48 h.\n".encode("cp1252")).changes[:2] == [
        "a delimited text named .xls: read as .csv",
        "not valid UTF-8: read as Windows-1252 (Latin-1); save it as UTF-8 to be sure"]
    renamed = parse_xls(xlsx({"FAQ": FAQ}))
    assert renamed.text == parse_xlsx(xlsx({"FAQ": FAQ})).text
    assert renamed.changes[0] == "an .xlsx workbook named .xls: read as one (rename it)"
    assert parse_xls(ods({"FAQ": FAQ})).changes[0] == "an .ods workbook named .xls: read as one (rename it)"


def test_files_named_xls_that_cannot_be_read_say_what_they_are():
    xml = (b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'
           b"<Worksheet/></Workbook>")
    data = _read("boutique.xls")
    cases = {
        "not an .xls: an Excel 2003 XML spreadsheet named .xls": xml,
        "not an .xls: an OLE compound file holding no workbook": data.replace("Workbook".encode("utf-16-le"),
                                                                              "Xorkbook".encode("utf-16-le")),
        "damaged .xls: neither an Excel 97-2003 workbook": bytes(range(256)) * 4,
        "damaged .xls, cannot be parsed (OleError: cut short: 100 bytes": data[:100],
    }
    for reason, bad in cases.items():
        with pytest.raises(ValueError, match=f"^{reason.replace('(', '.').replace(')', '.')}"):
            parse_xls(bad)


def test_a_mini_stream_chain_that_loops_is_refused_at_once():
    """The Workbook stream, in the mini stream, its first mini sector's successor itself: xlrd's own reader of the
    compound file follows such a chain forever, holding more memory at each step."""
    data = bytearray(_read("boutique.xls"))
    first_mini_fat = struct.unpack_from("<I", data, 60)[0]
    struct.pack_into("<I", data, 512 + 512 * first_mini_fat, 0)  # mini sector 0 (the Workbook's first) -> 0
    with pytest.raises(ValueError, match="loops or leaves its table"):
        parse_xls(bytes(data))


def test_a_directory_tree_that_meets_an_entry_twice_is_refused():
    """An entry named as both siblings of another: xlrd's reader visits it once for each path, 2^n steps for a
    chain of n such entries."""
    data = bytearray(_read("boutique.xls"))
    compound = Compound(bytes(data))
    directory = data.find(bytes(compound.entries[1]))  # the Workbook's entry, its siblings 2 and 4
    struct.pack_into("<II", data, directory + 68, 2, 2)
    with pytest.raises(ValueError, match="meets an entry twice"):
        parse_xls(bytes(data))


def test_a_fat_that_lists_a_sector_twice_is_refused():
    """The header's list of the FAT's sectors naming one of them twice: a FAT of copies, as large as the list is
    long times a sector, is never built."""
    data = bytearray(_read("boutique.xls"))
    first = struct.unpack_from("<I", data, 76)[0]
    struct.pack_into("<I", data, 80, first)  # the second FAT sector listed: the first again
    with pytest.raises(ValueError, match="lists a sector of its FAT twice"):
        parse_xls(bytes(data))


def test_damaged_workbooks_raise_a_reason_never_another_error():
    """Files cut short anywhere, and bytes changed at random: each read or refused with a `ValueError`."""
    rng = random.Random(5)
    for name in ("boutique.xls", "excel2003_formulas.xls"):
        data = _read(name)
        cases = [data[:cut] for cut in range(64, len(data), 97)]
        for _ in range(150):
            changed = bytearray(data)
            for _ in range(rng.randint(1, 12)):
                changed[rng.randrange(len(changed))] = rng.randrange(256)
            cases.append(bytes(changed))
        for case in cases:
            with contextlib.suppress(ValueError):
                parse_xls(case)


def test_a_compound_file_inside_the_workbook_stream_is_refused_before_xlrd_reads_it():
    """xlrd reads a Workbook stream that begins with the OLE signature as a compound file of its own, by a directory
    walk of 2^n steps (a 10 KB file: days)."""
    from tests.helpers.cfb import Writer

    inner = Writer()
    inner.children(0, [inner.stream("Workbook", b"\x09\x08" + bytes(64))])
    outer = Writer()
    outer.children(0, [outer.stream("Workbook", inner.build())])
    with pytest.raises(ValueError, match="a compound file inside its Workbook stream"):
        parse_xls(outer.build())


def _typed(types: dict[str, int]) -> bytes:
    """boutique.xls, a compound file again, its sheets named in `types` made of that BOUNDSHEET type (2 a chart, 1 a
    macro sheet, 6 a Visual Basic module) and their substreams' BOF of a chart's (0x0020), as Excel writes a chart
    sheet's."""
    from tests.helpers.cfb import Writer

    stream, at, starts = bytearray(_stream(_read("boutique.xls"))), 0, {}
    while at < len(stream):
        kind, length = struct.unpack_from("<HH", stream, at)
        name = bytes(stream[at + 12:at + 4 + length]).decode("latin-1")
        if kind == 0x0085 and name in types:
            stream[at + 9] = types[name]
            starts[struct.unpack_from("<I", stream, at + 4)[0]] = name
        if kind == 0x0809 and at in starts:
            struct.pack_into("<H", stream, at + 6, 0x0020)
        at += 4 + length
    writer = Writer()
    writer.children(0, [writer.stream("Workbook", bytes(stream))])
    return writer.build()


def test_chart_and_macro_sheets_hold_no_cells_xlrd_reads_and_are_reported():
    """xlrd names no sheet that is no worksheet: a chart sheet was left out unsaid. Reported as an .xlsx's is; a
    workbook of such sheets alone refused saying so; a hidden one among the hidden sheets."""
    parsed = parse_xls(_typed({"Tarifs": 2}))
    assert "Quels sont les délais ?" in (parsed.text or "") and "Tarifs" not in (parsed.text or "")
    assert parsed.changes == ["1 chart, dialog or macro sheet not read ('Tarifs')",
                              "1 hidden sheet left out ('Brouillon')"]
    assert parse_xls(_typed({"Brouillon": 2})).changes == ["1 hidden sheet left out ('Brouillon')"]
    with pytest.raises(ValueError, match=r"^no text found: the \.xls holds no visible sheet of cells, only chart, "
                                         r"dialog or macro sheets \('FAQ', 'Tarifs'\) "
                                         r"\(1 hidden sheet left out \('Brouillon'\)\)$"):
        parse_xls(_typed({"FAQ": 2, "Tarifs": 1}))


def test_a_chart_sheet_whose_name_cannot_be_decoded_is_reported_by_its_place_the_workbook_read(monkeypatch):
    """One undecodable name of a sheet that is no worksheet refused the whole .xls as damaged: the name alone is
    lost, the sheet reported by its place among the workbook's sheets."""
    decode = xls.unpack_unicode

    def undecodable(data: bytes, pos: int, lenlen: int = 2) -> str:
        if decode(data, pos, lenlen) == "Tarifs":
            raise UnicodeDecodeError("utf_16_le", b"\x00", 0, 1, "truncated data")
        return decode(data, pos, lenlen)

    monkeypatch.setattr(xls, "unpack_unicode", undecodable)
    parsed = parse_xls(_typed({"Tarifs": 2}))
    assert "Quels sont les délais ?" in (parsed.text or "")
    assert parsed.changes == ["1 chart, dialog or macro sheet not read ('sheet 2, its name unreadable')",
                              "1 hidden sheet left out ('Brouillon')"]
