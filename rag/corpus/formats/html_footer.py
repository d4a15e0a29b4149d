"""The facts a site gives only in its footer: its address, its opening hours, its phone number, its company number.

A page's footer is furniture (`rag.corpus.formats.furniture`): its menus, its links, its copyright line and its social
buttons match any question on every page. But a small company's site often says when its office is open, or where it
is, nowhere else: "le bureau est ouvert le samedi ?" then found nothing. So the site's footer (where `Furniture.footers`
says it stands) is read again for its facts: each of its blocks (a paragraph, a list item, a line over a `<br>`) that
holds a number, an e-mail address or words of opening hours (a day of the week, "tous les jours", "fermé",
"geschlossen": "Fermé le dimanche" says as much as "9 h – 19 h"), most of its text outside links, and no copyright
sign or word ("©", "Copyright", which also mark a "powered by" line). Of a copyright line, the parts set apart by a
dash, a bar, a dot, a sentence's end or the first comma after the sign that are facts of their own are kept ("© 2024
Boulangerie Martin – 12 rue des Lilas, 69003 Lyon": the address, under the holder's name where no heading of the
footer is over it), not a credit ("Réalisé par ...") nor "All rights reserved". Its menus (`<nav>`), forms (a
newsletter's sign-up), scripts and the like are not read; a link list, a slogan, a newsletter's pitch or a social
handle is no fact. The facts make the document's last section, headed by the footer's first heading over them (its
`<hN>`, or a line all in bold: the company's name), later headings over facts being lines ("Servizio clienti" over its
phone line). A fact the page's text holds already as a line is not repeated, nor a copyright line's part a fact of
the footer holds.

A site's footer is the same on every page: each page keeps its own copy, and the searcher serves one passage of the
same text once (`rag.search.searcher`), the best ranked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from rag.corpus.formats.base import Line, Section
from rag.corpus.formats.furniture import VOID, Furniture, Region, skipped
from rag.corpus.formats.html_tags import BLOCKS, HEADINGS, STRONG, bold_run
from rag.corpus.formats.text import short_for_heading

_COPYRIGHT = re.compile(r"©|\bcopyright\b|\(c\)\s*\d", re.IGNORECASE)
_EMAIL = re.compile(r"\w@[\w-]+(?:\.[\w-]+)+")
_DIGIT = re.compile(r"\d")
# When a company is open, in the languages rag reads (English, French, Spanish, German, Italian, Portuguese, Dutch): a
# day of the week, every day, public holidays, and the words open and closed but English and Dutch "open" (a verb too:
# "Open an account"), "fermé le dimanche", "Ouvert tous les jours", "Sonntags geschlossen"
_HOURS = re.compile(
    r"\b(?:(?:lun|mar|mercre|jeu|vendre|same)dis?|dimanches?|(?:mon|tues|wednes|thurs|fri|satur|sun)days?|"
    r"lunes|martes|mi[ée]rcoles|jueves|viernes|s[áa]bados?|domingos?|"
    r"(?:mon|diens|donners|frei|sams|sonn)tags?|mittwochs?|sonnabends?|"
    r"(?:lune|marte|mercole|giove|vener)d[iì]|sabat[oi]|domenic[ah]e?|"
    r"(?:segunda|ter[çc]a|quarta|quinta|sexta)-feira|"
    r"(?:maan|dins|woens|donder|vrij|zater|zon)dag(?:en)?|weekends?|week-ends?|"
    r"tous les jours|every ?day|daily|todos los d[íi]as|t[äa]glich|tutti i giorni|todos os dias|dagelijks|elke dag|"
    r"(?:jours? )?f[ée]ri[ée]s?|(?:bank|public) holidays?|festivos?|feiertag(?:e|en)?|festivi|feriados?|"
    r"feestdag(?:en)?|ouvert(?:e|s|es)?|fermé(?:e|s|es)?|fermeture|closed|ge[öo]ffnet|geschlossen|"
    r"abiert[oa]s?|cerrad[oa]s?|apert[oaie]|chius[oaie]|abert[oa]s?|fechad[oa]s?|gesloten|geopend)\b",
    re.IGNORECASE)
# What a copyright line's parts are set apart by ("© 2024 Boulangerie Martin – 12 rue des Lilas, 69003 Lyon"), and
# the words of a credit among them ("Réalisé par Studio 3D", "powered by"), no fact of the company's
# ... or by a sentence's end ("..., 69003 Lyon. Tous droits réservés."; not "S.A. Tous")
_SEPARATORS = re.compile(r"\s+[-–—|·•]\s+")
_PARTS = re.compile(rf"({_SEPARATORS.pattern}|(?<=[a-zà-ÿ0-9]{{2}})\.\s+(?=[A-ZÀ-Ý]))")
_YEARS = re.compile(r"\b(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)?\d\d)?\b")  # "2024", "2019-2025", "2019–25"
_CREDIT = re.compile(r"\b(?:powered|propuls|r[ée]alis|con[çc]u|conception|design|d[ée]velopp|developed|h[ée]berg|"
                     r"hosted|made|created|cr[ée]{2}|creado|dise[ñn]|desarroll|erstellt|gestaltet|entwickelt|"
                     r"svilupp|creato|desenvolvid|criado|gemaakt|ontwikkeld|ontworpen|rights|droits|derechos|rechte|"
                     r"diritti|direitos|rechten)", re.IGNORECASE)
_UNREAD = {"form"}  # beside the furniture `skipped` names: a newsletter's or a search's form, its labels and buttons


@dataclass(frozen=True)
class _Block:
    text: str
    start: int
    end: int
    heading: bool  # an `<hN>`, or a block all in bold
    links: int  # characters of its text inside links


def _parts(text: str) -> list[str]:
    """A copyright line's parts and what sets them apart, alternately (`_PARTS`); on a line no dash, bar or dot
    parts, the part holding the copyright cut after its holder too (`_holder_end`: "© 2024 Boulangerie Martin, 12 rue
    des Lilas, 69003 Lyon", the holder, then the address, whose own commas stay)."""
    pieces = _PARTS.split(text)
    if _SEPARATORS.search(text):
        return pieces
    for n in range(0, len(pieces), 2):
        if _COPYRIGHT.search(pieces[n]) is not None:
            end = _holder_end(pieces[n])
            if end is not None:
                pieces[n:n + 1] = [pieces[n][:end], ", ", pieces[n][end + 2:]]
            break
    return pieces


def _holder_end(piece: str) -> int | None:
    """Where the holder a copyright part names ends at a comma: the first comma after the sign with a name before it,
    its years aside ("© 2024 Boulangerie Martin, ..."; "Copyright 2024, Boulangerie Martin, ...": the second), of the
    first two; None where that name holds a digit ("ACME Inc. 500 Main St. Springfield, IL 62701": no name alone)."""
    sign = _COPYRIGHT.search(piece)
    start = sign.end() if sign is not None else 0
    for _ in range(2):
        comma = piece.find(", ", start)
        if comma < 0:
            return None
        name = _YEARS.sub(" ", _COPYRIGHT.sub(" ", piece[:comma])).strip(" ,;:-–—")
        if name:
            return None if _DIGIT.search(name) else comma
        start = comma + 2
    return None


def fact(text: str, links: int) -> str | None:
    """The fact a footer's block gives, if any: the block where it holds a number, an e-mail address or words of
    opening hours (`_HOURS`), at most half its text in links, and no copyright sign or word; of a copyright line, its
    parts that are facts, without one nor a credit's words (`_CREDIT`: the address after "© 2024 Boulangerie
    Martin – ", not "Réalisé par Studio 3D" nor the company's name)."""
    if 2 * links >= len(text):
        return None
    if _COPYRIGHT.search(text):
        pieces = _parts(text)
        kept = [n for n in range(0, len(pieces), 2) if not _COPYRIGHT.search(pieces[n]) and not
                _CREDIT.search(pieces[n]) and fact(pieces[n], 0)]
        return "".join(pieces[n - 1] + pieces[n] if n > kept[0] else pieces[n] for n in kept) or None
    return text if _DIGIT.search(text) or _EMAIL.search(text) or _HOURS.search(text) else None


def _holder(text: str) -> str | None:
    """Who a copyright line names ("LindenMobil GmbH" of "© 2025 LindenMobil GmbH · Bahnhofstraße 3"): its first part
    that holds the copyright, as `_parts` cuts it, without the sign, the word, its years and its punctuation; None
    without one."""
    for piece in _parts(text)[::2]:
        if _COPYRIGHT.search(piece):
            name = _YEARS.sub(" ", _COPYRIGHT.sub(" ", piece))
            name = " ".join(name.split()).strip(" ,;:-–—")  # a full stop may end a company's form: "S.L."
            return name if name and not _CREDIT.search(name) and short_for_heading(name) else None
    return None


class _FooterBlocks(HTMLParser):
    """The blocks of text of one footer, fed from its start tag on; offsets in the page (`base`: the footer's)."""

    def __init__(self, source: str, base: int) -> None:
        super().__init__(convert_charrefs=True)
        self._base, self._line_starts = base, [0, *(m.end() for m in re.finditer("\n", source))]
        self.blocks: list[_Block] = []
        self._root = True  # the footer's own start tag, itself furniture, is read
        self._unread = Region()  # the furniture inside being passed over
        self._buffer: list[str] = []
        self._start: int | None = None  # where the open block's text begins
        self._heading = False  # whether the open block is an `<hN>`
        self._links = self._linked = 0  # links open; characters of the open block read in links
        self._strong, self._spans = 0, list[bool]()  # bold runs open; whether each <span> open is one
        self._bold = self._plain = False  # whether the open block holds text in bold, and text that is not

    def _offset(self) -> int:
        line, col = self.getpos()
        return self._base + self._line_starts[line - 1] + col

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._unread.tag is not None:
            self._unread.start(tag)
            return
        if not self._root and (tag in _UNREAD or skipped(tag, dict(attrs), False)):
            self._flush()
            self._unread.enter(tag)
            return
        self._root = False
        if tag in VOID:
            if tag == "br":
                self._flush()
            return
        if tag in BLOCKS or tag in HEADINGS:
            self._flush()
            self._heading = tag in HEADINGS
        self._links += tag == "a"
        self._strong += tag in STRONG
        if tag == "span":
            self._spans.append(bold_run(tag, self.get_starttag_text() or "", set()))
            self._strong += self._spans[-1]

    def handle_endtag(self, tag: str) -> None:
        if self._unread.tag is not None:
            self._unread.end(tag)
            return
        if tag in BLOCKS or tag in HEADINGS:
            self._flush()
        self._links -= tag == "a" and self._links > 0
        self._strong -= tag in STRONG and self._strong > 0
        if tag == "span" and self._spans:
            self._strong -= self._spans.pop()

    def handle_data(self, data: str) -> None:
        if self._unread.tag is not None:
            return
        if not data.strip():
            self._buffer.append(data)
            return
        self._start = self._offset() if self._start is None else self._start
        self._buffer.append(data)
        self._linked += len(" ".join(data.split())) if self._links else 0
        self._bold, self._plain = self._bold or self._strong > 0, self._plain or not self._strong

    def close(self) -> None:
        super().close()
        self._flush()  # the footer's last block: its end tag is not fed

    def _flush(self) -> None:
        text = " ".join("".join(self._buffer).split())
        if text and self._start is not None:
            heading = self._heading or (self._bold and not self._plain)
            self.blocks.append(_Block(text, self._start, self._offset(), heading, self._linked))
        self._buffer, self._start, self._linked, self._bold, self._plain = [], None, 0, False, False
        self._heading = False


def footer_facts(source: str, line_starts: list[int], page: Furniture, sections: list[Section]) -> list[Section]:
    """The section of the facts of a page's footers (where `page`, its first reading, says they stand in `source`,
    whose lines start at `line_starts`), to follow the page's `sections`: none where they give no fact these lack."""
    blocks: list[_Block] = []
    for (start, end) in ((line_starts[a - 1] + b, line_starts[c - 1] + d) for (a, b), (c, d) in page.footers):
        reader = _FooterBlocks(source[start:end], start)
        reader.feed(source[start:end])
        reader.close()
        blocks += reader.blocks
    read = {line.text for section in sections for line in section.lines}
    facts = Section(None)
    over: _Block | None = None  # the last heading met, yet to head a fact
    parted = False  # whether a copyright line gave its parts: one does (a footer has one; each is read against
    # every fact before it, which thousands of them would make quadratic)
    for block in blocks:
        text = fact(block.text, block.links)
        if text is not None and text != block.text:  # a copyright line's parts
            if parted or any(text in line.text for line in facts.lines):
                text = None  # a part of a fact of the footer's already (its address written above it)
            parted = True
        if text is not None and text in read:
            text = None  # a line of the page
        if block.heading and text is None and short_for_heading(block.text):
            over = block
        elif text is not None:
            if over is None and not facts.lines and (holder := _holder(block.text)):  # whose address it is
                over = _Block(holder, block.start, block.end, True, 0)
            if over is not None and not facts.lines and facts.heading is None:
                facts.heading, facts.heading_start = over.text, over.start
            elif over is not None:
                facts.lines.append(Line(over.text, over.start, over.end))
            facts.lines.append(Line(text, block.start, block.end))
            read.add(text)
            over = None
    return [facts] if facts.lines else []


__all__ = ["fact", "footer_facts"]
