"""``flowdesk serve --broker``: the cluster side of a serve process.

Accepted runs are published (id and revision) instead of run here; the relay brings live logs and
ends back; every serve keeps the schedules but only the leader fires them and sweeps (publishes
runs without a message, ends lost workers' runs, releases parked runs); ``health()`` says whether the
broker and the database answer, from memory.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flowdesk.core.cluster.broker_dispatcher import BrokerDispatcher
from flowdesk.core.cluster.celery_app import make_celery_app
from flowdesk.core.cluster.cluster_status import ClusterStatus, cluster_status
from flowdesk.core.cluster.leadership import Leadership
from flowdesk.core.cluster.publisher import BackgroundPublisher, PublishedMarks, RunPublisher
from flowdesk.core.cluster.revision import RevisionCache
from flowdesk.core.cluster.run_claims import RunClaims
from flowdesk.core.cluster.run_relay import RunRelay
from flowdesk.core.cluster.settings import ClusterSettings
from flowdesk.core.cluster.store_access import StoreAccess
from flowdesk.core.cluster.sweeper import Sweeper
from flowdesk.core.cluster.worker_registry import LostRunReaper, WorkerRegistry
from flowdesk.core.scheduler import WorkflowScheduler
from flowdesk.core.store.database_url import redact

if TYPE_CHECKING:
    from flowdesk.core.run_service import RunService
    from flowdesk.core.runtime import Runtime

log = logging.getLogger(__name__)


def database_url_of(runtime: Runtime) -> str | None:
    """The store's PostgreSQL URL (None on SQLite, where there is no NOTIFY and no advisory lock)."""
    access = StoreAccess(runtime.store)
    return str(runtime.store.db.database) if access.postgres else None


class ClusterServe:
    """Wires the broker dispatcher, relay, leadership, scheduler and sweeper into one serve."""

    def __init__(self, settings: ClusterSettings) -> None:
        self.settings = settings
        self.app = make_celery_app(settings)
        self.marks = PublishedMarks(settings)
        self.publisher = RunPublisher(self.app, self.marks)
        self.revisions = RevisionCache()
        self.background = BackgroundPublisher(self.publisher, self.revisions)
        self.runtime: Runtime | None = None
        self.relay: RunRelay | None = None
        self.leadership: Leadership | None = None
        self.sweeper: Sweeper | None = None
        self.access: StoreAccess | None = None
        self._loop_task: asyncio.Task[None] | None = None
        self._health: dict[str, Any] = {"broker": False, "database": False}
        self._db_since: float | None = None  # since when the database has answered every probe

    def describe(self) -> str:
        """``broker URL, database ...`` for the serve banner (no passwords)."""
        store = self.runtime.store if self.runtime is not None else None
        where = getattr(store, "location", None) or getattr(store, "path", "")
        return f"broker {redact(self.settings.broker_url)}, database {redact(str(where))}"

    def dispatcher(self) -> Callable[[RunService], BrokerDispatcher]:
        """The factory Runtime gives RunService in place of the local dispatcher."""
        return lambda service: BrokerDispatcher(service, self.background)

    # -- life cycle ----------------------------------------------------------------------------
    async def start(self, runtime: Runtime, *, scheduler: bool = True) -> None:
        """Start publishing, relaying, standing for leadership and (when leading) sweeping."""
        self.runtime = runtime
        self.access = access = StoreAccess(runtime.store)
        await asyncio.to_thread(access.ensure_tables)
        self.background.start()
        claims = RunClaims(access, worker="")
        reaper = LostRunReaper(claims, self._retry_policy, self._limit_of, self.revision_of)
        self.sweeper = Sweeper(claims, reaper, WorkerRegistry(access), self.marks, self.publisher, self.settings,
                               self.revision_of, self._limit_of, lambda: self.background.failures)
        url = database_url_of(runtime)
        self.relay = RunRelay(runtime, url)
        self.relay.start()
        if scheduler:
            runtime.scheduler = WorkflowScheduler(runtime, standby=True, fire_guard=self._fire_guard,
                                                  in_flight=self._in_flight)
            runtime.scheduler.start()
        self.leadership = Leadership(url, self.settings.leader_retry, self._on_leadership)
        self.leadership.start()
        self._loop_task = asyncio.get_running_loop().create_task(self._duties(), name="flowdesk-cluster-duties")

    async def stop(self) -> None:
        """Stop leading, relaying and sweeping; publish what was handed over."""
        if self._loop_task is not None:
            self._loop_task.cancel()
            await asyncio.gather(self._loop_task, return_exceptions=True)
        if self.leadership is not None:
            await self.leadership.stop()
        if self.relay is not None:
            await self.relay.stop()
        await asyncio.to_thread(self.background.stop)
        self.marks.close()

    # -- leadership and schedules ------------------------------------------------------------
    def _on_leadership(self, leading: bool) -> None:
        scheduler = self.runtime.scheduler if self.runtime is not None else None
        if scheduler is not None:
            scheduler.set_standby(not leading)

    def _fire_guard(self, slugs: list[str], due: datetime) -> list[str]:
        """The workflows whose instant ``due`` nobody fired yet (unique key on workflow + instant)."""
        store = self.runtime.store  # type: ignore[union-attr]
        return [slug for slug in slugs if store.record_fire(slug, due)]

    def _in_flight(self, workflow: str) -> int:
        """Queued plus running runs of a workflow across the cluster."""
        assert self.access is not None
        return int(self.access.rows("SELECT COUNT(*) FROM run WHERE workflow = ? AND status IN ('queued', 'running')",
                                    (workflow,))[0][0])

    # -- what the sweeper needs from this serve's copy of the workspace ---------------------
    def revision_of(self, workflow: str) -> str:
        """This serve's revision of a workflow folder (what runs it publishes are accepted for)."""
        assert self.runtime is not None
        entry = self.runtime.registry.workflows.get(workflow)
        folder = entry.path if entry is not None else self.runtime.workspace.workflows_dir / workflow
        return self.revisions.revision(folder)

    def _limit_of(self, workflow: str) -> int:
        entry = self.runtime.registry.workflows.get(workflow) if self.runtime else None
        return entry.config.max_instances if entry is not None and entry.config is not None else 1

    def _retry_policy(self, workflow: str) -> tuple[int, float]:
        return self.runtime.runs.retry_policy(workflow) if self.runtime else (0, 0.0)

    # -- background duties and health --------------------------------------------------------
    async def _duties(self) -> None:
        while True:
            try:
                await asyncio.to_thread(self._probe)
                if self.leadership is not None and self.leadership.leading and self.sweeper is not None:
                    # Lost runs are judged only after the database answered for a whole dead_after window.
                    healthy = self._db_since is not None and \
                        time.monotonic() - self._db_since >= self.settings.worker_dead_after
                    await asyncio.to_thread(self.sweeper.sweep, reap=healthy)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - database or broker down: the next round tries again
                log.warning("cluster sweep failed: %s", exc)
            await asyncio.sleep(self.settings.sweep_interval)

    def _probe(self) -> None:
        broker = self.marks.reachable()
        try:
            assert self.access is not None
            self.access.rows("SELECT 1")
            database = True
        except Exception:  # noqa: BLE001 - unreachable is the answer
            database = False
        if not database:
            self._db_since = None
        elif self._db_since is None:
            self._db_since = time.monotonic()
        self._health = {"broker": broker, "database": database}

    def status(self) -> ClusterStatus:
        """Workers, queue depth and runs by status, read now (blocking: the window calls it on its core thread)."""
        assert self.runtime is not None
        status = cluster_status(self.runtime.store, self.settings.broker_url, self.settings.worker_dead_after)
        status.extra["scheduler_leader"] = bool(self.leadership and self.leadership.leading)
        return status

    def live_log(self, run_id: str) -> str | None:
        """A running run's log so far, relayed from its worker (None when nothing was heard)."""
        return self.relay.live_log(run_id) if self.relay is not None else None

    def health(self) -> dict[str, Any]:
        """For /health, from memory: broker and database reachability, leadership, relay state."""
        return {
            "broker": {"url": redact(self.settings.broker_url), "reachable": self._health["broker"]},
            "database": {"reachable": self._health["database"]},
            "scheduler_leader": bool(self.leadership and self.leadership.leading),
            "relay_connected": bool(self.relay and self.relay.connected),
        }
