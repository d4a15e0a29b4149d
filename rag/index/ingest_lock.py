"""The index folder's writer lock: one ingest at a time per index folder.

Two ingests publishing into one folder at once would each prune what the other has just published (each keeps only
its own new build and the one it replaced), so the ingest pipeline holds this lock from before it reads the corpus until
its build is published and the old ones pruned. It is an advisory `flock` on `index_dir/.ingest.lock`, taken without
waiting: a second ingest fails at once with `IngestBusy`, naming the holder, whose pid, host and start time the holder
writes into the file once it has the lock. The kernel drops the lock of a process that dies, even by SIGKILL: the
file stays, the lock does not, so a crash never blocks the next ingest. Servers never take it: they write nothing.

The file is never deleted: a process that had it open before the deletion would lock the old file while the next one
creates and locks a new one, and both would write. It is opened for writing, which is what an exclusive `flock` needs
on NFS (Linux clients emulate `flock` there with a byte-range lock over the whole file, seen by every client of a
server that carries locks: NFS v4, or v3 with its lock manager). A filesystem that keeps `flock` on the host that
takes it (a `local_lock=flock` NFS mount, some other network filesystems) leaves ingests on different hosts free to
run at once.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import time
import weakref
from pathlib import Path
from types import TracebackType

from rag.errors import IngestBusy, IngestError

LOCK_FILE = ".ingest.lock"


def _unlock(descriptor: int) -> None:
    """Clear the holder's details, then drop the lock by closing the file (the clearing is for people reading it)."""
    with contextlib.suppress(OSError):  # nothing to do about it: the lock goes with the descriptor whatever it holds
        os.ftruncate(descriptor, 0)
    os.close(descriptor)


def _holder(descriptor: int) -> str:
    """Who holds the lock, as its holder recorded it, for a message."""
    try:
        record = json.loads(os.pread(descriptor, 4096, 0).decode("utf-8"))
        return f"pid {record['pid']} on host {record['host']}, started {record['started']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "its holder has not recorded itself yet"  # it has the lock but not yet written, or an older rag


class IngestLock:
    """The exclusive lock on an index folder that an ingest holds while it runs; `release()` or the lock going out of
    use (garbage collection, process exit) drops it. Usable as a context manager."""

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
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
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
        self._release = weakref.finalize(self, _unlock, descriptor)

    def release(self) -> None:
        """Drop the lock (again: no effect)."""
        self._release()

    @property
    def held(self) -> bool:
        return self._release.alive

    def __enter__(self) -> IngestLock:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.release()

    def __repr__(self) -> str:
        return f"IngestLock({str(self.path)!r}, held={self.held})"


__all__ = ["LOCK_FILE", "IngestLock"]
