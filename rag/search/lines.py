"""Lines of a passage as a reader sees them: a line break that only hard-wrapping or a PDF's layout made is joined,
so that a sentence is never cut at it; a list item, a table row, a heading stays a line of its own. Snippets cut
sentences on these lines (`rag.search.snippets`) and the answer's quote keeps them (`rag.search.answer.quote`); a line
of a fenced code block is answered by the block (`fenced`)."""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

from rag.passage import ITEM
from rag.search import emphasis, tables

# A wrapped line fills most of its width; a shorter line without a sentence end is a heading, a list item or a
# table cell (HTML blocks come as lines of their own), whose next line starts a new one even in lowercase.
WRAPPED_MIN_CHARS = 40
JOINED_CACHE = 4096  # passages whose lines `joined` remembers (passages of a few KB: some MB at most)
WRAP_MIN_WIDTH = 60  # texts are wrapped at 72 to 120 characters; shorter lines of like length are likelier items
_TRIM = " \t\r\n•·▪◦*-–—"  # leading bullets and dashes are layout, not part of what to show
WRAP_SLACK = 15  # how much shorter than the longest line a wrapped one may be (about the word that did not fit)
_SENTENCE_END = ".!?…:;|"  # a line ending so is complete (a colon announces a list; a bar ends a table row)
_FULL_STOP = (".", "!", "…")  # a short line ending so is a sentence ("Oui."), not a heading or a list item
_ADDRESS = re.compile(r"(?:://|www\.|@)\S*$")  # a line ending on a web or e-mail address: what follows is no part of it
# Markdown's inline emphasis or code opening a line ("**Settings › API keys**.", "`RAG_PORT` to 8080"): no bullet (a
# "*" bullet has a space after it), the line reads on from its first letter, as hard-wrapping left it.
_INLINE_OPENING = re.compile(r"(?:\*\*|__|\*|_|`)(?=\w)")
# What, after such a span closes on its line, goes on with the sentence the line above left open, at any width (a
# two-line passage gives none): a lowercase word or a mark that ends or goes on with a sentence ("...est valable" /
# "**1 heure** ; le jeton ..."); a colon after it or closing it makes a label ("**Note** : ...", "**Note:** the ..."),
# a capital a sentence of its own.
_AFTER_SPAN = ",;.!?…)"
# A clause's number of two levels or more opening a line ("4.3 Le prélèvement …", "6.2.1 En cas …"), before a capital
_CLAUSE = re.compile(r"[ \t]*\d{1,3}(?:\.\d{1,3})+\.?[ \t\u00a0]+(\w)")
# A line that only dates the page ("Vérifié le 01 janvier 2025 - Direction de l'information légale ...", "Mis à jour
# le 15 janvier 2025", "Article mis à jour le 3 février 2025 · 4 min de lecture", "Last updated March 3, 2025"): its
# phrase, then a date (`_DATE`, after "le", "on" ...); at most `DATED_CHARS` long, no sentence nor clause after it.
_DATING = (r"v[ée]rifi[ée]e?\s+le|mise?\s+[àa]\s+jour\s+le|(?:derni[èe]re\s+|date\s+de\s+)?mise\s+[àa]\s+jour|"
           r"publi[ée]e?\s+le|modifi[ée]e?\s+le|actualis[ée]e?\s+le|(?:last\s+)?updated|last\s+(?:modified|reviewed)|"
           r"published|posted|reviewed|(?:[úu]ltima\s+)?actualizaci[óo]n|actualizado|publicado|zuletzt\s+"
           r"(?:aktualisiert|ge[äa]ndert)|aktualisiert\s+am|ver[öo]ffentlicht\s+am|stand:|(?:ultimo\s+)?aggiornamento|"
           r"aggiornat[oa]|pubblicat[oa]|atualizad[oa]|[úu]ltima\s+atualiza[çc][ãa]o|(?:laatst\s+)?bijgewerkt|"
           r"gepubliceerd")
# a date: 2025-03-12, 12/03/2025, 12.03.25, "1er avril 2025", "3 March 2025", "March 3, 2025", "mars 2026"; a time
_DATE = (r"(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}"
         r"|\d{1,2}(?:er|st|nd|rd|th)?\.?\s+[^\W\d]{3,}\.?,?\s+\d{4}|[^\W\d]{3,}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|[^\W\d]{3,}\s+\d{4})"
         r"(?:,?\s+(?:[àa]|at|um|alle|[àa]s|om)?\s*\d{1,2}[:h.]\d{2})?")
# the phrase, the date right after it, then the line's end or a part set apart by a dash, a dot or a bar without a
# clause (", le décret fixe ...", ": le barème est revalorisé ..." make it an answer's sentence)
_PAGE_DATE = re.compile(rf"(?:(?:article|page|fiche|artikel)\s+)?(?:{_DATING})\s*[:\-–]?\s*"
                        rf"(?:(?:on|le|am|el|il|em|op|en|the|del)\s+)?{_DATE}\.?\s*(?:$|[-–—·|•]\s*[^:,]*$)",
                        re.IGNORECASE)
DATED_CHARS = 160
_FENCE = re.compile(r"[ \t]*(`{3,}|~{3,})")  # a code fence's line, opening (its info string after it) or closing
_GOES_ON = re.compile(r"[.!?…]\s+\S")  # a sentence after the date ("... mars 2026. Ce document reprend ..."): prose


def joined(text: str) -> list[str]:
    """The lines of `text` (ends kept), a line break inside a sentence joined: a line that ends without a sentence
    end, is long enough to have been wrapped, and is followed by one starting with a lowercase letter is a
    hard-wrapped or PDF line, not a line of its own ("...après accord de son" / "responsable."). So is one followed
    by a capital, a digit or a bracket, where the text is wrapped at a width (`wrap_width`) and that next line's
    first word would not have fitted on it ("...avec Okta, Microsoft" / "Entra ID", "...rappelle sous" / "48
    heures"). A list item or a table row (a bullet, a short line before it) stays apart."""
    return list(_joined(text))


@lru_cache(maxsize=JOINED_CACHE)
def _joined(text: str) -> tuple[str, ...]:
    """`joined`, remembered: every answer reads its passages' lines several times (the highlight, its rows or items
    named apart, the excerpt, the header above), and the same passages answer question after question."""
    out: list[str] = []
    raw = text.splitlines(keepends=True)
    width = wrap_width(raw)
    for line in raw:
        if out and _continues(out[-1], line, width):
            out[-1] += line
        else:
            out.append(line)
    return tuple(out)


def lines(text: str) -> list[str]:
    """`joined` lines without their ends: a line that a sentence continues on the next (a hard-wrapped or PDF line)
    is one line with the break inside it."""
    return [line.rstrip("\r\n") for line in joined(text)]


def lines_within(text: str, start: int, end: int) -> list[str]:
    """The `lines` of `text[start:end]` as the whole of `text` joins them: an excerpt's lines break where its
    passage's do (its wrap width is the passage's, its first line measured whole), not as the excerpt alone would."""
    out: list[str] = []
    pos = 0
    for line in joined(text):
        if max(pos, start) < min(pos + len(line), end):
            out.append(text[max(pos, start):min(pos + len(line), end)].rstrip("\r\n"))
        pos += len(line)
    return out


def wrap_width(raw: list[str]) -> int | None:
    """The width `raw` lines are wrapped at, if they are: the longest line's, when it is a text's width
    (`WRAP_MIN_WIDTH`) and a line within `WRAP_SLACK` characters of it goes on in lowercase on the next (a break
    that only wrapping makes); else None: lines of like length may be a list's items, each a line of its own."""
    width = max((len(line.rstrip()) for line in raw), default=0)
    if width < WRAP_MIN_WIDTH:
        return None
    wrapped = any(len(a.rstrip()) >= width - WRAP_SLACK and _continues(a, b) for a, b in itertools.pairwise(raw))
    return width if wrapped else None


def _continues(previous: str, line: str, width: int | None = None) -> bool:
    body = previous.rstrip()
    head = line.lstrip(" \t\u00a0")
    first = len(head.split(maxsplit=1)[0]) if head.strip() else 0  # the next word as wrapping measured it
    if opening := _INLINE_OPENING.match(head):
        head = line = head[opening.end():]
    if len(body.lstrip()) < WRAPPED_MIN_CHARS or not head or body[-1] in _SENTENCE_END \
            or (tables.is_row(body) and tables.is_row(head)):
        return False
    if head[0].islower():
        return True
    if opening and (close := head.find(opening.group())) > 0 and not head[:close].rstrip().endswith(":"):
        after = head[close + len(opening.group()):].lstrip(" \t\u00a0")[:1]
        if after and (after.islower() or after in _AFTER_SPAN):
            return True
    # a capital, a digit, a bracket, a quote: the break was the wrapping's only where the next word would not have
    # fitted; a line opening otherwise (a code fence, "#", "<", "$", "{", an arrow) is one of its own. The longest
    # line sets the width, so no word fits after it: a line that is neither prose-long nor a sentence's end (an
    # item, a heading: "Paris, Lyon", "Conditions générales") stays apart, and so does a line after an address
    last = body.splitlines()[-1]
    return width is not None and (head[0].isupper() or head[0].isdigit() or head[0] in "([«“\"‘'") \
        and not ITEM.match(line) and not tables.is_row(head) \
        and (len(head.rstrip()) >= WRAPPED_MIN_CHARS or head.rstrip()[-1] in ".!?…") \
        and not _ADDRESS.search(last) and len(last) + 1 + first > width


def opens_clause(text: str, at: int) -> bool:
    """Whether the line of `text` starting at `at` opens on a clause's number of two levels or more and a capital
    ("4.3 Le prélèvement a lieu …"): a provision of its own, prose though it is, which the line before it does not
    go on into ("1.5 million users" is a number)."""
    match = _CLAUSE.match(text, at)
    return match is not None and match.group(1).isupper()


def dates_page(text: str) -> bool:
    """Whether a line or sentence only dates the page (`_PAGE_DATE`): no answer, never quoted as one, nor joined to
    the sentence beside it (the answer of three questions on a State portal's page opened on "Vérifié le 01 janvier
    2025 - Direction de l'information légale et administrative (Premier ministre)")."""
    text = text.strip()  # first: the expression then reads `DATED_CHARS` at most
    return len(text) <= DATED_CHARS and _PAGE_DATE.match(text) is not None and not _GOES_ON.search(text)


def prose(lines: list[str], header: bool = False) -> list[bool]:
    """Whether each line is prose: long enough to be a sentence (not a heading, list item or table cell) and not
    starting with a bullet, a number and its dot or a bar. One short line is prose too: a passage's first line when
    it ends with a full stop and the next line is prose ("Oui." before its explanation); elsewhere a short line
    ending so may be a heading ("Article 6.") or a list item ("Passeport."), and stays apart. `header`: the lines
    go on with a table whose header row is above them (`tables.heads`): a row they open on is no prose, even alone.
    A line that dates the page (`dates_page`) is no prose."""
    table = tables.heads(lines, header)
    out = [len(line.strip()) >= WRAPPED_MIN_CHARS and not ITEM.match(line) and table[i] is None and not dates_page(line)
           for i, line in enumerate(lines)]
    if len(lines) > 1 and not out[0] and out[1] and lines[0].strip()[-1:] in _FULL_STOP and not ITEM.match(lines[0]):
        out[0] = True
    return out


def fenced(text: str, start: int, end: int) -> tuple[int, int] | None:
    """(start, end) of the fenced code block of `text`, fence lines included, holding `text[start:end]`, or None."""
    opened: tuple[int, str] | None = None  # where the open block starts, and its fence
    pos = 0
    for line in text.splitlines(keepends=True):
        fence = _FENCE.match(line)
        if fence and opened is None:
            opened = pos + len(line) - len(line.lstrip()), fence.group(1)
        elif fence and opened and fence.group(1)[0] == opened[1][0] and len(fence.group(1)) >= len(opened[1]) \
                and not line[fence.end():].strip():
            if opened[0] <= start and end <= pos + len(line.rstrip()):
                return opened[0], pos + len(line.rstrip())
            opened = None
        pos += len(line)
    return None


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """`start:end` of `text` (a sentence of it) without its leading bullets and dashes, nor its trailing spaces; a
    bold lead-in's opening marks kept (`emphasis.kept_open`)."""
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return emphasis.kept_open(text, start, end), end


__all__ = ["DATED_CHARS", "WRAPPED_MIN_CHARS", "dates_page", "fenced", "joined", "lines", "lines_within",
           "opens_clause", "prose", "trimmed", "wrap_width"]
