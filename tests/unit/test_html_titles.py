"""Pages built of `<div>`s whose section titles are named by their class, no `<hN>` (audit 42's town hall,
`tests/data/audit42/pages/demarches-mairie-saint-aurel.html`: its `<div class="title">` "Actes d'état civil" was a line
of the section "Urgence" above it). A title's class heads what follows; a class that only holds "title" among other
words (a title bar, a tooltip's, a card's or a product's), a title in a link, one holding a sentence or blocks, one
followed by nothing it heads, is text."""

from rag.corpus.formats.html import parse_html


def _sections(page: str) -> list[tuple[str | None, tuple[str, ...], list[str]]]:
    return [(s.heading, s.parents, [line.text for line in s.lines]) for s in parse_html(page).sections]


def test_an_element_whose_class_names_a_title_heads_what_follows_it_at_its_level():
    page = ('<body><div class="page-header"><div class="page-title">Démarches d\'état civil</div>'
            '<p class="chapo">Le service vous accueille.</p></div>'
            '<div class="bloc"><div class="title">Carte d\'identité</div><p>Sur rendez-vous.</p>'
            '<p><strong>Urgence</strong></p><p>Un créneau sous 48 heures.</p></div>'
            '<div class="bloc"><div class="title">Mariage et PACS</div><p><b>Se marier</b></p><p>En mairie.</p></div>'
            '<div class="bloc"><div class="title">Actes d\'état civil</div><p>En ligne ou au guichet.</p>'
            '<div><span class="subtitle">Naissance</span></div><p>Dans les 5 jours.</p>'
            '<p class="sub-heading">Décès</p><p>Dans les 24 heures.</p></div>'
            '<div class="section-title">Citoyenneté</div><p>Recensement à 16 ans.</p>'
            '<div class="bloc"><p class="heading">Contact</p><p>Au guichet.</p></div>'
            '<div class="titre">Horaires</div><p>De 9 à 17 heures.</p></body>')
    assert _sections(page) == [
        ("Démarches d'état civil", (), ["Le service vous accueille."]),
        ("Carte d'identité", ("Démarches d'état civil",), ["Sur rendez-vous."]),
        ("Urgence", ("Démarches d'état civil", "Carte d'identité"), ["Un créneau sous 48 heures."]),
        ("Se marier", ("Démarches d'état civil", "Mariage et PACS"), ["En mairie."]),
        ("Actes d'état civil", ("Démarches d'état civil",), ["En ligne ou au guichet."]),
        ("Naissance", ("Démarches d'état civil", "Actes d'état civil"), ["Dans les 5 jours."]),
        ("Décès", ("Démarches d'état civil", "Actes d'état civil"), ["Dans les 24 heures."]),
        ("Citoyenneté", ("Démarches d'état civil",), ["Recensement à 16 ans."]),
        ("Contact", ("Démarches d'état civil",), ["Au guichet."]),
        ("Horaires", ("Démarches d'état civil",), ["De 9 à 17 heures."]),
    ]


def test_what_only_a_word_of_its_class_names_a_title_or_that_reads_as_text_is_text():
    page = ('<body><h2>Nos produits</h2><div class="title-bar">Boutique</div><p>Livraison offerte.</p>'
            '<span class="tooltip-title">Aide</span><p>Survolez un produit.</p>'
            '<div class="product"><div class="product-title">Chaise</div><div class="price">49 €</div></div>'
            '<ul><li><a class="title" href="/a">Table</a></li><li><a class="title" href="/b">Lampe</a></li></ul>'
            '<div class="title"><a href="/c">Voir le catalogue</a></div>'
            '<div class="title">Nos produits sont fabriqués en France.</div>'
            '<div class="title"><p>Garantie</p><p>Deux ans sur tout.</p></div>'
            '<div class="title">Retours</div></body>')
    assert _sections(page) == [
        ("Nos produits", (), ["Boutique", "Livraison offerte.", "Aide", "Survolez un produit.", "Chaise", "49 €",
                              "Table", "Lampe", "Voir le catalogue", "Nos produits sont fabriqués en France.",
                              "Garantie", "Deux ans sur tout.", "Retours"]),
    ]


def test_a_title_named_by_class_after_an_hn_stands_under_it_and_over_the_bold_lines_after_it():
    """Confluence's note macro: `<p class="title">` over the note, inside the section of the `<h2>` above it."""
    page = ('<body><h1>Congés</h1><h2>Poser des congés</h2><p>Dans l\'outil RH.</p>'
            '<div class="confluence-information-macro"><p class="title">Période estivale</p><div><p>Avant le 31 mars.'
            '</p><p><b>Exception</b></p><p>Les nouveaux arrivants.</p></div></div><h2>Reports</h2><p>Aucun.</p></body>')
    assert _sections(page) == [
        ("Poser des congés", ("Congés",), ["Dans l'outil RH."]),
        ("Période estivale", ("Congés", "Poser des congés"), ["Avant le 31 mars."]),
        ("Exception", ("Congés", "Poser des congés", "Période estivale"), ["Les nouveaux arrivants."]),
        ("Reports", ("Congés",), ["Aucun."]),
    ]


def test_a_title_over_a_heading_that_heads_nothing_is_a_line_not_lost():
    # the <h3> heads only a menu, left out: it is dropped, and the title above it must not go with it
    page = ('<body><p>Intro.</p><div class="title">Liens utiles</div><h3>Partenaires</h3>'
            '<nav><a href="/a">Association</a></nav></body>')
    assert _sections(page) == [(None, (), ["Intro.", "Liens utiles"])]


def test_a_title_right_under_a_heading_in_its_card_is_its_subtitle_a_line():
    # a team page's job titles under each name: "Comptable" headed Marie's bio and Jean's name under it, her name
    # heading nothing; a title right under a heading heads what follows in its card only, else it heads under it
    page = ('<body><h2>Notre équipe</h2><div class="member"><h3>Marie Dupont</h3><div class="title">Comptable</div>'
            '<p>Marie tient les comptes.</p></div><div class="member"><h3>Jean Martin</h3><div class="title">Juriste'
            '</div><p>Jean suit les contrats.</p><p><b>Langues</b></p><p>Anglais.</p></div>'
            '<section><h3>Nos bureaux</h3><div class="subtitle">Lyon</div><p>Rue Mercière.</p><h3>Horaires</h3>'
            '<p>De 9 à 17 heures.</p></section></body>')
    assert _sections(page) == [
        ("Marie Dupont", ("Notre équipe",), ["Comptable", "Marie tient les comptes."]),
        ("Jean Martin", ("Notre équipe",), ["Juriste", "Jean suit les contrats."]),
        ("Langues", ("Notre équipe", "Jean Martin"), ["Anglais."]),
        ("Lyon", ("Notre équipe", "Nos bureaux"), ["Rue Mercière."]),
        ("Horaires", ("Notre équipe",), ["De 9 à 17 heures."]),
    ]


def test_a_title_beside_the_page_s_hn_sections_is_one_of_them_not_under_the_last():
    # "Horaires" read "Guide › Tarifs › Horaires"; a title beside an <hN> in its element, or out of the element the
    # <hN> stood in, is one of the page's sections; one in an element as deep (a card's body beside the header its
    # <hN> stands in) stays under it, as one right under it does
    page = ('<body><h1>Guide</h1><h2>Inscription</h2><p>En ligne.</p><h2>Tarifs</h2><p>30 €.</p>'
            '<div class="section-title">Horaires</div><p>De 9 à 17 heures.</p>'
            '<section><h2>Accès</h2><p>En bus.</p></section><div class="title">Contact</div><p>Au guichet.</p>'
            '<div class="card"><div class="head"><h2>Formules</h2><p>Deux au choix.</p></div><div class="body">'
            '<div class="title">Permis B</div><p>1 490 €.</p></div></div></body>')
    assert _sections(page) == [
        ("Inscription", ("Guide",), ["En ligne."]),
        ("Tarifs", ("Guide",), ["30 €."]),
        ("Horaires", ("Guide",), ["De 9 à 17 heures."]),
        ("Accès", ("Guide",), ["En bus."]),
        ("Contact", ("Guide",), ["Au guichet."]),
        ("Formules", ("Guide",), ["Deux au choix."]),
        ("Permis B", ("Guide", "Formules"), ["1 490 €."]),
    ]


def test_a_figure_s_caption_is_never_a_heading_whatever_its_class():
    page = ('<body><h2>Le gîte</h2><p>Au bord de la Dronne.</p><figure><img src="moulin.jpg"><figcaption '
            'class="title">Le moulin</figcaption></figure><p>Quatre chambres.</p><table><caption><span class="title">'
            'Tarifs</span></caption><tr><td>Nuit</td><td>90 €</td></tr></table><p>Taxe en sus.</p></body>')
    assert _sections(page) == [
        ("Le gîte", (), ["Au bord de la Dronne.", "Le moulin", "Quatre chambres.", "Tarifs", "Nuit | 90 €",
                         "Taxe en sus."]),
    ]


def test_a_title_s_reach_ends_with_the_element_it_stands_in():
    # the text under a price grid was its last plan's, the text after a Confluence note the note's; a title alone in
    # its element (`<div><span class="subtitle">`) heads what follows it, as does a page's title its page
    page = ('<body><div class="page-header"><div class="page-title">Tarifs</div><p>Nos formules.</p></div>'
            '<div class="plans"><div class="plan"><div class="title">Essentiel</div><p>20 €</p></div>'
            '<div class="plan"><div class="title">Premium</div><p>40 €</p><p><b>Inclus</b></p><p>Tout.</p></div></div>'
            '<p>Prix TTC, sans engagement.</p><div><span class="title">Paiement</span></div><p>Par carte.</p>'
            '<h2>Congés</h2><p>Dans l\'outil RH.</p><div class="confluence-information-macro"><p class="title">'
            'Période estivale</p><div><p>Avant le 31 mars.</p></div></div><p>Validés sous 48 heures.</p></body>')
    assert _sections(page) == [
        ("Tarifs", (), ["Nos formules."]),
        ("Essentiel", ("Tarifs",), ["20 €"]),
        ("Premium", ("Tarifs",), ["40 €"]),
        ("Inclus", ("Tarifs", "Premium"), ["Tout."]),
        ("Tarifs", (), ["Prix TTC, sans engagement."]),
        ("Paiement", ("Tarifs",), ["Par carte."]),
        ("Congés", ("Tarifs",), ["Dans l'outil RH."]),
        ("Période estivale", ("Tarifs", "Congés"), ["Avant le 31 mars."]),
        ("Congés", ("Tarifs",), ["Validés sous 48 heures."]),
    ]


def test_titles_of_one_kind_in_one_element_under_an_hn_are_siblings():
    # stop 55's review: the first title right under an <hN> stood under it, the next beside it ("Guide › Formules ›
    # Essentiel" then "Guide › Premium"); and once their element closed, its text stood under the first ("Essentiel"
    # over "Prix TTC."), where it is the section's they stand in
    page = ('<body><h1>Guide</h1><div class="plans"><h2>Formules</h2><div class="title">Essentiel</div><p>20 €</p>'
            '<div class="title">Premium</div><p>40 €</p><div class="title">Pro</div><p>60 €</p></div>'
            '<p>Prix TTC.</p><div class="grid"><div class="title">Lyon</div><p>Rue Mercière.</p><div class="title">'
            'Paris</div><p>Rue de Rivoli.</p></div><p>Sur rendez-vous.</p><h2>Contact</h2><p>Au guichet.</p></body>')
    assert _sections(page) == [
        ("Essentiel", ("Guide", "Formules"), ["20 €"]), ("Premium", ("Guide", "Formules"), ["40 €"]),
        ("Pro", ("Guide", "Formules"), ["60 €"]), ("Formules", ("Guide",), ["Prix TTC."]),
        ("Lyon", ("Guide", "Formules"), ["Rue Mercière."]), ("Paris", ("Guide", "Formules"), ["Rue de Rivoli."]),
        ("Formules", ("Guide",), ["Sur rendez-vous."]), ("Contact", ("Guide",), ["Au guichet."])]
