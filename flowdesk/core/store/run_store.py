"""RunStore: the runs table on a WAL SQLite file shared by threads and processes (app, serve, CLI)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from peewee import SQL, Expression, NodeList, OperationalError, fn

from flowdesk.core.errors import NotFound
from flowdesk.core.store.database import StoreDatabase
from flowdesk.core.store.job_state import JobStateTables
from flowdesk.core.store.models import build_models, dump_json, from_micros, load_json, to_micros
from flowdesk.core.store.owner import orphaned_owners
from flowdesk.core.store.records import (
    UNFINISHED_STATUSES,
    RunRecord,
    check_status,
    check_trigger,
    utc_now,
)
from flowdesk.core.store.run_queue_tables import RetryPlan, RunQueueTables
from flowdesk.core.store.run_stats import RunStatsQueries
from flowdesk.core.store.schema import migrate

# Measured cost: create + mark_running + finish (1 kB log, JSON input/output),
# one transaction per call, 5,000 runs on a 2-core container (SQLite 3.40, WAL,
# synchronous=NORMAL): 0.15-0.16 ms per run, about 6,200 runs/s. The per-run
# statements are hand-written SQL because peewee's query builder added about
# 0.11 ms to each of them (about 3x the total); filtered listing and job state
# still go through peewee, where that cost does not matter.
COLUMNS: tuple[str, ...] = (
    "id", "workflow", '"trigger"', "status", "queued_at", "started_at", "finished_at", "duration", "input",
    "output", "message", "error", "log_truncated", "attempt", "parent_run_id", "profile_info",
)
_COLS = ", ".join(COLUMNS)
_INSERT = (
    'INSERT INTO run (id, workflow, "trigger", status, queued_at, input, attempt, parent_run_id, profile_info,'
    " owner_pid, started_at, finished_at, duration, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_MARK_RUNNING = "UPDATE run SET status = 'running', started_at = ? WHERE id = ? AND status = 'queued'"
# Old column values are visible in SET, so the stored started_at (or the one
# passed in, or finished_at for a run that never started) gives the duration
# without a SELECT first.
# payload = NULL: the run's kept input goes in the statement that records its end.
_FINISH = (
    "UPDATE run SET status = ?, finished_at = ?, started_at = COALESCE(?, started_at, ?),"
    " duration = (? - COALESCE(?, started_at, ?)) / 1000000.0,"
    " output = ?, message = ?, error = ?, log_truncated = ?, payload = NULL WHERE id = ?"
)
_RETURNING = sqlite3.sqlite_version_info >= (3, 35, 0)
_SELECT_ONE = f"SELECT {_COLS} FROM run WHERE id = ?"
_SELECT_ONE_WITH_LOG = (
    f"SELECT {', '.join('run.' + c for c in COLUMNS)}, run_log.log FROM run"
    " LEFT JOIN run_log ON run_log.run_id = run.id WHERE run.id = ?"
)


def record_from_row(row: Sequence[Any], log: str | None = None) -> RunRecord:
    """A RunRecord from a row of COLUMNS as SQLite returns them (micros, JSON text)."""
    return RunRecord(
        id=row[0], workflow=row[1], trigger=row[2], status=row[3],
        queued_at=from_micros(row[4]),  # type: ignore[arg-type]
        started_at=from_micros(row[5]), finished_at=from_micros(row[6]), duration=row[7],
        input=load_json(row[8]) or {}, output=load_json(row[9]), message=row[10], error=row[11],
        log=log, log_truncated=bool(row[12]), attempt=row[13], parent_run_id=row[14],
        profile_info=load_json(row[15]) or {},
    )


def _one_or_many(value: str | Iterable[str] | None) -> list[str] | None:
    if value is None:
        return None
    return [value] if isinstance(value, str) else list(value)


class RunStore(RunStatsQueries, JobStateTables, RunQueueTables):
    """Runs, their logs, stats and the scheduler's job state in one SQLite file (WAL)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = StoreDatabase(self.path)
        self.models = build_models(self.db)
        try:
            self.migrate()
        except BaseException:
            self.db.close_all()
            raise

    def migrate(self) -> int:
        """Create or upgrade the schema; returns the version found before."""
        return migrate(self.db)

    def close(self) -> None:
        """Refresh planner statistics, then close the connections of every thread (none may still use the store)."""
        try:
            # SQLite's advice: optimize before closing. Without statistics the
            # planner picks a row-by-row index for the all-workflows p95 (2x slower).
            # IMMEDIATE because it may write (ANALYZE) and must not fail upgrading.
            with self.db.atomic("IMMEDIATE"):
                self.db.execute_sql("PRAGMA optimize")
        except OperationalError:  # busy past busy_timeout or already closed: statistics can wait
            pass
        finally:
            self.db.close_all()

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing runs -------------------------------------------------------

    @staticmethod
    def _new_record(run_id: str, workflow: str, trigger: str, input: dict[str, Any] | None, status: str = "queued",
                    queued_at: datetime | None = None, attempt: int = 1, parent_run_id: str | None = None,
                    profile_info: dict[str, Any] | None = None) -> RunRecord:
        return RunRecord(id=run_id, workflow=workflow, trigger=check_trigger(trigger), status=check_status(status),
                         queued_at=queued_at or utc_now(), input=dict(input or {}), attempt=attempt,
                         parent_run_id=parent_run_id, profile_info=dict(profile_info or {}))

    @staticmethod
    def _insert_params(record: RunRecord) -> tuple[Any, ...]:
        started = to_micros(record.started_at) if record.started_at else None
        finished = to_micros(record.finished_at) if record.finished_at else None
        return (record.id, record.workflow, record.trigger, record.status, to_micros(record.queued_at),
                dump_json(record.input), record.attempt, record.parent_run_id, dump_json(record.profile_info),
                os.getpid(), started, finished, record.duration, record.message)

    def create(self, run_id: str, workflow: str, trigger: str, input: dict[str, Any] | None, status: str = "queued",
               queued_at: datetime | None = None, attempt: int = 1, parent_run_id: str | None = None,
               profile_info: dict[str, Any] | None = None) -> RunRecord:
        """Record a new run (queued by default) and return it."""
        record = self._new_record(run_id, workflow, trigger, input, status, queued_at, attempt, parent_run_id,
                                  profile_info)
        self.db.execute_sql(_INSERT, self._insert_params(record))
        return record

    def create_many(self, runs: Iterable[dict[str, Any]]) -> list[RunRecord]:
        """Record several runs (each a dict of create()'s arguments) in one transaction."""
        records = [self._new_record(**run) for run in runs]
        if records:
            with self.db.atomic("IMMEDIATE"):
                self.db.cursor().executemany(_INSERT, [self._insert_params(record) for record in records])
        return records

    def mark_running(self, run_id: str, started_at: datetime) -> bool:
        """Move a queued run to running; False when it is unknown or no longer queued."""
        return self.db.execute_sql(_MARK_RUNNING, (to_micros(started_at), run_id)).rowcount > 0

    def finish(self, run_id: str, status: str, finished_at: datetime, started_at: datetime | None = None,
               output: Any = None, message: str | None = None, error: str | None = None, log: str = "",
               log_truncated: bool = False, retry: RetryPlan | None = None) -> RunRecord:
        """Record a run's outcome (duration from started_at, else the stored one) and return the record.

        A run that never started (e.g. skipped) gets started_at = finished_at. Its queued
        input is dropped in the same transaction; with ``retry`` the next attempt is
        queued with that input first, so a crash cannot lose or double it.
        Raises NotFound for an unknown run id.
        """
        if check_status(status) in UNFINISHED_STATUSES:
            raise ValueError(f"finish() needs a final status, not {status!r}")
        end = to_micros(finished_at)
        start = to_micros(started_at) if started_at is not None else None
        params = (status, end, start, end, end, start, end,
                  dump_json(output) if output is not None else None, message, error, int(log_truncated), run_id)
        with self.db.atomic("IMMEDIATE"):
            if retry is not None:  # first, while the finished run still holds its input
                self.insert_retry(run_id, retry)
            if _RETURNING:
                rows = self.db.execute_sql(f"{_FINISH} RETURNING {_COLS}", params).fetchall()
            else:  # SQLite < 3.35 has no RETURNING: read the row back inside the same transaction
                self.db.execute_sql(_FINISH, params)
                rows = self.db.execute_sql(_SELECT_ONE, (run_id,)).fetchall()
            if not rows:
                raise NotFound(f"run {run_id} does not exist")
            if log:
                self.db.execute_sql("INSERT OR REPLACE INTO run_log (run_id, log) VALUES (?, ?)", (run_id, log))
        return record_from_row(rows[0], log=log)

    def record_skipped(self, run_id: str, workflow: str, trigger: str, input: dict[str, Any] | None,
                       reason: str) -> RunRecord:
        """Record a run that was refused before starting (status skipped, message = reason)."""
        record = self._new_record(run_id, workflow, trigger, input, "skipped")
        record.started_at = record.finished_at = record.queued_at
        record.duration, record.message, record.log = 0.0, reason, ""
        self.db.execute_sql(_INSERT, self._insert_params(record))
        return record

    def mark_interrupted(self, reason: str = "FlowDesk stopped before this run finished", *,
                         all_owners: bool = False, statuses: Sequence[str] = UNFINISHED_STATUSES) -> int:
        """Turn runs in ``statuses`` (queued, running) nobody will finish into interrupted (error = reason).

        Runs owned by another live process (a CLI ``flowdesk run`` next to
        ``serve``) are spared unless ``all_owners``. Returns how many changed.
        """
        statuses = tuple(statuses)
        marks = ", ".join("?" * len(statuses))
        pids = [row[0] for row in self.db.execute_sql(
            f"SELECT DISTINCT owner_pid FROM run WHERE status IN ({marks})", statuses)]
        if not pids:
            return 0
        targets = pids if all_owners else orphaned_owners(pids)
        known = [pid for pid in targets if pid is not None]
        owner_test = " OR ".join(
            (["owner_pid IS NULL"] if None in targets else [])
            + ([f"owner_pid IN ({', '.join('?' * len(known))})"] if known else [])
        )
        if not owner_test:
            return 0
        cursor = self.db.execute_sql(
            f"UPDATE run SET status = 'interrupted', finished_at = ?, error = ?, payload = NULL"
            f" WHERE status IN ({marks}) AND ({owner_test})",
            (to_micros(utc_now()), reason, *statuses, *known))
        return cursor.rowcount

    def delete_run(self, run_id: str) -> bool:
        """Delete a run and its log; False when there was no such run."""
        return self.db.execute_sql("DELETE FROM run WHERE id = ?", (run_id,)).rowcount > 0

    # -- reading runs -------------------------------------------------------

    def get(self, run_id: str, include_log: bool = False) -> RunRecord | None:
        """The run with this id, or None; its log only when asked."""
        if include_log:
            row = self.db.execute_sql(_SELECT_ONE_WITH_LOG, (run_id,)).fetchone()
            return record_from_row(row, log=row[-1] or "") if row else None
        row = self.db.execute_sql(_SELECT_ONE, (run_id,)).fetchone()
        return record_from_row(row) if row else None

    def get_log(self, run_id: str) -> str:
        """The captured log of a run ("" when it has none or does not exist)."""
        row = self.db.execute_sql("SELECT log FROM run_log WHERE run_id = ?", (run_id,)).fetchone()
        return row[0] if row else ""

    def _where(self, workflow: str | None, status: str | Iterable[str] | None, trigger: str | Iterable[str] | None,
               since: datetime | None, until: datetime | None, search: str | None) -> list[Expression]:
        run = self.models.Run
        terms: list[Expression] = []
        if workflow is not None:
            terms.append(run.workflow == workflow)
        statuses = _one_or_many(status)
        if statuses is not None:
            terms.append(run.status.in_([check_status(s) for s in statuses]))
        triggers = _one_or_many(trigger)
        if triggers is not None:
            terms.append(run.trigger.in_([check_trigger(t) for t in triggers]))
        if since is not None:
            terms.append(run.queued_at >= to_micros(since))
        if until is not None:
            terms.append(run.queued_at < to_micros(until))
        if search:
            # LIKE with an escape so "%" and "_" typed by the user match literally.
            pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            like = [NodeList((col, SQL("LIKE ? ESCAPE '\\'", (pattern,)))) for col in (run.message, run.error)]
            terms.append(like[0] | like[1])
        return terms

    def list_runs(self, workflow: str | None = None, status: str | Iterable[str] | None = None,
                  trigger: str | Iterable[str] | None = None, since: datetime | None = None,
                  until: datetime | None = None, search: str | None = None, limit: int | None = 100,
                  offset: int = 0) -> list[RunRecord]:
        """Runs matching the filters (since inclusive, until exclusive, on queued_at), newest first, without logs."""
        run = self.models.Run
        query = run.select(*[SQL(c) for c in COLUMNS]).order_by(run.queued_at.desc(), run.id.desc())
        terms = self._where(workflow, status, trigger, since, until, search)
        if terms:
            query = query.where(*terms)
        if limit is not None:
            query = query.limit(limit)
        if offset:
            query = query.offset(offset)
        return [record_from_row(row) for row in self.db.execute(query).fetchall()]

    def count_runs(self, workflow: str | None = None, status: str | Iterable[str] | None = None,
                   trigger: str | Iterable[str] | None = None, since: datetime | None = None,
                   until: datetime | None = None, search: str | None = None) -> int:
        """How many runs list_runs() would return without a limit."""
        query = self.models.Run.select(fn.COUNT(SQL("*")))
        terms = self._where(workflow, status, trigger, since, until, search)
        if terms:
            query = query.where(*terms)
        return int(self.db.execute(query).fetchone()[0])
