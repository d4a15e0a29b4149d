"""Answer snippets and citations ready to show: sentence cutting, window choice, the answer and its Markdown."""

from __future__ import annotations

import re
import textwrap

import pytest

from rag.schemas import Citation, Highlight, Hit
from rag.search import snippets
from rag.search.answer import RETRIEVAL_POWER, answer, answers_heading, escape, markdown, quote
from rag.search.lines import lines
from rag.search.snippets import LEAD_CHARS, LIST_CHARS, Sentence, best_window, excerpt, sentence_spans


def spans(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


def test_sentences_split_at_sentence_ends_and_lines_only():
    text = ("Né en 52 av. J.-C. à Rome, M. Dupont est mort. Il avait 3 enfants ! « Quel homme », dit-il.\n"
            "• Pour la demande de crédit, nous acceptons la carte d’identité.\n"
            "  - Un point. suivi d'une minuscule ne coupe pas.")
    assert spans(text) == [
        "Né en 52 av. J.-C. à Rome, M. Dupont est mort.",
        "Il avait 3 enfants !",
        "« Quel homme », dit-il.",
        "Pour la demande de crédit, nous acceptons la carte d’identité.",  # bullet left out
        "Un point. suivi d'une minuscule ne coupe pas.",
    ]
    assert spans("") == [] and spans("  \n\n ") == []


def _sentences(*terms: str) -> tuple[Sentence, ...]:
    return tuple(Sentence(i * 10, i * 10 + 9, frozenset(t.split())) for i, t in enumerate(terms))


def test_window_takes_a_second_sentence_only_for_new_question_words():
    weights = {"carte": 1.0, "sejour": 2.0, "passport": 1.5}
    # the second sentence brings "passport": both are shown
    assert best_window(_sentences("intro", "carte sejour", "passport", "autre"), weights)[:2] == (1, 2)
    # nothing new in the next sentence: one sentence
    assert best_window(_sentences("carte sejour", "carte", "intro"), weights)[:2] == (0, 0)
    # ties go to the earlier sentence; no question word at all: the first sentence
    assert best_window(_sentences("x", "carte", "carte"), weights)[:2] == (1, 1)
    assert best_window(_sentences("x", "y"), weights) == (0, 0, 0.0)


def test_the_window_the_model_finds_closest_counts_the_rarest_question_word_once_more():
    weights = {"carte": 1.0, "sejour": 2.0}
    parts = _sentences("carte", "intro", "x", "sejour")  # sentence i spans [10 i, 10 i + 9)
    assert best_window(parts, weights)[:2] == (3, 3)
    # the model's window over sentences 0..1: "carte" there (1 + 2) beats "sejour" outside it (2)
    assert best_window(parts, weights, near=(0, 19)) == (0, 0, 1.0)  # the score stays the words' own
    # a window without question words stands in against sentences worth no more than the bonus, not against more
    assert best_window(parts, weights, near=(20, 29)) == (2, 2, 0.0)
    assert best_window(_sentences("carte", "y", "x", "carte sejour"), weights, near=(10, 19)) == (3, 3, 3.0)
    # an English question on French text: no word in common, the model's window is the highlight
    assert best_window(_sentences("x", "y", "z"), {}, near=(10, 19)) == (1, 1, 0.0)


def test_runs_that_tie_in_the_model_s_window_go_to_the_sentences_it_holds_of_its_own():
    """"Can I return items bought on sale?" of the Spanish returns page: no word in common, the model's window over
    "Tarjetas regalo." (a list item the window before holds too) and "Los artículos comprados en rebajas … se pueden
    devolver …" (its own): the highlight was the earlier sentence, an item of the list of what cannot be returned."""
    parts = _sentences("a", "b", "c", "d")
    assert best_window(parts, {}, near=(20, 39)) == (2, 2, 0.0)
    assert best_window(parts, {}, near=(20, 39), own=(30, 39)) == (3, 3, 0.0)
    # a tie only: question words a sentence of the window holds outweigh the window's own part
    weights = {"c": 1.0, "d": 0.5}
    assert best_window(parts, weights, near=(20, 39), own=(30, 39)) == (2, 3, 1.5)
    assert best_window(_sentences("a", "b", "c", "x"), {"c": 1.0}, near=(20, 39), own=(30, 39)) == (2, 2, 1.0)
    # and of runs that tie on question words, the earlier: the window's own part is a coarse guide, which chose
    # among table rows all holding the header's words, or sentences holding the same ones, no better than the order
    # (audit 43: "j'ai bloqué ma sim en tapant 3 fois le mauvais code" got "Dix codes PUK erronés bloquent…", not
    # "Après trois codes PIN erronés, la carte se bloque ; saisissez alors le code PUK")
    assert best_window(_sentences("c", "b", "c", "x", "c"), {"c": 1.0}, near=(20, 49), own=(40, 49)) == (2, 2, 1.0)
    for near, own in (((20, 39), (30, 39)), ((0, 19), (0, 9)), (None, None)):
        for words in (("a", "b", "c", "d"), ("c", "b", "c", "x", "c")):
            parts = _sentences(*words)
            assert snippets.best_windows(parts, {"c": 1.0}, near, 2.0, own) == (
                best_window(parts, {"c": 1.0}), best_window(parts, {"c": 1.0}, near, 2.0, own))


def test_both_windows_at_once_are_the_two_windows_found_alone():
    weights = {"carte": 1.0, "sejour": 2.0, "passport": 1.5}
    texts = [("carte", "intro", "x", "sejour"), ("carte", "y", "x", "carte sejour"), ("x", "y", "z"),
             ("intro", "carte sejour", "passport", "autre"), ("carte sejour", "carte", "intro")]
    for words in texts:
        parts = _sentences(*words)
        for near in (None, (0, 19), (10, 19), (20, 29), (10, 39)):
            for bonus in (None, 0.5, 5.0):
                assert snippets.best_windows(parts, weights, near, bonus) == (
                    best_window(parts, weights), best_window(parts, weights, near, bonus))


def _hit(rank: int, score: float, text: str = "Une phrase.", label: str = "Doc › A", url: str | None = None) -> Hit:
    citation = Citation(doc_id="d", title="Doc", source="d.txt", section="A", start=0, end=len(text), url=url,
                        label=label)
    return Hit(rank=rank, id=f"p{rank}", text=text, score=1.0 / rank, citation=citation,
               highlight=Highlight(text=text, start=0, end=len(text), score=score))


def test_answer_weighs_snippet_and_passage_scores_among_the_first_three():
    # passage scores are 1/rank, weighed to the 4th power: products 1.0, 1.5, 1.4999... (just under), 3.9 (too deep)
    assert RETRIEVAL_POWER == 4
    hits = [_hit(1, 1.0), _hit(2, 24.0, label="Doc › B"), _hit(3, 121.5, label="Doc › C"), _hit(4, 1000.0)]
    best = answer(hits)
    assert best is not None and best.passage_id == "p2" and best.rank == 2
    assert best.citation.label == "Doc › B"
    # a highlight of a lower passage must hold clearly more question words: 15.9 times the first's is not enough
    assert answer([hits[0], _hit(2, 15.9)]).passage_id == "p1"  # type: ignore[union-attr]
    assert answer([]) is None
    assert answer([_hit(1, 0.0), _hit(2, 0.0)]).passage_id == "p1"  # type: ignore[union-attr]


def test_markdown_quotes_the_snippet_and_numbers_the_sources():
    hits = [_hit(1, 1.0, label="Guide › Retours", url="https://example.org/guide"),
            _hit(2, 20.0, text="Use ~~tildes~~ *here*.\n1. then [this]", label="FAQ › Markdown"),
            _hit(3, 0.5, label="Guide › Retours", url="https://example.org/guide")]
    best = answer(hits)
    assert best is not None
    assert best.markdown == (
        "> Use \\~\\~tildes\\~\\~ \\*here\\*.\\\n> 1\\. then \\[this\\] [1]\n\n"
        "Sources:\n"
        "1. FAQ › Markdown\n"
        "2. [Guide › Retours](<https://example.org/guide>)\n")


def test_the_quoted_answer_keeps_its_lines_when_rendered():
    from markdown_it import MarkdownIt

    render = MarkdownIt("commonmark").render
    items = "• Pour la demande de crédit, la carte d’identité\n• Pour vérifier l’identité, le passeport"
    html = render(quote(items))
    # each item on its own line (a hard break), no backslash shown
    assert html == ("<blockquote>\n<p>• Pour la demande de crédit, la carte d’identité<br />\n"
                    "• Pour vérifier l’identité, le passeport</p>\n</blockquote>\n")
    # a sentence wrapped over two lines (a PDF line) flows on: a soft break
    wrapped = "Le salarié peut demander un congé après accord de son\nresponsable, par écrit.\n- Puis un item"
    assert quote(wrapped) == ("> Le salarié peut demander un congé après accord de son\n> responsable, par écrit.\\\n"
                              "> \\- Puis un item")
    assert "<br />" not in render(quote(wrapped)).split("responsable")[0]
    # around a blank line: a paragraph break, never a backslash left to show
    paragraphs = "Premier paragraphe.\n\nSecond paragraphe.\n"
    assert quote(paragraphs) == "> Premier paragraphe.\n>\n> Second paragraphe."
    assert "\\" not in render(quote(paragraphs))
    # a backslash at the end of a line of the document stays a backslash
    assert render(quote("C:\\dossier\\\nSuite")) == "<blockquote>\n<p>C:\\dossier\\<br />\nSuite</p>\n</blockquote>\n"


@pytest.mark.parametrize("text", ["a*b_c", "# title", "- item", "+ x", "1. one", "<b>x</b>", "[x](y)", "`c`", "a|b"])
def test_escape_leaves_no_markdown_syntax(text):
    escaped = escape(text)
    # every syntax character is preceded by a backslash; removing the escapes gives the text back
    assert re.sub(r"\\(.)", r"\1", escaped) == text
    assert not re.search(r"(?<!\\)[*_`<>\[\]|]", escaped) and not re.match(r"[-+#]|\d+\.", escaped)


def test_unsafe_urls_are_not_linked():
    for url in ("javascript:alert(1)>", "no scheme", "https://ok.example/a b"):
        citation = Citation(doc_id="d", title="T", source="d.txt", section=None, start=0, end=1, url=url, label="T")
        rendered = markdown("x", citation, [])
        assert ("](<" in rendered) == (url == "https://ok.example/a b")


def test_a_sentence_wrapped_over_lines_stays_whole():
    pdf = ("Un congé exceptionnel peut être accordé après accord de son\nresponsable. La demande se fait par écrit.\n"
           "Les horaires\n• Lundi : fermé\n• mardi au samedi : 9 h - 18 h")
    assert spans(pdf) == [
        "Un congé exceptionnel peut être accordé après accord de son\nresponsable.",
        "La demande se fait par écrit.",
        "Les horaires",  # a heading line, then list items: a line starting with a bullet is not a continuation
        "Lundi : fermé",
        "mardi au samedi : 9 h - 18 h",
    ]
    wrapped = ("Le remboursement de la commande est effectué\n  sous cinq jours ouvrés à compter de la réception,\n"
               "sauf refus de la banque.\nAutre ligne.")
    assert spans(wrapped) == [wrapped[:-len("\nAutre ligne.")], "Autre ligne."]
    html_list = "Documents acceptés pour la demande\ncarte d’identité\ncarte de séjour en cours de validité"
    assert spans(html_list) == html_list.split("\n")  # short lines: items, not a wrapped sentence
    rows = "| Offre | Prix |\n| basique | 5 € |\nliste :\n- un\n- deux"
    assert spans(rows) == ["| Offre | Prix |", "| basique | 5 € |", "liste :", "un", "deux"]


def test_a_wrapped_line_goes_on_with_a_capital_or_a_digit_where_the_next_word_did_not_fit():
    # a paragraph hard-wrapped at several widths: proper nouns, numbers and brackets open some of its lines
    sentences = ["Le SAV est joignable au 09 69 00 00 10 du lundi au samedi, de 8 h 30 à 19 h.",
                 "Un technicien vous rappelle sous 48 heures ouvrées pour un premier diagnostic (Okta, Microsoft "
                 "Entra ID, Google Workspace et SAML).",
                 "Le paiement est accepté par Visa, Mastercard et American Express, en 3 ou 4 fois avec Oney.",
                 "Les pièces les plus courantes sont expédiées sous 48 heures depuis notre entrepôt de Lyon « Sud »."]
    capitals = 0
    for width in range(60, 121, 4):
        text = "\n".join(textwrap.wrap(" ".join(sentences), width))
        capitals += len(re.findall(r"\n[^a-z]", text))
        assert [s.replace("\n", " ") for s in spans(text)] == sentences, width
    assert capitals > 20  # the widths did put capitals and digits at lines' starts


def test_a_wrapped_line_goes_on_with_markdown_emphasis_or_code():
    """Audit 50: "Como consigo mais limite no cartão de crédito?" was answered "... Para pedir mais limite, toque em",
    the sentence cut where hard-wrapping had put its bold menu path at a line's start ("**Cartão > Ajustar
    limite**. Fazemos ..."): a line opening on inline emphasis or code reads on as one opening on its letter."""
    para = ("O limite inicial é definido por uma análise de crédito feita na abertura da conta. Para pedir mais\n"
            "limite, toque em Cartão e depois em Ajustar limite no aplicativo, quando quiser, sem custo algum, em\n"
            "**Cartão > Ajustar limite**. Fazemos uma nova análise a cada 3 meses.")
    assert spans(para)[1] == para[para.index("Para pedir"):para.index(" Fazemos")]
    code = ("The port the server listens on is read once, when it starts, from the environment of its\n"
            "process: the deployment sets it in the variable whose name is written below, which is named\n"
            "`RAG_PORT`, and it defaults to 8000 when the variable is not set by the deployment at all.")
    assert spans(code) == [code]
    lower = "Rotate a leaked key at once from the dashboard of the account that owns it, under the\n*settings* page."
    assert spans(lower) == [lower]
    # a bullet and a code fence stay lines of their own, after a line that a sentence did not end as well
    wrapped = para[:para.index("\n**")]
    for own in ("* Cartão > Ajustar limite, no aplicativo", "```"):
        assert lines(f"{wrapped}\n{own}")[-1] == own, own


def test_a_line_opening_on_a_span_that_goes_on_with_the_sentence_above_joins_it_at_any_width():
    # audit 53 (p43): a two-line passage gives no wrap width, and "**1 heure**" opens on a digit: the answer to "le
    # jeton oauth dure combien de temps" was served "Le jeton d'accès est valable", the duration cut off
    above = "Échangez le code reçu contre un jeton sur `/oauth/token`. Le jeton d'accès est valable"
    for below in ("**1 heure** ; le jeton de rafraîchissement, 60 jours.", "**1 heure**.", "`3600` secondes.",
                  "_Paramètres › API_, puis Créer."):
        assert lines(f"{above}\n{below}") == [f"{above}\n{below}"], below
    # a label, a span over a capital, a span alone, an item, a row: lines of their own
    for own in ("**Note** : le jeton se renouvelle.", "**Paramètres** Ouvrez la page.", "**Jeton de rafraîchissement**",
                "* **1 heure** ; le jeton", "| **1 heure** | 60 jours |", "**Note :** le jeton se renouvelle.",
                "**Note:** the token renews itself.", "_Remarque :_ le jeton se renouvelle."):
        assert lines(f"{above}\n{own}")[-1] == own, own
    assert lines(f"{above}.\n**1 heure** ; le jeton.")[-1] == "**1 heure** ; le jeton."  # the sentence ended


def test_lines_of_like_length_that_ended_before_the_width_stay_apart():
    # where the next word would have fitted, the line ended there: a list's items, a heading, a line of its own
    items = ("Nos points de retrait ouverts le samedi dans toute la France métropolitaine\n"
             "Paris, Lyon et Marseille ouvrent aussi le dimanche matin de 9 h à 12 h\n"
             "Les autres villes ferment le dimanche et les jours fériés sans exception")
    assert spans(items) == items.split("\n")
    # two or three lines of like length are no proof of a width: items, as before
    short = "Joignables par e-mail et par téléphone du lundi au samedi\nFermé les jours fériés et le dimanche"
    assert spans(short) == short.split("\n")


def test_the_next_word_is_measured_against_the_last_line_after_a_page_break():
    # a PDF's pages are joined with a form feed, a line break of its own: the line a word would have gone on is the
    # one after it, not the page's last line and that one together
    para = ("Notre service client est joignable par téléphone et par courriel pour toute\n"
            "question relative à votre commande, à la livraison ou au remboursement de vos")
    for page_break in ("\n", "\f", "\r", "\u2028"):
        text = f"{para}{page_break}achats en ligne\nRapport annuel 2024"
        assert spans(text)[-1] == "Rapport annuel 2024", repr(page_break)


def test_a_lowercase_letter_before_a_dot_ends_a_sentence_only_as_a_unit_after_a_number():
    assert spans("Ouvert de 9 h à 18 h. Un technicien vous rappelle.") == [
        "Ouvert de 9 h à 18 h.", "Un technicien vous rappelle."]
    assert spans("Ouvert de 9\u00a0h à 18\u00a0h. Un technicien vous rappelle.")[0] == "Ouvert de 9\u00a0h à 18\u00a0h."
    # elsewhere a lowercase letter and its dot abbreviate a word, as they did: versus, circa, tome, ligne, an item
    for whole in ("Dans l'arrêt Roe v. Wade, la Cour a statué en 1973.", "The castle was built c. 1150 and rebuilt.",
                  "Voir Hugo, Œuvres complètes, t. 2, page 45.", "Le texte cité (l. 12) est ambigu.",
                  "Voir l'arrêt Dupont c. Martin du 12 mars 2019.", "Au XIXe s. Victor Hugo domine la scène.",
                  "J. K. Rowling a écrit Harry Potter."):
        assert spans(whole) == [whole]


def test_an_answer_quotes_its_lines_as_its_passage_joins_them():
    from rag.search.lines import lines, lines_within

    sentences = ["La connexion unique est disponible uniquement avec l'offre Entreprise de notre service.",
                 "Elle fonctionne avec Okta, Microsoft Entra ID (anciennement Azure AD) et Google Workspace.",
                 "Une fois le SSO imposé, les mots de passe ne servent plus et chacun se connecte par son fournisseur."]
    hard = 0
    for width in range(63, 90):
        text = "\n".join(textwrap.wrap(" ".join(sentences), width))
        start = text.index("Elle")
        end = next(b for a, b in sentence_spans(text) if a == start)  # one sentence, over a break before a capital
        assert text[start:end].replace("\n", " ") == sentences[1], width
        # alone, the excerpt shows no wrap width; within its passage, its breaks are the wrapping's: no hard break
        assert "\\\n" not in quote(text[start:end], lines_within(text, start, end)), width
        hard += "\\\n" in quote(text[start:end])
        assert lines_within(text, 0, len(text)) == lines(text)
    assert hard > 10  # the widths that break the sentence, which the excerpt alone would show as lines


def test_a_wrapped_text_joins_no_line_that_opens_on_other_than_a_capital_a_digit_or_a_bracket():
    para = ("Notre service client est joignable par téléphone et par courriel pour toute\n"
            "question relative à votre commande, à la livraison ou au remboursement de vos\n"
            "achats effectués en ligne.\n")
    # the longest line sets the width: any next word would not have fitted on it, and only a capital, a digit, a
    # bracket or a quote may go on with its sentence
    announce = "Pour configurer la connexion unique, suivez la procédure indiquée ci-dessous"
    for own in ("```", "# Installation", "<div>", "$ rag ingest", "{"):
        assert spans(f"{para}{announce}\n{own}")[-2:] == [announce, own], own
    assert spans(f"{para}{announce}\nEntra ID.")[-1] == f"{announce}\nEntra ID."


def _excerpt(text: str, shown: str, budget: int = 400, lead: int = 0) -> str:
    start = text.index(shown)
    a, b = excerpt(text, start, start + len(shown), budget, lead)
    return text[a:b]


def test_an_excerpt_opening_on_a_word_that_refers_back_takes_the_sentence_before_it_first():
    text = ("La connexion unique est disponible uniquement avec l'offre Entreprise. Elle fonctionne avec Okta et "
            "Microsoft Entra ID. Une fois le SSO imposé, les mots de passe ne servent plus. Le provisionnement SCIM "
            "est proposé avec Okta.")
    shown = "Elle fonctionne avec Okta et Microsoft Entra ID."
    # "Elle" is the connexion of the sentence before: that sentence comes first, then what follows, in the budget
    assert _excerpt(text, shown, budget=125) == text[:text.index(" Une fois")]
    assert _excerpt(text, shown, budget=180) == text[:text.index(" Le provisionnement")]
    plain = text.replace("Elle fonctionne", "Okta fonctionne")  # a sentence that stands alone: the next one first
    assert _excerpt(plain, shown.replace("Elle", "Okta"), budget=125) == plain[plain.index("Okta fonctionne"):
                                                                               plain.index(" Le provisionnement")]


def test_an_acronym_is_no_word_that_refers_back():
    text = ("Notre entreprise a été fondée à Lyon en 1998 par deux ingénieurs. IT support is available around the "
            "clock. Call 01 23 45 67 89 to reach a technician within the hour.")
    shown = "IT support is available around the clock."
    # "IT" stands for nothing said before it: the next sentence (the number to call) comes first, as for any other
    assert _excerpt(text, shown, budget=110) == text[text.index(shown):]
    assert _excerpt(text.replace("IT support", "It"), shown.replace("IT support", "It"), budget=110).startswith(
        "Notre entreprise")


def test_the_answer_excerpt_adds_whole_sentences_of_prose_around_its_highlight():
    paragraph = ("Le contrat est conclu pour un an. Il se renouvelle par tacite reconduction. Le client est prévenu "
                 "un mois avant l'échéance. Il peut alors résilier sans frais.")
    # the next sentence first, then the one before, while the excerpt fits
    assert _excerpt(paragraph, "Il se renouvelle par tacite reconduction.") == paragraph
    assert _excerpt(paragraph, "Le client est prévenu un mois avant l'échéance.", budget=110) == (
        "Le client est prévenu un mois avant l'échéance. Il peut alors résilier sans frais.")
    # a sentence opening on "Il" reads after what it stands for: the sentence before it first
    assert _excerpt(paragraph, "Il se renouvelle par tacite reconduction.", budget=110) == (
        "Le contrat est conclu pour un an. Il se renouvelle par tacite reconduction.")
    # a highlight already over the budget is shown as it is
    assert _excerpt(paragraph, "Il se renouvelle par tacite reconduction.", budget=10) == (
        "Il se renouvelle par tacite reconduction.")
    # two prose lines (a paragraph per line, as HTML and Markdown give them) join
    lines = "Les retours sont acceptés sous quatorze jours ouvrés.\nLe remboursement suit sous cinq jours ouvrés."
    assert _excerpt(lines, "Le remboursement suit sous cinq jours ouvrés.") == lines


def test_a_highlight_that_opens_its_passage_reads_on_further():
    entry = ("Oui.\nLe code monétaire et financier impose aux personnes remettant un chèque en paiement de justifier "
             "de leur identité. Un document officiel avec photographie est demandé.\n"
             "La carte d’identité ou le passeport en cours de validité conviennent.")
    shown = ("Le code monétaire et financier impose aux personnes remettant un chèque en paiement de justifier de "
             "leur identité.")
    # "Oui." is a sentence (a short line with a full stop), not a heading: the entry is read from its opening,
    # and on within the longer budget
    assert _excerpt(entry, shown, budget=60, lead=700) == entry
    assert _excerpt(entry, shown, budget=60, lead=0) == shown
    # a highlight further in keeps the shorter budget
    later = "Un document officiel avec photographie est demandé."
    assert _excerpt(entry, later, budget=60, lead=700) == later
    # in mid-passage a short line ending with a full stop is a heading or a list item, never added
    article = ("Le contrat se renouvelle par tacite reconduction.\nArticle 6.\n"
               "Le prix est fixé chaque année par le conseil d’administration.")
    assert _excerpt(article, "Le contrat se renouvelle par tacite reconduction.") == (
        "Le contrat se renouvelle par tacite reconduction.")
    # short lines ending with a full stop in a run are list items, not sentences of the opening
    items = "Pièces acceptées.\nCarte d’identité.\nPasseport.\nLe service vérifie la pièce avant de valider l’achat."
    assert _excerpt(items, "Passeport.", lead=700) == "Passeport."
    assert _excerpt(items, "Le service vérifie la pièce avant de valider l’achat.", lead=700) == (
        "Le service vérifie la pièce avant de valider l’achat.")
    # a heading or a list item before the highlight is not an opening to read from
    listing = "Horaires\n• Lundi au vendredi\nLe service est fermé les jours fériés, y compris le lundi de Pentecôte."
    assert _excerpt(listing, "Le service est fermé les jours fériés, y compris le lundi de Pentecôte.",
                    lead=700) == "Le service est fermé les jours fériés, y compris le lundi de Pentecôte."


def test_a_list_announced_by_the_answer_is_shown_with_it_in_whole_lines():
    intro = "Votre médecin peut accéder, avec votre accord, à votre historique concernant :"
    announced = (intro + "\nVos consultations chez un médecin généraliste ou spécialiste ;\n"
                 "Vos médicaments remboursés ;\nVos actes de radiologie. Vos actes de biologie.\n"
                 "Le détail des montants n’y figure pas.\nA noter :\nLes soins liés à la contraception n’y sont pas.")
    upto_note = announced.index("\nA noter")
    # the colon announces the answer: the lines follow, list items and short lines included, within the lead, up to
    # the next line that announces something of its own
    assert _excerpt(announced, intro, lead=700) == announced[:upto_note]
    # ... in whole lines only, for a list too long to come whole: a line of two sentences of which only the first
    # fits is left out whole
    longer = announced.replace("\nA noter", "".join(f"\nVos soins de la catégorie {n} ;" for n in range(40)) +
                               "\nA noter")
    upto = longer.index("\nVos actes")
    assert _excerpt(longer, intro, budget=60, lead=longer.index("Vos actes de biologie") + 10) == longer[:upto]
    # without a lead (the short excerpt) prose lines join as ever, and the short items stay apart
    assert _excerpt(announced, intro, lead=0) == announced[:announced.index("\nVos médicaments")]
    # an item alone announces nothing
    assert _excerpt(announced, "Vos médicaments remboursés ;", lead=700) == "Vos médicaments remboursés ;"
    # a highlight that holds an item (the question names it) is that item's answer: the list stays apart
    both = ("Pour ouvrir un compte, nous acceptons :\nle passeport en cours de validité\n"
            "une facture de moins de trois mois")
    assert _excerpt(both, both[:both.index("\nune")], budget=60, lead=700) == both[:both.index("\nune")]
    # the excerpt's last sentence counts, not only the highlight's: a prose line it grew onto may announce
    grown = "Le paiement en plusieurs fois est possible.\nLes cartes suivantes sont acceptées en ligne :\nVisa ;"
    assert _excerpt(grown, "Le paiement en plusieurs fois est possible.", lead=700) == grown
    # the list's room is counted from the highlight, not from the sentences added before it
    before = "Une phrase d’introduction sans rapport avec la question posée. " * 5
    listed = before + "Les pièces suivantes sont acceptées :\n" + "\n".join(f"pièce numéro {n} ;" for n in range(30))
    shown = _excerpt(listed, "Les pièces suivantes sont acceptées :", lead=700)
    assert shown.endswith("pièce numéro 29 ;")


def test_one_step_of_a_numbered_procedure_is_answered_by_the_whole_procedure():
    """Audit 47: a hard-wrapped help page's section "Les étapes du déménagement" is five numbered steps that no
    colon announces; "je demenage, comment je fais pour mon contrat ?" was answered by the last step alone ("5.
    Validez : ... votre nouveau contrat sous 48 heures."), the only one naming the contract. Items numbered 1 to n
    are a procedure, each step going on from the one before: the answer is the procedure, from step 1, whole."""
    steps = textwrap.dedent("""\
        1. Connectez-vous à votre espace client et choisissez « Je déménage »
           dans la rubrique « Mon contrat ».
        2. Indiquez la date de départ de votre ancien logement et relevez votre
           compteur ce jour-là.
        3. Saisissez l'adresse du nouveau logement et, si possible, le numéro de
           point de livraison (PDL) à 14 chiffres.
        4. Choisissez la date de mise en service dans le nouveau logement.
        5. Validez : vous recevez une confirmation par e-mail et votre nouveau
           contrat sous 48 heures.""")
    last = "Validez : vous recevez une confirmation par e-mail et votre nouveau\n   contrat sous 48 heures."
    assert _excerpt(steps, last, lead=LEAD_CHARS) == steps
    citation = Citation(doc_id="d", title="Déménager", source="d.txt", section="Les étapes du déménagement", start=0,
                        end=len(steps), label="Déménager")
    at = steps.index(last)
    hit = Hit(rank=1, id="p1", text=steps, score=1.0, citation=citation,
              highlight=Highlight(text=last, start=at, end=at + len(last), score=1.0))
    assert answer([hit]).text == steps  # type: ignore[union-attr]  # the heading asks nothing: this rule alone
    # ... after the prose that introduces it, without a colon: from step 1, the prose left out; prose after the
    # last step is not the procedure
    page = f"Pour transférer votre contrat, suivez ces étapes.\n{steps}\n\nLa résiliation de l'ancien est gratuite."
    assert _excerpt(page, last, lead=LEAD_CHARS) == steps
    # the passage's own highlight (no lead) stays the step, with its number
    assert _excerpt(steps, last, lead=0) == "5. " + last
    # not a procedure from its start (a later passage opening on step 3, numbers skipped), a bulleted list, an FAQ
    # whose numbered items ask their bold questions: the step alone, as before
    for other in (steps[steps.index("3. "):], steps.replace("2. ", "7. "), re.sub(r"(?m)^\d\. ", "- ", steps)):
        assert _excerpt(other, last, lead=LEAD_CHARS) in (last, "5. " + last), other
    faq = "1. **Puis-je déménager ?** Oui, en ligne.\n2. **Sous quel délai ?** Votre contrat arrive sous 48 heures."
    assert _excerpt(faq, "Votre contrat arrive sous 48 heures.", lead=LEAD_CHARS) == \
        "Votre contrat arrive sous 48 heures."
    # a procedure longer than the list's room: the step alone
    step = "Étape numéro {} de la procédure de déménagement, à faire dans l'ordre."
    long = "\n".join(f"{n}. {step.format(n)}" for n in range(1, 16))
    assert len(long) > LIST_CHARS
    step = step.format(15)
    assert _excerpt(long, step, lead=LEAD_CHARS) == "15. " + step


def test_one_item_of_a_numbered_list_of_things_is_answered_by_the_item_and_steps_are_told_by_their_verbs():
    """The audit of stop 47's fix: "1. Verte 2. Bleue 3. Rouge" (offers, not steps) was answered by the whole list
    when the question named one offer. A procedure's items open on a verb that commands ("Connectez-vous",
    "Choisir la date"), or the line above it or its heading says it is steps; a list of things is none of these,
    and the item the question names is its answer."""
    offers = ("1. Verte : une électricité 100 % renouvelable, à prix fixe pendant deux ans.\n"
              "2. Bleue : le tarif réglementé, révisé deux fois par an par les pouvoirs publics.\n"
              "3. Rouge : des heures creuses la nuit, pour un chauffage électrique.")
    blue = "Bleue : le tarif réglementé, révisé deux fois par an par les pouvoirs publics."
    assert _excerpt(offers, blue, lead=LEAD_CHARS) == "2. " + blue
    citation = Citation(doc_id="d", title="Offres", source="d.txt", section="Nos offres", start=0, end=len(offers),
                        label="Offres")
    at = offers.index(blue)
    hit = Hit(rank=1, id="p1", text=offers, score=1.0, citation=citation,
              highlight=Highlight(text=blue, start=at, end=at + len(blue), score=1.0))
    assert answer([hit]).text == "2. " + blue  # type: ignore[union-attr]
    # steps by their verbs, French imperatives or infinitives: the procedure whole, most items opening on one
    for verbs in (("Choisissez", "Connectez-vous à", "Validez"), ("Choisir", "Se connecter à", "Valider"),
                  ("Choisissez", "Le conseiller vérifie", "Validez"), ("Prendre", "Joindre à", "Attendre")):
        steps = "\n".join(f"{n}. {verb} {rest}" for n, verb, rest in zip(
            (1, 2, 3), verbs, ("la date de votre déménagement.", "votre espace client.", "la demande en ligne."),
            strict=True))
        assert _excerpt(steps, steps.splitlines()[1][3:], lead=LEAD_CHARS) == steps, verbs
    # steps in languages whose imperative has no ending of its own: by the verbs steps open on most (English,
    # Spanish, German "... Sie"); a list of things in English is none
    reset = "1. Open the app and tap Settings.\n2. Tap Account, then Password.\n3. Enter the new password twice."
    assert _excerpt(reset, "Tap Account, then Password.", lead=LEAD_CHARS) == reset
    for steps in ("1. Contrata tu tarifa en la web.\n2. Ten a mano el DNI.\n3. Espera el SMS de confirmación.",
                  "1. Öffnen Sie die App.\n2. Tippen Sie auf Konto.\n3. Geben Sie das neue Passwort ein."):
        assert _excerpt(steps, steps.splitlines()[1][3:], lead=LEAD_CHARS) == steps
    # Italian, Portuguese and Dutch steps (audit 50: "internet non va cosa devo fare" got the first check alone), and
    # a procedure the line above names in Portuguese or Dutch
    for steps in ("1. Verifica la spia del modem.\n2. Spegni il modem e riaccendilo.\n3. Controlla il cavo in fibra.",
                  "1. Baixe o app Aurora.\n2. Toque em Abrir minha conta.\n3. Tire uma foto do documento.",
                  "1. Kies je fiets en je abonnement.\n2. Vul je gegevens in.\n3. Neem je identiteitsbewijs mee."):
        assert _excerpt(steps, steps.splitlines()[1][3:], lead=LEAD_CHARS) == steps
    for intro, steps in (("Passo a passo:", "1. O pedido no app.\n2. A análise em 2 dias.\n3. O cartão em casa."),
                         ("Zo werkt het, stap voor stap:", "1. De melding.\n2. Het bezoek.\n3. De nieuwe fiets.")):
        second = steps.splitlines()[1][3:]
        assert _excerpt(steps, second, lead=LEAD_CHARS) == "2. " + second
        assert _excerpt(f"{intro}\n{steps}", second, lead=LEAD_CHARS) == steps
    # a verb after a short phrase that sets where or when, up to a comma (the review of the change: "Comment
    # rembourser une commande ?" got step 3 alone, where b9c9a1b gave the five)
    for steps in ("1. Connectez-vous à votre espace marchand.\n2. Dans le menu Ventes, choisissez Transactions.\n"
                  "3. Sur la ligne de la commande, cliquez sur Rembourser.\n"
                  "4. Si le remboursement est partiel, indiquez le montant.\n5. Pour finir, validez avec votre code.",
                  "1. Sign in to your dashboard.\n2. Under Payments, select the transaction.\n"
                  "3. Hit Refund and specify the amount.\n4. If prompted, enter your security code."):
        assert _excerpt(steps, steps.splitlines()[2][3:], lead=LEAD_CHARS) == steps
    plans = "1. Basic: one user, 5 GB.\n2. Team: ten users, 100 GB.\n3. Business: unlimited users, 1 TB."
    assert _excerpt(plans, "Team: ten users, 100 GB.", lead=LEAD_CHARS) == "2. Team: ten users, 100 GB."
    # steps told by the line above item 1 or by the heading, whatever their verbs
    reset = "1. Log the time.\n2. The app counts it.\n3. Your manager approves the hours."
    assert _excerpt(reset, "The app counts it.", lead=LEAD_CHARS) == "2. The app counts it."
    assert _excerpt(f"Follow these steps.\n{reset}", "The app counts it.", lead=LEAD_CHARS) == reset
    at = reset.index("The app counts it.")
    for section, whole in (("Account › How to reset your password", True), ("Account › Passwords", False),
                           ("Déménagement › Les étapes", True)):
        citation = Citation(doc_id="d", title="Help", source="d.md", section=section, start=0, end=len(reset),
                            label="Help")
        hit = Hit(rank=1, id="p1", text=reset, score=1.0, citation=citation,
                  highlight=Highlight(text="The app counts it.", start=at, end=at + 18, score=1.0))
        assert (answer([hit]).text == reset) is whole, section  # type: ignore[union-attr]


def test_items_of_a_list_a_sentence_announces_are_shown_under_that_sentence():
    """The audit of stop 47's fix: "le virement est-il accepté ?" was answered "le virement bancaire", the item
    alone, without the sentence that says what the items are. The answer shows that sentence above its items
    (answer.text and the Markdown's quote), `start` and `end` still locating the items; prose after the list, a
    list that nothing announces, and an excerpt holding the sentence are shown as before."""
    intro = "Les moyens de paiement acceptés sont :"
    page = (f"Nous livrons en France métropolitaine. {intro}\n- la carte bancaire (Visa, Mastercard)\n"
            "- le virement bancaire\n- le chèque, à l'ordre de la société\n"
            "Le paiement est encaissé à l'expédition, jamais avant, quel que soit le moyen choisi.")

    def shown(text: str, at: str):
        citation = Citation(doc_id="d", title="Aide", source="d.md", section="Paiement", start=0, end=len(text),
                            label="Aide › Paiement")
        start = text.index(at)
        hit = Hit(rank=1, id="p1", text=text, score=1.0, citation=citation,
                  highlight=Highlight(text=at, start=start, end=start + len(at), score=1.0))
        best = answer([hit], language="fr")
        assert best is not None
        return best

    for item in ("le virement bancaire", "le chèque, à l'ordre de la société"):
        best = shown(page, item)
        assert best.text == f"{intro}\n{item}" and page[best.start:best.end] == item
        assert best.markdown.startswith(f"> {intro}\\\n> {escape(item)} [1]")
    # a numbered list of things: the item, under its sentence
    offers = "Nous proposons trois offres :\n1. Verte : 100 % renouvelable.\n2. Bleue : le tarif réglementé."
    assert shown(offers, "Bleue : le tarif réglementé.").text == \
        "Nous proposons trois offres :\n2. Bleue : le tarif réglementé."
    after = "Le paiement est encaissé à l'expédition, jamais avant, quel que soit le moyen choisi."
    for text, at, expected in ((page, after, after),  # prose after the list: not its item
                               (page.replace(" :\n", ".\n"), "le virement bancaire", "le virement bancaire"),
                               (page, intro, page[page.index(intro):])):  # the sentence: its list, as ever
        assert shown(text, at).text == expected, at


def test_a_code_block_announced_by_the_answer_comes_whole():
    """An agent's documentation: "Le script suivant relance les jobs en échec :" then a fenced Python block. The
    answer stopped at the fence's opening line ("```python"): the block's first line ends with a colon and so
    announced a list of its own. The block comes whole, up to its closing fence, and what follows it stays apart."""
    code = "```python\ndef relaunch(jobs):\n    for job in jobs:\n        job.retry()\n    return len(jobs)\n```"
    page = f"Le script suivant relance les jobs en échec :\n{code}\n- Étape 1 : installez le client"
    assert _excerpt(page, "Le script suivant relance les jobs en échec :", lead=700) == page[:page.index("\n- ")]
    # a fence of tildes closes on tildes at least as long; one never closed runs to the passage's end
    tildes = "Lancez :\n~~~~\n```\nmake run:\n~~~~\nPuis attendez."
    assert _excerpt(tildes, "Lancez :", lead=700) == tildes[:tildes.index("\nPuis")]
    open_block = "Lancez :\n```sh\nmake run:\nmake test"
    assert _excerpt(open_block, "Lancez :", lead=700) == open_block


def test_an_announced_list_comes_whole_when_it_fits_the_list_room_else_in_whole_lines_within_the_lead():
    # "Certaines mentions peuvent être effacées :" then seven items: a list cut after five would tell a chat user
    # that there are five
    intro = "Certaines mentions peuvent toutefois être effacées pour des motifs particuliers ou après un délai :"
    items = [f"Condamnations de la catégorie numéro {n} effacées après un délai de {n} ans ;" for n in range(1, 13)]
    for count in (9, 12):
        listed = intro + "\n" + "\n".join(items[:count]) + "\nA noter :\nLe reste est conservé."
        whole = listed[:listed.index("\nA noter")]
        assert len(whole) > LEAD_CHARS
        shown = _excerpt(listed, intro, lead=LEAD_CHARS)
        if len(whole) <= LIST_CHARS:  # nine items: the whole list, up to the line that announces its own
            assert shown == whole
        else:  # twelve: whole lines within the lead, as many as fit
            assert len(whole) > LIST_CHARS
            assert whole.startswith(shown) and shown.endswith(" ans ;") and len(shown) <= LEAD_CHARS
            assert len(shown) + len(items[0]) + 1 > LEAD_CHARS
    # the list ends with its items: prose after an item that ends the list is not the list
    prose = "Ce paragraphe parle d'autre chose que des mentions effacées et de leurs délais, tout à fait. "
    listed = intro + "\n" + "\n".join(items[:8]) + "\nLa dernière catégorie, effacée après neuf ans.\n" + prose * 3
    shown = _excerpt(listed, intro, lead=LEAD_CHARS)
    assert LEAD_CHARS < len(shown) <= LIST_CHARS and shown.endswith("après neuf ans.")
    # an FAQ entry read from its start keeps its opening ("Oui, ...") when what makes it long is the list
    entry = "Oui, sous conditions fixées par la loi. " + intro + "\n" + "\n".join(items[:8])
    start = entry.index(intro)
    a, b = excerpt(entry, start, start + len(intro), from_start=True)
    assert (a, b) == (0, len(entry)) and b > LEAD_CHARS


def test_an_faq_entry_is_read_from_its_start_when_its_excerpt_ends_within_the_lead():
    entry = ("C'est toute information relative à une personne physique susceptible d'être identifiée.\n"
             "• un nom, une photo, une adresse postale, un numéro de téléphone ;\n"
             "Peu importe que ces informations soient confidentielles ou publiques.")
    shown = "Peu importe que ces informations soient confidentielles ou publiques."
    at = entry.index(shown)
    assert entry[slice(*excerpt(entry, at, len(entry), 60, 700, from_start=True))] == entry
    assert entry[slice(*excerpt(entry, at, len(entry), 60, 700))] == shown
    # a highlight beyond the lead keeps the short excerpt
    assert entry[slice(*excerpt(entry, at, len(entry), 60, 100, from_start=True))] == shown
    # ... and so does one whose excerpt, with the sentence after it, would end beyond the lead: that sentence,
    # often the answer, is not given up for the entry's opening
    tail = "Le nom seul suffit parfois."
    longer = entry + " " + tail
    lead = len(longer) - 5
    assert longer[slice(*excerpt(longer, at, at + len(shown), 200, lead, from_start=True))] == shown + " " + tail

    def faq(section: str | None, title: str = "Doc", opens: bool = True) -> Hit:
        citation = Citation(doc_id="d", title=title, source="d.txt", section=section, start=0, end=len(entry),
                            label=title)
        hit = Hit(rank=1, id="p1", text=entry, score=1.0, citation=citation,
                  highlight=Highlight(text=shown, start=at, end=len(entry), score=1.0))
        hit._reading.opens_section = opens
        return hit

    # the first passage under a question heading (or, without one, a question title) answers that question
    for hit in (faq("Qu'est-ce qu'une donnée personnelle ?"), faq(None, "C'est quoi une donnée personnelle ?"),
                faq("", "Donnée personnelle ?"), faq("**Donnée personnelle ?**"), faq(None, "« Pourquoi ? » \n")):
        assert answer([hit]).text == entry  # type: ignore[union-attr]
    # not a question, or a later passage of the entry (it starts mid-answer)
    for hit in (faq("Définitions"), faq(None, "Guide du RGPD"), faq("Qu'est-ce qu'une donnée ?", opens=False)):
        assert answer([hit]).text == shown  # type: ignore[union-attr]


def test_an_faq_entry_that_opens_on_a_list_is_answered_by_the_whole_list():
    items = ("• Pour la demande de crédit, nous acceptons la carte d’identité et la carte de séjour\n"
             "• Pour vérifier l’identité de l’acheteur, nous acceptons la carte d’identité et le passeport")
    after = "Les permis de conduire ne sont pas acceptés, ni les cartes de séjour expirées."
    entry = f"{items}\n{after}"
    whole = items  # each item with its bullet, the first one too
    for shown in ("Pour la demande de crédit, nous acceptons la carte d’identité et la carte de séjour",
                  "Pour vérifier l’identité de l’acheteur, nous acceptons la carte d’identité et le passeport"):
        at = entry.index(shown)
        # the heading's question asks for the list: every item answers it, the prose after it is not the list
        assert entry[slice(*excerpt(entry, at, at + len(shown), 400, 700, from_start=True))] == whole
        # outside an FAQ entry an item stays alone
        assert entry[slice(*excerpt(entry, at, at + len(shown), 400, 700))] == shown
    # a highlight after the list: the entry from its start, as for any FAQ entry
    at = entry.index(after)
    assert excerpt(entry, at, len(entry), 400, 700, from_start=True) == (0, len(entry))
    # a list too long to show whole: the highlighted item, from the entry's start as before
    many = "\n".join(f"• Pièce numéro {n}, acceptée pour toute demande de crédit déposée en agence" for n in range(16))
    assert len(many) > LIST_CHARS
    first = many[:many.index("\n")]
    assert many[slice(*excerpt(many, 2, len(first), 400, 700, from_start=True))] == first
    # through `answer`: the first passage under a question heading
    citation = Citation(doc_id="d", title="FAQ", source="d.txt", section="Quels documents d’identité acceptez-vous ?",
                        start=0, end=len(entry), label="FAQ")
    hit = Hit(rank=1, id="p1", text=entry, score=1.0, citation=citation,
              highlight=Highlight(text=entry[2:84], start=2, end=84, score=1.0))
    hit._reading.opens_section = True
    assert answer([hit]).text == whole  # type: ignore[union-attr]


def test_a_heading_that_asks_without_a_question_mark_is_answered_from_its_start():
    """"## Comment retourner un article" and its numbered steps: the audit's answer was the second step alone, where
    the same heading with a question mark gave all three. A heading opening on an interrogative word asks too. (The
    steps are bulleted here: numbered ones are a procedure, whole under any heading, below.)"""
    steps = ("- Connectez-vous à votre espace client.\n- Choisissez la commande et cliquez sur « Retourner ».\n"
             "- Imprimez l'étiquette prépayée et déposez le colis en point relais.")
    at = steps.index("Choisissez")
    for section, whole in (("Comment retourner un article", True), ("How to return an item", True),
                           ("Retours › Où déposer le colis", True), ("Retourner un article", False),
                           ("Commentaires", False), ("Ou bien en magasin", False)):
        citation = Citation(doc_id="d", title="Guide", source="d.md", section=section, start=0, end=len(steps),
                            label="Guide")
        hit = Hit(rank=1, id="p1", text=steps, score=1.0, citation=citation,
                  highlight=Highlight(text=steps[at:at + 40], start=at, end=at + 40, score=1.0))
        hit._reading.opens_section = True
        assert answers_heading(hit) is whole, section
        assert (answer([hit]).text == steps) is whole, section  # type: ignore[union-attr]
    # read in the corpus's language, or the passage's own: "Comment" opens an English heading that asks nothing
    policy = ("Comments are moderated before they are published, and we remove any that insult another reader, "
              "advertise a product or share someone's personal details without their consent.")
    citation = Citation(doc_id="d", title="Guide", source="d.md", section="Comment policy", start=0, end=len(policy),
                        label="Guide")
    hit = Hit(rank=1, id="p1", text=policy, score=1.0, citation=citation)
    hit._reading.opens_section = True
    hit._reading.language = "en"
    assert not answers_heading(hit)
    hit._reading.language = "fr"
    assert answers_heading(hit)


def test_a_how_to_in_another_language_than_the_corpus_s_is_read_from_its_start():
    """Audit 49's team wiki: French spaces and an English Obsidian vault, a French corpus. "How do I roll back a
    deploy?" got the tip callout of "How to roll back" ("When not to roll back / If the release ran a destructive
    database migration, do not roll back…", which holds "roll back" twice) without the instruction the section opens
    on: "How" asks nothing in French. The passage reads English: its heading asks in English, as in an English
    corpus, and the answer is the how-to from its start, the callout after the instruction."""
    page = ("Run `make rollback ENV=production TO=<sha>`; it redeploys the previous image in about 4 minutes. Rolling "
            "back is always preferred to a forward fix during an incident.\nWhen not to roll back\nIf the release ran "
            "a destructive database migration, do not roll back: restore from the hourly snapshot with the DBA on "
            "call.")
    at = page.index("When not")
    citation = Citation(doc_id="d", title="Rollbacks", source="Rollbacks.md", section="How to roll back", start=0,
                        end=len(page), label="Rollbacks › How to roll back")
    hit = Hit(rank=1, id="p1", text=page, score=1.0, citation=citation,
              highlight=Highlight(text=page[at:], start=at, end=len(page), score=10.0))
    hit._reading.opens_section = True
    for corpus in ("fr", "en", None):
        hit._reading.language = corpus
        assert answers_heading(hit), corpus
        assert answer([hit], language="fr").text == page, corpus  # type: ignore[union-attr]
    # a heading that asks in no language the corpus or the passage reads asks nothing
    for section in ("Comment rollbacks work", "Wie man zurückrollt", "Rollbacks"):
        other = Hit(rank=1, id="p1", text=page, score=1.0, citation=citation.model_copy(update={"section": section}))
        other._reading.opens_section = True
        other._reading.language = "fr" if section.startswith("Wie") else "de"
        assert not answers_heading(other), section


def test_the_list_an_faq_entry_opens_on_is_its_items_up_to_the_list_room():
    def shown(text: str, highlight: str) -> str:
        at = text.index(highlight)
        return text[slice(*excerpt(text, at, at + len(highlight), 400, 700, from_start=True))]

    # one item, then prose: the item alone (prose after a list's last item is not the list)
    one = "• Passeport en cours de validité\nLes permis de conduire ne sont pas acceptés pour cette demande."
    assert shown(one, "Passeport en cours de validité") == "• Passeport en cours de validité"
    # an item of two sentences, numbered items, table rows: the whole list
    two = "• Passeport. Il doit être valide.\n• Carte d’identité"
    assert shown(two, "Passeport.") == two
    numbered = "1. Le passeport\n2. La carte d’identité\nAucun autre document n’est accepté pour ouvrir un compte."
    assert shown(numbered, "La carte d’identité") == "1. Le passeport\n2. La carte d’identité"
    rows = "| passeport | 10 ans |\n| carte d’identité | 15 ans |"
    assert shown(rows, "| carte d’identité | 15 ans |") == rows
    # up to the next line that announces something of its own
    announced = "• Passeport\n• Carte d’identité\nA noter :\n• Le permis de conduire ne suffit pas"
    assert shown(announced, "Carte d’identité") == "• Passeport\n• Carte d’identité"
    # a list longer than the lead but within the list room comes whole
    room = "\n".join(f"• Pièce numéro {n}, acceptée pour toute demande de crédit" for n in range(15))
    assert LEAD_CHARS < len(room) <= LIST_CHARS
    assert shown(room, "Pièce numéro 0, acceptée pour toute demande de crédit") == room
    # blank space before the bullet, even one that is not ASCII: the answer still holds its highlight (a sentence
    # as the highlighter cuts it)
    for space in ("\n  ", "\u00a0", "\u2003"):
        text = space + two
        first = sentence_spans(text)[0]
        start, end = excerpt(text, *first, 400, 700, from_start=True)
        assert start <= first[0] and text[start:end].strip() == two


def test_an_faq_entry_asked_by_its_heading_is_answered_by_its_opening_wherever_the_highlight_lies():
    opening = "C'est toute opération portant sur des données personnelles, quel que soit le procédé utilisé."
    filler = " ".join(f"Le cas numéro {n} suit la règle générale." for n in range(20))  # the highlight beyond 700
    detail = "Un traitement de données personnelles peut être informatisé ou non."
    entry = f"{opening}\n{filler}\n{detail}"
    at = entry.index(detail)

    def faq(asks: bool, opens: bool = True, section: str = "Un traitement de données, c'est quoi ?") -> Hit:
        citation = Citation(doc_id="d", title="FAQ", source="d.txt", section=section, start=0, end=len(entry),
                            label="FAQ")
        hit = Hit(rank=1, id="p1", text=entry, score=1.0, citation=citation,
                  highlight=Highlight(text=detail, start=at, end=len(entry), score=1.0))
        hit._reading.opens_section, hit._reading.asks_heading = opens, asks
        return hit

    plain = answer([faq(asks=False)])
    assert at > 700 and plain is not None and plain.text.endswith(detail) and opening not in plain.text
    # the question is closer to the heading than to the passage and its windows: it asks what the heading asks
    asked = answer([faq(asks=True)])
    assert asked is not None and asked.start == 0 and asked.text.startswith(opening) and detail not in asked.text
    assert len(asked.text) <= 700
    def asked_of(text: str) -> str:
        hit = faq(asks=True)
        hit.text, hit.highlight = text, Highlight(text=detail, start=text.index(detail), end=len(text), score=1.0)
        shown = answer([hit])
        assert shown is not None
        return shown.text

    # no opening to answer with (a sub-heading, a first sentence over 700, a list over 1,000): the highlight's excerpt
    items = "\n".join(f"- Vous pouvez vous opposer au traitement numéro {n} de vos données" for n in range(16))
    assert len(items) > LIST_CHARS
    for first in ("Le droit d'opposition", "Une phrase " + "très " * 150 + "longue.", items):
        shown = asked_of(f"{first}\n{filler}\n{detail}")
        assert shown.endswith(detail) and len(shown) <= 700, first
    # an entry that opens on a list: the list is its opening
    listed = "- Vous pouvez vous opposer au traitement\n- Vous pouvez demander l'effacement"
    assert asked_of(f"{listed}\n{filler}\n{detail}") == listed
    # not the entry's first passage, or not a question heading: the highlight's excerpt
    for hit in (faq(asks=True, opens=False), faq(asks=True, section="Définitions")):
        assert answer([hit]).text == plain.text  # type: ignore[union-attr]


def test_the_answer_excerpt_never_adds_a_list_item_another_table_row_or_a_heading():
    listing = ("Horaires du service client\n• Lundi au vendredi : de 8 heures à 20 heures sans interruption\n"
               "• Samedi : de 9 heures à 12 heures, uniquement par téléphone\n"
               "Le service est fermé les jours fériés, y compris le lundi de Pentecôte.")
    for item in ("Lundi au vendredi : de 8 heures à 20 heures sans interruption",
                 "Samedi : de 9 heures à 12 heures, uniquement par téléphone"):
        assert _excerpt(listing, item, lead=700) == item
    assert _excerpt(listing, "Le service est fermé les jours fériés, y compris le lundi de Pentecôte.") == (
        "Le service est fermé les jours fériés, y compris le lundi de Pentecôte.")
    rows = ("Nos offres pour les particuliers, détaillées ci-dessous mois par mois.\n"
            "| Offre | Prix mensuel toutes taxes comprises |\n|---|---|\n| basique | 5 € par mois, sans engagement |")
    row = "| basique | 5 € par mois, sans engagement |"
    assert _excerpt(rows, row, lead=700) == rows[rows.index("| Offre"):]  # its header only: it names the columns


@pytest.mark.parametrize("text", [
    "Nous acceptons les cartes de débit. L’acheteur paie en 3 fois.\n"
    "• Pour la demande de crédit, la carte d’identité.\n- Le passeport aussi.\n"
    "12. Un point numéroté : « entre guillemets » (et parenthèses).",
    "Une phrase coupée à la fin de sa ligne par un export PDF qui\ncontinue ici. Puis une autre ; et l'œuvre d'été.",
    "Short line\nWhat is the refund delay? Five days, at most M. Smith said. Then more.",
])
def test_a_highlights_terms_from_its_sentences_are_the_terms_of_its_text(text):
    # the searcher reads a highlight's words from the sentences the highlighter keeps, without analysing it again
    from rag.index.analyzer import Analyzer
    from rag.search.snippets import Highlighter, sentences

    analyzer = Analyzer("fr")
    highlighter = Highlighter(analyzer)
    parts = sentences(text, analyzer)
    assert len(parts) >= 2
    for first in range(len(parts)):
        for last in range(first, len(parts)):
            start, end = parts[first].start, parts[last].end
            assert highlighter.terms(text, start, end) == frozenset(analyzer.terms(text[start:end]))
    assert highlighter.terms(text) == frozenset(analyzer.terms(text))


def test_a_table_row_answers_with_its_header_and_the_header_gives_the_table():
    from rag.index.analyzer import Analyzer
    from rag.search.snippets import highlight

    table = ("Überstunden werden mit Freizeit ausgeglichen.\nStufe | Zuschlag\nWerktag | 25 %\nSonntag | 50 %\n"
             "Feiertag | 100 %\nDer Betriebsrat regelt Ausnahmen, die über diese Stufen hinausgehen.")
    analyzer = Analyzer("de")
    weights = {term: 1.0 for term in analyzer.terms("Wie viel Zuschlag gibt es am Sonntag?")}
    shown = highlight(table, weights, analyzer)
    assert shown is not None and shown.text == "Sonntag | 50 %"  # its own "Sonntag" and its header's "Zuschlag"
    assert shown.score == 2.0
    # a later row stands alone, whole (the answer shows its header above it, never the rows between); the first
    # row comes under its header as they stand; never the prose around the table
    assert _excerpt(table, "Sonntag | 50 %", lead=700) == "Sonntag | 50 %"
    assert _excerpt(table, "Werktag | 25 %", lead=700) == "Stufe | Zuschlag\nWerktag | 25 %"
    # ... and so does a highlight of the header and that row, each holding words of the question: not the table
    assert _excerpt(table, "Stufe | Zuschlag\nWerktag | 25 %", lead=700) == "Stufe | Zuschlag\nWerktag | 25 %"
    # a header that alone names what was asked gives the whole table
    assert _excerpt(table, "Stufe | Zuschlag", lead=700) == table[table.index("Stufe"):table.index("\nDer")]
    # a caption line over the table (HTML's <caption>, a title without a full stop) gives the table it names too
    captioned = table.replace("\nStufe", "\nZuschläge nach Tag\nStufe")
    assert _excerpt(captioned, "Zuschläge nach Tag", lead=700) == \
        captioned[captioned.index("Zuschläge"):captioned.index("\nDer")]
    # a row too far below its header for the excerpt stands alone
    long = "Stufe | Zuschlag\n" + "".join(f"Stufe {n} | {n} %\n" for n in range(100))
    assert _excerpt(long, "Stufe 99 | 99 %", lead=700) == "Stufe 99 | 99 %"
    # ... and a header over a table longer than the list room gives its whole rows within the lead
    within = [line for line in long.splitlines() if long.index(line + "\n") + len(line) <= 100]
    assert _excerpt(long, "Stufe | Zuschlag", lead=100) == "\n".join(within) and len(within) == 7
    # rows starting in lower case after a long row are rows, not a wrapped line (an e-mail address, a code)
    contacts = ("Service | Adresse électronique du service concerné\nsupport client | aide@example.org\n"
                "facturation | factures@example.org")
    assert spans(contacts) == contacts.split("\n")
    # Markdown rows: the first under its header, the separator between them; a lone line with a bar is no table:
    # prose, joined to its neighbours
    markdown_table = "| Service | Fee |\n|---|---|\n| Transfer in euros | free |\n| Transfer abroad | 1% |"
    assert _excerpt(markdown_table, "| Transfer in euros | free |", lead=700) == \
        markdown_table[:markdown_table.index("\n| Transfer abroad")]
    assert _excerpt(markdown_table, "| Transfer abroad | 1% |", lead=700) == "| Transfer abroad | 1% |"
    prose = ("Gmail accepts several search syntaxes, such as apple | orange for either word.\n"
             "It also accepts the words OR and AND, written in capitals, between terms.")
    assert _excerpt(prose, prose.splitlines()[1]) == prose


def test_a_markdown_table_s_separator_row_is_never_the_highlight_and_a_caption_with_its_header_gives_the_table():
    from rag.index.analyzer import Analyzer
    from rag.search.snippets import highlight, sentences

    page = ("Les prix ci-dessous sont toutes taxes comprises, pour l'option Base.\n"
            "| Puissance | Abonnement Verte (€/mois) | kWh Verte (€) |\n|---|---|---|\n"
            "| 3 kVA | 12,40 | 0,2189 |\n| 6 kVA | 16,20 | 0,2189 |\n"
            "Les taxes évoluent selon la loi.")
    analyzer = Analyzer("fr")
    # a question naming only the columns: the separator row took the header's words and came out the best "row"
    weights = {term: 1.0 for term in analyzer.terms("quel est l'abonnement de l'offre verte par mois ?")}
    separator = (page.index("|---"), page.index("|---") + len("|---|---|---|"))
    assert next(s for s in sentences(page, analyzer) if s.start == separator[0]).header == frozenset()
    # even where the model's closest sentence window is that row (`near`), the header row answers
    shown = highlight(page, weights, analyzer, near=separator)
    assert shown is not None and "---" not in shown.text and shown.text.startswith("| Puissance"), shown
    # the sentence over the table and its header row, highlighted together, give the table under the sentence: the
    # header alone already did, and the prose above it kept the rows out
    caption = page[:page.index("\n|---")]
    assert _excerpt(page, caption, lead=700) == page[:page.index("\nLes taxes")]


def test_after_the_line_that_sets_the_width_only_prose_or_a_sentence_end_goes_on():
    # a paragraph wrapped at about 80 (a line going on in lowercase proves it), then a longer line, which sets the
    # width (no word fits after it), followed by a line a capital opens that is no part of it: an item, a title;
    # and a sentence after an address
    wrapped = ("Nos magasins vous accueillent du lundi au samedi de neuf heures à dix-neuf heures,\n"
               "sauf les jours fériés où les horaires sont réduits et annoncés sur le site.\n")
    for after, line in [("Les magasins suivants sont aussi ouverts le dimanche matin jusqu'à midi et demie et",
                         "Paris Montparnasse, Lyon Part-Dieu"),
                        ("Vous pouvez suivre l'état de votre demande depuis votre espace client sur le site et",
                         "Conditions générales de vente"),
                        ("Pour en savoir plus sur les retours, consultez https://aide.example.com/retours-en-ligne",
                         "Les retours sont gratuits pendant trente jours pour tous les articles du site.")]:
        assert len(after) > 82
        text = wrapped + after + "\n" + line
        assert spans(text)[-1] == line, (after, line)
    # after the same line, one that is prose-long or ends a sentence goes on
    after = "Les magasins suivants sont aussi ouverts le dimanche matin jusqu'à midi et demie et"
    assert spans(f"{wrapped}{after}\nLyon le soir.")[-1] == f"{after}\nLyon le soir."


def test_an_impersonal_il_refers_to_nothing_before_it():
    text = ("Votre retour est enregistré dès sa réception. Il faut compter 48 heures pour le contrôle de l'article. "
            "Le remboursement est ensuite versé sur votre carte.")
    shown = "Il faut compter 48 heures pour le contrôle de l'article."
    assert _excerpt(text, shown, budget=140) == text[text.index(shown):]
    referring = text.replace("Il faut compter", "Il demande")
    assert _excerpt(referring, "Il demande 48 heures pour le contrôle de l'article.", budget=140) == \
        referring[:referring.index(" Le remboursement")]


def test_a_passage_is_cut_once_and_its_cut_cannot_change():
    """The sentences of a passage are cut once and shared by every answer that reads it (a cache): immutable, so
    that no caller can change what the next one reads, and the same excerpt each time."""
    text = "Premier point. Le délai est de trente jours.\nAutre ligne qui suit, assez longue pour être de la prose."
    first = snippets._spans(text)
    assert isinstance(first, tuple) and snippets._spans(text) is first
    assert sentence_spans(text) == [(a, b) for a, b, _, _ in first]


def test_items_of_a_list_opening_a_section_are_shown_under_its_heading_when_it_asks_nothing():
    """"Can I return a gift card?" was answered "> Gift cards", from the list under "Items that cannot be returned" (the
    agent audit of stop 47): the items mean what their heading says of them. `answer.text` stays the passage's own;
    the Markdown a chat shows puts the heading above the quote. A heading that asks, a list a sentence announces, or
    an answer in prose are shown as before."""
    items = "- Gift cards\n- Personalised items\n- Opened software"

    def shown(text: str, section: str, at: str, opens: bool = True):
        citation = Citation(doc_id="d", title="Returns", source="d.md", section=section, start=0, end=len(text),
                            label=f"Returns › {section}")
        start = text.index(at)
        hit = Hit(rank=1, id="p1", text=text, score=1.0, citation=citation,
                  highlight=Highlight(text=at, start=start, end=start + len(at), score=1.0))
        hit._reading.opens_section = opens
        hit._reading.language = "en"
        return answer([hit], language="en")

    best = shown(items, "Returns › Items that cannot be returned", "Gift cards")
    assert best is not None and "Gift cards" in best.text and "Items" not in best.text
    assert best.markdown.startswith("**Items that cannot be returned**\n\n> ")
    for text, section, at, opens in ((items, "Which items cannot be returned?", "Gift cards", True),
                                     (items, "Items that cannot be returned", "Gift cards", False),
                                     ("These cannot be returned:\n" + items, "Exceptions", "Gift cards", True),
                                     ("Refunds are paid within 5 days.", "Refunds", "Refunds are paid", True)):
        best = shown(text, section, at, opens)
        assert best is not None and best.markdown.startswith("> "), (section, best.markdown)


def test_items_of_a_numbered_list_a_question_names_apart_answer_together():
    """A numbered list of things answers with the item the question names (the audit of stop 47's fix); a numbered
    item's mark ("4.") is a sentence of its own, so no highlight spans two items: "Faut-il fournir les statuts de la
    société ?" highlighted "3. Un RIB au nom de la société" alone and answered with it, where the list whole (before
    that fix) held "4. Les statuts signés". An item holding a word of the question that the highlight lacks, and
    that at most half of the items hold, answers too, under the sentence announcing the list."""
    from rag.index.analyzer import Analyzer
    from rag.search.snippets import Highlighter

    intro = "Pour ouvrir votre compte, les documents suivants sont demandés :"
    page = (f"{intro}\n1. Un extrait Kbis de moins de trois mois\n2. Une pièce d'identité du représentant légal\n"
            "3. Un RIB au nom de la société\n4. Les statuts signés\n"
            "Le compte est activé sous deux jours ouvrés après la vérification des documents.")
    analyzer = Analyzer("fr")
    highlighter = Highlighter(analyzer)

    def shown(question: str) -> str:
        weights = {term: 1.0 for term in analyzer.terms(question)}
        highlight = highlighter(page, weights)
        assert highlight is not None
        citation = Citation(doc_id="d", title="Aide", source="d.md", section="Documents", start=0, end=len(page),
                            label="Aide › Documents")
        hit = Hit(rank=1, id="p1", text=page, score=1.0, citation=citation, highlight=highlight)
        hit._reading.rows = lambda: highlighter.rows(page, weights, highlight)
        best = answer([hit], language="fr")
        assert best is not None
        return best.text

    assert shown("Faut-il fournir les statuts de la société ?") == \
        f"{intro}\n3. Un RIB au nom de la société\n4. Les statuts signés"
    assert shown("Faut-il un RIB ?") == f"{intro}\n3. Un RIB au nom de la société"  # one item named: it alone
    # a bulleted list the same
    bullets = "Le terminal accepte :\n- la carte Visa\n- la carte Mastercard\n- les espèces\n- le paiement mobile"
    weights = {term: 1.0 for term in analyzer.terms("la carte Visa et le paiement mobile ?")}
    highlight = highlighter(bullets, weights)
    assert highlight is not None and highlight.text == "la carte Visa"
    assert [bullets[a:b] for a, b in highlighter.rows(bullets, weights, highlight)] == ["le paiement mobile"]
    # a word of the line above the list names no item (it says what they are), nor one in an item's value when the
    # item has a label: "délai" and "livraison" name neither Suisse's item nor Corse's
    weights = {term: 1.0 for term in analyzer.terms("Quel est le délai de livraison en Belgique ?")}
    for above in ("Les délais de livraison dépendent du pays :", "Nos délais :"):
        countries = (f"{above}\n- Belgique : 3 à 5 jours ouvrés ;\n- France : 2 jours ;\n"
                     "- Suisse : 5 à 7 jours, hors délais de dédouanement ;\n- Corse : livraison impossible.")
        at = countries.index("Belgique")
        belgium = Highlight(text=countries[at:at + 31], start=at, end=at + 31, score=1.0)
        assert belgium.text == "Belgique : 3 à 5 jours ouvrés ;"
        assert highlighter.rows(countries, weights, belgium) == (), above


def test_what_the_searcher_read_of_a_hit_is_one_private_attribute_each_hit_its_own():
    """pydantic sets the default of every private attribute on every instance (some 7,400 instructions each): six
    of them cost a question's five hits 5 % of its search and answer outside the model (stop 49, callgrind). What
    the answer reads of a hit is one `Reading`, which no other hit shares."""
    citation = Citation(doc_id="d", title="Aide", source="d.md", section=None, start=0, end=1, label="Aide")
    first, second = (Hit(rank=1, id="p1", text="x", score=1.0, citation=citation) for _ in range(2))
    assert list(Hit.__private_attributes__) == ["_reading"]
    first._reading.opens_section = True
    assert not second._reading.opens_section and second._reading.rows() == ()


def test_a_line_of_a_fenced_code_block_is_answered_by_the_block():
    """Audit 53: "exemple d'appel à l'api en python avec la clé" was answered by `reponse.raise_for_status()`, the
    last line of the documentation's Python example, the one line holding most of the question's words. A line of
    code is part of its example: the answer is the block, its fences kept (a chat renders it as code)."""
    block = ("```python\nimport requests\n\nreponse = requests.get(\n    \"https://api.pointly.fr/v2/salaries\",\n"
             "    headers={\"Authorization\": \"Bearer pk_live_xxxx\"},\n)\nreponse.raise_for_status()\n```")
    page = f"Passez la clé dans l'en-tête `Authorization` :\n\n{block}\n\nLes clés de test commencent par `pk_test_`."
    assert _excerpt(page, "reponse.raise_for_status()", lead=LEAD_CHARS) == block
    tildes = block.replace("```", "~~~~")
    assert _excerpt(tildes, "reponse.raise_for_status()", lead=LEAD_CHARS) == tildes
    # prose beside a block is no part of it; a block longer than LIST_CHARS leaves the line alone, as before
    assert _excerpt(page, "Les clés de test commencent par `pk_test_`.", lead=LEAD_CHARS) == \
        "Les clés de test commencent par `pk_test_`."
    long = "```sh\n" + "echo ok\n" * (LIST_CHARS // 8) + "rag ingest corpus\n```"
    assert _excerpt(long, "rag ingest corpus", lead=LEAD_CHARS) == "rag ingest corpus"


def test_a_hit_s_reading_is_its_private_record_and_no_field_of_the_api():
    from rag.schemas import Reading

    citation = Citation(doc_id="d", title="Doc", source="d.txt", section=None, start=0, end=4, label="Doc")
    hit = Hit(rank=1, id="p1", text="Text", score=1.0, citation=citation)
    assert hit.reading is hit._reading  # a default one, for a hit the searcher did not make
    hit.__pydantic_private__["_reading"] = Reading(opens_section=True, language="fr")  # as the searcher sets it
    assert hit.reading is hit._reading and hit.reading.opens_section
    assert "reading" not in hit.model_dump() and "reading" not in Hit.model_json_schema()["properties"]


CLAUSES = ("4.2 L'abonnement est sans engagement de durée. Le Client peut le résilier à tout moment depuis son "
           "espace client, au plus tard 3 jours avant le prochain prélèvement. Passé ce délai, l'envoi en cours est "
           "dû et expédié.\n"
           "4.3 Le prélèvement a lieu sur la carte enregistrée le jour de la préparation de chaque envoi. En cas "
           "d'échec du paiement, deux nouvelles tentatives sont faites à 3 jours d'intervalle.\n"
           "Ce délai est porté à 5 jours pour les cartes émises hors de l'Union européenne.\n"
           "4.4 Le Client est informé par e-mail de chaque prélèvement. Les factures restent disponibles 5 ans.\n")


def test_an_answer_in_a_numbered_clause_opens_on_its_clause():
    """A contract's clauses ("4.2 …", "4.3 …") are prose lines, so the excerpt grew back into the clause before the
    answer's: "Passé ce délai, l'envoi en cours est dû et expédié." (4.2) opened the answer about 4.3's failed
    payment. It reads on as before, a line of the clause that opens on no number and the next clause within its
    budget (the answer may lie in the clause after the highlight's)."""
    start = CLAUSES.index("En cas d'échec")
    a, b = excerpt(CLAUSES, start, CLAUSES.index("intervalle.") + len("intervalle."))
    assert CLAUSES[a:b] == CLAUSES[CLAUSES.index("4.3"):-1]
    start = CLAUSES.index("Les factures")
    assert CLAUSES[slice(*excerpt(CLAUSES, start, len(CLAUSES) - 1))] == CLAUSES[CLAUSES.index("4.4"):-1]


def test_a_highlight_takes_no_second_sentence_from_the_next_clause():
    """"ma carte a été refusée, que se passe-t-il ?": "Passé ce délai" (4.2's, "passe") and "4.3 … la carte" each
    brought a word of their own, and the highlight was the two of them."""
    parts = tuple(Sentence(a, b, frozenset(CLAUSES[a:b].lower().replace(",", "").split()), clause=CLAUSES[a] == "4")
                  for a, b in sentence_spans(CLAUSES))
    first, last, _ = best_window(parts, {"passé": 2.0, "carte": 1.0})
    assert CLAUSES[parts[first].start:parts[last].end] == "Passé ce délai, l'envoi en cours est dû et expédié."


@pytest.mark.parametrize(("line", "clause"), [("4.3 Le prélèvement", True), ("6.2.1 En cas", True), ("4.3. Le", True),
                                              ("  12.4 Les parties", True), ("1.5 million users", False),
                                              ("4. Le Client", False), ("Article 4.3 Le", False)])
def test_a_clause_opens_on_a_number_of_two_levels_or_more_and_a_capital(line, clause):
    from rag.search.lines import opens_clause

    assert opens_clause(line, 0) is clause


@pytest.mark.parametrize("line", [
    "Vérifié le 01 janvier 2025 - Direction de l'information légale et administrative (Premier ministre)",
    "Mis à jour le 15 janvier 2025", "Article mis à jour le 3 février 2025 · 4 min de lecture",
    "Dernière mise à jour : 12/03/2025", "Publié le 3 mars 2024 – Modifié le 5 avril 2024",
    "Last updated March 3, 2025", "Last updated on 3 March 2025", "Zuletzt aktualisiert am 03.03.2025",
    "Mis à jour le 15 janvier 2025 à 10:32", "Dernière mise à jour : mars 2026",
])
def test_a_line_that_dates_the_page_is_never_the_answer_nor_joined_to_it(line):
    """A State portal's "Vérifié le ..." line opened the answer of three questions: prose beside the intro's sentence,
    the excerpt took it in."""
    from rag.index.analyzer import Analyzer
    from rag.search.snippets import highlight

    text = (f"{line}\nLe congé de paternité permet au père de cesser son activité à la naissance de l'enfant. Il "
            "s'ajoute au congé de naissance de 3 jours, pris en 2025 comme avant.")
    start = text.index("Le congé")
    assert excerpt(text, start, text.index(" Il s'ajoute"))[0] == start
    analyzer = Analyzer("fr")
    shown = highlight(text, dict.fromkeys(analyzer.terms(f"{line} congé naissance"), 1.0), analyzer)
    assert shown is not None and shown.start >= start


@pytest.mark.parametrize("line", [
    "Updated prices apply from 1 March 2025 to every plan we sell.", "Mise à jour de votre carte vitale en 3 étapes.",
    "Mise à jour du logiciel 2.1 : les nouveautés de la version pour les clients.",
    "Publié 12 fois dans la presse nationale, notre guide du congé de paternité est gratuit.",
    "Dernière mise à jour : mars 2026. Ce document reprend les conditions de garantie de la boutique.",
    # a date, then the answer's clause: the line answers
    "Mis à jour le 1er avril 2025 : le barème kilométrique est revalorisé de 5,4 % pour tous les véhicules.",
    "Publié le 15 février 2025 au Journal officiel, le décret fixe le nouveau barème des indemnités.",
    "Updated 1 March 2025: prices rise by 2 euros a month for every plan.",
    "Published 12 times in the national press, our guide is free of charge.",  # no date at all
    "Reviewed 5 000 dossiers en 2024, notre équipe répond en 48 heures.",
])
def test_a_sentence_that_opens_on_such_words_without_dating_the_page_is_read(line):
    from rag.search.lines import dates_page

    assert not dates_page(line)
    text = f"{line}\nLe congé de paternité permet au père de cesser son activité."
    assert excerpt(text, text.index("Le congé"), len(text))[0] == 0  # prose beside prose, joined as before
