"""A JSON value as a tree (copy any subtree) and as highlighted text cut at PREVIEW, with a "Show all" that streams."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

from flowdesk.core.json_spans import JsonSpans, reindent
from flowdesk.gui.core_bridge import CoreBridge
from flowdesk.gui.inspector.json_highlighter import JsonHighlighter
from flowdesk.gui.inspector.json_tree_model import JsonTreeModel
from flowdesk.gui.qt import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QKeySequence,
    QLabel,
    QMenu,
    QModelIndex,
    QPlainTextEdit,
    QPushButton,
    QShortcut,
    QStackedWidget,
    Qt,
    QTabWidget,
    QTextCursor,
    QTreeView,
    QVBoxLayout,
    QWidget,
    Signal,
)
from flowdesk.gui.widgets.copy_button import copy_text
from flowdesk.gui.widgets.input_widgets import monospace_font

PREVIEW = 64_000  # characters of pretty text shown before "Show all"
STREAM_CHUNK = 32_000  # characters appended per event-loop turn while showing all
SYNC_COPY_LIMIT = 256_000  # larger subtrees are pretty-printed off the GUI thread
HIGHLIGHT_LIMIT = 1_000_000  # past this, the text view is left plain: colouring every line would cost seconds


class JsonView(QWidget):
    """Tree and Text tabs over one JSON document (``set_document`` with an indexed JsonSpans, or None)."""

    copied = Signal(str)  # what was copied

    def __init__(self, bridge: CoreBridge, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.name = name
        self.spans: JsonSpans | None = None
        self.model = JsonTreeModel()
        self.tree = QTreeView()
        self.tree.setUniformRowHeights(True)  # constant-time layout whatever the number of rows
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._menu)
        self.tree.setAccessibleName(self.tr("%1 as a tree").replace("%1", name))
        self.tree.setModel(self.model)
        QShortcut(QKeySequence.StandardKey.Copy, self.tree, self.copy_selected)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setFont(monospace_font())
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setAccessibleName(self.tr("%1 as text").replace("%1", name))
        self.highlighter = JsonHighlighter(self.text.document())
        self.truncated = QLabel()
        self.show_all_button = QPushButton(self.tr("Show all"))
        self.show_all_button.clicked.connect(self.show_all_text)
        bar = QHBoxLayout()
        bar.addWidget(self.truncated, 1)
        bar.addWidget(self.show_all_button)
        self.truncation_bar = QWidget()
        self.truncation_bar.setLayout(bar)
        bar.setContentsMargins(0, 0, 0, 0)
        text_page = QWidget()
        text_layout = QVBoxLayout(text_page)
        text_layout.setContentsMargins(0, 0, 0, 0)
        text_layout.addWidget(self.truncation_bar)
        text_layout.addWidget(self.text, 1)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.tree, self.tr("Tree"))
        self.tabs.addTab(text_page, self.tr("Text"))
        self.tabs.currentChanged.connect(self._tab_changed)
        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.tabs)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self._pretty: Iterator[str] | None = None
        self._text_loaded = False
        self._streaming = False
        self._generation = 0  # a new document makes stale background results harmless
        self.set_document(None)

    # -- document ----------------------------------------------------------------------------

    def set_document(self, spans: JsonSpans | None, empty_text: str = "") -> None:
        """Show an indexed document (None: ``empty_text``)."""
        self._generation += 1
        self.spans = spans
        self.model = JsonTreeModel(spans, self.name, self)
        self.tree.setModel(self.model)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.tree.header().resizeSection(0, 220)
        self.text.clear()
        self._pretty, self._text_loaded, self._streaming = None, False, False
        self.truncation_bar.hide()
        if spans is None:
            self.empty.setText(empty_text or self.tr("Nothing."))
            self.stack.setCurrentWidget(self.empty)
            return
        self.stack.setCurrentWidget(self.tabs)
        root = self.model.index(0, 0)
        self.tree.expand(root)  # the first level is one page: cheap
        self.tree.setCurrentIndex(root)
        if self.tabs.currentIndex() == 1:
            self._load_text()

    def _tab_changed(self, index: int) -> None:
        if index == 1 and not self._text_loaded:
            self._load_text()

    # -- text tab ----------------------------------------------------------------------------

    def _load_text(self) -> None:
        """The first PREVIEW characters of the pretty text (pretty-printing runs off the GUI thread)."""
        if self.spans is None:
            return
        self._text_loaded = True
        size = len(self.spans.text)
        self.highlighter.setDocument(self.text.document() if size <= HIGHLIGHT_LIMIT else None)
        self._pretty = reindent(self.spans.text, chunk=STREAM_CHUNK)
        self._fetch(PREVIEW, first=True)

    def _fetch(self, wanted: int, first: bool = False) -> None:
        pretty, generation = self._pretty, self._generation

        def take() -> tuple[str, bool]:
            parts, size = [], 0
            for piece in pretty:  # type: ignore[union-attr]
                parts.append(piece)
                size += len(piece)
                if size >= wanted:
                    return "".join(parts), False
            return "".join(parts), True

        self.bridge.submit(lambda _rt: asyncio.to_thread(take),
                           lambda result: self._append(result, first, generation), lambda _exc: None)

    def _append(self, result: tuple[str, bool], first: bool, generation: int) -> None:
        if generation != self._generation:
            return
        text, done = result
        cursor = self.text.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(text)
        if first:
            self.text.moveCursor(QTextCursor.MoveOperation.Start)
        if done:
            self._streaming = False
            self.truncation_bar.hide()
            return
        shown = f"{self.text.document().characterCount():,}"
        stored = f"{len(self.spans.text):,}" if self.spans else "?"
        if self._streaming:
            self._fetch(STREAM_CHUNK)
            self.truncated.setText(self.tr("Loading… %1 characters shown (%2 stored)").replace("%1", shown)
                                   .replace("%2", stored))
        else:
            self.truncated.setText(self.tr("Showing the first %1 characters (%2 stored).").replace("%1", shown)
                                   .replace("%2", stored))
            self.truncation_bar.show()
            self.show_all_button.setEnabled(True)

    def show_all_text(self) -> None:
        """Stream the rest of the text in, a chunk per event-loop turn."""
        if self._streaming or self._pretty is None:
            return
        self._streaming = True
        self.show_all_button.setEnabled(False)
        self._fetch(STREAM_CHUNK)

    @property
    def text_complete(self) -> bool:
        """True once the text view holds the whole document."""
        return self._text_loaded and not self._streaming and self.truncation_bar.isHidden()

    # -- tree actions ------------------------------------------------------------------------

    def copy_selected(self) -> None:
        """Copy the selected subtree as pretty JSON."""
        index = self.tree.currentIndex()
        if index.isValid():
            self.copy_index(index)

    def copy_index(self, index: QModelIndex) -> None:
        """Copy the value at ``index`` (large ones are pretty-printed in the background)."""
        index = index.siblingAtColumn(0)
        node = self.model.node(index)
        if node is None or node.is_bucket:
            return
        if self.model.copy_size(index) <= SYNC_COPY_LIMIT:
            self._copied(self.model.value_text(index))
            return
        text = self.model.value_text(index, pretty=False)
        self.bridge.submit(lambda _rt: asyncio.to_thread(lambda: "".join(reindent(text))), self._copied,
                           lambda _exc: None)

    def _copied(self, text: str) -> None:
        copy_text(text)
        self.copied.emit(text)

    def _menu(self, pos) -> None:  # noqa: ANN001 - QPoint
        index = self.tree.indexAt(pos)
        node = self.model.node(index)
        if node is None or node.is_bucket:
            return
        menu = QMenu(self)
        menu.addAction(self.tr("Copy value"), lambda: self.copy_index(index))
        menu.addAction(self.tr("Copy path"), lambda: self._copied(node.path()))
        menu.exec(self.tree.viewport().mapToGlobal(pos))
