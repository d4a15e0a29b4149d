"""Evaluating a dataset folder with the real model: the library call and `rag eval`."""

import json

import pytest

from rag.cli import main
from rag.evaluation import evaluate, table


@pytest.fixture
def dataset(tmp_path):
    folder = tmp_path / "mini"
    folder.mkdir()
    passages = [{"id": "p1", "title": "Remboursement", "text": "Le remboursement est effectué sous cinq jours."},
                {"id": "p2", "title": "Identité", "text": "Nous acceptons la carte de séjour et le passeport."},
                {"id": "p3", "title": "Livraison", "text": "La livraison prend trois jours ouvrés."}]
    questions = [{"id": "q1", "question": "Combien de temps pour être remboursé ?", "answers": ["cinq jours"],
                  "passage_ids": ["p1"]},
                 {"id": "q2", "question": "carte de sejour acceptee ?", "answers": ["carte de séjour"],
                  "passage_ids": ["p2"]}]
    (folder / "passages.jsonl").write_text("\n".join(json.dumps(p) for p in passages), encoding="utf-8")
    (folder / "questions.jsonl").write_text("\n".join(json.dumps(q) for q in questions), encoding="utf-8")
    return folder


def test_evaluate_a_dataset_folder_in_every_mode(dataset, settings, embedder):
    report = evaluate(dataset, settings, embedder, ["hybrid", "dense", "lexical"])
    assert (report["target"], report["documents"], report["questions"]) == ("mini", 3, 2)
    assert [s["mode"] for s in report["scores"]] == ["hybrid", "dense", "lexical"]
    by_mode = {s["mode"]: s for s in report["scores"]}
    assert by_mode["lexical"]["recall@1"] == by_mode["hybrid"]["recall@1"] == 1.0
    assert by_mode["hybrid"]["answer_recall@1"] == 1.0
    assert all(s["ms_per_query"] > 0 for s in report["scores"])
    assert "answer_recall@5" in table(report) and "mini: 2 questions, 3 documents" in table(report)


def test_rag_eval_prints_a_table_and_writes_json(dataset, tmp_path, capsys):
    out = tmp_path / "new" / "figures.json"  # its folder made, as --run-out's is (it failed after the run)
    assert main(["eval", str(dataset), "--modes", "lexical", "--limit", "1", "--unaccented", "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "mini (questions without accents): 1 questions" in printed
    (report,) = json.loads(out.read_text(encoding="utf-8"))
    assert report["questions"] == 1 and report["scores"][0]["mode"] == "lexical"
    assert report["scores"][0]["recall@1"] == 1.0


def test_rag_eval_refuses_gold_ids_the_corpus_does_not_hold(dataset, capsys):
    """They would score 0 unseen (a typo, or the ids of another corpus's passages)."""
    path = dataset / "questions.jsonl"
    path.write_text(path.read_text(encoding="utf-8") + '\n{"id": "q3", "question": "livraison ?", '
                    '"passage_ids": ["p3", "nope-doc"]}\n', encoding="utf-8")
    assert main(["eval", str(dataset), "--modes", "lexical"]) == 6
    err = capsys.readouterr().err
    assert "1 question(s) name documents the corpus does not hold (q3: nope-doc)" in err
    # asked of another corpus, the gold ids are not its own: nothing to check there
    assert main(["eval", str(dataset), "--modes", "lexical", "--against", str(dataset)]) == 0


def test_rag_eval_warns_of_answers_no_passage_holds(dataset, tmp_path, capsys):
    """A typo in a gold answer ("sejour" for "séjour") is a miss whatever the ranking: said after the table (once: it
    was printed on stderr too, twice in a terminal) and in the JSON, not scored silently."""
    path = dataset / "questions.jsonl"
    path.write_text(path.read_text(encoding="utf-8") + '\n{"id": "q3", "question": "pièce d’identité ?", '
                    '"answers": ["carte de sejour"]}\n', encoding="utf-8")
    out = tmp_path / "figures.json"
    assert main(["eval", str(dataset), "--modes", "lexical", "-o", str(out)]) == 0
    printed = capsys.readouterr()
    said = "warning: mini: 1 of 3 questions have answers that no document of the corpus holds (q3)"
    assert printed.out.count(said) == 1 and said not in printed.err
    assert printed.out.index(said) > printed.out.index("lexical")  # below the table
    (report,) = json.loads(out.read_text(encoding="utf-8"))
    assert report["answers_not_in_corpus"] == ["q3"] and report["answers_across_passages"] == []
    assert main(["eval", str(dataset), "--modes", "lexical", "--limit", "2"]) == 0
    assert "warning" not in capsys.readouterr().out
