"""An FAQ written as a Markdown list, each item's question in bold: the answer quotes the answer, never the question
with half of its bold marks ("…qui paie ?** Pour une collision…", which a chat renders as broken Markdown)."""

from __future__ import annotations

import pytest

from rag.index.analyzer import Analyzer
from rag.schemas import Citation, Hit
from rag.search.answer import answer
from rag.search.emphasis import is_lead_in, whole
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


def test_no_excerpt_holds_half_of_a_bold_pair():
    text = "**Important. Lisez ceci.** Ensuite, suivez les étapes.\nUne ligne __soulignée. Puis__ la suite."
    start = text.index("Lisez")
    assert whole(text, start, text.index(" Ensuite")) == (0, text.index(" Ensuite"))  # "Lisez ceci.**": its opening
    assert whole(text, start, text.index("ceci.") + 5) == (0, text.index(" Ensuite"))  # "Lisez ceci.": both
    second = text.index("Puis")
    assert whole(text, second, len(text)) == (text.index("__"), len(text))
    assert whole(text, 0, 5) == (0, text.index(" Ensuite"))
    assert whole("sans gras", 2, 5) == (2, 5)
