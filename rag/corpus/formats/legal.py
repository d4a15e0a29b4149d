"""The headings of legal texts, contracts and terms of sale (CGV, CGU) as plain text gives them: "Article 4 – Mise en
service", "ARTICLE 3 : SOUSCRIPTION DE L'ABONNEMENT", "Art. 7 –" over its title's line, "Article 1er", and the
divisions above articles, "Chapitre II", "TITRE Ier", "Section 2 : Résiliation".

French law divides a text, outermost first, into parties, livres, titres, chapitres, sections and sous-sections, then
articles (Légifrance's codes: "Titre Ier" > "Chapitre Ier" > "Section 1" > "Article 1103"); a contract or a CGV keeps
the articles, sometimes under titres or chapitres, and numbers an article's clauses after it ("4.1", "4.2" under
"Article 4"). An article stands at the level of an outline's single numbers, so that its clauses, read as an outline
(`rag.corpus.formats.text`), stand under it and the next article closes them; a division stands above articles; an
annex or a preamble ("ANNEXE – FORMULAIRE DE RÉTRACTATION", "Préambule") beside them.

This module reads the shape of one line; `rag.corpus.formats.articles` decides from the lines around it whether it
heads a section. A number must follow the word, then a separator and a title, or nothing: "Article 3 du contrat précise
que ..." is prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# outermost first; "sous-section" before "section" in the pattern, so that it is read whole
_DIVISIONS = ("partie", "livre", "titre", "chapitre", "section", "sous-section")
# What stands apart from the articles and divisions, beside the outermost of them: an annex, a preamble
APART = ("annexe", "annexes", "appendix", "appendice", "préambule")
_HEADING = re.compile(
    r"(?:(?P<kind>(?i:article|artikel|artículo|partie|livre|titre|chapitre|sous-section|section)\s+"
    r"|(?i:art)(?:\.\s*|\s+))"  # "Art. 7", "Art 7"
    r"(?:[nN][°º]\s*)?"  # "Article n° 3"
    r"(?P<number>\d{1,4}(?:\.\d{1,2}){0,3}(?:-\d{1,4})*"  # "4", "1240", "10-1", numbered as a clause ("4.1")
    r"|(?:LO|[LRDA])\.?\s?\d{1,4}(?:-\d{1,4})*"  # a code's article: "L. 221-18", "R121-1", "LO. 132", "A. 121-1"
    r"|[IVXLC]{1,7}"  # Roman: "Chapitre II", "TITRE IV"
    r"|(?i:premier|première|unique|préliminaire|liminaire))"  # "Article premier", "Titre préliminaire"
    r"(?:\s?(?:er|ER)|re|RE|°)?"  # "Article 1er", "Article 1 er", "Titre Ier", "Article 2°"
    r"(?:\s(?i:bis|ter|quater|quinquies|sexies|septies|octies|nonies|decies))?"  # an article inserted: "3 bis"
    r"|(?P<apart>(?i:annexes?|appendix|appendice|préambule))(?:\s+(?P<index>\d{1,3}|[IVXLC]{1,7}|[A-Z]))?)"
    # "–", "-", "−" (minus), ":", ".", a point before a dash ("Article 3. – Prix", "ARTÍCULO 1.- OBJETO"); the title
    # greedy, no `\s*` after it: a lazy title before `\s*` is quadratic in a run of spaces
    r"(?:\s*(?P<separator>(?:\.\s*)?[–—−:.\-])\s*(?P<title>\S.*)?)?")
ARTICLE_LEVEL = 1  # an outline's single numbers' level ("4."): an article's clauses ("4.1", level 2) stand under it


@dataclass(frozen=True)
class LegalHeading:
    """A line shaped as an article's or a division's heading: its outline `level` (divisions below 1, outermost
    lowest), its `title` after the separator (None when the line holds none: "Art. 7 –", "ARTICLE 3"), `label`, the
    line without a separator that ends it, its `kind` ("article", a division's word, or one of `APART`: an annex's,
    at the article's level here, beside the outermost heading in a document) and its `number` ("4.1", "II", None for
    an annex without one), all in lower case."""

    level: int
    title: str | None
    label: str
    kind: str
    number: str | None


def legal_heading(text: str) -> LegalHeading | None:
    """The heading a line (stripped) is shaped as, or None: the word capitalised ("Article", "ARTICLE", "Art.";
    "article 3 : ..." inside a sentence is no heading), a number, then a separator and the rest, or nothing."""
    text = text.strip()
    match = _HEADING.fullmatch(text)
    if match is None or not text[0].isupper():
        return None
    label = text[:match.start("separator")].rstrip() if match["separator"] and not match["title"] else text
    if match["apart"]:
        index = match["index"].casefold() if match["index"] else None  # "Annexe 2", "Appendix A"
        return LegalHeading(ARTICLE_LEVEL, match["title"], label, match["apart"].casefold(), index)
    kind, number = match["kind"].strip().casefold(), match["number"]
    if kind in _DIVISIONS:
        level = _DIVISIONS.index(kind) - len(_DIVISIONS) + ARTICLE_LEVEL
    else:
        kind, level = "article", ARTICLE_LEVEL + (number.count(".") if number[0].isdigit() else 0)
    return LegalHeading(level, match["title"], label, kind, number.casefold())


__all__ = ["APART", "ARTICLE_LEVEL", "LegalHeading", "legal_heading"]
