"""The status bar's contents: the listener URL (click to copy), the scheduler's state, runs running and queued."""

from __future__ import annotations

from flowdesk.gui.qt import QGuiApplication, QHBoxLayout, QLabel, QSize, Qt, QToolButton, QWidget, Signal
from flowdesk.gui.theme.icons import icon


class StatusStrip(QWidget):
    """Three parts, left to right; ``copied(url)`` after the URL was put on the clipboard."""

    copied = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.url = ""
        self.url_button = QToolButton()
        self.url_button.setIconSize(QSize(14, 14))
        self._icon_set = False
        self.url_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.url_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.url_button.setToolTip(self.tr("Click to copy the listener's address"))
        self.url_button.setText(self.tr("Starting FlowDesk…"))
        self.url_button.clicked.connect(self.copy_url)
        self.scheduler = QLabel()
        self.activity = QLabel()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.setSpacing(12)
        layout.addWidget(self.url_button)
        layout.addWidget(self.scheduler)
        layout.addStretch(1)
        layout.addWidget(self.activity)

    def set_url(self, url: str) -> None:
        """The listener's base URL (the core is up: the window is on screen, the icon font may load)."""
        if not self._icon_set:
            self._icon_set = True
            self.url_button.setIcon(icon("link", "text_muted"))
        self.url = url
        self.url_button.setText(self.tr("Listening on %s") % url if url else self.tr("Not listening"))

    def set_failed(self, message: str) -> None:
        """The core could not start."""
        self.url_button.setText(self.tr("Core failed to start: %s") % message)

    def set_scheduler(self, running: bool, paused: bool, jobs: int) -> None:
        """Scheduler on (with its job count), paused, or off."""
        if not running:
            text = self.tr("scheduler off")
        elif paused:
            text = self.tr("scheduler paused (%n jobs)", "", jobs)
        else:
            text = self.tr("scheduler on (%n jobs)", "", jobs)
        self.scheduler.setText(text)

    def set_activity(self, running: int, queued: int) -> None:
        """Runs going on now."""
        self.activity.setText(self.tr("%1 running · %2 queued").replace("%1", str(running)).replace("%2", str(queued)))

    def copy_url(self) -> None:
        """Put the listener URL on the clipboard."""
        if self.url:
            QGuiApplication.clipboard().setText(self.url)
            self.copied.emit(self.url)

    def text(self) -> str:
        """Everything shown, as one line (tests, accessibility)."""
        return "  ·  ".join(t for t in (self.url_button.text(), self.scheduler.text(), self.activity.text()) if t)
