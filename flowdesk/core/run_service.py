"""Accept runs into the store (the queue), wake the dispatcher, and tell waiters how each run ended.

A run is accepted once its ``queued`` row and its input are committed; only then do the
front ends answer (202 for a webhook). The dispatcher starts queued runs as workers free
up; after a crash or a restart the next start picks them up again from the store.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from flowdesk.core.engine import RunEvent, RunOutcome
from flowdesk.core.errors import QueueFull
from flowdesk.core.profiles import ProfileResolver
from flowdesk.core.registry import Registry
from flowdesk.core.run_dispatcher import RunDispatcher
from flowdesk.core.run_preparation import PreparedRun, RunPreparer, RunRequest, input_fields, tool_profiles
from flowdesk.core.run_queue import FairRunQueue, QueueItem
from flowdesk.core.store import RunRecord, RunStore, new_run_id
from flowdesk.core.store.models import to_micros
from flowdesk.core.store.records import StoredOutputRecord, utc_now
from flowdesk.core.store.run_queue_tables import QueuedRun, RetryPlan

__all__ = ["PreparedRun", "RunRequest", "RunService", "input_fields", "tool_profiles"]

log = logging.getLogger(__name__)
DEFAULT_MAX_BACKLOG = 100_000
DEFAULT_MIN_FREE_DISK = 64 * 1024 * 1024
# How each trigger is allowed by the workflow's ``triggers`` list (kept here for importers).
TRIGGER_REQUIRES = {"api": "manual", "manual": "manual", "webhook": "webhook", "schedule": "schedule",
                    "catchup": "schedule"}


class Dispatcher(Protocol):
    """Starts the queued runs of a RunService: locally (RunDispatcher) or on cluster workers."""

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def wake(self) -> None: ...


class RunService(RunPreparer):
    """Checks requests, commits them as queued runs, and records their outcomes (engine loop only)."""

    def __init__(self, registry: Registry, store: RunStore, engine: Any, resolver: ProfileResolver, *,
                 disabled_tools: Callable[[], set[str]] = set,
                 tool_blocker: Callable[[str, str], str | None] | None = None,
                 max_workers: int | None = None, reserve: int = 1, max_backlog: int = DEFAULT_MAX_BACKLOG,
                 min_free_disk: int = DEFAULT_MIN_FREE_DISK,
                 on_event: Callable[[RunEvent], None] | None = None,
                 dispatcher: Callable[[RunService], Dispatcher] | None = None) -> None:
        super().__init__(registry, resolver, disabled_tools=disabled_tools, tool_blocker=tool_blocker)
        self.store = store
        self.engine = engine
        self.max_backlog = max_backlog
        self.min_free_disk = min_free_disk
        self.queue = FairRunQueue(store.queued_after)
        workers = max_workers if max_workers is not None else getattr(engine, "max_workers", 4)
        # ``dispatcher`` (scale-out mode) publishes queued runs to cluster workers instead of the local engine.
        self.dispatcher: Dispatcher = (dispatcher(self) if dispatcher is not None
                                       else RunDispatcher(self, self.queue, workers, reserve))
        self._on_event = on_event
        self._waiters: dict[str, list[asyncio.Future[RunRecord]]] = {}
        self._disk_checked = (0.0, True)  # (monotonic time, enough space)
        self.started = False

    # -- life cycle ---------------------------------------------------------------------------
    def start(self, *, recover: bool = True) -> None:
        """Start dispatching on the running loop; ``recover`` first takes over runs a dead process left."""
        if recover:
            self.recover()
        self.queue.clear()
        self.queue.load_counts(self.store.queued_counts())
        self.started = True
        self.dispatcher.start()

    def stop(self) -> None:
        """Start nothing more; queued runs stay in the store for the next start."""
        self.started = False
        self.dispatcher.stop()

    def recover(self) -> None:
        """Adopt the queued runs of dead processes; their running runs end interrupted (and may retry)."""
        found = self.store.recover_orphans("FlowDesk stopped while this run was running")
        for run_id, workflow, attempt in found.interrupted:
            retries, delay = self.retry_policy(workflow)
            if attempt <= retries:
                plan = RetryPlan(new_run_id(), None)
                with self.store.db.atomic("IMMEDIATE"):
                    self.store.insert_retry(run_id, plan)
                    self.store.drop_payload(run_id)
            else:
                self.store.drop_payload(run_id)
        if found.adopted or found.interrupted:
            log.warning("recovered after a stop: %d queued run(s) will run, %d running run(s) were interrupted",
                        found.adopted, len(found.interrupted))

    # -- accepting ----------------------------------------------------------------------------
    def submit(self, prepared: PreparedRun) -> tuple[str, asyncio.Future[RunRecord]]:
        """Commit one run as queued; returns its id and a future of its final record. Raises QueueFull."""
        return self.submit_batch([prepared])[0]

    def submit_delivery(self, prepared: PreparedRun) -> tuple[str, bool]:
        """Commit one run without a waiter (webhooks); returns its id and whether its idempotency
        key had already been accepted (then the id is the first run's and nothing was queued)."""
        [(run_id, state)] = self._accept([prepared], None)
        return run_id, state == "replayed"

    def submit_batch(self, batch: list[PreparedRun], queued_at: datetime | None = None,
                     ) -> list[tuple[str, asyncio.Future[RunRecord]]]:
        """Commit several runs in one transaction (the scheduler fires jobs due together); QueueFull refuses all."""
        out = []
        for run_id, state in self._accept(batch, queued_at):
            if state == "queued":  # known to be queued: no need to read it back
                future: asyncio.Future[RunRecord] = asyncio.get_running_loop().create_future()
                self._waiters.setdefault(run_id, []).append(future)
            else:
                future = self.wait_for(run_id)
            out.append((run_id, future))
        return out

    def accept(self, batch: list[PreparedRun], queued_at: datetime | None = None) -> list[str]:
        """Commit runs as queued (or skipped) and return their ids; nothing is kept in memory for waiters.

        A run with an idempotency key seen within 24 h gets the id of the first run instead.
        Raises QueueFull (nothing recorded) past the backlog limit or when the disk is nearly full.
        """
        return [run_id for run_id, _ in self._accept(batch, queued_at)]

    def _accept(self, batch: list[PreparedRun], queued_at: datetime | None) -> list[tuple[str, str]]:
        """(run id, "queued" | "skipped" | "replayed") per run of the batch, in order."""
        self._check_room(len(batch))
        when = queued_at or utc_now()
        ids: list[tuple[str, str] | None] = []
        queued: list[tuple[int, QueuedRun, PreparedRun]] = []
        for prepared in batch:
            req, entry = prepared.request, prepared.entry
            run_id = new_run_id()
            if prepared.skip_reason:
                self.store.record_skipped(run_id, entry.slug, req.trigger, prepared.recorded_input, prepared.skip_reason)
                ids.append((run_id, "skipped"))
                continue
            queued.append((len(ids), QueuedRun(
                run_id=run_id, workflow=entry.slug, trigger=req.trigger, input=prepared.recorded_input,
                data=prepared.data, queued_at=when, attempt=req.attempt, parent_run_id=req.parent_run_id,
                profile_info=prepared.profile_info, idempotency_key=req.idempotency_key), prepared))
            ids.append(None)
        accepted = self.store.enqueue([run for _, run, _ in queued])
        for (index, run, prepared), run_id in zip(queued, accepted):
            ids[index] = (run_id, "queued" if run_id == run.run_id else "replayed")
            if run_id != run.run_id:
                continue  # a replayed delivery: the first run is (or was) already queued
            self.queue.add(QueueItem(run.run_id, run.workflow, run.trigger, run.key, run.attempt,
                                     run.parent_run_id, prepared=prepared))
            self.announce(RunEvent(run.run_id, "queued", None))
        if queued:
            self.dispatcher.wake()
        return [pair for pair in ids if pair is not None]

    def _check_room(self, count: int) -> None:
        if self.queue.total + count > self.max_backlog:
            raise QueueFull(f"the run queue is full ({self.queue.total} runs waiting, limit {self.max_backlog})")
        checked_at, enough = self._disk_checked
        now = time.monotonic()
        # statvfs is cheap, but not at thousands of requests a second; a PostgreSQL store (no path) fills
        # its server's disk, not this machine's, and says so itself (StoreUnavailable).
        if now - checked_at > 1.0 and self.store.path is not None:
            try:
                enough = shutil.disk_usage(self.store.path.parent).free >= self.min_free_disk
            except OSError:
                enough = True
            self._disk_checked = (now, enough)
        if not enough:
            raise QueueFull(f"the disk holding the run store has less than {self.min_free_disk // 2**20} MiB free")

    def wait_for(self, run_id: str) -> asyncio.Future[RunRecord]:
        """A future of the run's final record (already resolved when it has ended)."""
        future: asyncio.Future[RunRecord] = asyncio.get_running_loop().create_future()
        record = self.store.get(run_id)
        if record is not None and record.finished:
            future.set_result(record)
        else:
            self._waiters.setdefault(run_id, []).append(future)
        return future

    async def run(self, request: RunRequest) -> RunRecord:
        """Prepare, submit and wait for one run."""
        _, done = self.submit(self.prepare(request))
        return await done

    # -- the dispatcher's side ------------------------------------------------------------------
    def prepare_queued(self, item: QueueItem) -> PreparedRun | None:
        """A run read back from the store, rebuilt from its kept input (None when it has none)."""
        data = self.store.payload(item.run_id)
        if data is None:
            return None
        return self.prepare_again(item.workflow, item.trigger, data)

    def max_instances(self, workflow: str) -> int:
        """The workflow's ``max_instances`` (1 when it cannot be read)."""
        entry = self.registry.workflows.get(workflow)
        return entry.config.max_instances if entry is not None and entry.config is not None else 1

    def retry_policy(self, workflow: str) -> tuple[int, float]:
        """(retries, retry_delay seconds) of a workflow; none when it cannot be read."""
        entry = self.registry.workflows.get(workflow)
        config = entry.config if entry is not None else None
        return (config.retries, float(getattr(config, "retry_delay", 0) or 0)) if config is not None else (0, 0.0)

    def in_flight_count(self, workflow: str) -> int:
        """Queued plus running runs of a workflow (for the scheduler's max_instances check)."""
        return self.queue.in_flight(workflow)

    def settle(self, item: QueueItem, outcome: RunOutcome, retry: RetryPlan | None) -> RunRecord:
        """Record how a run ended (queueing its retry in the same transaction) and tell its waiters."""
        text = getattr(outcome, "result_json", None)  # a worker's result: stored as the text it sent
        record = self.store.finish(
            outcome.run_id, outcome.status, outcome.finished_at, started_at=outcome.started_at,
            output=outcome.result if text is None else None, output_json=text, message=outcome.message,
            error=outcome.error, log=outcome.log, log_truncated=getattr(outcome, "log_truncated", False), retry=retry,
        )
        if text is not None:  # decoded only by a waiter that reads it (the API, 'flowdesk run')
            record = StoredOutputRecord.of(record, text)
        return self.settled(item, record, retry)

    def settled(self, item: QueueItem, record: RunRecord, retry: RetryPlan | None) -> RunRecord:
        """After a run's end is committed: its retry takes its place in the queue, its waiters get the record."""
        if retry is not None:
            self.queue.add(QueueItem(retry.run_id, item.workflow, item.trigger,
                                     (item.key[0], to_micros(retry.queued_at), retry.run_id), item.attempt + 1,
                                     item.run_id, retry.not_before))
            self.announce(RunEvent(retry.run_id, "queued", None))
            self.dispatcher.wake()
        self.resolve(record)
        return record

    def resolve(self, record: RunRecord) -> None:
        """Give a finished run's record to its waiters (recorded here, or by a cluster worker)."""
        for future in self._waiters.pop(record.id, ()):
            if not future.done():
                future.set_result(record)

    def waits_for(self, run_id: str) -> bool:
        """Whether someone waits for this run's end."""
        return run_id in self._waiters

    def waited_for(self) -> list[str]:
        """Ids of the runs someone waits for (the cluster relay checks them after missed notifications)."""
        return list(self._waiters)

    def announce(self, event: RunEvent) -> None:
        """Tell the runtime's subscribers (GUI, tray) about a run event the engine did not emit."""
        if self._on_event is not None:
            self._on_event(event)
