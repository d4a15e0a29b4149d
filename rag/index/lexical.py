"""BM25 over analysed terms (bm25s): build, save, load, score.

Three pieces of evidence make a passage's lexical score, each measured (docs/EVALUATION.md,
`scripts/eval/fusion_sweep.py`):

- **Section score.** The unit that decides between sections is the whole section (heading path and all its
  passages), so that a question whose words spread over two halves of a long section still finds it.
- **Passage share.** Within a section, each passage's own BM25 (heading path and its text) sets its share:
  `section score * (1 - PASSAGE_SHARE + PASSAGE_SHARE * own / best own score in the section)`. The section's best
  passage keeps the section's score, so a section of one passage is unaffected and the ranking of sections barely
  moves; the passage holding the question's words now comes first within its section.
- **Word pairs.** Each of the two scores adds `PAIR_WEIGHT` times a BM25 over pairs of adjacent terms ("cartes de
  crédit" -> "cart cred"), so a passage holding the question's words together beats one holding them apart.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

import bm25s
import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from rag.index.analyzer import Analyzer

FUZZY_MIN_CHARS = 5  # shorter stems are too often one edit away from an unrelated word
FUZZY_TWO_EDITS_CHARS = 9
FUZZY_CACHE = 50_000  # remembered look-ups of unknown terms, per index (its vocabulary never changes)
# Measured on piaf, en_stackfaq and the dev set by scripts/eval/fusion_sweep.py (docs/EVALUATION.md).
PASSAGE_SHARE = 0.75
PAIR_WEIGHT = 0.5
_UNKNOWN = object()  # not yet looked up (None means: no term close enough)
# Bumped when what `build` indexes changes, so that ingest rebuilds an index built the old way (3: the analyzer's
# question words grew, which passages lose too, and their word pairs with them; 4: an underscore parts two words,
# `NIMBUS_LOG_LEVEL` is "nimbus", "log", "level"). Not for Spanish and German question
# words and German stopwords without umlauts: a bump rebuilds every corpus, FAISS and IVF training included, where a
# Spanish or German build made before only holds a few words that questions no longer ask (`rag ingest --force`
# drops them). 5: Portuguese stems of "qu"/"gu" before e and i end in c and g ("clique" meets "clicar"), which a
# Portuguese build made before holds the other way; bumped with the passage layout's 34, which rebuilds every corpus.
# 6: a Dutch stem in "s" left by an ending is stemmed again, a Dutch verb's "-t" dropped (`rag.index.stems`).
# 7: an English word in its British spelling stemmed as the American one ("personalised", "colour", "centre").
# 8: French question words grew ("peux", "dois", "doit"), with the passage layout's 56, which rebuilds every corpus.
LAYOUT = 8
# Sub-folders of the saved index; the section unigram index sits at the top, where layout 1 kept its only index.
_PASSAGES, _SECTION_PAIRS, _PASSAGE_PAIRS = "passages", "section-pairs", "passage-pairs"


def pairs(terms: Sequence[str], made: dict[str, str] | None = None) -> list[str]:
    """Adjacent terms joined by a space (terms never contain one): ["cart", "cred"] -> ["cart cred"]. With `made`
    (the pairs made before, by text), each pair is the string made the first time: the pairs of 20,000 passages
    were 97 MB of strings, most of them repeats, while the index was built (docs/PERFORMANCE.md)."""
    joined = (f"{a} {b}" for a, b in pairwise(terms))
    return list(joined) if made is None else [made.setdefault(pair, pair) for pair in joined]


class _Bm25:
    """One bm25s index and its vocabulary."""

    def __init__(self, bm25: bm25s.BM25) -> None:
        self.bm25 = bm25
        self.vocab: dict[str, int] = bm25.vocab_dict
        # the term-major (CSC) score arrays: a term's postings are data[indptr[i]:indptr[i + 1]], one per document
        self._data, self._indices, self._indptr = bm25.scores["data"], bm25.scores["indices"], bm25.scores["indptr"]
        self.size = int(bm25.scores["num_docs"])
        self._terms_with_postings = len(self._indptr) - 1  # bm25s puts "" last in the vocabulary, without postings

    @classmethod
    def build(cls, docs: Sequence[list[str]], *, k1: float, b: float) -> _Bm25:
        bm25 = bm25s.BM25(k1=k1, b=b, method="lucene")
        # an empty document still needs a row: the empty token keeps row numbers aligned
        bm25.index([doc or [""] for doc in docs], show_progress=False)
        return cls(bm25)

    @classmethod
    def load(cls, directory: Path, *, mmap: bool) -> _Bm25:
        return cls(bm25s.BM25.load(str(directory), mmap=mmap, show_progress=False))

    def save(self, directory: Path) -> None:
        self.bm25.save(str(directory), show_progress=False)

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        """BM25 of every document for `terms` (a repeated term counts each time): the sums `get_scores_from_ids`
        makes (float32, in term order) without its per-call checks, with one `np.add.at` over the postings of all
        the terms instead of one per term."""
        scores = np.zeros(self.size, dtype=np.float32)
        ids = [i for i in map(self.vocab.get, terms) if i is not None and i < self._terms_with_postings]
        if ids:
            bound = self._indptr.item
            spans = [slice(bound(i), bound(i + 1)) for i in ids]
            np.add.at(scores, np.concatenate([self._indices[s] for s in spans]),
                      np.concatenate([self._data[s] for s in spans]))
        return scores

    def holds(self, term: str) -> bool:
        """Whether `term` is an indexed term with postings: never bm25s's padding term "", in the vocabulary without
        postings, or with those of the empty documents it stands in."""
        i = self.vocab.get(term)
        return bool(term) and i is not None and i < self._terms_with_postings

    def documents_with(self, term: str) -> int:
        i = self.vocab[term]
        return int(self._indptr[i + 1] - self._indptr[i])

    def documents_holding(self, term: str) -> np.ndarray:
        """The documents (rows of this index) that hold `term`, in order; none for a term without postings."""
        if not self.holds(term):
            return np.zeros(0, dtype=np.int64)
        i = self.vocab[term]
        return np.sort(np.asarray(self._indices[self._indptr.item(i):self._indptr.item(i + 1)], dtype=np.int64))


class LexicalIndex:
    """BM25 scores of passages for a question, terms produced by an `Analyzer`."""

    def __init__(self, analyzer: Analyzer, sections: _Bm25, unit_of_row: np.ndarray, *,
                 passages: _Bm25 | None = None, section_pairs: _Bm25 | None = None,
                 passage_pairs: _Bm25 | None = None, fuzzy: bool = True) -> None:
        self.analyzer = analyzer
        self._sections = sections
        self._passages = passages
        self._section_pairs = section_pairs
        self._passage_pairs = passage_pairs
        self._unit_of_row = unit_of_row
        # rows of one section are consecutive: a section's best passage is a `reduceat` over these starts
        self._starts = np.flatnonzero(np.diff(unit_of_row, prepend=-1))
        self.fuzzy = fuzzy
        self.passage_share = PASSAGE_SHARE
        self.pair_weight = PAIR_WEIGHT
        self._by_length: dict[int, list[str]] = {}  # vocabulary terms by length, in vocabulary order
        for term in filter(sections.holds, sections.vocab):
            self._by_length.setdefault(len(term), []).append(term)
        self._closest_cache: dict[str, str | None] = {}
        # scoring and highlighting both need a question's terms: analyse (and fuzzy-match) each question once
        self._question_terms = lru_cache(maxsize=1024)(self._query_terms)

    @classmethod
    def build(cls, texts: Sequence[str], analyzer: Analyzer, *, k1: float, b: float,
              sections: Sequence[int] | None = None, headings: Sequence[str] | None = None) -> LexicalIndex:
        """Index passages `texts`. `sections[i]` is the section of passage `i` (consecutive passages of one
        section share a number; default: each passage its own section); `headings[i]` is the heading path indexed
        with it, once per section in the section's unit and in front of each passage."""
        unit_of_row = np.asarray(range(len(texts)) if sections is None else sections, dtype=np.int64)
        consecutive = len(unit_of_row) == 0 or (unit_of_row[0] == 0 and np.isin(np.diff(unit_of_row), (0, 1)).all())
        if len(unit_of_row) != len(texts) or not consecutive:
            raise ValueError("sections must number the passages' sections consecutively from 0, one per passage")
        analysed = {h: analyzer.terms(h) for h in set(headings or ())}  # a heading repeats on every passage
        heading_terms = [analysed[h] for h in headings] if headings is not None else [[] for _ in texts]
        passage_terms = [h + analyzer.terms(t) for h, t in zip(heading_terms, texts, strict=True)]
        unit_terms: list[list[str]] = []
        for row, terms in enumerate(passage_terms):
            if row and unit_of_row[row] == unit_of_row[row - 1]:
                unit_terms[-1].extend(terms[len(heading_terms[row]):])
            else:
                unit_terms.append(list(terms))
        made: dict[str, str] = {}
        return cls(
            analyzer,
            _Bm25.build(unit_terms, k1=k1, b=b),
            unit_of_row,
            passages=_Bm25.build(passage_terms, k1=k1, b=b),
            section_pairs=_Bm25.build([pairs(t, made) for t in unit_terms], k1=k1, b=b),
            passage_pairs=_Bm25.build([pairs(t, made) for t in passage_terms], k1=k1, b=b),
        )

    def save(self, directory: Path) -> None:
        self._sections.save(directory)
        np.save(directory / "unit_of_row.npy", self._unit_of_row)
        for name, part in ((_PASSAGES, self._passages), (_SECTION_PAIRS, self._section_pairs),
                           (_PASSAGE_PAIRS, self._passage_pairs)):
            if part is not None:
                part.save(directory / name)

    @classmethod
    def load(cls, directory: Path, analyzer: Analyzer, *, mmap: bool = False) -> LexicalIndex:
        """Load a saved index; one saved before layout 2 has section scores only, and scores as it did."""
        def part(name: str) -> _Bm25 | None:
            return _Bm25.load(directory / name, mmap=mmap) if (directory / name).is_dir() else None

        return cls(analyzer, _Bm25.load(directory, mmap=mmap), np.load(directory / "unit_of_row.npy"),
                   passages=part(_PASSAGES), section_pairs=part(_SECTION_PAIRS), passage_pairs=part(_PASSAGE_PAIRS))

    def __len__(self) -> int:
        """Passage rows covered (not sections)."""
        return len(self._unit_of_row)

    def query_terms(self, question: str) -> list[str]:
        """The question's indexed terms, in order; a misspelt term becomes its closest indexed spelling, a term
        with no close spelling is dropped."""
        return list(self._question_terms(question, self.fuzzy)[1])

    def analysed_terms(self, question: str) -> list[str]:
        """The question's terms as the index reads them, held or not: `analyzer.question_terms`, a compound read as
        its two parts (`Analyzer.parts`). Those `query_terms` lacks are the words the index does not know: a split
        compound is two terms on both sides, and hides no unknown word from a count of them (`unseen_weight`,
        `rag.search.answerable.unknown_share`)."""
        return list(self._question_terms(question, self.fuzzy)[0])

    def _query_terms(self, question: str, fuzzy: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(`analysed_terms`, `query_terms`)."""
        analysed: list[str] = []
        out: list[str] = []
        for word, term in self.analyzer.question_words(question):
            if self._sections.holds(term):
                analysed.append(term)
                out.append(term)
            elif parts := self.analyzer.parts(word, self._sections.holds):
                analysed.extend(parts)  # a compound the corpus writes apart, or compounds otherwise
                out.extend(parts)
            else:
                analysed.append(term)
                near = self.closest(term) if fuzzy and len(term) >= FUZZY_MIN_CHARS else None
                if near is not None:
                    out.append(near)
        return tuple(analysed), tuple(out)

    def term_ids(self, question: str) -> list[int]:
        """Vocabulary ids (section index) of `query_terms(question)`."""
        return [self._sections.vocab[t] for t in self.query_terms(question)]

    def closest(self, term: str) -> str | None:
        """The indexed term one edit away (two for long words; a swap of neighbours is one edit), if any.

        Among equally close spellings the one in most units wins ("repond" -> "repondr", not "repons", when
        "répondre" is the commoner word), then the first in alphabetical order: never the vocabulary's order,
        which depends on the process's string hashing and would make the same query score differently from one
        run to the next.

        Each edit changes the length by one at most, so only terms within `limit` of the term's length are compared
        (the same matches as over the whole vocabulary, in a fraction of the time); answers are remembered.
        """
        known = self._closest_cache.get(term, _UNKNOWN)  # one read: another thread may clear the cache meanwhile
        if known is not _UNKNOWN:
            return known  # type: ignore[return-value]
        limit = 1 if len(term) < FUZZY_TWO_EDITS_CHARS else 2
        matches = [match for length in range(len(term) - limit, len(term) + limit + 1)
                   for match in process.extract(term, self._by_length.get(length, ()), scorer=OSA.distance,
                                                score_cutoff=limit, limit=None)]
        near = None
        if matches:
            nearest = min(distance for _, distance, _ in matches)
            near = min((str(t) for t, distance, _ in matches if distance == nearest),
                       key=lambda t: (-self._sections.documents_with(t), t))
        if len(self._closest_cache) >= FUZZY_CACHE:
            self._closest_cache.clear()
        self._closest_cache[term] = near
        return near

    def _evidence(self, terms: list[str], words: _Bm25, word_pairs: _Bm25 | None) -> np.ndarray:
        scores = words.scores(terms)
        if word_pairs is not None and self.pair_weight and len(terms) > 1:
            scores += self.pair_weight * word_pairs.scores(pairs(terms))
        return scores

    @property
    def units(self) -> int:
        """How many sections BM25 scores (its documents, in its idf)."""
        return self._sections.size

    @property
    def terms(self) -> Collection[str]:
        """Every term the index holds, as its analyzer writes them."""
        return self._sections.vocab.keys()

    def holds_term(self, term: str) -> bool:
        """Whether the index holds the analysed `term` (`query_terms`' kind, not a word as written)."""
        return self._sections.holds(term)

    def holds_word(self, word: str) -> bool:
        """Whether the index holds `word` (as its analyzer reads it: a stopword it does not)."""
        terms = self.analyzer.terms(word)
        return len(terms) == 1 and self._sections.holds(terms[0])

    def rows_with_word(self, word: str) -> np.ndarray:
        """The passage rows that hold `word` (as `holds_word` reads it: none for a stopword), in row order: those
        whose own text or heading path holds it, or, in an index saved before layout 2, those of the sections that
        do."""
        terms = self.analyzer.terms(word)
        if len(terms) != 1:
            return np.zeros(0, dtype=np.int64)
        if self._passages is not None:
            return self._passages.documents_holding(terms[0])
        return np.flatnonzero(np.isin(self._unit_of_row, self._sections.documents_holding(terms[0])))

    def term_weights(self, question: str) -> dict[str, float]:
        """The question's indexed terms (misspellings mapped as in `term_ids`) and their BM25 idf."""
        units = self.units
        weights = {}
        for term in self.query_terms(question):
            df = self._sections.documents_with(term)  # sections holding the term
            weights[term] = math.log(1 + (units - df + 0.5) / (df + 0.5))
        return weights

    def unseen_weight(self, question: str) -> float:
        """The idf of a term in no section when the question has a word that the index lacks (no close spelling
        either, no two parts: `query_terms` drops it), else 0: how much a word only the model can match weighs."""
        if len(self.query_terms(question)) == len(self.analysed_terms(question)):
            return 0.0
        units = self._sections.size
        return math.log(1 + (units + 0.5) / 0.5)

    def scores(self, question: str) -> np.ndarray:
        """Lexical score of every passage row (zeros when no question term is indexed): its section's score,
        scaled by the passage's share of the section's evidence (see the module docstring)."""
        terms = self.query_terms(question)
        if not terms:
            return np.zeros(len(self), dtype=np.float32)
        scores = self._evidence(terms, self._sections, self._section_pairs)[self._unit_of_row]
        if self._passages is not None and self.passage_share:
            own = self._evidence(terms, self._passages, self._passage_pairs)
            best = np.maximum.reduceat(own, self._starts)[self._unit_of_row]
            share = np.divide(own, best, out=np.ones_like(own), where=best > 0)
            scores *= 1.0 - self.passage_share + self.passage_share * share
        return scores.astype(np.float32, copy=False)


def top_rows(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows, scores) of the best `k` positive scores, best first, ties broken by row."""
    k = min(k, len(scores))
    if k == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    rows = np.argpartition(-scores, k - 1)[:k]
    rows = rows[np.lexsort((rows, -scores[rows]))]
    keep = scores[rows] > 0
    return rows[keep].astype(np.int64), scores[rows][keep]


__all__ = ["LAYOUT", "PAIR_WEIGHT", "PASSAGE_SHARE", "LexicalIndex", "pairs", "top_rows"]
