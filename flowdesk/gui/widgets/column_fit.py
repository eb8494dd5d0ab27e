"""Tables that fit their width, never scrolling sideways: the short columns at their preferred widths, one column
stretching (its text elided, the full text in its tooltip).

When the table narrows, the short columns first shrink toward their minimum widths (given per column; without one a
column keeps its width); only when even the minimums do not fit next to the stretching column are the ``drop``
columns hidden, in order (their content is in a detail pane or a tooltip). The stretching column may be one of
them: the ``fallback`` column then stretches in its place. A width the user drags becomes that column's preferred
width."""

from __future__ import annotations

import math

from flowdesk.gui.qt import QEvent, QHeaderView, QObject, Qt, QTableView, QTimer
from flowdesk.gui.theme.tokens import ROW_HEIGHT

MIN_STRETCH = 140  # the stretching column never gets narrower than this while others are shown
MIN_SECTION = 36


class ColumnFit(QObject):
    """Keeps ``table``'s columns within its viewport.

    ``widths``: the preferred width of each fixed column; ``minimums``: how narrow a column may get before any
    column is hidden; ``stretch``: the column taking the rest (at least ``stretch_min``); ``drop``: the columns to
    hide, first first, when even the minimums do not fit; ``fallback``: the column stretching while ``stretch`` is
    hidden (one of ``widths``)."""

    def __init__(self, table: QTableView, widths: dict[int, int], stretch: int, drop: tuple[int, ...] = (), *,
                 minimums: dict[int, int] | None = None, stretch_min: int = MIN_STRETCH,
                 fallback: int | None = None) -> None:
        super().__init__(table)
        self.table, self.stretch, self.drop, self.fallback = table, stretch, drop, fallback
        self.widths = dict(widths)  # preferred widths (a user's drag changes them)
        self.minimums = {c: min(w, (minimums or {}).get(c, w)) for c, w in widths.items()}
        self.stretch_min = stretch_min
        self.always_hidden: set[int] = set()
        self.hidden: set[int] = set()  # the droppable columns hidden by the last fit
        self._fitting = False
        self._refit = QTimer(self)
        self._refit.setSingleShot(True)
        self._refit.setInterval(0)
        self._refit.timeout.connect(self.fit)
        header = table.horizontalHeader()
        header.setMinimumSectionSize(MIN_SECTION)
        for col, width in widths.items():
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, width)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        header.sectionResized.connect(self._on_section_resized)
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
        """On every resize of the viewport: fit the columns again."""
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def _stretching_with(self, hidden: set[int]) -> int:
        """The column taking the rest of the width when ``hidden`` are hidden."""
        return self.fallback if self.stretch in hidden and self.fallback is not None else self.stretch

    def _stretch_least(self, stretch: int) -> int:
        return self.stretch_min if stretch == self.stretch else self.minimums[stretch]

    @property
    def stretching(self) -> int:
        """The column taking the rest of the width now."""
        return self._stretching_with(self.hidden)

    def least(self, hidden: set[int]) -> int:
        """The narrowest the shown columns can be, with ``hidden`` hidden."""
        stretch = self._stretching_with(hidden)
        fixed = sum(self.minimums[c] for c in self.widths
                    if c not in self.always_hidden and c not in hidden and c != stretch)
        return fixed + self._stretch_least(stretch)

    def plan(self, available: int) -> tuple[set[int], dict[int, int]]:
        """What ``fit`` does at ``available`` pixels: the columns hidden and the widths of the fixed ones shown."""
        hidden: set[int] = set()
        for col in self.drop:
            if self.least(hidden) <= available:
                break
            hidden.add(col)
        stretch = self._stretching_with(hidden)
        fixed = [c for c in self.widths if c not in self.always_hidden and c not in hidden and c != stretch]
        room = available - self._stretch_least(stretch)
        preferred = sum(self.widths[c] for c in fixed)
        if preferred <= room:
            return hidden, {c: self.widths[c] for c in fixed}
        slack = sum(self.widths[c] - self.minimums[c] for c in fixed)
        share = min(1.0, (preferred - room) / slack) if slack else 1.0
        # Each column gives up the same share of what it can give (rounded up: the total never exceeds the room).
        return hidden, {c: self.widths[c] - math.ceil((self.widths[c] - self.minimums[c]) * share) for c in fixed}

    def fit(self) -> None:
        """Hide what must go, shrink what must shrink, and let the stretching column take the rest."""
        available = self.table.viewport().width()
        if available <= 0:
            return
        hidden, widths = self.plan(available)
        header = self.table.horizontalHeader()
        self._fitting = True
        try:
            was, self.hidden = self.stretching, hidden
            if self.stretching != was:
                header.setSectionResizeMode(was, QHeaderView.ResizeMode.Interactive)
            header.setSectionResizeMode(self.stretching, QHeaderView.ResizeMode.Stretch)
            for col in self.drop:
                if col not in self.always_hidden and self.table.isColumnHidden(col) != (col in hidden):
                    self.table.setColumnHidden(col, col in hidden)
            for col, width in widths.items():
                if header.sectionSize(col) != width:
                    header.resizeSection(col, width)
        finally:
            self._fitting = False

    def _on_section_resized(self, col: int, _old: int, new: int) -> None:
        """The user dragged a column's edge: that width is its preferred one (within what the table can give)."""
        if self._fitting or new <= 0 or col not in self.widths or col == self.stretching:
            return
        others = sum(self.table.columnWidth(c) for c in self.widths
                     if c != col and c != self.stretching and not self.table.isColumnHidden(c))
        most = self.table.viewport().width() - others - self._stretch_least(self.stretching)
        self.widths[col] = max(self.minimums[col], min(new, most))
        self._refit.start()


def fit_columns(table: QTableView, widths: dict[int, int], stretch: int, drop: tuple[int, ...] = (), *,
                minimums: dict[int, int] | None = None, stretch_min: int = MIN_STRETCH,
                fallback: int | None = None) -> ColumnFit:
    """Install a ColumnFit on ``table`` (kept alive by the table)."""
    return ColumnFit(table, widths, stretch, drop, minimums=minimums, stretch_min=stretch_min, fallback=fallback)
