"""A workflow's last runs as a sparkline: one bar per run (oldest left), height by duration, colour by status,
a tooltip per bar; as a widget and as a table cell delegate."""

from __future__ import annotations

from datetime import datetime, timezone

from flowdesk.core.store.overview_queries import RunBar
from flowdesk.gui.qt import (
    QColor,
    QEvent,
    QHelpEvent,
    QModelIndex,
    QPainter,
    QPaintEvent,
    QRect,
    QSize,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    Qt,
    QToolTip,
    QWidget,
)
from flowdesk.gui.theme import theme_state
from flowdesk.gui.theme.status_look import status_look
from flowdesk.gui.theme.tokens import STATUS_TOKENS
from flowdesk.gui.time_text import exact, short_duration

BARS_ROLE = Qt.ItemDataRole.UserRole + 21  # list[RunBar] a cell shows as a sparkline
MIN_SHARE = 0.22  # the shortest run still gets a visible bar
UNFINISHED_SHARE = 0.35


def bar_rects(bars: list[RunBar], area: QRect, bar_width: int = 5, gap: int = 1) -> list[QRect]:
    """Where each bar goes in ``area``: bottom-aligned, height by duration relative to the longest run shown."""
    longest = max((b.duration for b in bars if b.duration), default=0.0)
    height = max(4, area.height())
    width = min(bar_width, max(2, (area.width() - gap * max(0, len(bars) - 1)) // max(1, len(bars))))
    rects = []
    for i, bar in enumerate(bars):
        if bar.duration is None:
            share = UNFINISHED_SHARE
        else:
            share = MIN_SHARE + (1 - MIN_SHARE) * (bar.duration / longest if longest else 0.0)
        h = max(3, round(height * share))
        rects.append(QRect(area.left() + i * (width + gap), area.bottom() - h + 1, width, h))
    return rects


def cell_bar_area(cell: QRect) -> QRect:
    """Where a table cell's bars go: inside its padding, clear of the row's top and bottom."""
    return cell.adjusted(8, 9, -6, -9)


def bar_tooltip(bar: RunBar) -> str:
    """``failed · 2.4 s · Mon 24 Nov 2026 08:00 (CET)``."""
    return " · ".join([status_look(bar.status).word, short_duration(bar.duration), exact(bar.queued_at)])


def paint_bars(painter: QPainter, bars: list[RunBar], rects: list[QRect]) -> None:
    """Fill each bar with its status colour (rounded tops)."""
    palette = theme_state.palette()
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    for bar, rect in zip(bars, rects):
        token = STATUS_TOKENS.get(bar.status, "text_muted")
        painter.setBrush(QColor(getattr(palette, token)))
        painter.drawRoundedRect(rect, 1.5, 1.5)
    painter.restore()


def bars_from_statuses(statuses: list[str]) -> list[RunBar]:
    """Bars without durations or times (only statuses known)."""
    epoch = datetime.fromtimestamp(0, timezone.utc)
    return [RunBar("", s, None, epoch) for s in statuses]


class RunSparkline(QWidget):
    """The widget: ``set_runs(bars)``; hovering a bar shows its run's status, duration and time."""

    def __init__(self, parent: QWidget | None = None, bar_width: int = 7, gap: int = 2) -> None:
        super().__init__(parent)
        self.bars: list[RunBar] = []
        self.bar_width = bar_width
        self.gap = gap
        self.setMinimumHeight(28)
        self.setToolTip(self.tr("No runs yet"))

    @property
    def statuses(self) -> list[str]:
        """The statuses shown, oldest first."""
        return [b.status for b in self.bars]

    def set_runs(self, bars: list[RunBar]) -> None:
        """Show these runs (oldest first), e.g. from ``overview_queries.recent_runs``."""
        self.bars = list(bars)
        self.setToolTip(self.tr("Last %n run(s)").replace("%n", str(len(self.bars))) if self.bars
                        else self.tr("No runs yet"))
        self.updateGeometry()
        self.update()

    def set_statuses(self, statuses: list[str]) -> None:
        """Show runs known only by their status (equal heights)."""
        self.set_runs(bars_from_statuses(statuses))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """Wide enough for every bar."""
        return QSize(max(60, len(self.bars) * (self.bar_width + self.gap)), 30)

    def bar_rects(self) -> list[QRect]:
        """Where each bar is drawn (also used by tests)."""
        return bar_rects(self.bars, QRect(0, 2, self.width(), self.height() - 3), self.bar_width, self.gap)

    def event(self, event: QEvent) -> bool:
        """A tooltip for the bar under the mouse."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            for bar, rect in zip(self.bars, self.bar_rects()):
                if rect.adjusted(-1, -40, 1, 0).contains(event.pos()):
                    QToolTip.showText(event.globalPos(), bar_tooltip(bar), self, rect)
                    return True
        return super().event(event)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """Bars, or a dim "no runs yet"."""
        painter = QPainter(self)
        try:
            if not self.bars:
                painter.setPen(QColor(theme_state.palette().text_muted))
                painter.drawText(self.rect(), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                                 self.tr("no runs yet"))
                return
            paint_bars(painter, self.bars, self.bar_rects())
        finally:
            painter.end()


class SparklineDelegate(QStyledItemDelegate):
    """Paints a cell's BARS_ROLE runs as a sparkline; a tooltip per bar."""

    @staticmethod
    def _area(option: QStyleOptionViewItem) -> QRect:
        return cell_bar_area(option.rect)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        """The usual background and selection, then the bars (or a dim "no runs yet")."""
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        bars = index.data(BARS_ROLE) or []
        opt.text = "" if bars else self.tr("no runs yet")
        if not bars:
            opt.palette.setColor(opt.palette.ColorRole.Text, QColor(theme_state.palette().text_muted))
        style = opt.widget.style() if opt.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        if bars:
            paint_bars(painter, bars, bar_rects(bars, self._area(option)))

    def helpEvent(self, event: QHelpEvent, view: object, option: QStyleOptionViewItem,  # noqa: N802 - Qt API
                  index: QModelIndex) -> bool:
        """The run under the mouse: status, duration, time."""
        bars = index.data(BARS_ROLE) or []
        if event.type() == QEvent.Type.ToolTip and bars:
            for bar, rect in zip(bars, bar_rects(bars, self._area(option))):
                if rect.adjusted(-1, -40, 1, 8).contains(event.pos()):
                    QToolTip.showText(event.globalPos(), bar_tooltip(bar), view, rect)  # type: ignore[arg-type]
                    return True
        return super().helpEvent(event, view, option, index)  # type: ignore[arg-type]

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802 - Qt override
        """Twenty bars."""
        return QSize(20 * 6 + 14, 30)
