"""A PDF's tables read as rows of cells (`rag.corpus.formats.pdf_tables`), as the HTML and Word readers give them: a
wrapped cell stays in its row, and prose set in columns, lists and paragraphs are no table."""

from __future__ import annotations

import pytest

from rag.corpus.formats import pdf_tables
from rag.corpus.formats.pdf import parse_pdf
from rag.passage import table_heads
from tests.helpers.paths import ROOT
from tests.helpers.pdfs import (
    HEIGHT,
    MARGIN,
    WIDTH,
    below,
    columns,
    flow,
    kerned,
    make_pdf,
    paragraphs,
    table,
    two_columns,
    wrap,
)
from tests.unit.test_pdf_columns import NEWS

TOP = HEIGHT - 2 * MARGIN
ROWS = [
    ["Offre", "Abonnement mensuel", "Commission cartes européennes", "Délai de versement"],
    ["Essentiel", "14,90 €", "1,75 %", "J+2 ouvrés après la télécollecte du soir"],
    ["Pro", "24,90 €", "1,20 %", "J+1 ouvré"],
    ["Premium", "39,90 €", "0,95 %", "le jour même"],
]
WIDTHS = [90, 110, 100, 150]  # "Commission cartes européennes" and the first row's delay wrap over two lines


def _page(tmp_path, page, name="guide.pdf"):
    return parse_pdf(make_pdf(tmp_path / name, [page]).read_bytes())


def _tabled_page():
    intro = flow(["Chaque offre du terminal comprend un abonnement mensuel et une commission prélevée sur chaque "
                  "paiement par carte, selon le tableau ci-dessous."], MARGIN, TOP, WIDTH - 2 * MARGIN)
    rows = table(ROWS, below(intro), WIDTHS)
    after = flow(["Les prix s'entendent hors taxes."], MARGIN, below(rows), WIDTH - 2 * MARGIN)
    return intro + rows + after


def _lines(doc):
    return [line for section in doc.sections for line in section.lines]


def test_a_table_is_read_as_rows_of_cells_its_wrapped_cells_in_their_rows(tmp_path):
    doc = _page(tmp_path, _tabled_page())
    lines = _lines(doc)
    rows = [line for line in lines if line.item]
    assert [row.text for row in rows] == [" | ".join(row) for row in ROWS]
    assert [row.opens_table for row in rows] == [True, False, False, False]
    first = lines.index(rows[0])
    assert lines[first:first + 4] == rows  # the table's lines, one under the other, headed by its first row
    assert table_heads([line.text for line in lines], items=[line.item for line in lines],
                       opens=[line.opens_table for line in lines]) == \
        [first if first <= n < first + 4 else None for n in range(len(lines))]
    # the text around the table stands as before, and a row is cited at its cells in the text
    assert lines[0].text.startswith("Chaque offre") and lines[-1].text == "Les prix s'entendent hors taxes."
    assert not any(line.text in ("européennes", "télécollecte du soir") for line in lines)
    for row, cells in zip(rows, ROWS, strict=True):
        cited = " ".join(doc.text[row.start:row.end].split())
        assert all(word in cited for cell in cells for word in cell.split())


def test_a_cell_drawn_in_kerned_pieces_reads_as_the_plain_text_joins_them(tmp_path):
    """TeX and word processors draw a word in pieces kerned apart ("Pr" "ofessionnel"): a cell's text is its words as
    the plain text joins them, not its pieces a space apart ("Pr ofessionnel | 24 ,90 €")."""
    intro = flow(["Les tarifs des formules sont les suivants, hors taxes, pour tout nouveau contrat signé en 2026."],
                 MARGIN, TOP, WIDTH - 2 * MARGIN)
    rows = table(ROWS, below(intro), WIDTHS)
    lines = _lines(_page(tmp_path, kerned(intro + rows)))
    assert [line.text for line in lines if line.item] == [" | ".join(row) for row in ROWS]


def test_a_wrapped_first_cell_of_the_last_row_stays_in_it_and_the_text_below_apart(tmp_path):
    """Stop 47's price table: the last row's first cell wraps ("Premium avec terminal" / "de paiement inclus"), a line
    in the first column alone as the paragraph under the table is; it stands closer to its row than rows stand apart."""
    prices = [["Offre", "Abonnement", "Commission"], ["Essentiel", "14,90 €", "1,75 %"], ["Pro", "24,90 €", "1,20 %"],
              ["Premium avec terminal de paiement inclus", "29,90 €", "1,20 %"]]
    rows = table(prices, TOP, [120, 100, 100])
    lines = _lines(_page(tmp_path, rows + flow(["Les prix s'entendent hors taxes."], MARGIN, below(rows), 400)))
    assert [line.text for line in lines] == [" | ".join(row) for row in prices] + ["Les prix s'entendent hors taxes."]


def test_a_block_of_labels_and_values_is_a_table_drawn_row_by_row_and_none_drawn_column_by_column(tmp_path):
    """Labels and their values, as an HTML table without header cells: read as rows when each row is drawn before
    the next; drawn down the labels, then down the values, a row would be cited over the rows between: plain lines."""
    pairs = [("Téléphone", "01 23 45 67 89"), ("Courriel", "support@paynova.fr"), ("Horaires", "du lundi au vendredi"),
             ("Adresse", "12 rue des Lilas, 75011 Paris")]
    by_rows = [line for n, (label, value) in enumerate(pairs)
               for line in ((MARGIN, TOP - 12.5 * n, label, 10), (MARGIN + 120, TOP - 12.5 * n, value, 10))]
    assert [line.text for line in _lines(_page(tmp_path, by_rows)) if line.item] == \
        [f"{label} | {value}" for label, value in pairs]
    by_columns = by_rows[0::2] + by_rows[1::2]
    assert not any(line.item for line in _lines(_page(tmp_path, by_columns, "colonnes.pdf")))


def test_without_the_positions_of_its_text_a_page_reads_as_before(tmp_path, monkeypatch):
    """The positions come from pypdf's layout reader, an internal API: where it fails, the plain lines stand."""
    monkeypatch.setattr(pdf_tables, "pieces", lambda page: None)
    lines = _lines(_page(tmp_path, _tabled_page()))
    assert not any(line.item for line in lines)
    assert {"européennes", "soir"} <= {line.text for line in lines}  # the wrapped cells' lines, apart


def _across(placed):
    """Lines written row by row across the columns, as some generators and OCR layers write them."""
    return sorted(placed, key=lambda line: (-round(line[1], 1), line[0]))


ITEMS = ["Le terminal T200 et sa base de charge", "Un câble USB-C et son adaptateur secteur",
         "Deux rouleaux de papier thermique", "Le guide de démarrage rapide"]
# short paragraphs under headings, as a newsletter's columns hold them: few lines fill the column's width
HEADED = ["Virements", "Les fonds sont virés chaque mardi par virement SEPA, sans frais, sur le compte déclaré.",
          "Relevés", "Un relevé détaillé des commissions est envoyé par courriel le même jour.",
          "Retours", "Le marchand dispose de quatorze jours pour accepter ou refuser un retour.",
          "Litiges", "Le service des marchands répond sous deux jours ouvrés à toute demande.",
          "Contact", "Écrivez-nous depuis le formulaire de l'espace marchand, à toute heure.",
          "Horaires", "Le service répond du lundi au vendredi, de neuf heures à dix-huit heures."]
# German capitalises its nouns: a wrapped line opens in upper case as often as not
GERMAN = ["Seit dem ersten März erhalten Händler ihre Zahlungen jeden Dienstag per SEPA-Überweisung ohne Gebühren auf "
          "das Bankkonto, das in ihrem Kundenbereich hinterlegt ist.",
          "Eine ausführliche Abrechnung der Provisionen für jeden Verkauf wird am selben Tag per E-Mail verschickt, "
          "mit der Nummer jeder Bestellung, dem Datum ihres Versands und dem Nettobetrag.",
          "Rücksendungen der Kunden werden im Händlerbereich erfasst. Der Händler hat vierzehn Tage Zeit, um jede "
          "Rücksendung anzunehmen oder mit Angabe von Gründen abzulehnen.",
          "Bei Streitigkeiten antwortet der Händlerservice innerhalb von zwei Werktagen auf jede Anfrage, die über das "
          "Kontaktformular im Kundenbereich gesendet wird."]


def _help_page(name, first, count, size, grid=False):
    """Fourteen blocks of a help centre page set in columns (`scripts.eval.pdf_tables --prose`, which found these
    pages read with a table until the rule each stands for was added)."""
    text = (ROOT / "tests" / "data" / "help_centre" / "pages" / "boutique" / name).read_text(encoding="utf-8")
    return columns(paragraphs(text)[first:first + 14], count, size, grid)


def _beside_short_lines():
    """A paragraph beside a block of short lines (a contact page's address, hours), written row by row across: the
    block is no column of prose, and the paragraph's lines were read as a table's first cells ("Pour toute question
    sur votre commande, notre | Boutika"), a phrase running on from one row into the next ("Pensez à" over
    "indiquer") where a table's cells never do."""
    left = wrap("Pour toute question sur votre commande, notre service client vous répond du lundi au vendredi, de 9 h "
                "à 18 h, par téléphone ou par courriel. Pensez à indiquer votre numéro de commande.", 240)
    block = ["Boutika", "Service client", "Tél. 01 23 45", "Lun–Ven", "9 h – 18 h"]
    return [line for n in range(max(len(left), len(block)))
            for line in ((MARGIN, TOP - 12 * n, left[n], 10) if n < len(left) else None,
                         (340, TOP - 12 * n, block[n], 10) if n < len(block) else None) if line]


def _marked(mark):
    return [line for n, item in enumerate(ITEMS)
            for line in ((MARGIN + 2, TOP - n * 12.5, mark(n), 10), (MARGIN + 14, TOP - n * 12.5, item, 10))]


@pytest.mark.parametrize("page", [
    two_columns(NEWS, TOP),
    _across(two_columns(NEWS, TOP)),
    _across(columns(NEWS, 3)),
    _across(two_columns(HEADED, TOP)),
    _across(columns(GERMAN, 3)),
    _across(columns(GERMAN, 3, grid=True)),
    _across(_help_page("livraison.md", 18, 3, 9)),
    _across(_help_page("livraison.md", 6, 2, 10, grid=True)),
    _beside_short_lines(),
    _marked(lambda n: "•"),
    _marked(lambda n: f"{n + 1}."),
    flow(NEWS, MARGIN, TOP, WIDTH - 2 * MARGIN),
], ids=["two columns", "two columns written across", "three columns written across",
        "headed short paragraphs across (lines that run on)", "German in three columns (lines that fill the width)",
        "German on a grid", "a help page in three columns (cells over several lines)",
        "a help page on a grid (text in the columns above)", "a paragraph beside short lines (a phrase running on)",
        "bullets", "numbered", "paragraphs"])
def test_prose_in_columns_lists_and_paragraphs_are_no_table(tmp_path, page):
    lines = _lines(_page(tmp_path, page))
    assert lines and not any(line.item or " | " in line.text for line in lines)


def test_a_table_cut_by_a_page_break_goes_on_under_its_header(tmp_path):
    """A word processor's table cut by a page break: the rows at the top of page 2 are the table's, under its
    header row on page 1; its first row there ("Allemagne | J+1 | 2,60 €") heads nothing (it headed the rows under
    it, and a long table's later passages carried it as their header: "Quels sont les horaires de l'agence de
    Rennes ?" was answered under "Orléans | 32 place de la République | ..."). A page that repeats the header row
    opens the table anew, and a table of other columns is another."""
    header = ["Pays", "Délai de virement", "Frais"]
    rows = [[country, f"J+{n % 3 + 1}", f"{n},{n}0 €"] for n, country in enumerate(
        ["France", "Belgique", "Suisse", "Luxembourg", "Allemagne", "Portugal", "Autriche"])]
    widths = [150, 150, 150]
    intro = flow(["Le délai et les frais d'un virement dépendent du pays du compte bancaire du marchand."] * 30,
                 MARGIN, TOP, WIDTH - 2 * MARGIN)
    first = intro + table([header, *rows[:4]], below(intro), widths)
    after = flow(["Les frais sont prélevés sur le virement lui-même."], MARGIN, 200, WIDTH - 2 * MARGIN)

    def opens(second):
        doc = parse_pdf(make_pdf(tmp_path / "virements.pdf", [first, second + after]).read_bytes())
        return [(line.text.split(" | ")[0], line.opens_table) for line in _lines(doc) if line.item]

    assert opens(table(rows[4:], TOP, widths)) == \
        [("Pays", True)] + [(row[0], False) for row in rows]
    assert opens(table([header, *rows[4:]], TOP, widths)) == \
        [("Pays", True)] + [(row[0], False) for row in rows[:4]] + [("Pays", True)] + \
        [(row[0], False) for row in rows[4:]]
    other = [["Pays", "Frais"], *[[row[0], row[2]] for row in rows[4:]]]
    assert opens(table(other[1:], TOP, [150, 150]))[5] == ("Allemagne", True)
