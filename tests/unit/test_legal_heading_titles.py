"""What follows an article's or a division's number (`rag.corpus.formats.articles`): a title, even with a point after
it as Spain's BOE puts it, the article's text on its line (a decree's "Art. 2. - Le présent décret ..."), which only
an article has, or a title wrapped onto the next line."""

from __future__ import annotations

import pytest

from rag.corpus.formats.legal import legal_heading
from rag.corpus.formats.text import parse_text


def _read(text: str) -> list[tuple[str | None, list[str]]]:
    return [(s.heading, [line.text for line in s.lines]) for s in parse_text(text).sections]


def test_a_division_followed_by_a_sentence_is_text():
    """Only an article opens with its text on its line: a "Section", a "Capítulo", a "Teil" or a "Chapitre" followed
    by a sentence is prose (a novel's, a meeting's minutes), not a heading over the articles after it."""
    assert _read("Contrat\n\nArticle 2 – Réunions\n\nSection 4 - Les parties conviennent de se réunir chaque mois.\n\n"
                 "Article 3 – Prix\n\nLe prix est fixé chaque année.\n")[-2:] == [
        ("Article 2 – Réunions", ["Section 4 - Les parties conviennent de se réunir chaque mois."]),
        ("Article 3 – Prix", ["Le prix est fixé chaque année."])]
    for line in ("Capítulo 4 - El héroe vuelve a casa tras la guerra.", "Teil 2 – Die Kosten sind gestiegen, wie "
                 "erwartet.", "Chapitre 1 - Nous avons relu le manuscrit ensemble."):
        text = f"Notes\n\n{line}\n\n{line.replace('4', '5').replace('2', '3').replace('1', '2')}\n\nFin.\n"
        assert all(heading is None for heading, _ in _read(text)), line


@pytest.mark.parametrize(("text", "headings"), [
    ("Ley\n\nArtículo 1. Objeto y ámbito de aplicación.\n\nLa presente ley regula los contratos.\n\n"
     "Artículo 2. Definiciones.\n\nA efectos de esta ley se entiende por contrato el acuerdo.\n",
     ["Artículo 1. Objeto y ámbito de aplicación.", "Artículo 2. Definiciones."]),  # Spain's BOE
    ("CGV\n\nARTICLE 1 - OBJET.\n\nLe contrat a pour objet la vente.\n\nARTICLE 2 - LE PRIX.\n\nLe prix est fixe.\n",
     ["ARTICLE 1 - OBJET.", "ARTICLE 2 - LE PRIX."]),  # in capitals, a title
    ("License\n\nSection 1 -- Definitions.\n\na. Adapted Material means material.\n\nSection 2 -- Scope.\n\n"
     "a. License grant.\n", ["Section 1 -- Definitions.", "Section 2 -- Scope."]),  # Creative Commons' "--"
])
def test_a_title_with_a_point_after_it_is_the_title(text, headings):
    assert [heading for heading, _ in _read(text)[-2:]] == headings


def test_a_sentence_after_the_number_is_the_articles_text():
    """A sentence with a point, opening on an article or a pronoun, or two sentences, are the article's text; one
    opening in lower case after the separator is no article's text nor title: the line is text."""
    assert _read("Décret\n\nArt. 1er. - Le présent décret fixe les règles.\n\nArt. 2. - Il entre en vigueur demain."
                 "\n\nArt. 3. - le ministre est chargé de son exécution.\n\nArt. 4. - Abrogation. Le décret n° 12 "
                 "est abrogé.\n") == [
        ("Art. 1er", ["Le présent décret fixe les règles."]),
        ("Art. 2", ["Il entre en vigueur demain.", "Art. 3. - le ministre est chargé de son exécution."]),
        ("Art. 4", ["Abrogation. Le décret n° 12 est abrogé."])]


@pytest.mark.parametrize("line", ["Article 2 - - Prix", "Article 4 : 25 €", "Section 1 -- - Definitions."])
def test_a_title_opens_on_a_letter(line):
    assert legal_heading(line) is None


def test_a_title_wrapped_onto_a_line_in_lower_case_is_the_heading():
    """A title too long for its line goes on in lower case on the next, which ends it: both are the heading; a
    sentence wrapped so ("Le locataire ..." over "... chaque mois.") is the article's text."""
    assert _read("CGV\n\nArticle 1 – Objet\n\nLe contrat porte sur la vente.\n\nArticle 2 – Conditions générales de "
                 "vente applicables et\nmodalités de paiement du prix\n\nLe prix est payable à la commande.\n\n"
                 "Article 3 – Le locataire paie le loyer\nchaque mois.\n")[-3:] == [
        ("Article 1 – Objet", ["Le contrat porte sur la vente."]),
        ("Article 2 – Conditions générales de vente applicables et modalités de paiement du prix",
         ["Le prix est payable à la commande."]),
        ("Article 3", ["Le locataire paie le loyer", "chaque mois."])]


@pytest.mark.parametrize(("line", "heading"), [
    ("§ 3 PREISE", True), ("§ 4 HAFTUNG", True), ("§ 5 VERTRAG", True), ("§ 2 ZIEL", True),  # titles in capitals
    ("§ 312g BGB", False), ("§ 5 UStG gilt entsprechend.", False), ("§ 14 StGB", False), ("§ 1 GmbHG", False),
    ("§ 3 DSGVO", False), ("§ 4 BDSG", False), ("§ 8 VwVfG", False),  # a law's paragraph cited
])
def test_a_title_in_capitals_is_no_law_cited(line, heading):
    assert (legal_heading(line) is not None) == heading


def test_german_terms_titled_in_capitals_head_their_paragraphs():
    text = ("AGB der Muster GmbH\n\n§ 1 ALLGEMEINES\nDiese AGB gelten für alle Verträge.\n§ 2 ANGEBOT UND "
            "VERTRAGSSCHLUSS\nDer Vertrag kommt mit der Bestätigung zustande.\n§ 3 PREISE\nAlle Preise inkl. MwSt.\n"
            "§ 4 HAFTUNG\nWir haften nur bei Vorsatz.\n")
    assert [heading for heading, _ in _read(text)] == [
        "§ 1 ALLGEMEINES", "§ 2 ANGEBOT UND VERTRAGSSCHLUSS", "§ 3 PREISE", "§ 4 HAFTUNG"]


@pytest.mark.parametrize(("contents", "article"), [("Sommaire", "Article {} – {}"), ("Inhaltsverzeichnis", "§ {} {}")])
def test_the_first_article_after_a_table_of_contents_heads_its_text(contents, article):
    """A table of contents a blank line alone parts from the articles: its run of headings ends where one comes
    again, and the first article heads its text (before, it was read as the contents' last line)."""
    titles = ("Objet", "Durée", "Prix")
    text = "\n".join([contents, "", *(article.format(n, t) for n, t in enumerate(titles, 1)), ""]) + "".join(
        f"\n{article.format(n, t)}\n\nLe contrat règle le point {n}.\n" for n, t in enumerate(titles, 1))
    assert _read(text) == [(None, [contents, *(article.format(n, t) for n, t in enumerate(titles, 1))]),
                           *((article.format(n, t), [f"Le contrat règle le point {n}."])
                             for n, t in enumerate(titles, 1))]


@pytest.mark.parametrize(("text", "parents"), [
    ("Ley de ejemplo\n\nLIBRO I\n\nTÍTULO I\n\nArtículo 1. Objeto\n\nLa presente ley regula los contratos que se "
     "celebran en el territorio.\n\nArtículo 2. Ámbito\n\nSe aplica a todos los contratos de la ley.\n",
     ("LIBRO I", "TÍTULO I")),  # Spanish: Libro > Título
    ("Codice di esempio\n\nPARTE I\n\nLIBRO I\n\nTITOLO I\n\nArticolo 1 – Oggetto\n\nIl presente codice disciplina i "
     "contratti che sono conclusi nel territorio.\n\nArticolo 2 – Ambito\n\nSi applica a tutti i contratti della "
     "legge.\n", ("PARTE I", "LIBRO I", "TITOLO I")),  # Italian: Parte > Libro > Titolo
])
def test_a_division_two_languages_share_stands_at_its_languages_level(text, parents):
    """"Libro" is above "Título" in Spain's codes, under "Parte" in Italy's: each language's order, not the last
    table's that names the word."""
    assert [s.parents[1:] for s in parse_text(text).sections] == [parents, parents]


@pytest.mark.parametrize(("text", "headings"), [
    ("Legge regionale\n\nArt. 1\n(Finalità)\nLa presente legge disciplina la tutela del paesaggio.\n\n"
     "Art. 2\n(Definizioni)\nAi fini della presente legge si intende per paesaggio il territorio.\n",
     [("Art. 1 (Finalità)", ["La presente legge disciplina la tutela del paesaggio."]),
      ("Art. 2 (Definizioni)", ["Ai fini della presente legge si intende per paesaggio il territorio."])]),
    ("Décret\n\nArticle 1er\n(Objet)\nLe présent décret fixe les règles du service de l'eau.\n\n"
     "Article 2\n(Champ d'application)\nIl s'applique à toutes les communes du département.\n",
     [("Article 1er (Objet)", ["Le présent décret fixe les règles du service de l'eau."]),
      ("Article 2 (Champ d'application)", ["Il s'applique à toutes les communes du département."])]),
    ("Satzung\n\n§ 1\n(Zweck)\nDie Bibliothek dient der Bildung der Bevölkerung.\n\n"
     "§ 2\nBenutzung\nJede Person mit gültigem Ausweis darf die Bibliothek benutzen.\n",
     [("§ 1 (Zweck)", ["Die Bibliothek dient der Bildung der Bevölkerung."]),
      ("§ 2 – Benutzung", ["Jede Person mit gültigem Ausweis darf die Bibliothek benutzen."])]),
    # the bracketed title on the article's line: after the number, or after a separator
    ("Legge\n\nArt. 1 (Finalità)\nLa presente legge disciplina la tutela del paesaggio.\n\n"
     "Art. 2. (Definizioni)\nAi fini della presente legge si intende per paesaggio il territorio.\n",
     [("Art. 1 (Finalità)", ["La presente legge disciplina la tutela del paesaggio."]),
      ("Art. 2. (Definizioni)", ["Ai fini della presente legge si intende per paesaggio il territorio."])]),
], ids=["italian", "french", "german", "on-its-line"])
def test_an_articles_title_in_brackets_is_its_title(text, headings):
    """Italian laws (and some French and German texts) set an article's title in brackets, on the line under its
    number ("Art. 1" over "(Finalità)") or after it: the passage is headed by both, the title no line of its text."""
    assert _read(text)[-2:] == headings


@pytest.mark.parametrize("text", [
    "Art. 3\n(abrogato)\nIl comma 2 è soppresso.\n",  # a note in lower case, no title
    "Art. 3\n(Vedi anche l'articolo 5.)\nIl comma 2 è soppresso.\n",  # a sentence in brackets
])
def test_a_bracketed_line_that_is_no_title_stays_text(text):
    sections = _read(f"Legge\n\nArt. 1 – Oggetto\nLa legge disciplina il paesaggio.\n\n{text}")
    assert sections[-1][0] == "Art. 3" and sections[-1][1][0] == text.split("\n")[1]
