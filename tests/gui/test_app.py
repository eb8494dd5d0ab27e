"""The app shell: no-display message, single instance, tray menu, close-to-tray, lazy QtWebEngine."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from flowdesk.core.workspace import Workspace
from tests.conftest import REPO
from tests.gui.conftest import call_core


def test_no_display_names_flowdesk_serve(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["FLOWDESK_DATA_DIR"] = str(tmp_path)
    r = subprocess.run([sys.executable, "-m", "flowdesk"], capture_output=True, text=True, env=env, cwd=REPO, timeout=60)
    assert r.returncode == 1
    assert "no display" in r.stderr and "flowdesk serve" in r.stderr
    assert "qt.qpa" not in r.stderr.lower()


def test_second_launch_brings_the_first_forward(qtbot, tmp_path: Path) -> None:
    from flowdesk.gui.single_instance import InstanceServer, ask_running_instance_to_show

    assert not ask_running_instance_to_show(tmp_path)
    server = InstanceServer(tmp_path)
    assert server.listen()
    try:
        with qtbot.waitSignal(server.show_requested, timeout=5000):
            assert ask_running_instance_to_show(tmp_path, timeout_ms=2000)
    finally:
        server.close()
    assert not ask_running_instance_to_show(tmp_path / "other")


def test_tray_menu_lists_runnable_workflows_and_runs_one(qtbot, bridge) -> None:
    from flowdesk.gui.tray import Tray

    tray = Tray(bridge)
    names = dict(tray.manual_workflows())
    assert "next_dates" in names and "input_showcase" in names
    assert "lead_nurturing" not in names  # needs inputs without defaults: opens the window instead
    tray._fill_run_menu()
    assert {a.text() for a in tray.run_menu.actions()} >= {names["next_dates"]}
    done: list = []
    tray.run_workflow("next_dates", done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=30000)
    assert done[0].status == "success" and done[0].trigger == "manual"
    qtbot.waitUntil(lambda: tray.state in ("idle", "running"), timeout=5000)


def test_tray_pause_toggles_the_scheduler(qtbot, bridge) -> None:
    from flowdesk.gui.tray import Tray

    tray = Tray(bridge)
    tray.show()
    tray.pause_action.setChecked(True)
    qtbot.waitUntil(lambda: bridge.runtime.scheduler.paused, timeout=5000)
    assert tray.state == "paused"
    tray.pause_action.setChecked(False)
    qtbot.waitUntil(lambda: not bridge.runtime.scheduler.paused, timeout=5000)


def test_tray_turns_red_on_a_failed_run(qtbot, bridge, gui_ws: Path) -> None:
    from flowdesk.core.run_service import RunRequest
    from flowdesk.gui.tray import Tray

    tray = Tray(bridge)
    (gui_ws / "private/workflows/next_dates/main.py").write_text("def execute(data, tools):\n    raise RuntimeError('x')\n")
    call_core(qtbot, bridge, lambda rt: rt.runs.run(RunRequest("next_dates", {}, trigger="webhook")))
    qtbot.waitUntil(lambda: tray.state == "failed", timeout=5000)


def test_closing_the_window_hides_it_when_a_tray_exists(qtbot, bridge) -> None:
    from flowdesk.gui.main_window import MainWindow

    window = MainWindow(bridge, tray_available=True)
    qtbot.addWidget(window)
    window.show()
    quits: list = []
    window.quit_requested.connect(lambda: quits.append(1))
    window.close()
    assert not window.isVisible() and not quits
    window.bring_forward()
    assert window.isVisible()


def test_main_window_builds_every_view_without_loading_webengine(qtbot, bridge) -> None:
    from flowdesk.gui.main_window import KEYS, MainWindow

    window = MainWindow(bridge, tray_available=False)
    # without a tray, closing asks "Quit?" in a modal box: close it as if a tray existed
    qtbot.addWidget(window, before_close_func=lambda w: setattr(w, "tray_available", True))
    for key in KEYS:
        assert window.show_view(key) is window.stack.currentWidget()
    assert "PySide6.QtWebEngineWidgets" not in sys.modules
    assert Workspace(bridge.runtime.workspace.root).is_valid()


def test_the_window_paints_before_the_core_starts_then_builds_its_views(qtbot, gui_ws: Path, data_dir: Path) -> None:
    from flowdesk.core.service_settings import ServiceOptions
    from flowdesk.gui.core_bridge import CoreBridge
    from flowdesk.gui.main_window import KEYS, MainWindow

    b = CoreBridge(Workspace(gui_ws), data_dir, ServiceOptions(port=0, watch=False, grace=1))
    window = MainWindow(b, tray_available=True)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    # The home view paints with the window (header, tiles), before the core and its modules load; its chart and
    # cards follow on the next turn of the event loop, still before the core.
    overview = window.stack.currentWidget()
    assert overview is window.views["overview"] and list(window.views) == ["overview"]
    assert overview.header.isVisible() and overview.tiles["runs"].value.text() == "—"
    qtbot.waitUntil(lambda: overview.cards_built and overview.failures_card.isVisible(), timeout=5000)
    assert overview.next_card.isVisible() and overview.credentials_card.isVisible() and not b.running
    assert not overview.failures_card.empty.isVisible()  # "No failed run" is not claimed before a read
    assert overview.webhook_url.text() == "Starting…"
    assert window.show_view("workflows") is None and window.stack.currentWidget() is window.starting
    window.show_view("overview")
    with qtbot.waitSignal(b.started, timeout=30000):
        b.start()
    try:
        qtbot.waitUntil(lambda: overview.tiles["runs"].value.text() != "—", timeout=10000)
        assert window.stack.currentWidget() is overview and b.url in overview.webhook_url.text()
        assert list(window.views) == ["overview"]  # the others wait until they are first shown
        for key in KEYS:
            assert window.show_view(key) is window.stack.currentWidget() is window.views[key]
    finally:
        b.stop()


def test_a_view_asked_for_while_the_core_starts_opens_once_it_has_started(qtbot, gui_ws: Path, data_dir: Path) -> None:
    from flowdesk.core.service_settings import ServiceOptions
    from flowdesk.gui.core_bridge import CoreBridge
    from flowdesk.gui.main_window import MainWindow

    b = CoreBridge(Workspace(gui_ws), data_dir, ServiceOptions(port=0, watch=False, grace=1))
    window = MainWindow(b, tray_available=True)
    qtbot.addWidget(window)
    window.show()
    assert window.show_view("runs") is None and window.current_key() == "runs"
    with qtbot.waitSignal(b.started, timeout=30000):
        b.start()
    try:
        qtbot.waitUntil(lambda: "runs" in window.views, timeout=10000)
        assert window.stack.currentWidget() is window.views["runs"]
    finally:
        b.stop()


def test_status_bar_says_where_the_core_listens(qtbot, bridge) -> None:
    from flowdesk.gui.main_window import MainWindow

    window = MainWindow(bridge, tray_available=True)
    qtbot.addWidget(window)
    assert bridge.url in window.status.text() and "scheduler on" in window.status.text()


def test_the_instance_name_is_the_data_dirs_sha256_as_before(qapp, tmp_path: Path) -> None:
    # The name is computed with QtCore's SHA-256 (no OpenSSL before the first paint); a FlowDesk already running
    # on the same data dir, started by a release that used hashlib, must still be found.
    import hashlib

    from flowdesk.gui.single_instance import server_name

    for folder in (tmp_path, tmp_path / "données été", tmp_path / "a b" / "c"):
        expected = "flowdesk-" + hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:16]
        assert server_name(folder) == expected


def test_a_second_launch_can_ask_for_an_interface(qtbot, tmp_path: Path) -> None:
    from flowdesk.gui.single_instance import InstanceServer, ask_running_instance_to_show

    server = InstanceServer(tmp_path)
    assert server.listen()
    try:
        with qtbot.waitSignal(server.interface_requested, timeout=5000) as blocker:
            assert ask_running_instance_to_show(tmp_path, timeout_ms=2000, interface="dashboard")
        assert blocker.args == ["dashboard"]
    finally:
        server.close()
