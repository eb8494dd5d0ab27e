"""After a run skipped with "reconnect TOOL (profile P)": open Google's consent, wait for the token, then say so."""

from __future__ import annotations

import re
import time

from flowdesk.gui.core_bridge import CoreBridge
from flowdesk.gui.oauth_actions import start_google_connect
from flowdesk.gui.qt import QDesktopServices, QObject, QTimer, QUrl, Signal

RECONNECT_RE = re.compile(r"reconnect (?P<tool>[\w-]+) \(profile (?P<profile>[^)]+)\)")
POLL_MS = 2000
GIVE_UP_S = 300


def reconnect_target(text: str | None) -> tuple[str, str] | None:
    """(tool, profile) named by a "reconnect google_calendar (profile WORK)" reason, else None."""
    found = RECONNECT_RE.search(text or "")
    return (found["tool"], found["profile"]) if found else None


class ReconnectOffer(QObject):
    """Starts the consent in the system browser, then checks every 2 s until the tool is usable."""

    connected = Signal()
    failed = Signal(str)

    def __init__(self, bridge: CoreBridge, tool: str, profile: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bridge, self.tool, self.profile = bridge, tool, profile
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._check)
        self._deadline = 0.0

    def start(self) -> None:
        """Open the consent page (the listener finishes the flow), then start checking."""
        service = self.bridge.service
        self.bridge.submit(lambda _rt: start_google_connect(service, self.tool, self.profile),
                           self._opened, lambda exc: self.failed.emit(str(exc)))

    def _opened(self, url: str) -> None:
        QDesktopServices.openUrl(QUrl(url))
        self._deadline = time.monotonic() + GIVE_UP_S
        self._timer.start()

    def _check(self) -> None:
        if time.monotonic() > self._deadline:
            self._timer.stop()
            self.failed.emit(f"{self.tool} (profile {self.profile}) was not connected within {GIVE_UP_S // 60} minutes")
            return
        self.bridge.submit(lambda rt: rt.runs.tool_blocker(self.tool, self.profile) if rt.runs.tool_blocker else None,
                           self._checked)

    def _checked(self, still_blocked: str | None) -> None:
        if still_blocked is None and self._timer.isActive():
            self._timer.stop()
            self.connected.emit()
