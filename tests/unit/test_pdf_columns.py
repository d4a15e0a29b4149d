"""Two-column PDF pages written column by column, as LaTeX, Word and most generators write them, read in reading order:
the stream's order, which pypdf follows. (A text layer written row by row across the columns comes out with its rows
glued: docs/CORPUS_AND_INDEX.md.)"""

from __future__ import annotations

from pypdf import PdfReader

from rag.corpus.formats.pdf import parse_pdf
from tests.helpers.pdfs import HEIGHT, MARGIN, WIDTH, below, flow, make_pdf, two_columns

# a merchants' newsletter: the left column's last sentence runs on at the right column's head
NEWS = [
    "Depuis le premier mars, les marchands reçoivent leurs fonds chaque mardi par virement SEPA, sans frais, sur le "
    "compte bancaire déclaré dans leur espace.",
    "Un relevé détaillé des commissions prélevées sur chaque vente est envoyé par courriel le même jour, avec le "
    "numéro de chaque commande, la date de son expédition et le montant net versé au marchand.",
    "Les retours des clients sont enregistrés dans l'espace du marchand, qui dispose de quatorze jours pour accepter "
    "ou refuser chacun d'eux en indiquant la raison de son choix.",
    "En cas de litige, le service des marchands répond sous deux jours ouvrés à toute demande envoyée par le "
    "formulaire de contact de l'espace.",
]
TOP = HEIGHT - 2 * MARGIN


def _lines(placed) -> list[str]:
    return [text for _, _, text, _ in placed]


def _pdf(tmp_path, page, name="lettre.pdf") -> bytes:
    return make_pdf(tmp_path / name, [page]).read_bytes()


def test_columns_written_one_after_the_other_read_as_pypdf_reads_them(tmp_path):
    """LaTeX, Word and most generators write the left column, then the right one: pypdf reads them in order, and
    its text stands as it is."""
    columns = two_columns(NEWS, TOP)
    data = _pdf(tmp_path, columns)
    plain = PdfReader(tmp_path / "lettre.pdf").pages[0].extract_text()
    assert plain.splitlines() == _lines(columns)
    assert parse_pdf(data).text == plain


def test_full_width_title_and_footer_stay_in_place_around_the_columns(tmp_path):
    """A newsletter's title and introduction across the page, its two columns, a footer across the page, in the
    stream's order: read in that order."""
    title = flow(["La lettre du marchand"], MARGIN, TOP, WIDTH - 2 * MARGIN, 16)
    intro = flow(["Ce numéro présente les nouvelles règles de paiement des ventes et de traitement des retours, en "
                  "vigueur depuis le premier mars pour tous les marchands inscrits."],
                 MARGIN, below(title), WIDTH - 2 * MARGIN)
    columns = two_columns(NEWS, below(intro))
    footer = flow(["Service des marchands : 01 23 45 67 89, du lundi au vendredi de neuf heures à dix-huit heures, "
                   "ou par le formulaire de contact."], MARGIN, below(columns), WIDTH - 2 * MARGIN, 9)
    page = title + intro + columns + footer
    assert parse_pdf(_pdf(tmp_path, page)).text.splitlines() == _lines(page)


def test_headings_inside_columns_head_their_sections(tmp_path):
    """Headings in both columns, written column by column: each heads its text."""
    headed = ["Virements", NEWS[0], NEWS[1], "Retours des clients", NEWS[2], "Litiges", NEWS[3]]
    columns = two_columns(headed, TOP)
    doc = parse_pdf(_pdf(tmp_path, columns))
    assert doc.text.splitlines() == _lines(columns)
    assert [section.heading for section in doc.sections] == ["Virements", "Retours des clients", "Litiges"]
    assert doc.sections[2].lines[0].text.startswith("En cas de litige")
