"""A worker's heartbeat thread: its row in the ``worker`` table, and the runs of workers that died.

Every ``heartbeat_interval`` seconds the worker writes its row (concurrency, runs in its engine
right now); then it ends the running runs of workers silent for ``worker_dead_after`` seconds and
publishes their retries, so a killed worker's runs are dealt with even when no serve runs.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from flowdesk.core.cluster.settings import ClusterSettings
from flowdesk.core.cluster.worker_host import WorkerHost
from flowdesk.core.cluster.worker_registry import LostRunReaper, WorkerRegistry

log = logging.getLogger(__name__)


class WorkerHeartbeat:
    """Beats for one worker and reaps lost runs, in a daemon thread."""

    def __init__(self, host: WorkerHost, registry: WorkerRegistry, settings: ClusterSettings, concurrency: int,
                 running: Callable[[], int]) -> None:
        self.host = host
        self.registry = registry
        self.settings = settings
        self.concurrency = concurrency
        self.running = running
        self.reaper = LostRunReaper(host.parts.claims, host.retry_policy, host.limit_of, host.revision_of)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="flowdesk-heartbeat", daemon=True)
        self.beats = 0

    def beat(self) -> None:
        """Write this worker's row now, then read the cluster's capacity (raises when the database is down).

        The capacity is trusted for 1.5 heartbeat intervals: a worker that joins waits that long
        before it takes runs (``join_delay``), so every other worker has counted it by then.
        """
        self.registry.beat(self.host.name, self.concurrency, self.running())
        self.host.set_capacity(self.registry.capacity(self.settings.worker_dead_after), self.join_delay)
        self.beats += 1

    @property
    def join_delay(self) -> float:
        """How long a new worker waits after its first beat before it takes runs."""
        return 1.5 * self.settings.heartbeat_interval

    def start(self) -> None:
        """Beat every interval from now on."""
        self._thread.start()

    def stop(self) -> None:
        """Stop beating (the row stays until ``leave``)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(10)

    def _loop(self) -> None:
        healthy_since: float | None = time.monotonic()
        while not self._stop.wait(self.settings.heartbeat_interval):
            try:
                self.host.parts.marks.flush()
                self.beat()
                if healthy_since is None:
                    log.warning("heartbeat: the database answers again")
                    healthy_since = time.monotonic()
                # Only judge others after a whole dead_after window of our own beats getting through:
                # after an outage every worker was silent, and each deserves time to beat again.
                if time.monotonic() - healthy_since >= self.settings.worker_dead_after:
                    ended, publications = self.reaper.reap(self.settings.worker_dead_after)
                    if ended:
                        log.warning("ended %d run(s) of worker(s) that stopped answering", ended)
                    self.host.publish(publications)
            except Exception as exc:  # noqa: BLE001 - database down: keep trying, runs go on meanwhile
                if healthy_since is not None:
                    log.warning("heartbeat failed (%s); retrying every %g s", exc, self.settings.heartbeat_interval)
                healthy_since = None
