"""Reading runs back: one run (with or without its log), filtered listings and counts."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from peewee import SQL, Expression, NodeList, fn

from flowdesk.core.store.models import StoreModels, from_micros, load_json, to_micros
from flowdesk.core.store.records import RunRecord, check_status, check_trigger
from flowdesk.core.store.sql_dialect import SqlDialect

COLUMNS: tuple[str, ...] = (
    "id", "workflow", '"trigger"', "status", "queued_at", "started_at", "finished_at", "duration", "input",
    "output", "message", "error", "log_truncated", "attempt", "parent_run_id", "profile_info",
)
SELECT_COLUMNS = ", ".join(COLUMNS)
_SELECT_ONE = f"SELECT {SELECT_COLUMNS} FROM run WHERE id = ?"
_SELECT_ONE_WITH_LOG = (
    f"SELECT {', '.join('run.' + c for c in COLUMNS)}, run_log.log FROM run"
    " LEFT JOIN run_log ON run_log.run_id = run.id WHERE run.id = ?"
)


def record_from_row(row: Sequence[Any], log: str | None = None) -> RunRecord:
    """A RunRecord from a row of COLUMNS as the database returns them (micros, JSON text)."""
    return RunRecord(
        id=row[0], workflow=row[1], trigger=row[2], status=row[3],
        queued_at=from_micros(row[4]),  # type: ignore[arg-type]
        started_at=from_micros(row[5]), finished_at=from_micros(row[6]), duration=row[7],
        input=load_json(row[8]) or {}, output=load_json(row[9]), message=row[10], error=row[11],
        log=log, log_truncated=bool(row[12]), attempt=row[13], parent_run_id=row[14],
        profile_info=load_json(row[15]) or {},
    )


def _one_or_many(value: str | Iterable[str] | None) -> list[str] | None:
    if value is None:
        return None
    return [value] if isinstance(value, str) else list(value)


class RunQueries:
    """Reading methods of RunStore (a mixin: it needs the store's db, models, dialect and sql)."""

    db: Any
    models: StoreModels
    dialect: SqlDialect
    sql: Callable[[str], str]

    def get(self, run_id: str, include_log: bool = False) -> RunRecord | None:
        """The run with this id, or None; its log only when asked."""
        if include_log:
            row = self.db.execute_sql(self.sql(_SELECT_ONE_WITH_LOG), (run_id,)).fetchone()
            return record_from_row(row, log=row[-1] or "") if row else None
        row = self.db.execute_sql(self.sql(_SELECT_ONE), (run_id,)).fetchone()
        return record_from_row(row) if row else None

    def get_log(self, run_id: str) -> str:
        """The captured log of a run ("" when it has none or does not exist)."""
        row = self.db.execute_sql(self.sql("SELECT log FROM run_log WHERE run_id = ?"), (run_id,)).fetchone()
        return row[0] if row else ""

    def _where(self, workflow: str | None, status: str | Iterable[str] | None, trigger: str | Iterable[str] | None,
               since: datetime | None, until: datetime | None, search: str | None) -> list[Expression]:
        run = self.models.Run
        terms: list[Expression] = []
        if workflow is not None:
            terms.append(run.workflow == workflow)
        statuses = _one_or_many(status)
        if statuses is not None:
            terms.append(run.status.in_([check_status(s) for s in statuses]))
        triggers = _one_or_many(trigger)
        if triggers is not None:
            terms.append(run.trigger.in_([check_trigger(t) for t in triggers]))
        if since is not None:
            terms.append(run.queued_at >= to_micros(since))
        if until is not None:
            terms.append(run.queued_at < to_micros(until))
        if search:
            # LIKE with an escape so "%" and "_" typed by the user match literally; case-insensitive in both.
            pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            match = f"{self.dialect.like} {self.dialect.param} ESCAPE '\\'"
            like = [NodeList((col, SQL(match, (pattern,)))) for col in (run.message, run.error)]
            terms.append(like[0] | like[1])
        return terms

    def list_runs(self, workflow: str | None = None, status: str | Iterable[str] | None = None,
                  trigger: str | Iterable[str] | None = None, since: datetime | None = None,
                  until: datetime | None = None, search: str | None = None, limit: int | None = 100,
                  offset: int = 0) -> list[RunRecord]:
        """Runs matching the filters (since inclusive, until exclusive, on queued_at), newest first, without logs."""
        run = self.models.Run
        query = run.select(*[SQL(c) for c in COLUMNS]).order_by(run.queued_at.desc(), run.id.desc())
        terms = self._where(workflow, status, trigger, since, until, search)
        if terms:
            query = query.where(*terms)
        if limit is not None:
            query = query.limit(limit)
        if offset:
            query = query.offset(offset)
        return [record_from_row(row) for row in self.db.execute(query).fetchall()]

    def count_runs(self, workflow: str | None = None, status: str | Iterable[str] | None = None,
                   trigger: str | Iterable[str] | None = None, since: datetime | None = None,
                   until: datetime | None = None, search: str | None = None) -> int:
        """How many runs list_runs() would return without a limit."""
        query = self.models.Run.select(fn.COUNT(SQL("*")))
        terms = self._where(workflow, status, trigger, since, until, search)
        if terms:
            query = query.where(*terms)
        return int(self.db.execute(query).fetchone()[0])
