"""Very long help pages, the "guide complet" of a help centre tool (audit 65, `tests/data/audit65`): Intercom's
article sets its table of contents in a side column, its entries side by side in one block of links to the page's
own anchors, which was read as a line of every part's heading joined to the last FAQ entry (and came among the first
five for seven questions of the audit, five of them near-topic); HubSpot's knowledge base ends an article with its
feedback poll over a hidden follow-up form ("Comment pouvons-nous améliorer cet article ?"), whose words hidden were
too many for a poll's thank-you, so the question was read as a heading under the last FAQ entry."""

from pathlib import Path

from rag.corpus.formats.html import parse_html
from rag.corpus.formats.html_contents import heading_ids
from tests.helpers.timing import grows_linearly

_PAGES = Path(__file__).parents[1] / "data" / "audit65" / "pages"


def _sections(page: str) -> list[tuple[str, list[str]]]:
    return [(" › ".join([*s.parents, s.heading or ""]), [line.text for line in s.lines])
            for s in parse_html(page).sections if s.lines]


_BODY = ('<h2 id="h_1">Les formules et leurs prix</h2><p>La formule Pro coûte 15 € par mois.</p>'
         '<h2 id="h_2">Résilier votre abonnement</h2><h3 id="h_3">Délais</h3><p>La résiliation prend effet à la fin du '
         "mois.</p>")


def test_a_table_of_contents_whose_entries_stand_side_by_side_in_one_block_is_left_out():
    side = ('<section class="sticky top-8"><div class="mb-3">Sommaire</div><div class="flex flex-col">'
            '<a href="#h_1" class="block py-1">Les formules et leurs prix</a>'
            '<a href="#h_2" class="block py-1">Résilier votre abonnement, quand et comment le faire sans frais</a>'
            "</div></section>")
    assert _sections(f"<main><h1>Guide</h1>{_BODY}{side}</main>") == [
        ("Guide › Les formules et leurs prix", ["La formule Pro coûte 15 € par mois."]),
        ("Guide › Résilier votre abonnement › Délais", ["La résiliation prend effet à la fin du mois."])]


def test_a_sentence_with_two_links_to_the_page_s_anchors_and_words_of_its_own_is_read():
    seen = ('<p>Voir <a href="#h_1">les formules</a> et <a href="#h_2">la résiliation</a> avant de changer.</p>'
            '<p><a href="#h_1">Les formules et leurs prix</a></p>')
    assert _sections(f"<main><h1>Guide</h1>{_BODY}{seen}</main>")[-1] == (
        "Guide › Résilier votre abonnement › Délais",
        ["La résiliation prend effet à la fin du mois.", "Voir les formules et la résiliation avant de changer."])


def test_a_feedback_poll_over_a_hidden_follow_up_form_is_left_out():
    poll = ('<div class="kb-feedback"><div class="kb-feedback__container">'
            '<h4 class="kb-feedback__question">Cet article vous a-t-il été utile ?</h4>'
            '<div class="kb-feedback__buttons"><button type="button" data-value="yes">Oui</button>'
            '<button type="button" data-value="no">Non</button></div>'
            '<div class="kb-feedback__thanks" style="display:none"><p>Merci pour votre retour !</p></div>'
            '<form class="kb-feedback__form" style="display:none">'
            '<p>Comment pouvons-nous améliorer cet article ?</p>'
            '<label><input type="checkbox" name="r" value="1"> Il manque des informations</label>'
            '<label><input type="checkbox" name="r" value="2"> Difficile à comprendre</label>'
            '<label><input type="checkbox" name="r" value="3"> Inexact ou pas à jour</label>'
            '<textarea name="comment"></textarea><button type="submit">Envoyer</button></form></div></div>')
    assert _sections(f"<main><h1>Guide</h1>{_BODY}{poll}</main>") == [
        ("Guide › Les formules et leurs prix", ["La formule Pro coûte 15 € par mois."]),
        ("Guide › Résilier votre abonnement › Délais", ["La résiliation prend effet à la fin du mois."])]


def test_a_question_over_yes_and_no_with_a_hidden_answer_of_its_own_is_read():
    quiz = ('<div class="quiz"><h4>Peut-on résilier en cours de mois ?</h4><button type="button">Oui</button>'
            '<button type="button">Non</button><div style="display:none"><p>Oui : la résiliation prend effet à la fin '
            "du mois payé, et l'espace passe alors en formule Gratuit sans rien perdre.</p></div></div>")
    assert _sections(f"<main><h1>Guide</h1>{_BODY}{quiz}</main>")[-1] == (
        "Guide › Résilier votre abonnement › Délais › Peut-on résilier en cours de mois ?",
        ["Oui Non", "Oui : la résiliation prend effet à la fin du mois payé, et l'espace passe alors en formule "
         "Gratuit sans rien perdre."])


def test_a_checker_s_hidden_answer_in_a_form_is_read():
    check = ('<div class="check"><p>Êtes-vous en formule Pro ?</p><button type="button">Oui</button>'
             '<button type="button">Non</button><form style="display:none"><p>En formule Pro, la résiliation prend '
             "effet à la fin du mois payé.</p><p>Les factures restent téléchargeables pendant dix ans.</p>"
             '<label>Votre e-mail <input type="email" name="m"></label><button type="submit">Envoyer</button></form>'
             "</div>")
    assert _sections(f"<main><h1>Guide</h1>{_BODY}{check}</main>")[-1][1][-3:] == [
        "En formule Pro, la résiliation prend effet à la fin du mois payé.",
        "Les factures restent téléchargeables pendant dix ans.", "Votre e-mail Envoyer"]
    # one line of answer, no question: still the checker's (a poll's follow-up asks, "Comment pouvons-nous ... ?")
    one = check.replace("<p>Les factures restent téléchargeables pendant dix ans.</p>", "")
    assert _sections(f"<main><h1>Guide</h1>{_BODY}{one}</main>")[-1][1][-2:] == [
        "En formule Pro, la résiliation prend effet à la fin du mois payé.", "Votre e-mail Envoyer"]


def test_links_side_by_side_that_are_no_contents_entries_are_read():
    split = ('<p><a href="#h_1">La formule Pro se résilie à tout moment</a><a href="#h_2"> sans frais, la résiliation '
             "prenant effet à la fin du mois.</a></p>")
    routes = '<p><a href="#/contact/chat">Le chat en direct</a> <a href="#!/contact/mail">Le formulaire</a></p>'
    nowhere = ('<p><a href="#s1">Garanties incluses : incendie, dégât des eaux, vol, bris de glace</a><br>'
               '<a href="#s2">Exclusions : guerre, usure, défaut d\'entretien</a></p>')
    for links, line in ((split, "La formule Pro se résilie à tout moment sans frais, la résiliation prenant effet à "
                                 "la fin du mois."), (routes, "Le chat en direct Le formulaire"),
                        (nowhere, "Garanties incluses : incendie, dégât des eaux, vol, bris de glace Exclusions : "
                                  "guerre, usure, défaut d'entretien")):
        assert _sections(f"<main><h1>Guide</h1>{_BODY}{links}</main>")[-1][1][-1] == line


def test_a_feedback_poll_over_a_follow_up_hidden_in_a_div_is_left_out():
    """The follow-up as help centre themes write it outside a `<form>` (sent by their script): a `<div>` hidden by its
    attribute, its style or a class hiding it on every screen; one shown on a large screen ("hidden lg:block") is
    shown, and read."""
    def poll(hiding: str) -> str:
        return ('<div class="article-feedback"><p class="article-feedback__title">Cet article vous a-t-il été utile ?'
                '</p><button type="button" class="article-feedback__yes">Oui</button>'
                '<button type="button" class="article-feedback__no">Non</button>'
                f'<div class="article-feedback__form"{hiding}><p>Comment pouvons-nous améliorer cet article ?</p>'
                '<label><input type="checkbox" name="r" value="1"> Il manque des informations</label>'
                '<label><input type="checkbox" name="r" value="2"> Difficile à comprendre</label>'
                '<label><input type="checkbox" name="r" value="3"> Inexact ou pas à jour</label>'
                '<textarea name="comment"></textarea><button type="button">Envoyer</button></div></div>')

    read = [("Guide › Les formules et leurs prix", ["La formule Pro coûte 15 € par mois."]),
            ("Guide › Résilier votre abonnement › Délais", ["La résiliation prend effet à la fin du mois."])]
    for hiding in (" hidden", ' style="display: none"', ' data-x="1" class="article-feedback__form hidden"',
                   ' class="d-none"'):
        assert _sections(f"<main><h1>Guide</h1>{_BODY}{poll(hiding)}</main>") == read, hiding
    shown = poll(' class="hidden lg:block"')
    read_shown = _sections(f"<main><h1>Guide</h1>{_BODY}{shown}</main>")
    assert "Comment pouvons-nous améliorer cet article ?" in str(read_shown)


_ENTRIES = ('<a href="#{0}" class="block py-1">Les formules et leurs prix</a>'
            '<a href="#{1}" class="block py-1">Résilier votre abonnement, quand et comment le faire sans frais</a>')


def test_a_table_of_contents_leading_to_a_heading_s_section_or_anchor_is_left_out():
    """Pandoc's `--section-divs` sets a heading's id on the `<section>` wrapping it, LibreOffice's export an `<a
    name>` in the heading or right before it, Word's `<a name="_Toc...">` in it: each leads to the heading."""
    pandoc = ('<section id="formules" class="level2"><h2>Les formules et leurs prix</h2><p>La formule Pro coûte 15 € '
              'par mois.</p></section><section id="resilier" class="level2"><h2>Résilier votre abonnement</h2>'
              "<p>La résiliation prend effet à la fin du mois.</p></section>")
    office = ('<h2 class="western"><a name="__RefHeading___Toc1"></a>Les formules et leurs prix</h2><p>La formule Pro '
              'coûte 15 € par mois.</p><p><a name="_Toc2"></a></p>\n<h2>Résilier votre abonnement</h2>'
              "<p>La résiliation prend effet à la fin du mois.</p>")
    read = [("Guide › Les formules et leurs prix", ["La formule Pro coûte 15 € par mois."]),
            ("Guide › Résilier votre abonnement", ["La résiliation prend effet à la fin du mois."])]
    for body, ids in ((pandoc, ("formules", "resilier")), (office, ("__RefHeading___Toc1", "_Toc2"))):
        contents = f"<p>{_ENTRIES.format(*ids)}</p>"
        assert _sections(f"<main><h1>Guide</h1>{body}{contents}</main>") == read
    # an id before words, or in a `data-id`, leads to no heading: links to them are read
    assert heading_ids('<div id="a"><p>Mot</p><h2>T</h2></div><span data-id="b"></span><h2>U</h2>') == frozenset()


def test_a_table_of_contents_label_heading_it_alone_is_left_out_with_it():
    intercom = (_PAGES / "Guide complet _ facturation, abonnement et compte _ Centre d'aide Planora.html").read_text()
    assert not any("Dans cet article" in line for _, lines in _sections(intercom) for line in lines)
    # a label with words beside it in its element, or after it, heads more than the contents: read
    for block in ('<div><p>Sommaire</p><div>{}</div><p>Voir aussi les conditions générales.</p></div>',
                  '<div><p>Voir aussi les conditions générales.</p><p>Sommaire</p><div>{}</div></div>'):
        page = f"<main><h1>Guide</h1>{_BODY}{block.format(_ENTRIES.format('h_1', 'h_2'))}</main>"
        assert "Sommaire" in _sections(page)[-1][1]


def test_an_article_s_tags_line_is_left_out():
    hubspot = (_PAGES / "Sinistre habitation _ le guide complet de la déclaration à l'indemnisation.html").read_text()
    assert _sections(hubspot)[-2][1][-1].startswith("Oui, si elle est assurée par un contrat habitation Valmont.")
    wordpress = ('<div class="hkb-article-tags">Tagged: <a href="https://aide.example.fr/article-tags/factures/" '
                 'rel="tag">factures</a>, <a href="https://aide.example.fr/article-tags/tva/" rel="tag">TVA</a></div>')
    assert _sections(f"<main><h1>Guide</h1>{_BODY}{wordpress}</main>")[-1][1] == [
        "La résiliation prend effet à la fin du mois."]
    # a sentence around a tag's link, a link to an article beside them, one link alone to a tag's page: read
    for line in ('<p>Voir les articles <a href="/tag/factures">factures</a> pour plus de détails.</p>',
                 '<p>Mots-clés : <a href="/tag/factures">factures</a> <a href="/articles/tva">La TVA</a></p>',
                 '<p>Télécharger : <a href="https://github.com/o/r/releases/tag/v2.1">la version 2.1</a></p>'):
        assert len(_sections(f"<main><h1>Guide</h1>{_BODY}{line}</main>")[-1][1]) == 2


def test_contents_labels_and_tags_lines_are_found_in_linear_time():
    def page(n: int) -> str:
        anchors = '<a name="a"></a><section id="s">' * n + "<h2>Partie</h2>" + "</section>" * n
        labelled = ("<div><p>Sommaire</p>" + "<p><a href='#s'>Partie</a></p>" * 3 + "</div>") * n
        spaces = "<div><p>Sommaire</p>" + " " * n + '<p><a href="#s">Partie</a></p>' + " " * n + "</div>"
        spaces += "<div>\n<p>Sommaire</p>" + "<i></i>" * n + "<div><p><a href='#s'>Partie</a></p></div>" * n + "</div>"
        tags = '<div>Tags : <a href="/tag/x" rel="tag">x</a>' * n + "</div>" * n  # nested, none closed near
        unended = '<p><a href="/tag/a" rel="' + "rel=" * n + '">a</a><a' + "b" * (20 * n) + "</p>"  # a tag's name
        return f"<main><h1>Guide</h1>{anchors}{labelled}{spaces}{tags}{unended}<p>{'mot ' * n}</p></main>"

    pages = {n: page(n) for n in (500, 2000)}
    assert grows_linearly(lambda n: parse_html(pages[n]), 500)
