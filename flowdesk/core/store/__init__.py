"""The run store: runs, logs, stats, retention and scheduler state in one WAL SQLite file (peewee)."""

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
    "FINISHED_STATUSES",
    "SCHEMA_VERSION",
    "STATUSES",
    "TIMED_STATUSES",
    "TRIGGERS",
    "UNFINISHED_STATUSES",
    "JobState",
    "RunRecord",
    "RunStats",
    "RunStore",
    "RunSummary",
    "SchemaTooNew",
    "apply_retention",
    "new_run_id",
]
