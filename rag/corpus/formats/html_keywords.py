"""An article's tags line, as `rag.corpus.formats.html` leaves it out: links to the site's pages of a tag.

Help centres and blogs end an article with its tags or keywords, "Mots-clés : sinistre habitation indemnisation"
(HubSpot's knowledge base), "Tagged: billing, invoices" (WordPress, KnowAll): read as text, it was a line of the last
FAQ entry. Whatever the site names it or its label, its structure says what it is (`keywords`): an element whose words
are all in links to a tag (`rel="tag"`, HTML's own mark for one, or two links or more to a page of a tag or label:
"/tag/sinistre", "/tags/billing/", "/search/label/x"; one alone may be a release's, "/releases/tag/v2.1") but a short
label before them (`LABEL_WORDS`), and at most `TAG_WORDS` words in all (a site's list of every tag is no article's
line, and sits in its furniture). A link to another article, a link with words of a sentence around it, or a heading
in it are read.

One reading, linear in the page, only when the page links to a tag at all: each element's counts join its parent's
when it ends (`rag.corpus.formats.html_feedback.close`, as `Polls` reads)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

from rag.corpus.formats.furniture import VOID
from rag.corpus.formats.html_feedback import close

LABEL_WORDS = 3  # a tags line's label at most ("Mots-clés :", "Tagged:", "Étiquettes :")
TAG_WORDS = 40  # a tags line's words at most
_WORD = re.compile(r"\w+")
_TAG_PAGE = {"tag", "tags", "label", "labels"}  # a path's segment naming the page of one tag
# a mark of a link to a tag anywhere in the page: a page with none is not read again (a `rel`'s words looked at bounded)
_ANY_TAG = re.compile(r"""rel\s*=\s*["']?[^"'>]{0,100}\btag\b|/(?:tags?|labels?)/""", re.IGNORECASE)
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_UNREAD = {"script", "style", "template", "noscript"}  # their text is never read


@dataclass
class _Element:
    tag: str
    position: tuple[int, int]  # (line, column) of its start tag, as the parser reports it
    tag_link: bool  # a link to a tag's page
    marked: bool = False  # such a link marked `rel="tag"`, or one holding one
    tags: int = 0  # links to a tag's page in it
    words: int = 0  # its words
    label: int = 0  # its words outside links to a tag's page, before the first
    other: bool = False  # words outside links to a tag's page after the first, a heading or another link

    def join(self, child: _Element) -> None:
        """`child` ends: what it holds is this element's."""
        self.marked = self.marked or child.marked
        if child.tag_link:
            self.tags += 1
            self.words += child.words
            self.other = self.other or child.other or child.tags > 0
            return
        self.other = self.other or child.other or (child.label > 0 and self.tags > 0)
        self.label += child.label
        self.tags += child.tags
        self.words += child.words

    @property
    def line(self) -> bool:
        """Whether it is a tags line, as the module's docstring says."""
        return (self.tags > 1 or (self.tags > 0 and self.marked)) and not self.tag_link and not self.other and \
            self.label <= LABEL_WORDS and self.words <= TAG_WORDS


class Keywords(HTMLParser):
    """A reading of a page for its tags lines: where each starts (`left_out`)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._open: list[_Element] = []
        self.left_out: set[tuple[int, int]] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        named = dict(attrs)
        rel = (named.get("rel") or "").lower().split()
        path = urlsplit(named.get("href") or "").path.lower().split("/")
        tag_link = tag == "a" and ("tag" in rel or bool(_TAG_PAGE & set(path[:-1])))
        element = _Element(tag, self.getpos(), tag_link, marked=tag == "a" and "tag" in rel)
        element.other = tag in _HEADINGS or (tag == "a" and not tag_link and bool(self._open) and
                                               not self._open[-1].tag_link)
        self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        close(self._open, tag, lambda element: element.line, self.left_out)

    def handle_data(self, data: str) -> None:
        words = len(_WORD.findall(data))
        if not self._open or not words or self._open[-1].tag in _UNREAD:
            return
        element = self._open[-1]
        element.words += words
        if not element.tag_link:
            element.label += words
            element.other = element.other or element.tags > 0


def keywords(text: str) -> frozenset[tuple[int, int]]:
    """Where the page's tags lines start, (line, column) of their start tags as the parser reports them."""
    if not _ANY_TAG.search(text):
        return frozenset()
    found = Keywords()
    found.feed(text)
    found.close()
    return frozenset(found.left_out)


__all__ = ["LABEL_WORDS", "TAG_WORDS", "Keywords", "keywords"]
