"""Empty states in the real MainWindow on an empty workspace and store: what each view and Overview card shows, and
the actions under them doing what they say."""

from __future__ import annotations

from pathlib import Path

import pytest

from flowdesk.core.workspace import Workspace
from flowdesk.gui.main_window import MainWindow
from flowdesk.gui.models.workflow_table_model import SLUG_ROLE
from flowdesk.gui.qt import QApplication, QDesktopServices, QInputDialog, QPushButton, QTimer, QUrl
from tests.gui.conftest import UrlCatcher, call_core, shown_window


@pytest.fixture()
def gui_ws(tmp_path: Path) -> Path:
    """An empty workspace: the standard folders, nothing in them."""
    ws = Workspace(tmp_path / "ws")
    ws.ensure_layout()
    return ws.root


@pytest.fixture()
def window(qtbot, bridge) -> MainWindow:  # noqa: ANN001
    return shown_window(qtbot, bridge)


def visible_button(window: MainWindow, text: str) -> QPushButton:
    """The one button of the window showing ``text`` right now (as a user would find it)."""
    found = [b for b in window.findChildren(QPushButton) if b.text() == text and b.isVisible()]
    assert len(found) == 1, (text, [b.text() for b in window.findChildren(QPushButton) if b.isVisible()])
    return found[0]


def answer_input_dialog(text: str, seen: list[tuple[str, str]], tries: int = 200) -> None:
    """When a QInputDialog opens (it runs its own event loop), note its title and label, type ``text``, press OK."""
    def poll(left: int = tries) -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QInputDialog):
            seen.append((dialog.windowTitle(), dialog.labelText()))
            dialog.setTextValue(text)
            dialog.accept()
        elif left:
            QTimer.singleShot(25, lambda: poll(left - 1))

    QTimer.singleShot(0, poll)


def test_overview_cards_say_there_is_nothing(qtbot, bridge, window) -> None:
    view = window.show_view("overview")
    qtbot.waitUntil(lambda: view.data is not None, timeout=10000)
    qtbot.waitUntil(lambda: not view.credentials_card.empty.isHidden(), timeout=10000)  # credentials read once
    expected = {view.next_card: "Nothing is scheduled.", view.failures_card: "No failed run. All good.",
                view.credentials_card: "Every credential a workflow uses is ready."}
    for card, text in expected.items():
        assert card.rows == [] and card.empty.isVisible() and card.empty.text() == text, card.title.text()
    assert view.data.next_fires == [] and view.data.failures == [] and view.issues == []
    assert view.tiles["runs"].value.text() == "0"


def assert_empty_state_opens_the_workflows(window, view, title: str) -> None:  # noqa: ANN001
    """``view`` shows its empty state titled ``title``; its "Open the workflows" button goes there."""
    assert view.empty.isVisible() and view.empty.title.text() == title
    visible_button(window, "Open the workflows").click()
    assert window.current_key() == "workflows"
    assert window.stack.currentWidget() is window.view("workflows") and window.view("workflows").isVisible()


def test_runs_view_open_the_workflows(qtbot, bridge, window) -> None:
    view = window.show_view("runs")
    qtbot.waitUntil(lambda: view.model.exhausted and view.list_stack.currentWidget() is view.empty, timeout=10000)
    assert_empty_state_opens_the_workflows(window, view, "No runs yet")


def test_schedule_view_open_the_workflows(qtbot, bridge, window) -> None:
    view = window.show_view("scheduler")
    qtbot.waitUntil(lambda: view.stack.currentWidget() is view.empty, timeout=10000)
    assert_empty_state_opens_the_workflows(window, view, "Nothing scheduled")


def test_workflows_view_new_workflow_opens_the_dialog_and_creates_it(qtbot, bridge, window) -> None:
    view = window.show_view("workflows")
    qtbot.waitUntil(lambda: view.loaded and view.pages.currentWidget() is view.empty, timeout=10000)
    assert view.empty.isVisible() and view.empty.title.text() == "No workflows yet"
    seen: list[tuple[str, str]] = []
    answer_input_dialog("weekly_digest", seen)
    visible_button(window, "New workflow").click()  # returns once the dialog is answered
    assert seen == [("New workflow", "Name (letters, digits and _, e.g. weekly_report):")]
    qtbot.waitUntil(lambda: [view.proxy.index(r, 0).data(SLUG_ROLE) for r in range(view.proxy.rowCount())]
                    == ["weekly_digest"], timeout=10000)
    assert view.pages.currentWidget() is not view.empty and view.selected_slug() == "weekly_digest"
    assert (bridge.runtime.workspace.workflows_dir / "weekly_digest" / "main.py").is_file()
    assert "weekly_digest" in bridge.runtime.registry.workflows


def test_workflows_view_new_workflow_dialog_cancelled_creates_nothing(qtbot, bridge, window) -> None:
    view = window.show_view("workflows")
    qtbot.waitUntil(lambda: view.loaded and view.pages.currentWidget() is view.empty, timeout=10000)

    def cancel(left: int = 200) -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QInputDialog):
            dialog.setTextValue("not_made")
            dialog.reject()
        elif left:
            QTimer.singleShot(25, lambda: cancel(left - 1))

    QTimer.singleShot(0, cancel)
    visible_button(window, "New workflow").click()
    qtbot.wait(300)
    assert not (bridge.runtime.workspace.workflows_dir / "not_made").exists()
    assert view.pages.currentWidget() is view.empty


def test_interfaces_view_empty_state_and_its_folder_action(qtbot, bridge, window, tmp_path: Path) -> None:
    view = window.show_view("interfaces")
    # An empty workspace still lists the built-in dashboard (served unless the workspace has its own).
    assert set(view.entries) == {"dashboard"} and view.list_stack.currentWidget() is view.list
    # A FlowDesk without built-in interfaces: nothing at all to list.
    empty = tmp_path / "no_builtin_interfaces"
    empty.mkdir()

    def drop_builtins(rt):  # noqa: ANN001, ANN202
        rt.registry.builtin_interfaces_dir = empty
        return rt.reload()

    call_core(qtbot, bridge, drop_builtins)
    view.refresh()
    assert view.entries == {} and view.list_stack.currentWidget() is view.empty
    assert view.empty.isVisible() and view.empty.title.text() == "No interfaces yet"
    assert "private/interfaces" in view.empty.body.text()
    folder = bridge.runtime.workspace.interfaces_dir
    folder.rmdir()  # the action creates the folder when missing
    browser = UrlCatcher()
    QDesktopServices.setUrlHandler("file", browser, "open")
    try:
        visible_button(window, "Open the interfaces folder").click()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert browser.urls == [QUrl.fromLocalFile(str(folder)).toString()]
    assert folder.is_dir()


def test_tools_view_empty_state_and_new_tool(qtbot, bridge, window, tmp_path: Path) -> None:
    view = window.show_view("tools")
    qtbot.waitUntil(lambda: view.loaded, timeout=10000)
    # An empty workspace still lists the built-in tools.
    assert {"date", "slack"} <= set(view.tools) and view.pages.currentWidget() is view.detail
    empty = tmp_path / "no_builtin_tools"
    empty.mkdir()

    def drop_builtins(rt):  # noqa: ANN001, ANN202
        rt.registry.builtin_tools_dir = empty
        return rt.reload()

    call_core(qtbot, bridge, drop_builtins)
    qtbot.waitUntil(lambda: view.tools == {} and view.pages.currentWidget() is view.empty, timeout=10000)
    assert view.empty.isVisible() and view.empty.title.text() == "No tools"
    seen: list[tuple[str, str]] = []
    answer_input_dialog("my_tool", seen)
    visible_button(window, "New tool").click()
    assert seen == [("New tool", "Name (letters, digits and _):")]
    qtbot.waitUntil(lambda: set(view.tools) == {"my_tool"} and view.pages.currentWidget() is view.detail,
                    timeout=10000)
    assert view.selected_slug() == "my_tool"
    assert (bridge.runtime.workspace.tools_dir / "my_tool" / "config.json").is_file()
