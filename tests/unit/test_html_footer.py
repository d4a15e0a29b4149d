"""A site's footer's facts (its address, its opening hours, its phone number): the last section of each page, where
the footer's menus, link lists, copyright line, newsletter pitch and social handles stay furniture (audit 54's a11,
"le bureau est ouvert le samedi ?", answered only by the driving school's Wix footer, found nothing)."""

from rag.corpus.formats.html import parse_html
from tests.helpers.paths import ROOT
from tests.unit.test_parsing import _headings

BODY = "<main><h1>Tarifs</h1><p>Le forfait de 20 heures coûte 1 290 €.</p></main>"
FOOTER = ('<footer class="site-footer"><div class="footer-cols"><div><h4>Auto-École du Parc</h4>'
          "<p>27 avenue Henri-Barbusse, 69100 Villeurbanne<br>Bureau ouvert du lundi au vendredi de 14 h à 19 h</p>"
          "<p>Écrivez-nous : contact@autoecole.fr</p></div>"
          '<div><h4>Informations</h4><ul class="footer-links"><li><a href="/cgv">CGV article 12</a></li>'
          '<li><a href="/mentions">Mentions légales</a></li></ul></div>'
          "<div><h4>Newsletter</h4><p>Recevez nos bons plans, promis.</p><form><label>E-mail</label>"
          "<input type=email><button>S'inscrire 2 fois</button></form></div>"
          '<div><h4>Suivez-nous</h4><p>Instagram @autoecole.parc</p></div>'
          '<nav><a href="/plan">Plan du site 2024</a></nav>'
          "<p>© 2024 Auto-École du Parc – 27 avenue Henri-Barbusse</p><p>Copyright 2024, propulsé par Wix</p>"
          "</div></footer>")


def test_a_site_footer_s_facts_are_the_page_s_last_section_and_its_links_copyright_and_pitches_are_not(tmp_path):
    assert _headings(tmp_path, "tarifs.html", f"<html><body>{BODY}{FOOTER}</body></html>") == [
        ("Tarifs", ["Le forfait de 20 heures coûte 1 290 €."]),
        ("Auto-École du Parc", ["27 avenue Henri-Barbusse, 69100 Villeurbanne",
                                "Bureau ouvert du lundi au vendredi de 14 h à 19 h",
                                "Écrivez-nous : contact@autoecole.fr"]),
    ]


def test_a_fact_is_cited_where_the_footer_writes_it():
    page = f"<html><body>{BODY}{FOOTER}</body></html>"
    line = parse_html(page).sections[-1].lines[1]
    assert line.text in page[line.start:line.end]


def test_a_later_heading_over_facts_is_a_line_and_a_bold_line_heads_them_as_wix_writes_its_company_s_name(tmp_path):
    wix = ('<footer id="SITE_FOOTER"><div class="wixui-rich-text"><p><span style="font-weight:bold;">Garage Martin'
           "</span></p><p>Ouvert le samedi de 9 h à 12 h</p><p><strong>Atelier</strong></p><p>Tél. 04 78 00 00 00</p>"
           "</div></footer>")
    assert _headings(tmp_path, "garage.html", f"<body>{BODY}{wix}</body>")[-1] == (
        "Garage Martin", ["Ouvert le samedi de 9 h à 12 h", "Atelier", "Tél. 04 78 00 00 00"])


def test_a_footer_without_a_heading_gives_a_section_without_one_and_a_fact_the_page_holds_is_not_repeated(tmp_path):
    page = ("<body><main><h1>Contact</h1><p>12 rue d'Ivry, 69004 Lyon</p></main><footer><p>12 rue d'Ivry, 69004 "
            "Lyon</p><p>Boutique ouverte du mardi au samedi, 10 h – 19 h</p></footer></body>")
    assert _headings(tmp_path, "contact.html", page) == [
        ("Contact", ["12 rue d'Ivry, 69004 Lyon"]),
        (None, ["Boutique ouverte du mardi au samedi, 10 h – 19 h"]),
    ]


def test_a_footer_named_by_its_class_outside_footer_is_read_for_its_facts_as_elementor_s_template(tmp_path):
    page = ("<body><main><h1>FAQ</h1><p>" + "Nos réponses à vos questions sur la location. " * 20 + "</p></main>"
            '<div class="elementor elementor-location-footer"><h4>Cap Kayak</h4><p>SIRET 412 558 903 00017</p>'
            "</div></body>")
    assert _headings(tmp_path, "faq.html", page)[-1] == ("Cap Kayak", ["SIRET 412 558 903 00017"])


def test_an_article_s_footer_and_a_tool_export_s_are_not_the_site_s(tmp_path):
    """HTML's own rule: a `<footer>` in an `<article>` (or `<aside>`, `<main>`, `<nav>`, `<section>`) is its byline,
    its votes (Zendesk's "Utilisateurs qui ont trouvé cela utile : 97 sur 140"); Confluence's footer is the tool's
    ("Document généré par Confluence le 12 juin 2024 14:02")."""
    article = ("<body><article><h1>Retours</h1><p>Sous 30 jours.</p><footer><p>Utilisateurs qui ont trouvé cela "
               "utile : 97 sur 140</p></footer></article></body>")
    assert _headings(tmp_path, "retours.html", article) == [("Retours", ["Sous 30 jours."])]
    confluence = (ROOT / "tests/data/audit49/spaces/confluence/RH/index.html").read_text(encoding="utf-8")
    assert "Confluence le 12 juin" in confluence
    assert not any("Confluence le" in line.text for s in parse_html(confluence).sections for line in s.lines)


def test_a_section_left_open_in_main_does_not_hold_the_footer_after_main():
    page = ("<body><main><section><h1>Aide</h1><p>Nos réponses.</p></main>"
            "<footer><p>Luzara Energia · Rua do Ouro 120, 1100-063 Lisboa</p></footer></body>")
    assert [line.text for line in parse_html(page).sections[-1].lines] == [
        "Luzara Energia · Rua do Ouro 120, 1100-063 Lisboa"]


def test_the_driving_school_s_office_hours_are_read_from_its_wix_footer():
    page = (ROOT / "tests/data/audit54/pages/Formules & tarifs _ Auto-École du Parc.html").read_text(encoding="utf-8")
    last = parse_html(page).sections[-1]
    assert last.heading == "Auto-École du Parc"
    assert "Bureau ouvert du lundi au vendredi de 14 h à 19 h, le samedi de 9 h à 12 h" in [x.text for x in last.lines]
    assert not any("©" in line.text or "Wix.com" in line.text for line in last.lines)


def test_a_copyright_line_s_address_is_a_fact_under_its_holder_and_its_credit_and_rights_are_not(tmp_path):
    """The address was dropped with the copyright sign; kept alone, it said nobody's address: the holder heads it
    where the footer has no heading over it."""
    footer = ("<footer><p>© 2019-2024 Boulangerie Martin SARL – 12 rue des Lilas, 69003 Lyon</p>"
              "<p>© 2024 Boulangerie Martin | Tous droits réservés | Réalisé par Studio 3D</p>"
              "<p>Copyright 2024 · Boulangerie Martin · 12 rue des Lilas</p></footer>")
    assert _headings(tmp_path, "pain.html", f"<body>{BODY}{footer}</body>")[-1] == (
        "Boulangerie Martin SARL", ["12 rue des Lilas, 69003 Lyon"])
    headed = footer.replace("<footer>", "<footer><h4>Nous trouver</h4>")
    assert _headings(tmp_path, "pain.html", f"<body>{BODY}{headed}</body>")[-1] == (
        "Nous trouver", ["12 rue des Lilas, 69003 Lyon"])


def test_opening_hours_without_a_number_are_facts_and_a_verb_or_a_link_list_of_days_is_not(tmp_path):
    footer = ("<footer><h4>Boulangerie Martin</h4><p>Fermé le dimanche</p><p>Ouvert tous les jours en été</p>"
              "<p>Sonntags geschlossen</p><p>Il venerdì solo su appuntamento</p><p>Open an account in one click</p>"
              '<ul><li><a href="/lundi">Menu du lundi</a></li><li><a href="/mardi">Menu du mardi</a></li></ul>'
              "</footer>")
    assert _headings(tmp_path, "pain.html", f"<body>{BODY}{footer}</body>")[-1] == (
        "Boulangerie Martin", ["Fermé le dimanche", "Ouvert tous les jours en été", "Sonntags geschlossen",
                               "Il venerdì solo su appuntamento"])


def test_a_footer_named_by_its_class_in_a_card_or_named_after_one_is_not_the_site_s(tmp_path):
    """A news card's footer (its date), Bootstrap's "card-footer", stand outside <main> as the site's footer does;
    they are the card's, and only the site's footer gives facts."""
    cards = ('<div class="news"><div class="card"><p>Stage de Pâques</p><div class="footer"><p>Publié le 12 mars 2024'
             '</p></div></div><div class="card"><p>Atelier</p><div class="card-footer"><p>Publié le 3 avril 2024</p>'
             '</div></div></div>')
    site = '<div class="site-footer"><p>12 rue des Lilas, 69003 Lyon</p></div>'
    assert _headings(tmp_path, "news.html", f"<body>{BODY}{cards}{site}</body>")[1:] == [
        (None, ["12 rue des Lilas, 69003 Lyon"])]


def test_a_copyright_line_set_apart_by_commas_keeps_its_address_under_its_holder(tmp_path):
    """Split only by commas (and a full stop), the line was one part holding the copyright sign, and was dropped
    whole."""
    footer = "<footer><p>© 2024 Boulangerie Martin, 12 rue des Lilas, 69003 Lyon. Tous droits réservés.</p></footer>"
    assert _headings(tmp_path, "pain.html", f"<body>{BODY}{footer}</body>")[-1] == (
        "Boulangerie Martin", ["12 rue des Lilas, 69003 Lyon"])  # the rights, a sentence of their own, left out
    credit = "<footer><p>Copyright 2024, Boulangerie Martin. Tous droits réservés.</p></footer>"
    assert "Boulangerie Martin" not in str(_headings(tmp_path, "pain.html", f"<body>{BODY}{credit}</body>")[-1])


def test_a_copyright_line_is_cut_at_a_comma_only_after_a_name_of_its_own(tmp_path):
    """The review's cases: a holder with a comma in its name on a line a dash parts, a line whose years stand before
    the first comma, and a line whose only name holds a number (no holder to head it: dropped, as before)."""
    def last(line: str) -> tuple[str | None, list[str]]:
        return _headings(tmp_path, "pain.html", f"<body>{BODY}<footer><p>{line}</p></footer></body>")[-1]

    assert last("© 2024 Dupont, Martin & Associés – 12 rue X, 75001 Paris") == (
        "Dupont, Martin & Associés", ["12 rue X, 75001 Paris"])
    assert last("Copyright 2024, Boulangerie Martin, 12 rue des Lilas, 69003 Lyon") == (
        "Boulangerie Martin", ["12 rue des Lilas, 69003 Lyon"])
    assert "62701" not in str(last("© 2024 ACME Inc. 500 Main St. Springfield, IL 62701. All rights reserved."))
