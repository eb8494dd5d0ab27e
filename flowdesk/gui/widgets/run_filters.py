"""The filter bar of the runs history: workflow, status, trigger and a date range, as list_runs() arguments."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from flowdesk.core.store import STATUSES, TRIGGERS
from flowdesk.gui.qt import QCheckBox, QComboBox, QDate, QDateEdit, QHBoxLayout, QWidget, Signal
from flowdesk.gui.theme.status_look import status_look

_STATUS_ORDER = ("success", "error", "timeout", "skipped", "interrupted", "running", "queued")
FAILED = "failed"  # the status choice that means error or timeout (a notification's summary opens it)
FAILED_STATUSES = ("error", "timeout")


def _local_midnight(day: date) -> datetime:
    """Start of ``day`` in the machine's zone, as an aware datetime."""
    return datetime.combine(day, time.min).astimezone()


class RunFilterBar(QWidget):
    """Combos and an optional From / To date; ``changed`` fires on any edit."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workflow = QComboBox()
        self.workflow.setMinimumContentsLength(16)
        self.workflow.addItem(self.tr("All workflows"), None)
        self.status = QComboBox()
        self.status.addItem(self.tr("All statuses"), None)
        self.status.addItem(self.tr("failed or timed out"), FAILED)
        for status in [*_STATUS_ORDER, *sorted(set(STATUSES) - set(_STATUS_ORDER))]:
            self.status.addItem(status_look(status).word, status)
        self.trigger = QComboBox()
        self.trigger.addItem(self.tr("All triggers"), None)
        for trigger in sorted(TRIGGERS):
            self.trigger.addItem(trigger, trigger)
        today = QDate.currentDate()
        self.from_box, self.to_box = QCheckBox(self.tr("From")), QCheckBox(self.tr("To"))
        self.from_date, self.to_date = QDateEdit(today.addDays(-7)), QDateEdit(today)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.workflow, self.status, self.trigger):
            layout.addWidget(widget)
            widget.currentIndexChanged.connect(self.changed)
        for box, edit in ((self.from_box, self.from_date), (self.to_box, self.to_date)):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
            box.toggled.connect(edit.setEnabled)
            box.toggled.connect(self.changed)
            edit.dateChanged.connect(self.changed)
            layout.addWidget(box)
            layout.addWidget(edit)
        layout.addStretch(1)

    def set_workflows(self, slugs: list[str]) -> None:
        """The workflow choices (the current one is kept, even when it no longer exists)."""
        current = self.workflow.currentData()
        wanted = sorted(set(slugs) | ({current} if current else set()))
        if [self.workflow.itemData(i) for i in range(1, self.workflow.count())] == wanted:
            return
        self.workflow.blockSignals(True)
        self.workflow.clear()
        self.workflow.addItem(self.tr("All workflows"), None)
        for slug in wanted:
            self.workflow.addItem(slug, slug)
        self.workflow.setCurrentIndex(max(0, self.workflow.findData(current)) if current else 0)
        self.workflow.blockSignals(False)

    def _choose(self, combo: QComboBox, value: str | None) -> None:
        if value is not None and combo.findData(value) < 0:
            combo.addItem(value, value)
        combo.setCurrentIndex(combo.findData(value) if value is not None else 0)

    def set_filters(self, workflow: str | None = None, status: str | None = None, trigger: str | None = None,
                    since: date | None = None, until: date | None = None) -> None:
        """Set every filter at once (one ``changed``); None means "all"."""
        self.blockSignals(True)
        self._choose(self.workflow, workflow)
        self._choose(self.status, status)
        self._choose(self.trigger, trigger)
        for box, edit, day in ((self.from_box, self.from_date, since), (self.to_box, self.to_date, until)):
            box.setChecked(day is not None)
            if day is not None:
                edit.setDate(QDate(day.year, day.month, day.day))
        self.blockSignals(False)
        self.changed.emit()

    def query(self) -> dict[str, Any]:
        """Keyword arguments for ``store.list_runs`` / ``count_runs`` (dates: whole local days)."""
        since = _local_midnight(self.from_date.date().toPython()) if self.from_box.isChecked() else None
        until = (_local_midnight(self.to_date.date().toPython() + timedelta(days=1))
                 if self.to_box.isChecked() else None)
        status = self.status.currentData()
        return {"workflow": self.workflow.currentData(), "status": FAILED_STATUSES if status == FAILED else status,
                "trigger": self.trigger.currentData(), "since": since, "until": until}
