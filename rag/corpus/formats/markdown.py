"""Markdown: ATX and setext headings open sections; YAML front matter may give the title and the url.

The blocks that decide what a heading is follow CommonMark (https://spec.commonmark.org): fenced and indented code
hold no headings, and HTML comments are left out of the text, as the HTML reader leaves them out. Every line kept is
the file's own text at its offsets (`source[start:end] == text`), a comment inside a line cutting it in two.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise

from rag.corpus.formats.base import Line, Outline, Parsed, Section
from rag.corpus.formats.markdown_comments import Closes, blanked, comments, uncommented
from rag.corpus.formats.markdown_front_matter import front_matter
from rag.corpus.formats.markdown_links import unlinked
from rag.corpus.formats.markdown_sites import (
    container_cuts,
    ended,
    heading_text,
    holds_unclosed,
    left_open,
    opens_comment,
    opens_module,
    summary,
    summary_below,
    tab,
    tab_closed,
    unpublished,
    unquoted,
    visible,
)
from rag.corpus.formats.markdown_tags import tab_values, tag_below
from rag.corpus.formats.text import reads_as_heading

# Headings, fences and list items, matched on a line without its indentation (at most 3 columns: more is code).
_ATX = re.compile(r"(?P<marks>#{1,6})(?:\s(?P<text>.*))?")
_ATX_CLOSING = re.compile(r"(?:^|\s)#+$")  # "## Retours ##": not in "## C#"
# A setext heading's underline: the line of text right above it is a heading, level 1 with "=", 2 with "-".
_SETEXT = re.compile(r"(?P<marks>=+|-+)")
# What starts a line that cannot be a setext heading's text: a list item, a quote, a table row.
_NOT_SETEXT_TEXT = re.compile(r"[-+*>|]|\d{1,9}[.)](?:\s|$)")
_FENCE = re.compile(r"(?P<fence>`{3,}(?!.*`)|~{3,}).*")
_LIST_ITEM = re.compile(r"(?P<marker>[-+*]|\d{1,9}[.)])(?P<space>[ \t]+|$)")
_SPACES = re.compile(r"[ \t]{2,}")
# A definition's marker (PHP Markdown Extra, pymdownx.def_list, pandoc) under its term's line: `:` and the spaces
# that align the definition (`:   `, as their examples write it); a colon and one space opening a line is French
# prose wrapped before its colon ("Les pièces à fournir" / ": un justificatif").
_DEFINITION = re.compile(r" {0,3}:(?:\t|[ ]{2,}\t?)(?=\S)")
# A line that is all strong emphasis ("**Puis-je avoir deux cartes ?**"), as FAQ pages set their questions apart.
_STRONG_LINE = re.compile(r"(?P<mark>\*\*|__)(?P<text>[^*_\s](?:.*?[^*_\s])?)(?P=mark)\\?")
_STRONG_LEVEL = 7  # such a heading stands under every ATX or setext heading open
_NESTED = 10  # what a tab holds stands under it: its headings' levels, beyond every level outside
# Containers (tabs, admonitions, disclosures) open at once, at most: one more opener is read as a line of text, as
# Dart's markdown reads blocks nested deeper than 32 (`BlockParser.maxNestingLevel`); each line is checked against
# those open, and thousands of `<summary>` never closed took seconds a line. Such an opener counts as never closed:
# read again, it is the sibling of the one around it (the 33rd `<summary>` of an FAQ that closes none).
_CONTAINERS = 32


def _columns(body: str) -> int:
    """How far the line is indented, a tab reaching the next multiple of 4 columns."""
    return len(body[:len(body) - len(body.lstrip(" \t"))].expandtabs(4))


def _lines(text: str, start: int) -> Iterator[tuple[str, int]]:
    """The lines of `text` from `start` (the first after front matter), without their line breaks, with their
    offsets; blank lines too, as they end paragraphs. The breaks are those of `base.lines_with_offsets`."""
    pos = 0
    for raw in text.splitlines(keepends=True):
        if pos >= start:
            yield raw.rstrip("\r\n"), pos
        pos += len(raw)


def parse_markdown(text: str) -> Parsed:
    """Markdown: ATX (`## Heading`) and setext (a line underlined with `===` or `---`) headings open sections, each
    under the headings of higher levels still open; so does a paragraph's first line set all in bold when it reads as
    a heading (an FAQ's "**Question ?**" over its answer), under every heading open, and a list item's line all in
    bold asking a question over its answer (`_item_question`); YAML front matter may give `title` and `url`, and a
    draft's (`draft: true`, `published: false`: `rag.corpus.formats.markdown_sites.unpublished`) makes the file
    refused with `ValueError`. What site generators add to CommonMark (heading ids, admonitions, tabs, MDX imports
    and tags) is read as `markdown_sites` says.

    Code is text, never headings: a fenced block runs to a fence of its own character (backtick or tilde) at least
    as long as the one that opened it, with nothing after it, or to the end, its lines indented as they are beyond
    its fence; a line indented by 4 columns or more
    is code where it does not go on with a paragraph or a list item. An HTML comment, on one line or over several,
    is left out outside code (and code spans); a line that opens with one or inside one is text, not a heading.

    A container closed by its tag or its fence (a tab, a disclosure, an admonition: `</TabItem>`, `:::`, `///`) holds
    the headings inside it; one the file never closes ends at the next ATX or setext heading at its margin, which
    stands at its own level, or where one of its kind opens right inside it (siblings): a second reading, once the
    first has found which were never closed (`markdown_sites.left_open`)."""
    parsed, unclosed = _parsed(text, set())
    return _parsed(text, unclosed)[0] if unclosed else parsed


def _parsed(text: str, unclosed: set[int]) -> tuple[Parsed, set[int]]:
    """`parse_markdown`'s reading, the containers opening at `unclosed` (their lines' offsets) ending at a heading at
    their margin; with where the containers this reading found never closed open."""
    meta, flags, body_start = front_matter(text)
    if why := unpublished(flags):
        raise ValueError(why)
    sections: list[Section] = [Section(None)]
    outline = Outline()
    title = meta.get("title")
    fence: tuple[str, int] | None = None  # the open fence's character and length
    fence_indent = 0  # the open fence's indentation, in characters: its code's lines keep what they have beyond it
    comment_end = 0  # where the HTML comment being read ends
    items: list[int] = []  # the column where the text of each list item still open starts, outermost first
    above: list[Line] = []  # the line above, when it is paragraph text (what a setext underline makes a heading)
    # the question entries of a list (`_item_question`) open: the column of the first one's text, the headings open
    # and the section before it, which goes on once the list ends
    entries: tuple[int, tuple[tuple[int, str], ...], Section] | None = None
    # the tabs open (`markdown_sites.tab`), outermost first: what ends each, the column its indented content starts
    # at, the headings open and the section before it, as for entries, and where it opens; what they hold reads as at
    # the margin
    tabbed: list[tuple[str, int, tuple[tuple[int, str], ...], Section, int]] = []
    left: set[int] = set()  # where the containers never closed open
    values: dict[int, dict[str, str]] = {}  # the labels a `<Tabs values={[...]}>` gives its tabs, by where it opens
    terms: tuple[tuple[tuple[int, str], ...], Section] | None = None  # a definition list's, as for entries
    last_close = text.rfind("-->")  # a `<!--` after it is never closed
    closes = Closes(text)
    module = False  # in an MDX module block (`markdown_sites.opens_module`), to the next blank line
    note = False  # in an Obsidian comment block (`markdown_sites.opens_comment`), to the line that ends on `%%`
    options = False  # under a pymdownx block's header: its options, indented (`    type: warning`), show nothing
    source = ((body, start, None) for body, start in _lines(text, body_start))
    # the pieces of a line cut (`markdown_sites.container_cuts`) still to read, last first, with the line's indentation
    rest: list[tuple[str, int, int | None]] = []
    skip = 0  # where a summary over several lines ends (`markdown_sites.summary_below`): its lines are its heading
    while (read := rest.pop() if rest else next(source, None)) is not None:
        body, start, indented = read
        if start < skip:
            continue
        if module or note:
            module, note = module and bool(body.strip()), note and not body.rstrip().endswith("%%")
            continue
        if options and body[:1] in (" ", "\t") and body.strip():
            continue
        options = False
        indent = _columns(body) if indented is None else indented
        relative = indent - max((column for column in items if column <= indent), default=0)
        if fence or (relative >= 4 and not above and start >= comment_end):
            if fence and relative <= 3 and _closes(body.strip(), fence):
                fence = None
            elif fence:
                sections[-1].lines += _code(body, start, fence_indent)
                continue
            sections[-1].lines += uncommented(text, start, start + len(body), [])
            continue
        if relative < 4 and (cuts := container_cuts(body)):
            rest += [(body[a:b], start + a, indent) for a, b in zip(cuts, [*cuts[1:], len(body)], strict=True)][::-1]
            body = body[:cuts[0]]
        hidden, comment_end = comments(text, start, start + len(body), comment_end, last_close, closes)
        pieces = uncommented(text, start, start + len(body), hidden)
        if not pieces:
            above = []
            continue
        shown = blanked(body, start, hidden).strip()
        plain = pieces[0].start > start + len(body) - len(body.lstrip())  # the line opens in a comment
        if (out := ended([entry[:2] for entry in tabbed], shown, indent)) is not None:  # what follows a tab is the
            outline.restore(tabbed[out][2])  # section's it stood in (an untitled admonition's, if a heading was in it)
            if sections[-1] is not tabbed[out][3]:
                sections.append(Section(tabbed[out][3].heading, parents=tabbed[out][3].parents))
            left.update(entry[4] for entry in tabbed[out + 1:] if entry[0])  # those inside it, never closed
            del tabbed[out:]
        depth = len(tabbed)  # a heading inside tabs stands under their labels
        if not (above or plain or indent) and opens_module(shown):
            module, above = True, []
            continue
        if not (above or plain) and opens_comment(shown):
            note, above = True, []
            continue
        # an admonition's marker holds the lines indented below it; "!!! Ne jamais partager" over a paragraph is text
        holds = not shown.startswith(("!!!", "???")) or (_indent_below(text, start + len(body)) or 0) >= indent + 4
        # an opening tag over several lines (`<Tabs` over its attributes) reads as on one line, none of it text; what
        # follows it on its last line is read next, as a line (cut before the closing tag of a labelled tab)
        if relative < 4 and not plain and (joined := tag_below(text, shown, start + len(body) - len(body.lstrip()))):
            shown, skip, pieces = joined[0], joined[1], []
            cuts = [skip, *(skip + cut for cut in tab_closed(shown, text[skip:joined[2]])), joined[2]]
            rest += [(text[a:b], a, indent) for a, b in pairwise(cuts) if text[a:b].strip()][::-1]
        below = summary_below(text, shown, start + len(body)) if relative < 4 and not plain else None
        given = next((values[entry[4]] for entry in reversed(tabbed) if entry[4] in values), None)
        opened = ("details", summary(below[0])) if below else tab(shown, given) if relative < 4 and not plain and \
            holds else None
        skip = below[1] if below and summary(below[0]) else skip
        if opened and len(tabbed) >= _CONTAINERS:  # text, and never closed for the second reading: maybe a sibling
            left.add(start)
            opened = None
        if opened and start in unclosed and not holds_unclosed(opened[0]):  # a Liquid tag or a shortcode nothing
            opened = None  # closes holds nothing ("{% include image.html title=... %}", `{{< figure title="..." >}}`)
        if opened and (labels := tab_values(shown)):
            values[start] = labels
        # a paragraph of its own (nothing above it, its end the line's): a lone link there is navigation
        alone = not above and closes.paragraph_end(start + len(body)) == start + len(body)
        kept = [line for piece in pieces if (line := visible(piece, bool(above), holds, alone))]
        if not (kept or opened):
            above = []
            continue
        if not (above or plain):  # a list item ends at a line indented less than its content, not a paragraph's
            items = [column for column in items if column <= indent]
            if entries and entries[0] not in items and not _LIST_ITEM.match(shown):
                # the list of question entries ended: what stands under it is the section's it stood in, again (its
                # passage cited from its own lines, the heading far above)
                outline.restore(entries[1])
                sections.append(Section(entries[2].heading, parents=entries[2].parents))
                entries = None
            if terms and (marker := _DEFINITION.match(body)):  # a definition: its text, not its marker
                kept = [Line(line.text[marker.end() - (line.start - start):], start + marker.end(), line.end)
                        if line.start - start < marker.end() else line for line in kept]
            elif terms and relative < 4 and not _defined(text, start + len(body)):  # the list ended
                outline.restore(terms[0])
                sections.append(Section(terms[1].heading, parents=terms[1].parents))
                terms = None
        level, heading, heading_start, entry = 0, "", start, None
        if opened:  # an indented one's content is at the margin of its column, as a list item's
            items += [] if opened[0] else [indent + 4]
            # one of its kind never closed, open right around it, is its sibling and ends here ("</TabItem>" forgotten)
            sibling = bool(opened[0] and tabbed and tabbed[-1][0] == opened[0] and tabbed[-1][4] in unclosed)
            if sibling:
                outline.restore(tabbed[-1][2])
            before = tabbed.pop()[3] if sibling else sections[-1]
            depth = len(tabbed)
            tabbed.append((opened[0], indent + 4, outline.save(), before, start))
            options = opened[0] == "///"
            if opened[1]:
                level, heading = _STRONG_LEVEL, opened[1]
        elif plain or relative >= 4:
            pass  # an HTML block's text (CommonMark), or a paragraph's next line
        elif opening := _FENCE.fullmatch(shown):
            fence = opening.group("fence")[0], len(opening.group("fence"))
            fence_indent = len(body) - len(body.lstrip(" \t"))
        elif atx := _ATX.fullmatch(shown):
            level, heading = len(atx.group("marks")), _ATX_CLOSING.sub("", atx.group("text") or "").strip()
        elif (underline := _SETEXT.fullmatch(shown)) and above and not _NOT_SETEXT_TEXT.match(above[0].text):
            del sections[-1].lines[-len(above):]
            level, heading_start = (1 if underline.group("marks")[0] == "=" else 2), above[0].start
            heading = " ".join(line.text for line in above)
        elif _SETEXT.fullmatch(shown) and len(shown) >= 3 and shown[0] == "-":  # under a list item: a rule, no text
            above = []
            continue
        elif not above and _defined(text, start + len(body)) and not _NOT_SETEXT_TEXT.match(shown):
            # a definition list's term heads its definitions, as a tab's label does: "Erreurs fréquentes ›
            # SAML-403 Application non attribuée" over "Le salarié n'appartient à aucun groupe autorisé"
            level, heading, terms = _STRONG_LEVEL, shown, terms or (outline.save(), sections[-1])
            heading_start = start + len(body) - len(body.lstrip())
        elif not above and (strong := _STRONG_LINE.fullmatch(shown)) and reads_as_heading(strong.group("text")):
            level, heading = _STRONG_LEVEL, strong.group("text").strip()
        elif item := _LIST_ITEM.match(shown):
            items = [column for column in items if column <= indent]
            space = len(item.group("space"))
            items.append(indent + len(item.group("marker")) + (space if 1 <= space <= 4 else 1))
            if (question := _item_question(shown[item.end():], text, start + len(body), items[-1])) is not None:
                level, heading = _STRONG_LEVEL, question
                heading_start = start + len(body) - len(body.lstrip()) + item.end()
                entry = entries or (items[-1], outline.save(), sections[-1])
        out = left_open([e[::4] for e in tabbed], unclosed) if unclosed and 0 < level < _STRONG_LEVEL else None
        if out is not None:  # an ATX or setext heading ends the containers never closed it is in
            outline.restore(tabbed[out][2])
            del tabbed[out:]
            depth = len(tabbed)
        above = [] if fence or level else kept
        if not level:
            sections[-1].lines += [piece for line in kept if (quoted := unquoted(line))
                                   for piece in (unlinked(quoted) if not quoted.text.startswith("|") else [quoted])]
            continue
        entries = entry  # another heading closes the entries
        heading = heading_text(_SPACES.sub(" ", heading))  # where a comment was
        if not title and level == 1:
            title = heading or None
        sections.append(outline.section(level + _NESTED * depth, heading, heading_start))
        if not heading:  # only an attribute list or an icon (`## {#top}`): it ends the headings at its level and below,
            outline.restore(outline.save()[:-1])  # and heads nothing: what follows is the section's above it
            above_it = sections[-1].parents
            sections[-1] = Section(above_it[-1] if above_it else None, parents=above_it[:-1])
    left.update(entry[4] for entry in tabbed if entry[0])
    return Parsed([s for s in sections if s.lines], title=title, url=meta.get("url"), slug=meta.get("slug")), left


def _item_question(rest: str, text: str, end: int, column: int) -> str | None:
    """The question a list item's line holds all in bold, its answer on the item's lines below it (the next line
    that is not blank indented to the item's text, `column`): an FAQ written as a list, "- **Puis-je payer par
    chèque ?**" over "  Oui, ...". Such an item is an entry of its own, headed by its question, as a bold line over
    its paragraph is; an item with its answer on the question's line, or with nothing under it, or a bold line that
    asks nothing ("- **Carte bancaire**" in a list the sentence above announces) stays a list item."""
    strong = _STRONG_LINE.fullmatch(rest.strip())
    if strong is None or not strong.group("text").rstrip().endswith("?") or not reads_as_heading(strong.group("text")):
        return None
    below = _indent_below(text, end)
    return strong.group("text").strip() if below is not None and below >= column else None


def _defined(text: str, end: int) -> bool:
    """Whether the line ending at `end` is a definition list's term: the next line, or the one after a blank line,
    opens on a definition's marker (`:   L'adresse e-mail ne correspond à aucun salarié.`)."""
    at = end
    for _ in range(2):
        if (at := text.find("\n", at)) < 0:
            return False
        following = text[at + 1:(after if (after := text.find("\n", at + 1)) >= 0 else len(text))]
        if following.strip():
            return _DEFINITION.match(following) is not None
        at += 1
    return False


def _indent_below(text: str, end: int) -> int | None:
    """How far the next line that is not blank after the line ending at `end` is indented (`_columns`); None if there
    is none."""
    at = text.find("\n", end)
    while at >= 0:
        after = text.find("\n", at + 1)
        following = text[at + 1:after if after >= 0 else len(text)]
        if following.strip():
            return _columns(following)
        at = after
    return None


def _code(body: str, start: int, indent: int) -> list[Line]:
    """A line of a fenced code block, keeping its indentation beyond the fence's (`indent` characters): YAML's
    nesting and Python's blocks are meaning, which a stripped line loses ("proxy:" then "url: ..." one level up)."""
    cut = min(indent, len(body) - len(body.lstrip(" \t")))
    code = body[cut:].rstrip()
    return [Line(code, start + cut, start + cut + len(code))] if code.strip() else []


def _closes(line: str, fence: tuple[str, int]) -> bool:
    """Whether a line (stripped) closes a fence: its character alone, at least as many times."""
    char, length = fence
    return len(line) >= length and line == char * len(line)


__all__ = ["parse_markdown"]
