"""Read a knowledge base exported as JSON (.json) or JSON Lines (.jsonl, .ndjson): one section per record, each line
cited at its string in the file.

Help desks and CMSs export their articles through an API as JSON (Zendesk's `{"articles": [...], "next_page": ...}`,
Intercom's and Freshdesk's lists, Contentful's `{"items": [...]}`, Strapi's `{"data": [...]}`), an FAQ is often a
`[{"question": ..., "answer": ...}]`, and a passage collection a JSON Lines file, a record a line (`{"id", "title",
"text"}`). What a record becomes is `rag.corpus.formats.records`'s: a row whose keys are its column names, read as
`rag.corpus.formats.columns` reads a CSV row.

- The records: the objects of a top-level array; of an object, those of its value that is the largest array of
  objects (`"articles"`, `"data"`, `"items"`, `"results"`: the others, a help desk's sideloaded `"sections"`, are
  named in the report); of a JSON Lines file, the object on each line (blank lines allowed; a line ends at `\\n`,
  `\\r\\n` or a `\\r` alone, as universal newlines read it). A value of the array
  that is no object is left out and counted in the report. A file holding no such array (`package.json`, a
  configuration), or whose records hold no title and no text, is refused saying what rag reads.
- A JSON Lines line that is not JSON or not an object is left out and named in the report with its line number: a
  line cut or damaged in an export of a million records should not drop the 999,999 others, and the report says
  what was left out. A file with as many bad lines as records or more (a JSON document pretty-printed under
  .jsonl) is refused, with the first bad line. A .json file that is not JSON is refused, with the line and column
  (and, for a value a line, the hint to name it .jsonl).
- Citations: each string's span in the file is found without a second parser. The standard library's C decoder
  reads the values (objects as their key and value pairs, in order, duplicates kept); every JSON string of a valid
  document is then a match of `_STRING`, in document order, as no quote stands outside a string: the walk of the
  values in that order pairs each string with its match (`_spanned`). A line of a string is cited from its first
  character to its last in the file, escapes included (`\\n`, `\\"`, `\\u00e9`): where each of the line's escapes
  takes two characters (`\\"`, `\\\\`, `\\t`), it carries their places in `Line.doubled`, so that a piece of it the
  chunker cuts is cited at its own stretch too, as a CSV cell's doubled quotes; a line holding a `\\u` escape (six
  characters for one) is cited whole, never off its text.
- Bounds: a file is at most `RAG_MAX_FILE_BYTES` (`rag.corpus.files.refusal`); nesting deeper than `MAX_DEPTH`
  (Python's decoder raises RecursionError past about a thousand levels, and a record is two or three deep) is
  refused before it is decoded (`_check_depth`). A JSON Lines file is read a record at a time: each record's
  decoded values are dropped once its section is made (`records.RecordSections`), never held all at once beside the
  sections (the parse's peak was 4.4 times the text, 1.7 since: docs/PERFORMANCE.md).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import cast

from rag.corpus.formats.base import Parsed
from rag.corpus.formats.records import (
    EXPECTED,
    LINE_BREAK,
    JsonObject,
    Numeral,
    RecordSections,
    Spanned,
    record_sections,
)

MAX_DEPTH = 64  # levels of nesting: far past any export's (a record in a list in an object, its author inside it)
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)  # a JSON string token, linear in its length
# a string token, or an unterminated one to the end of the text: a search for the closing quote that fails runs to
# the end, and the search from each quote after (each `\\"`) would again, quadratic (an 80 kB tail took 50 s)
_STRING_OR_TAIL = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.DOTALL)
_NESTING = re.compile(r"[\[\]{}]")
_NEWLINE = re.compile(r"\r?\n")  # a line's end in a file of \n lines (a \r alone there is white space)
# a key's number: its colon, then the number as JSON writes it (an int or a float to the decoder; a bool is neither)
_NUMBERS = (int, float)
_NUMBER_AFTER_KEY = re.compile(r"\s*:\s*(-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)")
_SURROGATE = re.compile("[\ud800-\udfff]")  # left in a decoded string by a lone `\\ud800` escape: no character
_BAD_LINES_SHOWN = 5
_INT_DIGITS = 4_000  # below Python's limit on converting digits to an int (4,300)


@dataclass(frozen=True, slots=True)
class _Bad:
    line: int
    why: str


def parse_json(text: str) -> Parsed:
    """A .json file: its records (the module's docstring) as sections. Raises `ValueError` saying why a file cannot
    be read as records."""
    _check_depth(text, 0, len(text), "")
    try:
        value = json.loads(text, object_pairs_hook=JsonObject, parse_int=_integer)
    except json.JSONDecodeError as exc:
        # a value, then another at the start of a line: JSON Lines (`jq -c`'s output, a BigQuery export) named .json
        lines = exc.msg == "Extra data" and exc.colno == 1
        lines_hint = "; a value a line is JSON Lines: name the file .jsonl" if lines else ""
        raise ValueError(f"not valid JSON: {exc.msg} at line {exc.lineno:,}, column {exc.colno:,}{lines_hint}") from exc
    lone = _spanned(value, text, _tokens(text, 0, len(text)))
    records, changes = _records(value)
    return record_sections(records, text, changes + _replaced(lone))


def parse_jsonl(text: str) -> Parsed:
    """A JSON Lines file (.jsonl, .ndjson): an object a line, a bad line left out and reported (the module's
    docstring). Raises `ValueError` for a file with as many bad lines as records or more."""
    records = RecordSections(text)  # each record made a section as it is read, its decoded values then dropped
    bad: list[_Bad] = []
    lone = 0
    for number, start, end in _lines(text):
        line = text[start:end]
        if not line.strip():
            continue
        try:
            _check_depth(text, start, end, f"line {number:,}: ")
            value = json.loads(line, object_pairs_hook=JsonObject, parse_int=_integer)
        except json.JSONDecodeError as exc:
            bad.append(_Bad(number, f"not valid JSON ({exc.msg}, column {exc.colno:,})"))
            continue
        except ValueError as exc:
            bad.append(_Bad(number, str(exc).removeprefix(f"line {number:,}: ")))
            continue
        if not isinstance(value, JsonObject):
            bad.append(_Bad(number, f"{_kind(value)}, not an object: each line of a JSON Lines file is one record"))
            continue
        lone += _spanned(value, text, _tokens(text, start, end))
        records.add(value)
    if bad and len(bad) >= records.records:
        first = bad[0]
        raise ValueError(f"not JSON Lines: line {first.line:,}: {first.why} ({len(bad):,} bad lines, "
                         f"{records.records:,} records; a JSON document is read as .json)")
    changes = _replaced(lone)
    if bad:
        shown = "; ".join(f"line {b.line:,}: {b.why}" for b in bad[:_BAD_LINES_SHOWN])
        more = f"; and {len(bad) - _BAD_LINES_SHOWN:,} more" if len(bad) > _BAD_LINES_SHOWN else ""
        changes.append(f"{len(bad):,} line{'s' if len(bad) > 1 else ''} left out, not a JSON record: {shown}{more}")
    return records.parsed(changes)


def _lines(text: str) -> Iterator[tuple[int, int, int]]:
    """Each line's number and span (its line break left out): lines break at `\\n` or `\\r\\n`, or, in a file
    without any `\\n` (an old Mac's, a tool's), at a `\\r` alone, as Python's universal newlines read it; a `\\r`
    alone in a file of `\\n` lines is white space inside its record, as JSON reads it. A line break of another kind
    (`\\u2028`) is none, as JSON strings never hold a line break raw."""
    start = number = 0
    for number, end in enumerate((_NEWLINE if "\n" in text else LINE_BREAK).finditer(text), 1):
        yield number, start, end.start()
        start = end.end()
    if start < len(text):
        yield number + 1, start, len(text)


def _integer(digits: str) -> int | float:
    """A JSON integer; one longer than Python converts (`sys.get_int_max_str_digits`, an id of thousands of digits)
    as a float, never text to rag: the decoder would refuse the whole file with advice to Python programmers."""
    return int(digits) if len(digits) <= _INT_DIGITS else float(digits)


def _kind(value: object) -> str:
    return {JsonObject: "an object", list: "an array", str: "a string", Spanned: "a string", bool: "a boolean",
            type(None): "null"}.get(type(value), "a number")


def _check_depth(text: str, start: int, end: int, where: str) -> None:
    """Raise `ValueError` when the value in `text[start:end]` nests arrays and objects deeper than `MAX_DEPTH`,
    counted outside its strings, before the decoder recurses into them."""
    depth = deepest = 0
    plain = _STRING_OR_TAIL.sub("", text[start:end]) if '"' in text[start:end] else text[start:end]
    for match in _NESTING.finditer(plain):
        depth += 1 if match[0] in "[{" else -1
        if depth > deepest:
            deepest = depth
            if deepest > MAX_DEPTH:
                raise ValueError(f"{where}nested more than {MAX_DEPTH} levels deep: rag reads records (objects of "
                                 "text) in an array, at most a few levels down")


def _tokens(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The spans of the JSON strings in `text[start:end]`, their quotes left out, in order."""
    for match in _STRING.finditer(text, start, end):
        yield match.start() + 1, match.end() - 1


def _spanned(value: object, text: str, tokens: Iterator[tuple[int, int]]) -> int:
    """Turn each string in the arrays and objects of `value` (a key aside) into a `Spanned` holding its span, and
    each number that is a key's value into a `Numeral` holding its digits as written and their span, in place,
    walked in document order without recursion: the i-th string met is the i-th token. A lone surrogate
    (`\\ud800`, half of a pair), which no text can be encoded with, becomes U+FFFD in strings and keys, one
    character for one: returns how many."""
    lone = 0
    stack: list[tuple[list[object], int]] = [(value, 0)] if isinstance(value, list) else []
    while stack:
        node, i = stack.pop()
        if i == len(node):
            continue
        stack.append((node, i + 1))
        item = node[i]
        key: str | None = None
        if isinstance(node, JsonObject):
            after = next(tokens)[1] + 1  # the key's closing quote
            name, item = cast(tuple[str, object], item)
            key, n = _whole(name)
            lone += n
            if type(item) in _NUMBERS and (number := _NUMBER_AFTER_KEY.match(text, after)) is not None:
                item = Numeral(number[1], number.start(1), number.end(1))
        if isinstance(item, str):
            whole, n = _whole(item)
            lone += n
            item = Spanned(whole, *next(tokens))
        elif isinstance(item, list):
            stack.append((item, 0))
        node[i] = item if key is None else (key, item)
    return lone


def _whole(value: str) -> tuple[str, int]:
    """`value` with each lone surrogate replaced by U+FFFD, and how many."""
    return _SURROGATE.subn("\ufffd", value) if _SURROGATE.search(value) else (value, 0)


def _replaced(lone: int) -> list[str]:
    """What the report says of the lone surrogates replaced (`_spanned`)."""
    return [f"{lone:,} lone surrogate escape{'s' if lone > 1 else ''} (\\ud800 without its pair, no character) "
            "replaced by U+FFFD"] if lone else []


def _records(value: object) -> tuple[list[JsonObject], list[str]]:
    """The records of a .json document (the module's docstring), and what the report says of the arrays left
    unread. Raises `ValueError` naming what the file holds instead."""
    if isinstance(value, list) and not isinstance(value, JsonObject):
        objects = [item for item in value if isinstance(item, JsonObject)]
        if not objects:
            raise ValueError(f"no records: a top-level array of {_kinds(value)}; {EXPECTED}")
        return objects, _strays(value, len(objects))
    if not isinstance(value, JsonObject):
        raise ValueError(f"no records: the file holds {_kind(value)}; {EXPECTED}")
    arrays = [(key, items, [item for item in items if isinstance(item, JsonObject)]) for key, items in value
              if isinstance(items, list) and not isinstance(items, JsonObject)]
    arrays = [(key, items, objects) for key, items, objects in arrays if objects]
    if not arrays:
        keys = ", ".join(key for key, _ in value[:8]) + (", ..." if len(value) > 8 else "")
        raise ValueError(f"no records: an object of keys {keys or '(none)'}, none an array of objects; {EXPECTED}")
    key, items, objects = max(arrays, key=lambda array: len(array[2]))
    others = [f'"{k}" ({len(o):,})' for k, _, o in arrays if k != key]
    changes = [f'records read from "{key}" ({len(objects):,} objects); other arrays of objects not read: '
               f"{', '.join(others)}"] if others else []
    return objects, changes + _strays(items, len(objects))


def _strays(array: list[object], objects: int) -> list[str]:
    """What the report says of the values of a records' array that are not objects (a string, a number), left out."""
    if (stray := len(array) - objects) == 0:
        return []
    others = [item for item in array if not isinstance(item, JsonObject)]
    return [f"{stray:,} value{'s' if stray > 1 else ''} of the records' array left out, not objects: {_kinds(others)}"]


def _kinds(values: list[object]) -> str:
    kinds = sorted({_kind(item) for item in values})
    return " and ".join(kind.split(" ", 1)[-1] + "s" for kind in kinds) if kinds else "nothing (empty)"


__all__ = ["MAX_DEPTH", "parse_json", "parse_jsonl"]
