"""What a chart in an Office document says in words (a slide's bar chart "Tickets par canal", its series "2024" and
"2025", its categories "E-mail", "Téléphone", "Chat"), as its chart part keeps it (`ppt/charts/chartN.xml`, the `r:id`
of the graphic frame's `c:chart`), not in the slide's shapes; and an equation's text (Office Math, `m:oMath`).

A chart's lines, in the order the chart shows them: its title (its own text, or the cell it is taken from, as cached in
the part), its axes' titles, then its series' names, each a list item (a legend's entries), then its data as the cells
it was drawn from cache them: a row for each category (the labels along its axis; a category of several levels labelled
by all of them, "2024 T1" for quarters under years), its values beside it, each named by its series where there are
several, shown as the series' number format shows them ("E-mail | 2024: 120 | 2025: 95", "Chat | 42%"; not a data
label's own format), in the categories' order. A value with no category, a number alone, says nothing a question can be
matched against: a chart without values has its categories on one line, set apart by " | " as a table row's cells, each
once whatever the series that lists it. A scatter or bubble chart's series (numbers against numbers: `c:xVal`, `c:yVal`,
and a bubble's size, `c:bubbleSize`) gives a row for each of its points, in their order, "x → y" ("12 → 4.5"; a bubble's
"12 → 4.5 (30)"), named by their series where there are several ("Lyon | 12 → 4.5"); its axes' titles say what the
numbers are. A newer chart (`cx:chart`: a treemap, a waterfall) is not read. Those lines are written by `lines` from
each series' name, categories and values (`Series`), whatever the format the chart comes in: an OpenDocument chart's are
read from its object's table (`rag.corpus.formats.opendocument_charts`).

An equation is read as a line of text: its runs' characters in order, a fraction as "(numerator)/(denominator)", a
power as "base^exponent", an index as "base_index", a root as "√(radicand)" ("x = (−b ± √(b^2 − 4ac))/(2a)").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from xml.etree import ElementTree

from rag.corpus.formats.base import CELL_SEPARATOR
from rag.corpus.formats.xlsx_numbers import number_format, shown

_C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
# Office Math's structures written on one line: a fraction, a power, an index, a root (its degree left out), each
# (its parts in the order written, how they are set around each of them)
_SHAPES = {f"{_M}f": ((f"{_M}num", "(", ")/"), (f"{_M}den", "(", ")")),
           f"{_M}sSup": ((f"{_M}e", "", ""), (f"{_M}sup", "^", "")),
           f"{_M}sSub": ((f"{_M}e", "", ""), (f"{_M}sub", "_", "")),
           f"{_M}sSubSup": ((f"{_M}e", "", ""), (f"{_M}sub", "_", ""), (f"{_M}sup", "^", "")),
           f"{_M}rad": ((f"{_M}e", "√(", ")"),)}
# where a series' points are cached: text, numbers (shown as their format code shows them), categories of several levels
_NUMBERS = {f"{_C}numCache", f"{_C}numLit"}
_POINT_CACHES = {f"{_C}strCache", f"{_C}strLit", f"{_C}multiLvlStrCache", *_NUMBERS}
# characters of a series' name written beside each of its values, or of an outer category's label beside each of its
# inner ones; a longer one is written once (a legend's entry) or not repeated: a long name on every point of a
# small part made gigabytes
_NAME_MAX = 100
_LEVELS_MAX = 8  # levels of categories read (Excel shows a few)
_DEPTH_MAX = 64  # structures nested deeper are read as their characters in order


@dataclass(frozen=True)
class Series:
    """One series of a chart as its part keeps it, whatever the format (Office Open XML's `c:ser`, an OpenDocument
    chart's `chart:series` and local table): the texts of its name (`names`), of its categories (`categories`: a
    chart without values shows them), each category's label by its index along the axis (`labels`, in index order)
    and its values as shown, by the same index (`values`); a scatter or bubble chart's series its points (`points`),
    numbers against numbers, in their order."""

    names: list[str]
    categories: list[str]
    labels: list[tuple[int, str]]
    values: dict[int, str]
    points: list[str] = field(default_factory=list)  # a scatter or bubble chart's, each "x → y" or "x → y (size)"


def lines(titles: Iterable[str], every: list[Series]) -> list[tuple[str, bool]]:
    """A chart's lines, each (text, a list item), as the module's docstring says: its `titles` (the chart's, its
    axes'), blank ones left out, its series' names each once, then a row for each category with its values, named by
    their series where there are several (a name over `_NAME_MAX` characters is a legend's entry only), in the
    categories' order; without values, its categories on one line; then each series' points, a row each, named by
    their series as values are."""
    found = [(text, False) for text in titles if text]
    names: dict[str, None] = {}  # in order, each once (a dict: a list's `in` is quadratic over many series)
    categories: dict[str, None] = {}
    rows: dict[int, tuple[str, list[str]]] = {}  # by the category's index: its label and its values, in index order
    points: list[tuple[str, bool]] = []
    for series in every:
        name = " ".join(series.names)
        names.update(dict.fromkeys(series.names))
        categories.update(dict.fromkeys(series.categories))
        named = bool(name) and len(every) > 1 and len(name) <= _NAME_MAX  # a long name once, as a legend's entry
        for at, label in series.labels:
            if value := series.values.get(at):
                rows.setdefault(at, (label, []))[1].append(f"{name}: {value}" if named else value)
        points += [(CELL_SEPARATOR.join((name, point)) if named else point, True) for point in series.points]
    found += [(name, True) for name in names]
    if rows:
        found += [(CELL_SEPARATOR.join((label, *values)), True) for _, (label, values) in sorted(rows.items())]
    elif categories:
        found.append((CELL_SEPARATOR.join(categories), False))
    return found + points


def chart_lines(space: ElementTree.Element, paragraph: Callable[[ElementTree.Element], str]) -> list[tuple[str, bool]]:
    """The lines of a chart part (`c:chartSpace`) in the order the module's docstring says, each (text, a list item);
    `paragraph` reads a title's paragraph as the slide's are read. Blank ones left out."""
    chart = space.find(f"{_C}chart")
    if chart is None:
        return []
    titles = [_title(title, paragraph) for title in (chart.find(f"{_C}title"),
                                                      *chart.iterfind(f"{_C}plotArea/*/{_C}title"))
              if title is not None]
    system = space.find(f"{_C}date1904")  # dates counted from 1904 (a Mac's Excel of old): a serial reads otherwise
    date1904 = system is not None and system.get("val", "1") in ("1", "true")
    return lines(titles, [Series(_cached(series.find(f"{_C}tx")), _cached(series.find(f"{_C}cat")),
                                 _labels(series.find(f"{_C}cat"), date1904),
                                 _points(series.find(f"{_C}val"), date1904), _plotted(series, date1904))
                          for series in chart.iterfind(f"{_C}plotArea/*/{_C}ser")])


def _plotted(series: ElementTree.Element, date1904: bool) -> list[str]:
    """A scatter or bubble chart's series' points (`c:xVal`, `c:yVal`, `c:bubbleSize`) in their index's order, each
    "x → y" or "x → y (size)", as their number formats show them; a point without an x or a y left out (a number
    alone, as a value without a category)."""
    ys = _points(series.find(f"{_C}yVal"), date1904)
    if not ys:
        return []
    xs, sizes = _points(series.find(f"{_C}xVal"), date1904), _points(series.find(f"{_C}bubbleSize"), date1904)
    return [f"{xs[at]} → {y}" + (f" ({sizes[at]})" if at in sizes else "") for at, y in sorted(ys.items()) if at in xs]


def _title(title: ElementTree.Element, paragraph: Callable[[ElementTree.Element], str]) -> str:
    """A chart's or an axis's title: its rich text's paragraphs, or the cell's text it is taken from, white space
    collapsed."""
    rich = title.find(f"{_C}tx/{_C}rich")
    texts = [paragraph(p) for p in rich.iterfind(f"{_A}p")] if rich is not None else _cached(title.find(f"{_C}tx"))
    return " ".join(" ".join(texts).split())


def _cached(holder: ElementTree.Element | None) -> list[str]:
    """The texts of a series' name or categories: written as they are (`c:v`, `c:strLit`) or as the cells they are
    taken from cache them (`c:strCache`, `c:multiLvlStrCache`), white space collapsed, blank ones left out; none for
    numbers (`c:numCache`: dates, years as numbers)."""
    if holder is None:
        return []
    texts = [" ".join((value.text or "").split()) for value in holder.iterfind(f"{_C}v")]  # a name written as is
    caches, outside = {f"{_C}strCache", f"{_C}strLit", f"{_C}multiLvlStrCache"}, list(reversed(holder))
    while outside:  # the outermost caches, in document order, each read whole: a c:v in nested caches is read once
        element = outside.pop()
        if element.tag in caches:
            texts += [" ".join((value.text or "").split()) for value in element.iter(f"{_C}v")]
        else:
            outside += reversed(element)
    return [text for text in texts if text]


def _points(holder: ElementTree.Element | None, date1904: bool = False,
            cache: ElementTree.Element | None = None) -> dict[int, str]:
    """The points of a series' values (or of `cache`, one level of its categories) by their index (`c:pt idx`), from
    the first cache or literal `holder` holds: text, or numbers as its `c:formatCode` (or a point's own `formatCode`)
    shows them, white space collapsed, blank ones left out."""
    if cache is None:
        cache = None if holder is None else next((e for e in holder.iter() if e.tag in _POINT_CACHES), None)
    if cache is None:
        return {}
    code = cache.findtext(f"{_C}formatCode")
    shared = number_format(code) if cache.tag in _NUMBERS else None
    points = {}
    for point in cache.iterfind(f"{_C}pt"):
        text = " ".join((point.findtext(f"{_C}v") or "").split())
        index = point.get("idx", "")
        if not text or not index.isdecimal() or len(index) > 9:
            continue
        if shared is not None:
            own = point.get("formatCode")
            text = shown(text, shared if own is None else number_format(own), date1904)
        points[int(index)] = text
    return points


def _labels(holder: ElementTree.Element | None, date1904: bool) -> list[tuple[int, str]]:
    """A series' categories in index order, each (index, label). Categories of several levels (quarters under years:
    `c:multiLvlStrCache`, its innermost level first, an outer one naming only the first index of each group) are
    labelled by every level, the outermost first ("2024 T1"), each outer label read where its group begins."""
    cache = None if holder is None else next((e for e in holder.iter() if e.tag in _POINT_CACHES), None)
    if cache is None or cache.tag != f"{_C}multiLvlStrCache":
        return sorted(_points(holder, date1904, cache).items())
    levels = [sorted(_points(None, date1904, level).items()) for level in cache.iterfind(f"{_C}lvl")]
    if not levels:
        return []
    # each outer level (the outermost first, `_LEVELS_MAX` at most), the next of its points, its label now
    outer = [(level, 0, "") for level in reversed(levels[1:_LEVELS_MAX])]
    labelled = []
    for at, label in levels[0]:
        for n, (level, next_at, current) in enumerate(outer):
            while next_at < len(level) and level[next_at][0] <= at:  # each outer point passed once: linear
                current, next_at = level[next_at][1] if len(level[next_at][1]) <= _NAME_MAX else "", next_at + 1
            outer[n] = (level, next_at, current)
        labelled.append((at, " ".join([*(current for _, _, current in outer if current), label])))
    return labelled


def math_text(element: ElementTree.Element, depth: int = 0) -> str:
    """An equation's text (`m:oMath`, `m:oMathPara`, or any part of one) on one line, as the module's docstring
    says."""
    if depth >= _DEPTH_MAX:
        return "".join(t.text or "" for t in element.iter(f"{_M}t"))
    pieces = []
    for child in element:
        if child.tag == f"{_M}t":
            pieces.append(child.text or "")
        elif child.tag in _SHAPES:
            for tag, before, after in _SHAPES[child.tag]:
                part = child.find(tag)
                pieces.append(before + ("" if part is None else math_text(part, depth + 1)) + after)
        elif child.tag == f"{_M}d":  # delimiters: parentheses unless the equation names others
            properties = child.find(f"{_M}dPr")
            opening, closing = (_delimiter(properties, "begChr", "("), _delimiter(properties, "endChr", ")"))
            inner = [math_text(part, depth + 1) for part in child.iterfind(f"{_M}e")]
            pieces.append(opening + _delimiter(properties, "sepChr", "|").join(inner) + closing)
        elif not child.tag.endswith("Pr"):  # a structure's properties hold no text
            pieces.append(math_text(child, depth + 1))
    return "".join(pieces)


def _delimiter(properties: ElementTree.Element | None, name: str, default: str) -> str:
    found = None if properties is None else properties.find(f"{_M}{name}")
    return default if found is None else found.get(f"{_M}val", default)


__all__ = ["Series", "chart_lines", "lines", "math_text"]
