"""Rich Text Format (.rtf) reading: paragraphs, lists, tables, notes and fields as one text; headings from the
stylesheet or from bold lines; code pages and Unicode escapes; hostile files read in linear time or refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.corpus.files import BINARY_SUFFIXES, FORMATS, refusal
from rag.corpus.formats.rtf import DEPTH_MAX, NOT_RTF, parse_rtf
from rag.corpus.reader import read_document
from tests.helpers.timing import grows_linearly

DATA = Path(__file__).resolve().parents[1] / "data" / "rtf"


def _rtf(body: str, header: str = "") -> bytes:
    return ("{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\fswiss\\fcharset0 Arial;}}" + header + body +
            "}").encode("latin-1")


def _text(body: str, header: str = "") -> str:
    return parse_rtf(_rtf(body, header)).text or ""


def _sections(data: bytes) -> list[tuple[str | None, tuple[str, ...], list[str]]]:
    return [(s.heading, s.parents, [line.text for line in s.lines]) for s in parse_rtf(data).sections]


def _file(name: str) -> bytes:
    return (DATA / name).read_bytes()


def test_rtf_is_a_format_rag_reads():
    assert BINARY_SUFFIXES[".rtf"] is parse_rtf
    assert ".rtf" in FORMATS.split(", ")
    assert refusal(DATA, DATA / "faq-word.rtf") is None


def test_paragraphs_read_as_shown_with_their_control_words_and_symbols():
    body = ("\\pard\\plain Les {\\b frais} de dossier\\tab 10\\~\\'80\\line par an,\\par "
            "auto\\-mobile \\{code\\} \\\\ chemin, e\\_mail \\endash  fin\\par\n"
            "TextEdit ends a paragraph so\\\nand the next\\\n")
    assert _text(body) == ("Les frais de dossier\t10\u00a0€\npar an,\nautomobile {code} \\ chemin, e-mail – fin\n"
                           "TextEdit ends a paragraph so\nand the next\n")


def test_accents_written_as_bytes_of_the_code_page_or_as_unicode_read_alike():
    assert _text("r\\'e9sili\\u233\\'e9 \\u233?t\\'e9\\par") == "résilié été\n"
    assert _text("\\uc2 a\\u8364\\'80\\'80b\\uc0\\u233 c\\par") == "a€béc\n"  # \uc2: two fallback bytes skipped
    assert _text("{\\uc3\\u233 xyzw}{\\u233 ?v}\\par") == "éwév\n"  # a group's \uc ends with it
    assert _text("\\u-10179?\\u-8704?\\par") == "\U0001f600\n"  # a surrogate pair, each half written negative
    assert _text("\\u-8704?x\\u-10179?\\par") == "\ufffdx\n"  # lone halves are no character


def test_bytes_are_read_in_the_code_page_of_their_font_or_of_the_document():
    fonts = "{\\fonttbl{\\f0 Arial;}{\\f1\\fcharset204 Arial Cyr;}{\\f2\\fcharset128 MS Mincho;}}"
    data = ("{\\rtf1\\ansi\\ansicpg1252\\deff0" + fonts + "\\f0 caf\\'e9 {\\f1 \\'cf\\'f0\\'e8\\'e2\\'e5\\'f2} "
            "{\\f2 \\'93\\'fa\\'96\\'7b}\\par}").encode("latin-1")
    assert parse_rtf(data).text == "café Привет 日本\n"
    assert parse_rtf(b"{\\rtf1\\ansi\\ansicpg1251 \\'cf\\'f0\\'e8\\'e2\\'e5\\'f2\\par}").text == "Привет\n"
    assert parse_rtf(b"{\\rtf1\\mac \\'8e\\par}").text == "é\n"
    assert parse_rtf("{\\rtf1\\ansi caf\xe9\\par}".encode("latin-1")).text == "café\n"  # a raw 8-bit byte


def test_word_faq_reads_its_headings_table_list_notes_and_link_without_contents_header_or_footer():
    parsed = parse_rtf(_file("faq-word.rtf"))
    assert parsed.title == "Guide de l'abonnement"  # \info's \title
    assert _sections(_file("faq-word.rtf")) == [
        ("Résiliation", (), [
            "Vous pouvez résilier votre abonnement à tout moment depuis votre espace client, sans frais après la "
            "première année.",
            "Article L. 215-1 du Code de la consommation."]),  # the note after the paragraph citing it
        ("Délais de préavis", ("Résiliation",), [
            "Le préavis dépend de votre formule\u00a0:",
            "Formule | Préavis", "Mensuelle | Un mois", "Annuelle | Trois mois",
            "Engagement de douze mois renouvelable."]),  # a note cited in a cell: after the table
        ("Pièces à fournir", (), [  # a style based on "heading 1"
            "• une pièce d'identité ;", "• votre numéro de client, indiqué sur chaque facture."]),
        ("Contact", (), ["Consultez notre page d'aide ou appelez le 01\u00a023\u00a045\u00a067\u00a089."]),
    ]
    text = parsed.text or ""
    assert "Abonnement" not in text and "Page" not in text and "\t1" not in text  # header, footer, contents
    assert "HYPERLINK" not in text and "00d0c9" not in text and "504b03" not in text
    for section in parsed.sections:
        for line in section.lines:
            assert text[line.start:line.end] == line.text
    first_row = next(line for s in parsed.sections for line in s.lines if line.text.startswith("Formule"))
    assert first_row.item and first_row.opens_table


def test_textedit_faq_takes_its_bold_lines_for_headings_by_size_and_its_largest_for_the_title():
    parsed = parse_rtf(_file("faq-textedit.rtf"))
    assert parsed.title == "Questions fréquentes"
    assert _sections(_file("faq-textedit.rtf")) == [
        ("Livraison", (), ["Les colis sont livrés en 48 heures ouvrées en France métropolitaine, sauf pendant les "
                           "fêtes de fin d’année."]),
        ("Retours", (), ["Vous disposez de 30 jours pour nous retourner un article, avec\u00a0:",
                         "• son emballage d’origine ;", "• le ticket de caisse ou la facture.",
                         "Mode de retour | Frais", "Point relais | Gratuit",
                         "Pour en savoir plus, voir la page des retours."]),
    ]


@pytest.mark.parametrize(("name", "lines"), [
    ("textedit-hyperlink.rtf", ["macOS text edit hyperlink", "First one is: striprtf.dev (plain)",
                                "Second one is: github (real)"]),
    ("textedit-line-breaks.rtf", ["A", "B", "C"]),
    ("wordpad-umlaut.rtf", ["Übersicht"]),
    ("abiword-table.rtf", ["foo | bar", "1 | 1"]),
    ("abiword-french.rtf", ["10\u2018000", "a 10'000  b.", "a 10\u2018000 b c!", "a a a 10´000 d?"]),
    ("word-example-trimmed.rtf", ["Text here with hyperlink", "Another font", "Another text size", "A graphic"]),
])
def test_files_written_by_textedit_wordpad_abiword_and_word_read_as_shown(name, lines):
    assert [line.text for s in parse_rtf(_file(name)).sections for line in s.lines] == lines


def test_wordpad_bytes_read_in_their_fonts_central_european_code_page():
    lines = [line.text for s in parse_rtf(_file("wordpad-czech.rtf")).sections for line in s.lines]
    assert lines[:2] == ["Článek týdne", "Část svitku s textem Knihy Izajáš"]
    assert "př.\u2009n.\u2009l." in lines[2]


def test_heading_styles_by_localized_name_outline_level_or_based_on_one():
    sheet = ("{\\stylesheet{\\snext0 Normal;}{\\s1\\sbasedon0 Titre 1;}{\\s2 \\'dcberschrift 2;}"
             "{\\s3\\outlinelevel2 Niveau maison;}{\\s4\\sbasedon5 Boucle;}{\\s5\\sbasedon4 Autre;}"
             "{\\*\\cs6 \\additive heading 1;}{\\s7 Title,Titre du document;}{\\s8 caption;}{\\s9 toc 1;}}")
    body = ("\\pard\\s7 Le guide\\par\\pard\\s1 Congés\\par\\pard Vingt-cinq jours.\\par"
            "\\pard\\s2 Report\\par\\pard Jusqu'au 31 mai.\\par\\pard\\s3 Exceptions\\par\\pard Maladie.\\par"
            "\\pard\\s4 Boucle sans niveau\\par\\pard\\s0\\outlinelevel1 Niveau du paragraphe\\par\\pard Fin.\\par"
            "\\pard\\s8\\b Figure 1\\par\\pard\\s6 Style de caractères\\par\\pard\\s9 Congés\\tab 2\\par")
    parsed = parse_rtf(_rtf(body, sheet))
    assert parsed.title == "Le guide"
    assert _sections(_rtf(body, sheet)) == [
        ("Congés", (), ["Vingt-cinq jours."]),
        ("Report", ("Congés",), ["Jusqu'au 31 mai."]),
        ("Exceptions", ("Congés", "Report"), ["Maladie.", "Boucle sans niveau"]),
        ("Niveau du paragraphe", ("Congés",), ["Fin.", "Figure 1", "Style de caractères"]),
    ]


def test_a_bold_line_heads_nothing_where_the_document_has_heading_styles():
    sheet = "{\\stylesheet{Normal;}{\\s1 heading 1;}}"
    body = "\\pard\\s1 Titre\\par\\pard\\b\\fs28 Important\\par\\pard\\b0\\fs24 Le texte.\\par"
    assert _sections(_rtf(body, sheet)) == [("Titre", (), ["Important", "Le texte."])]


def test_nested_tables_read_in_their_cells_and_a_table_ends_at_the_next_paragraph():
    body = ("\\pard\\intbl\\itap1 Dehors\\cell\\pard\\intbl\\itap2 A\\nestcell B\\nestcell"
            "{\\*\\nesttableprops\\trowd\\cellx1\\cellx2\\nestrow}{\\nonesttables\\par}"
            "\\pard\\intbl\\itap1 Après\\cell{\\trowd\\cellx1\\cellx2\\row}"
            "\\pard Texte.\\par\\trowd\\pard\\intbl Seconde\\cell table\\cell\\row\\pard\\par")
    parsed = parse_rtf(_rtf(body))
    rows = [(line.text, line.opens_table) for s in parsed.sections for line in s.lines]
    assert rows == [("Dehors | A | B Après", True), ("Texte.", False), ("Seconde | table", True)]


def test_a_word_file_with_tables_nested_in_cells_reads_each_outer_row_as_one_line():
    assert _sections(_file("word-nested-table-trimmed.rtf")) == [
        (None, (), ["Gesamt DLP: 382.75 mGy.cm. Mittlere Herzfrequenz: 72/min"]),
        ("Calcium-Score", (), ["Coronararterie | Calcium-Score RCA | 0 Gesamt Calcium-Score | 0 | Biologisches Alter: "
                               "| 42 geschätztes Coronar-Alter: | 40-44"]),
        ("Coronararterien", (), ["Coronararterie | führender Befund"]),
    ]


def test_lists_keep_their_label_once_and_their_numbering_destinations_are_skipped():
    body = ("{\\*\\pn\\pnlvlblt\\pnf1{\\pntxtb\\'b7}}{\\pntext\\f0 1.\\tab}Premier\\par"
            "{\\listtext\\tab\\uc0\\u8226\\tab}Puce\\par{\\listtext o\\tab}Cercle\\par")
    assert _text(body) == "1. Premier\n• Puce\n• Cercle\n"


def test_deleted_text_comments_pictures_and_unknown_ignorable_destinations_are_left_out():
    body = ("Gardé{\\deleted supprimé} {\\*\\atnid X}{\\annotation un commentaire}{\\pict\\pngblip 89504e47}"
            "{\\*\\inconnu texte caché}{\\object{\\*\\objdata 0105}{\\result résultat}}fin\\par")
    assert _text(body) == "Gardé fin\n"
    assert _text("a{\\*}{\\b b}{\\*{\\b c}}\\par") == "abc\n"  # a stray \* skips no group after it


def test_a_file_that_is_not_rtf_is_refused_with_a_reason(tmp_path):
    for data, said in [(b"plain text", NOT_RTF), (b"PK\x03\x04zip", "a zip archive"),
                       (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a Word .doc named .rtf? rename it .doc")]:
        with pytest.raises(ValueError, match="not an RTF file") as raised:
            parse_rtf(data)
        assert said in str(raised.value)
    (tmp_path / "note.rtf").write_bytes(b"du texte")
    with pytest.raises(ValueError, match="not an RTF file"):
        read_document(tmp_path, tmp_path / "note.rtf")


def test_a_title_written_twice_in_a_upr_is_read_once_from_its_unicode_group():
    libreoffice = b"{\\rtf1\\ansi{\\info{\\upr{\\title Guide}\n{\\*\\ud{\\title Guide}}}{\\keywords k}}Texte\\par}"
    assert (parse_rtf(libreoffice).title, parse_rtf(libreoffice).text) == ("Guide", "Texte\n")
    word = b"{\\rtf1\\ansi{\\info{\\upr{\\title \\'3f\\'3f}{\\*\\ud{\\title \\u26381\\'3f\\u21153\\'3f}}}}x\\par}"
    assert parse_rtf(word).title == "\u670d\u52a1"
    assert _text("{\\upr{ANSI}{\\*\\ud{Unicode}}} fin\\par") == "Unicode fin\n"


def test_hidden_text_is_left_out_as_deleted_text_is():
    help_file = "Voir {\\uldb Impression}{\\v IMPRESSION_TOPIC} pour la suite.\\par"  # a WinHelp jump
    assert _text(help_file) == "Voir Impression pour la suite.\n"
    assert _text("a{\\v cach\\'e9\\v0  vu}\\v  non\\plain  oui\\par") == "a vu oui\n"


def test_a_double_byte_characters_second_byte_may_be_written_as_a_character():
    katakana = b"{\\rtf1\\ansi\\ansicpg932 \\'83e\\'83X\\'83g \\'82\\'a0\\par}"  # "\\'83e" is one character
    assert parse_rtf(katakana).text == "\u30c6\u30b9\u30c8 \u3042\n"


def test_a_list_label_given_by_both_listtext_and_pntext_is_read_once():
    assert _text("{\\listtext 1.\\tab}{\\pntext 1.\\tab}Premier\\par{\\pntext 2.\\tab}Second\\par") == \
        "1. Premier\n2. Second\n"


def test_a_byte_order_mark_or_blank_lines_before_the_document_are_no_text_of_it():
    assert parse_rtf(b"\xef\xbb\xbf{\\rtf1\\ansi Bonjour\\par}").text == "Bonjour\n"  # a UTF-8 editor's file
    assert parse_rtf(b"\r\n {\\rtf1\\ansi Bonjour\\par}").text == "Bonjour\n"


def test_hostile_files_are_read_bounded():
    deep = parse_rtf(b"{\\rtf1 " + b"{" * 100_000 + b"profond\\par" + b"}" * 100_000 + b" fin\\par}")
    assert deep.text == "profond\n fin\n"
    assert any(str(DEPTH_MAX) in change for change in deep.changes)
    assert parse_rtf(b"{\\rtf1 avant{\\bin999999999 \x00\x01}\\par}").text == "avant\n"  # skipped to the end
    assert parse_rtf(b"{\\rtf1 a{\\bin3 }}}b}c\\par}").text == "abc\n"  # the bytes may hold braces
    assert parse_rtf(b"{\\rtf1\\uc999999999 a\\u233 bcdefghijkl\\par}").text == "aéjkl\n"  # \uc bounded (8)
    cut = parse_rtf(b"{\\rtf1{{{coup\\'e9\\par")
    assert cut.text == "coupé\n" and "4 groups left open" in cut.changes[0]
    assert parse_rtf(b"{\\rtf1 a\\bin2000000000 }}").changes == [
        "the file ends inside 1 group left open (cut short?): read to its end"]
    assert parse_rtf(b"{\\rtf1 dedans\\par}dehors\\par}").text == "dedans\n"
    noted = parse_rtf(b"{\\rtf1 Texte{\\footnote note \\footnote encore\\par suite")  # a note cut short
    assert noted.text == "Texte\nnote encore\nsuite\n"
    assert parse_rtf(b"{\\rtf1 \\" + b"a" * 100 + b" x\\u-99999999 ?y\\u99999999 ?z\\par}").text == \
        "a" * 68 + " x\ufffdy\ufffdz\n"


def _document(n: int) -> bytes:
    block = ("\\pard\\b\\fs28 Question\\par\\pard\\b0\\fs24 R\\'e9ponse {\\b en gras}\\u233?{\\footnote note}\\par"
             "\\trowd\\pard\\intbl A\\cell B{\\footnote dans la table}\\cell\\row\\pard\\par"
             "{\\listtext\\'b7\\tab}item\\par{\\field{\\*\\fldinst HYPERLINK}{\\fldrslt lien}}\\par")
    return _rtf(block * n)


def test_reading_takes_linear_time():
    documents = {n: _document(n) for n in (300, 1200)}
    assert grows_linearly(lambda n: parse_rtf(documents[n]), 300)
    nested = {n: b"{\\rtf1 " + b"{\\b x" * n + b"}" * n + b"}" for n in (20_000, 80_000)}
    assert grows_linearly(lambda n: parse_rtf(nested[n]), 20_000)
    styles = {n: _rtf("\\pard\\s1 x\\par", "{\\stylesheet" + "".join(
        f"{{\\s{i}\\sbasedon{i + 1} s{i};}}" for i in range(n)) + "}") for n in (2000, 8000)}
    assert grows_linearly(lambda n: parse_rtf(styles[n]), 2000)


def test_an_rtf_file_is_read_with_its_title_and_sections(tmp_path):
    (tmp_path / "guide.rtf").write_bytes(_file("faq-word.rtf"))
    document = read_document(tmp_path, tmp_path / "guide.rtf")
    assert document.title == "Guide de l'abonnement"
    assert [s.heading for s in document.sections][:2] == ["Résiliation", "Résiliation › Délais de préavis"]
    assert document.text == parse_rtf(_file("faq-word.rtf")).text
