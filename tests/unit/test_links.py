"""A citation's link opens its document at the passage: a PDF at its page, a web page with the passage's first and
last words as a text fragment (the words a browser shows: Markdown's marks, list bullets and table rows left out)."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from rag.schemas import Citation
from rag.search.answer import markdown
from rag.search.links import FRAGMENT_CHARS, link, shown_words, text_directive

URL = "https://help.example.org/guide"


def test_a_pdf_opens_at_the_passage_page():
    assert link(URL + ".pdf", "guide.pdf", 3, "Les retours sont acceptés.") == URL + ".pdf#page=3"
    # a PDF without pages known, or an address naming its own place, is left as it is
    assert link(URL + ".pdf", "guide.pdf", None, "Les retours sont acceptés.") == URL + ".pdf"
    assert link(URL + ".pdf#nameddest=retours", "guide.pdf", 3, "x y") == URL + ".pdf#nameddest=retours"


def test_a_web_page_opens_at_the_first_and_last_words_of_the_passage():
    text = ("Vous pouvez retourner un article sous 30 jours après réception.\n"
            "Le remboursement arrive sous 5 jours ouvrés sur votre compte.")
    got = link(URL, "guide.html", None, text)
    assert got == (URL + "#:~:text=Vous%20pouvez%20retourner%20un%20article,"
                   "jours%20ouvr%C3%A9s%20sur%20votre%20compte.")
    # a short passage of one line is quoted whole; a fragment of the address is kept, the directive after it
    assert link(URL + "#faq", "faq.txt", None, "Le colis part sous 48 heures.") == (
        URL + "#faq:~:text=Le%20colis%20part%20sous%2048%20heures.")


def test_the_directive_escapes_its_own_separators():
    # "&", "," and "-" delimit a text directive's parts: percent-encoded inside a term, as non-ASCII letters are
    directive = text_directive("Gardez le reçu, le bon-de-retour & la facture")
    assert directive == "text=Gardez%20le%20re%C3%A7u%2C%20le%20bon%2Dde%2Dretour%20%26%20la%20facture"
    assert unquote(directive) == "text=Gardez le reçu, le bon-de-retour & la facture"


def test_markdown_marks_list_bullets_and_table_rows_are_not_quoted():
    text = ("1. Vous pouvez **retourner** un article sous [30 jours](https://x.example/d) après réception.\n"
            "| Pays | Délai |\n|---|---|\n| France | 3 jours |")
    # the table rows' cells stand apart on the page: the one line of prose is quoted, its marks as a browser shows it
    assert unquote(text_directive(text, markdown=True) or "") == (
        "text=Vous pouvez retourner un article sous 30 jours après réception.")
    # on a page that is not Markdown, asterisks are the page's own: the quote stops before them
    assert shown_words("Un prix **bas** ici") == ["Un ", "prix "]
    assert shown_words("- Étape 2\u00a0: déposez le colis") == ["Étape ", "2\u00a0", ": ", "déposez ", "le ", "colis"]


@pytest.mark.parametrize(("url", "source"), [(URL + ".docx", "guide.docx"), (URL + ".odt", "guide.odt"),
                                           (URL + ".docm", "guide.docm"), ("mailto:aide@example.org", "a.txt")])
def test_a_word_or_opendocument_file_or_an_email_address_has_no_place_to_name(url, source):
    assert link(url, source, None, "Les retours sont acceptés sous 30 jours.") == url


def test_a_passage_without_two_plain_words_links_to_the_document():
    assert link(URL, "a.md", None, "| a | b |\n**Seul**") == URL
    assert link(None, "a.md", None, "Les retours sont acceptés.") is None


def test_answer_sources_link_to_the_passage():
    at = URL + "#:~:text=Les%20retours"
    citation = Citation(doc_id="d", title="T", source="d.md", section=None, start=0, end=1, url=URL, link=at,
                        label="T")
    assert f"[T](<{at}>)" in markdown("x", citation, [])


@pytest.mark.parametrize(("line", "shown"), [
    # an underscore inside a word is no emphasis, nor is one inside a code span: the words stay as the page shows them
    ("Réglez `max_file_size` dans le fichier", ["Réglez ", "max_file_size ", "dans ", "le ", "fichier"]),
    ("export RAG_PUBLIC_URL=https://rag.example.org", ["export "]),
    ("Tapez `` a`b `` ici", ["Tapez ", "a`b ", "ici"]),
    # an autolink shows its address, an escape its mark, an entity its character; a hard break's backslash nothing
    ("Voir <https://example.org/aide> pour", ["Voir ", "https://example.org/aide ", "pour"]),
    ("Écrivez à <aide@example.org> pour", ["Écrivez ", "à ", "aide@example.org ", "pour"]),
    ("Le paquet rag\\-search coûte 5\\*", ["Le ", "paquet ", "rag-search ", "coûte ", "5*"]),
    ("Dupont &amp; fils&nbsp;: meubles", ["Dupont ", "& ", "fils\u00a0", ": ", "meubles"]),
    ("au 12 rue des Lilas\\", ["au ", "12 ", "rue ", "des ", "Lilas"]),
    # a link's address may hold parentheses; a link by reference shows its text
    ("La [page](https://fr.wikipedia.org/wiki/Python_(langage)) décrit", ["La ", "page ", "décrit"]),
    ("[Notre guide][g] explique __tout__", ["Notre ", "guide ", "explique ", "tout"]),
])
def test_markdown_shows_literals_as_the_page_does(line, shown):
    assert shown_words(line, markdown=True) == shown



def test_an_address_holding_directives_gets_one_more():
    # a second `:~:` would be read as part of the first directive's words, breaking both
    assert link(URL + "#:~:text=pip", "a.html", None, "Lancez la commande") == (
        URL + "#:~:text=pip&text=Lancez%20la%20commande")


def test_a_term_stays_short_where_words_are_long():
    # Chinese prose has no spaces: its clauses are its words, a full-width comma or stop ending one; a term holds at
    # most FRAGMENT_CHARS characters (but its first word), not the whole line, however long
    a, b = "您可以在收到商品后三十天内申请退货，", "退款将在五个工作日内退回到您的账户。"
    directive = unquote(text_directive((a + b) * 6) or "")
    assert directive == f"text={a}{b}{a}{b},{a}{b}{a}{b}"  # four clauses of 18 characters each
    assert all(len(term) <= FRAGMENT_CHARS for term in directive.removeprefix("text=").split(","))
    long_words = " ".join(f"https://example.org/{'a' * 40}/{n}" for n in range(6))
    assert len(link(URL, "a.txt", None, long_words) or "") < len(URL) + 3 * 2 * FRAGMENT_CHARS


def test_a_term_holds_no_wide_gap():
    # text/plain keeps the two spaces after a full stop, an HTML page shows one: each term stops at them
    text = ("Le colis part sous 48 heures.  Il arrive ensuite chez vous.\n"
            "En cas de retard, contactez le service client par e-mail.  Nous répondons vite.")
    assert unquote(text_directive(text) or "") == "text=Le colis part sous 48,Nous répondons vite."
    assert unquote(text_directive("Le colis part.  Il arrive vite.") or "") == "text=Le colis part.,Il arrive vite."
