"""The runs table: RunRecords (without logs) newest first, status in colour, message or error beside it."""

from __future__ import annotations

from typing import Any

from flowdesk.core.store import RunRecord
from flowdesk.gui.models.list_table_model import ListTableModel
from flowdesk.gui.qt import QModelIndex, QObject, Qt
from flowdesk.gui.widgets.run_detail import human_duration, local_time
from flowdesk.gui.widgets.status_colors import status_color

COLUMNS = ("Queued", "Workflow", "Status", "Trigger", "Duration", "Message")
QUEUED, WORKFLOW, STATUS, TRIGGER, DURATION, MESSAGE = range(len(COLUMNS))
RUN_ID_ROLE = Qt.ItemDataRole.UserRole


class RunTableModel(ListTableModel):
    """Rows of RunRecord in the store's order (newest first)."""

    columns = COLUMNS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runs: list[RunRecord] = []

    def set_runs(self, runs: list[RunRecord]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self.runs = list(runs)
        self.endResetModel()

    def append_runs(self, runs: list[RunRecord]) -> None:
        """Add older runs at the end ("load more"), skipping any already shown."""
        known = {r.id for r in self.runs}
        fresh = [r for r in runs if r.id not in known]
        if not fresh:
            return
        self.beginInsertRows(QModelIndex(), len(self.runs), len(self.runs) + len(fresh) - 1)
        self.runs.extend(fresh)
        self.endInsertRows()

    def row_of(self, run_id: str) -> int:
        """The row of a run, -1 when not shown."""
        return next((i for i, r in enumerate(self.runs) if r.id == run_id), -1)

    def items(self) -> list[Any]:
        """The runs shown, one per row."""
        return self.runs

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text, status colour, run id and the error as a tooltip."""
        if not index.isValid():
            return None
        run, col = self.runs[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                QUEUED: local_time(run.queued_at), WORKFLOW: run.workflow, STATUS: run.status, TRIGGER: run.trigger,
                DURATION: human_duration(run.duration) if run.duration is not None else "",
                MESSAGE: _first_line(run.message or run.error or ""),
            }[col]
        if role == RUN_ID_ROLE:
            return run.id
        if role == Qt.ItemDataRole.ForegroundRole and col == STATUS:
            return status_color(run.status)
        if role == Qt.ItemDataRole.ToolTipRole and col == MESSAGE and (run.error or run.message):
            return (run.error or run.message or "")[:2000]
        return None


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line[:200]
