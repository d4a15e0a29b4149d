"""Score retrieval on question sets: passage recall, MRR, nDCG, answer recall, snippet recall, how often the
questions are flagged unanswerable, and latency, per mode.

A question set is JSON lines `{"id", "question", "answers": [...], "passage_ids": [...]}`. Two kinds of target:

- a dataset folder with `passages.jsonl` (`{"id", "title", "text"}`) beside `questions.jsonl`: each passage is
  indexed as one document (title, then text), in memory, so that gold ids are document ids;
- a questions file alone: it is scored against an in-memory index of the corpus folder, or of a dataset folder's
  passages (the questions of one dataset translated, asked of its passages).

`against` asks a target's questions of another corpus instead (a dataset folder or a corpus folder): a set that
corpus does not answer, where only `flagged` (the share of questions whose `answerable` is false) means something.
"""

from __future__ import annotations

import json
import math
import re
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from rag.corpus.formats.base import Line, Section
from rag.corpus.reader import Corpus, Document, read_corpus
from rag.embedding.base import Embedder
from rag.embedding.names import AUTO_MODEL
from rag.errors import ConfigError
from rag.index.accents import strip_accents
from rag.index.dense import DenseIndex
from rag.index.store import Index
from rag.ingestion.stages import chunk_and_embed, corpus_model, embed_key, index_parts
from rag.schemas import CONTEXT_MAX, Hit, Mode
from rag.search.answer import answer
from rag.search.searcher import Found, Query, Searcher
from rag.settings import Settings
from rag.suggest import closest

KS = (1, 5, 10)


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    answers: tuple[str, ...] = ()
    gold: frozenset[str] = frozenset()
    context: tuple[str, ...] = ()  # the user's earlier messages in the conversation, oldest first


def normalised(text: str) -> str:
    """A text as answers are compared: casefolded, runs of white space as one space, `’` as `'`."""
    return " ".join(text.replace("’", "'").split()).casefold()


def has_answer(text: str, answers: Iterable[str]) -> bool:
    """Whether a text holds one of the gold answers (both `normalised`): what answer recall counts."""
    text = normalised(text)
    return any(normalised(a) in text for a in answers)


def set_name(target: Path) -> str:
    """What a target is called in reports and file names: the dataset folder's name, the questions file's stem."""
    return target.name if target.is_dir() else re.sub(r"\.jsonl$", "", target.name)


QUESTION_FORMAT = ('one JSON object a line: {"id": "q1", "question": "...", "answers": ["..."], '
                   '"passage_ids": ["doc-id"]}, with answers, passage_ids or both')
# The keys `rag eval` reads besides `context` (a conversation's earlier messages; a string there, SQuAD's paragraph, is
# carried unread). A key close to one of them is refused: a misspelt "pasage_ids" would leave the question without
# gold, scored as nothing. Others (`style` in tests/data/chat, a set's own "category") are carried unread.
KEYS = ("id", "question", "answers", "passage_ids")


def read_questions(path: Path, limit: int | None = None, *, scored: bool = True) -> list[Question]:
    """The first `limit` questions of a JSON-lines file (blank lines skipped, a UTF-8 BOM read as none). A line
    that breaks the format, or an id met twice, is a `ConfigError` naming the file, the line and what to fix; so is
    a file without a question, which would print a table of nothing.

    `scored`: each question needs `answers` or `passage_ids`, without which no figure counts it. Questions asked of
    another corpus (`evaluate`'s `against`) are not scored on either and may have neither."""
    out: list[Question] = []
    seen: dict[str, int] = {}
    try:
        with path.open(encoding="utf-8-sig") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                question = _question(line, f"{path}, line {number}", scored)
                if question.id in seen:
                    raise ConfigError(f"{path}, line {number}: id {question.id!r} is already the id of line "
                                      f"{seen[question.id]}: each question needs its own id")
                seen[question.id] = number
                out.append(question)
                if limit and len(out) >= limit:
                    break
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start}): {QUESTION_FORMAT}") from exc
    except FileNotFoundError as exc:  # a dataset folder without its questions
        raise ConfigError(f"{path} does not exist: a dataset folder holds questions.jsonl beside "
                          "passages.jsonl") from exc
    except IsADirectoryError as exc:
        raise ConfigError(f"{path} is a folder, not a questions file") from exc
    if not out:
        raise ConfigError(f"{path} holds no question: {QUESTION_FORMAT}")
    return out


def questions_file(target: Path) -> Path:
    """The questions of a target: a dataset folder's `questions.jsonl`, or the file itself."""
    return target / "questions.jsonl" if target.is_dir() else target


def _question(line: str, where: str, scored: bool) -> Question:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{where}: not JSON ({exc.msg}, column {exc.colno}): {QUESTION_FORMAT}") from exc
    if not isinstance(row, dict):
        raise ConfigError(f"{where}: a JSON {type(row).__name__}, not an object: {QUESTION_FORMAT}")
    for key in row:
        near = None if key in KEYS or any(str(key).startswith(k + "_") for k in KEYS) else \
            closest(str(key).casefold(), [k for k in KEYS if k not in row])
        if near:  # a misspelt key the line lacks ("pasage_ids"); "question_id" or "qid" beside "id" are a set's own
            raise ConfigError(f"{where}: unknown key {key!r}, did you mean {near!r}? The keys rag eval reads are "
                              f"{', '.join(KEYS)}, context (others are carried unread)")
    qid, text = row.get("id"), row.get("question")
    if isinstance(qid, bool) or not isinstance(qid, str | int) or str(qid).strip() == "":
        raise ConfigError(f"{where}: \"id\" must be a non-empty string or an integer (got {qid!r})")
    if not isinstance(text, str) or not text.strip():
        raise ConfigError(f"{where}: \"question\" must be a non-empty string (got {text!r})")
    lists = {}
    # a conversation's earlier messages, a list; a string is SQuAD's paragraph, carried unread like any other key
    conversation = row.get("context") is not None and not isinstance(row["context"], str)
    for key in ("answers", "passage_ids", "context") if conversation else ("answers", "passage_ids"):
        value = row.get(key, [])
        # an earlier message may be empty (an attachment's) or blank: search passes over it, as over a "👍"
        said = isinstance(value, list) and all(isinstance(v, str) and (key == "context" or v.strip()) for v in value)
        if key in row and not said:
            kind = "strings" if key == "context" else "non-empty strings"
            raise ConfigError(f"{where}: \"{key}\" must be a list of {kind}, or left out (got {value!r})")
        lists[key] = value
    if scored and not lists["answers"] and not lists["passage_ids"]:
        raise ConfigError(f"{where}: neither \"answers\" nor \"passage_ids\": a question needs one of them to "
                          "be scored (questions meant to go unanswered are asked with --against)")
    if len(lists.get("context", ())) > CONTEXT_MAX:
        raise ConfigError(f"{where}: \"context\" holds at most {CONTEXT_MAX} earlier messages (got "
                          f"{len(lists['context'])})")
    return Question(str(qid), text, tuple(lists["answers"]), frozenset(lists["passage_ids"]),
                    tuple(lists.get("context", ())))


def check_gold(questions: Sequence[Question], index: Index, path: Path) -> None:
    """Refuse questions whose `passage_ids` name documents the index does not hold: they would score 0 unseen."""
    unknown = [(q.id, sorted(q.gold - index.documents.keys())) for q in questions if q.gold - index.documents.keys()]
    if unknown:
        shown = "; ".join(f"{qid}: {', '.join(ids)}" for qid, ids in unknown[:5])
        raise ConfigError(f"{path}: {len(unknown)} question(s) name documents the corpus does not hold ({shown}"
                          f"{'; ...' if len(unknown) > 5 else ''}): passage_ids are document ids, as `rag documents` "
                          "lists them (a dataset's: its passages.jsonl ids)")


def dataset_documents(path: Path) -> list[Document]:
    """Each line of a `passages.jsonl` as one document whose id is the passage id."""
    docs = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            text = row["text"]
            lines, pos = [], 0
            for raw in text.splitlines(keepends=True):
                stripped = raw.strip()
                if stripped:
                    lead = len(raw) - len(raw.lstrip())
                    lines.append(Line(stripped, pos + lead, pos + lead + len(stripped)))
                pos += len(raw)
            if lines:
                docs.append(Document(doc_id=row["id"], source=path.name, title=row.get("title") or row["id"],
                                     text=text, sections=[Section(None, lines)]))
    return docs


def corpus_documents(folder: Path) -> list[Document]:
    """A dataset folder's passages (`passages.jsonl`, one document each), else a corpus folder's documents."""
    passages = folder / "passages.jsonl"
    return dataset_documents(passages) if passages.is_file() else read_corpus(folder).documents


def target_documents(target: Path, settings: Settings, against: Path | None = None) -> list[Document]:
    """The documents a target's questions are asked of (see `evaluate`): what its index is built from, and what
    chooses its model under `RAG_MODEL=auto` (`rag.ingestion.stages.corpus_model`)."""
    if against is not None:
        return corpus_documents(against)
    return dataset_documents(target / "passages.jsonl") if target.is_dir() else corpus_documents(settings.corpus_dir)


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
    stages = chunk_and_embed(Corpus(documents), settings, embedder, lambda *_: reuse or {})
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


# What `evaluate` hands a caller who keeps the rankings (`rag.trec` writes them): the index, the questions asked,
# then per mode the mode and the hits of each question.
Keep = Callable[[Index, Sequence[Question], str, Sequence[Sequence[Hit]]], None]


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
    `keep` gets the index, the questions and each mode's rankings (`rag.trec.TrecFiles.keep` writes them).
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
    return {
        "target": name,
        "documents": len(documents),
        "passages": len(index),
        "questions": len(questions),
        "dense_weight": searcher.dense_weight(index),
        "index_seconds": round(built, 2),
        "scores": [s.to_dict() for s in run(searcher, questions, modes,
                                             keep=(lambda m, r: keep(index, questions, m, r)) if keep else None)],
    }


def table(report: dict[str, Any]) -> str:
    """A plain-text table of one target's scores."""
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
    return "\n".join(lines)


__all__ = ["Keep", "Models", "Question", "Scores", "dataset_documents", "document_hits", "evaluate", "has_answer",
           "memory_index", "normalised", "read_questions", "run", "score", "set_name", "strip_accents", "table",
           "target_documents"]
