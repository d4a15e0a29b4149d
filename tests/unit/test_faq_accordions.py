"""A public body's FAQ as its site saves it (audit 66, `tests/data/audit66`): a jQuery-era accordion, a `<button
class="faq-question" data-target="#v03">` over `<div id="v03" style="display: none;">`, no ARIA at all, was read as a
line of the theme's section: its thirteen questions and their answers ran into one another under "Location de
vélos", and "louer un vélo normal sans batterie, prix ?" was answered with the deposit's entry, the question over it
("Faut-il verser une caution pour louer un vélo ? Oui, un dépôt de garantie ...")."""

from rag.corpus.formats.html import parse_html
from tests.helpers.timing import grows_linearly
from tests.unit.test_case_tabs import _sections


def _item(key: str, question: str, answer: str, attribute: str = "data-target") -> str:
    return (f'<div class="faq-bloc"><button class="faq-question" {attribute}="#{key}">{question} <i class="icon-plus">'
            f'</i></button><div class="faq-reponse" id="{key}" style="display: none;"><p>{answer}</p></div></div>')


def test_a_button_naming_the_panel_right_after_it_heads_the_panel_as_an_accordion_s_question():
    page = ("<main><h2>Location de vélos</h2><p>Nos formules.</p>"
            + _item("v01", "Combien coûte un vélo électrique ?", "40 € par mois.")
            + _item("v03", "Combien coûte un vélo classique ?", "10 € par mois.", "data-bs-target")
            + "<p>Une autre question ? Appelez-nous.</p><h2>Parcs relais</h2><p>Gratuits pour les abonnés.</p></main>")
    assert _sections(page) == [
        ("Location de vélos", ["Nos formules."]),
        ("Location de vélos › Combien coûte un vélo électrique ?", ["40 € par mois."]),
        ("Location de vélos › Combien coûte un vélo classique ?", ["10 € par mois."]),
        ("Location de vélos", ["Une autre question ? Appelez-nous."]),
        ("Parcs relais", ["Gratuits pour les abonnés."])]


def test_a_button_whose_target_is_not_the_element_named_right_after_it_heads_nothing():
    # a button opening a dialog further down the page, and one naming an element before it, stay lines of the section
    page = ('<main><h2>Tarifs</h2><div id="intro"><p>Trois formules.</p></div><button data-target="#grille">Voir '
            'la grille</button><p id="note">Prix TTC.</p><div id="grille"><p>10 €, 20 €, 30 €.</p></div>'
            '<button data-target="#intro">Haut de page</button><p>Fin.</p></main>')
    assert _sections(page) == [
        ("Tarifs", ["Trois formules.", "Voir la grille", "Prix TTC.", "10 €, 20 €, 30 €.", "Haut de page", "Fin."])]


def _many(count: int) -> str:
    # controls naming the next element, a later one, a missing one, and never-closed panels, over and over
    return "<main><h2>FAQ</h2>" + "".join(
        _item(f"q{i}", f"Question {i} ?", f"Réponse {i}.") + f'<button data-target="#q{i + 2}">Voir</button>'
        f'<button data-target="#absent{i}">Plus</button><div id="open{i}"><p>Texte {i}.</p>' for i in range(count)
    ) + "</main>"


def test_many_data_target_controls_are_read_in_linear_time():
    pages = {n: _many(n) for n in (300, 1200)}
    assert grows_linearly(lambda n: parse_html(pages[n]), 300)
