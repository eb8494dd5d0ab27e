"""Live numbers for the rail, the status bar and the Overview: run events coalesced into at most one store read a second.

Reads run on the core thread (the GUI never waits on the database); results come back as signals.
The Overview's heavier read happens only while the Overview is shown; credentials are re-read at
start, after a workspace reload and every minute (they change with files, not with runs).
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Any

from flowdesk.gui.activity import Activity
from flowdesk.gui.core_bridge import CoreBridge
from flowdesk.gui.qt import QObject, QTimer, Signal

SEEN_SETTING = "gui.failures_seen_at"  # store setting: when the user last looked at the runs
MIN_INTERVAL_MS = 1000
TICK_MS = 30_000  # relative times ("in 12 min") and the day's boundary move without run events
CREDENTIALS_MS = 60_000
CREDENTIALS_HIDDEN_EVERY = 5  # ticks of CREDENTIALS_MS: every 5 minutes while the window is in the tray
_RUN_KINDS = {"queued", "started", "finished"}


class LiveStats(QObject):
    """One per window: ``activity_changed``, ``overview_changed`` and ``credentials_changed`` carry fresh data."""

    activity_changed = Signal(object)  # Activity
    overview_changed = Signal(object)  # OverviewData
    credentials_changed = Signal(object)  # list[CredentialIssue]

    def __init__(self, bridge: CoreBridge, parent: QObject | None = None, min_interval_ms: int = MIN_INTERVAL_MS) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.min_interval = min_interval_ms / 1000
        self.overview_wanted = False
        self.activity = Activity()
        self.reads = 0  # store reads done (tests check the coalescing)
        self._last_read = time.monotonic() - self.min_interval
        self._in_flight = False
        self._dirty = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._read)
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self._on_tick)
        self._credentials_timer = QTimer(self)
        self._credentials_timer.setInterval(CREDENTIALS_MS)
        self._credentials_timer.timeout.connect(self._on_credentials_tick)
        self._credentials_ticks = 0
        bridge.run_event.connect(self._on_run_event)
        bridge.reloaded.connect(lambda _report: (self.request(), self.refresh_credentials()))
        bridge.started.connect(lambda _url: self.start())
        bridge.stopped.connect(self.stop)
        if bridge.running:
            self.start()

    def start(self) -> None:
        """First reads, then the slow ticks."""
        self._tick.start()
        self._credentials_timer.start()
        self.request()
        self.refresh_credentials()

    def stop(self) -> None:
        """No more reads (the core stopped)."""
        self._timer.stop()
        self._tick.stop()
        self._credentials_timer.stop()

    def want_overview(self, wanted: bool) -> None:
        """Read the Overview's data too (while it is shown)."""
        self.overview_wanted = wanted
        if wanted:
            self.request()

    def _on_credentials_tick(self) -> None:
        # Reading every tool's profiles and tokens is the costliest idle work: rarer while nobody looks.
        self._credentials_ticks += 1
        window = self.parent()
        hidden = window is not None and hasattr(window, "isVisible") and not window.isVisible()
        if not hidden or self._credentials_ticks % CREDENTIALS_HIDDEN_EVERY == 0:
            self.refresh_credentials()

    def _on_tick(self) -> None:
        # Only relative times move without run events: nothing to refresh while the window is hidden (tray).
        window = self.parent()
        if window is None or not hasattr(window, "isVisible") or window.isVisible():
            self.request()

    def _on_run_event(self, event: Any) -> None:
        if getattr(event, "kind", "") in _RUN_KINDS:
            self.request()

    def request(self) -> None:
        """Ask for fresh numbers: read now if the last read is a second old, else once the second is up."""
        if self._in_flight:
            self._dirty = True
            return
        if self._timer.isActive():
            return
        wait = self._last_read + self.min_interval - time.monotonic()
        self._timer.start(max(0, round(wait * 1000)))

    def _read(self) -> None:
        if not self.bridge.running:
            return
        self._in_flight = True
        self._last_read = time.monotonic()
        self.reads += 1
        overview = self.overview_wanted

        def read(rt: Any) -> tuple[Activity, Any]:
            # Imported here, on the core thread: they load the core, which must not delay the first paint.
            from flowdesk.gui.overview_data import read_activity, read_overview

            seen = rt.store.get_setting(SEEN_SETTING)
            seen_at = datetime.fromisoformat(seen) if seen else None
            return read_activity(rt, seen_at), read_overview(rt) if overview else None

        self.bridge.submit(read, self._on_read, lambda _exc: self._done())

    def _on_read(self, result: tuple[Activity, Any]) -> None:
        activity, overview = result
        self.activity = activity
        self.activity_changed.emit(activity)
        if overview is not None:
            self.overview_changed.emit(overview)
        self._done()

    def _done(self) -> None:
        self._in_flight = False
        if self._dirty:
            self._dirty = False
            self.request()

    def mark_failures_seen(self) -> None:
        """The user looked at the runs: the failures badge starts again from zero."""
        now = datetime.now(timezone.utc).isoformat()
        self.activity = Activity(self.activity.running, self.activity.queued, 0)
        self.activity_changed.emit(self.activity)
        if self.bridge.running:
            self.bridge.submit(lambda rt: rt.store.set_setting(SEEN_SETTING, now), lambda _: self.request())

    def refresh_credentials(self) -> None:
        """Re-read which tool profiles need attention (file reads, off the core loop too)."""
        if self.bridge.running:
            import asyncio  # not at the top: the window paints before asyncio loads

            from flowdesk.gui.overview_data import read_credential_issues  # the core is loaded by now

            self.bridge.submit(lambda rt: asyncio.to_thread(read_credential_issues, rt),
                               self.credentials_changed.emit, lambda _exc: None)
