"""TREC runs and qrels (`rag.evaluation.trec`) on hand-made rankings, read back by ir_measures: ties, document level,
the relevance `rag eval` scores, ids a TREC file cannot hold, and output names that would write two runs to one file."""

from __future__ import annotations

import ir_measures
import pytest
from ir_measures import RR, Success, nDCG

from rag.cli import main
from rag.errors import ConfigError
from rag.evaluation import Question, score
from rag.evaluation.trec import TrecFiles, qrels_lines, relevant, run_lines
from rag.passage import Chunk
from rag.schemas import Citation, Hit


def hit(rank: int, passage: str, score: float, text: str = "") -> Hit:
    doc = passage.split("#")[0]
    return Hit(rank=rank, id=passage, text=text, score=score,
               citation=Citation(doc_id=doc, title=doc, source=f"{doc}.txt", section=None, start=0, end=1, label=doc))


def chunk(passage: str, text: str) -> Chunk:
    return Chunk(id=passage, doc_id=passage.split("#")[0], title="t", source="s.txt", section=None, url=None,
                 start=0, end=len(text), text=text)


def measured(questions, results, level, passages=()) -> dict:
    qrels = [ir_measures.Qrel(*line.split(" ")[::2], 1) for line in qrels_lines(questions, list(passages), level)]
    run = [ir_measures.ScoredDoc(q, d, float(s)) for q, _, d, _, s, _ in
           (line.split(" ") for line in run_lines(questions, results, level, "t"))]
    return ir_measures.calc_aggregate([Success @ 1, Success @ 5, Success @ 10, RR @ 10, nDCG @ 10], qrels, run)


def test_tied_scores_keep_rags_order_whatever_the_ids():
    """trec_eval orders tied scores by docid: written as they are, one of these two rankings would be reversed."""
    questions = [Question("q1", "?", gold=frozenset({"a"})), Question("q2", "?", gold=frozenset({"z"}))]
    results = [[hit(1, "z", 0.5), hit(2, "a", 0.5)], [hit(1, "a", 0.5), hit(2, "z", 0.5)]]
    lines = list(run_lines(questions, results, "passage", "rag-hybrid"))
    assert lines[:2] == ["q1 Q0 z 1 0.500000 rag-hybrid", "q1 Q0 a 2 0.499999 rag-hybrid"]
    figures = measured(questions, results, "document")
    assert figures[RR @ 10] == score(questions, results, "hybrid", 0).mrr10 == 0.5


def test_scores_strictly_decrease_down_the_ranking():
    results = [[hit(1, "a", 0.5), hit(2, "b", 0.5), hit(3, "c", 0.7), hit(4, "d", -0.25)]]
    lines = run_lines([Question("q1", "?")], results, "passage", "t")
    assert [line.split()[4] for line in lines] == ["0.500000", "0.499999", "0.499998", "-0.250000"]


def test_document_level_ranks_each_document_at_its_first_passage():
    questions = [Question("q1", "?", gold=frozenset({"b"})), Question("q2", "?", gold=frozenset({"c", "a"}))]
    results = [[hit(1, "a#1", 0.9), hit(2, "a#2", 0.8), hit(3, "b#1", 0.7), hit(4, "b#2", 0.6)],
               [hit(1, "b#1", 0.9), hit(2, "c#1", 0.8)]]
    assert list(run_lines(questions[:1], results[:1], "document", "t")) == [
        "q1 Q0 a 1 0.900000 t", "q1 Q0 b 2 0.700000 t"]
    rag = score(questions, results, "hybrid", 0)
    figures = measured(questions, results, "document")
    assert figures[Success @ 1] == rag.recall[1] == 0
    assert figures[RR @ 10] == pytest.approx(rag.mrr10) == 0.5
    assert round(figures[nDCG @ 10], 4) == rag.ndcg10


def test_relevance_is_what_rag_eval_scores():
    passages = [chunk("a#1", "Un délai de\n5 JOURS."), chunk("a#2", "Autre chose."), chunk("b#1", "l’achat est refusé")]
    gold = Question("q1", "?", answers=("absent",), gold=frozenset({"a", "x"}))
    answers = Question("q2", "?", answers=("délai de 5 jours", "l'achat"))
    assert relevant(gold, passages, "document") == ["a", "x"]  # x, not indexed, still counts in nDCG's ideal
    assert relevant(gold, passages, "passage") == ["a#1", "a#2"]  # every passage of a gold document
    assert relevant(answers, passages, "passage") == ["a#1", "b#1"]  # casefolded, spaces collapsed, ’ as '
    assert relevant(answers, passages, "document") == ["a", "b"]
    assert relevant(Question("q3", "?"), passages, "passage") == []
    assert list(qrels_lines([answers], passages, "passage")) == ["q2 0 a#1 1", "q2 0 b#1 1"]


def test_answer_recall_is_success_at_passage_level():
    texts = {"a#1": "le passeport", "a#2": "rien", "b#1": "la carte de séjour"}
    passages = [chunk(passage, text) for passage, text in texts.items()]
    questions = [Question("q1", "?", answers=("carte de séjour",)), Question("q2", "?", answers=("passeport",))]
    results = [[hit(1, "a#1", 0.9, texts["a#1"]), hit(2, "b#1", 0.8, texts["b#1"])],
               [hit(1, "a#1", 0.9, texts["a#1"]), hit(2, "a#2", 0.5, texts["a#2"])]]
    rag = score(questions, results, "lexical", 0)
    figures = measured(questions, results, "passage", passages)
    assert (figures[Success @ 1], figures[Success @ 5]) == (rag.answer_recall[1], rag.answer_recall[5]) == (0.5, 1)


@pytest.mark.parametrize("bad", ["", "q 1", "q\t1"])
def test_ids_with_white_space_are_refused(bad):
    with pytest.raises(ConfigError, match="white space"):
        list(run_lines([Question(bad, "?")], [[hit(1, "a", 1.0)]], "passage", "t"))
    with pytest.raises(ConfigError, match="white space"):
        list(run_lines([Question("q1", "?")], [[hit(1, bad or "#", 1.0).model_copy(update={"id": bad})]],
                       "passage", "t"))


@pytest.mark.parametrize(("run", "qrels", "tag", "sets", "modes", "message"), [
    ("run.trec", None, "rag-{mode}", ["a", "b"], ["hybrid"], r"2 sets .* e\.g\. run\.\{set\}\.trec"),
    ("run.{set}.trec", None, "rag-{mode}", ["a", "b"], ["hybrid", "dense"], "2 modes make one run each"),
    (None, "qrels.txt", "rag-{mode}", ["a", "b"], ["hybrid"], "2 sets make one file each"),
    (None, "qrels.{mode}.txt", "rag-{mode}", ["a"], ["hybrid"], r"unknown placeholder\(s\) \['mode'\]"),
    ("run.{model}.trec", None, "rag-{mode}", ["a"], ["hybrid"], r"unknown placeholder\(s\) \['model'\]"),
    ("runs/{set}.{mode}", None, "rag-{mode}", ["dev", "dev"], ["hybrid"], "two sets are named 'dev'"),
    ("run.trec", None, "rag {mode}", ["a"], ["hybrid"], "--run-tag 'rag hybrid' is empty or holds white space"),
    ("run.trec", None, "{set}-{mode}", ["my set"], ["hybrid"], "'my set-hybrid'"),
])
def test_file_names_that_would_clash_are_refused(run, qrels, tag, sets, modes, message):
    with pytest.raises(ConfigError, match=message):
        TrecFiles(run, qrels, tag=tag).check(sets, modes)


def test_names_with_placeholders_pass():
    TrecFiles("runs/{set}.{mode}.trec", "qrels/{set}.txt", tag="{set}-{mode}").check(["a", "b"], ["hybrid", "dense"])
    TrecFiles("run.trec", "qrels.txt").check(["a"], ["hybrid"])


def test_rag_eval_refuses_a_clash_before_loading_the_model(tmp_path, capsys):
    sets = [tmp_path / "a.jsonl", tmp_path / "b.jsonl"]
    for path in sets:
        path.write_text('{"id": "q1", "question": "?", "answers": ["x"]}\n', encoding="utf-8")
    assert main(["eval", *map(str, sets), "--modes", "lexical", "--run-out", str(tmp_path / "run.trec")]) == 6
    assert "put {set} in the name" in capsys.readouterr().err
    with pytest.raises(SystemExit, match="2"):  # argparse's own refusal
        main(["eval", str(sets[0]), "--level", "sentence"])
