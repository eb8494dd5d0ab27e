"""The store as the run queue: committing accepted runs with their input, reading them back in order, recovery."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from collections.abc import Callable

from peewee import IntegrityError

from flowdesk.core.errors import StoreUnavailable
from flowdesk.core.store.models import dump_json, from_micros, load_json, to_micros
from flowdesk.core.store.owner import orphaned_owners
from flowdesk.core.store.records import check_trigger, utc_now
from flowdesk.core.store.sql_dialect import SqlDialect

# Interactive runs first, then scheduled ones, then webhooks: a webhook flood
# never delays a click or a schedule (see flowdesk.core.run_queue).
PRIORITY_INTERACTIVE, PRIORITY_SCHEDULED, PRIORITY_WEBHOOK = 0, 1, 2
_PRIORITY_OF = {"webhook": PRIORITY_WEBHOOK, "schedule": PRIORITY_SCHEDULED, "catchup": PRIORITY_SCHEDULED}
IDEMPOTENCY_WINDOW = timedelta(hours=24)

# A run's place in its workflow's queue: (priority, queued_at micros, id), smallest first.
QueueKey = tuple[int, int, str]

_INSERT_QUEUED_COLUMNS = (
    'INSERT INTO run (id, workflow, "trigger", status, queued_at, input, attempt, parent_run_id, profile_info,'
    " owner_pid, priority, not_before, payload)"
)
_QUEUED_VALUES = "(?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?)"
_INSERT_QUEUED = f"{_INSERT_QUEUED_COLUMNS} VALUES {_QUEUED_VALUES}"
_INSERT_RETRY = (
    'INSERT INTO run (id, workflow, "trigger", status, queued_at, input, attempt, parent_run_id,'
    " profile_info, owner_pid, priority, not_before, payload)"
    " SELECT ?, workflow, \"trigger\", 'queued', ?, input, attempt + 1, id, profile_info, ?, priority, ?,"
    " payload FROM run WHERE id = ? AND payload IS NOT NULL"
)
# A run claimed by a cluster worker is that worker's to finish: pid-based recovery leaves it alone.
NOT_CLAIMED = "worker IS NULL"
# PostgreSQL: one statement records the key or finds it taken, safe against a concurrent
# accept of the same delivery in another process (the loser waits for the winner's commit).
_CLAIM_KEY_PG = (
    'INSERT INTO idempotency_key (workflow, "key", run_id, created_at) VALUES (%s, %s, %s, %s)'
    ' ON CONFLICT (workflow, "key") DO UPDATE SET run_id = EXCLUDED.run_id, created_at = EXCLUDED.created_at'
    " WHERE idempotency_key.created_at <= %s RETURNING run_id"
)
_SELECT_WINDOW = (
    "SELECT id, workflow, \"trigger\", priority, queued_at, not_before, attempt, parent_run_id FROM run"
    " WHERE status = 'queued' AND workflow = ? AND owner_pid = ?"
    " AND (priority, queued_at, id) > (?, ?, ?) ORDER BY priority, queued_at, id LIMIT ?"
)


def _payload_default(value: Any) -> Any:
    # The same conversions the engine applies when it sends the input to a worker,
    # so a run read back from the store gets exactly what it would have got at once.
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    return str(value)


def dump_payload(data: dict[str, Any]) -> str:
    """A queued run's input as JSON text, converted as the engine would for a worker."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_payload_default)


def _queued_row(run: QueuedRun, owner: int) -> tuple[Any, ...]:
    """The values of one run for _QUEUED_VALUES."""
    return (run.run_id, run.workflow, check_trigger(run.trigger), to_micros(run.queued_at), dump_json(run.input),
            run.attempt, run.parent_run_id, dump_json(run.profile_info), owner, run.priority,
            to_micros(run.not_before) if run.not_before else None, dump_payload(run.data))


def priority_of(trigger: str) -> int:
    """The priority class of a run started by ``trigger`` (0 runs first)."""
    return _PRIORITY_OF.get(trigger, PRIORITY_INTERACTIVE)


@dataclass
class QueuedRun:
    """A run to commit as ``queued``: its recorded (masked) input and the payload it will run with."""

    run_id: str
    workflow: str
    trigger: str
    input: dict[str, Any]
    data: dict[str, Any]  # the validated input, unmasked: kept until the run ends
    queued_at: datetime = field(default_factory=utc_now)
    attempt: int = 1
    parent_run_id: str | None = None
    profile_info: dict[str, Any] = field(default_factory=dict)
    not_before: datetime | None = None
    idempotency_key: str | None = None

    @property
    def priority(self) -> int:
        """Its priority class, from the trigger."""
        return priority_of(self.trigger)

    @property
    def key(self) -> QueueKey:
        """Its place in the workflow's queue."""
        return (self.priority, to_micros(self.queued_at), self.run_id)


@dataclass
class QueuedRef:
    """A queued run as the dispatcher reads it back from the store (no input)."""

    run_id: str
    workflow: str
    trigger: str
    key: QueueKey
    not_before: datetime | None
    attempt: int
    parent_run_id: str | None


@dataclass
class RetryPlan:
    """The next attempt of a run that failed: a new queued run that reuses the input of the one before."""

    run_id: str
    not_before: datetime | None
    queued_at: datetime = field(default_factory=utc_now)


@dataclass
class Recovery:
    """What a start found of runs whose process died: queued ones adopted, running ones interrupted."""

    adopted: int = 0
    interrupted: list[tuple[str, str, int]] = field(default_factory=list)  # (run id, workflow, attempt)


class RunQueueTables:
    """Queue methods of RunStore (a mixin: it needs the store's db, dialect and sql)."""

    db: Any
    dialect: SqlDialect
    sql: Callable[[str], str]

    def enqueue(self, runs: list[QueuedRun]) -> list[str]:
        """Commit runs as ``queued`` with their payload, in one transaction; returns each one's run id.

        A run whose idempotency key was seen for the same workflow within 24 h is not
        inserted: its place in the result holds the id of the run accepted first.
        """
        owner, now = os.getpid(), utc_now()
        if runs and self.dialect.name == "postgresql" and not self.db.in_transaction() \
                and all(run.idempotency_key is None for run in runs):
            # One statement, atomic and committed by itself: one round trip (BEGIN and COMMIT were two more).
            self._insert_queued_at_once(runs, owner)
            return [run.run_id for run in runs]
        out: list[str] = []
        insert = self.sql(_INSERT_QUEUED)
        with self.db.atomic("IMMEDIATE"):
            cursor = self.db.cursor()
            for run in runs:
                if run.idempotency_key is not None:
                    earlier = self._claim_key(cursor, run, now)
                    if earlier is not None:
                        out.append(earlier)
                        continue
                cursor.execute(insert, _queued_row(run, owner))
                out.append(run.run_id)
        return out

    def _insert_queued_at_once(self, runs: list[QueuedRun], owner: int) -> None:
        """PostgreSQL: one INSERT of every run, outside a transaction (it commits as it returns).

        A connection found dead (the server restarted since its last use) is replaced and the
        statement sent once more: the run ids are the primary key, so if the first one did commit
        before the break, the second fails on them instead of queueing the runs twice.
        """
        values = ", ".join([_QUEUED_VALUES] * len(runs))
        statement = self.sql(f"{_INSERT_QUEUED_COLUMNS} VALUES {values}")
        params = [value for run in runs for value in _queued_row(run, owner)]
        try:
            self.db.execute_sql(statement, params)
        except StoreUnavailable as exc:
            if not getattr(exc, "dropped_connection", False):
                raise
            try:
                self.db.execute_sql(statement, params)
            except IntegrityError:
                pass  # the first attempt committed: every run is queued once

    def _claim_key(self, cursor: Any, run: QueuedRun, now: datetime) -> str | None:
        """The run already accepted under this key (within the window), else record the key for ``run``."""
        if self.dialect.name == "postgresql":
            claimed = cursor.execute(_CLAIM_KEY_PG, (run.workflow, run.idempotency_key, run.run_id, to_micros(now),
                                                     to_micros(now - IDEMPOTENCY_WINDOW))).fetchone()
            if claimed is not None:
                return None
            return str(cursor.execute('SELECT run_id FROM idempotency_key WHERE workflow = %s AND "key" = %s',
                                      (run.workflow, run.idempotency_key)).fetchone()[0])
        # SQLite: the IMMEDIATE transaction around enqueue() already serialises writers.
        row = cursor.execute('SELECT run_id, created_at FROM idempotency_key WHERE workflow = ? AND "key" = ?',
                             (run.workflow, run.idempotency_key)).fetchone()
        if row is not None and from_micros(row[1]) > now - IDEMPOTENCY_WINDOW:  # type: ignore[operator]
            return str(row[0])
        cursor.execute('INSERT OR REPLACE INTO idempotency_key (workflow, "key", run_id, created_at)'
                       " VALUES (?, ?, ?, ?)", (run.workflow, run.idempotency_key, run.run_id, to_micros(now)))
        return None

    def purge_idempotency_keys(self, now: datetime | None = None) -> int:
        """Forget delivery ids older than the 24 h window; returns how many."""
        limit = to_micros((now or utc_now()) - IDEMPOTENCY_WINDOW)
        return self.db.execute_sql(self.sql("DELETE FROM idempotency_key WHERE created_at <= ?"), (limit,)).rowcount

    def payload(self, run_id: str) -> dict[str, Any] | None:
        """The input a queued or running run will run with (None once it ended, or if it never had one)."""
        row = self.db.execute_sql(self.sql("SELECT payload FROM run WHERE id = ?"), (run_id,)).fetchone()
        return load_json(row[0]) if row and row[0] is not None else None

    def queued_counts(self, owner: int | None = None) -> dict[str, int]:
        """Queued runs per workflow owned by ``owner`` (default: this process)."""
        rows = self.db.execute_sql(
            self.sql("SELECT workflow, COUNT(*) FROM run WHERE status = 'queued' AND owner_pid = ? GROUP BY workflow"),
            (os.getpid() if owner is None else owner,))
        return {str(workflow): int(count) for workflow, count in rows}

    def queued_after(self, workflow: str, after: QueueKey | None, limit: int) -> list[QueuedRef]:
        """This process's next ``limit`` queued runs of ``workflow`` after ``after``, in queue order."""
        after = after or (-1, -1, "")
        rows = self.db.execute_sql(self.sql(_SELECT_WINDOW), (workflow, os.getpid(), *after, limit)).fetchall()
        return [QueuedRef(run_id=r[0], workflow=r[1], trigger=r[2], key=(r[3], r[4], r[0]),
                          not_before=from_micros(r[5]), attempt=r[6], parent_run_id=r[7]) for r in rows]

    def recover_orphans(self, reason: str) -> Recovery:
        """Take over the queued runs of dead processes and interrupt their running ones (at start).

        A run that was running when its process died may have done part of its work, so
        it is not run again as is: it becomes ``interrupted`` (its retry policy may queue
        a new attempt). A run that never started is simply run by this process.
        """
        pids = [row[0] for row in self.db.execute_sql(
            f"SELECT DISTINCT owner_pid FROM run WHERE status IN ('queued', 'running') AND {NOT_CLAIMED}")]
        dead = orphaned_owners(pids)
        if not dead:
            return Recovery()
        known = [pid for pid in dead if pid is not None]
        owner_test = " OR ".join((["owner_pid IS NULL"] if None in dead else [])
                                 + ([f"owner_pid IN ({', '.join('?' * len(known))})"] if known else []))
        running = f"status = 'running' AND {NOT_CLAIMED} AND ({owner_test})"
        interrupt = ("UPDATE run SET status = 'interrupted', finished_at = ?, error = ?,"
                     " duration = (? - COALESCE(started_at, queued_at)) / 1000000.0")
        now = to_micros(utc_now())
        out = Recovery()
        with self.db.atomic("IMMEDIATE"):
            if self.dialect.name == "postgresql":
                # Two processes starting at once must not both interrupt (and retry) the same run:
                # each takes the rows the other has not locked, and learns which it changed.
                out.interrupted = [(r[0], r[1], r[2]) for r in self.db.execute_sql(self.sql(
                    f"{interrupt} WHERE id IN (SELECT id FROM run WHERE {running}{self.dialect.skip_locked})"
                    " RETURNING id, workflow, attempt"), (now, reason, now, *known))]
            else:  # the IMMEDIATE transaction keeps every other writer out between the two statements
                out.interrupted = [(r[0], r[1], r[2]) for r in self.db.execute_sql(
                    f"SELECT id, workflow, attempt FROM run WHERE {running}", known)]
                self.db.execute_sql(f"{interrupt} WHERE {running}", (now, reason, now, *known))
            out.adopted = self.db.execute_sql(self.sql(
                f"UPDATE run SET owner_pid = ? WHERE status = 'queued' AND {NOT_CLAIMED} AND ({owner_test})"),
                (os.getpid(), *known)).rowcount
        return out

    def insert_retry(self, previous_id: str, plan: RetryPlan) -> bool:
        """Queue the next attempt of a finished run with the same input; False when its input is gone.

        Call inside the transaction that finishes ``previous_id`` (``RunStore.finish(retry=...)``)
        or on its own for runs interrupted by a crash.
        """
        cursor = self.db.execute_sql(self.sql(_INSERT_RETRY),
            (plan.run_id, to_micros(plan.queued_at), os.getpid(), to_micros(plan.not_before) if plan.not_before else None,
             previous_id))
        return cursor.rowcount > 0

    def drop_payload(self, run_id: str) -> None:
        """Forget a run's input once it has ended (its masked input stays on the run)."""
        self.db.execute_sql(self.sql("UPDATE run SET payload = NULL WHERE id = ?"), (run_id,))
