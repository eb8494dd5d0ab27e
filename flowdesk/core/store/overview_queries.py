"""What the desktop's Overview, rail badges and sparklines read from the store, in indexed SQL (Qt-free).

Every function takes the RunStore and runs a few range reads on the run indexes; the app calls
them on the core thread, at most once a second.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING

from flowdesk.core.store.models import from_micros, to_micros
from flowdesk.core.store.records import TIMED_STATUSES

if TYPE_CHECKING:
    from flowdesk.core.store.run_store import RunStore

FAILED_STATUSES: tuple[str, ...] = ("error", "timeout")
_TIMED = ", ".join(f"'{s}'" for s in TIMED_STATUSES)
_FAILED = ", ".join(f"'{s}'" for s in FAILED_STATUSES)


def _sql(store: RunStore, text: str) -> str:
    """The statement in the store's database spelling (written once, in SQLite's, like the store's own)."""
    spell = getattr(store, "sql", None)
    return spell(text) if spell is not None else text


def _unindexed(store: RunStore, column: str) -> str:
    """``+column`` on SQLite: the unary plus keeps the planner off that column's index."""
    dialect = getattr(store, "dialect", None)
    return column if dialect is not None and dialect.name != "sqlite" else f"+{column}"


@dataclass
class PeriodSummary:
    """Runs queued in a period: how many, how many failed (error or timeout), success rate, median duration.

    success_rate is a percentage of success over success + error + timeout (None when none ended so);
    median_duration is in seconds over those same runs (None when there are none).
    """

    runs: int = 0
    failures: int = 0
    success_rate: float | None = None
    median_duration: float | None = None
    by_status: dict[str, int] = field(default_factory=dict)


@dataclass
class RunBar:
    """One run of a sparkline: id, status, duration (None while unfinished) and when it was queued."""

    id: str
    status: str
    duration: float | None
    queued_at: datetime


@dataclass
class FailureRow:
    """A failed run for the Overview's list: which workflow, when, and the first words of why."""

    id: str
    workflow: str
    status: str
    queued_at: datetime
    finished_at: datetime | None
    reason: str


def local_days(count: int, now: datetime, zone: tzinfo | None = None) -> list[tuple[date, datetime, datetime]]:
    """The last ``count`` calendar days up to today in ``zone`` (the machine's when None), oldest first,
    each as (day, start, end) aware UTC datetimes; DST days are 23 or 25 hours long."""
    zone = zone or now.astimezone().tzinfo
    today = now.astimezone(zone).date()
    days = []
    for back in range(count - 1, -1, -1):
        day = today - timedelta(days=back)
        start = datetime.combine(day, time(0), zone).astimezone(timezone.utc)
        end = datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(timezone.utc)
        days.append((day, start, end))
    return days


def runs_per_day(store: RunStore, days: Sequence[tuple[date, datetime, datetime]]) -> list[dict[str, int]]:
    """For each (day, start, end): status -> runs queued in [start, end). One range read per day on run_queued_at."""
    if not days:
        return []
    values = ", ".join("(?, ?, ?)" for _ in days)
    params: list[int] = []
    for n, (_day, start, end) in enumerate(days):
        params += [n, to_micros(start), to_micros(end)]
    rows = store.db.execute_sql(_sql(store,
        f"WITH day(n, lo, hi) AS (VALUES {values}) SELECT day.n, run.status, COUNT(*) FROM day"
        " JOIN run ON run.queued_at >= day.lo AND run.queued_at < day.hi GROUP BY day.n, run.status"),
        params).fetchall()
    result: list[dict[str, int]] = [{} for _ in days]
    for n, status, count in rows:
        result[n][status] = count
    return result


def _median(store: RunStore, lo: int, hi: int, timed: int) -> float | None:
    if not timed:
        return None
    # The middle one (odd count) or the mean of the middle two: one sorted read of the period's durations.
    # "+status" keeps SQLite on the queued_at range: the status index would visit every success ever.
    rows = store.db.execute_sql(_sql(store,
        f"SELECT duration FROM run WHERE queued_at >= ? AND queued_at < ? AND {_unindexed(store, 'status')}"
        f" IN ({_TIMED}) AND duration IS NOT NULL ORDER BY duration LIMIT ? OFFSET ?"),
        (lo, hi, 2 - timed % 2, (timed - 1) // 2)).fetchall()
    values = [row[0] for row in rows]
    return sum(values) / len(values) if values else None


def period_summary(store: RunStore, since: datetime, until: datetime | None = None) -> PeriodSummary:
    """Counts, success rate and median duration of the runs queued in [since, until)."""
    lo = to_micros(since)
    hi = to_micros(until) if until is not None else 2**62
    with store.db.atomic("DEFERRED"):  # one snapshot for both reads
        rows = store.db.execute_sql(_sql(store,
            "SELECT status, COUNT(*), COUNT(duration) FROM run WHERE queued_at >= ? AND queued_at < ?"
            " GROUP BY status"), (lo, hi)).fetchall()
        summary = PeriodSummary(by_status={status: count for status, count, _ in rows})
        timed = sum(with_duration for status, _, with_duration in rows if status in TIMED_STATUSES)
        summary.median_duration = _median(store, lo, hi, timed)
    counts = summary.by_status
    summary.runs = sum(counts.values())
    summary.failures = sum(counts.get(s, 0) for s in FAILED_STATUSES)
    judged = counts.get("success", 0) + summary.failures
    summary.success_rate = round(100.0 * counts.get("success", 0) / judged, 1) if judged else None
    return summary


def failures_since(store: RunStore, since: datetime | None) -> int:
    """Runs that failed (error or timeout) and finished after ``since`` (all failures when None)."""
    lo = to_micros(since) if since is not None else -1
    row = store.db.execute_sql(_sql(store,
        f"SELECT COUNT(*) FROM run WHERE status IN ({_FAILED}) AND finished_at > ?"), (lo,)).fetchone()
    return int(row[0])


def last_failures(store: RunStore, limit: int = 5) -> list[FailureRow]:
    """The latest failed runs (error or timeout), newest first, with the first line of their error or message."""
    rows = store.db.execute_sql(_sql(store,
        f"SELECT id, workflow, status, queued_at, finished_at, error, message FROM run WHERE status IN ({_FAILED})"
        " ORDER BY queued_at DESC LIMIT ?"), (limit,)).fetchall()
    out = []
    for run_id, workflow, status, queued, finished, error, message in rows:
        text = (error or message or "").strip()
        out.append(FailureRow(run_id, workflow, status, from_micros(queued),  # type: ignore[arg-type]
                              from_micros(finished), text.splitlines()[-1][:300] if text else ""))
    return out


def active_counts(store: RunStore) -> tuple[int, int]:
    """(running, queued) right now."""
    rows = dict(store.db.execute_sql(
        _sql(store, "SELECT status, COUNT(*) FROM run WHERE status IN ('running', 'queued') GROUP BY status")).fetchall())
    return int(rows.get("running", 0)), int(rows.get("queued", 0))


def recent_runs(store: RunStore, workflows: Iterable[str], n: int = 20) -> dict[str, list[RunBar]]:
    """Each workflow's last ``n`` runs, oldest first (sparklines): one indexed read per workflow."""
    out: dict[str, list[RunBar]] = {}
    with store.db.atomic("DEFERRED"):
        for workflow in workflows:
            rows = store.db.execute_sql(_sql(store,
                "SELECT id, status, duration, queued_at FROM run WHERE workflow = ?"
                " ORDER BY queued_at DESC, id DESC LIMIT ?"), (workflow, n)).fetchall()
            out[workflow] = [RunBar(r[0], r[1], r[2], from_micros(r[3])) for r in reversed(rows)]  # type: ignore[arg-type]
    return out
