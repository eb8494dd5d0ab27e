"""Run statistics in SQL: counts, success rate, nearest-rank p95, last runs, grouped stats and query plans."""

from __future__ import annotations

import json
import math
import random
from datetime import datetime, timedelta, timezone
from fractions import Fraction

import pytest

from flowdesk.core.store import RunStats, RunStore, new_run_id
from flowdesk.core.store.run_stats import nearest_rank

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=timezone.utc)


def add(store: RunStore, workflow: str, status: str, duration: float = 1.0, minute: int = 0) -> str:
    """One run queued at T0 + minute; finished ones last ``duration`` seconds."""
    rid = new_run_id()
    at = T0 + timedelta(minutes=minute)
    store.create(rid, workflow, "schedule", {}, queued_at=at)
    if status == "running":
        store.mark_running(rid, at)
    elif status != "queued":
        store.finish(rid, status, at + timedelta(seconds=duration), started_at=at)
    return rid


def reference_p95(durations: list[float]) -> float:
    """Nearest-rank 95th percentile, computed with exact fractions."""
    ordered = sorted(durations)
    return ordered[math.ceil(Fraction(95, 100) * len(ordered)) - 1] if ordered else 0.0


def test_nearest_rank_matches_exact_ceiling() -> None:
    for n in range(1, 2001):
        assert nearest_rank(n) == math.ceil(Fraction(95 * n, 100)), n


def test_empty_stats(store: RunStore) -> None:
    stats = store.stats()
    assert stats == RunStats()
    data = stats.to_dict()
    assert {"total", "success", "error", "timeout", "skipped", "interrupted", "success_rate",
            "average_duration", "p95_duration", "last_run", "last_success_at", "last_error_at"} <= set(data)
    assert data["total"] == 0 and data["success_rate"] == 0.0 and data["last_run"] is None
    assert store.stats_by_workflow() == {} and store.recent_statuses("nothing") == []


def test_counts_rate_and_durations(store: RunStore) -> None:
    add(store, "wf", "success", 2.0, 0)
    add(store, "wf", "success", 4.0, 1)
    add(store, "wf", "error", 6.0, 2)
    add(store, "wf", "skipped", 0.0, 3)
    add(store, "wf", "running", minute=4)
    add(store, "wf", "queued", minute=5)
    add(store, "other", "timeout", 30.0, 6)
    stats = store.stats("wf")
    assert (stats.total, stats.success, stats.error, stats.timeout, stats.skipped) == (6, 2, 1, 0, 1)
    assert (stats.running, stats.queued, stats.interrupted) == (1, 1, 0)
    assert stats.success_rate == 66.7, "2 of 3 finished-and-judged runs; skipped and running excluded"
    assert stats.average_duration == pytest.approx(4.0)
    assert stats.p95_duration == 6.0
    everything = store.stats()
    assert everything.total == 7 and everything.success_rate == 50.0 and everything.p95_duration == 30.0


def test_p95_is_nearest_rank(store: RunStore) -> None:
    for seconds in range(1, 21):
        add(store, "twenty", "success", float(seconds), seconds)
    add(store, "one", "error", 3.5)
    assert store.stats("twenty").p95_duration == 19.0
    assert store.stats("one").p95_duration == 3.5
    for seconds in range(1, 11):
        add(store, "ten", "success", float(seconds), seconds)
    assert store.stats("ten").p95_duration == 10.0


def test_last_run_and_last_outcomes(store: RunStore) -> None:
    add(store, "wf", "success", 1.0, 0)
    add(store, "wf", "timeout", 5.0, 10)
    last = add(store, "wf", "skipped", 0.0, 20)
    stats = store.stats("wf")
    assert stats.last_run is not None and stats.last_run.id == last and stats.last_run.status == "skipped"
    assert stats.last_success_at == T0 + timedelta(seconds=1)
    assert stats.last_error_at == T0 + timedelta(minutes=10, seconds=5)
    data = stats.to_dict()
    assert data["last_run"]["id"] == last and data["last_error_at"] == "2026-11-01T08:10:05.000000+00:00"
    json.dumps(data)


def test_since_limits_the_window(store: RunStore) -> None:
    add(store, "wf", "error", 100.0, 0)
    add(store, "wf", "success", 1.0, 60)
    recent = store.stats("wf", since=T0 + timedelta(minutes=30))
    assert (recent.total, recent.success, recent.error, recent.success_rate) == (1, 1, 0, 100.0)
    assert recent.p95_duration == 1.0 and recent.last_error_at is None


def test_stats_by_workflow_agrees_with_stats(store: RunStore) -> None:
    rng = random.Random(7)
    statuses = ["success"] * 6 + ["error", "timeout", "skipped", "interrupted", "running", "queued"]
    for minute in range(400):
        add(store, f"wf{rng.randrange(6)}", rng.choice(statuses), round(rng.uniform(0.01, 50), 3), minute)
    grouped = store.stats_by_workflow()
    assert sorted(grouped) == [f"wf{i}" for i in range(6)]
    for wf, stats in grouped.items():
        assert stats == store.stats(wf), wf
        timed = [r.duration for r in store.list_runs(workflow=wf, status=["success", "error", "timeout"], limit=None)]
        assert stats.p95_duration == reference_p95([d for d in timed if d is not None])
    since = T0 + timedelta(minutes=200)
    for wf, stats in store.stats_by_workflow(since=since).items():
        assert stats == store.stats(wf, since=since)


def test_recent_statuses_oldest_first(store: RunStore) -> None:
    for minute, status in enumerate(["success", "error", "success", "timeout", "skipped"]):
        add(store, "wf", status, 1.0, minute)
    assert store.recent_statuses("wf") == ["success", "error", "success", "timeout", "skipped"]
    assert store.recent_statuses("wf", n=2) == ["timeout", "skipped"]


def test_per_workflow_stats_queries_use_indexes(sqlite_store: RunStore) -> None:
    store = sqlite_store  # SQLite's statement trace and query plans
    for minute in range(30):
        add(store, f"wf{minute % 3}", "success" if minute % 4 else "error", minute / 10, minute)
    conn = store.db.connection()
    seen: list[str] = []
    conn.set_trace_callback(seen.append)
    store.stats("wf1")
    store.stats("wf1", since=T0)
    store.recent_statuses("wf1")
    conn.set_trace_callback(None)
    selects = [sql for sql in seen if sql.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 7
    for sql in selects:
        plan = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
        assert any(step.startswith("SEARCH run USING") and "INDEX" in step for step in plan), (sql, plan)
        assert not any(step.startswith("SCAN run") for step in plan), (sql, plan)
