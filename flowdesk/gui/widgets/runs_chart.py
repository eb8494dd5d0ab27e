"""Runs per day over the last 14 days, stacked by status (QtCharts), in the theme's state colours.

QtCharts loads (and the chart is built) right after the widget is first painted, not with it: the
Overview's frame and tiles reach the screen first, and a window hidden before then (started into the
tray) never loads QtCharts until it is shown.
"""

from __future__ import annotations

from datetime import date

from flowdesk.gui.qt import (
    QColor,
    QCoreApplication,
    QCursor,
    QFont,
    QMargins,
    QPainter,
    QPaintEvent,
    QPen,
    Qt,
    QTimer,
    QToolTip,
    QVBoxLayout,
    QWidget,
    load_charts,
)
from flowdesk.gui.theme import theme_state
from flowdesk.gui.theme.tokens import FONT_SMALL

# Stacked groups, bottom to top: (word, colour token, statuses counted).
GROUPS: list[tuple[str, str, tuple[str, ...]]] = [
    ("success", "success", ("success",)),
    ("failed", "danger", ("error", "timeout")),
    ("skipped or interrupted", "skipped", ("skipped", "interrupted")),
    ("running or queued", "running", ("running", "queued")),
]


def _tr(text: str) -> str:
    return QCoreApplication.translate("RunsChart", text)


def nice_axis(value: int) -> tuple[int, int]:
    """A round axis maximum at or above ``value`` (1, 2 or 5 × 10^n, at least 5) and a tick count giving
    round steps (0, 10, 20 ... 50)."""
    value = max(5, value)
    step = 1
    while True:
        for m in (1, 2, 5):
            if m * step >= value:
                return m * step, 5 if m == 2 else 6
        step *= 10


def day_labels(days: list[date]) -> list[str]:
    """Day numbers (the months are in the chart's title, the full date in each bar's tooltip)."""
    return [str(d.day) for d in days]


def span_text(days: list[date]) -> str:
    """``23 Nov – 6 Dec``."""
    return f"{days[0]:%d %b} – {days[-1]:%d %b}".lstrip("0").replace(" 0", " ") if days else ""


class RunsChart(QWidget):
    """A stacked bar chart; ``set_data(days, per_day)`` with per_day[i] = {status: count}."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.days: list[date] = []
        self.per_day: list[dict[str, int]] = []
        self.chart = None  # QChart, series, sets, axes and view: built by ensure_built()
        self.sets: list = []
        self._build_queued = False
        self.setMinimumHeight(170)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """First painted (empty): build the chart on the event loop's next turn, once this paint is on screen."""
        super().paintEvent(event)
        if self.chart is None and not self._build_queued:
            self._build_queued = True
            QTimer.singleShot(0, self._build_if_shown)

    def _build_if_shown(self) -> None:
        self._build_queued = False
        if self.isVisible():  # else the next paint asks again
            self.ensure_built()

    def ensure_built(self) -> None:
        """Load QtCharts and build the chart (once), showing the data set so far."""
        if self.chart is not None:
            return
        charts = load_charts()
        self.chart = charts.QChart()
        self.chart.setAnimationOptions(charts.QChart.AnimationOption.NoAnimation)
        self.chart.setBackgroundVisible(False)
        self.chart.setPlotAreaBackgroundVisible(False)
        self.chart.layout().setContentsMargins(0, 0, 0, 0)
        self.chart.setMargins(QMargins(4, 4, 4, 0))
        self.series = charts.QStackedBarSeries()
        self.series.setBarWidth(0.6)
        for word, _token, _statuses in GROUPS:
            bar_set = charts.QBarSet(_tr(word))
            bar_set.setBorderColor(QColor(0, 0, 0, 0))
            self.series.append(bar_set)
            self.sets.append(bar_set)
        self.series.hovered.connect(self._on_hover)
        self.chart.addSeries(self.series)
        self.axis_x = charts.QBarCategoryAxis()
        self.axis_y = charts.QValueAxis()
        self.axis_y.setLabelFormat("%d")
        self.axis_y.setTickCount(5)
        self.chart.addAxis(self.axis_x, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(self.axis_y, Qt.AlignmentFlag.AlignLeft)
        self.series.attachAxis(self.axis_x)
        self.series.attachAxis(self.axis_y)
        legend = self.chart.legend()
        legend.setAlignment(Qt.AlignmentFlag.AlignBottom)
        font = QFont(self.font())
        font.setPixelSize(FONT_SMALL)
        legend.setFont(font)
        self.axis_x.setLabelsFont(font)
        self.axis_y.setLabelsFont(font)
        self.view = charts.QChartView(self.chart)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setStyleSheet("background: transparent; border: none;")
        self.view.setMinimumHeight(170)
        self.layout().addWidget(self.view)
        self.apply_palette()
        self._show()

    def set_data(self, days: list[date], per_day: list[dict[str, int]]) -> None:
        """Show these days (oldest first) and their counts per status."""
        self.days, self.per_day = list(days), [dict(d) for d in per_day]
        if self.chart is not None:
            self._show()

    def _show(self) -> None:
        for bar_set, (_word, _token, statuses) in zip(self.sets, GROUPS):
            bar_set.remove(0, bar_set.count())
            bar_set.append([float(sum(d.get(s, 0) for s in statuses)) for d in self.per_day])
        self.axis_x.clear()
        self.axis_x.append(day_labels(self.days))
        top, ticks = nice_axis(max((sum(d.values()) for d in self.per_day), default=0))
        self.axis_y.setRange(0, top)
        self.axis_y.setTickCount(ticks)

    def totals(self) -> list[int]:
        """Runs per day as drawn (tests compare them with the store)."""
        self.ensure_built()
        return [round(sum(s.at(i) for s in self.sets)) for i in range(len(self.days))]

    def apply_palette(self) -> None:
        """Colours from the palette in force (called again after a theme switch)."""
        if self.chart is None:
            return  # ensure_built() applies them
        p = theme_state.palette()
        for bar_set, (_word, token, _statuses) in zip(self.sets, GROUPS):
            bar_set.setColor(QColor(getattr(p, token)))
            bar_set.setBorderColor(QColor(getattr(p, token)))
        text, grid = QColor(p.text_muted), QColor(p.border)
        for axis in (self.axis_x, self.axis_y):
            axis.setLabelsColor(text)
            axis.setLinePen(QPen(grid))
            axis.setGridLinePen(QPen(grid, 1, Qt.PenStyle.DotLine))
        self.axis_x.setGridLineVisible(False)
        self.chart.legend().setLabelColor(QColor(p.text))

    def _on_hover(self, status: bool, index: int, bar_set: object) -> None:
        if not status or not (0 <= index < len(self.days)):
            QToolTip.hideText()
            return
        day = self.days[index]
        counts = self.per_day[index]
        lines = [f"{day:%A %d %B}: " + _tr("%n run(s)").replace("%n", str(sum(counts.values())))]
        lines += [f"  {status_name}: {n}" for status_name, n in sorted(counts.items(), key=lambda kv: -kv[1])]
        QToolTip.showText(QCursor.pos(), "\n".join(lines), self)
