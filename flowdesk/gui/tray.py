"""The system tray: state icon, Show, Run ▸, Pause scheduler, Quit (notifications: gui/notifications.py)."""

from __future__ import annotations

from collections.abc import Callable

from flowdesk.gui.core_bridge import CoreBridge
from flowdesk.gui.icons import tray_icon
from flowdesk.gui.qt import QAction, QMenu, QObject, QSystemTrayIcon, Signal
from flowdesk.gui.theme.status_look import status_look
from flowdesk.gui.tray_messages import TrayMessages


class Tray(QObject):
    """Keeps the scheduler reachable while the window is hidden."""

    show_requested = Signal()
    quit_requested = Signal()

    def __init__(self, bridge: CoreBridge, parent: QObject | None = None, notify: bool = True) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.notify = notify  # Settings ▸ notifications
        self.icon = QSystemTrayIcon(tray_icon("idle"), self)
        self.icon.setToolTip("FlowDesk")  # i18n: ok (the product name)
        self.menu = QMenu()
        self.show_action = QAction(self.tr("Show FlowDesk"), self.menu)
        self.show_action.triggered.connect(self.show_requested)
        self.run_menu = QMenu(self.tr("Run"), self.menu)
        self.run_menu.aboutToShow.connect(self._fill_run_menu)
        self.pause_action = QAction(self.tr("Pause scheduler"), self.menu, checkable=True)
        self.pause_action.toggled.connect(self._toggle_pause)
        self.quit_action = QAction(self.tr("Quit FlowDesk"), self.menu)
        self.quit_action.triggered.connect(self.quit_requested)
        self.menu.addAction(self.show_action)
        self.menu.addMenu(self.run_menu)
        self.menu.addAction(self.pause_action)
        self.menu.addSeparator()
        self.menu.addAction(self.quit_action)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._on_activated)
        self.messages = TrayMessages.of(self.icon)  # shared with the notifier: a click opens what was last shown
        self.state = "idle"
        self._running: set[str] = set()
        bridge.run_event.connect(self._on_run_event)

    @staticmethod
    def available() -> bool:
        """Whether the desktop has a tray at all."""
        return QSystemTrayIcon.isSystemTrayAvailable()

    def show(self) -> None:
        """Put the icon in the tray and reflect the scheduler's pause state."""
        scheduler = self.bridge.runtime.scheduler if self.bridge.running else None
        self.pause_action.blockSignals(True)
        self.pause_action.setChecked(bool(scheduler and scheduler.paused))
        self.pause_action.blockSignals(False)
        self.icon.show()

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.show_requested.emit()

    def manual_workflows(self) -> list[tuple[str, str]]:
        """(slug, display name) of active workflows with the manual trigger and no required input."""
        from flowdesk.core.run_service import input_fields

        if not self.bridge.running:
            return []
        out = []
        for slug, entry in sorted(dict(self.bridge.runtime.registry.workflows).items()):
            c = entry.config
            if entry.broken or c is None or not c.active or "manual" not in c.triggers:
                continue
            if any(f.required and f.default is None for f in input_fields(entry)):
                continue  # needs a form: open the window instead
            out.append((slug, entry.display_name))
        return out

    def _fill_run_menu(self) -> None:
        self.run_menu.clear()
        items = self.manual_workflows()
        if not items:
            empty = self.run_menu.addAction(self.tr("No workflow runs without input"))
            empty.setEnabled(False)
        for slug, name in items:
            action = self.run_menu.addAction(name)
            action.triggered.connect(lambda _=False, s=slug: self.run_workflow(s))

    def run_workflow(self, slug: str, on_done: Callable[[object], None] | None = None) -> None:
        """Start a manual run from the tray; the result arrives as a notification."""
        from flowdesk.core.run_service import RunRequest

        async def go(runtime):  # noqa: ANN001, ANN202 - runs on the core loop
            return await runtime.runs.run(RunRequest(slug, {}, trigger="manual"))

        def done(record: object) -> None:
            status = getattr(record, "status", "?")
            self.messages.show(self.tr("%1: %2").replace("%1", slug).replace("%2", status_look(status).word),
                               getattr(record, "message", "") or "",
                               QSystemTrayIcon.MessageIcon.Information if status == "success"
                               else QSystemTrayIcon.MessageIcon.Warning,
                               ("run", getattr(record, "id", "")), ("runs", slug, ""), 5000)
            if on_done:
                on_done(record)

        def failed(exc: BaseException) -> None:
            where = ("runs", slug, "")  # no run was made: the workflow's runs
            self.messages.show(slug, str(exc), QSystemTrayIcon.MessageIcon.Warning, where, where)

        self.bridge.submit(go, done, failed)

    def _toggle_pause(self, paused: bool) -> None:
        self.bridge.submit(lambda rt: rt.scheduler.pause() if paused else rt.scheduler.resume())
        self.set_state("paused" if paused else "idle")

    def set_state(self, state: str) -> None:
        """idle | running | failed | paused."""
        self.state = state
        self.icon.setIcon(tray_icon(state))
        words = {"idle": self.tr("idle"), "running": self.tr("running"), "failed": self.tr("a run failed"),
                 "paused": self.tr("scheduler paused")}
        self.icon.setToolTip(self.tr("FlowDesk — %1").replace("%1", words.get(state, state)))

    def _on_run_event(self, event: object) -> None:
        kind, run_id = getattr(event, "kind", ""), getattr(event, "run_id", "")
        if kind == "started":
            self._running.add(run_id)
            self.set_state("running")
        elif kind == "finished":
            self._running.discard(run_id)
            outcome = event.payload
            if outcome.status in ("error", "timeout"):
                self.set_state("failed")  # the notification itself comes from gui/notifications.py
            elif not self._running:
                self.set_state("paused" if self.pause_action.isChecked() else "idle")
