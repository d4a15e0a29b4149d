"""A citation's link: the document's web address, opened at the passage where the format lets an address say where.

A chatbot shows each source as a link, and an agent hands the link to its user: the document's address alone lands
at the top of a long page, and the reader looks for the passage again. So:

- a PDF opens at the passage's page: `#page=3`, the PDF open parameter that browsers' viewers and Acrobat read;
- a web page (HTML, Markdown or text published at that address) opens with the passage's first and last words
  highlighted and scrolled to: a text fragment, `#:~:text=Vous%20pouvez%20retourner,d%C3%A9pos%C3%A9%20le%20colis`
  (https://wicg.github.io/scroll-to-text-fragment/; Chrome, Edge, Safari and Firefox read it). A browser that
  finds no such words on the page opens it at its top, as the bare address would; one that does not read text
  fragments ignores them. The words come from one line of prose each (a table row's cells are apart on the page),
  with Markdown's inline marks, list numbers and bullets taken off and its code spans, escapes, entities and
  autolinks read as the page shows them (`max_file_size`, `rag\\-search`, `&amp;`), since a browser matches the text
  it shows;
- a Word file or an e-mail address (`mailto:`) has no such place: its link is its address.

An address that already names a place keeps it: a PDF's `#nameddest=...` is left as it is, a web page's `#faq`
gets the text fragment after it (`#faq:~:text=...`, as the specification writes both), and one that already holds
directives gets one more after an `&` (`#:~:text=a&text=...`: a second `:~:` would run into the first one's words).
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote, urlsplit

# Words a text fragment quotes at each end: enough to be found once on a page, few enough to survive a small
# difference between the corpus's copy and the page as published
FRAGMENT_WORDS = 5
# and at most this many characters, but for a first word longer: a link stays short enough to be pasted and shown
# where a word is long (an address; a clause of Chinese or Japanese prose, whose words no space parts)
FRAGMENT_CHARS = 80
# A line whose words stand in a table's cells (`a | b`: the parsers' table rows, Markdown's pipes)
_TABLE_ROW = re.compile(r"(?:^|\s)\|(?:\s|$)|^\|")
# What a line may open on that the page shows outside its text: a Markdown heading or quote mark, a list bullet or
# number ("1.", "a)", "•", "-"), a check box
_LEADING_MARKS = re.compile(r"^(?:\s*(?:[#>]+|[-*+•▪◦‣–]|\(?[0-9]{1,3}[.)]|\(?[a-zA-Z][.)]|\[[ xX]\])\s+)+")
# What Markdown shows as it is written, marks and all: a code span, an autolink (its address), a backslash escape
# (the mark it escapes), an entity (the character it names). Read before the marks around them, as CommonMark does
_LITERAL = re.compile(r"(?<!`)(?P<ticks>`+)(?!`)(?P<code>.+?)(?<!`)(?P=ticks)(?!`)"
                      r"|<(?P<auto>[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*|[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)>"
                      r"|\\(?P<escaped>[!-/:-@\[-`{-~])"
                      r"|(?P<entity>&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});)")
# Markdown's inline marks: an image (dropped), a link, inline or by reference (its text kept), emphasis (an
# underscore inside a word is none: `max_file_size`); a hard line break's backslash; an HTML tag
_IMAGE = re.compile(r"!\[[^\]]*\](?:\((?:[^()]|\([^()]*\))*\)|\[[^\]]*\])")
_LINK = re.compile(r"\[([^\]]*)\](?:\((?:[^()]|\([^()]*\))*\)|\[[^\]]*\])")
_EMPHASIS = re.compile(r"(\*{1,3}|~~)(?=\S)(.+?)(?<=\S)\1|(?<![^\W_])(_{1,3})(?=\S)(.+?)(?<=\S)\3(?![^\W_])")
_HARD_BREAK = re.compile(r"\\$")
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
# The characters a literal's text is written with while the marks around it are read: ASCII marks moved to private
# use code points, so that no mark inside a code span or an escape is read as one (`a_b_c`, `\*`), and moved back
_MARKS = "*_`~<>[]()|#!\\&"
_HIDE = str.maketrans({c: chr(0xE000 + ord(c)) for c in _MARKS})
_SHOW = str.maketrans({chr(0xE000 + ord(c)): c for c in _MARKS})
# A word the fragment may quote: no mark left in it that the page would not show
_WORD = re.compile(r"[^\s*_`<>\[\]|#]+")
# A word and the spaces after it: ordinary ones, which a page shows as one, and no-break ones, which it keeps. A
# full-width comma or stop ends a word too, as it ends a clause of Chinese or Japanese prose (a word boundary)
_SHOWN = re.compile(r"([^\s、。，；：！？]+[、。，；：！？]*|[、。，；：！？]+)(\s*)")
_MARKDOWN = ("md", "markdown")


def link(url: str | None, source: str, page: int | None, text: str) -> str | None:
    """The address that opens document `url` at a passage (`text`, from file `source`, starting on `page` for a
    PDF); `url` itself where no place can be named; None without an address."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme.casefold() not in ("http", "https"):
        return url
    suffix = source.rsplit(".", 1)[-1].casefold() if "." in source else ""
    if suffix == "pdf":
        return url if page is None or parts.fragment else f"{url.split('#', 1)[0]}#page={page}"
    if suffix in ("docx", "docm", "dotx", "dotm", "doc", "odt"):
        return url
    directive = text_directive(text, markdown=suffix in _MARKDOWN)
    if directive is None:
        return url
    if ":~:" in parts.fragment:  # directives already: one more, after an `&`
        return f"{url}&{directive}"
    return f"{url}:~:{directive}" if "#" in url else f"{url}#:~:{directive}"


def text_directive(text: str, markdown: bool = False) -> str | None:
    """`text=start,end` quoting the first words of the passage's first line of prose and the last words of its last
    (`text=start` when one line holds both); None when no line of prose has two words. `markdown`: the text is
    Markdown source, whose inline marks the page does not show."""
    lines = [words for line in text.splitlines() if len(words := shown_words(line, markdown)) >= 2]
    if not lines:
        return None
    first, last = lines[0], lines[-1]
    if (len(lines) == 1 and len(first) <= 2 * FRAGMENT_WORDS and len("".join(first)) <= 2 * FRAGMENT_CHARS
            and not any(map(_wide, first[:-1]))):
        return f"text={_term(first)}"
    start = _within(first[:FRAGMENT_WORDS])
    # one line: its end quoted from the words after the start, as the browser looks for the end after the start
    end = _within((last[len(start):] if len(lines) == 1 else last)[-FRAGMENT_WORDS:], from_end=True)
    return f"text={_term(start)},{_term(end)}" if end else f"text={_term(start)}"


def shown_words(line: str, markdown: bool = False) -> list[str]:
    """The words of `line` as a browser shows them, from its start, each with the space shown after it (a no-break space
    stays one, as the page writes it, whether or not a browser's matching would take a space for it; two spaces or
    tabs stand for a wider gap, which a page may show as one or keep, as text/plain and code do); none for a table
    row. Words stop at the first one that keeps a mark (of Markdown's, when `markdown`, one this does not undo; else
    a character such marks are made of, which the page may show otherwise): the quote must be contiguous."""
    if _TABLE_ROW.search(line):
        return []
    plain = _LEADING_MARKS.sub("", line)
    if markdown:
        plain = _TAG.sub("", _LINK.sub(r"\1", _IMAGE.sub("", _LITERAL.sub(_literal, _HARD_BREAK.sub("", plain)))))
        while (unmarked := _EMPHASIS.sub(lambda m: m[2] or m[4], plain)) != plain:  # nested: ***a** b*
            plain = unmarked
    words = []
    for match in _SHOWN.finditer(plain):
        word, gap = match.groups()
        if not _WORD.fullmatch(word):
            break
        words.append((word + (gap if gap.strip(" \t") else gap[:2])).translate(_SHOW))
    return words


def _literal(match: re.Match[str]) -> str:
    """What the page shows of a Markdown literal, its marks hidden from the rest of the reading."""
    if (code := match["code"]) is not None:
        # a code span's line is its own; one space inside each backtick run is padding (CommonMark)
        shown = code[1:-1] if len(code) > 2 and code[0] == code[-1] == " " and code.strip() else code
    else:
        shown = match["auto"] or match["escaped"] or html.unescape(match["entity"])
    return shown.translate(_HIDE)


def _within(words: list[str], from_end: bool = False) -> list[str]:
    """The first (`from_end`: last) of `words` that hold at most FRAGMENT_CHARS characters, one at least, and no
    wide gap between them: a page published as text keeps two spaces after a full stop, an HTML page shows one, and
    a term must match either."""
    kept: list[str] = []
    for word in reversed(words) if from_end else words:
        if kept and (len("".join([*kept, word]).strip()) > FRAGMENT_CHARS or (from_end and _wide(word))):
            break
        kept.append(word)
        if not from_end and _wide(word):
            break
    return kept[::-1] if from_end else kept


def _wide(word: str) -> bool:
    return len(word) - len(word.rstrip(" \t")) > 1


def _term(words: list[str]) -> str:
    # quote() leaves "-" alone (unreserved in a URL); a text directive reads it as a prefix or suffix mark
    return quote("".join(words).rstrip(), safe="").replace("-", "%2D")


__all__ = ["FRAGMENT_CHARS", "FRAGMENT_WORDS", "link", "shown_words", "text_directive"]
