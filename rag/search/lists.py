"""The lists of a passage as an answer quotes them (`rag.search.snippets.excerpt`): the lines a colon announces, the
list a passage opens on, and a numbered procedure (items numbered 1, 2, ..., n), each whole or in whole lines.

A span is a sentence of the passage as `rag.search.snippets` cuts it: (start, end, line number among the passage's
joined lines, prose line)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Collection, Iterable, Sequence
from itertools import accumulate

from rag.passage import ITEM, fence_end, is_row
from rag.search import emphasis, tables
from rag.search.lines import joined, lines
from rag.search.tables import Part

Span = tuple[int, int, int, bool]
_STEP = re.compile(r"[ \t]*(\d{1,3})[.)]\s")  # a numbered item: "1. ", "2) "
# A verb that opens a step, where the language marks it: French's imperative ("Validez", "Connectez-vous",
# "Faites"), an infinitive with its pronoun ("Se connecter", "S'inscrire") or before its object ("Choisir la date",
# "Cliquer sur « Valider »"; of the verbs in -re, those steps open on most: "Joindre une copie", "Prendre
# rendez-vous"). A list of things opens on names ("Verte", "Vos remboursements", "Pour les systèmes").
_COMMAND = re.compile(r"[*_\s]*(?:\w+ez|faites|dites)(?:-\w+)*\b|[*_\s]*s(?:e\s+|['’])\w+(?:er|ir|re)\b|"
                      r"[*_\s]*(?:\w+(?:er|ir)|(?:re)?(?:joindre|prendre|mettre|faire|lire|écrire|suivre|attendre|"
                      r"rendre)|inscrire|transmettre|soumettre|répondre|éteindre|descendre)\s+(?:l['’]|(?:le|la|les|"
                      r"un|une|à|au|aux|sur|votre|vos|son|sa|ses|en|dans|ce|cet|cette|ces|rendez-vous|contact)\b)",
                      re.IGNORECASE)
# Languages whose imperative has no ending of its own open steps on a verb of this list, the ones help pages' steps
# open on most (English; Spanish and Italian, tú and usted; Portuguese, você and tu; Dutch), or on "<verb>en Sie"
# (German: "Klicken Sie auf ...").
_COMMAND_WORDS = frozenset({
    "open", "tap", "click", "select", "choose", "enter", "type", "go", "press", "sign", "log", "install", "run",
    "add", "remove", "delete", "create", "set", "check", "confirm", "save", "download", "upload", "copy", "paste",
    "navigate", "find", "scroll", "restart", "reboot", "connect", "disconnect", "follow", "wait", "make", "fill",
    "submit", "send", "complete", "review", "update", "edit", "change", "turn", "switch", "insert", "plug", "unplug",
    "attach", "print", "scan", "return", "contact", "call", "visit", "use", "take", "pick", "drag", "close",
    "accept", "agree", "verify", "activate", "enable", "disable", "keep", "write", "tick", "uncheck", "search",
    "reset", "log-in", "abre", "pulsa", "toca", "selecciona", "elige", "introduce", "escribe", "entra", "accede",
    "haz", "contrata", "descarga", "instala", "inicia", "confirma", "completa", "rellena", "envía", "revisa",
    "activa", "desactiva", "guarda", "marca", "busca", "añade", "elimina", "cambia", "llama", "visita", "usa",
    "espera", "sigue", "ten", "ve", "haga", "pulse", "seleccione", "elija", "introduzca", "escriba", "acceda",
    "entre", "descargue", "instale", "confirme", "envíe", "apri", "tocca", "seleziona", "scegli",
    "inserisci", "digita", "accedi", "fai", "clicca", "premi", "scarica", "installa", "conferma", "compila", "invia",
    "attiva", "salva", "aggiungi", "vai", "hit", "head", "specify", "provide", "hold", "ensure", "give", "let",
    "grab", "double-click", "right-click", "apply", "adjust", "allow", "assign", "register",
    # Italian (tu, Lei), Portuguese (você, tu) and Dutch: audit 50's pages opened their steps on these ("Verifica
    # che la spia ...", "Spegni il modem ...", "Baixe o app ...", "Toque em ...", "Kies je fiets ...")
    "verifica", "controlla", "spegni", "accendi", "riavvia", "collega", "scollega", "connettiti", "collegati",
    "registrati", "iscriviti", "attendi", "aspetta", "imposta", "stampa", "cerca", "leggi", "segui", "carica",
    "incolla", "chiudi", "indica", "allega", "chiama", "scrivi", "richiedi", "modifica", "rimuovi", "annulla",
    "disattiva", "torna", "metti", "prendi", "associa", "apra", "clicchi", "selezioni", "scelga", "inserisca", "prema",
    "verifichi", "attenda", "compili", "abra", "toque", "clique", "selecione", "escolha", "digite", "insira",
    "informe", "acesse", "aceda", "baixe", "descarregue", "envie", "preencha", "verifique", "aguarde", "ligue",
    "desligue", "reinicie", "conecte", "tire", "crie", "faça", "vá", "siga", "leia", "cole", "cadastre",
    "cadastre-se", "registe-se", "inscreva-se", "salve", "ative", "desative", "altere", "adicione", "remova", "exclua",
    "apague", "utilize", "indique", "anexe", "imprima", "pague", "comunique", "peça", "contacte", "clica", "escolhe",
    "seleciona", "carregue", "introduza", "desbloqueie", "bloqueie", "klik", "kies", "selecteer", "vul",
    "ga", "tik", "maak", "voer", "installeer", "verstuur", "stuur", "bevestig", "controleer", "neem", "druk", "zet",
    "wacht", "typ", "bel", "meld", "schakel", "sluit", "volg", "geef", "zoek", "vink", "kopieer", "plak", "herstart",
    "verwijder", "voeg", "wijzig", "bewaar", "sla", "lees", "breng", "haal", "betaal", "stel", "activeer",
    "registreer",
})
# An item's label: a few words before a colon ("- Suisse : 5 à 7 jours", "2. Prioritaire : assistance ...")
_LABEL = re.compile(r"[ \t]*(?:[•·▪◦*\-–—]|\d{1,3}[.)])\s+([^:\n]{1,60}?)\s?:\s")
_WORD_SIE = re.compile(r"[*_\s]*(\w[\w-]*)(\s+Sie\b)?")
# A short phrase that sets where or when before the verb, up to a comma: "Dans le menu Ventes, choisissez ...", "Sur la
# ligne de la commande, cliquez ...", "Si le remboursement est partiel, indiquez ...", "If prompted, enter ..."
_LEAD = re.compile(r"[*_\s]*(?:[^\s,;:.]+\s+){0,5}[^\s,;:.]+,\s+")
# What says that a list is steps: the line that introduces it or the heading it lies under ("suivez ces étapes",
# "Follow these steps", "Comment déclarer ?", "How to reset your password").
_STEPS = re.compile(r"\b(?:étapes?|procédures?|marche\s+à\s+suivre|suivez|comment|steps?|procedures?|"
                    r"instructions|follow|how\s+(?:to|do|can|should)|schritte?|pasos?|passaggi|pass[io]|passos|"
                    r"procedura|procedimentos?|stap|stappen)\b",
                    re.IGNORECASE)


def opening_list(text: str, spans: Sequence[Span]) -> tuple[int, int | None]:
    """Where an excerpt from the passage's start begins (its first item's bullet when the passage opens on a list
    item or a table row, so that every item shows its bullet) and the last span of that opening list (None when
    the passage opens otherwise): the list `list_end` bounds, from its first item on."""
    if not (item := ITEM.match(text)):  # an item is never prose (`rag.search.lines.prose`)
        return spans[0][0], None
    head = min(spans[0][0], item.end() - len(item.group().lstrip()))
    return head, list_end(text, spans, line_last(spans, 0), announced=False)


def announces(text: str, span: Span) -> bool:
    return text[span[0]:span[1]].endswith(":")


def line_last(spans: Sequence[Span], i: int) -> int:
    """The last span on the line of `spans[i]`."""
    while i + 1 < len(spans) and spans[i + 1][2] == spans[i][2]:
        i += 1
    return i


def list_end(text: str, spans: Sequence[Span], last: int, announced: bool = True) -> int:
    """The last span of the list that `spans[last]`, ending its line with a colon, announces: the next line, then
    each line that goes on with the list (an item: not prose, `lines.prose`; or any line after one ending with ';' or
    ','), up to the next line that announces something of its own; a code block whole. Prose after the last item
    ("… après un délai de 3 ans.") is not the list. Not `announced`: `spans[last]` ends the list's first item, and
    the line after it must itself go on with the list (an item, or any line after one ending with ';' or ',')."""
    if announced and (close := fence_end(lines(text), spans[last][2] + 1)) is not None:
        return max(i for i, span in enumerate(spans) if span[2] <= close)
    end = j = last
    while j + 1 < len(spans) and spans[j + 1][2] != spans[j][2]:
        k = line_last(spans, j + 1)
        if announces(text, spans[k]):
            break
        before = text[spans[end][0]:spans[end][1]].rstrip()
        if (end != last or not announced) and spans[j + 1][3] and not before.endswith((";", ",")):
            break
        end = j = k
    return end


def announced(text: str, spans: Sequence[Span], last: int, limit: int) -> int:
    """The last span of an excerpt that announces what follows with a colon and ends on `spans[last]` at the end of
    a line: the lines after it, whole, list items and rows included, while they end before `limit` (an offset of
    `text`) and up to the next line that announces something of its own ("A noter :", "Pour les entreprises :").
    A list announced by the answer is the answer ("... de plusieurs manières :" then the ways)."""
    if last + 1 >= len(spans) or spans[last + 1][2] == spans[last][2]:
        return last
    end = last
    for j in range(last + 1, len(spans)):
        if spans[j][1] > limit:
            break
        line_ends = j + 1 == len(spans) or spans[j + 1][2] != spans[j][2]
        if line_ends and announces(text, spans[j]):
            break
        if line_ends:
            end = j  # a whole line fits
    return end


def _commands(item: str) -> bool:
    """Whether a list item opens on a verb that commands (`_COMMAND`, `_COMMAND_WORDS`), or on one after a short
    phrase that sets where or when (`_LEAD`: "Dans le menu Ventes, choisissez Transactions.")."""
    lead = _LEAD.match(item)
    return _verb(item) or (lead is not None and _verb(item[lead.end():]))


def _verb(text: str) -> bool:
    if _COMMAND.match(text):
        return True
    word = _WORD_SIE.match(text)
    return bool(word) and (word.group(1).casefold() in _COMMAND_WORDS  # type: ignore[union-attr]
                           or (word.group(2) is not None and word.group(1).endswith("en")))  # type: ignore[union-attr]


def names_steps(text: str) -> bool:
    """Whether a heading or a line introducing a list says that it is steps (`procedure`)."""
    return bool(_STEPS.search(text))


def announcer(text: str, spans: Sequence[Span], first: int, last: int) -> int | None:
    """The span of the sentence that announces, ending its line with a colon, the list that `spans[first..last]`
    are items of, when they open on an item (a list item, not a table row) below it: "Les moyens de paiement
    acceptés sont :" over "- le virement", which the question named. None when they are no such items, or lie
    beyond that list (`list_end`), or nothing announces it."""
    row = joined(text)[spans[first][2]]
    if spans[first][3] or not ITEM.match(row) or is_row(row):
        return None
    above = next((i for i in range(first - 1, -1, -1) if spans[i][2] != spans[first][2] and announces(text, spans[i])
                  and line_last(spans, i) == i), None)
    return above if above is not None and list_end(text, spans, above) >= last else None


def named_items(lines: Sequence[str], parts: Sequence[Part], keys: Collection[str], start: int, end: int,
                terms: Callable[[str], Iterable[str]] | None = None) -> list[tuple[int, int]]:
    """(start, end) of the other items of the list (bulleted or numbered: `ITEM`, an item's indented lines with it)
    that a highlight `start:end` on its items lies in, which the question names apart from it, as
    `tables.named_rows` finds a table's: "Faut-il fournir les statuts de la société ?" highlights "3. Un RIB au nom
    de la société" and names "4. Les statuts signés", which a numbered item's mark, a sentence of its own, keeps
    out of the highlight. A word of the line above the list (what its items are: "Les délais de livraison dépendent
    du pays :") names none, and with `terms` (a text's analysed words) an item with a label ("Suisse : 5 à 7 jours,
    hors délais de dédouanement") is named by its label alone, as a row by its first cell. `lines`: the passage's,
    with their ends; `parts`: its sentences."""
    offsets = list(accumulate(map(len, lines)))
    first, last = bisect_right(offsets, start), bisect_right(offsets, max(start, end - 1))
    if last >= len(lines):
        return []
    opens = [bool(ITEM.match(line)) and not is_row(line) for line in lines]
    goes_on = [not opens[n] and line[:1] in (" ", "\t") and bool(line.strip()) for n, line in enumerate(lines)]
    top = first
    while top > 0 and goes_on[top]:
        top -= 1
    if not opens[top] or any(not (opens[n] or goes_on[n]) for n in range(top, last + 1)):
        return []  # not on a list's items
    while top > 0 and (opens[top - 1] or goes_on[top - 1]):
        top -= 1
    groups: list[tuple[int, int]] = []
    for n in range(top, len(lines)):
        if opens[n]:
            groups.append((n, n))
        elif goes_on[n] and groups:
            groups[-1] = (groups[-1][0], n)
        else:
            break
    above = next((n for n in range(top - 1, -1, -1) if lines[n].strip()), -1)
    asked = set(keys).difference(*(part.terms for part in parts if bisect_right(offsets, part.start) == above))
    labels = [_LABEL.match(lines[top]) if terms is not None else None for top, _ in groups]
    return tables.named_apart(offsets, groups, parts, start, end,
                              [asked if label is None or terms is None else asked & set(terms(label.group(1)))
                               for label in labels])


def procedure(text: str, spans: Sequence[Span], first: int, last: int, limit: int,
              steps: bool = False) -> tuple[int, int] | None:
    """(start, end) of the numbered procedure that `spans[first..last]` lie in, whole: a list whose items are
    numbered 1, 2, ..., n in order (n >= 2; an item's wrapped lines with it), from its item 1 to its item n as
    `list_end` bounds it, when it ends within `limit` characters of its start, and it is steps: most of its items
    open on a verb that commands (`_commands`), or the line above item 1 says it is steps (`names_steps`), or
    `steps` (the heading the passage lies under says so). Each step goes on from the one before, so one step alone
    ("5. Validez : ...") answers no "how": the procedure is the answer. A numbered list of things ("1. Verte",
    "2. Bleue") is none: the item the question names answers it. None when they lie in no such list, or it is
    longer, or no steps, or its items are an FAQ's bold questions (each item answers its own question)."""
    rows = joined(text)
    starts = [0]
    for row in rows:
        starts.append(starts[-1] + len(row))
    numbers = [int(step.group(1)) if (step := _STEP.match(row)) else None for row in rows]
    line = spans[first][2]
    head = next((i for i in range(line, -1, -1) if numbers[i] == 1), None)
    if head is None:
        return None
    top = next(i for i, span in enumerate(spans) if span[2] == head)
    end = list_end(text, spans, line_last(spans, top), announced=False)
    items = [(numbers[i], _STEP.sub("", rows[i], count=1)) for i in range(head, spans[end][2] + 1)
             if numbers[i] is not None]
    if last > end or [n for n, _ in items] != list(range(1, len(items) + 1)) or len(items) < 2 \
            or any(emphasis.is_lead_in(text[a:b]) for a, b, _, _ in spans[top:end + 1]):
        return None
    above = next((row for row in reversed(rows[:head]) if row.strip()), "")
    if not (steps or names_steps(above) or 2 * sum(_commands(item) for _, item in items) > len(items)):
        return None  # a list of things: its item answers
    start = starts[head] + len(rows[head]) - len(rows[head].lstrip())
    return (start, spans[end][1]) if spans[end][1] - start <= limit else None
