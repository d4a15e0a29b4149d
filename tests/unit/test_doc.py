"""Old binary Word documents (.doc, .dot; Word 97 to 2003): paragraphs, tables, fields and footnotes as one text,
headings from the styles' built-in identifiers, the title; files named .doc that are something else; encrypted,
old and hostile files refused with a reason, in linear time."""

from __future__ import annotations

import contextlib
import random
import shutil
import struct
import tracemalloc
from pathlib import Path

import olefile
import pytest

from rag.corpus.files import BINARY_SUFFIXES, CONVERT, FORMATS, refusal
from rag.corpus.formats.doc import ENCRYPTED, NOT_WORD, OLD_VERSION, _notes, _Reader, parse_doc
from rag.corpus.formats.doc_pieces import PLCFFNDREF, PLCFFNDTXT, Fib, Pieces
from rag.corpus.formats.doc_styles import Paragraphs, Styles
from rag.corpus.formats.docx import OLD_WORD, parse_docx
from rag.corpus.formats.rtf import parse_rtf
from rag.corpus.reader import read_document
from tests.helpers.timing import grows_linearly

DATA = Path(__file__).resolve().parents[1] / "data" / "doc"
GUIDE = DATA / "guide-conges.doc"
GUIDE_TEXT = (
    "Guide des congés\n"
    "Ce guide explique les règles de l’œuvre sociale ; le coût est de 12 € par jour.\n"
    "Sommaire\n"
    "Demander un congé\n"
    "La demande se fait sur le portail au moins quinze jours avant.\n"
    "Le portail est ouvert de 8 h à 20 h.\n"
    "Voir la page des congés pour le détail.\n"
    "Congés d’été\n"
    "Les congés d’été se posent avant le 1\nmars, en période α ou β.\n"
    "Type | Durée | Remarque\n"
    "Été | 3 semaines au plus\n"
    "Hiver | 1 semaine ou 2 | selon l’ancienneté\n"
    "Voir l’accord d’entreprise.\n"
    "Après le tableau.\n"
    "Annuler un congé\n"
    "Une annulation se fait par courriel.\n")


def _clx(text: bytes, compressed: bool) -> bytes:
    """A piece table of one piece: `text` kept from byte 0 of the WordDocument stream."""
    count = len(text) if compressed else len(text) // 2
    fc = 0x40000000 if compressed else 0  # a compressed piece's fc is twice its offset, bit 30 set
    plc = struct.pack("<II", 0, count) + struct.pack("<HIH", 0, fc, 0)
    return b"\x02" + struct.pack("<I", len(plc)) + plc


def _read(text: str, styles: Styles | None = None) -> str:
    """The text a document's reader makes of `text`, its main document's characters (no paragraph properties: a
    cell mark right after one ends the row)."""
    word = text.encode("utf-16-le")
    reader = _Reader(styles or Styles(b""), Paragraphs(word, b""), Pieces(_clx(word, False), len(word)), {})
    reader.read(text)
    return reader.text.parsed(None).text or ""


def _patched(tmp_path: Path, stream: str, patch: dict[int, bytes], source: Path = GUIDE) -> bytes:
    """`source` with bytes of one of its streams replaced (offset: bytes), the stream keeping its size."""
    copy = tmp_path / "patched.doc"
    shutil.copy(source, copy)
    with olefile.OleFileIO(str(copy), write_mode=True) as ole:
        data = bytearray(ole.openstream(stream).read())
        for at, value in patch.items():
            data[at:at + len(value)] = value
        ole.write_stream(stream, bytes(data))
    return copy.read_bytes()


def test_doc_and_dot_are_formats_rag_reads():
    assert BINARY_SUFFIXES[".doc"] is parse_doc and BINARY_SUFFIXES[".dot"] is parse_doc
    assert {".doc", ".dot"} <= set(FORMATS.split(", "))
    assert ".doc" not in CONVERT
    assert refusal(DATA, GUIDE) is None


def test_a_libreoffice_doc_reads_as_its_docx_would():
    """Paragraphs, a line break, a table (an empty cell left out, its row ended by the mark Word flags as the row's
    end, a cell of two paragraphs), a hyperlink's text and not its field code, a footnote after the paragraph that
    cites it and one cited in a cell after the table, a table of contents left out, accents and Greek (a Unicode
    piece); Title, Heading 1 and Heading 2 open sections; the summary information's title."""
    parsed = parse_doc(GUIDE.read_bytes())
    assert parsed.text == GUIDE_TEXT
    assert parsed.title == "Guide des congés"
    sections = [(s.heading, s.parents, [line.text for line in s.lines]) for s in parsed.sections]
    assert sections[1:] == [
        ("Demander un congé", (), ["La demande se fait sur le portail au moins quinze jours avant.",
                                   "Le portail est ouvert de 8 h à 20 h.", "Voir la page des congés pour le détail."]),
        ("Congés d’été", ("Demander un congé",), [
            "Les congés d’été se posent avant le 1", "mars, en période α ou β.", "Type | Durée | Remarque",
            "Été | 3 semaines au plus", "Hiver | 1 semaine ou 2 | selon l’ancienneté",
            "Voir l’accord d’entreprise.", "Après le tableau."]),
        ("Annuler un congé", (), ["Une annulation se fait par courriel."])]
    rows = [line for s in parsed.sections for line in s.lines if line.item]
    assert [row.opens_table for row in rows] == [True, False, False]
    assert all(parsed.text[line.start:line.end] == line.text for s in parsed.sections for line in s.lines)


def test_a_doc_written_by_microsoft_word_is_read():
    parsed = parse_doc((DATA / "word-test-ole-file.doc").read_bytes())
    assert parsed.text == "Test OLE file, saved as Word 97-2003 Document.\n"


def test_a_doc_is_read_through_the_corpus_reader_and_a_dot_alike(tmp_path):
    shutil.copy(GUIDE, tmp_path / "guide.doc")
    shutil.copy(GUIDE, tmp_path / "modele.dot")
    for name in ("guide.doc", "modele.dot"):
        document = read_document(tmp_path, tmp_path / name)
        assert document.title == "Guide des congés"
        assert document.text == GUIDE_TEXT


def test_fields_show_their_result_never_their_instruction():
    assert _read('Voir \x13 HYPERLINK "https://x.fr/a" \\h \x01\x14la page\x15 ici\r') == "Voir la page ici\n"
    # nested: the outer instruction holds a field of its own; only the outer result shows
    assert _read("A\x13 IF \x13 DATE \x14lundi\x15 = x \x14oui\x15 B\r") == "Aoui B\n"
    assert _read("A\x13 PAGE \x15B\r") == "AB\n"  # no result: nothing shows
    assert _read("A\x13 TOC \\o \x14Titre\t1\rAutre\t2\x15\rB\r") == "A\nB\n"  # a table of contents
    assert _read("A\x15B\x14C\r") == "ABC\n"  # marks closing no field are no text
    # a table of contents whose instruction or entries hold fields of their own
    assert _read("A\x13 TOC \x13 SET x \x14y\x15 \\o \x14Titre\x13 PAGEREF _Toc1 \x142\x15\rAutre\x15B\r") == "A\nB\n"


def test_fields_nested_deep_take_a_few_bytes_each():
    """Each open field is kept as a byte, its instruction only while it is the innermost: n fields opened and never
    closed take under 128 bytes each at the peak (splitting the text into its parts takes 70)."""
    n = 200_000
    text = "\x13 IF " * n + "\r"
    word = text.encode("utf-16-le")
    reader = _Reader(Styles(b""), Paragraphs(word, b""), Pieces(_clx(word, False), len(word)), {})
    tracemalloc.start()
    try:
        reader.read(text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 128 * n


def test_control_characters_read_as_word_shows_them():
    text = "a\x0bb\x1ec\x1fd\x01e\x08f\xa0g\th\x0ci\x05j\r"
    assert _read(text) == "a\nb-cdef\xa0g\th\nij\n"


def test_without_paragraph_properties_a_cell_mark_after_a_cell_mark_ends_the_row():
    assert _read("avant\ra\x07b\x07\x07c\x07d\x07\x07après\r") == "avant\na | b\nc | d\naprès\n"


def test_compressed_pieces_are_code_page_1252_and_others_utf16():
    word = "Coût €\x81".encode("cp1252", errors="ignore") + b"\x81\r"
    pieces = Pieces(_clx(word, True), len(word))
    assert pieces.text(word, 0, len(word)) == "Coût €\x81\r"
    word = "œ α\r".encode("utf-16-le")
    assert Pieces(_clx(word, False), len(word)).text(word, 0, 4) == "œ α\r"


def _stsh(styles: list[tuple[int, int, str, int | None]]) -> bytes:
    """A stylesheet of paragraph styles (sti, istdBase, name, outline level or None), a Word 97 STD each."""
    stds = b""
    for sti, base, name, outline in styles:
        papx = struct.pack("<H", 0) + (struct.pack("<HB", 0x2640, outline) if outline is not None else b"")
        std = struct.pack("<HHHHH", sti, 1 | base << 4, 1, 0, 0) + struct.pack("<H", len(name)) + \
            name.encode("utf-16-le") + b"\0\0" + struct.pack("<H", len(papx)) + papx
        stds += struct.pack("<H", len(std)) + std
    stshi = struct.pack("<HH", len(styles), 10) + bytes(14)
    return struct.pack("<H", len(stshi)) + stshi + stds


def test_heading_styles_are_told_by_their_built_in_identifier_whatever_their_name():
    styles = Styles(_stsh([(0, 0xFFF, "Normal", None), (1, 0, "Titre 1", None), (2, 0, "Überschrift 2", None),
                           (0xFFE, 0, "Titre 1", None), (62, 0, "Titre", None), (19, 0, "TM 1", None),
                           (0xFFE, 2, "Mon titre", None), (0xFFE, 0, "heading 3,h3", None),
                           (0xFFE, 0, "Chapitre", 0), (34, 0, "Légende", None)]))
    kinds = [styles.kind(istd, None) for istd in range(10)]
    assert kinds == [(None, 0), ("heading", 1), ("heading", 2), (None, 0), ("title", 0), ("contents", 0),
                     ("heading", 2), ("heading", 3), ("heading", 1), ("aside", 0)]
    assert styles.kind(0, 1) == ("heading", 2) and styles.kind(1, 9) == (None, 0)  # a paragraph's own level
    loop = Styles(_stsh([(0xFFE, 1, "A", None), (0xFFE, 0, "B", None)]))
    assert loop.kind(0, None) == (None, 0)  # a loop of "based on" is not followed round


def test_styles_take_time_linear_in_their_chains_of_based_on():
    """n styles, each based on the next, the last a heading's: every style's kind, each style walked once, all
    heading 2; a loop of "based on" gives the same for all the styles on it and those leading into it."""

    def kinds(n: int) -> list[tuple[str | None, int]]:
        styles = Styles(_stsh([(0xFFE, istd + 1, "s", None) for istd in range(n)] + [(2, 0xFFF, "Titre 2", None)]))
        return [styles.kind(istd, None) for istd in range(n)]

    assert set(kinds(5)) == {("heading", 2)}
    assert grows_linearly(kinds, 300)
    loop = Styles(_stsh([(0xFFE, 1, "A", None), (0xFFE, 2, "B", None), (0xFFE, 1, "C", None),
                         (0xFFE, 0, "Chapitre", 0)]))
    assert [loop.kind(istd, None) for istd in (1, 0, 2, 3)] == [(None, 0)] * 3 + [("heading", 1)]


def test_an_encrypted_or_word_95_doc_is_refused_with_what_to_do(tmp_path):
    with pytest.raises(ValueError, match=f"^{ENCRYPTED}$"):
        parse_doc(_patched(tmp_path, "WordDocument", {0x0A: struct.pack("<H", 0x0100)}))
    with pytest.raises(ValueError, match=f"^{OLD_VERSION}$"):
        parse_doc(_patched(tmp_path, "WordDocument", {0x02: struct.pack("<H", 0x0068)}))


def test_a_file_named_doc_that_is_another_format_is_read_as_what_it_is_or_refused_saying_so(tmp_path):
    rtf = (Path(__file__).resolve().parents[1] / "data" / "rtf" / "faq-word.rtf").read_bytes()
    assert parse_doc(rtf).text == parse_doc(b"\xef\xbb\xbf" + rtf).text == parse_rtf(rtf).text
    page = "<!DOCTYPE html><html><body><h1>Congés</h1><p>Se posent en mars.</p></body></html>".encode()
    parsed = parse_doc(page)
    assert [s.heading for s in parsed.sections] == ["Congés"] and parsed.text == page.decode()
    with pytest.raises(ValueError, match=f"^{NOT_WORD}: not an OLE compound file"):
        parse_doc(b"just some bytes")
    with pytest.raises(ValueError, match=r"^damaged \.doc, cannot be parsed"):
        parse_doc(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    with pytest.raises(ValueError, match=f"^{OLD_WORD}$"):  # a .doc named .docx says what it is
        parse_docx(GUIDE.read_bytes())


def test_offsets_out_of_bounds_are_refused_as_damage(tmp_path):
    """The piece table's place (fcClx) past its stream, a piece past the WordDocument stream."""
    with pytest.raises(ValueError, match=r"^damaged \.doc, cannot be parsed \(ValueError: its piece table lies"):
        parse_doc(_patched(tmp_path, "WordDocument", {0x1A2: struct.pack("<I", 10**8)}))
    with olefile.OleFileIO(str(GUIDE)) as ole:
        word = ole.openstream("WordDocument").read()
    fc_clx = struct.unpack_from("<I", word, 0x1A2)[0]
    with pytest.raises(ValueError, match=r"a piece of its text lies outside"):  # the first piece's fc, 8 + 5 + 2
        parse_doc(_patched(tmp_path, "1Table", {fc_clx + 5 + 8 + 2: struct.pack("<I", 10**7)}))


def test_pieces_reusing_the_same_bytes_are_refused_as_damage():
    """k pieces each claiming the same n bytes would read k times the stream: refused once they claim more bytes
    than the stream holds; pieces that share none, up to every byte of it, are read."""
    word = b"Lorem ipsum.\r" * 100

    def clx(pieces: list[tuple[int, int]]) -> bytes:  # (character count, byte offset), compressed
        cps = [0]
        for count, _ in pieces:
            cps.append(cps[-1] + count)
        plc = struct.pack(f"<{len(cps)}I", *cps)
        plc += b"".join(struct.pack("<HIH", 0, 2 * fc | 0x40000000, 0) for _, fc in pieces)
        return b"\x02" + struct.pack("<I", len(plc)) + plc

    half = len(word) // 2
    with pytest.raises(ValueError, match=r"^its pieces keep more text than its WordDocument stream holds"):
        Pieces(clx([(len(word), 0)] * 16), len(word))
    with pytest.raises(ValueError, match=r"overlapping pieces"):
        Pieces(clx([(half + 1, 0), (half, half)]), len(word))
    pieces = Pieces(clx([(half, half), (half, 0)]), len(word))
    assert pieces.text(word, 0, len(word)) == (word[half:] + word[:half]).decode()


def test_a_damaged_part_that_the_text_does_not_need_is_read_without(tmp_path):
    """A stylesheet out of its stream (lcbStshf too long): the text is read, without its headings, saying so."""
    parsed = parse_doc(_patched(tmp_path, "WordDocument", {0xA6: struct.pack("<I", 10**8)}))
    assert parsed.text == GUIDE_TEXT
    assert [s.heading for s in parsed.sections] == [None]
    assert parsed.changes == ["its stylesheet (headings) could not be read (damaged): its text is read without"]


def test_a_summary_information_claiming_billions_of_properties_gives_no_title_at_once(tmp_path):
    """olefile's `get_metadata` walks as many properties as the stream claims: the title is read in one pass over the
    properties the stream holds (`rag.corpus.formats.ole_summary`)."""
    with olefile.OleFileIO(str(GUIDE)) as ole:
        summary = ole.openstream("\x05SummaryInformation").read()
    at = struct.unpack_from("<I", summary, 44)[0] + 4
    parsed = parse_doc(_patched(tmp_path, "\x05SummaryInformation", {at: struct.pack("<I", 0xFFFFFFFF)}))
    assert parsed.title == "Guide des congés"  # the Title paragraph's
    assert parsed.text == GUIDE_TEXT


def test_a_damaged_doc_is_read_or_refused_with_a_value_error_never_another():
    storage = bytearray(GUIDE.read_bytes())  # its WordDocument directory entry made a storage's
    storage[storage.index("WordDocument".encode("utf-16-le")) + 0x42] = 1
    with pytest.raises(ValueError, match=r"^not a Word document: an OLE compound file without a WordDocument stream"):
        parse_doc(bytes(storage))
    data = GUIDE.read_bytes()
    shuffle = random.Random(7)
    for _ in range(300):
        damaged = bytearray(data)
        for _ in range(shuffle.randint(1, 8)):
            damaged[shuffle.randrange(512, len(data))] = shuffle.randrange(256)
        with contextlib.suppress(ValueError):
            parse_doc(bytes(damaged))


def test_reading_takes_time_linear_in_the_text():
    """Fields nested n deep, then n cells, then n marks closing them: each character looked at once."""
    assert grows_linearly(lambda n: _read("\x13" * n + "a\x07" * n + "\x14\x15" * n + "\r"), 20_000)


def _pieces(count: int) -> bytes:
    """A piece table of `count` pieces of one UTF-16 character each."""
    plc = struct.pack(f"<{count + 1}I", *range(count + 1))
    plc += b"".join(struct.pack("<HIH", 0, 2 * n, 0) for n in range(count))
    return b"\x02" + struct.pack("<I", len(plc)) + plc


def test_footnotes_take_time_linear_in_their_count_and_the_pieces():
    """n notes, every other one claiming the whole text of the notes (read once, the others left out), over 5n pieces
    (each note's text found without walking the pieces before it)."""

    def notes(n: int) -> dict[int, list[str]]:
        word = "x".encode("utf-16-le") + "note\r".encode("utf-16-le") * n
        positions = 5 * n + 1
        table = struct.pack(f"<{n + 1}I", *range(n + 1)) + bytes(2 * n)  # references: n + 1 positions, n FRDs
        texts = len(table)
        table += struct.pack(f"<{n + 2}I", *[5 * n * (i % 2) for i in range(n + 2)])  # 0, all, 0, all: going back
        pairs = [(0, 0)] * (PLCFFNDTXT + 1)
        pairs[PLCFFNDREF], pairs[PLCFFNDTXT] = (0, texts), (texts, 4 * (n + 2))
        fib = Fib(0xC1, False, "1Table", 1, 5 * n, tuple(pairs))
        return _notes(word, table, fib, Pieces(_pieces(positions), len(word)))

    assert notes(3)[0] == ["note", "note", "note"]
    assert grows_linearly(notes, 300)
