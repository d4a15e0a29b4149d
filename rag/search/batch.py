"""A batch of queries as the search core takes it and gives it back: each `Query`, the batch's questions embedded
(`Embedded`, the model's step, `Searcher.embed`) and each query's `Found` hits (`Searcher.rank`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from rag.schemas import Hit, Mode

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rag.index.store import Index
    from rag.search.answerable import Evidence


@dataclass(frozen=True, slots=True)
class Query:
    """One question and how to answer it; `index` pins the index that answers it (default: the searcher's), and
    `within`, rows of that index, restricts the answer to those passages (`rag.search.queries.scope` makes them)."""

    question: str
    k: int = 5
    mode: Mode = "hybrid"
    explain: bool = False
    index: Index | None = field(default=None, compare=False, repr=False)
    within: np.ndarray | None = field(default=None, compare=False, repr=False)  # sorted rows a filter admits
    context: tuple[str, ...] = ()  # the user's earlier messages, oldest first (`rag.search.conversation`)


class Found(list[Hit]):
    """The hits of one question, best first, and whether they likely answer it.

    `evidence` is what the decision read (the hybrid ranking's, whatever the mode that ranked the hits: the rule
    reads both retrievers), `probability` the rule's estimate that the corpus answers (`rag.search.answerable`),
    `answerable` that estimate against the searcher's threshold; without any hit there is no evidence and nothing
    is answerable. `language` is the corpus's (its index's analyzer); `asked_in` the question's, which the answer's
    wording speaks (the no-answer sentence, "Sources:"): the corpus's unless the question's function words are of
    another language the answer is written in (`rag.index.analyzer.question_language`)."""

    evidence: Evidence | None = None
    probability: float | None = None
    answerable: bool = False
    language: str = "en"
    asked_in: str = "en"


@dataclass(frozen=True, slots=True)
class Embedded:
    """Queries of a batch answered by one index, embedded (`Searcher.embed`): `own`, each question's vector, then
    each of `followed`'s (a query's conversation's earlier messages, by its place in `queries`); `slots`, the
    queries' places in the batch."""

    index: Index
    queries: Sequence[Query]
    slots: list[int]
    own: np.ndarray
    followed: dict[int, str]


__all__ = ["Embedded", "Found", "Query"]
