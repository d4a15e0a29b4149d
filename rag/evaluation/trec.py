"""TREC run and qrels files of `rag eval`, for trec_eval, ir_measures, ranx or pytrec_eval.

A run line is `qid Q0 docid rank score tag`, a qrels line `qid 0 docid 1` (only relevant ids are listed). `level`
says what a docid is: a passage id, as the API returns it (`passage`), or a document id, each document at the rank
of its first passage, as `rag eval` counts passage recall (`document`).

Relevance is the one `rag eval` scores, so that a tool reading the files computes its figures:

- a question with `passage_ids`: the documents they name (at passage level, every passage of those documents);
- a question with only `answers`: the passages holding one of them, compared as answer recall compares them (at
  document level, the documents of those passages).

The files are checked before anything runs (`TrecFiles.check`): two options naming one file (`--run-out` and
`--qrels-out`, or `-o`), or a file whose folder cannot be written, would lose a run computed for minutes.

The score column is the hit's score, lowered by a millionth where needed so that it strictly decreases down the
ranking: the tools order a run by score and break ties by docid, which would reorder rag's ties.
"""

from __future__ import annotations

import os
import string
from collections.abc import Iterator, Sequence
from pathlib import Path

from rag.errors import ConfigError
from rag.evaluation.inputs import Question, normalised
from rag.evaluation.scoring import document_hits
from rag.index.store import Index
from rag.passage import Chunk
from rag.schemas import Hit

LEVELS = ("passage", "document")
DEFAULT_TAG = "rag-{mode}"


def _token(kind: str, value: str) -> str:
    if not value or any(c.isspace() for c in value):
        raise ConfigError(f"{kind} {value!r} is empty or holds white space: a TREC file needs ids without any")
    return value


def relevant(question: Question, passages: Sequence[Chunk], level: str, texts: Sequence[str] | None = None
             ) -> list[str]:
    """The ids relevant to a question at `level`, among the index's `passages` (gold documents count even when the
    index lacks them, as they count in nDCG's ideal ranking). `texts`: the passages' `normalised` texts, if known."""
    if question.gold:
        if level == "document":
            return sorted(question.gold)
        return [p.id for p in passages if p.doc_id in question.gold]
    if not question.answers:
        return []
    texts = texts if texts is not None else [normalised(p.text) for p in passages]
    answers = [normalised(a) for a in question.answers]  # has_answer's test, the passages normalised once
    found = [p for p, text in zip(passages, texts, strict=True) if any(a in text for a in answers)]
    return [p.id for p in found] if level == "passage" else list(dict.fromkeys(p.doc_id for p in found))


def qrels_lines(questions: Sequence[Question], passages: Sequence[Chunk], level: str) -> Iterator[str]:
    texts = [normalised(p.text) for p in passages]
    for question in questions:
        qid = _token("question id", question.id)
        for docid in relevant(question, passages, level, texts):
            yield f"{qid} 0 {_token('id', docid)} 1"


def _decreasing(scores: Sequence[float]) -> list[str]:
    """Scores to six decimals, each below the one before."""
    out: list[str] = []
    last: int | None = None
    for value in scores:
        micro = round(value * 1_000_000)
        if last is not None and micro >= last:
            micro = last - 1
        out.append(f"{micro / 1_000_000:.6f}")
        last = micro
    return out


def run_lines(questions: Sequence[Question], results: Sequence[Sequence[Hit]], level: str,
              tag: str) -> Iterator[str]:
    """A question that got no hit has no line: the tools then leave it out of their means (rag eval counts a miss)."""
    for question, hits in zip(questions, results, strict=True):
        qid = _token("question id", question.id)
        ranked = document_hits(hits) if level == "document" else list(hits)
        ids = [hit.citation.doc_id if level == "document" else hit.id for hit in ranked]
        for rank, (docid, score) in enumerate(zip(ids, _decreasing([h.score for h in ranked]), strict=True), 1):
            yield f"{qid} Q0 {_token('id', docid)} {rank} {score} {tag}"


def _fields(template: str, allowed: set[str], option: str) -> set[str]:
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as exc:
        raise ConfigError(f"{option} {template!r}: {exc}") from None
    if names - allowed:
        raise ConfigError(f"{option} {template!r}: unknown placeholder(s) {sorted(names - allowed)}; "
                          f"it takes {' and '.join('{' + a + '}' for a in sorted(allowed))}")
    return names


class TrecFiles:
    """Where `rag eval` writes its rankings (`run`) and relevance judgments (`qrels`): one run file per set and mode,
    one qrels file per set, named by templates in which `{set}` and `{mode}` stand for the set's name
    (`inputs.set_name`) and the mode. A template without `{set}` (or `{mode}`) is refused when there are several
    sets (modes): each file holds one run of one set."""

    def __init__(self, run: str | None, qrels: str | None, level: str = "document", tag: str = DEFAULT_TAG) -> None:
        if level not in LEVELS:
            raise ConfigError(f"level {level!r}: one of {', '.join(LEVELS)}")
        self.run, self.qrels, self.level, self.tag = run, qrels, level, tag
        self.written: dict[Path, str] = {}  # each file written, and what it holds

    def files(self, sets: Sequence[str], modes: Sequence[str]) -> list[tuple[str, Path]]:
        """Each file the sets' runs write, with the option naming it."""
        qrels = [] if self.qrels is None else [("--qrels-out", Path(self.qrels.format(set=s))) for s in sets]
        run = [] if self.run is None else [("--run-out", Path(self.run.format(set=s, mode=m))) for s in sets
                                           for m in modes]
        return qrels + run

    def check(self, sets: Sequence[str], modes: Sequence[str], output: Path | None = None) -> None:
        """Refuse, before anything is computed, templates that would write two runs to one file, bad tags, a file
        that another option names too (`output`: `rag eval -o`'s), and one that could not be written (its folder is
        made here)."""
        names = [("--run-out", self.run, {"set", "mode"}), ("--qrels-out", self.qrels, {"set"})]
        for option, template, allowed in names:
            if template is None:
                continue
            fields = _fields(template, allowed, option)
            if len(sets) > 1 and "set" not in fields:
                raise ConfigError(f"{option} {template!r}: {len(sets)} sets make one file each; put {{set}} in the "
                                  f"name, e.g. {_example(template, '{set}')}")
            if "mode" in allowed and len(modes) > 1 and "mode" not in fields:
                raise ConfigError(f"{option} {template!r}: {len(modes)} modes make one run each; put {{mode}} in "
                                  f"the name, e.g. {_example(template, '{mode}')}")
        doubles = sorted({s for s in sets if sets.count(s) > 1})
        if doubles and (self.run or self.qrels):
            raise ConfigError(f"two sets are named {doubles[0]!r}: their files would overwrite each other")
        _fields(self.tag, {"set", "mode"}, "--run-tag")
        for name in sets:
            for mode in modes:
                _token("--run-tag", self.tag.format(set=name, mode=mode))
        options: dict[Path, str] = {}
        for option, path in [*self.files(sets, modes), *([("-o", output)] if output is not None else [])]:
            named = options.setdefault(path.resolve(), option)
            if named != option:
                raise ConfigError(f"{named} and {option} both name {path}: one would overwrite the other; give each "
                                  "its own file")
            _writable(path, option)

    def keep(self, name: str, index: Index, questions: Sequence[Question], mode: str,
             results: Sequence[Sequence[Hit]]) -> None:
        """Write one mode's run of set `name` and, at its first mode, the set's qrels (`scoring.Keep`)."""
        if self.qrels is not None:
            path = Path(self.qrels.format(set=name))
            if path not in self.written:
                lines = list(qrels_lines(questions, index.passages, self.level))
                judged = len({line.split(" ", 1)[0] for line in lines})
                self._write(path, lines, f"qrels of {name}, {self.level} level: {len(lines)} relevant ids for "
                                         f"{judged} of {len(questions)} questions")
        if self.run is not None:
            tag = self.tag.format(set=name, mode=mode)
            lines = list(run_lines(questions, results, self.level, tag))
            ranked = sum(bool(hits) for hits in results)
            self._write(Path(self.run.format(set=name, mode=mode)), lines,
                        f"run {tag} of {name}, {self.level} level: {ranked} of {len(questions)} questions ranked")

    def _write(self, path: Path, lines: list[str], what: str) -> None:
        write_file(path, "".join(f"{line}\n" for line in lines))
        self.written[path] = what


def write_file(path: Path, text: str) -> None:
    """Write a file of `rag eval` (a run, qrels, `-o`'s figures), making its folder."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror or exc}") from exc


def _writable(path: Path, option: str) -> None:
    """Refuse a file that could not be written: a folder, or in a folder that cannot be made or written."""
    if path.is_dir():
        raise ConfigError(f"{option} {path} is a folder: it takes a file name")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"{option} {path}: cannot make its folder ({exc.strerror or exc})") from exc
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise ConfigError(f"{option} {path}: not writable")


def _example(template: str, field: str) -> str:
    path = Path(template)
    return str(path.with_name(f"{path.stem}.{field}{path.suffix}"))


__all__ = ["DEFAULT_TAG", "LEVELS", "TrecFiles", "qrels_lines", "relevant", "run_lines", "write_file"]
