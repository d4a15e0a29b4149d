"""The build served and its model, swapped together: a build served before is read by its own model for as long as
a request pins it, and that model is released with it."""

from __future__ import annotations

import gc
import subprocess
import sys
import threading
import weakref
from typing import Any, cast

from rag.search.served import Served
from tests.helpers.paths import ROOT


class Build:
    """Stands for an `Index`: only its identity matters here."""


class Model:
    """Stands for an `Embedder`: counts its releases."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.releases = 0

    def release(self) -> None:
        self.releases += 1


def _released() -> None:
    """Wait for the threads releasing models to finish."""
    for thread in threading.enumerate():
        if thread.name == "rag-release-model":
            thread.join(60)  # a hang guard only


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
    assert released().releases == 0
    del pinned  # its last request answered: the build goes, and its model with it
    gc.collect()
    _released()
    assert released() is None


def test_a_model_no_longer_served_is_released_once_the_last_build_read_with_it_goes():
    first, e5 = Build(), Model("e5")
    served = _served(first, e5)
    served.swap(cast(Any, Build()))  # a second build of the same model
    second = served.now[0]
    served.swap(cast(Any, Build()), cast(Any, Model("minilm")))
    del first
    gc.collect()
    _released()
    assert e5.releases == 0  # the second build is still pinned: its requests are read by e5
    del second
    gc.collect()
    _released()
    assert e5.releases == 1


def test_a_model_held_for_a_pinned_build_is_given_back_to_a_reload_and_kept_from_release():
    """e5, then MiniLM, then e5 again while a request pins the first build: the reload takes the copy in memory, and
    that copy is not released when the pinned build goes before the swap that serves it."""
    first, e5 = Build(), Model("e5")
    served = _served(first, e5)
    minilm = Model("minilm")
    served.swap(cast(Any, Build()), cast(Any, minilm))
    assert served.held(lambda model: model.name == "minilm") is None  # the served model is no model to load
    assert served.held(lambda model: model.name == "other") is None
    assert served.held(lambda model: model.name == "e5") is e5
    del first  # its last request answered while the reload verifies its build
    gc.collect()
    _released()
    assert e5.releases == 0
    served.swap(cast(Any, Build()), cast(Any, e5))
    assert served.now[1] is e5 and e5.releases == 0
    gc.collect()
    _released()
    assert minilm.releases == 1  # the build read by MiniLM went with the swap: nothing holds it any more


def test_a_model_a_reload_took_but_did_not_serve_is_released_at_the_next_swap():
    first, e5 = Build(), Model("e5")
    served = _served(first, e5)
    served.swap(cast(Any, Build()), cast(Any, Model("minilm")))
    assert served.held(lambda model: True) is e5
    del first
    gc.collect()
    served.swap(cast(Any, Build()))  # the reload that took e5 was refused; another build of MiniLM came next
    _released()
    assert e5.releases == 1


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
    first, e5 = Build(), Model("e5")
    served = _served(first, e5)
    served.swap(cast(Any, Build()), cast(Any, Model("minilm")))
    key = id(first)

    def release_under_the_lock() -> None:
        with served._lock:
            served._forget(key)

    releasing = threading.Thread(target=release_under_the_lock, daemon=True)
    releasing.start()
    releasing.join(60)  # a hang guard only
    assert not releasing.is_alive()


def test_a_build_freed_by_the_collector_while_held_looks_for_a_model_does_not_break_the_look():
    """`held` runs `fits` (a check of the new build: allocations) under the lock while it walks the builds served
    before; the cyclic collector may run a pinned build's finalizer there (`_forget`, reentrant), which takes that
    build out of the dict being walked."""
    first, e5 = Build(), Model("e5")
    served = _served(first, e5)
    first.cycle = first  # type: ignore[attr-defined]  # freed by the collector only, as a build held in a cycle is
    served.swap(cast(Any, Build()), cast(Any, Model("minilm")))
    second = served.now[0]
    served.swap(cast(Any, Build()), cast(Any, Model("other")))
    del first

    def fits(model: Any) -> bool:
        gc.collect()  # stands for a collection an allocation of the check triggers
        return model.name == "minilm"

    assert served.held(fits) is served.embedder(second)


def test_a_model_released_while_held_checks_it_is_not_given_to_the_reload():
    """The same collection inside `fits`, finalizing the last pinned build of the very model `fits` is checking: that
    model is released there (`_forget`, reentrant under the lock); `held` must not hand it to the reload, which would
    serve a released model (every search a ModelError until the next reload)."""
    first, e5 = Build(), Model("e5")
    served = _served(first, e5)
    first.cycle = first  # type: ignore[attr-defined]
    served.swap(cast(Any, Build()), cast(Any, Model("minilm")))
    del first

    def fits(model: Any) -> bool:
        gc.collect()
        return model.name == "e5"

    given = served.held(fits)
    _released()
    assert given is None or e5.releases == 0, (given, e5.releases)
