"""Articles and divisions of legal texts, contracts and terms of sale in plain text (`rag.corpus.formats.legal`):
audit 42's CGV had "ARTICLE 3" as the last line of Article 2, and Articles 4, 6, 7 and 9 to 13 under the last
sub-clause open ("Droit de rétractation › ARTICLE 4")."""

from __future__ import annotations

import re
import signal
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from rag.corpus.formats import line_shapes
from rag.corpus.formats.base import lines_with_offsets
from rag.corpus.formats.legal import legal_heading
from rag.corpus.formats.text import parse_text
from rag.corpus.reader import read_document
from tests.helpers.paths import ROOT


def _headings(tmp_path, text: str) -> list[tuple[str | None, list[str]]]:
    (tmp_path / "cgv.txt").write_text(text, encoding="utf-8")
    document = read_document(tmp_path, tmp_path / "cgv.txt")
    return [(s.heading, [line.text for line in s.lines]) for s in document.sections]


@pytest.mark.parametrize(("line", "level", "title"), [
    ("Article 1 – Objet", 1, "Objet"),  # en dash
    ("ARTICLE 3 : SOUSCRIPTION DE L'ABONNEMENT", 1, "SOUSCRIPTION DE L'ABONNEMENT"),  # colon, capitals
    ("Article 5 - Équipements", 1, "Équipements"),  # hyphen
    ("Article 6. Prix et paiement", 1, "Prix et paiement"),  # point
    ("Art. 7 –", 1, None),  # its title on the next line
    ("Article 1er – Objet", 1, "Objet"),
    ("ARTICLE PREMIER", 1, None),
    ("Article IV — Garanties", 1, "Garanties"),  # Roman, em dash
    ("Article 3 bis : Dépôt de garantie", 1, "Dépôt de garantie"),
    ("Article L. 221-18", 1, None),  # a code's article
    ("Article 4.1 - Raccordement", 2, "Raccordement"),  # numbered as a clause: under "Article 4"
    ("TITRE Ier : DISPOSITIONS GÉNÉRALES", -3, "DISPOSITIONS GÉNÉRALES"),
    ("Chapitre II", -2, None),
    ("Section 1 : Pratiques déloyales", -1, "Pratiques déloyales"),
    ("Partie 2 – Offres mobiles", -5, "Offres mobiles"),
    ("Article 3. – Prix", 1, "Prix"),  # a point before the dash
    ("Art. 1er. – Objet", 1, "Objet"),
    ("Article 10-1 – Résiliation anticipée", 1, "Résiliation anticipée"),  # inserted after Article 10
    ("Article n° 3 – Durée", 1, "Durée"),
    ("Article 1 er – Objet", 1, "Objet"),
    ("Art 5 –", 1, None),  # no point after "Art"
    ("Article liminaire", 1, None),
    ("Article LO. 132", 1, None),  # an organic law's article
    ("Article A. 121-1", 1, None),  # an order's (arrêté) article
    ("Article 4 − Prix", 1, "Prix"),  # the minus sign, U+2212
    ("Artikel 2 – Vertragsgegenstand", 1, "Vertragsgegenstand"),  # German, with a separator
    ("ARTÍCULO 1.- OBJETO", 1, "OBJETO"),  # Spanish
    ("§ 1 Geltungsbereich", 1, "Geltungsbereich"),  # German "§": a title without separator
    ("§ 312g Widerrufsrecht", 1, "Widerrufsrecht"),
    ("§ 4", 1, None),
    ("Teil 2 – Besondere Bestimmungen", -5, "Besondere Bestimmungen"),  # German divisions: Teil > Kapitel > ...
    ("Kapitel 3", -4, None),
    ("Abschnitt 2: Vertragsschluss", -3, "Vertragsschluss"),  # ... > Abschnitt > Unterabschnitt > Titel
    ("Titel 1 – Kaufvertrag", -1, "Kaufvertrag"),
    ("TÍTULO PRELIMINAR", -3, None),  # Spanish: Título > Capítulo > Sección
    ("Capítulo II. Disposiciones generales", -2, "Disposiciones generales"),
    ("Sección 1.ª Del objeto", -1, "Del objeto"),  # after an ordinal, a title without separator
    ("Artículo 1.º Objeto", 1, "Objeto"),
    ("Articolo 3 – Oggetto", 1, "Oggetto"),  # Italian: Titolo > Capo > Sezione
    ("Capo I", -1, None),
    ("Artigo 5.º – Preço", 1, "Preço"),  # Portuguese: Título > Capítulo > Secção
    ("Secção II", -1, None),
])
def test_the_shapes_of_an_article_or_division_heading(line, level, title):
    heading = legal_heading(line)
    assert heading is not None and (heading.level, heading.title) == (level, title)
    assert (heading.label == "Art. 7") == (line == "Art. 7 –")  # a separator ending the line is left out


@pytest.mark.parametrize("line", [
    "Article 3 du contrat précise que le loyer est payable d'avance.",  # prose: no separator after the number
    "article 3 : le Client s'engage à payer",  # in lower case, a sentence's piece
    "Articles 5 et 6 : abrogés",
    "Titre de séjour",
    "Section Intro – voir plus bas",
    "a) perte d'emploi à la suite d'un licenciement ;",
    "Art 5 et 6 du contrat",
    "Art déco – exposition",
    "§§ 3 bis 5 gelten entsprechend.",  # several paragraphs cited
    "§ 5 Abs. 2 gilt entsprechend",  # a paragraph's part cited, at the start of a line
    "§ 312g BGB",  # a law's paragraph cited
    "Titel der Veranstaltung – Sommerfest",
    "Capítulo de la novela – Resumen",
])
def test_prose_and_list_items_are_no_such_heading(line):
    assert legal_heading(line) is None


def test_german_terms_head_their_paragraphs_with_the_paragraph_sign():
    """"§ 1 Allgemeines", the German terms' (AGB) and laws' heading, has no separator: it heads its paragraph, the
    divisions above it stand above ("Teil 1 – ..." > "Abschnitt 1: ..."), and a "§" cited, inside a sentence or
    at the start of a line a sentence wraps to ("§ 5 Abs. 2 entsprechend."), stays text."""
    text = ("Allgemeine Geschäftsbedingungen der Muster GmbH\n\nTeil 1 – Allgemeines\n\nAbschnitt 1: Geltung\n\n"
            "§ 1 Geltungsbereich\n\n(1) Diese AGB gelten für alle Verträge.\n(2) Abweichende Bedingungen gelten "
            "nicht.\n\n§ 2 Vertragsschluss\n\nDer Vertrag kommt mit der Bestätigung zustande. Im Übrigen gilt\n"
            "§ 5 Abs. 2 entsprechend.\n\nAbschnitt 2: Preise\n\n§ 3 Zahlung\n\nDie Preise verstehen sich gemäß "
            "§ 5 Abs. 2 inklusive Umsatzsteuer.\n\n§ 5 Abs. 2 gilt entsprechend.\n")
    parsed = parse_text(text)
    assert parsed.title == "Allgemeine Geschäftsbedingungen der Muster GmbH"
    assert [(s.parents[1:], s.heading, [line.text for line in s.lines]) for s in parsed.sections] == [
        (("Teil 1 – Allgemeines", "Abschnitt 1: Geltung"), "§ 1 Geltungsbereich",
         ["(1) Diese AGB gelten für alle Verträge.", "(2) Abweichende Bedingungen gelten nicht."]),
        (("Teil 1 – Allgemeines", "Abschnitt 1: Geltung"), "§ 2 Vertragsschluss",
         ["Der Vertrag kommt mit der Bestätigung zustande. Im Übrigen gilt", "§ 5 Abs. 2 entsprechend."]),
        (("Teil 1 – Allgemeines", "Abschnitt 2: Preise"), "§ 3 Zahlung",
         ["Die Preise verstehen sich gemäß § 5 Abs. 2 inklusive Umsatzsteuer.", "§ 5 Abs. 2 gilt entsprechend."]),
    ]


def test_spanish_divisions_stand_above_their_articles():
    """Título > Capítulo > Sección > Artículo, as Spain's laws order them, a title under a division alone on its
    line too ("TÍTULO I" over "Disposiciones generales")."""
    text = ("Ley de ejemplo\n\nTÍTULO I\nDisposiciones generales\n\nCAPÍTULO I\n\nSección 1.ª Del objeto\n\n"
            "Artículo 1. Objeto\n\nLa presente ley regula los contratos.\n\nArtículo 2. Ámbito\n\nSe aplica en todo el "
            "territorio.\n\nCapítulo II. Garantías\n\nArtículo 3. Plazo\n\nEl plazo es de dos años.\n")
    titulo = "TÍTULO I – Disposiciones generales"
    assert [(s.parents[1:], s.heading) for s in parse_text(text).sections] == [
        ((titulo, "CAPÍTULO I", "Sección 1.ª Del objeto"), "Artículo 1. Objeto"),
        ((titulo, "CAPÍTULO I", "Sección 1.ª Del objeto"), "Artículo 2. Ámbito"),
        ((titulo, "Capítulo II. Garantías"), "Artículo 3. Plazo"),
    ]


def test_a_decrees_article_without_title_opens_with_its_text_on_its_line():
    """"Art. 2. - Le présent décret entre en vigueur ...": the number, then the article's text, no title. The
    article is opened, headed by its number, with its text; a titled one ("Art. 1er. – Objet") keeps its title, and a
    title that wraps on into a line in lower case is a sentence, text too. Before, such a line was text of the article
    before it."""
    text = ("Décret n° 2026-12 du 5 janvier 2026\n\nArt. 1er. – Objet\n\nLe présent décret fixe les règles de "
            "publication.\n\nArt. 2. - Le présent décret entre en vigueur le 1er mars 2026.\n\nArt. 3. - Le ministre "
            "de l'économie et le ministre\nde l'intérieur sont chargés de son exécution.\n")
    sections = parse_text(text).sections
    assert [(s.heading, [line.text for line in s.lines]) for s in sections] == [
        ("Art. 1er. – Objet", ["Le présent décret fixe les règles de publication."]),
        ("Art. 2", ["Le présent décret entre en vigueur le 1er mars 2026."]),
        ("Art. 3", ["Le ministre de l'économie et le ministre", "de l'intérieur sont chargés de son exécution."]),
    ]
    body = sections[1].lines[0]
    assert text[body.start:body.end] == body.text and text[sections[1].heading_start:body.start] == "Art. 2. - "


def test_articles_head_their_clauses_and_the_next_article_closes_them(tmp_path):
    """Each form of separator; an article's titled clauses "2.1" stand under it, the next article closes them; its
    clause paragraphs ("3.1. Le raccordement ...", "3.2. Portabilité du numéro. Le Client ...") stay its text, and so
    do a list "a) ..." and a sentence citing an article."""
    text = ("Conditions générales de vente\n\nArticle 1 – Objet\n\nLes présentes conditions définissent les services "
            "fournis au Client par l'opérateur.\n\nARTICLE 2 : SOUSCRIPTION\n\n2.1 Conditions de souscription\n\nToute "
            "personne majeure disposant d'un compte bancaire peut souscrire une offre.\n\n2.2 Pièces justificatives\n\n"
            "Le Client fournit une pièce d'identité et un justificatif de domicile.\n\nArticle 3 - Mise en service\n\n"
            "3.1. Le raccordement est effectué par un technicien au domicile du Client dans les quinze jours.\n\n"
            "3.2. Portabilité du numéro. Le Client communique son RIO lors de la souscription.\n\nArticle 2 du contrat "
            "précise que la souscription en boutique ne donne pas droit à la rétractation.\n\nArt. 4. Résiliation\n\n"
            "Le Client peut résilier pour l'un des motifs suivants :\na) perte d'emploi ;\nb) déménagement à "
            "l'étranger.\n")
    assert _headings(tmp_path, text) == [
        ("Article 1 – Objet", ["Les présentes conditions définissent les services fournis au Client par l'opérateur."]),
        ("ARTICLE 2 : SOUSCRIPTION › Conditions de souscription",
         ["Toute personne majeure disposant d'un compte bancaire peut souscrire une offre."]),
        ("ARTICLE 2 : SOUSCRIPTION › Pièces justificatives",
         ["Le Client fournit une pièce d'identité et un justificatif de domicile."]),
        ("Article 3 - Mise en service",
         ["3.1. Le raccordement est effectué par un technicien au domicile du Client dans les quinze jours.",
          "3.2. Portabilité du numéro. Le Client communique son RIO lors de la souscription.",
          "Article 2 du contrat précise que la souscription en boutique ne donne pas droit à la rétractation."]),
        ("Art. 4. Résiliation",
         ["Le Client peut résilier pour l'un des motifs suivants :", "a) perte d'emploi ;",
          "b) déménagement à l'étranger."]),
    ]


def test_an_article_alone_on_its_line_takes_the_short_title_under_it(tmp_path):
    """"ARTICLE 1ER" over "OBJET DU CONTRAT"; "Art. 2 –" over "Durée"; over an outline's clause or a sentence, the
    line alone; "Article 4 - Loyer :" a title still."""
    text = ("CONTRAT DE LOCATION\n\nARTICLE 1ER\nOBJET DU CONTRAT\nLe bailleur donne en location au locataire le "
            "logement décrit ci-après.\n\nArt. 2 –\nDurée\nLe contrat est conclu pour trois ans à compter de la remise "
            "des clés.\n\nArticle 3\n\n3.1 Montant du loyer\n\nLe loyer est de 800 euros par mois, charges "
            "comprises.\n\n3.2 Révision du loyer\n\nIl est révisé chaque année à la date anniversaire du contrat.\n\n"
            "Article 4 - Dépôt de garantie :\nIl est fixé à un mois de loyer hors charges.\n\nArticle 5\nLe "
            "locataire répond des dégradations survenues pendant la durée du contrat.\n")
    assert _headings(tmp_path, text) == [
        ("ARTICLE 1ER – OBJET DU CONTRAT", ["Le bailleur donne en location au locataire le logement décrit ci-après."]),
        ("Art. 2 – Durée", ["Le contrat est conclu pour trois ans à compter de la remise des clés."]),
        ("Article 3 › Montant du loyer", ["Le loyer est de 800 euros par mois, charges comprises."]),
        ("Article 3 › Révision du loyer", ["Il est révisé chaque année à la date anniversaire du contrat."]),
        ("Article 4 - Dépôt de garantie :", ["Il est fixé à un mois de loyer hors charges."]),
        ("Article 5", ["Le locataire répond des dégradations survenues pendant la durée du contrat."]),
    ]


def test_divisions_stand_above_articles_as_french_law_orders_them():
    """Titre > Chapitre > Section > Article, as Légifrance's codes: a new section closes the articles of the one
    before, a new chapter its sections; a wrapped sentence under an article alone is its text, not its title."""
    text = ("Code de la consommation\n\nTitre II : Pratiques commerciales\n\nChapitre Ier : Pratiques interdites\n\n"
            "Section 1 : Pratiques déloyales\n\nArticle L. 121-1\n\nLes pratiques commerciales déloyales sont "
            "interdites. Une pratique\nest déloyale quand elle altère le comportement du consommateur.\n\n"
            "Section 2 : Pratiques agressives\n\nArticle L. 121-6\n\nUne pratique est agressive lorsqu'elle contraint "
            "le consommateur.\n\nCHAPITRE II\nDISPOSITIONS PÉNALES\n\nArticle 5\n\nLes infractions sont punies d'une "
            "amende.\n")
    parsed = parse_text(text)
    assert parsed.title == "Code de la consommation"
    titre, chapitre = "Titre II : Pratiques commerciales", "Chapitre Ier : Pratiques interdites"
    assert [(s.parents[1:], s.heading, len(s.lines)) for s in parsed.sections] == [
        ((titre, chapitre, "Section 1 : Pratiques déloyales"), "Article L. 121-1", 2),
        ((titre, chapitre, "Section 2 : Pratiques agressives"), "Article L. 121-6", 1),
        ((titre, "CHAPITRE II – DISPOSITIONS PÉNALES"), "Article 5", 1),
    ]


@pytest.mark.parametrize(("text", "paths"), [
    ("MASTER SERVICES AGREEMENT\n\nARTICLE 1 - DEFINITIONS\n\nSection 1.1 - Agreement\n\nAgreement means this "
     "contract and its schedules.\n\nSection 1.2 - Services\n\nServices means the services of Schedule A.\n\n"
     "ARTICLE 2 - TERM\n\nSection 2.1 - Duration\n\nThis Agreement lasts for three years.\n",
     [("ARTICLE 1 - DEFINITIONS",), ("ARTICLE 1 - DEFINITIONS",), ("ARTICLE 2 - TERM",)]),
    ("TERMS OF SALE\n\nSection 1 - General\n\nArticle 1 - Scope\n\nThese terms apply to all orders placed on the "
     "site.\n\nArticle 2 - Price\n\nPrices are in euros and include all taxes.\n",
     [("Section 1 - General",), ("Section 1 - General",)]),
    ("Conditions\n\nArticle 1 – Objet\n\nLe contrat définit les services fournis au Client.\n\nSection 2 : "
     "Résiliation\n\nArticle 2 – Préavis\n\nLe Client résilie le contrat avec un préavis de dix jours.\n",
     [(), ("Section 2 : Résiliation",)]),
], ids=["english-sections-in-articles", "section-before-the-first-article", "french"])
def test_a_section_stands_above_articles_where_the_document_puts_it_there(text, paths):
    """An English contract's "Section 1.1 - Agreement" inside "ARTICLE 1 - DEFINITIONS", at its clauses' level:
    placed above the articles, as French law orders them, each Section closed the article before it and the articles
    vanished from the paths. A Section before the first article, or in a French text, stands above them."""
    parsed = parse_text(text)
    assert [s.parents[1:] for s in parsed.sections] == paths


def test_a_title_and_the_line_under_it_give_the_title_and_no_heading():
    """"Version en vigueur au 1er mars 2025" under a CGV's title in capitals, 67 characters: a line above under 60
    characters only made a block of short lines, so the version line headed the company's paragraph after it."""
    title = "CONDITIONS GÉNÉRALES DE VENTE DES OFFRES BOX ET MOBILE HELIX TÉLÉCOM"
    text = (f"{title}\nVersion en vigueur au 1er mars 2025\n\nHelix Télécom SAS, société par actions simplifiée "
            "immatriculée au RCS de Lyon.\n\nObjet du contrat\n\nLes présentes conditions définissent les services "
            "fournis au Client.\n")
    parsed = parse_text(text)
    assert parsed.title == title
    assert [(s.heading, [line.text for line in s.lines]) for s in parsed.sections] == [
        (None, ["Version en vigueur au 1er mars 2025",
                "Helix Télécom SAS, société par actions simplifiée immatriculée au RCS de Lyon."]),
        ("Objet du contrat", ["Les présentes conditions définissent les services fournis au Client."]),
    ]


# Article lines that head nothing: their section would have no line, and a parser keeps none without lines
_HEADING_NOTHING = {
    "title-line-is-the-body": "CGV\n\nARTICLE 1\nLe présent contrat est régi par le droit français\n\nARTICLE 2\n"
                              "Le Client paie à la commande\n",
    "shop-list": "Catalogue\n\nArticle 12 - Chaise pliante 25 €\nArticle 13 - Table basse 80 €\n\nLivraison offerte "
                 "dès 100 € d'achat.\n",
    "table-of-contents": "CONTRAT DE SERVICE\n\nSommaire\n\nArticle 1 – Objet\nArticle 2 – Prix\n\nLe présent contrat "
                         "est conclu entre la société X et le Client.\n\nArticle 1 – Objet\n\nLe contrat définit les "
                         "services.\n\nArticle 2 – Prix\n\nLes prix sont indiqués en euros.\n",
    "last-article-empty": "Article 1 – Objet\n\nLe contrat définit les services fournis.\n\nArticle 2 – Fin\n",
    "titles-alone": "ARTICLE 1\nOBJET\n\nARTICLE 2\nPRIX\n",
    "empty-division": "Chapitre 1 – Généralités\n\nChapitre 2 – Prix\n\nArticle 1 – Objet\n\nLe contrat définit les "
                      "services fournis.\n\nArticle 2 – Paiement\n\nLe Client paie à la commande.\n",
    "article-over-article": "ARTICLE 1\nARTICLE 2\nLe Client paie à la commande.\n",
    "annex-at-the-end": "Article 1 – Objet\n\nLe contrat définit les services fournis.\n\nArticle 2 – Prix\n\nLes prix "
                        "sont en euros.\n\nANNEXE – FORMULAIRE DE RÉTRACTATION\n",
    "numbers-over-titles": "Art. 1 –\nObjet\nArt. 2 –\nPrix\nArt. 3 –\nDurée\n",
    "list-of-articles": "Article 1 – Objet\nArticle 2 – Prix\nArticle 3 – Durée\n",
    "english-sections": "ARTICLE 1 - DEFINITIONS\n\nSection 1.1 - Agreement\n\nAgreement means this contract.\n\n"
                        "Section 1.2 - Services\n\nServices means the services of Schedule A.\n\nARTICLE 2 - TERM\n\n"
                        "Section 2.1 - Duration\n\nThis Agreement lasts for three years.\n",
}


@pytest.mark.parametrize("text", _HEADING_NOTHING.values(), ids=_HEADING_NOTHING.keys())
def test_no_line_vanishes_from_what_is_indexed(text):
    """What the reader kept before articles were read: every line of the file is indexed, in the document's title, in
    the heading path of a section with lines (the passage's heading) or among its lines; an outline heading without
    its number ("3.1 Optique": "Optique"). An article or division that would head nothing is text again."""
    parsed = parse_text(text)
    indexed = "\n".join([parsed.title or "", *(part for s in parsed.sections if s.lines for part in
                                                 (*s.parents, s.heading or "", *(line.text for line in s.lines)))])
    for line in lines_with_offsets(text):
        outline = line_shapes.OUTLINE.match(line.text)
        assert line.text in indexed or (outline and outline["text"] in indexed), line.text


def test_an_article_alone_over_one_line_then_the_next_article_heads_that_line():
    """"ARTICLE 1" over "Le présent contrat est régi par le droit français", then "ARTICLE 2": the line is the
    article's text, not its title (its section had no line left, and was dropped with both)."""
    parsed = parse_text(_HEADING_NOTHING["title-line-is-the-body"])
    assert parsed.title == "CGV"
    assert [(s.heading, [line.text for line in s.lines]) for s in parsed.sections] == [
        ("ARTICLE 1", ["Le présent contrat est régi par le droit français"]),
        ("ARTICLE 2", ["Le Client paie à la commande"]),
    ]


def _read(text: str) -> list[tuple[str, list[str]]]:
    parsed = parse_text(text)
    return [(" › ".join([*s.parents, str(s.heading)]), [line.text for line in s.lines]) for s in parsed.sections]


_ARTICLES = ("\n\nArticle 1 – Objet\n\nLe contrat définit les services fournis au Client.\n\nArticle 2 – Rétractation"
             "\n\nLe Client dispose de quatorze jours pour se rétracter.\n\n")


@pytest.mark.parametrize("annex", ["ANNEXE – FORMULAIRE DE RÉTRACTATION", "FORMULAIRE DE RÉTRACTATION", "Annexe 1",
                                   "Appendix A – Withdrawal form"], ids=["annexe", "capitals", "numbered", "appendix"])
def test_an_annex_after_the_last_article_is_cited_apart_from_it(annex):
    """An annex ("Annexe", "Appendix") or a title line in capitals apart after the last article closes it: the form
    was cited under "Article 2 – Rétractation"."""
    text = f"CGV{_ARTICLES}{annex}\n\nÀ l'attention de Helix Télécom, 14 quai Perrache, 69002 Lyon.\n"
    assert _read(text)[-1] == (f"CGV › {annex}", ["À l'attention de Helix Télécom, 14 quai Perrache, 69002 Lyon."])


def test_an_annex_stands_beside_the_outermost_division():
    """After "Titre I › Chapitre 1 › Article 2", "Annexe 1 – Tarifs" closes the title and chapter too; a preamble
    before them stands beside them."""
    text = ("Préambule\n\nLes parties conviennent de ce qui suit.\n\nTitre I – Général\n\nChapitre 1 – Objet"
            f"{_ARTICLES}Annexe 1 – Tarifs\n\nL'offre coûte 20 euros par mois.\n")
    assert [path for path, _ in _read(text)] == [
        "Préambule", "Titre I – Général › Chapitre 1 – Objet › Article 1 – Objet",
        "Titre I – Général › Chapitre 1 – Objet › Article 2 – Rétractation", "Annexe 1 – Tarifs"]


def test_a_capital_line_inside_the_articles_stays_under_its_article():
    """Before the last article, a line in capitals may head a part of an article: it is read as before."""
    part = ("GARANTIE LÉGALE\n\nLa garantie légale de conformité court deux ans à compter de la livraison du bien."
            "\n\nArticle 2")
    text = "CGV" + _ARTICLES.replace("Article 2", part)
    assert ("CGV › Article 1 – Objet › GARANTIE LÉGALE",
            ["La garantie légale de conformité court deux ans à compter de la livraison du bien."]) in _read(text)


@pytest.mark.parametrize("contents", [
    "Article 1 – Objet\nArticle 2 – Rétractation",  # numbered as the articles after it
    "\nArticle 1 – Objet\n\nArticle 2 – Rétractation\n",  # apart
    "Article 1 – Objet\nArticle 2 – Rétractation\nArticle 3 – Litiges",  # one more than the articles after it
    "Art. 1 – Objet\nArt. 2 – Rétractation\nPréambule",  # a preamble heads the text after the contents
    "Article I – Objet\nArticle II – Rétractation",  # numbered otherwise: articles that close each other at once
    "Article I – Objet\nArticle II – Rétractation\nPréambule",
], ids=["same-numbers", "apart", "one-more", "then-preamble", "other-numbers", "other-numbers-then-preamble"])
def test_a_table_of_contents_is_text_and_heads_nothing(contents):
    """A table of contents, articles one after the other with no text between them, heads neither the preamble after
    it nor anything else: "Le présent contrat ..." was cited under its last line, "Article 2 – Rétractation"."""
    preamble = "Le présent contrat est conclu entre Helix Télécom et le Client."
    sections = parse_text(f"CGV\n\nSommaire\n\n{contents}\n\n{preamble}{_ARTICLES}").sections
    assert next(s.heading for s in sections if preamble in [line.text for line in s.lines]) == \
        ("Préambule" if "Préambule" in contents else None)
    assert [s.heading for s in sections][-2:] == ["Article 1 – Objet", "Article 2 – Rétractation"]


@pytest.mark.parametrize("text", [
    "Bonjour Marie\nJ'espère que tu vas bien\n\nVoici les photos de la fête de samedi, dis-moi lesquelles tu veux "
    "garder pour l'album.\n",
    "Ingrédients\n3 pommes\n\nÉplucher les pommes, les couper en lamelles et les disposer sur la pâte.\n",
], ids=["letter", "list"])
def test_a_pair_of_short_lines_opening_other_files_gives_no_title(text):
    """A greeting over a letter's first line, a list's name over its first item: no title, as before (the title's
    second line is read so only under a title in capitals or in a file with articles). A title over its underline is
    the title alone (`tests/unit/test_underlined_headings.py`)."""
    parsed = parse_text(text)
    assert parsed.title is None
    assert [(s.heading, len(s.lines)) for s in parsed.sections] == [(None, 3)]


@contextmanager
def _interrupted_after(seconds: float) -> Iterator[None]:
    """Raise TimeoutError in the block after `seconds` (Python's regular expression engine checks for signals as it
    runs, so a runaway match is stopped too)."""
    def stop(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_a_line_with_a_long_run_of_spaces_is_read_in_linear_time():
    """A title matched lazily before a trailing `\\s*` tried every end of the line, each over the run of spaces: an
    article's (`legal_heading`), a numbered item's and an outline heading's line of 200,000 characters took hours.
    Read in linear time, the three take milliseconds, and a "§" line's title without separator too; the bound, a
    hundred times that at least, holds on a loaded machine and no quadratic reading comes near it."""
    spaces = " " * 200_000
    text = (f"Article 1 - A{spaces}x\n\n1. A{spaces}x\n\n1.1 A{spaces}x\n\nArticle 2 - B{spaces}y\n\n"
            f"§ 3 C{spaces}z\n")
    with _interrupted_after(30):
        parsed = parse_text(text)
        assert legal_heading(f"Article 1 - A{spaces}x") is not None
        assert legal_heading(f"§ 3{spaces}") is not None
    # too long for a title, an article's line is its number and its text; the "§" line, without separator, text
    assert [(s.heading, len(s.lines)) for s in parsed.sections] == [("Article 1", 3), ("Article 2", 2)]


def test_the_numbered_and_outline_patterns_match_as_their_lazy_forms_did():
    """Made linear, `_NUMBERED` and `_OUTLINE` match the same lines, with the same groups, as before: on every line of
    the repository's text files, each with its line break too, and on lines with spaces, tabs and breaks around."""
    lazy = {"numbered": re.compile(r"^\s*\d{1,3}[.)]\s+(?P<text>\S.*?)\s*$"),
            "outline": re.compile(r"^\s*(?P<number>\d{1,2}(?:\.\d{1,2}){0,3})[.)]?\s+(?P<text>\S.*?)\s*$")}
    greedy = {"numbered": line_shapes.NUMBERED, "outline": line_shapes.OUTLINE}
    lines = ["1. A  ", " 2) x\t", "1.  A b  \n", "1. A\n\nB", "1. a b\nc ", "1.1 \u00a0Foo\u00a0 ", "3.2) ?\r\n"]
    files = [path for folder in ("corpus", "tests/data") for path in (ROOT / folder).rglob("*")]
    for path in sorted(path for path in files if path.suffix in (".txt", ".md")):
        lines += path.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)
    for name, pattern in lazy.items():
        for line in lines:
            before, after = pattern.match(line), greedy[name].match(line)
            assert (before and (before.span(), before.groupdict())) == (after and (after.span(), after.groupdict()))


@pytest.mark.parametrize(("text", "headings"), [
    ("CHAPITRE II\nDISPOSITIONS PÉNALES\nArticle 5 – Sanctions\nLes infractions sont punies d'une amende.\n\n"
     "Article 6 – Récidive\nLa récidive double l'amende.\n",
     ["CHAPITRE II – DISPOSITIONS PÉNALES › Article 5 – Sanctions", "CHAPITRE II – DISPOSITIONS PÉNALES › Article 6 – "
      "Récidive"]),  # an article right under a division's title line
    ("Titre I – Dispositions générales\nArticle 1 – Objet\nLe contrat définit les services.\nArticle 2 – Durée\n"
     "Il est conclu pour un an.\n",
     ["Titre I – Dispositions générales › Article 1 – Objet", "Titre I – Dispositions générales › Article 2 – "
      "Durée"]),  # an article right under a division
    ("ARTICLE 3 – PRIX\n3.1 Tarifs\nLes tarifs sont ceux de la fiche tarifaire.\n3.2 Paiement\nLe Client paie par "
     "prélèvement.\n\nARTICLE 4 – DURÉE\nLe contrat est conclu pour un an.\n",
     ["ARTICLE 3 – PRIX › Tarifs", "ARTICLE 3 – PRIX › Paiement", "ARTICLE 4 – DURÉE"]),  # a clause right under it
    ("ARTICLE 1\nObjet. Le contrat définit les services\n\nIl entre en vigueur à sa signature.\n\nARTICLE 2\nDURÉE\n\n"
     "Le contrat est conclu pour un an.\n",
     ["ARTICLE 1", "ARTICLE 2 – DURÉE"]),  # a sentence inside the line under it: no title
    ("ARTICLE 1\nLe contrat est conclu pour une durée\nde trois ans à compter de sa signature.\n\nARTICLE 2\nPRIX\n\n"
     "Le prix est payable d'avance.\n",
     ["ARTICLE 1", "ARTICLE 2 – PRIX"]),  # a wrapped sentence's first line: no title
    ("ARTICLE 1\n\nOBJET\n\nLe contrat définit les services.\n\nARTICLE 2\n\nPRIX\n\nLe prix est payable d'avance.\n",
     ["ARTICLE 1 – OBJET", "ARTICLE 2 – PRIX"]),  # its title across a blank line
], ids=["after-a-title-line", "after-a-division", "clause-after-an-article", "sentence-inside", "wrapped-sentence",
        "title-across-a-blank-line"])
def test_what_may_stand_right_under_an_article_line(text, headings):
    """Right under a heading found (its line or its title line), with no blank line between, another heading or an
    outline's clause opens a block as after a blank line; the line right under an article alone on its line is its
    title only if it is one on its own: not "Objet. Le contrat ...", not a wrapped sentence's first line."""
    assert [" › ".join([*s.parents, str(s.heading)]) for s in parse_text(text).sections] == headings


def test_one_article_line_alone_is_read_as_any_other_line():
    """A file with a single article or division line has no articles: the line is read as before (a list's item,
    here, not the heading of the price under it)."""
    text = ("Bonjour,\n\nvoici votre commande.\n\nArticle 12 - Chaise pliante\nPrix : 25 €\n\nCordialement,\n"
            "Le service client\n")
    assert [(s.heading, len(s.lines)) for s in parse_text(text).sections] == [(None, 6)]


@pytest.mark.parametrize(("opening", "lines"), [
    ("Version en vigueur au 1er mars 2025\n\nHelix Télécom SAS, société par actions simplifiée.", 2),
    ("Helix Télécom SAS, société par actions simplifiée au capital de 2 400 000 euros, immatriculée à Lyon.", 1),
], ids=["over-its-version-line", "over-its-introduction"])
def test_a_file_with_articles_opening_on_a_title_line_has_that_title(opening, lines):
    """A title line over its version line, then a blank line (not in capitals, read so in a file with articles), or
    over the introduction (as in an outlined document): the file's title, the line or lines under it a section
    without heading."""
    text = (f"Conditions générales de vente\n{opening}\n\nArticle 1 – Objet\n\nLes présentes conditions définissent "
            "les services.\n\nArticle 2 – Prix\n\nLes prix sont indiqués toutes taxes comprises.\n")
    parsed = parse_text(text)
    assert parsed.title == "Conditions générales de vente"
    assert [(s.heading, len(s.lines)) for s in parsed.sections] == [
        (None, lines), ("Article 1 – Objet", 1), ("Article 2 – Prix", 1)]
