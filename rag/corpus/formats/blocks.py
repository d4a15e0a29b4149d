"""A document read block by block (Word, OpenDocument): the one text its citations index, each block (a paragraph,
a list item, a table row) followed by "\\n", and its lines under the headings met so far.

The formats whose files hold no text to cite into (zipped XML) make that text themselves: this is where it is put
together, the same way for each of them, so that a passage of a .docx and one of an .odt are cut and cited alike.
"""

from __future__ import annotations

from rag.corpus.formats.base import Line, Outline, Parsed, Section, lines_with_offsets


class BlockText:
    """The text of a document made by `add`ing its blocks in reading order, then read by `parsed`."""

    def __init__(self) -> None:
        self._pieces: list[str] = []
        self._offset = 0
        self._sections = [Section(None)]  # text before the first heading has none
        self._outline = Outline()
        self._first_title: str | None = None

    def add(self, text: str, kind: str | None = None, level: int = 0, item: bool = False) -> None:
        """Add one block: body text (`kind` None), whose lines join the open section, `item` marking a list item's or
        a table row's; a heading ("heading") of `level` (1 the outermost), which opens a section named by its text
        under the headings still open; or a title ("title"), which opens one no heading stands over, as the whole
        document stands under it. A blank block is left out."""
        if not text.strip():
            return
        if kind is None:
            self._sections[-1].lines.extend(Line(line.text, self._offset + line.start, self._offset + line.end, item)
                                            for line in lines_with_offsets(text))
        else:
            heading = " ".join(text.split())
            if kind == "title" and self._first_title is None:
                self._first_title = heading
            start = self._offset + len(text) - len(text.lstrip())
            self._sections.append(Section(heading, heading_start=start) if kind == "title"
                                  else self._outline.section(level, heading, start))
        self._pieces.append(text + "\n")
        self._offset += len(text) + 1

    def parsed(self, title: str | None) -> Parsed:
        """The sections that hold lines, and the text they index; the title is `title` (the document's properties),
        else the first title block's text."""
        return Parsed([s for s in self._sections if s.lines], title=title or self._first_title,
                      text="".join(self._pieces), blocks=True)


__all__ = ["BlockText"]
