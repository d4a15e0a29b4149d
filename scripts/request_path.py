"""CPU per question outside the model, stage by stage, for a built index and a question set.

    python scripts/request_path.py INDEX_DIR QUESTIONS.jsonl [--limit 400] [--rounds 9]

Question vectors are computed first (the model is not timed); then each stage of a hybrid search runs over every
question, `--rounds` times, and the minimum and median of the process CPU time per question are printed, in
microseconds: FAISS search, lexical scores, ranking (lexical top rows, candidates, exact cosines, fusion), hits
(highlights, citations), the answer, and the response model with its JSON encoding as the API sends it. CPU time
and the minimum over rounds make the figures comparable between two branches on a shared machine: run the script
for each checkout in turn (`PYTHONPATH=<checkout>` picks the code measured), more than once, and compare.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if not os.environ.get("PYTHONPATH"):  # PYTHONPATH names the checkout to measure; by default, this one
    sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("index", type=Path, help="index folder (as `rag ingest --index` wrote it)")
    parser.add_argument("questions", type=Path, help="questions .jsonl (a `question` field per line)")
    parser.add_argument("--limit", type=int, default=400, help="first N questions")
    parser.add_argument("--rounds", type=int, default=9, help="passes over the questions per stage")
    args = parser.parse_args(argv)

    import numpy as np
    from litestar.serialization import encode_json

    from rag.embedding.base import load_embedder
    from rag.index.store import Index
    from rag.schemas import SearchResponse
    from rag.search.answer import answer
    from rag.search.searcher import Query, Searcher
    from rag.serving.runtime import single_threaded_search
    from rag.settings import Settings

    settings = Settings(index_dir=args.index)
    single_threaded_search()
    index = Index.load(args.index)
    with args.questions.open(encoding="utf-8") as handle:
        questions = [json.loads(line)["question"] for line in handle if line.strip()][:args.limit]
    embedder = load_embedder(settings)
    vectors = np.concatenate([embedder.embed_queries(questions[start:start + embedder.batch_size])
                              for start in range(0, len(questions), embedder.batch_size)])
    searcher = Searcher(index, embedder, candidates=settings.candidates)
    n, weight = min(settings.candidates, len(index)), searcher.dense_weight(index)
    lexical = index.lexical
    cases = []
    for i, question in enumerate(questions):
        query = Query(question)
        lexical.query_terms(question)  # analysed and fuzzy-matched once per question, as a request does
        scores, rows = index.vectors.search(vectors[i:i + 1], n)
        ranking = searcher._rank(index, query, vectors[i], rows[0], scores[0], n, weight)
        hits = searcher._hits(index, ranking, query)
        response = SearchResponse(question=question, passages=hits, answer=answer(hits), mode="hybrid",
                                  model=searcher.model, took_ms=1.0)
        cases.append((query, vectors[i], rows[0], scores[0], ranking, hits, response))

    def stage(name: str, work: Callable[..., object]) -> None:
        per_question = []
        for _ in range(args.rounds):
            started = time.process_time()
            for case in cases:
                work(*case)
            per_question.append((time.process_time() - started) / len(cases) * 1e6)
        print(f"{name:28s} min {min(per_question):8.1f} us   median {statistics.median(per_question):8.1f} us")

    print(f"{len(cases)} questions, {len(index)} passages, {args.rounds} rounds; CPU time per question")
    stage("faiss search", lambda q, v, r, s, f, h, resp: index.vectors.search(v[None, :], n))
    stage("lexical scores", lambda q, v, r, s, f, h, resp: lexical.scores(q.question))
    stage("ranking (lexical included)", lambda q, v, r, s, f, h, resp: searcher._rank(index, q, v, r, s, n, weight))
    stage("hits", lambda q, v, r, s, f, h, resp: searcher._hits(index, f, q))
    stage("answer", lambda q, v, r, s, f, h, resp: answer(h))
    stage("response + JSON", lambda q, v, r, s, f, h, resp: encode_json(
        SearchResponse(question=q.question, passages=h, answer=resp.answer, mode="hybrid", model=searcher.model,
                       took_ms=1.0).model_dump(mode="json")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
