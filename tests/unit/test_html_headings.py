"""HTML pages that head their parts without <h1>..<h6>: an element of role "heading", a block whose class names a
title, a tab set's tabs over their panels, an accordion's buttons over the regions they open (audit 42's town hall
page has all but the first)."""

from rag.corpus.formats.base import heading_path
from rag.corpus.formats.html import parse_html


def _sections(html: str) -> list[tuple[str | None, list[str]]]:
    parsed = parse_html(html)
    return [(heading_path(s, parsed.title or ""), [line.text for line in s.lines]) for s in parsed.sections]


def test_an_element_of_role_heading_is_a_heading_at_its_aria_level():
    """WAI-ARIA: `aria-level` gives the level, 2 where it is missing (or not a number)."""
    html = ("<div role='heading' aria-level='1'>Aide</div><p>Bienvenue.</p>"
            "<div role='heading'>Paiement</div><p>Par carte.</p>"
            "<span role='heading' aria-level='3'>Carte refusée</span><p>Appelez la banque.</p>"
            "<div role='heading' aria-level='x'>Livraison</div><p>Sous 3 jours.</p>")
    parsed = parse_html(html)
    assert parsed.title == "Aide"  # a level-1 heading names a page that has no <title>, as an <h1> does
    assert _sections(html) == [
        ("Aide", ["Bienvenue."]),
        ("Paiement", ["Par carte."]),
        ("Paiement › Carte refusée", ["Appelez la banque."]),
        ("Livraison", ["Sous 3 jours."]),
    ]


def test_a_block_whose_class_names_a_title_heads_the_rest_of_its_element():
    """The town hall's <div class="title"> per block, <p><strong> sub-headings in it: each block's sub-headings end
    with it ("Urgence" covered the next two blocks), and what follows a block is the section's that held it."""
    html = ("<main><h2>Démarches</h2><div class='bloc'><div class='title'>Carte d'identité</div><p>Sur rendez-vous."
            "</p><p><strong>Urgence</strong></p><p>Sous 48 heures.</p></div>"
            "<div class='bloc'><div class='title'>Actes</div><p>Gratuits.</p></div><p>Voir aussi la mairie.</p>"
            "<div class='bloc'><p class='sectionTitle'>Mariage</p><p>Deux mois avant.</p>"
            "<div id='bloc-heading'>Publication des bans</div><p>Dix jours.</p></div></main>")
    assert _sections(html) == [
        ("Démarches › Carte d'identité", ["Sur rendez-vous."]),
        ("Démarches › Carte d'identité › Urgence", ["Sous 48 heures."]),
        ("Démarches › Actes", ["Gratuits."]),
        ("Démarches", ["Voir aussi la mairie."]),
        ("Démarches › Mariage", ["Deux mois avant."]),  # camelCase class words
        ("Démarches › Publication des bans", ["Dix jours."]),  # by its id, after a title in the same element
    ]


def test_a_title_stands_under_the_titles_whose_elements_hold_it():
    html = ("<div class='chapter'><div class='chapter-title'>Voyager</div><p>Avec un titre valide.</p>"
            "<div class='part'><div class='title'>En Europe</div><p>La carte suffit.</p></div>"
            "<p>Hors d'Europe, le passeport.</p></div>")
    assert _sections(html) == [
        ("Voyager", ["Avec un titre valide."]),
        ("Voyager › En Europe", ["La carte suffit."]),
        ("Voyager", ["Hors d'Europe, le passeport."]),
    ]


def test_what_a_title_class_holds_is_a_heading_only_as_a_short_label():
    """A sentence, a box's label (Sphinx's and docutils' admonition title, GitHub's alert), a wrapper of paragraphs,
    a part of an <hN> (rustdoc's "std/thread/" in its <h1>) or an inline element are no headings of their own."""
    html = ("<h2>Installation</h2><p>Avec pip.</p>"
            "<div class='admonition note'><p class='admonition-title'>Note</p><p>Python 3.10 au moins.</p></div>"
            "<div class='markdown-alert'><p class='markdown-alert-title'>Warning</p><p>Pas en root.</p></div>"
            "<div class='title'>Le paquet s'installe en une minute.</div>"
            "<div class='header-title'><p>Suite</p><p>Le texte de la suite, qui est long.</p></div>"
            "<h2><div class='sub-heading'>std/thread/</div>scoped.rs</h2>"
            "<p>Voir <span class='title'>le guide</span>.</p>")
    assert _sections(html) == [
        ("Installation", ["Avec pip.", "Note", "Python 3.10 au moins.", "Warning", "Pas en root.",
                          "Le paquet s'installe en une minute.", "Suite", "Le texte de la suite, qui est long.",
                          "std/thread/", "scoped.rs", "Voir le guide."]),  # (an <hN> cut by a block heads nothing)
    ]


TABS = ("<h2>Carte d'identité et passeport</h2><p>Sur rendez-vous.</p><div class='tabs'>"
        "<div role='tablist'><button role='tab' id='t1' aria-controls='p1'>Carte nationale d'identité</button>"
        "<button role='tab' id='t2' aria-controls='p2'>Passeport</button><span role='tab' id='t3'>Visa</span></div>"
        "<div role='tabpanel' id='p1' aria-labelledby='t1'><p>Gratuite.</p></div>"
        "<div role='tabpanel' id='p2' hidden><p>86 euros.</p></div>"
        "<div role='tabpanel' aria-labelledby='t3'><p>Au consulat.</p></div></div>"
        "<p><strong>Délais</strong></p><p>Trois semaines.</p>")


def test_a_tab_panel_is_headed_by_its_tab_and_the_tab_list_is_no_text():
    """A panel shown by a click is read (`hidden`), under the tab that names it by aria-controls, or that it names
    by aria-labelledby; after the tab set the section goes on."""
    assert _sections(TABS) == [
        ("Carte d'identité et passeport", ["Sur rendez-vous."]),
        ("Carte d'identité et passeport › Carte nationale d'identité", ["Gratuite."]),
        ("Carte d'identité et passeport › Passeport", ["86 euros."]),
        ("Carte d'identité et passeport › Visa", ["Au consulat."]),
        ("Carte d'identité et passeport › Délais", ["Trois semaines."]),
    ]
    first = parse_html(TABS).sections[1]
    assert first.heading_start is None  # the tab stands far from a later panel: a citation spans the panel only
    assert TABS[first.lines[0].start:first.lines[0].end] == "<p>Gratuite.</p>"


def test_an_accordion_region_is_headed_by_the_button_that_opens_it():
    """Buttons with aria-controls over hidden regions, outside any heading (audit 42's town hall). A button after
    what it opens, inside it, or opening several elements, heads nothing and stays text; so does one in a heading
    (WAI-ARIA's accordion pattern, Bootstrap's): the heading heads the panel and what follows, as before."""
    html = ("<h2>Questions fréquentes</h2>"
            "<button aria-expanded='false' aria-controls='q1'>Comment faire sans justificatif ?</button>"
            "<div id='q1' role='region' hidden><p>Une attestation d'hébergement.</p></div>"
            "<button aria-expanded='false' aria-controls='q2'>Où légaliser ma signature ?</button>"
            "<div id='q2' class='collapse'><p>Au guichet.</p></div>"
            "<p>Une autre question ? Écrivez-nous.</p>"
            "<div id='more'><p>Le détail des tarifs.</p><p><button aria-controls='more'>Replier</button></p></div>"
            "<p><button aria-controls='a b'>Tout déplier</button></p>"
            "<div id='a'><p>A.</p></div><div id='b'><p>B.</p></div>"
            "<div id='late'><p>Texte.</p></div><p><button aria-controls='late'>Voir plus</button></p>")
    assert _sections(html) == [
        ("Questions fréquentes › Comment faire sans justificatif ?", ["Une attestation d'hébergement."]),
        ("Questions fréquentes › Où légaliser ma signature ?", ["Au guichet."]),
        ("Questions fréquentes", ["Une autre question ? Écrivez-nous.", "Le détail des tarifs.", "Replier",
                                  "Tout déplier", "A.", "B.", "Texte.", "Voir plus"]),
    ]
    headed = ("<h2>Questions</h2><h3><button aria-expanded='false' aria-controls='q3'>Où voter ?</button></h3>"
              "<div id='q3' role='region'><p>Au bureau.</p></div><p>Après.</p>")
    assert _sections(headed) == [("Questions › Où voter ?", ["Au bureau.", "Après."])]


def test_pages_without_these_forms_read_as_before():
    """Buttons and ids that head no panel, a class that merely holds "title" in a longer word, stay text."""
    html = ("<h2>Contact</h2><p class='subtitle'>Du lundi au vendredi</p><div class='titlebar'>Service client</div>"
            "<p>Par mail.</p><button>Envoyer</button><div id='form'><label>Nom</label></div>"
            "<details><summary>Horaires ?</summary><p>9 h à 18 h.</p></details><p>Fin.</p>")
    assert _sections(html) == [
        ("Contact", ["Du lundi au vendredi", "Service client", "Par mail.", "Envoyer", "Nom"]),
        ("Contact › Horaires ?", ["9 h à 18 h."]),
        ("Contact", ["Fin."]),
    ]
