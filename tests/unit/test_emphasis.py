"""An FAQ written as a Markdown list, each item's question in bold: the answer quotes the answer, never the question
with half of its bold marks ("…qui paie ?** Pour une collision…", which a chat renders as broken Markdown)."""

from __future__ import annotations

import pytest

from rag.index.analyzer import Analyzer
from rag.schemas import Citation, Hit
from rag.search.answer import answer
from rag.search.emphasis import is_lead_in, pairs, whole
from rag.search.snippets import highlight, sentence_spans

FAQ = ("- **Mon pare-brise a un petit impact, dois-je le faire réparer tout de suite ?** Un impact de moins de 2 cm "
       "peut être réparé sans remplacer la vitre. Ne tardez pas : il peut se transformer en fissure.\n"
       "- **Un animal a percuté ma voiture, qui paie ?** Pour une collision avec un animal sauvage, les dégâts sont "
       "pris en charge en formule Tous Risques. Faites établir un certificat de collision dans les 24 heures.\n"
       "- **Puis-je résilier mon contrat après un sinistre ?** Vous pouvez résilier à tout moment après la première "
       "année de contrat, sans frais ni motif.")
# the same FAQ, each bold question alone on its item's line, its answer on the line below
ON_ITS_LINE = FAQ.replace("?** ", "?**\n")


def _answer(text: str, question: str):
    analyzer = Analyzer("fr")
    shown = highlight(text, {term: 1.0 for term in analyzer.terms(question)}, analyzer)
    citation = Citation(doc_id="d", title="Sinistre auto", source="d.md", section="Questions fréquentes", start=0,
                        end=len(text), label="Sinistre auto › Questions fréquentes")
    reply = answer([Hit(rank=1, id="p1", text=text, score=1.0, citation=citation, highlight=shown)], language="fr")
    assert reply is not None
    return reply


@pytest.mark.parametrize("text", [FAQ, ON_ITS_LINE])
@pytest.mark.parametrize(("question", "starts"), [
    ("Un animal a percuté ma voiture, qui paie ?", "Pour une collision avec un animal sauvage"),
    ("un sanglier a defoncé l'avant de ma voiture, je fais quoi", "Pour une collision avec un animal sauvage"),
    ("Puis-je résilier mon contrat après un sinistre ?", "Vous pouvez résilier à tout moment"),
])
def test_a_bold_question_s_answer_is_quoted_without_the_question_nor_a_stray_mark(text, question, starts):
    from markdown_it import MarkdownIt

    reply = _answer(text, question)
    assert reply.text.startswith(starts) and "**" not in reply.text and "?" not in reply.text
    assert text[reply.start:reply.end] == reply.text
    html = MarkdownIt("commonmark").render(reply.markdown)
    assert "<strong>" not in html and "**" not in html.split("[1]")[0]


def test_a_bold_question_ends_its_sentence_and_keeps_both_marks():
    spans = [FAQ[a:b] for a, b in sentence_spans(FAQ)]
    assert spans[0] == "**Mon pare-brise a un petit impact, dois-je le faire réparer tout de suite ?**"
    assert spans[1].startswith("Un impact de moins de 2 cm")
    assert all(span.count("**") % 2 == 0 for span in spans)
    assert is_lead_in(spans[0]) and not is_lead_in("**Bon à savoir** – Avec l'option")
    assert is_lead_in("2. **Qui paie ?**") and not is_lead_in("**Le remboursement est effectué sous 14 jours.**")


def test_no_excerpt_holds_half_of_a_bold_pair():
    text = "**Important. Lisez ceci.** Ensuite, suivez les étapes.\nUne ligne __soulignée. Puis__ la suite."
    start = text.index("Lisez")
    assert whole(text, start, text.index(" Ensuite"), 400) == (0, text.index(" Ensuite"))  # "ceci.**": its opening
    assert whole(text, start, text.index("ceci.") + 5, 400) == (0, text.index(" Ensuite"))  # "Lisez ceci.": both
    second = text.index("Puis")
    assert whole(text, second, len(text), 400) == (text.index("__"), len(text))
    assert whole(text, 0, 5, 400) == (0, text.index(" Ensuite"))
    assert whole("sans gras", 2, 5, 400) == (2, 5)
    assert whole(text, 0, 5, 10) == (0, 5)  # a pair beyond the cap: left cut


@pytest.mark.parametrize(("line", "paired"), [
    ("Le forfait Essentiel** est à 9,99 €. Le forfait Premium** est à 29,99 €.", []),
    ("Calculez 2**10 puis x**2.", []),
    ("snake__case et __init__ sont des noms.", ["__init__"]),
    ("Un **mot** puis **deux mots.** Et fin**.", ["**mot**", "**deux mots.**"]),
])
def test_marks_that_open_or_close_no_emphasis_pair_nothing(line, paired):
    assert [line[a:b] for mark in ("**", "__") for a, b in pairs(line, mark)] == paired


FILLER = " ".join(f"Phrase numéro {n} qui parle de sujets divers et variés." for n in range(15))


@pytest.mark.parametrize("text", [
    f"Le forfait Essentiel** est à 9,99 € par mois. {FILLER} Le forfait Zen coûte 19,99 € par mois. {FILLER} "
    "Le forfait Premium** est à 29,99 €.",
    f"Calculez 2**10 pour commencer. {FILLER} Le forfait Zen coûte 19,99 € par mois. {FILLER} Enfin x**2.",
    f"Utilisez un glob **/*.md pour les fichiers. {FILLER} Le forfait Zen coûte 19,99 € par mois. {FILLER} Ou src/**/.",
])
def test_marks_of_no_emphasis_never_widen_an_answer_over_sentences(text):
    reply = _answer(text, "combien coûte le forfait zen")
    assert "Le forfait Zen coûte 19,99 € par mois." in reply.text and "**" not in reply.text
    assert len(reply.text) <= 400


def test_a_bold_statement_is_an_answer_not_a_lead_in():
    text = ("Nos engagements.\n\n**Le remboursement est effectué sous 14 jours.** Vous recevrez un e-mail de "
            "confirmation dès l'envoi.\n\nAutre paragraphe sur la livraison en point relais.")
    reply = _answer(text, "sous combien de jours le remboursement est-il effectué ?")
    assert reply.text.startswith("**Le remboursement est effectué sous 14 jours.**")


def test_numbered_bold_steps_are_quoted_together_and_a_numbered_question_is_a_lead_in():
    steps = ("1. **Ouvrez l'application.** Touchez Paramètres puis Compte.\n"
             "2. **Choisissez Résilier.** Confirmez avec votre code.")
    assert _answer(steps, "comment résilier dans l'application").text == steps
    numbered = "\n".join(f"{n}. {line[2:]}" for n, line in enumerate(FAQ.split("\n"), 1))
    reply = _answer(numbered, "Puis-je résilier mon contrat après un sinistre ?")
    assert reply.text.startswith("Vous pouvez résilier à tout moment") and "**" not in reply.text


def test_a_highlight_and_an_answer_hold_both_marks_of_a_pair_their_sentences_cut():
    text = "Attention, **les frais de retour. Remboursés sous conditions.** Voir les conditions générales."
    analyzer = Analyzer("fr")
    shown = highlight(text, {term: 1.0 for term in analyzer.terms("remboursés sous conditions")}, analyzer)
    assert shown is not None and shown.text.startswith("**les frais") and shown.text.count("**") == 2
    tail = "Puis " + " ".join(f"une ligne {n} sans rapport aucun avec la question posée," for n in range(8)) + " fin."
    text = (f"{tail} Le délai de rétractation est de 14 jours. Attention, **les frais de retour. Remboursés sous "
            f"conditions.** {tail}")  # the sentences around, too long for the answer: it ends inside the pair's
    reply = _answer(text, "délai de rétractation")
    assert reply.text.count("**") == 2 and reply.text.startswith("Le délai") and reply.text.endswith("conditions.**")
