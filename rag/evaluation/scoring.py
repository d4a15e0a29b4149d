"""Score retrieval on question sets: passage recall, MRR, nDCG, answer recall, snippet recall, how often the
questions are flagged unanswerable, and latency, per mode.

A question set is JSON lines `{"id", "question", "answers": [...], "passage_ids": [...]}` (`rag.evaluation.inputs`
reads and checks them). Two kinds of target:

- a dataset folder with `passages.jsonl` (`{"id", "title", "text"}`) beside `questions.jsonl`: each passage is
  indexed as one document (title, then text), in memory, so that gold ids are document ids;
- a questions file alone: it is scored against an in-memory index of the corpus folder, or of a dataset folder's
  passages (the questions of one dataset translated, asked of its passages).

`against` asks a target's questions of another corpus instead (a dataset folder or a corpus folder): a set that
corpus does not answer, where only `flagged` (the share of questions whose `answerable` is false) means something.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from rag.corpus.reader import Corpus, Document
from rag.embedding.base import Embedder
from rag.embedding.names import AUTO_MODEL
from rag.errors import ConfigError
from rag.evaluation.inputs import (
    Question,
    check_gold,
    has_answer,
    questions_file,
    read_questions,
    set_name,
    target_documents,
    unfound,
)
from rag.index.accents import strip_accents
from rag.index.dense import DenseIndex
from rag.index.store import Index
from rag.ingestion.stages import chunk_and_embed, corpus_model, embed_key, index_parts
from rag.schemas import MODES, Hit, Mode
from rag.search.answer import answer
from rag.search.searcher import Found, Query, Searcher
from rag.settings import Settings

KS = (1, 5, 10)


class Models:
    """The model each target of `rag eval` is scored with: the one set, or under `RAG_MODEL=auto` the one its
    corpus gets (`rag.ingestion.stages.corpus_model`), each loaded once by `load`; and each model's passage vectors,
    reused by the next target asked of the same corpus, never by another model."""

    def __init__(self, settings: Settings, load: Callable[[Settings], Embedder]) -> None:
        self.settings, self._load = settings, load
        self._loaded: dict[str, Embedder] = {}
        self._vectors: dict[str, dict[str, np.ndarray]] = {}

    def of(self, target: Path, against: Path | None = None) -> tuple[Settings, Embedder, dict[str, np.ndarray]]:
        """The settings naming the target's model, the model, and its vectors so far."""
        chosen = self.settings if self.settings.model != AUTO_MODEL else \
            corpus_model(self.settings, target_documents(target, self.settings, against))
        if chosen.model not in self._loaded:
            self._loaded[chosen.model] = self._load(chosen)
        embedder = self._loaded[chosen.model]
        return chosen, embedder, self._vectors.setdefault(embedder.name, {})


def memory_index(documents: list[Document], settings: Settings, embedder: Embedder,
                 reuse: dict[str, np.ndarray] | None = None) -> Index:
    """An index built in memory, exactly as ingest would build it, without writing anything.

    `reuse` maps `stages.embed_key` of a passage to its vector, computed before (as ingest reuses them)."""
    started = time.perf_counter()
    stages = chunk_and_embed(Corpus(documents), settings, embedder, lambda *_: reuse or {}, release=False)
    lexical, manifest, accents = index_parts(stages, settings, started=started)
    return Index(Path("<memory>"), {**manifest.to_json(), "build_id": "memory"}, stages.chunks,
                 DenseIndex.build(stages.vectors), lexical, headings=stages.headings,
                 windows=stages.windows if len(stages.windows) else None, accents=accents)


@dataclass
class Scores:
    """Metrics of one mode over one question set."""

    mode: str
    questions: int = 0
    recall: dict[int, float] = field(default_factory=dict)
    mrr10: float | None = None
    ndcg10: float | None = None
    answer_recall: dict[int, float] = field(default_factory=dict)
    snippet_recall: float | None = None
    flagged: float | None = None
    ms_per_query: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"mode": self.mode, "questions": self.questions,
                **{f"recall@{k}": v for k, v in self.recall.items()},
                "mrr@10": self.mrr10, "ndcg@10": self.ndcg10,
                **{f"answer_recall@{k}": v for k, v in self.answer_recall.items()},
                "snippet_recall": self.snippet_recall, "flagged": self.flagged, "ms_per_query": self.ms_per_query}


def document_hits(hits: Sequence[Hit]) -> list[Hit]:
    """The first hit of each document, in rank order: how passage recall ranks documents."""
    seen: dict[str, Hit] = {}
    for hit in hits:
        seen.setdefault(hit.citation.doc_id, hit)
    return list(seen.values())


def score(questions: Sequence[Question], results: Sequence[Sequence[Hit]], mode: str,
          seconds: float) -> Scores:
    """Metrics for `results[i]`, the hits returned for `questions[i]`.

    `snippet_recall`: a gold answer inside the snippet the response's `answer` quotes (whatever `answerable` says);
    `flagged`: the share of questions whose hits are not `answerable` (on the hybrid row: every mode decides it so).
    """
    out = Scores(mode=mode, questions=len(questions), ms_per_query=round(1000 * seconds / max(1, len(questions)), 2))
    graded = [(q, r) for q, r in zip(questions, results, strict=True) if q.gold]
    if graded:
        rr, ndcg = [], []
        hits_at = {k: 0 for k in KS}
        for q, hits in graded:
            docs = [hit.citation.doc_id for hit in document_hits(hits)[:10]]
            first = next((i for i, d in enumerate(docs, 1) if d in q.gold), None)
            for k in KS:
                hits_at[k] += first is not None and first <= k
            rr.append(1.0 / first if first else 0.0)
            dcg = sum(1.0 / math.log2(i + 1) for i, d in enumerate(docs, 1) if d in q.gold)
            ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(q.gold), 10) + 1))
            ndcg.append(dcg / ideal)
        out.recall = {k: round(v / len(graded), 4) for k, v in hits_at.items()}
        out.mrr10 = round(statistics.fmean(rr), 4)
        out.ndcg10 = round(statistics.fmean(ndcg), 4)
    answered = [(q, r) for q, r in zip(questions, results, strict=True) if q.answers]
    if answered:
        for k in (1, 5):
            found = 0
            for q, hits in answered:
                found += any(has_answer(h.text, q.answers) for h in hits[:k])
            out.answer_recall[k] = round(found / len(answered), 4)
        snippets = [answer(hits) for _, hits in answered]
        out.snippet_recall = round(sum(s is not None and has_answer(s.text, q.answers)
                                       for (q, _), s in zip(answered, snippets, strict=True)) / len(answered), 4)
    if mode == "hybrid" and questions:
        out.flagged = round(sum(not getattr(hits, "answerable", True) for hits in results) / len(questions), 4)
    return out


# What `evaluate` hands a caller who keeps the rankings (`rag.evaluation.trec` writes them): the index, the questions
# asked, then per mode the mode and the hits of each question.
Keep = Callable[[Index, Sequence[Question], str, Sequence[Sequence[Hit]]], None]


def named_modes(text: str) -> list[Mode]:
    """The modes of a comma-separated list (`rag eval --modes`), each once, in its order."""
    modes = list(dict.fromkeys(m.strip() for m in text.split(",") if m.strip()))
    wrong = [m for m in modes if m not in MODES]
    if wrong or not modes:
        raise ConfigError(f"--modes {text!r}: {', '.join(wrong) or 'none given'}; the modes are "
                          f"{', '.join(MODES)}, comma-separated")
    return [mode for m in modes for mode in MODES if mode == m]


def run(searcher: Searcher, questions: Sequence[Question], modes: Iterable[Mode], *, depth: int = 30,
        batch: int = 64, keep: Callable[[str, Sequence[Sequence[Hit]]], None] | None = None) -> list[Scores]:
    """Search every question in every mode; `depth` passages per question so that 10 documents remain. `keep`
    gets each mode's rankings once scored (out of the timing)."""
    table = []
    for mode in modes:
        results: list[Found] = []
        started = time.perf_counter()
        for i in range(0, len(questions), batch):
            chunk = questions[i:i + batch]
            results.extend(searcher.search([Query(q.question, depth, mode, context=q.context) for q in chunk]))
        table.append(score(questions, results, mode, time.perf_counter() - started))
        if keep is not None:
            keep(mode, results)
    return table


def evaluate(target: Path, settings: Settings, embedder: Embedder, modes: Sequence[Mode],
             limit: int | None = None, unaccented: bool = False, against: Path | None = None,
             vectors: dict[str, np.ndarray] | None = None, keep: Keep | None = None) -> dict[str, Any]:
    """Build the index a target needs, run every mode, return the figures as a JSON-ready dict.

    `unaccented` asks every question with its accents removed, as users often type them; `against` asks them of
    another corpus (a dataset folder, or a corpus folder), which is not expected to answer them. `vectors`
    (`stages.embed_key` -> vector) are reused and completed: several targets asked of one corpus embed it once.
    `keep` gets the index, the questions and each mode's rankings (`rag.evaluation.trec.TrecFiles.keep` writes them).
    """
    started = time.perf_counter()
    questions = read_questions(questions_file(target), limit, scored=against is None)
    documents = target_documents(target, settings, against)
    name = set_name(target)
    if against is not None:
        # neither its passages nor its answers are there
        questions = [Question(q.id, q.question, context=q.context) for q in questions]
        name += f" against {against.name} (unanswerable)"
    if unaccented:
        questions = [Question(q.id, strip_accents(q.question), q.answers, q.gold,
                              tuple(map(strip_accents, q.context))) for q in questions]
        name += " (questions without accents)"
    index = memory_index(documents, settings, embedder, reuse=vectors)
    if against is None:
        check_gold(questions, index, target)
    if vectors is not None:
        vectors.update(zip(map(embed_key, index.passages), index.stored_vectors(), strict=True))
    searcher = Searcher.from_settings(index, embedder, settings)
    built = time.perf_counter() - started
    nowhere, across = unfound(questions, index.passages, documents)
    return {
        "target": name,
        "documents": len(documents),
        "passages": len(index),
        "questions": len(questions),
        "dense_weight": searcher.dense_weight(index),
        "index_seconds": round(built, 2),
        # the questions none of whose answers any passage holds, misses whatever the ranking: a typo in the set?
        "answers_not_in_corpus": nowhere,
        "answers_across_passages": across,  # a document holds one, longer than a passage or over two
        "scores": [s.to_dict() for s in run(searcher, questions, modes,
                                             keep=(lambda m, r: keep(index, questions, m, r)) if keep else None)],
    }


UNFOUND_SHOWN = 5  # the question ids a warning names: a set of thousands gets a count and these
_UNFOUND = {"answers_not_in_corpus": ("no document of the corpus holds", "check their spelling (an accent, a typo)"),
            "answers_across_passages": ("only a whole document holds, longer than a passage or over two",
                                        "answer recall cannot count them")}


def warning(report: dict[str, Any]) -> str | None:
    """What to say of a target's questions whose answers no passage holds (`inputs.unfound`), a line for those
    no document holds either and one for the others; None if there are none."""
    lines = []
    for key, (where, then) in _UNFOUND.items():
        ids = report.get(key) or []
        if ids:
            shown = ", ".join(ids[:UNFOUND_SHOWN]) + (", ..." if len(ids) > UNFOUND_SHOWN else "")
            lines.append(f"warning: {report['target']}: {len(ids)} of {report['questions']} questions have answers "
                         f"that {where} ({shown}), compared as answer recall compares them: misses whatever the "
                         f"ranking; {then}")
    return "\n".join(lines) or None


def table(report: dict[str, Any]) -> str:
    """A plain-text table of one target's scores, then the warning of answers no passage holds, if any."""
    head = (f"{report['target']}: {report['questions']} questions, {report['documents']} documents, "
            f"{report['passages']} passages, dense weight {report['dense_weight']}")
    cols = ["mode", "recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10", "answer_recall@1",
            "answer_recall@5", "snippet_recall", "flagged", "ms_per_query"]
    lines = [head, "  ".join(f"{c:>15}" for c in cols)]
    for row in report["scores"]:
        cells = []
        for c in cols:
            v = row.get(c)
            cells.append(f"{'-' if v is None else v:>15}" if not isinstance(v, float) else f"{v:>15.4f}")
        lines.append("  ".join(cells))
    said = warning(report)
    return "\n".join(lines if said is None else [*lines, said])

