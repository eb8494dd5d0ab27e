"""Command palette: Ctrl+K, fuzzy search grouped with icons, runs a workflow found by a fragment, second steps, keyboard only."""

from __future__ import annotations

from flowdesk.gui.main_window import MainWindow
from flowdesk.gui.qt import QGuiApplication, Qt


def make_window(qtbot, bridge) -> MainWindow:  # noqa: ANN001
    window = MainWindow(bridge, tray_available=True)  # without a tray, closing would ask "Quit?" modally
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_ctrl_k_opens_it_and_a_fuzzy_fragment_runs_the_workflow(qtbot, bridge) -> None:
    window = make_window(qtbot, bridge)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.command_palette is not None and window.command_palette.isVisible(), timeout=5000)
    palette = window.command_palette
    groups = {palette.results.item(r).text() for r in range(palette.results.count())
              if palette.results.item(r).data(Qt.ItemDataRole.UserRole + 1) == -1}
    assert {"Commands", "Workflows", "Tools"} <= groups
    qtbot.keyClicks(palette.search, "nxdt")
    assert palette.current_item() is not None and palette.current_item().keywords == "next_dates"
    qtbot.keyClick(palette.search, Qt.Key.Key_Return)
    assert not palette.isVisible()
    qtbot.waitUntil(lambda: window.inspector_window is not None and window.inspector_window.inspector.current is not None
                    and window.inspector_window.inspector.current.record.finished, timeout=30000)
    record = window.inspector_window.inspector.current.record
    assert (record.workflow, record.status, record.trigger) == ("next_dates", "success", "manual")


def test_second_steps_and_the_keyboard(qtbot, bridge) -> None:
    window = make_window(qtbot, bridge)
    palette = window.open_command_palette()
    qtbot.keyClicks(palette.search, "copy webhook")
    assert palette.current_item().title == "Copy webhook URL of…"
    qtbot.keyClick(palette.search, Qt.Key.Key_Return)
    assert palette.isVisible() and palette.search.placeholderText().startswith("Copy the webhook URL")
    assert "input_showcase" in [i.keywords for i in palette.shown]
    assert "workspace_report" not in [i.keywords for i in palette.shown]  # no webhook trigger
    qtbot.keyClicks(palette.search, "showcase")
    qtbot.keyClick(palette.search, Qt.Key.Key_Return)
    assert QGuiApplication.clipboard().text() == f"{bridge.url}/api/webhooks/input_showcase"
    palette = window.open_command_palette()
    qtbot.keyClicks(palette.search, "run workflow")
    qtbot.keyClick(palette.search, Qt.Key.Key_Return)
    assert palette.search.placeholderText() == "Run which workflow?"
    qtbot.keyClick(palette.search, Qt.Key.Key_Backspace)  # back to everything
    assert "Commands" in palette.results.item(0).text()
    first = palette.current_item()
    qtbot.keyClick(palette.search, Qt.Key.Key_Down)
    assert palette.current_item() is not first
    qtbot.keyClick(palette.search, Qt.Key.Key_Up)
    assert palette.current_item() is first
    qtbot.keyClicks(palette.search, "open view runs")
    qtbot.keyClick(palette.search, Qt.Key.Key_Return)
    assert window.current_key() == "runs"
    palette = window.open_command_palette()
    qtbot.keyClick(palette.search, Qt.Key.Key_Escape)
    assert not palette.isVisible()


def test_shortcuts_are_listed_under_help(qtbot, bridge) -> None:
    window = make_window(qtbot, bridge)
    window.show_shortcuts()
    dialog = window.shortcuts_dialog
    assert "Ctrl+K" in dialog.shortcut_of("Command palette…")
    assert dialog.shortcut_of("Reload workspace") == "F5"
    assert dialog.shortcut_of("Run inspector: previous run of the workflow") == "Alt+Left"
    dialog.filter.setText("palette")
    assert 1 <= dialog.table.rowCount() < len(dialog.rows)
    dialog.reject()


def test_recent_runs_are_read_off_the_gui_thread_and_join_the_list_without_moving_the_choice(qtbot, bridge,
                                                                                             monkeypatch) -> None:
    import threading

    from flowdesk.core.run_service import RunRequest
    from flowdesk.gui.palette import palette_items

    done: list[object] = []
    bridge.submit(lambda rt: rt.runs.run(RunRequest("next_dates", {"days": 3})), done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=30000)
    readers: list[threading.Thread] = []
    real = palette_items.recent_runs

    def spy(store, limit):  # noqa: ANN001 - the real read, noting which thread does it
        readers.append(threading.current_thread())
        return real(store, limit)

    monkeypatch.setattr(palette_items, "recent_runs", spy)
    window = make_window(qtbot, bridge)
    palette = window.open_command_palette()
    qtbot.keyClick(palette.search, Qt.Key.Key_Down)  # the arrows choose before the runs arrive
    chosen = palette.current_item()
    qtbot.waitUntil(lambda: any(item.group == "runs" for item in palette.shown), timeout=10000)
    assert readers and all(t is not threading.main_thread() for t in readers)
    assert palette.current_item() is chosen
    qtbot.keyClicks(palette.search, "next_dates success")
    run = palette.current_item()
    assert run is not None and run.group == "runs"
    qtbot.keyClick(palette.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.inspector_window is not None and window.inspector_window.inspector.current
                    is not None, timeout=10000)
    assert window.inspector_window.inspector.current.record.workflow == "next_dates"


def test_ctrl_shift_p_opens_it_too(qtbot, bridge) -> None:
    window = make_window(qtbot, bridge)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: window.command_palette is not None and window.command_palette.isVisible(), timeout=5000)
    assert window.command_palette.search.hasFocus()
