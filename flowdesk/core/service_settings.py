"""Plain settings of the core and the service, importable without loading the core itself.

The desktop app reads them before its window paints; the heavy modules load later, on the core thread.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


@dataclass
class RuntimeSettings:
    """Tunables of the core; the defaults suit a workstation."""

    max_workers: int = 4
    warm_workers: int = 2
    queue_limit: int = 1000
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
