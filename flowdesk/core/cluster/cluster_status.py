"""What ``flowdesk cluster status`` and the window's Overview show: workers, queue depth, runs by status.

``cluster_status(store, broker_url)`` reads the store (and, given a broker, its queue lengths);
it loads no Celery. The window calls it on its core thread when it is connected to a cluster
(``runtime.cluster`` is set): ``runtime.cluster.status()`` passes the serve's own broker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flowdesk.core.cluster.settings import QUEUES
from flowdesk.core.cluster.store_access import StoreAccess
from flowdesk.core.cluster.worker_registry import WorkerInfo, WorkerRegistry
from flowdesk.core.store import RunStore

DEFAULT_DEAD_AFTER = 20.0


@dataclass
class ClusterStatus:
    """A snapshot of the cluster."""

    workers: list[WorkerInfo]
    queued: int  # queued runs in the store (the truth)
    parked: int  # of which waiting for their workflow's max_instances
    runs_by_status: dict[str, int]
    broker_queues: dict[str, int] | None = None  # messages waiting per broker queue (None: no broker given)
    broker_error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def alive_workers(self) -> list[WorkerInfo]:
        """Workers whose heartbeat is recent."""
        return [w for w in self.workers if w.alive]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (``flowdesk cluster status --json``)."""
        return {"workers": [w.to_dict() for w in self.workers], "queued": self.queued, "parked": self.parked,
                "runs_by_status": self.runs_by_status, "broker_queues": self.broker_queues,
                "broker_error": self.broker_error, **self.extra}


def broker_queue_lengths(broker_url: str, timeout: float = 2.0) -> dict[str, int]:
    """Messages waiting in each FlowDesk queue of the broker (raises on a broker error)."""
    import redis

    client = redis.Redis.from_url(broker_url, socket_timeout=timeout, socket_connect_timeout=timeout)
    try:
        pipe = client.pipeline(transaction=False)
        for name in QUEUES:
            pipe.llen(name)
        return {name: int(length) for name, length in zip(QUEUES, pipe.execute())}
    finally:
        client.close()


def cluster_status(store: RunStore, broker_url: str | None = None,
                   dead_after: float = DEFAULT_DEAD_AFTER) -> ClusterStatus:
    """Workers, queue depth and runs by status, read now (the store is required; the broker optional)."""
    access = StoreAccess(store)
    access.ensure_tables()
    by_status = {str(status): int(count) for status, count in
                 access.rows("SELECT status, COUNT(*) FROM run GROUP BY status ORDER BY status")}
    parked = int(access.rows("SELECT COUNT(*) FROM cluster_parked_run")[0][0])
    status = ClusterStatus(WorkerRegistry(access).workers(dead_after), by_status.get("queued", 0), parked, by_status)
    if broker_url:
        try:
            status.broker_queues = broker_queue_lengths(broker_url)
        except Exception as exc:  # noqa: BLE001 - an unreachable broker is part of the answer
            status.broker_error = f"{type(exc).__name__}: {exc}"
    return status
