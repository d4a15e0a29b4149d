"""Near-topic questions and the `answerable` rule: new signals from the same search, and the rule fitted on every
audit's sets, each corpus held out in turn.

    HF_HUB_OFFLINE=1 .venv/bin/python -m scripts.eval.answerable_cv --wide --cross-cap 8 -o /tmp/answerable_cv_wide.json
    HF_HUB_OFFLINE=1 .venv/bin/python -m scripts.eval.answerable_near -o docs/results/answerable_near.json

The first command asks every labelled set of 28 corpora (`answerable_cv`'s eleven, the later audits' corpora, the
Italian, Portuguese and Dutch pages) of every corpus and keeps each search's evidence and what its first passages
read; this one reads that cache. The candidate signals, none of them a model call:

- `prox`: the best passage holds the question's rarest indexed word in a sentence with another of its indexed words
  (with one indexed word: holds it at all);
- `sent_cov`, `sent_kcov`: the idf share of the question's words (all of them, the unknown ones weighing as its
  rarest, as `coverage`; its indexed ones only, as `known_coverage`) in the best passage's best sentence;
- `focus`: the question's first content word (in French and English questions, after the question words, most often
  the noun asked about: "Quel est le *montant* minimum ...") is in the best passage;
- `agree5`: how many of the five best candidates by cosine are among the five best by BM25, over five;
- `rank_corr`: the rank correlation of the two retrievers' scores over the fused first five;
- `doc_gap`: the best cosine of the best fused passage's document less the best cosine of any other document's
  candidate (the lead of the first document over the best passage of another).

For each corpus held out, the rule of the corpus's language is fitted on every pair that involves neither it nor its
questions (`answerable_cv.fit_rule`), its threshold placed two ways: `max`, where no answerable set of the
fit loses more than 4% (as `answerable_fit` places today's), and `mean`, where the answerable sets of the fit lose 4%
on average (about what today's rule loses on these corpora). Beside the signals one at a time, the rule with
`doc_gap` and two of `answerable_cv`'s candidates (`bm25n`, the best BM25 over the question's idf mass, and `gap`, the
best cosine's lead over the mean of the ten best), and with all seven. Reported per
rule: each held-out set's share flagged, and per corpus with an off-topic set, the AUC of its answerable questions
against its off-topic ones. `--off-share`: the off-topic sets' weight in the unanswerable class of every fit (0.5).
"""

from __future__ import annotations

import argparse
import json
import pickle
import shlex
import sys
from pathlib import Path
from typing import Any

import numpy as np

from rag.embedding.load import load_embedder
from rag.search.answerable import FULL_RULE
from rag.settings import Settings
from scripts.eval.answerable_cv import ALL as CV
from scripts.eval.answerable_cv import PROBES, auc, candidates, fit_rule, used
from scripts.eval.answerable_fit import FEATURES
from scripts.eval.common import data_arguments

MISS = 0.04
# the sets named in the report beside the means: (questions, corpus)
NAMED = (("devset", "seed"), ("audit_seed", "seed"), ("audit_seed_off", "seed"), ("audit_seed_near", "seed"),
         ("chat", "seed"), ("chat_off", "seed"), ("audit61", "audit61"), ("audit61_off", "audit61"),
         ("audit61_near", "audit61"))
NEAR = ("prox", "sent_cov", "sent_kcov", "focus", "agree5", "rank_corr", "doc_gap")
ALL = CV + NEAR


def near(raw: dict[str, Any]) -> list[float]:
    """The candidate signals of one question's search (`NEAR`'s order)."""
    w, qterms = raw["weights"], raw["qterms"]
    top = raw["top_terms"][0] if raw["top_terms"] else frozenset()
    sentences = raw["sentence_terms"][0] if raw["sentence_terms"] else []
    rare = max(w, key=w.__getitem__) if w else None
    if rare is None:
        prox = 0.0
    elif len(w) == 1:
        prox = float(rare in top)
    else:
        prox = float(any(rare in s and any(t in s for t in w if t != rare) for s in sentences))
    unknown = max(0, len(set(qterms)) - len(w))
    heaviest = max(w.values(), default=1.0)
    total, known = sum(w.values()) + heaviest * unknown, sum(w.values())
    best = max((sum(v for t, v in w.items() if t in s) for s in sentences), default=0.0)
    sent_cov = best / total if total > 0 else 0.0
    sent_kcov = best / known if known > 0 else 0.0
    focus = float(bool(qterms) and qterms[0] in top)
    dense, lex = raw["dense"], raw["lex"]
    d5 = set(np.argsort(-dense, kind="stable")[:5].tolist())
    l5 = set(np.argsort(-lex, kind="stable")[:5].tolist())
    agree5 = len(d5 & l5) / 5
    first = min(5, len(dense))
    if first > 2 and np.ptp(dense[:first]) > 0 and np.ptp(lex[:first]) > 0:
        rd = np.argsort(np.argsort(-dense[:first])).astype(float)
        rl = np.argsort(np.argsort(-lex[:first])).astype(float)
        rank_corr = float(np.corrcoef(rd, rl)[0, 1])
    else:
        rank_corr = 0.0
    docs = raw["docs"]
    mine = np.array([d == docs[0] for d in docs])
    doc_gap = float(dense[mine].max() - dense[~mine].max()) if (~mine).any() else float(raw["ev"][4])
    return [prox, sent_cov, sent_kcov, focus, agree5, rank_corr, doc_gap]


def left_out(rows: list[dict[str, Any]], names: list[str] | None, place: str,
             off_share: float = 0.5) -> dict[tuple[str, str], np.ndarray]:
    """Each pair's logits (flagged where negative) under the rule fitted without its corpus; today's for None."""
    today = (FULL_RULE.intercept, np.array(list(FULL_RULE.weights.values())), [ALL.index(n) for n in FULL_RULE.weights])
    out = {}
    for corpus in dict.fromkeys(r["corpus"] for r in rows):
        train = [r for r in rows if corpus not in (r["corpus"], r["home"])]
        rule = today if names is None else fit_rule(train, names, off_share, MISS, columns=ALL, place=place)
        intercept, coef, cols = rule
        out |= {(r["questions"], corpus): intercept + r["x"][used(r)][:, cols] @ coef
                for r in rows if r["corpus"] == corpus}
    return out


def summary(rows: list[dict[str, Any]], scores: dict[tuple[str, str], np.ndarray]) -> dict[str, Any]:
    """Per corpus with an off-topic set: its answerable questions flagged, its off-topic ones flagged, the AUC of
    one against the other; their means, and the mean share flagged of the pairs of a set asked of another corpus."""
    corpora: dict[str, dict[str, float]] = {}
    for corpus in dict.fromkeys(r["corpus"] for r in rows if r["own"] and not r["answerable"]):
        mine = [r for r in rows if r["corpus"] == corpus and r["own"] and used(r).any()]
        pos = np.concatenate([scores[(r["questions"], corpus)] for r in mine if r["answerable"]])
        neg = np.concatenate([scores[(r["questions"], corpus)] for r in mine if not r["answerable"]])
        corpora[corpus] = {"answerable_flagged": round(float(np.mean(pos < 0)), 3),
                           "off_topic_flagged": round(float(np.mean(neg < 0)), 3), "auc": round(auc(pos, neg), 3)}
        near = [scores[(r["questions"], corpus)] for r in mine if r["questions"].endswith("_near")]
        if near:  # the near-topic sets written at stop 63, apart from the first ones
            first = [scores[(r["questions"], corpus)] for r in mine
                     if not r["answerable"] and not r["questions"].endswith("_near")]
            corpora[corpus] |= {"near_flagged": round(float(np.mean(np.concatenate(near) < 0)), 3),
                                "first_off_flagged": round(float(np.mean(np.concatenate(first) < 0)), 3)}
    cross = [float(np.mean(scores[(r["questions"], r["corpus"])] < 0)) for r in rows
             if not r["own"] and used(r).sum() >= 5]
    own = [r for r in rows if r["own"] and r["answerable"] and used(r).any()]
    keys = ("answerable_flagged", "off_topic_flagged", "auc", "near_flagged", "first_off_flagged")
    return {"mean": {k: round(float(np.mean([c[k] for c in corpora.values() if k in c])), 3)
                     for k in keys if any(k in c for c in corpora.values())},
            "answerable_sets_over_5pct": sum(float(np.mean(scores[(r["questions"], r["corpus"])] < 0)) > 0.05
                                             for r in own),
            "cross_flagged": round(float(np.mean(cross)), 3), "corpora": corpora}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    data_arguments(ap)
    ap.add_argument("--off-share", type=float, default=0.5,
                    help="the off-topic sets' weight in the unanswerable class (the far pairs': the rest)")
    ap.add_argument("-o", "--output", type=Path)
    args = ap.parse_args()
    rows, corpora = pickle.loads((args.cache / "answerable-cv-rows-wide.pkl").read_bytes())
    probe_vectors = load_embedder(Settings()).embed_queries(PROBES)
    for r in rows:
        corpus = corpora[r["corpus"]]
        best = (probe_vectors @ corpus["vectors"].T).max(1)
        probe = (float(np.median(best)), float(np.quantile(best, 0.9)))
        r["x"] = np.array([list(raw["ev"]) + candidates(raw, probe, c, corpus, v) + near(raw)
                           for raw, c, v in zip(r["raw"], r["centroid_cos"], r["qv"], strict=True)])
    rules: dict[str, list[str] | None] = {"today": None, "refit": list(FEATURES)}
    rules |= {f"refit + {n}": [*FEATURES, n] for n in NEAR}
    rules["refit + doc_gap, bm25n, gap"] = [*FEATURES, "doc_gap", "bm25n", "gap"]
    rules["refit + all seven"] = [*FEATURES, *NEAR]
    result: dict[str, Any] = {"single_auc": {}, "rules": {}}
    for i, name in enumerate(ALL):
        single = summary(rows, {(r["questions"], r["corpus"]): r["x"][used(r)][:, i] for r in rows})
        result["single_auc"][name] = single["mean"]["auc"]
    for place in ("max", "mean"):
        for name, names in rules.items():
            if names is None and place == "mean":
                continue
            scores = left_out(rows, names, place, args.off_share)
            s = summary(rows, scores) | {"named": {f"{q} / {c}": round(float(np.mean(scores[(q, c)] < 0)), 3)
                                                   for q, c in NAMED if (q, c) in scores}}
            result["rules"][f"{name} ({place})"] = s
            print(f"{name + ' (' + place + ')':34} answerable {s['mean']['answerable_flagged']:.3f} off-topic "
                  f"{s['mean']['off_topic_flagged']:.3f} near {s['mean'].get('near_flagged', float('nan')):.3f} "
                  f"auc {s['mean']['auc']:.3f} cross {s['cross_flagged']:.3f} "
                  f"sets>5% {s['answerable_sets_over_5pct']:2} " + " ".join(f"{k}={v}" for k, v in s["named"].items()),
                  flush=True)
    print("single-feature AUC: " + " ".join(f"{k}={v:.3f}" for k, v in result["single_auc"].items()))
    if args.output:
        command = shlex.join(["python", "-m", "scripts.eval.answerable_near", *sys.argv[1:]])  # as it was run
        args.output.write_text(json.dumps({"command": command, **result}, indent=1) + "\n")


if __name__ == "__main__":
    main()
