"""Tables that fit their width: short columns at fixed widths, one column stretching, and, when the table gets
narrow, the least useful columns hidden (their content is in the detail pane or a tooltip) instead of a
horizontal scrollbar."""

from __future__ import annotations

from flowdesk.gui.qt import QEvent, QHeaderView, QObject, Qt, QTableView
from flowdesk.gui.theme.tokens import ROW_HEIGHT

MIN_STRETCH = 140  # the stretching column never gets narrower than this while others are shown


class ColumnFit(QObject):
    """Keeps ``table``'s columns within its viewport; ``drop`` lists the columns to hide first when narrow."""

    def __init__(self, table: QTableView, widths: dict[int, int], stretch: int, drop: tuple[int, ...] = ()) -> None:
        super().__init__(table)
        self.table, self.widths, self.stretch, self.drop = table, dict(widths), stretch, drop
        self.always_hidden: set[int] = set()
        header = table.horizontalHeader()
        header.setMinimumSectionSize(36)
        for col, width in widths.items():
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, width)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.setWordWrap(False)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        table.viewport().installEventFilter(self)

    def hide_always(self, col: int) -> None:
        """A column the view never shows (kept in the model for sorting and search)."""
        self.always_hidden.add(col)
        self.table.setColumnHidden(col, True)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """On every resize of the viewport: hide or show the droppable columns."""
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def fit(self) -> None:
        """Show as many droppable columns as fit next to the stretching one."""
        available = self.table.viewport().width()
        shown = [c for c in self.widths if c not in self.always_hidden]
        hidden: set[int] = set()
        for col in self.drop:
            if sum(self.widths[c] for c in shown if c not in hidden) + MIN_STRETCH <= available:
                break
            hidden.add(col)
        for col in self.drop:
            if col not in self.always_hidden and self.table.isColumnHidden(col) != (col in hidden):
                self.table.setColumnHidden(col, col in hidden)
                if col not in hidden:
                    self.table.horizontalHeader().resizeSection(col, self.widths[col])


def fit_columns(table: QTableView, widths: dict[int, int], stretch: int, drop: tuple[int, ...] = ()) -> ColumnFit:
    """Install a ColumnFit on ``table`` (kept alive by the table)."""
    return ColumnFit(table, widths, stretch, drop)
