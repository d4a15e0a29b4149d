"""Questions as the edges receive them -> `Query` values the searcher accepts, or `InvalidQuery` saying what to fix.

Shared by every edge that takes questions from outside (HTTP API, MCP tools), so that one rule reads the same
everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rag.errors import InvalidQuery
from rag.index.store import Index
from rag.schemas import CONTEXT_MAX, Mode, SearchFilter
from rag.search.conversation import context_text
from rag.search.searcher import Query
from rag.settings import Settings
from rag.wording import shown_count

# C0/C1 controls (tab and newlines allowed), lone surrogates, U+FFFD and non-characters: signs of binary or
# mis-decoded input, never of a question someone typed
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffd\ufffe\uffff]")
# a letter or digit: `\w` less the underscore is exactly `str.isalnum`, in one scan in C instead of a loop in Python
_ALNUM = re.compile(r"[^\W_]")


# What a subword vocabulary spends more than a token on every four characters of, told apart by the first byte of
# each character's UTF-8 encoding (scans in C, about 30 us for 2,000 characters): ideographs, kana and Hangul
# (U+3000 to U+DFFF, lead bytes E3 to ED: about two tokens for three characters), and a token each or more for ASCII
# punctuation and symbols, combining marks (U+0300 to U+037F: CC, CD), general punctuation, symbols and dingbats
# (U+2000 to U+2FFF: E2), private use and compatibility forms (EE, EF), emoji and every other plane (F0 to F4).
_DEAR = bytes(c for c in range(33, 127) if not chr(c).isalnum()) + bytes([0xCC, 0xCD, 0xE2, 0xEE, 0xEF,
                                                                           *range(0xF0, 0xF5)])
_NOT_DEAR = bytes(c for c in range(256) if c not in _DEAR)
_NOT_EAST_ASIAN = bytes(c for c in range(256) if not 0xE3 <= c <= 0xED)
_NOT_SPACE = bytes(c for c in range(256) if not chr(c).isspace() or c > 127)
# ASCII letters and digits kept, every other byte a space: what is left are the unbroken runs
_RUNS = bytes(c if chr(c).isascii() and chr(c).isalnum() else 32 for c in range(256))
WORD_MAX = 24  # an unbroken run of ASCII letters and digits longer than this is no word: a hash, base64, a key


def estimated_tokens(query: Query, most: int | None = None) -> int:
    """The model's work for a question, roughly, at most `most` tokens (what the model reads of it): a token for
    about four characters of words, for each word at least (each space), for each character `_DEAR` names and two
    for three ideographs, and one for every two characters of an unbroken run longer than any word, which no
    vocabulary holds. What the search queue weighs requests by (`RAG_QUEUE_MAX_TOKENS`,
    `RAG_MICRO_BATCH_MAX_TOKENS`); no tokenizer runs on the event loop for it. At four characters a token alone, a
    question of punctuation, combining marks, ideographs or base64 was weighed at a quarter to a half of its tokens,
    a micro-batch of them took two to four times the time meant, and a single question waiting for it as long."""
    context = context_text(query.context)  # the model reads the conversation's last messages apart
    return _tokens(query.question, most) + (_tokens(context, most) if context else 0)


def _tokens(text: str, most: int | None) -> int:
    encoded = text.encode("utf-8", "surrogatepass")
    runs = encoded.translate(_RUNS).split()
    unbroken = sum(n for n in map(len, runs) if n > WORD_MAX) if runs and max(map(len, runs)) > WORD_MAX else 0
    estimate = max(len(text) // 4 + unbroken // 2, len(encoded.translate(None, _NOT_SPACE)),
                   len(encoded.translate(None, _NOT_DEAR)) + 2 * len(encoded.translate(None, _NOT_EAST_ASIAN)) // 3)
    return (estimate if most is None else min(estimate, most)) + 1


def _shown(values: list[str]) -> str:
    listed = ", ".join(repr(v if len(v) <= 100 else v[:100] + "...") for v in values[:5])
    return listed + (f" and {len(values) - 5} more" if len(values) > 5 else "")


@dataclass(frozen=True, slots=True)
class Wording:
    """How an edge's caller names a filter's fields, and where it finds the documents and their source paths: what
    a refused filter says."""

    doc_ids: str
    sources: str
    listed_by: str  # what lists the documents
    source_as: str  # where a source path is spelled as the filter wants it: "as in ..."


HTTP = Wording("filter.doc_ids", "filter.sources", "GET /v1/documents (or `rag documents`)", "as in `citation.source`")
MCP = Wording("doc_ids", "sources", "the `list_documents` tool", "as `list_documents` gives each document's `source`")
CLI = Wording("--doc-id", "--source", "`rag documents`", "as `rag documents` prints them")


def scope(index: Index, search_filter: SearchFilter, *, wording: Wording = HTTP) -> np.ndarray | None:
    """The sorted rows of the passages `search_filter` admits (None: it names no field, so admits all), or
    `InvalidQuery` naming the values that match no document of `index`, in the caller's `wording`."""
    chosen: set[str] | None = None
    if search_filter.doc_ids is not None:
        unknown = [d for d in search_filter.doc_ids if d not in index.documents]
        if unknown:
            paths = [d for d in unknown if index.documents_under(d)]  # a file's path sent as its document's id
            hint = f" ({_shown(paths)}: a source path, which {wording.sources} takes)" if paths else ""
            raise InvalidQuery(f"{wording.doc_ids}: no document {_shown(unknown)} in the served index; "
                               f"{wording.listed_by} lists its documents{hint}")
        chosen = set(search_filter.doc_ids)
    if search_filter.sources is not None:
        found = {source: index.documents_under(source) for source in search_filter.sources}
        unknown = [source for source, ids in found.items() if not ids]
        if unknown:
            ids = [source for source in unknown if source in index.documents]  # a document's id sent as a path
            hint = f" ({_shown(ids)}: a document id, which {wording.doc_ids} takes)" if ids else ""
            raise InvalidQuery(f"{wording.sources}: no document has the source path or folder {_shown(unknown)}; "
                               f"paths are relative to the corpus folder, {wording.source_as}{hint}")
        under = {doc_id for ids in found.values() for doc_id in ids}
        chosen = under if chosen is None else chosen & under
    if chosen is None or len(chosen) == len(index.documents):
        return None  # every document: an unfiltered search, batched with the others
    return index.rows_of(chosen)


def make_queries(settings: Settings, questions: Sequence[str], k: int | None, mode: Mode | None,
                 explain: bool = False, *, field: str = "question", listed: bool = False, index: Index | None = None,
                 search_filter: SearchFilter | None = None, wording: Wording = HTTP,
                 context: Sequence[str] = (), contexts: Sequence[Sequence[str] | None] | None = None) -> list[Query]:
    """Check `questions` and `k` against the settings' limits, and `search_filter` against `index` (required with
    a filter). Error messages name the field (`field`, or `field[i]` when the request sent a list, `listed`, even
    of one; the filter's fields in the caller's `wording`) and the rule. `index`, when given, pins the index
    that answers them. `context`, a conversation's earlier messages, is checked as questions are (`context[i]`)
    and goes with every question; `contexts`, when given, holds one conversation per question instead, each
    checked the same way and named after its question (`questions[2].context[0]`), or None for a question sent
    alone, not in an object (an object's question is named `questions[2].question`)."""
    k = settings.k_default if k is None else k
    if k < 1:
        raise InvalidQuery(f"k: must be at least 1 (got {shown_count(k)})")
    if k > settings.k_max:
        raise InvalidQuery(f"k: must be at most {settings.k_max} (got {shown_count(k)})")
    named = [f"{field}[{n}]" if listed else field for n in range(len(questions))]
    if contexts is None:
        conversations, called = [tuple(context)] * len(questions), ["context"] * len(questions)
    elif len(contexts) == len(questions):
        conversations, called = [tuple(c or ()) for c in contexts], [f"{name}.context" for name in named]
        named = [name if c is None else f"{name}.question" for name, c in zip(named, contexts, strict=True)]
    else:
        raise ValueError("`contexts` holds one conversation per question")
    for messages, name in zip(conversations, called, strict=True):
        if len(messages) > CONTEXT_MAX:
            raise InvalidQuery(f"{name}: at most {CONTEXT_MAX} earlier messages (got {len(messages)})")
    # each question, then its conversation's messages (a message may be empty, an attachment's, or hold no word, a
    # chat's "👍": search passes over it, `context_text`, where a question without one asks nothing)
    checked = [told for where, question, messages, name in zip(named, questions, conversations, called, strict=True)
               for told in [(where, question, True), *((f"{name}[{n}]", m, False) for n, m in enumerate(messages))]]
    for where, question, asked in checked:
        if len(question) > settings.question_max_chars:
            raise InvalidQuery(f"{where}: at most {settings.question_max_chars} characters (got {len(question)})")
        if _NOT_TEXT.search(question):
            raise InvalidQuery(f"{where}: contains control, replacement or other non-text characters; send plain "
                               "text")
        if asked and not question.strip():  # as the HTTP models say it, for the edges that strip questions themselves
            raise InvalidQuery(f"{where}: is empty or only whitespace")
        if asked and not _ALNUM.search(question):
            raise InvalidQuery(f"{where}: has no letter or digit to search for")
    within = None
    if search_filter is not None:
        if index is None:
            raise ValueError("a filter is checked against the index that answers: pass `index`")
        within = scope(index, search_filter, wording=wording)
    return [Query(q, k, mode or settings.default_mode, explain, index, within, c)
            for q, c in zip(questions, conversations, strict=True)]


__all__ = ["CLI", "HTTP", "MCP", "Wording", "make_queries", "scope"]
