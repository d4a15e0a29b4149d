"""The response-level answer: the best snippet among the passages, its citation, and a Markdown rendering of both.

Which snippet: among the first `ANSWER_DEPTH` passages, the highlight of the one with the best product of the
question words its best sentence or two hold (the highlight's score, unless the model drew the highlight to another
window: `Reading.words`) and its score (how well retrieval ranked it) to the power `RETRIEVAL_POWER`, ties to the
better-ranked passage: the first passage's, unless another holds clearly more of the question's words. A first
passage that is also the model's closest in hybrid mode (dense rank 1: both the fusion and the model put it first)
is kept whatever the others hold: a question asked in other words than its answer's shares few of them with it, and
a lower passage that happens to hold one rare word of the question is not the better answer.
Measured against the first passage's highlight and other rules in `docs/EVALUATION.md` (the answer snippet: from
which passage). What it shows: that highlight with the whole sentences around it, up to `ANSWER_CHARS` characters,
or `LEAD_CHARS` when the highlight opens its passage (`snippets.excerpt`: never a list item, table row or heading
added, unless the highlight announces a list with a colon: then up to `LIST_CHARS`; a table row comes under its
table's header, `rag.search.tables`, the header a passage going on with a long table carries shown above its
rows though not in its text; items of a list that a sentence announces with a colon come under that sentence,
`snippets.announcing`), since the answer often sits
in the sentence next to the one with the question's words. The first passage of an entry under a question heading
(an FAQ entry, `answers_heading`) is read from its start when that excerpt ends within `LEAD_CHARS` of it: the entry
answers its question from its first line, list items included (an entry that opens on a list gives the whole list,
within `LIST_CHARS`); and when the question asks what the heading asks, it
is answered by the entry's opening wherever the highlight lies (`answer_span`; both measured in `docs/SNIPPETS.md`).

The Markdown quotes the snippet verbatim (Markdown syntax in it escaped, so it shows as written), marks it [1], and
lists the sources of all returned passages, the answer's first, each once, linked when the document has a URL; what
it says besides the quote is in the corpus's language (`wording`: French, English, Spanish, German, Italian,
Portuguese, Dutch; English for the others):

    > Pour la demande de crédit, nous acceptons la carte d’identité et la carte de séjour (...) [1]

    Sources :
    1. FAQ marchands seQura (paiement fractionné) › Quel document ... acceptés ?
    2. [Guide › Retours](<https://example.org/guide>)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from rag.corpus.formats.base import PATH_SEPARATOR
from rag.index.analyzer import passage_language
from rag.passage import ITEM
from rag.sanitize import blank_controls, link_or_none
from rag.schemas import Answer, Citation, Hit, Mode, SearchResponse
from rag.search import emphasis, lists, tables
from rag.search.lines import joined, lines, lines_within
from rag.search.snippets import ANSWER_CHARS, LIST_CHARS, announcing, excerpt, opening

ANSWER_DEPTH = 3
RETRIEVAL_POWER = 4  # measured by scripts/eval/answer_choice.py (docs/EVALUATION.md): 1 chose lower passages too often
_QUESTION_MARKS = ("?", "？", "؟")
# The interrogative words a heading that asks without a question mark opens on, in the languages the answer speaks:
# a corpus's own only ("Comment" opens an English heading that asks nothing, "Come" an English one, "Was" too).
_INTERROGATIVES = {
    "fr": r"comment|pourquoi|quand|combien|quel(?:le)?s?|lesquel(?:le)?s|lequel|laquelle|où|qu['’]est-ce|que",
    "en": r"how|what|why|when|where|which|who",
    "es": r"c[oó]mo|qu[eé]|por\s?qu[eé]|cu[aá]ndo|d[oó]nde|cu[aá]l(?:es)?|cu[aá]nt[oa]s?",
    "de": r"wie|warum|wann|wo|welche[rsnm]?|was",
    "it": r"come|perch[eé]|quando|dove|qual[ei]?|quanto|cosa",
    "pt": r"como|por\s?que|porque|quando|onde|qual|quais|quanto",
    "nl": r"hoe|waarom|wanneer|waar|welke|wat",
}
_ASKS = {language: re.compile(rf"(?:{words})\b", re.IGNORECASE) for language, words in _INTERROGATIVES.items()}
_ASKS_ANY = re.compile("(?:" + "|".join(_INTERROGATIVES.values()) + r")\b", re.IGNORECASE)  # language unknown
# What the Markdown says in the corpus's language (the index's analyzer language; English for the others): the
# no-answer sentence, the heading of the sources' list, and of the closest sources' when the documents do not answer.
_WORDING: dict[str, tuple[str, str, str]] = {
    "en": ("The documents do not seem to answer this question.", "Sources:", "Closest sources:"),
    "fr": ("Les documents ne semblent pas répondre à cette question.", "Sources :", "Sources les plus proches :"),
    "es": ("Los documentos no parecen responder a esta pregunta.", "Fuentes:", "Fuentes más cercanas:"),
    "de": ("Die Dokumente scheinen diese Frage nicht zu beantworten.", "Quellen:", "Nächstliegende Quellen:"),
    "it": ("I documenti non sembrano rispondere a questa domanda.", "Fonti:", "Fonti più vicine:"),
    "pt": ("Os documentos não parecem responder a esta pergunta.", "Fontes:", "Fontes mais próximas:"),
    "nl": ("De documenten lijken deze vraag niet te beantwoorden.", "Bronnen:", "Dichtstbijzijnde bronnen:"),
}
NO_ANSWER = _WORDING["en"][0]
WORDED = tuple(_WORDING)  # the languages the answer's wording is written in


def wording(language: str) -> tuple[str, str, str]:
    """The no-answer sentence and the two list headings in `language` (English for a language without them)."""
    return _WORDING.get(language, _WORDING["en"])


def no_answer(language: str) -> str:
    """The sentence `answer.text` holds when the documents do not seem to answer, in `language`."""
    return wording(language)[0]
# Characters that start Markdown syntax anywhere in a line; a backslash makes each literal (CommonMark).
_INLINE = re.compile(r"([\\`*_\[\]<>~|])")
# What starts a block (list item, heading, quote, rule) at the beginning of a line.
_BLOCK_START = re.compile(r"^(\s*)([-+=#]|\d+(?=[.)]))")


def escape(text: str) -> str:
    """`text` as Markdown that renders as exactly `text` (one line or several)."""
    lines = []
    for line in blank_controls(text)[0].splitlines() or [""]:
        line = _INLINE.sub(r"\\\1", line)
        lines.append(_BLOCK_START.sub(lambda m: m.group(1) + m.group(2) + "\\" if m.group(2).isdigit()
                                      else m.group(1) + "\\" + m.group(2), line))
    return "\n".join(lines)


def source_line(citation: Citation) -> str:
    """The citation as a Markdown list item body: its label, linked when the document has a usable URL (opened at
    the passage: `Citation.link`)."""
    return _source_line(citation.label, citation.link or citation.url)


@lru_cache(maxsize=4096)  # the same few sources are listed answer after answer
def _source_line(label: str, url: str | None) -> str:
    label = escape(" ".join(label.split()))  # one line: a title with line breaks must not end the list
    if link_or_none(url):
        return f"[{label}](<{url}>)"
    return label


def markdown(snippet: str, source: Citation, hits: Sequence[Hit], language: str = "en",
             shown: list[str] | None = None, lead: str | None = None) -> str:
    """The snippet quoted with its source number (its lines `shown`, `quote`), under `lead` in bold when given (the
    heading a list's items answer under, `list_heading`), then the numbered sources of `hits` (each distinct once),
    the list's heading in `language`."""
    sources: list[Citation] = []
    keys: list[tuple[str, str | None]] = []
    for citation in [source, *(h.citation for h in hits)]:
        key = (citation.label, citation.url)
        if key not in keys:
            keys.append(key)
            sources.append(citation)
    listing = "\n".join(f"{n}. {source_line(c)}" for n, c in enumerate(sources, 1))
    above = f"**{escape(lead)}**\n\n" if lead else ""
    return f"{above}{quote(snippet, shown)} [1]\n\n{wording(language)[1]}\n{listing}\n"


def quote(snippet: str, shown: list[str] | None = None) -> str:
    """`snippet` as a Markdown block quote that keeps its lines: each line of the source ends with a hard break (a
    backslash), so that list items and short lines do not run together when rendered; a line that a sentence
    continues on the next (a PDF or hard-wrapped line) keeps a soft break and flows as the paragraph it is. `shown`:
    the snippet's lines as its passage joins them (`rag.search.lines.lines_within`), else as the snippet alone does."""
    physical: list[str] = []
    shown = lines(snippet) if shown is None else shown
    for i, line in enumerate(shown):
        parts = escape(line).split("\n")
        if line.strip() and i + 1 < len(shown) and shown[i + 1].strip():
            parts[-1] += "\\"  # a hard break; a break before or after a blank line would show the backslash
        physical.extend(parts)
    return "\n".join(f"> {line}" if line else ">" for line in physical)


def no_answer_markdown(hits: Sequence[Hit], language: str = "en") -> str:
    """The no-answer sentence, then the numbered sources of `hits`: what a chat shows when they do not answer, in
    `language`."""
    sources: list[Citation] = []
    for hit in hits:
        if all((c.label, c.url) != (hit.citation.label, hit.citation.url) for c in sources):
            sources.append(hit.citation)
    listing = "\n".join(f"{n}. {source_line(c)}" for n, c in enumerate(sources, 1))
    sentence, _, closest = wording(language)
    return f"{sentence}\n\n{closest}\n{listing}\n"


def list_heading(hit: Hit, start: int) -> str | None:
    """The section heading an answer starting at `start` of `hit` is shown under: when its section opens on a list
    and the answer is items of it, under a heading that asks nothing. Such items mean what the heading says of them:
    "Can I return a gift card?" was answered "> Gift cards", from the list under "Items that cannot be returned". A
    heading that asks (an FAQ entry's question) is what the user asked, and a list announced by a sentence of the
    passage is the sentence's: neither is shown."""
    heading = hit.citation.section
    if not heading or not hit.reading.opens_section or asks(heading, hit):
        return None
    offset = 0
    for line in joined(hit.text):
        if line.strip() and not ITEM.match(line) and not line[:1].isspace():
            return None  # prose before the answer (or the answer itself): no list opens the section
        offset += len(line)
        if offset > start:
            return heading.rsplit(PATH_SEPARATOR, 1)[-1].strip() if ITEM.match(line) else None
    return None


def answers_heading(hit: Hit) -> bool:
    """Whether a passage starts the answer to the question its heading asks: the first passage of its section (of
    its document, outside any section) under a heading that asks (its section heading, else its document's title:
    an FAQ entry, a how-to; `asks`). Its answer is read from its start."""
    return hit.reading.opens_section and asks(hit.citation.section or hit.citation.title, hit)


def asks(heading: str, hit: Hit) -> bool:
    """Whether `heading`, over `hit`, asks: it ends with a question mark, or opens on an interrogative word of the
    corpus's language ("Comment retourner un article", "How to reset your password"), or of the language the
    passage itself reads when another (`document_language` of its text: an English page of a French team's wiki,
    "How to roll back" over "Run `make rollback`…", read from its start as its French pages' how-tos are)."""
    language = hit.reading.language
    if _asks(heading, language):
        return True
    if language is None or not _asks(heading, None):  # no interrogative word of any language: no detection
        return False
    own = passage_language(hit.text)
    return own is not None and own != language and _asks(heading, own)


@lru_cache(maxsize=4096)  # the same few headings, question after question
def _asks(heading: str, language: str | None) -> bool:
    heading = heading.rstrip().rstrip("*_»”\"')").rstrip()
    if heading.endswith(_QUESTION_MARKS):
        return True
    asks = _ASKS_ANY if language is None else _ASKS.get(language)
    return bool(asks and asks.match(heading.rsplit(PATH_SEPARATOR, 1)[-1].lstrip("«“\"'¿¡ ")))


def answer_span(hit: Hit) -> tuple[int, int]:
    """(start, end) in `hit.text` of the answer its highlight gives: the highlight and the sentences around it
    (`snippets.excerpt`), from the passage's start for the first passage of an FAQ entry (`answers_heading`) when
    that ends within `LEAD_CHARS` of it (the whole list, within `LIST_CHARS`, of an entry that opens on one; a
    numbered list's steps read as a procedure when its section heading says they are steps, `lists.names_steps`). When
    the highlight lies further into such an entry and the question asks what the entry's heading asks (closer to the
    heading than to the entry's text and to each of its sentence windows, and naming nothing in the highlight that
    the heading does not: `searcher._asks_heading`), the answer is the entry's opening: the question's words met
    deep in the entry are not what was asked ("C'est quoi un traitement de données ?" of an entry that says what one
    is first, and later that "un traitement de données peut être informatisé ou non")."""
    assert hit.highlight is not None
    from_start = answers_heading(hit)
    section = (hit.citation.section or "").rsplit(PATH_SEPARATOR, 1)[-1]  # its steps, when it says so
    start, end = excerpt(hit.text, hit.highlight.start, hit.highlight.end, from_start=from_start,
                         header=hit.table_header is not None, steps=lists.names_steps(section))
    if from_start and hit.reading.asks_heading:
        first = opening(hit.text)
        if first is not None and start > first[0]:
            return emphasis.whole(hit.text, *first, ANSWER_CHARS)
    return emphasis.whole(hit.text, start, end, ANSWER_CHARS)  # never half of a bold or underlined pair


def _words(hit: Hit) -> float:
    """How much of the question's words the passage's best sentence or two hold (its highlight's score, unless the
    model drew the highlight elsewhere)."""
    assert hit.highlight is not None
    return hit.highlight.score if hit.reading.words is None else hit.reading.words


def answer(hits: Sequence[Hit], answerable: bool = True, language: str = "en") -> Answer | None:
    """The best snippet of `hits` (highlights as `Searcher.search` returns them), or None without any; what the
    Markdown says besides the quote is in `language`, the corpus's.

    Not `answerable`: the same record, its text and Markdown saying that the documents do not seem to answer
    (`no_answer(language)`) instead of quoting the snippet, which `passage_id`, `start` and `end` still locate."""
    candidates = [h for h in hits[:ANSWER_DEPTH] if h.highlight is not None]
    if not candidates:
        return None
    first = candidates[0]
    best = first if first.reading.closest and first.rank == 1 else max(
        candidates, key=lambda h: (_words(h) * h.score ** RETRIEVAL_POWER, -h.rank))
    assert best.highlight is not None
    start, end = answer_span(best)
    if not answerable:
        return Answer(text=no_answer(language), passage_id=best.id, rank=best.rank, start=start, end=end,
                      citation=best.citation, markdown=no_answer_markdown(hits, language))
    pieces = _with_rows(best, start, end)
    start, end = pieces[0][0], pieces[-1][1]
    text = "\n".join(best.text[a:b] for a, b in pieces)
    shown = [line for a, b in pieces for line in lines_within(best.text, a, b)]
    header = tables.shown_above(joined(best.text), start, best.table_header) if "|" in best.text else None
    if header is not None and len(header) + 1 + len(text) <= ANSWER_CHARS:
        text, shown = f"{header}\n{text}", [*header.split("\n"), *shown]  # the columns' names (and separator row)
    elif (above := announcing(best.text, start, end)) is not None and above[1] - above[0] + 1 + len(text) <= LIST_CHARS:
        said = best.text[above[0]:above[1]]  # what the items are: "Les moyens de paiement acceptés sont :"
        text, shown = f"{said}\n{text}", [*lines_within(best.text, *above), *shown]
    return Answer(text=text, passage_id=best.id, rank=best.rank, start=start, end=end, citation=best.citation,
                  markdown=markdown(text, best.citation, hits, language, shown, list_heading(best, start)))


def _with_rows(hit: Hit, start: int, end: int) -> list[tuple[int, int]]:
    """The pieces of `hit.text` an answer `start:end` on a table's rows shows: that excerpt and the other rows of the
    table (items of the list) that the question names apart from its highlight (`Reading.rows`, `tables.named_rows`,
    `lists.named_items`), each as an excerpt
    of it gives it (the first row from its header, a later row alone), in the passage's order, the rows between
    left out, when they fit within `ANSWER_CHARS` together; else the excerpt alone."""
    highlight = hit.highlight
    if highlight is None or not start <= highlight.start < highlight.end <= end or not (rows := hit.reading.rows()):
        return [(start, end)]
    pieces: list[tuple[int, int]] = []
    for a, b in sorted([(start, end), *(excerpt(hit.text, a, b, header=hit.table_header is not None)
                                        for a, b in rows)]):
        if pieces and a <= pieces[-1][1]:
            pieces[-1] = (pieces[-1][0], max(b, pieces[-1][1]))
        else:
            pieces.append((a, b))
    return pieces if sum(b - a + 1 for a, b in pieces) <= ANSWER_CHARS else [(start, end)]


def response(question: str, hits: Sequence[Hit], answerable: bool, language: str, documents_language: str, *,
             mode: Mode, model: str, seconds: float) -> SearchResponse:
    """What a search answers, the same over HTTP and the command line: the hits, the answer drawn from them, whether
    they answer, the question's language (the answer's wording's) and the documents', the mode, the model and the
    time taken."""
    return SearchResponse(question=question, passages=list(hits), answer=answer(hits, answerable, language),
                          answerable=answerable, question_language=language, documents_language=documents_language,
                          mode=mode, model=model, took_ms=round(seconds * 1000, 2))


__all__ = ["ANSWER_DEPTH", "NO_ANSWER", "RETRIEVAL_POWER", "WORDED", "answer", "answer_span", "answers_heading", "asks",
           "escape", "list_heading", "markdown", "no_answer", "no_answer_markdown", "quote", "response", "source_line",
           "wording"]
