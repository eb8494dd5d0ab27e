"""Runs read in pages for long lists: keyset pages (newest first) and the head of the list since a refresh (Qt-free).

A page starts strictly after the last row already shown, on (queued_at, id), so reading page 500
of 100,000 runs costs what page 1 costs; OFFSET would walk every row before it. A list's records carry
neither input nor output (left empty): a row never shows them, and a run's 10 MB output decoded for a
list would be read for nothing and then kept alive as hundreds of thousands of objects that every
garbage collection on the GUI thread walks. The run inspector reads them for the one run it shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from peewee import SQL

from flowdesk.core.store.models import to_micros
from flowdesk.core.store.run_store import COLUMNS, record_from_row
from flowdesk.core.store.records import RunRecord

if TYPE_CHECKING:
    from flowdesk.core.store.run_store import RunStore

Cursor = tuple[datetime, str]  # (queued_at, id) of a row
LIST_COLUMNS: tuple[str, ...] = tuple("NULL" if c in ("input", "output") else c for c in COLUMNS)


def _query(store: RunStore, filters: dict[str, Any]) -> Any:
    run = store.models.Run
    query = run.select(*[SQL(c) for c in LIST_COLUMNS])
    # The same filters as list_runs (workflow, status, trigger, since, until, search).
    terms = store._where(filters.get("workflow"), filters.get("status"), filters.get("trigger"),  # noqa: SLF001
                         filters.get("since"), filters.get("until"), filters.get("search"))
    return query.where(*terms) if terms else query


def run_page(store: RunStore, filters: dict[str, Any], after: Cursor | None, limit: int) -> list[RunRecord]:
    """Up to ``limit`` runs matching ``filters``, newest first, strictly older than the row ``after``."""
    run = store.models.Run
    query = _query(store, filters).order_by(run.queued_at.desc(), run.id.desc()).limit(limit)
    if after is not None:
        at = to_micros(after[0])
        query = query.where((run.queued_at < at) | ((run.queued_at == at) & (run.id < after[1])))
    return [record_from_row(row) for row in store.db.execute(query).fetchall()]


def runs_newer_than(store: RunStore, filters: dict[str, Any], top: Cursor, limit: int) -> list[RunRecord]:
    """Runs matching ``filters`` newer than the row ``top`` (the head of a list), newest first, at most ``limit``."""
    run = store.models.Run
    at = to_micros(top[0])
    query = _query(store, filters).where((run.queued_at > at) | ((run.queued_at == at) & (run.id > top[1])))
    query = query.order_by(run.queued_at.desc(), run.id.desc()).limit(limit)
    return [record_from_row(row) for row in store.db.execute(query).fetchall()]


def runs_by_id(store: RunStore, ids: Iterable[str]) -> dict[str, RunRecord]:
    """The current records of these runs (to update rows whose run was still going), by id."""
    wanted = list(dict.fromkeys(ids))
    out: dict[str, RunRecord] = {}
    for start in range(0, len(wanted), 500):  # SQLite's bound-parameter limit
        chunk = wanted[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        text = f"SELECT {', '.join(LIST_COLUMNS)} FROM run WHERE id IN ({marks})"
        spell = getattr(store, "sql", None)  # the store's database spelling (SQLite's when it has one)
        rows = store.db.execute_sql(spell(text) if spell else text, chunk).fetchall()
        out.update((row[0], record_from_row(row)) for row in rows)
    return out


def workflow_names(store: RunStore) -> list[str]:
    """Every workflow that has runs (the runs filter offers deleted ones too): a walk of the workflow index."""
    rows = store.db.execute_sql("SELECT DISTINCT workflow FROM run").fetchall()
    return sorted(row[0] for row in rows)
