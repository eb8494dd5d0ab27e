"""What several machines share through the store: runs claimed by workers, the workers' heartbeats, schedule fires.

Run on Celery workers (``flowdesk.core.cluster``), a queued run is claimed by exactly one
worker (``claim``), which then records its end with ``RunStore.finish`` as any process does.
Workers report themselves with ``upsert_worker``; the runs of a worker whose heartbeat
stopped are given up with ``interrupt_worker_runs``. Several schedulers may see the same
instant come due: ``record_fire`` lets exactly one of them fire it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flowdesk.core.store.models import from_micros, to_micros
from flowdesk.core.store.records import utc_now
from flowdesk.core.store.sql_dialect import SqlDialect

_CLAIM = "UPDATE run SET status = 'running', worker = ?, started_at = ? WHERE id = ? AND status = 'queued'"
_WORKER_COLUMNS = ("name", "host", "concurrency", "running", "last_heartbeat")
_FIRE_COLUMNS = ("workflow", "due_at", "fired_at")


@dataclass
class WorkerInfo:
    """A cluster worker as it last reported itself."""

    name: str
    host: str
    concurrency: int
    running: int
    last_heartbeat: datetime

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (ISO 8601 heartbeat)."""
        return {"name": self.name, "host": self.host, "concurrency": self.concurrency, "running": self.running,
                "last_heartbeat": self.last_heartbeat.isoformat(timespec="microseconds")}


class ClusterTables:
    """Cluster methods of RunStore (a mixin: it needs the store's db, dialect and sql)."""

    db: Any
    dialect: SqlDialect
    sql: Callable[[str], str]

    # -- runs ---------------------------------------------------------------------------------
    def claim(self, run_id: str, worker_name: str, started_at: datetime | None = None) -> bool:
        """Move a queued run to running for ``worker_name``; False when another worker (or process) got it first.

        One conditional UPDATE: on PostgreSQL a second claimer waits for the first one's
        commit, then finds the run no longer queued.
        """
        params = (worker_name, to_micros(started_at or utc_now()), run_id)
        return self.db.execute_sql(self.sql(_CLAIM), params).rowcount > 0

    def worker_runs(self, worker_name: str) -> list[str]:
        """Ids of the runs ``worker_name`` has claimed and not finished."""
        rows = self.db.execute_sql(self.sql("SELECT id FROM run WHERE status = 'running' AND worker = ? ORDER BY id"),
                                   (worker_name,))
        return [row[0] for row in rows.fetchall()]

    def interrupt_worker_runs(self, worker_name: str, reason: str) -> list[tuple[str, str, int]]:
        """End the unfinished runs of a worker that is gone as ``interrupted``; (run id, workflow, attempt) of each.

        Their input is kept, so the caller can queue a retry (``insert_retry``) and then drop it.
        """
        now = to_micros(utc_now())
        running = "status = 'running' AND worker = ?"
        interrupt = ("UPDATE run SET status = 'interrupted', finished_at = ?, error = ?,"
                     " duration = (? - COALESCE(started_at, queued_at)) / 1000000.0")
        with self.db.atomic("IMMEDIATE"):
            if self.dialect.returning:
                rows = self.db.execute_sql(self.sql(f"{interrupt} WHERE {running} RETURNING id, workflow, attempt"),
                                           (now, reason, now, worker_name)).fetchall()
            else:  # SQLite: the IMMEDIATE transaction keeps other writers out between the two statements
                rows = self.db.execute_sql(f"SELECT id, workflow, attempt FROM run WHERE {running}",
                                           (worker_name,)).fetchall()
                self.db.execute_sql(f"{interrupt} WHERE {running}", (now, reason, now, worker_name))
        return sorted((r[0], r[1], r[2]) for r in rows)

    # -- workers ------------------------------------------------------------------------------
    def upsert_worker(self, name: str, host: str, concurrency: int, running: int = 0,
                      heartbeat: datetime | None = None) -> None:
        """Record a worker's heartbeat: its host, how many runs it takes at once and how many it runs now."""
        self.db.execute_sql(self.dialect.upsert("worker", _WORKER_COLUMNS, ("name",)),
                            (name, host, concurrency, running, to_micros(heartbeat or utc_now())))

    def list_workers(self, alive_since: datetime | None = None) -> list[WorkerInfo]:
        """Workers by name; only those heard from at or after ``alive_since`` when given."""
        sql = f"SELECT {', '.join(_WORKER_COLUMNS)} FROM worker"
        params: tuple[Any, ...] = ()
        if alive_since is not None:
            sql, params = sql + " WHERE last_heartbeat >= ?", (to_micros(alive_since),)
        rows = self.db.execute_sql(self.sql(sql + " ORDER BY name"), params).fetchall()
        return [WorkerInfo(r[0], r[1], r[2], r[3], from_micros(r[4])) for r in rows]  # type: ignore[arg-type]

    def delete_worker(self, name: str) -> bool:
        """Forget a worker (it shut down); False when it was not known."""
        return self.db.execute_sql(self.sql("DELETE FROM worker WHERE name = ?"), (name,)).rowcount > 0

    # -- schedules ----------------------------------------------------------------------------
    def record_fire(self, workflow: str, due_at: datetime) -> bool:
        """Claim the firing of ``workflow``'s run due at ``due_at``; False when that instant was already fired."""
        sql = self.dialect.insert_ignore("schedule_fire", _FIRE_COLUMNS, ("workflow", "due_at"))
        return self.db.execute_sql(sql, (workflow, to_micros(due_at), to_micros(utc_now()))).rowcount > 0

    def purge_schedule_fires(self, before: datetime) -> int:
        """Forget fires recorded before ``before`` (their instants are long past); returns how many."""
        return self.db.execute_sql(self.sql("DELETE FROM schedule_fire WHERE fired_at < ?"),
                                   (to_micros(before),)).rowcount
