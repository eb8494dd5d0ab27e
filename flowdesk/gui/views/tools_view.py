"""The Tools & credentials view: every tool (broken ones with their error) with its actions and profiles; enable,
test, edit profiles, Google sign-in."""

from __future__ import annotations

import asyncio
import logging
import time

from flowdesk.core.oauth.oauth_connect import DisconnectResult
from flowdesk.gui.core_bridge import CoreBridge
from flowdesk.gui.i18n import core_text
from flowdesk.core.scaffold import new_tool
from flowdesk.gui.pending_selection import PendingSelection
from flowdesk.gui.oauth_actions import disconnect_profile, start_google_connect
from flowdesk.gui.qt import (
    QT_TRANSLATE_NOOP,
    QDesktopServices,
    QInputDialog,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSize,
    QSplitter,
    QStackedWidget,
    Qt,
    QTimer,
    QUrl,
    QVBoxLayout,
    QWidget,
)
from flowdesk.gui.theme.icons import icon
from flowdesk.gui.theme.tokens import SPACE_SM, SPACE_XL
from flowdesk.gui.tool_check import check_tool
from flowdesk.gui.tool_status import ToolState, collect_tools, set_tool_enabled
from flowdesk.gui.widgets.empty_state import EmptyState
from flowdesk.gui.widgets.profile_editor import ProfileEditor
from flowdesk.gui.widgets.status_colors import error_color
from flowdesk.gui.widgets.tool_detail import ToolDetail, tool_icon
from flowdesk.gui.widgets.view_header import ViewHeader

log = logging.getLogger(__name__)
EMPTY_TEXT = QT_TRANSLATE_NOOP("ToolsView", "Built-in tools ship with FlowDesk; add your own under "
                               "<code>private/tools/&lt;name&gt;/</code> with a config.json and a main.py defining a "
                               "BaseTool subclass.")
SLUG_ROLE = Qt.ItemDataRole.UserRole
ICON_ROLE = Qt.ItemDataRole.UserRole + 1  # the icon name shown (tests)
LIST_WIDTH = 260
OAUTH_POLL_MS = 3000
OAUTH_WAIT_S = 300  # how long to watch for the browser consent to finish
FIX_FOCUS_S = 5.0  # how long a clicked credential notification keeps its fix button focused through refreshes


class ToolsView(QWidget):
    """Tool list on the left, the selected tool on the right; all state is read on the core thread."""

    title = "Tools & credentials"

    def __init__(self, bridge: CoreBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.tools: dict[str, ToolState] = {}
        self.pending = PendingSelection()  # a tool to show once listed (a new one, a notification's)
        # (tool, profile) -> (ok, message), or None while the test runs; kept across refreshes.
        self.results: dict[tuple[str, str], tuple[bool, str] | None] = {}
        self.awaiting: dict[tuple[str, str], float] = {}  # OAuth consents opened in the browser -> deadline
        self.loaded = False
        self.header = ViewHeader(self.tr("Tools & credentials"))
        self.search = self.header.add_search(self.tr("Search tools…"))
        self.search.textChanged.connect(self._filter)
        self.new_button = self.header.add_action(self.tr("New tool…"), "plus", primary=True)
        self.new_button.clicked.connect(self.ask_new_tool)
        self.list = QListWidget()
        self.list.setIconSize(QSize(22, 22))
        self.list.setMinimumWidth(200)
        self.list.currentItemChanged.connect(lambda *_: self._show_selected())
        self.detail = ToolDetail(bridge=bridge)
        self.detail.enabled_toggled.connect(self.set_enabled)
        self.detail.manage_profiles.connect(lambda slug: self.edit_profile(slug, None))
        table = self.detail.profiles
        table.test_requested.connect(self.test_profile)
        table.edit_requested.connect(self.edit_profile)
        table.connect_requested.connect(self.connect_profile)
        table.disconnect_requested.connect(self.disconnect_profile)
        self.empty = EmptyState("wrench", self.tr("No tools"), self.tr(EMPTY_TEXT))
        self.empty.add_action(self.tr("New tool"), self.ask_new_tool, "plus")
        self.pages = QStackedWidget()
        self.pages.addWidget(self.detail)
        self.pages.addWidget(self.empty)
        splitter = QSplitter()
        splitter.addWidget(self.list)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([LIST_WIDTH, 900])
        splitter.setChildrenCollapsible(False)
        body = QVBoxLayout()
        body.setContentsMargins(SPACE_XL, 0, SPACE_XL, SPACE_SM)
        body.addWidget(splitter, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addLayout(body, 1)
        self._poll = QTimer(self)
        self._poll.setInterval(OAUTH_POLL_MS)
        self._poll.timeout.connect(self._poll_oauth)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(300)
        self._debounce.timeout.connect(self.refresh)
        bridge.reloaded.connect(lambda _report: self._debounce.start())
        if bridge.running:
            self.refresh()

    # -- data -----------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read tools and profile statuses on the core thread (file reads run off its loop too)."""
        if self.bridge.running:
            self.bridge.submit(lambda rt: asyncio.to_thread(collect_tools, rt), self._on_tools,
                               lambda exc: self.detail.notice.setText(self.tr("Cannot read the tools: %1").replace("%1", str(exc))))

    def _on_tools(self, tools: list[ToolState]) -> None:
        self.loaded = True
        selected = self.pending.take(t.slug for t in tools) or self.selected_slug()
        self.tools = {t.slug: t for t in tools}
        self.list.blockSignals(True)
        self.list.clear()
        for tool in tools:
            entry = tool.entry
            state = self.tr("broken") if entry.broken else (self.tr("on") if tool.enabled else self.tr("off"))
            name = "warning" if entry.broken else tool_icon(entry)
            token = "danger" if entry.broken else "accent" if tool.enabled else "text_muted"
            item = QListWidgetItem(icon(name, token), f"{entry.display_name}\n{self._line(tool)}")
            item.setData(SLUG_ROLE, tool.slug)
            item.setData(ICON_ROLE, name)
            where = self.tr("built-in") if entry.builtin else self.tr("workspace")
            item.setToolTip(f"{tool.slug} · {where} · {state}" + (f"\n{core_text(entry.error)}" if entry.broken else ""))
            if entry.broken:
                item.setForeground(error_color(self))
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.pages.setCurrentWidget(self.detail if tools else self.empty)
        if tools:
            slugs = [t.slug for t in tools]
            self.list.setCurrentRow(slugs.index(selected) if selected in slugs else 0)
        self._show_selected()
        self._focus_fix()  # a credential notification was clicked: its Reconnect button, once the rows are built
        for key in [k for k in self.awaiting if self._authenticated(*k)]:
            del self.awaiting[key]
            self.detail.notice.setStyleSheet("")
            self.detail.notice.setText(self.tr("Connected %1 (%2).").replace("%1", key[0]).replace("%2", key[1]))
        if not self.awaiting:
            self._poll.stop()

    def _line(self, tool: ToolState) -> str:
        """The second line of a tool's entry: broken, off, or how many of its profiles need attention."""
        if tool.entry.broken:
            return self.tr("broken: %1").replace("%1", (core_text(tool.entry.error) or "").strip().splitlines()[-1][:80]
                                                 if tool.entry.error else "")
        if not tool.enabled:
            return self.tr("off")
        waiting = [p for p in tool.profiles if p.used_by and not p.ready]
        if waiting:
            return self.tr("%n profile(s) need attention").replace("%n", str(len(waiting)))
        return self.tr("built-in") if tool.entry.builtin else self.tr("workspace")

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        for row in range(self.list.count()):
            item = self.list.item(row)
            self.list.setRowHidden(row, bool(needle) and needle not in f"{item.text()} {item.data(SLUG_ROLE)}".lower())

    def ask_new_tool(self) -> None:
        """Ask for a name, then create a starter tool (``flowdesk new tool``) and show it."""
        name, ok = QInputDialog.getText(self, self.tr("New tool"), self.tr("Name (letters, digits and _):"))
        if ok and name.strip():
            self.create_tool(name.strip())

    def create_tool(self, name: str) -> None:
        """Create ``private/tools/<name>`` on the core, reload, then select it."""
        def make(rt):  # noqa: ANN001, ANN202 - runs on the core
            folder = new_tool(rt.workspace, name)
            rt.reload()
            return folder

        def created(folder: object) -> None:
            self.pending.want(getattr(folder, "name", None))
            self.refresh()

        self.bridge.submit(make, created, lambda exc: self._notice_error(self.tr("Could not create %1: %2").replace("%1", name).replace("%2", str(exc))))

    def selected_slug(self) -> str | None:
        """The tool shown on the right."""
        item = self.list.currentItem()
        return item.data(SLUG_ROLE) if item is not None else None

    def select_tool(self, slug: str, profile: str | None = None) -> None:
        """Show ``slug`` (once listed, when the list is still being read); with ``profile``, focus its fix.

        Each refresh rebuilds the rows (``show_view`` starts one, LiveStats may too): for a few seconds, the
        rebuilt fix button gets the focus again.
        """
        self._fix_after = (slug, profile, time.monotonic() + FIX_FOCUS_S) if profile else None
        for row in range(self.list.count()):
            if self.list.item(row).data(SLUG_ROLE) == slug:
                self.list.setCurrentRow(row)
                self._focus_fix()
                return
        self.pending.want(slug)

    _fix_after: tuple[str, str, float] | None = None  # tool, profile, until when (monotonic)

    def fix_button(self, profile: str) -> QPushButton | None:
        """The button that fixes ``profile`` of the tool shown: Reconnect or Connect (OAuth), else Edit…."""
        table = self.detail.profiles
        for label in ("Reconnect", "Connect", "Edit…"):
            button = table.button(profile, label)
            if button is not None and button.isEnabled():
                return button
        return None

    def _focus_fix(self) -> None:
        if self._fix_after is not None and time.monotonic() > self._fix_after[2]:
            self._fix_after = None
        if self._fix_after is None or self.selected_slug() != self._fix_after[0]:
            return
        button = self.fix_button(self._fix_after[1])
        if button is not None:
            button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_selected(self) -> None:
        state = self.tools.get(self.selected_slug() or "")
        if state is not None:
            results = {p: r for (t, p), r in self.results.items() if t == state.slug}
            self.detail.show_state(state, results)

    # -- enable -------------------------------------------------------------------------

    def set_enabled(self, slug: str, enabled: bool) -> None:
        """Switch a tool on or off (the ``disabled_tools`` setting, read by every run)."""
        self.bridge.submit(lambda rt: set_tool_enabled(rt, slug, enabled), lambda _d: self.refresh(),
                           lambda exc: self.detail.notice.setText(self.tr("Cannot change %1: %2").replace("%1", slug).replace("%2", str(exc))))

    # -- test ---------------------------------------------------------------------------

    def test_profile(self, slug: str, profile: str) -> None:
        """Build the tool with the profile in a child process and run authenticate(); shows OK or the reason."""
        key = (slug, profile)
        self.results[key] = None
        self.detail.profiles.set_result(profile, None, pending=True)

        def done(result: tuple[bool, str]) -> None:
            self.results[key] = result
            log.info("tool test %s (profile %s): %s", slug, profile, "OK" if result[0] else "failed")
            if self.selected_slug() == slug:
                self.detail.profiles.set_result(profile, result)

        def failed(exc: BaseException) -> None:
            done((False, f"{slug} (profile {profile}): " + self.tr("the test could not run: %1").replace("%1", str(exc))))

        self.bridge.submit(lambda rt: check_tool(rt.workspace.root, slug, profile), done, failed)

    # -- profiles -----------------------------------------------------------------------

    def edit_profile(self, slug: str, profile: str | None) -> None:
        """The profile editor for ``slug`` (``profile`` preselected); refresh when it closes."""
        state = self.tools.get(slug)
        if state is None or state.entry.config is None:
            return
        editor = ProfileEditor(self.bridge, state.entry, profile, self)
        editor.saved.connect(lambda _p: self._debounce.start())
        editor.deleted.connect(lambda _p: self._debounce.start())
        editor.finished.connect(lambda _code: editor.deleteLater())
        editor.open()

    # -- Google OAuth -------------------------------------------------------------------

    def connect_profile(self, slug: str, profile: str) -> None:
        """Open Google's consent page in the browser; the listener's callback writes the token."""
        service = self.bridge.service

        def opened(url: str) -> None:
            QDesktopServices.openUrl(QUrl(url))
            self.awaiting[(slug, profile)] = time.monotonic() + OAUTH_WAIT_S
            self._poll.start()
            self.detail.notice.setStyleSheet("")
            self.detail.notice.setText(self.tr("Finish signing in for %1 (%2) in your browser; this page updates when "
                                               "it is done.").replace("%1", slug).replace("%2", profile))

        self.bridge.submit(lambda _rt: start_google_connect(service, slug, profile), opened,
                           lambda exc: self._notice_error(self.tr("Cannot connect %1 (%2): %3").replace("%1", slug).replace("%2", profile).replace("%3", str(exc))))

    def disconnect_profile(self, slug: str, profile: str, confirm: bool = True) -> None:
        """Revoke and delete the token of ``slug``'s ``profile`` (asks first)."""
        if confirm:
            answer = QMessageBox.question(self, self.tr("Disconnect?"), self.tr(
                "Revoke the Google token of %1 (%2) and delete its token file? Workflows using it stop until you "
                "connect again.").replace("%1", slug).replace("%2", profile))
            if answer != QMessageBox.StandardButton.Yes:
                return

        def done(result: DisconnectResult) -> None:
            extra = (" " + self.tr("(revocation at Google failed: %1)").replace("%1", str(result.revoke_error))
                     if result.revoke_error else "")
            self.detail.notice.setStyleSheet("")
            self.detail.notice.setText(self.tr("Disconnected %1 (%2)%3.").replace("%1", slug).replace("%2", profile)
                                       .replace("%3", extra))
            self.refresh()

        self.bridge.submit(lambda rt: disconnect_profile(rt, slug, profile), done,
                           lambda exc: self._notice_error(self.tr("Cannot disconnect %1 (%2): %3").replace("%1", slug).replace("%2", profile).replace("%3", str(exc))))

    def _authenticated(self, slug: str, profile: str) -> bool:
        state = self.tools.get(slug)
        p = next((p for p in state.profiles if p.profile == profile), None) if state else None
        return bool(p and p.oauth and p.oauth.get("authenticated"))

    def _poll_oauth(self) -> None:
        now = time.monotonic()
        for key in [k for k, deadline in self.awaiting.items() if deadline < now]:
            del self.awaiting[key]
        if self.awaiting:
            self.refresh()
        else:
            self._poll.stop()

    def _notice_error(self, text: str) -> None:
        self.detail.notice.setStyleSheet(f"color: {error_color(self).name()}")
        self.detail.notice.setText(text)
