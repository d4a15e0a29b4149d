"""The build served and its model, swapped together: a build served before is read by its own model for as long as
a request pins it, and that model is released with it."""

from __future__ import annotations

import gc
import subprocess
import sys
import weakref
from typing import Any, cast

from rag.search.served import Served
from tests.helpers.paths import ROOT


class Build:
    """Stands for an `Index`: only its identity matters here."""


class Model:
    """Stands for an `Embedder`."""

    def __init__(self, name: str) -> None:
        self.name = name


def _served(index: Build, model: Model) -> Served:
    return Served(cast(Any, index), cast(Any, model))


def test_a_swap_replaces_the_build_and_its_model_together():
    first, e5 = Build(), Model("e5")
    served = _served(first, e5)
    second, minilm = Build(), Model("minilm")
    assert served.swap(cast(Any, second), cast(Any, minilm)) == (first, e5)
    assert served.now == (second, minilm) and served.embedder(cast(Any, second)) is minilm
    third = Build()
    served.swap(cast(Any, third))  # no model given: the one served reads it
    assert served.now == (third, minilm)


def test_a_build_served_before_keeps_its_model_until_no_request_pins_it():
    first, e5 = Build(), Model("e5")
    served = _served(first, e5)
    released = weakref.ref(e5)
    pinned = first  # a request received before the swap
    served.swap(cast(Any, Build()), cast(Any, Model("minilm")))
    del first, e5
    gc.collect()
    assert served.embedder(cast(Any, pinned)).name == "e5"  # read by the model it was built with
    # a swap of the same model after it: the build pinned still finds its own, two swaps back
    served.swap(cast(Any, Build()))
    assert served.embedder(cast(Any, pinned)).name == "e5"
    del pinned  # its last request answered: the build goes, and its model with it
    gc.collect()
    assert released() is None


def test_an_unknown_build_is_read_by_the_model_served():
    served = _served(Build(), Model("e5"))
    assert served.embedder(cast(Any, Build())).name == "e5"


EXITING = """
import threading
from tests.unit.test_served import Build, Model, _served
started = threading.Thread.start
threading.Thread.start = lambda thread: print("started", thread.name) or started(thread)
served = _served(Build(), Model("e5"))
pinned = served.now[0]  # a request still pinned to the first build when the process ends
served.swap(Build(), Model("minilm"))
"""


def test_a_process_that_ends_with_a_build_still_pinned_starts_no_thread_to_release_its_model():
    """The memory comes back with the process anyway; Python 3.12 refuses to start a thread at exit (a traceback)."""
    ended = subprocess.run([sys.executable, "-c", EXITING], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert ended.returncode == 0 and ended.stdout == "" and ended.stderr == "", (ended.stdout, ended.stderr)


def test_a_build_freed_while_the_lock_is_held_does_not_hang_its_release():
    """The cyclic collector may run a build's finalizer at any allocation, one made under the lock too (in `swap`):
    the release takes the lock again in the same thread, which a plain lock would wait for forever."""
    import threading

    first, e5 = Build(), Model("e5")
    served = _served(first, e5)
    served.swap(cast(Any, Build()), cast(Any, Model("minilm")))
    key = id(first)

    def release_under_the_lock() -> None:
        with served._lock:
            served._forget(key)

    releasing = threading.Thread(target=release_under_the_lock, daemon=True)
    releasing.start()
    releasing.join(10)
    assert not releasing.is_alive()
