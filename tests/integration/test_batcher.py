"""Micro-batching over the real searcher: answers batched together are the answers alone."""

from __future__ import annotations

import asyncio

import pytest

from rag.search.searcher import Query
from rag.serving.batcher import MicroBatcher
from tests.helpers.batching import devset_questions, same_answer


@pytest.mark.parametrize("steps", [False, True], ids=["one step", "model beside ranking"])
def test_concurrent_batch_submits_through_the_real_searcher(searcher, steps):
    """The batcher over the real searcher: 96 different queries at once, each checked against its answer alone; in
    one step, and as the server runs it, one batch ranked beside the next one's model call."""
    queries = [Query(q, 1 + n % 5, ("hybrid", "dense", "lexical")[n % 3]) for n, q in enumerate(devset_questions() * 3)]
    alone = [searcher.search([q])[0] for q in queries]

    async def scenario():
        batcher = MicroBatcher(searcher.embed, then=searcher.rank, max_batch=16) if steps else \
            MicroBatcher(searcher.search, max_batch=16)
        try:
            answers = await asyncio.gather(*(batcher.submit([q]) for q in queries))
            return answers, batcher.batches
        finally:
            batcher.close()

    answers, batches = asyncio.run(scenario())
    assert batches <= len(queries) / 2
    for query, (hits,), expected in zip(queries, answers, alone, strict=True):
        same_answer([h.model_dump() for h in hits], expected, query.question)
