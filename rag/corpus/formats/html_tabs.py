"""A page's tabs, as `rag.corpus.formats.html` reads them: a tab's label heads the panel it shows, its text no line.

Long help pages split their content by the reader's case: "Salarié" / "Fonctionnaire" / "Travailleur indépendant",
"Vous avez moins de 18 ans", "Je suis un professionnel", "Formule Confort". Each tab shows a panel (the others hidden:
they are content all the same), and the panels repeat each other's headings ("Durée du congé", "Démarches"): only
the tab's label tells an answer for one case from the same answer for another. So the label heads its panel, one
level under the headings open where the panel stands, and every heading inside the panel stands under it
(`PanelOutline`); the tab list itself, a row of controls, is no text.

A tab (`Tabs`) is an element of `role="tab"`, or of `data-toggle` / `data-bs-toggle` "tab" or "pill" (Bootstrap), or
a link in a list of tabs (`role="tablist"`, or a `<ul>` / `<ol>` whose class or id says "tabs": a jQuery-era site's
`<ul class="tabs"><li><a href="#formule-confort">`), naming its panel by `aria-controls`, `data-bs-target` /
`data-target` or its `href` ("#id"); it counts only where an element of that id follows it (the first one of the id)
and its label is short enough for a heading, and heads that element only if it is a container (`PANELS`).

An accordion's panel is much the same: where a heading holds the control that opens it (WAI's accordion pattern, the
DSFR's and Bootstrap's: `<h3><button aria-expanded aria-controls>` over its panel), the panel right after it (the
next element named on the page, `next_id`) ends what the heading heads, as a `</details>` ends what its `<summary>`
heads: the "À savoir" box after the last case is the section's again, not the last case's."""

from __future__ import annotations

import re
from bisect import bisect_right
from html.parser import HTMLParser

from rag.corpus.formats.base import Outline, Section
from rag.corpus.formats.furniture import VOID, Region
from rag.corpus.formats.html_outline import ID, NESTED
from rag.corpus.formats.text import short_for_heading

_TOGGLES = {"tab", "pill", "tabs", "pills"}
_LIST_WORDS = {"tabs", "tablist", "onglets", "tabset"}  # a list's class or id words that make its links tabs
_WORD = re.compile(r"[-_\s]+")
# the elements a tab's panel may be: a container, never a heading (a list of tabs of links to the page's headings is
# its table of contents) nor an inline element (`<span id>` in a sentence)
PANELS = {"div", "section", "article", "ul", "ol", "dl", "table", "form", "fieldset"}
_LABEL_CHARS = 200  # a label's characters kept while reading it (a hostile tab holds megabytes)


class Label(str):
    """A tab's label as a heading of the outline: the headings inside its panel stand under it."""


class PanelOutline(Outline):
    """An outline where a tab's label heads its panel: `panel` opens it one level under the headings open, and a
    heading inside the panel, whatever its level, stands under the label (a panel's `<h2>` under a tab list that
    stands under an `<h2>`), levels inside the panel keeping their order."""

    def section(self, level: int, heading: str, heading_start: int | None = None) -> Section:
        floor = next((at for at, text in reversed(self._open) if isinstance(text, Label)), None)
        return super().section(level if floor is None else floor + level, heading, heading_start)

    def panel(self, label: str, heading_start: int) -> Section:
        """The section a tab's label opens over its panel, under every heading open; beside the first label open
        once `NESTED` are (panels never closed, on a hostile page, would nest every next one a level deeper)."""
        labels = [at for at, text in self._open if isinstance(text, Label)]
        level = labels[0] if len(labels) >= NESTED else (self._open[-1][0] if self._open else 0) + 1
        return super().section(level, Label(label), heading_start)


class Disclosures:
    """How `rag.corpus.formats.html`'s reader closes what a disclosure heads (a `<details>`, a control's panel, a
    tab's panel): each opens an entry of `_details` (the headings open and the section in effect where it opened);
    a control's panel awaited by its id (`_awaited`, with its entry) closes its own entry when it ends, and with it
    every entry opened since and never closed (a control whose panel never came: an id in a script, a void element),
    so nothing stale is left to nest what follows."""

    sections: list[Section]
    outline: PanelOutline
    _details: list[tuple[tuple[tuple[int, str], ...], Section]]
    _awaited: dict[str, tuple[int, object]]
    _panels: list[tuple[Region, int, object]]
    _waiting: tuple[Section, str, int] | None
    _held: tuple[str, Region] | None

    def _flush(self, end: int) -> None:
        raise NotImplementedError

    def _offset(self) -> int:
        raise NotImplementedError

    def _close_details(self, flush: bool = True) -> None:
        if flush:
            self._flush(self._offset())
        if not self._details:
            return  # the flush closed it (a control's text read before its panel)
        saved, before = self._details.pop()
        if self.sections[-1] is not before:  # its summary opened a section: the one it stood in goes on
            self.outline.restore(saved)
            self.sections.append(Section(before.heading, heading_start=before.heading_start, parents=before.parents))

    def _end_panels(self, tag: str) -> bool:
        """`tag` ends: whether it closes the innermost panel open, its entry then the last of `_details`."""
        for panel, _, _ in self._panels:
            panel.end(tag)
        if not self._panels or self._panels[-1][0].tag is not None:
            return False
        _, at, entry = self._panels.pop()
        if at >= len(self._details) or self._details[at] is not entry:
            return False  # closed already
        del self._details[at + 1:]  # what opened in it and never closed (a control whose panel never came) too
        return True

    def _unhold(self) -> None:
        """Words of a heading after the control it holds: the control is a toggle beside its words (a tooltip's "?"),
        not the accordion's, and its panel ends nothing."""
        controls, _ = self._held or ("", None)
        self._held = None
        if self._entry(controls) == len(self._details) - 1:
            del self._awaited[controls], self._details[-1]

    def _await(self, controls: str) -> None:
        """A control read whose panel `controls` follows: the panel ends what the control heads."""
        self._details.append((self.outline.save(), self.sections[-1]))
        self._awaited[controls] = (len(self._details) - 1, self._details[-1])

    def _entry(self, panel: str | None) -> int | None:
        """Where the entry of `_details` a control awaiting `panel` pushed stands, None if it is closed."""
        at, entry = self._awaited.get(panel or "", (-1, None))
        return at if 0 <= at < len(self._details) and self._details[at] is entry else None

    def _panel_lost(self, named: dict[str, str | None]) -> None:
        """A control's panel left out as furniture (a dropdown's `<ul class="dropdown-menu">`), or void: it heads
        nothing."""
        if (at := self._entry(named.get("id"))) is not None:
            del self._awaited[named.get("id") or ""], self._details[at + 1:]
            self._close_details()

    def _unwait(self) -> None:
        """Text read before a control's panel (a "Menu" button atop a page, its drawer at the end): it heads nothing."""
        if self._waiting and self._waiting[0] is self.sections[-1] and self._waiting[2] == len(self._details):
            self._awaited.pop(self._waiting[1], None)
            self._close_details(flush=False)
        self._waiting = None


class Tabs(HTMLParser):
    """A first reading of a page: its tabs (`controls`, where each starts as the parser reports it) and the label of
    each panel they show (`labels`, by the panel's id)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._found: list[tuple[tuple[int, int], int, str, list[str]]] = []  # tab's position, offset, panel, label
        self._list = Region()  # a list of tabs open
        self._tab = Region()  # the tab whose label is being read
        self._label: list[str] = []
        self._chars = 0
        self._ended: dict[int, bool] = {}  # the tabs whose end was read, by their place: by their own end tag or not
        self._ids: dict[str, int] = {}
        self._lines = [0]

    def feed(self, data: str) -> None:
        """Reads `data`, the whole page at once (offsets of ids are those of the page)."""
        self._lines += [match.end() for match in re.finditer("\n", data)]
        for match in ID.finditer(data):
            self._ids.setdefault(match.group(1), match.start())
        super().feed(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._list.start(tag)
        self._tab.start(tag)
        named = dict(attrs)
        names = (named.get("class") or "", named.get("id") or "")
        listed = tag in ("ul", "ol") and any(_LIST_WORDS & set(_WORD.split(name.lower())) for name in names)
        if self._list.tag is None and (named.get("role") == "tablist" or listed):
            self._list.enter(tag)
            return
        target = panel_id(named) or (named.get("href") or "").removeprefix("#")
        toggle = (named.get("data-bs-toggle") or named.get("data-toggle") or "").lower() in _TOGGLES
        tab = named.get("role") == "tab" or toggle or (tag == "a" and self._list.tag is not None and
                                                       (named.get("href") or "").startswith("#"))
        if tab and target and " " not in target and tag not in VOID:  # a void tab (`<input role=tab>`) holds no label
            if self._tab.tag is not None:
                self._ended[len(self._found) - 1] = False  # the next tab ends one whose end tag is left out (`<li>`)
            line, column = self.getpos()
            self._found.append(((line, column), self._lines[line - 1] + column, target, []))
            self._tab.enter(tag)
            self._chars = 0

    def handle_endtag(self, tag: str) -> None:
        listed = self._list.tag
        self._list.end(tag)
        if self._tab.tag is not None:
            self._tab.end(tag)
            if self._tab.tag is None:
                self._ended[len(self._found) - 1] = True
            elif listed and self._list.tag is None:  # its list closes: so does a tab whose end tag is left out
                self._ended[len(self._found) - 1], self._tab = False, Region()

    def handle_data(self, data: str) -> None:
        if self._tab.tag is not None and self._chars < _LABEL_CHARS:
            self._found[-1][3].append(data[:_LABEL_CHARS])
            self._chars += len(data)

    @property
    def controls(self) -> frozenset[tuple[int, int]]:
        """Where the tabs that show a panel of the page start, of those that end with their own end tag (one left out
        would leave out the rest of the page with it)."""
        return frozenset(position for at, position, *_ in self._shown() if self._ended[at])

    @property
    def labels(self) -> dict[str, str]:
        """Each panel's label by its id: its first tab's words."""
        labels: dict[str, str] = {}
        for _, _, _, target, label in self._shown():
            labels.setdefault(target, label)
        return labels

    def _shown(self) -> list[tuple[int, tuple[int, int], int, str, str]]:
        shown = []
        for at, (position, offset, target, words) in enumerate(self._found):
            label = " ".join("".join(words).split())
            if at in self._ended and self._ids.get(target, -1) > offset and label and short_for_heading(label):
                shown.append((at, position, offset, target, label))
        return shown


def panel_id(named: dict[str, str | None]) -> str:
    """The id of the panel a control names: by `aria-controls`, or by the `data-bs-target` / `data-target` ("#id")
    of Bootstrap's collapse and of jQuery-era accordions (`<button class="faq-question" data-target="#q1">` over
    `<div id="q1" style="display: none;">`, no ARIA at all); "" if it names none."""
    target = named.get("data-bs-target") or named.get("data-target") or ""
    return named.get("aria-controls") or target.removeprefix("#")


def next_id(starts: list[int], offset: int) -> int:
    """Where the first id set after `offset` is set (`starts`: where the page sets ids, in order), -1 if none is."""
    at = bisect_right(starts, offset)
    return starts[at] if at < len(starts) else -1


def tabs(text: str) -> Tabs:
    """The page's tabs and their panels' labels."""
    found = Tabs()
    found.feed(text)
    found.close()
    return found


__all__ = ["PANELS", "Disclosures", "Label", "PanelOutline", "Tabs", "next_id", "panel_id", "tabs"]
