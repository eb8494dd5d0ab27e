"""One run in full (input, output, error, log, times) whose log streams live while the run goes on."""

from __future__ import annotations

import html
import json
from datetime import datetime
from typing import Any

from flowdesk.core.engine import RunEvent
from flowdesk.core.store import RunRecord
from flowdesk.gui.core_bridge import CoreBridge
from flowdesk.gui.qt import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QObject,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    Qt,
    QTabWidget,
    QTextCursor,
    QVBoxLayout,
    QWidget,
    Signal,
)
from flowdesk.gui.widgets.input_widgets import monospace_font
from flowdesk.gui.widgets.status_colors import status_html

LIVE_LOG_LIMIT = 1_000_000  # characters kept per running run; the store has the full (capped) log at the end


def pretty_json(value: Any) -> str:
    """Indented JSON for display (non-JSON values shown with str())."""
    if value is None:
        return ""
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def local_time(moment: datetime | None) -> str:
    """An aware time in the machine's zone, to the second; "—" when missing."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S") if moment else "—"


def human_duration(seconds: float | None) -> str:
    """1.23 s, 4 min 05 s, 2 h 03 min."""
    if seconds is None:
        return "—"
    if seconds < 60:
        return f"{seconds:.2f} s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


class LiveLogs(QObject):
    """Collects the log chunks of running runs from ``bridge.run_event`` so a detail opened mid-run shows them all.

    ``finished`` is emitted only once the run's final record is in the store: the engine announces the
    end before the run service records it, so the announcement is bounced through the core loop first.
    """

    appended = Signal(str, str)  # run id, text
    started = Signal(str)
    finished = Signal(str)

    def __init__(self, bridge: CoreBridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self._chunks: dict[str, list[str]] = {}
        self._sizes: dict[str, int] = {}
        bridge.run_event.connect(self._on_event)

    def text(self, run_id: str) -> str:
        """What the run printed so far (since this object exists)."""
        return "".join(self._chunks.get(run_id, []))

    def _on_event(self, event: RunEvent) -> None:
        if event.kind == "log":
            text = str(event.payload or "")
            size = self._sizes.get(event.run_id, 0)
            if size < LIVE_LOG_LIMIT:
                self._chunks.setdefault(event.run_id, []).append(text[: LIVE_LOG_LIMIT - size])
                self._sizes[event.run_id] = size + len(text)
            self.appended.emit(event.run_id, text)
        elif event.kind == "started":
            self.started.emit(event.run_id)
        elif event.kind == "finished":
            run_id = event.run_id
            self.bridge.submit(lambda _rt: None, lambda _: self._finished(run_id),
                   lambda _: self._finished(run_id))

    def _finished(self, run_id: str) -> None:
        self._chunks.pop(run_id, None)
        self._sizes.pop(run_id, None)
        self.finished.emit(run_id)


def _text_view() -> QPlainTextEdit:
    view = QPlainTextEdit()
    view.setReadOnly(True)
    view.setFont(monospace_font())
    view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    return view


class RunDetail(QWidget):
    """Header (status, trigger, times), a progress bar while unfinished, and tabs Output / Log / Input / Error."""

    rerun_requested = Signal(object)  # RunRecord: same inputs
    rerun_edit_requested = Signal(object)  # RunRecord: open the form pre-filled
    inspect_requested = Signal(str)  # run id: open it in the run inspector (issue 15)
    run_finished = Signal(object)  # RunRecord: the shown run ended and its final record is loaded

    def __init__(self, bridge: CoreBridge, parent: QWidget | None = None, *, live: LiveLogs | None = None,
                 actions: bool = True) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.live = live or LiveLogs(bridge, self)
        self.record: RunRecord | None = None
        self.run_id: str | None = None
        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.times = {key: QLabel("—") for key in ("queued", "started", "finished", "duration")}
        times = QFormLayout()
        captions = {"queued": self.tr("Queued:"), "started": self.tr("Started:"), "finished": self.tr("Finished:"),
                    "duration": self.tr("Duration:")}
        for key, label in self.times.items():
            times.addRow(captions[key], label)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # indeterminate: a run gives no progress figures
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.output_view, self.log_view, self.input_view, self.error_view = (_text_view() for _ in range(4))
        self.tabs = QTabWidget()
        for view, name in ((self.output_view, self.tr("Output")), (self.log_view, self.tr("Log")),
                           (self.input_view, self.tr("Input")), (self.error_view, self.tr("Error"))):
            self.tabs.addTab(view, name)
        self.rerun_button = QPushButton(self.tr("Re-run"))
        self.rerun_button.setToolTip(self.tr("Run again with the same inputs"))
        self.rerun_edit_button = QPushButton(self.tr("Re-run with edited inputs…"))
        self.rerun_button.clicked.connect(lambda: self.record and self.rerun_requested.emit(self.record))
        self.rerun_edit_button.clicked.connect(lambda: self.record and self.rerun_edit_requested.emit(self.record))
        self.inspect_button = QPushButton(self.tr("Inspect…"))
        self.inspect_button.setToolTip(self.tr("Open this run in the run inspector (or double-click / Enter in the list)"))
        self.inspect_button.clicked.connect(lambda: self.run_id and self.inspect_requested.emit(self.run_id))
        buttons = QHBoxLayout()
        buttons.addWidget(self.rerun_button)
        buttons.addWidget(self.rerun_edit_button)
        buttons.addStretch(1)
        buttons.addWidget(self.inspect_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addLayout(times)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)
        for button in (self.rerun_button, self.rerun_edit_button, self.inspect_button):
            button.setVisible(actions)
            button.setEnabled(False)
        self.live.appended.connect(self._on_log)
        self.live.started.connect(self._on_started)
        self.live.finished.connect(self._on_finished)
        self.clear()

    def clear(self) -> None:
        """Show nothing."""
        self.record, self.run_id = None, None
        self.header.setText("<i>" + self.tr("Select a run to see its details.") + "</i>")
        self.message.clear()
        for label in self.times.values():
            label.setText("—")
        for view in (self.output_view, self.log_view, self.input_view, self.error_view):
            view.clear()
        self.progress.hide()
        self.rerun_button.setEnabled(False)
        self.rerun_edit_button.setEnabled(False)
        self.inspect_button.setEnabled(False)

    def follow(self, run_id: str) -> None:
        """Show a run that was just submitted (its row may be a skipped one already finished)."""
        self.show_run(run_id)

    def show_run(self, run_id: str | None) -> None:
        """Load a run from the store; while it runs, its log grows live."""
        if not run_id:
            self.clear()
            return
        record = self.bridge.runtime.store.get(run_id, include_log=True)
        if record is None:
            self.clear()
            self.run_id = run_id  # announced but not yet written: keep listening for it
            self.header.setText("<i>" + self.tr("Waiting for the run to be recorded…") + "</i>")
            return
        self._show(record)

    def _show(self, record: RunRecord) -> None:
        same = self.run_id == record.id
        self.record, self.run_id = record, record.id
        parent = (" · " + self.tr("re-run of %1").replace("%1", record.parent_run_id[:12])
                  if record.parent_run_id else "")
        attempt = self.tr("attempt %1").replace("%1", str(record.attempt))
        self.header.setText(f"<b>{html.escape(record.workflow)}</b> · {status_html(record.status, self)} · "
                            f"{html.escape(record.trigger)} · {attempt}{parent}"
                            f"<br><small>{record.id}</small>")
        self.times["queued"].setText(local_time(record.queued_at))
        self.times["started"].setText(local_time(record.started_at))
        self.times["finished"].setText(local_time(record.finished_at))
        self.times["duration"].setText(human_duration(record.duration))
        self.message.setText(record.message or "")
        self.output_view.setPlainText(pretty_json(record.output))
        self.input_view.setPlainText(pretty_json(record.input))
        self.error_view.setPlainText(record.error or "")
        if record.finished:
            self.log_view.setPlainText(record.log or "")
        elif not same or not self.log_view.toPlainText():
            self.log_view.setPlainText(self.live.text(record.id))
        self.progress.setVisible(not record.finished)
        self.rerun_button.setEnabled(True)
        self.rerun_edit_button.setEnabled(True)
        self.inspect_button.setEnabled(True)
        if record.error and record.finished and record.status != "success":
            self.tabs.setCurrentWidget(self.error_view)
        elif not record.finished:
            self.tabs.setCurrentWidget(self.log_view)

    def _on_log(self, run_id: str, text: str) -> None:
        if run_id != self.run_id or (self.record is not None and self.record.finished):
            return
        bar = self.log_view.verticalScrollBar()
        at_end = bar.value() >= bar.maximum() - 2
        cursor = self.log_view.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(text)  # chunks are not always whole lines, so no appendPlainText
        if at_end:
            bar.setValue(bar.maximum())

    def _on_started(self, run_id: str) -> None:
        if run_id == self.run_id and self.bridge.running:
            record = self.bridge.runtime.store.get(run_id)
            if record is not None:
                self._show(record)

    def _on_finished(self, run_id: str) -> None:
        if run_id != self.run_id:
            return
        record = self.bridge.runtime.store.get(run_id, include_log=True)
        if record is not None:
            self._show(record)
            self.run_finished.emit(record)

    def log_text(self) -> str:
        """What the Log tab shows."""
        return self.log_view.toPlainText()
