"""The cluster's own SQL next to the run store: dialect, transactions, per-workflow locks, the parked-runs table.

The store (PostgreSQL in a cluster; SQLite for a one-machine trial) owns the ``run``, ``worker`` and
``schedule_fire`` tables. The cluster adds one table of its own, ``cluster_parked_run``: queued runs a
worker could not start because their workflow was at its ``max_instances`` across the cluster.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from peewee import PostgresqlDatabase

from flowdesk.core.store import RunStore
from flowdesk.core.store.schema import MIGRATION_LOCK

RUNS_CHANNEL = "flowdesk_runs"  # PostgreSQL NOTIFY channel of run events (started, log, finished)

_PARKED_DDL = (
    "CREATE TABLE IF NOT EXISTS cluster_parked_run (run_id VARCHAR(64) PRIMARY KEY,"
    " workflow VARCHAR(255) NOT NULL, priority INTEGER NOT NULL, queued_at BIGINT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS cluster_parked_run_lane ON cluster_parked_run (workflow, priority, queued_at)",
)


class StoreAccess:
    """Runs the cluster's statements on the store's database, in its dialect."""

    def __init__(self, store: RunStore) -> None:
        self.store = store
        self.db = store.db
        self.postgres = isinstance(self.db, PostgresqlDatabase)
        self.sql = store.sql  # ``?`` placeholders spelled for the database (the store's dialect)

    def execute(self, text: str, params: tuple[Any, ...] | list[Any] = ()) -> Any:
        """Run one statement (``?`` placeholders); returns the cursor."""
        return self.db.execute_sql(self.sql(text), tuple(params))

    def rows(self, text: str, params: tuple[Any, ...] | list[Any] = ()) -> list[tuple[Any, ...]]:
        """All rows of a query."""
        return list(self.execute(text, params).fetchall())

    def transaction(self) -> AbstractContextManager[Any]:
        """A write transaction (SQLite: IMMEDIATE, so it holds the write lock from its first statement)."""
        return self.db.atomic() if self.postgres else self.db.atomic("IMMEDIATE")

    def notify(self, payload: str) -> None:
        """PostgreSQL: NOTIFY the run-events channel (delivered at commit); nothing on SQLite."""
        if self.postgres:
            self.execute("SELECT pg_notify(?, ?)", (RUNS_CHANNEL, payload))

    def ensure_tables(self) -> None:
        """Create the cluster's own table if it is missing (every serve and worker does this at start)."""
        with self.transaction():
            if self.postgres:  # IF NOT EXISTS is not safe against a concurrent creator: its row type collides
                self.execute("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK,))
            for statement in _PARKED_DDL:
                self.execute(statement)
