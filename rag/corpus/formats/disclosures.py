"""The panels a page shows one at a time, and the controls that name them: a tab set's `role="tab"` controls over
their `role="tabpanel"` panels, an accordion's `<button aria-expanded>` over the region it opens. The panel's content
answers its control's words ("Passeport" over what a passport costs, a question over its answer), as a `<summary>`
heads what its `<details>` holds; the control read as text instead would be a line of tab names, or questions
piled over one answer.

A control names its panel by `aria-controls` (its id), or the panel names its tab by `aria-labelledby`, as WAI-ARIA
links them. A control heads a panel when it is a tab, a `<button>` or of role "button", stands before the panel
(outside it: a "close" button inside names nothing), and names that one element only (a button opening several
is no question of any). Panels hidden until clicked are content all the same (`hidden`, as a closed `<details>`).
A control inside a heading (`<h3><button aria-controls>`, as WAI-ARIA's accordion pattern writes it) is left to that
heading, which heads the panel and what follows it as any heading does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from rag.corpus.formats.furniture import VOID

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_PANEL_ROLES = {"tabpanel", "region"}  # roles of panels that may name their control by aria-labelledby


@dataclass
class _Open:
    tag: str
    depth: int = 1  # elements of its own tag open inside it, itself included

    def start(self, tag: str) -> None:
        self.depth += tag == self.tag

    def end(self, tag: str) -> bool:
        """Whether the element closes with this end tag."""
        self.depth -= tag == self.tag
        return not self.depth


@dataclass
class _Control(_Open):
    position: tuple[int, int] = (0, 0)  # (line, column) of its start tag, as the parser reports it
    ident: str | None = None
    controls: list[str] = field(default_factory=list)  # the ids it names in aria-controls
    words: list[str] = field(default_factory=list)


@dataclass
class _Element:
    position: tuple[int, int]
    ident: str | None
    role: str
    labelled_by: list[str]


class Disclosures(HTMLParser):
    """A first reading of a page for its panels and their controls. Feed it the page, close it, then read `panels`
    (the start position of each panel, with its heading) and `controls` (the start positions of the controls that
    head a panel: their words are its heading, not text of the page)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._controls: list[_Control] = []
        self._open: list[_Control] = []  # controls being read
        self._elements: list[_Element] = []
        self._headings: list[_Open] = []  # the headings open (<hN>, role "heading"), whose controls are theirs
        self.panels: dict[tuple[int, int], str] = {}
        self.controls: frozenset[tuple[int, int]] = frozenset()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        role = (named.get("role") or "").strip().lower()
        ident = (named.get("id") or "").strip() or None
        controls = (named.get("aria-controls") or "").split()
        if tag in VOID:
            return
        for element in [*self._open, *self._headings]:
            element.start(tag)
        if tag in _HEADINGS or role == "heading":
            self._headings.append(_Open(tag))
        elif not self._headings and (role == "tab" or (controls and (role == "button" or tag == "button"))):
            self._controls.append(_Control(tag, position=self.getpos(), ident=ident, controls=controls))
            self._open.append(self._controls[-1])
        if ident or role in _PANEL_ROLES:
            self._elements.append(_Element(self.getpos(), ident, role, (named.get("aria-labelledby") or "").split()))

    def handle_endtag(self, tag: str) -> None:
        self._open = [control for control in self._open if not control.end(tag)]
        self._headings = [heading for heading in self._headings if not heading.end(tag)]

    def handle_data(self, data: str) -> None:
        for control in self._open:
            control.words += data.split()

    def close(self) -> None:
        super().close()
        by_id: dict[str, list[_Element]] = {}
        for element in self._elements:
            if element.ident:
                by_id.setdefault(element.ident, []).append(element)
        heads: dict[tuple[int, int], _Control] = {}
        for control in self._controls:
            named = [e for ident in control.controls for e in by_id.get(ident, [])]
            if len(named) == 1 and named[0].position > control.position:
                heads.setdefault(named[0].position, control)
        controls = {c.ident: c for c in self._controls if c.ident}
        for element in self._elements:
            labels = [controls[i] for i in element.labelled_by if i in controls]
            if element.role in _PANEL_ROLES and len(labels) == 1 and labels[0].position < element.position:
                heads.setdefault(element.position, labels[0])
        heads = {position: control for position, control in heads.items() if control.words}
        self.panels = {position: " ".join(control.words) for position, control in heads.items()}
        self.controls = frozenset(control.position for control in heads.values())


def disclosures(text: str) -> Disclosures:
    """The page's panels and the controls that head them (none read where the page names no control)."""
    found = Disclosures()
    if "aria-controls" in text or "aria-labelledby" in text:
        found.feed(text)
        found.close()
    return found


__all__ = ["Disclosures", "disclosures"]
