"""Overview queries: runs per local day, period summaries (median, success rate), failures, sparklines; indexed."""

from __future__ import annotations

import statistics
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from flowdesk.core.store import RunStore, new_run_id
from flowdesk.core.store import overview_queries as oq

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=timezone.utc)


@pytest.fixture
def store(tmp_path: Path):
    s = RunStore(tmp_path / "flowdesk.sqlite3")
    yield s
    s.close()


def add(store: RunStore, workflow: str, status: str, at: datetime, duration: float = 1.0) -> str:
    rid = new_run_id()
    store.create(rid, workflow, "schedule", {}, queued_at=at)
    if status == "running":
        store.mark_running(rid, at)
    elif status != "queued":
        store.finish(rid, status, at + timedelta(seconds=duration), started_at=at)
    return rid


def test_local_days_are_calendar_days_in_the_zone_dst_included() -> None:
    paris = ZoneInfo("Europe/Paris")
    days = oq.local_days(3, datetime(2026, 10, 26, 12, 0, tzinfo=timezone.utc), paris)
    assert [d for d, _, _ in days] == [date(2026, 10, 24), date(2026, 10, 25), date(2026, 10, 26)]
    assert [(end - start).total_seconds() / 3600 for _, start, end in days] == [24, 25, 24]  # DST ends on the 25th
    assert days[0][1] == datetime(2026, 10, 23, 22, 0, tzinfo=timezone.utc)
    assert all(a[2] == b[1] for a, b in zip(days, days[1:]))


def test_runs_per_day_counts_each_status_in_its_day(store: RunStore) -> None:
    days = oq.local_days(3, NOW, timezone.utc)
    add(store, "a", "success", NOW - timedelta(days=2, hours=1))
    add(store, "a", "error", NOW - timedelta(days=2, hours=2))
    add(store, "b", "success", NOW - timedelta(hours=1))
    add(store, "b", "timeout", NOW - timedelta(hours=2))
    add(store, "b", "running", NOW - timedelta(minutes=1))
    add(store, "b", "success", NOW - timedelta(days=5))  # before the window
    per_day = oq.runs_per_day(store, days)
    assert per_day == [{"success": 1, "error": 1}, {}, {"success": 1, "timeout": 1, "running": 1}]
    assert sum(sum(d.values()) for d in per_day) == store.count_runs(since=days[0][1], until=days[-1][2])


def test_period_summary_median_rate_and_failures(store: RunStore) -> None:
    durations = [1.0, 2.0, 3.0, 10.0]
    for n, seconds in enumerate(durations):
        add(store, "a", "success", NOW - timedelta(minutes=n + 1), seconds)
    add(store, "a", "error", NOW - timedelta(minutes=10), 5.0)
    add(store, "a", "skipped", NOW - timedelta(minutes=11), 0.0)
    add(store, "a", "queued", NOW - timedelta(minutes=12))
    add(store, "a", "error", NOW - timedelta(days=3), 99.0)  # outside
    summary = oq.period_summary(store, NOW - timedelta(hours=1))
    assert (summary.runs, summary.failures) == (7, 1)
    assert summary.success_rate == 80.0
    assert summary.median_duration == statistics.median([*durations, 5.0]) == 3.0
    add(store, "a", "timeout", NOW - timedelta(minutes=13), 4.0)
    even = oq.period_summary(store, NOW - timedelta(hours=1))
    assert even.median_duration == statistics.median([*durations, 5.0, 4.0]) == 3.5 and even.failures == 2
    empty = oq.period_summary(store, NOW + timedelta(hours=1))
    assert (empty.runs, empty.success_rate, empty.median_duration) == (0, None, None)


def test_failures_since_last_failures_and_active_counts(store: RunStore) -> None:
    old = add(store, "a", "error", NOW - timedelta(days=1))
    add(store, "a", "success", NOW - timedelta(hours=2))
    new = add(store, "b", "timeout", NOW - timedelta(hours=1), 2.0)
    add(store, "b", "running", NOW)
    add(store, "b", "queued", NOW)
    add(store, "b", "queued", NOW)
    assert oq.failures_since(store, None) == 2
    assert oq.failures_since(store, NOW - timedelta(hours=3)) == 1
    rows = oq.last_failures(store, 5)
    assert [r.id for r in rows] == [new, old] and rows[0].workflow == "b" and rows[0].status == "timeout"
    assert oq.active_counts(store) == (1, 2)


def test_recent_runs_are_the_last_n_oldest_first(store: RunStore) -> None:
    ids = [add(store, "a", "success" if n % 3 else "error", NOW - timedelta(minutes=30 - n), n / 10) for n in range(25)]
    bars = oq.recent_runs(store, ["a", "none"], n=20)
    assert [b.id for b in bars["a"]] == ids[-20:] and bars["none"] == []
    assert bars["a"][-1].duration == pytest.approx(2.4) and bars["a"][1].status == "error"  # n = 6


def test_overview_queries_use_indexes(store: RunStore) -> None:
    for n in range(60):
        add(store, f"wf{n % 3}", ["success", "error", "timeout", "skipped"][n % 4], NOW - timedelta(hours=n), n / 7)
    conn = store.db.connection()
    seen: list[str] = []
    conn.set_trace_callback(seen.append)
    oq.runs_per_day(store, oq.local_days(14, NOW))
    oq.period_summary(store, NOW - timedelta(days=7))
    oq.failures_since(store, NOW - timedelta(days=1))
    oq.last_failures(store)
    oq.active_counts(store)
    oq.recent_runs(store, ["wf0", "wf1"])
    conn.set_trace_callback(None)
    reads = [sql for sql in seen if sql.lstrip().upper().startswith(("SELECT", "WITH"))]
    assert len(reads) == 8
    for sql in reads:
        plan = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
        assert any(step.startswith("SEARCH run USING") and "INDEX" in step for step in plan), (sql, plan)
        assert not any(step.startswith("SCAN run") for step in plan), (sql, plan)
