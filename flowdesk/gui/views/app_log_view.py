"""The application log: live records from every thread, level filter, search, bounded length."""

from __future__ import annotations

import logging
from collections import deque

from flowdesk.gui.core_bridge import CoreBridge
from flowdesk.gui.log_bridge import DEFAULT_CAPACITY, LogLine, install_log_bridge
from flowdesk.gui.theme.tokens import SPACE_SM, SPACE_XL
from flowdesk.gui.widgets.copy_button import copy_text, say_copied
from flowdesk.gui.widgets.empty_state import EmptyState
from flowdesk.gui.widgets.view_header import ViewHeader
from flowdesk.gui.qt import (
    QT_TRANSLATE_NOOP,
    QCheckBox,
    QComboBox,
    QFontDatabase,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
)

LEVELS = [("Debug", logging.DEBUG), ("Info", logging.INFO), ("Warning", logging.WARNING), ("Error", logging.ERROR)]
FLUSH_MS = 100  # records are batched: a burst of thousands of lines must not repaint thousands of times
EMPTY_TEXT = QT_TRANSLATE_NOOP("AppLogView", "What FlowDesk itself logs shows up here as it happens: the scheduler "
                               "firing, webhooks arriving, the workspace reloading, warnings and errors. A quiet log "
                               "is a good sign. What a workflow prints is in each run's log, in Runs.")


class AppLogView(QWidget):
    """What FlowDesk itself logs (core, scheduler, listener, GUI); run logs live in the Runs view."""

    title = "Logs"

    def __init__(self, bridge: CoreBridge, parent: QWidget | None = None, capacity: int = DEFAULT_CAPACITY) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.capacity = capacity
        self._lines: deque[LogLine] = deque(maxlen=capacity)
        self._pending: list[LogLine] = []
        self.level = QComboBox()
        for name, value in LEVELS:
            self.level.addItem(name, value)
        self.level.setCurrentIndex(1)
        self.header = ViewHeader(self.tr("Logs"), self.tr("What FlowDesk itself logs; each run's own log is in Runs"))
        self.header.add_widget(QLabel(self.tr("Level:")))
        self.header.add_widget(self.level)
        self.search = self.header.add_search(self.tr("Search the log…"))
        self.copy_button = self.header.add_action(self.tr("Copy"), "copy", primary=True)
        self.copy_button.setToolTip(self.tr("Copy the lines shown, e.g. into a bug report"))
        self.copy_button.clicked.connect(self.copy_shown)
        self.follow = QCheckBox(self.tr("Follow"))
        self.follow.setChecked(True)
        self.follow.setToolTip(self.tr("Keep the newest line in view"))
        self.clear_button = QPushButton(self.tr("Clear"))
        self.clear_button.setToolTip(self.tr("Empty the view (new lines keep coming)"))
        self.count = QLabel()
        self.count.setProperty("role", "muted")
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        # Long lines wrap, at a space when there is one, anywhere in a long token (a URL, a path): no sideways scrolling.
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.text.setWordWrapMode(type(self.text.wordWrapMode()).WrapAtWordBoundaryOrAnywhere)
        self.text.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.text.setMaximumBlockCount(capacity)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.empty = EmptyState("terminal-window", self.tr("No log lines yet"), self.tr(EMPTY_TEXT))
        self.empty_action = self.empty.add_action(self.tr("Open the runs"), self._on_empty_action, "list-bullets")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.text)
        self.stack.addWidget(self.empty)
        footer = QHBoxLayout()
        footer.setSpacing(SPACE_SM)
        footer.addWidget(self.count, 1)
        footer.addWidget(self.follow)
        footer.addWidget(self.clear_button)
        body = QVBoxLayout()
        body.setContentsMargins(SPACE_XL, 0, SPACE_XL, SPACE_SM)
        body.addWidget(self.stack, 1)
        body.addLayout(footer)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addLayout(body, 1)
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(FLUSH_MS)
        self._flush_timer.timeout.connect(self._flush)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)
        self._search_timer.timeout.connect(self._rerender)
        self.level.currentIndexChanged.connect(self._rerender)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.clear_button.clicked.connect(self.clear)
        self.emitter = install_log_bridge()
        self._lines.extend(self.emitter.history())
        self.emitter.line.connect(self._on_line)
        self._rerender()

    def refresh(self) -> None:
        """Nothing to fetch: the log is live."""

    @property
    def min_level(self) -> int:
        """The lowest level shown."""
        return int(self.level.currentData())

    def set_level(self, level: int) -> None:
        """Show records at ``level`` and above."""
        self.level.setCurrentIndex(next(i for i, (_, v) in enumerate(LEVELS) if v == level))

    def _matches(self, line: LogLine) -> bool:
        if line.level < self.min_level:
            return False
        needle = self.search.text().strip().lower()
        return not needle or needle in line.text.lower()

    def _on_line(self, line: LogLine) -> None:
        self._lines.append(line)
        self._pending.append(line)
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def _flush(self) -> None:
        shown = [line.text for line in self._pending[-self.capacity:] if self._matches(line)]
        self._pending.clear()
        if shown:
            self._append("\n".join(shown))
        self._update_count()

    def _append(self, text: str) -> None:
        bar = self.text.verticalScrollBar()
        at_bottom = bar.value() >= bar.maximum() - 2
        self.text.appendPlainText(text)
        if self.follow.isChecked() or at_bottom:
            bar.setValue(bar.maximum())

    def _rerender(self) -> None:
        self._pending.clear()
        self.text.clear()
        shown = [line.text for line in self._lines if self._matches(line)]
        if shown:
            self._append("\n".join(shown))
        self._update_count()

    def _update_count(self) -> None:
        shown = 0 if self.text.document().isEmpty() else self.text.blockCount()
        self.count.setText(self.tr("%1 line(s) shown · %2 kept (the last %3)").replace("%1", str(shown))
                           .replace("%2", str(len(self._lines))).replace("%3", f"{self.capacity:,}"))
        self.copy_button.setEnabled(bool(shown))
        if shown:
            self.stack.setCurrentWidget(self.text)
            return
        if self._lines:  # lines are kept, the level or the search hides them all
            self.empty.set_case(self.tr("No line matches"),
                                self.tr("None of the %1 line(s) kept is at this level with these words.")
                                .replace("%1", str(len(self._lines))), self.tr("Show every line"), "eye")
        else:
            self.empty.set_case(self.tr("No log lines yet"), self.tr(EMPTY_TEXT), self.tr("Open the runs"),
                                "list-bullets")
        self.stack.setCurrentWidget(self.empty)

    def _on_empty_action(self) -> None:
        if self._lines:
            self.show_everything()
        else:
            self.open_runs()

    def show_everything(self) -> None:
        """Every level, no search: all the lines kept."""
        self._search_timer.stop()
        self.search.blockSignals(True)  # one re-render below, not one per change
        self.search.clear()
        self.search.blockSignals(False)
        self.level.blockSignals(True)
        self.set_level(logging.DEBUG)
        self.level.blockSignals(False)
        self._rerender()

    def open_runs(self) -> None:
        """The Runs view, where each run's own log is."""
        window = self.window()
        if hasattr(window, "show_view"):
            window.show_view("runs")

    def copy_shown(self) -> str:
        """Put the lines shown on the clipboard; returns them."""
        text = self.visible_text()
        copy_text(text)
        say_copied(self.copy_button)
        return text

    def clear(self) -> None:
        """Forget what is shown (new records keep coming)."""
        self._lines.clear()
        self._pending.clear()
        self.text.clear()
        self._update_count()

    def visible_text(self) -> str:
        """The text on screen (tests, copy)."""
        return self.text.toPlainText()
