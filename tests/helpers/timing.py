"""Linear time shown as DEVELOPERS.md asks, without a bound in seconds that a loaded machine breaks: four times the
input must take under nine times the CPU (a quadratic reading takes sixteen)."""

import gc
import time
from collections.abc import Callable


def cpu(work: Callable[[int], object], n: int) -> float:
    """The CPU seconds `work(n)` takes on this thread, the cyclic collector off meanwhile: its full walks read
    everything the test process holds, which grows with the other tests', not with `work`'s input."""
    automatic = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        started = time.thread_time()
        work(n)
        return time.thread_time() - started
    finally:
        if automatic:
            gc.enable()


def grows_linearly(work: Callable[[int], object], n: int) -> bool:
    """Whether `work(4 * n)` takes under nine times the CPU of `work(n)` (the better of two runs each: a loaded
    machine's one slow run is no growth), give or take 50 ms of the clock's grain."""
    small = min(cpu(work, n) for _ in range(2))
    return min(cpu(work, 4 * n) for _ in range(2)) < 9 * small + 0.05
