"""The Workers panel's data: the cluster's workers read off the GUI thread, every heartbeat, while the Overview is shown.

Reads run in a thread of the core (the GUI and the core loop never wait on the database); results
come back as a signal. The first read tells whether the window is connected to a cluster: a window
that runs its runs itself gets None once and is never asked again. Connected, the feed reads
again every heartbeat interval of the cluster (never more often than once a second), and at once
after a run event, within the same one-second floor, so the queue depth follows the runs.
"""

from __future__ import annotations

import time
from typing import Any

from flowdesk.gui.core_bridge import CoreBridge
from flowdesk.gui.qt import QObject, QTimer, Signal

MIN_INTERVAL = 1.0  # seconds: no faster than this, whatever the heartbeat
_RUN_KINDS = {"queued", "started", "finished"}


class WorkersFeed(QObject):
    """``changed`` carries a WorkersSnapshot (connected to a cluster) or None (local mode); ``failed`` a reason."""

    changed = Signal(object)  # WorkersSnapshot | None
    failed = Signal(str)

    def __init__(self, bridge: CoreBridge, parent: QObject | None = None, min_interval: float = MIN_INTERVAL) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.min_interval = min_interval
        self.connected: bool | None = None  # None until the first read says
        self.wanted = False
        self.reads = 0  # reads done (tests check the pace)
        self._in_flight = False
        self._last_read = time.monotonic() - min_interval
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._read)
        self._period_ms = 5000
        bridge.run_event.connect(self._on_run_event)
        bridge.started.connect(self._on_started)
        bridge.stopped.connect(self._timer.stop)

    def set_wanted(self, wanted: bool) -> None:
        """Read while the panel's view is shown; stop when it is hidden."""
        self.wanted = wanted
        if wanted:
            self.request(0.0)
        else:
            self._timer.stop()

    def _on_started(self, _url: str) -> None:
        self.connected = None  # a new core: ask again
        if self.wanted:
            self.request(0.0)

    def _on_run_event(self, event: Any) -> None:
        if self.connected and getattr(event, "kind", "") in _RUN_KINDS:
            self.request(0.0)

    def request(self, after: float) -> None:
        """Read ``after`` seconds from now, but never within ``min_interval`` of the last read."""
        if not self.wanted or self.connected is False or self._in_flight:
            return
        due = max(time.monotonic() + after, self._last_read + self.min_interval)
        wait_ms = max(0, round((due - time.monotonic()) * 1000))
        if self._timer.isActive() and self._timer.remainingTime() <= wait_ms:
            return  # an earlier read is already planned
        self._timer.start(wait_ms)

    def _read(self) -> None:
        if not self.bridge.running or not self.wanted:
            return
        self._in_flight = True
        self._last_read = time.monotonic()
        self.reads += 1

        def read(rt: Any) -> Any:
            import asyncio  # here, not at the top: the Overview is built before the window's first paint

            from flowdesk.gui.workers_data import read_workers  # loads the cluster side: on the core thread

            return asyncio.to_thread(read_workers, rt)  # the database may be slow or away: not on the loop

        self.bridge.submit(read, self._on_read, self._on_error)

    def _on_read(self, snapshot: Any) -> None:
        self._in_flight = False
        self.connected = snapshot is not None
        self.changed.emit(snapshot)
        if snapshot is not None:
            self._period_ms = max(round(self.min_interval * 1000), round(snapshot.heartbeat_interval * 1000))
            self.request(self._period_ms / 1000)

    def _on_error(self, exc: object) -> None:
        self._in_flight = False
        self.failed.emit(str(exc))
        self.request(self._period_ms / 1000)
