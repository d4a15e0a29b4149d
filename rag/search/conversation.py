"""A question and the conversation before it: what search reads of the user's earlier messages.

In a chat, a message often leans on the ones before it: "et le samedi ?" after "horaires du service client ?".
`Query.context` holds the user's earlier messages, oldest first. Search reads the last `CONTEXT_READ` of them as one
text beside the question, which stays first: the model's vector is the question's plus `DENSE_WEIGHT` times the
context's (normalised again), BM25's scores are the question's plus `LEXICAL_WEIGHT` times the context's, and the
words that pick a passage's highlight and the answer, and that `answerable` weighs, are the question's, then the
context's at `LEXICAL_WEIGHT` of their rarity. A message that names its own subject keeps it (a user changing the
subject); one that names none takes the conversation's. The weights were measured on conversations written for the
purpose (`tests/data/conversations/`, docs/EVALUATION.md "Conversations").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from rag.index.lexical import LexicalIndex

if TYPE_CHECKING:
    from rag.index.store import Index

# The dense scores of some rows (index rows in, float32 cosines out) for one vector
Rescore = Callable[[np.ndarray], np.ndarray]

CONTEXT_READ = 2  # of which search reads the last ones
DENSE_WEIGHT = 0.7
LEXICAL_WEIGHT = 0.3


def context_text(context: Sequence[str]) -> str:
    """The earlier messages search reads, as one text (empty without any)."""
    return " ".join(message.strip() for message in context[-CONTEXT_READ:]) if CONTEXT_READ else ""


def with_context(question: np.ndarray, context: np.ndarray) -> np.ndarray:
    """The question's vector moved towards the context's, unit length again."""
    mixed = question + DENSE_WEIGHT * context
    norm = float(np.linalg.norm(mixed))
    return (mixed / norm).astype(question.dtype, copy=False) if norm > 0 else question


def lexical_scores(lexical: LexicalIndex, question: str, context: str) -> np.ndarray:
    """BM25's scores of every passage row for the question, and for the context at `LEXICAL_WEIGHT`."""
    scores = lexical.scores(question)
    if not context:
        return scores
    return scores + np.float32(LEXICAL_WEIGHT) * lexical.scores(context)


def term_weights(lexical: LexicalIndex, question: str, context: str) -> dict[str, float]:
    """The question's indexed terms with their idf, then the context's others at `LEXICAL_WEIGHT` of theirs."""
    weights = lexical.term_weights(question)
    if context:
        for term, weight in lexical.term_weights(context).items():
            weights.setdefault(term, LEXICAL_WEIGHT * weight)
    return weights


def rescore(index: Index, vector: np.ndarray, scan_max: int | None) -> Rescore:
    """The dense scores of rows for the message alone, as search scores them (headings, windows): what `answerable`
    judges a message by, so that a conversation about the corpus does not make any message answerable."""
    extras = index.extra_scores(vector, scan_max)
    return lambda rows: index.dense_scores(rows, vector, extras).astype(np.float32, copy=False)


__all__ = ["CONTEXT_READ", "Rescore", "context_text", "lexical_scores", "rescore", "term_weights", "with_context"]
