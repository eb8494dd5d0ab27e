"""Read a run for the inspector with its output as stored JSON text (not decoded) and its log.

``RunStore.get`` decodes the output with ``json.loads``: for a 10 MB output that holds the GIL for
about a third of a second, freezing the window even from a worker thread. The inspector browses
the text instead (``json_spans``), so the output column is read raw here.
"""

from __future__ import annotations

from dataclasses import dataclass

from peewee import SQL

from flowdesk.core.store import RunRecord
from flowdesk.core.store.run_store import COLUMNS, RunStore, record_from_row


@dataclass
class InspectedRun:
    """A run whose ``record.output`` is left None; ``output_text`` is its JSON text (None when it has none)."""

    record: RunRecord
    output_text: str | None

    @property
    def output_size(self) -> int:
        """Characters of the output's JSON text."""
        return len(self.output_text or "")


def read_inspected_run(store: RunStore, run_id: str) -> InspectedRun | None:
    """The run with its log and its output as raw JSON text, or None when unknown (call from a worker thread)."""
    run = store.models.Run
    columns = [SQL("NULL") if c == "output" else SQL(c) for c in COLUMNS]
    query = run.select(*columns, SQL("output")).where(run.id == run_id)
    row = store.db.execute(query).fetchone()
    if row is None:
        return None
    record = record_from_row(row[:-1], log=store.get_log(run_id))
    return InspectedRun(record, row[-1])


def neighbour_run_ids(store: RunStore, record: RunRecord) -> tuple[str | None, str | None]:
    """(previous, next) run of the same workflow around ``record`` in queue order (older, newer)."""
    run = store.models.Run
    queued, at = SQL("queued_at"), record.queued_at
    older = (run.select(SQL("id")).where((run.workflow == record.workflow)
                                         & ((run.queued_at < at) | ((run.queued_at == at) & (run.id < record.id))))
             .order_by(queued.desc(), SQL("id").desc()).limit(1))
    newer = (run.select(SQL("id")).where((run.workflow == record.workflow)
                                         & ((run.queued_at > at) | ((run.queued_at == at) & (run.id > record.id))))
             .order_by(queued.asc(), SQL("id").asc()).limit(1))
    before = store.db.execute(older).fetchone()
    after = store.db.execute(newer).fetchone()
    return (before[0] if before else None), (after[0] if after else None)


@dataclass
class RunBrief:
    """What a list of recent runs shows: no input, output or log (those can be megabytes)."""

    id: str
    workflow: str
    status: str
    trigger: str
    queued_at: object  # aware UTC datetime


def recent_runs(store: RunStore, limit: int = 10) -> list[RunBrief]:
    """The newest runs, light: id, workflow, status, trigger and queue time only."""
    from flowdesk.core.store.models import from_micros

    run = store.models.Run
    query = run.select(SQL("id"), SQL("workflow"), SQL("status"), SQL('"trigger"'), SQL("queued_at")) \
        .order_by(SQL("queued_at").desc(), SQL("id").desc()).limit(limit)
    return [RunBrief(r[0], r[1], r[2], r[3], from_micros(r[4])) for r in store.db.execute(query).fetchall()]


@dataclass
class RunEnding:
    """How a run ended, for notifications: no input, output or log."""

    id: str
    workflow: str
    status: str
    trigger: str
    message: str | None
    error: str | None


def run_ending(store: RunStore, run_id: str) -> RunEnding | None:
    """The light record of one run (None when unknown)."""
    run = store.models.Run
    query = run.select(SQL("id"), SQL("workflow"), SQL("status"), SQL('"trigger"'), SQL("message"), SQL("error")) \
        .where(run.id == run_id)
    row = store.db.execute(query).fetchone()
    return RunEnding(*row) if row else None
