"""Page furniture that an HTML page marks only by name: a `<div class="sidebar">`, a `<ul id="main-menu">`, a
`<div class="breadcrumbs">`, where a page written with semantic elements would have used `<nav>`, `<aside>` or
`<footer>` (which `rag.corpus.formats.html` leaves out by their element).

A class names furniture when one of its words (split at `-` and `_`: "site-footer", "cookie_banner") is a furniture
word and none is a content word ("content-sidebar" wraps the content, as Mozilla's Readability also judges); an id
(or the name a component gives its element for its tests, `data-testid`), when all its words are furniture words or
words that place furniture ("main-menu", "sidebar-left": a section's id is often its heading's slug,
"file-menu-shell-and-editor" on a documentation page). A blog's comment thread is furniture by
a class or id naming it (`_thread`: "blog-comments", "disqus_thread", WordPress's "comment-respond"), a section too.
Headings, other sections (`<section>`, docutils' and pandoc's `<div class="section">`) and the page's content
(`role="main"`) are never furniture by name.
A name can mislead ("layout-with-sidebar" around the whole article), so the first reading measures each such element
before it is left out: it is furniture when most of its text is in links (a menu, a trail, a list of related pages),
or when the elements of its name (tag and class) hold at most a quarter of the page's text (a sidebar, a cookie
notice, a footer; a restaurant's three menus are measured together) and it holds no `<h1>` words outside links (a
banner over the article holds its title). The page's text is what the next reading reads (not a <nav>'s links). A
named element holding more of the page, in words of its own, is read; so is one never closed (it would take the rest
of the page with it). And when what is named would leave out more than three quarters
of the page, nothing is left out by name: the page is its links.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser

FURNITURE_WORDS = frozenset({
    "nav", "navbar", "navigation", "menu", "menubar", "submenu", "breadcrumb", "breadcrumbs", "sidebar", "footer",
    "cookie", "cookies", "consent", "banner", "social", "sharing", "pagination", "pager", "toolbar", "topbar",
    "newsletter", "related", "skiplink", "skip",
    # share buttons (Elementor's `elementor-share-buttons`); a blog's comments and their form (WordPress's
    # `<div id="comments" class="comments-area">`), as a help centre's are (`FURNITURE_CLASSES`)
    "share", "comments",
    # a list of a blog's posts beside a page (Elementor's posts widget, "Articles similaires"; WordPress's latest posts
    # block); a blog's index, its posts most of the page, is read by the measure below
    "posts",  # these three name content too: `WEAK_WORDS`
    # a table of contents (MediaWiki's `<div id="toc" class="toc">`, Confluence's `<div class="toc-macro">`); the
    # sections a Confluence export adds below a page's content (`<div class="pageSection group">`: its attachments'
    # names and types, its comments, a space's list of pages)
    "toc", "pagesection",
    # a help article's "Did this answer your question? 😞 😐 😃" (Intercom's `<div class="intercom-reaction-picker">`)
    "reaction", "reactions"})
# Whole class names of furniture whose words alone would name content too: Confluence's byline ("Créé par X, dernière
# modification par Y le 3 mai 2024", `<div class="page-metadata">`); a `<div class="metadata">` or a `<dl
# class="product-metadata">` holds a product's specifications or a paper's authors. And what Zendesk Guide's default
# theme (Copenhagen, which most help centres adapt) sets around an article, each class holding "article", a content
# word: its author and date ("Camille", "il y a 3 mois", "Mise à jour"), "Suivre", its attachments' names and sizes,
# the lists of recently viewed and related articles, its comments, and the footer's votes, "Vous avez d'autres
# questions ?" and "Retour en haut" where a theme moved them out of the article's <footer>.
# A whole class names furniture on a <section> too: the theme's older versions set the related and recently viewed
# articles in a `<section class="article-relatives">`, and Zendesk's helpers write each list as a `<section
# class="related-articles">` (`recent-articles`) under its own heading, "Related articles"; Intercom's, `<section
# class="related_articles">` (a whole class is read with "_" as "-").
FURNITURE_CLASSES = frozenset({"page-metadata", "article-author", "article-subscribe", "article-attachments",
                               "article-relatives", "article-comments", "article-votes", "article-more-questions",
                               "article-return-to-top", "related-articles", "recent-articles"})
CONTENT_WORDS = frozenset({"content", "article", "post", "entry"})
# Furniture words that name content too (an invoicing help page's `<div class="invoice-comments">`, a company's
# `<span class="share-capital">`, a job board's `job-posts`): a class names furniture by one of them only where all
# the other words of its name name furniture, place it, or name a site builder's widget ("comments-area",
# "elementor-widget-share-buttons", "wp-block-latest-posts"); an id, as any id (`ID_WORDS`)
WEAK_WORDS = frozenset({"share", "comments", "posts"})
_WIDGET_WORDS = frozenset({"elementor", "wp", "jp", "buttons", "button", "btn", "icons", "list", "latest", "recent",
                           "grid", "title", "count", "facebook", "twitter", "linkedin", "whatsapp", "pinterest",
                           "email"})
# A blog's comment thread and its form, named by "comments" beside what it stands under or who writes in it
# ("blog-comments", "post-comments", "user-comments"), by the service that serves it ("disqus-comments", Facebook's
# "fb-comments", `<div id="disqus_thread">`, giscus', utterances'), or by WordPress's parts of it (`<ol
# class="commentlist">`, "comment-list", `<div id="respond" class="comment-respond">`, "comment-form",
# "comment-reply-title"); not "comments" beside a word of content ("invoice-comments", "product-comments-summary": an
# invoice's notes, a product's reviews), nor "comment" alone (Prism's `<span class="token comment">` in code).
_COMMENT_SERVICES = frozenset({"disqus", "giscus", "utterances", "commento", "isso", "remark42", "hyvor"})
_THREAD_WORDS = frozenset({"blog", "post", "entry", "article", "user", "users", "reader", "readers", "visitor",
                           "visitors", "fb", "thread", "embed", *_COMMENT_SERVICES})
_THREAD_PARTS = frozenset({"respond", "list", "form", "reply", "thread"})  # beside "comment", one comment's own
_THREADS = frozenset({"commentlist", "commentform"})
# An id is often its section's heading made a slug (`<section id="file-menu-shell-and-editor">` over "File menu
# (Shell and Editor)", a documentation page's content): one names furniture only when all its words are furniture
# words or these, which place furniture on a page ("site-footer", "main-menu", "sidebar-left").
ID_WORDS = FURNITURE_WORDS | {"site", "page", "main", "top", "bottom", "left", "right", "primary", "secondary",
                              "global", "mobile", "header", "wrapper", "wrap", "container", "area", "bar", "box",
                              "links", "widget", "block", "region", "inner", "outer", "notice", "popup"}
# The name a component gives its element for its tests, read as an id: a help centre built with React marks its trail
# so and nothing else (Intercom's `<div class="mb-6 flex ..." data-testid="breadcrumbs">`)
_TEST_ID = "data-testid"
LINK_SHARE = 0.5  # at least this share of an element's text in links: navigation, whatever its size
PAGE_SHARE = 0.25  # at most this share of the page's text: furniture beside the content
# the page, its content landmarks and its headings, whatever names they carry; and its sections (whose ids are their
# headings' slugs, "comments" over a documentation page's "Comments"), but by a class naming a comment thread
_NEVER = {"html", "body", "main", "article", "h1", "h2", "h3", "h4", "h5", "h6"}
_UNCOUNTED = {"script", "style", "template", "head", "title"}  # text that is never read (and what `skipped` says)
# as `rag.corpus.formats.html` reads them, so that both readings count the same elements open: what a <head> holds
# (any other tag ends it, `</head>` being optional), and the elements that never hold any
HEAD = {"title", "meta", "link", "script", "style", "base", "noscript", "template"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
        # obsolete, still void
        "basefont", "bgsound", "command", "frame", "image", "isindex", "keygen", "menuitem", "param"}
# sectioning elements: a <footer> inside one is its footer (an article's byline, votes), not the site's (HTML's own
# rule for which <footer> is the page's `contentinfo` landmark)
SECTIONING = {"article", "aside", "main", "nav", "section"}
# Words of a class naming one part of a page's content, which a footer inside it, or named after it ("card-footer",
# Bootstrap's "modal-footer", "entry-footer"), belongs to as an article's does: a card's date, a post's tags, a
# product's price, not the site's address
COMPONENT_WORDS = frozenset({"card", "modal", "panel", "dialog", "popup", "post", "entry", "article", "comment",
                             "review", "product", "tile", "teaser", "event"})
# Elements whose end tag HTML lets a page leave out (`<li class="product">Thé vert<li ...>`): one of them, never
# closed, would hold the rest of the page, its site footer included, as a component
_END_OPTIONAL = {"li", "p", "td", "th", "tr", "dd", "dt", "option", "optgroup", "tbody", "thead", "tfoot", "colgroup",
                 "rb", "rt", "rp", "rtc"}
_MAX_OPEN = 64  # named elements measured at once: one deeper is measured with those around it (a hostile page nests
# thousands, and each word of text counts for each open one)
_WORD = re.compile(r"[-_\s]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")  # "pageTitle": "page" "Title"


# Elements left out with all they hold. Not <button> (an accordion's question is one) nor elements marked `hidden` or
# aria-hidden (its collapsed answers are): an FAQ page would lose its questions and answers.
SKIPPED = {"script", "style", "noscript", "template", "svg", "head", "nav", "footer", "select", "textarea", "dialog",
           "iframe", "canvas", "object"}
LENIENT = {"script", "style", "head"}  # what a page whose furniture never closes still leaves out
# landmark and widget roles of furniture (a menu, a site banner, a cookie dialog), whatever their element
SKIPPED_ROLES = {"navigation", "search", "banner", "contentinfo", "menu", "menubar", "toolbar", "dialog", "alertdialog"}
# a document's running header and footer, where LibreOffice saves it as HTML: `<div title="header">` (Writer's own
# names, whatever the language), the page number's field in it
SKIPPED_TITLES = {"header", "footer"}
# a document's comments, where Word saves it as a web page: their marks in the text (`<a class=msocomanchor
# href="#_msocom_1">[MG1]</a>`) and their texts at the end (`<div style='mso-element:comment-list'>`), no part of it
_WORD_COMMENT = re.compile(r"mso-element:\s*comment-list", re.IGNORECASE)


def skipped(tag: str, attrs: dict[str, str | None], lenient: bool) -> bool:
    """Whether an element is left out by its element or role (only `LENIENT`'s, when `lenient`)."""
    if lenient:
        return tag in LENIENT
    return tag in SKIPPED or (attrs.get("role") or "").strip().lower() in SKIPPED_ROLES or (
        tag == "div" and (attrs.get("title") in SKIPPED_TITLES or bool(_WORD_COMMENT.search(attrs.get("style") or "")))
    ) or (tag == "a" and (attrs.get("class") or "").lower() == "msocomanchor")


def is_main(tag: str, attrs: dict[str, str | None]) -> bool:
    """Whether an element marks the page's content: `<main>`, or any element of role "main"."""
    return tag == "main" or (attrs.get("role") or "").strip().lower() == "main"


def name_words(value: str | None, camel: bool = False) -> set[str]:
    """The words of a class or id attribute, lower-cased: split at `-`, `_` and spaces, and where `camel` is set
    between a lower-case letter and a capital too ("pageTitle"). Furniture names are read without that split, as
    they were measured (a page's "navItem" is not known to be its menu)."""
    value = _CAMEL.sub(" ", value or "") if camel else value or ""
    return {w for w in _WORD.split(value.lower()) if w}


def named_as_furniture(tag: str, attrs: dict[str, str | None]) -> bool:
    """Whether an element's class or id names furniture (see the module's docstring)."""
    if tag in _NEVER or is_main(tag, attrs):
        return False
    names = [name_words(name) for name in (attrs.get("class") or "").split()]
    others = {word for words in names if not _thread(words) for word in words}  # a thread's own name may say "post"
    if any(map(_thread, names)) and not others & CONTENT_WORDS:
        return True
    if FURNITURE_CLASSES & set((attrs.get("class") or "").lower().replace("_", "-").split()):
        return True
    if tag == "section" or "section" in (attrs.get("class") or "").lower().split():
        return False  # a section by its class (docutils', pandoc's <div class="section">)
    weak = any(words & WEAK_WORDS and words <= ID_WORDS | _WIDGET_WORDS for words in names)
    classes = set().union(*names)
    if (classes & (FURNITURE_WORDS - WEAK_WORDS) or weak) and not classes & CONTENT_WORDS:
        return True
    for name in (attrs.get("id"), attrs.get(_TEST_ID)):
        ident = name_words(name)
        if (ident & FURNITURE_WORDS and ident <= ID_WORDS) or _thread(ident):
            return True
    return False


def _thread(words: set[str]) -> bool:
    """Whether the words of a class or an id name a blog's comment thread or its form (`_THREAD_WORDS`)."""
    if words & _THREADS or ("comment" in words and words & _THREAD_PARTS):
        return True
    return bool(words & ({"comments"} | _COMMENT_SERVICES)) and words <= {"comments"} | ID_WORDS | _WIDGET_WORDS | \
        _THREAD_WORDS


class Region:
    """An element and all it holds, followed by its name: the same name opened inside it must close first."""

    def __init__(self, tag: str | None = None) -> None:
        """`tag`: the element entered, if any."""
        self.tag: str | None = tag
        self._depth = int(tag is not None)

    def enter(self, tag: str) -> None:
        self.tag, self._depth = tag, 1

    def start(self, tag: str) -> None:
        if tag == self.tag:
            self._depth += 1

    def end(self, tag: str) -> None:
        if tag == self.tag:
            self._depth -= 1
            if self._depth == 0:
                self.tag = None


@dataclass
class _Element:
    tag: str
    name: tuple[str, str]  # its tag and class: elements of one name are measured by size together (three menus)
    position: tuple[int, int]  # (line, column) of its start tag, as the parser reports it
    depth: int = 1  # elements of its own name open inside it, itself included
    text: int = 0  # characters of text it holds, spaces collapsed
    links: int = 0  # of which inside links
    titled: bool = False  # whether it holds words of an <h1> outside links: the page's title, not a logo
    parent: _Element | None = None  # the element named as furniture it stands in, if any
    closed: bool = False  # whether its end tag was read
    end: tuple[int, int] | None = None  # (line, column) of its end tag, once read
    scoped: bool = False  # whether it stands in a sectioning element (`SECTIONING`)
    footer: bool = False  # whether its class or id names a footer ("site-footer", `id="footer"`), not a component's


class Furniture(HTMLParser):
    """A first reading of a page: where its elements named as furniture start (`left_out`), measured as the module's
    docstring says, and whether it marks its content with `<main>` (or role="main", `main`) or `<article>`
    (`article`), whatever stands around them. Feed it the page, close it, then read them."""

    def __init__(self, skipped: Callable[[str, dict[str, str | None]], bool] = lambda tag, attrs: False) -> None:
        """`skipped`: whether an element (its tag and attributes) is left out by the reading that follows (a <nav>,
        a <select>): its text is not the page's, against which named elements are measured."""
        super().__init__(convert_charrefs=True)
        self._skipped = skipped
        self._open: list[_Element] = []
        self._measured: list[_Element] = []
        self._uncounted: str | None = None  # the element whose text is not read, while in it
        self._uncounted_depth = 0  # elements of its name open, itself included
        self._links = 0  # <a> elements open
        self._h1 = 0  # <h1> elements open
        self.text = 0  # the page's text, characters
        self.main = self.article = False
        self._sectioning: list[str] = []  # sectioning elements open (`SECTIONING`), outermost first
        self._components: list[Region] = []  # the elements open whose class names a component (`COMPONENT_WORDS`)
        self._footer: tuple[int, int] | None = None  # where the site's footer being passed over starts
        self._footers: list[tuple[tuple[int, int], tuple[int, int]]] = []  # where each closed one starts and ends

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.main = self.main or is_main(tag, dict(attrs))
        self.article = self.article or tag == "article"
        for element in self._open:  # counted as the next reading counts them: any tag, a <template>'s included
            if element.tag == tag:
                element.depth += 1
        for component in self._components:
            component.start(tag)
        if self._uncounted == "head" and tag not in HEAD:
            self._uncounted = None  # `</head>` left out: the body's first element ends the head
        if self._uncounted is not None or tag in VOID:
            self._uncounted_depth += tag == self._uncounted
            return
        if tag in _UNCOUNTED or self._skipped(tag, dict(attrs)):
            self._uncounted, self._uncounted_depth = tag, 1
            role = (dict(attrs).get("role") or "").strip().lower()
            self._footer = self.getpos() if role == "contentinfo" or (
                tag == "footer" and not self._sectioning and not self._components) else None
            return
        inside = bool(self._components)  # in a component: a footer in it is the component's
        if tag not in _NEVER and tag not in _END_OPTIONAL and len(self._components) < _MAX_OPEN and \
                _component(dict(attrs).get("class")):
            self._components.append(Region(tag))
        self._sectioning += [tag] if tag in SECTIONING and len(self._sectioning) < _MAX_OPEN else []  # one deeper is
        # inside those already (a hostile page nests thousands, and each end tag would look through them)
        if tag == "a":
            self._links += 1
        if tag == "h1":
            self._h1 += 1
        if len(self._open) < _MAX_OPEN and named_as_furniture(tag, dict(attrs)):
            named = dict(attrs)
            self._open.append(_Element(tag, (tag, named.get("class") or named.get("id") or ""), self.getpos(),
                                       parent=self._open[-1] if self._open else None,
                                       scoped=bool(self._sectioning) or inside,
                                       footer=_site_footer(named.get("class")) or _site_footer(named.get("id"))))

    def handle_endtag(self, tag: str) -> None:
        for component in self._components:
            component.end(tag)
        self._components = [component for component in self._components if component.tag is not None]
        for element in list(self._open):
            if element.tag == tag:
                element.depth -= 1
                if element.depth == 0:
                    element.closed, element.end = True, self.getpos()
                    self._open.remove(element)
                    self._measured.append(element)
        if self._uncounted is not None:
            if tag == self._uncounted:
                self._uncounted_depth -= 1
                self._uncounted = self._uncounted if self._uncounted_depth else None
                if self._uncounted is None and self._footer is not None:
                    self._footers.append((self._footer, self.getpos()))
                    self._footer = None
            return
        if tag in self._sectioning:  # closing those left open in it (a `<section>` never closed in a `<main>`)
            del self._sectioning[len(self._sectioning) - self._sectioning[::-1].index(tag) - 1:]
        if tag == "a" and self._links:
            self._links -= 1
        if tag == "h1" and self._h1:
            self._h1 -= 1

    def handle_data(self, data: str) -> None:
        if self._uncounted is not None:
            return
        size = len(" ".join(data.split()))
        self.text += size
        for element in self._open:
            element.text += size
            element.links += size if self._links else 0
            element.titled = element.titled or bool(size and self._h1 and not self._links)

    def close(self) -> None:
        super().close()
        self._measured += self._open  # never closed (an optional end tag, a missing one): never left out, it would
        self._open = []  # take the rest of the page with it

    @property
    def left_out(self) -> frozenset[tuple[int, int]]:
        """The start positions of the elements to leave out, with all they hold."""
        return frozenset(e.position for e in self._chosen())

    @property
    def footers(self) -> list[tuple[tuple[int, int], tuple[int, int]]]:
        """Where the site's footers left out start and end, (line, column) of their start and end tags, in page
        order: a `<footer>` outside any sectioning element or an element of role `contentinfo`, and an element named
        a footer ("site-footer", Elementor's "elementor-location-footer") outside any, left out (`left_out`); neither
        inside an element whose class names a part of the content (`COMPONENT_WORDS`: `<div class="card">`), nor one
        named as a component's footer ("card-footer", "modal-footer")."""
        chosen = self._chosen()
        ids = {id(e) for e in chosen}
        named = [(e.position, e.end) for e in chosen
                 if e.end is not None and e.footer and not e.scoped and not _within(e, ids)]
        return sorted(self._footers + named)

    def _chosen(self) -> list[_Element]:
        named: dict[tuple[str, str], int] = {}  # the text of the elements of each name (tag and class)
        for e in self._measured:
            named[e.name] = named.get(e.name, 0) + e.text
        chosen = [e for e in self._measured if e.closed and e.text and (
            e.links >= LINK_SHARE * e.text or (not e.titled and named[e.name] <= PAGE_SHARE * self.text))]
        ids = {id(e) for e in chosen}
        if sum(e.text for e in chosen if not _within(e, ids)) > (1 - PAGE_SHARE) * self.text:
            return []  # the page is its links (a site map): read it whole
        return chosen


def _component(value: str | None) -> bool:
    """Whether a class attribute names a part of the content (`COMPONENT_WORDS`: "card", "product-tile") that is
    not a footer."""
    return any(words & COMPONENT_WORDS and "footer" not in words for words in map(name_words, (value or "").split()))


def _site_footer(value: str | None) -> bool:
    """Whether a class or id attribute names a footer, and not a component's: no name of it says "footer" after a
    word of `COMPONENT_WORDS` ("site-footer", "footer-widget-area", Elementor's "elementor-location-footer"; not
    "card-footer", "modal-footer")."""
    names = [_WORD.split(name.lower()) for name in (value or "").split()]
    owned = any("footer" in words and COMPONENT_WORDS.intersection(words[:words.index("footer")]) for words in names)
    return not owned and any("footer" in words for words in names)


def _within(element: _Element, chosen: set[int]) -> bool:
    """Whether `element` stands in one of the elements whose `id()`s are `chosen` (whose text holds its own)."""
    parent = element.parent
    while parent is not None:
        if id(parent) in chosen:
            return True
        parent = parent.parent
    return False


__all__ = ["CONTENT_WORDS", "FURNITURE_WORDS", "HEAD", "LENIENT", "SKIPPED", "SKIPPED_ROLES", "VOID", "WEAK_WORDS",
           "Furniture", "Region", "is_main", "name_words", "named_as_furniture", "skipped"]
