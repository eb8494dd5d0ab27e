"""The pane beside the workflows table: description, each tool's profile status, recent runs, actions."""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flowdesk.core.errors import NotFound
from flowdesk.core.profiles import is_input_profile
from flowdesk.core.registry import WorkflowEntry
from flowdesk.core.run_service import tool_profiles
from flowdesk.gui.core_bridge import CoreBridge
from flowdesk.gui.qt import (
    QCoreApplication,
    QDesktopServices,
    QHBoxLayout,
    QLabel,
    QPushButton,
    Qt,
    QTabWidget,
    QUrl,
    QVBoxLayout,
    QWidget,
    Signal,
)
from flowdesk.gui.widgets.deps_banner import DepsBanner
from flowdesk.gui.widgets.list_card import ElidedLabel
from flowdesk.gui.widgets.notify_toggle import NotifySuccessToggle
from flowdesk.gui.widgets.run_sparkline import RunSparkline
from flowdesk.gui.widgets.webhook_tab import WebhookTab
from flowdesk.gui.widgets.status_colors import error_color, status_color
from flowdesk.gui.i18n import core_text

if TYPE_CHECKING:
    from flowdesk.core.runtime import Runtime


log = logging.getLogger(__name__)


def _tr(text: str) -> str:
    return QCoreApplication.translate("WorkflowDetail", text)


@dataclass
class ToolStatus:
    """One required tool with the profile the workflow uses and whether that profile can run."""

    tool: str
    profile: str
    ok: bool
    text: str  # "ok", "missing SLACK_MARKETING_BOT_TOKEN", "not installed"...


def tool_statuses(runtime: Runtime, entry: WorkflowEntry) -> list[ToolStatus]:
    """The status of each required tool's profile, checked the way the run service checks it (reads only)."""
    if entry.config is None:
        return []
    profiles = tool_profiles(entry)
    disabled = runtime.disabled_tools()
    out = []
    for name in entry.config.tools_required:
        profile = profiles.get(name, "DEFAULT")
        try:
            tool = runtime.registry.tool(name)
        except NotFound:
            out.append(ToolStatus(name, profile, False, _tr("not installed")))
            continue
        cfg = tool.config
        if tool.broken or cfg is None:
            out.append(ToolStatus(name, profile, False, _tr("broken: %1").replace("%1", str(core_text(tool.error)))))
        elif tool.slug in disabled or not cfg.enabled:
            out.append(ToolStatus(name, profile, False, _tr("disabled")))
        elif is_input_profile(profile):
            out.append(ToolStatus(name, profile, True, _tr("from the run input (%1)").replace("%1", profile)))
        else:
            resolved = runtime.resolver.resolve(
                tool.slug, profile, cfg.required_params, cfg.optional_params,
                aliases=[a for a in (*tool.env_aliases, name) if a != tool.slug], secret_params=cfg.secret_params or ())
            text = _tr("ok") if resolved.available else _tr("missing %1").replace("%1", ", ".join(resolved.missing))
            out.append(ToolStatus(name, profile, resolved.available, text))
    return out


def read_detail(runtime: Runtime, entry: WorkflowEntry) -> tuple[list[ToolStatus], list[str]]:
    """What the pane reads for a workflow: its tools' profile statuses and its last 30 run statuses (core side)."""
    statuses = tool_statuses(runtime, entry) if entry.config is not None else []
    return statuses, runtime.store.recent_statuses(entry.slug, 30)


class WorkflowDetail(QWidget):
    """Shows one workflow; its buttons ask the view to run, edit or show history."""

    run_requested = Signal(str)
    edit_requested = Signal(str)
    history_requested = Signal(str)

    def __init__(self, bridge: CoreBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.slug: str | None = None
        self.entry: WorkflowEntry | None = None
        self.reads = 0  # background reads asked for (tests count them)
        self._generation = 0  # a read answering for a workflow no longer shown is dropped
        self._pending = False  # a read for the workflow shown is under way (asking again would only repeat it)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        # slug · folder, elided in the middle (both ends of a path matter), the whole path in the tooltip; its
        # minimum width is the ellipsis', so a long path never widens the pane into a horizontal scroll.
        self.location = ElidedLabel(mode=Qt.TextElideMode.ElideMiddle)
        self.location.setProperty("role", "caption")
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.deps = DepsBanner(bridge)  # "missing dependency X (package) — Install"
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setTextFormat(Qt.TextFormat.PlainText)
        self.tools = QLabel()
        self.tools.setWordWrap(True)
        self.tools.setTextFormat(Qt.TextFormat.RichText)
        self.sparkline = RunSparkline()
        self.buttons = {key: QPushButton(text) for key, text in (
            ("run", self.tr("Run…")), ("edit", self.tr("Edit…")), ("folder", self.tr("Open folder")),
            ("history", self.tr("History")))}
        self.buttons["run"].clicked.connect(lambda: self.slug and self.run_requested.emit(self.slug))
        self.buttons["edit"].clicked.connect(lambda: self.slug and self.edit_requested.emit(self.slug))
        self.buttons["history"].clicked.connect(lambda: self.slug and self.history_requested.emit(self.slug))
        self.buttons["folder"].clicked.connect(self.open_folder)
        row = QHBoxLayout()
        for button in self.buttons.values():
            row.addWidget(button)
        row.addStretch(1)
        details = QWidget()
        layout = QVBoxLayout(details)
        layout.addWidget(self.title)
        layout.addWidget(self.location)
        layout.addWidget(self.error)
        layout.addWidget(self.deps)
        layout.addWidget(self.description)
        layout.addWidget(QLabel("<b>" + self.tr("Tools") + "</b>"))
        layout.addWidget(self.tools)
        layout.addWidget(QLabel("<b>" + self.tr("Recent runs") + "</b>"))
        layout.addWidget(self.sparkline)
        layout.addLayout(row)
        self.notify_success = NotifySuccessToggle(bridge)  # issue 15: opt-in success notifications
        layout.addWidget(self.notify_success)
        layout.addStretch(1)
        # Issue 15: the workflow's webhook (URL, auth, snippets, test, rotation) in a second tab.
        self.webhook = WebhookTab(bridge)
        self.webhook.run_requested.connect(self._open_run)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(details, self.tr("Details"))
        self.tabs.addTab(self.webhook, self.tr("Webhook"))
        self.tabs.currentChanged.connect(lambda _i: self._sync_webhook())
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.tabs)
        self.show_workflow(None)

    def _sync_webhook(self) -> None:
        if self.tabs.currentWidget() is self.webhook and self.webhook.entry is not self.entry:
            self.webhook.show_workflow(self.slug)

    def _open_run(self, run_id: str) -> None:
        window = self.window()
        if hasattr(window, "open_run"):
            window.open_run(run_id)

    def show_workflow(self, slug: str | None) -> None:
        """Show a workflow by slug (None: the hint to select one)."""
        # Before the core starts (the window is built first) there is no runtime to ask.
        runtime = self.bridge.runtime if slug and self.bridge.running else None
        entry = runtime.registry.workflows.get(slug) if runtime is not None else None
        again = entry is not None and slug == self.slug  # a refresh: the old figures stay until the new arrive
        self.slug, self.entry = (slug, entry) if entry is not None else (None, None)
        self._sync_webhook()
        self.notify_success.show_workflow(self.slug)
        self.deps.show_for("workflow", self.slug)
        for button in self.buttons.values():
            button.setEnabled(entry is not None)
        if not again:
            self.tools.clear()
            self.sparkline.set_statuses([])
        if entry is None:
            self._generation += 1  # whatever is under way answers for nothing shown
            self._pending = False
            self.title.setText("<i>" + self.tr("Select a workflow.") + "</i>")
            for label in (self.error, self.description, self.location):
                label.clear()
            self.location.setToolTip("")
            self.error.hide()
            return
        self.title.setText(f"<h3>{html.escape(entry.display_name)}</h3>")
        self.location.setText(f"{entry.slug} · {entry.path}")
        self.location.setToolTip(str(entry.path))
        self.error.setVisible(entry.broken)
        self.error.setText(core_text(entry.error) or "")
        self.error.setStyleSheet(f"color: {error_color(self).name()};")
        self.buttons["run"].setEnabled(not entry.broken)
        self.buttons["edit"].setEnabled(entry.config is not None)
        config = entry.config
        self.description.setText((config.description or "") if config else "")
        if not (again and self._pending):
            self._read(entry)

    def _read(self, entry: WorkflowEntry) -> None:
        """Tools' profile statuses and recent runs, read on the core side (profile files, the store), shown when
        they arrive if this workflow is still the one shown."""
        import asyncio  # the window's first paint comes before asyncio loads

        self._generation += 1
        generation = self._generation
        self._pending = True
        self.reads += 1
        self.bridge.submit(lambda rt: asyncio.to_thread(read_detail, rt, entry),
                           lambda result: self._on_read(result, generation),
                           lambda exc: self._on_read_failed(exc, generation))

    def _on_read_failed(self, exc: BaseException, generation: int) -> None:
        if generation == self._generation:
            self._pending = False
            log.warning("cannot read the detail of %s: %s", self.slug, exc)

    def _on_read(self, result: tuple[list[ToolStatus], list[str]], generation: int) -> None:
        if generation != self._generation or self.entry is None:
            return
        self._pending = False
        statuses, recent = result
        self.tools.setText(self._tools_html(statuses) if self.entry.config is not None else "")
        self.sparkline.set_statuses(recent)

    def _tools_html(self, statuses: list[ToolStatus]) -> str:
        if not statuses:
            return "<i>" + self.tr("none") + "</i>"
        lines = []
        for s in statuses:
            colour = status_color("success" if s.ok else "error", self).name()
            lines.append(f"{html.escape(s.tool)} (" + self.tr("profile %1").replace("%1", html.escape(s.profile)) + "): "
                         f'<span style="color:{colour}">{html.escape(s.text)}</span>')
        return "<br>".join(lines)

    def open_folder(self) -> None:
        """The workflow's folder in the file manager."""
        if self.entry is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.entry.path)))
