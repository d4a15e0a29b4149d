"""CPU per question outside the model, stage by stage, for a built index and a question set.

    PYTHONPATH=CHECKOUT python scripts/bench/request_path.py INDEX_DIR QUESTIONS.jsonl [...] [--limit 400] [--rounds 9]
        [--stages search,answer,response]

Question vectors are computed first (the model is not timed); then each stage of a hybrid search runs over every
question, `--rounds` times, and the minimum and median of the process CPU time per question are printed, in
microseconds: FAISS search, lexical scores, the whole search outside the model (FAISS, headings, lexical scores,
fusion, highlights, citations: `Searcher.search` answered with the precomputed vectors), the answer, and the response
model with its JSON encoding as the API sends it. CPU time and the minimum over rounds make the figures comparable
between two branches on a shared machine: run the script for each checkout in turn, more than once, and compare.
It imports nothing but rag, so it runs as a file too: `PYTHONPATH=<checkout>` then picks the code measured.
`--stages` runs some stages only and `--vectors` keeps the questions' vectors in a file: under
`valgrind --tool=callgrind`, the instructions of two runs that differ only in `--rounds` give, by their difference,
what those stages cost, the same on a busy machine as on a quiet one.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

STAGES = ("faiss", "lexical", "search", "answer", "response")


class Precomputed:
    """An embedder that answers from vectors computed beforehand, so that a search runs without the model."""

    def __init__(self, name: str, vectors: dict[str, object]) -> None:
        self.name, self.vectors = name, vectors

    def embed_queries(self, questions: list[str]) -> object:
        import numpy as np

        return np.stack([self.vectors[q] for q in questions])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("index", type=Path, help="index folder (as `rag ingest --index` wrote it)")
    parser.add_argument("questions", type=Path, nargs="+", help="questions .jsonl (a `question` field per line)")
    parser.add_argument("--limit", type=int, default=400, help="first N questions")
    parser.add_argument("--rounds", type=int, default=9, help="passes over the questions per stage")
    parser.add_argument("--vectors", type=Path, help="the questions' vectors (.npy): read when the file exists, "
                        "else computed and written there; read, the model is not loaded (a run under valgrind)")
    parser.add_argument("--stages", default=",".join(STAGES),
                        help="stages to run, comma-separated: " + ", ".join(STAGES))
    args = parser.parse_args(argv)

    import numpy as np
    from litestar.serialization import encode_json

    from rag.embedding.load import load_embedder
    from rag.index.store import Index
    from rag.schemas import SearchResponse
    from rag.search.answer import answer
    from rag.search.searcher import Query, Searcher
    from rag.serving.runtime import single_threaded_search
    from rag.settings import Settings

    settings = Settings(index_dir=args.index)
    single_threaded_search()
    index = Index.load(args.index)
    questions = [json.loads(line)["question"] for path in args.questions
                 for line in path.read_text(encoding="utf-8").splitlines() if line.strip()][:args.limit]
    embedded = [index.embedded_question(q) for q in questions]  # what the searcher asks the model to embed
    if args.vectors is not None and args.vectors.exists():
        vectors, dimension = np.load(args.vectors), int(index.model["dimension"])
        if vectors.shape != (len(questions), dimension):
            parser.error(f"{args.vectors} holds {vectors.shape[0]} vectors of {vectors.shape[1]} dimensions, not "
                         f"{len(questions)} of {dimension}: written for other questions or another model")
        model = str(index.model.get("name", ""))
    else:
        embedder = load_embedder(settings)
        vectors = np.concatenate([embedder.embed_queries(embedded[start:start + embedder.batch_size])
                                  for start in range(0, len(embedded), embedder.batch_size)])
        model = embedder.name
        if args.vectors is not None:
            np.save(args.vectors, vectors)
    searcher = Searcher(index, Precomputed(model, dict(zip(embedded, vectors, strict=True))),
                        candidates=settings.candidates)
    n = min(settings.candidates, len(index))
    lexical = index.lexical
    cases = []
    for i, question in enumerate(questions):
        query = Query(question)
        lexical.query_terms(question)  # analysed and fuzzy-matched once per question, as a request does
        hits = searcher.search([query])[0]
        response = SearchResponse(question=question, passages=hits, answer=answer(hits, hits.answerable),
                                  answerable=hits.answerable, question_language=hits.asked_in,
                                  documents_language=hits.language, mode="hybrid", model=searcher.model, took_ms=1.0)
        cases.append((query, vectors[i], hits, response))

    chosen = args.stages.split(",")
    if unknown := sorted(set(chosen) - set(STAGES)):
        parser.error(f"unknown stage {', '.join(unknown)}: the stages are {', '.join(STAGES)}")

    def stage(key: str, name: str, work: Callable[..., object]) -> None:
        if key not in chosen:
            return
        per_question = []
        for _ in range(args.rounds):
            started = time.process_time()
            for case in cases:
                work(*case)
            per_question.append((time.process_time() - started) / len(cases) * 1e6)
        print(f"{name:28s} min {min(per_question):8.1f} us   median {statistics.median(per_question):8.1f} us")

    print(f"{len(cases)} questions, {len(index)} passages, {args.rounds} rounds; CPU time per question")
    stage("faiss", "faiss search", lambda q, v, h, resp: index.vectors.search(v[None, :], n))
    stage("lexical", "lexical scores", lambda q, v, h, resp: lexical.scores(q.question))
    stage("search", "search outside the model", lambda q, v, h, resp: searcher.search([q]))
    stage("answer", "answer", lambda q, v, h, resp: answer(h, h.answerable))
    stage("response", "response + JSON", lambda q, v, h, resp: encode_json(
        SearchResponse(question=q.question, passages=h, answer=resp.answer, answerable=h.answerable,
                       question_language=h.asked_in, documents_language=h.language, mode="hybrid",
                       model=searcher.model, took_ms=1.0).model_dump(mode="json")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
