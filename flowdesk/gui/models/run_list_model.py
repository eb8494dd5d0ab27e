"""The Runs view's list model: RunTableModel's rows in compact cells (short times, trigger chips, right-aligned
durations) and the widths its columns need, measured in the table's fonts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flowdesk.gui.models.run_table_model import DURATION, QUEUED, STATUS, TRIGGER, WORKFLOW, RunTableModel
from flowdesk.gui.qt import QFont, QFontMetrics, QModelIndex, Qt, QTableView
from flowdesk.gui.theme.status_look import TRIGGER_ICONS
from flowdesk.gui.widgets.chips import CHIPS_ROLE, Chip, chip_font, chip_width, status_chip

WORKFLOW_WIDTH, WORKFLOW_MIN = 140, 100  # slugs elide, the full one in the tooltip
CELL_PAD = 20  # a text cell's padding (6 px each side in the stylesheet) and the style's text margins
CHIP_PAD = 12  # a chip cell's left and right insets
HEADER_PAD = 14  # a column title's padding (6 px each side in the stylesheet)
STATUSES = ("success", "error", "running", "queued", "interrupted", "skipped", "timeout")
COMMON_STATUSES = ("success", "error", "running", "queued", "skipped", "timeout")
_TRIGGER_CHIPS: dict[str, list[Chip]] = {}  # chips are immutable: one list per trigger


def compact_time(moment: datetime, today: date | None = None) -> str:
    """``17:36:04`` for a run of today, ``06 Dec 17:36`` for an older one (the machine's zone; exact in the tooltip)."""
    local = moment.astimezone()
    return local.strftime("%H:%M:%S") if local.date() == (today or date.today()) else local.strftime("%d %b %H:%M")


def trigger_chips(trigger: str) -> list[Chip]:
    """A run's trigger as a neutral chip with its icon (the same icons as the Workflows table)."""
    chips = _TRIGGER_CHIPS.get(trigger)
    if chips is None:
        chips = _TRIGGER_CHIPS[trigger] = [Chip(trigger, TRIGGER_ICONS.get(trigger, "lightning"))]
    return chips


class RunListModel(RunTableModel):
    """The Runs list's cells, compact: today's runs by their time alone, older ones by day and minute; the trigger
    as a chip (its icon alone when the column is narrow); the duration short and right-aligned."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._times: dict[str, str] = {}
        self._times_day = date.today()

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """RunTableModel's cells, with the compact time, the trigger chip and the right-aligned duration."""
        if index.isValid():
            col = index.column()
            if col == QUEUED and role == Qt.ItemDataRole.DisplayRole:
                return self._time(self.runs[index.row()])
            if col == STATUS and role == Qt.ItemDataRole.ToolTipRole:
                return status_chip(self.runs[index.row()].status).text
            if col == TRIGGER and role in (CHIPS_ROLE, Qt.ItemDataRole.ToolTipRole):
                trigger = self.runs[index.row()].trigger
                return trigger_chips(trigger) if role == CHIPS_ROLE else trigger
            if col == DURATION:
                if role == Qt.ItemDataRole.TextAlignmentRole:
                    return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                if role == Qt.ItemDataRole.ToolTipRole:
                    return super().data(index, Qt.ItemDataRole.DisplayRole) or None
        return super().data(index, role)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt API
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The column titles; Duration's right-aligned over its numbers."""
        if section == DURATION and orientation == Qt.Orientation.Horizontal \
                and role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return super().headerData(section, orientation, role)

    def _time(self, run: Any) -> str:
        # Formatted once per run and day (a repaint reads every visible cell).
        today = date.today()
        if today != self._times_day or len(self._times) > 4096:
            self._times, self._times_day = {}, today
        text = self._times.get(run.id)
        if text is None:
            text = self._times[run.id] = compact_time(run.queued_at, today)
        return text


def column_widths(table: QTableView) -> tuple[dict[int, int], dict[int, int]]:
    """The preferred and minimum widths of the short columns, measured in the table's fonts."""
    text, chips = table.fontMetrics(), QFontMetrics(chip_font(table))
    bold = QFont(table.horizontalHeader().font())
    bold.setWeight(QFont.Weight.DemiBold)  # the header's weight in the stylesheet
    title = QFontMetrics(bold).horizontalAdvance(table.model().headerData(DURATION, Qt.Orientation.Horizontal))
    queued = max(text.horizontalAdvance(s) for s in ("23:59:59", "30 Sep 23:59")) + CELL_PAD
    status = max(chip_width(status_chip(s), chips) for s in STATUSES) + CHIP_PAD
    common = max(chip_width(status_chip(s), chips) for s in COMMON_STATUSES) + CHIP_PAD
    trigger = max(chip_width(trigger_chips(t)[0], chips) for t in ("schedule", "webhook", "manual")) + CHIP_PAD
    icon_only = 26 + CHIP_PAD  # paint_chip's compact chip: the icon alone in a 26 px pill
    short = text.horizontalAdvance("999 ms") + CELL_PAD
    preferred = {QUEUED: queued, WORKFLOW: WORKFLOW_WIDTH, STATUS: status, TRIGGER: trigger,
                 DURATION: max(short, title + HEADER_PAD)}
    minimums = {QUEUED: queued, WORKFLOW: WORKFLOW_MIN, STATUS: common, TRIGGER: icon_only, DURATION: short}
    return preferred, minimums
