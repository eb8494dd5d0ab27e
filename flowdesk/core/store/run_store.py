"""RunStore: the runs table, on a WAL SQLite file (the desktop) or a PostgreSQL server (scale-out)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from peewee import OperationalError

from flowdesk.core.errors import NotFound, StoreUnavailable
from flowdesk.core.store.cluster_tables import ClusterTables
from flowdesk.core.store.database import StoreDatabase
from flowdesk.core.store.database_url import is_postgres_url, redact
from flowdesk.core.store.job_state import JobStateTables
from flowdesk.core.store.models import build_models, dump_json, to_micros
from flowdesk.core.store.owner import orphaned_owners
from flowdesk.core.store.records import (
    UNFINISHED_STATUSES,
    RunRecord,
    check_status,
    check_trigger,
    utc_now,
)
# COLUMNS and record_from_row are imported from here by readers outside the store class.
from flowdesk.core.store.run_queries import COLUMNS, SELECT_COLUMNS, RunQueries, record_from_row  # noqa: F401
from flowdesk.core.store.run_queue_tables import NOT_CLAIMED, RetryPlan, RunQueueTables
from flowdesk.core.store.run_stats import RunStatsQueries
from flowdesk.core.store.schema import migrate

# Measured cost: create + mark_running + finish (1 kB log, JSON input/output),
# one transaction per call, 5,000 runs on a 2-core container (SQLite 3.40, WAL,
# synchronous=NORMAL): 0.15-0.16 ms per run, about 6,200 runs/s. The per-run
# statements are hand-written SQL because peewee's query builder added about
# 0.11 ms to each of them (about 3x the total); filtered listing and job state
# still go through peewee, where that cost does not matter. They are written
# once in SQLite's spelling; ``self.sql`` gives PostgreSQL's (sql_dialect.py).
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
# finish() returns the caller's output rather than decoding back what it just wrote (10 MB of JSON:
# a third of a second holding the GIL, and a million objects for the garbage collector).
_FINISHED_COLUMNS = ", ".join("NULL" if column == "output" else column for column in COLUMNS)
_SELECT_ONE = f"SELECT {_FINISHED_COLUMNS} FROM run WHERE id = ?"


class RunStore(RunQueries, RunStatsQueries, JobStateTables, RunQueueTables, ClusterTables):
    """Runs, their logs, stats and the scheduler's job state: one SQLite file (WAL) or one PostgreSQL database.

    ``location`` is the SQLite file's path or a ``postgresql://`` URL (``source`` names where
    that URL came from, for error messages). ``path`` is None for PostgreSQL.
    """

    def __init__(self, location: Path | str, *, source: str = "database URL") -> None:
        self.path: Path | None
        if is_postgres_url(location):
            from flowdesk.core.store.postgres_database import PostgresStoreDatabase  # psycopg only when asked

            self.path, self.location = None, redact(str(location))
            self.db: Any = PostgresStoreDatabase(str(location), source)
        else:
            self.path = Path(location)
            self.location = str(self.path)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = StoreDatabase(self.path)
        self.dialect = self.db.dialect
        self.sql = self.dialect.sql  # bound once: the per-run statements call it
        self.models = build_models(self.db)
        try:
            self.schema_before = self.migrate()  # the version found (0: a new database)
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
            # PostgreSQL's autovacuum keeps its statistics itself.
            if self.dialect.name == "sqlite":
                with self.db.atomic("IMMEDIATE"):
                    self.db.execute_sql("PRAGMA optimize")
        except (OperationalError, StoreUnavailable):  # busy past busy_timeout or already closed: can wait
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

    def _insert_params(self, record: RunRecord) -> tuple[Any, ...]:
        started = to_micros(record.started_at) if record.started_at else None
        finished = to_micros(record.finished_at) if record.finished_at else None
        return (record.id, record.workflow, record.trigger, record.status, to_micros(record.queued_at),
                dump_json(record.input), record.attempt, record.parent_run_id, dump_json(record.profile_info),
                os.getpid(), started, finished, record.duration, self.dialect.text(record.message))

    def create(self, run_id: str, workflow: str, trigger: str, input: dict[str, Any] | None, status: str = "queued",
               queued_at: datetime | None = None, attempt: int = 1, parent_run_id: str | None = None,
               profile_info: dict[str, Any] | None = None) -> RunRecord:
        """Record a new run (queued by default) and return it."""
        record = self._new_record(run_id, workflow, trigger, input, status, queued_at, attempt, parent_run_id,
                                  profile_info)
        self.db.execute_sql(self.sql(_INSERT), self._insert_params(record))
        return record

    def create_many(self, runs: Iterable[dict[str, Any]]) -> list[RunRecord]:
        """Record several runs (each a dict of create()'s arguments) in one transaction."""
        records = [self._new_record(**run) for run in runs]
        if records:
            with self.db.atomic("IMMEDIATE"):
                self.db.executemany(self.sql(_INSERT), [self._insert_params(record) for record in records])
        return records

    def mark_running(self, run_id: str, started_at: datetime) -> bool:
        """Move a queued run to running; False when it is unknown or no longer queued."""
        return self.db.execute_sql(self.sql(_MARK_RUNNING), (to_micros(started_at), run_id)).rowcount > 0

    def finish(self, run_id: str, status: str, finished_at: datetime, started_at: datetime | None = None,
               output: Any = None, message: str | None = None, error: str | None = None, log: str = "",
               log_truncated: bool = False, retry: RetryPlan | None = None,
               output_json: str | None = None) -> RunRecord:
        """Record a run's outcome (duration from started_at, else the stored one) and return the record.

        ``output_json`` is the output already encoded (stored as is, instead of ``output``); the record
        returned holds ``output`` as given (None with ``output_json``), not a decoded copy of what was stored.

        A run that never started (e.g. skipped) gets started_at = finished_at. Its queued
        input is dropped in the same transaction; with ``retry`` the next attempt is
        queued with that input first, so a crash cannot lose or double it.
        Raises NotFound for an unknown run id.
        """
        if check_status(status) in UNFINISHED_STATUSES:
            raise ValueError(f"finish() needs a final status, not {status!r}")
        end = to_micros(finished_at)
        start = to_micros(started_at) if started_at is not None else None
        if not self.dialect.keeps_nul:  # a workflow may print "\x00"; PostgreSQL text cannot hold it
            message, error, log = self.dialect.text(message), self.dialect.text(error), self.dialect.text(log) or ""
        params = (status, end, start, end, end, start, end,
                  output_json if output_json is not None else dump_json(output) if output is not None else None,
                  message, error, int(log_truncated), run_id)
        with self.db.atomic("IMMEDIATE"):
            if retry is not None:  # first, while the finished run still holds its input
                self.insert_retry(run_id, retry)
            if _RETURNING or self.dialect.returning:
                rows = self.db.execute_sql(self.sql(f"{_FINISH} RETURNING {_FINISHED_COLUMNS}"), params).fetchall()
            else:  # SQLite < 3.35 has no RETURNING: read the row back inside the same transaction
                self.db.execute_sql(_FINISH, params)
                rows = self.db.execute_sql(_SELECT_ONE, (run_id,)).fetchall()
            if not rows:
                raise NotFound(f"run {run_id} does not exist")
            if log:
                self.db.execute_sql(self.dialect.upsert("run_log", ("run_id", "log"), ("run_id",)), (run_id, log))
        record = record_from_row(rows[0], log=log)
        record.output = output
        return record

    def record_skipped(self, run_id: str, workflow: str, trigger: str, input: dict[str, Any] | None,
                       reason: str) -> RunRecord:
        """Record a run that was refused before starting (status skipped, message = reason)."""
        record = self._new_record(run_id, workflow, trigger, input, "skipped")
        record.started_at = record.finished_at = record.queued_at
        record.duration, record.message, record.log = 0.0, reason, ""
        self.db.execute_sql(self.sql(_INSERT), self._insert_params(record))
        return record

    def mark_interrupted(self, reason: str = "FlowDesk stopped before this run finished", *,
                         all_owners: bool = False, statuses: Sequence[str] = UNFINISHED_STATUSES) -> int:
        """Turn runs in ``statuses`` (queued, running) nobody will finish into interrupted (error = reason).

        Runs owned by another live process (a CLI ``flowdesk run`` next to
        ``serve``) are spared unless ``all_owners``. Returns how many changed.
        """
        statuses = tuple(statuses)
        marks = ", ".join("?" * len(statuses))
        pids = [row[0] for row in self.db.execute_sql(self.sql(
            f"SELECT DISTINCT owner_pid FROM run WHERE status IN ({marks}) AND {NOT_CLAIMED}"), statuses)]
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
        cursor = self.db.execute_sql(self.sql(
            f"UPDATE run SET status = 'interrupted', finished_at = ?, error = ?, payload = NULL"
            f" WHERE status IN ({marks}) AND {NOT_CLAIMED} AND ({owner_test})"),
            (to_micros(utc_now()), reason, *statuses, *known))
        return cursor.rowcount

    def delete_run(self, run_id: str) -> bool:
        """Delete a run and its log; False when there was no such run."""
        return self.db.execute_sql(self.sql("DELETE FROM run WHERE id = ?"), (run_id,)).rowcount > 0
