"""The Workflows view: a searchable, sortable table of workflows (name and description, trigger chips, schedule in
words with the next fire, last runs as a sparkline, an on/off switch) beside the selected one's details."""

from __future__ import annotations

from flowdesk.core.engine import RunEvent
from flowdesk.core.registry import ReloadReport
from flowdesk.core.scaffold import add_example_workflows, new_workflow
from flowdesk.gui.core_bridge import CoreBridge
from flowdesk.gui.models.workflow_table_model import (
    ACTIVE,
    BROKEN_ROLE,
    CATEGORY,
    DESCRIPTION_ROLE,
    LAST_RUN,
    NAME,
    NEXT_RUN,
    SCHEDULE,
    SEARCH_ROLE,
    SLUG_ROLE,
    SORT_ROLE,
    SUBTEXT_ROLE,
    TRIGGERS,
    WorkflowRow,
    WorkflowTableModel,
    build_rows,
)
from flowdesk.gui.pending_selection import PendingSelection
from flowdesk.gui.qt import (
    QT_TRANSLATE_NOOP,
    QAbstractItemView,
    QInputDialog,
    QLabel,
    QModelIndex,
    QSortFilterProxyModel,
    QSplitter,
    QStackedWidget,
    Qt,
    QTableView,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from flowdesk.gui.theme.tokens import ROW_HEIGHT_TWO_LINES, SPACE_SM, SPACE_XL
from flowdesk.gui.widgets.cell_delegates import SwitchDelegate, TwoLineDelegate
from flowdesk.gui.widgets.chips import ChipDelegate
from flowdesk.gui.widgets.column_fit import fit_columns
from flowdesk.gui.widgets.config_editor import ConfigEditor
from flowdesk.gui.widgets.empty_state import EmptyState
from flowdesk.gui.widgets.run_form import RunForm
from flowdesk.gui.widgets.run_sparkline import SparklineDelegate
from flowdesk.gui.widgets.status_colors import error_color
from flowdesk.gui.widgets.view_header import ViewHeader
from flowdesk.gui.widgets.workflow_detail import WorkflowDetail

EMPTY_TEXT = QT_TRANSLATE_NOOP("WorkflowsView", "A workflow is a folder with a <code>config.json</code> and a "
                               "<code>main.py</code>. Create one here or with <code>flowdesk new workflow NAME</code>, "
                               "or start from the examples.")
# Triggers, Schedule, Last runs and On at their widths, Name stretching: no horizontal scrolling. Narrower (1024x640)
# the schedule elides (in full in its tooltip) and the sparkline's 20 bars thin to 2 px before anything is hidden.
COLUMN_WIDTHS = {TRIGGERS: 100, SCHEDULE: 232, LAST_RUN: 140, ACTIVE: 48}  # "At 08:00, Monday through Friday"
COLUMN_MINIMUMS = {TRIGGERS: 96, SCHEDULE: 120, LAST_RUN: 80, ACTIVE: 48}  # three trigger icons; 20 bars of 2 px
NAME_MIN = 160
DETAIL_WIDTH = 340


class WorkflowsView(QWidget):
    """Lists every workflow (broken ones in red with their error); runs, edits and switches them on and off."""

    title = "Workflows"
    loaded_changed = Signal()
    open_tools_requested = Signal()
    history_requested = Signal(str)

    def __init__(self, bridge: CoreBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.run_form: RunForm | None = None
        self.config_editor: ConfigEditor | None = None
        self.loaded = False
        self.pending = PendingSelection()  # a workflow to select once listed (a new one, a palette's pick)
        self.header = ViewHeader(self.tr("Workflows"))
        self.search = self.header.add_search(self.tr("Search name, category, description, trigger…"))
        self.new_button = self.header.add_action(self.tr("New workflow…"), "plus", primary=True)
        self.new_button.clicked.connect(self.ask_new_workflow)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.hide()
        self.model = WorkflowTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterRole(SEARCH_ROLE)
        self.proxy.setFilterKeyColumn(NAME)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setTabKeyNavigation(False)  # Tab leaves the list (rows are chosen with the arrows)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(NAME, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        self.table.setItemDelegateForColumn(NAME, TwoLineDelegate(DESCRIPTION_ROLE, self.table, error_role=BROKEN_ROLE))
        self.table.setItemDelegateForColumn(TRIGGERS, ChipDelegate(self.table))
        self.table.setItemDelegateForColumn(SCHEDULE, TwoLineDelegate(SUBTEXT_ROLE, self.table, bold=False))
        self.table.setItemDelegateForColumn(LAST_RUN, SparklineDelegate(self.table))
        self.table.setItemDelegateForColumn(ACTIVE, SwitchDelegate(self.table))
        fit = fit_columns(self.table, COLUMN_WIDTHS, NAME, drop=(TRIGGERS, LAST_RUN), minimums=COLUMN_MINIMUMS,
                          stretch_min=NAME_MIN)
        fit.hide_always(CATEGORY)  # searchable, and in the name's tooltip
        fit.hide_always(NEXT_RUN)  # shown under the schedule, relative
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT_TWO_LINES)
        self.detail = WorkflowDetail(bridge)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([800, DETAIL_WIDTH])
        self.detail.setMinimumWidth(260)
        # Every column fits at its narrowest down to the window's smallest size; the pane cannot squeeze it further.
        self.table.setMinimumWidth(fit.least(set()) + self.table.verticalScrollBar().sizeHint().width()
                                   + 2 * self.table.frameWidth())
        self.splitter = splitter
        self.empty = EmptyState("flow-arrow", self.tr("No workflows yet"), self.tr(EMPTY_TEXT))
        self.empty.add_action(self.tr("New workflow"), self.ask_new_workflow, "plus")
        self.empty.add_action(self.tr("Open the examples"), self.add_examples, "book-open")
        self.pages = QStackedWidget()
        self.pages.addWidget(splitter)
        self.pages.addWidget(self.empty)
        body = QVBoxLayout()
        body.setContentsMargins(SPACE_XL, 0, SPACE_XL, SPACE_SM)
        body.addWidget(self.message)
        body.addWidget(self.pages, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addLayout(body, 1)
        # Many runs can finish together: one refresh per burst.
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(1000)  # at most one store read a second
        self._refresh_timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        self.table.doubleClicked.connect(lambda index: self.open_run_form(self._slug_at(index)))
        self.model.active_toggled.connect(self.set_active)
        self.detail.run_requested.connect(self.open_run_form)
        self.detail.edit_requested.connect(self.open_config_editor)
        self.detail.history_requested.connect(self.show_history)
        bridge.run_event.connect(self._on_run_event)
        bridge.reloaded.connect(self._on_reloaded)
        bridge.stopped.connect(self._refresh_timer.stop)

    # -- data --------------------------------------------------------------------------------

    def refresh(self, select: str | None = None) -> None:
        """Rebuild the rows on the core thread (registry, schedules, last runs); ``select`` a workflow once shown."""
        if not self.bridge.running:
            return  # the store is closed once the core stopped (a refresh timer may still fire)
        if select is not None:
            self.pending.want(select)
        self.bridge.submit(build_rows, self._on_rows)

    def _on_rows(self, rows: list[WorkflowRow]) -> None:
        selected = self.pending.take(r.slug for r in rows) or self.selected_slug()
        self.model.set_rows(rows)
        self.loaded = True
        self.pages.setCurrentIndex(1 if not self.model.rows else 0)
        broken = sum(1 for r in rows if r.broken)
        count = self.tr("%n workflow(s)").replace("%n", str(len(rows)))
        self.header.set_subtitle(count + (self.tr(" · %n cannot be loaded").replace("%n", str(broken)) if broken else ""))
        if selected is None and self.model.rows:
            selected = self._slug_at(self.proxy.index(0, 0))
        self.select(selected)
        self.loaded_changed.emit()

    def selected_slug(self) -> str | None:
        """The workflow of the current row."""
        index = self.table.currentIndex()
        return self._slug_at(index) if index.isValid() else None

    def _slug_at(self, index: QModelIndex) -> str | None:
        return index.data(SLUG_ROLE) if index.isValid() else None

    def select(self, slug: str | None) -> None:
        """Make a workflow the current row (and show it in the detail pane)."""
        row = self.model.row_of(slug) if slug else -1
        index = self.proxy.mapFromSource(self.model.index(row, 0)) if row >= 0 else QModelIndex()
        if index.isValid():
            self.table.setCurrentIndex(index)
        self.detail.show_workflow(slug if index.isValid() else None)

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.detail.show_workflow(self._slug_at(current))

    def _on_run_event(self, event: RunEvent) -> None:
        if event.kind == "finished":
            # Bounced through the core loop: the run service records the outcome just after the event.
            self.bridge.submit(lambda _rt: None, lambda _: self._refresh_timer.start())

    def _on_reloaded(self, _report: ReloadReport) -> None:
        self._refresh_timer.start()

    def show_message(self, text: str, error: bool = False) -> None:
        """A line above the table (errors in red); empty text hides it."""
        colour = f"color: {error_color(self).name()};" if error else ""
        self.message.setStyleSheet(colour)
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # -- actions -----------------------------------------------------------------------------

    def set_active(self, slug: str, active: bool) -> None:
        """Write ``active`` into config.json on the core, then refresh (a failure undoes the tick)."""
        def failed(exc: BaseException) -> None:
            self.show_message((self.tr("Could not switch %1 on: %2") if active else self.tr("Could not switch %1 off: %2"))
                              .replace("%1", slug).replace("%2", str(exc)), error=True)
            self.refresh()

        self.bridge.submit(lambda rt: rt.set_workflow_active(slug, active), lambda _: self.refresh(), failed)

    def toggle_active(self, slug: str) -> None:
        """Click the Active checkbox of a workflow's row (as the user would)."""
        row = self.model.row_of(slug)
        index = self.model.index(row, ACTIVE)
        current = self.model.data(index, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
        target = Qt.CheckState.Unchecked if current else Qt.CheckState.Checked
        self.proxy.setData(self.proxy.mapFromSource(index), target, Qt.ItemDataRole.CheckStateRole)

    def open_run_form(self, slug: str | None) -> RunForm | None:
        """The run form of a workflow (window-modal, never blocking the event loop)."""
        if not slug:
            return None
        self.run_form = RunForm(self.bridge, slug, self)
        self.run_form.open_tools_requested.connect(self.open_tools)
        self.run_form.run_done.connect(lambda _record: self._refresh_timer.start())
        self.run_form.open()
        return self.run_form

    def open_config_editor(self, slug: str | None) -> ConfigEditor | None:
        """The config.json editor of a workflow."""
        if not slug:
            return None
        self.config_editor = ConfigEditor(self.bridge, slug, self)
        self.config_editor.saved.connect(lambda _slug: self.refresh())
        self.config_editor.open()
        return self.config_editor

    def show_history(self, slug: str) -> None:
        """Switch to the Runs view filtered on this workflow."""
        self.history_requested.emit(slug)
        window = self.window()
        if hasattr(window, "show_view"):
            window.show_view("runs").show_workflow(slug)

    def open_tools(self) -> None:
        """Switch to the Tools view (a run was skipped or failed for a tool profile)."""
        self.open_tools_requested.emit()
        window = self.window()
        if hasattr(window, "show_view"):
            window.show_view("tools")

    def ask_new_workflow(self) -> None:
        """Ask for a name, then create the workflow."""
        name, ok = QInputDialog.getText(self, self.tr("New workflow"), self.tr("Name (letters, digits and _, e.g. weekly_report):"))
        if ok and name.strip():
            self.create_workflow(name.strip())

    def create_workflow(self, name: str) -> None:
        """Create a starter workflow on the core (``flowdesk new workflow``), reload, then select it."""
        def created(folder: object) -> None:
            self.show_message(self.tr("Created %1: edit its main.py and config.json.").replace("%1", str(folder)))
            self.refresh(select=getattr(folder, "name", None))

        def make(rt):  # noqa: ANN001, ANN202 - runs on the core
            folder = new_workflow(rt.workspace, name)
            rt.reload()
            return folder

        self.bridge.submit(make, created, lambda exc: self.show_message(self.tr("Could not create %1: %2").replace("%1", name).replace("%2", str(exc)), True))

    def add_examples(self) -> None:
        """Copy the example workflows shipped with FlowDesk into the workspace, then show them."""
        def add(rt):  # noqa: ANN001, ANN202 - runs on the core
            added = add_example_workflows(rt.workspace)
            rt.reload()
            return added

        def done(added: list[str]) -> None:
            self.show_message(self.tr("Added the examples: %1").replace("%1", ", ".join(added)) if added
                              else self.tr("The examples are already in this workspace."))
            self.refresh(select=added[0] if added else None)

        self.bridge.submit(add, done, lambda exc: self.show_message(self.tr("Could not add the examples: %1").replace("%1", str(exc)), True))
