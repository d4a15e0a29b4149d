"""`rag eval`: the metrics on hand-made rankings, then a real run over a small dataset folder."""

import json
import math
from pathlib import Path

import pytest

from rag.cli import main
from rag.errors import ConfigError
from rag.evaluation import Question, corpus_documents, read_questions, score, strip_accents
from rag.schemas import Citation, Hit

ROOT = Path(__file__).resolve().parents[2]


def hits(*docs_and_texts: tuple[str, str]) -> list[Hit]:
    return [Hit(rank=i, id=f"{doc}-{i}", text=text, score=1.0 / i,
                citation=Citation(doc_id=doc, title=doc, source=f"{doc}.txt", section=None, start=0, end=len(text),
                                  label=doc))
            for i, (doc, text) in enumerate(docs_and_texts, start=1)]


def test_passage_metrics_count_documents_at_their_first_passage():
    questions = [Question("q1", "?", gold=frozenset({"b"})), Question("q2", "?", gold=frozenset({"z"})),
                 Question("q3", "?", gold=frozenset({"a", "c"}))]
    results = [hits(("a", ""), ("a", ""), ("b", "")),  # b is the 2nd document (a's second passage does not count)
               hits(*[(f"d{i}", "") for i in range(12)]),  # z is nowhere
               hits(("a", ""), ("b", ""), ("c", ""))]  # two relevant documents, at 1 and 3
    out = score(questions, results, "hybrid", seconds=0.3)
    assert out.recall == {1: round(1 / 3, 4), 5: round(2 / 3, 4), 10: round(2 / 3, 4)}
    assert out.mrr10 == round((1 / 2 + 0 + 1) / 3, 4)
    ideal_two = 1 + 1 / math.log2(3)
    assert out.ndcg10 == round((1 / math.log2(3) + 0 + (1 + 1 / math.log2(4)) / ideal_two) / 3, 4)
    assert out.answer_recall == {}  # no question has answers
    assert out.ms_per_query == 100.0


def test_answer_recall_normalises_whitespace_case_and_apostrophes():
    questions = [Question("q1", "?", answers=("Délai de  5 jours",)),
                 Question("q2", "?", answers=("l'achat", "introuvable")),
                 Question("q3", "?", answers=("absent",))]
    results = [hits(("a", "un délai de\n5 JOURS"), ("b", "")),
               hits(("a", "rien"), ("b", "rien"), ("c", "l’achat est refusé")),
               hits(("a", "rien"))]
    out = score(questions, results, "lexical", seconds=0.0)
    assert out.answer_recall == {1: round(1 / 3, 4), 5: round(2 / 3, 4)}
    assert out.recall == {} and out.mrr10 is None  # no gold passages: passage metrics are not invented


def test_strip_accents():
    assert strip_accents("carte de séjour acceptée, désabonnement") == "carte de sejour acceptee, desabonnement"


def test_rag_eval_names_a_missing_target(tmp_path, capsys):
    assert main(["eval", str(tmp_path / "nowhere")]) == 6
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.parametrize(("line", "said"), [
    ('{"question": "retours ?"}', '"id" must be a non-empty string or an integer (got None)'),
    ('{"id": "q1", "question": 5}', '"question" must be a non-empty string (got 5)'),
    ('{"id": "q1", "question": "  "}', '"question" must be a non-empty string'),
    ('{"id": "q1", "question": "retours ?", "answers": "trente jours"}',
     '"answers" must be a list of non-empty strings, or left out (got \'trente jours\')'),
    ('{"id": "q1", "question": "retours ?", "passage_ids": [3]}', '"passage_ids" must be a list of'),
    ('{"id": "q1", "question": "retours ?", "answers": []}', 'neither "answers" nor "passage_ids"'),  # [] is none
    ('{"id": "q1", "question": "retours ?"}', 'neither "answers" nor "passage_ids": a question needs one of them'),
    ('{"id": "q1", "question": "retours ?", "pasage_ids": ["d"]}',
     "unknown key 'pasage_ids', did you mean 'passage_ids'? The keys rag eval reads are id, question, answers, "
     "passage_ids, context (others are carried unread)"),  # context too: a follow-up's earlier messages
    ("[1, 2]", "a JSON list, not an object"),
    ("retours ?", "not JSON (Expecting value, column 1)"),
    ('{"id": "q0", "question": "retours ?", "answers": ["x"]}', "id 'q0' is already the id of line 1"),
])
def test_a_questions_file_that_breaks_the_format_is_refused_naming_its_line(tmp_path, capsys, line, said):
    path = tmp_path / "questions.jsonl"
    path.write_text('{"id": "q0", "question": "délai de remboursement", "answers": ["dix jours"]}\n\n' + line + "\n",
                    encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        read_questions(path)
    assert f"{path}, line 3: " in str(refused.value) and said in str(refused.value)
    assert main(["eval", str(path), "--corpus", str(tmp_path)]) == 6  # no traceback: the CLI's own refusal
    assert said in capsys.readouterr().err


def test_a_questions_file_without_a_question_is_refused(tmp_path, capsys):
    path = tmp_path / "questions.jsonl"
    path.write_text("\n \n", encoding="utf-8")
    assert main(["eval", str(path), "--corpus", str(tmp_path)]) == 6  # not a table of "0 questions"
    assert f"{path} holds no question: one JSON object a line" in capsys.readouterr().err


def test_questions_without_answers_are_read_when_asked_of_another_corpus(tmp_path):
    """A set the corpus should not answer (`--against`) is scored on neither answers nor passages."""
    path = tmp_path / "off_topic.jsonl"
    path.write_text('{"id": "o1", "question": "recette des crêpes ?", "style": "unrelated"}\n', encoding="utf-8")
    assert read_questions(path, scored=False) == [Question("o1", "recette des crêpes ?")]
    with pytest.raises(ConfigError, match="line 1: neither"):
        read_questions(path)
    path.write_text('{"id": "o1", "question": "crêpes ?", "answers": [], "category": "food", "lang": "fr"}\n',
                    encoding="utf-8")  # a set's own keys are carried unread, an empty list is none
    assert read_questions(path, scored=False) == [Question("o1", "crêpes ?")]
    path.write_text('{"id": "q1", "question": "retours ?", "answers": ["x"], "question_id": 7, "qid": 7, '
                    '"questions": 1}\n', encoding="utf-8")  # close to keys the line holds: a set's own too
    assert read_questions(path) == [Question("q1", "retours ?", ("x",))]


@pytest.mark.parametrize("path", sorted((ROOT / "tests" / "data").rglob("*.jsonl")), ids=lambda p: p.name)
def test_every_question_set_of_the_repository_is_read(path):
    """The sets the docs' commands evaluate: the off-topic ones are asked `--against` a corpus (their READMEs)."""
    assert read_questions(path, scored=not path.stem.startswith("off_topic"))


def test_a_questions_file_with_a_byte_order_mark_or_not_in_utf8(tmp_path):
    path = tmp_path / "questions.jsonl"
    path.write_bytes('\ufeff{"id": 1, "question": "délai ?", "answers": ["cinq jours"]}\n'.encode())
    assert read_questions(path) == [Question("1", "délai ?", ("cinq jours",))]
    path.write_bytes('{"id": 1, "question": "délai ?"}\n'.encode("latin-1"))
    with pytest.raises(ConfigError, match="is not UTF-8 text"):
        read_questions(path)


@pytest.mark.parametrize("modes", ["bogus", "hybrid,Dense", " , "])
def test_rag_eval_refuses_a_mode_it_does_not_have_before_loading_anything(tmp_path, capsys, modes):
    path = tmp_path / "questions.jsonl"
    path.write_text('{"id": "q1", "question": "délai ?"}\n', encoding="utf-8")
    assert main(["eval", str(path), "--modes", modes]) == 6
    assert "the modes are hybrid, dense, lexical" in capsys.readouterr().err


def test_snippet_recall_reads_the_answer_snippet_and_flagged_the_answerable_decision():
    from rag.schemas import Highlight
    from rag.search.searcher import Found

    def found(text: str, snippet: tuple[int, int], answerable: bool) -> Found:
        (hit,) = hits(("a", text))
        start, end = snippet
        out = Found([hit.model_copy(update={"highlight": Highlight(text=text[start:end], start=start, end=end,
                                                                   score=1.0)})])
        out.answerable = answerable
        return out

    questions = [Question("q1", "?", answers=("5 jours",)), Question("q2", "?", answers=("5 jours",))]
    # the second snippet is a list item: the answer's excerpt does not add the line before it, which holds the answer
    results = [found("Un délai. De 5 jours.", (10, 21), True), found("De 5 jours.\n- Un délai.", (14, 23), False)]
    out = score(questions, results, "hybrid", seconds=0.0)
    assert out.answer_recall[1] == 1.0 and out.snippet_recall == 0.5 and out.flagged == 0.5
    assert score(questions, results, "dense", seconds=0.0).flagged is None  # only hybrid search decides


def test_questions_files_are_asked_of_a_corpus_folder_or_a_dataset_folder(tmp_path):
    # a dataset's questions translated are asked of its passages: `--corpus` takes the dataset folder
    dataset = tmp_path / "dataset"
    dataset.mkdir()
    (dataset / "passages.jsonl").write_text('{"id": "p1", "title": "Cookies", "text": "Un cookie est un fichier."}\n'
                                            '{"id": "p2", "title": "FICOBA", "text": "Dix ans."}\n', encoding="utf-8")
    assert [d.doc_id for d in corpus_documents(dataset)] == ["p1", "p2"]
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "aide.md").write_text("# Aide\n\nUn texte.\n", encoding="utf-8")
    assert [d.source for d in corpus_documents(folder)] == ["aide.md"]


def test_rag_eval_names_a_dataset_folder_without_its_questions(tmp_path, capsys):
    (tmp_path / "passages.jsonl").write_text('{"id": "p1", "title": "T", "text": "Texte."}\n', encoding="utf-8")
    assert main(["eval", str(tmp_path)]) == 6
    said = "questions.jsonl does not exist: a dataset folder holds questions.jsonl and passages.jsonl"
    assert said in capsys.readouterr().err


def test_a_questions_file_carries_each_turns_context(tmp_path):
    path = tmp_path / "turns.jsonl"
    path.write_text('{"id": "c1", "context": ["horaires ?"], "question": "et le samedi ?", "answers": ["samedi"]}\n')
    assert read_questions(path)[0].context == ("horaires ?",)
    # an empty earlier message (an attachment's) is taken, as the API takes it, and passed over by search
    path.write_text('{"id": "c1", "context": ["", " "], "question": "et le samedi ?", "answers": ["samedi"]}\n')
    assert read_questions(path)[0].context == ("", " ")
    path.write_text('{"id": "c1", "context": ["a", 3], "question": "et le samedi ?", "answers": ["samedi"]}\n')
    with pytest.raises(ConfigError, match='"context" must be a list of strings'):
        read_questions(path)
    path.write_text('{"id": "c1", "answers": [""], "question": "et le samedi ?"}\n')
    with pytest.raises(ConfigError, match='"answers" must be a list of non-empty strings'):
        read_questions(path)
    path.write_text(json.dumps({"id": "c1", "context": ["a"] * 6, "question": "q", "answers": ["a"]}) + "\n")
    with pytest.raises(ConfigError, match='"context" holds at most 5'):
        read_questions(path)
    # a string is SQuAD's paragraph, and a key near the name another set's own: carried unread, as before
    path.write_text('{"id": "c1", "context": "Le paragraphe.", "contexte": ["a"], "question": "q", "answers": ["a"]}\n')
    assert read_questions(path)[0].context == ()
