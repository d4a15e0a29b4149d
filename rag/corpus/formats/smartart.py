"""A SmartArt graphic's text (a process's steps, a cycle, an organisation chart, a list drawn as boxes), as an Office
document keeps it: in a data part of its own (`ppt/diagrams/dataN.xml`, the `r:dm` of the graphic's `dgm:relIds`),
not in the slide's shapes.

The data model holds points (`dgm:pt`: the document, its nodes, and points of layout and connection that hold no
text) and connections (`dgm:cxn`): a node stands under its parent (a connection of type `parOf`, the default), in the
order of `srcOrd` among its siblings. The nodes' text, each paragraph a line, is read from the document down, depth
first (a step, then its sub-points), the order the graphic shows and its text pane lists; a node no connection reaches
comes after, in the part's order. Each is a list item: a graphic's boxes are a list's entries drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from xml.etree import ElementTree

_DGM = "{http://schemas.openxmlformats.org/drawingml/2006/diagram}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_NODES = {None, "node", "asst"}  # the points that hold a graphic's text: nodes, an assistant's box in a chart


def diagram_lines(data: ElementTree.Element, paragraph: Callable[[ElementTree.Element], str]) -> list[str]:
    """The text of a SmartArt data model (`dgm:dataModel`), node by node in reading order, each of its paragraphs
    (`paragraph` reads one as the slide's are read) a line; blank ones left out."""
    points = {pt.get("modelId", ""): pt for pt in data.iterfind(f"{_DGM}ptLst/{_DGM}pt")}
    children: dict[str, list[tuple[int, str]]] = {}
    for cxn in data.iterfind(f"{_DGM}cxnLst/{_DGM}cxn"):
        if cxn.get("type") in (None, "parOf"):
            order = cxn.get("srcOrd", "0")
            children.setdefault(cxn.get("srcId", ""), []).append((int(order) if order.isdigit() else 0,
                                                                 cxn.get("destId", "")))
    ordered: list[str] = []
    seen: set[str] = set()
    stack = [key for key, pt in reversed(points.items()) if pt.get("type") == "doc"]
    while stack:  # depth first, without recursion: a data model may nest deep, or loop
        key = stack.pop()
        if key in seen or key not in points:
            continue
        seen.add(key)
        ordered.append(key)
        stack.extend(child for _, child in sorted(children.get(key, ()), reverse=True))
    ordered += [key for key in points if key not in seen]
    lines = []
    for key in ordered:
        pt = points[key]
        if pt.get("type") in _NODES:
            lines += [text for p in pt.iterfind(f"{_DGM}t/{_A}p") if (text := paragraph(p)).strip()]
    return lines


__all__ = ["diagram_lines"]
