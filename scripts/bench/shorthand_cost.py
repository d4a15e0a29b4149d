"""CPU per question that writing out chat shorthand adds to a search (`rag.search.shorthand`, before the model).

    PYTHONPATH=CHECKOUT python scripts/bench/shorthand_cost.py INDEX_DIR QUESTIONS.jsonl [...] [--rounds 9]

Each question is written out as the searcher writes it (`rag.search.shorthand.written_out`, in the index's language,
the words it holds kept), every round; the minimum and median process CPU time per question are printed, in
microseconds, to set beside `scripts/bench/request_path.py`'s search outside the model.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from rag.index.store import Index
from rag.search.shorthand import written_out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("index", type=Path)
    ap.add_argument("questions", type=Path, nargs="+")
    ap.add_argument("--rounds", type=int, default=9)
    args = ap.parse_args()
    index = Index.load(args.index)
    questions = [json.loads(line)["question"] for path in args.questions
                 for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    language, holds = index.lexical.analyzer.language, index.lexical.holds_word
    per_question = []
    for _ in range(args.rounds):
        started = time.process_time()
        for question in questions:
            written_out(question, language, holds)
        per_question.append((time.process_time() - started) / len(questions) * 1e6)
    print(json.dumps({"questions": len(questions), "us_min": round(min(per_question), 1),
                      "us_median": round(statistics.median(per_question), 1)}))


if __name__ == "__main__":
    main()
