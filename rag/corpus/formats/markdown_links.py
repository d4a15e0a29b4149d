"""Links between the pages of an exported knowledge base, in its Markdown, read as the tool shows them.

Notion's export links a page to another by its file's path, URL-encoded with Notion's ids
(`[Livraison et retours](Livraison%20et%20retours%205d2e8f1a3b4c4d6e9f0a1b2c3d4e5f6a.md)`); Obsidian by the other
note's name (`[[Code review]]`, `[[Rollbacks#How to roll back|rollback steps]]`), and it embeds one note or image in
another (`![[deploy-pipeline.png]]`). The tool shows the link's text, and the embedded file where it is (a file
read on its own). Indexed as written, the paths and brackets filled passages and answers ("Voir aussi [Livraison et
retours](Livraison%20et%20retours%205d2e...md) pour l'étiquette"). A link to another page of the corpus (a wikilink, a
relative path, an anchor) is read as its text; such a link alone in a list item ("- [[Code review]]") or in a
paragraph of its own (a page's list of its subpages) is navigation, the page it names being read itself, and is
left out (one line of a paragraph that goes on reads as its text); an embed shows nothing here. A link
out of the corpus (`https://`, `mailto:`) stays as written: its address is what a reader may ask for.

MkDocs Material draws what some markup names, which is no text either, and is cut from a line as a link's brackets
are: an icon's shortcode, of the icon sets Material bundles (`:material-check:`, `:octicons-arrow-right-24:`,
`:fontawesome-solid-user:`, `:simple-github:`; an emoji's, `:smile:`, is a character and stays), and an attribute
list (`attr_list`) styling the element it follows (`:material-clock-fast:{ .lg .middle }` in a grid card,
`[Start](start.md){ .md-button }`) or the heading or block it ends (`## Install { #install }`). So is an HTML tag
inside a line (`<kbd>Ctrl</kbd>`, `<br>`, an MDX component's `<Highlight color="...">`), as CommonMark's raw HTML
and the HTML reader read it: the site shows the text between, a block's tag (`</summary>`, `<br>`, `<p>`) ending a
line there; and a Liquid or Markdoc tag (`{% include footer.html %}`, GitBook's `{% hint style="info" %}`), which the
site runs.

Every piece kept is the line's own text at its offsets; the pieces of one line carry what stood between them
(`Line.follows`: a space, or nothing), so that a passage reads "Voir aussi Livraison et retours pour l'étiquette".
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from rag.corpus.formats.base import Line

# A wikilink (`[[target#heading|alias]]`), an embed (`![[file]]`), a Markdown link or image with an inline target
# (`[text](target "title")`, `![alt](file.png)`): read in time linear in the line (no nested brackets).
# No part takes a `[` (nor an angle-bracket target a `<`), so that each try stops at the next link's start.
_HREF, _CLOSE = r"<[^<>\n]*>|[^()\s]*", r"(?:[ \t]+\"[^\"\n]*\")?\)"  # a link's target; its "title" and `)`
# A bracket escaped (`\[text\](page.md)`) opens no link.
_LINK = re.compile(r"(?<!\\)(?P<embed>!)?\[\[(?P<target>[^\[\]|#\n]*)(?:#[^\[\]|\n]*)?"
                   r"(?:\|(?P<alias>[^\[\]\n]*))?\]\]"
                   # an image a link holds (`[![Logo](logo.png)](page.md)`, a README's badge): one link, an image
                   rf"|(?<!\\)\[(?P<linked>!)\[[^\[\]\n]*\]\((?:{_HREF}){_CLOSE}\]\((?P<outer>{_HREF}){_CLOSE}"
                   rf"|(?<!\\)(?P<image>!)?\[(?P<text>[^\[\]\n]*)\]\((?P<href>{_HREF}){_CLOSE}")
_ICON = r"(?<!\w):(?:material|octicons|fontawesome|simple)-[a-z0-9]+(?:-[a-z0-9]+)*:(?!\w)"
# An attribute list: its first item an id or a class anywhere (`{: #id }`, `{ .lg .middle }`), a key and value only
# right after an element (a link's `)`, emphasis, code, an icon: `![Logo](logo.png){ width="300" }`): never a
# template's `{{ .Title }}`, nor `\frac{a=b}` or "{a=1}" in prose.
_ITEM = r"[#.][\w:-]+|[\w-]+=(?:\"[^\"]*\"|[^\s{}\"]+)"
_ITEMS = rf"(?:{_ITEM})(?:[ \t]+(?:{_ITEM}))*[ \t]*\}}(?!\}})"
ATTRIBUTES = rf"(?<=[)\]*_`:])\{{:?[ \t]*{_ITEMS}|(?<!\{{)\{{:?[ \t]*(?=[#.]){_ITEMS}"
# An HTML tag, open or closing, its name as CommonMark's raw HTML has it (letters, digits, hyphens; a JSX
# component's dots): never an autolink, `<https://...>`, an address, `<support@...>`, nor a placeholder CommonMark
# shows, `<VOTRE_CLE>`.
TAG = r"</?(?P<tag>[A-Za-z][A-Za-z0-9.-]*)(?:\s[^<>]*)?/?>"
# What a browser sets apart on lines of their own: after such a tag, a line's text goes on on a line of its own.
_BLOCKS = frozenset(["address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt",
                     "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
                     "nav", "ol", "p", "pre", "section", "summary", "table", "td", "th", "tr", "ul"])
# The elements a page's prose sets in a bare tag (`<kbd>`, `<b>`, `<br>`): an opening tag with no attribute, no
# closing tag after it on the line and a name of none of these is a placeholder, text (`<username>`, `<your api key>`,
# `List<String>`, `Promise<void>`), as the writer meant it and as a reader of the file sees it.
_ELEMENTS = _BLOCKS | {"a", "abbr", "b", "big", "center", "cite", "code", "del", "dfn", "em", "font", "i", "ins",
                       "kbd", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "tt", "u",
                       "var", "wbr"}
_CLOSING_TAG = re.compile(r"</(?P<tag>[A-Za-z][A-Za-z0-9.-]*)")
LIQUID = r"\{%[^%]*%\}"  # Jekyll's, GitBook's and Markdoc's tags: `{% tab title="Linux" %}`, `{% endtab %}`
_DRAWN = re.compile(rf"{_ICON}|{ATTRIBUTES}|{TAG}|{LIQUID}")
_LINK_ALONE = re.compile(rf"(?:{_LINK.pattern})[ \t]*(?:{ATTRIBUTES})?")
_OUTSIDE = re.compile(r"[a-zA-Z][\w+.-]*:|//")  # a scheme (`https:`, `mailto:`) or a host: out of the corpus
# An HTML link around its text (`<a href="https://nimbus.dev/docs">la doc</a>`): one out of the corpus is kept as
# written, as a Markdown link out of it is (`_inside`)
_ANCHOR = re.compile(r"<a\s[^<>]*?(?<![\w-])href=(?P<q>[\"'])(?P<href>[^\"'<>]*)(?P=q)[^<>]*>(?P<text>[^<>]*)</a\s*>",
                     re.IGNORECASE)
_BACKTICKS = re.compile(r"`+")
_LIST_MARKER = re.compile(r"[-+*][ \t]+|\d{1,9}[.)][ \t]+")


def code_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The code spans of `start:end`: a run of backticks to the next run of as many (CommonMark), `<!--` in one being
    text. Each run is paired with the next of its length by a look-up, not a scan: linear in the line."""
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(text, start, end)]
    following: dict[int, list[int]] = {}  # length -> indexes of the runs of that length, last first
    for i in range(len(runs) - 1, -1, -1):
        following.setdefault(runs[i][1] - runs[i][0], []).append(i)
    spans, after = [], 0  # runs before `after` are inside a span already
    for i, (a, b) in enumerate(runs):
        same = following[b - a]
        same.pop()  # this run itself: the runs of its length left are all after it
        if i < after or not same:
            continue
        j = same[-1]
        spans.append((a, runs[j][1]))
        after = j + 1
    return spans


def _inside(found: re.Match[str]) -> bool:
    """Whether a link found leads to the corpus (a wikilink, a relative path, an anchor), not out of it."""
    href = found.group("href") if found.group("outer") is None else found.group("outer")
    return href is None or not _OUTSIDE.match(href.strip("<>"))


def _shown(found: re.Match[str]) -> tuple[int, int] | None:
    """Where the text a link shows stands in the line (None for an embed or an image: what it shows is a file)."""
    if found.group("embed") or found.group("image") or found.group("linked"):
        return None
    group = "alias" if found.group("alias") is not None else "target" if found.group("href") is None else "text"
    return found.span(group)


def navigation(text: str, alone: bool) -> bool:
    """Whether a line (stripped) is an embed, or one link alone to another page of the corpus in a list item or in
    a paragraph of its own (`alone`): navigation, or another file's content."""
    item = _LIST_MARKER.match(text)
    found = _LINK_ALONE.fullmatch(text[item.end():] if item else text)  # a button's attribute list after it too
    if found is None or not _inside(found):
        return False
    return found.group("embed") is not None or (not found.group("image") and not found.group("linked")
                                                 and (alone or item is not None))


def _outside_code(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """The matches of `pattern` in `text` that start outside its code spans (a code span's brackets are code)."""
    code = iter(code_spans(text, 0, len(text)))
    span = next(code, None)
    for found in pattern.finditer(text):
        while span is not None and span[1] <= found.start():
            span = next(code, None)
        if not (span is not None and span[0] <= found.start()):
            yield found


def outside_links(text: str) -> list[tuple[int, int]]:
    """Where the HTML links out of the corpus around some text stand in a line (`<a href="https://...">la doc</a>`),
    outside its code spans: kept as written, tags and address, as a Markdown link out of the corpus is."""
    return [found.span() for found in _outside_code(_ANCHOR, text) if _OUTSIDE.match(found["href"].strip())
            and found["text"].strip()] if "<a" in text or "<A" in text else []


def _drawn(text: str) -> list[re.Match[str]]:
    """What the site draws in a line, or runs, outside its code spans (`_DRAWN`), a placeholder's brackets not among
    it (`_ELEMENTS`), an HTML link out of the corpus not among it (`outside_links`)."""
    if not _DRAWN.search(text):
        return []
    closed: set[str] | None = None  # the names of the line's closing tags, found at the first tag that needs them
    found_drawn = []
    kept = outside_links(text)
    for found in _outside_code(_DRAWN, text):
        name, tag = (found.group("tag") or "").casefold(), found.group()
        at = bisect.bisect_right(kept, (found.start(), len(text)))  # the link it may stand in: the last before it
        if at and found.start() < kept[at - 1][1]:
            continue
        if name and name not in _ELEMENTS and not tag.startswith("</") and not tag.endswith("/>") and "=" not in tag:
            closed = {f.group("tag").casefold() for f in _CLOSING_TAG.finditer(text)} if closed is None else closed
            if name not in closed:
                continue
        found_drawn.append(found)
    return found_drawn


def undrawn(text: str) -> str:
    """A line (a heading's text) without the icons and attribute lists Material draws, its spaces made single."""
    found_drawn = _drawn(text)
    if not found_drawn:
        return text
    cursor, kept = 0, []
    for found in found_drawn:
        kept.append(text[cursor:found.start()])
        cursor = found.end()
    return " ".join("".join([*kept, text[cursor:]]).split())


def unlinked(line: Line) -> list[Line]:
    """A line with its links to the corpus read as their text, its embeds and what Material draws (icons, attribute
    lists) left out, as pieces of the line at their offsets (the line itself when it holds none)."""
    text = line.text
    cuts: list[tuple[int, int, tuple[int, int] | None]] = []  # (start, end) of each link, where its text stands
    for found in _outside_code(_LINK, text):
        if _inside(found):
            cuts.append((found.start(), found.end(), _shown(found)))
    found_drawn = _drawn(text)
    drawn = [found.span() for found in found_drawn]
    breaks = [found.end() for found in found_drawn if (found.group("tag") or "").casefold() in _BLOCKS]
    if not (cuts or drawn):
        return [line]
    spans: list[tuple[int, int]] = []  # the visible spans of the line, in order
    cursor = 0
    for start, end, shown in cuts:
        spans.append((cursor, start))
        if shown is not None:
            spans.append(shown)
        cursor = end
    spans.append((cursor, len(text)))
    pieces: list[Line] = []
    gap = ""  # what stood between the last piece kept and the next: a space if any was there
    for a, b in _without(spans, drawn):
        piece = text[a:b]
        if not piece.strip():
            gap = gap or (" " if piece else "")
            continue
        lead, trail = len(piece) - len(piece.lstrip()), len(piece) - len(piece.rstrip())
        # no space before a point or a comma a link or an icon left out stood before ("offline :material-wifi:."); a
        # line of its own after a block's tag
        if not pieces:
            joint = line.follows
        elif pieces[-1].end - line.start < _after(breaks, pieces[-1].end - line.start) <= a:
            joint = None
        else:
            joint = " " if lead or (gap and piece.lstrip()[0] not in ".,;)]") else ""
        pieces.append(Line(piece.strip(), line.start + a + lead, line.start + b - trail,
                           item=line.item and not pieces, follows=joint,
                           opens_table=line.opens_table and not pieces))
        gap = " " if trail else ""
    return pieces


def _after(positions: list[int], at: int) -> int:
    """The first of `positions` (in order) past `at`; -1 if none is."""
    found = bisect.bisect_right(positions, at)
    return positions[found] if found < len(positions) else -1


def _without(spans: list[tuple[int, int]], holes: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """The parts of `spans` outside `holes` (each list in order, its spans apart)."""
    at = 0
    for a, b in spans:
        while at < len(holes) and holes[at][1] <= a:
            at += 1
        hole = at
        while hole < len(holes) and holes[hole][0] < b:
            if holes[hole][0] > a:
                yield a, holes[hole][0]
            a = max(a, holes[hole][1])
            hole += 1
        if a < b:
            yield a, b


__all__ = ["ATTRIBUTES", "LIQUID", "TAG", "code_spans", "navigation", "outside_links", "undrawn", "unlinked"]
