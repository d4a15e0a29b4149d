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
        # a rating: more than three choices, all symbols
        '<div><span>Cette réponse vous a-t-elle été utile ?</span><button>😞</button><button>😐</button>'
        '<button>🙂</button><button>😀</button></div>',
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
        # choices that are no answers: a size picker, a quiz, an accordion's toggles over a short hidden answer
        "<div><p>Quelle taille ?</p><button>S</button><button>M</button><button>L</button><button>XL</button></div>",
        "<div><p>Faut-il partager son code PIN ?</p><button>Vrai</button><button>Faux</button><p hidden>Faux : "
        "jamais.</p></div>",
        "<div><p>Puis-je fractionner mon congé ?</p><button>Afficher</button><button>Masquer</button>"
        "<p style='display:none'>Oui, en deux périodes au plus.</p></div>",
        # answers among more choices: a simulator's step
        "<div><p>Vous êtes locataire ?</p><button>Oui</button><button>Non</button><button>Hébergé gratuitement</button>"
        "<button>Autre</button></div>",
        # a hidden text of more than a thank-you's words: a quiz's answer
        "<div><p>Puis-je le fractionner ?</p><button>Oui</button><button>Non</button><p hidden>Oui, en deux périodes, "
        "dont une de 12 jours au moins.</p></div>",
        # forms with no text box nor radio button, or with a heading (ASP.NET wraps the whole page in one)
        "<form action='/panier'><p>Quantité disponible : 3</p><button>Ajouter au panier</button></form>",
        "<form id='form1'><h1>Horaires</h1><p>Ouvert 9h-18h.</p><input name='q'><button>Imprimer</button></form>",
    ]
    for widget in kept:
        assert polls(_PAGE.format(widget)) == frozenset(), widget
    assert "Voici vos droits." in _lines(_PAGE.format(kept[0]))


def test_a_widget_shares_its_container_with_the_article_it_ends():
    """The one run of text outside the choices is the question: a short article's heading and text around its
    widget, in one container, were left out with it."""
    page = ("<main><div class='article'><h1>Horaires du service client</h1><div><p>Le service client répond du lundi "
            "au samedi, de 8 h à 20 h.</p></div><div class='votes'><span>Cet article vous a-t-il été utile ?</span>"
            "<button>Oui</button><button>Non</button></div></div></main>")
    assert [(s.heading, [line.text for line in s.lines]) for s in parse_html(page).sections] == [
        ("Horaires du service client", ["Le service client répond du lundi au samedi, de 8 h à 20 h."])]
    intro = "<div><p>Le congé dure 25 jours.</p><p>Cette page vous a-t-elle été utile ?</p><button>Oui</button>" \
        "<button>Non</button></div>"
    assert "Le congé dure 25 jours." in _lines(intro)


def test_a_widget_whose_end_tag_is_missing_leaves_the_page_read_as_it_was():
    """A `<p>` closed by its container's end tag is not left out: the end tag would close it, never seen, and the
    page be read again leniently, its `<nav>` and `<footer>` back."""
    page = ("<body><nav><a href='/'>Accueil</a> <a href='/offres'>Nos offres</a></nav><div><h1>Congé</h1>"
            "<p>Le congé dure 25 jours ouvrés, à prendre entre le 1er mai et le 31 octobre, en une ou deux fois selon "
            "l'accord de votre employeur et la convention collective.</p><p>Cette page vous a-t-elle été utile ? "
            "<button>Oui</button><button>Non</button></div>"
            "<p>Prévenez votre employeur.</p><footer>Plan du site - Mentions légales</footer></body>")
    lines = _lines(page)
    assert "Congé" in lines and "Prévenez votre employeur." in lines
    assert not any("Accueil" in line or "Plan du site" in line for line in lines), lines


def test_feedback_widgets_are_found_in_linear_time():
    def page(n: int) -> str:
        open_ = "<div><p>Utile ?</p><button>Oui</button>" * n  # never closed
        strays = "</span>" * n + "<p>" * n + "</div>" * n  # end tags of nothing open near, optional ones left out
        return f"<main>{open_}{strays}<p>{'mot ' * n}</p></main>"

    pages = {n: page(n) for n in (2000, 8000)}
    assert grows_linearly(lambda n: polls(pages[n]), 2000)
