"""The `answerable` rule left one corpus out at a time, over every visible labelled set: whether a refit with the
audits' sets, or new features, would flag more near-topic off-topic questions without flagging answerable ones.

    HF_HUB_OFFLINE=1 .venv/bin/python -m scripts.eval.answerable_cv -o docs/results/answerable_cv.json [--reuse]
    HF_HUB_OFFLINE=1 .venv/bin/python -m scripts.eval.answerable_cv --wide --cross-cap 8 -o /tmp/answerable_cv_wide.json

Eleven corpora, each indexed in memory as `rag ingest` parses it (vectors cached as for the other sweeps): the seed
corpus (dev set, chat messages, audit 37's seed questions, their off-topic sets, the English dev set),
cnil_faq_dev (its questions, audit 37's, the English ones), piaf, en_stackfaq, the help centre, audit 37's, 42's and
43's pages, the price tables, the Spanish and German pages (each with its off-topic set). Every question set is asked
of every corpus (hybrid, the searcher's own `Evidence`): of its own corpus it is answerable (off-topic sets: not),
of another it is not (up to 60 questions a pair, 600 of piaf's and en_stackfaq's own, chosen by a hash of their id).
`--wide` (for `answerable_near`, its cache a file of its own): 28 corpora, the later audits' (48 to 61, each with its
questions and off-topic set) and the Italian, Portuguese and Dutch pages added, piaf's and en_stackfaq's left out (their
questions are still asked of the others); `--cross-cap` bounds a set asked of another corpus (the wide run, 8).
`answerable_parts` splits a run across processes (shared cores), then joins the parts into the cache that `--reuse`
reads. Where a corpus has a second off-topic set near its subject (`off_topic_near.jsonl`, `off_topic_seed_near.jsonl`,
stop 63), it is asked too.
Beside the rule's eight features, candidates computed from the same search: whether the question's rarest indexed
word is in the best passage (`rare1`; `rare1k`: and no word unknown to the index) or in the first three (`rare3`),
the idf share (`cov3`) and plain share (`plain3`) of its words in the first three passages, the best BM25 score over
the question's idf mass (`bm25n`), the best cosine less the corpus's median (`calib`) or 90th percentile (`calib90`)
best cosine for 20 generic probe questions (a figure an ingest could store), less the question's cosine to the
corpus's mean vector (`cent`), less the mean of its ten best cosines (`gap`); the best passage's own cosine
(`pcos`), its heading's (`hcos`) and their difference (`hlead`).

For each corpus left out, a rule is fitted on every pair that involves neither it nor its questions, as
`answerable_fit` fits the rule of the corpus's language (each pair weighing the same within its class; here the
off-topic sets weigh half of the unanswerable class, the other pairs the other half), its threshold where no
answerable set loses more than 4%; the left-out corpus's sets are then flagged by it. Reported: the share flagged
per set for today's rule and for the refits, and per corpus, threshold aside, the AUC of answerable questions
against its own off-topic ones, for each feature alone and for each rule.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import pickle
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

import rag.search.searcher as searching
from rag.embedding.load import load_embedder
from rag.evaluation import corpus_documents, memory_index, read_questions
from rag.index.analyzer import question_language
from rag.index.held import HeldWords
from rag.ingestion.stages import embed_key
from rag.search.answerable import ACROSS_LANGUAGES, FULL_RULE
from rag.search.searcher import Query, Searcher
from rag.search.snippets import sentences
from rag.settings import Settings
from scripts.eval.answerable_fit import FEATURES, Remembered, fit
from scripts.eval.common import ROOT, data_arguments

DATA = ROOT / "tests" / "data"
CROSS_CAP, OWN_CAP = 60, 600
# the later audits' corpora, each with its questions and its off-topic set (`--wide`), and the help pages in other
# languages
AUDITS = (("48", "site"), ("49", "spaces"), ("52", "kb"), ("53", "site"), ("54", "pages"), ("56", "docs"),
          ("57", "pages"), ("58", "pages"), ("59", "pages"), ("60", "pages"), ("61", "pages"))
LANGUAGES = ("es", "de", "it", "pt", "nl")
TRANSLATED = {"devset_en", "cnil_faq_dev_en"}
NEW = ("rare1", "rare3", "rare1k", "cov3", "plain3", "bm25n", "calib", "calib90", "cent", "gap", "pcos", "hcos",
       "hlead")
ALL = FEATURES + NEW
PROBES = [
    "Quelle est la capitale de l'Australie ?", "Comment faire une pâte à crêpes ?",
    "Qui a gagné la coupe du monde 1998 ?", "Quelle température fera-t-il demain à Lyon ?",
    "Combien de pattes a une araignée ?", "Comment réparer une fuite de robinet ?",
    "Quel est le meilleur film de l'année ?", "Pourquoi le ciel est-il bleu ?",
    "Comment apprendre à jouer de la guitare ?", "Quand a eu lieu la Révolution française ?",
    "What is the capital of Australia?", "How do I bake sourdough bread?", "Who painted the Mona Lisa?",
    "How far is the Moon from the Earth?", "What is the best way to train a puppy?",
    "¿Cuál es la montaña más alta del mundo?", "Wie koche ich Spaghetti?", "Combien de calories dans une banane ?",
    "Comment soigner un rhume ?", "Quelle est la recette du bœuf bourguignon ?",
]


def near_set(path: Path, name: str) -> list[tuple[str, Path, bool]]:
    """A corpus's second off-topic set, near its subject (written at stop 63), where it has one."""
    return [(name, path, False)] if path.exists() else []


def groups(datasets: Path, wide: bool = False) -> dict[str, tuple[Path, list[tuple[str, Path, bool]]]]:
    """Corpus -> (folder, [(set, questions file, answerable of it?)])."""
    a37, a42, a43, hc, chat = DATA / "audit37", DATA / "audit42", DATA / "audit43", DATA / "help_centre", DATA / "chat"
    lang, cnil = DATA / "languages", datasets / "cnil_faq_dev"
    pages = {f"{n}_pages": (d / "pages", [(n if n != "audit37" else "audit_help", d / "help_questions.jsonl", True),
                                          (f"{n if n != 'audit37' else 'audit_help'}_off",
                                           d / ("off_topic_help.jsonl" if n == "audit37" else "off_topic.jsonl"),
                                           False), *near_set(d / "off_topic_near.jsonl", f"{n}_near")])
             for n, d in (("audit37", a37), ("audit42", a42), ("audit43", a43))}
    return {
        "seed": (ROOT / "corpus", [("devset", DATA / "devset.jsonl", True), ("chat", chat / "questions.jsonl", True),
                                   ("chat_off", chat / "off_topic.jsonl", False),
                                   ("audit_seed", a37 / "seed_questions.jsonl", True),
                                   ("audit_seed_off", a37 / "off_topic_seed.jsonl", False),
                                   *near_set(a37 / "off_topic_seed_near.jsonl", "audit_seed_near"),
                                   ("devset_en", DATA / "english" / "devset_en.jsonl", True)]),
        "cnil": (cnil, [("cnil_faq_dev", cnil / "questions.jsonl", True),
                        ("audit_cnil", a37 / "cnil_questions.jsonl", True),
                        ("cnil_faq_dev_en", DATA / "english" / "cnil_faq_dev_en.jsonl", True)]),
        "piaf": (datasets / "piaf", [("piaf", datasets / "piaf" / "questions.jsonl", True)]),
        "en_stackfaq": (datasets / "en_stackfaq", [("en_stackfaq", datasets / "en_stackfaq" / "questions.jsonl",
                                                    True)]),
        "help_centre": (hc / "pages", [("help_centre", hc / "questions.jsonl", True),
                                       ("help_off", hc / "off_topic.jsonl", False)]),
        **pages,
        "tables": (DATA / "tables" / "pages", [("tables", DATA / "tables" / "questions.jsonl", True)]),
        **{n: (lang / n / "pages", [(n, lang / n / "questions.jsonl", True),
                                    (f"{n}_off", lang / n / "off_topic.jsonl", False)])
           for n in (LANGUAGES if wide else LANGUAGES[:2])},
        **{f"audit{n}": (DATA / f"audit{n}" / folder, [(f"audit{n}", DATA / f"audit{n}" / "questions.jsonl", True),
                                                        (f"audit{n}_off", DATA / f"audit{n}" / "off_topic.jsonl",
                                                         False),
                                                        *near_set(DATA / f"audit{n}" / "off_topic_near.jsonl",
                                                                  f"audit{n}_near")])
           for n, folder in AUDITS if wide},
    }


def searched(datasets: Path, wide: bool = False) -> list[str]:
    """The corpora a run searches: `--wide` asks piaf's and en_stackfaq's questions, not their large corpora."""
    return [g for g in groups(datasets, wide) if not (wide and g in ("piaf", "en_stackfaq"))]


def rows_path(cache: Path, wide: bool) -> Path:
    """Where a run keeps its searches (the wide run's apart)."""
    return cache / ("answerable-cv-rows-wide.pkl" if wide else "answerable-cv-rows.pkl")


def keep(question_id: str, cap: int, n: int) -> bool:
    return n <= cap or hashlib.sha256(question_id.encode()).digest()[0] < 256 * cap / n


RAW: list[dict[str, Any]] = []
_evidence = Searcher.evidence


def _recording(index, fused, question_terms, weights, memory, corpus=None, alone=None):  # type: ignore[no-untyped-def]
    """`Searcher.evidence`, keeping what the candidate features read."""
    ev = _evidence(index, fused, question_terms, weights, memory, corpus, alone)
    RAW.append({"ev": ev.vector(FEATURES), "qterms": list(question_terms), "weights": dict(weights),
                "top_terms": [memory.highlight.terms(index.passages[int(r)].text) for r in fused.rows[:5]],
                "dense": np.asarray(fused.dense_scores, dtype=np.float32).copy(),
                "lex": np.asarray(fused.lexical_scores, dtype=np.float32).copy(),
                "units": index.lexical.units, "rows": np.asarray(fused.rows[:5]).copy(),
                "sentence_terms": [[part.terms for part in
                                    sentences(index.passages[int(r)].text, memory.highlight.analyzer)]
                                   for r in fused.rows[:3]],
                "docs": [index.passages[int(r)].doc_id for r in fused.rows]})
    return ev


def collect(datasets: Path, cache_dir: Path, wide: bool = False, cross_cap: int = CROSS_CAP,
            only: Sequence[str] = ()) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """Every set asked of every corpus (of the corpora `only` names, when it names some): the searcher's evidence
    and what the candidates read, per question."""
    searching.Searcher.evidence = staticmethod(_recording)  # type: ignore[method-assign]
    model = load_embedder(Settings(corpus_dir=ROOT / "corpus"))
    qcache_path = cache_dir / "answerable-cv-questions.pkl"
    qstore = pickle.loads(qcache_path.read_bytes()) if qcache_path.exists() else {"model": model.describe(), "q": {}}
    spec = groups(datasets, wide)
    sets = {name: (read_questions(path, scored=False), group, ans)
            for group, (_, ss) in spec.items() for name, path, ans in ss}
    missing = list(dict.fromkeys(q.question for qs, _, _ in sets.values() for q in qs if q.question not in qstore["q"]))
    if missing:
        qstore["q"].update(zip(missing, model.embed_queries(missing), strict=True))
        qcache_path.write_bytes(pickle.dumps(qstore))
    embedder = Remembered(model, qstore["q"])
    out: list[dict[str, Any]] = []
    corpora: dict[str, dict[str, Any]] = {}
    for group in searched(datasets, wide):
        if only and group not in only:
            continue
        folder = spec[group][0]
        settings = Settings(corpus_dir=folder)
        pcache_path = cache_dir / f"answerable-cv-{group}.pkl"
        pstore = pickle.loads(pcache_path.read_bytes()) if pcache_path.exists() else {"passages": {}}
        index = memory_index(corpus_documents(folder), settings, model, reuse=pstore["passages"])
        vectors = index.stored_vectors()
        corpora[group] = {"vectors": vectors, "headings": None if index.headings is None else
                          (index.headings.vectors, index.headings.of_row)}
        pstore["passages"].update(zip(map(embed_key, index.passages), vectors, strict=True))
        pcache_path.write_bytes(pickle.dumps(pstore))
        searcher = Searcher.from_settings(index, embedder, settings)
        language, centroid = index.lexical.analyzer.language, vectors.mean(0)
        held = HeldWords(index.lexical, index.passages)
        print(group, len(index), language, flush=True)
        for name, (qs, home, ans) in sets.items():
            own = home == group
            chosen = [q for q in qs if keep(q.id, OWN_CAP if own else cross_cap, len(qs))]
            RAW.clear()
            for q in chosen:
                searcher.search([Query(q.question, 1)])  # one hit: the evidence reads the whole ranking anyway
            qv = np.stack([qstore["q"][q.question] for q in chosen])
            across = np.array([language in ACROSS_LANGUAGES and question_language(
                q.question, language, ACROSS_LANGUAGES, held) != language for q in chosen])
            out.append({"questions": name, "home": home, "corpus": group, "answerable": own and ans, "own": own,
                        "raw": list(RAW), "texts": [q.question for q in chosen], "centroid_cos": qv @ centroid,
                        "across": across, "qv": qv})
    return out, corpora


def candidates(raw: dict[str, Any], probe: tuple[float, float], centroid_cos: float, corpus: dict[str, Any],
               vector: np.ndarray) -> list[float]:
    """The candidate features of one question's search (`NEW`'s order)."""
    w, q, tops = raw["weights"], set(raw["qterms"]), raw["top_terms"]
    unknown = max(0, len(q) - len(w))
    total = sum(w.values()) + math.log(1 + (raw["units"] + 0.5) / 0.5) * unknown
    rare = max(w, key=w.__getitem__) if w else None
    rare1 = float(rare is not None and rare in tops[0])
    rare3 = float(rare is not None and any(rare in t for t in tops[:3]))
    union3 = set().union(*tops[:3])
    cov3 = sum(v for t, v in w.items() if t in union3) / total if total > 0 else 0.0
    plain3 = sum(t in union3 for t in w) / len(q) if q else 0.0
    bm25n = float(raw["lex"].max()) / total if total > 0 and len(raw["lex"]) else 0.0
    top = float(raw["ev"][0])
    best10 = np.sort(raw["dense"])[::-1][:10]
    row = int(raw["rows"][0])
    pcos = float(corpus["vectors"][row] @ vector)
    hcos = pcos if corpus["headings"] is None else float(corpus["headings"][0][corpus["headings"][1][row]] @ vector)
    return [rare1, rare3, rare1 if unknown == 0 else 0.0, cov3, plain3, bm25n, top - probe[0], top - probe[1],
            top - float(centroid_cos), top - float(best10.mean()), pcos, hcos, hcos - pcos]


def used(r: dict[str, Any]) -> np.ndarray:
    """The questions the rule of the corpus's language decides (the translations are the rule across languages')."""
    return np.zeros(len(r["x"]), bool) if r["questions"] in TRANSLATED else ~r["across"]


def fit_rule(train: list[dict[str, Any]], names: list[str], off_share: float = 0.5, miss: float = 0.04,
             l2: float = 1e-3, columns: Sequence[str] = ALL, place: str = "max") -> tuple[float, np.ndarray, list[int]]:
    """A rule on `names` (of `columns`, the order of each row's `x`), its threshold where no answerable set of `train`
    loses more than `miss` (`place` "max") or where they lose `miss` on average ("mean")."""
    cols = [columns.index(n) for n in names]
    train = [r for r in train if used(r).any()]
    pos = [r for r in train if r["answerable"]]
    off = [r for r in train if not r["answerable"] and r["own"]]
    cross = [r for r in train if not r["answerable"] and not r["own"]]
    pair = {id(r): 1 / len(pos) for r in pos} | {id(r): off_share / len(off) for r in off} | \
        {id(r): (1 - off_share) / len(cross) for r in cross}
    xs = [r["x"][used(r)][:, cols] for r in train]
    ys = [np.full(len(x), float(r["answerable"])) for x, r in zip(xs, train, strict=True)]
    ws = np.concatenate([np.full(len(x), pair[id(r)] / len(x)) for x, r in zip(xs, train, strict=True)])
    intercept, coef = fit(np.concatenate(xs), np.concatenate(ys), ws * len(ws) / ws.sum(), l2)
    answered = [intercept + x @ coef for x, r in zip(xs, train, strict=True) if r["answerable"]]
    if place == "max":
        cut = min(float(np.quantile(lg, miss)) for lg in answered)
    else:  # the highest cut at which the answerable sets lose `miss` on average
        tried = np.unique(np.concatenate(answered))
        lost = np.array([np.mean([np.mean(lg < c) for lg in answered]) for c in tried])
        cut = float(tried[np.flatnonzero(lost <= miss).max()])
    return intercept - cut, coef, cols


def logits(rows: list[dict[str, Any]], rule: tuple[float, np.ndarray, list[int]], r: dict[str, Any]) -> np.ndarray:
    intercept, coef, cols = rule
    return intercept + r["x"][used(r)][:, cols] @ coef


def left_out(rows: list[dict[str, Any]], names: list[str] | None) -> dict[tuple[str, str], np.ndarray]:
    """Each pair's logits under the rule fitted without its corpus (today's rule for `names` None)."""
    today = (FULL_RULE.intercept, np.array(list(FULL_RULE.weights.values())), [ALL.index(n) for n in FULL_RULE.weights])
    out = {}
    for corpus in dict.fromkeys(r["corpus"] for r in rows):
        rule = today if names is None else fit_rule([r for r in rows if corpus not in (r["corpus"], r["home"])],
                                                    names)
        out |= {(r["questions"], corpus): logits(rows, rule, r) for r in rows if r["corpus"] == corpus}
    return out


def auc(pos: np.ndarray, neg: np.ndarray) -> float:
    return float((pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean())


def near_auc(rows: list[dict[str, Any]], scores: dict[tuple[str, str], np.ndarray]) -> dict[str, float]:
    """Per corpus with an off-topic set: answerable questions against its off-topic ones, threshold aside."""
    out = {}
    for corpus in dict.fromkeys(r["corpus"] for r in rows if r["own"] and not r["answerable"]):
        mine = [r for r in rows if r["corpus"] == corpus and r["own"] and used(r).any()]
        pos = np.concatenate([scores[(r["questions"], corpus)] for r in mine if r["answerable"]])
        neg = np.concatenate([scores[(r["questions"], corpus)] for r in mine if not r["answerable"]])
        out[corpus] = round(auc(pos, neg), 3)
    return out


def best_placed(rows: list[dict[str, Any]], scores: dict[tuple[str, str], np.ndarray],
                miss: float = 0.05) -> dict[str, float]:
    """Per corpus with an off-topic set: the share of it answered with the threshold placed for that corpus alone
    (known only after the fact), where none of its answerable sets loses more than `miss`: what calibrating the
    rule per corpus could gain at best."""
    out = {}
    for corpus in dict.fromkeys(r["corpus"] for r in rows if r["own"] and not r["answerable"]):
        mine = [r for r in rows if r["corpus"] == corpus and r["own"] and used(r).any()]
        cut = min(float(np.quantile(scores[(r["questions"], corpus)], miss)) for r in mine if r["answerable"])
        neg = np.concatenate([scores[(r["questions"], corpus)] for r in mine if not r["answerable"]])
        out[corpus] = round(float(np.mean(neg >= cut)), 3)
    return out


def report(rows: list[dict[str, Any]]) -> dict[str, Any]:
    rules = {"today": None, "refit": list(FEATURES), "refit + candidates": list(ALL)}
    scores = {name: left_out(rows, names) for name, names in rules.items()}
    table = []
    for r in rows:
        if not (r["own"] or used(r).sum() >= 5) or not used(r).any():
            continue
        key = (r["questions"], r["corpus"])
        table.append({"questions": r["questions"], "corpus": r["corpus"], "answerable": r["answerable"],
                      "own": r["own"], "n": int(used(r).sum()),
                      "flagged": {name: round(float(np.mean(s[key] < 0)), 3) for name, s in scores.items()}})
    single = {name: near_auc(rows, {(r["questions"], r["corpus"]): r["x"][used(r)][:, i] for r in rows})
              for i, name in enumerate(ALL)}
    return {"table": table, "near_auc": {name: near_auc(rows, s) for name, s in scores.items()},
            "off_topic_answered_threshold_per_corpus": {name: best_placed(rows, s) for name, s in scores.items()},
            "near_auc_single_feature": single}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    data_arguments(ap)
    ap.add_argument("--wide", action="store_true", help="with the later audits' corpora and the other languages', "
                    "without piaf's and en_stackfaq's corpora")
    ap.add_argument("--cross-cap", type=int, default=CROSS_CAP, help="questions of a set asked of another corpus")
    ap.add_argument("--reuse", action="store_true", help="the searches the last run kept in the cache")
    ap.add_argument("-o", "--output", type=Path)
    args = ap.parse_args()
    path = rows_path(args.cache, args.wide)
    if args.reuse and path.exists():
        rows, corpora = pickle.loads(path.read_bytes())
    else:
        rows, corpora = collect(args.datasets, args.cache, args.wide, args.cross_cap)
        path.write_bytes(pickle.dumps((rows, corpora)))
    probe_vectors = load_embedder(Settings()).embed_queries(PROBES)
    for r in rows:
        corpus = corpora[r["corpus"]]
        best = (probe_vectors @ corpus["vectors"].T).max(1)
        probe = (float(np.median(best)), float(np.quantile(best, 0.9)))
        r["x"] = np.array([list(raw["ev"]) + candidates(raw, probe, c, corpus, v)
                           for raw, c, v in zip(r["raw"], r["centroid_cos"], r["qv"], strict=True)])
    result = report(rows)
    for t in result["table"]:
        if t["own"]:
            print(f"{t['questions']:>16} {t['corpus']:<14} {'answerable' if t['answerable'] else 'off-topic':10} "
                  f"{t['n']:4} " + " ".join(f"{v:6.3f}" for v in t["flagged"].values()))
    for name, a in result["near_auc"].items():
        print(f"near-topic AUC {name:20} " + " ".join(f"{k}={v:.3f}" for k, v in a.items()))
    for name, a in result["off_topic_answered_threshold_per_corpus"].items():
        print(f"answered, own threshold {name:11} " + " ".join(f"{k}={v:.3f}" for k, v in a.items()))
    if args.output:
        command = "python -m scripts.eval.answerable_cv -o docs/results/answerable_cv.json"
        args.output.write_text(json.dumps({"command": command, **result}, indent=1) + "\n")


if __name__ == "__main__":
    main()
