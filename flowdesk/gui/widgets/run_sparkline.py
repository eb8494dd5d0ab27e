"""A small custom-painted bar chart of a workflow's recent run statuses (oldest left)."""

from __future__ import annotations

from collections import Counter

from flowdesk.gui.qt import QPainter, QPaintEvent, QPalette, QRect, QSize, Qt, QWidget
from flowdesk.gui.widgets.status_colors import status_color

# Failures stand out by height as well as colour, for colour-blind users.
_HEIGHT = {"success": 0.55, "skipped": 0.35, "queued": 0.35, "running": 0.55}


class RunSparkline(QWidget):
    """One bar per run: colour = status, failures full height; the tooltip counts each status."""

    def __init__(self, parent: QWidget | None = None, bar_width: int = 7, gap: int = 2) -> None:
        super().__init__(parent)
        self.statuses: list[str] = []
        self.bar_width = bar_width
        self.gap = gap
        self.setMinimumHeight(24)

    def set_statuses(self, statuses: list[str]) -> None:
        """Show these statuses (oldest first), e.g. from ``store.recent_statuses(slug)``."""
        self.statuses = list(statuses)
        counts = Counter(self.statuses)
        summary = ", ".join(f"{n} {status}" for status, n in counts.most_common())
        self.setToolTip(f"Last {len(self.statuses)} runs: {summary}" if self.statuses else "No runs yet")
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """Wide enough for every bar."""
        return QSize(max(60, len(self.statuses) * (self.bar_width + self.gap)), 28)

    def bar_rects(self) -> list[QRect]:
        """Where each bar is drawn (also used by tests)."""
        height = self.height() - 2
        rects = []
        for i, status in enumerate(self.statuses):
            h = max(3, round(height * _HEIGHT.get(status, 1.0)))
            rects.append(QRect(i * (self.bar_width + self.gap), self.height() - 1 - h, self.bar_width, h))
        return rects

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """Bars, or a dim "no runs yet" text."""
        painter = QPainter(self)
        try:
            if not self.statuses:
                painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
                painter.drawText(self.rect(), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, "no runs yet")
                return
            painter.setPen(Qt.PenStyle.NoPen)
            for status, rect in zip(self.statuses, self.bar_rects()):
                painter.setBrush(status_color(status, self))
                painter.drawRect(rect)
        finally:
            painter.end()
