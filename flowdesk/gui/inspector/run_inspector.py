"""The run inspector: header, output and input trees, error with source links, log; re-run, open, copy, previous/next.

Everything heavy (reading the run, indexing a large output, parsing the log) happens in a worker
thread; the GUI thread only ever handles a page of rows or a chunk of text at a time.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from flowdesk.core.input_validation import MASK
from flowdesk.core.run_preparation import input_fields
from flowdesk.core.run_service import RunRequest
from flowdesk.gui.core_bridge import CoreBridge
from flowdesk.gui.i18n import run_text
from flowdesk.gui.inspector.error_view import ErrorView
from flowdesk.gui.inspector.json_view import JsonView
from flowdesk.gui.inspector.live_logs import LiveLogs
from flowdesk.gui.inspector.log_view import LogView
from flowdesk.gui.inspector.run_header import RunHeader
from flowdesk.gui.inspector.run_loading import LoadedRun, load_run, run_as_json
from flowdesk.gui.inspector.source_opener import open_source
from flowdesk.gui.qt import (
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QProgressBar,
    QPushButton,
    QShortcut,
    QTabWidget,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from flowdesk.gui.theme.icons import icon
from flowdesk.gui.widgets.copy_button import copy_text

STALE_MS = 150  # how long the previous run stays on screen while the next one is read

if TYPE_CHECKING:
    from flowdesk.core.runtime import Runtime
    from flowdesk.core.store import RunRecord
    from flowdesk.gui.widgets.run_form import RunForm


class RunInspector(QWidget):
    """Shows one run at a time (``show_run``); follows it live until it ends.

    The same widget serves the inspector window, the Runs view's right pane (``compact``: icon-only buttons,
    no margins, a button opening the window) and the run form's result page (``actions=False``: no buttons).
    """

    workflow_requested = Signal(str)  # open this workflow in the window
    loaded = Signal(object)  # LoadedRun, each time a run is (re)loaded
    run_started = Signal(str)  # a re-run was submitted (and is now shown)
    tools_requested = Signal()  # a re-run form asked for Tools & credentials
    window_requested = Signal(str)  # compact only: open this run in the inspector window

    def __init__(self, bridge: CoreBridge, parent: QWidget | None = None, *, live: LiveLogs | None = None,
                 editor_command: str | None = None, actions: bool = True, compact: bool = False) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.live = live or LiveLogs(bridge, self)
        self.editor_command = editor_command
        self.current: LoadedRun | None = None
        self.run_id: str | None = None
        self.run_form: RunForm | None = None
        self._generation = 0
        # Another run is being read: what is shown stays a moment (no flicker on quick reads), then goes.
        self._stale = QTimer(self)
        self._stale.setSingleShot(True)
        self._stale.setInterval(STALE_MS)
        self._stale.timeout.connect(self._reading)
        self.header = RunHeader(short_id=compact)
        self.header.workflow_requested.connect(self.workflow_requested)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(4)
        self.progress.hide()
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.output_view = JsonView(bridge, self.tr("Output"))
        self.input_view = JsonView(bridge, self.tr("Input"))
        self.error_view = ErrorView(self.open_source)
        self.log_view = LogView()
        self.tabs = QTabWidget()
        for widget, title in ((self.output_view, self.tr("Output")), (self.input_view, self.tr("Input")),
                              (self.error_view, self.tr("Error")), (self.log_view, self.tr("Log"))):
            self.tabs.addTab(widget, title)
        self.buttons = {
            "rerun": self._button("arrow-counter-clockwise", self.tr("Re-run"), self.rerun,
                                  self.tr("Run again with the same inputs")),
            "edit": self._button("pencil-simple", self.tr("Re-run with edited inputs…"), self.rerun_with_form),
            "workflow": self._button("flow-arrow", self.tr("Open workflow"),
                                     lambda: self.current and self.workflow_requested.emit(self.current.record.workflow)),
            "copy": self._button("copy", self.tr("Copy as JSON"), self.copy_run, self.tr("Copy the whole run as JSON")),
            "previous": self._button("caret-left", self.tr("Previous run"), self.show_previous,
                                     self.tr("The previous run of this workflow (Alt+Left)")),
            "next": self._button("caret-right", self.tr("Next run"), self.show_next,
                                 self.tr("The next run of this workflow (Alt+Right)")),
        }
        if compact:
            self.buttons["window"] = self._button(
                "arrow-square-out", self.tr("Open in the inspector window"),
                lambda: self.run_id and self.window_requested.emit(self.run_id),
                self.tr("Open this run in the run inspector window (or double-click / Enter in the list)"))
            for button in self.buttons.values():
                button.setAccessibleName(button.text())
                button.setText("")  # a narrow pane: the words move to the tooltip and the screen reader
        if actions:
            QShortcut(QKeySequence("Alt+Left"), self, self.show_previous)
            QShortcut(QKeySequence("Alt+Right"), self, self.show_next)
        row = QHBoxLayout()
        for key in ("rerun", "edit", "workflow", "copy"):
            row.addWidget(self.buttons[key])
        row.addStretch(1)
        for key in ("previous", "next", "window"):
            if key in self.buttons:
                row.addWidget(self.buttons[key])
        self.action_bar = QWidget()
        self.action_bar.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        self.action_bar.setVisible(actions)
        layout = QVBoxLayout(self)
        if compact:
            layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(self.progress)
        layout.addWidget(self.notice)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.action_bar)
        self.live.appended.connect(self._on_log)
        self.live.started.connect(self._on_started)
        self.live.finished.connect(self._on_finished)
        self.clear()

    def _button(self, icon_name: str, text: str, slot, tip: str | None = None) -> QPushButton:  # noqa: ANN001
        button = QPushButton(icon(icon_name), text)
        button.setToolTip(tip or text)
        button.clicked.connect(slot)
        return button

    # -- showing -----------------------------------------------------------------------------

    @property
    def record(self) -> RunRecord | None:
        """The run shown (its latest reading), None before the first load."""
        return self.current.record if self.current is not None else None

    def clear(self) -> None:
        """Show nothing."""
        self._generation += 1
        self._stale.stop()
        self.current, self.run_id = None, None
        self.header.set_record(None)
        self.notice.setText(self.tr("Select a run to inspect it."))
        self.notice.show()
        self.output_view.set_document(None)
        self.input_view.set_document(None)
        self.error_view.set_error("", [])
        self.log_view.set_text("")
        self.progress.hide()
        for button in self.buttons.values():
            button.setEnabled(False)

    def show_pending(self, text: str) -> None:
        """Nothing to read yet (a run being submitted): ``text`` and the busy bar."""
        self.clear()
        self.notice.setText(text)
        self.progress.show()

    def _reading(self) -> None:
        generation, run_id = self._generation, self.run_id
        self.show_pending(self.tr("Reading the run…"))
        self._generation, self.run_id = generation, run_id  # the read under way still lands

    def show_run(self, run_id: str | None) -> None:
        """Load a run in the background and show it; while it runs, its log grows live."""
        if not run_id:
            self.clear()
            return
        self._generation += 1
        generation = self._generation
        self.run_id = run_id
        self.progress.show()
        if self.current is not None and self.current.record.id != run_id:
            for button in self.buttons.values():
                button.setEnabled(False)  # they would act on the run still shown, not the one asked for
            self._stale.start()
        root = self.bridge.runtime.workspace.root
        self.bridge.submit(lambda rt: asyncio.to_thread(load_run, rt.store, run_id, root),
                           lambda loaded: self._on_loaded(loaded, generation),
                           lambda exc: self._on_load_failed(exc, generation))

    def _on_load_failed(self, exc: BaseException, generation: int) -> None:
        if generation != self._generation:
            return
        self._stale.stop()
        self.progress.setVisible(self.current is not None and not self.current.record.finished)
        self.notice.setText(self.tr("Could not read the run: %1").replace("%1", str(exc)))
        self.notice.show()

    def _on_loaded(self, loaded: LoadedRun | None, generation: int) -> None:
        if generation != self._generation:
            return  # the user moved on to another run meanwhile
        self._stale.stop()
        if loaded is None:
            if self.current is not None and self.current.record.id != self.run_id:
                self._reading()  # not the previous run's content under the new run's notice
            self.notice.setText(self.tr("Waiting for the run to be recorded…"))
            self.notice.show()
            return
        same = self.current is not None and self.current.record.id == loaded.record.id
        # A run watched live that just ended shows its result, as it would when opened now.
        ended = same and not self.current.record.finished and loaded.record.finished
        self.current = loaded
        record = loaded.record
        self.header.set_record(record)
        self.notice.setVisible(bool(loaded.problem))
        self.notice.setText(self.tr("The output is not valid JSON: %1").replace("%1", loaded.problem or ""))
        self.output_view.set_document(loaded.output, self.tr("This run returned no output."))
        self.input_view.set_document(loaded.input, self.tr("This run had no input."))
        self.error_view.set_error(run_text(record.error), loaded.error_links)
        live = not record.finished
        if live:
            self.log_view.set_text(self.live.text(record.id))
        else:
            self.log_view.set_text(record.log or "", loaded.log_lines)
        self.log_view.set_live(live)
        self.progress.setVisible(live)  # busy while the run goes on, not only while reading it
        for key in ("rerun", "edit", "workflow", "copy", "window"):
            if key in self.buttons:
                self.buttons[key].setEnabled(True)
        self.buttons["previous"].setEnabled(loaded.previous_id is not None)
        self.buttons["next"].setEnabled(loaded.next_id is not None)
        if not same or ended:
            if record.error and record.finished and record.status != "success":
                self.tabs.setCurrentWidget(self.error_view)
            elif live:
                self.tabs.setCurrentWidget(self.log_view)
            else:
                self.tabs.setCurrentWidget(self.output_view)
        self.loaded.emit(loaded)

    def _on_log(self, run_id: str, text: str) -> None:
        current = self.current
        if run_id == self.run_id and current is not None and current.record.id == run_id \
                and not current.record.finished:
            self.log_view.append_text(text)

    def _on_started(self, run_id: str) -> None:
        if run_id == self.run_id:
            self.show_run(run_id)

    def _on_finished(self, run_id: str) -> None:
        if run_id == self.run_id:
            self.show_run(run_id)

    # -- actions -----------------------------------------------------------------------------

    def show_previous(self) -> None:
        """The previous (older) run of the same workflow."""
        if self.current is not None and self.current.previous_id:
            self.show_run(self.current.previous_id)

    def show_next(self) -> None:
        """The next (newer) run of the same workflow."""
        if self.current is not None and self.current.next_id:
            self.show_run(self.current.next_id)

    def copy_run(self) -> str:
        """Copy the run (times, input, output, error, log) as JSON; returns the text."""
        if self.current is None:
            return ""
        text = run_as_json(self.current)
        copy_text(text)
        return text

    def open_source(self, path: Path, line: int) -> None:
        """A traceback link was clicked: the editor at that line."""
        open_source(path, line, self.editor_command)

    def _masked_password(self) -> bool:
        record = self.current.record if self.current else None
        entry = self.bridge.runtime.registry.workflows.get(record.workflow) if record else None
        if record is None or entry is None or entry.config is None:
            return False
        return any(f.type == "password" and record.input.get(f.name) == MASK for f in input_fields(entry))

    def rerun(self) -> None:
        """Run again with the recorded inputs (a masked password needs the form) and show the new run."""
        if self.current is None:
            return
        if self._masked_password():
            self.rerun_with_form()
            return
        record = self.current.record
        request = RunRequest(record.workflow, dict(record.input), trigger="manual", parent_run_id=record.id)

        def go(runtime: Runtime) -> str:
            return runtime.runs.submit(runtime.runs.prepare(request))[0]

        self.bridge.submit(go, self._rerun_submitted, lambda exc: self._show_problem(
            self.tr("Could not re-run: %1").replace("%1", str(exc))))

    def _rerun_submitted(self, run_id: str) -> None:
        self.show_run(run_id)
        self.run_started.emit(run_id)

    def rerun_with_form(self) -> RunForm | None:
        """The run form, prefilled with this run's inputs; the new run is shown once submitted."""
        from flowdesk.gui.widgets.run_form import RunForm

        if self.current is None:
            return None
        record = self.current.record
        if record.workflow not in self.bridge.runtime.registry.workflows:
            self._show_problem(self.tr("Workflow %1 no longer exists.").replace("%1", record.workflow))
            return None
        self.run_form = RunForm(self.bridge, record.workflow, self, values=record.input, parent_run_id=record.id)
        self.run_form.run_submitted.connect(self._rerun_submitted)
        self.run_form.open_tools_requested.connect(self.tools_requested)
        self.run_form.open()
        return self.run_form

    def _show_problem(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.show()
