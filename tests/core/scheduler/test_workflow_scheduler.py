"""The scheduler's rules: who gets a job, pre-run checks, max_instances, catch-up, pause, persistence."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from flowdesk.core.runtime import Runtime
from flowdesk.core.service_settings import RuntimeSettings
from flowdesk.core.workspace import Workspace

UTC = timezone.utc


def write_workflow(ws: Path, slug: str, config: dict[str, Any], body: str = "return {'status': 'success'}") -> None:
    folder = ws / "private" / "workflows" / slug
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps(config))
    (folder / "main.py").write_text(f"import time\n\n\ndef execute(data, tools):\n    {body}\n")


def run_with_runtime(ws: Path, data_dir: Path, body: Callable[[Runtime], Awaitable[Any]]) -> Any:
    async def main() -> Any:
        runtime = Runtime(Workspace(ws), data_dir, RuntimeSettings(max_workers=2, warm_workers=1))
        await runtime.start(with_scheduler=True)
        try:
            return await body(runtime)
        finally:
            await runtime.stop(grace=5)

    return asyncio.run(main())


async def wait_runs(runtime: Runtime, slug: str, count: int, timeout: float = 20) -> list:
    for _ in range(int(timeout / 0.05)):
        runs = runtime.store.list_runs(workflow=slug)
        if len([r for r in runs if r.status not in ("queued", "running")]) >= count:
            return runs
        await asyncio.sleep(0.05)
    raise AssertionError(f"{slug}: fewer than {count} finished runs: {runtime.store.list_runs(workflow=slug)}")


def fire_now(runtime: Runtime, slug: str) -> None:
    """Make APScheduler's own loop fire the job at once (instead of waiting for the next minute)."""
    runtime.scheduler._aps.modify_job(runtime.scheduler.job_id(slug), next_run_time=datetime.now(UTC))
    runtime.scheduler._aps.wakeup()


def test_only_active_scheduled_workflows_with_the_trigger_get_a_job(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    write_workflow(ws, "yes", {"triggers": ["schedule"], "schedule": "0 9 * * *", "timezone": "Europe/Paris"})
    write_workflow(ws, "no_trigger", {"triggers": ["manual"], "schedule": "0 9 * * *"})
    write_workflow(ws, "inactive", {"triggers": ["schedule"], "schedule": "0 9 * * *", "active": False})
    write_workflow(ws, "bad_cron", {"triggers": ["schedule"], "schedule": "0 25 * * *"})

    async def body(rt: Runtime) -> None:
        jobs = rt.scheduler.jobs()
        assert [j.workflow for j in jobs] == ["yes"]
        job = jobs[0].to_dict()
        assert job["cron_expression"] == "0 9 * * *" and job["timezone"] == "Europe/Paris"
        assert job["description"] == "At 09:00"
        assert datetime.fromisoformat(job["next_run"]).astimezone(rt.scheduler.schedule_of("yes").timezone).hour == 9
        assert "bad_cron" in rt.scheduler.errors and "schedule" in rt.scheduler.errors["bad_cron"]
        state = rt.store.get_job_state("yes")
        assert state.next_run == jobs[0].next_run  # persisted

    run_with_runtime(ws, tmp_path / "data", body)


def test_a_fire_runs_the_workflow_and_records_last_run(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    write_workflow(ws, "tick", {"triggers": ["schedule"], "schedule": "*/5 * * * *"})

    async def body(rt: Runtime) -> None:
        rt.scheduler.late_grace = timedelta(days=1)  # the forced fire is "on time"
        fire_now(rt, "tick")
        (run,) = await wait_runs(rt, "tick", 1)
        assert (run.trigger, run.status) == ("schedule", "success")
        await asyncio.sleep(0.1)
        state = rt.store.get_job_state("tick")
        assert state.last_run_id == run.id and state.last_status == "success"
        assert rt.scheduler.jobs()[0].next_run > datetime.now(UTC)

    run_with_runtime(ws, tmp_path / "data", body)


def test_overlapping_fire_is_a_skipped_run_not_a_silent_drop(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    write_workflow(ws, "long", {"triggers": ["schedule"], "schedule": "*/5 * * * *", "max_instances": 1},
                   "time.sleep(2)\n    return {'status': 'success'}")

    async def body(rt: Runtime) -> None:
        rt.scheduler.late_grace = timedelta(days=1)
        fire_now(rt, "long")
        await asyncio.sleep(0.5)
        fire_now(rt, "long")
        runs = await wait_runs(rt, "long", 2)
        by_status = {r.status: r for r in runs}
        assert set(by_status) == {"success", "skipped"}
        assert "max_instances 1" in by_status["skipped"].message

    run_with_runtime(ws, tmp_path / "data", body)


def test_pre_run_check_skips_when_a_tool_is_unavailable(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    write_workflow(ws, "needs", {"triggers": ["schedule"], "schedule": "*/5 * * * *", "tools_required": ["ghost"]})

    async def body(rt: Runtime) -> None:
        rt.scheduler.late_grace = timedelta(days=1)
        fire_now(rt, "needs")
        (run,) = await wait_runs(rt, "needs", 1)
        assert run.status == "skipped" and "ghost" in run.message

    run_with_runtime(ws, tmp_path / "data", body)


def test_deactivation_removes_the_job_and_reload_reschedules(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    write_workflow(ws, "a", {"triggers": ["schedule"], "schedule": "0 9 * * *"})

    async def body(rt: Runtime) -> None:
        assert rt.set_workflow_active("a", False) is False
        assert rt.scheduler.jobs() == [] and rt.store.get_job_state("a") is None
        rt.set_workflow_active("a", True)
        write_workflow(ws, "a", {"triggers": ["schedule"], "schedule": "30 7 * * 1"})
        write_workflow(ws, "b", {"triggers": ["schedule"], "schedule": "@hourly"})
        rt.reload()
        assert {j.workflow: j.cron_expression for j in rt.scheduler.jobs()} == {"a": "30 7 * * 1", "b": "0 * * * *"}

    run_with_runtime(ws, tmp_path / "data", body)


def _seed_missed_state(data_dir: Path, ws: Path, slug: str, cron: str) -> None:
    async def body(rt: Runtime) -> None:
        state = rt.store.get_job_state(slug)
        state.next_run = datetime.now(UTC) - timedelta(hours=5)  # due while FlowDesk was closed
        rt.store.save_job_state(state)

    run_with_runtime(ws, data_dir, body)


def test_catchup_once_runs_a_missed_schedule_at_start(tmp_path: Path) -> None:
    ws, data = tmp_path / "ws", tmp_path / "data"
    write_workflow(ws, "report", {"triggers": ["schedule"], "schedule": "0 9 * * *", "catchup": "once"})
    _seed_missed_state(data, ws, "report", "0 9 * * *")

    async def body(rt: Runtime) -> None:
        (run,) = await wait_runs(rt, "report", 1)
        assert (run.trigger, run.status) == ("catchup", "success")

    run_with_runtime(ws, data, body)


def test_catchup_skip_records_the_missed_run(tmp_path: Path) -> None:
    ws, data = tmp_path / "ws", tmp_path / "data"
    write_workflow(ws, "report", {"triggers": ["schedule"], "schedule": "0 9 * * *"})
    _seed_missed_state(data, ws, "report", "0 9 * * *")

    async def body(rt: Runtime) -> None:
        (run,) = await wait_runs(rt, "report", 1)
        assert run.status == "skipped" and "FlowDesk was not running" in run.message and "catchup: skip" in run.message

    run_with_runtime(ws, data, body)


def test_a_late_fire_after_sleep_follows_catchup(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    write_workflow(ws, "once", {"triggers": ["schedule"], "schedule": "0 0 1 1 *", "catchup": "once"})
    write_workflow(ws, "skip", {"triggers": ["schedule"], "schedule": "0 0 1 1 *"})

    async def body(rt: Runtime) -> None:
        # the last due time (1 January) is long past: firing now is what a wake-up looks like
        fire_now(rt, "once")
        fire_now(rt, "skip")
        (once,) = await wait_runs(rt, "once", 1)
        (skip,) = await wait_runs(rt, "skip", 1)
        assert once.trigger == "catchup" and once.status == "success"
        assert skip.status == "skipped" and "asleep" in skip.message

    run_with_runtime(ws, tmp_path / "data", body)


def test_pause_is_remembered_across_restarts(tmp_path: Path) -> None:
    ws, data = tmp_path / "ws", tmp_path / "data"
    write_workflow(ws, "a", {"triggers": ["schedule"], "schedule": "0 9 * * *"})

    async def pause(rt: Runtime) -> None:
        rt.scheduler.pause()

    async def check(rt: Runtime) -> None:
        assert rt.scheduler.paused
        assert rt.scheduler.jobs()[0].to_dict()["active"] is False
        rt.scheduler.resume()

    run_with_runtime(ws, data, pause)
    run_with_runtime(ws, data, check)
    run_with_runtime(ws, data, lambda rt: _assert_not_paused(rt))


async def _assert_not_paused(rt: Runtime) -> None:
    assert not rt.scheduler.paused


def test_clock_watch_notices_a_jump() -> None:
    from flowdesk.core.scheduler.clock_watch import ClockWatch

    wall = [1000.0]
    jumps: list[float] = []

    def fake_wall() -> float:
        wall[0] += 3600.0  # an hour of wall time passes for every tick: a suspend
        return wall[0]

    async def main() -> None:
        watch = ClockWatch(jumps.append, interval=0.01, tolerance=5, wall=fake_wall)
        watch.start()
        await asyncio.sleep(0.1)
        await watch.stop()

    asyncio.run(main())
    assert jumps and all(j > 3000 for j in jumps)



def test_retention_applies_at_start(tmp_path: Path) -> None:
    ws, data = tmp_path / "ws", tmp_path / "data"
    write_workflow(ws, "a", {"triggers": ["manual"]})

    async def fill(rt: Runtime) -> None:
        from flowdesk.core.store import new_run_id

        old = datetime.now(UTC) - timedelta(days=200)
        for _ in range(3):
            rid = new_run_id()
            rt.store.create(rid, "a", "manual", {}, queued_at=old)
            rt.store.finish(rid, "success", old + timedelta(seconds=1), started_at=old)
        rid = new_run_id()
        rt.store.create(rid, "a", "manual", {})
        rt.store.finish(rid, "success", datetime.now(UTC), started_at=datetime.now(UTC))

    run_with_runtime(ws, data, fill)

    async def check(rt: Runtime) -> None:
        assert rt.store.count_runs(workflow="a") == 1  # the 200-day-old runs went (default: 90 days)

    run_with_runtime(ws, data, check)


def test_workflows_on_the_same_schedule_share_one_job_and_fire_as_one_batch(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    for slug in ("a", "b", "c"):
        write_workflow(ws, slug, {"triggers": ["schedule"], "schedule": "*/5 * * * *", "timezone": "UTC"})
    write_workflow(ws, "other_zone", {"triggers": ["schedule"], "schedule": "*/5 * * * *", "timezone": "Asia/Tokyo"})

    async def body(rt: Runtime) -> None:
        sched = rt.scheduler
        assert sched.job_id("a") == sched.job_id("b") == sched.job_id("c") != sched.job_id("other_zone")
        assert len(sched._aps.get_jobs()) == 2
        sched.late_grace = timedelta(days=1)
        fire_now(rt, "a")
        runs = [(await wait_runs(rt, s, 1))[0] for s in ("a", "b", "c")]
        assert {r.status for r in runs} == {"success"}
        assert len({r.queued_at for r in runs}) == 1  # recorded together, at the fire instant
        assert rt.store.list_runs(workflow="other_zone") == []
        states = rt.store.get_job_states(["a", "b", "c"])
        assert {st.last_run_id for st in states.values()} == {r.id for r in runs}
        await asyncio.sleep(0.2)
        assert {rt.store.get_job_state(s).last_status for s in ("a", "b", "c")} == {"success"}
        # leaving the group keeps the others scheduled
        write_workflow(ws, "b", {"triggers": ["schedule"], "schedule": "0 9 * * *", "timezone": "UTC"})
        rt.reload()
        assert sched.job_id("a") != sched.job_id("b") and len(sched._aps.get_jobs()) == 3

    run_with_runtime(ws, tmp_path / "data", body)
