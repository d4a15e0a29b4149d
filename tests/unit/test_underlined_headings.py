"""Plain text that draws its headings as underlined lines ("Résilier mon contrat" over "=====", reStructuredText's
and many help exports' way): the headings open sections, the rules are no text, the first heading of its own style
titles the document."""

from rag.corpus.formats.text import parse_text


def _sections(text: str) -> list[tuple[str | None, tuple[str, ...], list[str]]]:
    parsed = parse_text(text)
    for section in parsed.sections:
        for line in section.lines:
            assert text[line.start:line.end] == line.text, line
    return [(s.heading, s.parents, [line.text for line in s.lines]) for s in parsed.sections]


PAGE = ("Résilier mon contrat\n====================\n\nVous pouvez résilier à tout moment, sans frais.\n\n"
        "Vous changez de fournisseur\n---------------------------\n\nVotre nouveau fournisseur s'en charge.\n\n"
        "Vous quittez votre logement\n--------------\nRésiliez depuis l'espace client.\n")


def test_underlined_lines_head_sections_under_the_title_they_open_on():
    assert parse_text(PAGE).title == "Résilier mon contrat"
    assert _sections(PAGE) == [
        (None, (), ["Vous pouvez résilier à tout moment, sans frais."]),
        ("Vous changez de fournisseur", ("Résilier mon contrat",), ["Votre nouveau fournisseur s'en charge."]),
        ("Vous quittez votre logement", ("Résilier mon contrat",), ["Résiliez depuis l'espace client."]),
    ]


def test_an_overlined_heading_is_a_style_of_its_own():
    page = ("=======\nGuide\n=======\n\nIntroduction du guide.\n\nPartie A\n========\n\nTexte de A.\n\n"
            "Détail\n------\n\nTexte du détail.\n")
    assert parse_text(page).title == "Guide"
    assert [(h, parents) for h, parents, _ in _sections(page)] == [
        (None, ()), ("Partie A", ("Guide",)), ("Détail", ("Guide", "Partie A"))]


def test_an_underline_is_no_second_line_of_the_title():
    page = ("A. HISTORY OF THE SOFTWARE\n==========================\n\nPython was created in the early 1990s by "
            "Guido van Rossum.\n")
    assert parse_text(page).title == "A. HISTORY OF THE SOFTWARE"
    assert _sections(page) == [(None, (), ["Python was created in the early 1990s by Guido van Rossum."])]


def test_a_rule_that_underlines_no_heading_is_text():
    # under a sentence, under a long line of prose (a rule far shorter than it), or apart from the line above
    for page in ("Le paiement est accepté.\n-----\nSuite.\n",
                 "Une ligne de texte assez longue pour que la règle ne la souligne\n-----\nSuite du texte.\n",
                 "Paiement\n\n-----\n\nSuite du texte.\n"):
        sections = _sections(page)
        assert "-----" in [line for _, _, lines in sections for line in lines], page
        assert all(heading is None for heading, _, _ in sections), page


def test_an_underlined_line_ending_in_brackets_heads_its_section():
    # a changelog's entries, dated in brackets; the bracket was read as a sentence's end and the rule as text
    page = ("Changelog\n=========\n\nVersion 2.1 (2024-03-01)\n------------------------\n\n- Export CSV.\n\n"
            "Version 2.0 (2023-11-15)\n------------------------\n\n- Nouvelle interface.\n")
    assert parse_text(page).title == "Changelog"
    assert _sections(page) == [("Version 2.1 (2024-03-01)", ("Changelog",), ["- Export CSV."]),
                               ("Version 2.0 (2023-11-15)", ("Changelog",), ["- Nouvelle interface."])]
    # a sentence in brackets is still no heading
    assert "-----" in [line for _, _, lines in _sections("(Voir plus bas.)\n-----\nSuite.\n") for line in lines]


def test_a_table_s_header_row_over_a_rule_is_no_heading():
    # columns aligned with spaces or a tab: a plain-text table, its rule text as its rows are
    for page in ("Facture n° 12\n\nDésignation          Montant\n----------------------------\n"
                 "Abonnement Premium   35,00 €\n\nMerci.\n",
                 "Tarifs\n\nOffre\tPrix\n----------\nBasic\t10\n"):
        sections = _sections(page)
        assert all(heading is None for heading, _, _ in sections), page
        assert any(line.startswith("---") for _, _, lines in sections for line in lines), page


def test_a_numbered_underlined_line_heads_its_section():
    # the number was read as no capital: the headings and their rules were text (a number set apart is no column)
    page = ("Guide\n=====\n\n1. Installation\n---------------\n\nLancez setup.\n\n"
            "2.   Usage\n----------\n\nLancez rag.\n")
    assert parse_text(page).title == "Guide"
    assert _sections(page) == [("1. Installation", ("Guide",), ["Lancez setup."]),
                               ("2.   Usage", ("Guide",), ["Lancez rag."])]
    # a date is no number of a heading
    assert "----------" in _sections("Le prix change.\n\n1. Januar 2026\n----------\nNeue Preise.\n")[0][2]


def test_an_indented_underlined_line_is_code_no_heading():
    """A configuration sample indented under "écrivez :" drew a heading of its own (the review of stop 47)."""
    page = ("Configuration\n=============\n\nDans le fichier, écrivez :\n\n"
            "    Proxy\n    =====\n    hote = 10.0.0.1\n\nPuis redémarrez.\n")
    assert [h for h, _, _ in _sections(page)] == [None]
    assert "Proxy" in _sections(page)[0][2]


def test_a_title_and_its_subtitle_over_one_rule_are_a_heading_and_its_first_line():
    # review 53: canned replies (tests/data/audit52/kb/sav) open on their title and its version line over one rule:
    # all three were text of a passage, "=====" in it, the file titled by its name, "Reponses types sav"
    page = ("RÉPONSES TYPES - SERVICE CLIENT GRAINETTE\n"
            "Version du 14/10/2024 - usage interne, ne pas transférer aux clients tel quel\n" + "=" * 72 + "\n\n"
            "Mode d'emploi : copiez la réponse dans Zendesk.\n\n\n" + "-" * 72 + "\nRT-01  COLIS EN RETARD\n"
            + "-" * 72 + "\nObjet : Votre commande - point sur la livraison\n\nBonjour,\n")
    assert parse_text(page).title == "RÉPONSES TYPES - SERVICE CLIENT GRAINETTE"
    assert _sections(page) == [
        (None, (), ["Version du 14/10/2024 - usage interne, ne pas transférer aux clients tel quel",
                    "Mode d'emploi : copiez la réponse dans Zendesk."]),
        ("RT-01  COLIS EN RETARD", ("RÉPONSES TYPES - SERVICE CLIENT GRAINETTE",),
         ["Objet : Votre commande - point sur la livraison", "Bonjour,"])]
    # a greeting over its first line, a line whose phrase goes on over the next, a line under it in lower case: none
    # is a title and its subtitle
    for page in ("Bonjour Marie\nVoici le point\n--------------\n\nSuite.\n",
                 "Votre colis est remis au\nTransporteur Colissimo\n----------------\n\nSuite.\n",
                 "Remboursement\nsous 14 jours\n-------------\n\nSuite.\n"):
        assert all(heading is None for heading, _, _ in _sections(page)), page


def test_two_lines_over_a_rule_further_down_are_no_heading():
    # review 53: a reply's signature over the rule that parts it from the next reply headed every reply after it
    page = ("RT-01 Colis en retard\n\nBonjour,\n\nVotre colis arrive.\n\nCordialement,\n\nMarie Dupont\n"
            "Service client Grainette\n" + "=" * 40 + "\n\nRT-02 Colis perdu\n\nBonjour, votre colis est perdu.\n")
    assert [heading for heading, _, _ in _sections(page)] == [None]
    assert "Marie Dupont" in _sections(page)[0][2]
