"""A page's feedback widget, as `rag.corpus.formats.html` leaves it out: a question and the choices that answer it.

Help pages end with a poll on the page itself: "Cette page vous a-t-elle été utile ? Oui Non", "Cet article vous
a-t-il aidé ? 👍 Oui 👎 Non", "Was this article helpful? Yes No", in a `<form>` of radio buttons and "Envoyer", in
a `<div>` of buttons or of links going nowhere, a thank-you hidden beside them ("Merci pour votre avis !"). Read as
text, the question became a section of its own, which came second for "how long must I have been registered?", and
"Oui Non" a line. Whatever the site names it, its structure says what it is (`polls`): an element (a container of
`CONTAINERS`) whose visible text outside its controls is one run (a paragraph, a heading, a span: one block's, and
no other block with words beside it, so an article's heading and text around its widget are no poll, while the
widget's own element is), a short question (`QUESTION_CHARS`, ending with its only question mark), with two
answers at least among its choices (`ANSWERS`: "Oui", "Non", "👍 Yes", stars, emoji; at most `MAX_CHOICES` choices
in all unless each is of symbols only, a rating) — a choice being a short label (`CHOICE_WORDS`: a `<button>`,
a `<label>` of a radio button, a link to no page, anything of role "button") —, no other control (a control opening
a panel, a tab or an accordion, or a link to a page, is not a choice: the question would head what it shows), and
at most a short text hidden (`HIDDEN_WORDS`: the thank-you shown once answered; a quiz's or an FAQ's hidden answer
is read), a hidden form to write in beside it not counted: the follow-up a "Non" opens ("Comment pouvons-nous
améliorer cet article ?", reasons to tick, a text box, "Envoyer"; audit 65's knowledge base page), in a `<form>` or
a container hidden (its `hidden` attribute, its style, or a class hiding it on every screen, `HIDDEN_CLASSES`), is
the widget's own if, shown, it would be such a form as below (a checker's or a quiz's answer hidden is read). A
`<form>` holding a choice, a text box or radio buttons, no heading, and at most one short line besides its controls'
labels ("Votre avis nous intéresse" over a text box and "Envoyer") is such a widget too: no such form is what a page
answers (a page wrapped whole in a `<form>`, as ASP.NET writes it, has headings).

One reading, linear in the page: each element's counts join its parent's when it ends (an end tag closes the
element it names among the `_DEPTH` innermost open, and those open inside it; only the element it names may be a
widget, since one closed by an outer end tag left out would leave that end tag's element open); what it keeps of
its words is capped."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Protocol, Self, TypeVar

from rag.corpus.formats.furniture import VOID

CONTAINERS = {"div", "section", "form", "fieldset", "aside", "p"}
QUESTION_CHARS = 150  # a poll's question, and a form's one line, at most
CHOICE_WORDS, CHOICE_CHARS = 3, 30  # a choice's label at most ("👍 Oui", "Pas vraiment")
HIDDEN_WORDS = 8  # hidden text a poll may hold (its thank-you) at most
MAX_CHOICES = 3  # a poll's choices at most ("Oui", "Non", "Envoyer"), unless all are symbols (a rating's stars)
# a poll's answers: the widget's own vocabulary ("Oui", "👍 Yes"), not words of a question
ANSWERS = frozenset({"oui", "non", "yes", "no", "ja", "nein", "sí", "si", "sim", "não", "nee"})
_WORD = re.compile(r"\w+")
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_INLINE = {"span", "b", "strong", "i", "em", "small", "abbr", "code", "sup", "sub", "u", "mark", "font", "q", "cite",
           "time", "bdi", "s", "del", "ins", "kbd", "var", "dfn"}  # their text is their block's run
_TEXT_BOXES = {"", "text", "search", "email"}  # an `<input>`'s types where one writes
_CHOICES = {"button", "a", "label"}
_UNREAD = {"script", "style", "template", "select", "textarea", "svg", "noscript"}  # text never read as the page's
_OPENS = ("aria-controls", "aria-expanded", "data-bs-toggle", "data-toggle", "data-bs-target", "data-target")
_NOWHERE = ("", "#", "javascript:")
# classes that hide an element (Tailwind's and Bootstrap's, Bulma's, Foundation's), but where another shows it on a
# screen of some size ("hidden lg:block", "d-none d-md-flex": Intercom's side column)
HIDDEN_CLASSES = frozenset({"hidden", "d-none", "is-hidden", "hide"})
_DEPTH = 16  # open elements an end tag looks through for the one it closes


class Counted(Protocol):
    """An element whose counts join its parent's when it ends."""

    tag: str
    position: tuple[int, int]  # (line, column) of its start tag, as the parser reports it

    def join(self, child: Self) -> None: ...


Element = TypeVar("Element", bound=Counted)


def close(open_: list[Element], tag: str, found: Callable[[Element], bool], left_out: set[tuple[int, int]]) -> None:
    """An end tag: closes the element it names among the `_DEPTH` innermost of `open_`, and those open inside it, each
    joining its parent; where the element it names is `found`, its position is `left_out` (only that one: one closed
    by an outer end tag left out would leave that end tag's element open). An end tag naming none of them is astray."""
    for at in range(len(open_) - 1, max(-1, len(open_) - 1 - _DEPTH), -1):
        if open_[at].tag == tag:
            break
    else:
        return
    while len(open_) > at:
        element = open_.pop()
        if len(open_) == at and found(element):
            left_out.add(element.position)
        if open_:
            open_[-1].join(element)


@dataclass
class _Element:
    tag: str
    position: tuple[int, int]  # (line, column) of its start tag, as the parser reports it
    choice: bool  # a control whose label may be a choice
    other: int = 0  # controls that are no choice
    hidden: bool = False  # hidden, or in a hidden element
    words: str = ""  # its visible words (if hidden, as if shown) outside its choices, the first `QUESTION_CHARS`+1
    chars: int = 0  # and how many characters they are
    choices: int = 0
    hidden_words: int = 0
    text: bool = False  # visible words outside its choices, its own or its inline elements'
    runs: int = 0  # blocks with such words in it, closed
    answers: int = 0  # choices of `ANSWERS`
    symbols: int = 0  # choices of symbols only
    heading: bool = False  # a heading in it, or it
    fields: bool = False  # a text box or a radio button in it

    def join(self, child: _Element) -> None:
        """`child` ends: what it holds is this element's, but a hidden form to write in (a poll's follow-up), and a
        hidden element's words, counted as if shown only within what is hidden with it (its parent counts them
        hidden)."""
        if child.hidden and child.tag in CONTAINERS and child.fills and child.follows_up:
            return
        if child.hidden and not self.hidden:
            self.other += min(child.other, 1) if child.choice else child.other
        elif child.choice:
            label = " ".join(child.words.split())
            short = child.chars <= CHOICE_CHARS and len(label.split()) <= CHOICE_WORDS
            if label and short:
                self.choices += 1
                words = _WORD.findall(label.lower())
                self.answers += all(word in ANSWERS for word in words)  # symbols only too ("👍", "★")
                self.symbols += not words
            elif label or child.other:
                self.other += 1
            else:
                self.choices += child.choices  # a control wrapping choices (`<label><a>`)
        else:
            self.words = (self.words + " " + child.words)[:QUESTION_CHARS + 1] if child.words else self.words
            self.chars += child.chars
            self.choices += child.choices
            self.answers += child.answers
            self.symbols += child.symbols
            self.other += child.other
            if child.tag in _INLINE:
                self.text, self.runs = self.text or child.text, self.runs + child.runs
            else:
                self.runs += child.runs + child.text
        self.hidden_words += child.hidden_words
        self.heading = self.heading or child.heading
        self.fields = self.fields or child.fields

    @property
    def fills(self) -> bool:
        """Whether, as shown, it holds a form to write in and nothing else: a text box or radio buttons, a choice or
        another control, no heading, and at most one short line besides its controls' labels (no quiz's or checker's
        answer)."""
        return self.fields and self.choices + self.other >= 1 and not self.heading and \
            self.chars <= QUESTION_CHARS and self.runs + self.text <= 1

    @property
    def writes(self) -> bool:
        """Whether it is a `<form>` to write in (`fills`)."""
        return self.tag == "form" and self.fills

    @property
    def follows_up(self) -> bool:
        """Whether its one line, if any, asks (a poll's follow-up: "Comment pouvons-nous améliorer cet article ?"),
        not a checker's one-line answer hidden until its question is answered ("Non : sans trace d'effraction ...")."""
        words = " ".join(self.words.split())
        return not words or words.endswith("?")

    @property
    def poll(self) -> bool:
        """Whether it is a feedback widget, as the module's docstring says."""
        if self.tag not in CONTAINERS or self.choice or self.other or self.hidden or \
                self.hidden_words > HIDDEN_WORDS or self.chars > QUESTION_CHARS:
            return False
        if self.writes and self.choices >= 1:
            return True
        runs = self.runs + self.text
        words = " ".join(self.words.split())
        asks = words.endswith("?") and words.count("?") == 1
        rating = self.choices <= MAX_CHOICES or self.symbols == self.choices
        return runs == 1 and asks and self.answers >= 2 and rating


class Polls(HTMLParser):
    """A reading of a page for its feedback widgets: where each starts (`left_out`)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._open: list[_Element] = []
        self._unread = 0  # elements whose text is never read, open
        self.left_out: set[tuple[int, int]] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        kind = (named.get("type") or "").strip().lower()
        if self._open and (tag == "textarea" or (tag == "input" and (kind in _TEXT_BOXES or kind == "radio"))):
            self._open[-1].fields = True
        if tag in VOID:
            return
        self._unread += tag in _UNREAD
        style = (named.get("style") or "").replace(" ", "").lower()
        classes = (named.get("class") or "").lower().split()
        hidden = (bool(self._open) and self._open[-1].hidden) or "hidden" in named or \
            named.get("aria-hidden") == "true" or "display:none" in style or "visibility:hidden" in style or (
                bool(HIDDEN_CLASSES.intersection(classes)) and not any(":" in name or (name.startswith("d-") and
                                                                       name != "d-none") for name in classes))
        role = (named.get("role") or "").lower()
        href = (named.get("href") or "").strip().lower()
        opens = any(key in named for key in _OPENS) or (href.startswith("#") and len(href) > 1)
        choice = (tag in _CHOICES or role == "button") and not opens and (
            tag != "a" or role == "button" or href in _NOWHERE or href.startswith("javascript:"))
        element = _Element(tag, self.getpos(), choice, hidden=hidden, heading=tag in _HEADINGS)
        element.other += opens or (tag == "a" and not choice)
        self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        self._unread -= tag in _UNREAD and self._unread > 0
        close(self._open, tag, lambda element: element.poll, self.left_out)

    def handle_data(self, data: str) -> None:
        if not self._open or self._unread or not data.strip():
            return
        element = self._open[-1]
        size = len(" ".join(data.split()))
        element.hidden_words += len(data.split()) if element.hidden else 0
        element.words = (element.words + " " + data[:QUESTION_CHARS + 1])[:QUESTION_CHARS + 1]
        element.chars += size
        element.text = True


def polls(text: str) -> frozenset[tuple[int, int]]:
    """Where the page's feedback widgets start, (line, column) of their start tags as the parser reports them."""
    found = Polls()
    found.feed(text)
    found.close()
    return frozenset(found.left_out)


__all__ = ["ANSWERS", "CHOICE_CHARS", "CHOICE_WORDS", "CONTAINERS", "HIDDEN_CLASSES", "HIDDEN_WORDS", "MAX_CHOICES",
           "QUESTION_CHARS", "Counted", "Polls", "close", "polls"]
