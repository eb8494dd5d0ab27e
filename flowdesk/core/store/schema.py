"""Versioned schema of the store: the ``meta`` table's schema_version and the ordered migrations."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from peewee import Database, OperationalError

from flowdesk.core.errors import FlowDeskError


class SchemaTooNew(FlowDeskError):
    """The database was written by a newer FlowDesk whose schema this one does not know."""


# DDL is spelled out rather than derived from the models: a migration must keep
# creating the same tables years later, whatever the models have become since.
_V1: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS run (
        id TEXT NOT NULL PRIMARY KEY,
        workflow TEXT NOT NULL,
        "trigger" TEXT NOT NULL,
        status TEXT NOT NULL,
        queued_at INTEGER NOT NULL,
        started_at INTEGER,
        finished_at INTEGER,
        duration REAL,
        input TEXT NOT NULL DEFAULT '{}',
        output TEXT,
        message TEXT,
        error TEXT,
        log_truncated INTEGER NOT NULL DEFAULT 0,
        attempt INTEGER NOT NULL DEFAULT 1,
        parent_run_id TEXT,
        profile_info TEXT NOT NULL DEFAULT '{}',
        owner_pid INTEGER
    )""",
    "CREATE INDEX IF NOT EXISTS run_workflow_queued_at ON run (workflow, queued_at)",
    "CREATE INDEX IF NOT EXISTS run_status ON run (status)",
    "CREATE INDEX IF NOT EXISTS run_queued_at ON run (queued_at)",
    # finished_at rides along so per-workflow stats (counts, mean, last success
    # and error times) read this index alone; finish() rewrites status and
    # duration anyway, so the extra column costs no extra index update.
    "CREATE INDEX IF NOT EXISTS run_workflow_status_duration ON run (workflow, status, duration, finished_at)",
    """CREATE TABLE IF NOT EXISTS run_log (
        run_id TEXT NOT NULL PRIMARY KEY REFERENCES run (id) ON DELETE CASCADE,
        log TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS job_state (
        workflow TEXT NOT NULL PRIMARY KEY,
        cron_expression TEXT,
        timezone TEXT,
        next_run INTEGER,
        last_run INTEGER,
        last_run_id TEXT,
        last_status TEXT,
        paused INTEGER NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE IF NOT EXISTS setting (
        "key" TEXT NOT NULL PRIMARY KEY,
        value TEXT NOT NULL
    )""",
)


def _statements(sql: Sequence[str]) -> Callable[[Database], None]:
    def apply(db: Database) -> None:
        for statement in sql:
            db.execute_sql(statement)

    return apply


# Version 2: the store is the run queue. A queued run keeps what is needed to run it
# (its unmasked input in ``payload``, set to NULL in the statement that records its end),
# a priority class, an earliest start (retries with a delay) and the delivery id it was
# accepted under. The payload sits on the row itself so accepting and finishing a run
# cost no extra statement; listings never select it.
_V2: tuple[str, ...] = (
    "ALTER TABLE run ADD COLUMN priority INTEGER NOT NULL DEFAULT 1",
    "ALTER TABLE run ADD COLUMN not_before INTEGER",
    "ALTER TABLE run ADD COLUMN payload TEXT",
    # The dispatcher reads each workflow's queued runs in (priority, queued_at, id) order.
    "CREATE INDEX IF NOT EXISTS run_queue ON run (status, workflow, priority, queued_at, id)",
    """CREATE TABLE IF NOT EXISTS idempotency_key (
        workflow TEXT NOT NULL,
        "key" TEXT NOT NULL,
        run_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (workflow, "key")
    )""",
    "CREATE INDEX IF NOT EXISTS idempotency_key_created_at ON idempotency_key (created_at)",
)

# Append only: MIGRATIONS[i] takes the schema from version i to version i + 1.
MIGRATIONS: list[Callable[[Database], None]] = [
    _statements(_V1),
    _statements(_V2),
]
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(db: Database) -> int:
    """The version recorded in ``meta`` (0 for a new, empty database)."""
    row = db.execute_sql("SELECT value FROM meta WHERE \"key\" = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def _current_without_lock(db: Database) -> bool:
    # The common case (already migrated) must not take the write lock on every open.
    try:
        return schema_version(db) == SCHEMA_VERSION
    except OperationalError:  # no meta table yet
        return False


def migrate(db: Database) -> int:
    """Bring the database up to SCHEMA_VERSION in one write transaction; returns the version before.

    IMMEDIATE takes the write lock up front, so two processes opening a new file
    at once queue on busy_timeout instead of both creating tables.
    """
    if _current_without_lock(db):
        return SCHEMA_VERSION
    with db.atomic("IMMEDIATE"):
        db.execute_sql('CREATE TABLE IF NOT EXISTS meta ("key" TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL)')
        before = schema_version(db)
        if before > SCHEMA_VERSION:
            raise SchemaTooNew(
                f"database schema version {before} is newer than this FlowDesk understands ({SCHEMA_VERSION})"
            )
        for step in MIGRATIONS[before:]:
            step(db)
        if before != SCHEMA_VERSION:
            db.execute_sql(
                "INSERT OR REPLACE INTO meta (\"key\", value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )
    return before
