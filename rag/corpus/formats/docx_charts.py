"""A Word document's charts (Insert › Chart), read as a slide's are (`rag.corpus.formats.charts`): a chart in a
paragraph gives, after that paragraph's text (in a table's cell, after the table's rows), its title, its axes'
titles, its series' names and a row for each category with its values ("Colissimo | 2024: 42 | 2025: 35"). Its words
and numbers live in a part of their own (`word/charts/chart1.xml`, named by the `r:id` of the paragraph's
`c:chart`), which the body does not show: a report's figures were read as nothing. A chart part named twice is read
once (a small file naming one part thousands of times would give its text as many times); one that is not well-
formed is left out, the document read as before charts were (python-docx never opens them), and one declaring
entities refuses the file, as any part does (`rag.corpus.formats.archive.check_elements`). A chart deleted with
changes tracked, or in a text box, is not read, as their text is not."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from rag.corpus.formats.archive import xml_tree
from rag.corpus.formats.charts import chart_lines

_C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_TEXT_BOX = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}txbxContent"


def _title_paragraph(paragraph: Any) -> str:
    """A chart title's paragraph (`a:p`): its runs' and fields' text."""
    return "".join(t.text or "" for t in paragraph.iter(f"{_A}t"))


class Charts:
    """The charts a document's paragraphs and tables show, each part read once; `hidden`: the tags of the elements
    whose content Word does not show as the body's (a deleted run, a fallback copy)."""

    def __init__(self, document: Any, hidden: Collection[str]) -> None:
        self._related = document.part.related_parts  # the main part's relationships: rId -> part
        self._hidden = hidden
        self._read: set[str] = set()

    def lines(self, block: Any) -> list[tuple[str, bool]]:
        """The lines of the charts in `block` (a `w:p`, or a `w:tbl` whose cells show them), in order, each (text, a
        list item); none of a chart deleted, in a text box (whose text is no part of the body's flow either) or
        in a part that cannot be read (not well-formed, or of numbers no format can show)."""
        lines: list[tuple[str, bool]] = []
        for chart in block.iter(f"{_C}chart"):
            part = self._related.get(chart.get(f"{_R}id", ""))
            name = str(getattr(part, "partname", ""))
            if part is None or not name or name in self._read or any(
                    ancestor.tag in self._hidden or ancestor.tag == _TEXT_BOX
                    for ancestor in chart.iterancestors() if ancestor is not block):
                continue
            self._read.add(name)
            try:
                lines += chart_lines(xml_tree(part.blob, name.lstrip("/"), ".docx", "Office Open XML"),
                                     _title_paragraph)
            except ValueError:
                continue
        return lines


__all__ = ["Charts"]
