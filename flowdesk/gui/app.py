"""``flowdesk`` with no argument: the desktop app hosting the same core as ``flowdesk serve``."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable

from flowdesk.core.app_settings import load_app_settings
from flowdesk.core.errors import FlowDeskError, WorkspaceError
from flowdesk.core.private_files import restrict_umask
from flowdesk.core.service_settings import RuntimeSettings, ServiceOptions
from flowdesk.core.workspace import Workspace, resolve_data_dir, resolve_workspace
from flowdesk.gui.display_check import has_display, no_display_message
from flowdesk.gui.launch_options import launch_options
from flowdesk.i18n.cli_text import set_language, translate
from flowdesk.i18n.language import effective_language

log = logging.getLogger(__name__)


def _workspace(args: argparse.Namespace, chosen: str | None) -> Workspace | None:
    try:
        return resolve_workspace(chosen, create_default=False)
    except WorkspaceError:
        if getattr(args, "workspace", None):
            raise
        from flowdesk.gui.first_start import offer_workspace  # its dialogs' classes load only when it is needed

        return offer_workspace()


def quit_on_signals(app: object, quit_app: Callable[[], None]) -> None:
    """SIGTERM / SIGINT quit the app cleanly (core stopped, runs given their grace period).

    Qt's loop runs in C, so Python would only see the signal at the next Python callback; the
    wake-up fd turns it into a socket event Qt watches, with no polling timer.
    """
    import signal
    import socket

    from flowdesk.gui.qt import QSocketNotifier

    if not hasattr(signal, "SIGTERM") or sys.platform == "win32":
        return
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    signal.set_wakeup_fd(writer.fileno())
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: None)  # the byte written to the wake-up fd is what matters
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, app)

    def on_signal() -> None:
        try:
            reader.recv(64)
        except OSError:
            pass
        log.info("signal received: quitting")
        quit_app()

    notifier.activated.connect(on_signal)
    app._flowdesk_signal_sockets = (reader, writer, notifier)  # type: ignore[attr-defined]  # keep alive


def already_open_message() -> str:
    """What a second launch prints after bringing the running window forward, in the CLI's language."""
    return translate("cli", "FlowDesk is already open on this data dir; its window was brought forward.")


def run_app(args: argparse.Namespace) -> int:
    """Open the window (or bring the running one forward); returns the exit code."""
    if not has_display():
        print(no_display_message(), file=sys.stderr)
        return 1
    restrict_umask()  # before the data dir, database and settings exist: they hold run data and tokens
    from flowdesk.gui.core_bridge import CoreBridge
    from flowdesk.gui.first_paint import after_first_paint
    from flowdesk.gui.icons import app_icon
    from flowdesk.gui.main_window import MainWindow
    from flowdesk.gui.i18n import install_translations
    from flowdesk.gui.log_bridge import install_log_bridge, uninstall_log_bridge
    from flowdesk.gui.qt import QApplication, QCoreApplication, Qt
    from flowdesk.gui.single_instance import InstanceServer, ask_running_instance_to_show
    from flowdesk.gui.theme.theme_manager import install_theme
    from flowdesk.gui.tray import Tray

    # QtWebEngine is loaded lazily, after the app exists: Qt needs shared GL contexts set before that.
    QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    install_log_bridge()
    app.setApplicationName("FlowDesk")
    app.setOrganizationName("FlowDesk")
    app.setWindowIcon(app_icon())
    app.setQuitOnLastWindowClosed(False)
    data_dir = resolve_data_dir(getattr(args, "data_dir", None))
    interface = getattr(args, "interface", None)
    settings = load_app_settings(data_dir)
    set_language(effective_language(settings.language))  # terminal lines speak this data dir's chosen language
    if ask_running_instance_to_show(data_dir, interface=interface):
        print(already_open_message())
        return 0
    install_theme(app, settings.theme)  # before any window: the first-start dialog is themed too
    install_translations(app, settings.language)  # before any widget takes its texts (issue 15)
    try:
        launch = launch_options(args, settings)
    except FlowDeskError as exc:
        print(f"flowdesk: {exc}", file=sys.stderr)
        return 2
    workspace = _workspace(args, launch.workspace)
    if workspace is None:
        return 0
    instance = InstanceServer(data_dir)
    instance.listen()
    bridge = CoreBridge(workspace, data_dir, ServiceOptions(host=launch.host, port=launch.port),
                        RuntimeSettings(retention_days=settings.retention_days, retention_runs=settings.retention_runs))
    tray_available = Tray.available()
    tray: Tray | None = None
    window = MainWindow(bridge, tray_available=tray_available)
    exit_code = 0

    def quit_app() -> None:
        window.quitting = True  # a deliberate quit: the window must not ask "Quit?"
        window.hide()
        app.quit()

    def failed(message: str) -> None:
        nonlocal exit_code
        exit_code = 1
        from flowdesk.gui.qt import QMessageBox

        QMessageBox.critical(window, QCoreApplication.translate("App", "FlowDesk cannot start"), message)
        app.quit()

    def start_behind_the_window() -> None:
        """The tray, notifications, signal handling, then the core: none of them is needed to paint the window."""
        nonlocal tray
        from flowdesk.gui.notifications import install_notifier

        if tray_available:
            tray = Tray(bridge, notify=settings.notifications)
            tray.show_requested.connect(window.bring_forward)
            tray.quit_requested.connect(quit_app)
            tray.show()
        install_notifier(bridge, tray.icon if tray is not None else None, window)  # before the core: no run missed
        quit_on_signals(app, quit_app)
        bridge.start()

    window.quit_requested.connect(quit_app)
    instance.show_requested.connect(window.bring_forward)
    instance.interface_requested.connect(window.open_interface)
    if interface:
        bridge.started.connect(lambda _url: window.open_interface(interface))
    bridge.start_failed.connect(failed)
    app.aboutToQuit.connect(bridge.stop)
    app.aboutToQuit.connect(instance.close)
    app.aboutToQuit.connect(uninstall_log_bridge)
    if settings.start_minimised and tray_available:
        start_behind_the_window()
    else:
        # The core (aiohttp, the scheduler, the store, warm workers) starts once the window is on screen:
        # its imports would otherwise compete with the first paint for the interpreter.
        after_first_paint(window, start_behind_the_window)
        window.show()
    app.exec()
    return exit_code
