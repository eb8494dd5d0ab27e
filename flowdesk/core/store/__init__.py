"""The run store: runs, logs, stats, retention and scheduler state, in a WAL SQLite file or on PostgreSQL (peewee)."""

# First: peewee must be imported with its PostgreSQL drivers hidden (see peewee_import.py).
from flowdesk.core.store import peewee_import  # noqa: F401, I001
from flowdesk.core.store.database_url import (
    DB_FILENAME,
    ENV_VAR,
    DatabaseChoice,
    DatabaseUrlError,
    open_store,
    resolve_database_url,
)
from flowdesk.core.store.job_state import JobState
from flowdesk.core.store.records import (
    FINISHED_STATUSES,
    STATUSES,
    TIMED_STATUSES,
    TRIGGERS,
    UNFINISHED_STATUSES,
    RunRecord,
    RunSummary,
    new_run_id,
)
from flowdesk.core.store.retention import apply_retention
from flowdesk.core.store.run_stats import RunStats
from flowdesk.core.store.run_store import RunStore
from flowdesk.core.store.schema import SCHEMA_VERSION, SchemaTooNew

__all__ = [
    "DB_FILENAME",
    "ENV_VAR",
    "FINISHED_STATUSES",
    "SCHEMA_VERSION",
    "STATUSES",
    "TIMED_STATUSES",
    "TRIGGERS",
    "UNFINISHED_STATUSES",
    "DatabaseChoice",
    "DatabaseUrlError",
    "JobState",
    "RunRecord",
    "RunStats",
    "RunStore",
    "RunSummary",
    "SchemaTooNew",
    "apply_retention",
    "new_run_id",
    "open_store",
    "resolve_database_url",
]
