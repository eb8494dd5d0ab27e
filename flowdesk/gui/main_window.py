"""The main window: a sidebar of views, menus with shortcuts, and a status bar fed by the core."""

from __future__ import annotations

import importlib

from flowdesk.gui.core_bridge import CoreBridge
from flowdesk.gui.icons import app_icon
from flowdesk.gui.qt import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSettings,
    QStackedWidget,
    Qt,
    QUrl,
    QWidget,
    Signal,
)

# (key, title, module, class): the sidebar order; Ctrl+1.. selects them. Views are built once the core
# has started (their modules import the core), so the window itself paints at once.
VIEWS = [
    ("workflows", "Workflows", "flowdesk.gui.views.workflows_view", "WorkflowsView"),
    ("runs", "Runs", "flowdesk.gui.views.runs_view", "RunsView"),
    ("tools", "Tools", "flowdesk.gui.views.tools_view", "ToolsView"),
    ("scheduler", "Scheduler", "flowdesk.gui.views.scheduler_view", "SchedulerView"),
    ("interfaces", "Interfaces", "flowdesk.gui.views.interfaces_view", "InterfacesView"),
    ("logs", "Logs", "flowdesk.gui.views.app_log_view", "AppLogView"),
]
KEYS = [key for key, _, _, _ in VIEWS]


class MainWindow(QMainWindow):
    """Hosts the views; closing hides to the tray when there is one, else asks before quitting."""

    quit_requested = Signal()

    def __init__(self, bridge: CoreBridge, tray_available: bool) -> None:
        super().__init__()
        self.bridge = bridge
        self.tray_available = tray_available
        self.settings = QSettings("FlowDesk", "FlowDesk")
        self.setWindowTitle(f"FlowDesk — {bridge.workspace.root}")
        self.setWindowIcon(app_icon())
        self.resize(1200, 760)
        self.sidebar = QListWidget()
        self.sidebar.setFixedWidth(170)
        self.sidebar.setObjectName("sidebar")
        self.stack = QStackedWidget()
        self.views: dict[str, QWidget] = {}
        self.starting = QLabel("Starting FlowDesk…")
        self.starting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.starting)
        for key, title, _, _ in VIEWS:
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.sidebar.addItem(item)
        self.sidebar.currentRowChanged.connect(self._select)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.sidebar)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.status = QLabel("Starting FlowDesk…")
        self.statusBar().addWidget(self.status, 1)
        self._build_menus()
        bridge.started.connect(self._on_core_started)
        bridge.start_failed.connect(self._on_start_failed)
        bridge.reloaded.connect(lambda _report: self.refresh_all())
        bridge.run_event.connect(self._on_run_event)
        self._running = 0
        self.quitting = False  # set by the app's quit path (tray Quit, SIGTERM): close without asking
        if bridge.running:
            self._build_views()
            self._update_status()

    def _build_views(self) -> None:
        """Build every view (the core is up: their data is there)."""
        if self.views:
            return
        for key, _, module, cls in VIEWS:
            view = getattr(importlib.import_module(module), cls)(self.bridge, self)
            self.views[key] = view
            self.stack.addWidget(view)
        self.sidebar.setCurrentRow(max(0, self.sidebar.currentRow()))
        self._select(self.sidebar.currentRow())

    def view(self, key: str) -> QWidget:
        """A view by key (workflows, runs, tools, scheduler, interfaces, logs)."""
        return self.views[key]

    def show_view(self, key: str) -> QWidget | None:
        """Select a view in the sidebar and return it (None while the core is starting)."""
        self.sidebar.setCurrentRow(KEYS.index(key))
        return self.views.get(key)

    def _select(self, row: int) -> None:
        view = self.views.get(KEYS[row]) if 0 <= row < len(KEYS) else None
        if view is None:
            return
        self.stack.setCurrentWidget(view)
        view.refresh()

    def _on_start_failed(self, message: str) -> None:
        self.status.setText(f"Core failed to start: {message}")
        self.starting.setText(f"FlowDesk could not start:\n{message}")

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self._action(file_menu, "Open workspace folder", "Ctrl+O", self.open_workspace_folder)
        self._action(file_menu, "Reload workspace", "F5",
                     lambda: self.bridge.running and self.bridge.submit(lambda rt: rt.reload()))
        self._action(file_menu, "Settings…", QKeySequence.StandardKey.Preferences, self.open_settings)
        file_menu.addSeparator()
        self._action(file_menu, "Quit", QKeySequence.StandardKey.Quit, self.quit_requested.emit)
        view_menu = self.menuBar().addMenu("&View")
        for n, (key, title, _, _) in enumerate(VIEWS, start=1):
            self._action(view_menu, title, f"Ctrl+{n}", lambda _=False, k=key: self.show_view(k))
        help_menu = self.menuBar().addMenu("&Help")
        self._action(help_menu, "API documentation (OpenAPI)", None, self.open_api_docs)
        self._action(help_menu, "About FlowDesk", None, self.about)

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
        self._build_views()
        self._update_status(url)

    def _update_status(self, url: str | None = None) -> None:
        url = url or self.bridge.url or ""
        scheduler = self.bridge.runtime.scheduler
        sched = "paused" if scheduler and scheduler.paused else "on"
        jobs = scheduler.job_count if scheduler else 0
        self.status.setText(f"Listening on {url}  ·  scheduler {sched} ({jobs} jobs)  ·  {self._running} running")

    def _on_run_event(self, event: object) -> None:
        kind = getattr(event, "kind", "")
        if kind == "started":
            self._running += 1
        elif kind == "finished":
            self._running = max(0, self._running - 1)
        if kind in ("started", "finished") and self.bridge.running:
            self._update_status()

    def open_workspace_folder(self) -> None:
        """Show the workspace in the file manager."""
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.bridge.workspace.root)))

    def open_api_docs(self) -> None:
        """The OpenAPI document in the browser."""
        if self.bridge.url:
            QDesktopServices.openUrl(QUrl(self.bridge.url + "/api/openapi.json"))

    def open_settings(self) -> None:
        """The settings dialog."""
        from flowdesk.gui.settings_dialog import SettingsDialog

        SettingsDialog(self.bridge, self).exec()

    def about(self) -> None:
        """Version and where things are."""
        from flowdesk import __version__

        QMessageBox.about(self, "About FlowDesk", f"FlowDesk {__version__}\n\nWorkspace: "
                          f"{self.bridge.workspace.root}\nData: {self.bridge.data_dir}\n"
                          f"API: {self.bridge.url or 'starting'}")

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
        answer = QMessageBox.question(self, "Quit FlowDesk?", "Scheduled workflows and webhooks stop until "
                                      "FlowDesk is opened again. Quit now?")
        if answer == QMessageBox.StandardButton.Yes:
            event.accept()
            self.quit_requested.emit()
        else:
            event.ignore()

    def hidden_to_tray_notice(self) -> None:
        """Told once: FlowDesk keeps running in the tray."""
        self.statusBar().showMessage("FlowDesk keeps running in the tray; schedules and webhooks stay on.", 10000)
