"""An accordion's toggle mark ("–", "+", "▾", "›" ...) printed before or after each question of an opened FAQ is no
word of its heading, in a PDF a browser printed and in the HTML page itself; a list item's dash stays, as does a mark
on one heading alone."""

from __future__ import annotations

from pathlib import Path

from rag.corpus.formats.base import Section, heading_path, unmarked
from rag.corpus.formats.html import parse_html
from rag.corpus.reader import read_document
from tests.helpers.pdfs import make_pdf

FAQ = """@browser chrome
@pdftitle Carte bloquée – Banque Aurore
@url https://www.banque-aurore.fr/aide/carte-bloquee
@date 07/12/2026 10:47
@title Carte bloquée
Votre carte peut être bloquée après trois codes faux, un paiement refusé à l'étranger ou une alerte de fraude : \
voici que faire dans chaque cas, et comment la débloquer depuis l'application ou en agence.
# – Offre réservée aux moins de 25 ans
La cotisation de la carte est réduite pour les moins de 25 ans, sur présentation d'une pièce d'identité en agence.
# Questions fréquentes
### – Que faire si ma carte est bloquée ?
Débloquez-la dans l'application, rubrique « Cartes ». Si elle reste bloquée :
- – appelez le 09 69 32 15 00 ;
- – ou passez en agence avec une pièce d'identité.
### – Mon code est-il changé ?
Non, votre code confidentiel reste le même après le déblocage de la carte, qui fonctionne de nouveau aussitôt.
### – Combien de temps dure le blocage ?
Le blocage dure jusqu'à ce que vous débloquiez la carte, ou 24 heures après trois codes faux au distributeur.
"""


def test_a_printed_faq_s_questions_lose_their_accordion_s_mark(tmp_path: Path) -> None:
    """The questions of an opened FAQ printed behind their accordion's "–" were headed so ("Questions fréquentes ›
    – Que faire si ma carte est bloquée ?"), in the section's label and the citations; the list's dashes and a
    heading of its own that opens on a dash ("– Offre réservée aux moins de 25 ans") keep theirs."""
    from tests.data.audit60.make_pdf import build

    source = tmp_path / "faq.txt"
    source.write_text(FAQ, encoding="utf-8")
    pages, title = build(source)
    doc = read_document(tmp_path, make_pdf(tmp_path / "faq.pdf", pages, title=title))
    paths = [heading_path(section, doc.title) for section in doc.sections]
    assert "Questions fréquentes › Que faire si ma carte est bloquée ?" in paths, paths
    assert "Questions fréquentes › Mon code est-il changé ?" in paths
    assert "– Offre réservée aux moins de 25 ans" in paths
    kept = [line.text for section in doc.sections for line in section.lines]
    assert any(line.startswith("– appelez le") or line.startswith("• – appelez") for line in kept), kept


def test_an_html_accordion_s_mark_in_its_button_or_summary_is_left_out_of_its_heading() -> None:
    """A `<summary>` or a `<button aria-expanded>` whose text holds the accordion's mark ("+", "▾") headed its answer
    with it."""
    html = """<html><body><main><h1>Carte bloquée</h1><p>Que faire quand votre carte est bloquée.</p>
    <h2>Questions fréquentes</h2>
    <details><summary><span>+</span> Que faire si ma carte est bloquée ?</summary><p>Débloquez-la.</p></details>
    <details><summary><span>+</span> Mon code est-il changé ?</summary><p>Non, il reste le même.</p></details>
    <button aria-expanded="true" aria-controls="a3">Le blocage dure-t-il ? <i>▾</i></button><div id="a3">
    <p>Jusqu'au déblocage.</p></div>
    <button aria-expanded="true" aria-controls="a4">Et à l'étranger ? <i>▾</i></button><div id="a4">
    <p>Appelez le centre d'opposition.</p></div>
    <h2>+ de services</h2><p>Assurances, plafonds et options de la carte.</p></main></body></html>"""
    headings = [section.heading for section in parse_html(html).sections]
    assert "Que faire si ma carte est bloquée ?" in headings and "Mon code est-il changé ?" in headings, headings
    assert "Le blocage dure-t-il ?" in headings and "Et à l'étranger ?" in headings, headings
    assert "+ de services" in headings


def test_a_mark_is_left_out_only_where_it_opens_or_closes_two_sibling_headings() -> None:
    """Siblings (an accordion's items) carrying the same mark at the same end lose it, in their children's parents
    too; a mark on a heading of its own, a heading that is a mark alone, and headings under other parents stay."""
    sections = [Section("› Cartes", parents=("Aide",)), Section("› Comptes", parents=("Aide",)),
                Section("Plafond", parents=("Aide", "› Cartes")), Section("–", parents=("Aide",)),
                Section("– 20 % sur la cotisation", parents=("Offres",)), Section("Autre –", parents=("Offres",))]
    assert [(s.heading, s.parents) for s in unmarked(sections)] == [
        ("Cartes", ("Aide",)), ("Comptes", ("Aide",)), ("Plafond", ("Aide", "Cartes")), ("–", ("Aide",)),
        ("– 20 % sur la cotisation", ("Offres",)), ("Autre –", ("Offres",))]
