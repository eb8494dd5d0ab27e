"""The scheduler: every scheduled workflow with cron, next and last run; search, edit a schedule, pause and resume all."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flowdesk.core.runtime import Runtime
from flowdesk.core.cron import describe_cron
from flowdesk.core.scheduler import ScheduledJob
from flowdesk.i18n.language import SOURCE_LANGUAGE
from flowdesk.gui.core_bridge import CoreBridge
from flowdesk.gui.i18n import core_text, window_language
from flowdesk.gui.theme.status_look import status_look
from flowdesk.gui.time_text import relative
from flowdesk.gui.qt import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QAbstractItemView,
    QLabel,
    QStackedWidget,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from flowdesk.gui.theme.tokens import SPACE_SM, SPACE_XL
from flowdesk.gui.time_text import exact
from flowdesk.gui.widgets.chips import CHIPS_ROLE, ChipDelegate, status_chip
from flowdesk.gui.widgets.column_fit import fit_columns
from flowdesk.gui.widgets.empty_state import EmptyState
from flowdesk.gui.widgets.status_colors import error_color, status_color
from flowdesk.gui.widgets.view_header import ViewHeader

EMPTY_TEXT = QT_TRANSLATE_NOOP("SchedulerView", "No scheduled workflow: add a schedule and the 'schedule' trigger in a workflow's config")
COLUMNS = [QT_TRANSLATE_NOOP("Columns", "Workflow"), QT_TRANSLATE_NOOP("Columns", "Cron"), QT_TRANSLATE_NOOP("Columns", "In words"), QT_TRANSLATE_NOOP("Columns", "Timezone"),
           QT_TRANSLATE_NOOP("Columns", "Next run"), QT_TRANSLATE_NOOP("Columns", "Last run"), QT_TRANSLATE_NOOP("Columns", "Last status"), QT_TRANSLATE_NOOP("Columns", "Active")]
# Preferred widths; "In words" stretches (the zone column is hidden); when narrow, the name and the times shrink
# to their minimums before cron, last run and active are hidden: no horizontal scrolling at 1024 px.
COLUMN_WIDTHS = {0: 210, 1: 96, 4: 196, 5: 184, 6: 108, 7: 58}
COLUMN_MINIMUMS = {0: 140, 4: 170, 5: 140}
_REFRESH_KINDS = {"queued", "started", "finished"}


@dataclass
class SchedulerState:
    """What the view shows, read on the core thread."""

    available: bool = False
    paused: bool = False
    jobs: list[ScheduledJob] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)  # workflow -> its config's description (search)


def read_state(rt: Runtime) -> SchedulerState:
    """The scheduler's jobs, pause state and schedule errors (call on the core thread)."""
    scheduler = rt.scheduler
    if scheduler is None:
        return SchedulerState()
    jobs = scheduler.jobs()
    workflows = dict(rt.registry.workflows)
    descriptions = {}
    for job in jobs:
        entry = workflows.get(job.workflow)
        config = getattr(entry, "config", None)
        descriptions[job.workflow] = (config.description or "") if config is not None else ""
    return SchedulerState(True, scheduler.paused, jobs, dict(scheduler.errors), descriptions)


def format_when(when: datetime | None, tz_name: str) -> str:
    """A time in the schedule's own timezone with a relative hint, or an em dash."""
    if when is None:
        return "—"
    try:
        local = when.astimezone(ZoneInfo(tz_name))
    except (ZoneInfoNotFoundError, ValueError):
        local = when.astimezone()
    return f"{local:%a %d %b %H:%M} · {relative(when)}"


def _words(expression: str, english: str) -> str:
    """The schedule in words in the window's language (the scheduler words it in English, for the HTTP API)."""
    if window_language() == SOURCE_LANGUAGE:
        return english
    try:
        return describe_cron(expression, window_language())
    except Exception:  # noqa: BLE001 - cron-descriptor cannot word every valid expression
        return english


class SchedulerView(QWidget):
    """Scheduled workflows, refreshed on run events and reloads."""

    title = "Schedule"

    def __init__(self, bridge: CoreBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.state = SchedulerState()
        self.header = ViewHeader(self.tr("Schedule"))
        self.banner = self.header.subtitle  # the scheduler's state, under the title (set with header.set_subtitle)
        self.search = self.header.add_search(self.tr("Search workflows and schedules…"))
        self.search.textChanged.connect(lambda _text: self._apply_filter())
        # Only the one that applies is shown: "Pause all" while the scheduler runs, "Resume all" while paused.
        self.resume_button = self.header.add_action(self.tr("Resume all"), "play")
        self.pause_button = self.header.add_action(self.tr("Pause all"), "pause")
        self.pause_button.clicked.connect(self.pause_all)
        self.resume_button.clicked.connect(self.resume_all)
        self.edit_button = self.header.add_action(self.tr("Edit schedule…"), "pencil-simple", primary=True)
        self.edit_button.setToolTip(self.tr("Change when the selected workflow runs (its cron, timezone and missed runs)"))
        self.edit_button.clicked.connect(lambda: self.edit_schedule())
        self.config_editor: QWidget | None = None
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setTabKeyNavigation(False)  # Tab leaves the list (rows are chosen with the arrows)
        self.table.setHorizontalHeaderLabels([QCoreApplication.translate("Columns", c) for c in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setShowGrid(False)
        self.table.verticalHeader().setVisible(False)
        self.table.setItemDelegateForColumn(6, ChipDelegate(self.table))
        fit = fit_columns(self.table, COLUMN_WIDTHS, 2, drop=(1, 5, 7), minimums=COLUMN_MINIMUMS)
        fit.hide_always(3)  # the zone is in the tooltips of the cron and the times
        self.table.itemSelectionChanged.connect(self._update_edit_button)
        self.table.itemDoubleClicked.connect(lambda item: self.edit_schedule(item.data(Qt.ItemDataRole.UserRole)))
        self.empty = EmptyState("calendar-blank", self.tr("Nothing scheduled"), self.tr(EMPTY_TEXT))
        self.empty_action = self.empty.add_action(self.tr("Open the workflows"), self._on_empty_action, "flow-arrow")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        self.errors = QLabel()
        self.errors.setWordWrap(True)
        self.errors.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        body = QVBoxLayout()
        body.setContentsMargins(SPACE_XL, 0, SPACE_XL, SPACE_SM)
        body.addWidget(self.stack, 1)
        body.addWidget(self.errors)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addLayout(body, 1)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(500)
        self._debounce.timeout.connect(self.refresh)
        # Relative times ("in 3 min") go stale; a slow tick keeps them honest.
        self._tick = QTimer(self)
        self._tick.setInterval(30_000)
        self._tick.timeout.connect(lambda: self.isVisible() and self.refresh())  # hidden: nothing to keep honest
        self._tick.start()
        bridge.run_event.connect(self._on_run_event)
        bridge.reloaded.connect(lambda _report: self._debounce.start())
        bridge.started.connect(lambda _url: self.refresh())
        self._show_state()
        if bridge.running:
            self.refresh()

    def refresh(self) -> None:
        """Fetch jobs on the core thread; the table updates when they arrive."""
        if self.bridge.running:
            self.bridge.submit(read_state, self._on_state)

    def open_workflows(self) -> None:
        """The Workflows view (schedules are set in a workflow's config)."""
        window = self.window()
        if hasattr(window, "show_view"):
            window.show_view("workflows")

    def selected_slug(self) -> str | None:
        """The workflow of the selected (and shown) row."""
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        for row in sorted(rows):
            item = self.table.item(row, 0)
            if item is not None and not self.table.isRowHidden(row):
                return item.data(Qt.ItemDataRole.UserRole)
        return None

    def select(self, slug: str | None) -> bool:
        """Select the row of ``slug``; False when it is not listed."""
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(Qt.ItemDataRole.UserRole) == slug:
                self.table.selectRow(row)
                return True
        return False

    def edit_schedule(self, slug: str | None = None) -> QWidget | None:
        """The config editor of ``slug`` (else the selected workflow), opened on its Schedule tab."""
        from flowdesk.gui.widgets.config_editor import ConfigEditor  # pydantic and the editors: on first use

        slug = slug or self.selected_slug()
        if not slug or not self.bridge.running:
            return None
        editor = ConfigEditor(self.bridge, slug, self)
        editor.tabs.setCurrentWidget(editor.schedule.parentWidget())
        editor.saved.connect(lambda _slug: self.refresh())
        self.config_editor = editor
        editor.open()
        editor.schedule.schedule_edit.setFocus()
        return editor

    def _on_empty_action(self) -> None:
        if self.search.text().strip():
            self.search.clear()
        else:
            self.open_workflows()

    def _matches(self, row: int, job: ScheduledJob, needle: str) -> bool:
        # The schedule in words as the row shows it (worded once by _fill, not again at every keystroke).
        haystack = " ".join((job.display_name, job.workflow, self.state.descriptions.get(job.workflow, ""),
                             job.cron_expression, job.description, self.table.item(row, 2).text()))
        return needle in haystack.lower()

    def _apply_filter(self) -> None:
        """Hide the rows the search does not match; say so when none is left."""
        needle = self.search.text().strip().lower()
        jobs = {job.workflow: job for job in self.state.jobs}
        shown = 0
        for row in range(self.table.rowCount()):
            job = jobs.get(self.table.item(row, 0).data(Qt.ItemDataRole.UserRole))
            hidden = bool(needle) and (job is None or not self._matches(row, job, needle))
            self.table.setRowHidden(row, hidden)
            shown += not hidden
        if not self.state.jobs:
            self.empty.set_case(self.tr("Nothing scheduled"), self.tr(EMPTY_TEXT), self.tr("Open the workflows"),
                                "flow-arrow")
        elif not shown:
            self.empty.set_case(self.tr("No schedule matches"),
                                self.tr("No scheduled workflow has “%1” in its name, description or schedule.")
                                .replace("%1", html.escape(self.search.text().strip())), self.tr("Clear the search"),
                                "x")
        if shown and self.selected_slug() is None:  # the selection was filtered out: the first row left
            self.table.selectRow(next(r for r in range(self.table.rowCount()) if not self.table.isRowHidden(r)))
        self.stack.setCurrentWidget(self.table if shown else self.empty)
        self._update_edit_button()

    def _update_edit_button(self) -> None:
        self.edit_button.setEnabled(self.selected_slug() is not None)

    def _on_run_event(self, event: Any) -> None:
        if getattr(event, "kind", None) in _REFRESH_KINDS and self.isVisible():
            self._debounce.start()

    def _on_state(self, state: SchedulerState) -> None:
        self.state = state
        self._show_state()

    def _show_state(self) -> None:
        state = self.state
        self.pause_button.setEnabled(state.available and not state.paused)
        self.resume_button.setEnabled(state.available and state.paused)
        self.pause_button.setVisible(not state.paused)
        self.resume_button.setVisible(state.paused)
        if not state.available:
            self.header.set_subtitle(self.tr("The scheduler is not running."))
            self.banner.setStyleSheet("")
        elif state.paused:
            self.header.set_subtitle(self.tr("Scheduler paused: no scheduled run fires until you resume."))
            self.banner.setStyleSheet(f"color: {status_color('interrupted', self).name()}")
        else:
            self.header.set_subtitle(self.tr("Scheduler on: %n scheduled workflow(s).", "", len(state.jobs)))
            self.banner.setStyleSheet("")
        self._fill(state.jobs)
        self._apply_filter()
        if state.errors:
            self.errors.setText(self.tr("Not scheduled:") + "\n" + "\n".join(f"• {core_text(e)}" for e in state.errors.values()))
            self.errors.setStyleSheet(f"color: {error_color(self).name()}")
        else:
            self.errors.setText("")

    def _fill(self, jobs: list[ScheduledJob]) -> None:
        selected = self.selected_slug()
        self.table.setRowCount(len(jobs))
        for row, job in enumerate(jobs):
            cells = [
                job.display_name, job.cron_expression, _words(job.cron_expression, job.description), job.timezone,
                self.tr("paused") if job.paused else format_when(job.next_run, job.timezone),
                format_when(job.last_run, job.timezone), status_look(job.last_status).word if job.last_status else "—",
                self.tr("yes") if job.workflow_active else self.tr("no"),
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, job.workflow)
                self.table.setItem(row, col, item)
            description = self.state.descriptions.get(job.workflow, "")
            self.table.item(row, 0).setToolTip(f"{job.display_name} ({job.workflow})" + (f"\n{description}" if description else ""))
            self.table.item(row, 1).setToolTip(f"{job.cron_expression} ({job.timezone})")
            self.table.item(row, 2).setToolTip(cells[2])
            if job.next_run is not None:
                self.table.item(row, 4).setToolTip(exact(job.next_run, job.timezone) + "\n"
                                                   + job.next_run.astimezone().strftime("%Y-%m-%d %H:%M %Z ") + self.tr("(local)"))
            if job.last_run is not None:
                self.table.item(row, 5).setToolTip(exact(job.last_run, job.timezone))
            if job.last_status:
                self.table.item(row, 6).setForeground(status_color(job.last_status, self))
                self.table.item(row, 6).setData(CHIPS_ROLE, [status_chip(job.last_status)])
        if not self.select(selected) and jobs:  # the rows were rebuilt: keep the selection, else take the first
            self.table.selectRow(0)

    def _set_paused(self, paused: bool) -> None:
        def change(rt: Runtime) -> SchedulerState:
            if rt.scheduler is not None and paused:
                rt.scheduler.pause()
            elif rt.scheduler is not None:
                rt.scheduler.resume()
            return read_state(rt)

        self.pause_button.setEnabled(False)
        self.resume_button.setEnabled(False)
        self.bridge.submit(change, self._on_state, lambda exc: self.header.set_subtitle(self.tr("Cannot change: %1").replace("%1", str(exc))))

    def pause_all(self) -> None:
        """No scheduled run fires until resumed (remembered across restarts)."""
        self._set_paused(True)

    def resume_all(self) -> None:
        """Scheduled runs fire again."""
        self._set_paused(False)
