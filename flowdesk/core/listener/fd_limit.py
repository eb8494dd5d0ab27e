"""The open-file budget: raise the soft descriptor limit toward the hard one, and size the connection cap from it."""

from __future__ import annotations

import logging
import sys

log = logging.getLogger(__name__)

SOFT_TARGET = 65536  # enough for any workstation use; macOS refuses values above its per-process maximum
CAP_FRACTION = 0.5  # the other half: SQLite, worker pipes, the file watcher, interface files being served
CAP_CEILING = 4096  # a desktop listener never needs more; each idle connection still costs memory
CAP_FLOOR = 16
UNKNOWN_LIMIT_CAP = 512  # Windows has no RLIMIT_NOFILE; stay well inside its socket limits
MAX_BACKLOG = 1024
MIN_BACKLOG = 64


def raise_open_file_limit(target: int = SOFT_TARGET) -> int | None:
    """Raise the soft RLIMIT_NOFILE to min(target, hard); the soft limit in force, None where there is none."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = target if hard == resource.RLIM_INFINITY else min(target, hard)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        for value in (wanted, 10240):  # 10240: OPEN_MAX on macOS, where a larger value is refused
            try:
                resource.setrlimit(resource.RLIMIT_NOFILE, (min(value, wanted), hard))
                soft = min(value, wanted)
                break
            except (ValueError, OSError) as exc:
                log.debug("cannot raise the open-file limit to %d: %s", value, exc)
    return None if soft == resource.RLIM_INFINITY else int(soft)


def connection_cap(soft_limit: int | None) -> int:
    """How many connections the listener may hold open with ``soft_limit`` descriptors for the whole process."""
    if soft_limit is None:
        return UNKNOWN_LIMIT_CAP if sys.platform == "win32" else CAP_CEILING
    return max(CAP_FLOOR, min(CAP_CEILING, int(soft_limit * CAP_FRACTION)))


def accept_backlog(soft_limit: int | None, cap: int) -> int:
    """Listen backlog, which is also how many connections asyncio accepts in one loop turn.

    Those descriptors exist before the cap can close anything, so a burst must fit in what the
    cap leaves free, with room to spare for the rest of the process.
    """
    if soft_limit is None:
        return MAX_BACKLOG
    return max(MIN_BACKLOG, min(MAX_BACKLOG, (soft_limit - cap) // 4))
