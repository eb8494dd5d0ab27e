"""Workers in the store's ``worker`` table: heartbeats, who is alive, and the runs of workers that died.

A worker writes its row (name, host, concurrency, running, last heartbeat) every few seconds. One
silent for ``dead_after`` seconds is dead: its running runs end ``interrupted`` and follow their
workflow's retry policy. Any live worker and the leading ``serve`` look for them; a row lock and a
re-check make sure each such run is ended once.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flowdesk.core.cluster.publisher import Publication
from flowdesk.core.cluster.run_claims import WORKER_COLUMN, RunClaims, event
from flowdesk.core.cluster.store_access import StoreAccess
from flowdesk.core.store import new_run_id
from flowdesk.core.store.models import to_micros
from flowdesk.core.store.records import utc_now
from flowdesk.core.store.run_queue_tables import RetryPlan


@dataclass
class WorkerInfo:
    """One worker as ``flowdesk cluster status`` and the window's Overview show it."""

    name: str
    host: str
    concurrency: int
    running: int
    last_heartbeat: datetime | None
    alive: bool

    def to_dict(self) -> dict[str, object]:
        """JSON-ready (ISO 8601 heartbeat)."""
        beat = self.last_heartbeat.isoformat(timespec="seconds") if self.last_heartbeat else None
        return {"name": self.name, "host": self.host, "concurrency": self.concurrency, "running": self.running,
                "last_heartbeat": beat, "alive": self.alive}


class WorkerRegistry:
    """The store's ``worker`` table, seen by the cluster (heartbeats, who is alive)."""

    def __init__(self, access: StoreAccess) -> None:
        self.access = access
        self.store = access.store

    def beat(self, name: str, concurrency: int, running: int, host: str | None = None) -> None:
        """Write this worker's row with the current time."""
        self.store.upsert_worker(name, host or socket.gethostname(), concurrency, running)

    def leave(self, name: str) -> None:
        """Remove a worker that stopped cleanly."""
        self.store.delete_worker(name)

    def workers(self, dead_after: float) -> list[WorkerInfo]:
        """Every known worker, with whether it beat within ``dead_after`` seconds; alive ones first."""
        limit = utc_now() - timedelta(seconds=dead_after)
        out = [WorkerInfo(w.name, w.host, w.concurrency, w.running, w.last_heartbeat, w.last_heartbeat >= limit)
               for w in self.store.list_workers()]
        return sorted(out, key=lambda w: (not w.alive, w.name))

    def capacity(self, dead_after: float) -> int:
        """Runs the live workers can hold at once (the sum of their concurrency)."""
        limit = to_micros(utc_now() - timedelta(seconds=dead_after))
        return int(self.access.rows("SELECT COALESCE(SUM(concurrency), 0) FROM worker WHERE last_heartbeat >= ?",
                                    (limit,))[0][0])

    def forget_dead(self, dead_after: float) -> int:
        """Delete rows of workers silent for ten times ``dead_after`` (their runs were ended long ago)."""
        limit = to_micros(utc_now() - timedelta(seconds=dead_after * 10))
        return self.access.execute("DELETE FROM worker WHERE last_heartbeat < ?", (limit,)).rowcount


class LostRunReaper:
    """Ends the running runs of dead (or vanished) workers as interrupted, with their retries."""

    def __init__(self, claims: RunClaims, retry_policy: Callable[[str], tuple[int, float]],
                 limit_of: Callable[[str], int], revision_of: Callable[[str], str]) -> None:
        self.claims = claims
        self.access = claims.access
        self.retry_policy = retry_policy
        self.limit_of = limit_of
        self.revision_of = revision_of

    def lost_runs(self, dead_after: float) -> list[tuple[str, str, str, int, int]]:
        """(run id, workflow, worker, attempt, priority) of running runs whose worker is not alive."""
        limit = to_micros(utc_now() - timedelta(seconds=dead_after))
        return [(str(r[0]), str(r[1]), str(r[2]), int(r[3] or 1), int(r[4] or 0)) for r in self.access.rows(
            f"SELECT id, workflow, {WORKER_COLUMN}, attempt, priority FROM run WHERE status = 'running'"
            f" AND {WORKER_COLUMN} IS NOT NULL AND {WORKER_COLUMN} NOT IN"
            " (SELECT name FROM worker WHERE last_heartbeat >= ?)", (limit,))]

    def reap(self, dead_after: float) -> tuple[int, list[Publication]]:
        """End every lost run once; returns how many this call ended and the messages to publish
        (their retries, and parked runs their ends let go)."""
        ended, out = 0, []
        for run_id, workflow, worker, attempt, priority in self.lost_runs(dead_after):
            publications = self._end(run_id, workflow, worker, attempt, priority, dead_after)
            if publications is not None:
                ended += 1
                out.extend(publications)
        return ended, out

    def _end(self, run_id: str, workflow: str, worker: str, attempt: int, priority: int,
             dead_after: float) -> list[Publication] | None:
        a = self.access
        retries, delay = self.retry_policy(workflow)
        plan = RetryPlan(new_run_id(), utc_now() + timedelta(seconds=delay) if delay > 0 else None) \
            if attempt <= retries else None
        reason = (f"worker {worker} stopped answering (no heartbeat for {dead_after:g} s) while this run was "
                  "running: it was killed, or lost its machine or network")
        with a.transaction():
            # The row lock orders this against the worker's own end of the run (see RunClaims.finish).
            rows = a.rows(f"SELECT status, {WORKER_COLUMN} FROM run WHERE id = ?{' FOR UPDATE' if a.postgres else ''}",
                          (run_id,))
            if not rows or rows[0][0] != "running" or rows[0][1] != worker:
                return None  # ended meanwhile (by its worker, or by another reaper)
            self.claims.store.finish(run_id, "interrupted", utc_now(), error=reason, message=reason, retry=plan)
            a.notify(event("f", run_id, s="interrupted", m=reason[:300]))
        out = []
        if plan is not None:
            out.append(Publication(plan.run_id, self.revision_of(workflow), priority, countdown=delay or None))
        released = self.claims.release(workflow, self.limit_of(workflow))
        out += [Publication(rid, self.revision_of(workflow), prio) for rid, prio in released]
        return out
