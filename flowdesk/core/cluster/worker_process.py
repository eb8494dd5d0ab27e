"""``flowdesk worker``: a Celery worker (threads pool) driving one FlowDesk engine on this machine's workspace.

Why the ``threads`` pool: a task thread only claims a run, waits for the engine's outcome and
records it; the workflow's code runs in the engine's own subprocesses (timeouts, masking, crash
isolation). ``--concurrency N`` gives N task threads and an engine of N warm workers in one process
with one broker connection; ``prefork`` or ``solo`` would need an engine (and a warm pool) per
process for nothing.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flowdesk.core.cluster.celery_app import make_celery_app, register_run_task
from flowdesk.core.cluster.engine_thread import EngineThread
from flowdesk.core.cluster.live_log_sender import LiveLogSender
from flowdesk.core.cluster.publisher import PublishedMarks, RunPublisher
from flowdesk.core.cluster.revision import RevisionCache
from flowdesk.core.cluster.run_claims import RunClaims
from flowdesk.core.cluster.settings import QUEUES, ClusterSettings
from flowdesk.core.cluster.store_access import StoreAccess
from flowdesk.core.cluster.worker_heartbeat import WorkerHeartbeat
from flowdesk.core.cluster.worker_host import WorkerHost, WorkerParts
from flowdesk.core.cluster.worker_registry import WorkerRegistry
from flowdesk.core.engine import RunEvent
from flowdesk.core.oauth import oauth_blocker
from flowdesk.core.profiles import ProfileResolver
from flowdesk.core.registry import Registry
from flowdesk.core.run_preparation import RunPreparer
from flowdesk.core.store import open_store
from flowdesk.core.workspace import Workspace

log = logging.getLogger(__name__)


@dataclass
class WorkerOptions:
    """What ``flowdesk worker`` was asked for."""

    workspace: Workspace
    data_dir: Path
    settings: ClusterSettings
    database_url: str | None
    concurrency: int = 4
    name: str = ""
    grace: float = 10.0  # seconds running runs get to finish on SIGTERM before they end interrupted
    default_timeout: float = 300.0
    loglevel: str = "WARNING"


def longest_timeout(registry: Registry, default: float) -> float:
    """The longest timeout any workflow of the workspace may run for."""
    timeouts = [e.config.timeout for e in registry.workflows.values() if e.config is not None and e.config.timeout]
    return max([default, *timeouts])


class WorkerProcess:
    """Builds the worker's parts, runs Celery until a signal, then stops everything in order."""

    def __init__(self, options: WorkerOptions) -> None:
        self.options = o = options
        self.name = o.name or f"{socket.gethostname()}-{os.getpid()}"
        # Workers inherit it: tools that keep local state find the data dir, workspace envs are found.
        os.environ["FLOWDESK_DATA_DIR"] = str(o.data_dir)
        self.store = open_store(o.database_url, o.data_dir)  # --database, $FLOWDESK_DATABASE_URL, else SQLite
        self.access = StoreAccess(self.store)
        self.access.ensure_tables()
        self.registry = Registry(o.workspace)
        self.registry.reload()
        resolver = ProfileResolver(o.workspace.env_file)
        preparer = RunPreparer(self.registry, resolver, tool_blocker=oauth_blocker(self.registry, resolver),
                               disabled_tools=self._disabled_tools)
        self._disabled: tuple[float, set[str]] = (0.0, set())
        o.settings.with_longest_timeout(longest_timeout(self.registry, o.default_timeout))
        self.app = make_celery_app(o.settings)
        marks = PublishedMarks(o.settings)
        self.live = LiveLogSender(self.access, self.name)
        self.engine = EngineThread(o.workspace.root, o.data_dir / "workers", o.concurrency,
                                   default_timeout=o.default_timeout, on_event=self._on_event)
        self.host = WorkerHost(WorkerParts(
            name=self.name, registry=self.registry, preparer=preparer, claims=RunClaims(self.access, self.name),
            engine=self.engine, publisher=RunPublisher(self.app, marks), marks=marks, revisions=RevisionCache(),
            notices=self.live))
        register_run_task(self.app, self.host.execute)
        self.workers = WorkerRegistry(self.access)
        self.heartbeat = WorkerHeartbeat(self.host, self.workers, o.settings, o.concurrency, lambda: self.engine.running)
        self._stopping = threading.Event()

    def _disabled_tools(self) -> set[str]:
        """Tools switched off in the store's settings, read at most once a second (not once per run)."""
        read_at, tools = self._disabled
        if time.monotonic() - read_at > 1.0:
            tools = set(self.store.get_setting("disabled_tools", []) or [])
            self._disabled = (time.monotonic(), tools)
        return tools

    def _on_event(self, event: RunEvent) -> None:
        if event.kind == "log":
            self.live.add(event.run_id, str(event.payload or ""))
        elif event.kind == "finished":
            self.live.forget(event.run_id)

    def run(self, on_ready: Any = None) -> int:
        """Start the engine, beat, consume until SIGINT/SIGTERM; returns the exit code."""
        from celery import signals

        o = self.options
        self.engine.start()
        self.live.start()
        self.heartbeat.beat()  # the row exists before the first claim: a claimed run always has a live worker
        self.heartbeat.start()
        time.sleep(self.heartbeat.join_delay)  # until every other worker has counted this one's capacity
        signals.worker_shutting_down.connect(self._shutting_down, weak=False)
        if on_ready is not None:
            signals.worker_ready.connect(lambda **_: on_ready(self), weak=False)
        worker = self.app.Worker(
            pool="threads", concurrency=o.concurrency, hostname=f"{self.name}@{socket.gethostname()}",
            queues=list(QUEUES), loglevel=o.loglevel, without_mingle=True, without_gossip=True,
            optimization="fair", quiet=True)
        try:
            worker.start()
            return int(worker.exitcode or 0)
        finally:
            self.stop()

    def _shutting_down(self, **_: Any) -> None:
        """Celery stops consuming: give running runs ``grace`` seconds, then end them interrupted (retried)."""
        if not self._stopping.is_set():
            self._stopping.set()
            threading.Thread(target=self._stop_engine, name="flowdesk-engine-stop", daemon=True).start()

    def _stop_engine(self) -> None:
        self.host.stopping = True
        left = self.engine.stop(self.options.grace)
        if left:
            log.warning("%d run(s) did not finish within %g s and end interrupted", len(left), self.options.grace)

    def stop(self) -> None:
        """Stop the engine (if a signal did not already), the heartbeat and the live log, then leave."""
        self._shutting_down()
        self.heartbeat.stop()
        self.engine.stop(0)
        self.live.stop()
        self.host.parts.marks.close()
        try:
            self.workers.leave(self.name)
        except Exception as exc:  # noqa: BLE001 - database down: the row ages out; nothing was running
            log.warning("could not remove this worker's row: %s", exc)
        self.store.close()
