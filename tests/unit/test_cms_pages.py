"""Small companies' help pages as their site builders write them (audit 54, `tests/data/audit54`): an Elementor FAQ's
accordion titles (a `<div role="button">` over the panel it opens) and its nested accordion's `<summary>` holding a
`<div>` were lines of the section above, the answer quoted for "faut savoir nager ?" the question "Faut-il savoir
nager ?"; Yoast's FAQ block's questions the same; a conditions page's "Article 10 – Garanties" set in bold over a
`<br>` ran into its text, the article inside the one before; Wix's sub-headings in a bold `<span style>` and its
zero-width spacer lines; the share buttons and the blog's comment form were text."""

from rag.corpus.formats.html import parse_html
from tests.unit.test_parsing import _headings

ICON = '<span class="elementor-accordion-icon" aria-hidden="true"><i class="fas fa-plus"></i></span>'


def _item(n: int, question: str, answer: str) -> str:
    return (f'<div class="elementor-accordion-item"><div id="t{n}" class="elementor-tab-title" role="button" '
            f'aria-controls="c{n}" aria-expanded="false">{ICON}<a class="elementor-accordion-title">{question}</a>'
            f'</div><div id="c{n}" class="elementor-tab-content" role="region"><div><p>{answer}</p></div></div></div>')


def test_an_accordion_title_heads_the_panel_it_controls_and_what_follows_the_panel_is_the_section_s_again(tmp_path):
    page = ("<main><h2>Avant de venir</h2><p>Les questions qu'on nous pose.</p><div class=\"elementor-accordion\">"
            + _item(1, "Faut-il savoir nager ?", "Oui, 25 mètres.")
            + _item(2, "Peut-on venir avec son chien ?", "Sur la mini-descente uniquement.")
            + "</div><p>Une autre question ? Appelez-nous.</p>"
            # a "read more" button controls the text above it: it heads nothing; a button that opens nothing is text
            '<div id="more"><p>Le dossier est transféré en 48 heures.</p></div><button aria-expanded="false" '
            'aria-controls="more">Lire la suite</button><div role="button" tabindex="0">Imprimer la page</div>'
            "<h2>Réservation</h2><p>En ligne.</p></main>")
    assert _headings(tmp_path, "faq.html", page) == [
        ("Avant de venir", ["Les questions qu'on nous pose."]),
        ("Avant de venir › Faut-il savoir nager ?", ["Oui, 25 mètres."]),
        ("Avant de venir › Peut-on venir avec son chien ?", ["Sur la mini-descente uniquement."]),
        ("Avant de venir", ["Une autre question ? Appelez-nous.", "Le dossier est transféré en 48 heures.",
                            "Lire la suite", "Imprimer la page"]),
        ("Réservation", ["En ligne."]),
    ]


def test_a_summary_holding_blocks_is_one_heading():
    """Elementor's nested accordion: `<summary>` holds its title in a `<div>` beside the icons'."""
    page = ('<h2>Paiement</h2><details class="e-n-accordion-item"><summary class="e-n-accordion-item-title">'
            '<span class="e-n-accordion-item-title-header"><div class="e-n-accordion-item-title-text">Combien coûte '
            'un canoë ?</div></span><span class="e-n-accordion-item-title-icon"><i class="fas fa-plus"></i></span>'
            '</summary><div role="region"><div><p>22 € par adulte.</p></div></div></details><p>Prix TTC.</p>')
    assert [(s.heading, [line.text for line in s.lines]) for s in parse_html(page).sections] == [
        ("Combien coûte un canoë ?", ["22 € par adulte."]), ("Paiement", ["Prix TTC."])]


def test_a_bold_question_in_a_div_over_its_answer_heads_it_as_yoast_s_faq_block_writes_it(tmp_path):
    page = ('<h2>Vos questions</h2><div class="schema-faq wp-block-yoast-faq-block">'
            '<div class="schema-faq-section" id="faq-question-1"><strong class="schema-faq-question">Le wifi '
            'fonctionne-t-il ?</strong> <p class="schema-faq-answer">Oui, la fibre.</p> </div>'
            '<div class="schema-faq-section" id="faq-question-2"><strong class="schema-faq-question">La piscine est-'
            'elle chauffée ?</strong> <p class="schema-faq-answer">De mai à septembre.</p> </div></div>'
            # a bold sentence in a <div> stays text
            "<h2>Contact</h2><div><b>Nous répondons sous 24 heures, même le week-end.</b></div>")
    assert _headings(tmp_path, "faq.html", page) == [
        ("Vos questions › Le wifi fonctionne-t-il ?", ["Oui, la fibre."]),
        ("Vos questions › La piscine est-elle chauffée ?", ["De mai à septembre."]),
        ("Contact", ["Nous répondons sous 24 heures, même le week-end."]),
    ]


def test_a_bold_run_opening_a_paragraph_over_a_line_break_heads_the_paragraph_s_next_lines(tmp_path):
    """WordPress's classic editor: the article's title, a `<br>` (Shift+Enter), its text, in one paragraph."""
    page = ("<h1>Conditions générales de vente</h1><p><strong>Article 9 – Rétractation</strong></p><p>14 jours.</p>"
            "<p><strong>Article 10 – Garanties</strong><br>Deux ans de garantie légale.</p>"
            # bold words over a line break that are a sentence, and bold words in a line, stay text
            "<p><strong>Attention : les ateliers ne sont pas remboursés.</strong><br>Ils sont reportables.</p>"
            "<p>Le <b>Client</b><br>reçoit un e-mail.</p>"
            # a block all in bold, over line breaks inside its <strong> or from one <b> to the next, stays one line
            "<p><strong>SAS Brûlerie des Canuts<br>12 rue d'Ivry</strong> (Lyon 4e)</p>"
            "<p><b>Version 3</b><br /><b>1er septembre 2024</b> et suivantes</p>")
    assert _headings(tmp_path, "cgv.html", page) == [
        ("Article 9 – Rétractation", ["14 jours."]),
        ("Article 10 – Garanties", ["Deux ans de garantie légale.",
                                    "Attention : les ateliers ne sont pas remboursés. Ils sont reportables.",
                                    "Le Client reçoit un e-mail.", "SAS Brûlerie des Canuts 12 rue d'Ivry (Lyon 4e)",
                                    "Version 3 1er septembre 2024 et suivantes"]),
    ]


def test_a_paragraph_set_bold_by_its_spans_style_heads_what_follows_and_zero_width_spacers_are_no_lines(tmp_path):
    """Wix's text boxes: a sub-heading is a paragraph of a `<span style="font-weight:bold;">`, a blank line a
    paragraph of a zero-width space (`<span class="wixGuard">&#8203;</span>`)."""
    page = ('<main><h2 class="font_2">Financer votre permis</h2><p class="font_7"><span style="font-weight:bold;">'
            'Paiement en plusieurs fois</span></p><p class="font_8"><span>En 4 fois sans frais.</span></p>'
            '<p class="font_8"><span class="wixGuard">\u200b</span></p><p class="font_8"><span style="font-weight:'
            'bold;">Heure supplémentaire</span><span> : 55 €</span></p></main>')
    assert _headings(tmp_path, "tarifs.html", page) == [
        ("Financer votre permis › Paiement en plusieurs fois",
         ["En 4 fois sans frais.", "Heure supplémentaire : 55 €"]),
    ]


def test_share_buttons_and_a_blog_s_comments_are_furniture(tmp_path):
    page = ("<main><article><h1>Infos pratiques</h1>" + "<p>Les arrivées se font à partir de 16 h.</p>" * 12 +
            '<div class="elementor-widget-share-buttons"><div class="elementor-share-btn" role="button">Partager sur '
            'Facebook</div></div></article><div id="comments" class="comments-area"><h2>2 réponses</h2><p>Bonjour, '
            'la piscine est ouverte en avril ?</p><div id="respond" class="comment-respond"><h3>Laisser un '
            'commentaire</h3><form><label for="c">Commentaire *</label><textarea id="c"></textarea></form></div></div>'
            "</main>")
    assert _headings(tmp_path, "infos.html", page) == [
        ("Infos pratiques", ["Les arrivées se font à partir de 16 h."] * 12)]


def test_a_paragraph_opening_a_list_item_is_the_item():
    """Wix writes each item of a list as a paragraph in it: "Dès 15 ans" was a line of text under its price."""
    page = ('<h3>Conduite accompagnée</h3><p>1 490 €</p><ul class="font_8"><li><p class="font_8">Dès 15 ans</p></li>'
            '<li><p class="font_8">20 heures de conduite</p><p>avant le départ</p></li></ul><p>Prix TTC.</p>')
    assert [(line.text, line.item) for line in parse_html(page).sections[0].lines] == [
        ("1 490 €", False), ("Dès 15 ans", True), ("20 heures de conduite", True), ("avant le départ", False),
        ("Prix TTC.", False)]


def test_a_bold_line_heading_nothing_or_right_under_another_is_a_line_as_in_a_word_document(tmp_path):
    """A bold paragraph heads what follows it, but not one right under another (it would head nothing) nor a heading
    or the page's end: "Nouveau !" over a price box's `<h2>` kept its words, as a Word document's bold line does."""
    page = ('<h2>Tarifs</h2><p>Tous nos prix sont TTC.</p><p><span style="font-weight:bold;">Nouveau !</span></p>'
            "<h2>Horaires</h2><p><b>Le bureau</b></p><p><b>Lundi au vendredi</b></p><p>De 14 h à 19 h.</p>"
            "<p><strong>Fermé en août</strong></p>")
    assert _headings(tmp_path, "infos.html", page) == [
        ("Tarifs", ["Tous nos prix sont TTC.", "Nouveau !"]),
        ("Horaires › Le bureau", ["Lundi au vendredi", "De 14 h à 19 h.", "Fermé en août"]),
    ]


def _card(title: str) -> str:
    return (f'<article class="elementor-post post type-post"><h3 class="elementor-post__title"><a href="/">{title}</a>'
            '</h3><div class="elementor-post__excerpt"><p>Deux jours sur l\'eau, une nuit sous les étoiles : comment '
            'préparer votre sac étanche…</p></div><a class="elementor-post__read-more">Lire la suite »</a></article>')


def test_a_list_of_posts_beside_a_page_is_furniture_and_a_blog_s_index_is_read(tmp_path):
    """Elementor's posts widget under an FAQ ("Articles similaires") was three sections of teasers, the second
    passage for "on peut emmener notre chien sur le bivouac ?"."""
    grid = ('<div class="elementor-widget-posts"><div class="elementor-posts-container elementor-posts">'
            + _card("Bivouac dans les gorges") + _card("Le canoë avec des enfants") + "</div></div>")
    answer = "Les chiens sont acceptés sur la mini-descente uniquement."
    faq = "<main><h1>Questions fréquentes</h1>" + f"<p>{answer}</p>" * 16 + "<h2>Articles similaires</h2>" + grid
    assert _headings(tmp_path, "faq.html", faq + "</main>") == [("Questions fréquentes", [answer] * 16)]
    blog = "<main><h1>Le blog</h1>" + grid + "</main>"
    assert [heading for heading, _ in _headings(tmp_path, "blog.html", blog)] == [
        "Bivouac dans les gorges", "Le canoë avec des enfants"]


def test_a_heading_inside_a_summary_heads_as_before():
    """rustdoc's `<summary>` holds a `<section>` of a "Source" link and the method's `<h4>`: the heading is the
    `<h4>`, not the summary's words run together ("Source fn extend(...)")."""
    page = ('<h2>Required Methods</h2><details class="toggle method-toggle" open><summary><section class="method">'
            '<a class="src rightside">Source</a><h4 class="code-header">fn extend(&amp;mut self, iter: T)</h4>'
            "</section></summary><div class=\"docblock\"><p>Extends a collection.</p></div></details>")
    assert [(s.heading, s.parents, [line.text for line in s.lines]) for s in parse_html(page).sections] == [
        ("Required Methods", (), ["Source"]), ("fn extend(&mut self, iter: T)", ("Required Methods",),
                                               ["Extends a collection."])]


def test_a_control_whose_panel_is_furniture_heads_nothing_and_the_page_after_it_stays_in_its_section(tmp_path):
    """Bootstrap's dropdown: its `<button aria-expanded aria-controls>` opens a `<ul class="dropdown-menu">`, left out
    as a menu; the button headed the rest of the page, waiting for a panel that never came (review of audit 54)."""
    page = ("<main><h1>Vélo de ville</h1><p>Un cadre en acier.</p><div class=\"dropdown\"><button class=\"btn "
            'dropdown-toggle" data-bs-toggle="dropdown" aria-expanded="false" aria-controls="dd">Choisir la taille'
            '</button><ul class="dropdown-menu" id="dd"><li>Petit</li><li>Moyen</li></ul></div>'
            # nor when the panel stands inside furniture (a navbar's toggler outside its <nav>)
            '<button aria-expanded="false" aria-controls="menu1">Menu</button><nav><div id="menu1"><a href="/a">A</a>'
            "</div></nav><p>Livré monté.</p><h2>Entretien</h2><p>Graisser la chaîne.</p></main>")
    assert _headings(tmp_path, "velo.html", page) == [
        ("Vélo de ville", ["Un cadre en acier.", "Choisir la taille"]), ("Vélo de ville", ["Menu"]),
        ("Vélo de ville", ["Livré monté."]), ("Entretien", ["Graisser la chaîne."]),
    ]


def test_a_block_in_bold_spans_over_line_breaks_stays_one_line_as_one_in_strong_does(tmp_path):
    """Wix sets a bold address in `<span style="font-weight:bold">` runs over `<br>`s: its name headed its street,
    and its town the rest of the page, where the same block in `<strong>` was one line (review of audit 54)."""
    bold = '<span style="font-weight:bold;">{}</span>'
    page = ("<h1>Contact</h1><p>Venez nous voir.</p><p>" + "<br>".join(bold.format(line) for line in (
        "Brûlerie des Canuts", "Vente au comptoir : 12 rue d'Ivry, 69004 Lyon."))
        + "</p><p>Ouvert du mardi au samedi.</p>"
        # a bold line before a line in plain text still heads it
        + "<p>" + bold.format("Horaires d'été") + "<br>De 8 h à 20 h.</p>")
    assert _headings(tmp_path, "contact.html", page) == [
        ("Contact", ["Venez nous voir.", "Brûlerie des Canuts Vente au comptoir : 12 rue d'Ivry, 69004 Lyon.",
                     "Ouvert du mardi au samedi."]),
        ("Horaires d'été", ["De 8 h à 20 h."]),
    ]


def test_a_paragraph_of_thousands_of_bold_lines_is_read_in_linear_time():
    """Each `<br>` of a paragraph all in bold read it all again, to judge whether it heads the lines after it: 20,000
    lines took 30 s (0.5 s before audit 54). Timed on this thread's CPU time, which other jobs do not move."""
    import time
    for page in ("<p>" + "<b>Ligne en gras</b><br>" * 20_000 + "</p>", "<p>" + "<b>Fin.</b>" + "<br>" * 50_000):
        started = time.thread_time()
        assert len(parse_html(page).sections) == 1
        assert time.thread_time() - started < 3.0


def test_a_control_whose_panel_comes_after_other_text_heads_nothing_and_the_text_keeps_its_section(tmp_path):
    """A theme's "Menu" button atop the page opens a drawer written at its end: the button headed the page's first
    paragraphs, and once the drawer closed, what followed went back under the section before the button, out of its
    own (review of audit 54)."""
    page = ('<div class="top"><div><a href="/">Gîtes du Moulin</a></div><button class="hamburger" aria-expanded="false"'
            ' aria-controls="drawer">Menu</button></div><p>Trois gîtes au bord de la rivière.</p><h1>Nos gîtes</h1>'
            '<p>Six personnes par gîte.</p><div id="drawer"><ul><li><a href="/">Accueil</a></li></ul></div>'
            "<p>Mise à jour en mars.</p>"
            # nor one inside a sentence, its panel right after it: "Lire la suite" is words of the paragraph
            '<p>Fondée en 1987… <a role="button" href="#more" aria-expanded="false" aria-controls="more">Lire la suite'
            '</a></p><div id="more"><p>Elle compte quarante bateaux.</p></div>')
    assert [(s.heading, [line.text for line in s.lines]) for s in parse_html(page).sections] == [
        (None, ["Gîtes du Moulin", "Menu"]), (None, ["Trois gîtes au bord de la rivière."]),
        ("Nos gîtes", ["Six personnes par gîte.", "Accueil", "Mise à jour en mars.", "Fondée en 1987… Lire la suite",
                       "Elle compte quarante bateaux."]),
    ]


def test_a_lone_read_more_control_heads_nothing_and_its_panel_stays_in_its_section(tmp_path):
    """A "Lire la suite" button over the rest of a text (its panel), a `<summary>` or a bold link saying only "Read
    more »": a label, not the heading of what it shows ("Lire la suite" headed the panel's text)."""
    page = ('<h2>Le séjour</h2><p>Arrivée à 16 h.</p><button aria-expanded="false" aria-controls="suite">Lire la suite'
            '</button><div id="suite" hidden><p>Départ à 10 h.</p></div><details><summary>Read more »</summary>'
            '<p>Draps fournis.</p></details><p><a href="/faq"><strong>Voir plus…</strong></a></p>'
            '<p>Parking gratuit.</p><p><strong>Les plus</strong></p><p>Une piscine.</p>')
    assert _headings(tmp_path, "sejour.html", page) == [
        ("Le séjour", ["Arrivée à 16 h.", "Départ à 10 h.", "Draps fournis.", "Parking gratuit."]),
        ("Le séjour › Les plus", ["Une piscine."]),
    ]


def test_content_named_with_a_word_of_comments_shares_or_posts_is_read_and_their_widgets_are_not(tmp_path):
    """An invoicing help page's `<div class="invoice-comments">` under "Les commentaires", a company's `<span
    class="share-capital">`, a job board's `job-posts` were left out as a blog's comments, share buttons and posts."""
    sentence = "Une facture se crée depuis le menu Ventes, puis se valide avant envoi au client."
    page = ('<main><h1>Factures</h1>' + f"<p>{sentence}</p>" * 12 +
            '<h2>Les commentaires</h2><div class="invoice-comments"><p>Ajoutez une note visible du client sous le '
            'total.</p></div><h2>Société</h2><p>Capital : <span class="share-capital">'
            '10 000 €</span></p><div class="job-posts"><p>Deux postes ouverts à Lyon.</p></div>'
            '<div class="elementor-widget-share-buttons"><div class="elementor-share-btn" role="button">Facebook</div>'
            '</div><ul class="wp-block-latest-posts"><li>Nos nouveautés</li></ul><div class="comments-area">'
            '<p>Très clair, merci !</p></div><div class="share-bar">Partager</div></main>')
    assert _headings(tmp_path, "factures.html", page) == [
        ("Factures", [sentence] * 12),
        ("Les commentaires", ["Ajoutez une note visible du client sous le total."]),
        ("Société", ["Capital : 10 000 €", "Deux postes ouverts à Lyon."]),
    ]


def test_a_summary_longer_than_a_heading_is_a_line_of_its_disclosure_as_in_markdown():
    """A `<summary>` wrapping a statement of 100 characters or more (no question) is what the disclosure says first,
    not a heading of its answer: the bound a Markdown summary and a bold line keep (`text.short_for_heading`)."""
    long = "En cas de retard de livraison de plus de sept jours ouvrés, le client peut demander le remboursement"
    page = (f"<h1>FAQ</h1><details><summary><p>{long}.</p></summary><p>Sans frais.</p></details>"
            "<details><summary>Que faire d'un colis abîmé ?</summary><p>Photographiez-le.</p></details><p>Fin.</p>")
    assert [(s.heading, [line.text for line in s.lines]) for s in parse_html(page).sections] == [
        ("FAQ", [f"{long}.", "Sans frais."]), ("Que faire d'un colis abîmé ?", ["Photographiez-le."]),
        ("FAQ", ["Fin."])]


def test_a_blog_s_comment_threads_named_by_their_post_or_service_are_furniture_and_content_comments_are_read(tmp_path):
    """Stop 54 let `invoice-comments` be read, and with it a blog's `blog-comments`, `disqus-comments`,
    `post-comments` (a `<section>`), `<div id="disqus_thread">`, WordPress's `<ol class="commentlist">` and
    `comment-respond` form: readers' comments under an article, its answers quoted as the site's. A product's comments
    summary, a code comment and the invoicing help page's comments stay read."""
    sentence = "Les arrivées se font à partir de 16 h, les départs avant 10 h, le ménage est compris."
    threads = ('<div class="blog-comments"><p>Super séjour, merci !</p></div>'
               '<div class="disqus-comments"><p>Propulsé par Disqus : 3 commentaires</p></div>'
               '<div id="disqus_thread"><p>Connectez-vous pour commenter</p></div>'
               '<section class="post-comments"><p>La piscine est-elle chauffée ?</p></section>'
               '<ol class="commentlist"><li><p>Oui, à 28 degrés.</p></li></ol>'
               '<div id="respond" class="comment-respond"><p>Laisser un commentaire</p><form><label>Nom</label>'
               '</form></div>')
    # a section's id is its heading's slug: a documentation page's "Comments"
    content = ('<section id="comments"><h2>Les commentaires</h2><div class="invoice-comments"><p>Ajoutez une note sous '
               'le total.</p></div><div class="product-comments-summary"><p>4,6 sur 5 (212 avis)</p></div>'
               '<pre><code>x = 1 <span class="token comment"># un exemple</span></code></pre></section>')
    page = f"<main><h1>Infos pratiques</h1>{f'<p>{sentence}</p>' * 12}{threads}{content}</main>"
    assert _headings(tmp_path, "infos.html", page) == [
        ("Infos pratiques", [sentence] * 12),
        ("Les commentaires", ["Ajoutez une note sous le total.", "4,6 sur 5 (212 avis)", "x = 1 # un exemple"])]
