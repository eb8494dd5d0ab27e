"""WorkflowsView: table, search, sort, broken rows, detail pane, active switch, new workflow, empty state."""

from __future__ import annotations

import json
import shutil
import threading

import pytest

from flowdesk.core.cron import CronSchedule
from flowdesk.core.run_service import RunRequest
from flowdesk.gui.models.workflow_table_model import (
    ACTIVE,
    BROKEN_ROLE,
    DESCRIPTION_ROLE,
    LAST_RUN,
    NAME,
    NEXT_RUN,
    SCHEDULE,
    SLUG_ROLE,
    TRIGGERS,
)
from flowdesk.gui.widgets.chips import CHIPS_ROLE
from flowdesk.gui.qt import QPalette, Qt, QWidget
from flowdesk.gui.views.workflows_view import WorkflowsView
from flowdesk.gui.widgets.status_colors import status_color
from tests.gui.conftest import call_core


def make_view(qtbot, bridge) -> WorkflowsView:  # noqa: ANN001
    view = WorkflowsView(bridge)
    qtbot.addWidget(view)
    view.show()
    with qtbot.waitSignal(view.loaded_changed, timeout=10000):  # rows are built on the core thread
        view.refresh()
    return view


def shown_slugs(view: WorkflowsView) -> list[str]:
    return [view.proxy.index(r, 0).data(SLUG_ROLE) for r in range(view.proxy.rowCount())]


def cell(view: WorkflowsView, slug: str, col: int, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
    return view.model.index(view.model.row_of(slug), col).data(role)


def test_table_lists_workflows_with_schedule_and_next_run(qtbot, bridge) -> None:
    view = make_view(qtbot, bridge)
    assert set(shown_slugs(view)) == set(bridge.runtime.registry.workflows)
    assert cell(view, "next_dates", SCHEDULE).startswith("At 08:00")
    expected = bridge.runtime.scheduler.schedule_of("next_dates")
    assert expected is not None
    row = view.model.rows[view.model.row_of("next_dates")]
    assert row.next_run == expected.next_times(1)[0]
    assert cell(view, "next_dates", NEXT_RUN) != "—"
    assert cell(view, "input_showcase", SCHEDULE) == "—"
    assert cell(view, "input_showcase", ACTIVE, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert cell(view, "input_showcase", LAST_RUN) == "never"
    assert view.pages.currentIndex() == 0


def test_search_and_sort(qtbot, bridge) -> None:
    view = make_view(qtbot, bridge)
    view.search.setText("YOUTUBE")  # matched in the description, case-insensitively
    assert shown_slugs(view) == ["newsletter_automation"]
    view.search.setText("examples")
    assert set(shown_slugs(view)) == {"input_showcase", "next_dates", "workspace_report"}
    view.search.clear()
    view.table.sortByColumn(NAME, Qt.SortOrder.DescendingOrder)
    names = [view.proxy.index(r, NAME).data() for r in range(view.proxy.rowCount())]
    assert names == sorted(names, key=str.lower, reverse=True)
    view.table.sortByColumn(NEXT_RUN, Qt.SortOrder.AscendingOrder)
    assert shown_slugs(view)[0] in ("next_dates", "workspace_report", "newsletter_automation")


def test_broken_workflow_is_listed_with_a_warning_chip_and_its_error(qtbot, bridge) -> None:
    folder = bridge.runtime.workspace.workflows_dir / "broken_one"
    folder.mkdir()
    (folder / "config.json").write_text('{"name": "Broken", "triggers": ["never"]}')
    (folder / "main.py").write_text("def execute(data, tools):\n    return {}\n")
    call_core(qtbot, bridge, lambda rt: rt.reload())
    view = make_view(qtbot, bridge)
    assert "broken_one" in shown_slugs(view)
    tooltip = cell(view, "broken_one", NAME, Qt.ItemDataRole.ToolTipRole)
    assert "triggers" in tooltip and "never" in tooltip
    chips = cell(view, "broken_one", TRIGGERS, CHIPS_ROLE)
    assert [(c.text, c.icon, c.token) for c in chips] == [("broken", "warning", "danger")]
    assert "never" in cell(view, "broken_one", NAME, DESCRIPTION_ROLE)  # the error, under the name
    assert cell(view, "broken_one", NAME, BROKEN_ROLE) is True
    view.select("broken_one")
    assert view.detail.error.isVisible() and "never" in view.detail.error.text()
    assert not view.detail.buttons["run"].isEnabled()
    assert cell(view, "broken_one", ACTIVE, Qt.ItemDataRole.CheckStateRole) is None


def test_detail_shows_tool_profile_status_and_sparkline(qtbot, bridge, monkeypatch) -> None:
    monkeypatch.delenv("SLACK_MARKETING_TOKEN", raising=False)
    view = make_view(qtbot, bridge)
    view.select("newsletter_automation")
    qtbot.waitUntil(lambda: "slack (profile MARKETING)" in view.detail.tools.text(), timeout=5000)
    assert "missing SLACK_MARKETING_TOKEN" in view.detail.tools.text()
    view.select("next_dates")
    qtbot.waitUntil(lambda: "date (profile DEFAULT)" in view.detail.tools.text(), timeout=5000)
    assert ">ok</span>" in view.detail.tools.text()

    # A run shows up in the sparkline and the Last run column (coloured by status) after it finishes.
    call_core(qtbot, bridge, lambda rt: rt.runs.run(RunRequest("next_dates", {})))
    qtbot.waitUntil(lambda: view.model.rows[view.model.row_of("next_dates")].last_status == "success", timeout=5000)
    qtbot.waitUntil(lambda: view.detail.sparkline.statuses == ["success"], timeout=5000)  # read in the background
    assert cell(view, "next_dates", LAST_RUN, Qt.ItemDataRole.ForegroundRole) == status_color("success")
    assert len(view.detail.sparkline.bar_rects()) == 1
    view.detail.sparkline.grab()  # paints without error


def test_detail_reads_tools_and_runs_off_the_gui_thread_and_keeps_the_last_selection(qtbot, bridge) -> None:
    store = bridge.runtime.store
    threads: list[str] = []
    real_read = store.recent_statuses

    def recording_read(workflow: str, n: int = 20) -> list[str]:
        threads.append(threading.current_thread().name)
        return real_read(workflow, n)

    call_core(qtbot, bridge, lambda rt: rt.runs.run(RunRequest("next_dates", {})))
    view = make_view(qtbot, bridge)
    view.select("input_showcase")
    store.recent_statuses = recording_read  # the real read, noting which thread asks
    try:
        reads = view.detail.reads
        view.select("newsletter_automation")
        view.select("next_dates")  # quickly after: the first answer must not land over the second
        assert view.detail.reads == reads + 2  # one read per workflow shown
        assert view.detail.tools.text() == "" and view.detail.sparkline.statuses == []  # nothing read yet here
        qtbot.waitUntil(lambda: view.detail.sparkline.statuses == ["success"], timeout=5000)
        qtbot.waitUntil(lambda: len(threads) >= 2, timeout=5000)
        qtbot.wait(100)
        assert "date (profile DEFAULT)" in view.detail.tools.text() and "slack" not in view.detail.tools.text()
        assert view.detail.slug == "next_dates" and view.detail.sparkline.statuses == ["success"]
        assert threading.main_thread().name not in threads
    finally:
        del store.recent_statuses


def test_detail_elides_a_long_folder_path_in_the_middle_without_widening(qtbot, bridge) -> None:
    from flowdesk.gui.main_window import MainWindow

    slug = "quarterly_" + "very_long_folder_name_" * 8 + "report"
    folder = bridge.runtime.workspace.workflows_dir / slug
    folder.mkdir()
    (folder / "config.json").write_text('{"name": "Long path", "triggers": ["manual"]}')
    (folder / "main.py").write_text("def execute(data, tools):\n    return {'status': 'success'}\n")
    call_core(qtbot, bridge, lambda rt: rt.reload())
    window = MainWindow(bridge, tray_available=True)
    qtbot.addWidget(window)
    window.resize(1024, 640)
    window.show()
    view = window.show_view("workflows")
    qtbot.waitUntil(lambda: view.loaded, timeout=10000)
    view.select(slug)
    qtbot.wait(300)
    location = view.detail.location
    path = str(bridge.runtime.registry.workflows[slug].path)
    assert location.toolTip() == path and location.text().endswith(path)
    shown = location.fontMetrics().elidedText(location.text(), location.elide_mode, location.width())
    assert "…" in shown and shown.endswith("report") and shown.startswith(slug[:5])  # both ends kept
    assert location.fontMetrics().horizontalAdvance(location.text()) > location.width()  # it did need eliding
    assert view.detail.minimumSizeHint().width() < 400  # the path does not set the pane's width
    bar = view.table.horizontalScrollBar()
    assert bar.maximum() == 0 and not bar.isVisible()  # nor pushes the list into scrolling sideways
    view.detail.grab()  # paints without error


def test_toggling_active_writes_config_json(qtbot, bridge) -> None:
    view = make_view(qtbot, bridge)
    path = bridge.runtime.registry.workflows["next_dates"].config_path
    assert bridge.runtime.scheduler.schedule_of("next_dates") is not None
    view.toggle_active("next_dates")
    qtbot.waitUntil(lambda: json.loads(path.read_text())["active"] is False, timeout=5000)
    qtbot.waitUntil(lambda: bridge.runtime.scheduler.schedule_of("next_dates") is None, timeout=5000)
    qtbot.waitUntil(lambda: cell(view, "next_dates", NEXT_RUN) == "— (inactive)", timeout=5000)
    assert json.loads(path.read_text())["tool_profiles"] == {"date": "DEFAULT"}  # the rest is kept
    view.toggle_active("next_dates")
    qtbot.waitUntil(lambda: json.loads(path.read_text())["active"] is True, timeout=5000)


def test_new_workflow_button_and_empty_state(qtbot, bridge) -> None:
    for folder in bridge.runtime.workspace.workflows_dir.iterdir():
        shutil.rmtree(folder)
    call_core(qtbot, bridge, lambda rt: rt.reload())
    view = make_view(qtbot, bridge)
    assert view.pages.currentIndex() == 1
    assert "flowdesk new workflow NAME" in view.empty.text() and "New workflow" in view.empty.text()
    assert "Open the examples" in view.empty.text()
    view.create_workflow("weekly_digest")
    qtbot.waitUntil(lambda: shown_slugs(view) == ["weekly_digest"], timeout=5000)
    assert view.pages.currentIndex() == 0
    assert view.selected_slug() == "weekly_digest"
    assert (bridge.runtime.workspace.workflows_dir / "weekly_digest" / "main.py").is_file()


def test_buttons_open_run_form_editor_and_history(qtbot, bridge) -> None:
    view = make_view(qtbot, bridge)
    view.select("input_showcase")
    view.detail.buttons["run"].click()
    assert view.run_form is not None and view.run_form.slug == "input_showcase" and view.run_form.isVisible()
    view.run_form.close()
    view.detail.buttons["edit"].click()
    assert view.config_editor is not None and view.config_editor.slug == "input_showcase"
    view.config_editor.close()
    with qtbot.waitSignal(view.history_requested) as sig:
        view.detail.buttons["history"].click()
    assert sig.args == ["input_showcase"]


def test_history_button_switches_to_runs_view_filtered(qtbot, bridge) -> None:
    from flowdesk.gui.views.runs_view import RunsView

    class Host(QWidget):
        """Stands in for MainWindow: show_view(key) returns the view."""

        def __init__(self) -> None:
            super().__init__()
            self.runs = RunsView(bridge, self)
            self.workflows = WorkflowsView(bridge, self)
            self.shown = None

        def show_view(self, key: str) -> QWidget:
            self.shown = key
            return self.runs

    host = Host()
    qtbot.addWidget(host)
    with qtbot.waitSignal(host.workflows.loaded_changed, timeout=10000):
        host.workflows.refresh()
    host.workflows.show_history("next_dates")
    assert host.shown == "runs" and host.runs.filters.query()["workflow"] == "next_dates"


def test_status_colours_follow_the_palette(qtbot) -> None:
    light, dark = QPalette(), QPalette()
    light.setColor(QPalette.ColorRole.Window, Qt.GlobalColor.white)
    dark.setColor(QPalette.ColorRole.Window, Qt.GlobalColor.black)
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.setPalette(light)
    on_light = status_color("error", widget)
    widget.setPalette(dark)
    on_dark = status_color("error", widget)
    assert on_light.lightness() < 128 < on_dark.lightness()


def test_next_run_for_a_schedule_without_a_job_comes_from_cron(qtbot, bridge) -> None:
    view = make_view(qtbot, bridge)
    row = view.model.rows[view.model.row_of("workspace_report")]
    job = bridge.runtime.scheduler.schedule_of("workspace_report")
    assert row.next_run == (job or CronSchedule.parse("0 18 * * 1-5")).next_times(1)[0]


def test_open_the_examples_fills_an_empty_workspace(qtbot, bridge) -> None:
    for folder in bridge.runtime.workspace.workflows_dir.iterdir():
        shutil.rmtree(folder)
    call_core(qtbot, bridge, lambda rt: rt.reload())
    view = make_view(qtbot, bridge)
    assert view.pages.currentWidget() is view.empty
    examples = [b for b in view.empty.buttons if b.text() == "Open the examples"]
    with qtbot.waitSignal(view.loaded_changed, timeout=10000):
        examples[0].click()
    assert {"next_dates", "input_showcase"} <= set(shown_slugs(view))
    assert view.pages.currentIndex() == 0 and "Added the examples" in view.message.text()


def test_schedule_in_words_follows_the_window_language(qtbot, bridge, french_window) -> None:
    view = make_view(qtbot, bridge)
    assert cell(view, "next_dates", SCHEDULE) == "À 08:00, de lundi à vendredi"  # config: 0 8 * * 1-5


def test_a_broken_workflow_says_why_in_french(qtbot, bridge, french_window) -> None:
    folder = bridge.runtime.workspace.workflows_dir / "broken_one"
    folder.mkdir()
    (folder / "config.json").write_text('{"name": "Broken", "triggers": ["never"], "timeout": "soon"}')
    (folder / "main.py").write_text("def execute(data, tools):\n    return {}\n")
    call_core(qtbot, bridge, lambda rt: rt.reload())
    view = make_view(qtbot, bridge)
    tooltip = cell(view, "broken_one", NAME, Qt.ItemDataRole.ToolTipRole)
    assert "config.json : triggers : déclencheur inconnu 'never' ; utilisez manual" in tooltip
    assert "config.json : timeout : doit être un nombre" in tooltip
    view.select("broken_one")
    assert "déclencheur inconnu 'never'" in view.detail.error.text()
    english = bridge.runtime.registry.workflows["broken_one"].error  # what the API and the logs say
    assert "config.json: triggers: unknown trigger 'never'; use manual" in english


# -- issue 13 point 5: every column at 1280x800 and 1024x640, the sparkline one bar per run ----------------------

def visible_columns(table, minimum: int = 30) -> set[str]:  # noqa: ANN001
    """The titles of the columns shown at a usable width."""
    model = table.model()
    return {model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())
            if not table.isColumnHidden(c) and table.columnWidth(c) >= minimum}


@pytest.mark.parametrize("size", [(1280, 800), (1024, 640)])
def test_columns_fit_with_the_sparkline_at_both_sizes(qtbot, bridge, size) -> None:  # noqa: ANN001
    from bench.run_history import seed_history
    from flowdesk.gui.main_window import MainWindow
    from flowdesk.gui.widgets.run_sparkline import BARS_ROLE, bar_rects, cell_bar_area

    call_core(qtbot, bridge, lambda rt: seed_history(rt.store, ["next_dates", "workspace_report"], 80, running=1))
    window = MainWindow(bridge, tray_available=True)
    window.settings.setValue("told_about_tray", True)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    view = window.show_view("workflows")
    qtbot.waitUntil(lambda: view.loaded and len(cell(view, "next_dates", LAST_RUN, BARS_ROLE) or []) == 20,
                    timeout=10000)
    qtbot.wait(200)
    table = view.table
    assert visible_columns(table) == {"Name", "Triggers", "Schedule", "Last runs", "On"}
    assert table.columnWidth(NAME) >= 150 and table.columnWidth(SCHEDULE) >= 110
    bar = table.horizontalScrollBar()
    assert bar.maximum() == 0 and not bar.isVisible(), f"the workflows list scrolls sideways at {size}"

    # The sparkline: the last 20 runs, one bar each, side by side inside the cell, at least 2 px wide.
    index = view.proxy.mapFromSource(view.model.index(view.model.row_of("next_dates"), LAST_RUN))
    cell_rect = table.visualRect(index)
    bars = index.data(BARS_ROLE)
    rects = bar_rects(bars, cell_bar_area(cell_rect))
    assert len(rects) == 20 and all(r.width() >= 2 for r in rects)
    assert all(cell_rect.contains(r) for r in rects)
    assert all(a.right() < b.left() for a, b in zip(rects, rects[1:]))  # one bar per run, none overlapping

    # Elided text has its full text in the tooltip: the schedule in words, the name and its description.
    metrics = table.fontMetrics()
    schedule = view.proxy.mapFromSource(view.model.index(view.model.row_of("next_dates"), SCHEDULE))
    words = schedule.data()
    if metrics.horizontalAdvance(words) + 16 > table.columnWidth(SCHEDULE):
        assert words in schedule.data(Qt.ItemDataRole.ToolTipRole)
    elif size == (1024, 640):
        raise AssertionError("the test expects the schedule elided at 1024x640")
    name = view.proxy.mapFromSource(view.model.index(view.model.row_of("newsletter_automation"), NAME))
    description = name.data(DESCRIPTION_ROLE)
    assert metrics.horizontalAdvance(description) > table.columnWidth(NAME)  # elided under the name
    assert description in name.data(Qt.ItemDataRole.ToolTipRole)
    window.grab()  # paints without error


def test_a_new_workflow_is_selected_though_an_older_refresh_answers_first(qtbot, bridge) -> None:
    from flowdesk.gui.models.workflow_table_model import build_rows

    view = make_view(qtbot, bridge)
    view.select("input_showcase")
    stale = call_core(qtbot, bridge, build_rows)  # read before the new workflow exists
    real_refresh = view.refresh

    def an_older_refresh_answers_first(select: str | None = None) -> None:
        real_refresh(select)  # asks the core; its answer reaches the GUI thread on a later turn
        if select is not None:
            view._on_rows(stale)  # an older refresh (a run's, say) still in flight lands first

    view.refresh = an_older_refresh_answers_first  # type: ignore[method-assign]
    view.create_workflow("weekly_digest")
    qtbot.waitUntil(lambda: "weekly_digest" in shown_slugs(view), timeout=10000)
    qtbot.waitUntil(lambda: view.selected_slug() == "weekly_digest", timeout=5000)
    assert view.detail.slug == "weekly_digest"
