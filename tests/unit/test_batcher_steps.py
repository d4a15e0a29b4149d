"""Micro-batching in two steps (`MicroBatcher`'s `then`): one batch's second step beside the next one's first, at most
two batches in flight, a lone request ranked without a handoff, and every request answered with its own results."""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Sequence

import pytest

from rag.serving.batcher import MicroBatcher
from tests.unit.test_batcher import HANG, Recorder, run, taken, until


class Steps:
    """A first step recording its batches, and a second step that each batch's first item may hold (`hold`) until
    released, recording the thread it ran in and what the first step was doing meanwhile."""

    def __init__(self, hold: frozenset[int] = frozenset()) -> None:
        self.first = Recorder()
        self.hold = hold
        self.held = threading.Event()  # a second step is being held
        self.release = threading.Event()
        self.ranked: list[tuple[list[int], str]] = []

    def then(self, middle: list[str]) -> list[str]:
        items = [int(answer.removeprefix("answer-")) for answer in middle]
        self.ranked.append((items, threading.current_thread().name))
        if items[0] in self.hold:
            self.held.set()
            assert self.release.wait(HANG)
        return [f"{answer}-ranked" for answer in middle]


def test_each_request_gets_its_own_results_through_both_steps():
    steps = Steps()

    async def scenario():
        batcher = MicroBatcher(steps.first, then=steps.then, max_batch=8)
        try:
            return await asyncio.gather(*(batcher.submit([n, n + 1000]) for n in range(60)))
        finally:
            batcher.close()

    assert run(scenario()) == [[f"answer-{n}-ranked", f"answer-{n + 1000}-ranked"] for n in range(60)]
    assert sorted(n for batch, _ in steps.ranked for n in batch) == sorted([*range(60), *range(1000, 1060)])
    assert steps.first.threads == {"rag-batcher"}  # the model's step always in the worker


def test_a_batch_is_ranked_beside_the_next_ones_first_step_and_no_third_is_taken():
    """While batch [1]'s second step is held, the worker computes [2]'s first step (side by side), hands nothing more
    over, and takes no third batch until the ranker is free: at most two batches in flight."""
    steps = Steps(hold=frozenset({1}))
    gate = threading.Event()

    def first(items: Sequence[int]) -> list[str]:
        if items == [1]:
            assert gate.wait(HANG)
        return steps.first(items)

    async def scenario():
        batcher = MicroBatcher(first, then=steps.then, max_batch=1)
        try:
            one = asyncio.ensure_future(batcher.submit([1]))
            await taken(batcher, 1)
            two = asyncio.ensure_future(batcher.submit([2]))  # queued while [1] is computed: [1] is handed over
            three = asyncio.ensure_future(batcher.submit([3]))
            await until(lambda: batcher.pending == (2, 2), "[2] and [3] queued")
            gate.set()
            await until(steps.held.is_set, "[1] ranked")
            await until(lambda: [2] in steps.first.batches, "[2]'s first step computed beside [1]'s second")
            await asyncio.sleep(0.05)
            assert [3] not in steps.first.batches  # [2] waits for the ranker: no third batch in flight
            assert not one.done()
            steps.release.set()
            return await asyncio.gather(one, two, three)
        finally:
            gate.set()
            steps.release.set()
            batcher.close()

    assert run(scenario()) == [["answer-1-ranked"], ["answer-2-ranked"], ["answer-3-ranked"]]
    threads = dict((batch[0], thread) for batch, thread in steps.ranked)
    assert threads[1] == "rag-batcher-rank"  # handed over: [2] was queued when its first step was done


def test_a_lone_request_is_ranked_in_the_worker_without_a_handoff():
    steps = Steps()

    async def scenario():
        batcher = MicroBatcher(steps.first, then=steps.then)
        try:
            return await batcher.submit([7])
        finally:
            batcher.close()

    assert run(scenario()) == ["answer-7-ranked"]
    assert steps.ranked == [([7], "rag-batcher")]


@pytest.mark.parametrize("where", ["first", "then"])
def test_a_failing_step_fails_each_request_of_its_batch_and_the_batcher_goes_on(where):
    def first(items: Sequence[int]) -> list[int]:
        if where == "first" and 13 in items:
            raise ValueError("boom")
        return list(items)

    def then(middle: list[int]) -> list[int]:
        if where == "then" and 13 in middle:
            raise ValueError("boom")
        return [n * 2 for n in middle]

    async def scenario():
        batcher = MicroBatcher(first, then=then, max_batch=1)
        try:
            with pytest.raises(ValueError, match="boom"):
                await batcher.submit([13])
            return await batcher.submit([4]), batcher.pending
        finally:
            batcher.close()

    assert run(scenario()) == ([8], (0, 0))


def test_the_ranker_holds_no_batch_once_its_results_are_handed_back():
    """As the worker (test_batcher): an idle ranker keeps nothing of the last batch it ranked alive."""

    class Result:
        pass

    made: list[weakref.ref] = []
    gate = threading.Event()

    def first(items: Sequence[int]) -> list[int]:
        if items == [1]:
            assert gate.wait(HANG)  # [2] queues meanwhile: [1] is handed over to the ranker
        return list(items)

    def then(middle: list[int]) -> list[Result]:
        results = [Result() for _ in middle]
        made.extend(weakref.ref(result) for result in results)
        return results

    async def scenario():
        batcher = MicroBatcher(first, then=then, max_batch=1)
        try:
            one = asyncio.ensure_future(batcher.submit([1]))
            await taken(batcher, 1)
            two = asyncio.ensure_future(batcher.submit([2]))
            gate.set()
            await asyncio.gather(one, two)
            del one, two
            await until(lambda: len(made) == 2 and all(ref() is None for ref in made), "both threads let go")
        finally:
            batcher.close()

    run(scenario())


def test_close_stops_both_threads():
    steps = Steps()

    async def scenario():
        batcher = MicroBatcher(steps.first, then=steps.then, name="closing")
        await batcher.submit([1])
        batcher.close()
        return batcher

    batcher = run(scenario())
    names = {thread.name for thread in threading.enumerate()}
    assert not {"closing", "closing-rank"} & names, names
    assert batcher.items == 1


def test_a_batch_handed_over_while_the_batcher_closes_is_still_answered():
    """close() while [1] is ranked and [2]'s first step runs, [3] queued behind: the ranker, done with [1], must not
    stop before ranking [2], which the worker hands it as it finishes (a batch taken is always answered)."""
    steps = Steps(hold=frozenset({1}))
    gate, second = threading.Event(), threading.Event()

    def first(items: Sequence[int]) -> list[str]:
        if items == [1]:
            assert gate.wait(HANG)  # [2] queues meanwhile: [1] is handed over
        if items == [2]:
            assert second.wait(HANG)
        return steps.first(items)

    async def scenario():
        batcher = MicroBatcher(first, then=steps.then, max_batch=1)
        closing = None
        try:
            one = asyncio.ensure_future(batcher.submit([1]))
            await taken(batcher, 1)
            two = asyncio.ensure_future(batcher.submit([2]))
            await until(lambda: batcher.pending == (1, 1), "[2] queued")
            gate.set()
            await until(steps.held.is_set, "[1] ranked")
            await taken(batcher, 2)
            three = asyncio.ensure_future(batcher.submit([3]))  # queued: [2] is handed over once computed
            await until(lambda: batcher.pending == (1, 1), "[3] queued")
            closing = asyncio.ensure_future(asyncio.to_thread(batcher.close))
            await asyncio.sleep(0.05)
            steps.release.set()  # [1] done: the ranker goes back for more
            await asyncio.sleep(0.05)
            second.set()  # [2]'s first step done: handed over
            answered = await asyncio.wait_for(asyncio.gather(one, two), 10)
            await closing
            three.cancel()
            return answered, batcher._running_cost
        finally:
            gate.set()
            steps.release.set()
            second.set()
            if closing is None:
                batcher.close()

    assert run(scenario()) == ([["answer-1-ranked"], ["answer-2-ranked"]], 0)


def test_a_ranker_that_fails_to_start_leaves_the_ranking_to_the_worker():
    """The ranker's `on_start` failed: every batch is ranked by the worker, none handed to a thread that is gone (the
    first crowd's batch was, and the worker then waited for the ranker for ever)."""
    steps = Steps()

    def on_start() -> None:
        if threading.current_thread().name.endswith("-rank"):
            raise RuntimeError("no thread settings here")

    async def scenario():
        batcher = MicroBatcher(steps.first, then=steps.then, max_batch=2, on_start=on_start, name="failing")
        try:
            return await asyncio.wait_for(asyncio.gather(*(batcher.submit([n]) for n in range(8))), 20)
        finally:
            batcher.close()

    previous = threading.excepthook
    threading.excepthook = lambda args: None  # the ranker's error, expected
    try:
        assert run(scenario()) == [[f"answer-{n}-ranked"] for n in range(8)]
    finally:
        threading.excepthook = previous
    assert {thread for _, thread in steps.ranked} == {"failing"}
