"""Retention: age and count limits delete finished runs with their logs and never touch unfinished ones."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from flowdesk.core.store import RunStore, apply_retention, new_run_id
from flowdesk.core.store import retention

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)


def add(store: RunStore, workflow: str, days_ago: float, status: str = "success") -> str:
    """A run queued ``days_ago`` before NOW, finished with a log unless it is queued or running."""
    rid = new_run_id()
    at = NOW - timedelta(days=days_ago)
    store.create(rid, workflow, "schedule", {}, queued_at=at)
    if status == "running":
        store.mark_running(rid, at)
    elif status != "queued":
        store.finish(rid, status, at + timedelta(seconds=1), started_at=at, log=f"log of {rid}")
    return rid


def remaining(store: RunStore) -> set[str]:
    return {r.id for r in store.list_runs(limit=None)}


def test_no_limits_deletes_nothing(store: RunStore) -> None:
    add(store, "wf", 400)
    assert apply_retention(store, None, None, now=NOW) == 0
    assert store.count_runs() == 1


def test_max_age_deletes_old_finished_runs_and_their_logs(store: RunStore) -> None:
    old_ok = add(store, "wf", 40)
    old_err = add(store, "wf", 31, "error")
    old_running = add(store, "wf", 45, "running")
    old_queued = add(store, "wf", 50, "queued")
    fresh = add(store, "wf", 5)
    assert apply_retention(store, max_age_days=30, max_runs=None, now=NOW) == 2
    assert remaining(store) == {old_running, old_queued, fresh}
    assert store.get_log(old_ok) == "" and store.get_log(old_err) == ""
    assert store.get_log(fresh) == f"log of {fresh}"
    logs = store.db.execute_sql("SELECT count(*) FROM run_log").fetchone()[0]
    assert logs == 1


def test_max_runs_keeps_the_newest_finished(store: RunStore) -> None:
    ids = [add(store, "a" if i % 2 else "b", 100 - i) for i in range(10)]
    running = add(store, "a", 200, "running")
    assert apply_retention(store, None, max_runs=4, now=NOW) == 6
    assert remaining(store) == set(ids[-4:]) | {running}


def test_max_runs_per_workflow(store: RunStore) -> None:
    a = [add(store, "a", 50 - i) for i in range(6)]
    b = [add(store, "b", 50 - i, "error") for i in range(3)]
    queued = add(store, "b", 60, "queued")
    assert apply_retention(store, None, max_runs=2, per_workflow=True, now=NOW) == 5
    assert remaining(store) == set(a[-2:]) | set(b[-2:]) | {queued}


def test_both_limits_together(store: RunStore) -> None:
    keep = [add(store, "wf", d) for d in (1, 2)]
    add(store, "wf", 3)
    add(store, "wf", 90)
    assert apply_retention(store, max_age_days=30, max_runs=2, now=NOW) == 2
    assert remaining(store) == set(keep)


def test_zero_keeps_only_unfinished(store: RunStore) -> None:
    for d in range(5):
        add(store, "wf", d, "interrupted" if d % 2 else "skipped")
    running = add(store, "wf", 0, "running")
    assert apply_retention(store, max_age_days=None, max_runs=0) == 5
    assert remaining(store) == {running}


def test_large_purge_goes_in_batches(store: RunStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retention, "BATCH_SIZE", 7)
    runs = [{"run_id": new_run_id(), "workflow": "hook", "trigger": "webhook", "input": {},
             "queued_at": NOW - timedelta(days=10, minutes=i)} for i in range(53)]
    store.create_many(runs)
    for run in runs:
        store.finish(run["run_id"], "success", NOW - timedelta(days=9), log="x")
    assert apply_retention(store, max_age_days=1, max_runs=None, now=NOW) == 53
    assert store.count_runs() == 0
    assert store.db.execute_sql("SELECT count(*) FROM run_log").fetchone() == (0,)
    if store.dialect.name == "sqlite":
        assert store.db.execute_sql("PRAGMA integrity_check").fetchone() == ("ok",)


def test_negative_limits_are_refused(store: RunStore) -> None:
    with pytest.raises(ValueError):
        apply_retention(store, -1, None)
    with pytest.raises(ValueError):
        apply_retention(store, None, -5)
