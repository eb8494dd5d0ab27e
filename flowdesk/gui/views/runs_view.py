"""The Runs view: the whole history, loaded lazily as you scroll, with filters, search, and the selected run in the
run inspector (read in the background, followed live, re-runs, previous/next)."""

from __future__ import annotations

from typing import Any

from flowdesk.core.app_settings import load_app_settings
from flowdesk.core.engine import RunEvent
from flowdesk.core.store.run_pages import workflow_names
from flowdesk.gui.core_bridge import CoreBridge
from flowdesk.gui.inspector.live_logs import LiveLogs
from flowdesk.gui.inspector.run_inspector import RunInspector
from flowdesk.gui.inspector.run_loading import LoadedRun
from flowdesk.gui.models import run_table_model
from flowdesk.gui.models.run_list_model import RunListModel, column_widths
from flowdesk.gui.models.run_table_model import DURATION, MESSAGE, RUN_ID_ROLE, STATUS, TRIGGER, WORKFLOW
from flowdesk.gui.qt import (
    QAbstractItemView,
    QLabel,
    QModelIndex,
    QStackedWidget,
    QTableView,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from flowdesk.gui.theme.tokens import SPACE_SM, SPACE_XL
from flowdesk.gui.widgets.cell_delegates import CompactChipDelegate
from flowdesk.gui.widgets.chips import ChipDelegate
from flowdesk.gui.widgets.column_fit import fit_columns
from flowdesk.gui.widgets.empty_state import EmptyState
from flowdesk.gui.widgets.run_filters import RunFilterBar
from flowdesk.gui.widgets.share_splitter import ShareSplitter
from flowdesk.gui.widgets.view_header import ViewHeader

PAGE = run_table_model.PAGE
REFRESH_MS = 1000  # run events are folded into at most one refresh a second
# The list's share of the width beside the run inspector: at 1280x800 every column shows at its width. The inspector
# keeps the width its header needs (DETAIL_COMFORT) while the list can spare it: at 1024x640 the list then drops the
# message and the trigger. A drag of the handle sets the share, kept on later resizes, the pane down to DETAIL_MIN.
LIST_SHARE = 0.58
DETAIL_COMFORT = 500  # the inspector's header (workflow, chips, run id; the three times) reads whole at this width
DETAIL_MIN = 360
MESSAGE_MIN = 100  # the message stretches; below this it goes first (the inspector shows it for the selected run)


class RunsView(QWidget):
    """Every run, newest first; new and finished runs show up by themselves."""

    title = "Runs"

    def __init__(self, bridge: CoreBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.live = LiveLogs(bridge, self)
        self._select_next: str | None = None
        self.total = 0
        self.header = ViewHeader(self.tr("Runs"))
        self.search = self.header.add_search(self.tr("Search messages and errors…"))
        run = self.header.add_action(self.tr("Run a workflow…"), "play", primary=True)
        run.setToolTip(self.tr("Pick a workflow and run it now (its form opens when it has inputs)"))
        run.clicked.connect(self._pick_workflow)
        self.filters = RunFilterBar()
        self.model = RunListModel(self, bridge.submit, PAGE)
        self.table = QTableView()
        self.table.setTabKeyNavigation(False)  # Tab leaves the list (rows are chosen with the arrows)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        self.table.setItemDelegateForColumn(STATUS, ChipDelegate(self.table))
        self.table.setItemDelegateForColumn(TRIGGER, CompactChipDelegate(self.table))
        # Queued, Workflow and Status always show; the message stretches, and goes first when nothing else fits
        # (the workflow then stretches), then the trigger, then the duration.
        preferred, minimums = column_widths(self.table)
        self.fit = fit_columns(self.table, preferred, MESSAGE, drop=(MESSAGE, TRIGGER, DURATION),
                               minimums=minimums, stretch_min=MESSAGE_MIN, fallback=WORKFLOW)
        self.count_label = QLabel()
        self.count_label.setProperty("role", "muted")
        self.empty = EmptyState("list-bullets", self.tr("No runs yet"), self.tr(
            "Every run of every workflow shows up here: started by hand, on a schedule, by a webhook or the API."))
        self.empty_action = self.empty.add_action(self.tr("Open the workflows"), self.open_workflows, "flow-arrow")
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.table)
        self.list_stack.addWidget(self.empty)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list_stack, 1)
        left_layout.addWidget(self.count_label)
        # The selected run, in the same inspector as the inspector window (issue 15), read off the GUI thread.
        self.detail = RunInspector(bridge, live=self.live, compact=True,
                                   editor_command=load_app_settings(bridge.data_dir).editor_command)
        self.splitter = ShareSplitter(LIST_SHARE, DETAIL_COMFORT)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail)
        self.splitter.setChildrenCollapsible(False)
        self.detail.setMinimumWidth(DETAIL_MIN)
        # The list never gets narrower than its essential columns (and the scrollbar and frame).
        left.setMinimumWidth(self.fit.least(set(self.fit.drop)) + self.table.verticalScrollBar().sizeHint().width()
                             + 2 * self.table.frameWidth())
        body = QVBoxLayout()
        body.setContentsMargins(SPACE_XL, 0, SPACE_XL, SPACE_SM)
        body.addWidget(self.filters)
        body.addWidget(self.splitter, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addLayout(body, 1)
        # Bursts of run events (a schedule firing many runs) give one refresh a second at most.
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_MS)
        self._refresh_timer.timeout.connect(self.refresh_head)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(300)
        self._search_timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.filters.changed.connect(self.refresh)
        self.model.loaded.connect(self._on_loaded)
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        self.detail.run_started.connect(self.select_run)  # a re-run from the pane: its row is selected once listed
        self.detail.loaded.connect(self._on_detail_loaded)
        self.detail.workflow_requested.connect(self.open_workflow)
        self.detail.tools_requested.connect(self.open_tools)
        # Enter / double-click on a run, or the pane's window button, opens the run in the inspector window.
        self.table.activated.connect(lambda index: self.inspect(index.data(RUN_ID_ROLE)))
        self.detail.window_requested.connect(self.inspect)
        self.live.finished.connect(lambda _run_id: self._soon())
        bridge.run_event.connect(self._on_run_event)
        bridge.stopped.connect(self._refresh_timer.stop)

    def inspect(self, run_id: str | None) -> None:
        """Open a run in the window's run inspector."""
        window = self.window()
        if run_id and hasattr(window, "open_run"):
            window.open_run(run_id)

    def open_workflow(self, slug: str) -> None:
        """The pane's "Open workflow": the Workflows view on it."""
        window = self.window()
        if hasattr(window, "show_workflow"):
            window.show_workflow(slug)

    # -- listing -----------------------------------------------------------------------------

    def query(self) -> dict[str, Any]:
        """The filters and the search text, as list_runs() arguments."""
        return {**self.filters.query(), "search": self.search.text().strip() or None}

    def refresh(self) -> None:
        """Start the list again from the newest run (filters changed, or the view is shown)."""
        if not self.bridge.running:
            return  # the store is closed once the core stopped (a refresh timer may still fire)
        self._refresh_timer.stop()
        self.model.reset(self.query())
        self._read_counts()

    def _pick_workflow(self) -> None:
        window = self.window()
        if hasattr(window, "open_workflow_picker"):
            window.open_workflow_picker()

    def refresh_head(self) -> None:
        """New runs on top, running ones updated; the rows already loaded stay."""
        if self.bridge.running:
            self.model.refresh_head()
            self._read_counts()

    def _soon(self) -> None:
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def _read_counts(self) -> None:
        query = self.query()
        registry = list(dict(self.bridge.runtime.registry.workflows))

        def read(rt: Any) -> tuple[int, list[str]]:
            return rt.store.count_runs(**query), workflow_names(rt.store)

        def shown(result: tuple[int, list[str]]) -> None:
            self.total = result[0]
            self.filters.set_workflows([*registry, *result[1]])
            self._update_count()

        self.bridge.submit(read, shown)

    def _on_loaded(self) -> None:
        self._update_count()
        selected = self._select_next
        if selected is not None:
            row = self.model.row_of(selected)
            if row >= 0 or self.model.exhausted or not self.model.canFetchMore():
                self._select_next = None
                if row >= 0:
                    self.table.setCurrentIndex(self.model.index(row, 0))
                else:
                    self.detail.show_run(selected)  # older than the loaded pages: its detail all the same
        elif self.detail.run_id and self.model.row_of(self.detail.run_id) >= 0:
            current = self.table.currentIndex()
            if not current.isValid() or current.data(RUN_ID_ROLE) != self.detail.run_id:
                self.table.setCurrentIndex(self.model.index(self.model.row_of(self.detail.run_id), 0))

    def _update_count(self) -> None:
        shown = len(self.model.runs)
        total = max(self.total, shown)
        filtered = any(v for k, v in self.query().items())
        self.count_label.setText(self.tr("Showing %1 of %2 runs").replace("%1", f"{shown:,}").replace("%2", f"{total:,}")
                                 if total else self.tr("No runs match.") if filtered else self.tr("No runs yet."))
        empty = not shown and self.model.exhausted
        self.list_stack.setCurrentWidget(self.empty if empty else self.table)
        if empty:
            self.empty.title.setText(self.tr("No run matches") if filtered else self.tr("No runs yet"))
            self.empty_action.setText(self.tr("Clear the filters") if filtered else self.tr("Open the workflows"))

    def clear_filters(self) -> None:
        """Every run again."""
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.filters.set_filters()

    def open_workflows(self) -> None:
        """The empty state's action: clear the filters when some are set, else go to the Workflows view."""
        if any(v for v in self.query().values()):
            self.clear_filters()
            return
        window = self.window()
        if hasattr(window, "show_view"):
            window.show_view("workflows")

    def selected_run_id(self) -> str | None:
        """The run of the current row."""
        index = self.table.currentIndex()
        return index.data(RUN_ID_ROLE) if index.isValid() else None

    def select_run(self, run_id: str) -> None:
        """Make a run current (its detail shows); it is selected once it is listed."""
        row = self.model.row_of(run_id)
        if row < 0:
            self._select_next = run_id
            self.refresh_head()
            return
        self.table.setCurrentIndex(self.model.index(row, 0))

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        run_id = current.data(RUN_ID_ROLE) if current.isValid() else None
        if run_id is not None and run_id != self.detail.run_id:
            self.detail.show_run(run_id)

    def _on_detail_loaded(self, loaded: LoadedRun) -> None:
        """The pane moved by itself (previous/next, a re-run): the list's selection follows, or lets go."""
        run_id = loaded.record.id
        if run_id != self.selected_run_id() and self._select_next is None:
            row = self.model.row_of(run_id)
            if row >= 0:
                self.table.setCurrentIndex(self.model.index(row, 0))
            else:
                self.table.selectionModel().clear()  # a run not listed (filtered out, not yet loaded)

    def _on_run_event(self, event: RunEvent) -> None:
        if event.kind in ("queued", "started", "finished"):
            self._soon()

    def show_workflow(self, slug: str) -> None:
        """The history of one workflow (other filters reset)."""
        self.show_runs(workflow=slug)

    def show_runs(self, workflow: str | None = None, status: str | None = None) -> None:
        """The runs of a workflow and/or with a status ("failed": error or timeout); the other filters reset."""
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.filters.set_filters(workflow=workflow, status=status)

    # -- links out -----------------------------------------------------------------------------

    def open_tools(self) -> None:
        """Switch to the Tools view (a re-run was skipped or failed for a tool profile)."""
        window = self.window()
        if hasattr(window, "show_view"):
            window.show_view("tools")
