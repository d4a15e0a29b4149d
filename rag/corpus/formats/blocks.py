"""A document read block by block (Word, OpenDocument): the one text its citations index, each block (a paragraph,
a list item, a table row) followed by "\\n", and its lines under the headings met so far.

The formats whose files hold no text to cite into (zipped XML) make that text themselves: this is where it is put
together, the same way for each of them, so that a passage of a .docx and one of an .odt are cut and cited alike.

Most people write a Word or LibreOffice document without heading styles: every paragraph in the default style, a
heading set apart by making it bold, and larger for the main ones. In a document with no heading of its own (no
heading style, no outline level: one that has some marks its headings so, and its bold lines are emphasis), a
paragraph all in bold is a heading where it reads as one and heads something (`_bold_headings`), unless it is a
line of a letter or a table's: a letter's subject, head or closing (`rag.corpus.formats.letters`), a caption
(`_CAPTION`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from rag.corpus.formats.base import Line, Outline, Parsed, Section, lines_with_offsets
from rag.corpus.formats.letters import read_letter
from rag.corpus.formats.line_shapes import short
from rag.corpus.formats.text import reads_as_heading

# The paragraph styles of text whose bold is no heading's: captions and quotations, by name (lower case, spaces
# single): Word's "caption", "Quote", "Intense Quote" and French names; LibreOffice's "Caption" (its "Figure",
# "Table", "Illustration" inherit from it), "Quotations" (or "Block Quotation", as newer versions may show it)
ASIDE_STYLE = re.compile(r"caption|l[ée]gende|(?:intense )?quote|quotations|block quotation|citation(?: intense)?")
_HEADING_STYLE = re.compile(r"heading (?P<level>[1-9])|title")  # Word's names, in a .docx and a .doc's user styles
_CONTENTS_STYLE = re.compile(r"toc [1-9]|toc heading")  # a table of contents' entries and heading
# A caption, by the label and number Word's and LibreOffice's caption tools write ("Tableau 2 : tarifs 2026", "Figure
# 1 – Plan du réseau", "Abb. 3"; a number, a roman numeral or a letter, then a colon, a dash, a full stop or
# nothing; a numeral or a letter joined to a word by its dash is none: "TABLE CI-DESSOUS"): it names the table or
# figure beside it, as a paragraph in a caption style does (`ASIDE_STYLE`), never the text after it; in bold at the
# body's size, it read as a heading over its table's rows and the text after them
_CAPTION = re.compile(r"(?i:tableau|table|tabelle|tabla|tabella|tabel|figure|figura|fig\.|abbildung|abb\.|"
                      r"illustration|graphique|sch[ée]ma|dessin|drawing|chart)\s+"
                      r"(?:\d[\d.\-]*\s*(?:[:.–—-]|$)|(?:[IVXLC]+|[A-Z])\s*(?:[:.–—]|-(?!\w)|$))")


def word_style(name: str, outline: int | None) -> tuple[str | None, int] | None:
    """What a Word paragraph style makes of a paragraph by its `name` (lower case, spaces single) and its outline level
    (`outline`: 0 to 8 a heading's, 9 body text's, None: it sets none): ("title", 0), ("heading", 1..9), ("contents",
    0) (an entry of a table of contents), ("aside", 0) (a caption or a quotation: body text whose bold heads nothing,
    `ASIDE_STYLE`) or (None, 0), body text; None where neither says (the style it is based on may)."""
    if named := _HEADING_STYLE.fullmatch(name):
        return ("title", 0) if name == "title" else ("heading", int(named.group("level")))
    if _CONTENTS_STYLE.fullmatch(name):
        return "contents", 0
    if ASIDE_STYLE.fullmatch(name):
        return "aside", 0
    if outline is not None:
        return ("heading", outline + 1) if outline < 9 else (None, 0)
    return None


@dataclass(frozen=True)
class Font:
    """How text is set, as far as telling a heading typed as a bold line goes: in bold or not, and its size in points.
    A paragraph's: all its text in bold or not; its size, all in bold, that of its largest text, else that of its
    first text not in bold (where the text it is set in shows: "**Important :** les billets ..." is body text)."""

    bold: bool
    size: float


class Measure:
    """How a paragraph is set (`font`, as `Font` says: None if it shows no text), measured as a parser reads its
    text piece by piece (`saw`): the size of its largest text in bold, up to its first text not in bold."""

    __slots__ = ("_largest", "_plain")

    def __init__(self) -> None:
        self._largest = 0.0
        self._plain: float | None = None

    def saw(self, text: str, font: Font) -> None:
        """Text of the paragraph, set in `font`."""
        if self._plain is None and text.strip():
            if font.bold:
                self._largest = max(self._largest, font.size)
            else:
                self._plain = font.size

    @property
    def font(self) -> Font | None:
        if self._plain is not None:
            return Font(False, self._plain)
        return Font(True, self._largest) if self._largest else None


@dataclass(frozen=True)
class _Block:
    text: str
    kind: str | None  # "heading", "title", "subject" (a letter's: body text, and its title), or None: body text
    level: int
    item: bool  # a list item or a table row
    font: Font | None  # a body paragraph's, where the parser read it (`BlockText.measures`)
    opens_table: bool = False  # a table's first row (`Line.opens_table`)


def may_head(text: str) -> bool:
    """Whether a paragraph's text could head a section if it is all in bold: one line that reads as a heading, by the
    rule HTML and Markdown apply to their bold paragraphs (`reads_as_heading`); a blank one heads nothing. Most
    paragraphs are too long to: a parser reads their fonts only after such a line (`BlockText.measures`)."""
    shown = text.strip()
    return bool(shown) and "\n" not in shown and reads_as_heading(" ".join(shown.split()))


class BlockText:
    """The text of a document made by `add`ing its blocks in reading order, then read by `parsed`."""

    def __init__(self) -> None:
        self._blocks: list[_Block] = []

    def measures(self, text: str) -> bool:
        """Whether `add` wants the font of a body paragraph of `text` that comes next: when it may head a section
        (`may_head`), or when it would be what a bold line before it heads. A parser that reads fonts at no cost may
        give them all."""
        return bool(text.strip()) and (may_head(text) or (bool(self._blocks) and _bold_line(self._blocks[-1])))

    def add(self, text: str, kind: str | None = None, level: int = 0, item: bool = False,
            font: Font | None = None, opens_table: bool = False) -> None:
        """Add one block: body text (`kind` None), whose lines join the open section, `item` marking a list item's or
        a table row's (`opens_table`: a table's first row), `font` how a paragraph is set (None: not read,
        `measures`); a heading ("heading") of `level` (1 the outermost), which opens a section named by its text
        under the headings still open; or a title ("title"), which opens one no heading stands over, and closes the
        headings open, as what follows stands under it. A blank block is left out."""
        if text.strip():
            self._blocks.append(_Block(text, kind, level, item, font, opens_table))

    def parsed(self, title: str | None) -> Parsed:
        """The sections that hold lines, and the text they index; the title is `title` (the document's properties),
        else the first title block's text."""
        sections, outline = [Section(None)], Outline()  # text before the first heading has none
        pieces: list[str] = []
        offset, first_title, subject = 0, None, None
        for block in _bold_headings(self._blocks):
            text = block.text
            if block.kind == "subject":
                subject = subject or " ".join(text.split())
            if block.kind in (None, "subject"):
                sections[-1].lines.extend(Line(line.text, offset + line.start, offset + line.end, block.item,
                                               opens_table=block.opens_table and n == 0)
                                          for n, line in enumerate(lines_with_offsets(text)))
            else:
                heading = " ".join(text.split())
                if block.kind == "title":
                    first_title = first_title or heading
                    outline = Outline()  # a title stands over what follows: no heading before it does
                start = offset + len(text) - len(text.lstrip())
                sections.append(Section(heading, heading_start=start) if block.kind == "title"
                                else outline.section(block.level, heading, start))
            pieces.append(text + "\n")
            offset += len(text) + 1
        return Parsed([s for s in sections if s.lines], title=title or first_title or subject, text="".join(pieces),
                      blocks=True)


def _bold_line(block: _Block) -> bool:
    """Whether a block may be a heading typed as a bold line: a body paragraph all in bold (not a list item nor a table
    row, each of which a parser marks `item`) whose text `may_head` (not "Attention : ...", nor a sentence), and that
    is no caption (`_CAPTION`)."""
    return block.kind is None and not block.item and block.font is not None and block.font.bold and \
        may_head(block.text) and not _CAPTION.match(block.text.lstrip())


def _set_apart(size: float, block: _Block) -> bool:
    """Whether body text (`block`, not a bold line) is set apart from a bold line of `size` above it as a heading's
    text is: not in bold, and not larger (a caption in 9 pt over text in 11 pt is no heading); or in bold, but smaller
    (a title over a lead paragraph in bold; a letter all in bold has no headings). A list item, a table row or a
    paragraph whose font was not read is."""
    font = None if block.item else block.font
    return font is None or (font.size < size if font.bold else font.size <= size)


def _bold_headings(blocks: list[_Block]) -> list[_Block]:
    """The blocks, with the bold paragraphs that head sections made headings, in a document with no heading of its own.

    A bold line (`_bold_line`) heads a section when the block after it is body text set apart from it (`_set_apart`:
    not in bold and not larger, or in bold but smaller), or is such a heading in a smaller size ("Acheter son billet"
    in 14 pt over "Où acheter ?" in 11 pt): one followed by a bold line as large, by text in bold as large, by a
    styled title or by nothing heads nothing (a signature, an address set in bold, a letter typed all in bold). Levels
    rank the sizes of those headings, the largest 1. The first of them is the title (a "title" block, the document's
    title when its properties give none) when it is larger than every other, as a title typed in 18 pt over headings
    in 14 and 11 pt is, unless a paragraph in the Title style is there: that one is, and a bold line in the short
    lines above it (a company's name, "CONFIDENTIEL", an address: a letterhead) is text. A letter's subject line
    (`rag.corpus.formats.letters.read_letter`) heads nothing: it is a "subject" block, text that titles the document
    where nothing else does, as the letter's text, above and below it, is all about it (the title is larger than it,
    as it was than every other heading); the bold lines of the letter's head above it, and those right above and
    under its closing formula, head nothing either. A document with a heading of its own (a style, an outline level)
    keeps its bold lines as text: it says what its headings are."""
    if any(block.kind == "heading" for block in blocks):
        return blocks
    title = next((i for i, block in enumerate(blocks) if block.kind == "title"), 0)
    letterhead = title if all(short(block.text.strip()) for block in blocks[:title]) else 0
    bold = {i: block.font.size for i, block in enumerate(blocks[letterhead:], letterhead)
            if block.font is not None and _bold_line(block)}
    letter = read_letter(blocks, bold)
    subject = {} if letter.subject is None else {letter.subject: bold[letter.subject]}
    blocks = [replace(block, kind="subject") if i in subject else block for i, block in enumerate(blocks)]
    sizes = {i: size for i, size in bold.items() if i not in subject and i not in letter.text}
    heads: dict[int, float] = {}
    ranked = dict(subject)  # the subject stands as the heading it reads as, under a larger one, below the title
    for i in sorted(sizes, reverse=True):  # from the end: whether a bold line heads anything depends on the next
        after = i + 1
        if (after in ranked and ranked[after] < sizes[i]) or (after < len(blocks) and after not in sizes and
                                                               blocks[after].kind is None and
                                                               _set_apart(sizes[i], blocks[after])):
            heads[i] = ranked[i] = sizes[i]
    if not heads:
        return blocks
    first = min(ranked)
    titled = first in heads and len(ranked) > 1 and \
        heads[first] > max(size for i, size in ranked.items() if i != first) and \
        not any(block.kind == "title" for block in blocks)  # a paragraph in the Title style is the title
    ranks = sorted({size for i, size in heads.items() if not (titled and i == first)}, reverse=True)
    return [block if i not in heads else replace(block, kind="title", level=0) if titled and i == first
            else replace(block, kind="heading", level=ranks.index(heads[i]) + 1) for i, block in enumerate(blocks)]


def bold_heading_levels(lines: list[tuple[str, Font | None]]) -> tuple[dict[int, int], int | None]:
    """Which of a document's lines of body text (each with how it is set, None where that is unknown) head sections by
    the rule of bold lines (`_bold_headings`), a PDF's as a Word document's: their indexes, each with its level (1
    the outermost; 0 the title, a line larger than every other heading before them all), empty where none does; and
    the index of its letter's subject line (None without one), text that titles the document where nothing else
    does."""
    blocks = _bold_headings([_Block(text, None, 0, False, font) for text, font in lines])
    return ({i: block.level for i, block in enumerate(blocks) if block.kind in ("heading", "title")},
            next((i for i, block in enumerate(blocks) if block.kind == "subject"), None))


__all__ = ["ASIDE_STYLE", "BlockText", "Font", "Measure", "bold_heading_levels", "may_head", "word_style"]
