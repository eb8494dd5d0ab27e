"""The application log: live records from every thread, level filter, search, bounded length."""

from __future__ import annotations

import logging
from collections import deque

from flowdesk.gui.core_bridge import CoreBridge
from flowdesk.gui.log_bridge import DEFAULT_CAPACITY, LogLine, install_log_bridge
from flowdesk.gui.theme.icons import icon
from flowdesk.gui.theme.tokens import SPACE_SM, SPACE_XL
from flowdesk.gui.widgets.view_header import SEARCH_WIDTH, ViewHeader
from flowdesk.gui.qt import (
    QCheckBox,
    QComboBox,
    QFontDatabase,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTimer,
    QVBoxLayout,
    QWidget,
)

LEVELS = [("Debug", logging.DEBUG), ("Info", logging.INFO), ("Warning", logging.WARNING), ("Error", logging.ERROR)]
FLUSH_MS = 100  # records are batched: a burst of thousands of lines must not repaint thousands of times


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
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search the log…"))
        self.search.setClearButtonEnabled(True)
        self.follow = QCheckBox(self.tr("Follow"))
        self.follow.setChecked(True)
        self.follow.setToolTip(self.tr("Keep the newest line in view"))
        clear = QPushButton(self.tr("Clear"))
        self.count = QLabel()
        self.count.setProperty("role", "muted")
        self.header = ViewHeader(self.tr("Logs"), self.tr("What FlowDesk itself logs; each run's own log is in Runs"))
        self.search.addAction(icon("magnifying-glass", "text_muted"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.setFixedWidth(SEARCH_WIDTH)
        self.header.add_widget(QLabel(self.tr("Level:")))
        self.header.add_widget(self.level)
        self.header.add_widget(self.search)
        self.header.add_widget(self.follow)
        self.header.add_widget(clear)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setMaximumBlockCount(capacity)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        body = QVBoxLayout()
        body.setContentsMargins(SPACE_XL, 0, SPACE_XL, SPACE_SM)
        body.addWidget(self.text, 1)
        body.addWidget(self.count)
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
        clear.clicked.connect(self.clear)
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

    def clear(self) -> None:
        """Forget what is shown (new records keep coming)."""
        self._lines.clear()
        self._pending.clear()
        self.text.clear()
        self._update_count()

    def visible_text(self) -> str:
        """The text on screen (tests, copy)."""
        return self.text.toPlainText()
