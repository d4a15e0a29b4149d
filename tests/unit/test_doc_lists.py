"""Old binary Word documents' list numbers (.doc, [MS-DOC] PlfLst and PlfLfo): each list paragraph after the number
or bullet Word shows before it, counted as Word counts, as a .docx's; damaged or hostile list tables read in time
linear in their size, or left out saying so."""

from __future__ import annotations

import struct
from pathlib import Path

import olefile

from rag.corpus.formats.doc import parse_doc
from rag.corpus.formats.doc_lists import PLFLFO, PLFLST, Lists
from rag.corpus.formats.doc_pieces import read_fib
from tests.helpers.timing import grows_linearly
from tests.unit.test_doc import _patched

LISTS = Path(__file__).resolve().parents[1] / "data" / "doc" / "listes-remboursement.doc"
LISTS_TEXT = ("Pour demander un remboursement :\n1. Remplir le formulaire\na) en ligne\nb) au guichet\n"
              "1.b.i. avec un ticket\n2. Joindre les justificatifs\na) factures\nÀ savoir :\n• Billet Mini\n"
              "• Carte Jeune\n3. Envoyer le dossier\nÉtape III Attendre\nÉtape IV Recevoir\n")


def test_list_paragraphs_read_after_the_number_or_bullet_word_shows():
    """Numbers of three levels ("1.", "a)", "1.b.i."), a level restarting under each item above it, bullets (a
    Symbol font's glyph read "•"), a list going on after another ("3."), a prefix and upper-case Roman numerals from
    3; each item a list item, as a .docx's. Before, items were read without their numbers."""
    parsed = parse_doc(LISTS.read_bytes())
    assert parsed.text == LISTS_TEXT
    assert [line.item for s in parsed.sections for line in s.lines] == [False] + [True] * 6 + [False] + [True] * 5


def test_an_empty_item_is_counted_as_word_shows_its_number():
    """LibreOffice's steps "1.", an empty item Word numbers "2.", then "3." and "4.": the empty item reads as no
    line, but the count goes on past it (before, every later step was one short, "2. Attendre la réponse")."""
    parsed = parse_doc((LISTS.parent / "etapes-vides.doc").read_bytes())
    assert parsed.text == "Les étapes :\n1. Envoyer la lettre\n3. Attendre la réponse\n4. Relancer\n"


def test_list_items_in_table_cells_read_after_their_number_or_bullet():
    """A numbered list of two items in a cell, a bulleted item in the next, the list going on in the next row and
    after the table, as LibreOffice's own text export reads them. Before, the cells' items were read without their
    numbers and the list after the table read "1."."""
    parsed = parse_doc((LISTS.parent / "listes-tableau.doc").read_bytes())
    assert parsed.text == ("Les démarches :\nÉtapes | Pièces\n1. Remplir le formulaire 2. Le signer | • Facture\n"
                           "3. L'envoyer | Aucune\n4. Attendre la réponse\n")


def _lists(levels: list[tuple[int, int, int, str]], overrides: list[dict[int, int]], limit: int = 0) -> Lists:
    """A table stream of one list definition (lsid 7) of `levels` (start, nfc, flags, text; ilvlRestartLim
    `limit`), and a list (an LFO) on it for each of `overrides` (the starts it overrides, by level)."""
    lst = struct.pack("<h", 1) + struct.pack("<ii", 7, 0) + b"\xff\x0f" * 9 + bytes([len(levels) == 1, 0])
    for start, nfc, flags, text in levels:
        lst += struct.pack("<iBB9sBiiBBBB", start, nfc, flags, bytes(9), 0, 0, 0, 0, 0, limit, 0)
        lst += struct.pack("<H", len(text)) + text.encode("utf-16-le")
    lfo = struct.pack("<I", len(overrides)) + b"".join(struct.pack("<iiiBBBB", 7, 0, 0, len(o), 0, 0, 0)
                                                       for o in overrides)
    lfo += b"".join(struct.pack("<I", 0) + b"".join(struct.pack("<iI", start, level | 0x10)
                                                    for level, start in starts.items()) for starts in overrides)
    return Lists(lst + lfo, (0, 2 + 28), (len(lst), len(lfo)))


LEVELS = [(1, 0, 0, "\x00."), (1, 4, 0, "\x00.\x01)"), *[(1, 0, 0, "\x02.")] * 7]


def test_lists_of_one_definition_share_its_count_and_an_override_restarts_it_where_first_met():
    """Word's "restart at 1": a second list on the definition, overriding its first level's start, restarts the count
    at its first item; the first list's items after it go on from there, as Word shows them."""
    lists = _lists(LEVELS, [{}, {0: 1}])
    assert [lists.label(ilfo, ilvl) for ilfo, ilvl in ((1, 0), (1, 1), (1, 1), (1, 0), (1, 1), (2, 0), (2, 0),
                                                       (1, 0))] == ["1.", "1.a)", "1.b)", "2.", "2.a)", "1.", "2.",
                                                                    "3."]
    assert lists.label(3, 0) is None and lists.label(1, 9) is None and lists.label(0, 0) is None


def test_a_level_that_does_not_restart_and_a_legal_level_show_as_word_shows_them():
    no_restart = _lists([(1, 0, 0, "\x00."), (1, 2, 0x08, "\x01)"), *[(1, 0, 0, "\x02.")] * 7], [{}])
    assert [no_restart.label(1, ilvl) for ilvl in (0, 1, 0, 1)] == ["1.", "i)", "2.", "ii)"]
    under_first = _lists([(1, 0, 0, "\x00."), (1, 0, 0, "\x01."), (1, 4, 0x08, "\x02)"), *[(1, 0, 0, "\x03.")] * 6],
                         [{}], limit=1)  # restarted by an item of the first level only
    assert [under_first.label(1, ilvl) for ilvl in (0, 2, 1, 2, 0, 2)] == ["1.", "a)", "1.", "b)", "2.", "a)"]
    legal = _lists([(1, 1, 0, "\x00."), (1, 0, 0x04, "\x00.\x01"), *[(1, 0, 0, "\x02.")] * 7], [{}])
    assert [legal.label(1, ilvl) for ilvl in (0, 0, 1)] == ["I.", "II.", "2.1"]  # "II.1" as digits


def damaged_lists(tmp_path: Path, source: Path) -> bytes:
    """`source` with its first list level's text claiming 32,767 characters, past the end of its stream."""
    with olefile.OleFileIO(str(source)) as ole:
        fib = read_fib(ole.openstream("WordDocument").read())
        table = ole.openstream(fib.table).read()
    fc, lcb = fib.where(PLFLST)
    first_text = fc + lcb + 28 + table[fc + lcb + 25] + table[fc + lcb + 24]  # after its LVLF and its properties
    return _patched(tmp_path, fib.table, {first_text: struct.pack("<H", 0x7FFF)}, source)


def test_a_damaged_list_table_is_read_without_numbers_saying_so(tmp_path):
    """A list level's text past the end of the stream: the text is read, without its numbers, and the ingest says
    so; a table claiming four billion lists reads the lists it holds."""
    damaged = parse_doc(damaged_lists(tmp_path, LISTS))
    assert damaged.text == ("Pour demander un remboursement :\nRemplir le formulaire\nen ligne\nau guichet\n"
                            "avec un ticket\nJoindre les justificatifs\nfactures\nÀ savoir :\nBillet Mini\n"
                            "Carte Jeune\nEnvoyer le dossier\nAttendre\nRecevoir\n")
    assert damaged.changes == ["its lists (their numbers) could not be read (damaged): its text is read without"]
    with olefile.OleFileIO(str(LISTS)) as ole:
        fib = read_fib(ole.openstream("WordDocument").read())
    many = parse_doc(_patched(tmp_path, fib.table, {fib.where(PLFLFO)[0]: struct.pack("<I", 0xFFFFFFFF)}, LISTS))
    assert many.text == LISTS_TEXT


def test_labels_are_short_and_lists_read_in_linear_time():
    """A level's text of 30,000 placeholders is cut (each item's label a few characters, not a page), and n lists
    each overriding every level: read once each, in time linear in n."""
    long = _lists([(1, 0, 0, "\x00" * 30_000)], [{}])
    assert len(long.label(1, 0) or "") <= 64

    def read(n: int) -> None:
        lists = _lists(LEVELS, [{level: 1 for level in range(9)}] * n)
        assert lists.label(n, 0) == "1."

    assert grows_linearly(read, 2_000)
