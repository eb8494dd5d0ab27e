"""Versioned schema of the store: the ``meta`` table's schema_version and the ordered migrations, per dialect."""

from __future__ import annotations

from typing import Any

from peewee import OperationalError, ProgrammingError

from flowdesk.core.errors import FlowDeskError
from flowdesk.core.store.schema_steps import META_TABLE, V1, V2, V3, V4, MigrationStep
from flowdesk.core.store.sql_dialect import SqlDialect


class SchemaTooNew(FlowDeskError):
    """The database was written by a newer FlowDesk whose schema this one does not know."""


# Append only: MIGRATIONS[i] takes the schema from version i to version i + 1.
MIGRATIONS: list[MigrationStep] = [V1, V2, V3, V4]
SCHEMA_VERSION = len(MIGRATIONS)
# PostgreSQL: concurrent openers (several serve, worker and CLI processes) queue on this
# transaction-scoped advisory lock, so only the first one migrates. "FlowDesk" in ASCII.
MIGRATION_LOCK = 0x466C6F774465736B


def schema_version(db: Any) -> int:
    """The version recorded in ``meta`` (0 for a new, empty database)."""
    row = db.execute_sql("SELECT value FROM meta WHERE \"key\" = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def _current_without_lock(db: Any) -> bool:
    # The common case (already migrated) must not take the write lock on every open.
    try:
        return schema_version(db) == SCHEMA_VERSION
    except (OperationalError, ProgrammingError):  # no meta table yet (SQLite / PostgreSQL)
        return False


def migrate(db: Any) -> int:
    """Bring the database up to SCHEMA_VERSION in one write transaction; returns the version before.

    SQLite: IMMEDIATE takes the write lock up front, so two processes opening a new file at
    once queue on busy_timeout instead of both creating tables. PostgreSQL: DDL is
    transactional, and an advisory lock makes concurrent openers wait for the first.
    """
    if _current_without_lock(db):
        return SCHEMA_VERSION
    dialect: SqlDialect = db.dialect
    with db.atomic("IMMEDIATE"):
        if dialect.name == "postgresql":
            db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        db.execute_sql(META_TABLE)
        before = schema_version(db)
        if before > SCHEMA_VERSION:
            raise SchemaTooNew(
                f"database schema version {before} is newer than this FlowDesk understands ({SCHEMA_VERSION})"
            )
        for step in MIGRATIONS[before:]:
            for statement in step.statements(dialect):
                db.execute_sql(statement)
        if before != SCHEMA_VERSION:
            db.execute_sql(dialect.upsert("meta", ('"key"', "value"), ('"key"',)),
                           ("schema_version", str(SCHEMA_VERSION)))
    return before
