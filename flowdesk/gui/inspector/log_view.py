"""A run's log: timestamps, level colours, a level filter, search with highlighted matches, and follow while live.

Lines live in a list model painted by a delegate, so a 1 MB log (20,000 lines) filters and
scrolls without laying out a text document.
"""

from __future__ import annotations

from flowdesk.core.log_lines import LEVELS, PRINT, LogLine, parse_log, passes_level
from flowdesk.gui.qt import (
    QAbstractItemView,
    QAbstractListModel,
    QCheckBox,
    QColor,
    QComboBox,
    QFont,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QLineEdit,
    QListView,
    QModelIndex,
    QObject,
    QPainter,
    QShortcut,
    QSize,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    Qt,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from flowdesk.gui.theme import theme_state
from flowdesk.gui.theme.icons import icon
from flowdesk.gui.theme.tokens import mix
from flowdesk.gui.widgets.copy_button import copy_text
from flowdesk.gui.widgets.input_widgets import monospace_font

LEVEL_TOKENS = {"DEBUG": "text_muted", "INFO": "running", "WARNING": "warning", "ERROR": "danger", "CRITICAL": "danger"}
LINE_ROLE = Qt.ItemDataRole.UserRole + 1


class LogModel(QAbstractListModel):
    """The lines that pass the level filter; ``matches`` are the shown rows containing the search text."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lines: list[LogLine] = []
        self.shown: list[int] = []
        self.minimum = "DEBUG"
        self.search = ""
        self.matches: list[int] = []
        self.longest = 0

    def set_lines(self, lines: list[LogLine]) -> None:
        """Replace every line."""
        self.beginResetModel()
        self.lines = list(lines)
        self.longest = max((len(line.text) for line in self.lines), default=0)
        self.shown = [n for n, line in enumerate(self.lines) if passes_level(line, self.minimum)]
        self.endResetModel()
        self._find()

    def append(self, lines: list[LogLine]) -> None:
        """Add lines at the end (a live run)."""
        start = len(self.lines)
        self.lines.extend(lines)
        self.longest = max([self.longest, *(len(line.text) for line in lines)])
        new = [start + n for n, line in enumerate(lines) if passes_level(line, self.minimum)]
        if new:
            self.beginInsertRows(QModelIndex(), len(self.shown), len(self.shown) + len(new) - 1)
            self.shown.extend(new)
            self.endInsertRows()
            self._find()

    def set_minimum(self, level: str) -> None:
        """Show lines at ``level`` and above."""
        self.minimum = level
        self.set_lines(self.lines)

    def set_search(self, text: str) -> None:
        """Highlight ``text`` (case-insensitive) and list the rows holding it."""
        self.search = text
        self._find()
        if self.shown:
            self.dataChanged.emit(self.index(0), self.index(len(self.shown) - 1))

    def _find(self) -> None:
        needle = self.search.casefold()
        self.matches = [row for row, n in enumerate(self.shown) if needle and needle in self.lines[n].text.casefold()] \
            if needle else []

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        """Shown lines."""
        return 0 if parent.isValid() else len(self.shown)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """The line's text, and the LogLine under LINE_ROLE."""
        if not index.isValid():
            return None
        line = self.lines[self.shown[index.row()]]
        if role == Qt.ItemDataRole.DisplayRole:
            return line.text
        if role == LINE_ROLE:
            return line
        return None

    def text_of(self, rows: list[int]) -> str:
        """The text of some shown rows, one per line."""
        return "\n".join(self.lines[self.shown[r]].text for r in sorted(rows))


class LogLineDelegate(QStyledItemDelegate):
    """Time muted, level in its colour, the rest plain; search matches on a tinted background."""

    def __init__(self, model: LogModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        """One line."""
        line: LogLine = index.data(LINE_ROLE)
        palette = theme_state.palette()
        painter.save()
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, QColor(palette.selection))
        metrics = option.fontMetrics
        rect = option.rect.adjusted(4, 0, 0, 0)
        baseline = rect.top() + (rect.height() + metrics.ascent() - metrics.descent()) // 2
        needle = self.model.search.casefold()
        if needle:
            folded = line.text.casefold()
            at = folded.find(needle)
            while at != -1:
                x = rect.left() + metrics.horizontalAdvance(line.text[:at])
                width = metrics.horizontalAdvance(line.text[at:at + len(needle)])
                painter.fillRect(x, rect.top() + 1, width, rect.height() - 2, QColor(mix(palette.warning, palette.surface, 0.35)))
                at = folded.find(needle, at + len(needle))
        x = rect.left()
        pieces: list[tuple[str, str, bool]] = []
        if line.time and not line.continuation:
            level_end = line.body_start
            pieces = [(line.text[:len(line.time) + 1], "text_muted", False),
                      (line.text[len(line.time) + 1:level_end], LEVEL_TOKENS.get(line.level, "text"), True),
                      (line.text[level_end:], "text", False)]
        else:
            token = "text" if line.level == PRINT else LEVEL_TOKENS.get(line.level, "text")
            pieces = [(line.text, token if line.level in ("ERROR", "CRITICAL") else "text", False)]
        base_font = QFont(option.font)
        for text, token, bold in pieces:
            font = QFont(base_font)
            font.setBold(bold)
            painter.setFont(font)
            painter.setPen(QColor(getattr(palette, token)))
            painter.drawText(x, baseline, text)
            x += painter.fontMetrics().horizontalAdvance(text)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802 - Qt override
        """Wide enough for the longest line (uniform sizes: asked once)."""
        metrics = option.fontMetrics
        return QSize(metrics.horizontalAdvance("M") * (self.model.longest + 2), metrics.height() + 2)


class LogView(QWidget):
    """Toolbar (level, search, previous/next match, follow) over the lines."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = LogModel(self)
        self.level = QComboBox()
        self.level.setAccessibleName(self.tr("Log level"))
        labels = {"DEBUG": self.tr("All levels"), "INFO": self.tr("Info and above"),
                  "WARNING": self.tr("Warnings and errors"), "ERROR": self.tr("Errors only")}
        for name in LEVELS[:4]:
            self.level.addItem(labels[name], name)
        self.level.currentIndexChanged.connect(lambda _i: self._set_level())
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search the log…"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(self.tr("Search the log"))
        self.search.textChanged.connect(self._search)
        self.search.returnPressed.connect(self.next_match)
        self.count = QLabel()
        self.previous_button = self._icon_button("caret-up", self.tr("Previous match"), self.previous_match)
        self.next_button = self._icon_button("caret-down", self.tr("Next match"), self.next_match)
        self.follow = QCheckBox(self.tr("Follow"))
        self.follow.setChecked(True)
        self.follow.setToolTip(self.tr("Keep the newest line in view while the run is live"))
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setItemDelegate(LogLineDelegate(self.model, self.list))
        self.list.setUniformItemSizes(True)
        self.list.setFont(monospace_font())
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.list.setAccessibleName(self.tr("Run log"))
        QShortcut(QKeySequence.StandardKey.Copy, self.list, self.copy_selection)
        QShortcut(QKeySequence.StandardKey.Find, self, self.search.setFocus)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Level:")))
        top.addWidget(self.level)
        top.addWidget(self.search, 1)
        top.addWidget(self.count)
        top.addWidget(self.previous_button)
        top.addWidget(self.next_button)
        top.addWidget(self.follow)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.list, 1)
        self._partial = ""  # a live chunk may end mid-line
        self._current_match = -1
        self.set_live(False)

    def _icon_button(self, name: str, what: str, slot) -> QToolButton:  # noqa: ANN001
        button = QToolButton()
        button.setIcon(icon(name))
        button.setToolTip(what)
        button.setAccessibleName(what)
        button.setAutoRaise(True)
        button.clicked.connect(slot)
        return button

    def set_text(self, text: str, lines: list[LogLine] | None = None) -> None:
        """Show a whole log (``lines`` when already parsed off the GUI thread)."""
        self._partial = ""
        self.model.set_lines(lines if lines is not None else parse_log(text))
        self._update_count()

    def append_text(self, chunk: str) -> None:
        """Add a live chunk; only whole lines are shown until the rest arrives."""
        text = self._partial + chunk
        whole, _, self._partial = text.rpartition("\n")
        if not whole and "\n" not in text:
            self._partial = text
            return
        previous = self.model.lines[-1] if self.model.lines else None
        self.model.append(parse_log(whole, previous))
        self._update_count()
        if self.follow.isChecked() and self.follow.isEnabled():
            self.list.scrollToBottom()

    def set_live(self, live: bool) -> None:
        """Follow is offered only while the run is live."""
        self.follow.setEnabled(live)
        if not live and self._partial:
            self.model.append(parse_log(self._partial, self.model.lines[-1] if self.model.lines else None))
            self._partial = ""

    def _set_level(self) -> None:
        self.model.set_minimum(self.level.currentData())
        self._update_count()

    def _search(self, text: str) -> None:
        self.model.set_search(text)
        self._current_match = -1
        self._update_count()
        if self.model.matches:
            self.next_match()

    def next_match(self) -> None:
        """Select the next line holding the search text (wraps around)."""
        self._go(1)

    def previous_match(self) -> None:
        """Select the previous line holding the search text (wraps around)."""
        self._go(-1)

    def _go(self, step: int) -> None:
        matches = self.model.matches
        if not matches:
            return
        self._current_match = (self._current_match + step) % len(matches)
        index = self.model.index(matches[self._current_match])
        self.list.setCurrentIndex(index)
        self.list.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        self._update_count()

    def _update_count(self) -> None:
        if not self.model.search:
            self.count.setText(self.tr("%n line(s)", "", len(self.model.shown)))
            return
        found = len(self.model.matches)
        position = self._current_match + 1 if self._current_match >= 0 else 0
        self.count.setText(self.tr("%1 of %2").replace("%1", str(position)).replace("%2", str(found)))

    def copy_selection(self) -> None:
        """Copy the selected lines."""
        rows = [i.row() for i in self.list.selectionModel().selectedIndexes()]
        if rows:
            copy_text(self.model.text_of(rows))

    def shown_text(self) -> str:
        """Every shown line (tests, "copy log")."""
        return self.model.text_of(list(range(len(self.model.shown))))
