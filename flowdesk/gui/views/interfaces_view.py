"""The workspace's HTML interfaces, each opened in a closable tab on an authenticated QWebEngineView."""

from __future__ import annotations

from flowdesk.core.interface_login import login_url
from flowdesk.core.registry import InterfaceEntry
from flowdesk.core.scaffold import new_interface
from flowdesk.gui.core_bridge import CoreBridge
from flowdesk.gui.qt import (
    QT_TRANSLATE_NOOP,
    QApplication,
    QDesktopServices,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSize,
    QSplitter,
    QStackedWidget,
    Qt,
    QTabBar,
    QTabWidget,
    QToolButton,
    QUrl,
    QVBoxLayout,
    QWidget,
    load_webengine,
)
from flowdesk.gui.theme.icons import icon, is_known, resolve_name
from flowdesk.gui.theme.tokens import SPACE_SM, SPACE_XL
from flowdesk.gui.widgets.empty_state import EmptyState
from flowdesk.gui.widgets.status_colors import error_color
from flowdesk.gui.widgets.view_header import ViewHeader
from flowdesk.gui.i18n import core_text

EMPTY_TEXT = QT_TRANSLATE_NOOP("InterfacesView", "No interface yet: add a folder under private/interfaces with "
                               "src/index.html (and a config.json for its name, icon and route).")
NO_TAB_TEXT = QT_TRANSLATE_NOOP("InterfacesView", "Double-click an interface (or select it and press Open) to use it here.")
SLUG_ROLE = Qt.ItemDataRole.UserRole


def interface_icon(entry: InterfaceEntry) -> str:
    """The icon name the interface's config declares (emoji map to glyphs), else a window."""
    declared = entry.config.icon if entry.config and entry.config.icon else None
    return resolve_name(declared) if is_known(declared) else "app-window"


__all__ = ["InterfacesView", "login_url"]


class InterfacesView(QWidget):
    """A list of interfaces on the left, open ones as tabs on the right (QtWebEngine loaded on first open)."""

    title = "Interfaces"

    def __init__(self, bridge: CoreBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.entries: dict[str, InterfaceEntry] = {}
        self.pages: dict[str, QWidget] = {}  # slug -> QWebEngineView
        self.list = QListWidget()
        self.list.itemDoubleClicked.connect(lambda item: self.open_interface(item.data(SLUG_ROLE)))
        self.list.currentItemChanged.connect(lambda *_: self._show_details())
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_button = QPushButton(self.tr("Open"))
        self.open_button.clicked.connect(lambda: self.open_interface(self._selected()))
        self.empty = EmptyState("app-window", self.tr("No interfaces yet"), self.tr(EMPTY_TEXT))
        self.empty.add_action(self.tr("New interface"), self.ask_new_interface, "plus")
        self.empty.add_action(self.tr("Open the interfaces folder"), self.open_interfaces_folder, "folder-open")
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.list)
        self.list_stack.addWidget(self.empty)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list_stack, 1)
        left_layout.addWidget(self.details)
        left_layout.addWidget(self.open_button)
        self.tabs = QTabWidget()
        self.tabs.setTabsClosable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.reload_button = QPushButton(self.tr("Reload"))
        self.reload_button.clicked.connect(self.reload_current)
        self.browser_button = QPushButton(self.tr("Open in browser"))
        self.browser_button.setToolTip(self.tr("Open the current (or selected) interface in your web browser, signed "
                                               "in with a one-time code: bookmarks work afterwards, the API token "
                                               "stays out"))
        self.browser_button.clicked.connect(self.open_current_in_browser)
        bar = QHBoxLayout()
        bar.addStretch(1)
        bar.addWidget(self.reload_button)
        bar.addWidget(self.browser_button)
        self.no_tab = QLabel(self.tr(NO_TAB_TEXT))
        self.no_tab.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.tab_stack = QStackedWidget()
        self.tab_stack.addWidget(self.no_tab)
        self.tab_stack.addWidget(self.tabs)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(bar)
        right_layout.addWidget(self.tab_stack, 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 900])
        self.header = ViewHeader(self.tr("Interfaces"), self.tr("HTML pages of the workspace, signed in to FlowDesk"))
        self.search = self.header.add_search(self.tr("Search interfaces…"))
        self.search.textChanged.connect(self._filter)
        self.new_button = self.header.add_action(self.tr("New interface…"), "plus", primary=True)
        self.new_button.setToolTip(self.tr("Create a starter page under private/interfaces that lists the workflows"))
        self.new_button.clicked.connect(self.ask_new_interface)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        body = QVBoxLayout()
        body.setContentsMargins(SPACE_XL, 0, SPACE_XL, SPACE_SM)
        body.addWidget(self.message)
        body.addWidget(splitter, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addLayout(body, 1)
        self._update_buttons()
        bridge.started.connect(lambda _url: self._show_details())
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.close_all_tabs)
        self.refresh()

    # -- list -----------------------------------------------------------------------

    def refresh(self, select: str | None = None) -> None:
        """Re-read the registry's interfaces (a snapshot: the core may reload meanwhile); ``select`` one."""
        selected = select or self._selected()
        self.entries = dict(sorted(dict(self.bridge.runtime.registry.interfaces).items()))
        self.list.clear()
        for slug, entry in self.entries.items():
            glyph = icon("warning", "danger") if entry.broken else icon(interface_icon(entry), "accent")
            item = QListWidgetItem(glyph, entry.display_name + ("  " + self.tr("(broken)") if entry.broken else ""))
            item.setData(SLUG_ROLE, slug)
            item.setToolTip(core_text(entry.error) or self._description(entry) or entry.route)
            if entry.broken:
                item.setForeground(error_color(self))
            self.list.addItem(item)
            if slug == selected:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self.list_stack.setCurrentWidget(self.list if self.entries else self.empty)
        self._filter(self.search.text())
        self._show_details()

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        for row in range(self.list.count()):
            item = self.list.item(row)
            haystack = f"{item.text()} {item.data(SLUG_ROLE)} {item.toolTip()}".lower()
            self.list.setRowHidden(row, bool(needle) and needle not in haystack)

    def ask_new_interface(self) -> None:
        """Ask for a name, then create a starter interface (``flowdesk new interface``) and select it."""
        name, ok = QInputDialog.getText(self, self.tr("New interface"),
                                        self.tr("Name (letters, digits and _, e.g. team_board):"))
        if ok and name.strip():
            self.create_interface(name.strip())

    def create_interface(self, name: str) -> None:
        """Create ``private/interfaces/<name>`` on the core, reload, then list and select it."""
        def make(rt):  # noqa: ANN001, ANN202 - runs on the core
            folder = new_interface(rt.workspace, name)
            rt.reload()
            return folder

        def created(folder: object) -> None:
            self.show_message(self.tr("Created %1: edit its src/index.html and config.json.").replace("%1", str(folder)))
            self.refresh(select=getattr(folder, "name", None))

        def failed(exc: BaseException) -> None:
            self.show_message(self.tr("Could not create %1: %2").replace("%1", name).replace("%2", str(exc)), error=True)

        self.show_message("")
        self.bridge.submit(make, created, failed)

    def show_message(self, text: str, error: bool = False) -> None:
        """A line above the list (errors in red); empty text hides it."""
        self.message.setStyleSheet(f"color: {error_color(self).name()};" if error else "")
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def open_interfaces_folder(self) -> None:
        """The workspace's private/interfaces folder in the file manager (created when missing)."""
        folder = self.bridge.workspace.interfaces_dir
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    @staticmethod
    def _description(entry: InterfaceEntry) -> str:
        return (entry.config.description or "") if entry.config else ""

    def _selected(self) -> str | None:
        item = self.list.currentItem()
        return item.data(SLUG_ROLE) if item is not None else None

    def _show_details(self) -> None:
        entry = self.entries.get(self._selected() or "")
        if entry is None:
            self.details.setText("")
            self.open_button.setEnabled(False)
            self._update_buttons()
            return
        lines = [f"<b>{_esc(entry.display_name)}</b>", _esc(self._description(entry)),
                 self.tr("Route: %1").replace("%1", f"<code>{_esc(entry.route)}/</code>")]
        if entry.broken:
            colour = error_color(self).name()
            lines.append(f"<span style='color:{colour}'>{_esc(core_text(entry.error) or '')}</span>")
        self.details.setText("<br>".join(line for line in lines if line))
        self.open_button.setEnabled(not entry.broken and bool(self.bridge.url))
        self._update_buttons()

    # -- tabs -----------------------------------------------------------------------

    def open_interface(self, slug: str | None) -> QWidget | None:
        """Show ``slug`` in its tab (made on first open); returns its QWebEngineView."""
        entry = self.entries.get(slug or "")
        if entry is None or entry.broken or not self.bridge.url:
            return None
        page = self.pages.get(entry.slug)
        if page is None:
            web_view_class = load_webengine()  # QtWebEngine is imported here, on first use only
            page = web_view_class()
            page.setProperty("flowdesk_slug", entry.slug)
            # A bound method, not a lambda holding the page: the page must die when its tab closes.
            page.loadFinished.connect(self._on_load_finished)
            page.load(QUrl(self._login_url(entry)))
            self.pages[entry.slug] = page
            index = self.tabs.addTab(page, icon(interface_icon(entry), "text_muted"), entry.display_name)
            self.tabs.tabBar().setTabButton(index, QTabBar.ButtonPosition.RightSide, self._close_button(page))
        self.tabs.setCurrentWidget(page)
        self.tab_stack.setCurrentWidget(self.tabs)
        self._update_buttons()
        return page

    def _login_url(self, entry: InterfaceEntry) -> str:
        return login_url(self.bridge.url or "", self.bridge.login_ticket(), entry.route)

    def _on_load_finished(self, ok: bool) -> None:
        page = self.sender()
        index = self.tabs.indexOf(page) if isinstance(page, QWidget) else -1
        if index >= 0:
            self.tabs.setTabToolTip(index, "" if ok else self.tr("The page did not load: is FlowDesk still listening?"))

    def _close_button(self, page: QWidget) -> QToolButton:
        """The tab's close button drawn from the icon set (the style's default is a red square)."""
        button = QToolButton()
        button.setObjectName("TabClose")
        button.setIcon(icon("x", "text_muted"))
        button.setIconSize(QSize(12, 12))
        button.setAutoRaise(True)
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        button.setToolTip(self.tr("Close"))
        button.setAccessibleName(self.tr("Close this page"))
        button.clicked.connect(lambda: self.close_tab(self.tabs.indexOf(page)))
        return button

    def close_tab(self, index: int) -> None:
        """Close a tab and free its web page."""
        page = self.tabs.widget(index)
        if page is None:
            return
        self.tabs.removeTab(index)
        self.pages.pop(page.property("flowdesk_slug"), None)
        # Owned by Python again, so it is freed now: a page outliving the web profile crashes at exit.
        page.setParent(None)
        if not self.tabs.count():
            self.tab_stack.setCurrentWidget(self.no_tab)
        self._update_buttons()

    def close_all_tabs(self) -> None:
        """Close every tab (at quit, before QtWebEngine's profile goes away)."""
        while self.tabs.count():
            self.close_tab(0)

    def current_slug(self) -> str | None:
        """The interface of the current tab."""
        page = self.tabs.currentWidget()
        return page.property("flowdesk_slug") if page is not None else None

    def reload_current(self) -> None:
        """Reload the current tab's page."""
        page = self.tabs.currentWidget()
        if page is not None:
            page.reload()

    def open_current_in_browser(self) -> None:
        """The current tab's interface (else the selected one) in the system browser, signed in."""
        entry = self.entries.get(self.current_slug() or self._selected() or "")
        if entry is not None and self.bridge.url:
            QDesktopServices.openUrl(QUrl(self._login_url(entry)))

    def _update_buttons(self) -> None:
        has_tab = self.tabs.count() > 0
        self.reload_button.setEnabled(has_tab)
        selected = self.entries.get(self._selected() or "")
        self.browser_button.setEnabled(bool(self.bridge.url) and (
            has_tab or (selected is not None and not selected.broken)))


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
