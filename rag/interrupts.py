"""SIGTERM as an interrupt, for the commands that must clean up when stopped.

Python ends a process on SIGTERM at once, running no `finally` and no `except`: an ingest stopped so (by `kill`,
systemd, Kubernetes, `docker stop`) left its temporary build in `builds/.tmp-*`, removed only by an ingest an hour
later. `sigterm_interrupts` raises `Terminated`, a `KeyboardInterrupt`, in the main thread instead, so that SIGTERM
takes the path ^C takes: every cleanup runs (the build being written removed, the lock released), and the CLI exits
with 143, as a shell reports a process that SIGTERM ended.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived while `sigterm_interrupts` was in force."""


def _terminate(signum: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM ends the process at once, cleanup or not
    raise Terminated


@contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """SIGTERM raises `Terminated` while the block runs; the previous handler is put back after it. Only the main
    thread receives signals: elsewhere the block runs as it is."""
    global _active
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminate)
    _active = True
    try:
        yield
    finally:
        _active = False
        signal.signal(signal.SIGTERM, previous)


_active = False  # `sigterm_interrupts` is in force


def reclaim() -> None:
    """SIGTERM raises `Terminated` again, while `sigterm_interrupts` is in force, after a library installed a
    handler of its own (`ray.init` exits with 15: no 143, no JSON failure report)."""
    if _active and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminate)


__all__ = ["Terminated", "reclaim", "sigterm_interrupts"]
