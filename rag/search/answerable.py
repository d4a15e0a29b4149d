"""Whether the corpus likely answers a question: a calibrated decision over what the retrievers already found.

`Evidence` holds features of one hybrid search that the searcher has at hand: the best cosine, how far it stands
above this question's other candidates (in their standard deviations, and its lead over the second), the same for
BM25, the share of the question's words the index does not hold at all (a question about Australia asked of a
bike-rental FAQ), the share of the question's words (weighted by rarity) found in the best passage, and whether
both retrievers put the best passage first. A filtered search (`Query.within`) is judged against the whole
corpus: its best admitted passage stands among all the corpus's candidates, so that a filter admitting only
documents that do not answer (a tenant's folder, asked about another's subject) is not answerable because its best
passage outscores the few others it admits. A logistic rule turns them into a probability; `answerable` compares it
with a threshold (`RAG_ANSWERABLE_THRESHOLD`, 0.5: the operating point fitted below).

The coefficients were fitted by `python -m scripts.eval.answerable_fit` (docs/EVALUATION.md) on the visible sets: each
dataset's questions against its own corpus (answerable) and against the others' corpora (unanswerable), half of the
questions to fit, the other half to report. A question in English asked of a French corpus, or the reverse
(`question_language`: "Which ID documents do you accept?"), has a rule of its own, fitted on such pairs (English
translations of French sets against their corpus, tests/data/english/, for the answerable ones): all its words are
unknown to the index whether the corpus answers it or not, and the model's cosine across two languages runs lower than
within one. The pair is the question's and its best passage's: asked of a passage in its own language (an English page
of a French wiki, `rag.index.analyzer.passage_language`), the rule within one language decides. The full and across
rules read the cosine, whose scale is the model's own: they hold for the bundled model only (`FITTED_FOR`).
all-MiniLM-L6-v2, the model an English corpus gets under `RAG_MODEL=auto` and the fallback where the bundled one cannot
run, has a rule of its own (`MINILM_RULE`, `MINILM`), fitted the same way as the full rule on the same pairs built with
that model's vectors, and used for every question (across languages too: measured no worse there than the lexical rule):
it flags English off-topic questions asked of an English corpus that the lexical rule answers (cnil_faq_dev's questions
in English asked of en_stackfaq, held out: 0.93 against 0.54). With any other model the lexical rule decides, fitted on
the bundled model's data without the dense features (measured there: a little weaker on French questions asked of a
French corpus that does not answer them, see docs/EVALUATION.md), since a cosine of 0.8 means nothing certain for a
model it was not fitted on.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from rag.embedding.names import BUNDLED_MODEL, ENGLISH_MODEL

FITTED_FOR = BUNDLED_MODEL
MINILM = ENGLISH_MODEL  # the other model with a rule fitted on its scores (`MINILM_RULE`)
DEFAULT_THRESHOLD = 0.5
# the languages the rule across languages was fitted on: English asked of French (answerable and not), French asked of
# English (not answerable only: no visible set has the answerable side)
ACROSS_LANGUAGES = ("en", "fr")


@dataclass(frozen=True, slots=True)
class Evidence:
    """What one hybrid search found, as the decision reads it."""

    dense_top: float  # best cosine among the candidates
    dense_z: float  # (best cosine - mean) / std over this question's candidates
    coverage: float  # idf share of the question's words present in the best fused passage, 0..1
    agree: float  # 1 when the best fused passage is first for both retrievers, else 0
    dense_margin: float  # best cosine - second best
    lexical_z: float  # (best BM25 - mean) / std over the candidates
    unknown: float  # share of the question's distinct words the index does not hold, 0..1
    known_coverage: float  # idf share of the question's indexed words present in the best fused passage, 0..1

    def vector(self, names: Sequence[str]) -> np.ndarray:
        return np.array([getattr(self, n) for n in names], dtype=np.float64)


@dataclass(frozen=True, slots=True)
class Rule:
    """A logistic rule: P(answerable) = sigmoid(intercept + sum(weights[f] * evidence.f))."""

    intercept: float
    weights: Mapping[str, float]

    def probability(self, evidence: Evidence) -> float:
        z = self.intercept + float(evidence.vector(list(self.weights)) @ np.array(list(self.weights.values())))
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


# Fitted by `python -m scripts.eval.answerable_fit` (see docs/results/answerable_fit.json).
FULL_RULE = Rule(intercept=-56.4456, weights={
    "dense_top": 66.5422, "dense_z": -0.1969, "coverage": -3.6729, "agree": 1.2932, "dense_margin": 86.8496,
    "lexical_z": 0.3121, "unknown": -9.9454, "known_coverage": 4.204})
# A question in another language than the corpus's (`rag.index.analyzer.question_language`): its words are unknown
# to the index whether the corpus answers it or not, and a model reading both languages scores it lower. Its threshold
# keeps 90% of every unanswerable pair flagged (its answerable pairs are two translations of our own).
ACROSS_RULE = Rule(intercept=-150.9599, weights={
    "dense_top": 169.92, "dense_z": -0.1606, "coverage": -0.7122, "agree": 2.1504, "dense_margin": 75.4593,
    "lexical_z": -0.2903, "unknown": 6.6697, "known_coverage": 2.0697})
# Fitted by `RAG_MODEL=sentence-transformers/all-MiniLM-L6-v2 python -m scripts.eval.answerable_fit` on that model's
# scores, as FULL_RULE (docs/results/answerable_fit_minilm.json): its cosines run on another scale than e5's.
MINILM_RULE = Rule(intercept=-10.1831, weights={
    "dense_top": 15.6964, "dense_z": 0.1243, "coverage": 0.6322, "agree": 1.8711, "dense_margin": 10.7462,
    "lexical_z": 0.1604, "unknown": -8.0887, "known_coverage": 2.0995})
LEXICAL_RULE = Rule(intercept=0.5262, weights={
    "coverage": -1.2381, "agree": 2.3265, "lexical_z": 0.0649, "unknown": -10.5601, "known_coverage": 3.2196})


def rule_for(model: str, across: bool = False) -> Rule:
    """The rule fitted for `model`'s scores (`across`: for a question in another language than the corpus's; the
    bundled model's alone has a rule of its own for it), or the one that does without them."""
    if model == MINILM:
        return MINILM_RULE
    if model != FITTED_FOR:
        return LEXICAL_RULE
    return ACROSS_RULE if across else FULL_RULE


def coverage(question_terms: Sequence[str], weights: Mapping[str, float], passage_terms: frozenset[str],
             unknown_weight: float) -> float:
    """The idf share of the question's words found in a passage; words the index lacks weigh `unknown_weight`.

    `question_terms` are the analysed words of the question, `weights` its indexed words (misspellings mapped to
    the indexed spelling) with their idf.
    """
    total = sum(weights.values()) + unknown_weight * max(0, len(set(question_terms)) - len(weights))
    if total <= 0:
        return 0.0
    return sum(w for t, w in weights.items() if t in passage_terms) / total


def standing(scores: np.ndarray) -> tuple[float, float, float]:
    """(best, z, margin): the best score of the candidates, how many standard deviations it stands above their mean,
    and its lead over the second best."""
    if len(scores) == 0:
        return 0.0, 0.0, 0.0
    ordered = np.sort(scores)[::-1]
    top = float(ordered[0])
    mean, spread = mean_std(scores)
    margin = top - float(ordered[1]) if len(ordered) > 1 else 0.0
    return top, (top - mean) / spread if spread > 1e-9 else 0.0, margin


def mean_std(values: np.ndarray) -> tuple[float, float]:
    """`float(values.mean()), float(values.std())` of a non-empty array, the same to the bit. For float32 scores
    (every question reads two sets), numpy's own steps without its generic reductions' bookkeeping, which took some
    60 µs a call: a float32 sum, divided by the count in float64 and rounded to float32, for the mean and for the
    squared deviations from it, then a float32 square root."""
    if values.dtype != np.float32 or values.ndim != 1 or not len(values):  # empty: numpy's NaN, and its warning
        return float(values.mean()), float(values.std())
    count = len(values)
    mean = np.float32(float(np.add.reduce(values)) / count)
    deviations = values - mean
    variance = np.float32(float(np.add.reduce(deviations * deviations)) / count)
    return float(mean), float(np.sqrt(variance))


def standing_among(scores: np.ndarray, rows: np.ndarray, row: int, score: float) -> tuple[float, float, float]:
    """`standing` of one candidate (`row`, scoring `score`) among a wider set (`rows`, `scores`, which may hold it):
    its z-score over the set with it, and its lead over the best of the others, negative when one stands above it.
    For the set's best candidate, the same as `standing(scores)`."""
    others = scores[rows != row]
    pool = np.append(others, np.float32(score))
    mean, spread = mean_std(pool)
    z = (score - mean) / spread if spread > 1e-9 else 0.0
    return score, z, score - float(others.max()) if len(others) else 0.0


def unknown_share(question_terms: Sequence[str], weights: Mapping[str, float]) -> float:
    """The share of the question's distinct words that the index does not hold (0 for a question without words)."""
    distinct = len(set(question_terms))
    return max(0, distinct - len(weights)) / distinct if distinct else 0.0


__all__ = [
    "ACROSS_LANGUAGES",
    "ACROSS_RULE",
    "DEFAULT_THRESHOLD",
    "FITTED_FOR",
    "FULL_RULE",
    "LEXICAL_RULE",
    "MINILM",
    "MINILM_RULE",
    "Evidence",
    "Rule",
    "coverage",
    "mean_std",
    "rule_for",
    "standing",
    "standing_among",
    "unknown_share",
]
