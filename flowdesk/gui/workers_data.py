"""What the Overview's Workers panel shows, read on the core thread (Qt-free: plain dataclasses out).

Only a window connected to a cluster (``runtime.cluster`` set: started with ``FLOWDESK_BROKER_URL``)
has workers; ``read_workers`` answers None otherwise, and the panel stays hidden. The read is
small on purpose (it repeats every heartbeat): the ``worker`` table, and the queued and parked counts
on indexed columns; no broker round trip and no count of every run by status.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from flowdesk.core.runtime import Runtime

WorkerState = Literal["online", "late", "gone"]
LATE_AFTER_BEATS = 2.5  # a worker this many heartbeat intervals silent is late (one missed beat, and then some)


@dataclass(frozen=True)
class WorkerRow:
    """One worker as the panel shows it."""

    name: str
    host: str
    concurrency: int
    running: int
    last_heartbeat: datetime | None
    state: WorkerState


@dataclass(frozen=True)
class WorkersSnapshot:
    """The cluster's workers and queue depth at ``now`` (the time of the read)."""

    now: datetime
    workers: list[WorkerRow]
    queued: int  # queued runs in the store, parked ones included
    parked: int  # of which waiting for their workflow's max_instances
    heartbeat_interval: float
    start_command: str  # how to start a worker against this cluster (passwords as ***)

    @property
    def online(self) -> list[WorkerRow]:
        """Workers heard from within a couple of heartbeats."""
        return [w for w in self.workers if w.state == "online"]

    @property
    def capacity(self) -> int:
        """Runs the workers not yet gone can hold at once."""
        return sum(w.concurrency for w in self.workers if w.state != "gone")


def worker_state(last_heartbeat: datetime | None, now: datetime, heartbeat_interval: float,
                 dead_after: float) -> WorkerState:
    """online, late (beats missed, runs still its own) or gone (silent past ``dead_after``: its runs are retried)."""
    if last_heartbeat is None:
        return "gone"
    age = (now - last_heartbeat).total_seconds()
    if age > dead_after:
        return "gone"
    return "late" if age > LATE_AFTER_BEATS * heartbeat_interval else "online"


def start_command(broker_url: str, database_url: str | None, workspace: str) -> str:
    """``flowdesk worker --broker … --database … --workspace …`` (no --database: the SQLite store of a trial)."""
    parts = ["flowdesk", "worker", "--broker", broker_url]
    if database_url:
        parts += ["--database", database_url]
    return shlex.join([*parts, "--workspace", workspace])


def read_workers(rt: Runtime, now: datetime | None = None) -> WorkersSnapshot | None:
    """The cluster's workers and queue depth, or None when this window runs its runs itself (core thread)."""
    cluster = rt.cluster
    if cluster is None:
        return None
    from flowdesk.core.cluster.store_access import StoreAccess
    from flowdesk.core.cluster.worker_registry import WorkerRegistry
    from flowdesk.core.store.database_url import redact

    settings = cluster.settings
    access = StoreAccess(rt.store)
    infos = WorkerRegistry(access).workers(settings.worker_dead_after)
    queued = int(access.rows("SELECT COUNT(*) FROM run WHERE status = 'queued'")[0][0])
    parked = int(access.rows("SELECT COUNT(*) FROM cluster_parked_run")[0][0])
    now = now or datetime.now(timezone.utc)
    rows = [WorkerRow(w.name, w.host, w.concurrency, w.running, w.last_heartbeat,
                      worker_state(w.last_heartbeat, now, settings.heartbeat_interval, settings.worker_dead_after))
            for w in infos]
    order = {"online": 0, "late": 1, "gone": 2}
    rows.sort(key=lambda w: (order[w.state], w.name))
    database = rt.store.location if access.postgres else None  # the store's location is already redacted
    command = start_command(redact(settings.broker_url), database, str(rt.workspace.root))
    return WorkersSnapshot(now, rows, queued, parked, settings.heartbeat_interval, command)


__all__ = ["WorkerRow", "WorkerState", "WorkersSnapshot", "read_workers", "start_command", "worker_state"]
