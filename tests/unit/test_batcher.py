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


async def taken(batcher: MicroBatcher, batches: int) -> None:
    """Wait until the worker has taken `batches` batches out of the queue (counted as it takes one, before it calls
    the batch function): the worker is a thread, and on a loaded machine a fixed pause of the event loop was not
    always long enough for it to wake (the queue then held what the test took for taken)."""
    await until(lambda: batcher.batches >= batches, f"the worker took {batches} batches")


async def until(condition: Callable[[], bool], what: str) -> None:
    """Wait in the event loop until `condition()` holds, for what another thread does at its own pace; the
    deadline only guards against a hang."""
    deadline = time.monotonic() + HANG
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        await asyncio.sleep(0.002)


HANG = 120  # seconds: what a wait that should end at once may take before a test calls it a hang


def held() -> tuple[threading.Event, Callable[[Sequence[int]], list[int]]]:
    """A batch function that answers each item with itself once `release` is set: until then the worker holds
    its batch, and the queue stays as the test puts it."""
    release = threading.Event()

    def fn(items: Sequence[int]) -> list[int]:
        release.wait(HANG)
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
    """The waits are told apart by what the worker computes, not by the clock: a `max_wait` of an hour that the first
    request or the second of a pair waited would hang the test (the pair sent a fixed pause apart on a loaded machine
    went alone), then a short one for the request that waits in vain."""
    release = threading.Event()
    fn = Recorder()

    def gated(items: Sequence[int]) -> list[str]:
        if 1 in items:  # the worker holds [1] while [2, 3] queue: a crowd of two, whatever the threads' pace
            release.wait(HANG)
        return fn(items)

    async def scenario():
        batcher = MicroBatcher(gated, max_batch=32, max_wait=3600)
        try:
            async with asyncio.timeout(HANG):  # a lone first request: no crowd seen yet, no wait
                await batcher.submit([0])
            one = asyncio.ensure_future(batcher.submit([1]))
            await taken(batcher, 2)
            crowd = asyncio.gather(*(batcher.submit([n]) for n in (2, 3)))
            await until(lambda: batcher.pending[0] == 2, "[2] and [3] queued")
            release.set()
            await asyncio.gather(one, crowd)
            first = asyncio.ensure_future(batcher.submit([4]))
            await asyncio.sleep(0)  # queued alone: the worker waits for a second
            second = asyncio.ensure_future(batcher.submit([5]))
            async with asyncio.timeout(HANG):
                await asyncio.gather(first, second)  # ... waited for company: the two share a call
            batcher._max_wait = 0.3
            started = time.monotonic()
            async with asyncio.timeout(HANG):
                await batcher.submit([6])  # expects two, none comes: goes alone after max_wait
            return time.monotonic() - started
        finally:
            release.set()
            batcher.close()

    waited = run(scenario())
    assert fn.batches == [[0], [1], [2, 3], [4, 5], [6]]
    assert waited >= 0.3 - 0.01  # a clock's reading is never early: it waited max_wait


def test_event_loop_stays_free_while_a_batch_runs():
    """The batch ends only once the event loop has ticked ten times during it (counting ticks in a fixed 0.3 s
    failed on a loaded machine): computed on the loop, it would wait for those ticks until the deadline."""
    ticked = threading.Event()

    def fn(items: Sequence[int]) -> list[int]:
        ticked.wait(HANG)
        return list(items)

    async def scenario():
        batcher = MicroBatcher(fn)
        ticks = 0

        async def ticker():
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1
                if ticks == 10:
                    ticked.set()

        task = asyncio.ensure_future(ticker())
        try:
            await batcher.submit([1])
        finally:
            task.cancel()
            batcher.close()
        return ticks

    assert run(scenario()) >= 10 and ticked.is_set()  # the loop kept running other coroutines during the call


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
            await taken(batcher, 1)  # the worker holds item 1; items 2 and 3 wait
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
    """A batch function that records its batches and holds the first until `release` is set: the queue stays as
    the test puts it while the worker computes that batch, whatever the machine's load."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def __call__(self, items: Sequence[int]) -> list[str]:
        self.batches.append(list(items))
        if len(self.batches) == 1:
            self.release.wait(HANG)
        return [f"answer-{item}" for item in items]


def cost(item: int) -> int:
    return 500 if item >= 1000 else 5  # big-request items are long questions, singles short ones


def test_a_large_request_cannot_starve_single_questions():
    """64 long questions queued first (eight batches of 8), then a single one while the worker computes the first:
    it rides in the next batch by turns, not after all 64 as first come first served would have it. (The first batch
    is held, not timed: a single question sent 10 ms after the 64 came behind several batches on a loaded machine.)"""
    fn = Costly()

    async def scenario():
        batcher = MicroBatcher(fn, max_batch=64, max_cost=4000, cost=cost)
        try:
            big = asyncio.ensure_future(batcher.submit(list(range(1000, 1064))))
            await taken(batcher, 1)
            single = asyncio.ensure_future(batcher.submit([1]))
            await until(lambda: batcher.pending[0] == 64 - 8 + 1, "the single question queued")
            fn.release.set()
            return await single, await big
        finally:
            fn.release.set()
            batcher.close()

    single, big = run(scenario())
    assert single == ["answer-1"] and big == [f"answer-{n}" for n in range(1000, 1064)]
    assert all(sum(cost(i) for i in b) <= 4000 or len(b) == 1 for b in fn.batches)  # the cost bound holds
    position = next(n for n, b in enumerate(fn.batches) if 1 in b)
    assert position == 1, (position, fn.batches)  # first come first served: 8


def test_an_abandoned_request_is_dropped_and_frees_the_queue():
    """The client leaves while the first batch of 8 is computed (held, not timed: 20 ms after it was queued, a
    loaded machine had computed more batches, or none): the 56 others are never computed, and the next request is."""
    fn = Costly()

    async def scenario():
        batcher = MicroBatcher(fn, max_batch=64, max_cost=4000, max_queue_cost=40_000, cost=cost)
        try:
            big = asyncio.ensure_future(batcher.submit(list(range(1000, 1064))))
            await taken(batcher, 1)  # the first batch of 8 is under way
            big.cancel()  # the client left
            with contextlib.suppress(asyncio.CancelledError):
                await big
            queued_after = batcher._pending
            fn.release.set()
            async with asyncio.timeout(HANG):
                await batcher.submit([1])
            return batcher.dropped, queued_after
        finally:
            fn.release.set()
            batcher.close()

    dropped, queued_after = run(scenario())
    assert fn.batches == [list(range(1000, 1008)), [1]] and dropped == 56 and queued_after == 0, fn.batches


def test_a_request_past_its_deadline_is_overloaded_and_never_computed():
    """The worker is held on [1] until the deadline of [2, 3] has passed (it was busy for a timed 0.4 s, which a
    loaded machine's late timer could outlast): the refusal comes at the deadline, not when the worker is free."""
    release, held_fn = held()
    fn = Recorder()

    def gated(items: Sequence[int]) -> list[str]:
        held_fn(items)
        return fn(items)

    async def scenario():
        batcher = MicroBatcher(gated, max_batch=1)
        try:
            busy = asyncio.ensure_future(batcher.submit([1]))  # keeps the worker busy until released
            await taken(batcher, 1)
            started = time.monotonic()
            with pytest.raises(Overloaded, match="RAG_REQUEST_DEADLINE_SECONDS"):
                async with asyncio.timeout(HANG):
                    await batcher.submit([2, 3], deadline=time.monotonic() + 0.1)
            waited = time.monotonic() - started
            release.set()
            await busy
            await batcher.submit([4])
            return waited, batcher.dropped
        finally:
            release.set()
            batcher.close()

    waited, dropped = run(scenario())
    assert waited >= 0.1 and dropped == 2  # not before its deadline (a clock's reading is never early)
    assert [n for b in fn.batches for n in b] == [1, 4]


def test_the_queue_is_bounded_by_cost_not_only_by_count():
    release, fn = held()

    async def scenario():
        batcher = MicroBatcher(fn, max_batch=1, max_queue=4096, max_queue_cost=1000, cost=cost)
        try:
            busy = asyncio.ensure_future(batcher.submit([1]))
            await taken(batcher, 1)  # taken, and held: the queue is empty again
            first = asyncio.ensure_future(batcher.submit([1000]))  # 500
            await asyncio.sleep(0)
            with pytest.raises(Overloaded):
                await batcher.submit([1001, 1002])  # 1000 more: over
            two = asyncio.ensure_future(batcher.submit([2]))  # 5 more: fits
            await asyncio.sleep(0)
            assert not two.done()
            release.set()
            await asyncio.gather(busy, first, two)
        finally:
            release.set()
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
            await taken(batcher, 3)  # queued, the first turn held by the worker: 240 of cost, 24 s
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
            await taken(batcher, 2)  # held by the worker
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
    not make it miss a deadline it can meet (the whole queue's 88 s would have refused it)."""
    release, fn = held()

    async def scenario():
        batcher = MicroBatcher(fn, max_batch=4, cost=lambda item: item)
        try:
            batcher.rate = 10.0  # cost per second: seconds of margin, whatever pauses a loaded machine makes
            now = time.monotonic()
            held = asyncio.ensure_future(batcher.submit([20] * 4))  # the worker holds it: 8 s
            await taken(batcher, 1)
            long = asyncio.ensure_future(batcher.submit([20] * 40))  # 80 s more, no deadline to miss
            await asyncio.sleep(0.05)
            single = asyncio.ensure_future(batcher.submit([1], deadline=now + 30))  # 8 + 2 + 0.1 s: in time
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
        self.release.wait(HANG)
        return list(items)


def test_clients_take_turns_whatever_number_of_requests_each_sends():
    """Client a sends four requests while the worker holds a fifth, then client b sends one: b's question rides in
    the next batch, with a's first; by requests, it would wait for all four of a's."""
    fn = HeldRecorder()

    async def scenario():
        batcher = MicroBatcher(fn, max_batch=2)
        try:
            first = asyncio.ensure_future(batcher.submit([1], client="a"))
            await taken(batcher, 1)  # the worker holds [1]
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
            await taken(batcher, 1)  # the worker holds it
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
    """Client a queues 24 s of work due in 30 s; a fourth request of its own is refused (it would make its others
    late), and so is a request of no named client (a test above). Client b's request of the same size is admitted:
    a's requests are not protected against a client holding less of the queue than a does."""
    release, fn = held()

    async def scenario():
        batcher = MicroBatcher(fn, max_batch=4, cost=lambda item: item)
        try:
            batcher.rate = 10.0  # cost per second; the work is held until the checks are done
            deadline = time.monotonic() + 30.0
            admitted = [asyncio.ensure_future(batcher.submit([20] * 4, deadline=deadline, client="a"))
                        for _ in range(3)]
            await taken(batcher, 1)  # the first is held by the worker: 240 of cost, 24 s
            with pytest.raises(Overloaded, match="about 32 s of searches queued"):
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
    await taken(batcher, 1)
    try:
        yield batcher, release
        release.set()
        assert await worker == [1]
    finally:
        release.set()
        batcher.close()


def test_a_heavy_client_may_not_make_a_lighter_clients_admitted_request_late():
    """Client h queues 29 s of work due in 30 s, client l 12 s of its own (by turns, done in 24 s). A second request
    of h's, whose items would take turns with h's first in l's rounds (3 of cost 69), would make l's request late:
    refused at once, while l is answered in time. Before, with the whole queue past every deadline, nothing was
    protected any more and l missed its deadline (found by review)."""

    async def scenario():
        async with holding(max_batch=2, rate=10.0) as (batcher, release):  # seconds of margin for a loaded machine
            deadline = time.monotonic() + 30.0
            heavy = asyncio.ensure_future(batcher.submit([10] * 29, deadline=deadline, client="h"))
            light = asyncio.ensure_future(batcher.submit([10] * 12, deadline=deadline, client="l"))
            await asyncio.sleep(0.01)
            assert not heavy.done() and not light.done()  # both admitted
            with pytest.raises(Overloaded, match="about 45 s of searches queued"):
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
    import rag.serving.lanes as lanes_module

    walks, walk = [], lanes_module.lane_turns

    def counted(lane, rounds):
        walks.append(rounds)
        return walk(lane, rounds)

    monkeypatch.setattr(lanes_module, "lane_turns", counted)

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
    """Nothing queued, and its own items need 30 s at the measured rate where 10 s are left: refused (413), since
    computed it would miss the deadline on every retry. Within `ALONE_MARGIN` of the deadline it is computed."""
    from rag.errors import TooMuchWork

    fn = HeldRecorder()
    fn.release.set()

    async def scenario():
        batcher = MicroBatcher(fn, max_batch=64, cost=lambda item: item)
        batcher.rate = 10.0  # cost per second: seconds of margin, for the worker of a loaded machine too
        try:
            with pytest.raises(TooMuchWork, match="these 3 questions alone need about 30 s"):
                await batcher.submit([100, 100, 100], deadline=time.monotonic() + 10.0)
            assert fn.batches == []  # nothing computed
            assert await batcher.submit([60, 60], deadline=time.monotonic() + 10.0) == [60, 60]  # 12 s: within 1.5x
        finally:
            batcher.close()

    run(scenario())


def test_the_worker_holds_no_batch_once_its_results_are_handed_back():
    """After a reload the last batch's results (hits, their readings, the memory of the build they were read with)
    stayed referenced by the worker's locals until the next batch came: an idle server kept them."""
    import weakref

    class Result:
        pass

    made: list[weakref.ref] = []

    def fn(items: Sequence[int]) -> list[Result]:
        results = [Result() for _ in items]
        made.extend(weakref.ref(result) for result in results)
        return results

    async def scenario():
        batcher = MicroBatcher(fn)
        try:
            await batcher.submit([1, 2])
            await until(lambda: all(ref() is None for ref in made), "the worker let the results go")
        finally:
            batcher.close()

    run(scenario())
