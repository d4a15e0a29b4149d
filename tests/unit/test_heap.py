"""`rag.serving.heap` on its own: when what the process holds is frozen, given back, and frozen again."""

from __future__ import annotations

import gc
import weakref

from rag.serving import heap


class _Build:
    """Stands for a build a reload replaced: anything a weak reference can follow."""


def test_a_reload_freezes_again_at_the_first_full_collection_that_finds_the_build_it_replaced_freed():
    automatic = gc.isenabled()
    gc.disable()  # the collections are the test's own
    try:
        heap.settle()
        assert gc.get_freeze_count() > 0
        replaced = _Build()
        heap.release(replaced)
        assert gc.get_freeze_count() == 0
        gc.collect(1)
        gc.collect()
        assert gc.get_freeze_count() == 0  # a younger collection does not, nor a full one while the build lives
        del replaced
        gc.collect(1)
        assert gc.get_freeze_count() == 0  # the build freed, but only a full collection freezes
        garbage = _Build()
        garbage.itself = garbage  # type: ignore[attr-defined]  # a cycle: the collection frees it, then freezes
        gone = weakref.ref(garbage)
        del garbage
        gc.collect()
        assert gc.get_freeze_count() > 0 and gone() is None  # frozen at the collection's end, not its start
        heap.release()  # a build loaded after the start, nothing replaced: frozen at the next full collection
        assert gc.get_freeze_count() == 0
        gc.collect()
        assert gc.get_freeze_count() > 0
        heap.release(_Build())
        heap.stop()  # a stop gives the heap back for good
        gc.collect()
        assert gc.get_freeze_count() == 0
    finally:
        heap.stop()
        if automatic:
            gc.enable()
