"""The open-file limit `rag serve` needs: a descriptor for each of `RAG_MAX_CONNECTIONS` connections, and a margin.

Past the soft `RLIMIT_NOFILE` (`ulimit -n`) a connection cannot be accepted: the event loop closes it at once (libuv
keeps a spare descriptor for that) or stops accepting for a while (asyncio), so clients see connections dropped or
waiting instead of the 503 that `RAG_MAX_CONNECTIONS` promises, and nothing says why. Many systems start a process
at 1,024 (systemd's default soft limit, with a hard limit of 524,288), under 512 connections and the margin only
by luck, and a container or an old init may give less. So `serve` raises the soft limit to what the setting needs,
as far as the hard limit allows (no privilege needed), and says so in one warning when that is not enough.
"""

from __future__ import annotations

import logging
import resource

log = logging.getLogger("rag.server")

# Descriptors a serving process holds besides its connections. Measured at rest with a build loaded: 21 (standard
# streams, the listening socket, the event loop's, the model runtime's cache database, the build's lease and mapped
# vector files); a reload holds a second build (4 more) until the requests pinned to the old one are answered; and
# connections refused past the cap hold one each until their 503 is written. 64 covers all that with room to spare.
MARGIN = 64


def allow_connections(max_connections: int) -> int:
    """Raise the soft open-file limit to `max_connections` + `MARGIN` if it is lower, up to the hard limit; log a
    warning naming both numbers and the setting when it stays lower. Returns the soft limit now in force."""
    needed = max_connections + MARGIN
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return soft
    # never above what is needed: a higher limit lets libraries that still use select() meet descriptors past 1,024
    target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    if target > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError) as exc:  # macOS caps it below an unlimited hard limit (kern.maxfilesperproc)
            log.debug("the open-file limit could not be raised to %d: %s", target, exc)
    if soft < needed:
        log.warning("the open-file limit (ulimit -n) is %d, under the %d that RAG_MAX_CONNECTIONS=%d needs (%d more "
                    "for index files, sockets and logs), and the hard limit (%s) allows no more: past about %d "
                    "connections new ones are dropped without the 503; raise the limit (`ulimit -n`, systemd's "
                    "LimitNOFILE, `docker run --ulimit nofile=`) or lower RAG_MAX_CONNECTIONS",
                    soft, needed, max_connections, MARGIN, "unlimited" if hard == resource.RLIM_INFINITY else hard,
                    max(soft - MARGIN, 0))
    return soft


__all__ = ["MARGIN", "allow_connections"]
