"""Articles and divisions of legal texts, contracts and terms of sale in plain text (`rag.corpus.formats.legal`):
audit 42's CGV had "ARTICLE 3" as the last line of Article 2, and Articles 4, 6, 7 and 9 to 13 under the last
sub-clause open ("Droit de rétractation › ARTICLE 4")."""

from __future__ import annotations

import pytest

from rag.corpus.formats.legal import legal_heading


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
])
def test_prose_and_list_items_are_no_such_heading(line):
    assert legal_heading(line) is None
