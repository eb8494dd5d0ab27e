"""A worker's side of the store: claim a queued run once, record its end once, park runs over max_instances.

Every message may arrive twice (at-least-once delivery, sweeper re-publishes); the claim is the one
conditional update ``queued -> running`` that lets exactly one worker run it. A workflow's
``max_instances`` holds across the cluster: claims and ends of one workflow take a lock on it, and a
run over the limit is *parked* (kept queued, without a message) until one of its workflow's runs ends.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from flowdesk.core.cluster.store_access import StoreAccess
from flowdesk.core.engine import RunOutcome
from flowdesk.core.store import RunRecord
from flowdesk.core.store.run_queue_tables import RetryPlan

ClaimState = Literal["claimed", "parked", "gone"]
WORKER_COLUMN = "worker"  # the run's claiming worker (set by RunStore.claim)
_READ_RUN = 'SELECT workflow, "trigger", status, attempt, priority, queued_at FROM run WHERE id = ?'
_COUNT_RUNNING = "SELECT COUNT(*) FROM run WHERE status = 'running' AND workflow = ?"


@dataclass
class ClaimedRun:
    """What a worker knows of a run it claimed (the input is read separately, only when it runs)."""

    run_id: str
    workflow: str
    trigger: str
    attempt: int
    priority: int


@dataclass
class RunEnd:
    """A run recorded as ended by this worker, and the parked runs its end let go (id, priority)."""

    record: RunRecord
    released: list[tuple[str, int]] = field(default_factory=list)


def event(kind: str, run_id: str, **extra: object) -> str:
    """The JSON payload of a run event on the NOTIFY channel (k: s=started, l=log, f=finished)."""
    return json.dumps({"k": kind, "r": run_id, **extra}, ensure_ascii=False, separators=(",", ":"))


def finished_event(run_id: str, outcome: RunOutcome) -> str:
    """The ``finished`` payload: status, and the start of the message when the run did not succeed."""
    if outcome.status == "success":
        return event("f", run_id, s=outcome.status)
    return event("f", run_id, s=outcome.status, m=(outcome.message or outcome.error or "")[:300])


class RunClaims:
    """Claims, ends and releases runs for one worker (thread-safe: each thread has its own connection)."""

    def __init__(self, access: StoreAccess, worker: str) -> None:
        self.access = access
        self.store = access.store
        self.worker = worker

    def claim(self, run_id: str, limit_of: Callable[[str], int]) -> tuple[ClaimState, ClaimedRun | None]:
        """Take a queued run for this worker, park it when its workflow is at its limit, or say it is gone."""
        a = self.access
        with a.transaction():
            rows = a.rows(_READ_RUN, (run_id,))
            if not rows or rows[0][2] != "queued":
                return "gone", None
            workflow, trigger, _, attempt, priority, queued_at = rows[0]
            run = ClaimedRun(run_id, workflow, trigger, int(attempt or 1), int(priority or 0))
            a.lock_workflow(workflow)
            if a.rows(_COUNT_RUNNING, (workflow,))[0][0] >= max(1, limit_of(workflow)):
                a.execute("INSERT INTO cluster_parked_run (run_id, workflow, priority, queued_at) VALUES (?, ?, ?, ?)"
                          " ON CONFLICT DO NOTHING", (run_id, workflow, run.priority, queued_at))
                return "parked", run
            if not self.store.claim(run_id, self.worker):
                return "gone", None
            a.notify(event("s", run_id, w=self.worker))
        return "claimed", run

    def finish(self, run: ClaimedRun, outcome: RunOutcome, retry: RetryPlan | None, limit: int) -> RunEnd | None:
        """Record the outcome if the run is still this worker's (None: it was declared lost meanwhile)."""
        a = self.access
        with a.transaction():
            a.lock_workflow(run.workflow)
            rows = a.rows(f"SELECT status, {WORKER_COLUMN} FROM run WHERE id = ?", (run.run_id,))
            if not rows or rows[0][0] != "running" or rows[0][1] != self.worker:
                return None
            record = self.store.finish(
                run.run_id, outcome.status, outcome.finished_at, started_at=outcome.started_at,
                output=outcome.result, message=outcome.message, error=outcome.error, log=outcome.log,
                log_truncated=getattr(outcome, "log_truncated", False), retry=retry)
            a.notify(finished_event(run.run_id, outcome))
            released = self.release_locked(run.workflow, limit)
        return RunEnd(record, released)

    def release(self, workflow: str, limit: int) -> list[tuple[str, int]]:
        """Un-park as many of a workflow's parked runs as it has free slots (own transaction)."""
        with self.access.transaction():
            self.access.lock_workflow(workflow)
            return self.release_locked(workflow, limit)

    def release_locked(self, workflow: str, limit: int) -> list[tuple[str, int]]:
        """``release`` inside a transaction that holds the workflow's lock."""
        a = self.access
        free = max(1, limit) - int(a.rows(_COUNT_RUNNING, (workflow,))[0][0])
        if free <= 0:
            return []
        rows = a.rows("SELECT run_id, priority FROM cluster_parked_run WHERE workflow = ?"
                      " ORDER BY priority, queued_at LIMIT ?", (workflow, free))
        if rows:
            marks = ", ".join("?" * len(rows))
            a.execute(f"DELETE FROM cluster_parked_run WHERE run_id IN ({marks})", [r[0] for r in rows])
        return [(str(r[0]), int(r[1])) for r in rows]

    def parked_workflows(self) -> list[str]:
        """Workflows with parked runs (the sweeper checks they still have a run going)."""
        return [str(r[0]) for r in self.access.rows("SELECT DISTINCT workflow FROM cluster_parked_run")]
