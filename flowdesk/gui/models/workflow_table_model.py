"""The workflows table: one row per registry entry (broken ones too) with triggers, schedule and next run, the last
runs as a sparkline, and the active switch. Rows are built on the core thread (``build_rows``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from flowdesk.core.cron import CronError, CronSchedule, describe_cron
from flowdesk.core.store.overview_queries import RunBar, recent_runs
from flowdesk.gui.models.list_table_model import ListTableModel
from flowdesk.gui.i18n import core_text, error_text, window_language
from flowdesk.gui.qt import QT_TRANSLATE_NOOP, QCoreApplication, QModelIndex, QObject, Qt, Signal
from flowdesk.gui.theme.status_look import TRIGGER_ICONS
from flowdesk.gui.time_text import exact, relative
from flowdesk.gui.widgets.chips import CHIPS_ROLE, Chip
from flowdesk.gui.widgets.run_sparkline import BARS_ROLE
from flowdesk.gui.widgets.status_colors import status_color

if TYPE_CHECKING:
    from flowdesk.core.runtime import Runtime

COLUMNS = (QT_TRANSLATE_NOOP("Columns", "Name"), QT_TRANSLATE_NOOP("Columns", "Category"), QT_TRANSLATE_NOOP("Columns", "Triggers"), QT_TRANSLATE_NOOP("Columns", "Schedule"),
           QT_TRANSLATE_NOOP("Columns", "Next run"), QT_TRANSLATE_NOOP("Columns", "Last runs"), QT_TRANSLATE_NOOP("Columns", "On"))
NAME, CATEGORY, TRIGGERS, SCHEDULE, NEXT_RUN, LAST_RUN, ACTIVE = range(len(COLUMNS))
SLUG_ROLE = Qt.ItemDataRole.UserRole
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2
DESCRIPTION_ROLE = Qt.ItemDataRole.UserRole + 3  # the second line under the name (the error when broken)
SUBTEXT_ROLE = Qt.ItemDataRole.UserRole + 4  # the second line of the schedule cell: the next fire, relative
BROKEN_ROLE = Qt.ItemDataRole.UserRole + 5
SPARK_RUNS = 20


@dataclass
class WorkflowRow:
    """What the table shows of one workflow."""

    slug: str
    name: str
    category: str = ""
    description: str = ""
    triggers: list[str] = field(default_factory=list)
    schedule: str | None = None
    schedule_text: str = ""
    next_run: datetime | None = None
    next_text: str = "—"
    last_time: datetime | None = None
    last_status: str | None = None
    active: bool = False
    error: str | None = None
    recent: list[RunBar] = field(default_factory=list)
    zone: str | None = None

    @property
    def broken(self) -> bool:
        """True when the workflow cannot be loaded."""
        return self.error is not None


def short_time(moment: datetime | None) -> str:
    """A time in the machine's zone, compact: 'Mon 24 Nov 08:00'."""
    return moment.astimezone().strftime("%a %d %b %H:%M") if moment else "—"


def schedule_words(expression: str) -> str:
    """The cron expression in words, or why it is invalid."""
    try:
        return describe_cron(expression, window_language())
    except CronError as exc:
        return _tr("invalid: %1").replace("%1", error_text(exc))
    except Exception:  # noqa: BLE001 - cron-descriptor gives up on some valid expressions
        return expression


def _next_run(runtime: Runtime, slug: str, row: WorkflowRow, tz_name: str | None, now: datetime) -> None:
    """Fill next_run / next_text: the scheduler's own schedule when it has a job, else the config's."""
    if not row.schedule:
        return
    if "schedule" not in row.triggers:
        row.next_text = "— (schedule trigger off)"
        return
    if not row.active:
        row.next_text = "— (inactive)"
        return
    scheduler = runtime.scheduler
    schedule = scheduler.schedule_of(slug) if scheduler is not None else None
    try:
        schedule = schedule or CronSchedule.parse(row.schedule, tz_name)
    except CronError:
        row.next_text = "— (invalid schedule)"
        return
    row.next_run = schedule.next_after(now)
    paused = scheduler is not None and scheduler.paused
    row.next_text = short_time(row.next_run) + (" (paused)" if paused else "")


def build_rows(runtime: Runtime) -> list[WorkflowRow]:
    """Rows for every workflow of the registry snapshot with its last runs (call on the core thread)."""
    workflows = dict(runtime.registry.workflows)
    recent = recent_runs(runtime.store, list(workflows), SPARK_RUNS)
    now = datetime.now(timezone.utc)
    rows = []
    for slug, entry in sorted(workflows.items()):
        config = entry.config
        row = WorkflowRow(slug=slug, name=entry.display_name, error=core_text(entry.error) if entry.broken else None)
        if config is not None and not entry.broken:
            row.category = config.category or ""
            row.description = config.description or ""
            row.triggers = list(config.triggers)
            row.schedule = config.schedule
            row.schedule_text = schedule_words(config.schedule) if config.schedule else ""
            row.active = config.active
            row.zone = config.timezone
            _next_run(runtime, slug, row, config.timezone, now)
        row.recent = recent.get(slug, [])
        if row.recent:
            row.last_time, row.last_status = row.recent[-1].queued_at, row.recent[-1].status
        rows.append(row)
    return rows


def _tr(text: str) -> str:
    return QCoreApplication.translate("WorkflowTable", text)


def trigger_chips(row: WorkflowRow) -> list[Chip]:
    """One small chip per trigger; a broken workflow gets a single warning chip instead."""
    if row.broken:
        return [Chip(_tr("broken"), "warning", "danger")]
    return [Chip(t, TRIGGER_ICONS.get(t, "lightning")) for t in row.triggers]


def next_words(row: WorkflowRow) -> str:
    """The next fire, relative ("next in 12 min"), or why there is none."""
    if row.next_run is None:
        return row.next_text if row.schedule else ""
    paused = row.next_text.endswith("(paused)")
    return _tr("next %1").replace("%1", relative(row.next_run)) + (_tr(" (paused)") if paused else "")


class WorkflowTableModel(ListTableModel):
    """Rows of WorkflowRow; ticking Active emits ``active_toggled`` (the view writes config.json on the core)."""

    columns = COLUMNS

    active_toggled = Signal(str, bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[WorkflowRow] = []

    def set_rows(self, rows: list[WorkflowRow]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def row_of(self, slug: str) -> int:
        """The row index of a workflow, -1 when absent."""
        return next((i for i, r in enumerate(self.rows) if r.slug == slug), -1)

    def items(self) -> list[Any]:
        """The rows shown, one per row."""
        return self.rows

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        """Selectable rows; the Active cell is a checkbox unless the workflow is broken."""
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == ACTIVE and not self.rows[index.row()].broken:
            base |= Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text, colours, tooltips, check state and sort keys of one cell."""
        if not index.isValid():
            return None
        row, col = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, col)
        if role == SLUG_ROLE:
            return row.slug
        if role == SORT_ROLE:
            return self._sort_key(row, col)
        if role == SEARCH_ROLE:
            return " ".join([row.slug, row.name, row.category, row.description, *row.triggers, row.error or ""])
        if role == BROKEN_ROLE:
            return row.broken
        if role == DESCRIPTION_ROLE and col == NAME:
            return (row.error or "").strip().splitlines()[-1] if row.broken else row.description
        if role == SUBTEXT_ROLE and col == SCHEDULE:
            return next_words(row)
        if role == CHIPS_ROLE and col == TRIGGERS:
            return trigger_chips(row)
        if role == BARS_ROLE and col == LAST_RUN:
            return row.recent
        if role == Qt.ItemDataRole.CheckStateRole and col == ACTIVE and not row.broken:
            return Qt.CheckState.Checked if row.active else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ForegroundRole and col == LAST_RUN and row.last_status:
            return status_color(row.last_status)
        if role == Qt.ItemDataRole.ToolTipRole:
            if row.broken:
                return _tr("Cannot be loaded:") + f"\n{row.error}"
            if col == SCHEDULE and row.schedule:
                when = f"\n{_tr('next')}: {exact(row.next_run, row.zone)}" if row.next_run else ""
                return f"{row.schedule_text}\ncron: {row.schedule} ({row.zone or _tr('local time')}){when}"
            if col == NAME:
                return "\n".join(x for x in (row.name, row.description, row.slug, row.category) if x)
            if col == TRIGGERS:
                return ", ".join(row.triggers)
        return None

    @staticmethod
    def _text(row: WorkflowRow, col: int) -> str:
        if row.broken:
            return {NAME: row.name, CATEGORY: "", SCHEDULE: "broken: see details", LAST_RUN: _last(row)}.get(col, "")
        return {
            NAME: row.name, CATEGORY: row.category, TRIGGERS: ", ".join(row.triggers),
            SCHEDULE: row.schedule_text or "—", NEXT_RUN: row.next_text, LAST_RUN: _last(row), ACTIVE: "",
        }[col]

    @staticmethod
    def _sort_key(row: WorkflowRow, col: int) -> Any:
        if col == NEXT_RUN:
            return row.next_run.timestamp() if row.next_run else float("inf")
        if col == LAST_RUN:
            return row.last_time.timestamp() if row.last_time else 0.0
        if col == ACTIVE:
            return int(row.active)
        return WorkflowTableModel._text(row, col).lower()

    def setData(self, index: QModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        """Ticking Active: shown at once, confirmed (or undone) by the view's refresh."""
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != ACTIVE:
            return False
        row = self.rows[index.row()]
        if row.broken:
            return False
        checked = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
        row.active = checked
        self.dataChanged.emit(index, index, [role])
        self.active_toggled.emit(row.slug, checked)
        return True


def _last(row: WorkflowRow) -> str:
    return f"{short_time(row.last_time)} · {row.last_status}" if row.last_status else "never"
