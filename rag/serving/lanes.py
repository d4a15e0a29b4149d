"""The search queue's lanes: each client's waiting requests, what they hold of the queue, and when they would be done.

A `Lane` is one client's waiting requests (`Ticket`s), taking turns within the client's turn (`rag.serving.batcher`).
`Load` and `lane_turns` estimate, by turns, the work computed before a waiting request is done: what the batcher's
admission weighs against deadlines.
"""

from __future__ import annotations

import asyncio
import bisect
import time
from collections import deque
from collections.abc import Hashable
from typing import Any

CLIENT_SHARE = 0.75  # the most of the queue (items, and cost) one client may hold


class Lane:
    """One client's waiting requests, taking turns within the client's turn, and what they hold of the queue."""

    __slots__ = ("client", "pending", "pending_cost", "tickets")

    def __init__(self, client: Hashable | None) -> None:
        self.client = client
        self.tickets: deque[Ticket] = deque()
        self.pending = 0
        self.pending_cost = 0


class Ticket:
    """One request in the queue: its items not yet taken, their costs, its deadline, its client's lane, and whether
    it is dropped."""

    __slots__ = ("cost", "count", "deadline", "dropped", "items", "lane", "loop")

    def __init__(self, entries: list[tuple[Any, asyncio.Future]], costs: list[int], deadline: float | None,
                 loop: asyncio.AbstractEventLoop, lane: Lane) -> None:
        self.items = deque(zip(entries, costs, strict=True))
        self.cost = sum(costs)
        self.count = len(costs)
        self.deadline = deadline
        self.loop = loop
        self.lane = lane
        self.dropped = False  # what is left of it will not be computed


class Load:
    """The work of the waiting clients within a number of turns: each gives one item per turn, as many as it has, at
    its average cost per item. Sorted once per admission, then read in logarithmic time."""

    def __init__(self, lanes: deque[Lane]) -> None:
        held = sorted((lane.pending, lane.pending_cost) for lane in lanes if lane.pending)
        self._pending = [pending for pending, _ in held]
        self._whole = [0.0]  # the cost of the lanes with the fewest items, all of it
        for _, cost in held:
            self._whole.append(self._whole[-1] + cost)
        self._per_item = [0.0]  # the cost per item of the lanes with the most items, from the end
        for pending, cost in reversed(held):
            self._per_item.append(self._per_item[-1] + cost / pending)
        self._per_item.reverse()

    def within(self, turns: int, besides: Lane | None = None) -> float:
        """The cost of what all lanes but `besides` give in `turns` turns."""
        i = bisect.bisect_right(self._pending, turns)
        total = self._whole[i] + turns * self._per_item[i]
        if besides is not None and besides.pending:
            total -= besides.pending_cost / besides.pending * min(besides.pending, turns)
        return total


def lane_turns(lane: Lane, rounds: int) -> tuple[int, float]:
    """Turns of `lane`'s client, and the cost they compute, while its requests take `rounds` turns each (or all
    they have)."""
    turns, cost = 0, 0.0
    for ticket in lane.tickets:
        if ticket.items:
            taken = min(len(ticket.items), rounds)
            turns += taken
            cost += ticket.cost / ticket.count * taken
    return turns, cost


def too_late(lanes: deque[Lane], ticket: Ticket, rate: float, pending: int, running_cost: int) -> float | None:
    """The seconds it would take, when too many: to compute `ticket` by turns (one item of each waiting client
    per round, one of each of its client's requests per turn of the client: a single question rides in the next
    batch whatever other clients queued), past its deadline; or to compute a waiting request that can still
    meet its deadline, once `ticket` is queued, past that deadline, for requests of clients holding no more of
    the queue than `ticket`'s would (a client's requests are not protected against a lighter client's). None when
    neither, and when nothing tells (no rate measured yet, or nothing queued: a request alone is computed,
    whatever the estimate). The caller holds the batcher's lock.

    Each estimate is by turns: a request of r items finishes once its client has had as many turns as its own
    and its siblings' items up to r each, and every other client as many (or all it has), at each request's
    average cost per item."""
    if not (pending or running_cost):
        return None
    now, load = time.monotonic(), Load(lanes)
    mine = ticket.lane
    count = len(ticket.items)
    turns, cost = lane_turns(mine, count)
    own = (running_cost + ticket.cost + cost + load.within(turns + count, besides=mine)) / rate
    if ticket.deadline is not None and now + own > ticket.deadline:
        return own
    share = mine.pending_cost + ticket.cost
    per_item = ticket.cost / count
    for lane in lanes:
        if lane.pending_cost > share:
            continue
        # a client's requests of as many items left are done at once: each such group is estimated once (a
        # client with 300 single questions queued is one estimate, not 300 walks of its 300 requests)
        groups: dict[int, list[float]] = {}
        for waiting in lane.tickets:
            if waiting.deadline is not None and waiting.items:
                groups.setdefault(len(waiting.items), []).append(waiting.deadline)
        for rounds, deadlines in groups.items():
            turns, cost = lane_turns(lane, rounds)  # its own items included
            done = (running_cost + cost + load.within(turns, besides=lane)) / rate
            # a request already past hope is not protected at this one's cost: it fails anyway
            meetable = [deadline for deadline in deadlines if now + done <= deadline]
            if not meetable:
                continue
            if lane is mine:  # taking turns with it: as many of its items as its rounds, and others' turns
                extra = min(count, rounds)
                delay = extra * per_item + load.within(turns + extra, besides=lane) - load.within(
                    turns, besides=lane)
            else:  # at most one of its items per turn of the waiting request's client
                delay = min(count, turns) * per_item
            if now + done + delay / rate > min(meetable):
                return done + delay / rate
    return None


__all__ = ["CLIENT_SHARE", "Lane", "Load", "Ticket", "lane_turns", "too_late"]
