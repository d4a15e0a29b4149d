"""Answer snippets: the sentence or two of a passage that best answer a question, found without a model call.

A passage is cut into sentences (lines first, a hard-wrapped or PDF line that a sentence continues on joined to the
next, then sentence ends). Each question term found in a sentence adds its inverse document frequency (from the BM25
index, so that rare words count most); a window of one sentence, or of two neighbouring sentences when the second adds
question terms the first lacks, is scored by the distinct terms it covers; in hybrid and dense modes a window that meets
the passage's sentence window closest to the question by the model (its vectors made at ingest, `rag.index.windows`)
counts the question's rarest term once more. The best window is the highlight; ties to the earlier, shorter one (but
where the model's window alone chooses, to the sentences it holds of its own). With no question term in the passage
and no model window, the first sentence stands in. Method and figures: `docs/SNIPPETS.md`.

Extractive by construction: a highlight is always `passage_text[start:end]`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rag.index.analyzer import Analyzer
from rag.passage import is_abbreviation, is_separator, starts_sentence
from rag.schemas import Highlight
from rag.search import emphasis, fields, kin, lists, tables
from rag.search.lines import dates_page, fenced, joined, opens_clause, prose, trimmed

# A sentence ends at . ! ? … (closing quotes and brackets stay with it) before a space and a capital or a digit.
# A bold question's closing marks stay with it ("**Qui paie ?** Pour..."), a lead-in of its own (rag.search.emphasis).
_END = re.compile(r"[.!?…]+[\"'»”)\]]*\s+|\?(?:\*\*|__)\s+")
MAX_SENTENCES = 2
# A sentence opening on a word that stands for something said before it ("Elle", "Cette option", "They") does not
# stand alone: its excerpt takes the sentence before it first.
_ANAPHORA = re.compile(r"(?:il|elle|ils|elles|celui-ci|celle-ci|ceux-ci|celles-ci|cela|ceci|ce|cet|cette|ces|"
                       r"it|they|this|these|those|he|she)\b", re.IGNORECASE)
# ... but for an impersonal "il", which stands for nothing ("Il faut compter 48 heures.")
_IMPERSONAL = re.compile(r"il\s+(?:faut|suffit|existe|y\s+a|s['’]agit|convient|reste|arrive|se\s+peut|semble|vaut)\b",
                         re.IGNORECASE)
_CACHE_SIZE = 8192
_SPANS_CACHED = 2048  # texts, of any build: after a reload, old ones stay until pushed out

ANSWER_CHARS = 400  # the answer's excerpt: its highlight and whole neighbouring sentences, up to this many characters
LEAD_CHARS = 700  # ... or up to this many when the highlight opens its passage (measured in docs/SNIPPETS.md)
LIST_CHARS = 1000  # ... or up to this many for a list the answer announces, when the whole list fits
OPENING_CHARS = 50  # what may stand before a highlight that opens its passage: "Oui.", "Non.", a short lead-in


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a passage: `text[start:end]` of that passage, with its analysed terms; `header`: those of its
    table's header row, for a row under one (`rag.search.tables`), or of the bold lead-in heading it in a list item
    (`rag.search.emphasis`); `lead_in`: it is such a lead-in, and heads a sentence, never quoted for it; `led`: it is
    headed by one, whose words let it start a highlight (the answer under a bold question need not repeat its
    words); `clause`: it opens a clause ("4.3 Le …", `lines.opens_clause`), which no sentence before goes on into;
    `named`: the terms of the field's name its line opens on ("Téléphone : …", `rag.search.fields`); `addressed`: its
    terms found only inside an e-mail or web address, which weigh less where it is chosen as the highlight; `cell`:
    for a table row under a header, its table and its first cell's words that name it (`tables.named_by`)."""

    start: int
    end: int
    terms: frozenset[str]
    header: frozenset[str] = frozenset()
    lead_in: bool = False
    led: bool = False
    clause: bool = False
    named: frozenset[str] = frozenset()
    addressed: frozenset[str] = frozenset()
    cell: tuple[int, frozenset[str]] | None = None


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`: one per line at least (a line that a sentence continues on the
    next is joined to it), split further at sentence ends."""
    return [(a, b) for a, b, _, _ in _spans(text)]


@lru_cache(maxsize=_SPANS_CACHED)  # the answer's passages, cut again for each answer: 30 us a passage (piaf)
def _spans(text: str, header: bool = False) -> tuple[tuple[int, int, int, bool], ...]:
    """(start, end, line number, prose line) of each sentence of `text`, as `sentence_spans` cuts them; `header`:
    the passage goes on with a table whose header row it carries (`rag.passage.Chunk.header`), so that a row it
    opens on is no prose even alone."""
    spans: list[tuple[int, int, int, bool]] = []
    pos, rows = 0, joined(text)
    for number, (line, is_prose) in enumerate(zip(rows, prose(rows, header), strict=True)):
        cursor = 0
        for match in _END.finditer(line):
            if not starts_sentence(line, match.end()) or is_abbreviation(line, cursor, match.start()):
                continue
            spans.append((*trimmed(text, pos + cursor, pos + match.end()), number, is_prose))
            cursor = match.end()
        spans.append((*trimmed(text, pos + cursor, pos + len(line)), number, is_prose))
        pos += len(line)
    return tuple(span for span in spans if span[1] > span[0])


def sentences(text: str, analyzer: Analyzer, above: str | None = None) -> tuple[Sentence, ...]:
    """The sentences of a passage and their terms (a table row's header's too, a field's name's, those only inside
    an address); `above`: the header row of the table the passage goes on with (`rag.passage.Chunk.header`), which
    heads the rows it opens on."""
    spans = _spans(text, above is not None)
    terms = [frozenset() if dates_page(text[a:b]) else frozenset(analyzer.terms(text[a:b])) for a, b, _, _ in spans]
    rows = joined(text) if "|" in text or "**" in text or "__" in text else []  # most passages: neither
    led = emphasis.lead_ins(text, spans, rows)
    heads, clauses = {lead for lead in led if lead is not None}, [opens_clause(text, a) for a, _, _, _ in spans]
    named: dict[int, frozenset[str]] = {}  # each line's field name, read on its first sentence
    for a, b, line, _ in spans:
        if line not in named:
            named[line] = fields.named(text[a:b], analyzer)
    headers = [frozenset() if lead is None else terms[lead] for lead in led]
    cells: dict[int, tuple[int, frozenset[str]]] = {}  # each row's table and name, a row under a header
    if "|" in text:  # a table row counts its header's words
        # a separator row (`|---|`) takes no header's words: it was the best "row" of a question naming only columns
        table = [None if is_separator(r) else h for r, h in zip(rows, tables.heads(rows, above is not None),
                                                                 strict=True)]
        header: dict[int, frozenset[str]] = {} if above is None else {tables.ABOVE: frozenset(analyzer.terms(above))}
        for (_, _, line, _), words in zip(spans, terms, strict=True):
            if table[line] == line:
                header[line] = header.get(line, frozenset()) | words
        headers = [(frozenset() if (head := table[line]) in (None, line) else header[head]) | words
                   for (_, _, line, _), words in zip(spans, headers, strict=True)]
        cells = {line: (head, tables.naming(tables.first_cell(rows[line]), analyzer.words, analyzer.terms))
                 for line in {s[2] for s in spans} if (head := table[line]) is not None and head != line}
    return tuple(Sentence(a, b, words, above_it, i in heads, lead is not None, clauses[i], named[line],
                          fields.addressed(text[a:b], words, analyzer), cells.get(line))
                 for i, ((a, b, line, _), words, above_it, lead) in enumerate(zip(spans, terms, headers, led,
                                                                                   strict=True)))


def excerpt(text: str, start: int, end: int, budget: int = ANSWER_CHARS, lead: int = LEAD_CHARS,
            from_start: bool = False, header: bool = False, steps: bool = False) -> tuple[int, int]:
    """(start, end) of an excerpt of `text` around its snippet `text[start:end]` (whole sentences): the snippet and
    the whole sentences next to it, the following one first then the preceding one, within `budget` characters, or
    within a longer `lead` when the snippet opens `text` (at most `OPENING_CHARS` before it, "Oui." say, on lines
    that join): a passage that starts with its answer goes on with it (a definition, an FAQ entry). With
    `from_start` (the first passage of an FAQ entry, `rag.search.answer.answers_heading`), the excerpt starts at the
    passage's start wherever the snippet lies, when the excerpt the snippet gets anyway ends within `lead` of it; an
    entry that opens on a list (its heading's question announces it) gives the whole list, when the snippet's
    excerpt ends in it and the list ends within `LIST_CHARS` of the start: every item answers that question.

    A neighbour on another line joins only if both lines are prose (`rag.search.lines.prose`), and never back into the
    clause before the snippet's ("4.3 Le …" opens one, `lines.opens_clause`): a list item, a table row or a heading is
    never added to a snippet, nor a snippet that is one grown; except, with the longer `lead`, the lines that the
    snippet's last sentence, or one the excerpt added after it, announces with a colon (`lists.announced`), from the
    snippet on (the sentences before it are dropped for the list): the whole list when it ends within `LIST_CHARS` of
    the snippet's start, else its whole lines within `lead`. A snippet that holds an item of the list (the question
    names it) ends on that item, and the list stays apart; but, with the longer `lead`, one on a step of a numbered
    procedure (items numbered 1 to n that are steps, `lists.procedure`; `steps`: the heading the passage lies under says
    they are) gives the whole procedure when it ends within `LIST_CHARS` of its start; one on a line of a fenced code
    block, the block within `LIST_CHARS` (the example it is part of). A snippet within a table (`rag.search.tables`): on
    its first row, from its header row; on a later row, alone (the answer shows the header above it); on the header, its
    caption line or a sentence with the header under it, the table (`_in_table`). With `header` (the passage goes on
    with a table whose header row it carries, not in `text`), a row it opens on is itself alone, whole, shown under that
    header (`rag.search.answer`)."""
    spans = _spans(text, header)
    inside = [i for i, span in enumerate(spans) if span[0] < end and span[1] > start]
    if not inside:
        return start, end
    reads_on = lead > budget
    if from_start and reads_on:
        a, b = excerpt(text, start, end, budget, lead, header=header, steps=steps)
        head, whole = lists.opening_list(text, spans)
        if whole is not None and b <= spans[whole][1] and spans[whole][1] - head <= LIST_CHARS:
            return head, spans[whole][1]
        listed = any(lists.announces(text, span) and a <= span[0] and span[1] < b for span in spans)
        return (head, excerpt(text, spans[0][0], b, budget, lead)[1]) \
            if b - spans[0][0] <= (LIST_CHARS if listed else lead) else (a, b)
    first, last = inside[0], inside[-1]
    rows = joined(text) if "|" in text else []
    table = tables.heads(rows, header) if rows else []
    if table and (top_row := table[spans[first][2]]) is not None and table[spans[last][2]] == top_row:
        return _in_table(spans, table, top_row, (first, last), (start, end), budget, lead, rows)
    if table and (table[below := spans[last][2]] == below or  # a sentence over the header row, and the header
                  (not spans[last][3] and (below := below + 1) < len(table) and table[below] == below)):  # a caption
        row = next(i for i, span in enumerate(spans) if span[2] == below)  # the table they name
        return _in_table(spans, table, below, (row, row), (start, end), budget, lead, rows)
    if reads_on and (procedure := lists.procedure(text, spans, first, last, LIST_CHARS, steps)) is not None:
        return min(start, procedure[0]), max(end, procedure[1])  # one step of a procedure: the procedure
    if reads_on and (block := fenced(text, start, end)) is not None and block[1] - block[0] <= LIST_CHARS:
        return block  # a line of code: its block, fences and all (a chat renders it), as the example it is part of

    def joins(a: int, b: int, on: bool = False) -> bool:  # never into a list item's bold lead-in (it asks, its answer
        clause = not on and opens_clause(text, spans[b][0])  # follows), nor back into the clause before, but `on`
        return (spans[a][2] == spans[b][2] or (spans[a][3] and spans[b][3])) and not clause \
            and not any(emphasis.is_lead_in(text[spans[i][0]:spans[i][1]]) for i in (a, b))

    opens = spans[first][0] - spans[0][0] <= OPENING_CHARS and all(joins(i, i + 1) for i in range(first))
    if reads_on and opens and spans[last][1] - spans[0][0] <= lead:
        first, budget = 0, lead
    if first > 0 and joins(first - 1, first) and (refers := _ANAPHORA.match(text, spans[first][0])) \
            and not (len(refers.group()) > 1 and refers.group().isupper()) \
            and not _IMPERSONAL.match(text, spans[first][0]) \
            and spans[last][1] - spans[first - 1][0] <= budget:  # "IT", "CES", "CE": an acronym, not a pronoun
        first -= 1  # "Elle fonctionne avec…" reads only after what "elle" stands for
    while True:
        grown = False
        if last + 1 < len(spans) and joins(last, last + 1, True) and spans[last + 1][1] - spans[first][0] <= budget:
            last, grown = last + 1, True
        if first > 0 and joins(first - 1, first) and spans[last][1] - spans[first - 1][0] <= budget:
            first, grown = first - 1, True
        if not grown:
            break
    if reads_on and any(lists.announces(text, spans[i]) for i in range(inside[-1], last + 1)):
        first = inside[0]  # the list, not the sentences before the snippet
        whole = lists.list_end(text, spans, last)
        fitting = lists.announced(text, spans, last, spans[first][0] + lead)
        last = max(fitting, whole) if spans[whole][1] - spans[first][0] <= LIST_CHARS else fitting
    return min(start, spans[first][0]), max(end, spans[last][1])


def announcing(text: str, start: int, end: int) -> tuple[int, int] | None:
    """(start, end) of the sentence that announces with a colon the list whose items the excerpt `text[start:end]`
    is (`lists.announcer`), outside the excerpt: what the items are ("Les moyens de paiement acceptés sont :" above
    "- virement bancaire"), which the answer shows above them. None for an excerpt of no such items."""
    spans = _spans(text)
    inside = [i for i, span in enumerate(spans) if span[0] < end and span[1] > start]
    if not inside or (above := lists.announcer(text, spans, inside[0], inside[-1])) is None:
        return None
    return spans[above][0], spans[above][1]


def _in_table(spans: Sequence[tuple[int, int, int, bool]], table: list[int | None], head: int, inside: tuple[int, int],
              snippet: tuple[int, int], budget: int, lead: int, lines: Sequence[str]) -> tuple[int, int]:
    """The excerpt of a snippet within the rows of one table (`excerpt`), headed by line `head` of `lines`: the
    header row alone gives the table, whole within `LIST_CHARS` of its start, else its whole rows within `lead`; the
    row right under it (the header with it or not), from the header when that fits within `budget`; a later row, or
    one under a header above the passage (`tables.ABOVE`), itself alone, whole, shown under its header by the answer
    (`tables.shown_above`)."""
    if head == tables.ABOVE or tables.below_header(lines, head, spans[inside[0]][2]) is not None:
        top = next(i for i, span in enumerate(spans) if span[2] == spans[inside[0]][2])  # the row's first span
        return min(snippet[0], spans[top][0]), max(snippet[1], spans[lists.line_last(spans, inside[1])][1])
    rows = range(head, tables.last_row(table, head) + 1)
    on = [[i for i, span in enumerate(spans) if span[2] == line] for line in rows]  # each row's spans
    top, first, last = on[0][0], *inside
    if spans[first][2] == spans[last][2] == head:
        last = on[-1][-1] if spans[on[-1][-1]][1] - spans[top][0] <= LIST_CHARS else \
            max([last, *(row[-1] for row in on if spans[row[-1]][1] - spans[top][0] <= lead)])
    else:
        last = on[spans[last][2] - head][-1]
        if spans[last][1] - spans[top][0] <= budget:
            first = top
    return min(snippet[0], spans[first][0]), max(snippet[1], spans[last][1])


def opening(text: str, budget: int = ANSWER_CHARS, lead: int = LEAD_CHARS) -> tuple[int, int] | None:
    """(start, end) of the excerpt that the first sentence of `text` gets: the passage's start, read on within
    `lead`, or `LIST_CHARS` for a list it announces (`excerpt`); for a passage that opens on a list, that whole
    list within `LIST_CHARS`: the answer of an FAQ entry whose heading is what the question asks
    (`rag.search.answer.answer_span`). None when the passage opens on neither prose nor a list (a sub-heading), its
    first sentence alone is longer than `lead`, or its opening list runs beyond `LIST_CHARS`: no opening to answer."""
    spans = _spans(text)
    if not spans:
        return None
    head, whole = lists.opening_list(text, spans)
    if whole is not None:
        return (head, spans[whole][1]) if spans[whole][1] - head <= LIST_CHARS else None
    if not spans[0][3]:
        return None
    if spans[0][1] - spans[0][0] > lead:
        return None
    return excerpt(text, spans[0][0], spans[0][1], budget, lead)


def best_window(parts: tuple[Sentence, ...], weights: Mapping[str, float], near: tuple[int, int] | None = None,
                bonus: float | None = None, own: tuple[int, int] | None = None, asked: frozenset[str] = frozenset()
                ) -> tuple[int, int, float]:
    """(first, last, score) of the best run of one or two sentences; ties go to the earlier, then the shorter.

    `near`: (start, end) of the passage's sentence window closest to the question by the model; a run that meets it
    counts as if it held the question's rarest word once more (and one without question words may stand in: a
    paraphrase, a question in another language); of such runs, which tie, one that meets `own` (the window's own
    sentences, which no other window holds, `Windows.best_spans`) goes first: what made the window closer than its
    neighbours ("Tarjetas regalo." and "Los artículos comprados en rebajas … se pueden devolver", a window whose
    first sentence the window before holds too, for "Can I return items bought on sale?"); runs that tie on question
    words keep the earlier. A table row counts its header's question words too (no second sentence for them); a kin of a
    question word, half its weight (`rag.search.kin`). The score returned is the question words' alone."""
    return best_windows(parts, weights, near, bonus, own, asked)[1]


def best_windows(parts: tuple[Sentence, ...], weights: Mapping[str, float], near: tuple[int, int] | None = None,
                 bonus: float | None = None, own: tuple[int, int] | None = None, asked: frozenset[str] = frozenset(),
                 words: frozenset[str] = frozenset()) -> tuple[tuple[int, int, float], tuple[int, int, float]]:
    """`best_window` without `near`, then with it, in one pass over the sentences: the searcher wants both (the
    question's words alone choose the answer's passage; the model's window, where to look in it, with a field whose
    name holds a term of `asked`, words held only in an address, and no second field holding only such words (a
    row's hours, then its e-mail, for "horaires du support"): `rag.search.fields`; as is a table row that the
    question's `words` name, `tables.named_by`)."""
    first = next((i for i, part in enumerate(parts) if not part.lead_in), 0)  # a bold lead-in is never quoted alone
    plain, plain_key = (first, first, 0.0), 0.0
    best, best_key, best_own = plain, plain_key, False
    keys = weights.keys()
    found = [part.terms & keys for part in parts]  # each sentence's question terms, computed once
    headed = [part.header & keys for part in parts]  # and its table header's, which count, bring none
    rows, unnamed = tables.named_by([part.cell for part in parts], words)  # the rows it names, the others
    asks = [bool(part.named & asked) or row for part, row in zip(parts, rows, strict=True)]  # as a field it asks for
    kins = kin.kin_weights([part.terms for part in parts], weights)  # a word a question word's stem starts with
    bonus = max(weights.values(), default=1.0) if bonus is None else bonus

    def meets(i: int, j: int, window: tuple[int, int] | None = near) -> bool:
        return window is not None and parts[i].start < window[1] and parts[j].end > window[0]

    for i in range(len(parts)):
        worded = bool(found[i]) or (parts[i].led and bool(headed[i]))  # a start without `near` too
        if parts[i].lead_in or (not worded and not meets(i, i) and not asks[i] and not kins[i]):
            continue  # a window starting with no question term scores 0 and cannot take a second sentence
        covered, header = set[str](), set[str]()  # the question words held, and the header's
        said: set[str] = set()  # the question words held outside an address
        for j in range(i, min(i + MAX_SENTENCES, len(parts))):
            new = found[j] - covered
            if j > i and (parts[j].lead_in or parts[j].clause or not (new and covered) or
                          tables.echoes(parts, found, i, j)):
                break  # two sentences only when each brings question words of its own, of one clause
            lone = j > i and bool(parts[i].named and parts[j].named) and not (said and new - parts[j].addressed)
            covered |= new
            header |= headed[j]
            said |= found[j] - parts[j].addressed
            score = sum(weights[t] for t in covered | header)
            if worded and score > plain_key + 1e-9:
                plain, plain_key = (i, j, score), score
            if lone or any(unnamed[i:j + 1]):  # where to look: no two fields, one holding question words in an
                continue  # address only (a row's hours, its e-mail: `plain` pairs them), nor a row but the one named
            key = score - (1.0 - fields.ADDRESS_SHARE) * sum(weights[t] for t in covered - said - header) \
                + (bonus if meets(i, j) else 0.0) \
                + (bonus if any(asks[i:j + 1]) else 0.0) + sum(kins[i:j + 1])
            mine = own is not None and not score and meets(i, j, own)  # the model alone chose: a tie goes to it
            if key > best_key + 1e-9 or (mine and not best_own and key > best_key - 1e-9 and not best[2]):
                best, best_key, best_own = (i, j, score), key, mine
    return plain, best


def highlight(text: str, weights: Mapping[str, float], analyzer: Analyzer,
              near: tuple[int, int] | None = None) -> Highlight | None:
    """The sentence or two of `text` that best match question terms weighted by `weights` (term -> idf), those
    that meet `near` favoured (`best_window`); None only for a passage without any sentence (empty or whitespace).
    """
    return _best(text, sentences(text, analyzer), weights, near)


class Highlighter:
    """`highlight` for the passages of one index (one analyzer), remembering the sentences of the passages seen
    lately: the same passages come back question after question. Owned by whoever owns the index, and dropped with
    it, so that a reload does not keep the old build's texts."""

    def __init__(self, analyzer: Analyzer, cached: int = _CACHE_SIZE) -> None:
        self.analyzer = analyzer
        self._sentences = lru_cache(maxsize=cached)(self._split)

    def _split(self, text: str, header: str | None = None) -> tuple[Sentence, ...]:
        return sentences(text, self.analyzer, header)

    def terms(self, text: str, start: int = 0, end: int | None = None) -> frozenset[str]:
        """The analysed words of a passage (its sentences' terms together); of its sentences within
        `text[start:end]` only, when given (a highlight: whole sentences, so its own words, without analysing it)."""
        stop = len(text) if end is None else end
        return frozenset().union(*(part.terms for part in self._sentences(text)
                                   if part.start >= start and part.end <= stop))

    def __call__(self, text: str, weights: Mapping[str, float], near: tuple[int, int] | None = None,
                 bonus: float | None = None, header: str | None = None, own: tuple[int, int] | None = None,
                 asked: frozenset[str] = frozenset()) -> Highlight | None:
        """As `highlight(text, weights, self.analyzer, near)`, meeting `near` worth `bonus` (`best_window`: ties to
        `own`, fields named by `asked`, kin words), the rows the passage opens on read under `header` (`sentences`)."""
        return _best(text, self._sentences(text, header), weights, near, bonus, own, asked)

    def rows(self, text: str, weights: Mapping[str, float], shown: Highlight,
             header: str | None = None) -> tuple[tuple[int, int], ...]:
        """(start, end) of the other rows of the table, or items of the list, that `shown` (a highlight of `text`)
        lies in, which the question (`weights`) names apart from it (`tables.named_rows`, `lists.named_items`)."""
        lines, parts = joined(text), self._sentences(text, header)
        rows = tables.named_rows(lines, parts, weights.keys(), shown.start, shown.end, header is not None,
                                 self.analyzer.terms) if "|" in text else []
        return tuple(rows or lists.named_items(lines, parts, weights.keys(), shown.start, shown.end,
                                               self.analyzer.terms))

    def both(self, text: str, weights: Mapping[str, float], near: tuple[int, int] | None, bonus: float | None = None,
             header: str | None = None, own: tuple[int, int] | None = None, asked: frozenset[str] = frozenset(),
             words: frozenset[str] = frozenset()) -> tuple[Highlight | None, Highlight | None]:
        """`self(text, weights, header=header)` and `self(text, weights, near, bonus, header, own, asked, words)`, the
        sentences scanned once (the same one twice without `near` and a field `asked` for)."""
        parts = self._sentences(text, header)
        if not parts:
            return None, None
        plain, drawn = best_windows(parts, weights, near, bonus, own, asked, words)
        lexical = _highlight(text, parts, plain)
        return lexical, lexical if drawn == plain else _highlight(text, parts, drawn)


def _best(text: str, parts: tuple[Sentence, ...], weights: Mapping[str, float], near: tuple[int, int] | None,
          bonus: float | None = None, own: tuple[int, int] | None = None, asked: frozenset[str] = frozenset()
          ) -> Highlight | None:
    return _highlight(text, parts, best_window(parts, weights, near, bonus, own, asked)) if parts else None


def _highlight(text: str, parts: tuple[Sentence, ...], window: tuple[int, int, float]) -> Highlight:
    first, last, score = window
    start, end = emphasis.whole(text, parts[first].start, parts[last].end, ANSWER_CHARS)
    return Highlight(text=text[start:end], start=start, end=end, score=round(score, 4))


__all__ = ["ANSWER_CHARS", "LEAD_CHARS", "OPENING_CHARS", "Highlighter", "Sentence", "announcing", "best_window",
           "best_windows", "excerpt", "highlight", "opening", "sentence_spans", "sentences"]
