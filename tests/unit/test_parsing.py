import re

import pytest

from rag.corpus.chunking import Chunker
from rag.corpus.formats.html import parse_html
from rag.corpus.formats.markdown import parse_markdown
from rag.corpus.formats.text import parse_text
from rag.corpus.reader import SLUG_MAX, read_document, slug, unique_ids
from tests.helpers.paths import CORPUS

FAQ = (CORPUS / "sequra-faq-marchands.txt").read_text(encoding="utf-8")
ARTICLE = (CORPUS / "secu-debi-plateforme.txt").read_text(encoding="utf-8")
LEGEND = ["Versions Compared", "Key", "This line was added.", "This line was removed.", "Formatting was changed."]


def _all_text(parsed):
    return [s.heading or "" for s in parsed.sections] + [line.text for s in parsed.sections for line in s.lines]


def test_diff_legend_and_elisions_never_reach_the_text():
    for text in _all_text(parse_text(FAQ)):
        assert not any(legend in text for legend in LEGEND), text
        assert text.strip() not in {"...", "…"}


def test_questions_split_by_elisions_are_joined():
    headings = [s.heading for s in parse_text(FAQ).sections]
    assert "Après avoir effectué l’achat, pourquoi avons-nous essayé de joindre votre client ?" in headings
    assert any(h and h.endswith("acceptés ?") and h.startswith("Quel document") for h in headings)


def test_faq_answers_sit_under_their_question():
    sections = {s.heading: s for s in parse_text(FAQ).sections}
    refund = sections["Quand est-ce que vous allez procéder au remboursement ?"]
    assert any("délai de 5 jours" in line.text for line in refund.lines)


def test_article_title_lines_become_sections():
    headings = [s.heading for s in parse_text(ARTICLE).sections]
    assert headings == [None, "Service client et désabonnement", "Sécurisation des transactions"]


def test_offsets_point_at_the_lines():
    for source in (FAQ, ARTICLE):
        for section in parse_text(source).sections:
            for line in section.lines:
                assert source[line.start:line.end] == line.text


def test_markdown_headings_and_front_matter():
    text = "---\ntitle: Guide\nurl: https://example.org/guide\n---\n# Intro\nHello there.\n## Retours\nSous 14 jours.\n"
    parsed = parse_markdown(text)
    assert parsed.title == "Guide" and parsed.url == "https://example.org/guide"
    assert [(s.heading, [line.text for line in s.lines]) for s in parsed.sections] == [
        ("Intro", ["Hello there."]), ("Retours", ["Sous 14 jours."])]


def test_a_rule_and_text_at_the_top_are_no_front_matter():
    text = "---\nLa clé du coffre est au deuxième étage.\n---\n\nSuite du texte.\n"
    parsed = parse_markdown(text)
    assert parsed.title is None
    # CommonMark reads a rule (no text), then a setext heading (the text underlined by the second rule)
    assert [(s.heading, [line.text for line in s.lines]) for s in parsed.sections] == [
        ("La clé du coffre est au deuxième étage.", ["Suite du texte."])]
    yaml = parse_markdown("---\ntitle: \"Guide: retours\"\ntags:\n  - aide\n- faq\n# a comment\n\n---\nTexte.\n")
    assert yaml.title == "Guide: retours"
    assert [line.text for s in yaml.sections for line in s.lines] == ["Texte."]


def test_html_keeps_headings_drops_scripts():
    html = ("<html><head><title>Aide</title><script>var x = 1;</script></head><body>"
            "<h2>Livraison</h2><p>Sous <b>48 h</b> &amp; gratuite.</p><script>evil()</script>"
            "<ul><li>France</li><li>Belgique</li></ul></body></html>")
    parsed = parse_html(html)
    assert parsed.title == "Aide"
    (section,) = parsed.sections
    assert section.heading == "Livraison"
    assert [line.text for line in section.lines] == ["Sous 48 h & gratuite.", "France", "Belgique"]
    first = section.lines[0]
    assert html[first.start:first.end] == "<p>Sous <b>48 h</b> &amp; gratuite.</p>"


def test_html_leaves_page_furniture_out():
    # a help-centre page as sites export it: banner, menu, sidebar, cookie dialog around the article, whose FAQ is an
    # accordion (the question a <button> in its heading, the answer a panel `hidden` until opened)
    page = ("<html><head><title>Remboursements</title></head><body>"
            "<header role='banner'><a href='/'>Acme</a><h1>Centre d'aide</h1></header>"
            "<div role='dialog'><p>Nous utilisons des cookies.</p><button>Accepter</button></div>"
            "<nav><ul><li>Accueil</li></ul></nav><aside><h2>Articles liés</h2><ul><li>Livraison</li></ul></aside>"
            "<main><h1>Remboursements</h1><div class='body'><p>Sous 5 jours ouvrés.</p>"
            "<h3><button aria-expanded='false' aria-controls='r1'>Et pour une carte étrangère ?</button></h3>"
            "<div id='r1' hidden><p>Le même délai.</p></div><aside><p>Astuce : gardez le reçu.</p></aside></div>"
            "<p>Le pays : <select><option>France</option><option>Belgique</option></select>compte.</p></main>"
            "<div class='footer-links'><p>Mentions légales</p></div><footer><p>© Acme</p></footer>"
            "<svg><title>icône</title></svg></body></html>")
    parsed = parse_html(page)
    assert parsed.title == "Remboursements"
    assert [(s.heading, [line.text for line in s.lines]) for s in parsed.sections] == [
        ("Remboursements", ["Sous 5 jours ouvrés."]), ("Et pour une carte étrangère ?", ["Le même délai."]),
        # what follows the answer's panel is the page's again, as after a </details> (layout 57)
        ("Remboursements", ["Astuce : gardez le reçu.", "Le pays : compte."])]
    # without <main>, the <article>s are the content; without either, the whole body less its furniture
    articles = parse_html("<nav><p>Accueil</p></nav><div><p>Menu</p></div><article><p>Un premier article.</p>"
                          "</article><p>Entre</p><article><p>Un second article.</p></article>")
    assert [line.text for s in articles.sections for line in s.lines] == ["Un premier article.", "Un second article."]
    plain = parse_html("<header><h1>FAQ</h1></header><div role='navigation'><p>Accueil</p></div><p>Réponse.</p>"
                       "<footer><p>© Acme</p></footer>")
    assert [(s.heading, [line.text for line in s.lines]) for s in plain.sections] == [("FAQ", ["Réponse."])]


def test_html_furniture_named_by_class_or_id_is_left_out_where_measured_to_be_furniture():
    """A page built of <div>s, saved from an older site: its menu, breadcrumb trail, sidebar, cookie notice and footer
    carry their names in class and id only. They were indexed around the article, the menu in every page's passages.
    An element so named is left out when most of its text is in links or it holds at most a quarter of the page's
    text; a wrapper whose name misleads ("layout-with-sidebar", around the article) holds more and is read."""
    article = ("<h1>Remboursements</h1><p>Nous remboursons sous 14 jours après réception du colis retourné, par le "
               "moyen de paiement utilisé.</p><p>Les frais de retour sont offerts aux membres du club.</p>")
    page = ("<html><body><div id='header'><a href='/'>Acme</a></div><div class='site-menu'><ul>"
            "<li><a href='/a'>Accueil</a></li><li><a href='/b'>Aide</a></li></ul></div>"
            "<div class='breadcrumbs'><a href='/'>Accueil</a> &gt; <a href='/aide'>Aide</a> &gt; Remboursements</div>"
            f"<div class='layout-with-sidebar'><div class='texte'>{article}</div>"
            "<div class='sidebar'><h3>Articles liés</h3><p>Livraison</p></div></div>"
            "<div id='cookie_banner'><p>Nous utilisons des cookies.</p><button>OK</button></div>"
            "<div class='footer'><p>Acme SAS, Paris</p></div></body></html>")
    parsed = parse_html(page)
    assert [(s.heading, [line.text for line in s.lines]) for s in parsed.sections] == [
        (None, ["Acme"]),
        ("Remboursements", ["Nous remboursons sous 14 jours après réception du colis retourné, par le moyen de "
                            "paiement utilisé.", "Les frais de retour sont offerts aux membres du club."])]
    (first,) = parsed.sections[1].lines[:1]
    assert page[first.start:first.end].startswith("<p>Nous remboursons")  # citations still point into the source

    def lines(html: str) -> list[str]:
        return [line.text for s in parse_html(html).sections for line in s.lines]

    # a name that holds most of the page in words of its own is read: a restaurant's menu is its content
    long = "Entrée, plat et dessert du jour, servis midi et soir, avec un verre de vin de la région. " * 3
    assert lines(f"<div class='menu'><p>{long.strip()}</p></div><p>Réserver</p>") == [long.strip(), "Réserver"]
    # a content word in the name wraps the content: read
    assert lines("<div class='content-sidebar'><p>Le corps.</p></div><p>" + "Suite du texte. " * 10 + "</p>")[0] == (
        "Le corps.")
    # an id names furniture by furniture words only: a documentation page's section ids are its headings' slugs
    prose = "<p>" + "Ouvre un fichier existant dans une nouvelle fenêtre. " * 4 + "</p>"
    assert lines(f"<div id='main-menu'><a href='/'>Accueil</a></div><div id='file-menu-shell'><p>File menu</p></div>"
                 f"<section id='navigation'><h2>Navigation</h2><p>Au clavier.</p></section>{prose}") == [
        "File menu", "Au clavier.", prose[3:-4].strip()]  # "Navigation" heads the last two
    # a navigation table inside a layout table's cell ends the row it stands in, as the table read would: what
    # follows it in the cell stays lines of their own
    assert lines("<table><tr><td><table class='navigation'><tr><td><a href='/p'>Précédent</a></td></tr></table>"
                 "<p>Un.</p><pre>deux\ntrois</pre></td></tr></table>") == ["Un.", "deux", "trois"]
    # a page that is all named links (a site map) is read whole rather than left empty
    site_map = "".join(f"<li class='menu-item'><a href='/{n}'>Page {n}</a></li>" for n in range(20))
    assert lines(f"<ul class='nav'>{site_map}</ul><p>Plan du site</p>") == [f"Page {n}" for n in range(20)] + [
        "Plan du site"]


def test_html_furniture_by_name_reads_sections_omitted_end_tags_and_names_shared_by_content():
    """Review of the furniture read by name. A named element never closed (`<p class="footer">` whose end tag is
    optional) was left out, took the rest of the page with it, and so had the page read again leniently: its <nav>
    read, its other named furniture too. A page without `</head>` (optional) had nothing measured. docutils' and
    pandoc's sections are `<div class="section" id="cookies">`: a privacy policy lost its Cookies section, an API
    page its Pagination one. A restaurant's three `<div class="menu">`, each under a quarter of the page, were all
    left out: elements of one name are measured by size together. A `<div class="page-banner">` holding the page's
    <h1> and its lead was left out, the article's heading with it. And the page's text an element is measured against
    counted what is never read (a <nav>'s links)."""
    def lines(html: str) -> list[str]:
        return [line.text for s in parse_html(html).sections for line in s.lines]

    prose = "<p>" + "Le texte principal de la page, avec des phrases longues et utiles. " * 6 + "</p>"
    body = prose[3:-4].strip()
    assert lines(f"<html><body><nav><a href='/'>Home</a></nav><div class='site-menu'><a href='/x'>X</a></div>"
                 f"{prose}<p class='footer'>Copyright Acme</body></html>") == [body, "Copyright Acme"]
    assert lines(f"<html><head><title>T</title><body><div class='sidebar'><a href='/a'>Un</a> <a href='/b'>Deux</a>"
                 f"</div>{prose}</body></html>") == [body]
    assert lines(f"<div class='section' id='privacy'><h1>Privacy</h1>{prose}</div><div class='section' "
                 "id='cookies'><h2>Cookies</h2><p>We use cookies to keep you signed in.</p></div>") == [
        body, "We use cookies to keep you signed in."]

    def menu(name: str) -> str:
        return f"<div class='menu'><h2>{name}</h2>" + "".join(
            f"<p>Plat {n} du {name}, sauce maison, 14 euros</p>" for n in range(6)) + "</div>"

    parsed = parse_html(f"<h1>Chez Paul</h1>{prose}{menu('midi')}{menu('soir')}{menu('vins')}")
    assert [(s.heading, len(s.lines)) for s in parsed.sections] == [
        ("Chez Paul", 1), ("midi", 6), ("soir", 6), ("vins", 6)]
    # a banner over the article holds its title, in words of its own: read; a logo, in a link, is not
    parsed = parse_html(f"<div class='banner'><h1><a href='/'>Acme</a></h1></div><div class='page-banner'>"
                        f"<h1>Nous contacter</h1><p>Une question ?</p></div>{prose}{prose}")
    assert [(s.heading, len(s.lines)) for s in parsed.sections] == [("Nous contacter", 3)]
    # measured against the text that is read: a <nav> of 150 links (left out by its element) made the menus that
    # are all of <main> look a small part of the page
    nav = "<nav>" + "".join(f"<a href='/{n}'>Rubrique numéro {n}</a>" for n in range(150)) + "</nav>"
    parsed = parse_html(f"{nav}<main><h1>Carte</h1><p>Midi et soir.</p>{menu('jour')}{menu('soir')}</main>")
    assert [(s.heading, len(s.lines)) for s in parsed.sections] == [("Carte", 1), ("jour", 6), ("soir", 6)]
    # what the page marks as its content by its role is never furniture by its name
    offices = "<div class='site-info'>" + "<p>Agence du port, ouverte du lundi au vendredi</p>" * 30 + "</div>"
    assert lines(f"<div role='main' class='layout-sidebar'><h2>Horaires</h2><p>Le guichet ouvre à 9 h.</p></div>"
                 f"{offices}")[:2] == ["Le guichet ouvre à 9 h.", "Agence du port, ouverte du lundi au vendredi"]
    # both readings count the tags a named element holds alike, a <template>'s included: the first closed this <li>
    # at its end tag, the second saw the template's <li> open in it, never closed it, and read the page again leniently
    # (its <nav> with it)
    assert lines(f"<nav><a href='/'>Accueil</a></nav><ul><li class='menu-item'><a href='/a'>Aide</a><template><li>"
                 f"{{{{nom}}}}</template></li></ul>{prose}") == ["Aide", body]


def test_html_controls_side_by_side_keep_their_words_apart():
    """Buttons written without a space between them were indexed as one word ("OuiNon", "SM"), as was a form's
    label run into its field's text. (A "was this useful? Oui Non" widget is left out now: `test_feedback_widgets`.)"""
    parsed = parse_html("<main><p>Le remboursement est fait sous 14 jours.</p><div class='sizes'><p>Tailles "
                        "disponibles</p><button>S</button><button>M</button></div><p><label>Quantité"
                        "</label><b>2</b> articles</p><h3><button aria-expanded='false'>Et en magasin ?</button>"
                        "</h3><p>Sous 7 jours.</p></main>")
    assert [(s.heading, [line.text for line in s.lines]) for s in parsed.sections] == [
        (None, ["Le remboursement est fait sous 14 jours.", "Tailles disponibles", "S M",
                "Quantité 2 articles"]),
        ("Et en magasin ?", ["Sous 7 jours."])]


def test_an_html_pre_block_keeps_its_lines_and_their_indentation():
    """A documentation page's configuration example in <pre><code>: it was indexed as one line, "proxy: url: ...
    interval: 60", its nesting lost, so that a passage quoted it wrong. Each line stands apart, indented as it is
    beyond the block's own margin, cited by the element's offsets."""
    page = ("<main><h2>Proxy</h2><p>Exemple :</p><pre><code>    proxy:\n      url: http://proxy.local:3128\n\n"
            "    <span class='k'>interval</span>: 60\n</code></pre><p>Fin.</p></main>")
    parsed = parse_html(page)
    assert [(s.heading, [line.text for line in s.lines]) for s in parsed.sections] == [
        ("Proxy", ["Exemple :", "proxy:", "  url: http://proxy.local:3128", "interval: 60", "Fin."])]
    code = [line for line in parsed.sections[0].lines if "proxy" in line.text]
    assert {page[line.start:line.end] for line in code} == {page[page.index("<pre>"):page.index("</pre>") + 6]}


def test_html_content_marks_are_trusted_only_where_they_hold_the_page():
    def lines(page: str) -> list[str]:
        return [line.text for s in parse_html(page).sections for line in s.lines]

    # an empty <main> (a template's), comments marked up as articles under a post that is not: the page is read whole
    assert lines("<main></main><div><p>Le contenu.</p></div>") == ["Le contenu."]
    post = "<div class=post><h1>Post</h1><p>Tout le texte du billet, qui est long.</p></div>"
    assert lines(post + "<section><article><p>Bien !</p></article></section>") == [
        "Tout le texte du billet, qui est long.", "Bien !"]
    # furniture whose end tag is missing does not take the rest of the page with it; nor does a missing </head>
    assert lines("<nav><p>Menu</p><main><p>Le corps de l'article.</p></main>") == ["Le corps de l'article."]
    assert lines("<nav><p>Menu<div><p>Le corps de l'article.</p></div>") == ["Menu", "Le corps de l'article."]
    assert lines("<head><title>T</title><meta charset=utf-8><body><main><p>Le corps.</p></main>") == ["Le corps."]
    # a `hidden` paragraph whose </p> is left out (optional in HTML) hides nothing after it
    assert lines("<main><p hidden>Ancienne note<p>Un.<p>Deux.</main>") == ["Ancienne note", "Un.", "Deux."]
    # role="main" counts its own nesting; what follows it is not content
    assert lines("<div role='main'><p>Le corps.</p><div hidden><p>Caché</p></div></div>"
                 "<div class='sidebar'><p>Promo</p></div>") == ["Le corps.", "Caché"]
    # text written straight inside <main> is cited with its element, end tag included
    page = "<main>Texte direct dans main</main><div><p>Pied</p></div>"
    (line,) = parse_html(page).sections[0].lines
    assert page[line.start:line.end] == "<main>Texte direct dans main</main>"


def _headings(tmp_path, name: str, text: str) -> list[tuple[str | None, list[str]]]:
    (tmp_path / name).write_text(text, encoding="utf-8")
    doc = read_document(tmp_path, tmp_path / name)
    return [(s.heading, [line.text for line in s.lines]) for s in doc.sections]


def test_a_heading_stands_under_the_headings_above_it(tmp_path):
    # the same "Délais" under two delivery modes: each section says which; the title heading is left out of paths
    page = ("# Livraison\n\nNous livrons partout en France.\n\n## Express (Chronopost)\n\n### Délais\n\n24 h.\n\n"
            "### Tarifs\n\n9 €.\n\n## Standard\n\n### Délais\n\n3 jours.\n\n"
            "# Retours\n\n#### Sous 14 jours\n\nGratuit.\n")
    assert _headings(tmp_path, "livraison.md", page) == [
        ("Livraison", ["Nous livrons partout en France."]),
        ("Express (Chronopost) › Délais", ["24 h."]),
        ("Express (Chronopost) › Tarifs", ["9 €."]),
        ("Standard › Délais", ["3 jours."]),
        ("Retours › Sous 14 jours", ["Gratuit."]),  # a second level-1 heading closes all the others
    ]


def test_a_page_title_that_adds_the_site_name_is_not_repeated_in_heading_paths(tmp_path):
    """A help centre's page: <title> "Retours et remboursements – MaBoutique", <h1> "Retours et remboursements", an
    FAQ entry under it. The label read "Retours et remboursements – MaBoutique › Retours et remboursements ›
    Le retour est-il gratuit ?": the page's name twice."""
    page = ("<html><head><title>{title}</title></head><body><main><h1>Retours et remboursements</h1>"
            "<p>Tout sur vos retours.</p><h2>Le retour est-il gratuit ?</h2><p>Oui, en point relais.</p></main>"
            "</body></html>")
    for title in ("Retours et remboursements – MaBoutique", "Retours et remboursements | Centre d'aide",
                  "MaBoutique - Retours et remboursements"):
        assert _headings(tmp_path, "retours.html", page.format(title=title)) == [
            ("Retours et remboursements", ["Tout sur vos retours."]),
            ("Le retour est-il gratuit ?", ["Oui, en point relais."])]
    # a title that only starts with the heading's words, or holds it without a separator, keeps the path
    for title in ("Retours et remboursements rapides", "Retours et remboursements: guide"):
        assert _headings(tmp_path, "retours.html", page.format(title=title))[1][0] == \
            "Retours et remboursements › Le retour est-il gratuit ?"


def test_setext_headings_open_sections(tmp_path):
    page = ("Retours\n=======\n\nSous 14 jours.\n\nRemboursement\n-------------\nSous 5 jours.\n\n"
            "Une liste :\n- un article\n---\n\nUne pause.\n\n---\n\nFin.\n")
    # "Remboursement" stands under the title's heading; a list item is no heading text; a rule under it or after a
    # blank line is a rule, no text
    assert _headings(tmp_path, "retours.md", page) == [
        ("Retours", ["Sous 14 jours."]),
        ("Remboursement", ["Sous 5 jours.", "Une liste :", "- un article", "Une pause.", "Fin."]),
    ]


def test_an_html_table_row_is_one_line_and_headings_nest(tmp_path):
    html = ("<h1>Aide</h1><h2>Frais</h2><h3>Paiement en plusieurs fois</h3><table><caption>Frais par formule"
            "</caption><tr><th>Formule</th><th>Frais</th></tr><tr><td>3 fois</td><td><p>1,5 %</p><p>min. 1 €</p></td>"
            "</tr><tr><td>4 fois<td>2 %</table><p>Après le tableau.</p>")
    assert _headings(tmp_path, "aide.html", html) == [
        ("Frais › Paiement en plusieurs fois",
         ["Frais par formule", "Formule | Frais", "3 fois | 1,5 % min. 1 €", "4 fois | 2 %", "Après le tableau."]),
    ]
    assert [line.text for line in parse_html("<p>a\x00b</p>").sections[0].lines] == ["a\x00b"]  # no cell break
    (row,) = [line for line in parse_html(html).sections[0].lines if line.text.startswith("3 fois")]
    assert html[row.start:row.end] == "<tr><td>3 fois</td><td><p>1,5 %</p><p>min. 1 €</p></td></tr>"


def test_text_in_divs_is_cited_where_it_stands(tmp_path):
    # a page built of <div>s, text straight inside them: each is a line whose span holds it, inside the file
    rules = [f"La règle {n} impose un nouveau mot de passe tous les {30 + n} jours." for n in range(40)]
    html = ("<html><body><div id='app'><h2>Politique</h2>\n"
            + "\n".join(f"<div class='para'>{rule}</div>" for rule in rules)
            + "\nTexte libre <b>en gras</b> à la fin.</div></body></html>")
    (section,) = parse_html(html).sections
    assert [line.text for line in section.lines] == [*rules, "Texte libre en gras à la fin."]
    for line in section.lines:
        shown = re.sub(r"<[^>]+>", "", html[line.start:line.end])
        assert 0 <= line.start < line.end <= len(html) and line.text in shown
    (tmp_path / "politique.html").write_text(html, encoding="utf-8")
    chunks = Chunker(lambda texts: [len(t.split()) for t in texts], max_tokens=20).chunk(
        read_document(tmp_path, tmp_path / "politique.html"))
    assert len(chunks) > 1
    for chunk in chunks:
        assert 0 <= chunk.start < chunk.end <= len(html)
        shown = " ".join(re.sub(r"<[^>]+>", "", html[chunk.start:chunk.end]).split())
        assert all(line in shown for line in chunk.text.splitlines())


def _documents(tmp_path, names: list[str]) -> list:
    for name in names:
        (tmp_path / name).write_text(f"# {name}\n\nTexte de {name}.\n", encoding="utf-8")
    return [read_document(tmp_path, tmp_path / name) for name in sorted(names)]


def test_ids_fold_accents_and_keep_other_scripts():
    assert slug("aide/Sécurité des paiements.md") == "aide-securite-des-paiements"
    assert slug("返品ポリシー.md") == "返品ポリシー" and slug("Политика.md") == "политика"
    assert slug("???.md") == "document"


def test_a_document_id_is_bounded_whatever_its_path():
    """An id longer than a filter or a passage id can name made its passages unfetchable: a deep path keeps its
    start and a hash of the whole; so does a path of characters that compatibility decomposition lengthens."""
    deep, other = "/".join(["dossier"] * 200) + "/a.md", "/".join(["dossier"] * 200) + "/b.md"
    assert len(slug(deep)) == SLUG_MAX and slug(deep) != slug(other) and slug(deep) == slug(deep)
    assert slug(deep).startswith("dossier-dossier-")
    assert len(slug("\ufdfa" * 100 + ".md")) <= SLUG_MAX  # 1,800 letters once decomposed


def test_a_file_keeps_its_id_when_another_takes_its_slug(tmp_path):
    first = _documents(tmp_path, ["faq.md"])
    unique_ids(first)
    previous = {doc.source: doc.doc_id for doc in first}
    # faq.html sorts before faq.md: without the previous ids it would take "faq"
    both = _documents(tmp_path, ["faq.md", "faq.html", "faq-2.md"])
    renamed = unique_ids(both, previous)
    assert {doc.source: doc.doc_id for doc in both} == {"faq.md": "faq", "faq.html": "faq-3", "faq-2.md": "faq-2"}
    assert {doc.source for doc in renamed} == {"faq.html"}
    fresh = _documents(tmp_path, ["faq.md", "faq.html"])
    unique_ids(fresh)  # no previous build: corpus order
    assert [doc.doc_id for doc in fresh] == ["faq", "faq-2"]
    stale = _documents(tmp_path, ["faq.md"])
    unique_ids(stale, {"faq.md": "retours"})  # an id that is no longer its slug's is not kept
    assert stale[0].doc_id == "faq"


def test_a_utf8_file_with_a_stray_byte_is_refused_not_garbled(tmp_path):
    utf8 = ("Votre réponse est arrivée. " * 10).encode()
    (tmp_path / "mixed.txt").write_bytes(utf8 + "Garantie \xe9tendue.".encode("latin-1"))
    with pytest.raises(ValueError, match=r"not valid UTF-8 \(byte 299\)"):
        read_document(tmp_path, tmp_path / "mixed.txt")


def test_front_matter_is_yaml_not_prose():
    lenient = parse_markdown("---\ntitle: Guide\ndate:2024-01-01\n---\nCorps.\n")
    assert lenient.title == "Guide" and [line.text for s in lenient.sections for line in s.lines] == ["Corps."]
    prose = parse_markdown("---\nAttention : les délais changent en août.\n---\nSuite.\n")
    assert prose.title is None
    assert [s.heading for s in prose.sections] == ["Attention : les délais changent en août."]


def test_ids_keep_the_marks_of_other_scripts_and_paths_skip_empty_headings(tmp_path):
    assert [slug(n) for n in ("नीति.md", "नेता.md", "مُدير.md")] == ["नीति", "नेता", "مُدير"]
    page = "# Doc\n\n## \t#\n\n### Sous-partie\n\nTexte.\n"
    assert _headings(tmp_path, "vide.md", page) == [("Sous-partie", ["Texte."])]


def test_html_list_items_end_cleanly(tmp_path):
    intro = "Voici une phrase d'introduction assez longue pour occuper une bonne part de la place disponible."
    html = f"<h2>Moyens</h2><p>{intro}</p><ul>" + "".join(f"<li>Option {n}</li>" for n in range(12)) + "</ul>"
    (tmp_path / "moyens.html").write_text(html, encoding="utf-8")
    chunks = Chunker(lambda texts: [len(t.split()) for t in texts], max_tokens=30).chunk(
        read_document(tmp_path, tmp_path / "moyens.html"))
    assert chunks[0].text.startswith(intro) and "Option 0" in chunks[0].text  # items are no titles to carry over
    lines = [line for chunk in chunks for line in chunk.text.splitlines()]
    assert lines == [intro, *(f"Option {n}" for n in range(12))]


def test_an_html_definition_term_and_its_first_definition_are_one_line():
    html = ("<h1>Deposit</h1><dl><dt>Amount</dt><dd>Two <b>months</b> of rent</dd><dt>Returned?</dt>"
            "<dd>Within 30 days.</dd><dd>Less any repairs.</dd><dt>Alone</dt></dl><p>Then <dd>loose</dd></p>")
    (section,) = parse_html(html).sections
    assert [line.text for line in section.lines] == [
        "Amount: Two months of rent", "Returned? Within 30 days.", "Less any repairs.", "Alone", "Then", "loose"]
    first = section.lines[0]
    assert html[first.start:first.end] == "<dt>Amount</dt><dd>Two <b>months</b> of rent</dd>" and first.item
    apart = "<dl><dt>Question</dt></dl><dl><dd>Another list's definition</dd></dl>"  # a term of another list
    assert [line.text for line in parse_html(apart).sections[0].lines] == ["Question", "Another list's definition"]


def test_the_last_line_of_an_address_is_no_title():
    text = ("Our customer service team answers every message within one working day.\n\nExample Ltd\n12 High Street\n"
            "London EC1A 1BB\nUnited Kingdom\n\nPhone lines are open from Monday to Friday, 9 am to 5 pm. Calls cost "
            "the same as a local call.\n\nOpening hours\n\nThe shop opens at nine every morning, and closes at six in "
            "the evening.\n")
    assert [s.heading for s in parse_text(text).sections] == [None, "Opening hours"]  # a title on its own still is


def test_a_lone_title_line_before_the_first_section_is_the_documents_title(tmp_path):
    """"Gérer votre compte", then its sections: the first line was a passage of its own, first for unrelated
    questions; it is the title, and the document keeps it (a file's front matter or the file name otherwise)."""
    text = ("Gérer votre compte client ColisVert\n\nCréer un compte\nPour créer un compte, cliquez sur « S'inscrire » "
            "en haut de la page d'accueil.\n\nMot de passe oublié\nCliquez sur « Mot de passe oublié » sur la page "
            "de connexion, un lien vous est envoyé.\n")
    parsed = parse_text(text)
    assert parsed.title == "Gérer votre compte client ColisVert"
    assert [s.heading for s in parsed.sections] == ["Créer un compte", "Mot de passe oublié"]
    (tmp_path / "compte.txt").write_text(text, encoding="utf-8")
    doc = read_document(tmp_path, tmp_path / "compte.txt")
    assert doc.title == "Gérer votre compte client ColisVert"
    sentence = "Notre service client répond à chaque message sous un jour ouvré, du lundi au vendredi.\n\nHoraires\n"
    assert parse_text(sentence + "Ouvert de neuf heures à dix-huit heures, tous les jours sauf le dimanche.\n").title \
        is None  # a first line that is a sentence is text
    declared = read_document(tmp_path, tmp_path / "compte.txt", {"title": "Aide ColisVert"})  # as sources.toml says:
    # a declared title, and the line stays, as the heading its sections stand under
    assert declared.title == "Aide ColisVert"
    assert declared.sections[0].heading == "Gérer votre compte client ColisVert › Créer un compte"


def test_a_title_line_over_a_files_one_body_is_the_documents_title(tmp_path):
    """"Inscription à la médiathèque", then its one paragraph: the line headed the file's only section, under a title
    made from the file's name ("Inscription › Inscription à la médiathèque"); it is the title, as a lone title line
    before headed sections is. A one-line file keeps its line as text, and a question over its answer stays a
    heading."""
    from rag.corpus.chunking import Chunker
    from rag.search.remembered import citation

    body = ("Pour vous inscrire, présentez-vous à l'accueil muni d'une pièce d'identité et d'un justificatif de "
            "domicile de moins de trois mois.\n")
    (tmp_path / "inscription.txt").write_text("Inscription à la médiathèque\n\n" + body, encoding="utf-8")
    doc = read_document(tmp_path, tmp_path / "inscription.txt")
    assert doc.title == "Inscription à la médiathèque"
    assert [(s.heading, [line.text for line in s.lines]) for s in doc.sections] == [
        ("Inscription à la médiathèque", [body.strip()])]  # its heading too, left out of the label (`citation`)
    chunks = Chunker(lambda texts: [len(t.split()) for t in texts], max_tokens=60).chunk(doc)
    assert [citation(c).label for c in chunks] == ["Inscription à la médiathèque"]
    assert chunks[0].text == body.strip()
    assert doc.text[chunks[0].start:chunks[0].end] == doc.text.strip()  # the title line: in its span, as before
    # under a title sources.toml declares, the line still heads the passage: its text is in no passage else
    declared = read_document(tmp_path, tmp_path / "inscription.txt", {"title": "Médiathèque municipale"})
    chunks = Chunker(lambda texts: [len(t.split()) for t in texts], max_tokens=60).chunk(declared)
    assert [citation(c).label for c in chunks] == ["Médiathèque municipale › Inscription à la médiathèque"]
    (tmp_path / "seul.txt").write_text("Inscription à la médiathèque\n", encoding="utf-8")
    alone = read_document(tmp_path, tmp_path / "seul.txt")
    assert (alone.title, [s.heading for s in alone.sections]) == ("Seul", [None])
    asked = parse_text("Comment s'inscrire à la médiathèque ?\n\n" + body)
    assert (asked.title, [s.heading for s in asked.sections]) == (None, ["Comment s'inscrire à la médiathèque ?"])


@pytest.mark.parametrize("greeting", ["Bonjour à tous", "Chère cliente, cher client", "Madame, Monsieur",
                                      "Dear customers", "Sehr geehrte Damen und Herren", "Hola"])
def test_a_greeting_over_a_message_is_neither_its_title_nor_a_heading(greeting):
    """A note or an e-mail saved as text opens on its salutation, which has a title's shape (short, a capital, no
    sentence end) and was taken as the document's title, then as the label of every citation."""
    body = ("La médiathèque sera fermée le lundi 3 juin pour l'inventaire annuel. Les retours se feront par la boîte "
            "extérieure et les réservations seront prolongées d'une semaine.\n")
    parsed = parse_text(f"{greeting}\n{body}")
    assert (parsed.title, [s.heading for s in parsed.sections]) == (None, [None])
    headed = parse_text(f"{greeting}\n\nFermeture annuelle\n{body}\nHoraires d'été\n{body}")
    assert [s.heading for s in headed.sections] == [None, "Fermeture annuelle", "Horaires d'été"]
    assert headed.title is None and headed.sections[0].lines[0].text == greeting  # kept as text


def test_a_line_wrapped_before_a_date_written_as_an_ordinal_heads_nothing():
    """German writes a date's day as an ordinal ("1. Januar 2026"): a sentence wrapped before it opened a numbered
    item, and the line before it, "Liebe Kundinnen und Kunden, ab dem", headed the paragraph it begins."""
    parsed = parse_text(
        "Liebe Kundinnen und Kunden, ab dem\n"
        "1. Januar 2026 gelten neue Preise für alle Tarife. Der Grundpreis steigt um 2 Euro im Monat.\n"
        "Ihr Sonderkündigungsrecht bleibt bestehen: Sie können bis zum\n"
        "31. Dezember 2025 kündigen, ohne Gebühren zu zahlen.\n\n"
        "Kündigung\n\nEine Kündigung ist jederzeit schriftlich möglich, mit einer Frist von einem Monat zum "
        "Monatsende.\n")
    assert [s.heading for s in parsed.sections] == [None, "Kündigung"]
    assert [line.text for line in parsed.sections[0].lines][1] == (
        "1. Januar 2026 gelten neue Preise für alle Tarife. Der Grundpreis steigt um 2 Euro im Monat.")
    steps = parse_text("Kündigung in drei Schritten\n\n1. Melden Sie sich an.\n2. Öffnen Sie Ihren Vertrag und klicken "
                       "Sie auf Kündigen.\n3. Bestätigen Sie per E-Mail.\n")
    assert [line.text for s in steps.sections for line in s.lines][-3:] == [
        "1. Melden Sie sich an.", "2. Öffnen Sie Ihren Vertrag und klicken Sie auf Kündigen.",
        "3. Bestätigen Sie per E-Mail."]  # numbered steps are still read as such


@pytest.mark.parametrize("line", ["Pour toute question sur votre commande, contactez le",
                                  "For any question about your order, please write to the"])
def test_a_line_ending_on_an_article_or_a_preposition_is_wrapped_text_not_a_heading(line):
    body = ("service client du lundi au vendredi, de 9 heures à 18 heures, par téléphone ou par e-mail, en donnant "
            "votre numéro de commande et votre adresse de livraison.\n")
    parsed = parse_text(f"{line}\n{body}")
    assert (parsed.title, [s.heading for s in parsed.sections]) == (None, [None])
    assert [s.heading for s in parse_text(f"Log in\n{body}").sections] == ["Log in"]  # a particle ends a title


def test_a_file_that_ends_announcing_what_it_lacks_drops_that_line():
    """The seed FAQ's export ends on "Voici le process d’achat standard avec seQura:", the process cut off: a passage
    of one line announcing nothing, quoted as the answer to questions the corpus does not answer."""
    returns = "Retours\nUn client peut retourner un article sous quatorze jours après la livraison.\n"
    text = returns + "\n...\n\nVoici le process:\n"
    assert [[line.text for line in s.lines] for s in parse_text(text).sections] == [
        ["Un client peut retourner un article sous quatorze jours après la livraison."]]
    kept = returns + "Voici comment :\n- en ligne\n"
    assert parse_text(kept).sections[-1].lines[-1].text == "- en ligne"  # an announcement followed by its list stays
    alone = "Contactez-nous à l'adresse suivante:"
    assert [line.text for line in parse_text(alone).sections[0].lines] == [alone]  # a file of that line alone stays


def test_a_numbered_outline_gives_plain_text_its_headings_and_their_path(tmp_path):
    """A member's guide numbered "3. Vos garanties", "3.1 Optique", "3.2 Dentaire": only its questions were headings
    ("1.1 Comment êtes-vous remboursé ?"), and everything from there to the next question was one section."""
    text = ("Guide de l'adhérent Horizon\n\nCe guide répond aux questions les plus fréquentes de nos adhérents sur "
            "leurs remboursements.\n\n1. Vos remboursements\n\n1.1 Comment êtes-vous remboursé ?\n\nPar virement, "
            "dès que l'Assurance Maladie nous transmet vos soins.\n\n1.2 Délais de remboursement\n\nNotre part est "
            "versée sous 48 heures après réception des informations.\n\n2. Vos garanties\n\n2.1 Optique\n\nUn "
            "équipement tous les deux ans pour un adulte, une fois par an pour un enfant.\n\n3. Questions "
            "fréquentes\n\nQ : Les lunettes de soleil sont-elles remboursées ?\nR : Oui, comme un équipement "
            "classique, si elles corrigent la vue.\n")
    parsed = parse_text(text)
    assert parsed.title == "Guide de l'adhérent Horizon"
    (tmp_path / "guide.txt").write_text(text, encoding="utf-8")
    assert _headings(tmp_path, "guide.txt", text) == [
        (None, ["Ce guide répond aux questions les plus fréquentes de nos adhérents sur leurs remboursements."]),
        ("Vos remboursements › Comment êtes-vous remboursé ?",
         ["Par virement, dès que l'Assurance Maladie nous transmet vos soins."]),
        ("Vos remboursements › Délais de remboursement",
         ["Notre part est versée sous 48 heures après réception des informations."]),
        ("Vos garanties › Optique",
         ["Un équipement tous les deux ans pour un adulte, une fois par an pour un enfant."]),
        ("Questions fréquentes › Q : Les lunettes de soleil sont-elles remboursées ?",
         ["R : Oui, comme un équipement classique, si elles corrigent la vue."]),
    ]
    # without numbers on two levels there is no outline: numbered steps stay lines, numbered questions headings
    steps = ("Retourner un article\n\nSuivez ces étapes depuis votre espace client, rubrique commandes.\n\n1. Ouvrez "
             "la commande\n2. Cochez les articles\n3. Imprimez l'étiquette\n")
    wrapped = ("Résultats de l'année\n\nLe chiffre d'affaires a progressé de\n2.5 Millions d'euros sur l'exercice\net "
               "de\n3.1 Millions l'an passé, selon le rapport publié en mars.\n")
    assert [s.heading for s in parse_text(wrapped).sections] == [None]  # wrapped lines, not headings
    # (the title line over the file's one body is its title, and still its section's heading)
    assert [s.heading for s in parse_text(steps).sections] == ["Retourner un article"]
    assert parse_text(steps).title == "Retourner un article"
    assert [line.text for line in parse_text(steps).sections[0].lines][-3:] == [
        "1. Ouvrez la commande", "2. Cochez les articles", "3. Imprimez l'étiquette"]


def test_an_outline_goes_on_with_single_numbers_after_its_last_sub_section():
    """A supplier's customer information numbered "1.", "1.1", "1.2", then "2." to "9." without sub-sections: a single
    number was a heading up to one past the last with sub-sections, so "3." to "9." (and their FAQ) stood inside
    "2. Zählerstand mitteilen"; each number that follows one found goes on with the outline."""
    text = ("Kundeninformation\n\n1. Ihr Abschlag\n\n1.1 Berechnung\n\nNach Ihrem Verbrauch.\n\n1.2 Anpassen\n\n"
            "In der App.\n\n2. Zählerstand\n\nEinmal im Jahr.\n\n3. Umzug\n\nSechs Wochen vorher melden.\n\n"
            "4. Kündigung\n\nMit einem Monat Frist.\n\n6. Ökostrom\n\nAus Wasserkraft.\n")
    sections = parse_text(text).sections
    assert [s.heading for s in sections] == ["Berechnung", "Anpassen", "Zählerstand", "Umzug", "Kündigung"]
    # "6." follows no number found: a line of the section before
    assert [line.text for line in sections[-1].lines] == ["Mit einem Monat Frist.", "6. Ökostrom", "Aus Wasserkraft."]


def test_hard_wrapped_numbered_clauses_are_text_under_the_parts_they_stand_under():
    """A shop's returns policy wrapped at 72 columns, its parts "2. CHANGED YOUR MIND?" over clauses of prose ("2.1
    Online orders: you can return most items within 30 days" / "of the day you receive them ..."): each clause's
    first line was a heading, cut mid-sentence, its sentence's end the section's first line."""
    text = "\n".join([
        "Hollow Oak Home Ltd, 14 Coppergate, York", "",
        "1. ABOUT THIS POLICY", "",
        "1.1 This policy applies to everything you buy from us, whether online, by",
        "phone, or in one of our shops.", "",
        "2. CHANGED YOUR MIND?", "",
        "2.1 Online orders: you can return most items within 30 days",
        "of the day you receive them, for a full refund if they are unused.", "",
        "2.2 Christmas returns: anything bought between 1 November and",
        "24 December can be returned until 31 January.", "",
        "2.3 If an item develops a fault, you are entitled to a refund within",
        "30 days of delivery.", "",
        "3. OUR SHOPS", "",
        "3.1 All shops close at 4pm on Christmas Eve and they are closed on",
        "Christmas Day, Boxing Day and New Year's Day.", ""])
    sections = parse_text(text).sections
    assert [s.heading for s in sections] == ["ABOUT THIS POLICY", "CHANGED YOUR MIND?", "OUR SHOPS"]
    assert [line.text for line in sections[1].lines][:2] == [
        "2.1 Online orders: you can return most items within 30 days",
        "of the day you receive them, for a full refund if they are unused."]
    # titled clauses over their text stay the outline's headings, hard-wrapped text under them or not
    titled = "\n".join([
        "Returns policy", "", "1. Returns", "",
        "1.1 Online orders", "You can return most items within 30 days of the day you receive them,",
        "for a full refund.", "",
        "1.2 Shop purchases", "Bring the item back to any of our shops within 28 days with", "your receipt.", ""])
    assert [s.heading for s in parse_text(titled).sections] == ["Online orders", "Shop purchases"]


def test_an_html_disclosure_summary_heads_its_details(tmp_path):
    """An FAQ accordion: each <summary> asks the question its <details> answers; what follows the last one is the
    section's again."""
    html = ("<h2>Questions fréquentes</h2><p>Les questions qu'on nous pose le plus.</p>"
            "<details><summary>Puis-je recevoir mes factures par courrier ?</summary><p>Oui, sur simple demande.</p>"
            "</details><details><summary>Comment contacter le service client ?</summary><p>Par la messagerie.</p>"
            "</details><p>Une autre question ? Écrivez-nous.</p><h2>Contrat</h2><p>Sans engagement.</p>")
    assert _headings(tmp_path, "faq.html", html) == [
        ("Questions fréquentes", ["Les questions qu'on nous pose le plus."]),
        ("Questions fréquentes › Puis-je recevoir mes factures par courrier ?", ["Oui, sur simple demande."]),
        ("Questions fréquentes › Comment contacter le service client ?", ["Par la messagerie."]),
        ("Questions fréquentes", ["Une autre question ? Écrivez-nous."]),
        ("Contrat", ["Sans engagement."]),
    ]


def test_a_bold_question_opening_a_markdown_paragraph_heads_its_answer(tmp_path):
    """FAQ pages set their questions in bold over the answer; a bold sentence or "**Important :**" stays text."""
    page = ("# Aide\n\n## Questions fréquentes\n\n**Puis-je avoir deux cartes ?**\nOui, avec la carte Premier.\n\n"
            "**Ma carte est refusée, pourquoi ?**\nUn plafond est peut-être atteint.\n\n**Important :** gardez votre "
            "code secret.\n\n**Ne communiquez jamais votre code.**\n\n## Contact\n\nPar la messagerie.\n")
    assert _headings(tmp_path, "aide.md", page) == [
        ("Questions fréquentes › Puis-je avoir deux cartes ?", ["Oui, avec la carte Premier."]),
        ("Questions fréquentes › Ma carte est refusée, pourquoi ?",
         ["Un plafond est peut-être atteint.", "**Important :** gardez votre code secret.",
          "**Ne communiquez jamais votre code.**"]),
        ("Contact", ["Par la messagerie."]),
    ]


def test_an_html_paragraph_all_in_bold_that_reads_as_a_heading_heads_what_follows(tmp_path):
    """A CMS's FAQ sets each question in <strong>; a bold warning, a bold sentence or bold words in a paragraph stay
    text."""
    html = ("<h2>FAQ</h2><p><strong>Puis-je payer en 3 fois ?</strong></p><p>Oui, dès 100 €. <b>Attention</b> aux "
            "frais.</p><p><b>Attention : les frais sont de 2 %.</b></p><p><strong>Livraison</strong> offerte dès "
            "50 €.</p><p><strong>Carte refusée</strong></p><p>Vérifiez le plafond.</p><h2>Contact</h2><p>Par mail.</p>")
    assert _headings(tmp_path, "aide.html", html) == [
        ("FAQ › Puis-je payer en 3 fois ?",
         ["Oui, dès 100 €. Attention aux frais.", "Attention : les frais sont de 2 %.", "Livraison offerte dès 50 €."]),
        ("FAQ › Carte refusée", ["Vérifiez le plafond."]),
        ("Contact", ["Par mail."]),
    ]


def test_a_question_opening_a_file_over_its_title_lines_titles_it():
    """"Comment payer ma facture ?" with no text of its own, then parts its title lines head: as a heading of nothing
    its section was dropped, and its words were in no passage (review of stop 51). It is the file's title, and the
    heading its parts stand under."""
    text = ("Comment payer ma facture ?\n\nLa carte bancaire\n\nVous pouvez payer par carte bancaire depuis votre "
            "espace client, en quelques clics.\n\nLe prélèvement\n\nLe prélèvement automatique est mis en place sous "
            "dix jours ouvrés.\n")
    parsed = parse_text(text)
    assert parsed.title == "Comment payer ma facture ?"
    assert [(s.heading, s.parents) for s in parsed.sections] == [
        ("La carte bancaire", ("Comment payer ma facture ?",)), ("Le prélèvement", ("Comment payer ma facture ?",))]
    # a question over its answer stays its heading, and one over another question heads nothing, as before
    answered = parse_text("Comment payer ma facture ?\n\nPar carte bancaire ou par prélèvement, depuis votre espace "
                          "client.\n\nLa carte bancaire\n\nElle est débitée le jour même, sans frais de dossier.\n")
    assert answered.title is None and answered.sections[0].heading == "Comment payer ma facture ?"
    cut_off = parse_text("Comment payer ma facture ?\n\nPuis-je payer en plusieurs fois ?\n\nOui, en trois fois sans "
                         "frais pour tout achat de plus de 100 euros.\n")
    assert cut_off.title is None and [s.heading for s in cut_off.sections] == ["Puis-je payer en plusieurs fois ?"]
