"""Cut documents into passages that the embedding model reads whole.

One passage per FAQ entry or headed section; a section too long for the model is split on line, then sentence,
then word boundaries, so that no passage (prompt and heading included) exceeds the model's maximum sequence length
in its own tokenizer's tokens. Nothing is truncated silently.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from rag.corpus.formats.base import Line
from rag.corpus.reader import Document
from rag.passage import SENTENCE_BREAK, Chunk

TokenCounter = Callable[[Sequence[str]], list[int]]



def _split_line(line: Line) -> list[Line]:
    """Split a line into sentences, keeping offsets."""
    pieces, cursor = [], 0
    for match in SENTENCE_BREAK.finditer(line.text):
        pieces.append(Line(line.text[cursor:match.start()], line.start + cursor, line.start + match.start()))
        cursor = match.end()
    pieces.append(Line(line.text[cursor:], line.start + cursor, line.end))
    return [p for p in pieces if p.text]


def _split_words(line: Line, parts: int) -> list[Line]:
    """Split a line into `parts` runs of words, keeping offsets."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", line.text)]
    size = max(1, -(-len(words) // parts))
    pieces = []
    for i in range(0, len(words), size):
        group = words[i:i + size]
        a, b = group[0][0], group[-1][1]
        pieces.append(Line(line.text[a:b], line.start + a, line.start + b))
    return pieces


class Chunker:
    """Packs section lines into passages of at most `max_tokens` tokens of what is embedded."""

    def __init__(self, count_tokens: TokenCounter, max_tokens: int) -> None:
        self.count_tokens = count_tokens
        self.max_tokens = max_tokens

    def _fits(self, context: str, lines: Sequence[Line]) -> bool:
        text = context + "\n" + "\n".join(line.text for line in lines)
        return self.count_tokens([text])[0] <= self.max_tokens

    def _atoms(self, context: str, lines: Sequence[Line]) -> list[Line]:
        """Lines, with every line too long on its own broken into sentences, then into word runs."""
        atoms: list[Line] = []
        for line in lines:
            if self._fits(context, [line]):
                atoms.append(line)
                continue
            for sentence in _split_line(line):
                if self._fits(context, [sentence]):
                    atoms.append(sentence)
                    continue
                parts = 2
                while True:
                    words = _split_words(sentence, parts)
                    if all(self._fits(context, [w]) for w in words) or parts > len(sentence.text):
                        atoms.extend(words)
                        break
                    parts *= 2
        return atoms

    def chunk(self, doc: Document) -> list[Chunk]:
        """The passages of one document, in reading order, with stable ids."""
        chunks: list[Chunk] = []
        for section in doc.sections:
            probe = Chunk("", doc.doc_id, doc.title, doc.source, section.heading, doc.url, 0, 0, "")
            context = probe.context
            if not self._fits(context, []):
                context = ""  # a heading longer than the model's window: embed the text alone
            groups: list[list[Line]] = []
            for atom in self._atoms(context, section.lines):
                if groups and self._fits(context, [*groups[-1], atom]):
                    groups[-1].append(atom)
                else:
                    groups.append([atom])
            for number, group in enumerate(groups):
                start = group[0].start
                if number == 0 and section.heading_start is not None:
                    start = min(start, section.heading_start)
                text = "\n".join(line.text for line in group)
                chunks.append(Chunk("", doc.doc_id, doc.title, doc.source, section.heading, doc.url, start,
                                    group[-1].end, text, doc.page(start)))
        return _with_ids(chunks)


def with_doc_id(chunks: list[Chunk], doc_id: str) -> list[Chunk]:
    """The passages of one document moved under another document id, with the ids `Chunker.chunk` gives them
    there (for a document renamed by `rag.corpus.reader.unique_ids` after it was chunked)."""
    return _with_ids([replace(chunk, doc_id=doc_id) for chunk in chunks])


def _with_ids(chunks: list[Chunk]) -> list[Chunk]:
    """Ids from the document id and a hash of section and text: stable while the passage itself is unchanged.
    The k-th copy of a passage gets the suffix `-k`; each hash remembers its next suffix, so that n copies cost
    O(n), not O(n²) (a document of 100,000 identical paragraphs)."""
    out, seen, next_suffix = [], set(), dict[str, int]()
    for chunk in chunks:
        digest = hashlib.sha1(f"{chunk.section}\x00{chunk.text}".encode()).hexdigest()[:10]
        base = pid = f"{chunk.doc_id}-{digest}"
        n = next_suffix.get(base, 2)
        while pid in seen:
            pid = f"{base}-{n}"
            n += 1
        next_suffix[base] = n
        seen.add(pid)
        out.append(replace(chunk, id=pid))
    return out


__all__ = ["Chunker", "TokenCounter", "with_doc_id"]
