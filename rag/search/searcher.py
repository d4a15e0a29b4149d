"""The search core: questions in, ranked passages with citations out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from rag.embedding.base import Embedder
from rag.errors import PassageNotFound
from rag.index.analyzer import passage_language, question_language
from rag.index.lexical import top_rows
from rag.index.store import EXTRA_SCAN_MAX, Extras, Index
from rag.passage import Chunk
from rag.schemas import Highlight, Hit, Passage, Reading, RetrieverScores
from rag.search import fields, kinds, tables
from rag.search.answer import WORDED, answers_heading
from rag.search.answerable import (
    ACROSS_LANGUAGES,
    DEFAULT_THRESHOLD,
    Evidence,
    coverage,
    rule_for,
    standing,
    standing_among,
    unknown_share,
)
from rag.search.batch import Embedded, Found, Query
from rag.search.conversation import Alone, context_text, lexical_scores, mixed, term_weights
from rag.search.fusion import ACROSS_QUESTION_WEIGHT, MULTILINGUAL, Fused, Ranking, fixed_weight, fuse, ranks
from rag.search.remembered import Remembered
from rag.search.served import Served
from rag.search.shorthand import written_out

if TYPE_CHECKING:
    from rag.settings import Settings


def _lexical(index: Index, query: Query) -> np.ndarray:
    """BM25's score of every passage row for the query, its conversation's earlier messages included."""
    return lexical_scores(index.lexical, query.question, context_text(query.context))


def _as_read(index: Index, query: Query) -> Query:
    """`query` as the searcher reads it: its question's and earlier messages' chat shorthand written out where the
    index does not hold it (`rag.search.shorthand`)."""
    language, holds = index.lexical.analyzer.language, index.lexical.holds_word
    question = written_out(query.question, language, holds)
    context = tuple(written_out(message, language, holds) for message in query.context)
    return query if question == query.question and context == query.context else replace(
        query, question=question, context=context)


def _union(a: np.ndarray, b: np.ndarray, size: int) -> np.ndarray:
    """Sorted distinct rows of `a` and `b` (rows below `size`); a mask is cheaper than sorting for a small index."""
    if size > 50_000:
        return np.union1d(a, b)
    mask = np.zeros(size, dtype=bool)
    mask[a] = True
    mask[b] = True
    return np.flatnonzero(mask)


def _opens_section(passages: Sequence[Chunk], row: int) -> bool:
    """Whether the passage at `row` opens its section (or its document, outside any): stored in reading order."""
    if row == 0:
        return True
    before, chunk = passages[row - 1], passages[row]
    return before.doc_id != chunk.doc_id or before.section != chunk.section


def _asks_heading(index: Index, extras: Extras | None, item: Fused, hit: Hit, lexical: Highlight | None,
                  weights: dict[str, float], memory: Remembered) -> bool:
    """Whether the question asks what the passage's heading (its section heading, else its document title) asks:
    the question is closer to the heading than to the passage's text and to each of its windows (the heading's
    cosine is the passage's dense score, the best of the three, in a mode that scored headings), and the passage's
    best sentence or two by the question's words (`lexical`) hold none of them that the heading lacks (else the
    question names a detail they give: "Un fichier papier est-il un traitement ?" of an entry headed "Un
    traitement, c'est quoi ?")."""
    if extras is None or index.headings is None:
        return False
    if float(index.heading_scores(np.array([item.row]), extras)[0]) < item.dense_score:
        return False
    if lexical is None:
        return True
    named = memory.terms(hit.citation.section or hit.citation.title)
    asked = memory.highlight.terms(hit.text, lexical.start, lexical.end)
    return not any(term in weights and term not in named for term in asked)


class Searcher:
    """Answers queries against one loaded index. `swap` replaces the index, and the model with it if another reads
    the new one, between two batches."""

    def __init__(self, index: Index, embedder: Embedder, *, candidates: int = 50,
                 dense_weight: float | None = None, answerable_threshold: float = DEFAULT_THRESHOLD,
                 extra_scan_max: int | None = EXTRA_SCAN_MAX) -> None:
        self._served = Served(index, embedder)
        self.candidates = candidates
        self.extra_scan_max = extra_scan_max  # see `Index.extra_scores`; None: extra vectors scanned at any count
        self.answerable_threshold = answerable_threshold
        self._dense_weight = dense_weight
        self._remembered = Remembered(index)

    @classmethod
    def from_settings(cls, index: Index, embedder: Embedder, settings: Settings) -> Searcher:
        """A searcher over `index` with the settings' candidates, dense weight (`auto`: the index's own), answerable
        threshold and scan limit of extra vectors."""
        return cls(index, embedder, candidates=settings.candidates, dense_weight=fixed_weight(settings.dense_weight),
                   answerable_threshold=settings.answerable_threshold, extra_scan_max=settings.extra_scan_max)

    @property
    def index(self) -> Index:
        return self._served.now[0]

    @property
    def embedder(self) -> Embedder:
        return self._served.now[1]

    @property
    def model(self) -> str:
        return self.embedder.name

    def model_of(self, index: Index) -> str:
        """The model that reads questions for `index` (a build served before a reload: the model it was read with)."""
        return self._served.embedder(index).name

    def dense_weight(self, index: Index, across: bool = False) -> float:
        """The configured weight, else the one measured at ingest, else an even split; for a question `across`
        languages (`_across`) read by a multilingual model, at least `ACROSS_QUESTION_WEIGHT` (BM25 reads the
        corpus's language, in which that question has only names and cognates)."""
        if self._dense_weight is not None:
            return self._dense_weight
        weight = float(index.manifest.get("fusion", {}).get("dense_weight", 0.5))
        if across and MULTILINGUAL & set(index.model.get("languages", ())):
            return max(weight, ACROSS_QUESTION_WEIGHT)
        return weight

    @staticmethod
    def _across(index: Index, question: str, memory: Remembered) -> bool:
        """Whether `question` is in English or French asked of a corpus in another language: English of a French
        corpus or the reverse, either of a Spanish or German one (`question_language`, its words read against those
        the corpus holds, `memory.held`; a corpus in a language without a list of function words reads every
        question as its own)."""
        language = index.lexical.analyzer.language
        return question_language(question, language, ACROSS_LANGUAGES, memory.held) != language

    @staticmethod
    def _reads_as_asked(index: Index, hybrid: Ranking, query: Query, memory: Remembered) -> bool:
        """Whether the best passage of `hybrid` (the one `evidence` reads) is written in the language `query` is
        asked in (`_across`'s reading of it; `passage_language`: None for a passage too short to tell)."""
        language = index.lexical.analyzer.language
        asked = question_language(query.question, language, ACROSS_LANGUAGES, memory.held)
        return passage_language(index.passages[hybrid[0].row].text) == asked

    def swap(self, index: Index, embedder: Embedder | None = None) -> Index:
        """Serve `index` to queries that do not pin one, from the next batch on, its questions read by `embedder`
        (None: the model served now); returns the index it replaces.

        Queries already pinned to the old index are still answered by it, and read by its model: a request is
        answered by one index and one model.
        """
        self._remembered = Remembered(index)
        return self._served.swap(index, embedder)[0]

    def held_model(self, fits: Callable[[Embedder], bool]) -> Embedder | None:
        """A model other than the served one that a build served before still holds and that `fits`, for the next
        `swap` to serve (`Served.held`); None if there is none."""
        return self._served.held(fits)

    def _memory(self, index: Index) -> Remembered:
        remembered = self._remembered
        # an index pinned by a request that arrived before a reload: answered without the new build's memory
        return remembered if remembered.index is index else Remembered(index)

    def passage(self, passage_id: str, index: Index | None = None) -> Passage:
        """The passage with this id in `index` (default: the current one)."""
        index = self.index if index is None else index
        row = index.rows.get(passage_id)
        if row is None:
            shown = passage_id if len(passage_id) <= 100 else passage_id[:100] + "..."
            raise PassageNotFound(f"no passage with id {shown!r}: ids come from search results")
        chunk = index.passages[row]
        return Passage(id=chunk.id, text=chunk.text, citation=self._memory(index).citation(chunk),
                       table_header=chunk.header)

    def search(self, queries: Sequence[Query]) -> list[Found]:
        """Answer a batch of queries, each by the index it pins or else the current one, in order."""
        return self.rank(self.embed(queries))

    def embed(self, queries: Sequence[Query]) -> list[Embedded]:
        """A batch's first step, the model's: its questions and their conversations' earlier messages embedded, in
        one call for each index that answers some (the one a query pins, else the current one); `rank` does the
        rest. The micro-batcher runs one batch's `rank` beside the next one's `embed`."""
        current = self.index  # one index for the unpinned queries of the batch, even if a reload swaps it meanwhile
        if all(q.index is None or q.index is current for q in queries):
            groups = {id(current): (current, list(range(len(queries))))}
        else:  # only while a reload overlaps requests
            groups = {}
            for slot, query in enumerate(queries):
                index = query.index or current
                groups.setdefault(id(index), (index, []))[1].append(slot)
        out = []
        for index, slots in groups.values():
            group = [_as_read(index, queries[s]) for s in slots]
            followed = {i: text for i, q in enumerate(group) if (text := context_text(q.context))}  # in query order
            own = self._served.embedder(index).embed_queries([index.embedded_question(q.question) for q in group] +
                                                              [index.embedded_question(t) for t in followed.values()])
            out.append(Embedded(index, group, slots, own, followed))
        return out

    def rank(self, batch: Sequence[Embedded]) -> list[Found]:
        """The hits of each query of a batch `embed` embedded, in the batch's order."""
        if len(batch) == 1:
            return self._search(batch[0])
        out: list[Found] = [Found() for _ in range(sum(len(group.slots) for group in batch))]
        for group in batch:
            for slot, hits in zip(group.slots, self._search(group), strict=True):
                out[slot] = hits
        return out

    def _search(self, embedded: Embedded) -> list[Found]:
        """One FAISS call for all the questions of `embedded`, then fusion."""
        index, queries, own, followed = embedded.index, embedded.queries, embedded.own, embedded.followed
        n = min(self.candidates, len(index))
        # every mode embeds its question: `answerable` reads both retrievers, whichever ranks the passages
        vectors = mixed(own, list(followed), len(queries))
        dense_rows: dict[int, np.ndarray] = {}
        dense_scores: dict[int, np.ndarray] = {}
        # every question's candidates in the whole corpus: a filtered one's too, against which `answerable` judges it
        scores, rows = index.vectors.search(vectors, n)
        for i in range(len(queries)):
            keep = rows[i] >= 0
            dense_rows[i], dense_scores[i] = rows[i][keep], scores[i][keep]
        corpus_rows, corpus_scores = dict(dense_rows), dict(dense_scores)
        scoped: dict[int, list[int]] = {}  # filtered questions by filter: a batch request shares one among them all
        for i, query in enumerate(queries):
            if query.within is not None:
                scoped.setdefault(id(query.within), []).append(i)
        for slots in scoped.values():
            within = queries[slots[0]].within
            assert within is not None
            found = index.vectors.search_within(vectors[slots], n, within)
            for i, (scores_i, rows_i) in zip(slots, found, strict=True):
                dense_scores[i], dense_rows[i] = scores_i, rows_i
        # Each question's heading and window scores alone (matrix-vector products): a batch's matrix product may
        # round differently, and a question must get the same answer to the byte whatever it is batched with.
        extras: dict[int, Extras] = {}
        for i, query in enumerate(queries):
            scored = index.extra_scores(vectors[i], self.extra_scan_max)
            if scored is not None:
                extras[i] = scored
                dense_rows[i], dense_scores[i] = self._with_extras(index, vectors[i], scored, dense_rows[i], n,
                                                                   query.within)
                if query.within is not None:
                    corpus_rows[i], corpus_scores[i] = self._with_extras(index, vectors[i], scored, corpus_rows[i],
                                                                         n, None)
        out = []
        memory = self._memory(index)
        for i, query in enumerate(queries):
            across = self._across(index, query.question, memory)
            weight = self.dense_weight(index, across)
            # once for every ranking that reads it (a filtered dense query's whole-corpus ranking does)
            lexical = None if query.mode == "dense" and query.within is None else _lexical(index, query)
            ranked = [self._rank(index, replace(query, mode=mode), vectors[i], dense_rows[i], dense_scores[i], n,
                                 weight, extras.get(i), lexical) for mode in dict.fromkeys((query.mode, "hybrid"))]
            corpus = None if query.within is None else self._rank(
                index, replace(query, mode="hybrid", within=None), vectors[i], corpus_rows[i], corpus_scores[i], n,
                weight, extras.get(i), lexical)
            alone = Alone(index, own[i], query.question, self.extra_scan_max) if i in followed else None
            out.append(self._hits(index, ranked[0], ranked[-1], query, extras.get(i), vectors[i], across, memory,
                                  corpus, alone))
        return out

    @staticmethod
    def _with_extras(index: Index, vector: np.ndarray, extras: Extras, rows: np.ndarray, n: int,
                     within: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """The `n` best rows by dense score, a passage scoring the best of its own cosine, its heading's and its
        best window's: the rows found by their own vectors, those under the best headings and those with the best
        windows (`Index.extra_rows`), rescored."""
        merged = np.union1d(rows, index.extra_rows(extras, n, within))
        scores = index.dense_scores(merged, vector, extras)
        top = np.argsort(-scores, kind="stable")[:n]
        return merged[top], scores[top].astype(np.float32)

    def _rank(self, index: Index, query: Query, vector: np.ndarray | None, d_rows: np.ndarray | None,
              d_scores: np.ndarray | None, n: int, weight: float,
              extras: Extras | None = None, lexical: np.ndarray | None = None) -> Ranking:
        """The query's ranking in its mode; `lexical`: the question's BM25 scores over the index, if known."""
        if query.mode == "dense":
            assert d_rows is not None and d_scores is not None
            return fuse(d_rows, d_scores, np.zeros(len(d_rows), dtype=np.float32), 1.0, ranks(d_rows), {})
        lex_all = _lexical(index, query) if lexical is None else lexical
        if query.within is not None:
            admitted = np.zeros_like(lex_all)
            admitted[query.within] = lex_all[query.within]
            lex_all = admitted
        l_rows, _ = top_rows(lex_all, n)
        if query.mode == "lexical":
            return fuse(l_rows, np.zeros(len(l_rows), dtype=np.float32), lex_all[l_rows], 0.0, {}, ranks(l_rows))
        assert vector is not None and d_rows is not None and d_scores is not None
        candidates = _union(d_rows, l_rows, len(index))
        # Exact cosine of every candidate (flat: read from FAISS's own memory); FAISS's exact scores for its own rows.
        dense = index.dense_scores(candidates, vector, extras)
        dense[np.searchsorted(candidates, d_rows)] = d_scores
        fused = fuse(candidates, dense, lex_all[candidates], weight, ranks(d_rows), ranks(l_rows))
        return kinds.prefer(fused, index.passages, query.question)  # the kind of answer asked for, among a page's

    def _hits(self, index: Index, fused: Ranking, hybrid: Ranking, query: Query, extras: Extras | None,
              vector: np.ndarray, across: bool, memory: Remembered, corpus: Ranking | None = None,
              alone: Alone | None = None) -> Found:
        """The hits of `fused` (the query's mode's ranking), and whether they answer, judged on `hybrid`'s (against
        `corpus`, the whole corpus's hybrid ranking, for a filtered query)."""
        hits = Found()
        hits.language = index.lexical.analyzer.language
        # a chatbot's user asking in English of a French corpus reads "The documents do not seem to answer" in English
        hits.asked_in = question_language(query.question, hits.language, WORDED, memory.held)
        seen_texts: set[str] = set()
        weight = {"dense": 1.0, "lexical": 0.0}.get(query.mode, self.dense_weight(index, across))
        context = context_text(query.context)
        terms = term_weights(index.lexical, query.question, context)
        question_terms = index.lexical.analysed_terms(query.question)
        # the model's window stands for the question's rarest word, one the index lacks if any ("horaires")
        bonus = max(index.lexical.unseen_weight(query.question), *terms.values(), 0.0) or None
        asked = fields.asked(query.question, index.lexical.analyzer, hits.asked_in)  # the fields it asks for
        words = tables.phrase(index.lexical.analyzer.words(query.question))  # the table rows it names
        for item in fused.reading_order(index.passages) if query.mode == "hybrid" else fused:
            chunk = index.passages[item.row]
            if chunk.text in seen_texts:
                continue  # the same text twice (copied pages, repeated boilerplate) helps nobody
            seen_texts.add(chunk.text)
            explain = None
            if query.explain:
                explain = RetrieverScores(
                    dense_rank=item.dense_rank, dense_score=item.dense_score if query.mode != "lexical" else None,
                    lexical_rank=item.lexical_rank,
                    lexical_score=item.lexical_score if query.mode != "dense" else None, dense_weight=weight)
            # the question's words decide which passage answers (`answer`); the model, where in it to look first
            near, own = memory.near(item.row, vector) or (None, None)
            lexical, drawn = memory.highlight.both(chunk.text, terms, near, bonus, chunk.header, own, asked,
                                                    words)
            hit = Hit(rank=len(hits) + 1, id=chunk.id, text=chunk.text, score=round(item.score, 6),
                      citation=memory.citation(chunk), explain=explain, table_header=chunk.header, highlight=drawn)
            reading = Reading(words=None if lexical is None else lexical.score, language=hits.language,
                              closest=item.dense_rank == 1 and query.mode == "hybrid",
                              opens_section=_opens_section(index.passages, item.row),
                              rows=tuple if drawn is None else partial(memory.highlight.rows, chunk.text, terms, drawn,
                                                                       chunk.header))
            hit.__pydantic_private__["_reading"] = reading  # type: ignore[index]  # pydantic's __setattr__ costs
            # only where the answer reads it: the first passage of an entry under a question heading
            reading.asks_heading = answers_heading(hit) and _asks_heading(index, extras, item, hit, lexical, terms,
                                                                          memory)
            hits.append(hit)
            if len(hits) == query.k:
                break
        if hits:
            hits.evidence = self.evidence(index, hybrid, question_terms, terms if alone is None else alone.terms,
                                          memory, corpus, alone)
            # the rule across languages was fitted on English and French alone (`ACROSS_LANGUAGES`), for a question
            # and passages in two languages: of the best passage in the question's own (an English page of a French
            # wiki), the rule within one language decides
            fitted = across and hits.language in ACROSS_LANGUAGES and not self._reads_as_asked(index, hybrid, query,
                                                                                                memory)
            hits.probability = rule_for(self.model_of(index), fitted).probability(hits.evidence)
            # a question of function words alone ("de", "comment faire ?") asks about nothing a passage could hold
            hits.answerable = bool(question_terms) and hits.probability >= self.answerable_threshold
        return hits

    @staticmethod
    def evidence(index: Index, fused: Ranking, question_terms: list[str], weights: dict[str, float],
                 memory: Remembered, corpus: Ranking | None = None, alone: Alone | None = None) -> Evidence:
        """What `answerable` reads of `fused`; of a filtered search's, its best admitted scores standing among the
        whole `corpus`'s candidates (a passage the filter leaves out may answer better: a negative lead). `alone`:
        the message's own cosines, where its conversation's earlier messages ranked the passages."""
        top = fused[0]
        dense = fused.dense_scores if alone is None else alone.dense(fused.rows)
        agree = top.dense_rank == 1 and top.lexical_rank == 1
        if corpus is None:
            best, z, margin = standing(dense)
            _, lexical_z, _ = standing(fused.lexical_scores)
        else:
            c_dense = corpus.dense_scores if alone is None else alone.dense(corpus.rows)
            d, lx = int(np.argmax(dense)), int(np.argmax(fused.lexical_scores))
            best, z, margin = standing_among(c_dense, corpus.rows, int(fused.rows[d]), float(dense[d]))
            _, lexical_z, _ = standing_among(corpus.lexical_scores, corpus.rows, int(fused.rows[lx]),
                                             float(fused.lexical_scores[lx]))
            # first for both retrievers in the whole corpus, ties included (a copy of the document outside the filter)
            agree = agree and top.dense_score >= float(corpus.dense_scores.max()) - 1e-6 and \
                top.lexical_score >= float(corpus.lexical_scores.max()) - 1e-6
        passage_terms = memory.highlight.terms(index.passages[top.row].text)
        share = coverage(question_terms, weights, passage_terms, max(weights.values(), default=1.0))
        return Evidence(dense_top=best, dense_z=z, coverage=share, agree=float(agree), dense_margin=margin,
                        lexical_z=lexical_z, unknown=unknown_share(question_terms, weights),
                        known_coverage=coverage(list(weights), weights, passage_terms, 0.0))


__all__ = ["Embedded", "Found", "Query", "Searcher"]
