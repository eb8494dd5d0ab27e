"""Help ▸ Keyboard shortcuts: every shortcut of the window's actions, plus the ones views and dialogs define."""

from __future__ import annotations

from flowdesk.gui.qt import (
    QAbstractItemView,
    QAction,
    QCoreApplication,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QKeySequence,
    QLineEdit,
    QMainWindow,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


def _tr(text: str) -> str:
    return QCoreApplication.translate("ShortcutsDialog", text)


def local_shortcuts() -> list[tuple[str, str]]:
    """Shortcuts that belong to a widget rather than a window action (shown under "In views")."""
    return [
        (_tr("Run inspector: previous run of the workflow"), "Alt+Left"),
        (_tr("Run inspector: next run of the workflow"), "Alt+Right"),
        (_tr("JSON tree: copy the selected value"), QKeySequence(QKeySequence.StandardKey.Copy).toString(
            QKeySequence.SequenceFormat.NativeText)),
        (_tr("Log: search"), QKeySequence(QKeySequence.StandardKey.Find).toString(QKeySequence.SequenceFormat.NativeText)),
        (_tr("Log: next match"), "Enter"),
        (_tr("Command palette: open instead of run"), "Shift+Enter"),
        (_tr("Command palette: back from a second step"), "Backspace"),
        (_tr("Close a dialog or the palette"), "Esc"),
        (_tr("Move between fields and buttons"), "Tab / Shift+Tab"),
    ]


def window_shortcuts(window: QMainWindow) -> list[tuple[str, str]]:
    """(what, keys) of every action of the window that has a shortcut, in menu order."""
    seen: set[int] = set()
    rows: list[tuple[str, str]] = []
    actions: list[QAction] = []
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        if menu is not None:
            actions += menu.actions()
    actions += window.actions()
    for action in actions:
        if id(action) in seen or not action.shortcuts():
            continue
        seen.add(id(action))
        keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts())
        rows.append((action.text().replace("&", ""), keys))
    return rows


class ShortcutsDialog(QDialog):
    """A filterable two-column list: what, and the keys."""

    def __init__(self, window: QMainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.resize(560, 520)
        self.rows = window_shortcuts(window) + local_shortcuts()
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.tr("Filter…"))
        self.filter.setAccessibleName(self.tr("Filter the shortcuts"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._fill)
        self.table = QTableWidget(0, 2)
        self.table.setTabKeyNavigation(False)  # Tab leaves the list (rows are chosen with the arrows)
        self.table.setHorizontalHeaderLabels([self.tr("Action"), self.tr("Shortcut")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setAccessibleName(self.tr("Keyboard shortcuts"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self._fill("")

    def _fill(self, text: str) -> None:
        needle = text.casefold()
        shown = [r for r in self.rows if needle in r[0].casefold() or needle in r[1].casefold()]
        self.table.setRowCount(len(shown))
        for n, (what, keys) in enumerate(shown):
            self.table.setItem(n, 0, QTableWidgetItem(what))
            self.table.setItem(n, 1, QTableWidgetItem(keys))

    def shortcut_of(self, what: str) -> str | None:
        """The keys listed for an action (tests)."""
        return next((keys for name, keys in self.rows if name == what), None)
