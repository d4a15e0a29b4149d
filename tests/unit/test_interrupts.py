"""SIGTERM as an interrupt while an ingest runs, even after a library installed its own handler."""

import signal

import pytest

from rag.interrupts import Terminated, reclaim, sigterm_interrupts


def test_a_handler_a_library_installs_meanwhile_is_replaced_and_the_previous_one_put_back():
    before = signal.getsignal(signal.SIGTERM)
    reclaim()  # outside an ingest: nothing changes
    assert signal.getsignal(signal.SIGTERM) is before
    with sigterm_interrupts():
        signal.signal(signal.SIGTERM, lambda signum, frame: None)  # as ray.init does
        reclaim()
        with pytest.raises(Terminated):
            signal.raise_signal(signal.SIGTERM)
        reclaim()  # the first SIGTERM left the default on: a second kills; reclaimed for the test's sake
    assert signal.getsignal(signal.SIGTERM) is before
