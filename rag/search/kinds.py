"""The kind of answer a question asks for (a delay, an amount, a contact), and whether a passage gives that kind:
classic factoid QA's answer-type matching, read from short lists of wordings, French and English.

Among one page's passages that the ranking scores alike, the one whose sub-heading names the kind the question asks
for, or whose text holds one (a number and a time unit, a number and a currency, an e-mail address), is the likelier
answer: a long help page repeats "Délais", "Frais", "Qui contacter ?" under every part, and the part's opening, which
holds the question's subject, outscored the sub-heading that answers (docs/EVALUATION.md, stop 65). `prefer` moves
such a passage up, by a bounded step, among the first candidates of the first one's document only.

Questions and passages are read casefolded without accents, so "combien ca coute" and "Délais" match as "combien ça
coûte" and "delais" do. Every pattern is a regular expression without nested repetition: linear in the text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from enum import Enum
from typing import TYPE_CHECKING

import numpy as np

from rag.search.fusion import Ranking

if TYPE_CHECKING:
    from rag.passage import Chunk


class Kind(Enum):
    """A kind of answer a question may ask for."""

    DELAY = "delay"  # a duration or a deadline: "combien de temps", "jusqu'à quand", "how long"
    AMOUNT = "amount"  # a price, a fee, a sum: "combien coûte", "c'est payant ?", "how much"
    CONTACT = "contact"  # whom to reach and how: "qui contacter", "à quelle adresse", "who do I email"


def _words(*wordings: str) -> re.Pattern[str]:
    """One pattern matching any of `wordings` (casefolded, without accents; `\\w*` and such allowed) as whole words."""
    return re.compile(r"(?<!\w)(?:" + "|".join(wordings) + r")(?!\w)")


_NUMBER = r"(?:\d+(?:[.,]\d+)?|une?|deux|trois|quatre|cinq|six|sept|huit|dix|quinze|trente|one|two|three|four|five" \
          r"|seven|ten|fifteen|thirty)"

# What a question says to ask for each kind: a wording whose job is to ask for it, not a topic word ("livraison").
ASKS = {
    Kind.DELAY: _words(
        r"combien de (?:temps|jours|semaines|mois|heures|minutes)", r"au bout de combien",
        r"(?:sous|dans) quels? delais?",
        r"quels? (?:est le |sont les )?delais?", r"dernier delai", r"sous combien de temps", r"jusqu'? ?a quand",
        r"a partir de quand", r"quand est-ce", r"pendant combien", r"en combien de temps", r"how long",
        r"how many (?:days|weeks|months|hours|minutes)", r"how soon", r"when (?:will|do|does|can|should|is|are)",
        r"by when", r"deadline", r"what is the delay"),
    Kind.AMOUNT: _words(
        r"combien (?:ca |ça |cela |ils? |elles? )?(?:me |nous |vous )?(?:coute|coutera|coutent|couteront|facture)\w*",
        r"combien (?:d'euros|de frais|faut-il payer|je paie|on paie|dois-je payer)", r"jusqu'? ?a combien",
        r"(?:quels?|quelles?) (?:est le |sont les )?(?:prix|tarifs?|montants?|frais|couts?)",
        r"jusqu'? ?a quel montant", r"prix", r"tarifs?", r"payante?s?", r"(?:des|les|de|aux?) frais", r"plus cher",
        r"how much", r"what (?:does|do) it cost",
        r"costs?", r"price", r"fees?", r"charged"),
    Kind.CONTACT: _words(
        r"qui (?:contacter|appeler|joindre|prevenir|ecrire)", r"contacter qui", r"(?:je|on) (?:contacte|appelle) qui",
        r"a qui (?:m'adresser|nous adresser|s'adresser|ecrire|ecris|envoyer|envoie|ecrit|demander|telephoner)",
        r"a quelle adresse", r"quel (?:numero|mail|e-mail|email|service)",
        r"who (?:do|should|can) (?:i|we) (?:contact|call|email|write|reach|ask)", r"who to (?:contact|call|email)",
        r"which (?:email|address|number|team)", r"how (?:do|can) (?:i|we) (?:contact|reach)"),
}

# A sub-heading that names the kind: what a help page heads the part that gives it with.
HEADS = {
    Kind.DELAY: _words(r"delais?", r"durees?", r"combien de temps", r"deadlines?", r"timing", r"how long",
                       r"processing times?", r"timeframes?", r"turnaround"),
    Kind.AMOUNT: _words(r"frais", r"tarifs?", r"tarification", r"prix", r"couts?", r"montants?", r"plafonds?", r"fees?",
                        r"prices?", r"pricing", r"costs?", r"charges"),
    Kind.CONTACT: _words(r"qui contacter", r"contacts?", r"nous contacter", r"contactez-nous", r"nous joindre",
                         r"who to contact", r"contact us", r"get in touch", r"support"),
}

# What a passage's text gives of each kind.
GIVES = {
    Kind.DELAY: _words(
        _NUMBER + r" ?(?:h|heures?|jours?|j|semaines?|mois|ans?|annees?|minutes?|min|hours?|days?|weeks?|months?"
        r"|years?)(?: (?:ouvres?|ouvrables?|calendaires?|ouvrees?|business|working))?", r"immediatement",
        r"dans un delai", r"sous \d+", r"within \d+", r"immediately"),
    Kind.AMOUNT: _words(r"\d+(?:[.,]\d+)? ?(?:€|eur|euros?|\$|usd|£|chf|%)", r"[€$£] ?\d+", r"gratuite?s?",
                        r"offerte?s?", r"sans frais", r"free of charge", r"at no cost"),
    # an e-mail address (tried at the start of a run of its letters only: linear), a phone number, a call to reach us
    Kind.CONTACT: re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.]+|(?<!\d)(?:\+\d{2} ?|0)\d(?:[ .]?\d{2}){4}(?!\d)"
                             r"|(?<!\w)(?:contactez|appelez|ecrivez|service client\w*|formulaire de contact|contact us"
                             r"|call us|email us)(?!\w)"),
}

# How much fused score a passage that gives the kind gains (`prefer`): its sub-heading naming it, its text giving one;
# and how far below the first candidate, by fused score, a passage of its document may be to gain it.
HEAD_STEP = 0.05
TEXT_STEP = 0.02
MARGIN = 0.1
READ = 10  # the first candidates read: the answer's sibling lies among them


def plain(text: str) -> str:
    """`text` casefolded, its accents and typographic apostrophes dropped: "Qui contacter ?" -> "qui contacter ?"."""
    folded = unicodedata.normalize("NFKD", text.casefold().replace("’", "'"))
    return "".join(c for c in folded if not unicodedata.combining(c))


def asked(question: str) -> set[Kind]:
    """The kinds of answer `question` asks for, none if it asks for none it can tell."""
    text = plain(question)
    return {kind for kind, pattern in ASKS.items() if pattern.search(text)}


def given(kinds: set[Kind], heading: str | None, text: str) -> float:
    """How well a passage gives one of `kinds`: 1 if a heading of its path under its document's title (`heading`)
    names one ("Durée du congé › Naissances multiples" for a delay), 0.5 if its text gives one, else 0."""
    if heading and any(HEADS[kind].search(plain(heading)) for kind in kinds):
        return 1.0
    body = plain(text)
    return 0.5 if any(GIVES[kind].search(body) for kind in kinds) else 0.0


def prefer(ranking: Ranking, passages: Sequence[Chunk], question: str) -> Ranking:
    """`ranking` with the passages of its first candidate's document among its first `READ`, within `MARGIN` of the
    first by fused score, raised by the kind of answer `question` asks for (`given`: `HEAD_STEP` for a heading that
    names it, `TEXT_STEP` for a text that gives one) and put in order again; the same ranking if it asks for none."""
    kinds = asked(question)
    if not kinds or len(ranking) < 2:
        return ranking
    top = ranking[0]
    doc = passages[top.row].doc_id
    scores = ranking.scores.copy()
    for i, item in enumerate(ranking[:READ]):
        chunk = passages[item.row]
        if chunk.doc_id != doc or top.score - item.score > MARGIN:
            continue
        step = given(kinds, chunk.section, chunk.text)
        scores[i] += HEAD_STEP if step == 1.0 else TEXT_STEP if step else 0.0
    if np.array_equal(scores, ranking.scores):
        return ranking
    order = np.lexsort((ranking.rows, -scores))
    return ranking.reordered(order, scores)


__all__ = ["ASKS", "GIVES", "HEADS", "HEAD_STEP", "MARGIN", "READ", "TEXT_STEP", "Kind", "asked", "given", "plain",
           "prefer"]
