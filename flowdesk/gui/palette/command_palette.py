"""The command palette (Ctrl+K, Ctrl+Shift+P): fuzzy search over everything the window can do, keyboard only.

Type to filter; Up/Down (Page Up/Down, Home/End) move; Enter acts, Shift+Enter takes the
alternate action (open a workflow instead of running it); Backspace in an empty box goes back from
a second step; Escape closes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flowdesk.core.fuzzy_match import Match, fuzzy_match
from flowdesk.gui.palette.palette_items import GROUPS, PaletteItem, all_items, group_title, read_recent_runs, run_items
from flowdesk.gui.qt import (
    QColor,
    QDialog,
    QEvent,
    QFont,
    QKeyEvent,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QModelIndex,
    QObject,
    QPainter,
    QRect,
    QSize,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from flowdesk.gui.theme import theme_state
from flowdesk.gui.theme.icons import icon

ITEM_ROLE = Qt.ItemDataRole.UserRole + 1  # index into the shown PaletteItems, or -1 for a group heading
MATCH_ROLE = Qt.ItemDataRole.UserRole + 2
PER_GROUP = 8  # results per group (the first step without a query shows fewer)


def _colour(token: str) -> QColor:
    """The theme colour named ``token``."""
    return QColor(getattr(theme_state.palette(), token))


class PaletteDelegate(QStyledItemDelegate):
    """Icon, title with the matched characters in bold accent, subtitle muted, the Enter hint on the right."""

    def __init__(self, palette: CommandPalette) -> None:
        super().__init__(palette)
        self.palette = palette

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        """One row (or a group heading)."""
        painter.save()
        n = index.data(ITEM_ROLE)
        rect = option.rect
        if n is None or n < 0:
            font = QFont(option.font)
            font.setBold(True)
            font.setPixelSize(max(9, font.pixelSize() - 2) if font.pixelSize() > 0 else 11)
            painter.setFont(font)
            painter.setPen(_colour("text_muted"))
            painter.drawText(rect.adjusted(12, 0, -12, 0), Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignLeft,
                             index.data(Qt.ItemDataRole.DisplayRole).upper())
            painter.restore()
            return
        item: PaletteItem = self.palette.shown[n]
        match: Match | None = index.data(MATCH_ROLE)
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(rect, _colour("selection"))
        icon(item.icon, "accent" if option.state & QStyle.StateFlag.State_Selected else "text_muted").paint(
            painter, QRect(rect.left() + 12, rect.center().y() - 9, 18, 18))
        x = rect.left() + 40
        metrics = option.fontMetrics
        baseline = rect.top() + (rect.height() + metrics.ascent() - metrics.descent()) // 2
        matched = set(match.positions) if match else set()
        title_positions = [p for p in matched if p < len(item.title)]
        bold = QFont(option.font)
        bold.setBold(True)
        for position, char in enumerate(item.title):
            strong = position in title_positions
            painter.setFont(bold if strong else option.font)
            painter.setPen(_colour("accent" if strong else "text"))
            painter.drawText(x, baseline, char)
            x += painter.fontMetrics().horizontalAdvance(char)
        painter.setFont(option.font)
        hint_width = metrics.horizontalAdvance(item.hint) + 16 if item.hint else 0
        if item.subtitle:
            painter.setPen(_colour("text_muted"))
            room = rect.right() - hint_width - (x + 12)
            painter.drawText(x + 12, baseline, metrics.elidedText(item.subtitle, Qt.TextElideMode.ElideRight, max(0, room)))
        if item.hint:
            painter.setPen(_colour("text_muted"))
            painter.drawText(rect.adjusted(0, 0, -12, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                             item.hint)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802 - Qt override
        """Headings are shorter than results."""
        n = index.data(ITEM_ROLE)
        height = option.fontMetrics.height()
        return QSize(400, height + 10 if n is None or n < 0 else height + 16)


class CommandPalette(QDialog):
    """A frameless popup over the window; ``acted`` says which item ran."""

    acted = Signal(object)  # the PaletteItem whose action ran

    def __init__(self, host: Any, parent: QWidget | None = None,
                 items: Callable[[], list[PaletteItem]] | None = None) -> None:
        super().__init__(parent or host)
        self.host = host
        self.setObjectName("commandPalette")
        self.setWindowFlags(Qt.WindowType.Popup | Qt.WindowType.FramelessWindowHint)
        self.setAccessibleName(self.tr("Command palette"))
        self._source = items or (lambda: all_items(host))
        self._with_runs = items is None  # the default first step adds the recent runs once the core read them
        self._opened = 0  # which opening a late store read belongs to
        self.steps: list[tuple[list[PaletteItem], str]] = []  # (items, prompt), the first step first
        self.shown: list[PaletteItem] = []
        self.search = QLineEdit()
        self.search.setAccessibleName(self.tr("Search commands, workflows, tools and runs"))
        self.search.textChanged.connect(self._refilter)
        self.search.installEventFilter(self)
        self.results = QListWidget()
        self.results.setItemDelegate(PaletteDelegate(self))
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing always goes to the search box
        self.results.setAccessibleName(self.tr("Results"))
        self.results.itemClicked.connect(lambda _item: self.activate())
        self.footer = QLabel(self.tr("↑↓ move · Enter run or open · Shift+Enter open instead · Esc close"))
        self.footer.setObjectName("mutedText")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.search)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.footer)
        self.resize(640, 460)

    # -- opening -----------------------------------------------------------------------------

    def popup(self) -> None:
        """Show over the host window with every item, the search box focused."""
        colours = theme_state.palette()  # a popup has no window frame: draw its edge from the theme
        self.setStyleSheet(f"#commandPalette {{ background: {colours.surface}; border: 1px solid {colours.border_strong};"
                           f" border-radius: 8px; }}")
        self.steps = [(self._source(), self.tr("Search workflows, tools, runs and commands…"))]
        self._enter_step()
        self._opened += 1
        if self._with_runs:
            self._ask_recent_runs(self._opened)
        window = self.parentWidget()
        if window is not None:
            frame = window.geometry()
            self.move(frame.center().x() - self.width() // 2, frame.top() + max(40, frame.height() // 8))
        self.show()
        self.raise_()
        self.activateWindow()
        self.search.setFocus()

    def popup_at(self, icon_name: str) -> None:
        """Show, straight on the second step of the command with this icon (``play``: Run which workflow?)."""
        self.popup()
        for item in self.steps[0][0]:
            if item.group == "commands" and item.icon == icon_name and item.children is not None:
                self.steps.append((item.children(), item.prompt))
                self._enter_step()
                return

    def _ask_recent_runs(self, opening: int) -> None:
        """Read the latest runs on the core thread (never the store on the GUI thread); add them when they come."""
        bridge = getattr(self.host, "bridge", None)
        if bridge is None or not bridge.running:
            return
        bridge.submit(lambda rt: read_recent_runs(rt), lambda runs: self._runs_read(opening, runs))

    def _runs_read(self, opening: int, runs: list[Any]) -> None:
        if opening != self._opened or not self.steps or not self.isVisible():
            return  # closed or opened again since: that opening asks for its own
        self.steps[0][0].extend(run_items(self.host, runs))
        if len(self.steps) == 1:
            current = self.current_item()
            self._refilter(self.search.text())
            if current is not None and current in self.shown:  # keep what the arrows had chosen
                position = self.shown.index(current)
                for row in range(self.results.count()):
                    if self.results.item(row).data(ITEM_ROLE) == position:
                        self.results.setCurrentRow(row)
                        break

    def _enter_step(self) -> None:
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.search.setPlaceholderText(self.steps[-1][1])
        self._refilter("")

    # -- filtering ---------------------------------------------------------------------------

    def _refilter(self, query: str) -> None:
        items = self.steps[-1][0]
        scored: list[tuple[PaletteItem, Match]] = []
        for item in items:
            match = fuzzy_match(query, item.search_text)
            if match is not None:
                scored.append((item, match))
        if query.strip():
            scored.sort(key=lambda pair: -pair[1].score)
        by_group: dict[str, list[tuple[PaletteItem, Match]]] = {}
        for item, match in scored:
            by_group.setdefault(item.group, []).append((item, match))
        limit = PER_GROUP if query.strip() or len(self.steps) > 1 else 5
        if len(self.steps) > 1:
            limit = 1000  # a second step lists all its choices
        # Groups in their usual order without a query; by their best result with one.
        order = list(by_group) if query.strip() else [g for g in GROUPS if g in by_group]
        self.results.clear()
        self.shown = []
        for group in order:
            heading = QListWidgetItem(group_title(group))
            heading.setFlags(Qt.ItemFlag.NoItemFlags)
            heading.setData(ITEM_ROLE, -1)
            self.results.addItem(heading)
            for item, match in by_group[group][:limit]:
                row = QListWidgetItem(item.title)
                row.setData(ITEM_ROLE, len(self.shown))
                row.setData(MATCH_ROLE, match)
                row.setToolTip(item.subtitle or item.title)
                self.shown.append(item)
                self.results.addItem(row)
        self._select_first()

    def _select_first(self) -> None:
        for row in range(self.results.count()):
            if self.results.item(row).data(ITEM_ROLE) >= 0:
                self.results.setCurrentRow(row)
                return

    def current_item(self) -> PaletteItem | None:
        """The highlighted result."""
        row = self.results.currentItem()
        n = row.data(ITEM_ROLE) if row is not None else -1
        return self.shown[n] if n is not None and n >= 0 else None

    def titles(self) -> list[str]:
        """The shown results' titles, in order (tests, screen readers)."""
        return [item.title for item in self.shown]

    # -- keyboard ----------------------------------------------------------------------------

    def _move(self, step: int) -> None:
        count = self.results.count()
        row = self.results.currentRow()
        for _ in range(count):
            row = (row + step) % count if count else 0
            if self.results.item(row).data(ITEM_ROLE) >= 0:
                self.results.setCurrentRow(row)
                return

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """Arrows, Enter and Escape from the search box."""
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            key_event: QKeyEvent = event  # type: ignore[assignment]
            key = key_event.key()
            moves = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 5, Qt.Key.Key_PageUp: -5}
            if key in moves:
                for _ in range(abs(moves[key])):
                    self._move(1 if moves[key] > 0 else -1)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.activate(alternate=bool(key_event.modifiers() & Qt.KeyboardModifier.ShiftModifier))
                return True
            if key == Qt.Key.Key_Escape:
                self.close()
                return True
            if key == Qt.Key.Key_Backspace and not self.search.text() and len(self.steps) > 1:
                self.steps.pop()
                self._enter_step()
                return True
        return super().eventFilter(watched, event)

    def activate(self, alternate: bool = False) -> None:
        """Act on the highlighted result (a command with a second step shows its choices)."""
        item = self.current_item()
        if item is None:
            return
        if item.children is not None and not alternate:
            self.steps.append((item.children(), item.prompt))
            self._enter_step()
            return
        action = item.alternate if alternate and item.alternate is not None else item.action
        self.close()
        if action is not None:
            action()
        self.acted.emit(item)
