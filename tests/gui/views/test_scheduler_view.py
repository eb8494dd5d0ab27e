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
