"""A PDF without an outline whose headings are set in bold and larger sizes (`rag.corpus.formats.pdf_fonts`), and its
running footers that hold a page number within their text."""

from __future__ import annotations

import time
from pathlib import Path

from pypdf.generic import DictionaryObject, NameObject, NumberObject

from rag.corpus.formats.base import heading_path
from rag.corpus.formats.blocks import Font
from rag.corpus.formats.pdf import _AMOUNT, parse_pdf
from rag.corpus.formats.pdf_fonts import Visitor
from tests.helpers.pdfs import HEIGHT, MARGIN, Placed, make_pdf, wrap

BODY = ("Le montant remboursé ne peut pas dépasser celui de la transaction d'origine, et le remboursement doit "
        "être effectué dans un délai de 180 jours après l'achat. Le client voit le crédit sous cinq jours.")


class _Page:
    """Lines placed from the top of a page down: headings in bold at their size, paragraphs wrapped in 10 pt."""

    def __init__(self) -> None:
        self.placed: list[Placed] = []
        self.y = HEIGHT - 80.0

    def line(self, text: str, size: float = 10, bold: bool = False) -> _Page:
        self.placed.append((MARGIN, self.y, text, size, bold))
        self.y -= size * 1.3
        return self

    def text(self, paragraph: str = BODY, size: float = 10) -> _Page:
        for line in wrap(paragraph, 480, size):
            self.line(line, size)
        return self


def _guide(tmp_path: Path) -> Path:
    first = (_Page().line("Terminal de paiement T200", 18, True).line("Guide du commerçant, édition 2025", 9).text()
             .line("1. Encaisser un paiement", 14, True).line("1.1 Paiement par carte", 11.5, True).text()
             .line("1.2 Rembourser un client", 11.5, True).text())
    second = (_Page().line("2. Tarifs", 14, True).text("Les commissions sont prélevées sur chaque transaction :")
              .line("Offre Abonnement Commission", 9, True).line("Essentiel 14,90 € 1,75 %", 9)
              .line("Pro 24,90 € 1,20 %", 9).text()
              .line("Qui peut souscrire ?", 10, True).text())
    return make_pdf(tmp_path / "guide.pdf", [first.placed, second.placed])


def test_lines_in_bold_head_sections_by_their_size_without_an_outline(tmp_path: Path) -> None:
    parsed = parse_pdf(_guide(tmp_path).read_bytes())
    paths = [heading_path(section, parsed.title or "") for section in parsed.sections]
    # numbered headings read ("1.1 ..." is no plain title line), their levels by size; the title larger than all
    assert parsed.title == "Terminal de paiement T200"
    assert paths == ["Terminal de paiement T200", "1. Encaisser un paiement › 1.1 Paiement par carte",
                     "1. Encaisser un paiement › 1.2 Rembourser un client", "2. Tarifs",
                     "2. Tarifs › Qui peut souscrire ?"]
    # a table's header row in bold, smaller than the body's text, heads nothing: it stays the table's first row
    tariffs = [line.text for line in parsed.sections[3].lines]
    assert tariffs[1:4] == ["Offre Abonnement Commission", "Essentiel 14,90 € 1,75 %", "Pro 24,90 € 1,20 %"]
    # every line of the text is in some section or is a heading (one over headings alone stands in their path)
    kept = {line.text for section in parsed.sections for line in section.lines} | \
        {heading for section in parsed.sections for heading in (*section.parents, section.heading)}
    assert all(line.strip() in kept for line in parsed.text.replace("\f", "\n").splitlines() if line.strip())


def test_a_bold_line_that_heads_no_text_set_apart_from_it_is_text(tmp_path: Path) -> None:
    # an address all in bold (each line followed by a bold line as large), a bold sentence, a bold warning: no
    # heading; the title over body text stays one, the only one
    page = (_Page().line("Conditions de vente", 16, True).text()
            .line("ACME SAS", 10, True).line("12 rue des Forges", 10, True).line("69007 Lyon", 10, True)
            .line("Le paiement est dû à la commande.", 10, True).text()
            .line("Attention :", 10, True).text())
    parsed = parse_pdf(make_pdf(tmp_path / "cgv.pdf", [page.placed]).read_bytes())
    assert [section.heading for section in parsed.sections] == ["Conditions de vente"]
    assert {"ACME SAS", "12 rue des Forges", "69007 Lyon", "Le paiement est dû à la commande.", "Attention :"} <= \
        {line.text for line in parsed.sections[0].lines}


def test_a_line_larger_than_the_body_text_heads_as_a_bold_one_does(tmp_path: Path) -> None:
    page = (_Page().line("Guide de l'abonné", 22).text().line("Activer votre ligne", 15).text()
            .line("Résilier", 15).text())
    parsed = parse_pdf(make_pdf(tmp_path / "abonne.pdf", [page.placed]).read_bytes())
    assert parsed.title == "Guide de l'abonné"
    assert [section.heading for section in parsed.sections] == ["Guide de l'abonné", "Activer votre ligne",
                                                                "Résilier"]


def test_word_s_own_heading_sizes_head_sections_and_a_larger_bullet_does_not(tmp_path: Path) -> None:
    # Word's Heading 1 to 3 in 16, 13 and 12 pt, not bold, over a body in 11 pt; a bullet drawn in 14 pt before an
    # item in 11 pt, the last item over body text: it stays an item
    page = (_Page().line("Guide de l'abonné", 16).text(size=11).line("Activer la ligne", 13).text(size=11)
            .line("La carte SIM", 12).text(size=11))
    page.placed += [(MARGIN, page.y, "•", 14.0), (MARGIN + 14, page.y, "la carte triple découpe", 11.0)]
    page.y -= 15
    page.text(size=11)
    parsed = parse_pdf(make_pdf(tmp_path / "word.pdf", [page.placed]).read_bytes())
    assert [heading_path(section, "") for section in parsed.sections] == [
        "Guide de l'abonné", "Activer la ligne", "Activer la ligne › La carte SIM"]
    assert "• la carte triple découpe" in [line.text for line in parsed.sections[-1].lines]


def test_a_heading_wrapped_over_two_lines_is_one(tmp_path: Path) -> None:
    page = (_Page().line("3. Rembourser un client qui a payé avec une carte", 14, True)
            .line("bancaire étrangère", 14, True).text().line("4. Tarifs", 14, True).text())
    parsed = parse_pdf(make_pdf(tmp_path / "wrapped.pdf", [page.placed]).read_bytes())
    assert [section.heading for section in parsed.sections] == [
        "3. Rembourser un client qui a payé avec une carte bancaire étrangère", "4. Tarifs"]
    assert parsed.sections[0].lines[0].text.startswith("Le montant remboursé")


def test_a_pdf_in_one_font_is_sectioned_by_its_title_lines_as_before(tmp_path: Path) -> None:
    # a single line in bold over its text is emphasis there: the plain title lines are the headings, as before
    page = (_Page().line("Retours des clients").text().line("Important", 10, True).text()
            .line("Virements aux marchands").text())
    parsed = parse_pdf(make_pdf(tmp_path / "one.pdf", [page.placed]).read_bytes())
    assert [section.heading for section in parsed.sections] == ["Retours des clients", "Important",
                                                                "Virements aux marchands"]


def test_bold_lines_at_the_body_s_size_alone_leave_a_pdf_s_plain_title_lines_its_headings(tmp_path: Path) -> None:
    # two defined terms in bold at the body's size in a PDF whose headings are plain title lines: they head nothing
    page = (_Page().line("ARTICLE 1 – OBJET").text().line("« Client »", 10, True).text().line("ARTICLE 2 – PRIX")
            .text().line("« Commande »", 10, True).text().line("ARTICLE 3 – LIVRAISON").text())
    parsed = parse_pdf(make_pdf(tmp_path / "terms.pdf", [page.placed]).read_bytes())
    assert [section.heading for section in parsed.sections] == ["ARTICLE 1 – OBJET", "ARTICLE 2 – PRIX",
                                                                "ARTICLE 3 – LIVRAISON"]


def test_a_bold_line_after_one_that_ends_a_sentence_is_no_wrapped_part_of_it(tmp_path: Path) -> None:
    # "iPhone" opens in lower case in the font of the line before, but that one ends its sentence: two lines, not one
    # heading wrapped ("Quels téléphones ?", over a heading as large, heads nothing)
    page = (_Page().line("Quels téléphones ?", 12, True).line("iPhone", 12, True).text()
            .line("Android", 12, True).text())
    parsed = parse_pdf(make_pdf(tmp_path / "phones.pdf", [page.placed]).read_bytes())
    assert [section.heading for section in parsed.sections] == [None, "iPhone", "Android"]


def test_a_bold_line_within_a_paragraph_heads_nothing(tmp_path: Path) -> None:
    page = (_Page().line("Nouveautés", 12, True).line("Depuis mars, le remboursement partiel est disponible et")
            .line("les remboursements de plus de 500 euros", 10, True)
            .line("demandent une validation par un second utilisateur.").line("Tarifs", 12, True).text())
    parsed = parse_pdf(make_pdf(tmp_path / "inside.pdf", [page.placed]).read_bytes())
    assert [section.heading for section in parsed.sections] == ["Nouveautés", "Tarifs"]
    assert "les remboursements de plus de 500 euros" in [line.text for line in parsed.sections[0].lines]


def test_a_table_s_header_and_total_rows_in_bold_at_the_body_s_size_head_nothing(tmp_path: Path) -> None:
    page = (_Page().line("1. Encaisser", 14, True).text().line("2. Tarifs", 14, True)
            .line("Les commissions selon l'offre :").line("Offre Abonnement Commission", 10, True)
            .line("Essentiel 14,90 € 1,75 %").line("Total 39,80 €", 10, True).text())
    parsed = parse_pdf(make_pdf(tmp_path / "table.pdf", [page.placed]).read_bytes())
    assert [section.heading for section in parsed.sections] == ["1. Encaisser", "2. Tarifs"]
    assert [line.text for line in parsed.sections[1].lines][1:4] == [
        "Offre Abonnement Commission", "Essentiel 14,90 € 1,75 %", "Total 39,80 €"]
    # the amounts are read in linear time: a line of 100,000 characters in milliseconds
    started = time.thread_time()
    for line in ("1 " * 50_000, "1\u202f" * 50_000, "1," * 50_000):
        _AMOUNT.search(line)
    assert time.thread_time() - started < 0.5


def test_footers_with_a_page_number_within_their_text_are_left_out(tmp_path: Path) -> None:
    pages = []
    for n in range(1, 4):
        page = _Page().line("Guide du commerçant – Terminal T200").line(f"{n}. Partie {n}", 14, True).text()
        page.line(f"Voir la page {n} du guide pour les tarifs.")
        page.placed += [(MARGIN, 40, f"PayNova SAS – Document non contractuel Page {n}/3", 8),
                        (MARGIN, 30, f"— {n} —", 8), (MARGIN, 20, "Édition 03/2025", 8)]
        pages.append(page.placed)
    parsed = parse_pdf(make_pdf(tmp_path / "footers.pdf", pages).read_bytes())
    kept = [line.text for section in parsed.sections for line in section.lines]
    assert not any("PayNova SAS" in line or line.startswith(("—", "Édition", "Guide du")) for line in kept)
    # a number within a sentence, at no end of its line, is no page number, even where it counts as the pages do
    assert [line for line in kept if line.startswith("Voir")] == [f"Voir la page {n} du guide pour les tarifs."
                                                                 for n in range(1, 4)]
    assert [section.heading for section in parsed.sections] == ["1. Partie 1", "2. Partie 2", "3. Partie 3"]


def test_the_visitor_reads_bold_by_name_weight_or_flags_and_the_size_as_drawn() -> None:
    def font(name: str, **descriptor: int) -> DictionaryObject:
        described = DictionaryObject({NameObject(f"/{k}"): NumberObject(v) for k, v in descriptor.items()})
        return DictionaryObject({NameObject("/BaseFont"): NameObject(name), NameObject("/FontDescriptor"): described})

    visitor, unit = Visitor(), [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    visitor("Titre", unit, [14.0, 0.0, 0.0, 14.0, 56.0, 700.0], font("/ABCDEF+Calibri-Bold"), 1.0)
    visitor("\n", unit, unit, font("/Arial"), 10.0)
    visitor("Texte", [2.0, 0.0, 0.0, 2.0, 0.0, 0.0], unit, font("/Arial"), 5.0)
    visitor(" gras", unit, unit, font("/F1", FontWeight=700), 10.0)
    visitor(" aussi", unit, unit, font("/F2", Flags=1 << 18), 10.0)
    assert visitor.fonts == [Font(True, 14.0), None, Font(False, 10.0), Font(True, 10.0), Font(True, 10.0)]
    names = ["/CMBX12", "/ABCDEF+SFBX1000", "/HelveticaNeueLTStd-Bd", "/AvantGarde-Demi", "/CMR10", "/Gotham-Medium",
             "/ABCDEF+Bdfont", "/Academia"]
    assert [Visitor()._font(font(name), 10.0, unit, unit) == Font(True, 10.0) for name in names] == \
        [True, True, True, True, False, False, False, False]
    runs = visitor.runs("Titre\nTexte gras aussi")
    assert runs.ends == [5, 6, 11, 16, 22]
    # pieces that do not make up the page's text: its fonts are not known
    assert visitor.runs("Titre\nTexte gras").ends == []
    # matrices that are none, a font that is no font, one that breaks when read: that piece's font is not known (or
    # not bold), and the page is still read
    class Broken(DictionaryObject):
        def get(self, *_: object) -> None:
            raise RuntimeError("a damaged font")

    visitor("x", unit, None, font("/F3"), 10.0)
    visitor("y", unit, unit, ["/Helvetica"], "10")
    visitor("z", unit, unit, Broken(), 10.0)
    assert visitor.fonts[-3:] == [None, Font(False, 10.0), None] and visitor.pieces[-3:] == ["x", "y", "z"]


def test_reading_fonts_keeps_a_long_pdf_fast(tmp_path: Path) -> None:
    pages = [(_Page().line(f"{n}. Chapitre {n}", 14, True).text(BODY * 3).line(f"{n}.1 Section", 11.5, True)
              .text(BODY * 3)).placed for n in range(1, 101)]
    data = make_pdf(tmp_path / "long.pdf", pages).read_bytes()
    started = time.thread_time()
    parsed = parse_pdf(data)
    assert time.thread_time() - started < 20
    assert len(parsed.sections) == 200 and parsed.sections[-1].parents == ("100. Chapitre 100",)
