"""``flowdesk worker``'s core: what one ``flowdesk.run(run_id, revision)`` message does.

Claim the run (once, or park it past ``max_instances``), check the workflow's revision against the
message's (reload the workspace once if they differ), rebuild the run from the store, run it in the
engine, record its outcome (and retry) only if it is still this worker's, then publish what its end
let go: its retry and parked runs of its workflow.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from flowdesk.core.cluster.engine_thread import EngineThread
from flowdesk.core.cluster.publisher import BrokerUnavailable, Publication, PublishedMarks, RunPublisher
from flowdesk.core.cluster.revision import MISSING, RevisionCache
from flowdesk.core.cluster.live_log_sender import LiveLogSender
from flowdesk.core.cluster.run_claims import ClaimedRun, RunClaims
from flowdesk.core.cluster.store_wait import StoreWait, end_already_recorded
from flowdesk.core.engine import RunOutcome, RunSpec
from flowdesk.core.errors import FlowDeskError
from flowdesk.core.registry import Registry
from flowdesk.core.run_dispatcher import RETRIED_STATUSES
from flowdesk.core.run_preparation import RunPreparer
from flowdesk.core.store import new_run_id
from flowdesk.core.store.records import utc_now
from flowdesk.core.store.run_queue_tables import RetryPlan
from flowdesk.core.run_messages import (
    CANNOT_START_QUEUED,
    INPUT_NOT_KEPT,
    NOT_IN_WORKSPACE,
    REVISION_MISMATCH,
    WORKER_ERROR,
)

log = logging.getLogger(__name__)


@dataclass
class WorkerParts:
    """What a worker host is made of (built by ``flowdesk worker``)."""

    name: str
    registry: Registry
    preparer: RunPreparer
    claims: RunClaims
    engine: EngineThread
    publisher: RunPublisher
    marks: PublishedMarks
    revisions: RevisionCache
    notices: LiveLogSender  # run events that need not wait for a transaction (started, live log lines)


class WorkerHost:
    """Executes run messages on one worker process; every public method is thread-safe."""

    def __init__(self, parts: WorkerParts) -> None:
        self.parts = parts
        self.name = parts.name
        self._registry_lock = threading.Lock()  # reloads and run preparation touch the registry
        self.stopping = False
        self.executed = 0
        self._capacity: tuple[float, int, float] | None = None  # (read at, runs, trusted for seconds)

    # -- the cluster's capacity, as the heartbeat last read it ----------------------------------
    def set_capacity(self, runs: int, ttl: float) -> None:
        """How many runs the live workers can hold at once, trusted for ``ttl`` seconds."""
        self._capacity = (time.monotonic(), runs, ttl)

    def capacity(self) -> int | None:
        """The cluster's capacity if read recently enough (None: claims take the workflow lock)."""
        known = self._capacity
        if known is None or time.monotonic() - known[0] > known[2]:
            return None
        return known[1]

    # -- policy read from this worker's copy of the workspace ------------------------------
    def limit_of(self, workflow: str) -> int:
        """The workflow's ``max_instances`` (1 when it cannot be read)."""
        entry = self.parts.registry.workflows.get(workflow)
        return entry.config.max_instances if entry is not None and entry.config is not None else 1

    def retry_policy(self, workflow: str) -> tuple[int, float]:
        """(retries, retry_delay seconds) of a workflow; none when it cannot be read."""
        entry = self.parts.registry.workflows.get(workflow)
        config = entry.config if entry is not None else None
        return (config.retries, float(getattr(config, "retry_delay", 0) or 0)) if config is not None else (0, 0.0)

    def revision_of(self, workflow: str, *, fresh: bool = False) -> str:
        """This worker's revision of a workflow folder."""
        return self.parts.revisions.revision(self.parts.registry.workspace.workflows_dir / workflow, fresh=fresh)

    # -- one message -------------------------------------------------------------------------
    def execute(self, run_id: str, revision: str) -> str:
        """Handle one message; returns what happened (claimed runs: their final status)."""
        p = self.parts
        state, run = self._claim(run_id)
        p.marks.discard_soon(run_id)  # the message was received: its mark can go (in a batch, later)
        if state == "parked" and run is not None:
            self.release(run.workflow)  # a run of the workflow may have ended while we parked this one
        if state != "claimed" or run is None:
            return state
        p.notices.started(run_id)
        try:
            outcome = self._run(run, revision)
        except Exception as exc:  # noqa: BLE001 - a bug here fails one run, never the worker
            log.exception("run %s failed inside the worker", run_id)
            outcome = RunOutcome.without_run(run_id, "error", WORKER_ERROR(reason=str(exc)))
        self.record(run, outcome)
        self.executed += 1
        return outcome.status

    def _claim(self, run_id: str) -> tuple[str, ClaimedRun | None]:
        """Claim, waiting for the database while it is down (the message stays unacknowledged meanwhile)."""
        wait = StoreWait(f"run {run_id}: claiming it")
        while True:
            try:
                claimed = self.parts.claims.claim(run_id, self.limit_of, self.capacity())
                wait.succeeded()
                return claimed
            except Exception as exc:  # noqa: BLE001 - database down: nothing can run without it anyway
                if self.stopping:  # the message is acknowledged as failed: drop its mark so the sweeper
                    self.parts.marks.discard_soon(run_id)  # publishes the (still queued) run again
                    self.parts.marks.flush()
                    raise
                _reset_connection(self.parts.claims)
                wait.failed(exc)

    def _run(self, run: ClaimedRun, revision: str) -> RunOutcome:
        p = self.parts
        if self.revision_of(run.workflow) != revision:
            with self._registry_lock:
                p.registry.reload()  # the copy may have been updated since we read it
            mine = self.revision_of(run.workflow, fresh=True)
            if mine == MISSING:
                return RunOutcome.without_run(run.run_id, "error", NOT_IN_WORKSPACE(
                    workflow=repr(run.workflow), worker=self.name, revision=revision))
            if mine != revision:
                return RunOutcome.without_run(run.run_id, "error", REVISION_MISMATCH(
                    workflow=repr(run.workflow), revision=revision, worker=self.name, theirs=mine))
        data = run.payload
        if data is None:
            return RunOutcome.without_run(run.run_id, "interrupted", INPUT_NOT_KEPT())
        try:
            with self._registry_lock:
                prepared = p.preparer.prepare_again(run.workflow, run.trigger, data)
        except FlowDeskError as exc:
            return RunOutcome.without_run(run.run_id, "error", CANNOT_START_QUEUED(reason=str(exc)))
        if prepared.skip_reason:
            return RunOutcome.without_run(run.run_id, "skipped", prepared.skip_reason)  # type: ignore[arg-type]
        entry = prepared.entry
        return p.engine.run(RunSpec(
            run_id=run.run_id, workflow=entry.slug, workflow_dir=entry.path, data=prepared.data,
            tools=prepared.tools, timeout=entry.config.timeout, secrets=prepared.secrets,
            max_instances=max(entry.config.max_instances, 1)))

    def retry_plan(self, run: ClaimedRun, status: str) -> RetryPlan | None:
        """The next attempt per the workflow's ``retries`` / ``retry_delay``, or None."""
        if status not in RETRIED_STATUSES:
            return None
        retries, delay = self.retry_policy(run.workflow)
        if run.attempt > retries:
            return None
        return RetryPlan(new_run_id(), utc_now() + timedelta(seconds=delay) if delay > 0 else None)

    def record(self, run: ClaimedRun, outcome: RunOutcome) -> bool:
        """Record the outcome (retrying while the database is down), then publish what the end let go;
        False when the run was no longer this worker's (or the worker stopped before it could record)."""
        plan = self.retry_plan(run, outcome.status)
        wait = StoreWait(f"run {run.run_id}: recording its outcome")
        while True:
            try:
                recorded, parked = self.parts.claims.finish(run, outcome, plan)
                if not recorded and wait.failures:  # did a commit land before its connection broke?
                    recorded = parked = end_already_recorded(self.parts.claims.access, run.run_id,
                                                             outcome.status, self.parts.claims.worker)
                wait.succeeded()
                break
            except Exception as exc:  # noqa: BLE001 - database down: keep the outcome until it comes back
                if self.stopping:
                    log.error("run %s: outcome %s not recorded (%s); the run will end interrupted",
                              run.run_id, outcome.status, exc)
                    return False
                _reset_connection(self.parts.claims)
                wait.failed(exc)
        if not recorded:
            log.warning("run %s was declared lost while this worker ran it (heartbeat missed?): its outcome "
                        "%s is not recorded", run.run_id, outcome.status)
            return False
        if plan is not None:
            delay = (plan.not_before - utc_now()).total_seconds() if plan.not_before else 0.0
            self.publish([Publication(plan.run_id, self.revision_of(run.workflow), run.priority,
                                      countdown=delay if delay > 0 else None)])
        if parked:
            self.release(run.workflow)
        return True

    def release(self, workflow: str) -> None:
        """Publish the workflow's parked runs that now have room (best effort: the sweeper covers a failure)."""
        try:
            released = self.parts.claims.release(workflow, self.limit_of(workflow))
        except Exception as exc:  # noqa: BLE001 - database hiccup: the leader's sweep releases them
            log.warning("parked runs of %s not released yet (%s)", workflow, exc)
            return
        if released:
            self.publish([Publication(rid, self.revision_of(workflow), prio) for rid, prio in released])

    def publish(self, items: list[Publication]) -> None:
        """Publish retries and released runs; if the broker is down, the sweeper publishes them later."""
        if not items:
            return
        try:
            self.parts.publisher.publish(items)
        except BrokerUnavailable as exc:
            log.warning("broker unavailable: %d run(s) stay queued for the sweeper (%s)", len(items), exc)


def _reset_connection(claims: RunClaims) -> None:
    """Drop this thread's (broken) database connection so the next attempt opens a new one."""
    try:
        claims.store.db.close()
    except Exception:  # noqa: BLE001 - already closed, or closing a dead connection failed: both fine
        pass
