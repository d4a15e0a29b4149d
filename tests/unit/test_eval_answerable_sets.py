"""The answerable sweeps ask the near-topic sets written at stop 63 as not answerable of their own corpus, and
`answerable_near` reports them apart from the corpus's first off-topic set."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from rag.evaluation import read_questions
from scripts.eval.answerable_cv import groups
from scripts.eval.answerable_near import summary
from scripts.eval.http_audit import corpora

NEAR = {"seed", "audit42_pages", "audit43_pages", "audit53", "audit60", "audit61"}


def test_each_corpus_with_near_topic_questions_asks_them_as_not_answerable(tmp_path: Path) -> None:
    sweep = groups(tmp_path, wide=True)
    near = {corpus: [(name, path, answerable) for name, path, answerable in sets if name.endswith("_near")]
            for corpus, (_, sets) in sweep.items()}
    assert {corpus for corpus, sets in near.items() if sets} == NEAR
    for corpus in NEAR:
        [(_, path, answerable)] = near[corpus]
        questions = read_questions(path, scored=False)
        assert not answerable and len(questions) >= 13
        # new questions, not the first off-topic set's again
        first = {q.question for name, p, ok in sweep[corpus][1] if not ok and not name.endswith("_near")
                 for q in read_questions(p, scored=False)}
        assert not first & {q.question for q in questions}
    audited = {name: path for _, sets in corpora(tmp_path).values() for name, path, ok in sets if not ok}
    assert sum(name.endswith("_near_off_topic") and path.exists() for name, path in audited.items()) == len(NEAR)


def test_the_near_topic_sets_are_reported_apart() -> None:
    def row(name: str, answerable: bool, n: int) -> dict[str, object]:
        return {"questions": name, "corpus": "c", "home": "c", "own": True, "answerable": answerable,
                "x": np.zeros((n, 1)), "across": np.zeros(n, bool)}

    rows = [row("c", True, 4), row("c_off", False, 2), row("c_near", False, 4), row("d", False, 5) | {"own": False}]
    scores = {("c", "c"): np.array([1.0, 2.0, 3.0, -1.0]), ("c_off", "c"): np.array([-1.0, -2.0]),
              ("c_near", "c"): np.array([-1.0, 1.0, 2.0, 3.0]), ("d", "c"): np.full(5, -1.0)}
    report = summary(rows, scores)["corpora"]["c"]
    assert report["answerable_flagged"] == 0.25
    assert report["off_topic_flagged"] == 0.5  # both sets: 3 of 6
    assert report["first_off_flagged"] == 1.0 and report["near_flagged"] == 0.25
