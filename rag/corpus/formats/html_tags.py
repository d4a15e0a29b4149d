"""What HTML's elements are to `rag.corpus.formats.html`: blocks (each a line), a row's cells, controls, headings; and
which runs are set bold: `<strong>` and `<b>`, a `<span>` set bold by its inline style (Wix's text boxes, `<span
style="font-weight:bold">`) or, in a Google Docs export, by a class its style sheet sets bold (`.c3{...;font-weight:
700;...}`); and whether the run right after a `<br>` is one (a block all in bold goes on over its line breaks: a bold
address is one line, not a heading over the next)."""

from __future__ import annotations

import re

from rag.corpus.formats.text import reads_as_heading

BLOCKS = {"p", "li", "dt", "dd", "tr", "td", "th", "pre", "blockquote", "figcaption", "caption", "summary",
          # containers: text written straight inside one (a page built of <div>s) is a line of its own
          "div", "section", "article", "main", "header", "aside", "details", "figure", "address", "dl", "ul", "ol",
          "table", "form", "fieldset"}
CELLS = {"td", "th"}
# controls drawn as boxes of their own: their words never run into the text beside them ("Oui" "Non", not "OuiNon")
CONTROLS = {"button", "label"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
STRONG = {"strong", "b"}
# Google Docs' export: its body's class, and a class its style sheet sets bold
_GOOGLE_DOCS = re.compile(r"<body\b[^<>]*\sclass=\"[^\"<>]*\bdoc-content\b")  # linear: each try stops at a `<`
_BOLD_CLASS = re.compile(r"\.([\w-]+)\{[^{}]*\bfont-weight:\s*(?:700|800|900|bold)\b")
_SHEET_BOLD_CLASS = re.compile(r"\.([\w-]+)\s*\{[^{}]*\bfont-weight:\s*(?:700|800|900|bold)\b")  # a rule's own class
_BOLD_STYLE = re.compile(r"\bfont-weight:\s*(?:700|800|900|bold)\b")
_NEXT_RUN = re.compile(r"\s*<(strong|b|span)\b[^<>]*>", re.IGNORECASE)  # the run starting right at a place
_CLASS = re.compile(r"""\sclass=["']?([^"'<>]*)""")
_RUNS = 64  # runs of a bold line that heads the lines after it, at most (a bold block of thousands is not read again)


def bold_classes(source: str) -> set[str]:
    """The classes a Google Docs export's style sheet sets bold (none for any other page)."""
    return set(_BOLD_CLASS.findall(source)) if _GOOGLE_DOCS.search(source) else set()


def sheet_bold_classes(sheet: str) -> set[str]:
    """The classes a style sheet sets bold (`.span2 { font-size: 15pt; font-weight: bold; }`): an e-book's, which its
    pages link to (`rag.corpus.formats.epub`)."""
    return set(_SHEET_BOLD_CLASS.findall(sheet))


def bold_run(tag: str, start_tag: str, classes: set[str]) -> bool:
    """Whether an element, by its name and its start tag's text, is a run in bold (`classes`: `bold_classes`)."""
    if tag.lower() in STRONG:
        return True
    if tag.lower() != "span":
        return False
    named = _CLASS.search(start_tag)
    return bool(_BOLD_STYLE.search(start_tag)) or bool(named and classes & set(named[1].split()))


def bold_next(source: str, at: int, classes: set[str]) -> bool:
    """Whether a run in bold starts at `at` in `source`, spaces aside."""
    run = _NEXT_RUN.match(source, at)
    return run is not None and bold_run(run[1], run[0], classes)


def heads_lines(read: list[str], source: str, at: int, classes: set[str]) -> bool:
    """Whether a paragraph all in bold, `read` up to a `<br>` ending at `at`, is a line that heads the paragraph's next
    lines ("<p><strong>Article 10 – Garanties</strong><br>Les produits ..."): it reads as a heading and the run after
    the `<br>` is not in bold (a bold address goes on)."""
    return len(read) <= _RUNS and not bold_next(source, at, classes) and \
        reads_as_heading(" ".join("".join(read).split()))


__all__ = ["BLOCKS", "CELLS", "CONTROLS", "HEADINGS", "STRONG", "bold_classes", "bold_next", "bold_run",
           "heads_lines", "sheet_bold_classes"]
