"""Copy a workstation's store into a server's: runs with their logs, job state, settings, in batches, idempotently.

``flowdesk db migrate-to URL`` runs this. Rows are keyed (run id, workflow, setting key), and
the target keeps a row it already has (``ON CONFLICT DO NOTHING``), so running the copy again
copies only what is new, and the server's own job state and settings win over the copy's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flowdesk.core.store.run_store import RunStore

BATCH_SIZE = 500  # runs per target transaction: 500 x 21 parameters stays far below PostgreSQL's 65,535
LOG_BATCH = 50  # logs are read and written a few at a time: each may be up to the engine's log limit (1 MB)
RUN_COLUMNS: tuple[str, ...] = (
    "id", "workflow", '"trigger"', "status", "queued_at", "started_at", "finished_at", "duration", "input",
    "output", "message", "error", "log_truncated", "attempt", "parent_run_id", "profile_info", "owner_pid",
    "priority", "not_before", "payload", "worker",
)
_TEXT = {RUN_COLUMNS.index("message"), RUN_COLUMNS.index("error")}  # free text: NUL must go for PostgreSQL
# Small keyed tables copied whole: (table, columns, key).
KEYED_TABLES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("job_state", ("workflow", "cron_expression", "timezone", "next_run", "last_run", "last_run_id", "last_status",
                   "paused"), ("workflow",)),
    ("setting", ('"key"', "value"), ('"key"',)),
    ("idempotency_key", ("workflow", '"key"', "run_id", "created_at"), ("workflow", '"key"')),
)


@dataclass
class CopyReport:
    """What a copy found and did: per table, rows read and rows that were new in the target."""

    read: dict[str, int] = field(default_factory=dict)
    copied: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, read: int, copied: int) -> None:
        """Count a batch of ``table``."""
        self.read[table] = self.read.get(table, 0) + read
        self.copied[table] = self.copied.get(table, 0) + copied


Progress = Callable[[int, int, int], None]  # (runs read so far, runs in the source, runs new so far)


def _insert_new(target: RunStore, table: str, columns: Sequence[str], key: Sequence[str],
                rows: Sequence[Sequence[Any]], returning: str) -> list[Any]:
    """Insert rows the target does not have yet (one statement); the ``returning`` column of each new row."""
    if not rows:
        return []
    param = target.dialect.param
    values = ", ".join("(" + ", ".join(param for _ in columns) + ")" for _ in rows)
    sql = (f"INSERT INTO {table} ({', '.join(columns)}) VALUES {values}"
           f" ON CONFLICT ({', '.join(key)}) DO NOTHING RETURNING {returning}")
    flat = [value for row in rows for value in row]
    return [row[0] for row in target.db.execute_sql(sql, flat).fetchall()]


def _copy_logs(source: RunStore, target: RunStore, run_ids: Sequence[str]) -> tuple[int, int]:
    """(logs found, logs new to the target) of these runs."""
    found = copied = 0
    for start in range(0, len(run_ids), LOG_BATCH):
        chunk = run_ids[start:start + LOG_BATCH]
        marks = ", ".join(source.dialect.param for _ in chunk)
        logs = source.db.execute_sql(f"SELECT run_id, log FROM run_log WHERE run_id IN ({marks})", chunk).fetchall()
        rows = [(run_id, target.dialect.text(log)) for run_id, log in logs]
        found += len(rows)
        copied += len(_insert_new(target, "run_log", ("run_id", "log"), ("run_id",), rows, "run_id"))
    return found, copied


def copy_runs(source: RunStore, target: RunStore, report: CopyReport, progress: Progress | None = None,
              batch_size: int = BATCH_SIZE) -> None:
    """Copy every run (by id order, keyset pages) and the logs of those that were new to the target."""
    total = int(source.db.execute_sql("SELECT COUNT(*) FROM run").fetchone()[0])
    select = source.sql(f"SELECT {', '.join(RUN_COLUMNS)} FROM run WHERE id > ? ORDER BY id LIMIT ?")
    after, read = "", 0
    while True:
        rows = source.db.execute_sql(select, (after, batch_size)).fetchall()
        if not rows:
            break
        after, read = rows[-1][0], read + len(rows)
        if not target.dialect.keeps_nul:
            rows = [tuple(target.dialect.text(v) if i in _TEXT else v for i, v in enumerate(row)) for row in rows]
        with target.db.atomic():  # a batch's runs and their logs land together
            new = _insert_new(target, "run", RUN_COLUMNS, ("id",), rows, "id")
            logs_found, logs_new = _copy_logs(source, target, new)
        report.add("run", len(rows), len(new))
        report.add("run_log", logs_found, logs_new)
        if progress is not None:
            progress(read, total, report.copied.get("run", 0))


def copy_store(source: RunStore, target: RunStore, progress: Progress | None = None,
               batch_size: int = BATCH_SIZE) -> CopyReport:
    """Copy ``source`` into ``target`` (both already migrated to the current schema); returns the counts."""
    report = CopyReport()
    copy_runs(source, target, report, progress, batch_size)
    for table, columns, key in KEYED_TABLES:
        rows = source.db.execute_sql(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
        with target.db.atomic():
            for start in range(0, len(rows), batch_size):
                chunk = rows[start:start + batch_size]
                report.add(table, len(chunk), len(_insert_new(target, table, columns, key, chunk, key[0])))
        report.read.setdefault(table, 0)
        report.copied.setdefault(table, 0)
    return report
