"""Which language a word a corpus holds is held in: the corpus's own, or a language some of its documents are in.

`rag.index.analyzer.question_language` reads a question's language from its function words, and leaves out a word
the corpus holds: "the" is the folded "thé" of a French tea shop's pages, and does not make "thé vert ?" English. In a
corpus that holds documents in two languages (a French team's wiki beside its English handbook), every English
function word is a word the corpus holds too, in its English pages: left out, it made every English question French
(its wording, its dense weight and which `answerable` rule decides). A word held by passages written in the
question's candidate language, for the most part, is that language's word, not the corpus's: it counts for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from rag.index.analyzer import passage_language

if TYPE_CHECKING:
    from rag.index.lexical import LexicalIndex
    from rag.passage import Chunk

# The passages holding a word read at most (spread over them, in row order): a cost bounded per word whatever the
# corpus's size (64 `passage_language` readings the first time a function word is asked; then remembered).
SAMPLE = 64


class HeldWords:
    """`held(word, language)`: whether a build holds `word` (as its analyzer reads it) as a word of its own, not of
    `language`: it holds it, and not mostly in passages written in `language` (`passage_language` of up to `SAMPLE`
    of the passages holding it; those too short to tell have no say, and a word none of whose passages tells stays
    the corpus's). Answers are remembered: the words asked are function words, a few hundred at most."""

    def __init__(self, lexical: LexicalIndex, passages: Sequence[Chunk]) -> None:
        self._lexical = lexical
        self._passages = passages
        self._answers: dict[tuple[str, str], bool] = {}

    def __call__(self, word: str, language: str) -> bool:
        key = (word, language)
        held = self._answers.get(key)
        if held is None:
            held = self._answers[key] = self._held(word, language)
        return held

    def _held(self, word: str, language: str) -> bool:
        rows = self._lexical.rows_with_word(word)
        if not len(rows):
            return False
        if len(rows) > SAMPLE:
            rows = rows[np.linspace(0, len(rows) - 1, SAMPLE).round().astype(np.int64)]
        told = [told for row in rows if (told := passage_language(self._passages[int(row)].text)) is not None]
        return 2 * told.count(language) <= len(told)


__all__ = ["SAMPLE", "HeldWords"]
