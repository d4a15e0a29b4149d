"""Opening tags as MDX and HTML write them over several lines, and the labels Docusaurus' `<Tabs>` gives its tabs.

A component's opening tag may run over lines, an attribute a line (`<Tabs` over `defaultValue="apple"` over
`values={[...]}>`, as Docusaurus' own pages write it): the site shows none of it, and read a line at a time its
attributes were text. It is read as the same tag on one line (`tag_below`), which `markdown_sites` reads as it reads a
one-line tag; a `values` list on `<Tabs>` labels its tabs before their own labels (`tab_values`).
"""

from __future__ import annotations

import re

_VALUES = re.compile(r"(?<![\w-])values=\{\[(?P<items>[^\]]*)\]\}")
_VALUES_ITEM = re.compile(r"\{[^{}]*\}")
_VALUES_KEY = {key: re.compile(rf"(?<![\w-])[\"']?{key}[\"']?[ \t]*:[ \t]*(?P<q>[\"'`])(?P<text>[^\"'`]*)(?P=q)")
               for key in ("label", "value")}
# An opening tag over several lines (JSX's `<Tabs` over its attributes' lines, to `]}>`): its first line, then its
# next lines to the `>` that ends it, outside quotes and braces, within a paragraph (no blank line), 30 lines and
# 1,000 characters; a `<` outside quotes ends the search (what follows is another tag, or text).
_TAG_FIRST_LINE = re.compile(r"<[A-Za-z][\w.:-]*(?:\s[^<>]*)?")
_TAG_MARKS = re.compile(r"[<>{}\"'\n]")
_TAG_CHARS, _TAG_LINES = 1000, 30
# Such a tag is a name and attributes, read with its strings and braces each a `\0`: a name with a value (quoted, in
# braces, or unquoted as HTML allows) or without one alone on its line or beside valued ones (`showLineNumbers`,
# `<Tabs lazy groupId="x"`), or a spread (`{...props}`); prose is not ("<Note that the value" over "of x is > 3":
# names without values side by side; "always points right ->": a `-` names nothing)
_ATTRIBUTE = re.compile(r"(?P<space>\s+)(?:(?P<name>[A-Za-z_:@][\w:.@-]*)(?P<value>\s*=\s*(?:\0|[^\s\"'=<>`\0]+))?|\0)")
_TAG_NAME = re.compile(r"<[A-Za-z][\w.:-]*")
_TAG_END = re.compile(r"\s*/?>")


def tab_values(line: str) -> dict[str, str]:
    """The labels a component's opening tag (a line, stripped) gives the values of the tabs it holds: Docusaurus'
    `<Tabs values={[{label: 'Apple', value: 'apple'}]}>` ({"apple": "Apple"}), before a `<TabItem>`'s own."""
    found = _VALUES.search(line)
    pairs = [{key: pattern.search(item[0]) for key, pattern in _VALUES_KEY.items()}
             for item in _VALUES_ITEM.finditer(found["items"])] if found else []
    return {pair["value"]["text"].strip(): pair["label"]["text"].strip() for pair in pairs
            if pair["value"] and pair["label"] and pair["label"]["text"].strip()}


def tag_below(text: str, line: str, at: int) -> tuple[str, int, int] | None:
    """The opening tag a line (stripped, outside code, opening at `at` in `text`) starts and a line
    below ends (`<Tabs` over `defaultValue="apple"` over `values={[...]}>`), on one line, its spaces collapsed, where
    it ends and where its last line ends (what follows it there is text: `<Tabs` over `groupId="x">Some text`); None
    if the line starts none: if no `>` ends one (`_TAG_FIRST_LINE`'s bounds), or if what it ends is no name and
    attributes (`_attributes`: "<Note that the value" over "of x is > 3" is prose). Each search stops at a `<` or a
    line's end outside quotes: the searches from two lines never read the same characters twice, a file in linear
    time."""
    if not _TAG_FIRST_LINE.fullmatch(line):
        return None
    depth, lines, limit, pos = 0, 0, min(len(text), at + _TAG_CHARS), at + 1
    outside, kept = [], at  # the tag outside its strings and braces, each of those a `\0`; where the next piece starts
    while found := _TAG_MARKS.search(text, pos, limit):
        mark, pos = found[0], found.end()
        if depth == 0 and mark in "\"'{":
            outside.append(text[kept:found.start()] + "\0")
        if mark in "\"'":  # a string ends on its line
            eol = text.find("\n", pos, limit)
            if (pos := text.find(mark, pos, eol if eol >= 0 else limit) + 1) == 0:
                return None
            kept = pos if depth == 0 else kept
        elif mark == "\n":
            lines, eol = lines + 1, text.find("\n", pos, limit)
            if lines > _TAG_LINES or not text[pos:eol if eol >= 0 else limit].strip():  # a blank line ends it
                return None
        elif mark == "<" or (mark == "}" and depth == 0):
            return None
        elif mark in "{}":
            depth += 1 if mark == "{" else -1
            kept = pos if depth == 0 else kept
        elif depth == 0:  # the `>` that ends the tag
            eol = text.find("\n", pos)
            shaped = lines and _attributes("".join([*outside, text[kept:pos]]))
            return (" ".join(text[at:pos].split()), pos, len(text) if eol < 0 else eol) if shaped else None
    return None


def _attributes(tag: str) -> bool:
    """Whether an opening tag over several lines, its strings and braces each a `\0`, is a name and attributes, no
    words of prose (`_ATTRIBUTE`)."""
    name = _TAG_NAME.match(tag)
    pos, bare = name.end() if name else len(tag), False
    while found := _ATTRIBUTE.match(tag, pos):
        alone = found["name"] is not None and found["value"] is None
        if alone and bare and "\n" not in found["space"]:
            return False  # two names without values side by side: words
        pos, bare = found.end(), alone
    return _TAG_END.fullmatch(tag, pos) is not None


__all__ = ["tab_values", "tag_below"]
