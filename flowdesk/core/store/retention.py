"""Retention: delete finished runs (and their logs) older than an age or beyond a count, never unfinished ones."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from flowdesk.core.store.models import to_micros
from flowdesk.core.store.records import UNFINISHED_STATUSES, utc_now

if TYPE_CHECKING:
    from flowdesk.core.store.run_store import RunStore

# Deleting in batches keeps each write transaction short, so a run being
# recorded by another thread or process waits milliseconds, not the whole purge.
BATCH_SIZE = 500
_FINISHED = "status NOT IN ({})".format(", ".join(f"'{s}'" for s in UNFINISHED_STATUSES))
_NEWEST_FIRST = "ORDER BY queued_at DESC, id DESC"


def _delete_selected(store: RunStore, select_ids: str, params: tuple[object, ...]) -> int:
    """Delete the runs whose ids ``select_ids`` returns, BATCH_SIZE per write transaction."""
    # The ids are read once: a finished run never becomes unfinished again, so
    # the selection stays valid while the batches go through.
    ids = [row[0] for row in store.db.execute_sql(store.sql(select_ids), params).fetchall()]
    deleted = 0
    for start in range(0, len(ids), BATCH_SIZE):
        batch = ids[start:start + BATCH_SIZE]
        # run_log rows go with their run through ON DELETE CASCADE (foreign_keys=ON).
        marks = ", ".join(store.dialect.param for _ in batch)
        cursor = store.db.execute_sql(f"DELETE FROM run WHERE id IN ({marks})", batch)
        deleted += cursor.rowcount
    return deleted


def delete_older_than(store: RunStore, cutoff: datetime) -> int:
    """Delete finished runs queued before ``cutoff``; returns how many."""
    return _delete_selected(store, f"SELECT id FROM run WHERE queued_at < ? AND {_FINISHED}", (to_micros(cutoff),))


def keep_newest(store: RunStore, max_runs: int, per_workflow: bool = False) -> int:
    """Delete all but the newest ``max_runs`` finished runs (of each workflow when per_workflow)."""
    if per_workflow:
        select = (
            "SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY workflow"
            f" {_NEWEST_FIRST}) AS rank FROM run WHERE {_FINISHED}) AS ranked WHERE rank > ?"
        )
    else:
        select = f"SELECT id FROM run WHERE {_FINISHED} {_NEWEST_FIRST} {store.dialect.no_limit} OFFSET ?"
    return _delete_selected(store, select, (max_runs,))


def apply_retention(store: RunStore, max_age_days: int | None, max_runs: int | None,
                    per_workflow: bool = False, *, now: datetime | None = None) -> int:
    """Delete finished runs older than max_age_days or beyond max_runs (per workflow if asked); returns the count.

    Queued and running runs are never deleted nor counted against max_runs.
    None disables a limit. On SQLite it ends with PRAGMA optimize so the
    planner's statistics follow the smaller table.
    """
    if max_age_days is not None and max_age_days < 0:
        raise ValueError(f"max_age_days must be >= 0, not {max_age_days}")
    if max_runs is not None and max_runs < 0:
        raise ValueError(f"max_runs must be >= 0, not {max_runs}")
    deleted = 0
    if max_age_days is not None:
        deleted += delete_older_than(store, (now or utc_now()) - timedelta(days=max_age_days))
    if max_runs is not None:
        deleted += keep_newest(store, max_runs, per_workflow)
    # optimize may run ANALYZE, a write: in autocommit it would start as a reader
    # and fail at once with "database is locked" when upgrading next to another
    # writer, so it takes the write lock first (and waits on busy_timeout).
    # PostgreSQL's autovacuum analyses the table by itself.
    if store.dialect.name == "sqlite":
        with store.db.atomic("IMMEDIATE"):
            store.db.execute_sql("PRAGMA optimize")
    return deleted
