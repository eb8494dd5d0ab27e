"""A cluster worker waiting for its database: growing pauses, one warning per outage, and the end that landed.

While PostgreSQL is down every worker thread retries its claim or its outcome. A fixed one-second
retry wrote a warning per thread per second for the whole outage; here the pause doubles up to
``MAX_PAUSE`` and a thread warns once when the outage starts and once when it is over. An outcome
whose commit reached the database just before the connection broke is recognised on the next
attempt (the run already ended with that status under this worker's name) rather than reported as
a run declared lost.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from flowdesk.core.cluster.store_access import StoreAccess

FIRST_PAUSE = 0.5  # seconds before the first retry
MAX_PAUSE = 10.0  # seconds between retries once the outage lasts (a worker back within 10 s of its database)

log = logging.getLogger("flowdesk.core.cluster.worker_host")


class StoreWait:
    """Pauses between attempts against a database that does not answer, and the log lines of one outage."""

    def __init__(self, what: str, sleep: Callable[[float], Any] = time.sleep) -> None:
        self.what = what
        self.failures = 0
        self._sleep = sleep

    def failed(self, exc: BaseException) -> None:
        """One attempt failed: warn on the first, then wait (longer each time)."""
        if self.failures == 0:
            log.warning("%s: the database does not answer (%s); retrying until it is back", self.what, exc)
        pause = min(MAX_PAUSE, FIRST_PAUSE * 2 ** self.failures)
        self.failures += 1
        self._sleep(pause)

    def succeeded(self) -> None:
        """The attempt went through: say so when it ends an outage."""
        if self.failures:
            log.warning("%s: the database is back after %d failed attempts", self.what, self.failures)
            self.failures = 0


def end_already_recorded(access: StoreAccess, run_id: str, status: str, worker: str) -> bool:
    """Whether the run already ended with ``status`` under ``worker`` (an earlier attempt's commit landed)."""
    rows = access.rows("SELECT status, worker FROM run WHERE id = ?", (run_id,))
    return bool(rows) and rows[0][0] == status and rows[0][1] == worker
