"""Chat shorthand written out before a question is searched: "tous les combien changer son mdp ?" is searched as
"tous les combien changer son mot de passe ?".

People type support questions as they text. The documents write the words in full: BM25 finds no passage holding
"mdp", the question looks off-topic to `answerable` for a word the index does not hold, and the model reads three
letters where the corpus says "mot de passe". `written_out` replaces each word of the corpus language's table
(`SHORTHAND`) by its full words, in everything the searcher reads of the question (its BM25 terms, the text the
model embeds, the highlight's words, `answerable`'s evidence); the response still quotes the question as typed.

Only words that are no word of the language are listed, and only the shorthand chat messages use for everyday
words that carry a subject: no acronym of one trade or one company ("TVA", "CGV" are written so by the documents
too), and no shorthand of a word that carries none ("qqch", "bcp", "u"): written out, "quelque chose" matched
passages by "chose" at random (a help centre's follow-up, "ça me coute qqch ?", lost its answer's first place). A
word the index holds is searched as typed (`holds`): a corpus that writes "SAV" or "RIB" itself matches them as they
are; so is a capitalised word inside a sentence, a name ("la dynastie d'Ur"), and an English word in capitals, an
acronym ("MSG"). A language without a table is searched as typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Shorthand (lower case) -> its words. Greetings and sign-offs are written out to the courtesies the analyzer leaves
# out of a question ("bjr" -> "bonjour"), so that they no longer count as words the corpus lacks.
SHORTHAND: dict[str, dict[str, str]] = {
    "fr": {
        "mdp": "mot de passe", "mdps": "mots de passe", "cb": "carte bancaire", "rib": "relevé d'identité bancaire",
        "rdv": "rendez-vous", "rdvs": "rendez-vous", "sav": "service après-vente", "pb": "problème",
        "pbs": "problèmes", "pbm": "problème", "pblm": "problème", "prob": "problème", "num": "numéro",
        "tél": "téléphone", "appli": "application", "applis": "applications", "dispo": "disponible",
        "dispos": "disponibles", "info": "information", "infos": "informations", "cmde": "commande",
        "abo": "abonnement", "abos": "abonnements", "resa": "réservation", "résa": "réservation",
        "remb": "remboursement", "rembt": "remboursement", "ordi": "ordinateur", "msg": "message",
        "bjr": "bonjour", "bsr": "bonsoir", "slt": "salut", "cdt": "cordialement", "cdlt": "cordialement",
        "mrc": "merci", "mci": "merci",
    },
    "en": {
        "pwd": "password", "pw": "password", "passwd": "password", "acct": "account", "addr": "address",
        "msg": "message", "msgs": "messages", "info": "information", "appt": "appointment", "appts": "appointments",
        "pmt": "payment", "pymt": "payment", "amt": "amount", "qty": "quantity", "dept": "department",
        "mgr": "manager", "hrs": "hours", "yr": "year", "yrs": "years", "wk": "week", "wks": "weeks",
        "tmrw": "tomorrow", "tmr": "tomorrow", "wknd": "weekend", "ppl": "people",
        "pls": "please", "plz": "please", "thx": "thanks", "thnx": "thanks",
    },
}
# The languages whose shorthand is typed in capitals too ("paiement par CB", "envoyez votre RIB", "MDP oublié"); an
# English word in capitals is an acronym of its own ("MSG", "AMT"), which the model reads better as typed.
IN_CAPITALS = frozenset({"fr"})
_WORD = re.compile(r"\w+")  # an underscore joins: "mdp_reset" is a name, not shorthand
_BLANK_MAX = 64  # the spaces looked back over for a sentence's end: a word after more opens nothing


def written_out(question: str, language: str, holds: Callable[[str], bool]) -> str:
    """`question` with each word of `language`'s table that the index does not hold (`holds(word)` false) written
    out, in lower case, in capitals where the language types it so (`IN_CAPITALS`), or capitalised as a sentence's
    first word ("Bonjour. Mdp oublié"); as typed when it has none."""
    table = SHORTHAND.get(language)
    if not table:
        return question

    held: dict[str, bool] = {}  # a question of many shorthand words asks the index once a word

    def put(match: re.Match[str]) -> str:
        word = match.group(0)
        lowered = word.lower()
        full = table.get(lowered)
        if full is None or (len(word) > 1 and word.isupper() and language not in IN_CAPITALS):
            return word
        if word[0].isupper() and not word[1:].isupper() and not _opens_sentence(question, match.start()):
            return word  # a capital then lower case inside a sentence is a name ("la dynastie d'Ur")
        if lowered not in held:
            held[lowered] = holds(lowered)
        return word if held[lowered] else full

    return _WORD.sub(put, question)


def _opens_sentence(text: str, at: int) -> bool:
    """Whether the word at `at` opens the text or a sentence (after ".", "!", "?" or "…" and spaces)."""
    before = at
    while before > 0 and text[before - 1].isspace() and at - before < _BLANK_MAX:
        before -= 1
    return before == 0 or text[before - 1] in ".!?…"


__all__ = ["SHORTHAND", "written_out"]
