"""The messages shown on the tray icon, remembered so that a click opens what the message on screen is about.

``QSystemTrayIcon.messageClicked`` names the icon, not the message. On most platforms a new message
replaces the previous one, so while the last message is still displayed it is the one clicked. Once its
display time (the timeout given to ``showMessage``) has passed, the click may come from an older entry in
the system's notification list, and nothing says which: the click then opens the message's ``fallback``,
a list where every candidate is (the Runs view filtered to failures), never a run it may not be about.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from flowdesk.gui.qt import QObject, QSystemTrayIcon, Signal

DISPLAY_MS = 10_000  # how long a notification stays on screen (asked of the platform)

# What a click opens: ("run", id) the inspector on a run; ("runs", workflow or "", status or "") the Runs view
# filtered (status "failed" = error or timeout); ("credential", tool, profile) the fix; () nothing.
Target = tuple[str, ...]
FAILURES: Target = ("runs", "", "failed")
ALL_RUNS: Target = ("runs", "", "")


@dataclass(frozen=True)
class TrayMessage:
    """One message as shown: its words, what a click opens while it is displayed, and once it is not."""

    title: str
    body: str
    target: Target
    fallback: Target
    shown_at: float  # monotonic seconds
    timeout_ms: int

    def displayed(self, now: float) -> bool:
        """Whether the message is still on screen at ``now`` (monotonic seconds)."""
        return now - self.shown_at <= self.timeout_ms / 1000


class TrayMessages(QObject):
    """Shows messages on one tray icon (or only records them, without one) and turns clicks into targets."""

    clicked = Signal(object)  # Target: what the clicked message leads to

    def __init__(self, icon: QSystemTrayIcon | None, parent: QObject | None = None, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent if parent is not None else icon)
        self.icon = icon
        self.clock = clock
        self.last: TrayMessage | None = None
        if icon is not None:
            icon.messageClicked.connect(self.on_clicked)

    @staticmethod
    def of(icon: QSystemTrayIcon) -> TrayMessages:
        """The one tracker of ``icon`` (the tray and the notifier share it, so either's last message counts)."""
        found = icon.findChild(TrayMessages)
        return found if found is not None else TrayMessages(icon)

    def show(self, title: str, body: str, level: QSystemTrayIcon.MessageIcon, target: Target,
             fallback: Target = FAILURES, timeout_ms: int = DISPLAY_MS) -> TrayMessage:
        """Show a message (when the desktop can) and remember it as the one a click is about."""
        message = TrayMessage(title, body, target, fallback, self.clock(), timeout_ms)
        self.last = message
        icon = self.icon
        if icon is not None and icon.isVisible() and QSystemTrayIcon.supportsMessages():
            icon.showMessage(title, body or " ", level, timeout_ms)
        return message

    def target_of_click(self) -> Target:
        """What a click now opens: the last message's target while it is displayed, else its fallback."""
        message = self.last
        if message is None:
            return ()
        return message.target if message.displayed(self.clock()) else message.fallback

    def on_clicked(self) -> None:
        """The platform says a message of this icon was clicked."""
        target = self.target_of_click()
        if target:
            self.clicked.emit(target)
