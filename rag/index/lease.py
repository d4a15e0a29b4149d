"""Leases on index build folders: a build that some process is reading or serving is not deleted under it.

A lease is an advisory `flock` on the build folder itself (no file is written, so a read-only reader can hold
one): readers and servers hold a shared lock for as long as they use the build, writers an exclusive one while they
write it, and pruning removes a folder only if it can take the exclusive lock without waiting. The kernel drops
the locks of a process that dies, even by SIGKILL, so a crash never leaves a build pinned for ever.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import weakref
from pathlib import Path


class Lease:
    """An open lock on a folder, released by `release()` or when the lease is garbage-collected."""

    def __init__(self, folder: Path, *, exclusive: bool = False) -> None:
        """Lock `folder` without waiting. Raises `BlockingIOError` if a conflicting lease is held,
        `OSError` if the folder cannot be opened."""
        self.folder = folder
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            fcntl.flock(descriptor, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BaseException:
            os.close(descriptor)
            raise
        # closing the descriptor releases the lock; a finalizer rather than __del__ closes it exactly once
        self._release = weakref.finalize(self, os.close, descriptor)

    def release(self) -> None:
        self._release()

    def __repr__(self) -> str:
        return f"Lease({str(self.folder)!r}, held={self._release.alive})"


def remove_unless_leased(folder: Path) -> bool:
    """Delete `folder` if nobody holds a lease on it; returns whether it was deleted."""
    try:
        lease = Lease(folder, exclusive=True)
    except BlockingIOError:
        return False
    except FileNotFoundError:
        return True
    try:
        shutil.rmtree(folder, ignore_errors=True)
    finally:
        lease.release()
    return True


__all__ = ["Lease", "remove_unless_leased"]
