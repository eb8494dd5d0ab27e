"""The Runs view: run history with filters and paging, the selected run's detail (live log), and re-runs."""

from __future__ import annotations

from flowdesk.core.engine import RunEvent
from flowdesk.core.input_validation import MASK
from flowdesk.core.run_service import RunRequest, input_fields
from flowdesk.core.store import RunRecord
from flowdesk.gui.core_bridge import CoreBridge
from flowdesk.gui.models.run_table_model import RUN_ID_ROLE, RunTableModel
from flowdesk.gui.qt import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QModelIndex,
    QPushButton,
    QSplitter,
    Qt,
    QTableView,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from flowdesk.gui.widgets.run_detail import LiveLogs, RunDetail
from flowdesk.gui.widgets.run_filters import RunFilterBar
from flowdesk.gui.widgets.run_form import RunForm
from flowdesk.gui.widgets.status_colors import error_color

PAGE = 100


class RunsView(QWidget):
    """Every run, newest first; new and finished runs show up by themselves."""

    title = "Runs"

    def __init__(self, bridge: CoreBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.live = LiveLogs(bridge, self)
        self.run_form: RunForm | None = None
        self._select_next: str | None = None
        self._refreshing = False
        self.total = 0
        self.filters = RunFilterBar()
        refresh = QPushButton("Refresh")
        refresh.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.filters, 1)
        top.addWidget(refresh)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.hide()
        self.model = RunTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.count_label = QLabel()
        self.more_button = QPushButton("Load more")
        self.more_button.clicked.connect(self.load_more)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label)
        bottom.addStretch(1)
        bottom.addWidget(self.more_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addLayout(bottom)
        self.detail = RunDetail(bridge, live=self.live)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)
        # Bursts of run events (a schedule firing many runs) give one refresh.
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(200)
        self._refresh_timer.timeout.connect(self.refresh)
        self.filters.changed.connect(self.refresh)
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        self.detail.rerun_requested.connect(self.rerun)
        self.detail.rerun_edit_requested.connect(self.rerun_with_form)
        self.live.finished.connect(lambda _run_id: self._refresh_timer.start())
        bridge.run_event.connect(self._on_run_event)
        bridge.stopped.connect(self._refresh_timer.stop)

    # -- listing -----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the runs shown (as many as are loaded, at least a page), keeping the selection."""
        if not self.bridge.running:
            return  # the store is closed once the core stopped (a refresh timer may still fire)
        store = self.bridge.runtime.store
        self.filters.set_workflows([*dict(self.bridge.runtime.registry.workflows), *store.stats_by_workflow()])
        query = self.filters.query()
        selected = self._select_next or self.selected_run_id()
        self._select_next = None
        self._refreshing = True
        try:
            self.model.set_runs(store.list_runs(**query, limit=max(PAGE, len(self.model.runs))))
            self.total = store.count_runs(**query)
        finally:
            self._refreshing = False
        self._update_count()
        row = self.model.row_of(selected) if selected else -1
        if row >= 0:
            self.table.setCurrentIndex(self.model.index(row, 0))
        elif self.detail.run_id and self.detail.run_id != selected:
            self.detail.clear()

    def load_more(self) -> None:
        """Append the next page of older runs."""
        query = self.filters.query()
        self.model.append_runs(self.bridge.runtime.store.list_runs(**query, limit=PAGE, offset=len(self.model.runs)))
        self._update_count()

    def _update_count(self) -> None:
        shown = len(self.model.runs)
        self.count_label.setText(f"Showing {shown} of {self.total} runs" if self.total else "No runs match.")
        self.more_button.setEnabled(shown < self.total)

    def selected_run_id(self) -> str | None:
        """The run of the current row."""
        index = self.table.currentIndex()
        return index.data(RUN_ID_ROLE) if index.isValid() else None

    def select_run(self, run_id: str) -> None:
        """Make a run current (its detail shows); it is selected after the next refresh if not listed yet."""
        row = self.model.row_of(run_id)
        if row < 0:
            self._select_next = run_id
            self.refresh()
            return
        self.table.setCurrentIndex(self.model.index(row, 0))

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._refreshing:
            return  # a model reset passes through "no row"; the selection comes back right after
        run_id = current.data(RUN_ID_ROLE) if current.isValid() else None
        if run_id != self.detail.run_id or run_id is None:
            self.detail.show_run(run_id)

    def _on_run_event(self, event: RunEvent) -> None:
        if event.kind in ("queued", "started"):
            self._refresh_timer.start()

    def show_workflow(self, slug: str) -> None:
        """The history of one workflow (other filters reset)."""
        self.filters.set_filters(workflow=slug)

    # -- re-runs -----------------------------------------------------------------------------

    def _has_masked_password(self, record: RunRecord) -> bool:
        entry = self.bridge.runtime.registry.workflows.get(record.workflow)
        if entry is None or entry.config is None:
            return False
        return any(f.type == "password" and record.input.get(f.name) == MASK for f in input_fields(entry))

    def rerun(self, record: RunRecord) -> None:
        """Run again with the recorded inputs (a recorded password is masked: the form asks for it)."""
        if self._has_masked_password(record):
            self.rerun_with_form(record)
            return
        request = RunRequest(record.workflow, dict(record.input), trigger="manual", parent_run_id=record.id)
        self.show_message("")
        self.bridge.submit(lambda rt: rt.runs.submit(rt.runs.prepare(request))[0], self.select_run,
                           lambda exc: self.show_message(f"Could not re-run {record.workflow}: {exc}", True))

    def rerun_with_form(self, record: RunRecord) -> RunForm | None:
        """The run form pre-filled with the recorded inputs; the new run is linked to this one."""
        if record.workflow not in self.bridge.runtime.registry.workflows:
            self.show_message(f"Workflow {record.workflow} no longer exists.", True)
            return None
        self.run_form = RunForm(self.bridge, record.workflow, self, values=record.input, parent_run_id=record.id)
        self.run_form.run_submitted.connect(self.select_run)
        self.run_form.open_tools_requested.connect(self.open_tools)
        self.run_form.open()
        return self.run_form

    def open_tools(self) -> None:
        """Switch to the Tools view (a re-run was skipped or failed for a tool profile)."""
        window = self.window()
        if hasattr(window, "show_view"):
            window.show_view("tools")

    def show_message(self, text: str, error: bool = False) -> None:
        """A line above the table (errors in red); empty text hides it."""
        self.message.setStyleSheet(f"color: {error_color(self).name()};" if error else "")
        self.message.setText(text)
        self.message.setVisible(bool(text))
