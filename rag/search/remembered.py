"""What a searcher remembers of the build it serves: its passages' citations and sentences, for those seen lately,
as the same passages come back question after question."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from rag.corpus.formats.base import names_page
from rag.index.held import HeldWords
from rag.index.store import Index
from rag.index.windows import numbered_as_now
from rag.passage import Chunk, sentence_spans
from rag.schemas import Citation
from rag.search.links import link
from rag.search.snippets import Highlighter

if TYPE_CHECKING:
    from rag.index.analyzer import Analyzer

CITATIONS_CACHED = 8192


def _terms_of(analyzer: Analyzer) -> Callable[[str], frozenset[str]]:
    return lambda text: frozenset(analyzer.terms(text))


def citation(chunk: Chunk) -> Citation:
    """The citation of a passage."""
    # a section named as its document is not said twice: a Markdown file's title is its first heading, a web page's
    # <h1> the page's name in a <title> that adds the site's ("Nous contacter | Aide Lumio")
    named = chunk.title if chunk.section is not None and names_page(chunk.section, chunk.title) else chunk.context
    label = named
    if chunk.page is not None:
        label += f", p. {chunk.page}" if chunk.last_page is None else f", pp. {chunk.page}–{chunk.last_page}"
    return Citation(doc_id=chunk.doc_id, title=chunk.title, source=chunk.source, section=chunk.section,
                    start=chunk.start, end=chunk.end, page=chunk.page, last_page=chunk.last_page, url=chunk.url,
                    link=link(chunk.url, chunk.source, chunk.page, chunk.text), label=label)


class Remembered:
    """What a searcher remembers of one index's passages: their citations (immutable) and their sentences, for
    those seen lately, as the same passages come back question after question. Replaced with the index, so that a
    reload frees the old build's passages."""

    __slots__ = ("citation", "held", "highlight", "index", "numbered", "sentences", "terms")

    def __init__(self, index: Index) -> None:
        self.index = index
        self.citation = lru_cache(maxsize=CITATIONS_CACHED)(citation)
        self.highlight = Highlighter(index.lexical.analyzer)
        self.terms = lru_cache(maxsize=CITATIONS_CACHED)(_terms_of(index.lexical.analyzer))  # of headings
        self.sentences = lru_cache(maxsize=CITATIONS_CACHED)(sentence_spans)  # as its windows count them
        self.numbered = numbered_as_now(index.manifest)  # ... if cut by the same rule
        self.held = HeldWords(index.lexical, index.passages)  # a word's language, for `question_language`

    def near(self, row: int, vector: np.ndarray | None) -> tuple[tuple[int, int], tuple[int, int]] | None:
        """(start, end) in passage `row`'s text of its sentence window closest to the question's `vector`, where
        its highlight is looked for first (`snippets.best_window`), and of that window's own sentences, which no
        other window of the passage holds (`Windows.best_spans`); None without a vector or windows, or with windows
        whose sentences were cut by another rule (a build made before it: their numbers point elsewhere now)."""
        windows = self.index.windows
        if vector is None or windows is None or not self.numbered or (found := windows.best_spans(row, vector)) is None:
            return None
        spans = self.sentences(self.index.passages[row].text)
        (first, end), (own, own_end) = found
        if not 0 <= first < end <= len(spans):
            return None  # a build whose sentences were cut otherwise: no window to trust
        return (spans[first][0], spans[end - 1][1]), (spans[own][0], spans[own_end - 1][1])


__all__ = ["CITATIONS_CACHED", "Remembered", "citation"]
