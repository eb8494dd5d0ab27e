"""Keyset pages of runs: every run once, newest first, with filters; the head since a refresh; by id."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from flowdesk.core.store import RunStore, new_run_id
from flowdesk.core.store import run_pages

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=timezone.utc)


@pytest.fixture
def store(tmp_path: Path):
    s = RunStore(tmp_path / "flowdesk.sqlite3")
    yield s
    s.close()


def fill(store: RunStore, n: int) -> list[str]:
    """n runs; every third pair shares its queued_at, so pages must break ties on the id."""
    ids = []
    for i in range(n):
        rid = new_run_id()
        store.create(rid, f"wf{i % 2}", "manual", {}, queued_at=T0 + timedelta(seconds=i // 3))
        ids.append(rid)
    return ids


def test_pages_walk_every_run_once_newest_first(store: RunStore) -> None:
    fill(store, 95)
    expected = [r.id for r in store.list_runs(limit=None)]
    seen, cursor = [], None
    while True:
        page = run_pages.run_page(store, {}, cursor, 10)
        if not page:
            break
        seen += [r.id for r in page]
        cursor = (page[-1].queued_at, page[-1].id)
    assert seen == expected


def test_pages_keep_the_filters(store: RunStore) -> None:
    fill(store, 40)
    expected = [r.id for r in store.list_runs(workflow="wf1", limit=None)]
    first = run_pages.run_page(store, {"workflow": "wf1", "status": None}, None, 7)
    rest = run_pages.run_page(store, {"workflow": "wf1"}, (first[-1].queued_at, first[-1].id), 100)
    assert [r.id for r in first + rest] == expected


def test_head_and_by_id(store: RunStore) -> None:
    ids = fill(store, 10)
    top = store.list_runs(limit=1)[0]
    assert run_pages.runs_newer_than(store, {}, (top.queued_at, top.id), 50) == []
    later = new_run_id()
    store.create(later, "wf0", "manual", {}, queued_at=T0 + timedelta(hours=1))
    assert [r.id for r in run_pages.runs_newer_than(store, {}, (top.queued_at, top.id), 50)] == [later]
    store.finish(ids[0], "success", T0 + timedelta(minutes=5), started_at=T0)
    found = run_pages.runs_by_id(store, [ids[0], "missing", ids[0]])
    assert list(found) == [ids[0]] and found[ids[0]].status == "success"


def test_a_late_page_reads_an_index_range(store: RunStore) -> None:
    fill(store, 30)
    conn = store.db.connection()
    seen: list[str] = []
    conn.set_trace_callback(seen.append)
    last = store.list_runs(limit=20)[-1]
    seen.clear()
    run_pages.run_page(store, {}, (last.queued_at, last.id), 10)
    conn.set_trace_callback(None)
    plan = [row[3] for sql in seen if sql.startswith("SELECT") for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
    assert any("USING INDEX run_queued_at (queued_at<?)" in step for step in plan), plan


def test_list_records_leave_input_and_output_to_the_inspector(store: RunStore) -> None:
    run_id = new_run_id()
    store.create(run_id, "wf0", "manual", {"payload": "x" * 1000}, queued_at=T0)
    store.finish(run_id, "success", T0 + timedelta(seconds=1), started_at=T0,
                 output={"items": list(range(10_000))}, message="big")
    stored = store.get(run_id)
    assert stored.output == {"items": list(range(10_000))} and stored.input == {"payload": "x" * 1000}
    for listed in (run_pages.run_page(store, {}, None, 10)[0], run_pages.runs_by_id(store, [run_id])[run_id]):
        assert (listed.id, listed.status, listed.message) == (run_id, "success", "big")
        assert listed.output is None and listed.input == {}  # nothing decoded for a row that never shows them
