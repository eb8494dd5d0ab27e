"""Plain settings of the core and the service, importable without loading the core itself.

The desktop app reads them before its window paints; the heavy modules load later, on the core thread.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from flowdesk.core.listener.limits import ListenerLimits

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


@dataclass
class RuntimeSettings:
    """Tunables of the core; the defaults suit a workstation."""

    max_workers: int = 4
    warm_workers: int = 2
    queue_limit: int = 1000  # the engine's own in-memory queue; the store holds the backlog
    max_backlog: int = 100_000  # queued runs in the store before new ones get 429
    min_free_disk: int = 64 * 1024 * 1024  # bytes free on the data dir's disk before new runs get 429
    interactive_reserve: int = 1  # workers webhook runs never take (kept for clicks and schedules)
    default_timeout: float = 300.0
    log_limit: int = 1_000_000
    retention_days: int | None = 90
    retention_runs: int | None = None


@dataclass
class ServiceOptions:
    """Where the service listens and how it behaves."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    watch: bool = True
    scheduler: bool = True
    grace: float = 10.0
    listener_limits: ListenerLimits = field(default_factory=ListenerLimits)  # timeouts, connection cap
    # Scale-out mode: runs are published to this Redis/Valkey broker's workers (the window too, when set).
    broker_url: str | None = field(default_factory=lambda: os.environ.get("FLOWDESK_BROKER_URL") or None)
