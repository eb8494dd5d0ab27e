"""The Tools view: every tool with its actions and profiles; enable, test, edit profiles, Google sign-in."""

from __future__ import annotations

import asyncio
import logging
import time

from flowdesk.core.oauth.oauth_connect import DisconnectResult
from flowdesk.gui.core_bridge import CoreBridge
from flowdesk.gui.oauth_actions import disconnect_profile, start_google_connect
from flowdesk.gui.qt import (
    QDesktopServices,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    Qt,
    QTimer,
    QUrl,
    QVBoxLayout,
    QWidget,
)
from flowdesk.gui.tool_check import check_tool
from flowdesk.gui.tool_status import ToolState, collect_tools, set_tool_enabled
from flowdesk.gui.widgets.profile_editor import ProfileEditor
from flowdesk.gui.widgets.status_colors import error_color, status_color
from flowdesk.gui.widgets.tool_detail import ToolDetail, tool_icon

log = logging.getLogger(__name__)
EMPTY_TEXT = ("No tool found. Built-in tools ship with FlowDesk; add your own under private/tools/<name>/ "
              "with a config.json and a main.py defining a BaseTool subclass.")
SLUG_ROLE = Qt.ItemDataRole.UserRole
OAUTH_POLL_MS = 3000
OAUTH_WAIT_S = 300  # how long to watch for the browser consent to finish


class ToolsView(QWidget):
    """Tool list on the left, the selected tool on the right; all state is read on the core thread."""

    title = "Tools"

    def __init__(self, bridge: CoreBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.tools: dict[str, ToolState] = {}
        # (tool, profile) -> (ok, message), or None while the test runs; kept across refreshes.
        self.results: dict[tuple[str, str], tuple[bool, str] | None] = {}
        self.awaiting: dict[tuple[str, str], float] = {}  # OAuth consents opened in the browser -> deadline
        self.loaded = False
        self.list = QListWidget()
        self.list.currentItemChanged.connect(lambda *_: self._show_selected())
        self.detail = ToolDetail(bridge=bridge)
        self.detail.enabled_toggled.connect(self.set_enabled)
        self.detail.manage_profiles.connect(lambda slug: self.edit_profile(slug, None))
        table = self.detail.profiles
        table.test_requested.connect(self.test_profile)
        table.edit_requested.connect(self.edit_profile)
        table.connect_requested.connect(self.connect_profile)
        table.disconnect_requested.connect(self.disconnect_profile)
        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.detail)
        self.pages.addWidget(self.empty)
        splitter = QSplitter()
        splitter.addWidget(self.list)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([240, 900])
        QVBoxLayout(self).addWidget(splitter)
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
                               lambda exc: self.detail.notice.setText(f"Cannot read the tools: {exc}"))

    def _on_tools(self, tools: list[ToolState]) -> None:
        self.loaded = True
        selected = self.selected_slug()
        self.tools = {t.slug: t for t in tools}
        self.list.blockSignals(True)
        self.list.clear()
        for tool in tools:
            entry = tool.entry
            state = "broken" if entry.broken else ("on" if tool.enabled else "off")
            item = QListWidgetItem(f"{tool_icon(entry)}  {entry.display_name}")
            item.setData(SLUG_ROLE, tool.slug)
            item.setToolTip(f"{tool.slug} · {'built-in' if entry.builtin else 'workspace'} · {state}")
            if entry.broken:
                item.setForeground(error_color(self))
            elif not tool.enabled:
                item.setForeground(status_color("skipped", self))
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.pages.setCurrentWidget(self.detail if tools else self.empty)
        if tools:
            slugs = [t.slug for t in tools]
            self.list.setCurrentRow(slugs.index(selected) if selected in slugs else 0)
        self._show_selected()
        for key in [k for k in self.awaiting if self._authenticated(*k)]:
            del self.awaiting[key]
            self.detail.notice.setStyleSheet("")
            self.detail.notice.setText(f"Connected {key[0]} ({key[1]}).")
        if not self.awaiting:
            self._poll.stop()

    def selected_slug(self) -> str | None:
        """The tool shown on the right."""
        item = self.list.currentItem()
        return item.data(SLUG_ROLE) if item is not None else None

    def select_tool(self, slug: str) -> None:
        """Show ``slug``."""
        for row in range(self.list.count()):
            if self.list.item(row).data(SLUG_ROLE) == slug:
                self.list.setCurrentRow(row)
                return

    def _show_selected(self) -> None:
        state = self.tools.get(self.selected_slug() or "")
        if state is not None:
            results = {p: r for (t, p), r in self.results.items() if t == state.slug}
            self.detail.show_state(state, results)

    # -- enable -------------------------------------------------------------------------

    def set_enabled(self, slug: str, enabled: bool) -> None:
        """Switch a tool on or off (the ``disabled_tools`` setting, read by every run)."""
        self.bridge.submit(lambda rt: set_tool_enabled(rt, slug, enabled), lambda _d: self.refresh(),
                           lambda exc: self.detail.notice.setText(f"Cannot change {slug}: {exc}"))

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
            done((False, f"{slug} (profile {profile}): the test could not run: {exc}"))

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
            self.detail.notice.setText(f"Finish signing in for {slug} ({profile}) in your browser; "
                                       "this page updates when it is done.")

        self.bridge.submit(lambda _rt: start_google_connect(service, slug, profile), opened,
                           lambda exc: self._notice_error(f"Cannot connect {slug} ({profile}): {exc}"))

    def disconnect_profile(self, slug: str, profile: str, confirm: bool = True) -> None:
        """Revoke and delete the token of ``slug``'s ``profile`` (asks first)."""
        if confirm:
            answer = QMessageBox.question(self, "Disconnect?", f"Revoke the Google token of {slug} ({profile}) and "
                                          "delete its token file? Workflows using it stop until you connect again.")
            if answer != QMessageBox.StandardButton.Yes:
                return

        def done(result: DisconnectResult) -> None:
            extra = f" (revocation at Google failed: {result.revoke_error})" if result.revoke_error else ""
            self.detail.notice.setStyleSheet("")
            self.detail.notice.setText(f"Disconnected {slug} ({profile}){extra}.")
            self.refresh()

        self.bridge.submit(lambda rt: disconnect_profile(rt, slug, profile), done,
                           lambda exc: self._notice_error(f"Cannot disconnect {slug} ({profile}): {exc}"))

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
