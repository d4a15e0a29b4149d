"""`answerable_misses` leaves unknown words out of the rule's evidence exactly as the searcher would not have counted
them, and sorts a question's unknown words by kind."""

from __future__ import annotations

import pytest

from rag.search.answerable import FULL_RULE, Evidence, coverage, unknown_share
from scripts.eval.answerable_misses import kin_held, kind, without, worst

VOCABULARY = sorted(["apparaitr", "client", "premi", "proteg", "reclam", "trait"])


@pytest.mark.parametrize(("term", "held"), [
    ("protegent", True),  # the index's "proteg" starts it, three letters shorter
    ("premier", True),  # "premi", two letters shorter
    ("appar", False),  # "apparaitr" has four letters more
    ("traitent", True),  # "trait", three letters shorter
    ("reclamation", False),  # "reclam" is five letters shorter
    ("reclam", False),  # held itself: no kin of what it holds
    ("cli", False),  # too short to start "client"
])
def test_a_kin_is_a_start_of_five_letters_at_least_and_three_letters_apart_at_most(term: str, held: bool) -> None:
    assert kin_held(term, VOCABULARY) is held


def test_an_unknown_word_is_digits_a_kin_short_or_a_word() -> None:
    assert [kind(t, VOCABULARY) for t in ("2em", "protegent", "ok", "ouvert")] == ["digits", "kin", "short", "word"]


def test_words_left_out_read_as_if_the_question_never_held_them() -> None:
    weights = {"reclam": 2.0, "client": 1.0}
    passage = frozenset({"reclam"})
    asked, kept = ["reclam", "client", "protegent", "ouvert"], ["reclam", "client", "ouvert"]
    today = Evidence(dense_top=0.86, dense_z=2.0, coverage=coverage(asked, weights, passage, 2.0), agree=0.0,
                     dense_margin=0.01, lexical_z=2.5, unknown=unknown_share(asked, weights), known_coverage=2 / 3)
    moved = without(today, weights, distinct=4, unknown=2, left=1)
    assert moved.unknown == pytest.approx(unknown_share(kept, weights)) == pytest.approx(1 / 3)
    assert moved.coverage == pytest.approx(coverage(kept, weights, passage, 2.0)) == pytest.approx(2 / 5)
    assert FULL_RULE.probability(moved) > FULL_RULE.probability(today)
    assert without(today, weights, distinct=4, unknown=2, left=0) is today


def test_the_feature_that_says_no_lowers_the_logit_most() -> None:
    median = {"dense_top": 0.89, "dense_z": 2.0, "coverage": 0.5, "agree": 1.0, "dense_margin": 0.01,
              "lexical_z": 2.5, "unknown": 0.1, "known_coverage": 0.7}
    many_unknown = Evidence(**{**median, "unknown": 0.6})
    assert worst(many_unknown, FULL_RULE, median) == "unknown"
    low_cosine = Evidence(**{**median, "dense_top": 0.82})
    assert worst(low_cosine, FULL_RULE, median) == "dense_top"
