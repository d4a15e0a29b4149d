"""A PDF's running headers and footers: the lines that stand at the top or the bottom of two pages or more, as they
repeat (a page number's digits aside), which its sections leave out (`rag.corpus.formats.pdf`); and the blocks in
small type that stand at the same edge of every page, as a browser prints what a site fixes on screen."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter

from rag.corpus.formats.base import Line, lines_with_offsets
from rag.corpus.formats.html_feedback import ANSWERS, QUESTION_CHARS
from rag.corpus.formats.pdf_fonts import Runs, body_size, line_fonts

PAGE_BREAK = "\f"
_DIGITS = re.compile(r"\d+")
_WORD = re.compile(r"\w+")
_PAGE_NUMBER = re.compile(r"(?:page|p\.|seite|pagina|página)?\s*\d+\s*(?:(?:/|sur|of|de|von|di)\s*\d+)?", re.IGNORECASE)
# A page number framed by dashes, brackets or bars alone ("— 2 —", "[2]", "| 2 |")
_FRAMED = re.compile(r"[\W_]*\d+[\W_]*")
# A page number that starts or ends a running line's text ("PayNova SAS – Document non contractuel Page 2/4",
# "Helios – page 2", "2/4 Guide"): a page word before it, or a count of the pages after it; a number starts no earlier
# than its first digit
_FOLIO = re.compile(r"(?:page|p\.|seite|pagina|página)\s*\d+(?:\s*(?:/|sur|of|de|von|di)\s*\d+)?"
                    r"|(?<!\d)\d+\s*(?:/|sur|of|von)\s*\d+", re.IGNORECASE)
# A web address, as browsers print the page's in a running line
_WEB_ADDRESS = re.compile(r"https?://\S")
# A URL, and a date with its time, as browsers print them in their running lines ("07/12/2026 10:32", "12/7/26,
# 10:32 AM"): each a run of digits and separators with no nested repeat, so scanned once
_URL = re.compile(r"https?://\S+")
_DATE_TIME = re.compile(r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4},?\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp]\.?[Mm]\.?)?")
# The same on a print of one page, where nothing repeats: an address standing alone ("https://..."; a link's
# "(https://...)" in the text is none), and the browser's count of one page ("1/1", "1 sur 1", "Page 1 of 1")
_BARE_URL = re.compile(r"(?<!\S)https?://\S+")
_ONE_OF_ONE = re.compile(r"(?<![\w/.,])(?:page\s*)?1\s*(?:/|sur|of|de|von|di)\s*1(?![\w/.,])", re.IGNORECASE)
# How many lines from a page's top or bottom a running header or footer may stand (a header, a version, a notice, a
# page number: furniture drawn before the body comes first in the text)
_EDGE_LINES = 4
# A page's share buttons printed as a row of words ("Partager cette page Facebook LinkedIn E-mail", "Share X Facebook
# Print"): a network or the mail named, with nothing but these words around it
_NETWORKS = frozenset({"facebook", "linkedin", "twitter", "x", "whatsapp", "pinterest", "messenger", "telegram",
                       "reddit", "xing", "bluesky", "threads", "e-mail", "email", "mail", "courriel"})
_SHARING = _NETWORKS | {"partager", "share", "imprimer", "print", "teilen", "drucken", "compartir", "imprimir",
                        "condividi", "stampa", "delen", "afdrukken", "compartilhar", "copier", "copy", "le", "lien",
                        "link", "cette", "cet", "page", "article", "this", "sur", "on", "via", "par"}
# The longest running header or footer: a sentence of the body repeated on two pages is no furniture
_RUNNING_MAX = 80


def edge(line: str) -> str:
    """A page's first or last line as running headers and footers repeat it: a page number's digits aside, the line's
    whole ("2", "Page 2 sur 3", "— 2 —") or within it ("Helios – page 2", "PayNova SAS – Page 2/4": `_FOLIO`)."""
    return _numbered(line)[0]


def _numbered(line: str) -> tuple[str, int | None]:
    """`edge`, and the page number it sets aside (its first number; None without one)."""
    if len(line) > _RUNNING_MAX:
        return line, None
    if _PAGE_NUMBER.fullmatch(line) or _FRAMED.fullmatch(line):
        number = _DIGITS.search(line)
        return _DIGITS.sub("#", line), int(number.group()[-9:]) if number else None
    folios = list(_FOLIO.finditer(line))
    # a running line's page number stands at one of its ends, not within its words ("la page 3 du manuel")
    folio = next((found for found in (folios[-1:] + folios[:1]) if not line[found.end():].strip() or
                  not line[:found.start()].strip()), None)
    if folio is None:
        return line, None
    number = _DIGITS.search(folio.group())
    return (line[:folio.start()] + _DIGITS.sub("#", folio.group()) + line[folio.end():],
            int(number.group()[-9:]) if number else None)


def _keys(line: Line, page: int) -> list[tuple[str, int | None]]:
    """A page's edge line as it may repeat: as it reads, and as `edge` gives it with how far its page number stands
    from the page's index (the same on every page): "1" then "2" on the first two pages repeat, an amount "1250" then
    "380" ending them do not. A line that is a page number alone repeats only so; one with text and a page number may
    repeat either way ("Édition 2/2025" on every page, "Page 2/4")."""
    edge, number = _numbered(line.text)
    if number is None:
        return [(line.text, None)]
    counted: tuple[str, int | None] = (edge, number - page)
    whole = _PAGE_NUMBER.fullmatch(line.text) or _FRAMED.fullmatch(line.text)
    return [counted] if whole else [(line.text, None), counted]


def body_lines(text: str) -> tuple[list[Line], set[str]]:
    """The text's lines without its running headers and footers, and these (as `edge` gives them): the lines of
    `_RUNNING_MAX` characters at most among the first or last `_EDGE_LINES` of two pages or more (digits aside for a
    page number, "Page 2 sur 3", which counts as the pages do: `_keys`), peeled from each page's top and bottom while
    they repeat so; a page they would empty (the same page twice) is kept whole. "Article 1" and "Article 2" opening
    two pages differ: both stay. A text of one page has running lines only as a browser prints them (`_one_page`)."""
    breaks = [m.start() for m in re.finditer(PAGE_BREAK, text)]  # once: not a count from the top for each line
    pages: list[list[Line]] = [[] for _ in range(len(breaks) + 1)]
    for line in lines_with_offsets(text):
        pages[bisect_right(breaks, line.start)].append(line)
    if len(pages) == 1:
        return _one_page(pages[0])
    edges: Counter[tuple[str, int | None]] = Counter()
    for n, page in enumerate(pages):
        edges.update({key for line in page[:_EDGE_LINES] + page[-_EDGE_LINES:] for key in _keys(line, n)})
    running = {key for key, count in edges.items() if count > 1 and len(key[0]) <= _RUNNING_MAX}
    body: list[Line] = []
    for n, page in enumerate(pages):
        top, bottom = 0, len(page)
        while top < min(bottom, _EDGE_LINES) and not running.isdisjoint(_keys(page[top], n)):
            top += 1
        while bottom > max(top, len(page) - _EDGE_LINES) and not running.isdisjoint(_keys(page[bottom - 1], n)):
            bottom -= 1
        body.extend(page[top:bottom] if top < bottom else page)
    return body, {edge for edge, _ in running}


def _one_page(page: list[Line]) -> tuple[list[Line], set[str]]:
    """A page printed alone by a browser, without its running lines, and these: nothing repeats on one page, but the
    browser's lines keep their signature at the page's edges, each opening or ending on a date with its time of day
    (Chrome's header, Firefox's footer), an address standing alone (Chrome's footer, Firefox's header) or the count
    of one page ("1/1", "1 sur 1"), all three there. The lines holding one are peeled from the page's top and bottom,
    `_EDGE_LINES` deep at most; a page without all three, or that they would empty, stays whole (a letter dated at
    its top that gives its site's address at its foot is no print). Each regex scans a line once."""
    def marked(line: Line) -> bool:
        return any(found.start() == 0 or found.end() == len(line.text)
                   for pattern in (_DATE_TIME, _BARE_URL, _ONE_OF_ONE) for found in pattern.finditer(line.text))

    top, bottom = 0, len(page)
    while top < min(bottom, _EDGE_LINES) and marked(page[top]):
        top += 1
    while bottom > max(top, len(page) - _EDGE_LINES) and marked(page[bottom - 1]):
        bottom -= 1
    running = {line.text for line in page[:top] + page[bottom:]}
    if top == bottom or not all(any(pattern.search(text) for text in running)
                                for pattern in (_DATE_TIME, _BARE_URL, _ONE_OF_ONE)):
        return page, set()
    return page[top:bottom], running


def fixed_blocks(lines: list[Line], page_starts: list[int], fonts: list[Runs],
                 running: set[str]) -> tuple[list[Line], set[str]]:
    """The lines without the blocks that stand at the top or the bottom of every page (two or more) line for line the
    same (a page number's digits aside, as `body_lines` compares them), each line set smaller than the body's text,
    whatever its length and however many: what a site fixes on screen (a sticky menu, a cookie banner of three long
    lines and its buttons) a browser prints over every page, drawn after the page's text, and the browser's running
    line that `body_lines` keeps for its length (the page's title and its URL). Sentences of the body repeated on the
    pages are in the body's size, and stay; a page they would empty is kept whole. And the texts of the lines left
    out. Only in a browser's print (`by_browser` of the `running` lines and these blocks): any other PDF keeps its
    notice in small type on every page ("Néotel SA au capital de ..., RCS Paris ..."). Linear: each depth from an edge
    looks at one line a page, and stops at the first that differs."""
    body = body_size(fonts)
    if body is None or len(page_starts) < 2:
        return lines, set()
    small = [font is not None and font.size < body for font in line_fonts(lines, page_starts, fonts)]
    pages: list[list[int]] = [[] for _ in page_starts]  # each page's lines, by index
    for i, line in enumerate(lines):
        pages[bisect_right(page_starts, line.start) - 1].append(i)
    shortest = min(len(page) for page in pages)

    def depth(at: int, step: int) -> int:  # the lines from an edge (index `at`, moving by `step`) every page shares
        k = 0
        while k < shortest:
            picked = [(page[at + step * k], n) for n, page in enumerate(pages)]
            if not all(small[i] for i, _ in picked):
                break
            shared = set(_keys(lines[picked[0][0]], 0))
            for i, n in picked[1:]:
                shared.intersection_update(_keys(lines[i], n))
            if not shared:
                break
            k += 1
        return k

    top, bottom = depth(0, 1), depth(-1, -1)
    left_out = {i for page in pages if top + bottom < len(page) for i in page[:top] + page[len(page) - bottom:]}
    texts = {lines[i].text for i in left_out}
    if not by_browser(running | texts):
        return lines, set()
    return [line for i, line in enumerate(lines) if i not in left_out], texts


def by_browser(running: set[str]) -> bool:
    """Whether the PDF is a page a browser printed: its running lines (or the blocks `fixed_blocks` finds) hold a URL
    and a date with its time of day, as Chrome and Firefox both print them ("07/12/2026 10:32" in Chrome's header,
    Firefox's footer; the URL in Chrome's footer, Firefox's header). A URL alone is no sign: a brochure's or a
    contract's footer gives its site's address. Each regex scans a line once."""
    return any(_WEB_ADDRESS.search(text) for text in running) and any(_DATE_TIME.search(text) for text in running)


def site_furniture(lines: list[Line], page_starts: list[int], fonts: list[Runs], running: set[str]) -> list[Line]:
    """A web page a browser printed (`by_browser` of its running lines) without its site's furniture, set smaller than
    its text before the first line in the text's size or larger (the promotion bar, the logo and search line, the
    menu, the breadcrumb) and after the last one (the "Cet article vous a-t-il été utile ?" line, the share buttons,
    related links, the footer's columns of links, the copyright); and, between lines of its text, a feedback poll or
    a row of share buttons set smaller on a line of its own (`_poll`, `_share_row`; a table's row is none). Any other
    PDF keeps them, its running lines holding a URL or not: a brochure's footnote, a contract's general terms in small
    type on its last page are its text. Linear in the lines."""
    body = body_size(fonts)
    if body is None or not by_browser(running):
        return lines
    sizes = line_fonts(lines, page_starts, fonts)
    text = [n for n, font in enumerate(sizes) if font is None or font.size >= body]
    if not text:
        return lines
    return [line for line, font in zip(lines[text[0]:text[-1] + 1], sizes[text[0]:text[-1] + 1], strict=True)
            if font is None or font.size >= body or line.item or not (_poll(line.text) or _share_row(line.text))]


def _poll(text: str) -> bool:
    """A page's feedback poll printed on one line: a short question, its only question mark, then its answers alone
    ("Ces réponses vous ont-elles aidé ? Oui Non", "Was this article helpful? Yes No"; `html_feedback.ANSWERS`)."""
    question, mark, answers = text.partition("?")
    words = _WORD.findall(answers.casefold())
    return bool(mark) and len(text) <= QUESTION_CHARS and "?" not in answers and len(words) >= 2 and \
        any(char.isalpha() for char in question) and all(word in ANSWERS for word in words)


def _share_row(text: str) -> bool:
    """A page's share buttons printed on one line: a network or the mail named, and nothing but sharing's words
    ("Partager cette page Facebook LinkedIn E-mail")."""
    words = re.findall(r"\w+(?:-\w+)?", text.casefold())
    return len(text) <= QUESTION_CHARS and any(word in _NETWORKS for word in words) and \
        all(word in _SHARING for word in words)


def printed_title(running: set[str]) -> str | None:
    """The page's title a browser prints in its running lines, for a PDF that declares none and sets no title line
    apart: what is left of such a line once its URL and its date and time are taken out ("07/12/2026 10:32 Résilier
    votre box | Néotel" in Chrome's header, "Résilier votre box | Néotel https://..." in Firefox's), the longest of
    them; None but for a web page a browser printed (`by_browser`), or where what is left holds a page number ("2 sur
    3", "Néotel SA – page # sur #": a footer, not a title)."""
    if not by_browser(running):
        return None
    titles = []
    for text in running:
        rest = " ".join(_DATE_TIME.sub(" ", _URL.sub(" ", text)).split())
        if rest != " ".join(text.split()) and any(char.isalpha() for char in rest) and "#" not in rest and \
                not _FOLIO.search(rest):
            titles.append(rest)
    return max(sorted(titles), key=len) if titles else None


__all__ = ["PAGE_BREAK", "body_lines", "by_browser", "edge", "fixed_blocks", "printed_title", "site_furniture"]
