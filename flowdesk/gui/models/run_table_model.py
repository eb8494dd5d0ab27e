"""The runs table, loaded lazily: keyset pages read on the core thread as the view scrolls (canFetchMore/fetchMore).

Rows are RunRecords (without logs), newest first. ``refresh_head`` adds runs newer than the top row
and updates rows whose run was still going, so a live list never re-reads what it already shows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flowdesk.core.store import RunRecord
from flowdesk.core.store.run_pages import run_page, runs_by_id, runs_newer_than
from flowdesk.gui.i18n import run_text, window_language
from flowdesk.gui.models.list_table_model import ListTableModel
from flowdesk.gui.qt import QT_TRANSLATE_NOOP, QModelIndex, QObject, Qt, Signal
from flowdesk.gui.time_text import exact, short_duration
from flowdesk.gui.widgets.chips import CHIPS_ROLE, status_chip
from flowdesk.gui.widgets.status_colors import status_color

COLUMNS = (QT_TRANSLATE_NOOP("Columns", "Queued"), QT_TRANSLATE_NOOP("Columns", "Workflow"), QT_TRANSLATE_NOOP("Columns", "Status"), QT_TRANSLATE_NOOP("Columns", "Trigger"),
           QT_TRANSLATE_NOOP("Columns", "Duration"), QT_TRANSLATE_NOOP("Columns", "Message"))
QUEUED, WORKFLOW, STATUS, TRIGGER, DURATION, MESSAGE = range(len(COLUMNS))
RUN_ID_ROLE = Qt.ItemDataRole.UserRole
PAGE = 200
HEAD_LIMIT = 1000  # more new runs than this since the last refresh: start again from the top
# Chips are immutable: one list per language and status, made once (a repaint asks for every visible cell).
_STATUS_CHIPS: dict[tuple[str, str], list[Any]] = {}

Submit = Callable[..., Any]  # CoreBridge.submit


class RunTableModel(ListTableModel):
    """Rows of RunRecord; pages arrive from the core thread; ``loaded`` after each page or head refresh."""

    columns = COLUMNS
    loaded = Signal()

    def __init__(self, parent: QObject | None = None, submit: Submit | None = None, page_size: int = PAGE) -> None:
        # Kept as ``core_submit``: ``submit`` is a virtual slot of QAbstractItemModel that views call.
        super().__init__(parent)
        self.runs: list[RunRecord] = []
        self.core_submit = submit
        self.page_size = page_size
        self.filters: dict[str, Any] = {}
        self.exhausted = True
        self.fetching = False
        self.pages_fetched = 0
        self._generation = 0
        self._text_cache: dict[tuple[str, str, float | None], tuple[str, ...]] = {}

    # -- loading ------------------------------------------------------------------------

    def reset(self, filters: dict[str, Any]) -> None:
        """Forget every row and load the first page for ``filters``."""
        self._generation += 1
        self.beginResetModel()
        self.filters = dict(filters)
        self.runs = []
        self.exhausted = False
        self.fetching = False
        self.endResetModel()
        self.fetchMore(QModelIndex())

    def canFetchMore(self, parent: QModelIndex = QModelIndex()) -> bool:  # noqa: N802, B008 - Qt API
        """More pages exist and none is on its way."""
        return not parent.isValid() and not self.exhausted and not self.fetching and self.core_submit is not None

    def fetchMore(self, parent: QModelIndex = QModelIndex()) -> None:  # noqa: N802, B008 - Qt API
        """Ask the core for the next page; the rows are inserted when it arrives (the GUI never waits)."""
        if not self.canFetchMore(parent):
            return
        self.fetching = True
        generation, filters, limit = self._generation, dict(self.filters), self.page_size
        last = self.runs[-1] if self.runs else None
        cursor = (last.queued_at, last.id) if last else None
        self.core_submit(lambda rt: run_page(rt.store, filters, cursor, limit),  # type: ignore[misc]
                    lambda rows: self._on_page(generation, rows, limit), lambda _exc: self._on_failed(generation))

    def _on_page(self, generation: int, rows: list[RunRecord], limit: int) -> None:
        if generation != self._generation:
            return  # filters changed meanwhile
        self.fetching = False
        self.pages_fetched += 1
        self.exhausted = len(rows) < limit
        known = {r.id for r in self.runs[-limit:]}
        fresh = [r for r in rows if r.id not in known]
        if fresh:
            self.beginInsertRows(QModelIndex(), len(self.runs), len(self.runs) + len(fresh) - 1)
            self.runs.extend(fresh)
            self.endInsertRows()
        self.loaded.emit()

    def _on_failed(self, generation: int) -> None:
        if generation == self._generation:
            self.fetching = False
            self.exhausted = True
            self.loaded.emit()

    def refresh_head(self) -> None:
        """Insert runs newer than the top row and update rows still queued or running (one core call)."""
        if self.core_submit is None:
            return
        if not self.runs:
            if not self.fetching:
                self.reset(self.filters)
            return
        generation, filters = self._generation, dict(self.filters)
        top = (self.runs[0].queued_at, self.runs[0].id)
        going = [r.id for r in self.runs if not r.finished]

        def read(rt: Any) -> tuple[list[RunRecord], dict[str, RunRecord]]:
            return runs_newer_than(rt.store, filters, top, HEAD_LIMIT + 1), runs_by_id(rt.store, going)

        self.core_submit(read, lambda result: self._on_head(generation, *result))

    def _on_head(self, generation: int, newer: list[RunRecord], updated: dict[str, RunRecord]) -> None:
        if generation != self._generation:
            return
        if len(newer) > HEAD_LIMIT:
            self.reset(self.filters)
            return
        for row, run in enumerate(self.runs):
            if run.id in updated and updated[run.id] != run:
                self.runs[row] = updated[run.id]
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        if newer:
            self.beginInsertRows(QModelIndex(), 0, len(newer) - 1)
            self.runs[0:0] = newer
            self.endInsertRows()
        self.loaded.emit()

    # -- rows -----------------------------------------------------------------------------

    def set_runs(self, runs: list[RunRecord]) -> None:
        """Replace every row with these (no paging: tests and fixed lists)."""
        self._generation += 1
        self.beginResetModel()
        self.runs = list(runs)
        self.exhausted, self.fetching = True, False
        self.endResetModel()

    def row_of(self, run_id: str) -> int:
        """The row of a run, -1 when not loaded."""
        return next((i for i, r in enumerate(self.runs) if r.id == run_id), -1)

    def items(self) -> list[Any]:
        """The runs loaded, one per row."""
        return self.runs

    def _texts(self, run: RunRecord) -> tuple[str, ...]:
        # Formatted once per record (dates and first lines cost more than a repaint can afford for every cell).
        key = (run.id, run.status, run.duration)
        texts = self._text_cache.get(key)
        if texts is None:
            if len(self._text_cache) > 4096:
                self._text_cache.clear()
            texts = (list_time(run.queued_at), run.workflow, run.status, run.trigger,
                     short_duration(run.duration) if run.duration is not None else "",
                     _first_line(run_text(run.message or run.error or "")))
            self._text_cache[key] = texts
        return texts

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text, the status chip, run id, and tooltips with the full text."""
        if not index.isValid():
            return None
        run, col = self.runs[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts(run)[col]
        if role == RUN_ID_ROLE:
            return run.id
        if role == CHIPS_ROLE and col == STATUS:
            key = (window_language(), run.status)
            chips = _STATUS_CHIPS.get(key)
            if chips is None:
                chips = _STATUS_CHIPS[key] = [status_chip(run.status)]
            return chips
        if role == Qt.ItemDataRole.ForegroundRole and col == STATUS:
            return status_color(run.status)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == MESSAGE and (run.error or run.message):
                return run_text(run.error or run.message or "")[:2000]
            if col == QUEUED:
                return exact(run.queued_at)
            if col == WORKFLOW:
                return run.workflow
        return None


def list_time(moment: datetime) -> str:
    """``06 Dec 03:05:12`` in the machine's zone (the year is in the tooltip)."""
    return moment.astimezone().strftime("%d %b %H:%M:%S")


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line[:200]
