"""Every view of the real window: its header (title, search for lists, a primary action that does something),
the rail's order and labels, and the Settings gear at the bottom (issue 13, point 3)."""

from __future__ import annotations

import pytest

from flowdesk.gui.qt import QGuiApplication, QInputDialog
from tests.gui.conftest import shown_window

TITLES = {
    "overview": "Overview", "workflows": "Workflows", "runs": "Runs", "tools": "Tools & credentials",
    "scheduler": "Schedule", "interfaces": "Interfaces", "logs": "Logs",
}
LISTS = ["workflows", "runs", "tools", "scheduler", "interfaces", "logs"]


@pytest.fixture
def window(qtbot, bridge):  # noqa: ANN001, ANN201
    return shown_window(qtbot, bridge, size=None)


def _answer(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """The next "New …" name dialog answers ``name``."""
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *_args, **_kw: (name, True)))


def test_rail_lists_the_views_in_order_with_settings_at_the_bottom(qtbot, window) -> None:
    rail = window.rail
    assert list(rail.buttons) == list(TITLES)
    assert [b.text() for b in rail.buttons.values()] == [
        "Overview", "Workflows", "Runs", "Tools", "Schedule", "Interfaces", "Logs"]  # "Tools" fits under the icon
    assert "Tools" in rail.buttons["tools"].toolTip()
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert [a.text() for a in view_menu.actions()] == list(TITLES.values())  # the full names, same order
    tops = [b.geometry().top() for b in rail.buttons.values()]
    assert tops == sorted(tops)
    gear = rail.settings_button
    assert gear.text() == "Settings"
    assert gear.geometry().top() > rail.buttons["logs"].geometry().bottom()
    assert rail.height() - gear.geometry().bottom() < 40  # at the bottom, not after the last view
    gear.click()
    dialog = getattr(window, "settings_dialog", None)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    assert type(dialog).__name__ == "SettingsDialog" and dialog.parent() is window
    dialog.reject()


@pytest.mark.parametrize("key", list(TITLES))
def test_header_shows_the_title_and_a_search_field_for_lists(qtbot, window, key) -> None:
    view = window.show_view(key)
    qtbot.wait(50)
    header = view.header
    assert header.isVisible() and header.title.text() == TITLES[key]
    if key in LISTS:
        assert header.search is not None and header.search.isVisible(), f"{key} lists things but has no search"
        assert header.search.placeholderText()
    else:
        assert header.search is None


def _slug_selected(view) -> str | None:  # noqa: ANN001
    return view.selected_slug()


def test_overview_primary_action_creates_a_workflow(qtbot, bridge, window, monkeypatch) -> None:
    _answer(monkeypatch, "from_overview")
    view = window.show_view("overview")
    assert view.header.primary is not None and view.header.primary.isEnabled()
    view.header.primary.click()
    assert window.current_key() == "workflows"
    qtbot.waitUntil(lambda: (bridge.workspace.workflows_dir / "from_overview" / "main.py").is_file(), timeout=10000)
    qtbot.waitUntil(lambda: _slug_selected(window.view("workflows")) == "from_overview", timeout=10000)


def test_workflows_primary_action_creates_a_workflow(qtbot, bridge, window, monkeypatch) -> None:
    _answer(monkeypatch, "from_header")
    view = window.show_view("workflows")
    view.header.primary.click()
    qtbot.waitUntil(lambda: _slug_selected(view) == "from_header", timeout=10000)
    assert (bridge.workspace.workflows_dir / "from_header" / "config.json").is_file()


def test_tools_primary_action_creates_a_tool(qtbot, bridge, window, monkeypatch) -> None:
    _answer(monkeypatch, "from_header")
    view = window.show_view("tools")
    qtbot.waitUntil(lambda: view.loaded and view.list.count() > 0, timeout=10000)
    view.header.primary.click()
    qtbot.waitUntil(lambda: _slug_selected(view) == "from_header", timeout=10000)
    assert (bridge.workspace.tools_dir / "from_header" / "main.py").is_file()


def test_runs_primary_action_picks_a_workflow_and_runs_it(qtbot, window) -> None:
    from flowdesk.gui.qt import Qt

    view = window.show_view("runs")
    assert view.header.primary is not None and view.header.primary.isVisible()
    view.header.primary.click()
    palette = window.command_palette
    assert palette is not None and palette.isVisible() and len(palette.steps) == 2  # straight on "which workflow?"
    assert {item.group for item in palette.shown} == {"workflows"}
    qtbot.keyClicks(palette.search, "next_dates")
    qtbot.keyClick(palette.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.inspector_window is not None and window.inspector_window.inspector.current
                    is not None, timeout=30000)
    record = window.inspector_window.inspector.current.record
    assert (record.workflow, record.trigger) == ("next_dates", "manual")


def test_schedule_primary_action_edits_the_selected_schedule(qtbot, window) -> None:
    view = window.show_view("scheduler")
    qtbot.waitUntil(lambda: view.table.rowCount() >= 3, timeout=10000)
    view.select("workspace_report")
    view.header.primary.click()
    editor = view.config_editor
    assert editor is not None and editor.isVisible() and editor.slug == "workspace_report"
    assert editor.tabs.currentWidget() is editor.schedule.parentWidget()
    editor.reject()


def test_interfaces_primary_action_creates_an_interface(qtbot, bridge, window, monkeypatch) -> None:
    _answer(monkeypatch, "from_header")
    view = window.show_view("interfaces")
    view.header.primary.click()
    qtbot.waitUntil(lambda: "from_header" in view.entries, timeout=10000)
    assert (bridge.workspace.interfaces_dir / "from_header" / "src" / "index.html").is_file()


def test_logs_primary_action_copies_the_lines(qtbot, window) -> None:
    import logging

    view = window.show_view("logs")
    logging.getLogger("flowdesk.tests.headers").warning("a line for the clipboard")
    qtbot.waitUntil(lambda: "a line for the clipboard" in view.visible_text(), timeout=5000)
    QGuiApplication.clipboard().clear()
    view.header.primary.click()
    assert "a line for the clipboard" in QGuiApplication.clipboard().text()


def test_empty_state_actions_lead_somewhere(qtbot, window) -> None:
    logs = window.show_view("logs")
    logs.clear()
    assert logs.stack.currentWidget() is logs.empty
    logs.empty_action.click()
    assert window.current_key() == "runs"
    schedule = window.show_view("scheduler")
    from flowdesk.gui.views.scheduler_view import SchedulerState

    schedule._on_state(SchedulerState(available=True))
    assert schedule.stack.currentWidget() is schedule.empty
    schedule.empty_action.click()
    assert window.current_key() == "workflows"
