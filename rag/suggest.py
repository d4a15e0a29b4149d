"""The field a mistaken name in a request likely means: another API's name for it (`top_k` for `k`, `query` for
`question`: `SYNONYMS`), or a misspelling of it (`contexte`, `sorce`: the closest name, by difflib's ratio, or a name
that two neighbouring letters swapped, `ulr` for `url`: `closest`).

Both edges use it: HTTP for an unknown body field or query parameter (`rag.http.fields`, `rag.http.routes`), MCP for
an argument a tool does not take (`rag.mcp.tools`); `rag eval` for a key of a question or passage file
(`rag.evaluation.inputs`); `closest` reads the keys of `sources.toml` too (`rag.corpus.reader`).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from itertools import chain

# Names other search APIs (OpenAI, Elasticsearch, LangChain and the like) give to the same thing, and other evaluation
# tools (BEIR, Pyserini, Ragas) to the keys of `rag eval`'s files: a name of a group is read as any other of its
# group that is a field where it was sent. A name may be in several groups ("text": a question, a passage's text),
# the first group's names tried first.
SYNONYMS: tuple[frozenset[str], ...] = tuple(frozenset(group) for group in (
    {"id", "passage_id", "passage", "chunk_id", "result_id"},
    {"k", "top_k", "topk", "top_n", "n", "limit", "size", "count", "num_results", "max_results", "max_num_results"},
    {"question", "query", "q", "text", "prompt", "input", "search", "query_text"},
    {"questions", "queries", "inputs", "texts", "prompts"},
    {"context", "history", "messages", "conversation", "chat_history", "previous"},
    {"filter", "filters", "where", "metadata_filter"},
    {"doc_ids", "doc_id", "document_ids", "document_id", "documents", "ids", "file_ids", "passage_ids",
     "relevant_ids", "relevant_doc_ids", "relevant_docs", "gold_ids", "gold_doc_ids", "positive_ids", "positives"},
    {"sources", "source", "paths", "path", "files", "folders"},
    {"mode", "search_type", "search_mode", "retriever"},
    {"explain", "debug", "scores", "with_scores"},
    {"answers", "answer", "gold", "gold_answers", "ground_truth", "ground_truths", "reference", "references",
     "expected_answer", "expected_output", "reference_answer"},
    {"text", "contents", "content", "body", "passage", "passage_text", "document_text"},
))
_LONGEST = 100  # a longer name is no misspelling of a field: no suggestion is sought for it
_CLOSE = 0.75  # difflib's ratio from which a name is read as a misspelling ("contexte", "filters", "question")


def names(name: str) -> list[str]:
    """`name` and the names read as it: its synonyms (those of its first group first), lowercased."""
    lowered = name.lower()
    groups = (sorted(group - {lowered}) for group in SYNONYMS if lowered in group)
    return list(dict.fromkeys([name, lowered, *chain.from_iterable(groups)]))


def suggestion(name: str, taken: Iterable[str]) -> str | None:
    """The field of `taken` that `name` likely means: a synonym, else the closest by spelling (of `name` or of a
    synonym); None when none is close."""
    taken = list(taken)
    if len(name) > _LONGEST:
        return None
    candidates = names(name)
    exact = next((candidate for candidate in candidates if candidate in taken), None)
    if exact is not None:
        return exact
    for candidate in candidates:
        close = closest(candidate, taken)
        if close is not None:
            return close
    return None


def closest(name: str, taken: Iterable[str]) -> str | None:
    """The name of `taken` that `name` likely misspells: the closest by difflib's ratio from 0.75 ("titel" for
    "title", "contexte" for "context"), else one that `name` spells with two neighbouring letters swapped ("ulr" for
    "url", whose ratio is 0.67: a short name's typo weighs more than a long one's); None when none is close."""
    taken = list(taken)
    close = difflib.get_close_matches(name, taken, n=1, cutoff=_CLOSE)
    if close:
        return close[0]
    return next((t for t in taken if len(t) == len(name) > 2 and _swapped(name, t)), None)


def _swapped(a: str, b: str) -> bool:
    """Whether `a` is `b` with exactly two neighbouring letters swapped."""
    differ = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    return len(differ) == 2 and differ[1] == differ[0] + 1 and a[differ[0]] == b[differ[1]] and a[differ[1]] == b[
        differ[0]]


__all__ = ["SYNONYMS", "closest", "names", "suggestion"]
