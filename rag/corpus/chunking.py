"""Cut documents into passages that the embedding model reads whole.

One passage per FAQ entry or headed section; a section too long for the model is split on line, then sentence,
then word boundaries, so that no passage (prompt and heading included) exceeds the model's maximum sequence length
in its own tokenizer's tokens. Nothing is truncated silently: a word too long for a passage alone is cut between
characters (Thai or Chinese prose), or left out if it is ASCII (base64, minified code, no text to search).

Where a section is split after a line that runs on into the next (a hard-wrapped line inside a sentence, a title or
a label, a line announcing a list with a colon), the passage ends at the last clean cut in its second half instead
(`rag.corpus.cuts`: a paragraph's, a list item's or a table row's end, or a sentence end inside a wrapped line): what
follows opens the next passage, rather than "...ils montent jusqu'au" ending one and "4e étage" opening the next, or a
subtitle ending a passage whose next one holds what it titles.

A passage that opens on a later row of a table whose header row an earlier passage holds (a long table cut) carries
that row (`Chunk.header`, `rag.passage.table_heads` saying which row heads a table): embedded and indexed between
its heading path and its text, its lines fitted beside it, so that "Zen | 19,99 €" is read under "Forfait | Tarif
mensuel". Its text and its span stay its own rows.

An FAQ entry's other fields (`Section.fields`: a spreadsheet row's id, paraphrases, state, date; a JSON record's
other keys) go the same way with each of its passages (`Chunk.fields`): embedded and indexed between the heading path
and the text, never quoted; lines after the answer instead where they take, with the heading path, more than half of
a passage's tokens.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from rag.corpus import sequences
from rag.corpus.cuts import clean_cuts, piece
from rag.corpus.formats.base import Line, Section
from rag.corpus.reader import Document, Skipped
from rag.passage import Chunk, sentence_breaks, table_heads, with_ids

TokenCounter = Callable[[Sequence[str]], list[int]]
# Bumped when the passages a file gives change (its parsing, sections or cuts), so that ingest rebuilds a build made
# the old way from an unchanged corpus. 2: heading paths, table rows, <div> text, cuts at sentence ends. 3: HTML
# furniture left out, <main> or <article> read alone. 4: sentences cut at Chinese and Japanese full stops, words too
# long for the model cut between characters, or left out if ASCII (base64, minified code); text files decoded anew
# (`rag.corpus.encoding`: UTF-32 by its mark, Windows-1252 files holding a UTF-8 sequence by chance read); Markdown
# code blocks hold no headings, HTML comments left out, front matter read as YAML, "## C#" keeps its "#". 5: an HTML
# definition list's term and first definition on one line; a line cut at its sentences joined back with spaces
# where its pieces share a passage; a plain-text line ending a block of short lines (an address) no title. 6: a lone
# title line before a text file's first section its title; a last line announcing nothing after it left out; a PDF
# without outline sectioned by its title lines. 7: a PDF's running headers and footers (up to four lines at a page's
# edge) left out of its passages; a PDF title line over a paragraph wrapped at the column's width a heading. 8: HTML
# buttons and labels apart from the words beside them. 9: a heading path leaves out the page's name a title gives
# with its site's ("Retours – MaBoutique"). 10: a Markdown fenced code block's lines keep their indentation. 11:
# an HTML <pre> block's lines apart, with their indentation. 12: a Word list paragraph opens on its number or bullet.
# 13: a PDF title's paragraph joins only lines that go on with its sentence; a line breaking a word heads nothing.
# 14: a PDF line runs on into the next only where that one's first word did not fit on it (a list item does not);
# a PDF's first line that its pages repeat as their header its title; a number alone near a page's edge a page
# number only where it counts as the pages do. 15: a text file's numbered outline (1. / 1.1) its headings, with
# their path; an HTML <summary>, or a paragraph all in bold that reads as a heading, a heading; so is a Markdown
# paragraph's opening line all in bold. 16: HTML furniture named by its class or id (a menu, a sidebar, a cookie
# notice) left out where measured to be furniture (`rag.corpus.formats.furniture`). 17: a text file's outline goes
# on with single numbers that follow one of its headings ("3." to "9." after "2." and its "2.1"). 18: an OpenDocument
# list's numbers in their format, after the levels above they show ("b)", "IV.", "2.1."); a Word list's counted with
# the other lists of its numbering definition, restarted where its own start overrides. 19: a text file's articles and
# divisions ("Article 4 – Mise en service", "ARTICLE 3" over its title line, "Chapitre II") its headings, an article
# over its clauses "4.1" (`rag.corpus.formats.legal`); the line under a title in its block ("Version en vigueur au
# ...") no heading, the title still the document's. 20: in a Word or OpenDocument file without heading styles, a
# paragraph all in bold that reads as a heading and heads some text a heading, its level from its size (the first,
# larger than all others, the title). 21: .csv and .tsv files read, one section per row (refused before: the
# corpus's hash is unchanged by the upgrade, and its tables would stay out of the build until some other file
# changed). 22: a text file's article lines that would head nothing (a table of contents, a list, the last line) its
# text, annexes beside its articles, an English contract's "Section 1.1" inside its article, more forms of article
# ("Article 3. – Prix", "Article 10-1"); a title's second line read so only under a title in capitals or in a file
# with articles. 23: a passage spans from its lines' first start to their last end, wherever they stand (a
# spreadsheet row's column left of its question, a line after its answer, cited at its own cell and no longer up to
# the answer's end); each piece of a long line holding a quote the file doubles (a spreadsheet's cell) cited at its
# own stretch, not at the whole line's; a spreadsheet's title row above its header, Excel's sep= line, a one-column
# file with commas, ID columns and HTML cells read anew. 24: a full stop ends a sentence (a passage's cut, a window's
# sentence) only before a capital or a digit and not after an initial or an abbreviation ("z. B.", "p. ej.", "M.
# Dupont"), as the answers' sentences end. 25: a PDF without outline sectioned by its lines set in bold or larger that
# read as headings, their levels by size (the largest first, a title when larger than all); a running header's or
# footer's line with a page number at one end ("Société – Page 2/4", "Guide – page 2") or framed ("— 2 —") left out.
# 26: a text file's German "§ 1 Allgemeines" and the German, Spanish, Italian and Portuguese divisions its headings, a
# decree's "Art. 2. - Le présent décret ..." an article with its text; a Word or OpenDocument bold line above the
# Title paragraph no parent of the headings after it; a spreadsheet's cell naming tags in prose ("Utilisez <b> et <i>
# ...") its text as written, not read as HTML; a text file's heading that heads nothing because an article or a
# division follows it (a question over "Article 5 : Le dépôt ...") its text, no longer dropped.
# 27: a passage that goes on with a long table cut by chunking carries its header row (`Chunk.header`), embedded and
# indexed before its text, and its lines fitted beside it; back to back tables apart (a Markdown separator row, a
# reader's first row), no table in a code block, nor of Markdown rows with no separator row, nor of a paragraph of cells
# a reader did not read as a row; a header row carried only if at most half of a passage's tokens. 28: a text file's one
# title line over its one body its title (its section's heading too). 29: a text file's headings drawn as underlined
# lines ("Résilier mon contrat" over "=====") its headings, levels by the order their styles appear, the rules no text,
# the file's one heading of the first style its title; a Markdown list item all in bold asking a question, its answer on
# the item's lines below ("- **Acceptez-vous le chèque énergie ?**" over "  Oui, ..."), an FAQ entry of its own headed
# by its question; a text file's article title in brackets, on the line under its number or after it ("Art. 1" over
# "(Finalità)", "Art. 1 (Finalità)"), heads the article with its number (before, the number alone headed it).
# 30: the text after a Markdown list of such FAQ entries back in the list's own section, not its first entry's; a text
# file's underlined line numbered ("1. Installation") or ending in brackets ("Version 2.1 (2024-03-01)") a heading,
# where it and its rule were text; a table's header row over a rule ("Désignation      Montant") no heading. 31: a text
# file's underlined line indented as code no heading. 32: a PDF's table as rows of cells; a docs site's Markdown as the
# site shows it; a long code block cut between its top-level blocks. 33: tools' exports as the tool shows them, markup
# left out. 34: Notion rows as pages; JSON number titles, \r. 35: `corpus.short_documents`. 36: a txt opening question
# titles it. 37: Zendesk furniture, FAQ draft rows out. 38: FAQ columns as fields. 39: .xlsx. 40: md admonition titles,
# definition terms head bodies; snippet includes out. 41: md tabs' margin. 42: .xlsx #,##0, dates. 43: md unclosed
# containers end at a heading. 44: HTML accordions. 45: HTML class titles. 46: .pptx, .odp read. 47: md multi-line
# summaries, </Tabs>, Hugo tabs, HTML links out. 48: HTML class titles' subtitles, <summary>, md TabItem label,
# Liquid/shortcode tabs, captions, tags, Tabs values, embeds, hints; .xlsx numbers; .ods hiding. 49: Strict .pptx,
# draw:a. 50: .pptx slide numbers, sections, cover, notes. 51: HTML comments, class titles; md hints, tabs, tags. 52:
# HTML site footer facts. 53: .docx/.odt notes, .odt outline numbers, merged rows, .docx linked levels. 54: footers' ©
# address, hours; .pptx sections, notes, charts. 55: txt clauses; Zendesk related. 56: © commas; Intercom. 57: HTML tab
# labels, heading panels; link lists out. 58: office HTML notes, items, Title, furniture. 59: office notes' paragraphs;
# feedback out. 60: chart values; PDF print furniture out. 61: one-page prints; toggle marks. 62: ODF charts. 63: .rtf.
# 64: .eml. 65: .doc. 66: .xls, .fods. 67: .rst. 68: .epub, .mbox. 69: .msg; print share rows. 70: .doc
# bold/hidden/lists, flat ODF, ruby, page numbers, notes, .msg RTF. 71: letters, captions, 2-row headers, locales,
# agendas, .doc hidden/cell lists, .eml base64, epub notes, odt depth. 72: .adoc; letters' signatures, PDF subjects;
# .doc script bold; .eml quoted-printable attached; epub off-spine notes, [A] marks, links back. 73: no cut inside a
# sequence of steps; sheets' merged notes, FAQ bands out; letters' plain annexes, greeting memos; .eml read up to its
# bounds; .adoc nested tables, passthrough; HTML contents links to headings, poll follow-up forms out. 74: HTML
# contents to sections/anchors, their label, tags lines, hidden follow-up divs out; data-target accordions; .adoc
# table separators; a sheet's last band a note; page-diff answers after an elided answer stand alone.
LAYOUT = 74
PROBE_CHARS_PER_TOKEN = 16  # an ASCII word of this many characters per passage token is counted by its prefixes


def _split_line(line: Line) -> list[Line]:
    """Split a line into sentences, keeping offsets."""
    pieces, cursor, after = [], 0, 0
    for match in sentence_breaks(line.text):
        pieces.append(piece(line, cursor, match.start(), after))
        cursor, after = match.end(), match.start()
    pieces.append(piece(line, cursor, len(line.text), after))
    return [p for p in pieces if p.text]


def _spans(text: str, cost: Callable[[list[str]], list[int]], budget: int, alone: int) -> list[tuple[int, int]]:
    """`text` as consecutive spans of whole words whose tokens, counted word by word, add up to at most `budget`. A
    word over `budget` is left out if it is ASCII and over `alone` too, what a passage holds without a heading (no
    prose has such a word: a base64 image, a minified script, a link hundreds of characters long), else cut between
    characters into as many even spans as its count asks (Chinese or Thai, written without spaces). One count for
    all the words: linear in the text."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    spans: list[tuple[int, int]] = []
    run: tuple[int, int] | None = None
    used = 0
    for (a, b), tokens in zip(words, cost([text[a:b] for a, b in words]), strict=True):
        if tokens > budget:
            if run:
                spans.append(run)
            run, used = None, 0
            if tokens > alone and text[a:b].isascii():
                continue
            parts = -(-tokens // budget)
            step = -(-(b - a) // parts)
            spans.extend((i, min(i + step, b)) for i in range(a, b, step))
        elif run is not None and used + tokens <= budget:
            run, used = (run[0], b), used + tokens
        else:
            if run:
                spans.append(run)
            run, used = (a, b), tokens
    if run:
        spans.append(run)
    return spans


class Chunker:
    """Packs section lines into passages of at most `max_tokens` tokens of what is embedded."""

    def __init__(self, count_tokens: TokenCounter, max_tokens: int) -> None:
        self.count_tokens = count_tokens
        self.max_tokens = max_tokens
        self._bare_tokens: int | None = None
        # an ASCII word this long is counted by its prefixes (`_long_word_tokens`); no tokenizer packs 16 characters
        # a token on average, so none of this length fits a passage
        self._probe = PROBE_CHARS_PER_TOKEN * max_tokens

    def _fits(self, context: str, lines: Sequence[Line]) -> bool:
        text = context + "\n" + "\n".join(line.text for line in lines)
        return self.count_tokens([text])[0] <= self.max_tokens

    def _holds_too_long_a_word(self, text: str) -> bool:
        """Whether `text` holds an ASCII word that counts more tokens than a passage holds, found without tokenizing
        `text` whole: a line that is one word of megabytes (a base64 file) cannot fit, and its tokenizer run alone
        took most of a minute and most of a gigabyte."""
        return any(m[0].isascii() and self._long_word_tokens(m[0]) > self.max_tokens
                   for m in re.finditer(rf"\S{{{self._probe},}}", text))

    def _atoms(self, context: str, lines: Sequence[Line]) -> list[tuple[Line, int]]:
        """Lines, with every line too long on its own broken into sentences, then into word runs; each with the
        number of the line it is of."""
        atoms: list[tuple[Line, int]] = []
        for number, line in enumerate(lines):
            if not self._holds_too_long_a_word(line.text) and self._fits(context, [line]):
                atoms.append((line, number))
                continue
            atoms.extend((atom, number) for sentence in _split_line(line) for atom in self._within(context, sentence))
        return atoms

    def _within(self, context: str, line: Line) -> list[Line]:
        """`line` as it fits: whole, else in runs of words, else a word cut between characters, each run checked
        with the tokenizer (counted word by word, a run may count more whole: it is halved until it fits)."""
        if not self._holds_too_long_a_word(line.text) and self._fits(context, [line]):
            return [line]
        if len(line.text) == 1:
            return [line]  # a character that does not fit beside its heading: the heading goes (see `chunk`)
        budget = max(1, self.max_tokens - self.count_tokens([context + "\n"])[0])
        spans = _spans(line.text, self._word_tokens, budget, self.max_tokens - self._bare)
        if spans == [(0, len(line.text))]:  # counted word by word it fits, whole it does not: halve it
            middle = len(line.text) // 2
            gaps = [(m.start(), m.end()) for m in re.finditer(r"\s+", line.text)
                    if m.start() > 0 and m.end() < len(line.text)]
            gap = min(gaps, key=lambda g: abs(g[0] - middle), default=(middle, middle))  # between words if it can
            spans = [(0, gap[0]), (gap[1], len(line.text))]
        ends = [0, *(b for _, b in spans)]
        return [atom for (a, b), after in zip(spans, ends, strict=False)
                for atom in self._within(context, piece(line, a, b, after))]

    def _word_tokens(self, words: list[str]) -> list[int]:
        """Each word's tokens as it counts inside a run, after another word: a word counted alone would merge with
        the prompt's last token ("passage: " and "sont" count as "passage: " alone), and runs pack too much. An ASCII
        word of `_probe` characters or more is counted apart (`_long_word_tokens`)."""
        long = [len(word) >= self._probe and word.isascii() for word in words]
        counts = iter(self.count_tokens([f"x {word}" for word, apart in zip(words, long, strict=True) if not apart]))
        return [self._long_word_tokens(word) if apart else next(counts) - self._bare
                for word, apart in zip(words, long, strict=True)]

    def _long_word_tokens(self, word: str) -> int:
        """A long word's tokens as `_word_tokens` counts them, or, once a prefix of it (`_probe` characters, doubled
        each time) counts more than a passage holds, that prefix's: enough to leave the word out (`_spans`), without
        tokenizing megabytes."""
        size = self._probe
        while True:
            tokens = self.count_tokens([f"x {word[:size]}"])[0] - self._bare
            if tokens > self.max_tokens or size >= len(word):
                return tokens
            size *= 2

    def _header(self, section: Section, heads: list[int | None], context: str, numbers: list[int],
                group: list[Line]) -> str | None:
        """The header row a passage opening on `group` (lines of the section's lines `numbers`) carries: its table's
        first row, when the passage opens on a later row of that table (a long table cut by chunking), so that its
        rows are embedded and indexed with the names of their columns ("Forfait | Tarif mensuel" above "Zen |
        19,99 €"); None when that row does not fit beside the heading path with `group`, or the heading path alone
        leaves no room (`context` empty), or it takes more than half of a passage's tokens (a table of a hundred
        columns: its rows would be cut into many more passages to make room for it)."""
        head = heads[numbers[0]]
        if head is None or head == numbers[0] or not context:
            return None
        header = section.lines[head].text
        if self.count_tokens([header])[0] > self.max_tokens // 2:
            return None
        return header if self._fits(_lead(context, header), group) else None

    def _fields(self, section: Section, context: str) -> tuple[Section, str | None]:
        """An FAQ entry's fields, as each of its passages carries them (`Chunk.fields`); when they take, with the
        heading path `context`, more than half of a passage's tokens (a long note), the section with them as lines
        after its text instead, as before: its answer is not cut into many more passages to make room for them."""
        fields = "\n".join(line.text for line in section.fields)
        if not fields or self.count_tokens([_lead(context, fields)])[0] <= self.max_tokens // 2:
            return section, fields or None
        return replace(section, lines=[*section.lines, *section.fields], fields=[]), None

    @property
    def _bare(self) -> int:
        """Tokens the counter gives the neutral word `x` alone, prompt and special tokens included: what
        `_word_tokens` takes off."""
        if self._bare_tokens is None:
            self._bare_tokens = self.count_tokens(["x"])[0]
        return self._bare_tokens

    def chunk(self, doc: Document) -> list[Chunk]:
        """The passages of one document, in reading order, with stable ids."""
        chunks: list[Chunk] = []
        for section in doc.sections:
            probe = Chunk("", doc.doc_id, doc.title, doc.source, section.heading, doc.url, 0, 0, "")
            section, fields = self._fields(section, probe.context)
            context = _lead(probe.context, fields)  # the heading path, and an FAQ entry's fields (`Chunk.prefix`)
            if not self._fits(context, []):
                context = ""  # a heading longer than the model's window: embed the text alone
            groups: list[list[Line]] = []
            numbers: list[list[int]] = []  # the number of the section's line each line of a group is of
            headers: list[str | None] = []  # the header row each group carries (`_header`)
            heads = table_heads([line.text for line in section.lines], items=[line.item for line in section.lines],
                                opens=[line.opens_table for line in section.lines])
            for atom, at in self._atoms(context, section.lines):
                if groups and self._fits(_lead(context, headers[-1]), [*groups[-1], atom]):
                    groups[-1].append(atom)
                    numbers[-1].append(at)
                    continue
                cuts = sequences.preferred(clean_cuts(doc, groups[-1], atom)) if groups else []
                for kept, carried in [*cuts, ([], [])]:  # the first whose next passage fits; else it opens on `atom`
                    moved = numbers[-1][len(groups[-1]) - len(carried):] if carried else []  # a line cut: both hold it
                    header = self._header(section, heads, context, [*moved, at], [*carried, atom])
                    if not carried:
                        break
                    if self._fits(_lead(context, header), [*carried, atom]):
                        groups[-1], numbers[-1] = kept, numbers[-1][:len(kept)]
                        break
                groups.append([*carried, atom])
                numbers.append([*moved, at])
                headers.append(header)
            for number, (group, header) in enumerate(zip(groups, headers, strict=True)):
                # a span holding every line, wherever it stands in the source (a spreadsheet row's column left of
                # its question follows the answer), and the section's heading in its first passage
                start, end = min(line.start for line in group), max(line.end for line in group)
                if number == 0 and section.heading_start is not None:
                    start = min(start, section.heading_start)
                # the pieces of one line cut at its sentences stay one line: a chat shows them as the paragraph
                text = group[0].text + "".join(_joint(line) + line.text for line in group[1:])
                first, last = doc.page(start), doc.page(end - 1)
                chunks.append(Chunk("", doc.doc_id, doc.title, doc.source, section.heading, section.url or doc.url,
                                    start, end, text, first, last if last != first else None, header, fields))
        return with_ids(chunks)


def unindexable(doc: Document) -> Skipped:
    """`doc`, a document `Chunker.chunk` gave no passage, as a file skipped, and why: its text is only words left out
    (`_spans`), or none at all. Ingest reports it so and does not count it as indexed (the report listed such a file
    with the documents, and no document or search showed it)."""
    words = [len(word) for section in doc.sections for line in section.lines for word in line.text.split()]
    if not words:
        return Skipped(doc.source, "no indexable text: it holds no words")
    return Skipped(doc.source, f"no indexable text: its only words are {min(words):,} characters or longer, with "
                               "no space, too long for a passage and left out (base64, minified code?)")


def _lead(context: str, header: str | None) -> str:
    """What a passage's lines are fitted beside: its heading path, and the fields or the header row it carries
    (`Chunk.prefix`)."""
    return context if header is None else f"{context}\n{header}"


def _joint(line: Line) -> str:
    """What stands before a line of a passage, after the one before it: a line break, or, for the rest of one line,
    what the source has there (`Line.follows`)."""
    return "\n" if line.follows is None else line.follows


__all__ = ["LAYOUT", "Chunker", "TokenCounter", "unindexable"]
