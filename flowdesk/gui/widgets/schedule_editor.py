"""Cron schedule + timezone fields checked as you type: the meaning in words and the next 5 fire times."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import available_timezones

from flowdesk.core.cron import CronError, CronSchedule, describe_cron, local_timezone, resolve_timezone
from flowdesk.gui.i18n import error_text, window_language
from flowdesk.gui.qt import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QLabel,
    QLineEdit,
    Qt,
    QWidget,
    Signal,
)
from flowdesk.gui.widgets.status_colors import error_color

NEXT_COUNT = 5


def fire_time_text(moment: datetime) -> str:
    """How a fire time is listed: 'Mon 2026-11-23 09:00 CET' (in the schedule's zone)."""
    return moment.strftime("%a %Y-%m-%d %H:%M %Z")


class ScheduleEditor(QWidget):
    """The ``schedule`` and ``timezone`` keys; ``error`` is None when both are valid (or the schedule is empty)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.schedule_edit = QLineEdit()
        self.schedule_edit.setPlaceholderText(self.tr("cron, e.g. 0 8 * * 1-5 (empty: no schedule)"))
        self.timezone_combo = QComboBox()
        self.timezone_combo.setEditable(True)
        self.timezone_combo.addItem("")
        self.timezone_combo.addItems(sorted(available_timezones()))
        self.timezone_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.timezone_combo.lineEdit().setPlaceholderText(self.tr("the machine's (%1)").replace("%1", str(local_timezone())))
        completer = self.timezone_combo.completer()
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.words_label = QLabel()
        self.words_label.setWordWrap(True)
        self.next_label = QLabel()
        self.next_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("Schedule:"), self.schedule_edit)
        form.addRow("", self.error_label)
        form.addRow(self.tr("Means:"), self.words_label)
        form.addRow(self.tr("Timezone:"), self.timezone_combo)
        form.addRow(self.tr("Next runs:"), self.next_label)
        self.error: str | None = None
        self.next_times: list[datetime] = []
        self.schedule_edit.textChanged.connect(self.update_preview)
        self.timezone_combo.currentTextChanged.connect(self.update_preview)
        self.update_preview()

    def set_values(self, schedule: str | None, timezone: str | None) -> None:
        """Show a config's schedule and timezone."""
        self.schedule_edit.setText(schedule or "")
        self.timezone_combo.setCurrentText(timezone or "")
        self.update_preview()

    def expression(self) -> str | None:
        """The schedule as typed (None when empty)."""
        return self.schedule_edit.text().strip() or None

    def timezone_name(self) -> str | None:
        """The IANA zone (None: the machine's)."""
        return self.timezone_combo.currentText().strip() or None

    def update_preview(self) -> None:
        """Re-check both fields; red border and message on error, else words and next fire times."""
        self.error, self.next_times = None, []
        words, field = "", None
        expression, tz_name = self.expression(), self.timezone_name()
        try:
            tz = resolve_timezone(tz_name)
        except CronError as exc:
            self.error, field = error_text(exc), self.timezone_combo
            tz = None
        if expression and tz is not None:
            try:
                schedule = CronSchedule.parse(expression, tz)
                self.next_times = schedule.next_times(NEXT_COUNT)
                words = describe_cron(expression, window_language())
            except CronError as exc:
                self.error, field = error_text(exc), self.schedule_edit
            except Exception:  # noqa: BLE001 - cron-descriptor cannot word every valid expression
                words = expression
        self._mark(field)
        if self.error:
            self.error_label.setText(self.error)
        self.error_label.setVisible(bool(self.error))
        self.words_label.setText(words or (self.tr("No schedule: the workflow runs only when started.") if not expression else ""))
        self.next_label.setText("\n".join(fire_time_text(t) for t in self.next_times) or "—")
        self.changed.emit()

    def _mark(self, field: QWidget | None) -> None:
        colour = error_color(self).name()
        self.error_label.setStyleSheet(f"color: {colour};")
        for widget in (self.schedule_edit, self.timezone_combo):
            widget.setStyleSheet(f"border: 1px solid {colour};" if widget is field else "")

    def next_time_texts(self) -> list[str]:
        """The next fire times as listed."""
        return [line for line in self.next_label.text().splitlines() if line != "—"]
