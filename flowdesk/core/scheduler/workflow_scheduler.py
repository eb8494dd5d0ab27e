"""The scheduler: one APScheduler job per active scheduled workflow, with the seed's pre-run checks."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from flowdesk.core.cron import CronError, CronSchedule, describe_cron
from flowdesk.core.translatable import translatable
from flowdesk.core.errors import FlowDeskError, QueueFull
from flowdesk.core.run_service import PreparedRun, RunRequest
from flowdesk.core.scheduler.clock_watch import ClockWatch
from flowdesk.core.scheduler.cron_trigger import CroniterTrigger
from flowdesk.core.scheduler.scheduled_job import ScheduledJob
from flowdesk.core.store import JobState, new_run_id

if TYPE_CHECKING:
    from flowdesk.core.runtime import Runtime

log = logging.getLogger(__name__)
PAUSED_SETTING = "scheduler_paused"


def utc_now() -> datetime:
    """Now, aware, UTC."""
    return datetime.now(timezone.utc)


def group_key(schedule: CronSchedule) -> str:
    """One APScheduler job per distinct (expression, zone): workflows due together fire as one batch."""
    return f"{schedule.expression}|{schedule.timezone}"


class WorkflowScheduler:
    """Keeps APScheduler's jobs in step with the registry and fires runs through the run service.

    Workflows sharing a schedule share one APScheduler job, so 1,000 workflows on ``* * * * *``
    cost one fire-time computation and two transactions, not 1,000 of each.

    Scale-out mode: every ``serve`` keeps the jobs (to list them) but only the leader fires. A
    ``standby`` scheduler neither fires nor writes job state; ``set_standby(False)`` (taking the lead)
    catches up what came due meanwhile. ``fire_guard(slugs, due)`` returns the workflows this process
    may fire for that instant (the cluster's unique key on workflow + instant: no instant fires twice).
    """

    def __init__(self, runtime: Runtime, *, late_grace: float = 60.0, clock_interval: float = 10.0,
                 standby: bool = False, fire_guard: Callable[[list[str], datetime], list[str]] | None = None,
                 in_flight: Callable[[str], int] | None = None) -> None:
        self.runtime = runtime
        self.standby = standby
        self._fire_guard = fire_guard
        self._in_flight = in_flight or runtime.runs.in_flight_count
        self.late_grace = timedelta(seconds=late_grace)
        self._aps = AsyncIOScheduler(timezone=timezone.utc, job_defaults={
            # We decide about late runs ourselves (catchup), and never let APScheduler drop one silently.
            "coalesce": True, "misfire_grace_time": None, "max_instances": 10_000})
        self._schedules: dict[str, CronSchedule] = {}
        self._groups: dict[str, set[str]] = {}
        self.errors: dict[str, str] = {}
        self.paused = bool(runtime.store.get_setting(PAUSED_SETTING, False))
        self.running = False
        self._clock = ClockWatch(self._on_clock_jump, interval=clock_interval)

    # -- life cycle ---------------------------------------------------------------

    def start(self) -> None:
        """Start on the running loop, schedule every workflow and catch up on runs missed while closed."""
        self._aps.start(paused=self.paused or self.standby)
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
        if not self.standby:
            self._aps.resume()
        self.paused = False
        self.runtime.store.set_setting(PAUSED_SETTING, False)

    def set_standby(self, standby: bool) -> None:
        """Scale-out leadership: a standby fires nothing; the new leader first catches up what came due."""
        if standby == self.standby:
            return
        self.standby = standby
        if standby:
            self._aps.pause()
            return
        self._save_changed(list(self._schedules), startup=True)  # runs missed while no one led
        if not self.paused:
            self._aps.resume()  # jobs that came due while standing by fire now (the guard drops done ones)

    def _guard(self, slugs: list[str], due: datetime | None) -> list[str]:
        """The slugs this process may fire for ``due`` (all of them outside scale-out mode)."""
        if self.standby:
            return []
        if self._fire_guard is None or due is None:
            return slugs
        return self._fire_guard(slugs, due)

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
                self.errors[slug] = translatable("Scheduler", "{path}: schedule: {reason}", path=str(entry.config_path),
                                                 reason=exc.args[0] if len(exc.args) == 1 else str(exc))
                log.warning("%s", self.errors[slug])
        return out

    def sync(self, *, startup: bool = False) -> None:
        """Add, replace and remove jobs so they match the registry; unchanged workflows are left alone."""
        wanted = self.wanted()
        store = self.runtime.store
        for slug in [s for s in self._schedules if s not in wanted]:
            del self._schedules[slug]
            store.delete_job_state(slug)
        changed = [slug for slug, schedule in wanted.items() if self._schedules.get(slug) != schedule]
        self._schedules.update({slug: wanted[slug] for slug in changed})
        groups: dict[str, set[str]] = defaultdict(set)
        for slug, schedule in self._schedules.items():
            groups[group_key(schedule)].add(slug)
        for key in set(self._groups) - set(groups):
            self._aps.remove_job(key)
        for key in set(groups) - set(self._groups):
            schedule = self._schedules[next(iter(groups[key]))]
            self._aps.add_job(self._fire, trigger=CroniterTrigger(schedule), args=[key], id=key, name=key,
                              replace_existing=True)
        self._groups = dict(groups)
        self._save_changed(changed, startup)

    def _save_changed(self, changed: list[str], startup: bool) -> None:
        if self.standby:  # the leader keeps job state; a standby only lists its own next runs
            return
        store = self.runtime.store
        old = store.get_job_states(changed)
        states, missed = [], []
        now = utc_now()
        for slug in changed:
            schedule, state = self._schedules[slug], old.get(slug)
            if (startup and state is not None and state.next_run is not None
                    and state.cron_expression == schedule.expression and state.next_run < now - self.late_grace):
                missed.append((slug, state.next_run))
            states.append(JobState(
                workflow=slug, cron_expression=schedule.expression, timezone=str(schedule.timezone),
                next_run=self.next_run(slug), last_run=state.last_run if state else None,
                last_run_id=state.last_run_id if state else None, last_status=state.last_status if state else None))
        store.save_job_states(states)
        if missed:
            self._missed([slug for slug, _ in missed], min(due for _, due in missed), "FlowDesk was not running")

    def job_id(self, slug: str) -> str | None:
        """The APScheduler job that fires this workflow (shared with workflows on the same schedule)."""
        schedule = self._schedules.get(slug)
        return group_key(schedule) if schedule else None

    def next_run(self, slug: str) -> datetime | None:
        """When the workflow fires next (what APScheduler will really do)."""
        key = self.job_id(slug)
        job = self._aps.get_job(key) if key else None
        return job.next_run_time if job else None

    @property
    def job_count(self) -> int:
        """How many workflows are scheduled (from memory: for /health and status bars)."""
        return len(self._schedules)

    def jobs(self) -> list[ScheduledJob]:
        """Every scheduled workflow with next and last run."""
        states = {st.workflow: st for st in self.runtime.store.all_job_states()}
        out = []
        for slug, schedule in sorted(self._schedules.items()):
            entry = self.runtime.registry.workflows.get(slug)
            state = states.get(slug)
            out.append(ScheduledJob(
                workflow=slug, display_name=entry.display_name if entry else slug,
                cron_expression=schedule.expression, timezone=str(schedule.timezone),
                description=describe_cron(schedule.expression), next_run=self.next_run(slug),
                last_run=state.last_run if state else None, last_status=state.last_status if state else None,
                workflow_active=bool(entry and entry.config and entry.config.active), paused=self.paused))
        return out

    def schedule_of(self, slug: str) -> CronSchedule | None:
        """The schedule in force for a workflow, if it has a job."""
        return self._schedules.get(slug)

    # -- firing -------------------------------------------------------------------------

    async def _fire(self, key: str) -> None:
        fired_at = utc_now()
        slugs = sorted(self._groups.get(key, ()))
        if not slugs:
            return
        due = self._schedules[slugs[0]].previous_fire(fired_at)
        if due is not None and fired_at - due > self.late_grace:
            self._missed(slugs, due, "the machine was asleep, the clock changed or the scheduler was paused")
            return
        slugs = self._guard(slugs, due)
        if slugs:
            self._launch(slugs, "schedule", fired_at)

    def _missed(self, slugs: list[str], due: datetime, why: str) -> None:
        """Catch-up ``once`` workflows run now (one batch); ``skip`` ones get a skipped run saying so."""
        slugs = self._guard(slugs, due)
        once, skip = [], []
        for slug in slugs:
            entry = self.runtime.registry.workflows.get(slug)
            (once if entry and entry.config and entry.config.catchup == "once" else skip).append(slug)
        if once:
            log.info("catching up %d workflow(s) due at %s (%s)", len(once), due.isoformat(), why)
            self._launch(once, "catchup", utc_now())
        for slug in skip:
            when = due.astimezone(self._schedules[slug].timezone).strftime("%Y-%m-%d %H:%M %Z")
            self._record_skip(slug, "schedule", f"missed the run due at {when}: {why} (catchup: skip)")

    def _record_skip(self, slug: str, trigger: str, reason: str) -> None:
        record = self.runtime.store.record_skipped(new_run_id(), slug, trigger, {}, reason)
        self._remember({slug: (record.id, "skipped")}, utc_now())
        log.info("%s: scheduled run skipped: %s", slug, reason)

    def _launch(self, slugs: list[str], trigger: str, fired_at: datetime) -> None:
        """Re-check each workflow and its tools, respect max_instances, then record and queue them together."""
        runs = self.runtime.runs
        batch: list[PreparedRun] = []
        for slug in slugs:
            entry = self.runtime.registry.workflows.get(slug)
            limit = entry.config.max_instances if entry and entry.config else 1
            if self._in_flight(slug) >= limit:
                self._record_skip(slug, trigger, f"the previous run is still going (max_instances {limit})")
                continue
            try:
                batch.append(runs.prepare(RunRequest(slug, {}, trigger=trigger, enforce_triggers=True)))
            except FlowDeskError as exc:
                self._record_skip(slug, trigger, str(exc))
        launched: dict[str, tuple[str, str]] = {}
        try:
            submitted = runs.submit_batch(batch, queued_at=fired_at)
        except QueueFull as exc:  # the backlog limit or a full disk: say so on each workflow
            for prepared in batch:
                self._record_skip(prepared.entry.slug, trigger, str(exc))
            return
        for prepared, (run_id, done) in zip(batch, submitted):
            slug = prepared.entry.slug
            launched[slug] = (run_id, "skipped" if done.done() else "queued")
            done.add_done_callback(lambda f, s=slug, r=run_id: self._finished(s, r, f))
        self._remember(launched, fired_at)

    def _remember(self, runs: dict[str, tuple[str, str]], fired_at: datetime) -> None:
        """last_run / last_run_id / next_run of the workflows just fired, in one transaction."""
        if not runs:
            return
        old = self.runtime.store.get_job_states(list(runs))
        states = []
        for slug, (run_id, status) in runs.items():
            state = old.get(slug) or JobState(workflow=slug)
            state.last_run, state.last_run_id, state.last_status = fired_at, run_id, status
            state.next_run = self.next_run(slug)
            states.append(state)
        self.runtime.store.save_job_states(states)

    def _finished(self, slug: str, run_id: str, future: Any) -> None:
        if future.cancelled() or future.exception() is not None:
            return
        self.runtime.store.set_job_last_status(slug, run_id, future.result().status)
