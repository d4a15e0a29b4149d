"""What `rag eval` reads, checked before a model loads: a dataset folder's passages, other tools' keys, passage ids
given as gold, answers no passage holds, and the files it writes."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from rag.cli import main
from rag.errors import ConfigError, ModelError
from rag.evaluation import warning
from rag.evaluation.inputs import Question, check_gold, dataset_documents, read_questions, unfound
from rag.evaluation.trec import TrecFiles

QUESTION = '{"id": "q1", "question": "retours sous combien de jours ?", "passage_ids": ["d1"]}\n'
RETURNS = '{"id": "d1", "title": "Retours", "text": "Les retours sont acceptés sous 14 jours."}'


def dataset(folder: Path, *passages: str) -> Path:
    folder.mkdir()
    (folder / "passages.jsonl").write_text("".join(p + "\n" for p in passages), encoding="utf-8")
    (folder / "questions.jsonl").write_text(QUESTION, encoding="utf-8")
    return folder


@pytest.mark.parametrize(("passages", "said"), [
    (['{"id": "d1", "title": "Retours", "contents": "Les retours."}'],
     "line 1: unknown key 'contents', did you mean 'text'? The keys rag eval reads are id, title, text"),
    (['{"title": "Retours", "text": "Les retours."}'], 'line 1: "id" must be a non-empty string or an integer'),
    (['{"id": true, "text": "Les retours."}'], 'line 1: "id" must be a non-empty string or an integer (got True)'),
    ([RETURNS, '{"id": "d1", "title": "Livraison", "text": "Trois jours."}'],
     "line 2: id 'd1' is already the id of line 1: each passage needs its own id"),
    (['{"id": 1, "text": "Un."}', '{"id": "1", "text": "Deux."}'], "line 2: id '1' is already the id of line 1"),
    (['{"id": "d1", "title": "Retours", "text": "Les retours."'], "line 1: not JSON (Expecting ',' delimiter, "
                                                                  "column 56): one JSON object a line"),
    (['{"id": "d1", "text": ["Les retours."]}'], "line 1: \"text\" must be a string (got ['Les retours.'])"),
    (['{"id": "d1"}'], 'line 1: "text" must be a string (got None)'),
    (['{"id": "d1", "title": 3, "text": "Les retours."}'], 'line 1: "title" must be a string, or left out (got 3)'),
    (['{"_id": "d1", "title": "Retours", "text": "Les retours."}'], "line 1: unknown key '_id', did you mean 'id'?"),
    (['["d1", "Les retours."]'], "line 1: a JSON list, not an object"),
])
def test_a_passages_file_that_breaks_the_format_is_refused_naming_its_line(tmp_path, capsys, passages, said):
    """As a questions file is: exit 6 before a model loads (these were tracebacks, or a duplicate taken silently)."""
    folder = dataset(tmp_path / "set", *passages)
    with pytest.raises(ConfigError) as refused:
        dataset_documents(folder / "passages.jsonl")
    assert f"{folder / 'passages.jsonl'}, {said}" in str(refused.value)
    assert main(["eval", str(folder), "--modes", "lexical"]) == 6
    assert said in capsys.readouterr().err


def test_a_passages_file_s_own_keys_and_integer_ids_are_read(tmp_path):
    folder = dataset(tmp_path / "set", '{"id": 7, "text": "Sept.", "url": "https://x", "question": "sept ?"}',
                     '{"id": "d0", "title": null, "text": "  \\n "}', RETURNS)  # a blank text: left out
    assert [(d.doc_id, d.title) for d in dataset_documents(folder / "passages.jsonl")] == [("7", "7"),
                                                                                           ("d1", "Retours")]
    (folder / "passages.jsonl").write_text("\n\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="holds no passage"):
        dataset_documents(folder / "passages.jsonl")


def test_a_dataset_folder_is_read_whole_before_a_model_loads(tmp_path, capsys, monkeypatch):
    """The second set's passages are refused before the first set runs (and its model loads), as `--corpus`'s and
    `--against`'s are."""
    monkeypatch.setattr("rag.embedding.load.load_embedder", pytest.fail)
    good, bad = dataset(tmp_path / "good", RETURNS), dataset(tmp_path / "bad", '{"id": "d1", "body": "x"}')
    assert main(["eval", str(good), str(bad)]) == 6
    assert "bad/passages.jsonl, line 1: unknown key 'body', did you mean 'text'?" in capsys.readouterr().err
    questions = tmp_path / "q.jsonl"
    questions.write_text(QUESTION, encoding="utf-8")
    assert main(["eval", str(questions), "--corpus", str(bad)]) == 6
    assert main(["eval", str(good), "--against", str(bad)]) == 6
    (tmp_path / "no_passages").mkdir()
    (tmp_path / "no_passages" / "questions.jsonl").write_text(QUESTION, encoding="utf-8")
    assert main(["eval", str(tmp_path / "no_passages")]) == 6
    said = "passages.jsonl does not exist: a dataset folder holds questions.jsonl and passages.jsonl"
    assert said in capsys.readouterr().err


@pytest.mark.parametrize(("key", "meant"), [
    ("query", "question"), ("text", "question"), ("q", "question"), ("gold", "answers"), ("answer", "answers"),
    ("ground_truths", "answers"), ("doc_ids", "passage_ids"), ("relevant_ids", "passage_ids"),
])
def test_another_tool_s_key_is_named_with_the_key_meant_when_the_line_lacks_it(tmp_path, key, meant):
    """Not carried unread, then refused for a missing question or gold ("got None", "neither answers nor ...")."""
    row = {"id": "q1", "question": "retours ?", "answers": ["x"], "passage_ids": ["d"]}
    del row[meant]
    path = tmp_path / "questions.jsonl"
    path.write_text(json.dumps({**row, key: ["x"] if meant != "question" else "retours ?"}) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=f"line 1: unknown key '{key}', did you mean '{meant}'\\?"):
        read_questions(path)
    path.write_text(json.dumps({**row, meant: ["y"] if meant != "question" else "r ?", key: ["x"]}) + "\n",
                    encoding="utf-8")  # beside the key meant: a set's own, carried unread
    assert read_questions(path)


def test_a_passage_id_given_as_gold_is_named_with_its_document():
    """As `/v1/search` returns them: the figures count documents, so the document's id is the one to write."""
    index = SimpleNamespace(documents={"faq": None}, passages=[SimpleNamespace(id="faq-6afa3435e2", doc_id="faq")])
    questions = [Question("q1", "?", gold=frozenset({"faq-6afa3435e2"})), Question("q2", "?", gold=frozenset({"x"}))]
    with pytest.raises(ConfigError) as refused:
        check_gold(questions, index, Path("q.jsonl"))  # type: ignore[arg-type]
    assert ("2 question(s) name documents the corpus does not hold (q1: faq-6afa3435e2, a passage of document faq; "
            "q2: x): passage_ids are document ids") in str(refused.value)


def test_answers_no_passage_holds_are_named_compactly():
    passages = [SimpleNamespace(text="La carte de  séjour\nest acceptée."), SimpleNamespace(text="Du lundi au samedi.")]
    documents = [SimpleNamespace(text="La carte de  séjour\nest acceptée.\n\nDu lundi au samedi.")]
    questions = [Question("q1", "?", answers=("carte de sejour",)), Question("q2", "?", answers=("LUNDI au",)),
                 Question("q3", "?", answers=("nulle part", "Carte de séjour est")),  # one of its answers is enough
                 Question("q4", "?", gold=frozenset({"d"})),  # no answer: passage ids only
                 Question("q5", "?", answers=("acceptée. Du lundi",))]  # over two passages: in neither
    assert unfound(questions, passages, documents) == (["q1"], ["q5"])  # type: ignore[arg-type]
    many = [Question(f"q{i}", "?", answers=("absent",)) for i in range(40)]
    nowhere, _ = unfound(many, passages, documents)  # type: ignore[arg-type]
    said = warning({"target": "set", "questions": 41, "answers_not_in_corpus": nowhere,
                    "answers_across_passages": ["q5"]})
    assert said is not None and said.startswith("warning: set: 40 of 41 questions have answers that no document of "
                                                "the corpus holds (q0, q1, q2, q3, q4, ...)")
    assert "q5" not in said.splitlines()[0] and said.splitlines()[1].startswith(
        "warning: set: 1 of 41 questions have answers that only a whole document holds, longer than a passage or "
        "over two (q5)")
    assert warning({"target": "set", "questions": 1, "answers_not_in_corpus": []}) is None


@pytest.mark.parametrize("limit", ["-1", "0", "two", "1.5"])
def test_a_limit_below_one_is_a_usage_error(tmp_path, capsys, limit):
    """`--limit -1` dropped the last question (a slice), `--limit 0` scored them all."""
    with pytest.raises(SystemExit) as stopped:
        main(["eval", str(tmp_path), "--limit", limit])
    assert stopped.value.code == 2
    assert f"argument --limit: {limit!r} is not a whole number of at least 1" in capsys.readouterr().err


@pytest.mark.parametrize(("options", "said"), [
    (["--qrels-out", "{d}/x.txt", "--run-out", "{d}/x.txt"], "--qrels-out and --run-out both name"),
    (["-o", "{d}/x.json", "--run-out", "{d}/sub/../x.json"], "--run-out and -o both name"),
    (["-o", "{d}/q.qrels", "--qrels-out", "{d}/{{set}}.qrels"], "--qrels-out and -o both name"),
    (["-o", "{d}"], "-o {d} is a folder: it takes a file name"),
])
def test_two_outputs_naming_one_file_are_refused_before_the_run(tmp_path, capsys, monkeypatch, options, said):
    monkeypatch.setattr("rag.embedding.load.load_embedder", pytest.fail)
    questions = tmp_path / "q.jsonl"
    questions.write_text(QUESTION.replace('"passage_ids": ["d1"]', '"answers": ["x"]'), encoding="utf-8")
    given = [option.format(d=tmp_path) for option in options]
    assert main(["eval", str(questions), "--modes", "lexical", "--corpus", str(tmp_path), *given]) == 6
    assert said.format(d=tmp_path) in capsys.readouterr().err


def test_the_folders_of_the_outputs_are_made_before_the_run(tmp_path):
    """`-o new/out.json` failed once the run was over (FileNotFoundError), its figures lost."""
    TrecFiles(str(tmp_path / "runs" / "{set}.trec"), None).check(["a", "b"], ["lexical"],
                                                                 output=tmp_path / "new" / "deeper" / "out.json")
    assert (tmp_path / "new" / "deeper").is_dir() and (tmp_path / "runs").is_dir()
    (tmp_path / "file").write_text("", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"-o .*file/out\.json: cannot make its folder"):
        TrecFiles(None, None).check(["a"], ["lexical"], output=tmp_path / "file" / "out.json")


def test_a_corpus_folder_read_as_a_dataset_says_which_of_its_files_it_does_not_read(tmp_path, capsys, monkeypatch):
    """`--corpus DIR` read only DIR/passages.jsonl, silently, when DIR held documents beside it."""
    def no_model(*_):
        raise ModelError("no model loaded here")  # the note is said before a model loads

    monkeypatch.setattr("rag.embedding.load.load_embedder", no_model)
    folder = dataset(tmp_path / "docs", RETURNS)
    for name in ("retours.md", "guides/livraison.txt", "guides/tarifs.pdf"):
        (folder / name).parent.mkdir(exist_ok=True)
        (folder / name).write_text("Sous 14 jours.\n", encoding="utf-8")
    (folder / "logo.png").write_bytes(b"\x89PNG")  # a format rag does not read: not named
    (folder / "guides" / "questions.jsonl").write_text(QUESTION, encoding="utf-8")  # a dataset's only at the top
    questions = tmp_path / "q.jsonl"
    questions.write_text(QUESTION, encoding="utf-8")
    assert main(["eval", str(questions), "--corpus", str(folder)]) == 5
    assert (f"{folder}: read as a dataset folder, from its passages.jsonl only (one document a line); not read: its 4 "
            "other files in a format rag ingest reads (guides/livraison.txt, guides/questions.jsonl, "
            "guides/tarifs.pdf, retours.md). To ask the questions of a folder's files as rag ingest reads them, give "
            "a folder without passages.jsonl") in capsys.readouterr().err
    (folder / "guides" / "questions.jsonl").unlink()
    for name in ("retours.md", "guides/livraison.txt"):
        (folder / name).unlink()
    assert main(["eval", str(questions), "--corpus", str(folder)]) == 5
    assert "not read: its other file in a format rag ingest reads (guides/tarifs.pdf)." in capsys.readouterr().err
    assert main(["eval", str(folder)]) == 5  # a dataset folder named as such: read as one, said nothing of
    assert "read as a dataset folder" not in capsys.readouterr().err
