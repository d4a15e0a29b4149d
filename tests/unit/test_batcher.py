"""Micro-batching: bounded batches, bounded wait, a free event loop, and every request answered with its own results."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable, Sequence

import pytest

from rag.errors import Overloaded
from rag.serving.batcher import MicroBatcher


class Recorder:
    """A batch function that answers each item with a value derived from it, and records the batches it saw."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.batches: list[list[int]] = []
        self.threads: set[str] = set()

    def __call__(self, items: Sequence[int]) -> list[str]:
        self.batches.append(list(items))
        self.threads.add(threading.current_thread().name)
        time.sleep(self.delay)
        return [f"answer-{item}" for item in items]


def run(coro):
    return asyncio.run(coro)


def held() -> tuple[threading.Event, Callable[[Sequence[int]], list[int]]]:
    """A batch function that answers each item with itself once `release` is set: until then the worker holds
    its batch, and the queue stays as the test puts it."""
    release = threading.Event()

    def fn(items: Sequence[int]) -> list[int]:
        release.wait(10)
        return list(items)

    return release, fn


def test_concurrent_submits_share_batches_bounded_in_size_and_get_their_own_results():
    fn = Recorder(delay=0.01)

    async def scenario():
        batcher = MicroBatcher(fn, max_batch=8)
        try:
            return await asyncio.gather(*(batcher.submit([n]) for n in range(100)))
        finally:
            batcher.close()

    results = run(scenario())
    assert results == [[f"answer-{n}"] for n in range(100)]
    assert max(len(b) for b in fn.batches) == 8  # a crowd fills batches up to the bound, never beyond
    assert len(fn.batches) < 100 / 2
    assert sorted(n for b in fn.batches for n in b) == list(range(100))  # each item computed exactly once
    assert fn.threads == {"rag-batcher"}


def test_multi_item_submit_keeps_order():
    fn = Recorder()

    async def scenario():
        batcher = MicroBatcher(fn, max_batch=3)
        try:
            return await asyncio.gather(batcher.submit([1, 2, 3, 4, 5]), batcher.submit([6, 7]))
        finally:
            batcher.close()

    assert run(scenario()) == [[f"answer-{n}" for n in (1, 2, 3, 4, 5)], ["answer-6", "answer-7"]]
    assert max(len(b) for b in fn.batches) <= 3


def test_without_max_wait_a_lone_request_goes_alone():
    fn = Recorder()

    async def scenario():
        batcher = MicroBatcher(fn, max_batch=32)
        try:
            first = asyncio.ensure_future(batcher.submit([1]))
            await asyncio.sleep(0.2)
            return await first, await batcher.submit([2])
        finally:
            batcher.close()

    assert run(scenario()) == (["answer-1"], ["answer-2"])
    assert fn.batches == [[1], [2]]


def test_after_a_crowd_the_worker_waits_for_as_many_again_and_no_longer_than_max_wait():
    fn = Recorder()

    async def scenario():
        batcher = MicroBatcher(fn, max_batch=32, max_wait=0.3)
        try:
            started = time.perf_counter()
            await batcher.submit([0])  # a lone first request: no crowd seen yet, no wait
            alone = time.perf_counter() - started
            await asyncio.gather(*(batcher.submit([n]) for n in (1, 2, 3)))  # a crowd of three
            first = asyncio.ensure_future(batcher.submit([4]))
            await asyncio.sleep(0.05)
            second = asyncio.ensure_future(batcher.submit([5]))
            await asyncio.gather(first, second)  # ... waited for company: the two share a call
            started = time.perf_counter()
            await batcher.submit([6])  # expects two, none comes: goes alone after max_wait
            waited = time.perf_counter() - started
            return alone, waited
        finally:
            batcher.close()

    alone, waited = run(scenario())
    assert fn.batches[0] == [0] and [4, 5] in fn.batches and fn.batches[-1] == [6]
    assert alone < 0.3 <= waited + 0.01
    assert waited < 3.0


def test_event_loop_stays_free_while_a_batch_runs():
    fn = Recorder(delay=0.3)

    async def scenario():
        batcher = MicroBatcher(fn)
        ticks = 0

        async def ticker():
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        task = asyncio.ensure_future(ticker())
        try:
            await batcher.submit([1])
        finally:
            task.cancel()
            batcher.close()
        return ticks

    assert run(scenario()) >= 10  # the loop kept running other coroutines during the 0.3 s call


def test_a_failing_batch_fails_each_of_its_requests_and_the_worker_goes_on():
    calls = []

    def fn(items: Sequence[int]) -> list[int]:
        calls.append(list(items))
        if len(calls) == 1:
            raise ValueError("model exploded")
        return list(items)

    async def scenario():
        batcher = MicroBatcher(fn)
        try:
            with pytest.raises(ValueError, match="exploded"):
                await batcher.submit([1])
            return await batcher.submit([2])
        finally:
            batcher.close()

    assert run(scenario()) == [2]


def test_a_batch_function_returning_the_wrong_count_is_an_error_not_a_shift():
    async def scenario():
        batcher = MicroBatcher(lambda items: list(items)[1:])
        try:
            await batcher.submit([1, 2])
        finally:
            batcher.close()

    with pytest.raises(RuntimeError, match="returned 1 results for 2 items"):
        run(scenario())


def test_full_queue_is_overloaded():
    release, fn = held()

    async def scenario():
        batcher = MicroBatcher(fn, max_batch=1, max_queue=3)
        try:
            with pytest.raises(Overloaded):
                await batcher.submit([1, 2, 3, 4])
            first = asyncio.ensure_future(batcher.submit([1, 2, 3]))
            await asyncio.sleep(0.1)  # the worker holds item 1; items 2 and 3 wait
            with pytest.raises(Overloaded, match="2 questions are waiting"):
                await batcher.submit([4, 5])
            release.set()
            return await first
        finally:
            release.set()
            batcher.close()

    assert run(scenario()) == [1, 2, 3]


def test_on_start_runs_in_the_worker_thread():
    seen = []

    async def scenario():
        batcher = MicroBatcher(lambda items: list(items),
                               on_start=lambda: seen.append(threading.current_thread().name))
        try:
            await batcher.submit([1])
        finally:
            batcher.close()

    run(scenario())
    assert seen == ["rag-batcher"]


# -- the real thing: real model, real index, many concurrent HTTP requests ---------------------------------------


class Costly(Recorder):
    """A batch function whose time grows with the cost of what it is given (1 ms per 100 of cost)."""

    def __call__(self, items: Sequence[int]) -> list[str]:
        self.batches.append(list(items))
        time.sleep(0.001 * sum(cost(item) for item in items) / 100)
        return [f"answer-{item}" for item in items]


def cost(item: int) -> int:
    return 500 if item >= 1000 else 5  # big-request items are long questions, singles short ones


def test_a_large_request_cannot_starve_single_questions():
    """64 long questions queued first (0.32 s of work in batches of 8), then a single one: it rides in the next
    batch by turns, not after all 64 as first come first served would have it."""
    fn = Costly()

    async def scenario():
        batcher = MicroBatcher(fn, max_batch=64, max_cost=4000, cost=cost)
        try:
            big = asyncio.ensure_future(batcher.submit(list(range(1000, 1064))))
            await asyncio.sleep(0.01)
            started = time.monotonic()
            single = await batcher.submit([1])
            waited = time.monotonic() - started
            await big
            return single, waited
        finally:
            batcher.close()

    single, waited = run(scenario())
    assert single == ["answer-1"]
    assert all(sum(cost(i) for i in b) <= 4000 or len(b) == 1 for b in fn.batches)  # the cost bound holds
    position = next(n for n, b in enumerate(fn.batches) if 1 in b)
    assert position <= 1 and waited < 0.2, (position, waited, fn.batches)  # first come first served: 0.32 s


def test_an_abandoned_request_is_dropped_and_frees_the_queue():
    fn = Costly()

    async def scenario():
        batcher = MicroBatcher(fn, max_batch=64, max_cost=4000, max_queue_cost=40_000, cost=cost)
        try:
            big = asyncio.ensure_future(batcher.submit(list(range(1000, 1064))))
            await asyncio.sleep(0.02)  # the first batch of 8 is under way
            big.cancel()  # the client left
            with contextlib.suppress(asyncio.CancelledError):
                await big
            queued_after = batcher._pending
            started = time.monotonic()
            await batcher.submit([1])
            return batcher.dropped, queued_after, time.monotonic() - started
        finally:
            batcher.close()

    dropped, queued_after, waited = run(scenario())
    computed = [i for b in fn.batches for i in b if i >= 1000]
    assert len(computed) <= 16 and dropped == 64 - len(computed) and queued_after == 0, fn.batches
    assert waited < 0.2


def test_a_request_past_its_deadline_is_overloaded_and_never_computed():
    fn = Recorder(delay=0.4)

    async def scenario():
        batcher = MicroBatcher(fn, max_batch=1)
        try:
            busy = asyncio.ensure_future(batcher.submit([1]))  # keeps the worker busy for 0.4 s
            await asyncio.sleep(0.01)
            started = time.monotonic()
            with pytest.raises(Overloaded, match="RAG_REQUEST_DEADLINE_SECONDS"):
                await batcher.submit([2, 3], deadline=time.monotonic() + 0.1)
            waited = time.monotonic() - started
            await busy
            await batcher.submit([4])
            return waited, batcher.dropped
        finally:
            batcher.close()

    waited, dropped = run(scenario())
    assert 0.09 < waited < 0.3 and dropped == 2
    assert [n for b in fn.batches for n in b] == [1, 4]


def test_the_queue_is_bounded_by_cost_not_only_by_count():
    fn = Recorder(delay=0.3)

    async def scenario():
        batcher = MicroBatcher(fn, max_batch=1, max_queue=4096, max_queue_cost=1000, cost=cost)
        try:
            busy = asyncio.ensure_future(batcher.submit([1]))
            await asyncio.sleep(0.05)  # taken: the queue is empty again
            first = asyncio.ensure_future(batcher.submit([1000]))  # 500
            await asyncio.sleep(0)
            with pytest.raises(Overloaded):
                await batcher.submit([1001, 1002])  # 1000 more: over
            await batcher.submit([2])  # 5 more: fits
            await asyncio.gather(busy, first)
        finally:
            batcher.close()

    run(scenario())


def test_a_request_that_the_queue_could_not_finish_before_a_deadline_is_refused_at_once():
    """Three requests each a third of the deadline's work are admitted; a fourth, which would make every waiting
    request miss its deadline (they take turns), is refused when it arrives, not after the deadline. The rate is set,
    not measured, and the work held until the checks are done: the decisions do not depend on the machine's load."""
    release, fn = held()

    async def scenario():
        batcher = MicroBatcher(fn, max_batch=4, cost=lambda item: item)
        try:
            release.set()
            await batcher.submit([1])
            assert batcher.rate is None  # a batch of one is no measure of the throughput of full ones
            await batcher.submit([1, 1])
            assert batcher.rate is not None  # measured from a batch half full
            release.clear()
            # cost per second; seconds of margin, so that a loaded machine's pauses between the steps below (a
            # waiting request past hope is no longer protected) do not change a decision
            batcher.rate = 10.0
            deadline = time.monotonic() + 30.0
            admitted = [asyncio.ensure_future(batcher.submit([20] * 4, deadline=deadline)) for _ in range(3)]
            await asyncio.sleep(0.05)  # queued, the first turn held by the worker: 240 of cost, 24 s
            with pytest.raises(Overloaded, match="about 32 s of searches queued") as refused:
                await batcher.submit([20] * 4, deadline=deadline)  # 32 s
            assert 30.0 < refused.value.retry_after < 35.0  # what the 503's Retry-After says, rounded up
            with pytest.raises(Overloaded):  # without a deadline of its own, it would still make the others late
                await batcher.submit([20] * 4)
            small = asyncio.ensure_future(batcher.submit([1], deadline=deadline))  # 24.1 s: still in time
            await asyncio.sleep(0.05)
            release.set()
            assert await small == [1]
            assert [len(r) for r in await asyncio.gather(*admitted)] == [4, 4, 4]
            return await batcher.submit([20] * 4)  # nothing waiting, no deadline: nothing to miss
        finally:
            release.set()
            batcher.close()

    assert run(scenario()) == [20] * 4


def test_a_request_alone_is_admitted_and_one_past_hope_does_not_block_the_others():
    release, fn = held()

    async def scenario():
        batcher = MicroBatcher(fn, max_batch=4, cost=lambda item: item)
        try:
            release.set()
            assert await batcher.submit([50] * 4, deadline=time.monotonic() + 1) == [50] * 4  # nothing queued
            release.clear()
            now = time.monotonic()
            doomed = asyncio.ensure_future(batcher.submit([50] * 4, deadline=now + 0.5))
            await asyncio.sleep(0.05)  # held by the worker
            batcher.rate = 10.0  # far too slow: 20 s of work held, 0.5 s to do it; only the queue's state decides
            with pytest.raises(Overloaded):  # its own deadline cannot be met behind that work (alone: 0.1 s)
                await batcher.submit([1], deadline=now + 0.5)
            late = asyncio.ensure_future(batcher.submit([1]))  # no deadline of its own; the doomed one not protected
            await asyncio.sleep(0.05)
            release.set()
            assert await late == [1]
            with contextlib.suppress(Overloaded):
                await doomed
        finally:
            release.set()
            batcher.close()

    run(scenario())


def test_a_single_question_rides_in_the_next_batch_whatever_waits_behind():
    """Taking turns, a question of one item is computed after one item of each waiting request: a long queue does
    not make it miss a deadline it can meet (the whole queue's 8.8 s would have refused it)."""
    release, fn = held()

    async def scenario():
        batcher = MicroBatcher(fn, max_batch=4, cost=lambda item: item)
        try:
            batcher.rate = 100.0
            now = time.monotonic()
            held = asyncio.ensure_future(batcher.submit([20] * 4))  # the worker holds it: 0.8 s
            await asyncio.sleep(0.05)
            long = asyncio.ensure_future(batcher.submit([20] * 40))  # 8 s more, no deadline to miss
            await asyncio.sleep(0.05)
            single = asyncio.ensure_future(batcher.submit([1], deadline=now + 3))  # 0.8 + 0.2 + 0.01 s: in time
            await asyncio.sleep(0.05)
            assert not single.done()  # admitted, waiting for its turn
            release.set()
            assert await single == [1] and len(await held) == 4 and len(await long) == 40
        finally:
            release.set()
            batcher.close()

    run(scenario())


class HeldRecorder:
    """A batch function that records its batches and answers each item with itself once `release` is set."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.batches: list[list[int]] = []

    def __call__(self, items: Sequence[int]) -> list[int]:
        self.batches.append(list(items))
        self.release.wait(10)
        return list(items)


def test_clients_take_turns_whatever_number_of_requests_each_sends():
    """Client a sends four requests while the worker holds a fifth, then client b sends one: b's question rides in
    the next batch, with a's first; by requests, it would wait for all four of a's."""
    fn = HeldRecorder()

    async def scenario():
        batcher = MicroBatcher(fn, max_batch=2)
        try:
            first = asyncio.ensure_future(batcher.submit([1], client="a"))
            await asyncio.sleep(0.05)  # the worker holds [1]
            queued = [asyncio.ensure_future(batcher.submit([n], client="a")) for n in (2, 3, 4, 5)]
            await asyncio.sleep(0.05)
            other = asyncio.ensure_future(batcher.submit([9], client="b"))
            await asyncio.sleep(0.05)
            fn.release.set()
            assert await other == [9] and [await q for q in queued] == [[2], [3], [4], [5]] and await first == [1]
        finally:
            fn.release.set()
            batcher.close()

    run(scenario())
    assert fn.batches == [[1], [2, 9], [3, 4], [5]]


def test_one_client_may_not_fill_the_queue():
    release, fn = held()

    async def scenario():
        batcher = MicroBatcher(fn, max_batch=1, max_queue=8)
        try:
            first = asyncio.ensure_future(batcher.submit([1], client="a"))
            await asyncio.sleep(0.05)  # the worker holds it
            many = asyncio.ensure_future(batcher.submit([2] * 6, client="a"))  # 6 of 8: three quarters
            await asyncio.sleep(0.05)
            with pytest.raises(Overloaded, match="this client would have 7 questions waiting"):
                await batcher.submit([3], client="a")
            other = asyncio.ensure_future(batcher.submit([4], client="b"))  # another client still gets in
            await asyncio.sleep(0.05)
            release.set()
            assert await other == [4] and await many == [2] * 6 and await first == [1]
            # a request finding the queue empty may take all of it
            assert await batcher.submit([5] * 8, client="a") == [5] * 8
        finally:
            release.set()
            batcher.close()

    run(scenario())


def test_a_client_keeping_the_queue_full_cannot_refuse_a_lighter_client():
    """Client a queues 2.4 s of work due in 3 s; a fourth request of its own is refused (it would make its others
    late), and so is a request of no named client (a test above). Client b's request of the same size is admitted:
    a's requests are not protected against a client holding less of the queue than a does."""
    release, fn = held()

    async def scenario():
        batcher = MicroBatcher(fn, max_batch=4, cost=lambda item: item)
        try:
            batcher.rate = 100.0  # cost per second; the work is held until the checks are done
            deadline = time.monotonic() + 3.0
            admitted = [asyncio.ensure_future(batcher.submit([20] * 4, deadline=deadline, client="a"))
                        for _ in range(3)]
            await asyncio.sleep(0.05)  # the first is held by the worker: 240 of cost, 2.4 s
            with pytest.raises(Overloaded, match="about 3 s of searches queued"):
                await batcher.submit([20] * 4, deadline=deadline, client="a")
            lighter = asyncio.ensure_future(batcher.submit([20] * 4, client="b"))
            await asyncio.sleep(0.05)
            assert not lighter.done()  # admitted, waiting for its turns
            release.set()
            assert await lighter == [20] * 4
            assert [len(r) for r in await asyncio.gather(*admitted)] == [4, 4, 4]
        finally:
            release.set()
            batcher.close()

    run(scenario())


@contextlib.asynccontextmanager
async def holding(max_batch: int, rate: float):
    """A batcher whose worker holds a batch of one question until the block ends, its rate set: the queue stays as
    the test puts it, and the decisions do not depend on the machine's load."""
    release, fn = held()
    batcher = MicroBatcher(fn, max_batch=max_batch, cost=lambda item: item)
    batcher.rate = rate
    worker = asyncio.ensure_future(batcher.submit([1]))
    await asyncio.sleep(0.05)
    try:
        yield batcher, release
        release.set()
        assert await worker == [1]
    finally:
        release.set()
        batcher.close()


def test_a_heavy_client_may_not_make_a_lighter_clients_admitted_request_late():
    """Client h queues 2.9 s of work due in 3 s, client l 1.2 s of its own (by turns, done in 2.4 s). A second request
    of h's, whose items would take turns with h's first in l's rounds (3 of cost 69), would make l's request late:
    refused at once, while l is answered in time. Before, with the whole queue past every deadline, nothing was
    protected any more and l missed its deadline (found by review)."""

    async def scenario():
        async with holding(max_batch=2, rate=100.0) as (batcher, release):
            deadline = time.monotonic() + 3.0
            heavy = asyncio.ensure_future(batcher.submit([10] * 29, deadline=deadline, client="h"))
            light = asyncio.ensure_future(batcher.submit([10] * 12, deadline=deadline, client="l"))
            await asyncio.sleep(0.01)
            assert not heavy.done() and not light.done()  # both admitted
            with pytest.raises(Overloaded, match="about 4 s of searches queued"):
                await batcher.submit([69] * 3, deadline=deadline, client="h")
            # another light client's single question, in time whatever waits: admitted
            other = asyncio.ensure_future(batcher.submit([5], deadline=deadline, client="m"))
            await asyncio.sleep(0.01)
            assert not other.done()
            release.set()
            assert await light == [10] * 12 and await other == [5] and await heavy == [10] * 29

    run(scenario())


def test_a_clients_many_requests_are_estimated_once_per_size(monkeypatch):
    """Admission walks a client's waiting requests once per size of request left, not once per request: a client
    with 300 single questions queued made each of its admissions walk its 300 requests 300 times (18 ms each, in the
    event loop, holding the queue's lock)."""
    import rag.serving.batcher as batcher_module

    walks, walk = [], batcher_module.lane_turns

    def counted(lane, rounds):
        walks.append(rounds)
        return walk(lane, rounds)

    monkeypatch.setattr(batcher_module, "lane_turns", counted)

    async def scenario():
        async with holding(max_batch=64, rate=1000.0) as (batcher, release):
            deadline = time.monotonic() + 30
            queued = [asyncio.ensure_future(batcher.submit([10], deadline=deadline, client="f")) for _ in range(300)]
            await asyncio.sleep(0.05)
            walks.clear()
            one_more = asyncio.ensure_future(batcher.submit([10], deadline=deadline, client="f"))
            await asyncio.sleep(0.01)
            assert len(walks) == 2  # its own estimate, and its 300 waiting requests of one item left
            release.set()
            await asyncio.gather(one_more, *queued)

    run(scenario())


def test_a_refusal_tells_the_client_when_to_retry():
    """Retry-After: the seconds of searches queued when the batcher knows them (up, at most a minute), else 1."""
    from types import SimpleNamespace

    from rag.http.problems import _retry_after

    request = SimpleNamespace()
    assert _retry_after(Overloaded("full"), request) == {"Retry-After": "1"}
    assert _retry_after(Overloaded("late", retry_after=3.2), request) == {"Retry-After": "4"}
    assert _retry_after(Overloaded("late", retry_after=600.0), request) == {"Retry-After": "60"}


def test_a_request_that_alone_would_miss_its_deadline_is_refused_at_once_not_computed_and_dropped():
    """Nothing queued, and its own items need 3 s at the measured rate where 1 s is left: refused (413), since
    computed it would miss the deadline on every retry. Within `ALONE_MARGIN` of the deadline it is computed."""
    from rag.errors import TooMuchWork

    fn = HeldRecorder()
    fn.release.set()

    async def scenario():
        batcher = MicroBatcher(fn, max_batch=64, cost=lambda item: item)
        batcher.rate = 100.0  # cost per second
        try:
            with pytest.raises(TooMuchWork, match="these 3 questions alone need about 3 s"):
                await batcher.submit([100, 100, 100], deadline=time.monotonic() + 1.0)
            assert fn.batches == []  # nothing computed
            assert await batcher.submit([60, 60], deadline=time.monotonic() + 1.0) == [60, 60]  # 1.2 s: within 1.5x
        finally:
            batcher.close()

    run(scenario())
