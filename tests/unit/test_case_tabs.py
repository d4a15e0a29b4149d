"""Long public-service and company help pages split by the reader's case (audit 59, `tests/data/audit59`): a tab's
label ("Fonctionnaire", "Je suis un professionnel", "Formule Confort") was a line of the text above the tabs, and
the panels' headings ("Durée du congé", "Démarches"), the same in every panel, said nothing of the case: "je suis
fonctionnaire, combien de jours ?" was answered "Fonctionnaire", and the salaried employee's "Démarches" stood beside
the civil servant's with nothing to tell them apart."""


from rag.corpus.formats.html import parse_html
from rag.corpus.formats.html_outline import NESTED
from rag.corpus.formats.html_tabs import PanelOutline
from tests.helpers.timing import grows_linearly


def _sections(page: str) -> list[tuple[str | None, list[str]]]:
    return [(" › ".join([*s.parents, s.heading or ""]), [line.text for line in s.lines])
            for s in parse_html(page).sections if s.lines]


def _dsfr_tab(key: str, label: str, selected: bool) -> str:
    return (f'<li role="presentation"><button id="tab-{key}" class="fr-tabs__tab" role="tab" aria-selected='
            f'"{str(selected).lower()}" aria-controls="panel-{key}">{label}</button></li>')


def test_a_tab_s_label_heads_its_panel_and_the_headings_in_it_hidden_or_not():
    page = ("<main><h1>Congé de paternité</h1><p>Sa durée dépend de votre situation.</p><p>Vous êtes</p>"
            '<div class="fr-tabs"><ul class="fr-tabs__list" role="tablist">'
            + _dsfr_tab("s", "Salarié", True) + _dsfr_tab("f", "Fonctionnaire", False) + "</ul>"
            '<div id="panel-s" class="fr-tabs__panel" role="tabpanel"><h2>Durée</h2><p>25 jours calendaires.</p>'
            "<h2>Démarches</h2><p>Prévenez votre employeur.</p></div>"
            '<div id="panel-f" class="fr-tabs__panel" role="tabpanel" hidden><h2>Durée</h2>'
            "<h3>Naissance unique</h3><p>Le congé est de 25 jours.</p><h2>Démarches</h2>"
            "<p>Écrivez à votre administration.</p></div></div>"
            "<p>Le congé est un droit.</p><h2>Textes de référence</h2><p>Code du travail.</p></main>")
    assert _sections(page) == [
        ("Congé de paternité", ["Sa durée dépend de votre situation.", "Vous êtes"]),
        ("Congé de paternité › Salarié › Durée", ["25 jours calendaires."]),
        ("Congé de paternité › Salarié › Démarches", ["Prévenez votre employeur."]),
        ("Congé de paternité › Fonctionnaire › Durée › Naissance unique", ["Le congé est de 25 jours."]),
        ("Congé de paternité › Fonctionnaire › Démarches", ["Écrivez à votre administration."]),
        ("Congé de paternité", ["Le congé est un droit."]),  # after the tabs: the section they stood in again
        ("Congé de paternité › Textes de référence", ["Code du travail."]),
    ]


def test_bootstrap_s_tabs_and_a_list_of_anchor_tabs_head_their_panels_hidden_by_style():
    bootstrap = ('<h2>Résilier</h2><ul class="nav nav-tabs"><li><button class="nav-link active" data-bs-toggle="tab" '
                 'data-bs-target="#part">Je suis un particulier</button></li><li><button class="nav-link" '
                 'data-bs-toggle="tab" data-bs-target="#pro">Je suis un professionnel</button></li></ul>'
                 '<div class="tab-content"><div class="tab-pane fade show active" id="part"><p>Sans frais.</p></div>'
                 '<div class="tab-pane fade" id="pro"><p>Préavis de 30 jours.</p></div></div>')
    # a jQuery-era site: links in a list named "tabs", no ARIA; the panels hidden by their style
    anchors = ('<h2>Vos remboursements</h2><ul class="tabs"><li class="active"><a href="#f-essentielle">Formule '
               'Essentielle</a></li><li><a href="#f-confort">Formule Confort</a></li></ul>'
               '<div id="f-essentielle" class="tab-content" style="display: block;"><table><tr><td>Monture</td>'
               '<td>30 €</td></tr></table></div><div id="f-confort" class="tab-content" style="display: none;" '
               'aria-hidden="true"><table><tr><td>Monture</td><td>75 €</td></tr></table></div>')
    assert _sections(bootstrap) + _sections(anchors) == [
        ("Résilier › Je suis un particulier", ["Sans frais."]),
        ("Résilier › Je suis un professionnel", ["Préavis de 30 jours."]),
        ("Vos remboursements › Formule Essentielle", ["Monture | 30 €"]),
        ("Vos remboursements › Formule Confort", ["Monture | 75 €"])]


def test_a_tab_of_no_panel_on_the_page_and_a_page_s_own_anchors_stay_what_they_were():
    page = ('<h2>Aide</h2><div role="tablist"><a role="tab" href="/particuliers">Particuliers</a> '
            '<a role="tab" aria-controls="ailleurs">Entreprises</a></div><p id="later">Appelez-nous.</p>'
            '<ul class="sommaire"><li><a href="#later">Nous appeler</a></li></ul>')
    assert _sections(page) == [("Aide", ["Particuliers Entreprises", "Appelez-nous."])]


def test_tabs_within_a_tab_s_panel_stand_under_its_label():
    inner = ('<div role="tablist"><button role="tab" aria-controls="i1">Naissance unique</button><button role="tab" '
             'aria-controls="i2">Naissances multiples</button></div><div id="i1" role="tabpanel"><p>25 jours.</p>'
             '</div><div id="i2" role="tabpanel" hidden><p>32 jours.</p></div>')
    page = ('<h2>Durée</h2><div role="tablist"><button role="tab" aria-controls="o1">Salarié</button></div>'
            f'<div id="o1" role="tabpanel"><h3>Le congé</h3>{inner}<p>Pris en 6 mois.</p></div><p>Fin.</p>')
    assert _sections(page) == [("Durée › Salarié › Le congé › Naissance unique", ["25 jours."]),
                               ("Durée › Salarié › Le congé › Naissances multiples", ["32 jours."]),
                               ("Durée › Salarié › Le congé", ["Pris en 6 mois."]), ("Durée", ["Fin."])]


def _many(n: int) -> str:
    """A page of `n` tabs and their panels, 100 more nested, a tab of a label of `50 n` words, `n` accordions, a list
    of items of `n` links each and of a tag of `50 n` characters never closed."""
    tabs = "".join(f'<button role="tab" aria-controls="p{i}">Cas {i}</button>' for i in range(n + 100))
    panels = "".join(f'<div id="p{i}"><h2>Durée</h2><p>{i} jours.</p></div>' for i in range(n))
    nested = "".join(f'<div id="p{i}"><p>{i} jours.</p>' for i in range(n, n + 100)) + "</div>" * 100
    huge = '<a role="tab" href="#x">' + "mot " * (50 * n) + '</a><div id="x"><p>Texte.</p></div>'
    accordions = "".join(f'<h3><button aria-expanded="false" aria-controls="q{i}">Question {i} ?</button></h3>'
                         f'<div id="q{i}"><p>Réponse.</p></div>' for i in range(n))
    links = "<h2>Et aussi</h2><ul>" + ("<li>" + '<a href="/p">x ' * n + "</li>") * 2  # never closed
    links += '<li><a href="/p">x</a><a' + "b" * (50 * n) + "</li></ul>"  # a tag's name never ended
    return f'<main><h1>Cas</h1><div role="tablist">{tabs}</div>{panels}{nested}{huge}{accordions}{links}</main>'


def test_many_tabs_nested_panels_and_accordions_are_read_in_linear_time():
    pages = {n: _many(n) for n in (300, 1200)}
    assert grows_linearly(lambda n: parse_html(pages[n]), 300)


def test_an_accordion_s_panel_right_after_its_heading_ends_what_the_heading_heads():
    # the DSFR's and Bootstrap's accordions (WAI's pattern): `<h3><button aria-expanded aria-controls>` over its panel;
    # the "À savoir" box after the last one is the section's, not the last case's
    dsfr = ('<h2>Durée du congé</h2><section class="fr-accordion"><h3 class="fr-accordion__title"><button '
            'aria-expanded="false" aria-controls="a1">Naissance unique</button></h3><div class="fr-collapse" id="a1">'
            '<p>25 jours.</p></div></section><section class="fr-accordion"><h3 id="h2"><button aria-expanded="false" '
            'aria-controls="a2">Naissances multiples</button></h3><div class="fr-collapse" id="a2"><p>32 jours.</p>'
            "</div></section><div class=\"fr-callout\"><p>À savoir</p><p>Dans les 6 mois.</p></div>")
    # a heading's button whose panel is not the next element named on the page (a menu's drawer) ends nothing
    drawer = ('<h2><button aria-expanded="false" aria-controls="drawer">Aide</button></h2><p id="top">Appelez.</p>'
              '<p>Le 3230.</p><div id="drawer"><p>Menu.</p></div><p>Fin.</p>')
    assert _sections(dsfr) + _sections(drawer) == [
        ("Durée du congé › Naissance unique", ["25 jours."]), ("Durée du congé › Naissances multiples", ["32 jours."]),
        ("Durée du congé", ["À savoir", "Dans les 6 mois."]), ("Aide", ["Appelez.", "Le 3230.", "Menu.", "Fin."])]


def test_a_section_of_links_to_other_pages_is_left_out_and_one_of_documents_or_words_is_read():
    page = ("<main><h1>Congé de paternité</h1><p>Le congé dure 25 jours.</p>"
            '<section class="sp-qr"><h2>Questions ? Réponses !</h2><ul><li><a href="/vosdroits/F1">Qu\'est-ce que '
            'le congé de naissance ?</a></li><li><a href="https://ex.fr/F2"><span>Congé parental</span></a></li>'
            "</ul></section>"
            '<h2>Formulaires</h2><ul><li><a href="/cerfa-12345.pdf">Déclaration sur l\'honneur</a></li>'
            '<li><a href="/cerfa-67890.PDF?v=2">Attestation de salaire</a></li></ul>'
            '<h2>Textes de référence</h2><ul><li><a href="/code/L1225-35">Code du travail : article L1225-35</a> '
            'Congé de paternité</li><li><a href="/code/L331-8">Code de la sécurité sociale : article L331-8</a></li>'
            "</ul></main>")
    assert _sections(page) == [
        ("Congé de paternité", ["Le congé dure 25 jours."]),
        ("Congé de paternité › Formulaires", ["Déclaration sur l'honneur", "Attestation de salaire"]),
        ("Congé de paternité › Textes de référence", ["Code du travail : article L1225-35 Congé de paternité",
                                                      "Code de la sécurité sociale : article L331-8"])]


def _stale(count: int) -> str:
    # each tab's panel holds an accordion entry never closed as a panel: two controls of one id
    return "<body>" + "".join(
        f'<div role=tablist><button role=tab aria-controls=t{i}>Cas {i}</button></div><div id=t{i}>'
        f'<h3><button aria-expanded=false aria-controls=q{i}>A</button></h3><h3><button aria-expanded=false '
        f'aria-controls=q{i}>B</button></h3><div id=q{i}><p>Réponse {i}.</p></div><h4>Démarches</h4><p>Texte {i}.</p>'
        "</div>" for i in range(count)) + "</body>"


def test_an_accordion_s_panel_never_read_as_one_leaves_no_tab_open_over_the_next():
    # its panel a void element, or named in a script: what the tab's panel opened closes with it all the same
    page = ("<main><h2>Congé</h2><div role=tablist><button role=tab aria-controls=t1>Salarié</button><button role=tab"
            " aria-controls=t2>Fonctionnaire</button><button role=tab aria-controls=t3>Indépendant</button></div>"
            "<div id=t1><h3><button aria-expanded=false aria-controls=q1>Durée</button></h3><img id=q1 src=a.png>"
            "<p>11 jours</p></div><div id=t2><h3><button aria-expanded=false aria-controls=q2>Durée</button></h3>"
            "<script>var a=' id=q2';</script><p>25 jours</p></div><div id=t3><h3>Durée</h3><p>2 mois</p></div></main>")
    assert _sections(page) == [("Congé › Salarié › Durée", ["11 jours"]), ("Congé › Fonctionnaire › Durée",
                                                                            ["25 jours"]),
                               ("Congé › Indépendant › Durée", ["2 mois"])]
    assert [path for path, _ in _sections(_stale(3))][-2:] == ["Cas 2 › B", "Cas 2 › Démarches"]


def test_accordions_whose_panels_never_close_are_read_in_linear_time():
    pages = {n: _stale(n) for n in (400, 1600)}
    assert grows_linearly(lambda n: parse_html(pages[n]), 400)
    large = pages[1600]
    assert sum(len(path) for path, _ in _sections(large)) < 40 * 1600


def test_a_control_whose_words_run_into_a_heading_and_its_panel_named_in_a_script_is_read():
    page = '<button aria-expanded aria-controls=p3>x<h2>&lt;div id=p2&gt;</details>var a=" id=p3";'
    assert _sections(page) == [("", ["x"]), ("<div id=p2>", ['var a=" id=p3";'])]


def test_a_tab_whose_end_tag_is_left_out_ends_at_the_next_and_a_void_tab_has_no_label():
    nav = "<nav><ul><li><a href=/a>Accueil</a></li><li><a href=/b>Contact</a></li><li><a href=/c>Plan</a></ul></nav>"
    items = (nav + "<h2>Congé</h2><ul role=tablist><li role=tab aria-controls=p1>Salarié<li role=tab aria-controls=p2>"
             "Fonctionnaire</ul><div id=p1><p>11 jours.</p></div><div id=p2><p>25 jours.</p></div><p>Fin.</p>")
    radios = ("<h2>Durée</h2><div role=tablist><input type=radio role=tab aria-controls=r1 id=i1><label for=i1>Salarié"
              "</label></div><div id=r1><p>11 jours.</p></div>")
    assert _sections(items) == [("Congé", ["Salarié", "Fonctionnaire"]), ("Congé › Salarié", ["11 jours."]),
                                ("Congé › Fonctionnaire", ["25 jours."]), ("Congé", ["Fin."])]
    assert _sections(radios) == [("Durée", ["Salarié", "11 jours."])]


def test_a_tab_s_panel_is_a_container_never_a_heading_nor_words_in_a_sentence():
    anchors = ('<h1>Guide</h1><ul class="nav nav-tabs"><li><a href="#a">Alpha</a></li><li><a href="#b">Beta</a></li>'
               '</ul><h2 id="a">Alpha section</h2><p>Alpha.</p><h2 id="b">Beta section</h2><p>Beta.</p>')
    span = ("<h2>Prix</h2><div role=tablist><button role=tab aria-controls=x>Mensuel</button></div>"
            "<p>Le prix est de <span id=x>10 €</span> par mois.</p>")
    assert _sections(anchors) + _sections(span) == [
        ("Guide › Alpha section", ["Alpha."]), ("Guide › Beta section", ["Beta."]),
        ("Prix", ["Le prix est de 10 € par mois."])]


def test_a_heading_with_a_toggle_beside_its_words_heads_what_follows_the_toggle_s_panel():
    before = ('<h2>Tarifs <button aria-expanded="false" aria-controls="tip1">?</button></h2><div id="tip1" hidden>'
              "Prix TTC.</div><p>Le forfait Zen coûte 19,99 €.</p>")
    after = ('<h2><button aria-expanded="false" aria-controls="tip2">?</button> Options</h2><div id="tip2" hidden>'
             "Au choix.</div><p>Le forfait Max coûte 29,99 €.</p>")
    assert _sections(before) + _sections(after) == [
        ("Tarifs ?", ["Prix TTC.", "Le forfait Zen coûte 19,99 €."]),
        ("? Options", ["Au choix.", "Le forfait Max coûte 29,99 €."])]


def test_a_page_of_lists_of_links_only_is_read():
    page = ('<main><h1>Aide</h1><h2>Compte</h2><ul><li><a href="/aide/mdp">Changer mon mot de passe</a></li>'
            '<li><a href="/aide/oubli">J\'ai oublié mon mot de passe</a></li></ul></main>')
    assert _sections(page) == [("Aide › Compte", ["Changer mon mot de passe", "J'ai oublié mon mot de passe"])]


def test_an_outline_keeps_at_most_nested_labels_open():
    outline = PanelOutline()
    for at in range(3 * NESTED):
        outline.panel(f"Cas {at}", at)
    assert len(outline.section(2, "Démarches").parents) == NESTED
