"""Answerable questions said not answerable, which of the rule's features says no, and how each set would read if
some unknown words were not counted (issue 15, stop 65).

    HF_HUB_OFFLINE=1 .venv/bin/python -m scripts.eval.answerable_misses -o /tmp/answerable_misses.json [--only seed,...]

Each corpus of `scripts.eval.http_audit` (`--only`: its names) is ingested by `rag ingest` as there and searched in
process with the default settings: the same ranking and `answerable` as `POST /v1/search` (the seed corpus's sets read
the HTTP audit's shares to the digit). For every question of an answerable set said not answerable: the rule that
decided (`full`, `across`, `minilm`: `rag.search.answerable.rule_for`), its features, the one that says no (whose
weighted distance to the median of the answerable questions said answerable by the same rule, over every set run,
lowers the logit most), whether the first passage or one of the first five holds a gold answer, and its cause: a
question in another language than the corpus's, else that feature; the question's unknown words (those
`unknown_share` counts, the chat shorthand written out first as the searcher does) by kind: `kin` (the index holds a
kin of it: `kin_held`), `digits`, `short` (three letters or fewer) or `word`. `--reuse` reads an earlier run's
searches (its `questions`) again; `--against` asks the visible sets of the seed corpus and cnil_faq_dev, which do not
answer them (`against`), instead of the audit's sets.

Then each set's share said answerable when some unknown words are left out of the count (`VARIANTS`), its evidence
recomputed from the search's: `unknown` and `coverage` (whose denominator weighs each unknown word as the question's
rarest indexed one) without them, the same rule. The rule across languages weighs unknown words up, and keeps them.
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import statistics
import subprocess
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from rag.index.lexical import FUZZY_MIN_CHARS, LexicalIndex
from rag.search.answerable import ACROSS_RULE, FULL_RULE, MINILM_RULE, Evidence, Rule
from rag.search.shorthand import written_out
from scripts.eval.common import ROOT, norm
from scripts.eval.http_audit import DATASETS, RAG, cnil_corpus, corpora, read_rows

RULES = {"full": FULL_RULE, "across": ACROSS_RULE, "minilm": MINILM_RULE}
KIN_MIN_CHARS = 5  # the shorter stem: "proteg" of "protegent", "premi" of "premier"; `rag.search.kin` asks 7
KIN_MAX_EXTRA = 3  # letters the longer stem has more: a verb's ending ("ent"), as `rag.search.kin`


def kin_held(term: str, vocabulary: list[str], min_chars: int = KIN_MIN_CHARS,
             max_extra: int = KIN_MAX_EXTRA) -> bool:
    """Whether the sorted `vocabulary` holds a kin of `term` it lacks: a term that starts it or that it starts, the
    shorter of `min_chars` letters at least, the longer at most `max_extra` letters more ("traitent" of "trait", not
    "reclamation" of "reclam")."""
    def held(word: str) -> bool:
        at = bisect.bisect_left(vocabulary, word)
        return at < len(vocabulary) and vocabulary[at] == word

    if any(held(term[:n]) for n in range(max(min_chars, len(term) - max_extra), len(term))):
        return True
    if len(term) < min_chars:
        return False
    at = bisect.bisect_right(vocabulary, term)
    while at < len(vocabulary) and vocabulary[at].startswith(term):
        if len(vocabulary[at]) - len(term) <= max_extra:
            return True
        at += 1
    return False


def kind(term: str, vocabulary: list[str]) -> str:
    """What an unknown word is: `digits`, `kin` (of a word the index holds), `short` or `word`."""
    if any(c.isdigit() for c in term):
        return "digits"
    if kin_held(term, vocabulary):
        return "kin"
    return "short" if len(term) <= 3 else "word"


# an unknown word's kinds left out of the count, by variant
VARIANTS: dict[str, Callable[[str], bool]] = {
    "kin": lambda k: k == "kin", "digits": lambda k: k == "digits", "kin, digits": lambda k: k in ("kin", "digits")}


def without(evidence: Evidence, weights: dict[str, float], distinct: int, unknown: int, left: int) -> Evidence:
    """`evidence` with `left` of the question's `unknown` words (of `distinct`) not counted: `unknown_share` and
    `coverage` as the searcher computes them from the indexed words' idf (`weights`)."""
    if not left:
        return evidence
    rarest = max(weights.values(), default=1.0)
    total = sum(weights.values()) + rarest * unknown
    found = evidence.coverage * total
    total -= rarest * left
    distinct -= left
    return replace(evidence, unknown=(unknown - left) / distinct if distinct else 0.0,
                   coverage=found / total if total > 0 else 0.0)


def decided_by(evidence: Evidence, probability: float) -> str:
    """The name of the rule whose probability the search gave."""
    return next((name for name, rule in RULES.items() if rule.probability(evidence) == probability), "?")


def worst(evidence: Evidence, rule: Rule, median: dict[str, float]) -> str:
    """The feature whose weighted distance to `median` lowers the logit most."""
    return min(rule.weights, key=lambda f: rule.weights[f] * (getattr(evidence, f) - median[f]))


def unknown(lexical: LexicalIndex, term: str) -> bool:
    """Whether `unknown_share` counts the analysed `term`: neither held nor a misspelling of a held one
    (`LexicalIndex.query_terms`)."""
    return not lexical.holds_term(term) and (
        not lexical.fuzzy or len(term) < FUZZY_MIN_CHARS or lexical.closest(term) is None)


def against(tmp: Path) -> dict[str, tuple[Path, list[tuple[str, Path, bool]]]]:
    """`rag eval --against`'s pairs on two corpora: the visible sets asked of the seed corpus and of cnil_faq_dev,
    which do not answer them."""
    audit = corpora(tmp)
    piaf, cnil, stack = (DATASETS / name / "questions.jsonl" for name in ("piaf", "cnil_faq_dev", "en_stackfaq"))
    return {"seed": (audit["seed"][0], [("piaf", piaf, False), ("cnil_faq_dev", cnil, False),
                                        ("en_stackfaq", stack, False)]),
            "cnil": (audit["cnil"][0], [("devset", ROOT / "tests" / "data" / "devset.jsonl", False),
                                        ("piaf", piaf, False)])}


def searched(only: list[str] | None, tmp: Path, far: bool = False) -> list[dict[str, Any]]:
    """Every question of the corpora run (`far`: of `against`'s pairs), with what its search found and read."""
    from rag.search.queries import make_queries
    from rag.serving.runtime import load_searcher
    from rag.settings import Settings

    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_") or k == "RAG_MODEL_CACHE"}
    env["HF_HUB_OFFLINE"] = "1"
    rows: list[dict[str, Any]] = []
    for name, (folder, sets) in (against(tmp) if far else corpora(tmp)).items():
        if only and name not in only:
            continue
        if name == "cnil":
            cnil_corpus(folder)
        index_dir = tmp / f"index-{name}"
        subprocess.run([RAG, "ingest", str(folder), "--index", str(index_dir), "--json", "-q"], env=env, check=True,
                       capture_output=True)
        settings = Settings(index_dir=index_dir)
        searcher = load_searcher(settings)
        lexical = searcher.index.lexical
        language = lexical.analyzer.language
        vocabulary = sorted(lexical.terms)

        for set_name, path, answerable in sets:
            questions = read_rows(path)
            found = searcher.search(make_queries(settings, [q["question"] for q in questions], None, None,
                                                 index=searcher.index))
            for question, hits in zip(questions, found, strict=True):
                if hits.evidence is None or hits.probability is None:
                    continue
                read = written_out(question["question"], language, lexical.holds_word)
                weights = lexical.term_weights(read)
                analysed = list(dict.fromkeys(lexical.analysed_terms(read)))
                answers = [norm(a) for a in question.get("answers") or ()]
                holds = [any(a in norm(h.text) for a in answers) for h in hits[:5]]
                rows.append({
                    "corpus": name, "set": set_name, "id": question["id"], "question": question["question"],
                    "expected": answerable, "answerable": hits.answerable, "probability": hits.probability,
                    "rule": decided_by(hits.evidence, hits.probability), "evidence": asdict(hits.evidence),
                    "other_language": hits.asked_in != language, "weights": weights, "distinct": len(analysed),
                    "unknown": {t: kind(t, vocabulary) for t in analysed if unknown(lexical, t)},
                    "gold": "ungraded" if not answers else "first" if holds[0] else "first five" if any(holds)
                    else "no"})
    return rows


def report(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Each set's share said answerable, under today's count and each variant; the misses with their cause."""
    medians = {}  # by rule: all-MiniLM-L6-v2's cosines run on another scale
    for name in RULES:
        said = [r for r in rows if r["expected"] and r["answerable"] and r["rule"] == name]
        medians[name] = {f: statistics.median(r["evidence"][f] for r in said) if said else 0.0
                         for f in FULL_RULE.weights}
    sets: dict[str, dict[str, Any]] = {}
    misses, causes, words = [], Counter(), Counter()
    for r in rows:
        evidence, rule = Evidence(**r["evidence"]), RULES.get(r["rule"], FULL_RULE)
        figures = sets.setdefault(f"{r['corpus']}/{r['set']}", {"expected": r["expected"], "questions": 0,
                                                               "today": 0, **dict.fromkeys(VARIANTS, 0)})
        figures["questions"] += 1
        figures["today"] += r["answerable"]
        for variant, left_out in VARIANTS.items():
            counted = r["distinct"] - len(r["weights"])  # as `unknown_share` counts them
            left = 0 if rule is ACROSS_RULE else min(counted, sum(left_out(k) for k in r["unknown"].values()))
            moved = without(evidence, r["weights"], r["distinct"], counted, left)
            figures[variant] += r["answerable"] if moved is evidence else rule.probability(moved) >= 0.5
        if not r["expected"] or r["answerable"]:
            continue
        feature = worst(evidence, rule, medians.get(r["rule"], medians["full"]))
        cause = f"question in another language ({r['rule']} rule)" if r["other_language"] else feature
        if r["gold"] in ("first", "first five"):
            causes[cause] += 1
            if cause == "unknown":
                words.update(r["unknown"].values())
        misses.append({k: r[k] for k in ("corpus", "set", "id", "question", "probability", "rule", "gold",
                                         "unknown", "evidence")} | {"says_no": feature, "cause": cause})
    for figures in sets.values():
        for key in ("today", *VARIANTS):
            figures[key] = round(figures[key] / figures["questions"], 4)
    return {"median_said_answerable": medians, "sets": sets, "causes": dict(causes.most_common()),
            "unknown_words": dict(words.most_common()), "misses": misses}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-o", "--output", type=Path, required=True)
    ap.add_argument("--only", help="corpora to run, comma-separated (`scripts.eval.http_audit`'s names)")
    ap.add_argument("--against", action="store_true", help="ask `rag eval --against`'s pairs instead (`against`)")
    ap.add_argument("--reuse", type=Path, help="an earlier run's output: its questions' searches, not searched again")
    args = ap.parse_args()
    if args.reuse:
        rows = json.loads(args.reuse.read_text(encoding="utf-8"))["questions"]
    else:
        with tempfile.TemporaryDirectory(prefix="rag-answerable-misses-") as tmp:
            rows = searched(args.only.split(",") if args.only else None, Path(tmp), args.against)
    out = report(rows) | {"questions": rows}
    for name, figures in out["sets"].items():
        print(json.dumps({"set": name, **figures}), flush=True)
    print(json.dumps({"causes": out["causes"], "unknown_words": out["unknown_words"]}), flush=True)
    args.output.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
