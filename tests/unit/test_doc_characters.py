"""Old binary Word documents' characters' properties (.doc, [MS-DOC] CHPX): text deleted with changes tracked and
hidden text left out, and the bold lines that head text made headings by the rule `.docx` and `.odt` files follow
(`tests/unit/test_bold_headings.py`), all read in one walk over the runs, in time linear in the file however many
runs its pages list."""

from __future__ import annotations

import struct
import tracemalloc
from pathlib import Path

from rag.corpus.formats.doc import parse_doc
from rag.corpus.formats.doc_characters import Look, Looks, read_looks
from rag.corpus.formats.doc_pieces import Pieces
from rag.corpus.formats.doc_styles import Styled
from rag.corpus.formats.docx import parse_docx
from tests.helpers.cfb import Writer
from tests.helpers.timing import grows_linearly
from tests.unit.test_doc_lists import damaged_lists

DATA = Path(__file__).resolve().parents[1] / "data"
VOYAGE = DATA / "doc" / "guide-voyageur.doc"
DELETED, HIDDEN, BOLD_ON, BOLD_AS_STYLED, BOLD_NOT_AS_STYLED = (b"\x00\x08\x01", b"\x3c\x08\x01", b"\x35\x08\x01",
                                                                 b"\x35\x08\x80", b"\x35\x08\x81")
_RUNS_A_PAGE = 40  # leaves a page room for the properties its runs point at, and runs between them


def _sections(data: bytes) -> list[tuple[str, list[str]]]:
    parsed = parse_doc(data)
    return [(" › ".join([*s.parents, str(s.heading)]), [line.text for line in s.lines]) for s in parsed.sections]


def _pages(runs: list[tuple[int, int, bytes]], at: int, per_page: int = _RUNS_A_PAGE) -> tuple[bytes, bytes]:
    """Pages of characters' properties (FKPs) giving each run (from, to: bytes of the stream; in order, the bytes
    between two runs given none) its sprms, `per_page` runs a page, and their bin table, the pages kept from byte `at`
    (a multiple of 512) of the stream. A page's runs follow one another: each ends where the next begins."""
    pages, bte_fcs, bte_pages = b"", [], []
    for first in range(0, len(runs), per_page):
        part: list[tuple[int, int, bytes]] = []
        for start, end, grpprl in runs[first:first + per_page]:
            if part and part[-1][1] < start:
                part.append((part[-1][1], start, b""))
            part.append((start, end, grpprl))
        page = bytearray(512)
        page[511] = len(part)
        struct.pack_into(f"<{len(part) + 1}I", page, 0, *[start for start, _, _ in part], part[-1][1])
        offsets: dict[bytes, int] = {b"": 0}
        free = 4 * (len(part) + 1) + len(part)
        for n, (_, _, grpprl) in enumerate(part):
            if grpprl not in offsets:
                free += free % 2
                offsets[grpprl] = free
                page[free:free + 1 + len(grpprl)] = bytes([len(grpprl)]) + grpprl
                free += 1 + len(grpprl)
            page[4 * (len(part) + 1) + n] = offsets[grpprl] // 2
        bte_fcs.append(part[0][0])
        bte_pages.append((at + len(pages)) // 512)
        pages += bytes(page)
    bte = struct.pack(f"<{len(bte_fcs) + 1}I", *bte_fcs, runs[-1][1] if runs else 0)
    return pages, bte + struct.pack(f"<{len(bte_pages)}I", *bte_pages)


def _doc(text: bytes, runs: list[tuple[int, int, bytes]], per_page: int = _RUNS_A_PAGE) -> bytes:
    """A .doc of one compressed piece, `text` from byte 1024 of its WordDocument stream, whose characters' properties
    are `runs` (from, to within `text`, the sprms they set; `per_page` runs a page); no styles, no paragraph
    properties."""
    word = bytearray(1024) + text + bytes(-(1024 + len(text)) % 512)
    pages, bte = _pages([(1024 + start, 1024 + end, grpprl) for start, end, grpprl in runs], len(word), per_page)
    word += pages
    clx = struct.pack("<II", 0, len(text)) + struct.pack("<HIH", 0, 0x40000000 | 2 * 1024, 0)
    table = b"\x02" + struct.pack("<I", len(clx)) + clx
    pairs = [(0, 0)] * 34
    pairs[33], pairs[12] = (0, len(table)), (len(table), len(bte))
    table += bte
    struct.pack_into("<HHHH", word, 0, 0xA5EC, 0xC1, 0, 0)
    struct.pack_into("<H", word, 0x0A, 0x0200)  # 1Table
    struct.pack_into("<HH5IH", word, 32, 0, 5, 0, 0, 0, len(text), 0, 34)
    for n, (fc, lcb) in enumerate(pairs):
        struct.pack_into("<II", word, 58 + 8 * n, fc, lcb)
    writer = Writer()
    writer.children(0, [writer.stream("WordDocument", bytes(word)), writer.stream("1Table", table)])
    return writer.build()


def _one_piece(fc: int, count: int, compressed: bool = True) -> Pieces:
    """A piece table of one piece: `count` characters from byte `fc` of the WordDocument stream."""
    clx = struct.pack("<II", 0, count) + struct.pack("<HIH", 0, (0x40000000 | 2 * fc) if compressed else fc, 0)
    return Pieces(b"\x02" + struct.pack("<I", len(clx)) + clx, fc + count * (1 if compressed else 2))


def test_bold_lines_of_a_libreoffice_doc_head_its_text_as_a_docx_s_would():
    """A title in bold 18 pt (the title, larger than every other heading), headings in bold 14 pt and 12 pt (text in
    12 pt), one of them in a paragraph style in bold 14 pt, one in a character style in bold; bold words opening a
    paragraph, a bold list item, a bold table cell, a line in a bold style whose run turns bold off and a signature
    in bold stay text; a hidden span and a hidden paragraph are left out. Before, no paragraph headed anything."""
    parsed = parse_doc(VOYAGE.read_bytes())
    assert parsed.title == "Ferrovia – Guide du voyageur"
    assert _sections(VOYAGE.read_bytes()) == [
        ("Ferrovia – Guide du voyageur", ["Édition 2025, pour préparer votre voyage."]),
        ("Acheter son billet › Où acheter ?", [
            "Vous pouvez acheter votre billet sur le site, dans l'application et aux guichets des gares.",
            "Important : les billets sont nominatifs."]),
        ("Les cartes de réduction", [  # "Intertitre": bold, 14 pt by its style
            "Les cartes de réduction sont valables un an à partir de la date choisie à l'achat.", "• Billet Mini",
            "Carte Jeune | de 12 à 27 ans", "Bagages en soute",
            "Deux bagages par voyageur sont compris dans le billet."]),
        ("Les cartes de réduction › Animaux", [  # bold by its character style, "Strong Emphasis"
            "Les petits animaux voyagent dans un panier fermé, moyennant un billet à 7 €.", "Ferrovia Régions",
            "Service Relation Client"])]
    assert "note interne" not in (parsed.text or "") and "Brouillon" not in (parsed.text or "")
    for section in parsed.sections[1:]:  # each heading where its section says, in the text citations index
        assert parsed.text is not None and section.heading_start is not None
        assert parsed.text.startswith(section.heading or "", section.heading_start)


def test_a_bold_list_item_heads_nothing_when_its_list_cannot_be_read(tmp_path):
    """The list table damaged: "Billet Mini", in bold over a table, is read without its bullet but as a list's item
    still (sprmPIlfo), no heading."""
    sections = _sections(damaged_lists(tmp_path, VOYAGE))
    assert sections[2][1][:2] == ["Les cartes de réduction sont valables un an à partir de la date choisie à l'achat.",
                                  "Billet Mini"]


def test_arabic_lines_in_the_bold_of_complex_scripts_head_their_text_as_in_the_docx():
    """LibreOffice's .doc of lines in bold for complex scripts only (sprmCFBoldBi, sprmCFBiDi on the Arabic ones): the
    Arabic lines are shown in bold and head their text, as the .docx LibreOffice made beside it says (w:bCs); a Latin
    line ("Retours") in that bold alone is not shown in bold and heads nothing. Before, the Arabic lines headed nothing
    in the .doc."""
    def headings(suffix: str) -> list[str]:
        parsed = (parse_doc if suffix == "doc" else parse_docx)((DATA / "doc" / f"gras-complexe.{suffix}").read_bytes())
        return [str(section.heading) for section in parsed.sections]

    assert headings("doc") == headings("docx") == [
        "Conditions de vente", "Livraison", "شروط البيع", "التوصيل", "الإرجاع"]


def test_a_paragraph_styles_complex_script_bold_sets_arabic_lines_as_the_docx_does():
    """LibreOffice's document whose named paragraph styles set the bold of complex scripts alone ("ArabeGras") or the
    Western bold alone ("LatinGras"), each over an Arabic line: the first heads its text, the second is text, in the
    .doc as in the .docx. Before, the .doc took a style's Western bold for its Arabic letters' too."""
    def sections(suffix: str) -> list[tuple[str, int]]:
        parsed = (parse_doc if suffix == "doc" else parse_docx)(
            (DATA / "doc" / f"gras-style-complexe.{suffix}").read_bytes())
        return [(str(section.heading), len(section.lines)) for section in parsed.sections]

    assert sections("doc") == sections("docx") == [
        ("Conditions de vente", 1), ("Livraison", 3), ("شروط البيع", 1), ("التوصيل", 1), ("الإرجاع", 1)]


def test_an_agreement_whose_articles_are_bold_lines_is_headed_by_them():
    """Audit 61's agreement on working from home, as old documents are typed: its title and articles in bold, larger
    type in the Normal style. Before, its passages were cut without their article's name."""
    sections = _sections((DATA / "audit61" / "pages" / "teletravail.doc").read_bytes())
    assert [heading for heading, _ in sections] == [
        "ACCORD D'ENTREPRISE SUR LE TÉLÉTRAVAIL", "Article 1 – Salariés éligibles", "Article 2 – Nombre de jours",
        "Article 3 – Demande et période d'adaptation", "Article 4 – Équipement et indemnité",
        "Article 5 – Droit à la déconnexion", "Article 6 – Accident pendant le télétravail"]
    assert sections[2][1] == ["Un salarié à temps plein peut télétravailler jusqu'à deux jours par semaine, non "
                              "reportables d'une semaine sur l'autre. La présence sur site le mardi est obligatoire "
                              "pour tous les services."]


def test_text_deleted_with_changes_tracked_is_left_out():
    """Words and a paragraph mark deleted (the two paragraphs read as one, as once the deletion is accepted), a run
    marked not deleted kept."""
    text = b"Le tarif est de 12 15 euros.\rAncien paragraphe.\rFin.\r"
    kept = b"\x00\x08\x00"
    runs = [(0, 16, kept), (16, 19, DELETED), (19, 29, kept), (29, 47, DELETED), (47, len(text), kept)]
    assert parse_doc(_doc(text, runs)).text == "Le tarif est de 15 euros.\nFin.\n"
    assert parse_doc(_doc(text, [(0, len(text), kept)])).text == "Le tarif est de 12 15 euros.\nAncien " \
        "paragraphe.\nFin.\n"
    word = "œuvre".encode("utf-16-le")  # a Unicode piece: two bytes a character, the positions kept
    page, plc = _pages([(2, 6, DELETED)], 512)
    looks = read_looks(word.ljust(512, b"\0") + page, plc, _one_piece(0, 5, compressed=False))
    assert looks.without_deleted("œuvre") == "œ\0\0re"


def test_hidden_text_is_left_out_and_the_paragraphs_fields_and_cells_it_holds_kept():
    """Hidden words, a hidden line break and tab, a hidden paragraph and the mark of the one before it (the
    paragraphs stay apart, as Word's style separator, a hidden mark, keeps a heading apart from its text), a field's
    hidden instruction and marks (its result shown, as Word shows it) and a table's hidden cell marks: the text and
    its structure as without them; before, hidden text was read as any other."""
    text = (b"Le tarif est de 12\x0b\t15 euros.\rNote interne.\rVoir \x13 HYPERLINK \"x\" \x14la page\x15.\r"
            b"Tarif\x07Prix\x07\x07Fin.\r")
    hidden = [(b"12", b"15"), (b"\rNote", b"Voir"), (b"\x13", b"la page"), (b"\x15", b"."), (b"\x07", b"Prix"),
              (b"\x07\x07", b"Fin")]
    runs = [(text.index(start), text.index(end, text.index(start)), HIDDEN) for start, end in hidden]
    assert parse_doc(_doc(text, runs)).text == "Le tarif est de 15 euros.\nVoir la page.\nTarif | Prix\nFin.\n"
    assert parse_doc(_doc(text, [])).text == "Le tarif est de 12\n\t15 euros.\nNote interne.\nVoir la page.\n" \
        "Tarif | Prix\nFin.\n"


def test_text_hidden_by_its_style_is_left_out_unless_its_run_shows_it():
    """LibreOffice's "Note interne" paragraph style and "Masqué" character style, each hidden by its own properties
    (sprmCFVanish in the style's CHPX, none in the runs'): their text left out, as Word hides it; a run of the hidden
    paragraph style that turns hidden off (sprmCFVanish 0) read. Before, text hidden by its style was read."""
    parsed = parse_doc((DATA / "doc" / "notes-masquees.doc").read_bytes())
    assert parsed.text == "Le remboursement est versé sous trente jours.\nLes frais de repas sont plafonnés à 20 " \
        "euros.\nMontré malgré le style masqué.\n"


def test_hidden_is_a_toggle_over_the_paragraph_and_the_character_style():
    """As bold: a hidden character style in a hidden paragraph style shows its text (each turns it over), a run's
    0x81 the opposite of its styles', 0x80 as they say, 0 and 1 whatever they say."""
    hidden, shown = Styled(hidden=True), Styled()
    assert [Look().hides(*styles) for styles in ((hidden, shown), (shown, hidden), (hidden, hidden))] == [
        True, True, False]
    assert [Look(hidden=operand).hides(hidden, shown) for operand in (0x81, 0x80, 0, 1)] == [False, True, False, True]


def test_a_runs_own_bold_says_on_off_or_as_its_styles_say():
    """sprmCFBold 1 is bold, 0x80 as its styles say (not bold, without styles) and 0x81 the opposite (bold)."""
    lines = b"Acheter\rVous pouvez acheter votre billet en gare.\rCartes\rElles valent un an.\r"
    cards = lines.index(b"Cartes")
    for bold, heads in ((BOLD_ON, True), (BOLD_AS_STYLED, False), (BOLD_NOT_AS_STYLED, True)):
        sections = _sections(_doc(lines, [(0, 7, bold), (cards, cards + 6, bold)]))
        assert (sections == [("Acheter", ["Vous pouvez acheter votre billet en gare."]),
                             ("Cartes", ["Elles valent un an."])]) is heads


def test_runs_overlapping_are_cut_where_the_one_before_ends():
    """Pages listing runs over one another (no writer makes them): each character has the properties of the first
    run that holds it, and the runs met stand in order and apart."""
    text = b"Acheter son billet\rEn gare.\r"
    page, plc = _pages([(1024, 1024 + 18, BOLD_ON), (1024 + 5, 1024 + 27, HIDDEN), (1024 + 2, 1024 + 4, DELETED)],
                       1536, per_page=1)
    looks = read_looks(bytes(1024) + text.ljust(512, b"\0") + page, plc, _one_piece(1024, len(text)))
    assert [(start, end, look.bold, look.hidden) for start, end, look in looks.runs()] == [(0, 18, 1, None),
                                                                                         (18, 27, None, 1)]


def test_a_million_runs_take_time_linear_in_their_count_and_the_pieces():
    """Pages listing one deleted run (0, 1) a hundred times each, under one-character pieces all on that byte (every
    piece met every run: a 100 KB file took minutes and gigabytes); runs of one byte each under pieces of one
    character each; and a document whose every character is a run of its own, bold and hidden in turn, between tabs,
    read by the document's reader."""
    def page() -> bytes:
        fkp = bytearray(512)
        fkp[511] = 100
        for i in range(101):
            struct.pack_into("<I", fkp, 4 * i, i % 2)
        fkp[4 * 101:4 * 101 + 100] = bytes([240] * 100)  # each run's properties at byte 480
        fkp[480:484] = b"\x03" + DELETED
        return bytes(fkp)

    def pieces(count: int, fcs: range | list[int]) -> Pieces:
        cps = struct.pack(f"<{count + 1}I", *range(count + 1))
        clx = cps + b"".join(struct.pack("<HIH", 0, 0x40000000 | 2 * fc, 0) for fc in fcs)
        return Pieces(b"\x02" + struct.pack("<I", len(clx)) + clx, count)

    def one_byte(pages: int) -> None:
        word = page() * pages
        plc = struct.pack(f"<{pages + 1}I", *range(pages + 1)) + struct.pack(f"<{pages}I", *range(pages))
        looks = read_looks(word, plc, pieces(pages * 100, [0] * pages * 100))
        assert [(start, end) for start, end, _ in looks.runs()] == [(0, pages * 100)]  # one run: the same properties
        assert looks.without_deleted("x" * pages * 100) == "\0" * pages * 100

    made: dict[int, tuple[bytes, bytes, Pieces]] = {}  # made once: the reading is timed

    def spread(count: int) -> None:
        if count not in made:
            at = -(-count // 512) * 512
            page, plc = _pages([(n, n + 1, (BOLD_ON, DELETED)[n % 2]) for n in range(count)], at)
            made[count] = bytes(at) + page, plc, pieces(count, range(count))
        looks = read_looks(*made[count])
        assert looks.without_deleted("x" * count) == "x\0" * (count // 2)

    documents: dict[int, bytes] = {}

    def tiny(count: int) -> None:
        if count not in documents:
            text = b"Acheter\tson\tbillet\r" * (count // 20 + 1)
            documents[count] = _doc(text, [(n, n + 1, (BOLD_ON, HIDDEN)[n % 2]) for n in range(len(text))])
        assert parse_doc(documents[count]).text is not None

    assert grows_linearly(one_byte, 4)
    assert grows_linearly(spread, 2_000)
    assert grows_linearly(tiny, 5_000)


def _peak(count: int, runs: list[tuple[int, int, bytes]], per_page: int = _RUNS_A_PAGE) -> int:
    """The memory reading a paragraph of `count` characters whose properties are `runs` takes at its peak, beyond its
    file's bytes."""
    data = _doc(b"x" * count + b"\r", runs, per_page)
    tracemalloc.start()
    try:
        assert parse_doc(data).text == "x" * count + "\n"
        return tracemalloc.get_traced_memory()[1] - len(data)
    finally:
        tracemalloc.stop()


def test_runs_take_a_few_bytes_each():
    """A document whose every character is a run of its own, bold in turn, in one paragraph: read holding under 64
    bytes a run more than its file (before, 280: each run a tuple of objects, each stretch of the paragraph too)."""
    def peak(count: int) -> int:
        return _peak(count, [(n, n + 1, BOLD_ON) for n in range(0, count, 2)])

    assert peak(80_000) - peak(40_000) < 64 * 20_000


def test_runs_each_of_a_look_of_its_own_take_a_few_bytes_each():
    """A paragraph whose every character is a run of its own size and character style, a look no other run has: read
    holding under 128 bytes a run more than its file, about 40 in a long one (before, 370: each look was kept whole,
    and each stretch of the paragraph to measure its font)."""
    def own(n: int) -> bytes:  # sprmCHps and sprmCIstd
        return struct.pack("<HHHH", 0x4A43, 2 + n % 60_000, 0x4A30, n // 60_000)

    def peak(count: int) -> int:
        return _peak(count, [(n, n + 1, own(n)) for n in range(count)], per_page=30)

    assert peak(20_000) - peak(10_000) < 128 * 10_000


def test_along_goes_past_each_run_once_and_gives_characters_of_no_run_none():
    looks = Looks([(2, 4, Look(hidden=1)), (6, 9, Look(bold=1))])
    assert [(start, end, look.hidden, look.bold) for start, end, look in looks.along(0, 7)] == [
        (0, 2, None, None), (2, 4, 1, None), (4, 6, None, None), (6, 7, None, 1)]
    assert [(start, end, look.bold) for start, end, look in looks.along(7, 12)] == [(7, 9, 1), (9, 12, None)]
    assert looks.at(12) == Look()
