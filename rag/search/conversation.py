"""A message and the conversation before it: what search reads of the user's earlier messages.

In a chat, a message often leans on the ones before it: "et le samedi ?" after "horaires du service client ?".
`Query.context` holds the user's earlier messages, oldest first. Search reads the last `CONTEXT_READ` of them as one
text beside the message, which stays first: the model's vector is the message's plus `DENSE_WEIGHT` times the
context's (normalised again), BM25's scores are the message's plus `LEXICAL_WEIGHT` times the context's, and the words
that pick a passage's highlight and the answer are the message's, then the context's at `LEXICAL_WEIGHT` of their
rarity. A message that names its own subject keeps it (a user changing the subject); one that names none takes the
conversation's. `answerable` reads the message's own words and its own cosines (`Alone`) over the passages the
conversation helped find, and, from the ranking with the conversation, whether both retrievers put the same passage
first and how far BM25's best stands out: measured, the off-topic messages sent after a conversation about the
documents are flagged as often as alone or more, and follow-ups less often than alone. The weights were measured on
conversations written for the purpose (`tests/data/conversations/`, docs/EVALUATION.md "Conversations").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from rag.index.lexical import LexicalIndex

if TYPE_CHECKING:
    from rag.index.store import Index

CONTEXT_READ = 2  # the earlier messages read, the last ones
DENSE_WEIGHT = 0.7
LEXICAL_WEIGHT = 0.3


# a letter or digit: `\w` less the underscore is exactly `str.isalnum`
_WORDED = re.compile(r"[^\W_]")


def context_text(context: Sequence[str]) -> str:
    """The earlier messages search reads, as one text (empty without any): the last `CONTEXT_READ` of those that hold
    a letter or digit. A chat's "👍" or "?" names no subject, and is passed over as if it had not been sent."""
    worded = [message.strip() for message in context if _WORDED.search(message)]
    return " ".join(worded[-CONTEXT_READ:]) if CONTEXT_READ else ""


def mixed(vectors: np.ndarray, followed: Sequence[int], asked: int) -> np.ndarray:
    """The vectors search reads for `asked` messages: `vectors` holds theirs, then the contexts' of the messages
    `followed` names, in that order; each of those messages' vector is moved towards its context's, unit length
    again."""
    if not followed:
        return vectors
    out = vectors[:asked].copy()
    for context, i in enumerate(followed, start=asked):
        moved = out[i] + DENSE_WEIGHT * vectors[context]
        norm = float(np.linalg.norm(moved))
        out[i] = moved / norm if norm > 0 else out[i]
    return out


def lexical_scores(lexical: LexicalIndex, question: str, context: str) -> np.ndarray:
    """BM25's scores of every passage row for the message, and for the context at `LEXICAL_WEIGHT`."""
    scores = lexical.scores(question)
    if not context:
        return scores
    return scores + np.float32(LEXICAL_WEIGHT) * lexical.scores(context)


def term_weights(lexical: LexicalIndex, question: str, context: str) -> dict[str, float]:
    """The message's indexed terms with their idf, then the context's others at `LEXICAL_WEIGHT` of theirs."""
    weights = lexical.term_weights(question)
    if context:
        for term, weight in lexical.term_weights(context).items():
            weights.setdefault(term, LEXICAL_WEIGHT * weight)
    return weights


class Alone:
    """What `answerable` reads of the message alone: its indexed terms with their idf (`terms`), and the dense
    scores of passage rows for its own vector, as search scores a message asked alone (cosine, headings, windows)."""

    def __init__(self, index: Index, vector: np.ndarray, question: str, scan_max: int | None) -> None:
        self.index, self.vector, self.extras = index, vector, index.extra_scores(vector, scan_max)
        self.terms = index.lexical.term_weights(question)

    def dense(self, rows: np.ndarray) -> np.ndarray:
        return self.index.dense_scores(rows, self.vector, self.extras).astype(np.float32, copy=False)


__all__ = ["CONTEXT_READ", "Alone", "context_text", "lexical_scores", "mixed", "term_weights"]
