"""The answerable decision on its own: the features it reads and the rule that weighs them (no model)."""

from __future__ import annotations

import numpy as np
import pytest

from rag.schemas import Citation, Highlight, Hit
from rag.search.answer import NO_ANSWER, answer
from rag.search.answerable import (
    ACROSS_RULE,
    FITTED_FOR,
    FULL_RULE,
    LEXICAL_RULE,
    MINILM_RULE,
    Evidence,
    Rule,
    coverage,
    mean_std,
    rule_for,
    standing,
    standing_among,
    unknown_share,
)


def evidence(**changes: float) -> Evidence:
    values = {"dense_top": 0.9, "dense_z": 3.0, "coverage": 0.8, "agree": 1.0, "dense_margin": 0.03,
              "lexical_z": 4.0, "unknown": 0.0, "known_coverage": 0.9}
    return Evidence(**{**values, **changes})


def test_coverage_weighs_words_by_rarity_and_counts_unknown_words_as_missing():
    weights = {"velo": 2.0, "louer": 1.0}
    assert coverage(["velo", "louer"], weights, frozenset({"velo"}), 2.0) == pytest.approx(2 / 3)
    # "australie" is not in the index: it weighs as the rarest word and is never found
    assert coverage(["velo", "louer", "australie"], weights, frozenset({"velo", "louer"}), 2.0) == pytest.approx(0.6)
    assert coverage([], {}, frozenset(), 1.0) == 0.0


def test_unknown_share_and_standing():
    assert unknown_share(["capital", "australia", "capital"], {"capital": 1.0}) == 0.5
    assert unknown_share([], {}) == 0.0
    top, z, margin = standing(np.array([0.8, 0.9, 0.7], dtype=np.float32))
    assert top == pytest.approx(0.9) and margin == pytest.approx(0.1) and z == pytest.approx(1.2247, abs=1e-3)
    assert standing(np.array([0.5, 0.5])) == (0.5, 0.0, 0.0)
    assert standing(np.zeros(0)) == (0.0, 0.0, 0.0)


def test_mean_std_is_numpys_to_the_bit():
    """The scores' mean and spread as numpy's `mean` and `std` give them, bit for bit (a question's `answerable` must
    not move), for cosines, BM25 scores, ties and single values, in float32 and otherwise."""
    rng = np.random.default_rng(7)
    cases = [np.array([0.5], dtype=np.float32), np.full(50, 0.8125, dtype=np.float32), np.array([0.5, 0.5])]
    for size in (*range(2, 40), 50, 64, 100, 127, 128, 129, 200, 300, 1000):
        cases.append(rng.uniform(0.6, 0.95, size).astype(np.float32))  # cosines
        cases.append((rng.gamma(2.0, 3.0, size) * (rng.random(size) < 0.7)).astype(np.float32))  # BM25, zeros
        cases.append(rng.normal(0, 1, size))  # float64: numpy's own
    cases.append(rng.uniform(0, 1, 300).astype(np.float32)[::3])  # not contiguous
    for values in cases:
        assert mean_std(values) == (float(values.mean()), float(values.std()))


def test_standing_among_a_wider_set():
    """A filtered search's best passage among the whole corpus's candidates: the same as `standing` when it is their
    best, a negative lead when a passage the filter leaves out scores higher, and counted once if the set holds it."""
    scores, rows = np.array([0.9, 0.8, 0.7], dtype=np.float32), np.array([4, 2, 9])
    assert standing_among(scores, rows, 4, 0.9) == pytest.approx(standing(scores))
    top, z, margin = standing_among(scores, rows, 2, 0.8)
    assert top == 0.8 and margin == pytest.approx(-0.1) and z == pytest.approx(0.0, abs=1e-6)
    outside = standing_among(scores, rows, 7, 0.95)  # a row the wider set lacks: added to it
    assert outside == pytest.approx(standing(np.array([0.9, 0.8, 0.7, 0.95], dtype=np.float32)))


def test_rule_is_a_logistic_of_the_weighted_features():
    rule = Rule(intercept=-1.0, weights={"coverage": 2.0, "agree": 1.0})
    assert rule.probability(evidence(coverage=0.5, agree=0.0)) == pytest.approx(0.5)
    assert rule.probability(evidence(coverage=1.0, agree=1.0)) == pytest.approx(1 / (1 + np.exp(-2.0)))
    assert 0.0 < Rule(-1e9, {"agree": 0.0}).probability(evidence()) < 1e-20  # no overflow at the extremes


@pytest.mark.parametrize("rule", [FULL_RULE, LEXICAL_RULE])
def test_fitted_rules_move_the_right_way(rule):
    on_topic = evidence()
    assert rule.probability(on_topic) > 0.5
    assert rule.probability(evidence(unknown=0.6, known_coverage=0.2, agree=0.0)) < 0.5
    assert rule.probability(evidence(agree=0.0)) < rule.probability(on_topic)
    assert rule.probability(evidence(unknown=0.5)) < rule.probability(on_topic)
    assert rule.probability(evidence(known_coverage=0.3)) < rule.probability(on_topic)


def test_the_dense_rule_is_for_the_model_it_was_fitted_for():
    assert rule_for(FITTED_FOR) is FULL_RULE
    assert rule_for(FITTED_FOR, across=True) is ACROSS_RULE
    # all-MiniLM-L6-v2 (an English corpus's model, and the fallback) has its own, for every question
    assert rule_for("sentence-transformers/all-MiniLM-L6-v2") is MINILM_RULE
    assert rule_for("sentence-transformers/all-MiniLM-L6-v2", across=True) is MINILM_RULE
    assert rule_for("sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2") is LEXICAL_RULE
    assert rule_for("intfloat/multilingual-e5-small", across=True) is LEXICAL_RULE
    assert "dense_top" not in LEXICAL_RULE.weights


def test_the_english_models_rule_reads_its_cosine_on_its_own_scale():
    # all-MiniLM-L6-v2's cosines run lower than e5's: 0.6 for a passage that answers is high for it, not for e5
    assert MINILM_RULE.probability(evidence(dense_top=0.6)) > 0.5 > FULL_RULE.probability(evidence(dense_top=0.6))
    assert MINILM_RULE.probability(evidence(dense_top=0.2)) < 0.5


def test_an_unanswerable_answer_says_so_and_keeps_its_shape():
    citation = Citation(doc_id="faq", title="FAQ", source="faq.md", section="Vélos", start=0, end=30,
                        label="FAQ › Vélos")
    hit = Hit(rank=1, id="p1", text="Le code du cabanon change.", score=1.0, citation=citation,
              highlight=Highlight(text="Le code du cabanon change.", start=0, end=26, score=0.0))
    shown = answer([hit])
    hidden = answer([hit], answerable=False)
    assert shown is not None and hidden is not None
    assert shown.text == "Le code du cabanon change." and hidden.text == NO_ANSWER
    assert hidden.markdown == f"{NO_ANSWER}\n\nClosest sources:\n1. FAQ › Vélos\n"
    french = answer([hit], answerable=False, language="fr")
    assert french is not None and french.text == "Les documents ne semblent pas répondre à cette question."
    assert french.markdown == f"{french.text}\n\nSources les plus proches :\n1. FAQ › Vélos\n"
    assert answer([hit], language="fi").markdown.endswith("\n\nSources:\n1. FAQ › Vélos\n")  # type: ignore[union-attr]
    assert (hidden.passage_id, hidden.start, hidden.end) == (shown.passage_id, shown.start, shown.end)
