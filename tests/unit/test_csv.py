"""Spreadsheets exported as text (.csv, .tsv): the delimiter, the header, FAQ and other tables as sections, every line
cited at its cell in the decoded file, and bad files refused with a reason."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from rag.corpus.encoding import BINARY, LEGACY
from rag.corpus.files import BINARY_SUFFIXES, FORMATS, SUFFIXES, refusal
from rag.corpus.formats.base import Parsed
from rag.corpus.formats.columns import LABEL, faq_columns, is_header
from rag.corpus.formats.csv import _SAMPLE_CHARS, MAX_COLUMNS, ONE_COLUMN, delimiter, parse_csv, parse_tsv
from rag.corpus.formats.header_levels import two_level_names
from rag.corpus.reader import read_document, read_file

FAQ = ('Catégorie;Question;Réponse;Mis à jour\r\n'
       'Compte;Comment changer mon mot de passe ?;"Allez dans Profil.\r\n\r\nPuis cliquez sur « Changer »; '
       'et ""valider"".";2024-03-01\r\n'
       ';;;\r\n'
       'Livraison;Quels sont les délais ?;Trois jours, en France.;\r\n')


def _sections(parsed: Parsed) -> list[tuple[str | None, tuple[str, ...], list[str]]]:
    return [(s.heading, s.parents, [line.text for line in s.lines]) for s in parsed.sections]


def _cited(source: str, parsed: Parsed) -> None:
    """Every line's span holds its text: as it is, or with the quotes the file doubles, or its value after its
    column's name; a heading starts at its question."""
    for section in parsed.sections:
        if section.heading_start is not None:
            assert source.startswith(section.heading.split()[0], section.heading_start), section.heading
        for line in [*section.lines, *section.fields]:
            span = source[line.start:line.end]
            value = line.text.split(LABEL, 1)[1] if LABEL in line.text else line.text
            assert line.text in span or value in span.replace('""', '"'), (line, span)


def test_csv_and_tsv_are_formats_rag_reads_as_text():
    assert SUFFIXES[".csv"] is parse_csv and SUFFIXES[".tsv"] is parse_tsv
    assert {".csv", ".tsv"} <= set(FORMATS.split(", "))


def test_the_formats_a_refusal_says_rag_reads_are_every_suffix_it_reads():
    # ".ndjson" (JSON Lines under its other name), ".mdx", ".htm" were read and never named
    assert FORMATS.split(", ") == [*SUFFIXES, *BINARY_SUFFIXES]


def test_an_faq_row_is_a_section_under_its_category_its_answer_its_lines_its_other_cells_its_fields():
    parsed = parse_csv(FAQ)
    assert _sections(parsed) == [
        ("Comment changer mon mot de passe ?", ("Compte",),
         ["Allez dans Profil.", 'Puis cliquez sur « Changer »; et "valider".']),
        ("Quels sont les délais ?", ("Livraison",), ["Trois jours, en France."]),
    ]
    assert [[line.text for line in s.fields] for s in parsed.sections] == [["Mis à jour : 2024-03-01"], []]
    assert parsed.blocks and not parsed.changes and parsed.title is None
    _cited(FAQ, parsed)


def test_a_line_is_cited_exactly_at_its_cell_unless_the_file_doubles_its_quotes():
    first, second = parse_csv(FAQ).sections
    (profile, click), (updated,) = first.lines, first.fields
    assert FAQ[profile.start:profile.end] == "Allez dans Profil."
    assert FAQ[click.start:click.end] == 'Puis cliquez sur « Changer »; et ""valider"".'
    assert FAQ[updated.start:updated.end] == "2024-03-01" and updated.item
    assert FAQ[first.heading_start:].startswith("Comment changer")
    (delay,) = second.lines
    assert FAQ[delay.start:delay.end] == "Trois jours, en France."


@pytest.mark.parametrize("separator", [",", ";", "\t", "|"])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_each_delimiter_and_line_break_is_read_the_same(separator, newline):
    rows = [["question", "answer"], ["Can I pay, later?", "Yes; within 30 days | by card."],
            ["Do you ship abroad?", 'Yes, "worldwide".\nExcept Antarctica.'], ["Returns?", "Free."]]
    with_quotes = csv.writer(out := _Lines(), delimiter=separator, lineterminator=newline)
    with_quotes.writerows(rows)
    text = "".join(out)
    assert delimiter(text) == separator
    parsed = parse_csv(text)
    assert _sections(parsed) == [("Can I pay, later?", (), ["Yes; within 30 days | by card."]),
                                 ("Do you ship abroad?", (), ['Yes, "worldwide".', "Except Antarctica."]),
                                 ("Returns?", (), ["Free."])]
    _cited(text, parsed)
    if separator == "\t":
        assert _sections(parse_tsv(text)) == _sections(parsed)


class _Lines(list[str]):
    def write(self, text: str) -> None:
        self.append(text)


def test_the_delimiter_is_the_one_splitting_rows_most_consistently_where_the_sniffer_gives_up():
    """An FAQ answer over paragraphs, holding a doubled quote, as cnil_faq_dev's first entry: `csv.Sniffer` counts
    delimiters line by line, and finds none."""
    answer = ('Vérifiez que l\'adresse commence par ""https://"" (et non ""http://"") ;\n\n'
              "en cas de doute, appelez-nous.")
    text = f'question;réponse\nQuelles précautions prendre ?;"{answer}"\nEt ensuite ?;Rien.\n'
    with pytest.raises(csv.Error):
        csv.Sniffer().sniff(text, ";,\t|")
    assert delimiter(text) == ";"
    assert _sections(parse_csv(text))[0][2] == ['Vérifiez que l\'adresse commence par "https://" (et non "http://") ;',
                                                "en cas de doute, appelez-nous."]


def test_between_delimiters_splitting_rows_alike_the_one_a_space_does_not_follow_wins():
    text = "Horaires ?;Du lundi au vendredi, de 9 h à 18 h.\nAdresse ?;12 rue de la Paix, Paris.\n"
    assert csv.Sniffer().sniff(text, ";,\t|").delimiter == ","
    assert delimiter(text) == ";"


def test_a_line_separator_inside_a_cell_breaks_the_cell_s_lines_not_the_row():
    """Excel and Word paste U+2028 and form feeds into cells: `csv` ends rows at \\n and \\r only."""
    text = "question;réponse\nA ?;Oui\u2028non\x0cpeut-être\nB ?;Non.\n"
    parsed = parse_csv(text)
    assert _sections(parsed) == [("A ?", (), ["Oui", "non", "peut-être"]), ("B ?", (), ["Non."])]
    assert not parsed.changes
    _cited(text, parsed)


def test_a_single_column_file_is_one_line_per_row_its_commas_prose():
    text = "Comment payer ?\nOù est ma commande ?\n"
    assert delimiter(text) == ONE_COLUMN
    assert _sections(parse_csv(text)) == [(None, (), ["Comment payer ?"]), (None, (), ["Où est ma commande ?"])]
    # half the rows split by a comma: no delimiter splits most rows
    text = "Comment payer, et quand ?\nOù est ma commande ?\nPuis-je annuler, puis être remboursé ?\nQui appeler ?\n"
    assert delimiter(text) == ONE_COLUMN
    assert [lines for _, _, lines in _sections(parse_csv(text))] == [[row] for row in text.splitlines()]


def test_a_delimiter_splitting_most_rows_wins_though_rows_differ_in_width():
    """A file written by hand leaves out a row's closing empty cells."""
    text = "question;réponse;note\nA ?;Oui;Vérifié\nB ?;Non\nC ?;Oui, si payé\nD ?;Non\nE ?;Oui\n"
    assert delimiter(text) == ";"


def test_the_rows_are_counted_without_the_one_the_sample_cuts_off():
    """An answer of 64 kB: the sample ends in the third row, before its delimiter; counted, it would be a row the
    delimiter does not split, one of three."""
    head = "question;réponse\nQuestion longue ?;"
    answer = "Réponse. " * ((_SAMPLE_CHARS - len(head)) // 9)
    text = f"{head}{answer}\nEt ensuite ?;Rien.\n"
    assert 0 < _SAMPLE_CHARS - text.index("Et ensuite") < len("Et ensuite ?")
    assert delimiter(text) == ";"


def test_columns_are_named_case_accents_and_punctuation_aside_the_stronger_name_winning():
    assert faq_columns(["ID", "QUESTION", "RÉPONSE"]).__dict__ == {"question": 1, "answer": 2, "categories": ()}
    assert faq_columns(["Titre", "Question (FR)", "Description", "Réponse FR"]).__dict__ == {
        "question": 1, "answer": 3, "categories": ()}
    assert faq_columns(["Texte de la question", "Texte de la réponse", "Sous-catégorie", "Thème"]).__dict__ == {
        "question": 0, "answer": 1, "categories": (2, 3)}
    assert faq_columns(["Q", "A"]) is not None and faq_columns(["Title", "Body", "Subject line"]) is not None
    assert faq_columns(["Nom", "Ville"]) is None and faq_columns(["Question", "Catégorie"]) is None
    assert faq_columns(["Qa", "Ab"]) is None  # a single letter names a column only whole
    assert faq_columns(["Question", "À propos"]) is None  # "a propos" once folded: not an answer by its "a"


def test_a_column_identifying_a_category_is_none():
    """Zendesk's and Freshdesk's article exports name their categories' ids "Section Id", "Category ID"; a column
    named "Section" may hold numbers too."""
    header = ["Category ID", "Section Id", "Title", "Body", "Catégorie", "category_url", "Section"]
    assert faq_columns(header).categories == (4, 6)
    rows = [["7", "360000999", "Reset", "Click.", "Compte", "https://x.test/c/7", s] for s in ("360001", "12", "Aide")]
    assert faq_columns(header, rows).categories == (4,)
    text = ("Section Id,Section,Title,Body\n"
            "360000999,Compte,Reset password,Click Forgot password.\n"
            "360000999,Compte,Delete account,Write to us.\n")
    first = parse_csv(text).sections[0]
    assert (first.heading, first.parents, [line.text for line in first.lines], [line.text for line in first.fields]) \
        == ("Reset password", ("Compte",), ["Click Forgot password."], ["Section Id : 360000999"])
    text = "Section,Title,Body\n360000999,Reset password,Click Forgot password.\n360001000,Delete account,Write.\n"
    first = parse_csv(text).sections[0]
    assert (first.heading, first.parents, [line.text for line in first.fields]) == ("Reset password", (),
                                                                                      ["Section : 360000999"])


def test_the_first_row_is_a_header_when_it_reads_as_names():
    assert is_header(["pregunta", "respuesta"], [])  # an FAQ's names, even without rows
    assert is_header(["Produit", "Prix", "Stock"], [["Chaise", "45", "12"]])
    assert not is_header(["Comment payer ?", "Par carte."], [["Où ?", "Ici."]])  # sentences are data
    assert not is_header(["Question sur le paiement ?", "Réponse sous 24 h."], [["Où ?", "Ici."]])  # not names
    assert not is_header(["Chaise", "45"], [["Table", "120"]])  # digits over digits
    assert not is_header(["Produit", "Produit"], [["a", "b"]])
    assert not is_header(["Produit", "Prix"], [])  # a lone row of names is read as text, not lost
    assert not is_header(["Une très longue cellule qui ressemble à tout sauf au nom d'une colonne", "x"], [["a", "b"]])


def test_excel_s_line_naming_the_delimiter_names_it_and_is_no_row():
    """Each row holds a comma and a semicolon alike: found, the delimiter would be the comma."""
    text = "sep=;\r\nquestion;réponse,détail\r\nA ?;Oui,non.\r\nB ?;Non,oui.\r\nC ?;Oui,non.;de trop\r\n"
    assert delimiter(text[len("sep=;\r\n"):]) == ","
    parsed = parse_csv(text)
    assert _sections(parsed) == [("A ?", (), ["Oui,non."]), ("B ?", (), ["Non,oui."]),
                                 ("C ?", (), ["Oui,non.", "de trop"])]
    assert parsed.title is None and "(the first: row 4)" in parsed.changes[0]  # as Excel numbers rows: no sep= row
    _cited(text, parsed)
    assert _sections(parse_csv('"sep=|"\nquestion|réponse\nA ?|Oui; non.\n')) == [("A ?", (), ["Oui; non."])]
    with pytest.raises(ValueError, match=r"in row 2 \(line 3\) is never closed"):
        parse_csv('sep=;\nquestion;réponse\nA ?;"Oui\n')


def test_an_faq_s_header_below_a_title_row_is_found_the_title_the_document_s():
    text = "FAQ boutique;;\r\n;;\r\nCatégorie;Question;Réponse\r\nCompte;A ?;Oui.\r\n"
    parsed = parse_csv(text)
    assert (parsed.title, _sections(parsed)) == ("FAQ boutique", [("A ?", ("Compte",), ["Oui."])])
    # more than one cell above: notes, read as rows of their own
    parsed = parse_csv("Export du 3 mars;version 2\nQuestion;Réponse\nA ?;Oui.\n")
    assert (parsed.title, _sections(parsed)) == (None, [("Export du 3 mars", (), ["version 2"]), ("A ?", (), ["Oui."])])
    # a header wrapped in its cells, as Excel lets one wrap them
    parsed = parse_csv('Catégorie;"Question\n(FR)";"Réponse\n(FR)"\nCompte;A ?;Oui.\n')
    assert (parsed.title, _sections(parsed)) == (None, [("A ?", ("Compte",), ["Oui."])])
    assert not is_header(["Chaise\npliante", "45 €"], [["Table", "120 €"]])  # a line break in data stays data


def test_another_table_s_row_is_headed_by_its_first_cell_its_other_cells_named():
    text = ("Produit,Description,Prix\n"
            'Chaise,"Une chaise en chêne.\nPliante.",45 €\n'
            ",Sans nom,\n"
            "Table,,\n"
            '"Banc\nlong",Un banc.,90 €\n')
    parsed = parse_csv(text)
    assert _sections(parsed) == [("Chaise", (), ["Description : Une chaise en chêne.", "Pliante.", "Prix : 45 €"]),
                                 (None, (), ["Description : Sans nom"]), (None, (), ["Produit : Table"]),
                                 (None, (), ["Produit : Banc", "long", "Description : Un banc.", "Prix : 90 €"])]
    _cited(text, parsed)


def test_a_table_without_header_has_its_values_alone():
    text = "Horaires ?;Du lundi au vendredi, de 9 h à 18 h.\nAdresse ?;12 rue de la Paix, Paris.\n"
    assert _sections(parse_csv(text)) == [("Horaires ?", (), ["Du lundi au vendredi, de 9 h à 18 h."]),
                                          ("Adresse ?", (), ["12 rue de la Paix, Paris."])]


def test_an_entry_without_answer_is_its_question_and_one_without_question_its_answer():
    text = "question;réponse\nQue faire ?;\n;Une réponse orpheline.\n"
    assert _sections(parse_csv(text)) == [(None, (), ["Que faire ?"]), (None, (), ["Une réponse orpheline."])]
    # under their categories still, the last their heading
    text = "Thème;Rubrique;question;réponse\nAide;Compte;Que faire ?;\nAide;;;Une réponse orpheline.\n"
    assert _sections(parse_csv(text)) == [("Compte", ("Aide",), ["Que faire ?"]),
                                          ("Aide", (), ["Une réponse orpheline."])]


def test_a_column_left_of_the_answer_is_a_field_cited_at_its_own_cell():
    text = "ID;Réponse;Question\n7;Par carte.;Comment payer ?\n"
    (section,) = parse_csv(text).sections
    (answer,), (number,) = section.lines, section.fields
    assert (section.heading, answer.text, number.text) == ("Comment payer ?", "Par carte.", "ID : 7")
    assert text[number.start:number.end] == "7"  # a line after the answer where no passage carries it


def test_an_faq_entry_with_no_answer_keeps_its_other_cells_as_its_lines():
    """With no answer, the other cells are all the entry says: its text, not fields no passage would quote."""
    (section,) = parse_csv("question;réponse;note\nHoraires ?;;Voir la boutique.\n").sections
    assert ([line.text for line in section.lines], section.fields) == (["note : Voir la boutique."], [])


def test_rows_wider_than_their_header_are_read_and_reported():
    text = 'question;réponse\nA ?;"Oui"; et plus;encore\nB ?;Non.\nC ?;Oui;;\n'
    parsed = parse_csv(text)
    assert _sections(parsed)[0] == ("A ?", (), ["Oui", "et plus", "encore"])  # the answer's, likely: lines
    assert parsed.sections[0].fields == []
    assert parsed.changes == ["1 row with more cells than the header (the first: row 2): their extra cells are read "
                              "without a name (the delimiter in a cell without quotes?)"]


def test_a_cell_csv_forgives_is_cited_at_its_whole_span():
    text = 'question;réponse\nA ?;"Oui" mais non\n'
    (section,) = parse_csv(text).sections
    (line,) = section.lines
    assert line.text == "Oui mais non" and text[line.start:line.end] == '"Oui" mais non'


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_an_excel_export_in_utf8_with_its_mark_or_in_windows_1252_is_read(tmp_path):
    text = "Question;Réponse\r\nOù est ma commande ?;Suivez-la dans « Mes commandes ».\r\n"
    for name, data, changes in [("bom.csv", text.encode("utf-8-sig"), []), ("ansi.csv", text.encode("cp1252"),
                                                                            [LEGACY])]:
        doc = read_document(tmp_path, _write(tmp_path, name, data))
        assert doc.text == text and doc.changes == changes
        (section,) = doc.sections
        assert section.heading == "Où est ma commande ?"
        assert doc.text[section.lines[0].start:section.lines[0].end] == "Suivez-la dans « Mes commandes »."


def test_the_title_is_the_file_name_or_sources_toml_s_and_categories_head_the_section_path(tmp_path):
    _write(tmp_path, "faq-clients.csv", FAQ.encode())
    doc = read_document(tmp_path, tmp_path / "faq-clients.csv")
    assert doc.title == "Faq clients"
    assert [s.heading for s in doc.sections] == ["Compte › Comment changer mon mot de passe ?",
                                                 "Livraison › Quels sont les délais ?"]
    doc = read_document(tmp_path, tmp_path / "faq-clients.csv", {"title": "FAQ de la boutique"})
    assert doc.title == "FAQ de la boutique"
    _write(tmp_path, "faq-clients.csv", ("FAQ Boutique Dupont;;;\r\n" + FAQ).encode())
    doc = read_document(tmp_path, tmp_path / "faq-clients.csv")
    assert doc.title == "FAQ Boutique Dupont"
    assert doc.sections[0].heading == "Compte › Comment changer mon mot de passe ?"


@pytest.mark.parametrize(("data", "reason"), [
    (b"question;r\xc3\xa9ponse\nA ?;\"Oui.\nB ?;Non.\n",
     "a quote opened in row 2 (line 2) is never closed: the rest of the file would be one cell"),
    (b"a" + b";a" * MAX_COLUMNS + b"\n", f"{MAX_COLUMNS + 1:,} cells in row 1 (line 1): rag reads tables of at most"),
    (b";;;\r\n\r\n ; ;\r\n", "no text found: every cell of the table is empty"),
    (b"Question;R\xc3\xa9ponse\n;\n", "no text found: the table has a header row and no row of text under it"),
    (b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)), BINARY),
])
def test_a_bad_file_is_skipped_with_its_reason(tmp_path, data, reason):
    skipped = read_file(tmp_path, _write(tmp_path, "faq.csv", data))
    assert skipped.reason.startswith(reason), skipped


def test_a_cell_longer_than_the_csv_module_s_limit_is_read_and_a_quote_never_closed_refused(tmp_path):
    """A help desk's article body with an image inline in base64 is one closed cell of 198,000 characters, past the
    module's default limit of 131,072; a quote never closed, as long, runs to the end of the file."""
    image = "data:image/png;base64," + "iVBORw0KGgo" * 18_000
    assert len(image) > 131_072
    closed = f'title,body\nLogo,"Notre logo, ""{image}""."\nHoraires,De 9 h à 18 h.\n'
    assert [(s.heading, [line.text for line in s.lines]) for s in parse_csv(closed).sections] == [
        ("Logo", [f'Notre logo, "{image}".']), ("Horaires", ["De 9 h à 18 h."])]
    never = f'title,body\nLogo,"Notre logo : {image}\nHoraires,De 9 h à 18 h.\n'
    with pytest.raises(ValueError, match=r"a quote opened in row 2 \(line 2\) is never closed"):
        parse_csv(never)


def test_an_empty_file_is_refused_unopened(tmp_path):
    assert refusal(tmp_path, _write(tmp_path, "vide.tsv", b"")) == "empty file"


def test_a_name_holding_a_number_heads_a_column_of_values_unlike_it():
    """Audit 61's price grid: "Remise au-delà de 10 palettes" over "8 %" is a column's name, so the first row is the
    header; "3 jours" over "5 jours", "2024" over "2025" are values, so a first row of them is none."""
    rows = [["Zone", "Délai", "Remise au-delà de 10 palettes"], ["Rhône", "24 heures", "8 %"],
            ["Corse", "5 jours", "5 %"]]
    assert is_header(rows[0], rows[1:])
    sections = parse_csv("\n".join(";".join(row) for row in rows)).sections
    assert [line.text for line in sections[0].lines] == ["Délai : 24 heures", "Remise au-delà de 10 palettes : 8 %"]
    assert not is_header(["Lyon", "3 jours"], [["Lille", "5 jours"], ["Nice", "12 jours"]])
    assert not is_header(["2024", "Paris"], [["2025", "Lyon"], ["2026", "Nice"]])
    for first, below in [(["Lot A1", "Livré"], ["Lot B2", "En cours"]), (["3 mars 2024", "Réunion"], ["15 avril 2024",
                         "Formation"]), (["Dupont", "12 rue de la Paix"], ["Martin", "3 avenue Foch"])]:
        assert not is_header(first, [below]), first  # values with letters and digits under values like them


def test_a_row_under_the_header_names_the_columns_a_name_spans_and_a_row_of_data_does_not():
    """A workbook's header over two rows, as its CSV export writes it (a merged name in its first cell): the row
    under it names the columns "Taux" spans. A row of data under a header with empty cells stays data: it fills its
    first column, which no name spans, or a cell reading as no name."""
    header = ["Type de vente", "Taux", "", "Prime"]
    assert two_level_names(header, ["", "Nouveau client", "Client existant", ""]) == [
        "Type de vente", "Taux › Nouveau client", "Taux › Client existant", "Prime"]
    assert two_level_names(["Produit", "Prix", ""], ["", "HT", "TTC"]) == ["Produit", "Prix › HT", "Prix › TTC"]
    assert two_level_names(header, ["Vente", "8 %", "5 %", ""]) is None  # its first column filled: data
    assert two_level_names(header, ["", "8 %", "", ""]) is None  # one cell under a name spanning two: data
    assert two_level_names(header, ["", "Voir la note.", "Client existant", ""]) is None  # a sentence
    assert two_level_names(["Produit", "Prix"], ["", "45"]) is None  # no name spans several columns
    text = ("Commissions 2027;;;\nType de vente;Taux;;Prime\n;Nouveau client;Client existant;\n"
            "Vente de machine;8 %;5 %;\nObjectif atteint;;;1 500 €\n")
    parsed = parse_csv(text)
    assert (parsed.title, _sections(parsed)) == ("Commissions 2027", [
        ("Vente de machine", (), ["Taux › Nouveau client : 8 %", "Taux › Client existant : 5 %"]),
        ("Objectif atteint", (), ["Prime : 1 500 €"])])
    _cited(text, parsed)


def test_a_title_over_a_wider_table_is_no_header():
    """A title row of one cell over a table of several columns names none of them: the row under it is the header
    when it reads as names (it was the header's only name, the columns' names read as a row of data)."""
    text = "Tarifs 2027;;\nProduit;Prix;Stock\nChaise;45 €;12\n"
    parsed = parse_csv(text)
    assert (parsed.title, _sections(parsed)) == ("Tarifs 2027", [("Chaise", (), ["Prix : 45 €", "Stock : 12"])])
    # over rows of data without names: the title is a row of its own, the rows their values alone
    parsed = parse_csv("Tarifs 2027;;\nChaise;45 €;12\nTable;120 €;3\n")
    assert [heading for heading, _, _ in _sections(parsed)] == [None, "Chaise", "Table"]
    assert _sections(parsed)[1] == ("Chaise", (), ["45 €", "12"])


def test_a_first_row_of_data_under_a_name_spanning_columns_stays_a_row():
    """The row under a header with a name over empty cells ("Nom;;Ville") was read as the header's second row when
    its cells read as names: its text was in no passage ("Dupont", "Jean Dupont"). It is the header's only when its
    cells stand over values unlike them (text over numbers, prices, rates), as audit 62's "36 mois" over "49 €"."""
    parsed = parse_csv("Nom;;Ville\nDupont;Jean;\nMartin;Paul;Lyon\nDurand;Marie;Paris\n")
    assert _sections(parsed)[0] == ("Dupont", (), ["Jean"])
    parsed = parse_csv("Agence;Contact;;\n;Jean Dupont;Directeur;\nLyon;Paul Martin;Commercial;\n")
    assert "Jean Dupont" in [heading for heading, _, _ in _sections(parsed)]
    parsed = parse_csv("Jour;Horaires;;Salle\n;Matin;Après-midi;\nLundi;9h-12h;14h-18h;A1\n")
    assert _sections(parsed) == [("Lundi", (), ["Horaires › Matin : 9h-12h", "Horaires › Après-midi : 14h-18h",
                                                "Salle : A1"])]


def test_a_row_of_text_under_a_title_stays_a_row():
    """A title of one cell over a table of text made the row under it the header ("Dupont;Paris;Commercial" read as
    names, Dupont in no passage): under a title, a header needs a name over values unlike it ("Prix" over "45 €")."""
    parsed = parse_csv("Contacts;;\nDupont;Paris;Commercial\nMartin;Lyon;Technicien\nDurand;Nantes;Comptable\n")
    assert _sections(parsed)[1:3] == [("Dupont", (), ["Paris", "Commercial"]), ("Martin", (), ["Lyon", "Technicien"])]
