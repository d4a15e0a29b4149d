"""The two locks of an index folder, both an advisory `flock` taken without waiting on a descriptor held open:
closing the descriptor drops the lock, and the kernel closes it for a process that dies, even by SIGKILL, so a
crash never leaves a build pinned or the folder locked for ever.

- `Lease`, on a build folder: a build that some process is reading or serving is not deleted under it. The lock is
  on the folder itself (no file is written, so a read-only reader can hold one): readers and servers hold a shared
  lock for as long as they use the build, writers an exclusive one while they write it, and pruning removes a
  folder only if it can take the exclusive lock without waiting (`remove_unless_leased`).
- `IngestLock`, the writer lock on `index_dir/.ingest.lock`: one ingest at a time per index folder. Two ingests
  publishing into one folder at once would each prune what the other has just published (each keeps only its own
  new build and the one it replaced), so the ingest pipeline holds it from before it reads the corpus until its
  build is published and the old ones pruned. A second ingest fails at once with `IngestBusy`, naming the holder,
  whose pid, host and start time the holder writes into the file once it has the lock. Servers never take it: they
  write nothing.

The lock file is never deleted: a process that had it open before the deletion would lock the old file while the
next one creates and locks a new one, and both would write. It is opened for writing, which is what an exclusive
`flock` needs on NFS (Linux clients emulate `flock` there with a byte-range lock over the whole file, seen by every
client of a server that carries locks: NFS v4, or v3 with its lock manager). A filesystem that keeps `flock` on the
host that takes it (a `local_lock=flock` NFS mount, some other network filesystems) leaves ingests on different
hosts free to run at once.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import socket
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Self

from rag.errors import IngestBusy, IngestError

LOCK_FILE = ".ingest.lock"


def _flock(descriptor: int, *, exclusive: bool) -> None:
    """Lock `descriptor` without waiting: `BlockingIOError` if a conflicting lock is held. The caller closes the
    descriptor when this raises."""
    fcntl.flock(descriptor, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)


class _Held:
    """A lock held on an open descriptor until `release()`, or until the object is garbage-collected (a finalizer,
    rather than `__del__`, runs `close` exactly once). Usable as a context manager."""

    def __init__(self, path: Path, descriptor: int, close: Callable[[int], None] = os.close) -> None:
        self._path = path
        self._release = weakref.finalize(self, close, descriptor)

    def release(self) -> None:
        """Drop the lock (again: no effect)."""
        self._release()

    @property
    def held(self) -> bool:
        return self._release.alive

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.release()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self._path)!r}, held={self.held})"


class Lease(_Held):
    """A lock on a build folder: shared for a reader, exclusive for a writer or for pruning."""

    def __init__(self, folder: Path, *, exclusive: bool = False) -> None:
        """Lock `folder` without waiting. Raises `BlockingIOError` if a conflicting lease is held,
        `OSError` if the folder cannot be opened."""
        self.folder = folder
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            _flock(descriptor, exclusive=exclusive)
        except BaseException:
            os.close(descriptor)
            raise
        super().__init__(folder, descriptor)


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


def _unlock(descriptor: int) -> None:
    """Clear the holder's details, then drop the lock by closing the file (the clearing is for people reading it)."""
    with contextlib.suppress(OSError):  # nothing to do about it: the lock goes with the descriptor whatever it holds
        os.ftruncate(descriptor, 0)
    os.close(descriptor)


def _holder(descriptor: int) -> str:
    """Who holds the ingest lock, as its holder recorded it, for a message."""
    try:
        record = json.loads(os.pread(descriptor, 4096, 0).decode("utf-8"))
        return f"pid {record['pid']} on host {record['host']}, started {record['started']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "its holder has not recorded itself yet"  # it has the lock but not yet written, or an older rag


class IngestLock(_Held):
    """The exclusive lock on an index folder that an ingest holds while it runs."""

    def __init__(self, index_dir: Path) -> None:
        """Take the lock on `index_dir` (created if missing) without waiting. Raises `IngestBusy` when another
        process holds it, `IngestError` when the lock file cannot be created, opened or locked."""
        self.path = index_dir / LOCK_FILE
        try:
            index_dir.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)  # the umask decides: a group may share it
        except OSError as exc:
            raise IngestError(f"cannot open the ingest lock {self.path} ({exc.strerror or exc}): an ingest needs "
                              "write access to the index folder") from exc
        try:
            _flock(descriptor, exclusive=True)
        except BlockingIOError:
            holder = _holder(descriptor)
            os.close(descriptor)
            raise IngestBusy(f"another ingest is writing the index folder {index_dir} ({holder}): wait for it to "
                             f"end, or stop it; this one changed nothing. The lock is {self.path}") from None
        except OSError as exc:  # ENOLCK: a network filesystem that carries no locks
            os.close(descriptor)
            raise IngestError(f"cannot lock {self.path} ({exc.strerror or exc}): the index folder's filesystem "
                              "does not support flock") from exc
        record = {"pid": os.getpid(), "host": socket.gethostname(),
                  "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        with contextlib.suppress(OSError):  # the lock is what counts; a full disk would fail the build anyway
            os.ftruncate(descriptor, 0)
            os.pwrite(descriptor, json.dumps(record).encode("utf-8"), 0)
        super().__init__(self.path, descriptor, _unlock)


__all__ = ["LOCK_FILE", "IngestLock", "Lease", "remove_unless_leased"]
