"""Questions as the edges receive them -> `Query` values the searcher accepts, or `InvalidQuery` saying what to fix.

Shared by every edge that takes questions from outside (HTTP API, MCP tools), so that one rule reads the same
everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.errors import InvalidQuery
from rag.index import Index
from rag.schemas import Mode
from rag.searcher import Query
from rag.settings import Settings

# C0/C1 controls (tab and newlines allowed), lone surrogates, U+FFFD and non-characters: signs of binary or
# mis-decoded input, never of a question someone typed
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffd\ufffe\uffff]")
# a letter or digit: `\w` less the underscore is exactly `str.isalnum`, in one scan in C instead of a loop in Python
_ALNUM = re.compile(r"[^\W_]")


def make_queries(settings: Settings, questions: Sequence[str], k: int | None, mode: Mode | None,
                 explain: bool = False, *, field: str = "question", index: Index | None = None) -> list[Query]:
    """Check `questions` and `k` against the settings' limits. Error messages name the field (`field`, or
    `questions[i]` for several) and the rule. `index`, when given, pins the index that answers them."""
    k = settings.k_default if k is None else k
    if k < 1:
        raise InvalidQuery(f"k: must be at least 1 (got {k})")
    if k > settings.k_max:
        raise InvalidQuery(f"k: must be at most {settings.k_max} (got {k})")
    for n, question in enumerate(questions):
        where = field if len(questions) == 1 else f"questions[{n}]"
        if len(question) > settings.question_max_chars:
            raise InvalidQuery(f"{where}: at most {settings.question_max_chars} characters (got {len(question)})")
        if _NOT_TEXT.search(question):
            raise InvalidQuery(f"{where}: contains control, replacement or other non-text characters; send plain "
                               "text")
        if not _ALNUM.search(question):
            raise InvalidQuery(f"{where}: has no letter or digit to search for")
    return [Query(q, k, mode or settings.default_mode, explain, index) for q in questions]


__all__ = ["make_queries"]
