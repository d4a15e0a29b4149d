"""Micro-batching: requests that arrive together are answered by one call of a batch function, taking turns.

A single worker thread runs the batch function (with `then`, its first step; below); the event loop only enqueues and
awaits. Whatever is queued when the worker becomes free forms the next batch, so a lone request never waits for
company and a crowd of requests shares each model call.

A batch is bounded twice: at most `max_batch` items, and at most `max_cost` of their cost (an estimate of the
model's work: the question's tokens), one item at least. It is filled by turns: one item of each waiting
client, then a second of each, and so on, so a request of 64 long questions is spread over several calls and a
single question that arrives meanwhile rides in the next one instead of waiting for all 64 (first come, first
served would make it wait for every question queued before it). A client is what `submit` is told (an API key, an
address); its own requests take turns within its turn, so a client sending a hundred requests at once gets no more
turns than one sending one. A request of no named client is a client of its own. One client may hold at most
`CLIENT_SHARE` of the queue, so that one client filling it does not refuse everyone else.

A request is refused at once, not admitted to fail later, when the queue could not finish in time: the worker
measures how much cost it computes per second (`rate`, an average over its last batches at least half full), and
a request joining a queue is admitted only if, taking turns, its own items would be computed before its deadline,
and no waiting request that can still meet its own deadline would miss it once this one is queued, each judged by its
own turns, among the requests of clients that hold no more of the queue than this one's would: a client's requests
are not protected against a lighter client's (a client keeping the queue at the deadline's edge would otherwise
refuse everyone else), and a heavier client's cannot make a lighter client's admitted request late. So admitted
requests meet their deadlines as long as the rate holds, instead of all missing them together (three batches of 64
long questions, each 10 s of work, all answered 503 after the 30 s deadline). A request that finds nothing queued is
always admitted, unless its own items alone would take more than `ALONE_MARGIN` times the time to its deadline
(`TooMuchWork`: computed, it would be dropped on every retry).

A request is dropped, whatever of it was not computed yet, when it is abandoned (`submit` cancelled: the client
left) or its `deadline` passes (`Overloaded`); its place in the queue is freed at once, so nobody computes
answers nobody waits for. The queue refuses a request (`Overloaded`) when it would hold more than `max_queue`
items or `max_queue_cost` of cost.

With `max_wait` > 0 the worker also expects a crowd to come back: clients that were answered together tend to
ask again together, but their requests reach the queue one by one as the event loop reads them. Taken greedily,
the first of them would go alone (a whole model call for one question) while the rest pile up behind it. So when
the last batch held n items, the worker waits, at most `max_wait`, until n items are queued; after a batch of
one it waits for nothing, so a lone client's latency is untouched.

Each item carries its own future: results go back item by item, in the order the batch function returned them,
so a request only ever receives the answers computed for its own items.

With `then`, a batch is computed in two steps, `then(fn(items))`, and the second step of one batch runs beside the
first step of the next, in a second thread (the ranker): the model's call of batch n+1 (the server's: on every
core) while batch n's searches (one core) are ranked. The worker hands a batch over only when the ranker is free,
so at most two batches are in flight, and ranks it itself when nothing is queued (a lone request pays no handoff
between threads). The worker's time on a batch, handoff included, is what `rate` measures: in a crowd, the time a
batch takes to go through both steps, side by side with its neighbours.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Hashable, Sequence
from typing import Any, Generic, TypeVar

from rag.errors import Overloaded, TooMuchWork
from rag.serving.lanes import CLIENT_SHARE, Lane, Ticket, too_late

T = TypeVar("T")
E = TypeVar("E", bound=Exception)
R = TypeVar("R")

_Entry = tuple[Any, asyncio.Future, asyncio.AbstractEventLoop]
RATE_SMOOTHING = 0.3  # the weight of the last batch in the measured rate
# A request whose own items, at the measured rate, would take more than this many times the time to its deadline is
# refused (`TooMuchWork`) even with nothing queued: it would miss the deadline on every retry. The margin keeps a
# rate measured on a busy moment from refusing a request that an idle server computes in time.
ALONE_MARGIN = 1.5


class MicroBatcher(Generic[T, R]):
    """Runs `fn(items) -> results` (same length, same order) in one worker thread over queued items.

    `cost(item)` weighs an item against `max_cost` and `max_queue_cost` (default 1: a count). `on_start` runs once
    in each thread before the first batch (for per-thread library settings). With `then`, the results are
    `then(fn(items))`, the second step run beside the next batch's first (see the module's docstring).
    """

    def __init__(self, fn: Callable[[Sequence[T]], Any], *, max_batch: int = 64, max_wait: float = 0.0,
                 max_queue: int = 4096, max_cost: int | None = None, max_queue_cost: int | None = None,
                 cost: Callable[[T], int] | None = None, name: str = "rag-batcher",
                 on_start: Callable[[], object] | None = None,
                 then: Callable[[Any], Sequence[R]] | None = None) -> None:
        if max_batch < 1 or max_wait < 0:
            raise ValueError("max_batch must be at least 1 and max_wait at least 0")
        self._fn = fn
        self._max_batch = max_batch
        self._max_wait = max_wait
        self._max_queue = max_queue
        self._max_cost = max_cost
        self._max_queue_cost = max_queue_cost
        self._cost = cost
        self._on_start = on_start
        self._expect = 1  # the size of the last batch: how many items to wait for, with max_wait
        self._lanes: deque[Lane] = deque()  # clients with requests waiting, in turn order; guarded by _ready
        self._by_client: dict[Hashable, Lane] = {}  # the lanes of named clients
        self._ready = threading.Condition()
        self._stopping = False
        self._pending = 0  # items queued, and their cost: what the queue bounds
        self._pending_cost = 0
        self.batches = 0
        self.items = 0
        self.dropped = 0  # items left uncomputed: their request abandoned or past its deadline
        self.refused: Counter[str] = Counter()  # requests refused (or dropped at their deadline), by reason
        self.rate: float | None = None  # cost computed per second, averaged over the last batches; None before any
        self._running_cost = 0  # the cost of the batches taken and not answered yet; guarded by _ready
        self._then = then
        self._handed: tuple[list[_Entry], int, Any] | None = None  # the ranker's next batch; guarded by _free
        self._ranking = False  # whether the ranker holds a batch; guarded by _free
        # the worker has stopped (not `_stopping`: `close` sets it while the worker may still hand a batch over)
        self._worker_done = False
        self._ranker_ready = False  # the ranker has started (its `on_start` done): until then the worker ranks
        self._free = threading.Condition()
        self._threads = [threading.Thread(target=self._run, name=name, daemon=True)]
        if then is not None:
            self._threads.append(threading.Thread(target=self._rank_handed, name=f"{name}-rank", daemon=True))
        for thread in self._threads:
            thread.start()

    async def submit(self, items: Sequence[T], *, deadline: float | None = None,
                     client: Hashable | None = None) -> list[R]:
        """Queue `items` and wait for their results. Raises `Overloaded` when the queue is full (or `client`'s share
        of it), or when the `deadline` (a `time.monotonic()` value) passes first; cancelling the call drops what is
        not computed yet. `client` names who asks (None: a client of its own), for turns and shares."""
        loop = asyncio.get_running_loop()
        costs = [max(1, self._cost(item)) if self._cost else 1 for item in items]
        futures = [loop.create_future() for _ in items]
        with self._ready:
            lane = self._by_client.get(client) if client is not None else None
            ticket = Ticket(list(zip(items, futures, strict=True)), costs, deadline, loop, lane or Lane(client))
            self._admit(ticket)
            if lane is None:
                lane = ticket.lane
                self._lanes.append(lane)
                if client is not None:
                    self._by_client[client] = lane
            lane.tickets.append(ticket)
            lane.pending += len(items)
            lane.pending_cost += ticket.cost
            self._pending += len(items)
            self._pending_cost += ticket.cost
            self._ready.notify()
        try:
            async with asyncio.timeout_at(None if deadline is None else loop.time() + deadline - time.monotonic()):
                if len(futures) == 1:  # the common case: no gather future to build and schedule
                    return [await futures[0]]
                return list(await asyncio.gather(*futures))
        except TimeoutError:
            self._drop(ticket)
            self.refused["deadline_missed"] += 1
            raise Overloaded("the search was not answered within the server's deadline "
                             "(RAG_REQUEST_DEADLINE_SECONDS): the server is busy; retry in a moment") from None
        except asyncio.CancelledError:  # the client left
            self._drop(ticket)
            raise

    def _admit(self, ticket: Ticket) -> None:
        """Raise `Overloaded` if the queue cannot take `ticket`: full, its client's share full, or too late (see
        `rag.serving.lanes.too_late`). The caller holds `_ready`."""
        count, lane = len(ticket.items), ticket.lane
        if self._pending + count > self._max_queue:
            raise self._refusal("queue_full", Overloaded(
                f"{self._pending} questions are waiting (RAG_QUEUE_MAX); retry in a moment"))
        if self._max_queue_cost is not None and self._pending and \
                self._pending_cost + ticket.cost > self._max_queue_cost:
            raise self._refusal("queue_tokens", Overloaded(
                f"{self._pending} questions are waiting, {self._pending_cost} tokens (RAG_QUEUE_MAX_TOKENS); retry "
                "in a moment"))
        # a request finding the queue empty may take all of it; else a client keeps to its share, alone or not
        if self._pending and (lane.pending + count > CLIENT_SHARE * self._max_queue or (
                self._max_queue_cost is not None and
                lane.pending_cost + ticket.cost > CLIENT_SHARE * self._max_queue_cost)):
            raise self._refusal("client_share", Overloaded(
                f"this client would have {lane.pending + count} questions waiting, {lane.pending_cost + ticket.cost} "
                f"tokens: at most {CLIENT_SHARE:.0%} of the queue (RAG_QUEUE_MAX, RAG_QUEUE_MAX_TOKENS) is one "
                "client's; retry when some are answered"))
        if self.rate and ticket.deadline is not None and \
                (alone := ticket.cost / self.rate) > ALONE_MARGIN * (ticket.deadline - time.monotonic()):
            raise self._refusal("too_much_work", TooMuchWork(
                f"these {count} questions alone need about {alone:.0f} s of search, more than the deadline allows "
                f"(RAG_REQUEST_DEADLINE_SECONDS, {ticket.deadline - time.monotonic():.0f} s left): send fewer or "
                "shorter at once"))
        late = self.rate and too_late(self._lanes, ticket, self.rate, self._pending, self._running_cost)
        if late:
            raise self._refusal("deadline", Overloaded(
                f"the server has about {late:.0f} s of searches queued, more than the deadline allows "
                "(RAG_REQUEST_DEADLINE_SECONDS); retry once they are answered", retry_after=late))

    def _refusal(self, reason: str, error: E) -> E:
        self.refused[reason] += 1
        return error

    @property
    def pending(self) -> tuple[int, int]:
        """(questions, their cost) waiting in the queue."""
        return self._pending, self._pending_cost

    def _drop(self, ticket: Ticket) -> None:
        """Leave what is left of `ticket` uncomputed and free its place in the queue (in the event loop)."""
        with self._ready:
            left = self._discard(ticket)
        for (_, future), _ in left:
            future.cancel()

    def _discard(self, ticket: Ticket) -> list[tuple[tuple[Any, asyncio.Future], int]]:
        """What is left of `ticket`, taken out of the queue; the caller holds `_ready`."""
        if ticket.dropped:
            return []
        ticket.dropped = True
        left = list(ticket.items)
        ticket.items.clear()
        cost = sum(cost for _, cost in left)
        ticket.lane.pending -= len(left)
        ticket.lane.pending_cost -= cost
        self._release(len(left), cost)
        self.dropped += len(left)
        return left

    def _release(self, count: int, cost: int) -> None:
        self._pending -= count
        self._pending_cost -= cost
        if not self._pending:  # nothing waits: no lane holds anything, however many clients came and left
            self._lanes.clear()
            self._by_client.clear()

    def _take(self) -> tuple[list[_Entry], int] | None:
        """The next batch: by turns over the waiting requests, up to `max_batch` items and `max_cost`; waits as
        long as needed for a first item, and with `max_wait` at most that long for as many as the last batch held."""
        with self._ready:
            while not self._stopping and not self._pending:
                self._ready.wait()
            if self._stopping:
                return None
            expect = min(self._expect, self._max_batch) if self._max_wait else 1
            deadline = time.monotonic() + self._max_wait
            while self._pending < expect and not self._stopping:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self._ready.wait(remaining):
                    break
            batch, cost = self._fill()
            self._release(len(batch), cost)
            self._running_cost += cost
        self._expect = max(1, len(batch))
        return batch, cost

    def _fill(self) -> tuple[list[_Entry], int]:
        """Items taken by turns, one per waiting client per round (one of its requests in turn); requests past their
        deadline are dropped."""
        batch: list[_Entry] = []
        cost, now = 0, time.monotonic()
        while len(batch) < self._max_batch and self._lanes:
            lane = self._lanes[0]
            if not lane.tickets:  # every request of this client is answered or dropped
                self._lanes.popleft()
                if self._by_client.get(lane.client) is lane:
                    del self._by_client[lane.client]
                continue
            ticket = lane.tickets[0]
            if ticket.deadline is not None and ticket.deadline <= now:
                self._discard(ticket)  # its caller's own timeout, due now, answers the client
            if not ticket.items:
                lane.tickets.popleft()
                continue
            (item, future), item_cost = ticket.items[0]
            if batch and self._max_cost is not None and cost + item_cost > self._max_cost:
                break
            ticket.items.popleft()
            lane.pending -= 1
            lane.pending_cost -= item_cost
            batch.append((item, future, ticket.loop))
            cost += item_cost
            lane.tickets.rotate(-1)  # its client's next item comes from its next request
            self._lanes.rotate(-1)  # and waits for the other clients' turn
        return batch, cost

    def _run(self) -> None:
        if self._on_start is not None:
            self._on_start()
        while (taken := self._take()) is not None:
            self._compute(*taken)
            # what it computed is the requests' now: an idle worker holds none of it (a reload's build before)
            del taken
        with self._free:  # the ranker stops once it has ranked what it was handed
            self._worker_done = True
            self._free.notify_all()

    def _compute(self, batch: list[_Entry], cost: int) -> None:
        """Run the batch function over `batch` and hand each item's result (or the failure) to its request; with
        `then`, hand its first step's output to the ranker, or rank it here when nothing is queued."""
        if not batch:
            return
        self.batches += 1
        self.items += len(batch)
        started = time.monotonic()
        try:
            middle = self._fn([item for item, _, _ in batch])
        except BaseException as exc:  # hand the failure to every waiting request
            self._settle(batch, cost, [exc] * len(batch), _fail)
            return
        if self._then is not None:
            with self._free:
                while self._ranking:
                    self._free.wait()
                if self._pending and self._ranker_ready:  # a next batch to take: the ranker ranks this one meanwhile
                    self._handed, self._ranking = (batch, cost, middle), True
                    self._free.notify_all()
                    self._measure(len(batch), cost, time.monotonic() - started)
                    return
        self._finish(batch, cost, middle, started)

    def _finish(self, batch: list[_Entry], cost: int, middle: Any, started: float | None) -> None:
        """The batch's results from its first step's output (`then`'s, or that output itself), handed back; the
        rate measured from `started` unless None (the worker measured it when it handed the batch over)."""
        try:
            results = middle if self._then is None else self._then(middle)
            if len(results) != len(batch):
                raise RuntimeError(f"batch function returned {len(results)} results for {len(batch)} items")
        except BaseException as exc:
            self._settle(batch, cost, [exc] * len(batch), _fail)
            return
        if started is not None:
            self._measure(len(batch), cost, time.monotonic() - started)
        self._settle(batch, cost, list(results), _resolve)

    def _settle(self, batch: list[_Entry], cost: int, outcomes: list, settle: Callable[[asyncio.Future, object], None]
                ) -> None:
        with self._ready:
            self._running_cost -= cost
        _hand_back(batch, outcomes, settle)

    def _rank_handed(self) -> None:
        """The ranker: the second step of each batch the worker hands over, until the worker stops. If its `on_start`
        fails, it stops there (the error reported as the thread's) and the worker ranks every batch itself."""
        if self._on_start is not None:
            self._on_start()
        with self._free:
            self._ranker_ready = True
        while True:
            with self._free:
                while self._handed is None and not self._worker_done:
                    self._free.wait()
                handed, self._handed = self._handed, None
            if handed is None:
                return
            try:
                self._finish(*handed, None)
            finally:
                del handed  # an idle ranker holds none of it either
                with self._free:
                    self._ranking = False
                    self._free.notify_all()

    def _measure(self, items: int, cost: int, seconds: float) -> None:
        """Fold one batch's cost per second into `rate` (a moving average: the last batches weigh most), for a batch
        at least half full (by items or by cost): a call has a cost of its own, which a lone short question would
        take for a slow rate, and the rate matters when the queue is long, when batches are full."""
        full = items >= self._max_batch / 2 or (self._max_cost is not None and cost >= self._max_cost / 2)
        if full and seconds > 0:
            rate = cost / seconds
            self.rate = rate if self.rate is None else RATE_SMOOTHING * rate + (1 - RATE_SMOOTHING) * self.rate

    def close(self) -> None:
        with self._ready:
            self._stopping = True
            self._ready.notify_all()
        for thread in self._threads:
            thread.join(timeout=10)


def _hand_back(batch: list[_Entry], outcomes: list, settle: Callable[[asyncio.Future, object], None]) -> None:
    """Settle each item's future with its own outcome: one wake-up per event loop, not one per item."""
    by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future, object]]] = {}
    for (_, future, loop), outcome in zip(batch, outcomes, strict=True):
        by_loop.setdefault(loop, []).append((future, outcome))
    for loop, pairs in by_loop.items():
        with contextlib.suppress(RuntimeError):  # that loop is closed: nobody is waiting any more
            loop.call_soon_threadsafe(_settle_all, pairs, settle)


def _settle_all(pairs: list[tuple[asyncio.Future, object]], settle: Callable[[asyncio.Future, object], None]) -> None:
    for future, outcome in pairs:
        settle(future, outcome)


def _resolve(future: asyncio.Future, result: object) -> None:
    if not future.done():  # a request cancelled meanwhile (client gone) no longer wants it
        future.set_result(result)


def _fail(future: asyncio.Future, exc: object) -> None:
    if not future.done():
        assert isinstance(exc, BaseException)
        future.set_exception(exc)


__all__ = ["CLIENT_SHARE", "MicroBatcher"]
