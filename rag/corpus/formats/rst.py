"""reStructuredText (`.rst`, `.rest`): the sources of Sphinx and Read the Docs sites, read through docutils' doctree
(`rag.corpus.formats.rst_directives`) into the sections a Markdown page gives.

Each block is one line (`Parsed.blocks`): a paragraph, a list item's text (after its number, as the page shows it, "2."
or "(b)"), a definition list's or a field list's term and its first paragraph ("Délai : 14 jours", as the HTML reader
joins `<dt>` and `<dd>`; in a list of questions, an FAQ, each question heads its answer), an option and its
description, a table row (its cells joined by `CELL_SEPARATOR`, a grid, simple, list or CSV table alike), a line of
code (indented as it is below its block's margin, as a Markdown fence's); inline markup is its text (a link's, a role's
as Sphinx shows it, a substitution's replacement), comments, targets and raw markup are left out. Sections open
sections under the ones around them; the title of an admonition, a topic, a sidebar or a directive docutils does not
know (a tab's label, a function's signature) heads what it holds, as a Markdown admonition's does, and what follows it
is the section's around it again; a rubric heads what follows it to the next heading. The document's title: a
`.. title::`, else a `:title:` in the field list that opens the page (Sphinx's file-wide metadata, which is no text of
the page), else the first section's title.

Every line's offsets span the source lines it comes from (from its first word to its last where the lines hold
them), exact where the line is the source's own text (a plain paragraph on one line, a line of code).

A page docutils cannot read (a line longer than `LINE_LIMIT`, where docutils would parse nothing; an error inside
docutils, such as Python's recursion limit on lists nested hundreds deep) or longer than `RST_MAX_CHARS` is read as
plain text (`rag.corpus.formats.text`), and the ingest report says why: its text is worth more searchable than
refused.
"""

from __future__ import annotations

from collections.abc import Iterator

from docutils import nodes

from rag.corpus.formats.base import CELL_SEPARATOR, Line, Outline, Parsed, Section
from rag.corpus.formats.numbering import letters, roman
from rag.corpus.formats.rst_directives import LINE_LIMIT, NOT_INCLUDED, doctree
from rag.corpus.formats.text import parse_text

_CONTAINED = 100  # how much deeper a container's sections stand than those around it (its title halfway)
_RUBRIC = _CONTAINED - 1  # a rubric stands under the sections open, and the next one closes it
_DEPTH = 3  # substitutions expanded inside substitutions, at most
_SKIPPED = (nodes.comment, nodes.substitution_definition, nodes.target, nodes.pending, nodes.raw, nodes.image,
            nodes.decoration, nodes.transition, nodes.colspec, nodes.meta, nodes.label, nodes.generated)
_TEXT_BLOCKS = (nodes.paragraph, nodes.line, nodes.attribution, nodes.caption, nodes.subtitle)
_HIDDEN = (nodes.comment, nodes.substitution_definition, nodes.pending, nodes.raw, nodes.image, nodes.system_message,
           nodes.generated)  # inline: no text a reader sees
# docutils turns a form feed and a vertical tab into a space before it splits the page into lines, where
# `str.splitlines` would split on them: the lines and their offsets here must be docutils' lines
_AS_SPACE = str.maketrans("\f\v", "  ")
# The longest page parsed as reStructuredText: docutils takes 10 to 15 s and 430 MB of memory a MB of dense inline
# markup (a role every few words), minutes and gigabytes at the ingest's 20 MB; the longest page of the Sphinx sites
# read here held 266 KB
RST_MAX_CHARS = 1_500_000
_TAB_WIDTH = 8  # docutils' `tab_width`, left at its default (`rst_directives.doctree`)
_SEARCHED = 50  # lines below the last one read where a block whose nodes carry no line of their own is looked for


def parse_rst(text: str) -> Parsed:
    """reStructuredText, as this module's docstring says. Never raises on markup: docutils' errors leave out no text
    (an unknown directive's content is kept, a malformed table's source lines are lines)."""
    if len(text) > RST_MAX_CHARS:
        return _as_text(text, f"it holds {len(text):,} characters, over the {RST_MAX_CHARS:,} rag parses as "
                              "reStructuredText (docutils' time and memory grow with the page's markup)")
    source = text.translate(_AS_SPACE)  # the same length: offsets in it are offsets in `text`
    lines = source.splitlines()
    if long := next((n for n, line in enumerate(lines, 1) if _too_long(line)), None):
        return _as_text(text, f"line {long:,} is over {LINE_LIMIT:,} characters, which docutils does not parse")
    try:
        document = doctree(source)
    except Exception as exc:  # docutils' own failure on a page it has no rule for (RecursionError: nesting too deep)
        return _as_text(text, f"docutils could not parse it ({type(exc).__name__}: {str(exc)[:80]})")
    try:
        return _Reader(source, lines, document).parsed()
    except RecursionError:  # a doctree docutils could build nested deeper than the reader's recursion can follow
        return _as_text(text, "its blocks are nested too deep to read")


def _too_long(line: str) -> bool:
    """Whether docutils would refuse the line: over `LINE_LIMIT` as it measures it, tabs expanded to its 8 columns
    and trailing space stripped (a line of tabs under the limit is over it once expanded)."""
    return len(line) * _TAB_WIDTH > LINE_LIMIT and len(line.expandtabs(_TAB_WIDTH).rstrip()) > LINE_LIMIT


def _as_text(text: str, why: str) -> Parsed:
    parsed = parse_text(text)
    parsed.changes.append(f"read as plain text, not as reStructuredText: {why}")
    return parsed


class _Reader:
    """The doctree read in document order into sections of lines, each line's offsets found from the source lines
    its nodes say they stand on (`_span`)."""

    def __init__(self, text: str, lines: list[str], document: nodes.document) -> None:
        self.text, self.lines, self.document = text, lines, document
        self.starts = [0]
        for raw in text.splitlines(keepends=True):
            self.starts.append(self.starts[-1] + len(raw))
        self.sections = [Section(None)]
        self.outline = Outline()
        self.depth = 0  # sections open around the node read, and containers' depth (`_CONTAINED` each)
        self.title: str | None = document.get("title") or None
        self.budget = len(text)  # what substitution references may cost, in all: the page's length (`_substituted`)
        self.expanding: list[str] = []
        self.replacements: dict[tuple[str, int], str] = {}  # a definition's text by its name and depth
        self.cursor = 1  # the source line of the last block read

    def parsed(self) -> Parsed:
        body = [child for child in self.document.children if not isinstance(child, (*_SKIPPED, nodes.system_message))]
        for child in self.document.children:
            if body and child is body[0] and isinstance(child, nodes.field_list):
                self._metadata(child)
            else:
                self._block(child, False)
        return Parsed([s for s in self.sections if s.lines], title=self.title, blocks=True, changes=self._changes())

    def _changes(self) -> list[str]:
        """What the page lacks: the files its `.. include::` and `.. literalinclude::` name, never read."""
        files = self.document.get(NOT_INCLUDED, [])
        if not files:
            return []
        shown = ", ".join(name or "(no name)" for name in files[:5]) + (", ..." if len(files) > 5 else "")
        return [f"{len(files):,} included file{'s' if len(files) > 1 else ''} not read (rag reads no other file than "
                f"the page): {shown}"]

    def _metadata(self, fields: nodes.field_list) -> None:
        """Sphinx's file-wide metadata, a field list before anything else: no text; its `:title:` titles the page."""
        for field in fields.children:
            if field[0].astext().strip().lower() == "title" and not self.title:
                self.title = self._text(field[1]) or None

    # -- blocks

    def _block(self, node: nodes.Node, item: bool) -> None:
        if isinstance(node, _SKIPPED) or not isinstance(node, nodes.Element):
            return
        if isinstance(node, nodes.system_message):
            self._refused(node)
        elif isinstance(node, nodes.section):
            self._section(node)
        elif isinstance(node, (nodes.literal_block, nodes.doctest_block, nodes.math_block)):
            self._code(node)
        elif isinstance(node, _TEXT_BLOCKS):
            self._line(self._text(node), [node], item)
        elif isinstance(node, nodes.rubric):
            self._heading(self._text(node), node, self.depth + _RUBRIC)
        elif isinstance(node, (nodes.bullet_list, nodes.enumerated_list)):
            self._list(node)
        elif isinstance(node, nodes.definition_list) and 2 <= sum(map(self._asks, node)) >= len(node) / 2:
            self._questions(node)
        elif isinstance(node, (nodes.definition_list, nodes.field_list, nodes.option_list)):
            for entry in node.children:
                self._entry(entry)
        elif isinstance(node, nodes.table):
            self._table(node)
        elif isinstance(node, (nodes.footnote, nodes.citation)):
            self._children(node, item, f"[{node[0].astext()}] " if isinstance(node[0], nodes.label) else "")
        elif isinstance(node, (nodes.Admonition, nodes.topic, nodes.sidebar, nodes.container)):
            self._contained(node, item)
        else:  # a block quote, a line block, a compound paragraph, a figure: what they hold
            self._children(node, item)

    def _children(self, node: nodes.Element, item: bool, lead: str = "") -> None:
        """The blocks `node` holds, `lead` in front of its first paragraph's text (a list item's number)."""
        for child in node.children:
            if lead and isinstance(child, nodes.paragraph):
                self._line(lead + self._text(child), [child], item)
                lead = ""
            else:
                self._block(child, item)

    def _section(self, node: nodes.section) -> None:
        self.depth += 1
        title = node.children[0] if node.children and isinstance(node[0], nodes.title) else None
        if title is not None:
            heading = self._text(title)
            if not self.title and heading:
                self.title = heading
            self._heading(heading, title, self.depth, under=1)
        for child in node.children[1 if title is not None else 0:]:
            self._block(child, False)
        self.depth -= 1

    def _heading(self, heading: str, node: nodes.Element, level: int, under: int = 0) -> None:
        """Open a section headed by `heading` at `level`; `under`: its text stands on the line above the node's (a
        section's title, whose node is on its underline)."""
        if heading:
            first = (node.line or 0) - under
            if not (0 < first <= len(self.lines) and self._holds(first, node.rawsource)):
                first = self._below(heading)[0]  # a title in a directive's content carries no line
            self.sections.append(self.outline.section(level, heading, self._span(heading, first, first)[0]))
            self.cursor = first

    def _contained(self, node: nodes.Element, item: bool) -> None:
        """An admonition, a topic, a sidebar or a kept directive: its title heads what it holds."""
        title = node[0] if node.children and isinstance(node[0], nodes.title) else None
        self._headed([(title, node.children[1 if title is not None else 0:])], item)

    def _headed(self, parts: list[tuple[nodes.Element | None, list[nodes.Node]]], item: bool) -> None:
        """Blocks, each part's under its title (if any) a level `_CONTAINED` halfway below the sections open; what
        follows them is the section's they stand in again."""
        saved, before, depth = self.outline.save(), self.sections[-1], self.depth
        for title, blocks in parts:
            if title is not None:
                self._heading(self._text(title), title, depth + _CONTAINED // 2)
            self.depth = depth + _CONTAINED
            for block in blocks:
                self._block(block, item)
            self.depth = depth
        if self.sections[-1] is not before:
            self.outline.restore(saved)
            self.sections.append(Section(before.heading, parents=before.parents))

    def _list(self, node: nodes.Element) -> None:
        enumerated = isinstance(node, nodes.enumerated_list)
        start, kind = node.get("start", 1), node.get("enumtype", "arabic")
        for n, entry in enumerate(node.children, start):
            if not isinstance(entry, nodes.list_item):
                continue
            number = n if kind == "arabic" else letters(n) if kind.endswith("alpha") else roman(n)
            label = str(number).upper() if kind.startswith("upper") else str(number)
            self._children(entry, True, f"{node.get('prefix', '')}{label}{node.get('suffix', '')} " if enumerated
                           else "")

    def _entry(self, entry: nodes.Node) -> None:
        """A definition list's term, a field list's name or an option list's options, with its first paragraph on
        its line ("Délai : 14 jours"), as the HTML reader joins a `<dt>` and its `<dd>`; the rest below."""
        if not isinstance(entry, nodes.Element):
            return
        heads = [child for child in entry.children if isinstance(child, (nodes.term, nodes.classifier,
                                                                            nodes.field_name, nodes.option_group))]
        term = " : ".join(text for child in heads if (text := self._text(child)))
        body = next((child for child in entry.children if isinstance(child, (nodes.definition, nodes.field_body,
                                                                             nodes.description))), None)
        first = body[0] if body is not None and body.children and isinstance(body[0], nodes.paragraph) else None
        if first is not None and term:
            said = self._text(first)
            joint = " " if term.endswith((":", "?", "!", ".")) else ": "
            self._line(term + joint + said if said else term, [*heads, first], True)
        else:
            self._line(term, heads, True)
        if body is not None:
            for child in body.children[1 if first is not None else 0:]:
                self._block(child, True)

    def _asks(self, entry: nodes.Node) -> bool:  # a definition list entry's term: "Le ticket ne sort plus, que faire ?"
        return isinstance(entry, nodes.Element) and bool(entry.children) and isinstance(entry[0], nodes.term) and \
            self._text(entry[0]).rstrip().endswith("?")

    def _questions(self, node: nodes.definition_list) -> None:
        """A list of questions (two or more, half its terms at least: an FAQ as Sphinx pages write one): each term heads
        its answer, as an FAQ's question does in Markdown."""
        self._headed([(entry[0], [block for body in entry.children[1:] if isinstance(body, nodes.definition)
                                  for block in body.children])
                      for entry in node.children
                      if isinstance(entry, nodes.Element) and entry.children and isinstance(entry[0], nodes.term)],
                     False)

    def _table(self, node: nodes.table) -> None:
        for child in node.children:
            if isinstance(child, nodes.title):
                self._line(self._text(child), [child], False)
        rows = [row for row in node.findall(nodes.row) if row.parent.parent.parent is node]  # not a nested table's
        for n, row in enumerate(rows):
            blocks = [list(_text_blocks(entry)) for entry in row.children]
            cells = [" ".join(text for block in held if (text := self._text(block))) for held in blocks]
            self._line(CELL_SEPARATOR.join(cell for cell in cells if cell), [b for held in blocks for b in held],
                       True, opens_table=n == 0)

    def _code(self, node: nodes.Element) -> None:
        """Each line of a literal block, indented as it is below the block's margin, at its own source line."""
        first = node.line or 0
        code = node.astext().splitlines()
        margin = min((len(line) - len(line.lstrip()) for line in code if line.strip()), default=0)
        for n, line in enumerate(code):
            shown = line[margin:].rstrip()
            if not shown.strip():
                continue
            at = first + n
            if 0 < at <= len(self.lines) and self.lines[at - 1].rstrip().endswith(shown):
                end = self.starts[at - 1] + len(self.lines[at - 1].rstrip())
                self._add(Line(shown, end - len(shown), end))
                self.cursor = at
            else:
                self._line(shown, [], False, stripped=False)

    def _refused(self, message: nodes.system_message) -> None:
        """An error docutils reports with the source it could not read (a malformed table, a title where none may
        stand): that source's lines, each as written; a warning's nodes are read where they stand."""
        if message.get("level", 0) < 3:
            return
        for child in message.children:
            if isinstance(child, nodes.literal_block):
                self._code(nodes.literal_block(child.astext(), child.astext(), line=message.line))

    # -- lines

    def _line(self, text: str, found: list[nodes.Node], item: bool, opens_table: bool = False,
              stripped: bool = True) -> None:
        text = " ".join(text.split()) if stripped else text
        if text.strip():
            first, last = self._lines(found) or self._below(text)
            start, end = self._span(text, first, last)
            self._add(Line(text, start, end, item=item, opens_table=opens_table))
            self.cursor = first

    def _add(self, line: Line) -> None:
        self.sections[-1].lines.append(line)

    def _lines(self, found: list[nodes.Node]) -> tuple[int, int] | None:
        """The first and last source lines (1-based) the nodes stand on: each its `line`, a text block over as many
        lines as its source holds, where that line holds the node's first word (a CSV table's cells count from
        their own first line, not the page's); None where none does."""
        firsts, lasts = [], []
        for node in found:
            line = node.line if isinstance(node, nodes.Element) else None
            if line and 0 < line <= len(self.lines) and self._holds(line, node.rawsource):
                firsts.append(line)
                lasts.append(min(len(self.lines), line + node.rawsource.count("\n")))
        return (min(firsts), max(lasts)) if firsts else None

    def _holds(self, line: int, raw: str) -> bool:
        words = raw.split(None, 1)
        return not words or words[0] in self.lines[line - 1]

    def _below(self, text: str) -> tuple[int, int]:
        """The first of the `_SEARCHED` lines from the last one read that holds the text's first word (that line
        alone if none does)."""
        word = text.split(None, 1)[0]
        top = min(len(self.lines), self.cursor + _SEARCHED)
        line = next((n for n in range(self.cursor, top + 1) if n > 0 and word in self.lines[n - 1]), self.cursor)
        return line, line

    def _span(self, text: str, first: int, last: int) -> tuple[int, int]:
        """Where `text` stands in the source lines `first` to `last`: from its first word, where the first line holds
        it, to its last word, where the last line holds it; else those lines' text, from its first character to its
        last. Each search is within one line."""
        first, last = max(1, min(first, len(self.lines))), max(1, min(last, len(self.lines)))
        if not self.lines:
            return 0, 0
        last = max(first, last)
        opening, closing = self.lines[first - 1], self.lines[last - 1]
        words = text.split()
        at = opening.find(words[0]) if words else -1
        start = self.starts[first - 1] + (at if at >= 0 else len(opening) - len(opening.lstrip()))
        at = closing.rfind(words[-1]) if words else -1
        end = self.starts[last - 1] + (at + len(words[-1]) if at >= 0 else len(closing.rstrip()))
        return start, max(start, end)

    # -- inline text

    def _text(self, node: nodes.Node) -> str:
        """A node's text as a reader sees it: markup left out, substitutions replaced (`_substituted`)."""
        if isinstance(node, nodes.Text):
            return node.astext()
        if isinstance(node, (nodes.substitution_reference)):
            return self._substituted(node)
        if isinstance(node, (nodes.footnote_reference, nodes.citation_reference)):
            return f"[{node.astext()}]" if node.astext() else ""
        if isinstance(node, nodes.option_group):  # "-o FILE, --output=FILE"
            return ", ".join(option[0].astext() + "".join(argument.get("delimiter", " ") + argument.astext()
                                                          for argument in option.children[1:])
                             for option in node.children)
        if isinstance(node, _HIDDEN) or not isinstance(node, nodes.Element):
            return ""
        return "".join(self._text(child) for child in node.children)

    def _substituted(self, node: nodes.Element) -> str:
        """A substitution's replacement: its definition's text, the substitutions it holds replaced in turn (`_DEPTH`
        deep, none inside itself); as written (`|version|`) when the page defines none (Sphinx's conf.py does),
        or once the references read reach the page's length, each counting its replacement's length and at least 1.
        Each definition's text is read once at each depth: a reference costs its replacement's length, never the
        references inside it again (a definition of 40 empty roles, referenced 40 times by another, in turn
        referenced 200 times, took 92 s)."""
        name = node.get("refname", "")
        definitions = self.document.substitution_defs
        key = name if name in definitions else self.document.substitution_names.get(name.lower())
        depth = len(self.expanding)
        if key is None or key in self.expanding or depth >= _DEPTH or self.budget <= 0:
            return node.rawsource or f"|{name}|"
        said = self.replacements.get((key, depth))
        if said is None:
            self.expanding.append(key)
            said = "".join(self._text(child) for child in definitions[key].children)
            self.expanding.pop()
            self.replacements[key, depth] = said
        self.budget -= max(1, len(said))
        return said if self.budget >= 0 else node.rawsource or f"|{name}|"


def _text_blocks(node: nodes.Element) -> Iterator[nodes.TextElement]:
    """The blocks of text (paragraphs, terms, code) `node` holds, in order, outside comments and error messages."""
    for child in node.children:
        if isinstance(child, nodes.TextElement) and not isinstance(child, nodes.Inline):
            yield child
        elif isinstance(child, nodes.Element) and not isinstance(child, (*_SKIPPED, nodes.system_message)):
            yield from _text_blocks(child)


__all__ = ["RST_MAX_CHARS", "parse_rst"]
