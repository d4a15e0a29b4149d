"""Measure how search reads a conversation's earlier messages (`rag.search.conversation`), on the conversations of
tests/data/conversations/ and on off-topic messages sent after an on-topic conversation.

    HF_HUB_OFFLINE=1 .venv/bin/python -m scripts.eval.conversation_sweep [--grid]

For each setting (messages read, dense weight, lexical weight; `0 0 0`: the message alone, as without `context`): the
share of turns whose first passage holds the answer, by style (follow_up, topic_switch, standalone_repeat, all), the
share whose `answer` snippet holds it, the share said not `answerable`, the turns whose first passage lost or gained
the answer against the message alone (each turn counted, not the net change); then, for the off-topic messages of
tests/data/audit37/off_topic_seed.jsonl and tests/data/chat/off_topic.jsonl (seed corpus) and
tests/data/help_centre/off_topic.jsonl (help centre), each sent after the context of a conversation of the same
corpus, the share said not `answerable`, alone and with that context. `--grid` sweeps the settings docs/EVALUATION.md
reports; without it, the message alone and the defaults.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

import rag.search.conversation as conversation
from rag.embedding.load import load_embedder
from rag.evaluation import corpus_documents, has_answer, memory_index
from rag.search.answer import answer
from rag.search.searcher import Query, Searcher
from rag.settings import Settings
from scripts.eval.common import ROOT

DATA = ROOT / "tests" / "data"
SETS = {"seed": (ROOT / "corpus", DATA / "conversations" / "seed.jsonl",
                 [DATA / "audit37" / "off_topic_seed.jsonl", DATA / "chat" / "off_topic.jsonl"]),
        "help_centre": (DATA / "help_centre" / "pages", DATA / "conversations" / "help_centre.jsonl",
                        [DATA / "help_centre" / "off_topic.jsonl"])}
STYLES = ("follow_up", "topic_switch", "standalone_repeat", "all")


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--grid", action="store_true", help="sweep messages read and both weights")
    args = ap.parse_args()
    settings = Settings()
    model = load_embedder(settings)
    built = {name: (lines(turns), [m["question"] for p in off for m in lines(p)],
                    Searcher.from_settings(memory_index(corpus_documents(corpus), settings, model), model, settings))
             for name, (corpus, turns, off) in SETS.items()}
    default = (conversation.CONTEXT_READ, conversation.DENSE_WEIGHT, conversation.LEXICAL_WEIGHT)
    grid = [(0, 0.0, 0.0), default]
    if args.grid:
        grid = [(0, 0.0, 0.0)] + [(r, d, lx) for r in (1, 2) for d in (0.3, 0.5, 0.7, 1.0) for lx in (0.3, 0.5, 1.0)]
    print("read dense lexical | per set: answer R@1 " + " / ".join(STYLES) + ", snippet, flagged, lost/gained, "
          "off-topic flagged")
    alone: dict[str, list[bool]] = {}
    for setting in grid:
        conversation.CONTEXT_READ, conversation.DENSE_WEIGHT, conversation.LEXICAL_WEIGHT = setting
        out = []
        for name, (turns, off, searcher) in built.items():
            found = searcher.search([Query(t["question"], 5, context=tuple(t["context"])) for t in turns])
            first: dict[str, list[bool]] = defaultdict(list)
            snippet = flagged = 0
            for turn, hits in zip(turns, found, strict=True):
                ok = bool(hits) and has_answer(hits[0].text, turn["answers"])
                first[turn["style"]].append(ok)
                first["all"].append(ok)
                first["turns"].append(ok)
                best = answer(hits)
                snippet += best is not None and has_answer(best.text, turn["answers"])
                flagged += not hits.answerable
            after = searcher.search([Query(m, 5, context=tuple(turns[i % len(turns)]["context"]))
                                     for i, m in enumerate(off)])
            before = alone.setdefault(name, first["turns"])
            changed = [(t["id"], now) for t, was, now in zip(turns, before, first["turns"], strict=True) if was != now]
            lost, gained = sum(not now for _, now in changed), sum(now for _, now in changed)
            out.append(" / ".join(f"{sum(first[s]) / len(first[s]):.3f}" for s in STYLES) +
                       f", {snippet / len(turns):.3f}, {flagged / len(turns):.3f}, {lost}/{gained}, "
                       f"{sum(not h.answerable for h in after) / len(off):.3f}")
        print(f"{setting[0]} {setting[1]:.1f} {setting[2]:.1f} | " + " | ".join(out), flush=True)


if __name__ == "__main__":
    main()
