"""Which encoding a text file's bytes are read in, and why a file is refused when none fits."""

import codecs
import re

import pytest

from rag.corpus.encoding import BINARY, LEGACY, decode_text, utf8_with_errors
from rag.corpus.reader import Skipped, read_document, read_file

# Windows-1252 text as Word types it: a non-breaking space before French punctuation and inside « », German „ “.
# Each holds, by chance, one valid UTF-8 sequence: É+A0 (C9 A0), é+A0+» (E9 A0 BB), ß+“ (DF 93), beside stray bytes.
WINDOWS_1252 = [
    "Le magasin est « fermé\u00a0» le dimanche",
    "RÉSUMÉ\u00a0: la garantie couvre les pièces",
    "Der „Fuß“ des Berges ist groß.",
    "Retours\u00a0: «\u00a0ÉTÉ\u00a0» jusqu’au 31\u00a0août\u00a0; «\u00a0Noël\u00a0» après.",
]


@pytest.mark.parametrize("text", WINDOWS_1252)
def test_windows_1252_with_word_typography_is_read_as_such(text):
    data = text.encode("cp1252")
    assert not utf8_with_errors(data)
    assert decode_text(data) == (text, LEGACY)


def test_a_windows_1252_file_is_indexed_and_reported(tmp_path):
    text = "# Horaires\n\nLe magasin est « fermé\u00a0» le dimanche. RÉSUMÉ\u00a0: ouvert en août.\n"
    (tmp_path / "horaires.md").write_bytes(text.encode("cp1252"))
    doc = read_document(tmp_path, tmp_path / "horaires.md")
    assert doc.text == text and doc.changes == [LEGACY]


def test_an_html_page_declaring_windows_1252_is_read_so_without_a_notice(tmp_path):
    """Audit 58: Word's "Page Web" declares `charset=windows-1252`; ingest said of each such page "not valid UTF-8:
    read as Windows-1252 (Latin-1); save it as UTF-8 to be sure", what the page itself says. A page that declares
    nothing, or UTF-8, is still reported."""
    body = "<body><p>Le magasin est « fermé\u00a0» le dimanche. RÉSUMÉ\u00a0: ouvert en août.</p></body></html>"
    for head, changes in (("<meta http-equiv=Content-Type content=\"text/html; charset=windows-1252\">", []),
                          ('<meta charset="ISO-8859-1">', []), ("", [LEGACY]), ('<meta charset="utf-8">', [LEGACY])):
        (tmp_path / "page.htm").write_bytes(f"<html><head>{head}<title>Horaires</title></head>{body}".encode("cp1252"))
        doc = read_document(tmp_path, tmp_path / "page.htm")
        assert "« fermé\u00a0»" in doc.text and doc.changes == changes, head
    assert decode_text("<meta charset=windows-1252><p>été</p>".encode("cp1252")) == (
        "<meta charset=windows-1252><p>été</p>", LEGACY)  # not an HTML file's: its name says what it is


@pytest.mark.parametrize("stray", [b"\xe9", b"\xa0", b"\x93", b"\xe9\xa0"])
def test_utf8_with_a_stray_byte_is_refused_not_garbled(stray):
    """Mostly valid UTF-8 sequences and one byte outside any: read as Windows-1252, every "é" would be "Ã©"."""
    before = "Votre réponse est arrivée. Garantie étendue".encode()
    data = before + stray + " à la livraison.".encode()
    assert utf8_with_errors(data)
    with pytest.raises(ValueError, match=rf"^not valid UTF-8 \(byte {len(before)}\); convert the file to UTF-8$"):
        decode_text(data)


def test_utf8_cut_inside_its_last_character_is_refused():
    data = "Garantie étendue à deux ans, réparé".encode()[:-1]  # the last "é" cut after its first byte
    with pytest.raises(ValueError, match=rf"not valid UTF-8 \(byte {len(data) - 1}\)"):
        decode_text(data)


def test_a_file_marked_utf8_is_never_read_as_windows_1252():
    data = codecs.BOM_UTF8 + "Garantie \xe9tendue".encode("cp1252")  # no other UTF-8 sequence than the mark
    with pytest.raises(ValueError, match=r"not valid UTF-8 \(byte 12\)"):  # counted from the file's first byte
        decode_text(data)


@pytest.mark.parametrize("encoding", ["cp1251", "cp437"])
def test_other_8_bit_encodings_are_refused_not_guessed(encoding):
    text = "Проблема кодировки" if encoding == "cp1251" else "Problème d'encodage : déjà vu, reçu à l'été."
    with pytest.raises(ValueError, match=r"not valid UTF-8 \(byte \d+\)"):
        decode_text(text.encode(encoding))


def marked(text: str, encoding: str) -> bytes:
    """`text` in `encoding`, its byte order mark first (this machine's order for "utf-16" and "utf-32")."""
    return text.encode(encoding) if encoding in ("utf-16", "utf-32") else ("\ufeff" + text).encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-be", "utf-16", "utf-16-be"])
def test_utf32_and_utf16_are_read_by_their_byte_order_mark(encoding, tmp_path):
    text = "Garantie étendue\n\nLa garantie couvre 😀 les pièces et la main-d’œuvre pendant deux ans.\n"
    data = marked(text, encoding)
    assert data[:4] in (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE) or data[:2] in (codecs.BOM_UTF16_LE,
                                                                                  codecs.BOM_UTF16_BE)
    assert decode_text(data) == (text, None)
    (tmp_path / "garantie.txt").write_bytes(data)
    (tmp_path / "utf8.txt").write_text(text, encoding="utf-8")
    doc, utf8 = read_document(tmp_path, tmp_path / "garantie.txt"), read_document(tmp_path, tmp_path / "utf8.txt")
    assert doc.text == text and doc.changes == []
    assert [(s.heading, [line.text for line in s.lines]) for s in doc.sections] == [
        (s.heading, [line.text for line in s.lines]) for s in utf8.sections]


@pytest.mark.parametrize(("encoding", "name"), [("utf-16", "UTF-16"), ("utf-16-be", "UTF-16"), ("utf-32", "UTF-32"),
                                               ("utf-32-be", "UTF-32")])
def test_a_file_marked_utf16_or_utf32_that_is_cut_short_says_so(encoding, name):
    data = marked("Garantie étendue à deux ans.", encoding)
    for cut in (1, 2, 3) if name == "UTF-32" else (1,):
        with pytest.raises(ValueError, match=rf"^{name} file \(by its byte order mark\) cut short: its "
                                             rf"{len(data) - cut} bytes end inside a character"):
            decode_text(data[:-cut])


def test_a_utf16_surrogate_cut_at_the_end_is_a_cut():
    data = "Garantie 😀".encode("utf-16")[:-2]  # the low half of the pair is gone
    with pytest.raises(ValueError, match=r"^UTF-16 file \(by its byte order mark\) cut short"):
        decode_text(data)


def test_a_damaged_utf16_or_utf32_file_says_where():
    lone = codecs.BOM_UTF16_LE + "Garantie ".encode("utf-16-le") + b"\x00\xdcx\x00"  # a low surrogate alone
    with pytest.raises(ValueError, match=r"^UTF-16 file \(by its byte order mark\) damaged at byte 20 \("):
        decode_text(lone)
    huge = codecs.BOM_UTF32_BE + "Ga".encode("utf-32-be") + b"\x00\x11\x00\x00"  # beyond U+10FFFF
    with pytest.raises(ValueError, match=r"^UTF-32 file \(by its byte order mark\) damaged at byte 12 \("):
        decode_text(huge)


def test_nul_bytes_make_a_binary_file_unless_a_mark_says_utf16_or_utf32():
    with pytest.raises(ValueError, match=f"^{re.escape(BINARY)}$"):
        decode_text("Bonjour à tous".encode("utf-16-le"))  # no mark
    with pytest.raises(ValueError, match=f"^{re.escape(BINARY)}$"):
        decode_text(b"\x00\x00\xfe" + "Bonjour".encode("utf-32-be"))  # not quite UTF-32's mark


def test_a_utf16_file_cut_short_is_reported_as_utf16_by_the_ingest(tmp_path):
    (tmp_path / "faq.txt").write_bytes(("Question ?\n" + "Réponse longue. " * 10).encode("utf-16")[:-1])
    skipped = read_file(tmp_path, tmp_path / "faq.txt")
    assert isinstance(skipped, Skipped) and skipped.reason.startswith("UTF-16 file (by its byte order mark) cut short")
