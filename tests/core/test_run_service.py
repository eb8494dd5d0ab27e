"""The store is the queue: committed before accepted, kept across stops, retried, deduplicated, fair, bounded.

Every test runs twice: on the data dir's SQLite file, then on a fresh PostgreSQL database.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from flowdesk.core.errors import QueueFull
from flowdesk.core.run_service import RunRequest
from flowdesk.core.runtime import DB_FILENAME, Runtime
from flowdesk.core.service_settings import RuntimeSettings
from flowdesk.core.store import ENV_VAR, RunRecord, new_run_id, open_store
from flowdesk.core.store.models import to_micros
from flowdesk.core.store.records import StoredOutputRecord, utc_now
from flowdesk.core.store.run_queue_tables import QueuedRun
from flowdesk.core.workspace import Workspace
from tests.conftest import FIXTURES, copy_workspace


@pytest.fixture(autouse=True, params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str | None:
    """The run database of the test's runtimes: the data dir's SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        monkeypatch.delenv(ENV_VAR, raising=False)
        return None
    url = str(request.getfixturevalue("pg_url"))
    monkeypatch.setenv(ENV_VAR, url)
    return url


@pytest.fixture()
def ws(tmp_path: Path) -> Path:
    return copy_workspace(FIXTURES / "queue_workspace", tmp_path / "ws")


def with_runtime(ws: Path, data_dir: Path, body: Callable[[Runtime], Awaitable[Any]], *, scheduler: bool = False,
                 grace: float = 5.0, **settings: Any) -> Any:
    """Start a Runtime on a fresh loop, run ``body``, always stop it."""
    async def main() -> Any:
        runtime = Runtime(Workspace(ws), data_dir, RuntimeSettings(**{"max_workers": 2, "warm_workers": 1, **settings}))
        await runtime.start(with_scheduler=scheduler)
        try:
            return await body(runtime)
        finally:
            await runtime.stop(grace)

    return asyncio.run(main())


def submit(rt: Runtime, workflow: str, data: dict[str, Any] | None = None, trigger: str = "manual",
           **kw: Any) -> tuple[str, asyncio.Future[RunRecord]]:
    return rt.runs.submit(rt.runs.prepare(RunRequest(workflow, data or {}, trigger=trigger, **kw)))


async def until(check: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


def rows(data_dir: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    """Read the store through a separate connection, as another process would."""
    url = os.environ.get(ENV_VAR)
    if url:
        import psycopg

        with psycopg.connect(url) as conn:
            return [tuple(row) for row in conn.execute(sql.replace("?", "%s"), args).fetchall()]
    with sqlite3.connect(data_dir / DB_FILENAME) as db:
        return db.execute(sql, args).fetchall()


def test_an_accepted_run_is_committed_with_its_input_before_accept_returns(ws: Path, data_dir: Path) -> None:
    async def body(rt: Runtime) -> None:
        rt.runs.stop()  # nothing may start: the row must be there because of accept alone
        [run_id] = rt.runs.accept([rt.runs.prepare(RunRequest("quick", {"n": 7, "secret": "hunter2"}))])
        assert rows(data_dir, "SELECT status, input FROM run WHERE id = ?", run_id) == [
            ("queued", '{"n":7,"secret":"***"}')]
        # the unmasked input waits beside it, for the run only
        assert rows(data_dir, "SELECT payload FROM run WHERE id = ?", run_id) == [
            ('{"n":7,"secret":"hunter2"}',)]

    with_runtime(ws, data_dir, body)



def test_a_run_s_output_is_stored_as_the_worker_s_text_and_decoded_only_when_a_waiter_reads_it(
        ws: Path, data_dir: Path) -> None:
    async def body(rt: Runtime) -> None:
        run_id, done = submit(rt, "quick", {"n": 7, "secret": "hunter2"})
        record = await done
        assert isinstance(record, StoredOutputRecord) and record.status == "success"
        [(stored,)] = rows(data_dir, "SELECT output FROM run WHERE id = ?", run_id)
        assert record.output_json == stored  # the worker's text, kept as it came
        expected = {"status": "success", "message": "n=7", "data": {"n": 7, "secret": "***"}}
        assert json.loads(stored) == expected and record.output == expected  # masked in the worker
        assert record.output is not record.output  # decoded at each read, not kept beside the text
        assert rt.store.get(run_id).to_dict() == record.to_dict()

    with_runtime(ws, data_dir, body)


def test_queued_runs_survive_a_stop_and_run_exactly_once_at_the_next_start(ws: Path, data_dir: Path) -> None:
    async def first(rt: Runtime) -> list[str]:
        busy, _ = submit(rt, "slow", {"seconds": 30})
        await until(lambda: rt.store.get(busy).status == "running")
        return [submit(rt, "quick", {"n": i})[0] for i in range(5)]

    queued = with_runtime(ws, data_dir, first, max_workers=1, grace=0.2)
    assert {r[0] for r in rows(data_dir, "SELECT status FROM run WHERE workflow = 'quick'")} == {"queued"}

    async def second(rt: Runtime) -> None:
        await until(lambda: all(rt.store.get(i).status == "success" for i in queued))

    with_runtime(ws, data_dir, second)
    assert rows(data_dir, "SELECT COUNT(*), COUNT(DISTINCT id) FROM run WHERE workflow = 'quick'") == [(5, 5)]
    assert rows(data_dir, "SELECT status FROM run WHERE workflow = 'slow'") == [("interrupted",)]
    assert rows(data_dir, "SELECT COUNT(payload) FROM run") == [(0,)]  # inputs are dropped once runs end


def test_a_failed_run_is_retried_and_linked_to_the_attempt_before(ws: Path, data_dir: Path, tmp_path: Path) -> None:
    async def body(rt: Runtime) -> list[RunRecord]:
        first, done = submit(rt, "flaky", {"marker": str(tmp_path / "marker")})
        assert (await done).status == "error"
        await until(lambda: len(rt.store.list_runs(workflow="flaky", status="success")) == 1)
        return sorted(rt.store.list_runs(workflow="flaky"), key=lambda r: r.attempt)

    first, second = with_runtime(ws, data_dir, body)
    assert (first.attempt, first.status) == (1, "error") and "on purpose" in first.error
    assert (second.attempt, second.status, second.parent_run_id) == (2, "success", first.id)
    assert second.input == first.input


def test_retries_stop_at_the_limit_and_wait_retry_delay(ws: Path, data_dir: Path) -> None:
    async def body(rt: Runtime) -> list[RunRecord]:
        submit(rt, "always_fails")
        await until(lambda: len(rt.store.list_runs(workflow="always_fails", status="error")) == 3)
        await asyncio.sleep(0.5)  # a fourth attempt would be queued by now
        return sorted(rt.store.list_runs(workflow="always_fails"), key=lambda r: r.attempt)

    runs = with_runtime(ws, data_dir, body)
    assert [r.attempt for r in runs] == [1, 2, 3]
    assert [r.parent_run_id for r in runs] == [None, runs[0].id, runs[1].id]
    for before, after in zip(runs, runs[1:]):
        assert after.started_at - before.finished_at >= timedelta(seconds=0.25)


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_after_a_crash_never_started_runs_run_and_running_ones_are_interrupted_then_retried(
        ws: Path, data_dir: Path, tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    marker.write_text("seen")  # so flaky's retry succeeds
    crashed = dead_pid()
    with open_store(None, data_dir) as store:  # what a killed process leaves behind
        never_started = QueuedRun(new_run_id(), "quick", "webhook", {"n": 1}, {"n": 1})
        was_running = QueuedRun(new_run_id(), "flaky", "manual", {}, {"marker": str(marker)})
        store.enqueue([never_started, was_running])
        store.db.execute_sql(store.sql("UPDATE run SET owner_pid = ?"), (crashed,))
        store.db.execute_sql(store.sql("UPDATE run SET status = 'running', started_at = queued_at WHERE id = ?"),
                             (was_running.run_id,))

    async def body(rt: Runtime) -> list[RunRecord]:
        await until(lambda: rt.store.get(never_started.run_id).status == "success"
                    and len(rt.store.list_runs(workflow="flaky", status="success")) == 1)
        return rt.store.list_runs(workflow="flaky")

    flaky = {r.id: r for r in with_runtime(ws, data_dir, body)}
    assert flaky[was_running.run_id].status == "interrupted"
    [retry] = [r for r in flaky.values() if r.id != was_running.run_id]
    assert (retry.attempt, retry.parent_run_id, retry.status) == (2, was_running.run_id, "success")


def test_an_idempotency_key_returns_the_first_run_for_24_hours(ws: Path, data_dir: Path) -> None:
    async def body(rt: Runtime) -> tuple[str, ...]:
        a, done = submit(rt, "quick", {"n": 1}, idempotency_key="delivery-1")
        b, again = submit(rt, "quick", {"n": 2}, idempotency_key="delivery-1")
        assert (await again).id == a and (await done).status == "success"
        other, _ = submit(rt, "slow", {"seconds": 0}, idempotency_key="delivery-1")  # keys are per workflow
        rt.store.db.execute_sql(rt.store.sql("UPDATE idempotency_key SET created_at = ?"),
                                (to_micros(utc_now() - timedelta(hours=25)),))
        late, _ = submit(rt, "quick", {"n": 3}, idempotency_key="delivery-1")
        return a, b, other, late

    a, b, other, late = with_runtime(ws, data_dir, body)
    assert a == b and len({a, other, late}) == 3
    assert rows(data_dir, "SELECT COUNT(*) FROM run WHERE workflow = 'quick'") == [(2,)]


def test_a_backlog_past_the_limit_or_a_full_disk_is_refused_and_leaves_no_record(ws: Path, data_dir: Path,
                                                                                 database: str | None) -> None:
    async def body(rt: Runtime) -> None:
        rt.runs.stop()  # keep everything queued
        submit(rt, "quick")
        submit(rt, "quick")
        with pytest.raises(QueueFull, match="limit 2"):
            submit(rt, "quick")
        rt.runs.max_backlog = 10
        rt.runs.min_free_disk = 1 << 62
        rt.runs._disk_checked = (0.0, True)
        if rt.store.path is None:  # PostgreSQL: the database fills its server's disk, not this machine's
            submit(rt, "quick")
            return
        with pytest.raises(QueueFull, match="MiB free"):
            submit(rt, "quick")

    with_runtime(ws, data_dir, body, max_backlog=2)
    assert rows(data_dir, "SELECT COUNT(*) FROM run") == [(2 if database is None else 3,)]


def test_a_webhook_flood_never_takes_the_reserved_worker(ws: Path, data_dir: Path) -> None:
    async def body(rt: Runtime) -> tuple[float, int, str]:
        flood = [submit(rt, "slow", {"seconds": 0.5}, trigger="webhook")[0] for _ in range(40)]
        await until(lambda: rt.store.get(flood[0]).status == "running")
        peaks: list[int] = []

        async def sample() -> None:
            while True:
                peaks.append(rt.store.count_runs(workflow="slow", status="running"))
                await asyncio.sleep(0.01)

        sampler = asyncio.get_running_loop().create_task(sample())
        manual, done = submit(rt, "quick", {"n": 1})
        record = await done
        await asyncio.sleep(1.2)  # more flood runs start and end meanwhile
        sampler.cancel()
        peak = max(peaks)
        # a scheduled fire during the flood is queued, never skipped
        rt.scheduler._launch(["quick"], "schedule", utc_now())
        await until(lambda: len(rt.store.list_runs(workflow="quick", trigger="schedule", status="success")) == 1)
        return (record.started_at - record.queued_at).total_seconds(), peak, record.status

    wait, peak, status = with_runtime(ws, data_dir, body, scheduler=True, max_workers=2, grace=0.2)
    assert status == "success" and wait < 1.0
    assert peak <= 1  # max_workers 2, one kept for interactive and scheduled runs
    assert rows(data_dir, "SELECT COUNT(*) FROM run WHERE status = 'skipped'") == [(0,)]


def test_a_burst_is_accepted_in_full_and_every_run_completes(ws: Path, data_dir: Path) -> None:
    async def body(rt: Runtime) -> list[str]:
        ids = [submit(rt, "hook", {"i": i}, trigger="webhook")[0] for i in range(1500)]
        await until(lambda: rt.runs.queue.total == 0 and rt.engine.running == 0, timeout=90)
        return ids

    ids = with_runtime(ws, data_dir, body, max_workers=3)
    assert len(set(ids)) == 1500
    assert rows(data_dir, "SELECT status, COUNT(*) FROM run GROUP BY status") == [("success", 1500)]


def test_a_queued_run_that_can_no_longer_start_ends_with_the_reason(ws: Path, data_dir: Path) -> None:
    import shutil

    events: list[tuple[str, str]] = []

    async def body(rt: Runtime) -> tuple[RunRecord, RunRecord]:
        rt.subscribe(lambda e: events.append((e.run_id, e.kind)))
        rt.runs.stop()
        gone, gone_done = submit(rt, "slow", {"seconds": 0})
        fine, fine_done = submit(rt, "quick", {"n": 4})
        shutil.rmtree(ws / "private/workflows/slow")  # deleted while its run waited
        rt.runs.start(recover=False)
        return await gone_done, await fine_done

    gone, fine = with_runtime(ws, data_dir, body)
    assert gone.status == "error" and "cannot start this queued run" in gone.error and "slow" in gone.error
    assert fine.status == "success" and fine.output["data"]["n"] == 4  # read back from the store, typed
    assert (gone.id, "queued") in events and (gone.id, "finished") in events


def test_a_tool_switched_off_is_seen_by_the_next_run_at_once(data_dir: Path, tmp_path: Path) -> None:
    ws = copy_workspace(FIXTURES / "listener_workspace", tmp_path / "lws")
    workflow = ws / "private/workflows/uses_date"
    workflow.mkdir()
    (workflow / "config.json").write_text('{"name": "Uses date", "tools_required": ["date"]}')
    (workflow / "main.py").write_text("def execute(data, tools):\n    return {'status': 'success'}\n")

    async def body(rt: Runtime) -> tuple[str, str]:
        first = await submit(rt, "uses_date")[1]
        rt.store.set_setting("disabled_tools", ["date"])  # what the Tools view's switch does
        second = await submit(rt, "uses_date")[1]  # within the disabled-tools cache's second
        return first.status, f"{second.status}: {second.message}"

    first, second = with_runtime(ws, data_dir, body)
    assert first == "success" and second == "skipped: tool 'date' is disabled"
