"""Scheduler view: the example workspace's scheduled workflows, pause and resume all."""

from __future__ import annotations

from flowdesk.gui.qt import Qt
from flowdesk.gui.views.scheduler_view import EMPTY_TEXT, SchedulerView


def _workflows_shown(view: SchedulerView) -> set[str]:
    return {view.table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(view.table.rowCount())}


def test_jobs_of_example_workspace_are_shown(qtbot, bridge) -> None:
    view = SchedulerView(bridge)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.table.rowCount() >= 3, timeout=10000)
    assert {"newsletter_automation", "next_dates", "workspace_report"} <= _workflows_shown(view)
    rows = range(view.table.rowCount())
    row = next(r for r in rows if view.table.item(r, 0).data(Qt.ItemDataRole.UserRole) == "next_dates")
    assert view.table.item(row, 1).text() == "0 8 * * 1-5"
    assert view.table.item(row, 2).text()  # cron in words
    assert view.table.item(row, 4).text() not in ("", "—")  # next run
    assert view.stack.currentWidget() is view.table


def test_pause_and_resume_all(qtbot, bridge) -> None:
    view = SchedulerView(bridge)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.pause_button.isEnabled(), timeout=10000)
    view.pause_button.click()
    qtbot.waitUntil(lambda: bridge.runtime.scheduler.paused, timeout=10000)
    qtbot.waitUntil(lambda: view.resume_button.isEnabled(), timeout=10000)
    assert "paused" in view.banner.text().lower()
    view.resume_button.click()
    qtbot.waitUntil(lambda: not bridge.runtime.scheduler.paused and view.pause_button.isEnabled(), timeout=10000)


def test_empty_state(qtbot, bridge) -> None:
    from flowdesk.gui.views.scheduler_view import SchedulerState

    view = SchedulerView(bridge)
    qtbot.addWidget(view)
    view._on_state(SchedulerState(available=True))
    assert view.stack.currentWidget() is view.empty
    assert EMPTY_TEXT in view.empty.text() and "Open the workflows" in view.empty.text()


def test_schedule_words_and_states_in_french(qtbot, bridge, french_window) -> None:
    view = SchedulerView(bridge)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.table.rowCount() >= 3, timeout=10000)
    row = next(r for r in range(view.table.rowCount())
               if view.table.item(r, 0).data(Qt.ItemDataRole.UserRole) == "next_dates")
    assert view.table.item(row, 2).text() == "À 08:00, de lundi à vendredi"
    assert view.table.item(row, 7).text() == "oui"  # the workflow is active
    assert bridge.runtime.scheduler.jobs()[0].description.startswith("At ")  # the HTTP API's words stay English


def _rows_shown(view: SchedulerView) -> set[str]:
    return {view.table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(view.table.rowCount())
            if not view.table.isRowHidden(r)}


def test_search_filters_the_schedule_as_you_type(qtbot, bridge) -> None:
    view = SchedulerView(bridge)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.table.rowCount() >= 3, timeout=10000)
    assert view.header.search is view.search
    everything = _rows_shown(view)
    view.search.setText("next da")  # the workflow's name
    assert _rows_shown(view) == {"next_dates"}
    view.search.setText("markdown inventory")  # words of the workflow's description
    assert _rows_shown(view) == {"workspace_report"}
    view.refresh()  # rows rebuilt from the core keep the filter
    qtbot.wait(500)
    assert _rows_shown(view) == {"workspace_report"}
    view.search.setText("no such workflow")
    assert view.stack.currentWidget() is view.empty and "No schedule matches" in view.empty.text()
    view.empty_action.click()
    assert view.search.text() == "" and _rows_shown(view) == everything and view.stack.currentWidget() is view.table


def test_edit_schedule_opens_the_workflow_config_on_its_schedule_tab_and_saves(qtbot, bridge) -> None:
    view = SchedulerView(bridge)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.table.rowCount() >= 3, timeout=10000)
    assert view.header.primary is view.edit_button
    view.select("next_dates")
    view.edit_button.click()
    editor = view.config_editor
    assert editor is not None and editor.isVisible() and editor.slug == "next_dates"
    assert editor.tabs.currentWidget() is editor.schedule.parentWidget()
    assert editor.schedule.schedule_edit.text() == "0 8 * * 1-5"
    editor.schedule.schedule_edit.setText("30 9 * * 1-5")
    editor.save()

    def cron_of_next_dates() -> str:
        rows = [r for r in range(view.table.rowCount()) if view.table.item(r, 0).data(Qt.ItemDataRole.UserRole) == "next_dates"]
        return view.table.item(rows[0], 1).text() if rows else ""

    qtbot.waitUntil(lambda: cron_of_next_dates() == "30 9 * * 1-5", timeout=10000)


def test_only_the_pause_or_resume_that_applies_is_shown(qtbot, bridge) -> None:
    from flowdesk.gui.views.scheduler_view import SchedulerState

    view = SchedulerView(bridge)
    qtbot.addWidget(view)
    view.show()
    view._on_state(SchedulerState(available=True, paused=False))
    assert view.pause_button.isVisible() and not view.resume_button.isVisible()
    view._on_state(SchedulerState(available=True, paused=True))
    assert view.resume_button.isVisible() and not view.pause_button.isVisible()
