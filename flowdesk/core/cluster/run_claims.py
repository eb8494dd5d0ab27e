"""A worker's side of the store: claim a queued run once, record its end once, park runs over max_instances.

Every message may arrive twice (at-least-once delivery, sweeper re-publishes); the claim is the one
conditional update ``queued -> running`` that lets exactly one worker run it. A workflow's
``max_instances`` holds across the cluster: unless it is at least the cluster's capacity (then it
can never be exceeded), the claim is checked right after under a lock on the workflow, and a run
over the limit is given back and *parked* (kept queued, without a message) before it ran. The end of
a run of that workflow releases it; the parker looks again once committed in case a run ended
meanwhile; the leader's sweep releases whatever a crash or a rare race left parked.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from flowdesk.core.cluster.store_access import RUNS_CHANNEL, StoreAccess
from flowdesk.core.engine import RunOutcome
from flowdesk.core.store.models import dump_json, load_json, to_micros
from flowdesk.core.store.records import utc_now
from flowdesk.core.store.run_queue_tables import RetryPlan

ClaimState = Literal["claimed", "parked", "gone"]
WORKER_COLUMN = "worker"  # the run's claiming worker (the store's claim() sets the same column)
_COUNT_RUNNING = "SELECT COUNT(*) FROM run WHERE status = 'running' AND workflow = ?"
# RunStore.claim's update: queued -> running with this worker's name, once.
_FREE_CLAIM = "UPDATE run SET status = 'running', worker = ?, started_at = ? WHERE id = ? AND status = 'queued'"
_CLAIMED_COLUMNS = ' RETURNING workflow, "trigger", attempt, priority, payload, queued_at'
# The same, only while the workflow has room (SQLite without RETURNING, inside its IMMEDIATE transaction).
_CLAIM = _FREE_CLAIM + " AND (SELECT COUNT(*) FROM run AS r WHERE r.workflow = ? AND r.status = 'running') < ?"
_PARKED_EXIST = "EXISTS (SELECT 1 FROM cluster_parked_run AS p WHERE p.workflow = run.workflow)"
_CHECK = f"SELECT status, worker, {_PARKED_EXIST} FROM run WHERE id = ?"
_CHECK_AND_NOTIFY = f"SELECT status, worker, {_PARKED_EXIST}, pg_notify(?, ?) FROM run WHERE id = ? FOR UPDATE"
# RunStore.finish's update (keep the two in step) with this worker's ownership in its WHERE, the log
# and the NOTIFY in the same statement: one round trip for the usual end on PostgreSQL. A reaper's
# end of the same run holds the row lock or has committed: either way this WHERE then fails.
_ONE_STATEMENT_END = (
    "WITH done AS (UPDATE run SET status = ?, finished_at = ?, started_at = COALESCE(?, started_at, ?),"
    " duration = (? - COALESCE(?, started_at, ?)) / 1000000.0, output = ?, message = ?, error = ?,"
    " log_truncated = ?, payload = NULL WHERE id = ? AND status = 'running' AND worker = ? RETURNING id, workflow),"
    " kept AS (INSERT INTO run_log (run_id, log) SELECT id, ? FROM done WHERE ?"
    " ON CONFLICT (run_id) DO UPDATE SET log = EXCLUDED.log)"
    f" SELECT pg_notify(?, ?), {_PARKED_EXIST.replace('run.workflow', 'done.workflow')} FROM done"
)
_RETURNING = sqlite3.sqlite_version_info >= (3, 35, 0)
_RELEASE = (
    "DELETE FROM cluster_parked_run WHERE run_id IN (SELECT run_id FROM cluster_parked_run WHERE workflow = ?"
    " ORDER BY priority, queued_at LIMIT ?) RETURNING run_id, priority"
)


@dataclass
class ClaimedRun:
    """What a worker knows of a run it claimed, with the input it runs with."""

    run_id: str
    workflow: str
    trigger: str = "webhook"
    attempt: int = 1
    priority: int = 0
    payload: dict[str, Any] | None = None


def _filled(run: ClaimedRun, row: tuple[Any, ...]) -> ClaimedRun:
    """The run with the columns its claim returned (trigger, attempt, priority, payload)."""
    trigger, attempt, priority, payload = row
    run.trigger, run.attempt, run.priority = str(trigger), int(attempt or 1), int(priority or 0)
    run.payload = load_json(payload) if payload is not None else None
    return run


class _NotMine(Exception):
    """The run is no longer this worker's: leave the transaction without writing anything."""


def event(kind: str, run_id: str, **extra: object) -> str:
    """The JSON payload of a run event on the NOTIFY channel (k: s=started, l=log, f=finished)."""
    return json.dumps({"k": kind, "r": run_id, **extra}, ensure_ascii=False, separators=(",", ":"))


def started_event(run_ids: list[str], worker: str) -> str:
    """The payload of several runs started by one worker (k: S, r: their ids)."""
    return json.dumps({"k": "S", "r": run_ids, "w": worker}, ensure_ascii=False, separators=(",", ":"))


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

    def claim(self, run_id: str, limit_of: Callable[[str], int],
              capacity: int | None = None) -> tuple[ClaimState, ClaimedRun | None]:
        """Take a queued run for this worker, park it when its workflow is at its limit, or say it is gone.

        ``capacity`` is how many runs the live workers of the cluster can hold at once (None: not known
        for sure). A workflow whose ``max_instances`` is at least that can never be over its limit, so
        its claim is the one conditional UPDATE; others are checked right after, under the workflow's lock.
        """
        a = self.access
        if not (_RETURNING or a.postgres):
            return self._claim_in_one_transaction(run_id, limit_of)
        rows = a.rows(_FREE_CLAIM + _CLAIMED_COLUMNS, (self.worker, to_micros(utc_now()), run_id))
        if not rows:
            return "gone", None  # a duplicate message: the run was taken (or ended) already
        run = _filled(ClaimedRun(run_id, str(rows[0][0])), rows[0][1:5])
        limit = max(1, limit_of(run.workflow))
        if capacity is not None and limit >= capacity:
            return "claimed", run
        return self._keep_if_room(run, limit, rows[0][5])

    def _keep_if_room(self, run: ClaimedRun, limit: int, queued_at: int) -> tuple[ClaimState, ClaimedRun]:
        """Under the workflow's lock: keep a claimed run if its workflow is within its limit, else give it back
        (queued again) and park it. Nothing ran yet, so a claim given back never ran."""
        a = self.access
        with a.transaction():
            if a.postgres:  # SQLite: the IMMEDIATE transaction already keeps every other writer out
                a.execute("SELECT pg_advisory_xact_lock(7001, hashtext(?))", (f"flowdesk.workflow:{run.workflow}",))
            if int(a.rows(_COUNT_RUNNING, (run.workflow,))[0][0]) <= limit:
                return "claimed", run
            a.execute("UPDATE run SET status = 'queued', worker = NULL, started_at = NULL"
                      " WHERE id = ? AND status = 'running' AND worker = ?", (run.run_id, self.worker))
            a.execute("INSERT INTO cluster_parked_run (run_id, workflow, priority, queued_at) VALUES (?, ?, ?, ?)"
                      " ON CONFLICT DO NOTHING", (run.run_id, run.workflow, run.priority, queued_at))
        return "parked", run

    def _claim_in_one_transaction(self, run_id: str,
                                  limit_of: Callable[[str], int]) -> tuple[ClaimState, ClaimedRun | None]:
        """The claim on a SQLite without RETURNING (< 3.35): read, count and claim in one IMMEDIATE transaction."""
        a = self.access
        with a.transaction():
            rows = a.rows("SELECT workflow, status, priority, queued_at FROM run WHERE id = ?", (run_id,))
            if not rows or rows[0][1] != "queued":
                return "gone", None
            run = ClaimedRun(run_id, str(rows[0][0]), priority=int(rows[0][2] or 0))
            params = (self.worker, to_micros(utc_now()), run_id, run.workflow, max(1, limit_of(run.workflow)))
            if a.execute(_CLAIM, params).rowcount:
                row = a.rows('SELECT "trigger", attempt, priority, payload FROM run WHERE id = ?', (run_id,))[0]
                return "claimed", _filled(run, row)
            a.execute("INSERT INTO cluster_parked_run (run_id, workflow, priority, queued_at) VALUES (?, ?, ?, ?)"
                      " ON CONFLICT DO NOTHING", (run_id, run.workflow, run.priority, rows[0][3]))
        return "parked", run

    def finish(self, run: ClaimedRun, outcome: RunOutcome, retry: RetryPlan | None) -> tuple[bool, bool]:
        """Record the outcome if the run is still this worker's; returns (recorded, whether the workflow
        has parked runs). Not recorded: the run was declared lost meanwhile, and nothing is written."""
        a = self.access
        if a.postgres and retry is None:  # the common end: one statement
            rows = a.rows(_ONE_STATEMENT_END, self._end_params(run, outcome))
            return (True, bool(rows[0][1])) if rows else (False, False)
        try:
            with a.transaction():
                # The row lock orders this end against a reaper's: whichever comes second sees the first.
                if a.postgres:
                    rows = a.rows(_CHECK_AND_NOTIFY, (RUNS_CHANNEL, finished_event(run.run_id, outcome), run.run_id))
                else:
                    rows = a.rows(_CHECK, (run.run_id,))
                if not rows or rows[0][0] != "running" or rows[0][1] != self.worker:
                    raise _NotMine  # rolls the notification back with the transaction
                text = outcome.result_json  # a worker's result: stored as the text it sent, never decoded here
                self.store.finish(
                    run.run_id, outcome.status, outcome.finished_at, started_at=outcome.started_at,
                    output=outcome.result if text is None else None, output_json=text, message=outcome.message,
                    error=outcome.error, log=outcome.log, log_truncated=getattr(outcome, "log_truncated", False),
                    retry=retry)
        except _NotMine:
            return False, False
        return True, bool(rows[0][2])

    def _end_params(self, run: ClaimedRun, outcome: RunOutcome) -> tuple[Any, ...]:
        """The parameters of _ONE_STATEMENT_END, converted as RunStore.finish converts them."""
        text = self.store.dialect.text
        end = to_micros(outcome.finished_at)
        start = to_micros(outcome.started_at) if outcome.started_at is not None else None
        log = text(outcome.log) or ""
        output = outcome.result_json  # a worker's result as it sent it; ``result`` would decode it
        if output is None and outcome.result is not None:
            output = dump_json(outcome.result)
        return (outcome.status, end, start, end, end, start, end, output, text(outcome.message),
                text(outcome.error), int(bool(getattr(outcome, "log_truncated", False))), run.run_id, self.worker,
                log, bool(log), RUNS_CHANNEL, finished_event(run.run_id, outcome))

    def release(self, workflow: str, limit: int) -> list[tuple[str, int]]:
        """Un-park as many of a workflow's parked runs as it has free slots; (run id, priority) of each.

        Called after a run of the workflow ended or one was parked (committed). Two callers may
        release one run each for the same slot: the claim re-checks, the second parks again.
        """
        a = self.access
        if not a.rows("SELECT 1 FROM cluster_parked_run WHERE workflow = ? LIMIT 1", (workflow,)):
            return []
        free = max(1, limit) - int(a.rows(_COUNT_RUNNING, (workflow,))[0][0])
        if free <= 0:
            return []
        with a.transaction():
            if _RETURNING or a.postgres:
                rows = a.rows(_RELEASE, (workflow, free))
            else:  # SQLite < 3.35 has no RETURNING: read, then delete, in one IMMEDIATE transaction
                rows = a.rows("SELECT run_id, priority FROM cluster_parked_run WHERE workflow = ?"
                              " ORDER BY priority, queued_at LIMIT ?", (workflow, free))
                for run_id, _ in rows:
                    a.execute("DELETE FROM cluster_parked_run WHERE run_id = ?", (run_id,))
        return [(str(r[0]), int(r[1])) for r in rows]

    def parked_workflows(self) -> list[str]:
        """Workflows with parked runs (the sweeper checks they still have a run going)."""
        return [str(r[0]) for r in self.access.rows("SELECT DISTINCT workflow FROM cluster_parked_run")]
