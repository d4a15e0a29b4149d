"""`rag eval --run-out --qrels-out` on real rankings (the bundled model, the seed corpus): ir_measures reads the
files back and computes the figures `rag eval` prints, on a set scored by gold documents of several passages each
(document level). The passage level, on the dev set scored by its answers, is docs/EVALUATION.md's example, checked
by test_docs_examples.py."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ir_measures
import pytest
from ir_measures import RR, Success, nDCG

from rag.cli import main
from rag.evaluation import has_answer, read_questions
from tests.helpers.paths import DEVSET

MODES = "hybrid,lexical"  # dense would add time, not cases: the files do not depend on the mode


@pytest.fixture
def rag_eval(settings, embedder, monkeypatch, tmp_path, capsys) -> Callable[..., list[dict[str, Any]]]:
    """`rag eval ARGS` over the session's corpus and model; the figures it wrote with `-o`."""
    monkeypatch.setattr("rag.embedding.load.load_embedder", lambda *a, **k: embedder)  # no second model load

    def run(*argv: str) -> list[dict[str, Any]]:
        figures = tmp_path / "figures.json"
        assert main(["eval", *argv, "--corpus", str(settings.corpus_dir), "-o", str(figures)]) == 0
        assert "wrote " in capsys.readouterr().out
        return json.loads(figures.read_text(encoding="utf-8"))

    return run


def measured(qrels: Path, run: Path, measures: list[Any]) -> dict[Any, float]:
    return ir_measures.calc_aggregate(measures, list(ir_measures.read_trec_qrels(str(qrels))),
                                      list(ir_measures.read_trec_run(str(run))))


@pytest.fixture
def grouped(index, tmp_path) -> Path:
    """A dataset folder of the seed corpus's passages put three by three into documents, too long to stay one
    passage each, with the dev set's questions and, as gold, the documents that hold their answers."""
    groups = [index.passages[i:i + 3] for i in range(0, len(index.passages), 3)]
    documents = [{"id": f"g{n}", "title": group[0].title,
                  "text": "\n".join(f"{p.section or p.title}\n{p.text}" for p in group)}
                 for n, group in enumerate(groups)]
    questions = [{"id": q.id, "question": q.question, "answers": list(q.answers),
                  "passage_ids": [d["id"] for d in documents if has_answer(d["text"], q.answers)]}
                 for q in read_questions(DEVSET)]
    assert all(q["passage_ids"] for q in questions)
    folder = tmp_path / "grouped"
    folder.mkdir()
    for name, rows in (("passages", documents), ("questions", questions)):
        (folder / f"{name}.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                              encoding="utf-8")
    return folder


def test_passage_recall_and_mrr_are_success_and_rr_of_the_document_level_files(rag_eval, grouped, tmp_path):
    (report,) = rag_eval(str(grouped), "--modes", MODES, "--run-out", str(tmp_path / "{mode}.trec"),
                         "--qrels-out", str(tmp_path / "qrels"), "--run-tag", "{set}-{mode}")
    assert report["passages"] > report["documents"]  # documents of several passages: ranked at their first
    for row in report["scores"]:
        run = tmp_path / f"{row['mode']}.trec"
        lines = [line.split() for line in run.read_text(encoding="utf-8").splitlines()]
        assert {line[5] for line in lines} == {f"grouped-{row['mode']}"}
        assert len({(line[0], line[2]) for line in lines}) == len(lines)  # each document once per question
        figures = measured(tmp_path / "qrels", run, [Success @ 1, Success @ 5, Success @ 10, RR @ 10, nDCG @ 10])
        rag = {Success @ 1: "recall@1", Success @ 5: "recall@5", Success @ 10: "recall@10", RR @ 10: "mrr@10",
               nDCG @ 10: "ndcg@10"}
        for measure, name in rag.items():
            assert figures[measure] == pytest.approx(row[name], abs=1e-4), (row["mode"], name)
    assert 0 < report["scores"][0]["recall@1"] < 1  # figures that could have differed
