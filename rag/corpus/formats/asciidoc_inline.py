"""AsciiDoc's inline markup read as a page shows it: attribute references replaced by their values, macros by their
text, formatting marks left out.

`{product-name}` is the value a `:product-name: Stockeo` entry gives (Asciidoctor's character references too:
`{nbsp}`, `{plus}`, ...); a reference to an attribute never defined stays as written, as Asciidoctor leaves it
(`attribute-missing: skip`). A value is substituted where it is defined (`:b: {a} et {a}` holds a's value twice), as
Asciidoctor does, and a text's references are replaced in one pass, never in what a replacement brings: `:a: {a}`
reads "{a}". Each value is kept to `VALUE_LIMIT` characters and a document's references may add at most its own
length in all (`Attributes.budget`), so that a chain of entries each doubling the one before stays linear.

A cross reference, a link or a UI macro reads as its text (`xref:page.adoc#id[les licences]` -> "les licences",
`<<id,text>>` -> "text", `link:https://...[l'aide]` -> "l'aide", an address without text as itself,
`menu:Aide[À propos]` -> "Aide › À propos", `btn:[OK]` and `kbd:[Ctrl+C]` their label); an inline image and an
anchor show nothing; `*bold*`, `_italic_`, `` `mono` ``, `#mark#` and their doubled forms, `^sup^`, `~sub~` and a
role's brackets (`[.underline]#text#`) are their text; a hard break's ` +` ends nothing. A passthrough
(`+++<b>brut</b>+++`, `pass:[...]`, `pass:q[...]`) shows its text as written, none of the above applied to it, its
HTML tags and its scripts' and styles' content left out and its character references read (`&amp;` is "&"), as a
page shows the HTML it passes through (`_passed`); one never closed is text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape

VALUE_LIMIT = 4_096  # an attribute's value, at most: past it the value is cut
# Asciidoctor's built-in character replacement attributes (https://docs.asciidoctor.org/asciidoc/latest/attributes/
# character-replacement-ref/), which a document uses without defining them.
_BUILT_IN = {"empty": "", "blank": "", "sp": " ", "nbsp": "\u00a0", "zwsp": "", "wj": "", "apos": "'",
             "quot": '"', "lsquo": "‘", "rsquo": "’", "ldquo": "“", "rdquo": "”", "deg": "°", "plus": "+",
             "brvbar": "¦", "vbar": "|", "amp": "&", "lt": "<", "gt": ">", "startsb": "[", "endsb": "]",
             "caret": "^", "asterisk": "*", "tilde": "~", "backslash": "\\", "backtick": "`", "two-colons": "::",
             "two-semicolons": ";;", "cpp": "C++", "pp": "++"}
_REFERENCE = re.compile(r"(?<!\\)\{(?P<name>[A-Za-z0-9_][A-Za-z0-9_-]*)\}")
# Macros, each read in time linear in the line: no part takes a `[` or a `]` from the next one, a target at most
# 500 characters (a word of "link:link:..." would be read again from each of its macros' names).
# a cross reference, inline (`xref:page.adoc#id[text]`) or in angle brackets (`<<id,text>>`)
_XREF = re.compile(r"xref:(?P<target>[^\s\[\]]{1,500})\[(?P<text>[^\[\]]*)\]"
                   r"|<<(?P<id>[^<>,\n]+)(?:,\s*(?P<label>[^<>\n]*))?>>")
# UI macros: a menu's path (`menu:Aide[À propos]`), a button's or a key's label, a footnote's text
_MENU = re.compile(r"menu:(?P<menu>[^\s\[\]]{1,500})\[(?P<items>[^\[\]]*)\]")
_LABEL = re.compile(r"(?:btn|kbd|pass|footnote|indexterm2|icon):(?P<target>[^\s\[\]]{0,500})\[(?P<text>[^\[\]]*)\]")
# a link: to a relative path (`link:`), an absolute URL with its text, an address (`mailto:`)
_LINK = re.compile(r"(?:link:(?P<plain>[^\s\[\]]{1,500})|(?P<url>(?:https?|ftp)://[^\s\[\]]{1,500})"
                   r"|mailto:(?P<mail>[^\s\[\]]{1,500}))"
                   r"\[(?P<text>[^\[\]]*)\]")
# what shows no text here: an inline image, an anchor, an index term's entry
_HIDDEN = re.compile(r"(?:image|anchor|indexterm):[^\s\[\]]{0,500}\[[^\[\]]*\]|\[\[[^\[\]]*\]\]|\(\(\([^()]*\)\)\)")
# Constrained and unconstrained marks: the doubled ones anywhere, the single ones around a word's edges.
# A mark's text spans at most `_SPAN` characters, so that a paragraph of marks never closed reads in linear time.
_SPAN = 300
_DOUBLED = re.compile(rf"(?P<mark>\*\*|__|``|##|\+\+)(?P<text>\S(?:.{{0,{_SPAN}}}?\S)?)(?P=mark)")
# a single mark's text holds none of its mark, so that each try stops at the next one
_SINGLES = [re.compile(rf"(?<![\w*_`#+\\]){re.escape(mark)}(?P<text>[^\s{re.escape(mark)}]"
                       rf"(?:[^\n{re.escape(mark)}]{{0,{_SPAN}}}[^\s\\{re.escape(mark)}])?){re.escape(mark)}(?!\w)")
            for mark in "*_`#+"]
_ROLE = re.compile(r"(?<![*_`#\w])\[\.?[\w .-]*\](?=[*_`#])")
_SCRIPT = re.compile(r"(?<![\w\\])([\^~])(\S[^\s^~]*)\1")
_BREAK = re.compile(r"\s\+$")
_ESCAPE = re.compile(r"\\(?=[*_`#{\[<+^~])")
# A passthrough's marks: `+++` opening or closing one, a `pass:` macro's opening (its substitutions named or not) and
# any bracket that may close it (one escaped, `\]`, is its text), found in one scan of the text (`_passed`)
_PASS = re.compile(r"\+\+\+|pass:[a-z,+-]{0,40}\[|(?<!\\)\]")
_TAG = re.compile(r"<[A-Za-z/!?][^<>]{0,500}>")  # an HTML tag in a passthrough: what the page shows is its text
_UNSHOWN = re.compile(r"<(?P<name>script|style)\b[^<>]{0,500}>", re.IGNORECASE)  # what a page never shows as text
_CLOSE = {name: re.compile(rf"</{name}", re.IGNORECASE) for name in ("script", "style")}  # found in the text itself
_HELD = re.compile("\ue000(\\d+)\ue001")  # a passthrough's place in the text while the rest is read


@dataclass
class Attributes:
    """A document's attributes as its entries define them, in order; `budget`: what references may still add to
    the text, in characters (the document's length, as the reStructuredText reader bounds substitutions)."""

    budget: int
    values: dict[str, str] = field(default_factory=dict)

    def define(self, name: str, value: str) -> None:
        """An entry `:name: value` (the value's references substituted now), or `:name!:` with `value` None."""
        self.values[name.lower()] = self.substituted(value)[:VALUE_LIMIT]

    def unset(self, name: str) -> None:
        self.values.pop(name.lower(), None)

    def substituted(self, text: str) -> str:
        """`text` with its references to defined attributes replaced, once each, while the budget lasts."""
        if "{" not in text:
            return text

        def value(match: re.Match[str]) -> str:
            name = match["name"].lower()
            found = self.values.get(name, _BUILT_IN.get(name))
            if found is None or len(found) > self.budget + len(match[0]):
                return match[0]
            self.budget -= max(0, len(found) - len(match[0]))
            return found

        return _REFERENCE.sub(value, text)


def shown(text: str, attributes: Attributes) -> str:
    """`text` as a page shows it: references replaced, macros read as their text, marks left out, passthroughs'
    text as written, their HTML tags left out."""
    text, passed = _passed(text)
    text = _BREAK.sub("", attributes.substituted(text))
    if any(mark in text for mark in (":", "<<", "[[", "((")):
        text = _HIDDEN.sub("", text)
        text = _XREF.sub(lambda m: m["text"] or m["label"] or _target(m["target"] or m["id"]), text)
        text = _MENU.sub(lambda m: " › ".join([m["menu"], *(p.strip() for p in m["items"].split(">") if p.strip())]),
                         text)
        text = _LINK.sub(lambda m: _link_text(m["text"]) or m["plain"] or m["url"] or m["mail"], text)
        text = _LABEL.sub(lambda m: m["text"] or m["target"], text)
    if any(mark in text for mark in "*_`#+^~"):
        text = _ROLE.sub("", text)
        for pattern in (_DOUBLED, *_SINGLES):
            text = pattern.sub(lambda m: m["text"], text)
        text = _SCRIPT.sub(r"\2", text)
    text = _ESCAPE.sub("", text)
    if passed:
        text = _HELD.sub(lambda m: passed[int(m[1])] if int(m[1]) < len(passed) else m[0], text)
    return " ".join(text.split())


def _passed(text: str) -> tuple[str, list[str]]:
    """`text` with each passthrough closed (`+++...+++`, `pass:[...]`) held as a mark of its place, and their texts
    as shown (`_TAG`s left out, character references read), in order. A `+++` opens or closes one, a `pass:[` opens
    one that its next bracket closes, the marks of the other kind inside one are its text. One never closed is text,
    and the scan goes on after its mark with that kind left out (none after it closes either): three scans at most.
    A text that holds such a mark already is left as it is."""
    if ("+++" not in text and "pass:" not in text) or "\ue000" in text:
        return text, []
    pieces: list[str] = []
    passed: list[str] = []
    done, unclosed = 0, ""  # the text up to `done` is read; the kinds of mark that open no passthrough
    while True:
        opened = None  # the passthrough open: where its text starts, the kind of mark closing it, where its mark is
        for mark in _PASS.finditer(text, done):
            kind = mark[0][:1]
            if opened is None and kind != "]" and kind not in unclosed:
                opened = (mark.end(), "]" if kind == "p" else "+", mark.start())
            elif opened is not None and kind == opened[1]:
                inside = text[opened[0]:mark.start()]
                pieces.append(f"{text[done:opened[2]]}\ue000{len(passed)}\ue001")
                passed.append(_html_text(inside.replace("\\]", "]") if kind == "]" else inside))
                done, opened = mark.end(), None
        if opened is None:
            return "".join(pieces) + text[done:], passed
        unclosed += "p" if opened[1] == "]" else "+"
        pieces.append(text[done:opened[0]])  # the mark never closed, as written
        done = opened[0]


def _html_text(html: str) -> str:
    """What a page shows of the HTML a passthrough holds: its text, without its tags, nor the content of its scripts
    and styles (one never closed hides the rest, as in a browser), its character references read; in one scan."""
    pieces: list[str] = []
    done = 0
    while (hidden := _UNSHOWN.search(html, done)) is not None:
        pieces.append(html[done:hidden.start()])
        # searched in the text itself, not a lowered copy: a letter lowered into two ("İ") would shift the cut
        close = _CLOSE[hidden["name"].lower()].search(html, hidden.end())
        end = html.find(">", close.end()) if close is not None else -1
        done = end + 1 if end >= 0 else len(html)
    pieces.append(html[done:])
    return unescape(_TAG.sub("", "".join(pieces)))


def _link_text(text: str) -> str:
    """What a link's bracketed text shows: all of it ("plus de 2,000 tests"), but its first attribute where it names
    attributes (`Guide,window=_blank`), as Asciidoctor reads attributes out of it only when it holds a `=`."""
    if "=" in text:
        text = text.split(",")[0]
    return text.strip()


def _target(target: str) -> str:
    """What a cross reference without text shows here: its anchor, or its page's name (`install.adoc#prereq`)."""
    return target.rsplit("#", 1)[-1] or target


__all__ = ["VALUE_LIMIT", "Attributes", "shown"]
