"""Which passage of a long page comes first: variants of the ranking measured on the long help pages' sets and the
visible ones, in process as the server searches (`scripts.eval.audit_sweep`'s scoring: hybrid, 10 hits; answer R@1
a gold answer in the first passage, snippet in the answer's span; vectors cached as for the other sweeps).

    HF_HUB_OFFLINE=1 .venv/bin/python -m scripts.eval.passage_sweep [--sets a,b] [--variants a,b] [-o FILE]

Variants (docs/EVALUATION.md, "Answers on long help pages"):

- `default`: the searcher as it serves;
- `coord<g>`: each passage's BM25 score times the share of the question's idf its words (heading path and text)
  hold, to the power `g` (Lucene's coordination factor: a passage holding more of the question's distinct words
  beats one repeating fewer of them);
- `across`: an English question asked of a Spanish or German corpus (or one of them asked of an English corpus)
  fused at the dense weight of a question across languages (`rag.search.fusion.ACROSS_QUESTION_WEIGHT`), as one
  asked of a French corpus is; the `answerable` rule read as before.

Sets: those of `audit_sweep`, audit 42's and 43's pages and the Spanish, German, Italian, Portuguese and Dutch pages,
with their off-topic questions.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

import rag.search.searcher as searching
import scripts.eval.audit_sweep as audit_sweep
from rag.index.lexical import LexicalIndex
from rag.search.answerable import ACROSS_LANGUAGES
from scripts.eval.audit_sweep import DATA, fused_by, targets
from scripts.eval.fusion_forms import _maxscaled, _minmax, table

CURRENT: dict[str, Any] = {}  # the set about to run: its index, each row's terms (`coord`), its documents (`doc`)


def all_targets(datasets: Path) -> dict[str, tuple[Path, Path]]:
    """`audit_sweep`'s sets, audit 42's and 43's pages and the pages of `tests/data/languages` (Spanish, German,
    Italian, Portuguese, Dutch), with their off-topic questions: name -> (questions file or dataset folder, corpus
    folder)."""
    out = targets(datasets)
    for audit in ("audit42", "audit43"):
        pages = DATA / audit / "pages"
        out[f"{audit}_help"] = (DATA / audit / "help_questions.jsonl", pages)
        out[f"{audit}_off"] = (DATA / audit / "off_topic.jsonl", pages)
    for lang in ("es", "de", "it", "pt", "nl"):
        folder = DATA / "languages" / lang
        out[f"{lang}_help"] = (folder / "questions.jsonl", folder / "pages")
        out[f"{lang}_off"] = (folder / "off_topic.jsonl", folder / "pages")
    return out


def prepare(data: dict[str, Any]) -> None:
    """What the variants read of the set about to run."""
    CURRENT["index"] = data["index"]
    CURRENT["terms"] = CURRENT["documents"] = None  # made on first use by `coord`, `doc`


def row_terms() -> list[frozenset[str]]:
    """Each passage's analysed terms, its heading path's with its text's (what BM25 reads of it)."""
    if CURRENT["terms"] is None:
        index = CURRENT["index"]
        analyzer = index.lexical.analyzer
        CURRENT["terms"] = [frozenset(analyzer.terms(c.prefix) + analyzer.terms(c.text)) for c in index.passages]
    return CURRENT["terms"]  # type: ignore[no-any-return]


@contextlib.contextmanager
def coordinated(power: float, within_document: bool = False) -> Iterator[None]:
    """BM25 scores times the idf share of the question's terms each passage holds, to `power` (`within_document`:
    that share over the best share among its document's passages, so that only passages of one document are
    compared)."""
    original = searching.lexical_scores

    def patched(lexical: Any, question: str, context: str) -> np.ndarray:
        scores = original(lexical, question, context)
        weights = lexical.term_weights(question)
        total = sum(weights.values())
        if total <= 0:
            return scores
        terms = row_terms()
        rows = np.flatnonzero(scores > 0)
        share = np.array([sum(w for t, w in weights.items() if t in terms[r]) / total for r in rows])
        if within_document and len(rows):
            docs = [CURRENT["index"].passages[r].doc_id for r in rows]
            best: dict[str, float] = {}
            for d, v in zip(docs, share, strict=True):
                best[d] = max(best.get(d, 0.0), float(v))
            share = share / np.array([best[d] for d in docs])
        out = scores.copy()
        out[rows] = scores[rows] * share ** power
        return out

    searching.lexical_scores = patched
    try:
        yield
    finally:
        searching.lexical_scores = original


@contextlib.contextmanager
def across_every_language() -> Iterator[None]:
    """Questions across languages told for Spanish and German corpora too: their dense weight only."""
    languages, rule_for, language_of = searching.ACROSS_LANGUAGES, searching.rule_for, searching.question_language

    def rule(model: str, across: bool = False) -> Any:
        return rule_for(model, across and CURRENT["index"].lexical.analyzer.language in ACROSS_LANGUAGES)

    def question_language(question: str, corpus: str, among: Any, known: Any = None) -> str:
        # a French or English corpus: as served; another: English or French questions told from its own
        return language_of(question, corpus, ACROSS_LANGUAGES, known)

    searching.ACROSS_LANGUAGES = (*ACROSS_LANGUAGES, "es", "de")
    searching.rule_for, searching.question_language = rule, question_language
    try:
        yield
    finally:
        searching.ACROSS_LANGUAGES, searching.rule_for = languages, rule_for
        searching.question_language = language_of


def document_lexical() -> Any:
    """A BM25 index of the current set's documents, each its passages' heading paths and texts joined; with each
    passage row's document number."""
    if CURRENT.get("documents") is None:
        index = CURRENT["index"]
        order: dict[str, int] = {}
        texts: list[list[str]] = []
        of_row = []
        for chunk in index.passages:
            number = order.setdefault(chunk.doc_id, len(order))
            if number == len(texts):
                texts.append([])
            texts[number].append(f"{chunk.prefix}\n{chunk.text}")
            of_row.append(number)
        lexical = LexicalIndex.build(["\n".join(t) for t in texts], index.lexical.analyzer, k1=1.2, b=0.75)
        CURRENT["documents"] = (lexical, np.asarray(of_row))
    return CURRENT["documents"]


@contextlib.contextmanager
def with_document(share: float) -> Iterator[None]:
    """The fused score plus `share` times the BM25 score of the passage's document (documents scored as wholes, over
    their maximum among the candidates' documents)."""
    original = searching.lexical_scores

    def remember(lexical: Any, question: str, context: str) -> np.ndarray:
        CURRENT["question"] = question
        return original(lexical, question, context)

    def combine(candidates: np.ndarray, dense: np.ndarray, lexical: np.ndarray, weight: float) -> np.ndarray:
        base = weight * _minmax(dense) + (1 - weight) * _maxscaled(lexical)
        documents, of_row = document_lexical()
        scores = documents.scores(CURRENT["question"])[of_row[candidates]]
        return base + share * _maxscaled(scores)

    searching.lexical_scores = remember
    try:
        with fused_by(combine):
            yield
    finally:
        searching.lexical_scores = original


VARIANTS: dict[str, Callable[[], contextlib.AbstractContextManager[None]]] = {
    "default": contextlib.nullcontext,
    **{f"coord{g:g}": (lambda g=g: coordinated(g)) for g in (0.5, 1, 2)},
    **{f"coorddoc{g:g}": (lambda g=g: coordinated(g, True)) for g in (1, 2)},
    "across": across_every_language,
    **{f"doc{b:g}": (lambda b=b: with_document(b)) for b in (0.05, 0.1, 0.2)},
}


def main() -> None:
    print(table(audit_sweep.main(VARIANTS, all_targets, __doc__, prepare)))


if __name__ == "__main__":
    main()
