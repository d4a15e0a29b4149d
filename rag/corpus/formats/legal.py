"""The headings of legal texts, contracts and terms of sale (CGV, CGU) as plain text gives them: "Article 4 – Mise en
service", "ARTICLE 3 : SOUSCRIPTION DE L'ABONNEMENT", "Art. 7 –" over its title's line, "Article 1er", and the
divisions above articles, "Chapitre II", "TITRE Ier", "Section 2 : Résiliation".

French law divides a text, outermost first, into parties, livres, titres, chapitres, sections and sous-sections, then
articles (Légifrance's codes: "Titre Ier" > "Chapitre Ier" > "Section 1" > "Article 1103"); a contract or a CGV keeps
the articles, sometimes under titres or chapitres, and numbers an article's clauses after it ("4.1", "4.2" under
"Article 4"). An article stands at the level of an outline's single numbers, so that its clauses, read as an outline
(`rag.corpus.formats.text`), stand under it and the next article closes them; a division stands above articles; an
annex or a preamble ("ANNEXE – FORMULAIRE DE RÉTRACTATION", "Préambule") beside them. Other languages' laws and
terms are read the same way, from one table of their words: German "Artikel" and "§ 1 Geltungsbereich" under "Teil",
"Kapitel", "Abschnitt" and "Titel", Spanish "Artículo" under "Título", "Capítulo" and "Sección", Italian "Articolo"
under "Titolo" and "Capo", Portuguese "Artigo" under "Título", "Capítulo" and "Secção".

This module reads the shape of one line; `rag.corpus.formats.articles` decides from the lines around it whether it
heads a section. A number must follow the word, then a separator and a title (or the article's text: "Art. 2. - Le
présent décret ..."), or nothing: "Article 3 du contrat précise que ..." is prose. After "§", whose headings have no
separator, and after a Spanish ordinal ("Sección 1.ª Del objeto"), a title may follow the number at once, as a title
in brackets may after any number ("Art. 1 (Finalità)", as Italian laws put it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ARTICLE_LEVEL = 1  # an outline's single numbers' level ("4."): an article's clauses ("4.1", level 2) stand under it
# The divisions above articles, by language, outermost first (a rank's other spellings after a space): Légifrance's
# codes ("Titre Ier" > "Chapitre Ier" > "Section 1"), the German federal drafting manual's order ("Teil" > "Kapitel" >
# "Abschnitt" > "Titel"), Spain's BOE ("Título I" > "Capítulo II" > "Sección 1.ª"), Italy's (the Codice di procedura
# penale's "Parte prima" > "Libro I" > "Titolo I" > "Capo I") and Portugal's laws
_DIVISIONS = {
    "fr": ("partie", "livre", "titre", "chapitre", "section", "sous-section"),
    "de": ("buch", "teil", "kapitel", "abschnitt", "unterabschnitt", "titel", "untertitel"),
    "es": ("libro", "título", "capítulo", "sección", "subsección"),
    "it": ("parte", "libro", "titolo", "capo", "sezione"),
    "pt": ("livro", "parte", "título", "capítulo", "secção seção", "subsecção subseção"),
}
# a division's level by its language and word: the one just above articles at level 0, each one out one less ("Titre"
# -3); a word two languages share has each one's ("libro": Spanish -4, above "título"; Italian -3, under "parte")
_LEVELS = {(language, word): rank - len(ranks) + ARTICLE_LEVEL for language, ranks in _DIVISIONS.items()
           for rank, spellings in enumerate(ranks) for word in spellings.split()}
_LEVEL = {word: level for (_, word), level in reversed(_LEVELS.items())}  # without a language: the first table's
SHARED = frozenset(word for word in _LEVEL if sum(other == word for _, other in _LEVELS) > 1)
_ARTICLES = ("article", "artikel", "artículo", "articolo", "artigo")
# What stands apart from the articles and divisions, beside the outermost of them: an annex, a preamble
APART = ("annexe", "annexes", "appendix", "appendice", "préambule")
# The words a sentence opens on and a title does not, lower-cased: the articles, demonstratives and subject pronouns
# of the languages above and English ("Art. 2. - Le présent décret entre en vigueur." is the article's text; "Artículo
# 1. Objeto y ámbito de aplicación." its title, a point after it as Spain's BOE puts it)
SENTENCE_OPENINGS = frozenset(word for words in (
    "le la les l un une ce cet cette ces il elle ils elles on nous vous tout toute tous chaque",  # French
    "der die das ein eine einen dieser diese dieses es er sie wir jeder jede",  # German
    "el los las una este esta estos estas se todo cada",  # Spanish
    "lo gli i uno questo questa questi queste ogni",  # Italian
    "o a os as um uma esta estes estas cada",  # Portuguese
    "the an this these that it we you each any every",  # English
) for word in words.split())
# the words for a number: "Article premier", "Titre préliminaire", "Artículo único", "CAPÍTULO PRIMERO"
_NUMBER_WORDS = ("premier", "première", "unique", "préliminaire", "liminaire", "único", "única", "unico", "preliminar",
                 "preliminare", "primero", "primera", "segundo", "segunda", "tercero", "tercera", "cuarto", "cuarta",
                 "quinto", "quinta")
# What goes on after a "§ 5" that a sentence cites, at the start of a line ("§ 5 Abs. 2 gilt entsprechend"): a
# paragraph's parts, a law's abbreviation: two or three capitals ("§ 5 BGB", "AGB"), up to five ending as a law's name
# does, in Gesetz, Buch, Ordnung, Verordnung ("BDSG", "DSGVO"), or a capital after small letters ("UStG", "StGB",
# "GmbHG"). A title in capitals opens otherwise: "§ 3 PREISE", "§ 4 HAFTUNG"
_CITED = re.compile(r"(?:Abs|Absatz|Satz|S|Nr|Ziff|Buchst|lit|Alt|Hs|ff?)\b\.?"
                    r"|(?:[A-Z]{1,4}[GBOV]|[A-Z]{2,3}|[A-Z][A-Za-z]{0,6}[a-z][A-Za-z]{0,3}[A-Z])(?:\s|$)")
_WORDS = "|".join(sorted({*_ARTICLES, *_LEVEL}, key=len, reverse=True))  # the longest first: "sous-section"
_HEADING = re.compile(
    rf"(?:(?P<kind>(?i:{_WORDS})\s+"
    r"|(?i:art)(?:\.\s*|\s+)"  # "Art. 7", "Art 7"
    r"|(?P<paragraph>§)\s*)"  # German law's and terms' "§ 1"
    r"(?:[nN][°º]\s*)?"  # "Article n° 3"
    r"(?P<number>\d{1,4}(?:\.\d{1,2}){0,3}(?:-\d{1,4})*(?:[a-z](?![^\W\d_]))?"  # "4", "1240", "10-1", "4.1", "5a"
    r"|(?:LO|[LRDA])\.?\s?\d{1,4}(?:-\d{1,4})*"  # a code's article: "L. 221-18", "R121-1", "LO. 132", "A. 121-1"
    r"|[IVXLC]{1,7}"  # Roman: "Chapitre II", "TITRE IV"
    rf"|(?i:{'|'.join(_NUMBER_WORDS)}))"
    r"(?:\s?(?:er|ER)|re|RE|°|(?P<ordinal>\.?[ºª]))?"  # "1er", "1 er", "Ier", "2°"; Spanish "1.º", "1ª"
    r"(?:\s(?i:bis|ter|quater|quinquies|sexies|septies|octies|nonies|decies))?"  # an article inserted: "3 bis"
    r"|(?P<apart>(?i:annexes?|appendix|appendice|préambule))(?:\s+(?P<index>\d{1,3}|[IVXLC]{1,7}|[A-Z]))?)"
    # "–", "-", "−" (minus), ":", ".", "--" (Creative Commons' "Section 1 -- Definitions."), a point before a dash
    # ("Article 3. – Prix", "ARTÍCULO 1.- OBJETO"); the title opens on a letter, a quote or a bracket ("Article 2 -
    # - Prix" is no heading), greedy, no `\s*` after it: a lazy title before `\s*` is quadratic in a run of spaces
    r"(?:\s*(?P<separator>(?:\.\s*)?(?:--|[–—−:.\-]))\s*(?P<title>(?:[^\W\d_]|[«\"“(\[]).*)?"
    r"|\s+(?P<bare>\S.*))?")  # a title without separator: "§ 1 Geltungsbereich", "Sección 1.ª Del contrato" only


# A title set in round brackets, as Italian laws put it under or after an article's number ("Art. 1" over
# "(Finalità)"), and some French and German texts ("Article 1er" over "(Objet)", "§ 1" over "(Zweck)")
_BRACKETED = re.compile(r"\((?P<inner>[^()]+)\)")


def unbracketed(text: str) -> str:
    """The text inside round brackets that enclose the whole of `text` ("Finalità" of "(Finalità)"), else `text`."""
    match = _BRACKETED.fullmatch(text)
    return match["inner"].strip() if match else text


@dataclass(frozen=True)
class LegalHeading:
    """A line shaped as an article's or a division's heading: its outline `level` (divisions below 1, outermost
    lowest), its `title` after the separator (None when the line holds none: "Art. 7 –", "ARTICLE 3") and where it
    starts in the line (`title_at`), `label`, the line without a separator that ends it, or without the title
    (`untitled`), its `kind` ("article" for "§" too, a division's word, or one of `APART`: an annex's, at the
    article's level here, beside the outermost heading in a document) and its `number` ("4.1", "II", None for an
    annex without one), all in lower case. A title `separated` from the number (a dash, a colon, a point) may be a
    sentence, the article's text on its line ("Art. 2. - Le présent décret ..."); one after "§ 1" without separator
    is a title or nothing."""

    level: int
    title: str | None
    label: str
    kind: str
    number: str | None
    title_at: int | None = None
    separated: bool = True

    @property
    def untitled(self) -> str:
        """The line up to its separator: "Art. 2" for "Art. 2. - Le présent décret ..."."""
        return self.label if self.title_at is None else self.label[:self.title_at].rstrip(" \t.–—−:-")


def legal_heading(text: str) -> LegalHeading | None:
    """The heading a line (stripped) is shaped as, or None: the word capitalised ("Article", "ARTICLE", "Art.";
    "article 3 : ..." inside a sentence is no heading) or "§", a number, then a separator and the rest, or nothing;
    after "§" or a Spanish ordinal a title without separator too ("§ 1 Geltungsbereich", "Sección 1.ª Del contrato"),
    but for what a citation goes on with ("§ 5 Abs. 2 gilt entsprechend", "§ 5 BGB")."""
    text = text.strip()
    match = _HEADING.fullmatch(text)
    if match is None or not (text[0].isupper() or match["paragraph"]):
        return None
    title, title_at = match["title"], match.start("title") if match["title"] else None
    if match["bare"]:
        titled_in_brackets = unbracketed(match["bare"])[:1].isupper() and _BRACKETED.fullmatch(match["bare"])
        if not (match["paragraph"] or match["ordinal"] or titled_in_brackets) or _CITED.match(match["bare"]):
            return None  # "Article 3 du contrat précise que ...": prose
        title, title_at = match["bare"], match.start("bare")
    label = text[:match.start("separator")].rstrip() if match["separator"] and not title else text
    if match["apart"]:
        index = match["index"].casefold() if match["index"] else None  # "Annexe 2", "Appendix A"
        return LegalHeading(ARTICLE_LEVEL, title, label, match["apart"].casefold(), index, title_at)
    kind, number = (match["kind"] or "").strip().casefold(), match["number"]
    if kind in _LEVEL:
        level = _LEVEL[kind]
    else:
        kind, level = "article", ARTICLE_LEVEL + (number.count(".") if number[0].isdigit() else 0)
    return LegalHeading(level, title, label, kind, number.casefold(), title_at, not match["bare"])


def division_level(word: str, language: str) -> int:
    """The level of a division by its word (lower case) in a document in `language`: "libro" is above "título" in
    Spanish, under "parte" in Italian; the first table's where the language has no such word."""
    return _LEVELS.get((language, word), _LEVEL[word])


__all__ = ["APART", "ARTICLE_LEVEL", "SENTENCE_OPENINGS", "SHARED", "LegalHeading", "division_level", "legal_heading",
           "unbracketed"]
