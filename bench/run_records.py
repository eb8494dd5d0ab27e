"""Read a running FlowDesk service's run records straight from its SQLite file (read-only, WAL-safe)."""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

DB_FILENAME = "flowdesk.sqlite3"  # flowdesk.core.runtime.DB_FILENAME


@dataclass(frozen=True)
class RunRow:
    """The columns the benchmarks need; times are UTC epoch seconds (None when not reached)."""

    id: str
    workflow: str
    trigger: str
    status: str
    queued_at: float
    started_at: float | None
    finished_at: float | None


def _seconds(micros: int | None) -> float | None:
    return micros / 1_000_000 if micros is not None else None


def read_runs(data_dir: Path, *, workflow: str | None = None, prefix: str | None = None,
              since: float | None = None, until: float | None = None) -> list[RunRow]:
    """Runs of one workflow (or of workflows whose name starts with ``prefix``), optionally by queued_at window."""
    terms, params = [], []
    if workflow is not None:
        terms.append("workflow = ?")
        params.append(workflow)
    if prefix is not None:
        terms.append("workflow LIKE ? ESCAPE '\\'")
        params.append(prefix.replace("%", r"\%").replace("_", r"\_") + "%")
    if since is not None:
        terms.append("queued_at >= ?")
        params.append(int(since * 1_000_000))
    if until is not None:
        terms.append("queued_at < ?")
        params.append(int(until * 1_000_000))
    where = " WHERE " + " AND ".join(terms) if terms else ""
    sql = f'SELECT id, workflow, "trigger", status, queued_at, started_at, finished_at FROM run{where}'
    con = sqlite3.connect(f"file:{data_dir / DB_FILENAME}?mode=ro", uri=True, timeout=10)
    try:
        rows = con.execute(sql, params).fetchall()
    finally:
        con.close()
    return [RunRow(r[0], r[1], r[2], r[3], r[4] / 1_000_000, _seconds(r[5]), _seconds(r[6])) for r in rows]


@dataclass(frozen=True)
class RecordCheck:
    """Every accepted webhook (its run_id from the 202 answer) against the run records of its workflow."""

    accepted: int  # 2xx answers carrying a run_id
    unique_ids: int
    records: int
    matched: int  # accepted ids with exactly one record
    missing: int  # accepted ids without a record
    extra: int  # records no answer announced
    statuses: Counter[str]

    @property
    def ok(self) -> bool:
        """One record per accepted webhook, none more, all finished successfully."""
        return (self.accepted == self.unique_ids == self.records == self.matched and not self.missing
                and not self.extra and set(self.statuses) <= {"success"})

    def describe(self) -> str:
        """One line for the report."""
        status = ", ".join(f"{k}: {v}" for k, v in sorted(self.statuses.items()))
        return (f"{self.accepted} accepted webhooks ({self.unique_ids} distinct run ids), {self.records} run records; "
                f"{self.matched} with exactly one record, {self.missing} missing, {self.extra} unannounced; "
                f"record statuses: {status or 'none'}")


def check_accepted(data_dir: Path, workflow: str, run_ids: list[str]) -> RecordCheck:
    """Compare the run ids the service answered with the records it wrote for ``workflow``."""
    rows = read_runs(data_dir, workflow=workflow)
    per_id = Counter(r.id for r in rows)
    wanted = set(run_ids)
    return RecordCheck(accepted=len(run_ids), unique_ids=len(wanted), records=len(rows),
                       matched=sum(1 for i in wanted if per_id.get(i) == 1),
                       missing=sum(1 for i in wanted if i not in per_id),
                       extra=sum(1 for i in per_id if i not in wanted),
                       statuses=Counter(r.status for r in rows))
