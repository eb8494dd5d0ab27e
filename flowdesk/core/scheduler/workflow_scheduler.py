"""The scheduler: one APScheduler job per active scheduled workflow, with the seed's pre-run checks."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from flowdesk.core.cron import CronError, CronSchedule, describe_cron
from flowdesk.core.errors import FlowDeskError
from flowdesk.core.run_service import RunRequest
from flowdesk.core.scheduler.clock_watch import ClockWatch
from flowdesk.core.scheduler.cron_trigger import CroniterTrigger
from flowdesk.core.store import JobState, new_run_id
from flowdesk.core.store.records import iso

if TYPE_CHECKING:
    from flowdesk.core.runtime import Runtime

log = logging.getLogger(__name__)
PAUSED_SETTING = "scheduler_paused"


def utc_now() -> datetime:
    """Now, aware, UTC."""
    return datetime.now(timezone.utc)


@dataclass
class ScheduledJob:
    """One scheduled workflow as the API and the UI show it."""

    workflow: str
    display_name: str
    cron_expression: str
    timezone: str
    description: str
    next_run: datetime | None
    last_run: datetime | None
    last_status: str | None
    workflow_active: bool
    paused: bool

    def to_dict(self) -> dict[str, Any]:
        """The seed's job shape plus timezone, description and last_status."""
        return {
            "id": self.workflow, "workflow_name": self.workflow, "workflow_display_name": self.display_name,
            "cron_expression": self.cron_expression, "timezone": self.timezone, "description": self.description,
            "active": not self.paused, "next_run": iso(self.next_run), "last_run": iso(self.last_run),
            "last_status": self.last_status, "workflow_active": self.workflow_active,
        }


class WorkflowScheduler:
    """Keeps APScheduler's jobs in step with the registry and fires runs through the run service."""

    def __init__(self, runtime: Runtime, *, late_grace: float = 60.0, clock_interval: float = 10.0) -> None:
        self.runtime = runtime
        self.late_grace = timedelta(seconds=late_grace)
        self._aps = AsyncIOScheduler(timezone=timezone.utc, job_defaults={
            # We decide about late runs ourselves (catchup), and never let APScheduler drop one silently.
            "coalesce": True, "misfire_grace_time": None, "max_instances": 10_000})
        self._schedules: dict[str, CronSchedule] = {}
        self.errors: dict[str, str] = {}
        self.paused = bool(runtime.store.get_setting(PAUSED_SETTING, False))
        self.running = False
        self._clock = ClockWatch(self._on_clock_jump, interval=clock_interval)

    # -- life cycle ---------------------------------------------------------------

    def start(self) -> None:
        """Start on the running loop, schedule every workflow and catch up on runs missed while closed."""
        self._aps.start(paused=self.paused)
        self.running = True
        self.sync(startup=True)
        self._clock.start()

    async def stop(self) -> None:
        """Stop firing (running runs are the engine's business)."""
        await self._clock.stop()
        if self.running:
            self._aps.shutdown(wait=False)
        self.running = False

    def pause(self) -> None:
        """No scheduled run fires until ``resume`` (remembered across restarts)."""
        self._aps.pause()
        self.paused = True
        self.runtime.store.set_setting(PAUSED_SETTING, True)

    def resume(self) -> None:
        """Fire again; runs missed while paused follow each workflow's ``catchup``."""
        self._aps.resume()
        self.paused = False
        self.runtime.store.set_setting(PAUSED_SETTING, False)

    def _on_clock_jump(self, _seconds: float) -> None:
        self._aps.wakeup()

    # -- keeping jobs in step -----------------------------------------------------------

    def wanted(self) -> dict[str, CronSchedule]:
        """Workflows that should have a job: active, with a valid schedule and ``schedule`` in triggers."""
        self.errors = {}
        out: dict[str, CronSchedule] = {}
        for slug, entry in self.runtime.registry.workflows.items():
            config = entry.config
            if entry.broken or config is None or not config.is_scheduled or not config.active:
                continue
            try:
                out[slug] = CronSchedule.parse(config.schedule, config.timezone)
            except CronError as exc:
                self.errors[slug] = f"{entry.config_path}: schedule: {exc}"
                log.warning("%s", self.errors[slug])
        return out

    def sync(self, *, startup: bool = False) -> None:
        """Add, replace and remove jobs so they match the registry; unchanged jobs are left alone."""
        wanted = self.wanted()
        store = self.runtime.store
        for slug in [s for s in self._schedules if s not in wanted]:
            self._aps.remove_job(slug)
            del self._schedules[slug]
            store.delete_job_state(slug)
        for slug, schedule in wanted.items():
            if self._schedules.get(slug) == schedule:
                continue
            state = store.get_job_state(slug)
            job = self._aps.add_job(self._fire, trigger=CroniterTrigger(schedule), args=[slug], id=slug,
                                    name=slug, replace_existing=True)
            self._schedules[slug] = schedule
            missed = None
            if (startup and state is not None and state.next_run is not None
                    and state.cron_expression == schedule.expression and state.next_run < utc_now() - self.late_grace):
                missed = state.next_run
            store.save_job_state(JobState(
                workflow=slug, cron_expression=schedule.expression, timezone=str(schedule.timezone),
                next_run=job.next_run_time, last_run=state.last_run if state else None,
                last_run_id=state.last_run_id if state else None, last_status=state.last_status if state else None))
            if missed is not None:
                self._missed(slug, missed, "FlowDesk was not running")

    def jobs(self) -> list[ScheduledJob]:
        """Every scheduled workflow with next and last run."""
        out = []
        for slug, schedule in sorted(self._schedules.items()):
            entry = self.runtime.registry.workflows.get(slug)
            job = self._aps.get_job(slug)
            state = self.runtime.store.get_job_state(slug)
            out.append(ScheduledJob(
                workflow=slug, display_name=entry.display_name if entry else slug,
                cron_expression=schedule.expression, timezone=str(schedule.timezone),
                description=describe_cron(schedule.expression), next_run=job.next_run_time if job else None,
                last_run=state.last_run if state else None, last_status=state.last_status if state else None,
                workflow_active=bool(entry and entry.config and entry.config.active), paused=self.paused))
        return out

    def schedule_of(self, slug: str) -> CronSchedule | None:
        """The schedule in force for a workflow, if it has a job."""
        return self._schedules.get(slug)

    # -- firing -------------------------------------------------------------------------

    def _record_skip(self, slug: str, trigger: str, reason: str) -> None:
        record = self.runtime.store.record_skipped(new_run_id(), slug, trigger, {}, reason)
        self._remember(slug, record.id, "skipped")
        log.info("%s: scheduled run skipped: %s", slug, reason)

    def _remember(self, slug: str, run_id: str, status: str) -> None:
        state = self.runtime.store.get_job_state(slug) or JobState(workflow=slug)
        job = self._aps.get_job(slug)
        state.last_run, state.last_run_id, state.last_status = utc_now(), run_id, status
        state.next_run = job.next_run_time if job else None
        self.runtime.store.save_job_state(state)

    def _missed(self, slug: str, due: datetime, why: str) -> None:
        entry = self.runtime.registry.workflows.get(slug)
        policy = entry.config.catchup if entry and entry.config else "skip"
        when = due.astimezone(self._schedules[slug].timezone).strftime("%Y-%m-%d %H:%M %Z")
        if policy == "once":
            log.info("%s: catching up the run due at %s (%s)", slug, when, why)
            self._launch(slug, "catchup")
        else:
            self._record_skip(slug, "schedule", f"missed the run due at {when}: {why} (catchup: skip)")

    async def _fire(self, slug: str) -> None:
        schedule = self._schedules.get(slug)
        if schedule is None:
            return
        now = utc_now()
        due = schedule.previous_fire(now)
        if due is not None and now - due > self.late_grace:
            self._missed(slug, due, "the machine was asleep, the clock changed or the scheduler was paused")
            return
        self._launch(slug, "schedule")

    def _launch(self, slug: str, trigger: str) -> None:
        """Re-check the workflow and its tools, respect max_instances, then submit."""
        runs = self.runtime.runs
        entry = self.runtime.registry.workflows.get(slug)
        limit = entry.config.max_instances if entry and entry.config else 1
        if runs.in_flight.get(slug, 0) >= limit:
            self._record_skip(slug, trigger, f"the previous run is still going (max_instances {limit})")
            return
        try:
            prepared = runs.prepare(RunRequest(slug, {}, trigger=trigger, enforce_triggers=True))
            run_id, done = runs.submit(prepared)
        except FlowDeskError as exc:
            self._record_skip(slug, trigger, str(exc))
            return
        self._remember(slug, run_id, "queued")
        done.add_done_callback(lambda f: self._finished(slug, f))

    def _finished(self, slug: str, future: Any) -> None:
        if future.cancelled() or future.exception() is not None:
            return
        record = future.result()
        state = self.runtime.store.get_job_state(slug)
        if state is not None and state.last_run_id == record.id:
            state.last_status = record.status
            self.runtime.store.save_job_state(state)
