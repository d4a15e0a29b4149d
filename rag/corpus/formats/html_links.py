"""A section of an HTML page that is only a list of links to other pages, as `rag.corpus.formats.html` leaves it out.

Long help pages end with lists of links under headings of their own: "Questions ? Réponses !", "Et aussi", "Voir
aussi", "Ces articles peuvent vous aider", "Related articles", each item another page's title. Their words are other
pages' subjects, not this page's answers, yet they draw the questions those pages answer ("conge parental
d'education combien de temps" found "Congé parental d'éducation à temps plein", a link, on the paternity leave page).
A section is such a list (`lists_links`) when it has a heading and two lines at least, each a list item whose text is
all in links to other pages: not the page's own anchors (a table of contents), nor documents to download (a form in
PDF is what a reader asks for), nor a mail or phone link; one word outside a link (a law's title under its article's
link, "Textes de référence") and the section is read."""

from __future__ import annotations

import re

from rag.corpus.formats.base import Section

# a tag: its name, then its attributes only after a space or a slash (a name and attributes that could share
# characters would try every split of a long unclosed tag, quadratic); each try stops at the next `<` or `>`
_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)([\s/][^<>]*)?>")
_HREF = re.compile(r"""\shref\s*=\s*["']?([^"'\s<>]*)""", re.IGNORECASE)
# a link to a document, not a page: its extension before any query or fragment
_DOCUMENT = re.compile(r"\.(?:pdf|docx?|odt|xlsx?|ods|csv|pptx?|odp|zip|txt|rtf)(?:$|[?#])", re.IGNORECASE)
_NO_PAGE = ("#", "mailto:", "tel:", "javascript:")


def lists_links(section: Section, source: str) -> bool:
    """Whether a section is only a list of links to other pages (`source`: the page its lines' offsets index)."""
    return section.heading is not None and len(section.lines) >= 2 and all(
        line.item and _linked(source[line.start:line.end]) for line in section.lines)


def _linked(chunk: str) -> bool:
    """Whether all of an element's text is in links to other pages, one at least."""
    depth = links = at = 0
    for tag in _TAG.finditer(chunk):
        if not depth and chunk[at:tag.start()].strip():
            return False  # words outside any link
        at = tag.end()
        if tag.group(2).lower() != "a":
            continue
        if tag.group(1):
            depth = max(depth - 1, 0)
            continue
        href = _HREF.search(tag.group(3) or "")
        target = href.group(1) if href else ""
        if not target or target.lower().startswith(_NO_PAGE) or _DOCUMENT.search(target):
            return False
        depth, links = depth + 1, links + 1
    return links > 0 and not chunk[at:].strip()


__all__ = ["lists_links"]
