"""Fit the `answerable` rule (rag.search.answerable) and report how it does on questions it was not fitted on.

    HF_HUB_OFFLINE=1 .venv/bin/python -m scripts.eval.answerable_fit -o docs/results/answerable_fit.json

Sets: the dev set (tests/data/devset.jsonl) against the seed corpus (corpus/), piaf, cnil_faq_dev and en_stackfaq, each
indexed in memory as `rag eval` does (question and passage vectors cached under /tmp/rag-sweep-cache, a folder per
model). Every question set is asked of every corpus (hybrid, default settings): against its own corpus it is answerable,
against another one it is not. Two sets of English questions written for this project (tests/data/english/: the dev
set's and cnil_faq_dev's questions in English) are asked of every corpus too, answerable against their French
original's corpus. Questions are split in two halves by a hash of their id: a rule is fitted on the first half of
every pair (a logistic regression, each pair weighing the same within its class), its threshold put where no
answerable set of the first half loses more than `--miss` of its questions, and the coefficients shifted so that this
threshold reads 0.5 (`RAG_ANSWERABLE_THRESHOLD`'s default). The rule across languages is placed the other way round:
where every unanswerable pair of the first half keeps at least `--catch` of its questions flagged, the issue's target;
its answerable sets are two translations of our own, too thin to place it by. The report gives, on the second half,
the share of each pair's questions flagged unanswerable. Three rules: `full` (every feature, for the bundled model,
on questions in the corpus's language), `across` (the same features, on questions `question_language` finds in
another language than the corpus's) and `lexical` (without the dense features: the rule for any other model, on
every question but the translations).

    HF_HUB_OFFLINE=1 RAG_MODEL=sentence-transformers/all-MiniLM-L6-v2 .venv/bin/python -m scripts.eval.answerable_fit \
        -o docs/results/answerable_fit_minilm.json

With another model set (`RAG_MODEL`), every corpus is built with it and one rule is fitted on its scores, as `full`
is (the same features, pairs, halves and threshold): all-MiniLM-L6-v2's (`MINILM_RULE`), which the searcher applies
to every question of that model, across languages too. The report adds, on every question of each pair's second half
(the translations and the questions across languages included: the English ones asked of en_stackfaq are English
questions its corpus does not answer, never fitted on), the share flagged by that rule and by today's lexical rule.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rag.embedding.base import Embedder, Meter
from rag.embedding.load import effective_model, load_embedder
from rag.embedding.names import AUTO_MODEL, BUNDLED_MODEL
from rag.evaluation import read_questions
from rag.index.analyzer import fold, question_language
from rag.index.held import HeldWords
from rag.search.answerable import ACROSS_LANGUAGES, DEFAULT_THRESHOLD, LEXICAL_RULE, Evidence, Rule
from rag.search.searcher import Query, Searcher
from rag.settings import Settings
from scripts.eval.common import ROOT, build, data_arguments, eval_targets

FEATURES = ("dense_top", "dense_z", "coverage", "agree", "dense_margin", "lexical_z", "unknown", "known_coverage")
FULL = FEATURES
LEXICAL = ("coverage", "agree", "lexical_z", "unknown", "known_coverage")
# question sets in another language than their corpus's: name -> (questions file, the set whose corpus answers them)
TRANSLATED = {"devset_en": (ROOT / "tests" / "data" / "english" / "devset_en.jsonl", "devset"),
              "cnil_faq_dev_en": (ROOT / "tests" / "data" / "english" / "cnil_faq_dev_en.jsonl", "cnil_faq_dev")}


class Remembered(Embedder):
    """The real model's question vectors, read from the cache: the searcher asks for them again for each corpus."""

    def __init__(self, model: Embedder, vectors: dict[str, np.ndarray]) -> None:
        super().__init__()
        self.model, self.vectors = model, vectors
        self.name, self.dimension, self.max_tokens = model.name, model.dimension, model.max_tokens
        self.languages = model.languages

    def count_tokens(self, texts: Sequence[str], *, passage: bool = True) -> list[int]:
        return self.model.count_tokens(texts, passage=passage)

    def _encode(self, texts: list[str], *, query: bool, meter: Meter | None) -> np.ndarray:
        # a question the searcher embeds with accents restored from the corpus asked is another text: embedded once
        missing = [t for t in dict.fromkeys(texts) if t not in self.vectors]
        if missing:
            self.vectors.update(zip(missing, self.model.embed_queries(missing), strict=True))
        return np.stack([self.vectors[t] for t in texts])


def half(question_id: str) -> int:
    return hashlib.sha256(question_id.encode()).digest()[0] % 2


def features(searcher: Searcher, questions: list[str]) -> np.ndarray:
    out: list[Evidence] = []
    for i in range(0, len(questions), 64):
        for found in searcher.search([Query(q, 5) for q in questions[i:i + 64]]):
            assert found.evidence is not None
            out.append(found.evidence)
    return np.array([e.vector(FEATURES) for e in out])


def fit(x: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float = 1e-3) -> tuple[float, np.ndarray]:
    """Weighted logistic regression by Newton's method, on standardised features; coefficients on raw ones."""
    mean, std = x.mean(0), x.std(0) + 1e-9
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / std])
    beta = np.zeros(z.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-z @ beta))
        grad = z.T @ (w * (p - y)) + l2 * np.r_[0, beta[1:]]
        hess = (z * (w * p * (1 - p))[:, None]).T @ z + l2 * np.diag(np.r_[0, np.ones(len(beta) - 1)])
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-10:
            break
    coef = beta[1:] / std
    return float(beta[0] - coef @ mean), coef


def question_vectors(questions: list[str], model: Embedder, cache: Path) -> dict[str, np.ndarray]:
    """The vectors of a question set of its own (no corpus), cached like `build`'s."""
    stored = pickle.loads(cache.read_bytes()) if cache.exists() else {}
    if stored.get("model") != model.describe():
        stored = {"model": model.describe(), "questions": {}}
    missing = [q for q in dict.fromkeys(questions) if q not in stored["questions"]]
    if missing:
        stored["questions"].update(zip(missing, model.embed_queries(missing), strict=True))
        cache.write_bytes(pickle.dumps(stored))
    return stored["questions"]


def evidence(settings: Settings, targets: dict[str, Path], cache_dir: Path) -> list[dict[str, Any]]:
    """The features of every question set asked of every corpus, with the half each question falls in, the
    questions and the corpus's language."""
    model = load_embedder(settings)
    data = {}
    for name, target in targets.items():
        cache = cache_dir / f"answerable-{name}.pkl"
        if not cache.exists() and (cache_dir / f"{name}.pkl").exists():
            shutil.copy(cache_dir / f"{name}.pkl", cache)  # the vectors the ranking sweeps computed
        data[name] = build(target, settings, model, cache)
    asked = {name: (d["questions"], name) for name, d in data.items()}
    vectors = {q.question: v for d in data.values() for q, v in zip(d["questions"], d["qv"], strict=True)}
    for name, (path, own) in TRANSLATED.items():
        questions = read_questions(path)
        vectors |= question_vectors([q.question for q in questions], model, cache_dir / f"answerable-{name}.pkl")
        asked[name] = (questions, own)
    embedder = Remembered(model, vectors)
    corpus_name = {"devset": "seed corpus"}
    rows: list[dict[str, Any]] = []
    for corpus, d in data.items():
        searcher = Searcher.from_settings(d["index"], embedder, settings)
        language = d["index"].lexical.analyzer.language
        held = HeldWords(d["index"].lexical, d["index"].passages)
        for name, (qs, own) in asked.items():
            x = features(searcher, [x.question for x in qs])
            words = {w for x in qs for w in re.findall(r"\w+", fold(x.question))}
            rows.append({"questions": name, "corpus": corpus_name.get(corpus, corpus), "answerable": own == corpus,
                         "x": x, "half": np.array([half(x.id) for x in qs]), "texts": [x.question for x in qs],
                         "language": language, "held_as": {(w, other) for w in words for other in ACROSS_LANGUAGES
                                                            if held(w, other)}})
            print(f"{name:>15} against {corpus:<13} {len(qs):5} questions", flush=True)
    return rows


def fit_rule(rows: list[dict[str, Any]], names: Sequence[str], chosen: str, miss: float,
             catch: float | None = None) -> dict[str, Any]:
    """Fit a rule on the first half of the questions `chosen` selects ("same", "across" or "all" languages), put its
    threshold at 0.5 (where no answerable pair loses more than `miss`, or, given `catch`, where every unanswerable
    pair of five questions or more keeps at least `catch` flagged), and report how it flags the second half of each
    pair."""
    cols = [FEATURES.index(n) for n in names]

    def mask(r: dict[str, Any]) -> np.ndarray:
        if chosen == "across":
            return r["across"]
        # the translated sets are for the across rule only: one left to a rule of the corpus's language (a question
        # with no function word to tell its language by) is a question it cannot be fitted to answer
        if r["questions"] in TRANSLATED:
            return np.zeros(len(r["x"]), bool)
        return np.ones(len(r["x"]), bool) if chosen == "all" else ~r["across"]

    used = [r for r in rows if (mask(r) & (r["half"] == 0)).any()]
    xs, ys, ws = [], [], []
    for r in used:
        fit_rows = mask(r) & (r["half"] == 0)
        xs.append(r["x"][fit_rows][:, cols])
        ys.append(np.full(fit_rows.sum(), float(r["answerable"])))
        ws.append(np.full(fit_rows.sum(), 1.0 / fit_rows.sum()))
    n_pos = sum(r["answerable"] for r in used)
    weights = np.concatenate([w / (n_pos if r["answerable"] else len(used) - n_pos)
                              for w, r in zip(ws, used, strict=True)])
    intercept, coef = fit(np.concatenate(xs), np.concatenate(ys), weights * len(weights))
    # the threshold: the highest logit at which every answerable set of the fitting half keeps 1 - miss
    logits = [intercept + r["x"][:, cols] @ coef for r in used]
    if catch is None:
        cut = min(float(np.quantile(lg[mask(r) & (r["half"] == 0)], miss))
                  for lg, r in zip(logits, used, strict=True) if r["answerable"])
    else:
        cut = max(float(np.quantile(lg[mask(r) & (r["half"] == 0)], catch))
                  for lg, r in zip(logits, used, strict=True)
                  if not r["answerable"] and (mask(r) & (r["half"] == 0)).sum() >= 5)
    intercept -= cut  # so that the threshold is probability 0.5
    table = []
    for lg, r in zip(logits, used, strict=True):
        held = mask(r) & (r["half"] == 1)
        if held.any():
            table.append({"questions": r["questions"], "corpus": r["corpus"], "answerable": r["answerable"],
                          "held_out": int(held.sum()), "flagged_unanswerable": round(float(np.mean(lg[held] - cut < 0)),
                                                                                      4)})
    return {"questions": chosen, "intercept": round(intercept, 4),
            "weights": {n: round(float(c), 4) for n, c in zip(names, coef, strict=True)}, "held_out": table}


def served(rows: list[dict[str, Any]], rules: dict[str, Rule]) -> list[dict[str, Any]]:
    """The share of each pair's second half (every question, the translations and those across languages too)
    flagged unanswerable by each of `rules`, as the searcher would apply it to every question of this model."""
    table = []
    for r in rows:
        held = r["half"] == 1
        evidence = [Evidence(**dict(zip(FEATURES, x, strict=True))) for x in r["x"][held]]
        table.append({"questions": r["questions"], "corpus": r["corpus"], "answerable": r["answerable"],
                      "held_out": int(held.sum())} | {
            name: round(float(np.mean([rule.probability(e) < DEFAULT_THRESHOLD for e in evidence])), 4)
            for name, rule in rules.items()})
    return table


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    data_arguments(ap)
    ap.add_argument("--miss", type=float, default=0.04, help="largest share of an answerable set flagged, when fitting")
    ap.add_argument("--catch", type=float, default=0.9,
                    help="smallest share of an unanswerable set flagged, when fitting the rule across languages")
    ap.add_argument("--reuse", action="store_true", help="refit on the features the last run kept in the cache")
    ap.add_argument("-o", "--output", type=Path)
    args = ap.parse_args()
    settings = Settings(corpus_dir=ROOT / "corpus")
    model = effective_model(BUNDLED_MODEL if settings.model == AUTO_MODEL else settings.model)
    targets = eval_targets(args.datasets)
    rows_cache = args.cache / "answerable-rows.pkl"
    if args.reuse and rows_cache.exists():
        rows = pickle.loads(rows_cache.read_bytes())
    else:
        rows = evidence(settings, targets, args.cache)
        rows_cache.write_bytes(pickle.dumps(rows))
    for r in rows:  # as the searcher decides it, which may have changed since the features were computed
        r["across"] = np.array([r["language"] in ACROSS_LANGUAGES and question_language(
            q, r["language"], ACROSS_LANGUAGES, lambda w, other, r=r: (w, other) in r["held_as"]) != r["language"]
            for q in r["texts"]])
    command = "python -m scripts.eval.answerable_fit -o docs/results/answerable_fit.json"
    rules = (("full", FULL, "same"), ("across", FULL, "across"), ("lexical", LEXICAL, "all"))
    if model != BUNDLED_MODEL:  # another model's scores: its own full rule, for every question
        command = f"RAG_MODEL={model} python -m scripts.eval.answerable_fit -o docs/results/answerable_fit_minilm.json"
        rules = rules[:1]
    report: dict[str, Any] = {"command": command, "model": model, "miss_when_fitting": args.miss,
                              "catch_when_fitting_across": args.catch, "rules": {}}
    for rule, names, chosen in rules:
        fitted = report["rules"][rule] = fit_rule(rows, names, chosen, args.miss,
                                                  args.catch if chosen == "across" else None)
        print(f"\n{rule} ({chosen} language): intercept {fitted['intercept']:.4f} "
              + " ".join(f"{n} {c:.4f}" for n, c in fitted["weights"].items()))
        for t in fitted["held_out"]:
            print(f"  {t['questions']:>15} vs {t['corpus']:<13} {'answerable' if t['answerable'] else 'off-topic':11}"
                  f" flagged {t['flagged_unanswerable']:.3f} of {t['held_out']}")
    if model != BUNDLED_MODEL:
        full = report["rules"]["full"]
        table = report["served"] = served(rows, {"fitted": Rule(full["intercept"], full["weights"]),
                                                 "lexical": LEXICAL_RULE})
        print("\nevery question of the second half: the rule fitted here, the lexical rule")
        for t in table:
            print(f"  {t['questions']:>15} vs {t['corpus']:<13} {'answerable' if t['answerable'] else 'off-topic':11}"
                  f" flagged {t['fitted']:.3f}, {t['lexical']:.3f} of {t['held_out']}")
    if args.output:
        args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
