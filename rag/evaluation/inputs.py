"""What `rag eval` reads, each line checked before anything is computed: question files, a dataset folder's
passages, and the gold of each question against the corpus it is asked of.

A question set is JSON lines `{"id", "question", "answers": [...], "passage_ids": [...]}`; a dataset folder holds
`passages.jsonl` (`{"id", "title", "text"}`, each line one document) beside `questions.jsonl`. A line that breaks
either format is a `ConfigError` naming the file, the line and what to fix; a key another tool gives the same thing
(`query`, `gold`, `contents`: `rag.suggest.SYNONYMS`), or a misspelt one, is named with the key meant.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.corpus.files import corpus_files, refusals, shown_name
from rag.corpus.formats.base import Line, Section
from rag.corpus.reader import Document, read_corpus
from rag.errors import ConfigError
from rag.index.store import Index
from rag.passage import Chunk
from rag.schemas import CONTEXT_MAX
from rag.settings import Settings
from rag.suggest import suggestion


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
PASSAGE_FORMAT = 'one JSON object a line: {"id": "p1", "title": "...", "text": "..."}, the title optional'
# The keys `rag eval` reads besides `context` (a conversation's earlier messages; a string there, SQuAD's paragraph, is
# carried unread). A key close to one of them, or another tool's name for one of them, is refused when the line lacks
# the key meant: a misspelt "pasage_ids" would leave the question without gold, scored as nothing. Others (`style` in
# tests/data/chat, a set's own "category") are carried unread.
KEYS = ("id", "question", "answers", "passage_ids")
PASSAGE_KEYS = ("id", "title", "text")
DATASET = "a dataset folder holds questions.jsonl and passages.jsonl side by side"
_DATASET_FILES = ("passages.jsonl", "questions.jsonl")
_SHOWN = 5  # the files `unread_beside` names


def _rows(path: Path, form: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each non-blank line of a JSON-lines file, numbered, as an object (a UTF-8 BOM read as none)."""
    try:
        with path.open(encoding="utf-8-sig") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                where = f"{path}, line {number}"
                try:
                    row = json.loads(line.rstrip("\r\n"))  # a truncated line: the column where it ends
                except json.JSONDecodeError as exc:
                    raise ConfigError(f"{where}: not JSON ({exc.msg}, column {exc.colno}): {form}") from exc
                if not isinstance(row, dict):
                    raise ConfigError(f"{where}: a JSON {type(row).__name__}, not an object: {form}")
                yield number, row
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start}): {form}") from exc
    except FileNotFoundError as exc:  # a dataset folder without one of its files
        raise ConfigError(f"{path} does not exist: {DATASET}") from exc
    except IsADirectoryError as exc:
        raise ConfigError(f"{path} is a folder, not a JSON-lines file") from exc


def _keys(row: dict[str, Any], keys: Sequence[str], where: str, read: str) -> None:
    """Refuse a key that likely means one of `keys` the line lacks ("pasage_ids", "query", "contents"); a key
    starting with one of them and `_` ("question_id") is a set's own."""
    absent = [k for k in keys if k not in row]
    for key in map(str, row):
        if key in keys or key == "context" or key.startswith(tuple(k + "_" for k in keys)):
            continue
        meant = suggestion(key, absent)
        if meant is not None:
            raise ConfigError(f"{where}: unknown key {key!r}, did you mean {meant!r}? The keys rag eval reads are "
                              f"{read} (others are carried unread)")


def _id(row: dict[str, Any], where: str, number: int, seen: dict[str, int], what: str) -> str:
    """The id of line `number`, a string or an integer, not met on an earlier line (`seen`: each id and its line)."""
    value = row.get("id")
    if isinstance(value, bool) or not isinstance(value, str | int) or str(value).strip() == "":
        raise ConfigError(f"{where}: \"id\" must be a non-empty string or an integer (got {value!r})")
    if str(value) in seen:
        raise ConfigError(f"{where}: id {str(value)!r} is already the id of line {seen[str(value)]}: each {what} "
                          "needs its own id")
    seen[str(value)] = number
    return str(value)


def read_questions(path: Path, limit: int | None = None, *, scored: bool = True) -> list[Question]:
    """The first `limit` questions of a JSON-lines file (blank lines skipped). A line that breaks the format, or an
    id met twice, is a `ConfigError` naming the file, the line and what to fix; so is a file without a question,
    which would print a table of nothing.

    `scored`: each question needs `answers` or `passage_ids`, without which no figure counts it. Questions asked of
    another corpus (`evaluate`'s `against`) are not scored on either and may have neither."""
    out: list[Question] = []
    seen: dict[str, int] = {}
    for number, row in _rows(path, QUESTION_FORMAT):
        out.append(_question(row, f"{path}, line {number}", number, scored, seen))
        if limit and len(out) >= limit:
            break
    if not out:
        raise ConfigError(f"{path} holds no question: {QUESTION_FORMAT}")
    return out


def questions_file(target: Path) -> Path:
    """The questions of a target: a dataset folder's `questions.jsonl`, or the file itself."""
    return target / "questions.jsonl" if target.is_dir() else target


def _question(row: dict[str, Any], where: str, number: int, scored: bool, seen: dict[str, int]) -> Question:
    _keys(row, KEYS, where, f"{', '.join(KEYS)}, context")
    qid = _id(row, where, number, seen, "question")
    text = row.get("question")
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
    return Question(qid, text, tuple(lists["answers"]), frozenset(lists["passage_ids"]),
                    tuple(lists.get("context", ())))


def check_gold(questions: Sequence[Question], index: Index, path: Path) -> None:
    """Refuse questions whose `passage_ids` name documents the index does not hold: they would score 0 unseen. A
    passage id there (as the API returns them) is named with its document, the id meant: the figures count documents,
    and passage ids change with the chunking settings."""
    unknown = [(q.id, sorted(q.gold - index.documents.keys())) for q in questions if q.gold - index.documents.keys()]
    if unknown:
        passages = {p.id: p.doc_id for p in index.passages}
        said = [f"{qid}: " + ", ".join(f"{i}, a passage of document {passages[i]}" if i in passages else i
                                       for i in ids) for qid, ids in unknown[:5]]
        raise ConfigError(f"{path}: {len(unknown)} question(s) name documents the corpus does not hold "
                          f"({'; '.join(said)}{'; ...' if len(unknown) > 5 else ''}): passage_ids are document ids, as "
                          "`rag documents` lists them (a dataset's: its passages.jsonl ids), not the ids of passages")


def unfound(questions: Sequence[Question], passages: Sequence[Chunk], documents: Sequence[Document]
            ) -> tuple[list[str], list[str]]:
    """The questions with answers none of which any passage holds (compared as answer recall compares them): misses
    whatever the ranking. First the ids of those whose answers no document holds either, often a typo in the gold set
    (an accent left out); then the ids of those whose answer a document holds, longer than a passage or over two."""
    def holds(texts: Iterable[str]) -> Callable[[Question], bool]:
        corpus = "\n".join(map(normalised, texts))  # no normalised text holds a line break: none matches over two
        return lambda question: any(normalised(a) in corpus for a in question.answers)

    in_passage, in_document = holds(p.text for p in passages), holds(d.text for d in documents)
    missed = [q for q in questions if q.answers and not in_passage(q)]
    return [q.id for q in missed if not in_document(q)], [q.id for q in missed if in_document(q)]


def dataset_documents(path: Path) -> list[Document]:
    """Each line of a `passages.jsonl` as one document whose id is the passage id (a passage whose text is blank
    left out). A line that breaks the format, an id met twice or a file without a passage is a `ConfigError`."""
    docs = []
    seen: dict[str, int] = {}
    for number, row in _rows(path, PASSAGE_FORMAT):
        where = f"{path}, line {number}"
        _keys(row, PASSAGE_KEYS, where, ", ".join(PASSAGE_KEYS))
        doc_id, text, title = _id(row, where, number, seen, "passage"), row.get("text"), row.get("title")
        if not isinstance(text, str):
            raise ConfigError(f"{where}: \"text\" must be a string (got {text!r}): {PASSAGE_FORMAT}")
        if title is not None and not isinstance(title, str):
            raise ConfigError(f"{where}: \"title\" must be a string, or left out (got {title!r})")
        lines, pos = [], 0
        for raw in text.splitlines(keepends=True):
            stripped = raw.strip()
            if stripped:
                lead = len(raw) - len(raw.lstrip())
                lines.append(Line(stripped, pos + lead, pos + lead + len(stripped)))
            pos += len(raw)
        if lines:
            docs.append(Document(doc_id=doc_id, source=path.name, title=title or doc_id, text=text,
                                 sections=[Section(None, lines)]))
    if not seen:
        raise ConfigError(f"{path} holds no passage: {PASSAGE_FORMAT}")
    return docs


def corpus_documents(folder: Path) -> list[Document]:
    """A dataset folder's passages (`passages.jsonl`, one document each), else a corpus folder's documents."""
    passages = folder / "passages.jsonl"
    return dataset_documents(passages) if passages.is_file() else read_corpus(folder).documents


def documents_folder(target: Path, settings: Settings, against: Path | None = None) -> Path:
    """Where the documents a target's questions are asked of come from: `against`, else a dataset folder itself,
    else the corpus folder (a corpus folder, or a dataset folder whose passages are asked translated questions)."""
    return against if against is not None else target if target.is_dir() else settings.corpus_dir


def target_documents(target: Path, settings: Settings, against: Path | None = None) -> list[Document]:
    """The documents a target's questions are asked of (see `rag.evaluation.evaluate`): what its index is built
    from, and what chooses its model under `RAG_MODEL=auto` (`rag.ingestion.stages.corpus_model`)."""
    if against is None and target.is_dir():
        return dataset_documents(target / "passages.jsonl")
    return corpus_documents(documents_folder(target, settings, against))


def check_targets(targets: Sequence[Path], settings: Settings, against: Path | None, limit: int | None) -> list[str]:
    """Read every target's questions and every dataset folder's passages they are asked of, before a model loads:
    a mistake in either is refused at once, not after the sets before it have run. Returns what to tell the user of
    a dataset folder given as `--corpus` or `--against` that holds other files (`unread_beside`)."""
    if against is not None and not against.is_dir():
        raise ConfigError(f"{against} is not a folder (a dataset folder or a corpus folder)")
    folders = []
    for target in targets:
        if not target.exists():
            raise ConfigError(f"{target} does not exist (a dataset folder or a questions .jsonl file)")
        read_questions(questions_file(target), limit, scored=against is None)
        folders.append(documents_folder(target, settings, against))
    notes = []
    for folder in dict.fromkeys(folders):
        if (folder / "passages.jsonl").is_file() or (folder in targets and against is None):
            dataset_documents(folder / "passages.jsonl")
            if folder not in targets and (note := unread_beside(folder)):
                notes.append(note)
    return notes


def unread_beside(folder: Path) -> str | None:
    """What `rag eval` says of a folder read as a dataset (it holds `passages.jsonl`) that holds other files `rag
    ingest` reads (but a dataset's `questions.jsonl`): they are not read, and how to have them read; None if it
    holds none. A folder of documents holding a `passages.jsonl` among them was read as that file alone, silently."""
    paths = list(corpus_files(folder))
    others = [shown_name(path.relative_to(folder).as_posix()) for path, reason in zip(paths, refusals(folder, paths),
                                                                                         strict=True)
              if reason is None and not (path.parent == folder and path.name in _DATASET_FILES)]
    if not others:
        return None
    listed = ", ".join(others[:_SHOWN]) + (f" and {len(others) - _SHOWN:,} more" if len(others) > _SHOWN else "")
    files = f"{len(others):,} other files" if len(others) > 1 else "other file"
    return (f"{folder}: read as a dataset folder, from its passages.jsonl only (one document a line); not read: its "
            f"{files} in a format rag ingest reads ({listed}). To ask the questions of a folder's files as rag ingest "
            "reads them, give a folder without passages.jsonl")


__all__ = ["KEYS", "PASSAGE_KEYS", "Question", "check_gold", "check_targets", "corpus_documents", "dataset_documents",
           "documents_folder", "has_answer", "normalised", "questions_file", "read_questions", "set_name",
           "target_documents", "unfound", "unread_beside"]
