"""Which lines of a plain-text legal text, contract or terms of sale head its articles and divisions: the lines shaped
as such (`rag.corpus.formats.legal`) that stand where a heading does, with the title line an article alone on its line
takes in; and, once the text is read into sections, the ones that head nothing, to be read as text again."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from rag.corpus.formats import line_shapes
from rag.corpus.formats.base import Line, Section
from rag.corpus.formats.legal import (
    APART,
    ARTICLE_LEVEL,
    SENTENCE_OPENINGS,
    SHARED,
    LegalHeading,
    division_level,
    legal_heading,
    unbracketed,
)
from rag.corpus.formats.line_shapes import BULLET, NUMBERED, OUTLINE, apart, heading_like, opens_block, titled
from rag.index.analyzer import detect_language


@dataclass(frozen=True)
class Heading:
    """An article's or a division's heading: its outline `level`, its `text`, the `lines` it stands on (its own, then
    the title line it takes in, if any), its `kind` and `number` (`LegalHeading`'s), and where on its line the
    article's text begins, if it does (`body`: "Art. 2. - Le présent décret ...", an article without title)."""

    level: int
    text: str
    lines: tuple[int, ...]
    kind: str = "article"
    number: str | None = None
    body: int | None = None


@dataclass(frozen=True)
class Articles:
    """A text's articles and divisions: their `headings` by the index of their line, and the lines `listed`, text
    whatever else they look like (a table of contents', a list's)."""

    headings: dict[int, Heading] = field(default_factory=dict)
    listed: frozenset[int] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.headings)

    def without(self, hollow_lines: set[int]) -> Articles:
        """These articles but the headings on `hollow_lines`, read as text."""
        kept = _counted({i: heading for i, heading in self.headings.items() if i not in hollow_lines})
        return Articles(kept, self.listed if kept else frozenset())


def legal_headings(lines: list[Line], source: str) -> Articles:
    """The articles and divisions of a legal text. The heading is the line; where the line holds no title ("ARTICLE
    3", "Art. 7 –"), the line and the short title line under it ("Art. 7 – Durée") if more than that line stands
    under it, else the line alone (over an outline's "3.1 ...", a sentence). Each opens a block, as an outline's
    headings do, or follows another heading; a title must read as a heading, a colon after it aside, and not run on
    into the next line of its block in lower case: else, after a separator, it is the article's text, the number
    alone the heading (a decree's "Art. 2. - Le présent décret entre en vigueur ...", an article without title), and
    without one the line is text ("§ 5 Der Vertrag ... zustande.", "Artículo 1.º del Código"). Headings one after
    the other that a table of contents or a list makes are text (`_listed`). A
    document with fewer than two articles or divisions has none: one such line is read as any other. Annexes and a
    preamble, and a title line in capitals after the articles, stand beside the outermost heading (`_beside`)."""
    found: dict[int, Heading] = {}
    covered: set[int] = set()  # the lines of the headings found: a heading may follow them
    shapes = _shapes(lines, source)
    for i, line in enumerate(lines):
        heading = shapes[i]
        if i in covered or heading is None or not opens_block(lines, i, source, covered):
            continue
        level, kind, number = heading.level, heading.kind, heading.number
        if heading.title is not None and heading.title_at is not None:
            title = heading.title.removesuffix(":").rstrip()  # "Article 2 - Loyer :" over its text
            if title and _titled(title) and not _runs_on(lines, i, source):
                found[i] = Heading(level, line.text, (i,), kind, number)
            elif title and _titled(title) and _wrapped_title(lines, i, source):
                found[i] = Heading(level, f"{line.text} {lines[i + 1].text}", (i, i + 1), kind, number)
            elif kind == "article" and heading.separated and title and not title[0].islower():
                found[i] = Heading(level, heading.untitled, (i,), kind, number, heading.title_at)
        elif _title_line(lines, i + 1, source) and _goes_on(shapes, i + 2, level):
            # "Art. 7 –" has its separator; a title in brackets needs none ("Art. 1" over "(Finalità)")
            bracketed = unbracketed(lines[i + 1].text) != lines[i + 1].text
            joiner = " " if heading.label != line.text or bracketed else " – "
            found[i] = Heading(level, line.text + joiner + lines[i + 1].text, (i, i + 1), kind, number)
        else:
            found[i] = Heading(level, heading.label, (i,), kind, number)
        covered.update(found[i].lines if i in found else ())
    kept, listed = _listed(found)
    kept = _counted(kept)
    return Articles(_beside(kept, lines, source), frozenset(listed) if kept else frozenset())


def _titled(title: str) -> bool:
    """Whether an article's or a division's text after its separator reads as its title: a heading's text
    (`heading_like`), or one sentence's shape with a point after it, short, that does not open as a sentence does
    (on an article or a pronoun: `SENTENCE_OPENINGS`) or is in capitals: "Objeto y ámbito de aplicación.", "OBJET.",
    "Definitions.", not "Le présent décret entre en vigueur."; in brackets, what they enclose ("(Finalità)")."""
    title = unbracketed(title)
    if heading_like(title):
        return True
    bare = title.removesuffix(".")
    if bare == title or not bare or bare.endswith(".") or ". " in bare or not heading_like(bare):
        return False
    return bare.isupper() or not _opens_as_sentence(bare)


def _opens_as_sentence(text: str) -> bool:
    """Whether `text` opens on an article or a pronoun (`SENTENCE_OPENINGS`): "Le présent décret ..."."""
    first = "".join(c if c.isalpha() else " " for c in text[:40]).split()[:1]
    return bool(first) and first[0].casefold() in SENTENCE_OPENINGS


def _wrapped_title(lines: list[Line], i: int, source: str) -> bool:
    """Whether the title on line `i` wraps onto the next line, in lower case, and ends there: that line is no
    sentence's end and goes on into no other ("Article 2 – Conditions générales de vente applicables et" over
    "modalités de paiement du prix"), the two a heading's length, and the title does not open as a sentence."""
    if i + 2 > len(lines) or not _runs_on(lines, i, source) or _runs_on(lines, i + 1, source):
        return False
    title = legal_heading(lines[i].text)
    after = lines[i + 1].text
    if title is None or title.title is None or after.endswith(line_shapes.SENTENCE_END):
        return False
    return heading_like(f"{title.title} {after}") and not _opens_as_sentence(title.title)


def _title_line(lines: list[Line], i: int, source: str) -> bool:
    """Whether line `i` is a title on its own: a title's shape, no sentence inside it ("Objet. Le contrat ..."), no
    number or bullet, and not going on into a next line of its block that opens in lower case (a wrapped sentence's
    first line); in brackets, what they enclose ("(Finalità)", not "(abrogato)")."""
    if i >= len(lines) or not titled(unbracketed(lines[i].text)) or ". " in lines[i].text:
        return False
    text = lines[i].text
    if legal_heading(text) is not None or any(rule.match(text) for rule in (OUTLINE, NUMBERED, BULLET)):
        return False
    return not _runs_on(lines, i, source)


def _runs_on(lines: list[Line], i: int, source: str) -> bool:
    """Whether line `i` runs on into the next line of its block, in lower case: a wrapped sentence."""
    after = lines[i + 1] if i + 1 < len(lines) else None
    return after is not None and not apart(lines[i], after, source) and after.text[0].islower()


def _goes_on(shapes: list[LegalHeading | None], i: int, level: int) -> bool:
    """Whether something would stand under a heading of `level` from line `i` on: a line that is not a heading at its
    level or above. Without it, the line under an article alone on its line ("ARTICLE 1" over "Le présent contrat
    est régi par le droit français", then "ARTICLE 2") is its text, not its title."""
    if i >= len(shapes):
        return False
    following = shapes[i]
    return following is None or following.level > level


def _shapes(lines: list[Line], source: str) -> list[LegalHeading | None]:
    """The heading each line is shaped as, if any (`legal_heading`), a division whose word two languages share at
    its level in the document's ("Libro I" above "Título I" in Spanish, under "Parte I" in Italian), a "Section"
    placed where the document puts it: above articles, as French law does ("Section 1 : ..." > "Article L. 121-1"),
    where a Section comes before the first article or the text is in French; else inside the article open, as an
    English contract's "Section 1.1 - Agreement" under "ARTICLE 1 - DEFINITIONS", at its clauses' level."""
    shapes = [legal_heading(line.text) for line in lines]
    kinds = [shape.kind if shape else None for shape in shapes]
    inside = "section" in kinds and "article" in kinds and kinds.index("section") > kinds.index("article")
    language = detect_language([source]) if inside or SHARED.intersection(kinds) else None
    if language is not None and SHARED.intersection(kinds):
        shapes = [replace(shape, level=division_level(shape.kind, language)) if shape and shape.kind in SHARED else
                  shape for shape in shapes]
    if not inside or language == "fr":
        return shapes
    return [replace(shape, level=ARTICLE_LEVEL + max(1, (shape.number or "").count(".")))
            if shape and shape.kind == "section" else shape for shape in shapes]


def _listed(found: dict[int, Heading]) -> tuple[dict[int, Heading], set[int]]:
    """The headings found but those of a table of contents or a list, and the lines of these: a run of headings one
    after the other, with no text between them, two at least of whose numbers come again in a heading of their kind
    after it, up to the last of these and the ones of its kind after it (a table of contents, "Article 1 – Objet" to
    "Article 13 – Droit applicable" before the articles); then,
    in a run left, each heading closed by the next before any text (the next does not stand under it: an article
    after an article), and the last of the run too when it is one more of its kind ("Article 12 - Chaise pliante 25
    €" over "Article 13 - Table basse 80 €"): else the last heads the text after the run (a preamble, a chapter)."""
    later = {(h.kind, h.number): i for i, h in found.items()}  # the last heading of each kind and number
    listed: set[int] = set()
    for run in _runs(found):
        again = [k for k, i in enumerate(run) if later[found[i].kind, found[i].number] > run[-1]]
        end = again[-1] + 1 if len(again) > 1 else 0
        while 0 < end < len(run) and _alike(found[run[end]], found[run[end - 1]]):
            end += 1  # one more of its kind ("Article 14" where the articles stop at 13)
        listed.update(run[:end])  # a preamble after the contents heads the text after them
    left = {i: heading for i, heading in found.items() if i not in listed}
    for run in _runs(left):
        closing = [k for k in range(1, len(run)) if left[run[k]].level <= left[run[k - 1]].level]
        if not closing:
            continue  # each under the one before: "Titre I", "Chapitre 1", "Article 1 – Objet"
        last = closing[-1]
        first, before = left[run[last]], left[run[max([0, *closing[:-1]])]]
        listed.update(run if _alike(first, before) else run[:last])
    return ({i: heading for i, heading in found.items() if i not in listed},
            {j for i in listed for j in found[i].lines})


def _alike(heading: Heading, other: Heading) -> bool:
    return (heading.kind, heading.level) == (other.kind, other.level)


def _runs(found: dict[int, Heading]) -> list[list[int]]:
    """The headings found in runs of headings one after the other (the line after one's lines the next's, and no
    text on it: an article's `body` ends a run), each heading once: one again opens a run (the first article after a
    table of contents that a blank line alone parts from it)."""
    runs: list[list[int]] = []
    names: set[tuple[str, str | None]] = set()  # the kinds and numbers of the headings of the last run
    for i in sorted(found):
        last = found[runs[-1][-1]] if runs else None
        name = found[i].kind, found[i].number
        if last is not None and last.lines[-1] + 1 == i and last.body is None and name not in names:
            runs[-1].append(i)
        else:
            runs.append([i])
            names.clear()
        names.add(name)
    return runs


def _counted(found: dict[int, Heading]) -> dict[int, Heading]:
    """The headings found if two at least are articles or divisions, else none."""
    return found if sum(heading.kind not in APART for heading in found.values()) >= 2 else {}


def _beside(found: dict[int, Heading], lines: list[Line], source: str) -> dict[int, Heading]:
    """The headings found, with an annex or a preamble (`APART`) beside the outermost of them, and a title line in
    capitals, apart, after the last article or division beside it too ("FORMULAIRE DE RÉTRACTATION" after the last
    article: before it, such a line may head a part of an article)."""
    if not found:
        return found
    top = min(heading.level for heading in found.values() if heading.kind not in APART)
    last = max(i for i, heading in found.items() if heading.kind not in APART)
    taken = {j for heading in found.values() for j in heading.lines}
    for i in range(found[last].lines[-1] + 1, len(lines)):
        text = lines[i].text
        if i not in taken and text.isupper() and apart(lines[i - 1], lines[i], source) and \
                _title_line(lines, i, source):
            found[i] = Heading(top, text, (i,), "annexe")
    return {i: replace(h, level=top) if h.kind in APART else h for i, h in sorted(found.items())}


def hollow(sections: list[Section], opened: dict[int, int]) -> set[int]:
    """The lines of the headings that head nothing, once the text is read into `sections`: `opened` gives the line
    of the heading that opened a section, by its index. A heading heads nothing when its section has no line and no
    section with lines stands under it before it closes (a parser keeps no section without lines: the heading would
    be lost with it)."""
    return {i for k, i in opened.items() if not sections[k].lines and not _heads_lines(sections, k)}


def _heads_lines(sections: list[Section], k: int) -> bool:
    """Whether a section with lines stands under section `k`'s heading before the heading closes."""
    path = (*sections[k].parents, sections[k].heading)
    for section in sections[k + 1:]:
        if section.heading is None:
            continue  # after an elision: the headings open stay open
        if section.parents[:len(path)] != path:
            return False
        if section.lines:
            return True
    return False


__all__ = ["Articles", "Heading", "hollow", "legal_headings"]
