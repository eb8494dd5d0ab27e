"""The dispatcher: hands queued runs to the engine as workers free up, fairly, and records how each ends."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from flowdesk.core.engine import RunEvent, RunOutcome, RunSpec
from flowdesk.core.errors import FlowDeskError, QueueFull, StoreUnavailable
from flowdesk.core.outcome_retry import OutcomeRetry
from flowdesk.core.run_queue import FairRunQueue, Lane, QueueItem
from flowdesk.core.store import new_run_id
from flowdesk.core.store.records import utc_now
from flowdesk.core.store.run_queue_tables import RetryPlan
from flowdesk.core.run_messages import CANNOT_START_QUEUED, ENGINE_ERROR, INPUT_NOT_KEPT

if TYPE_CHECKING:
    from flowdesk.core.run_service import PreparedRun, RunService

log = logging.getLogger(__name__)
RETRIED_STATUSES = ("error", "timeout", "interrupted")
STORE_WAIT = 1.0  # seconds before dispatching again when the database (PostgreSQL) did not answer


class RunDispatcher:
    """Starts queued runs while the engine has room: workflows in turn, webhooks never on the last worker.

    ``reserve`` workers are kept for interactive and scheduled runs, so a flood of webhook
    deliveries can fill every worker but those: a click or a schedule starts at once.
    """

    def __init__(self, service: RunService, queue: FairRunQueue, max_workers: int, reserve: int = 1) -> None:
        self.service = service
        self.queue = queue
        self.max_workers = max(1, max_workers)
        self.webhook_slots = max(1, self.max_workers - max(0, reserve))
        self.running = 0
        self.webhook_running = 0
        self.accepting = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pumping = False
        self._again = False
        self._timer: asyncio.TimerHandle | None = None
        self.outcomes = OutcomeRetry(service)  # ends recorded now, or once the database is back
        self._store_down = False

    def start(self) -> None:
        """Bind to the running loop and start what is queued."""
        self._loop = asyncio.get_running_loop()
        self.accepting = True
        self.wake()

    def stop(self) -> None:
        """Start no more runs; queued ones stay in the store for the next start."""
        self.accepting = False
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self.outcomes.stop()

    def wake(self) -> None:
        """Start what can start now; a wake during a pump (a run ended at once) makes it go round again."""
        if self._loop is None:
            return
        if self._pumping:
            self._again = True
            return
        self._pumping = True
        try:
            self._again = True
            while self._again:
                self._again = False
                self._pump()
            self._store_down = False
        except StoreUnavailable as exc:  # reading queued runs back failed: they wait in the store meanwhile
            if not self._store_down:  # once per outage, not once a second
                log.warning("cannot start queued runs while the run database is down (%s); trying again every %g s",
                            exc, STORE_WAIT)
            self._store_down = True
            if self._loop is not None and self.accepting:
                self._loop.call_later(STORE_WAIT, self.wake)
        finally:
            self._pumping = False

    def _can_start(self, lane: Lane, item: QueueItem) -> bool:
        if lane.running >= self.service.max_instances(item.workflow):
            return False
        return not item.low_priority or self.webhook_running < self.webhook_slots

    def _pump(self) -> None:
        while self.accepting and self.running < self.max_workers:
            item = self.queue.take(self._can_start)
            if item is None:
                break
            self._launch(item)
        self._arm_timer()

    def _arm_timer(self) -> None:
        due = self.queue.next_delay()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if due is not None and self._loop is not None and self.accepting:
            delay = max(0.0, (due - utc_now()).total_seconds())
            self._timer = self._loop.call_later(delay + 0.001, self.wake)

    def _launch(self, item: QueueItem) -> None:
        try:
            spec_or_end = self._spec(item)
        except StoreUnavailable:  # its input could not be read: it stays queued and is tried again shortly
            item.not_before = utc_now() + timedelta(seconds=STORE_WAIT)
            self.queue.add(item)
            raise
        if not isinstance(spec_or_end, RunSpec):
            status, reason = spec_or_end
            outcome = RunOutcome.without_run(item.run_id, status, reason)  # type: ignore[arg-type]
            self.outcomes.settle(item, outcome, None)
            self.service.announce(RunEvent(item.run_id, "finished", outcome))  # the engine never saw it
            return
        try:
            future = self.service.engine.submit(spec_or_end)
        except QueueFull:  # the engine is stopping: the run stays queued in the store for the next start
            return
        self.queue.started(item.workflow)
        self.running += 1
        if item.low_priority:
            self.webhook_running += 1
        future.add_done_callback(lambda f: self._ended(item, f))

    def _spec(self, item: QueueItem) -> RunSpec | tuple[str, str]:
        """The engine's RunSpec, or (final status, reason) when the run can no longer start."""
        prepared: PreparedRun | None = item.prepared
        item.prepared = None  # the engine has what it needs; do not keep the input in memory twice
        if prepared is None:
            try:
                prepared = self.service.prepare_queued(item)
            except StoreUnavailable:
                raise  # not this run's fault: it starts once the database answers
            except FlowDeskError as exc:
                return "error", CANNOT_START_QUEUED(reason=str(exc))
            if prepared is None:
                return "interrupted", INPUT_NOT_KEPT()
        if prepared.skip_reason:
            return "skipped", prepared.skip_reason
        entry = prepared.entry
        return RunSpec(run_id=item.run_id, workflow=entry.slug, workflow_dir=entry.path, data=prepared.data,
                       tools=prepared.tools, timeout=entry.config.timeout, secrets=prepared.secrets,
                       max_instances=entry.config.max_instances)

    def _ended(self, item: QueueItem, future: asyncio.Future[RunOutcome]) -> None:
        self.running -= 1
        if item.low_priority:
            self.webhook_running -= 1
        self.queue.ended(item.workflow)
        try:
            outcome = future.result()
        except Exception as exc:  # noqa: BLE001 - an engine bug fails this run, never the dispatcher
            log.exception("run %s ended without an outcome", item.run_id)
            outcome = RunOutcome.without_run(item.run_id, "error", ENGINE_ERROR(reason=str(exc)))
        try:
            self.outcomes.settle(item, outcome, self.retry_plan(item, outcome.status))
        finally:
            self.wake()

    def retry_plan(self, item: QueueItem, status: str) -> RetryPlan | None:
        """The next attempt per the workflow's ``retries`` / ``retry_delay``, or None."""
        if status not in RETRIED_STATUSES:
            return None
        retries, delay = self.service.retry_policy(item.workflow)
        if item.attempt > retries:
            return None
        return RetryPlan(new_run_id(), utc_now() + timedelta(seconds=delay) if delay > 0 else None)

