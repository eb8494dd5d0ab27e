"""The main window: the navigation rail, the views with their headers, menus with shortcuts, a live status bar."""

from __future__ import annotations

import importlib

from flowdesk.gui.core_bridge import CoreBridge
from flowdesk.gui.icons import app_icon
from flowdesk.gui.live_stats import LiveStats
from flowdesk.gui.qt import (
    QT_TRANSLATE_NOOP,
    QAction,
    QApplication,
    QCloseEvent,
    QCoreApplication,
    QDesktopServices,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QMainWindow,
    QSettings,
    QShowEvent,
    QStackedWidget,
    Qt,
    QUrl,
    QWidget,
    Signal,
)
from flowdesk.gui.theme.theme_manager import install_theme, theme_manager
from flowdesk.gui.widgets.nav_rail import NavRail
from flowdesk.gui.widgets.status_strip import StatusStrip
from flowdesk.gui.window_hooks import DailyUseHooks


def _tr(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)


# (key, title, icon, module, class): the rail's order; Ctrl+1.. selects them. A view is built when first shown,
# once the core has started (their modules import the core); the Overview, the home view, is built with the
# window and paints its header and tiles with it, its chart and cards one event-loop turn later (its numbers
# arrive once the core is up).
VIEWS = [
    ("overview", QT_TRANSLATE_NOOP("MainWindow", "Overview"), "squares-four", "flowdesk.gui.views.overview_view", "OverviewView"),
    ("workflows", QT_TRANSLATE_NOOP("MainWindow", "Workflows"), "flow-arrow", "flowdesk.gui.views.workflows_view", "WorkflowsView"),
    ("runs", QT_TRANSLATE_NOOP("MainWindow", "Runs"), "list-bullets", "flowdesk.gui.views.runs_view", "RunsView"),
    ("tools", QT_TRANSLATE_NOOP("MainWindow", "Tools & credentials"), "key", "flowdesk.gui.views.tools_view", "ToolsView"),
    ("scheduler", QT_TRANSLATE_NOOP("MainWindow", "Schedule"), "calendar-blank", "flowdesk.gui.views.scheduler_view", "SchedulerView"),
    ("interfaces", QT_TRANSLATE_NOOP("MainWindow", "Interfaces"), "app-window", "flowdesk.gui.views.interfaces_view", "InterfacesView"),
    ("logs", QT_TRANSLATE_NOOP("MainWindow", "Logs"), "terminal-window", "flowdesk.gui.views.app_log_view", "AppLogView"),
]
KEYS = [key for key, *_ in VIEWS]
BUILT_BEFORE_THE_CORE = {"overview"}
RAIL_TITLES = {"tools": QT_TRANSLATE_NOOP("MainWindow", "Tools")}  # shorter words under the rail's icons


class MainWindow(DailyUseHooks, QMainWindow):
    """Hosts the views; closing hides to the tray when there is one, else asks before quitting."""

    quit_requested = Signal()

    def __init__(self, bridge: CoreBridge, tray_available: bool, theme: str | None = None) -> None:
        super().__init__()
        self.bridge = bridge
        self.tray_available = tray_available
        self.settings = QSettings("FlowDesk", "FlowDesk")
        app = QApplication.instance()
        if theme_manager() is None and isinstance(app, QApplication):
            install_theme(app, theme or "system")
        self.setWindowTitle(f"FlowDesk — {bridge.workspace.root}")  # i18n: ok (product name and a path)
        self.setWindowIcon(app_icon())
        self.resize(1280, 800)
        self.setMinimumSize(960, 600)
        self.rail = NavRail([(key, _tr(RAIL_TITLES.get(key, title)), icon) for key, title, icon, _, _ in VIEWS])
        for key, title, *_ in VIEWS:
            self.rail.buttons[key].setToolTip(_tr(title))
        self.rail.selected.connect(self.show_view)
        self.rail.settings_requested.connect(self.open_settings)
        self.stack = QStackedWidget()
        self._focus_placed = False
        self.views: dict[str, QWidget] = {}
        self.starting = QLabel(_tr("Starting FlowDesk…"))  # shown for a view asked for while the core starts
        self.starting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.starting.setProperty("role", "muted")
        self.stack.addWidget(self.starting)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.rail)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.status = StatusStrip()
        self.status.copied.connect(lambda url: self.statusBar().showMessage(_tr("Copied %s") % url, 3000))
        self.statusBar().addPermanentWidget(self.status, 1)
        self.statusBar().setSizeGripEnabled(False)
        self.live = LiveStats(bridge, self)
        self.live.activity_changed.connect(self._on_activity)
        self.live.credentials_changed.connect(self._on_credentials)
        self._current_key = "overview"
        self.rail.set_current(self._current_key)
        self._build_menus()
        bridge.started.connect(self._on_core_started)
        bridge.start_failed.connect(self._on_start_failed)
        bridge.reloaded.connect(lambda _report: self.refresh_all())
        bridge.run_event.connect(self._on_run_event)
        self.quitting = False  # set by the app's quit path (tray Quit, SIGTERM): close without asking
        self.show_view(self._current_key)
        if bridge.running:
            self._update_status()

    def _built_view(self, key: str) -> QWidget | None:
        """The view ``key``, built now if it was not yet; None while the core it needs is starting."""
        view = self.views.get(key)
        if view is None and (self.bridge.running or key in BUILT_BEFORE_THE_CORE):
            module, cls = next((m, c) for k, _, _, m, c in VIEWS if k == key)
            factory = getattr(importlib.import_module(module), cls)
            # Built before the core, the Overview paints its header and tiles with the window, its cards right after.
            view = (factory(self.bridge, self, cards_after_paint=True) if not self.bridge.running
                    and key in BUILT_BEFORE_THE_CORE else factory(self.bridge, self))
            self.views[key] = view
            self.stack.addWidget(view)
        return view

    def view(self, key: str) -> QWidget:
        """A view by key (overview, workflows, runs, tools, scheduler, interfaces, logs), built on first use."""
        view = self._built_view(key)
        if view is None:
            raise KeyError(f"the {key} view waits for the core to start")
        return view

    def show_view(self, key: str) -> QWidget | None:
        """Select a view in the rail and show it (None while the core it needs is starting)."""
        self._current_key = key
        self.rail.set_current(key)
        view = self._built_view(key)
        if view is None:
            self.stack.setCurrentWidget(self.starting)
            return None
        self.stack.setCurrentWidget(view)
        self.live.want_overview(key == "overview")
        if key == "runs":
            self.live.mark_failures_seen()
        view.refresh()
        return view

    def current_key(self) -> str:
        """The key of the view shown."""
        return self._current_key

    def _on_start_failed(self, message: str) -> None:
        self.status.set_failed(message)
        self.starting.setText(_tr("FlowDesk could not start:") + f"\n{message}")
        self.stack.setCurrentWidget(self.starting)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(_tr("&File"))
        self._action(file_menu, _tr("Open workspace folder"), "Ctrl+O", self.open_workspace_folder)
        self._action(file_menu, _tr("Reload workspace"), "F5",
                     lambda: self.bridge.running and self.bridge.submit(lambda rt: rt.reload()))
        self._action(file_menu, _tr("Settings…"), QKeySequence.StandardKey.Preferences, self.open_settings)
        file_menu.addSeparator()
        self._action(file_menu, _tr("Quit"), QKeySequence.StandardKey.Quit, self.quit_requested.emit)
        view_menu = self.menuBar().addMenu(_tr("&View"))
        for n, (key, title, *_) in enumerate(VIEWS, start=1):
            self._action(view_menu, _tr(title), f"Ctrl+{n}", lambda _=False, k=key: self.show_view(k))
        help_menu = self.menuBar().addMenu(_tr("&Help"))
        self._action(help_menu, _tr("API documentation (OpenAPI)"), None, self.open_api_docs)
        self._action(help_menu, _tr("About FlowDesk"), None, self.about)
        self.install_daily_use(help_menu)  # issue 15: command palette, keyboard shortcuts (window_hooks.py)

    def _action(self, menu, text: str, shortcut, slot) -> QAction:  # noqa: ANN001 - Qt types
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def refresh_all(self) -> None:
        """Refresh the visible view (others refresh when shown)."""
        view = self.stack.currentWidget()
        if view is not None and view is not self.starting:
            view.refresh()

    def _on_core_started(self, url: str) -> None:
        self.show_view(self._current_key)  # the view shown, built now if it waited for the core, refreshed
        self._update_status(url)

    def _update_status(self, url: str | None = None) -> None:
        self.status.set_url(url or self.bridge.url or "")
        scheduler = self.bridge.runtime.scheduler if self.bridge.running else None
        self.status.set_scheduler(scheduler is not None, bool(scheduler and scheduler.paused),
                                  scheduler.job_count if scheduler else 0)
        self.status.set_activity(self.live.activity.running, self.live.activity.queued)

    def _on_run_event(self, event: object) -> None:
        if getattr(event, "kind", "") == "finished" and self.bridge.running:
            self._update_status()  # the scheduler's state and jobs may have changed with a reload or a pause

    def _on_activity(self, activity: object) -> None:
        self.status.set_activity(activity.running, activity.queued)  # type: ignore[attr-defined]
        unseen = activity.failures_unseen  # type: ignore[attr-defined]
        if self._current_key == "runs" and unseen and self.isVisible() and self.isActiveWindow():
            self.live.mark_failures_seen()  # failures appearing under the user's eyes are seen
            return
        self.rail.set_badge("runs", unseen, _tr("%n failed run(s) since you last looked").replace("%n", str(unseen)))

    def _on_credentials(self, issues: object) -> None:
        count = len(issues)  # type: ignore[arg-type]
        self.rail.set_badge("tools", count, _tr("%n credential(s) need attention").replace("%n", str(count)))

    def open_workspace_folder(self) -> None:
        """Show the workspace in the file manager."""
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.bridge.workspace.root)))

    def open_api_docs(self) -> None:
        """The OpenAPI document in the browser."""
        if self.bridge.url:
            QDesktopServices.openUrl(QUrl(self.bridge.url + "/api/openapi.json"))

    def open_settings(self) -> None:
        """The settings dialog (window-modal: the event loop keeps turning)."""
        from flowdesk.gui.settings_dialog import SettingsDialog

        self.settings_dialog = SettingsDialog(self.bridge, self)
        self.settings_dialog.open()

    def about(self) -> None:
        """Version and where things are."""
        from flowdesk import __version__
        from flowdesk.gui.qt import QMessageBox  # its enums load when a box is first shown, not with the window

        QMessageBox.about(self, _tr("About FlowDesk"), _tr("FlowDesk %1\n\nWorkspace: %2\nData: %3\nAPI: %4")
                          .replace("%1", __version__).replace("%2", str(self.bridge.workspace.root))
                          .replace("%3", str(self.bridge.data_dir)).replace("%4", self.bridge.url or _tr("starting")))

    def open_interface(self, slug: str) -> None:
        """Show the Interfaces view with ``slug`` open in a tab (``flowdesk --interface SLUG``)."""
        view = self.show_view("interfaces")
        if view is None:  # the core is still starting: open it once the views exist
            self.bridge.started.connect(lambda _url: self.open_interface(slug))
            return
        self.bring_forward()
        view.open_interface(slug)

    def bring_forward(self) -> None:
        """Show, un-minimise and raise (a second launch asked for it)."""
        self.show()
        self.setWindowState((self.windowState() & ~Qt.WindowState.WindowMinimized) | Qt.WindowState.WindowActive)
        self.raise_()
        self.activateWindow()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        """The first time: the keyboard focus starts in the view, not on the rail (whose ring is for keyboard users)."""
        super().showEvent(event)
        if not self._focus_placed:
            self._focus_placed = True
            self.stack.setFocus(Qt.FocusReason.OtherFocusReason)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        """Hide to the tray (said once); without a tray, ask before quitting."""
        if self.quitting:
            event.accept()
            return
        if self.tray_available:
            event.ignore()
            self.hide()
            if not self.settings.value("told_about_tray", False, type=bool):
                self.settings.setValue("told_about_tray", True)
                self.hidden_to_tray_notice()
            return
        from flowdesk.gui.qt import QMessageBox

        answer = QMessageBox.question(self, _tr("Quit FlowDesk?"), _tr(
            "Scheduled workflows and webhooks stop until FlowDesk is opened again. Quit now?"))
        if answer == QMessageBox.StandardButton.Yes:
            event.accept()
            self.quit_requested.emit()
        else:
            event.ignore()

    def hidden_to_tray_notice(self) -> None:
        """Told once: FlowDesk keeps running in the tray."""
        self.statusBar().showMessage(_tr("FlowDesk keeps running in the tray; schedules and webhooks stay on."), 10000)
