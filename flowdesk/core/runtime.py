"""One FlowDesk process's core: workspace, registry, run store, engine and run service, started together."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flowdesk.core.config.active_flag import rewrite_active
from flowdesk.core.engine import Engine, RunEvent
from flowdesk.core.engine.stale_workers import kill_stale_workers
from flowdesk.core.errors import StoreUnavailable, WorkflowBroken
from flowdesk.core.loop_executor import TrackedExecutor, tracked_default_executor
from flowdesk.core.oauth import oauth_blocker
from flowdesk.core.profiles import ProfileResolver
from flowdesk.core.registry import Registry, ReloadReport
from flowdesk.core.run_service import Dispatcher, RunService
from flowdesk.core.scheduler import WorkflowScheduler
from flowdesk.core.service_settings import RuntimeSettings
from flowdesk.core.store import DB_FILENAME, DatabaseChoice, RunStore, apply_retention, open_store
from flowdesk.core.workspace_check import apply_probe
from flowdesk.core.workspace_inspection import inspect_in_background
from flowdesk.core.workspace import Workspace
from flowdesk.core.run_messages import FLOWDESK_STOPPED

log = logging.getLogger(__name__)

WORKERS_DIRNAME = "workers"  # each engine's live worker pids, for killing a crashed engine's leftovers


# Seconds stop waits for store reads running in the loop's executor before closing the store.
STORE_READS_GRACE = 10.0
DISABLED_TOOLS_TTL = 1.0  # seconds a disabled-tools answer is reused by the runs that ask for it


class Runtime:
    """Owns the core objects of one process; front ends (CLI, listener, GUI) only talk to it."""

    def __init__(self, workspace: Workspace, data_dir: Path, settings: RuntimeSettings | None = None, *,
                 dispatcher: Callable[[RunService], Dispatcher] | None = None,
                 database: DatabaseChoice | str | RunStore | None = None) -> None:
        self.workspace = workspace
        self.data_dir = data_dir
        self.settings = settings or RuntimeSettings()
        self.registry = Registry(workspace)
        self._disabled_cache: tuple[int, float, frozenset[str]] | None = None
        # The run database: a store given, a URL, or None for --database / FLOWDESK_DATABASE_URL / SQLite.
        self.store = database if isinstance(database, RunStore) else open_store(database, data_dir)
        self.resolver = ProfileResolver(workspace.env_file)
        self._subscribers: list[Callable[[RunEvent], None]] = []
        self._reload_subscribers: list[Callable[[ReloadReport], None]] = []
        s = self.settings
        self.engine = Engine(
            workspace.root, max_workers=s.max_workers, warm_workers=s.warm_workers, queue_limit=s.queue_limit,
            default_timeout=s.default_timeout, log_limit=s.log_limit, on_event=self._on_engine_event,
            worker_records=data_dir / WORKERS_DIRNAME,
        )
        self.runs = RunService(self.registry, self.store, self.engine, self.resolver,
                               disabled_tools=self.disabled_tools,
                               tool_blocker=oauth_blocker(self.registry, self.resolver),
                               max_workers=s.max_workers, reserve=s.interactive_reserve,
                               max_backlog=s.max_backlog, min_free_disk=s.min_free_disk,
                               on_event=self._publish, dispatcher=dispatcher)
        # False in scale-out mode: cluster workers run the runs, so this process never takes over or
        # interrupts another's (their pids mean nothing here); the cluster's own heartbeats do.
        self.local_runs = dispatcher is None
        self.cluster: Any = None  # scale-out mode: the service's ClusterServe (health, workers)
        self.scheduler: WorkflowScheduler | None = None
        self._probe_task: asyncio.Task[None] | None = None
        self.started = False
        self._executor: TrackedExecutor | None = None

    def disabled_tools(self) -> set[str]:
        """Tools the user switched off (kept in the store's settings).

        Every run asks, so the answer is kept for a second: a switch made in this process is seen at
        once (the store counts its setting writes), one made by another process within a second.
        """
        version, now = getattr(self.store, "settings_version", 0), time.monotonic()
        cached = self._disabled_cache
        if cached is None or cached[0] != version or now - cached[1] > DISABLED_TOOLS_TTL:
            cached = self._disabled_cache = (version, now, frozenset(self.store.get_setting("disabled_tools", []) or []))
        return set(cached[2])

    def subscribe(self, callback: Callable[[RunEvent], None]) -> Callable[[], None]:
        """Be told of every run event (queued, started, log, finished); returns an unsubscribe function."""
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback) if callback in self._subscribers else None

    def subscribe_reload(self, callback: Callable[[ReloadReport], None]) -> None:
        """Be told after every reload (API, file watcher, GUI) with what changed."""
        self._reload_subscribers.append(callback)

    def _on_engine_event(self, event: RunEvent) -> None:
        if event.kind == "started":
            try:
                self.store.mark_running(event.run_id, event.payload)
            except StoreUnavailable as exc:  # PostgreSQL down: its outcome brings started_at when it is recorded
                log.warning("run %s started but could not be marked running: %s", event.run_id, exc)
        elif event.kind == "queued":
            return  # announced by the run service when the run was committed, not again at dispatch
        self._publish(event)

    def _publish(self, event: RunEvent) -> None:
        for callback in list(self._subscribers):
            try:
                callback(event)
            except Exception:  # a broken subscriber must not break runs
                log.exception("run event subscriber failed")

    async def start(self, *, with_scheduler: bool = False, recover: bool = True) -> ReloadReport:
        """Discover the workspace, warm the engine and start the queued runs (on the running loop).

        ``recover`` (the service and the app; not one-shot CLI commands) first takes over what a
        process that died left in the store: its queued runs run here, its running ones end
        interrupted and follow their workflow's retry policy.
        """
        # Workers inherit it: tools that keep local state (the WhatsApp inbox) find the data dir.
        os.environ["FLOWDESK_DATA_DIR"] = str(self.data_dir)
        self._executor = tracked_default_executor(asyncio.get_running_loop())
        # Before anything queued runs again: a crashed engine's workers may still be running its runs.
        kill_stale_workers(self.data_dir / WORKERS_DIRNAME)
        report = self.registry.reload()
        self.apply_retention()
        await self.engine.start()
        self.runs.start(recover=recover and self.local_runs)
        if with_scheduler:
            self.scheduler = WorkflowScheduler(self)
            self.scheduler.start()
        self.started = True
        self._schedule_probes(list(self.registry.workflows))
        return report

    def reload(self) -> ReloadReport:
        """Re-read the workspace and bring the schedules in line (API reload, file watcher, GUI)."""
        report = self.registry.reload()
        if self.scheduler is not None:
            self.scheduler.sync()
        self._schedule_probes([k.split(":", 1)[1] for k in (*report.added, *report.changed) if k.startswith("workflow:")])
        for callback in list(self._reload_subscribers):
            try:
                callback(report)
            except Exception:  # a broken subscriber must not break reloads
                log.exception("reload subscriber failed")
        return report

    def set_workflow_active(self, slug: str, active: bool | None) -> bool:
        """Write ``active`` into the workflow's config.json (``None`` flips it), changing no other byte of the file."""
        entry = self.registry.refresh_workflow(slug)
        if entry.config is None:
            raise WorkflowBroken(entry.error or f"workflow {slug!r} cannot be loaded")
        value = (not entry.config.active) if active is None else active
        rewrite_active(entry.config_path, value)
        entry = self.registry.refresh_workflow(slug)
        if self.scheduler is not None:
            self.scheduler.sync()
        return entry.config.active if entry.config is not None else value

    def _schedule_probes(self, slugs: list[str]) -> None:
        """Import the given workflows in a worker, in the background, so import errors show as broken."""
        slugs = [s for s in slugs if s in self.registry.workflows and not self.registry.workflows[s].broken]
        if not self.started:  # no workflow to probe may still leave workspace tools to check
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # called outside the core loop (tests driving the registry directly)
        self._probe_task = loop.create_task(self._probe(slugs), name="flowdesk-probe")

    async def _probe(self, slugs: list[str]) -> None:
        await inspect_in_background(self)  # requirements and tool imports first: they can break workflows
        for slug in slugs:
            entry = self.registry.workflows.get(slug)
            if entry is None or entry.broken or not self.started:
                continue
            try:
                result = await self.engine.probe(entry.path)
            except Exception:  # the engine is stopping, or refused: the next reload probes again
                return
            if self.registry.workflows.get(slug) is entry:  # not replaced by a reload meanwhile
                apply_probe(entry, result)
                if entry.broken:
                    log.warning("%s", entry.error)

    def apply_retention(self) -> int:
        """Delete finished runs beyond the retention settings (days and/or count); returns how many."""
        s = self.settings
        if s.retention_days is None and s.retention_runs is None:
            return 0
        self.store.purge_idempotency_keys()
        deleted = apply_retention(self.store, s.retention_days, s.retention_runs)
        if deleted:
            log.info("retention: deleted %d old run(s)", deleted)
        return deleted

    def engine_load(self) -> dict[str, int]:
        """Runs waiting and running right now (from memory: cheap enough for /health)."""
        return {"queued": self.runs.queue.total + self.engine.queued, "running": self.engine.running}

    async def stop(self, grace: float = 10.0) -> list[str]:
        """Let running runs finish up to ``grace`` seconds; the rest are recorded as interrupted."""
        if self._probe_task is not None:
            self._probe_task.cancel()
        if self.scheduler is not None:
            await self.scheduler.stop()
        self.runs.stop()
        left = await self.engine.stop(grace)
        for _ in range(3):  # let the outcomes' callbacks record them before the store closes
            await asyncio.sleep(0)
        if self.started and self.local_runs:
            # Queued runs stay queued: the next start runs them. Only runs that were running are cut short.
            try:
                self.store.mark_interrupted(FLOWDESK_STOPPED(), statuses=("running",))
            except StoreUnavailable as exc:  # PostgreSQL down: the next start's recovery interrupts them instead
                log.warning("could not mark running runs interrupted: %s", exc)
        self.started = False
        if self._executor is None or await self._executor.wait_idle(STORE_READS_GRACE):
            self.store.close()
        else:  # closing under a thread still in SQLite would crash the process; the connections end with it
            log.warning("store left open: %d background read(s) still running after %g s",
                        self._executor.busy, STORE_READS_GRACE)
        return left
