"""AsciiDoc (`.adoc`, `.asciidoc`, `.asc`): the sources of Antora sites and of repositories' documentation, read line
by line into the sections a Markdown page gives (no Python library keeps AsciiDoc's source positions: asciidoc-py
converts to HTML, asciidoctrine is an alpha).

The document header's `= Title` titles the document; `==` to `======` open sections under the ones around them. Each
block is one line (`Parsed.blocks`): a paragraph, a list item's text (after its bullet, `*`, `-`, `.`; from the
number it writes, "2.", as the page shows it), a labelled list's term and its definition ("Base de données: les
articles", as the reStructuredText reader joins them; in a `[qanda]` list, or one whose terms ask, each question
heads its answer, as an FAQ's does), a table row (`rag.corpus.formats.asciidoc_tables`), a block's title (`.Création
de la base`), a line of a listing or a literal block, as written. An admonition keeps its label as the source writes
it ("NOTE: ...", a `[WARNING]` block's first paragraph "WARNING: ..."). Inline markup reads as
`rag.corpus.formats.asciidoc_inline` says (attribute references replaced, macros as their text, marks left out).
Left out: the header's author and revision lines, attribute entries (`:toc:`), block attribute lines
(`[source,bash]`), anchors, delimiters, comments (`//`, `////`), conditional directives' lines (`ifdef::...[]`,
`endif::[]`: what they hold is read, whatever the attributes), block images, a table of contents' macro and
passthrough blocks (raw HTML).

`include::` is not followed: a document's text is its own file's (a shared file in the folder is read as a document
of its own); the ingest report names the files not read. A delimited block never closed ends with the file, as
Asciidoctor ends it. Linear in the file: each line is read once, a block's delimiter checked against the innermost
block open only, a paragraph cut into lines of at most `_PARAGRAPH_LINES` source lines.

Every line's offsets span the source lines it comes from (`source[start:end]` holds its words, but for what an
attribute reference or a macro's label adds), exact where the line is the source's own text (a line of code).
"""

from __future__ import annotations

import re

from rag.corpus.formats.asciidoc_inline import Attributes, shown
from rag.corpus.formats.asciidoc_tables import Table, listed_columns, table_format
from rag.corpus.formats.base import CELL_SEPARATOR, Line, Outline, Parsed, Section

# A section title (`== Prérequis`, `== Prérequis ==`, Markdown's `## Prérequis`), the document's with one mark
_TITLE = re.compile(r"(?P<marks>={1,6}|#{1,6})[ \t]+(?P<text>\S.*)")
_CLOSING_MARKS = re.compile(r"[ \t]+=+$")  # a title's symmetric closing marks, looked for in its last characters
# An attribute entry (`:product-name: Stockeo`), or one unsetting it (`:toc!:`, `:!toc:`)
_ENTRY = re.compile(r":(?P<off>!)?(?P<name>\w[\w-]*)(?P<unset>!)?:(?:[ \t]+(?P<value>.*))?$")
_DIRECTIVE = re.compile(r"(?:ifn?def|ifeval|endif)::[^\[]*\[.*\]$")
_INCLUDE = re.compile(r"include::(?P<target>[^\[]*)\[[^\]]*\]$")
# Delimiters: of blocks whose lines are read as written or not at all (listing, literal, passthrough, comment),
# of blocks holding blocks (example, sidebar, quote, open), of a table (`|===`, CSV's `,===`, DSV's `:===`)
_VERBATIM = re.compile(r"-{4,}|\.{4,}|\+{4,}|/{4,}")
_FENCE = re.compile(r"```[\w+#.-]*")  # Markdown's fenced code, a listing closed by ``` (its language named or not)
_COMPOUND = re.compile(r"={4,}|\*{4,}|_{4,}|--")
# a two-line title's underline marks by level, and its text: not opening with ".", holding a letter or digit
_UNDERLINES = "=-~^+"
_SETEXT_TITLE = re.compile(r"[^\W_]")
_TABLE = re.compile(r"(?P<separator>[|,:!])={3,}")
# A block's attribute list (`[source,bash]`, `[WARNING]`, `[cols="1,3"]`), an anchor, a block's title
_ATTRIBUTE_LIST = re.compile(r"\[(?P<body>[^\[\]]*)\]")
_ANCHOR = re.compile(r"\[\[[^\[\]]*\]\]|\[#[^\[\]]*\]")
_BLOCK_TITLE = re.compile(r"\.(?P<text>[^\s.].*)")
# A list item: its text after a bullet or an implicit number (`*`, `-`, `.`), from its number where it writes one
# ("2.", "b.", "iv)"; "M. Martin" opening a line stays whole), as the page shows it.
_ITEM = re.compile(r"[ \t]*(?:(?:\*{1,5}|-|\.{1,5}|<\d{1,3}>)[ \t]+(?P<text>\S.*)"
                   r"|(?P<numbered>(?:\d{1,9}\.|[a-zA-Z]\.|[ivxIVX]{1,6}\))[ \t]+\S.*))")
_TERM = re.compile(r"[ \t]*(?P<term>\S.*?)(?::{2,4}|;;)(?:[ \t]+(?P<text>\S.*))?$")
# thematic and page breaks, block macros that show no text here, a list continuation
_NO_TEXT = re.compile(r"'{3,}|<<<|-{3}|\*{3}|(?:image|video|audio|toc)::.*|\+")
_CHECKS = ("[x] ", "[X] ", "[*] ", "[ ] ")  # a checklist item's box, checked or not
_ADMONITIONS = ("NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION")
_CODE_STYLES = ("source", "listing", "literal")
_CALLOUT = re.compile(r"(?:[ \t]+(?://|#|--)?[ \t]*<\d{1,3}>)+[ \t]*$")
_HARD_BREAK = re.compile(r"[ \t]\+$")
_TAIL = 200  # the characters of a line where its callouts or a title's closing marks are looked for
_SUBS = re.compile(r"subs\s*=\s*[\"']?[^\"'\]]*\battributes\b")
_PARAGRAPH_LINES = 100  # a paragraph longer than this is cut into lines of this many source lines


class _Reader:
    """One document's reading, line by line (`read`), into its sections."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.attributes = Attributes(budget=len(text))
        self.sections: list[Section] = [Section(None)]
        self.outline = Outline()
        self.title: str | None = None
        self.level = 0  # the level of the heading the text stands under (0: none)
        self.paragraph: list[tuple[str, int, int]] = []  # the raw lines of the paragraph being read
        self.kind = "text"  # what the paragraph is: "text", "item", "term", "code"
        self.term: tuple[str, int] | None = None  # a labelled list's term being defined, and where it starts
        self.label: tuple[str, int] | None = None  # an admonition's label for the next paragraph, and where it stands
        self.style = ""  # the pending block attribute list's first item (`source`, `WARNING`, `qanda`)
        self.cols: int | None = None
        self.listed = ""  # the pending attribute list, a table's format and separator (`[separator=¦]`)
        self.substitutes = False  # the pending attribute list asks for attributes in a listing (`subs="attributes+"`)
        self.code_substitutes = False  # the code being read is such a listing's
        self.questions: tuple[tuple[tuple[int, str], ...], Section] | None = None  # an FAQ list open: as before it
        self.faq = False  # the list being read is a `[qanda]` one
        self.blocks: list[str] = []  # the compound blocks open, innermost last, by their delimiter
        self.verbatim: tuple[str, bool] | None = None  # the verbatim block open: its delimiter, whether it is text
        self.table: tuple[str, Table] | None = None  # the table open: its delimiter, its rows
        self.included: list[str] = []
        self.entry: tuple[str, list[str]] | None = None  # an attribute entry continued (" \"): its name, its lines
        self.header = True  # before the document's first block: the title and the header may still come

    def read(self) -> Parsed:
        pos = 0
        for raw in self.text.splitlines(keepends=True):
            self._line(raw.rstrip("\r\n"), pos)
            pos += len(raw)
        self._define("")
        self._flush()
        changes = []
        if self.table:
            self._close_table()
        if self.verbatim or self.blocks:
            changes.append("a delimited block is never closed: it runs to the end of the file")
        if self.included:
            shown_names = ", ".join(self.included[:5]) + (", ..." if len(self.included) > 5 else "")
            changes.append(f"{len(self.included):,} included file{'s' if len(self.included) > 1 else ''} not read "
                           f"(a document's text is its own file's): {shown_names}")
        title = shown(self.title, self.attributes) if self.title is not None else None
        return Parsed([s for s in self.sections if s.lines], title=title, blocks=True, changes=changes)

    def _line(self, raw: str, start: int) -> None:
        stripped = raw.strip()
        if self.verbatim is not None:
            if stripped == self.verbatim[0]:
                self.verbatim = None
            elif (include := _INCLUDE.fullmatch(stripped)) is not None:  # included where it stands: not its text
                self.included.append(self.attributes.substituted(include["target"]))
            elif self.verbatim[1] and stripped:
                self._code(raw, start)
            return
        if self.entry is not None:
            self._define(stripped)
            return
        if raw.startswith("//") and not _VERBATIM.fullmatch(stripped):
            return
        if self.table is not None:
            if stripped == self.table[0]:
                self._close_table()
            else:
                self.table[1].line(raw, start)
            return
        if not stripped:
            self._blank()
            return
        if self.header and self._headed(raw):
            return
        if self._underlined(stripped):
            return
        if (entry := _ENTRY.match(raw)) is not None:
            self._flush()
            if entry["off"] or entry["unset"]:
                self.attributes.unset(entry["name"])
            else:
                self.entry = (entry["name"], [])
                self._define((entry["value"] or "").strip())
        elif _DIRECTIVE.fullmatch(stripped) or _ANCHOR.fullmatch(stripped) or _NO_TEXT.fullmatch(stripped):
            self._flush()
        elif (include := _INCLUDE.fullmatch(stripped)) is not None:
            self._flush()
            self.included.append(self.attributes.substituted(include["target"]))
        elif self._delimiter(stripped, start):
            pass
        elif not self.paragraph and (title := _TITLE.fullmatch(raw)) is not None and self.kind != "code":
            self._heading(len(title["marks"]), title["text"], start)
        elif (attributes := _ATTRIBUTE_LIST.fullmatch(stripped)) is not None:
            self._flush()
            self._attributes(attributes["body"], start)
        elif (block_title := _BLOCK_TITLE.fullmatch(stripped)) is not None and not self.paragraph:
            self._add(shown(block_title["text"], self.attributes), start, start + len(raw))
        else:
            self._text(raw, start)

    def _headed(self, raw: str) -> bool:
        """Whether the line is the header's title, author or revision line (attribute entries are read as anywhere);
        the header ends at the first line that is none of those."""
        if self.title is None and (title := _TITLE.fullmatch(raw)) is not None and len(title["marks"]) == 1:
            self.title = title["text"]  # its references read once the header's entries are (`read`)
            return True
        if _ENTRY.match(raw) is not None:
            return False
        self.header = self.title is not None
        return self.header

    def _define(self, value: str) -> None:
        """Reads a line of the attribute entry being read: its value, continued on the next line where it ends with
        " \\" (the lines joined by a space, once the last is read)."""
        if self.entry is None:
            return
        name, parts = self.entry
        continued = value.endswith(" \\") or value == "\\"
        parts.append(value[:-1].rstrip() if continued else value)
        if not continued:
            self.entry = None
            self.attributes.define(name, " ".join(part for part in parts if part))

    def _underlined(self, stripped: str) -> bool:
        """A two-line section title: a line of text alone over an underline of one mark (`=` the document's title,
        `-`, `~`, `^`, `+` levels 1 to 4) as long as it, give or take 1, as Asciidoctor reads it (a delimiter under a
        line 2 longer or shorter opens its block); its text holds a letter or digit, and does not open with "."."""
        if (len(self.paragraph) != 1 or self.kind != "text" or len(stripped) < 2
                or stripped[0] not in _UNDERLINES or stripped.strip(stripped[0])):
            return False
        text, begin, _ = self.paragraph[0]
        if abs(len(text) - len(stripped)) > 1 or text[0] == "." or not _SETEXT_TITLE.search(text):
            return False
        self.paragraph = []
        level = _UNDERLINES.index(stripped[0]) + 1
        if level == 1 and self.title is None and not any(s.lines for s in self.sections):
            self.title = text
        else:
            self._heading(level, text, begin)
        return True

    def _blank(self) -> None:
        self.header = self.header and self.title is None
        if self.kind == "term" and self.term is not None and not self.paragraph:
            return  # a term whose definition comes after a blank line
        self._flush()

    def _delimiter(self, stripped: str, start: int) -> bool:
        """Opens or closes a delimited block on its delimiter's line; False on any other line."""
        if self.blocks and stripped == self.blocks[-1]:
            self._flush()
            self.blocks.pop()
            return True
        if _VERBATIM.fullmatch(stripped) or _FENCE.fullmatch(stripped):
            self._flush()
            shows = stripped[0] in "-.`" and self.style not in ("comment", "pass")
            self.verbatim = (stripped[:3] if stripped[0] == "`" else stripped, shows)
            self.code_substitutes, self.substitutes, self.style = self.substitutes, False, ""
            return True
        if (table := _TABLE.fullmatch(stripped)) is not None:
            self._flush()
            separator, delimited = table_format(table["separator"], self.listed)
            self.table = (stripped, Table(separator, self.cols, delimited))
            self.style, self.cols, self.listed = "", None, ""
            return True
        if _COMPOUND.fullmatch(stripped):
            self._flush()
            self.blocks.append(stripped)
            if self.style.upper() in _ADMONITIONS:
                self.label = (self.style.upper(), self.label[1] if self.label else start)
            self.style = ""
            return True
        return False

    def _attributes(self, body: str, start: int) -> None:
        """A block attribute list: its style, its `cols`, for the block below it."""
        first = body.split(",", 1)[0].strip().lstrip("%")
        self.style = first if "=" not in first else ""
        if (cols := listed_columns(body)) is not None:
            self.cols = cols
        self.listed = body
        self.substitutes = bool(_SUBS.search(body))
        if self.style.upper() in _ADMONITIONS:
            self.label = (self.style.upper(), start)
        if self.style in ("qanda", "horizontal") or "=" in first:
            self.faq = self.style == "qanda"

    def _heading(self, level: int, text: str, start: int) -> None:
        self._flush()
        self._end_questions()
        self.header = False
        self.level = level
        text = text.rstrip()
        if text.endswith("=") and (closing := _CLOSING_MARKS.search(text[-_TAIL:])) is not None:
            text = text[:len(text) - len(text[-_TAIL:]) + closing.start()]
        self.sections.append(self.outline.section(level, shown(text, self.attributes), heading_start=start))

    def _text(self, raw: str, start: int) -> None:
        """A line of text: a list item, a labelled list's term, or a paragraph's line."""
        if self.style in _CODE_STYLES and not self.paragraph:
            self.kind = "code"
        if self.kind == "code":
            self.paragraph.append((raw, start, start + len(raw)))
            return
        if (item := _ITEM.fullmatch(raw)) is not None:
            self._flush()
            self._end_questions()
            self.kind = "item"
            at = "text" if item["text"] else "numbered"
            text, begin = item[at], start + item.start(at)
            if text[:4] in _CHECKS:  # a checklist's box, no text of the item
                text, begin = text[4:].lstrip(), begin + 4 + len(text[4:]) - len(text[4:].lstrip())
            self.paragraph.append((text, begin, start + len(raw)))
        elif (term := _TERM.match(raw)) is not None and not raw.lstrip().startswith(("http", "xref:", "link:")):
            self._flush()
            self.kind = "term"
            self.term = (term["term"], start + term.start("term"))
            if term["text"]:
                self.paragraph.append((term["text"], start + term.start("text"), start + len(raw)))
        else:
            if not self.paragraph and self.kind == "text":
                if raw[:1].isspace():  # a literal paragraph: indented, its lines as written
                    self.kind = "code"
                    self.paragraph.append((raw, start, start + len(raw)))
                    self.style = ""
                    return
                self._end_questions()
            if len(self.paragraph) >= _PARAGRAPH_LINES:
                self._flush()
            lead = len(raw) - len(raw.lstrip())
            line = _HARD_BREAK.sub("", raw.strip())  # a hard line break's " +" ends a line of the paragraph
            self.paragraph.append((line, start + lead, start + len(raw.rstrip())))
        self.style = ""

    def _flush(self) -> None:
        """Ends the paragraph being read, adding its line (its lines, for code)."""
        paragraph, kind, term, label = self.paragraph, self.kind, self.term, self.label
        self.paragraph, self.kind, self.term = [], "text", None
        if kind == "code":
            for raw, start, _ in paragraph:
                self._code(raw, start)
            return
        if not paragraph and term is None:
            return
        said = shown(" ".join(part for part, _, _ in paragraph), self.attributes)
        first = paragraph[0][1] if paragraph else (term[1] if term else 0)
        end = paragraph[-1][2] if paragraph else first + len(term[0] if term else "")
        if term is not None:
            asked = shown(term[0], self.attributes)
            if self.faq or asked.endswith("?"):
                self._question(asked, term[1])
                if said:
                    self._add(said, first, end)
                return
            joint = " " if asked.endswith((":", "?", "!", ".")) else ": "
            self._add(asked + joint + said if said else asked, term[1], end, item=True)
            return
        if label is not None and not said.startswith(label[0]):
            said, first = f"{label[0]}: {said}", min(first, label[1])
        self.label = None
        self._add(said, first, end, item=kind == "item")

    def _question(self, asked: str, start: int) -> None:
        """An FAQ list's question: heads its answer, under the section the list stands in."""
        if self.questions is None:
            self.questions = (self.outline.save(), self.sections[-1])
        self.sections.append(self.outline.section(self.level + 1, asked, heading_start=start))

    def _end_questions(self) -> None:
        """An FAQ list ended: what follows is the section's it stood in, again."""
        if self.questions is not None:
            saved, before = self.questions
            self.outline.restore(saved)
            self.sections.append(Section(before.heading, heading_start=before.heading_start, parents=before.parents))
            self.questions = None
        self.faq = False

    def _code(self, raw: str, start: int) -> None:
        """A line of code as written (its callouts, `<1>`, left out), its references replaced where its listing's
        attributes ask for them (`[source,bash,subs="attributes+"]`)."""
        code = raw.rstrip()
        if code.endswith(">") and (callouts := _CALLOUT.search(code[-_TAIL:])) is not None:
            code = code[:len(code) - len(code[-_TAIL:]) + callouts.start()]
        if code.strip():
            shown_code = self.attributes.substituted(code) if self.code_substitutes else code
            self._add(shown_code, start, start + len(code))

    def _close_table(self) -> None:
        assert self.table is not None
        rows = self.table[1].close()
        self.table = None
        for n, (cells, _) in enumerate(rows):  # a nested table's rows, under the row holding it, go on with the table
            text = CELL_SEPARATOR.join(shown(cell, self.attributes) for cell, _, _ in cells)
            if text.strip(" |"):
                self._add(text, cells[0][1], cells[-1][2], item=True, opens_table=n == 0)

    def _add(self, text: str, start: int, end: int, *, item: bool = False, opens_table: bool = False) -> None:
        if text.strip():
            self.sections[-1].lines.append(Line(text, start, max(start, end), item=item, opens_table=opens_table))


def parse_asciidoc(text: str) -> Parsed:
    """AsciiDoc, as this module's docstring says. Never raises on markup: what it does not know is text. Raises
    ValueError on an OpenPGP signature or key, which `.asc` names too (`paquet.tar.gz.asc`, `KEYS.asc`)."""
    if text.lstrip("\ufeff \t\r\n").startswith("-----BEGIN PGP"):
        raise ValueError("an OpenPGP signature or key (ASCII-armored .asc), not an AsciiDoc document: no text to read")
    return _Reader(text).read()


__all__ = ["parse_asciidoc"]
