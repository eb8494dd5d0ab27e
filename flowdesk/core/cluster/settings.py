"""Settings of the scale-out mode: broker, intervals of heartbeats, sweeps and leadership, queue names.

Plain values only (no Celery import), read from the command line and ``FLOWDESK_CLUSTER_*`` variables.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field

# One broker queue per priority class of the run queue (0 interactive, 1 scheduled, 2 webhook); workers
# consume them in this order, so a click or a schedule overtakes a backlog of webhook deliveries.
QUEUES: tuple[str, ...] = ("flowdesk.interactive", "flowdesk.scheduled", "flowdesk.webhook")
RUN_TASK = "flowdesk.run"
MIN_VISIBILITY_TIMEOUT = 3600.0  # seconds; raised above the longest workflow timeout by the worker


def queue_for(priority: int) -> str:
    """The broker queue of a run's priority class."""
    return QUEUES[min(max(priority, 0), len(QUEUES) - 1)]


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    try:
        return float(value) if value else default
    except ValueError:
        return default


def default_worker_name() -> str:
    """``<host>-<pid>``: unique per worker process, so a restarted worker never inherits a dead one's runs."""
    return f"{socket.gethostname()}-{os.getpid()}"


@dataclass
class ClusterSettings:
    """Where the broker is and how often the cluster's background duties run (seconds)."""

    broker_url: str
    heartbeat_interval: float = field(default_factory=lambda: _env_float("FLOWDESK_CLUSTER_HEARTBEAT", 5.0))
    # A worker silent for this long is dead: its running runs end interrupted and follow their retries.
    worker_dead_after: float = field(default_factory=lambda: _env_float("FLOWDESK_CLUSTER_DEAD_AFTER", 20.0))
    # How often the sweeper publishes queued runs that have no message (broker was down or lost them).
    sweep_interval: float = field(default_factory=lambda: _env_float("FLOWDESK_CLUSTER_SWEEP", 2.0))
    # Without a sign of loss (failed publish, broker restart) the sweeper looks for runs without a message this often.
    rescan_interval: float = field(default_factory=lambda: _env_float("FLOWDESK_CLUSTER_RESCAN", 30.0))
    # A queued run this old without a message is published again (publishes in flight are younger).
    publish_grace: float = field(default_factory=lambda: _env_float("FLOWDESK_CLUSTER_PUBLISH_GRACE", 5.0))
    # A standby serve tries the scheduler lock this often; with lock release at the leader's death this
    # bounds the takeover (the issue asks for 15 s at most).
    leader_retry: float = field(default_factory=lambda: _env_float("FLOWDESK_CLUSTER_LEADER_RETRY", 5.0))
    # Broker operations give up after this long (the run stays queued in the store; the sweeper retries).
    broker_timeout: float = field(default_factory=lambda: _env_float("FLOWDESK_CLUSTER_BROKER_TIMEOUT", 2.0))
    visibility_timeout: float = MIN_VISIBILITY_TIMEOUT

    def with_longest_timeout(self, seconds: float) -> ClusterSettings:
        """These settings with a visibility timeout safely above the longest workflow timeout."""
        self.visibility_timeout = max(MIN_VISIBILITY_TIMEOUT, float(seconds) + 600.0)
        return self


def broker_from_env() -> str | None:
    """``FLOWDESK_BROKER_URL`` when set."""
    return os.environ.get("FLOWDESK_BROKER_URL") or None
