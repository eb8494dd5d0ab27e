"""The top of the run inspector: status and trigger chips, workflow, queued/started/finished with durations, run id."""

from __future__ import annotations

from datetime import datetime, timezone

from flowdesk.core.store import RunRecord
from flowdesk.gui.i18n import run_text
from flowdesk.gui.qt import QGridLayout, QHBoxLayout, QLabel, QPushButton, Qt, QTimer, QVBoxLayout, QWidget, Signal
from flowdesk.gui.theme.icons import icon
from flowdesk.gui.theme.status_look import TRIGGER_ICONS
from flowdesk.gui.time_text import short_duration
from flowdesk.gui.widgets.chips import Chip, ChipRow, status_chip
from flowdesk.gui.widgets.copy_button import CopyButton
from flowdesk.gui.widgets.input_widgets import monospace_font


def clock(moment: datetime | None) -> str:
    """A stored time in the machine's zone, to the millisecond; an em dash when missing."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] if moment else "—"


class RunHeader(QWidget):
    """Shows one RunRecord; ticks every second while the run is unfinished (elapsed time)."""

    workflow_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, short_id: bool = False) -> None:
        super().__init__(parent)
        self.record: RunRecord | None = None
        self.short_id = short_id  # a narrow pane: the id's first 12 characters (the copy button copies it whole)
        self.chips = ChipRow()
        self.workflow = QPushButton()
        self.workflow.setFlat(True)
        self.workflow.setObjectName("linkButton")
        self.workflow.setIcon(icon("flow-arrow"))
        self.workflow.setToolTip(self.tr("Open the workflow"))
        self.workflow.setAccessibleName(self.tr("Open the workflow"))
        self.workflow.clicked.connect(lambda: self.record and self.workflow_requested.emit(self.record.workflow))
        self.run_id = QLabel()
        self.run_id.setFont(monospace_font())
        self.run_id.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy_id = CopyButton(lambda: self.record.id if self.record else "", self.tr("Copy the run id"))
        self.lineage = QLabel()
        self.lineage.setObjectName("mutedText")
        top = QHBoxLayout()
        top.addWidget(self.workflow)
        top.addWidget(self.chips)
        top.addWidget(self.lineage)
        top.addStretch(1)
        top.addWidget(self.run_id)
        top.addWidget(self.copy_id)
        self.times: dict[str, tuple[QLabel, QLabel]] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        for column, (key, title) in enumerate((("queued", self.tr("Queued")), ("started", self.tr("Started")),
                                               ("finished", self.tr("Finished")))):
            caption = QLabel(title)
            caption.setObjectName("mutedText")
            value, extra = QLabel("—"), QLabel()
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            extra.setObjectName("mutedText")
            grid.addWidget(caption, 0, column)
            grid.addWidget(value, 1, column)
            grid.addWidget(extra, 2, column)
            self.times[key] = (value, extra)
        grid.setColumnStretch(3, 1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(grid)
        layout.addWidget(self.message)
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._update_times)

    def set_record(self, record: RunRecord | None) -> None:
        """Show a run (None: empty)."""
        self.record = record
        if record is None:
            self.workflow.setText("")
            self.chips.set_chips([])
            self.run_id.clear()
            self.run_id.setToolTip("")
            self.lineage.clear()
            self.message.clear()
            for value, extra in self.times.values():
                value.setText("—")
                extra.clear()
            self._tick.stop()
            return
        self.workflow.setText(record.workflow)
        trigger = Chip(record.trigger, TRIGGER_ICONS.get(record.trigger))
        self.chips.set_chips([status_chip(record.status), trigger])
        self.run_id.setText(record.id[:12] + "…" if self.short_id else record.id)
        self.run_id.setToolTip(record.id)
        lineage = []
        if record.attempt > 1:
            lineage.append(self.tr("attempt %1").replace("%1", str(record.attempt)))
        if record.parent_run_id:
            lineage.append(self.tr("after %1").replace("%1", record.parent_run_id[:12]))
        self.lineage.setText(" · ".join(lineage))
        self.message.setText(run_text(record.message))
        self.message.setVisible(bool(record.message))
        self._update_times()
        if record.finished:
            self._tick.stop()
        else:
            self._tick.start()

    def _update_times(self) -> None:
        record = self.record
        if record is None:
            return
        now = datetime.now(timezone.utc)
        self.times["queued"][0].setText(clock(record.queued_at))
        self.times["started"][0].setText(clock(record.started_at))
        self.times["finished"][0].setText(clock(record.finished_at))
        waited = ((record.started_at or now) - record.queued_at).total_seconds()
        self.times["queued"][1].setText("")
        self.times["started"][1].setText(self.tr("waited %1").replace("%1", short_duration(max(0.0, waited)))
                                         if record.started_at or not record.finished else "")
        if record.finished:
            took = record.duration
            self.times["finished"][1].setText(self.tr("took %1").replace("%1", short_duration(took)))
        elif record.started_at is not None:
            elapsed = (now - record.started_at).total_seconds()
            self.times["finished"][1].setText(self.tr("running for %1").replace("%1", short_duration(elapsed)))
        else:
            self.times["finished"][1].setText("")
