"""What a JSON record becomes: a row whose keys are its column names, read as a CSV row is
(`rag.corpus.formats.columns`), a question and its answer, each string cited at its characters in the file.

- **Title and text.** The key naming a title (`TITLE`: a CSV's question names, and name, heading, headline) heads
  the record's section; the key naming its text (`TEXT`: a CSV's answer names, body, text, content, answer,
  description, and html, markdown) gives its first lines, its paragraphs (an HTML value, `<p>...</p>` as help
  desks export an article's body, read as a CSV cell's is, each block a line); keys match as a CSV header's names
  do, folded and by word (`body_html`, `description_text`, `"Question (FR)"`). Category keys (`CATEGORY`:
  category, section, topic, ...) are the headings it stands under. Every other text value is a "name : value" field
  (`label_names : facturation`; a list of strings a line a string), embedded and indexed with the record's passages
  and not in their text, as a CSV row's other cells (`faq_entry`; lines after the text when it has none). A record
  with neither a title nor a text is left out, and counted in the report.
- **Not text.** Numbers, booleans and null (ids, counts, flags), but a number under a title's key when the record
  has no title of text (`{"title": 404}`: "404", as the file writes it, cited at its digits); strings that are
  identifiers or dates (one word holding a digit: "360000999", "2024-03-01T10:00:00Z"), web addresses, or the values
  of keys naming an identifier or a code (a word of `columns.KEYS`: id, url, slug, key, ...; or of `_CODES`: locale,
  type, status, date, the `at` of `created_at`, ...); a value that repeats the title (Zendesk's `name` beside
  `title`). They are left out: they are no words a question is asked with.
- **Nested objects** (an `author`, a list of `translations`) are another thing's data, not the record's text: left
  out, and the keys named in the report. A record holding no title and no text of its own but a nested object that
  does (Contentful's `fields`, Strapi's `attributes`) is read as that object's fields, with its own.
- **Its address.** A key naming a link (a word of url, link, href, permalink, uri) whose value is a web address is the
  record's own page, cited as its section's URL (`Section.url`) instead of the document's: a key naming a page
  (html_url, web_url, public_url, permalink) before another, and never an API's address (`/api/` in its path, or a
  path ending in `.json`, as Zendesk's `url`).
- **Drafts.** A record flagged `draft: true` or `published: false` is not published by its site, as a Markdown
  page so flagged (`rag.corpus.formats.markdown_sites.unpublished`), nor one whose state (a key holding a word of
  `columns.STATES`: Intercom's `state`, `status`, WordPress's `post_status`, `statut`) is a draft's (`columns.DRAFTS`:
  "draft", "brouillon", ...): left out, and counted in the report.
- **Questions.** A file whose records are all questions without an answer of their own, their gold (if any) in
  `answers` or `passage_ids` lists, is `rag eval`'s questions file, not a knowledge base: refused, lest an
  evaluation's questions and gold answers kept in the corpus folder be indexed and answered from.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from rag.corpus.formats.base import Line, Parsed, Section
from rag.corpus.formats.columns import (
    ANSWER,
    KEYS,
    QUESTION,
    Cell,
    Columns,
    best_column,
    category_columns,
    draft,
    faq_entry,
    folded,
    identifier,
    labelled,
    state_column,
)
from rag.corpus.formats.csv import value_lines
from rag.corpus.formats.markdown_sites import unpublished

TITLE = (*QUESTION, "name", "heading", "headline")
TEXT = (*ANSWER, "html", "markdown")
# words of keys whose values are codes, states or dates, no text: "fr", "article", "published", "March 3, 2024"
_CODES = ("locale", "locales", "lang", "language", "type", "kind", "state", "status", "at", "date", "time", "timestamp")
_GOLD = ("answers", "passage_ids")  # a `rag eval` question's gold (`rag.evaluation.inputs.KEYS`), lists
_LINKS = ("url", "link", "href", "permalink", "uri")
_PAGES = ("html", "web", "public", "permalink", "page")  # a key naming the page people read, not the API's
_WEB = re.compile(r"https?://\S+", re.IGNORECASE)
LINE_BREAK = re.compile(r"\r\n?|\n")  # a line's end in a JSON file: "\n", "\r\n", or "\r" alone (universal newlines)
# an escape, and its length: a surrogate pair written as two `\u` escapes is one character of the value
_ESCAPE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|\\.", re.DOTALL)
# what rag reads of a JSON file, said where one is refused
EXPECTED = ("rag reads a JSON file as records, objects holding a title or a text (keys such as title, name, question; "
            'body, text, content, answer, description): a top-level array of them, an object holding one ("articles":'
            " [...], \"data\": [...]), or one a line in a .jsonl file")


class JsonObject(list[tuple[str, object]]):
    """A JSON object as its key and value pairs, in the file's order (duplicate keys kept, each its own string)."""


@dataclass(frozen=True, slots=True)
class Spanned:
    """A JSON string's value and the span of its characters in the file, quotes left out."""

    value: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Numeral:
    """A number that is a key's value, as the file writes it ("404", "2.5"), and its span: no text of a record but
    its title (`_numbered`)."""

    value: str
    start: int
    end: int


def string_cell(text: str, string: Spanned) -> Cell:
    """A string's value and its lines (an HTML value's blocks, as a CSV cell's, `value_lines`), each cited from its
    first character to its last in `text`, escapes included; where each escape in a line takes two characters (`\\"`,
    `\\\\`, `\\t`), their places in the line are its `Line.doubled`, so that a piece of it is cited exactly too; a
    line holding a longer escape (`\\u00e9`) is cited whole."""
    lines, html = value_lines(string.value)
    raw = text[string.start:string.end]
    if "\\" not in raw:
        cited = tuple(Line(line.text, string.start + line.start, string.start + line.end, line.item) for line in lines)
        return Cell(string.value, cited)
    spans = [match.span() for match in _ESCAPE.finditer(raw)]
    extra = [0, *accumulate(end - start - 1 for start, end in spans)]  # the characters escapes add up to each
    at = [start - added for (start, _), added in zip(spans, extra, strict=False)]  # each escape's place in the value
    long = [end - start > 2 for start, end in spans]

    def place(offset: int) -> int:  # an offset in the value -> in the file: each escape before it adds its length
        return string.start + offset + extra[bisect_left(at, offset)]

    cited_lines = []
    for line in lines:
        first, last = bisect_left(at, line.start), bisect_left(at, line.end)
        doubled = () if html or any(long[first:last]) else tuple(at[n] - line.start for n in range(first, last))
        cited_lines.append(Line(line.text, place(line.start), place(line.end), line.item, doubled=doubled))
    return Cell(string.value, tuple(cited_lines))


class RecordSections:
    """The sections of a file's records (the module's docstring), made a record at a time (`add`), so that a record's
    decoded values are dropped once its section is made: a JSON Lines file of a million records is never held
    decoded whole beside its sections. `parsed` gives them, and what the report says of the records left out."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.sections: list[Section] = []
        self.records = 0
        self.questions = 0  # records that are `rag eval` questions (`_eval_question`)
        # the records left out, one item each: where the first one's first string starts (`_start`), then None
        self.drafts: list[int | None] = []
        self.textless: list[int | None] = []
        self.nested: dict[str, None] = {}

    def add(self, record: JsonObject) -> None:
        """Read one record: its section, or its count among the drafts or the records without a title or a text."""
        self.records += 1
        self.questions += _eval_question(record)
        if unpublished({key: value for key, value in record if isinstance(value, bool)}) or any(
                state_column(key) and isinstance(value, Spanned) and draft(value.value) for key, value in record):
            self.drafts.append(_start(record) if not self.drafts else None)
        elif (section := _section(record, self.text, self.nested)) is not None:
            self.sections.append(section)
        else:
            self.textless.append(_start(record) if not self.textless else None)

    def parsed(self, changes: list[str]) -> Parsed:
        """The sections of the records added, and what the report says of those left out, after `changes`. Raises
        `ValueError` when every record is a `rag eval` question, or none has a title or a text."""
        if self.records and self.questions == self.records:
            raise ValueError("questions without an answer of their own (a question, and rag eval's answers or "
                             "passage_ids lists): an evaluation's questions, not a knowledge base; kept in the corpus "
                             "folder, they would be indexed and answered from: keep them beside it")
        drafts, textless = self.drafts, self.textless
        if not self.sections:
            said = f"{len(drafts):,} drafts or unpublished records and " if drafts else ""
            raise ValueError(f"no records with a title or a text: {said}{len(textless):,} records without one; "
                             f"{EXPECTED}")
        changes = list(changes)
        if drafts:
            changes.append(f"{_count(drafts)} left out, flagged as drafts (draft: true, published: false or state: "
                           f"draft; not published by the site){_first(drafts, self.text)}")
        if textless:
            changes.append(f"{_count(textless)} without a title or a text left out (keys such as title, name, "
                           f"question; body, text, content, answer, description){_first(textless, self.text)}")
        if self.nested:
            changes.append(f"nested objects not read, another thing's data than a record's text: "
                           f"{', '.join(self.nested)}")
        return Parsed(self.sections, blocks=True, changes=changes)


def record_sections(records: Iterable[JsonObject], text: str, changes: list[str]) -> Parsed:
    """The sections of `records`, read one at a time (`RecordSections`), and what the report says of those left out,
    after `changes`."""
    made = RecordSections(text)
    for record in records:
        made.add(record)
    return made.parsed(changes)


def _eval_question(record: JsonObject) -> bool:
    """Whether a record is a question of `rag eval`'s (`rag.evaluation.inputs.QUESTION_FORMAT`): a question whose gold
    (`_GOLD`), if any, is lists, and no text of its own (an FAQ's `answer`)."""
    values = dict(record)
    if not isinstance(values.get("question"), Spanned) or any(
            key in values and not isinstance(values[key], list) for key in _GOLD):
        return False
    return best_column(tuple("" if key in _GOLD else name for (key, _), name in zip(record, _names(record),
                                                                                    strict=True)), TEXT) is None


def _count(records: Sequence[object]) -> str:
    return f"{len(records):,} record{'s' if len(records) > 1 else ''}"


def _start(record: JsonObject) -> int | None:
    """Where a record's first string starts in the file, if it has one."""
    return next((value.start for _, value in record if isinstance(value, Spanned)), None)


def _first(starts: Sequence[int | None], text: str) -> str:
    """Where the first of some records is (`starts[0]`, `_start`), for a person to find it: the line of its first
    string, if it has one."""
    if starts[0] is None:
        return ""
    return f" (the first at line {sum(1 for _ in LINE_BREAK.finditer(text, 0, starts[0])) + 1:,})"


def _section(record: JsonObject, text: str, nested: dict[str, None]) -> Section | None:
    """A record as a section, headed by its title, under its categories, its text and other values its lines."""
    names = _names(record)
    title, body = _layout(names)[:2]
    if title is None and body is not None and (numbered := _numbered(record, names)) is not None:
        record, names = numbered, _names(numbered)
        title, body = _layout(names)[:2]
    if title is None and body is None:
        inner = next((i for i, (_, value) in enumerate(record) if isinstance(value, JsonObject)
                      and any(i is not None for i in _layout(_names(value))[:2])), None)
        if inner is None:
            return None
        fields = record[inner][1]
        record = JsonObject([*record[:inner], *record[inner + 1:], *(fields if isinstance(fields, JsonObject) else [])])
        names = _names(record)
        title, body = _layout(names)[:2]
    skipped, links = _layout(names)[2:]
    heading = " ".join(s.value.strip() for s in _strings(record[title][1])) if title is not None else None
    cells: list[Cell] = []
    for i, (key, value) in enumerate(record):
        kept: list[Spanned] = []
        strings = _strings(value)
        if i in (title, body):
            kept = strings
        elif i not in skipped:
            kept = [string for string in strings if _text(string.value, heading)]
        if isinstance(value, JsonObject) or (isinstance(value, list) and any(isinstance(v, list) for v in value)):
            nested[key] = None
        cells.append(_cells(text, kept))
    cells.append(Cell("", ()))  # the cell of a title or a text the record lacks
    missing = len(record)
    categories = category_columns(names, [[cell.value for cell in cells]], [i for i in (title, body) if i is not None])
    columns = Columns(missing if title is None else title, missing if body is None else body, categories)
    section = faq_entry(cells, [_label(key) for key, _ in record], columns)
    if section is not None:
        pages = (v.value.strip() for i in links if isinstance(v := record[i][1], Spanned) and _page(v.value))
        section.url = next(pages, None)
    return section


def _numbered(record: JsonObject, names: tuple[str, ...]) -> JsonObject | None:
    """`record` with its title a number (`{"title": 404, "text": ...}`) read as its digits (a string "404", cited at
    them), when it has no title of text; None when it has none of either. Only a record with a text is given one: a
    record of numbers alone (a metrics file's) stays without text, as before."""
    numbers = tuple(key if isinstance(value, Numeral) else "" for key, value in record)
    if (at := best_column(numbers, TITLE, best_column(names, TEXT))) is None:
        return None
    key, number = record[at]
    assert isinstance(number, Numeral)
    return JsonObject([*record[:at], (key, Spanned(number.value, number.start, number.end)), *record[at + 1:]])


def _names(record: JsonObject) -> tuple[str, ...]:
    """A record's keys as a header names its columns: a key whose value holds no string is no title or text (an
    empty name)."""
    return tuple(key if isinstance(value, Spanned) or (isinstance(value, list) and value and all(
        isinstance(item, Spanned) for item in value)) else "" for key, value in record)


@lru_cache(maxsize=1024)
def _layout(names: tuple[str, ...]) -> tuple[int | None, int | None, frozenset[int], tuple[int, ...]]:
    """Of a record's keys (`_names`): its title's, its text's, those whose values are no text (identifiers, codes),
    and those that may name its page, the page's first (records of one export share their keys: computed once)."""
    title = best_column(names, TITLE)
    body = best_column(names, TEXT, title)
    words = [folded(name).split() for name in names]
    skipped = frozenset(i for i, w in enumerate(words) if any(word in KEYS or word in _CODES for word in w))
    links = [i for i, w in enumerate(words) if any(word in _LINKS for word in w) and not (w and w[-1] == "id")]
    links.sort(key=lambda i: not any(word in _PAGES for word in words[i]))
    return title, body, skipped, tuple(links)


def _text(value: str, heading: str | None) -> bool:
    """Whether a value other than the title or the text is text to index: not an identifier or a date, a web
    address, or the title again."""
    value = value.strip()
    return bool(value) and not identifier(value) and not _WEB.fullmatch(value) and value != heading


def _cells(text: str, strings: Sequence[Spanned]) -> Cell:
    """One cell of the lines of `strings` (one, or a list's)."""
    if len(strings) == 1:
        return string_cell(text, strings[0])
    cells = [string_cell(text, string) for string in strings]
    return Cell("\n".join(cell.value for cell in cells), tuple(line for cell in cells for line in cell.lines))


@lru_cache(maxsize=1024)
def _label(key: str) -> str:
    """A key as a line names it: `label_names` -> "Label names"."""
    label = " ".join(key.replace("_", " ").split())
    return label[:1].upper() + label[1:]


def _strings(value: object) -> list[Spanned]:
    """The strings a record's value holds: itself, or a list's strings (not a nested object's)."""
    if isinstance(value, Spanned):
        return [value]
    if isinstance(value, list) and not isinstance(value, JsonObject):
        return [item for item in value if isinstance(item, Spanned)]
    return []


def _page(value: str) -> bool:
    """Whether a value is the address of a page people read: a web address, not an API's (`/api/` in its path, a
    path ending in `.json`)."""
    if not _WEB.fullmatch(address := value.strip()):
        return False
    path = address.split("?", 1)[0].split("#", 1)[0]
    return "/api/" not in path.casefold() and not path.casefold().endswith(".json")


__all__ = ["EXPECTED", "LINE_BREAK", "TEXT", "TITLE", "JsonObject", "Numeral", "RecordSections", "Spanned", "labelled",
           "record_sections", "string_cell"]
