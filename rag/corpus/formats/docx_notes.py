"""A Word document's footnotes and endnotes, read where the body cites them.

An office writes part of a rule in a footnote ("La journée de solidarité est travaillée¹", the note saying which day
it is): left out, the answer is lost. A note is read after the block whose shown text cites it (a paragraph, or a
table for a note cited in one of its cells), one line per paragraph of the note, in that block's section: what it
annotates stands there. The body keeps no mark of the citation (a "1" glued to the word it follows would change
the word). A note cited only in deleted text, in a text box or in the fallback copy of content shown another way
is not read, as that text is not; Word's separators (`w:type` "separator", ...) are no notes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
# The notes' parts by the kind of their relationship to the document, each with its notes' tag and the tag of a
# citation in the body
_KINDS = {"footnotes": ("footnote", "footnoteReference"), "endnotes": ("endnote", "endnoteReference")}
# Where a citation is not shown: deleted or moved away (tracked), in the fallback copy of content shown another way,
# or in a text box, which the body's text leaves out
_HIDDEN = {f"{_W}del", f"{_W}moveFrom", f"{_W}txbxContent",
           "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"}


class Notes:
    """The footnotes and endnotes of a document, by the citations of a block (`cited`). `paragraph_text`: a paragraph
    element's text as the body reads it."""

    def __init__(self, document: Any, paragraph_text: Callable[[Any], str]) -> None:
        from docx.oxml import parse_xml  # python-docx's parser, as for the other parts (entities not expanded)

        self._text = paragraph_text
        self._notes: dict[tuple[str, str], Any] = {}
        read: set[str] = set()  # the parts read: a hostile document relates one part many times, each a parse
        for relationship in document.part.rels.values():
            kind = str(relationship.reltype).removeprefix(_RELATIONSHIPS)
            if kind not in _KINDS or relationship.is_external or str(relationship.target_part.partname) in read:
                continue
            read.add(str(relationship.target_part.partname))
            tag = _KINDS[kind][0]
            for note in parse_xml(relationship.target_part.blob).iterchildren(f"{_W}{tag}"):
                if note.get(f"{_W}type", "normal") == "normal":  # not a separator nor a continuation notice
                    self._notes[(tag, str(note.get(f"{_W}id")))] = note

    def cited(self, block: Any) -> Iterator[str]:
        """The lines of the notes `block` cites where its text shows, in the order it cites them: each note's
        paragraphs' texts (stripped; blank ones left out), each note once in the document, at its first citation
        shown (a note cited ten thousand times is not read ten thousand times)."""
        if not self._notes:
            return
        for citation in block.iter(*(f"{_W}{reference}" for _, reference in _KINDS.values())):
            tag = "footnote" if citation.tag == f"{_W}footnoteReference" else "endnote"
            key = (tag, str(citation.get(f"{_W}id")))
            note = self._notes.get(key)
            if note is None or _hidden(citation, block):
                continue
            del self._notes[key]
            for paragraph in note.iter(f"{_W}p"):
                if line := self._text(paragraph).strip():
                    yield line


def _hidden(citation: Any, block: Any) -> bool:
    for ancestor in citation.iterancestors():
        if ancestor is block:
            return False
        if ancestor.tag in _HIDDEN:
            return True
    return False


__all__ = ["Notes"]
