"""Overview: its numbers equal counts from the store over a seeded history, it updates live, its rows lead somewhere."""

from __future__ import annotations

import statistics
from datetime import datetime, timezone

import pytest

from flowdesk.core.run_service import RunRequest
from flowdesk.core.store import overview_queries as oq
from flowdesk.gui.main_window import MainWindow
from flowdesk.gui.time_text import short_duration
from tests.gui.conftest import call_core
from tests.gui.test_live_stats import add_failing


@pytest.fixture
def window(qtbot, bridge):  # noqa: ANN001, ANN201
    from bench.run_history import seed_history

    add_failing(qtbot, bridge)
    call_core(qtbot, bridge, lambda rt: seed_history(rt.store, ["next_dates", "input_showcase", "failing"], 400,
                                                     days=14, failure_rate=0.1, running=1))
    w = MainWindow(bridge, tray_available=True)
    qtbot.addWidget(w)
    w.live.min_interval = 0.1
    w.resize(1280, 800)
    w.show()
    view = w.show_view("overview")
    qtbot.waitUntil(lambda: view.data is not None, timeout=10000)
    return w


def counted(store, since, until=None, status=None) -> int:  # noqa: ANN001
    """A count straight from the store's list_runs, to check the Overview's SQL against."""
    return len(store.list_runs(since=since, until=until, status=status, limit=None))


def test_numbers_equal_counts_from_the_store(qtbot, bridge, window) -> None:
    view = window.view("overview")
    store = bridge.runtime.store
    days = oq.local_days(14, datetime.now(timezone.utc))
    today, week = days[-1][1], days[-7][1]
    assert view.tiles["runs"].value.text() == f"{counted(store, today):,}"
    assert view.tiles["runs"].caption.text() == f"7 days: {counted(store, week):,}"
    assert view.tiles["failures"].value.text() == f"{counted(store, today, status=['error', 'timeout']):,}"
    assert view.tiles["failures"].caption.text() == f"7 days: {counted(store, week, status=['error', 'timeout']):,}"
    timed = store.list_runs(since=week, status=["success", "error", "timeout"], limit=None)
    assert view.tiles["median"].caption.text() == f"7 days: {short_duration(statistics.median(r.duration for r in timed))}"
    ok = sum(r.status == "success" for r in timed)
    assert view.tiles["rate"].caption.text() == f"7 days: {100 * ok / len(timed):.1f} %"
    assert view.chart.totals() == [counted(store, start, end) for _, start, end in days]
    # The seeded 14 × 24 h reach a little before the chart's first local midnight.
    assert sum(view.chart.totals()) == counted(store, days[0][1], days[-1][2]) > 300
    failures = store.list_runs(status=["error", "timeout"], limit=5)
    assert [r.title.text() for r in view.failures_card.rows] == [r.workflow for r in failures]


def test_numbers_follow_a_run_as_it_finishes(qtbot, bridge, window) -> None:
    view = window.view("overview")
    before = int(view.tiles["runs"].value.text().replace(",", ""))
    call_core(qtbot, bridge, lambda rt: rt.runs.run(RunRequest("failing", {})))
    qtbot.waitUntil(lambda: view.tiles["runs"].value.text().replace(",", "") == str(before + 1), timeout=5000)
    # The run is counted once queued; its failure shows once it has ended.
    qtbot.waitUntil(lambda: view.data.failures[0].reason.endswith("boom"), timeout=5000)
    assert view.failures_card.rows[0].title.text() == "failing"


def test_next_fires_and_a_failure_leads_to_its_run(qtbot, bridge, window) -> None:
    view = window.view("overview")
    fires = view.next_card.rows
    assert len(fires) == 5 and all(" in " in f.toolTip() or "(" in f.toolTip() for f in fires)
    assert view.data.next_fires == sorted(view.data.next_fires, key=lambda f: f.at)
    assert all(f.at.tzinfo is not None and str(f.at.tzinfo) == f.zone for f in view.data.next_fires)
    failure = view.data.failures[0]
    view.failures_card.rows[0].clicked.emit()
    assert window.current_key() == "runs"
    qtbot.waitUntil(lambda: window.view("runs").detail.run_id == failure.id, timeout=5000)


def test_a_credential_issue_opens_its_fix(qtbot, bridge, window) -> None:
    view = window.view("overview")
    qtbot.waitUntil(lambda: bool(view.issues), timeout=10000)
    issue = view.issues[0]
    tools = window.view("tools")
    qtbot.waitUntil(lambda: tools.loaded, timeout=10000)
    opened = []
    tools.edit_profile = lambda slug, profile: opened.append((slug, profile))  # the editor is a dialog
    tools.connect_profile = lambda slug, profile: opened.append((slug, profile))
    view.fix_credential(issue)
    assert window.current_key() == "tools" and tools.selected_slug() == issue.tool
    assert opened == [(issue.tool, issue.profile)]


def test_webhook_url_is_copied(qtbot, bridge, window) -> None:
    from flowdesk.gui.qt import QGuiApplication

    view = window.view("overview")
    assert view.webhook_url.text() == f"{bridge.url}/api/webhooks/"
    view.copy_button.click()
    assert QGuiApplication.clipboard().text() == f"{bridge.url}/api/webhooks/"
