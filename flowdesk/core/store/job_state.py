"""What the scheduler keeps between starts: one JobState per scheduled workflow and key/value settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from flowdesk.core.store.models import StoreModels, dump_json, load_json, to_micros
from flowdesk.core.store.records import iso
from flowdesk.core.store.sql_dialect import SqlDialect

_FIELDS = ("workflow", "cron_expression", "timezone", "next_run", "last_run", "last_run_id", "last_status", "paused")


@dataclass
class JobState:
    """A scheduled workflow's cron, zone, next and last fire times (aware UTC) and whether it is paused."""

    workflow: str
    cron_expression: str | None = None
    timezone: str | None = None
    next_run: datetime | None = None
    last_run: datetime | None = None
    last_run_id: str | None = None
    last_status: str | None = None
    paused: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with ISO 8601 times."""
        data = asdict(self)
        data["next_run"], data["last_run"] = iso(self.next_run), iso(self.last_run)
        return data


def _row(st: JobState) -> tuple[Any, ...]:
    return (st.workflow, st.cron_expression, st.timezone, to_micros(st.next_run) if st.next_run else None,
            to_micros(st.last_run) if st.last_run else None, st.last_run_id, st.last_status, int(st.paused))


class JobStateTables:
    """Job state and settings methods of RunStore (a mixin: it needs the store's db, models, dialect and sql)."""

    db: Any
    models: StoreModels
    dialect: SqlDialect
    sql: Callable[[str], str]

    def save_job_state(self, state: JobState) -> None:
        """Insert or replace the state of ``state.workflow``."""
        self.db.execute_sql(self.dialect.upsert("job_state", _FIELDS, ("workflow",)), _row(state))

    def save_job_states(self, states: list[JobState]) -> None:
        """Insert or replace many states in one transaction (a batch of jobs fired together)."""
        if not states:
            return
        with self.db.atomic("IMMEDIATE"):
            self.db.executemany(self.dialect.upsert("job_state", _FIELDS, ("workflow",)), [_row(st) for st in states])

    def set_job_last_status(self, workflow: str, run_id: str, status: str) -> None:
        """Record how the last run ended, if it is still the workflow's last run (one statement, no read)."""
        self.db.execute_sql(self.sql("UPDATE job_state SET last_status = ? WHERE workflow = ? AND last_run_id = ?"),
                            (status, workflow, run_id))

    def get_job_states(self, workflows: list[str]) -> dict[str, JobState]:
        """The saved states of several workflows in one query."""
        row = self.models.JobStateRow
        query = row.select(*[getattr(row, name) for name in _FIELDS]).where(row.workflow.in_(workflows)).tuples()
        return {values[0]: _job_state(values) for values in query}

    def get_job_state(self, workflow: str) -> JobState | None:
        """The saved state of one workflow, or None."""
        row = self.models.JobStateRow
        found = row.select(*[getattr(row, name) for name in _FIELDS]).where(row.workflow == workflow).tuples()
        values = found.first()
        return _job_state(values) if values else None

    def all_job_states(self) -> list[JobState]:
        """Every saved job state, by workflow slug."""
        row = self.models.JobStateRow
        query = row.select(*[getattr(row, name) for name in _FIELDS]).order_by(row.workflow).tuples()
        return [_job_state(values) for values in query]

    def delete_job_state(self, workflow: str) -> bool:
        """Forget a workflow's job state; False when there was none."""
        row = self.models.JobStateRow
        return bool(row.delete().where(row.workflow == workflow).execute())

    def get_setting(self, key: str, default: Any = None) -> Any:
        """The JSON value stored under ``key``, or ``default`` when it is not set."""
        found = self.db.execute_sql(self.sql('SELECT value FROM setting WHERE "key" = ?'), (key,)).fetchone()
        return load_json(found[0]) if found else default

    def set_setting(self, key: str, value: Any) -> None:
        """Store a JSON-serialisable value under ``key`` (None is kept as JSON null, not as unset)."""
        # Plain SQL: the model's JSON field maps None to SQL NULL, but a stored null must stay a value.
        self.db.execute_sql(self.dialect.upsert("setting", ('"key"', "value"), ('"key"',)), (key, dump_json(value)))
        self.settings_version = getattr(self, "settings_version", 0) + 1  # tells caches in this process

    def delete_setting(self, key: str) -> bool:
        """Remove a setting; False when it was not set."""
        return self.db.execute_sql(self.sql('DELETE FROM setting WHERE "key" = ?'), (key,)).rowcount > 0


def _job_state(values: tuple[Any, ...]) -> JobState:
    state = JobState(**dict(zip(_FIELDS, values)))
    state.paused = bool(state.paused)
    return state
