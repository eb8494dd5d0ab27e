"""Standby schedulers and the fire guard: only the leader fires, no instant twice, taking the lead catches up."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from flowdesk.core.runtime import Runtime
from flowdesk.core.scheduler import WorkflowScheduler
from flowdesk.core.scheduler.workflow_scheduler import group_key
from flowdesk.core.service_settings import RuntimeSettings
from flowdesk.core.store import JobState, RunStore
from flowdesk.core.workspace import Workspace
from tests.core.scheduler.test_workflow_scheduler import write_workflow

UTC = timezone.utc


def guarded(runtime: Runtime) -> Callable[[list[str], datetime], list[str]]:
    """The cluster's fire guard: the store's unique (workflow, due instant)."""
    return lambda slugs, due: [slug for slug in slugs if runtime.store.record_fire(slug, due)]


def with_two_serves(ws: Path, tmp: Path, store_location: str | Path,
                    body: Callable[[Runtime, Runtime], Awaitable[Any]]) -> Any:
    """Two runtimes on one store, each with a standby scheduler guarded by record_fire (as serve --broker)."""
    async def main() -> Any:
        runtimes = [Runtime(Workspace(ws), tmp / name, RuntimeSettings(max_workers=2, warm_workers=1),
                            database=RunStore(store_location)) for name in ("a", "b")]
        for runtime in runtimes:
            await runtime.start()
            runtime.scheduler = WorkflowScheduler(runtime, standby=True, fire_guard=guarded(runtime))
            runtime.scheduler.start()
        try:
            return await body(*runtimes)
        finally:
            for runtime in runtimes:
                await runtime.stop(grace=5)

    return asyncio.run(main())


async def runs_of(runtime: Runtime, slug: str, settle: float = 1.0) -> list:
    await asyncio.sleep(settle)
    return runtime.store.list_runs(workflow=slug)


def test_a_standby_fires_nothing_and_two_leaders_fire_one_instant_once(tmp_path: Path,
                                                                       store_location: str | Path) -> None:
    ws = tmp_path / "ws"
    write_workflow(ws, "tick", {"triggers": ["schedule"], "schedule": "* * * * *", "timezone": "UTC"})

    async def body(a: Runtime, b: Runtime) -> None:
        key = group_key(a.scheduler.schedule_of("tick"))
        await a.scheduler._fire(key)  # standby: nothing
        assert await runs_of(a, "tick", settle=0.2) == []
        a.scheduler.set_standby(False)
        b.scheduler.set_standby(False)  # both believe they lead (the moment a lock changes hands)
        await asyncio.gather(a.scheduler._fire(key), b.scheduler._fire(key))
        assert len(await runs_of(a, "tick")) == 1

    with_two_serves(ws, tmp_path, store_location, body)


def test_taking_the_lead_catches_up_a_run_missed_while_no_one_led(tmp_path: Path,
                                                                  store_location: str | Path) -> None:
    ws = tmp_path / "ws"
    write_workflow(ws, "daily", {"triggers": ["schedule"], "schedule": "0 3 * * *", "timezone": "UTC",
                                 "catchup": "once"})

    async def body(a: Runtime, b: Runtime) -> None:
        missed = datetime.now(UTC) - timedelta(hours=2)  # the last leader died before this instant fired
        a.store.save_job_states([JobState(workflow="daily", cron_expression="0 3 * * *", timezone="UTC",
                                          next_run=missed)])
        b.scheduler.set_standby(False)
        runs = await runs_of(b, "daily")
        assert [r.trigger for r in runs] == ["catchup"]
        a.scheduler.set_standby(False)  # a second taker finds the instant fired already
        assert len(await runs_of(a, "daily")) == 1

    with_two_serves(ws, tmp_path, store_location, body)
