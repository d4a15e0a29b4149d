"""No plain text is lost to articles (`rag.corpus.formats.text`): whatever mix of questions, titles, articles,
divisions and blank lines a document holds, every sentence, every legal heading and every line right over one is in
a heading or a line of some section. A heading that heads nothing because an article follows it (a question right
over "Article 5 : Le dépôt ...", which closes it) is read as text; another heading of nothing (a question over the
next question, an FAQ answer an export cut off) is dropped with its empty section, as it was before articles."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from rag.corpus.formats.base import Parsed
from rag.corpus.formats.text import parse_text

# lines of every kind the reader tells apart: questions, titles, articles with a title, with their text or alone,
# "§" headings and citations, divisions, an outline's numbers, a table of contents' heading, sentences, list items
_LINES = ("FAQ", "Quels articles s'appliquent ?", "Où trouver les règles ?", "Wo steht das?", "Article 3 – Prix",
          "Article 5 : Le dépôt est restitué sous deux mois.", "Art. 2. - Le présent décret entre en vigueur.",
          "ARTICLE 4", "OBJET", "§ 1 Geltungsbereich", "§ 4 HAFTUNG", "§ 5 Abs. 2 gilt entsprechend.", "§ 312g BGB",
          "Teil 2 – Besondere Bestimmungen", "Kapitel 3", "TÍTULO I", "Capo I", "Capo II", "Artículo 1.º Objeto",
          "Section 2 - Les parties se réunissent.", "Chapitre 2", "Annexe 1", "Sommaire", "1. Définitions",
          "1.1 Champ", "6. Questions fréquentes", "Conditions générales de vente", "Le prix est fixé chaque année.",
          "Les parties conviennent de ce qui suit.", "Der Vertrag kommt zustande.", "- un tiret", "...")


def _words(text: str) -> set[str]:
    """The words of `text`, but numbers: a numbered question's or an outline's heading leaves its number out ("1.
    Définitions" heads its section "Définitions"), the line's span keeping it."""
    words = (re.sub(r"^\W+|\W+$", "", token) for token in text.split())
    return {word for word in words if word and not word.isdigit()}


def _kept(parsed: Parsed) -> set[str]:
    """The words of `parsed`: its title, its sections' headings, their parents' and their lines'."""
    kept = _words(parsed.title or "")
    for section in parsed.sections:
        for heading in (*section.parents, section.heading):
            kept |= _words(heading or "")
        for line in section.lines:
            kept |= _words(line.text)
    return kept


# the lines read as an article or a division (or a legal heading's title line)
_LEGAL = {"Article 3 – Prix", "Article 5 : Le dépôt est restitué sous deux mois.", "ARTICLE 4",
          "Art. 2. - Le présent décret entre en vigueur.", "§ 1 Geltungsbereich", "§ 4 HAFTUNG",
          "Teil 2 – Besondere Bestimmungen", "Kapitel 3", "TÍTULO I", "Capo I", "Capo II", "Artículo 1.º Objeto",
          "Chapitre 2", "Annexe 1"}


@given(st.lists(st.tuples(st.sampled_from(_LINES), st.sampled_from(("\n", "\n", "\n\n"))), min_size=2, max_size=14))
@hypothesis_settings(max_examples=400, deadline=None, derandomize=True, database=None)
def test_no_sentence_article_or_line_over_an_article_is_lost(lines: list[tuple[str, str]]) -> None:
    text = "".join(line + end for line, end in lines)
    kept = _kept(parse_text(text))  # an elision, "...", is no word: dropped furniture
    for i, (line, _) in enumerate(lines):
        following = lines[i + 1][0] if i + 1 < len(lines) else None
        if line.endswith(".") or line in _LEGAL or following in _LEGAL:
            assert not _words(line) - kept, (text, line)


def test_a_question_over_articles_is_text() -> None:
    """A question right over articles with their text heads nothing (each article closes what is open): it is text,
    not dropped with its empty section."""
    parsed = parse_text("FAQ\n\nQuels articles s'appliquent ?\nArticle 5 : Le dépôt est restitué sous deux mois.\n"
                        "Article 7 : Le bailleur peut retenir les sommes dues.\n")
    assert [(s.heading, [line.text for line in s.lines]) for s in parsed.sections] == [
        (None, ["FAQ", "Quels articles s'appliquent ?"]),
        ("Article 5", ["Le dépôt est restitué sous deux mois."]),
        ("Article 7", ["Le bailleur peut retenir les sommes dues."])]
