"""A help page's feedback widget ("Cette page vous a-t-elle été utile ? Oui Non", audit 59's four pages) was read as
text: its question a section of its own (second for "how long must I have been registered?"), "Oui Non" a line."""

from rag.corpus.formats.html import parse_html
from rag.corpus.formats.html_feedback import polls
from tests.helpers.timing import grows_linearly

_PAGE = "<main><h1>Congé</h1><p>Le congé dure 25 jours.</p>{}<h2>Démarches</h2><p>Prévenez votre employeur.</p></main>"


def _lines(page: str) -> list[str]:
    return [line.text for s in parse_html(page).sections for line in s.lines] + \
        [s.heading or "" for s in parse_html(page).sections]


def test_a_question_and_its_choices_are_left_out_whatever_the_site_names_them():
    widgets = [
        # the DSFR's: a heading over a form of radio buttons
        '<section class="sp-feedback"><h2>Cette page vous a-t-elle été utile ?</h2><form action="/s" method="post">'
        '<fieldset><div><input type="radio" id="y" name="s"><label for="y">Oui</label></div><div>'
        '<input type="radio" id="n" name="s"><label for="n">Non</label></div></fieldset>'
        '<button type="submit">Envoyer</button></form></section>',
        # buttons and a thank-you hidden beside them
        '<div class="avis"><p>Cette page vous a-t-elle été utile ?</p><button type="button">Oui</button>'
        '<button type="button">Non</button><p style="display:none">Merci pour votre avis !</p></div>',
        # links going nowhere, in a class that names nothing known
        '<div class="utile"><p>Cette information vous a-t-elle été utile ?</p><a href="#">Oui</a> '
        '<a href="#" class="x">Non</a></div>',
        '<div class="x" aria-live="polite"><p>Was this article helpful?</p><button>👍 Yes</button> '
        '<button>👎 No</button></div>',
        # a form of one line and a text box
        '<form><p>Votre avis nous intéresse</p><textarea name="avis"></textarea><button>Envoyer</button></form>',
    ]
    for widget in widgets:
        lines = _lines(_PAGE.format(widget))
        assert not any(word in line for line in lines for word in ("utile", "helpful", "Oui", "Yes", "Merci", "avis",
                                                                   "Envoyer")), widget
        assert "Prévenez votre employeur." in lines and "Le congé dure 25 jours." in lines


def test_a_question_over_content_tabs_or_links_to_pages_is_read():
    kept = [
        # choices opening panels: the reader's case, not a poll
        '<div><p>Vous êtes salarié ?</p><button aria-controls="a" aria-expanded="false">Oui</button>'
        '<button aria-controls="b" aria-expanded="false">Non</button><div id="a"><p>Voici vos droits.</p></div></div>',
        # an FAQ's question and its answer
        "<div><p>Puis-je le fractionner ?</p><p>Oui, en deux périodes.</p></div>",
        # links to other pages
        '<p>Vous êtes indépendant ? <a href="/ind">Oui</a> <a href="/sal">Non</a></p>',
        # a long hidden text is content (a collapsed answer)
        '<div><p>Qui paie ?</p><button>Voir</button><button>Masquer</button><p hidden>' + "La CPAM verse les "
        "indemnités journalières, dans la limite de 100,36 € par jour, si vous justifiez de 6 mois d'affiliation.</p>"
        "</div>",
    ]
    for widget in kept:
        assert polls(_PAGE.format(widget)) == frozenset(), widget
    assert "Voici vos droits." in _lines(_PAGE.format(kept[0]))


def test_feedback_widgets_are_found_in_linear_time():
    def page(n: int) -> str:
        open_ = "<div><p>Utile ?</p><button>Oui</button>" * n  # never closed
        strays = "</span>" * n + "<p>" * n + "</div>" * n  # end tags of nothing open near, optional ones left out
        return f"<main>{open_}{strays}<p>{'mot ' * n}</p></main>"

    pages = {n: page(n) for n in (2000, 8000)}
    assert grows_linearly(lambda n: polls(pages[n]), 2000)
