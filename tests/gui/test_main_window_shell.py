"""The window's shell: rail badges, status bar, and lists that fit without horizontal scrolling."""

from __future__ import annotations

import pytest

from flowdesk.core.run_service import RunRequest
from flowdesk.gui.main_window import MainWindow
from flowdesk.gui.overview_data import read_credential_issues
from tests.gui.conftest import call_core
from tests.gui.test_live_stats import add_failing


@pytest.fixture
def window(qtbot, bridge):  # noqa: ANN001, ANN201
    w = MainWindow(bridge, tray_available=True)
    qtbot.addWidget(w)
    w.live.min_interval = 0.1  # the one-read-a-second rule is tested in test_live_stats
    w.show()
    return w


def test_runs_badge_counts_a_failure_until_the_runs_are_seen(qtbot, bridge, window) -> None:
    add_failing(qtbot, bridge)
    window.show_view("overview")
    assert window.rail.badge("runs") == 0
    call_core(qtbot, bridge, lambda rt: rt.runs.run(RunRequest("failing", {})))
    qtbot.waitUntil(lambda: window.rail.badge("runs") == 1, timeout=5000)
    assert "failed" in window.rail.buttons["runs"].toolTip()
    window.show_view("runs")
    assert window.rail.badge("runs") == 0
    window.show_view("overview")
    call_core(qtbot, bridge, lambda rt: rt.runs.run(RunRequest("next_dates", {})))
    qtbot.wait(400)
    assert window.rail.badge("runs") == 0, "successes do not count"


def test_tools_badge_counts_credentials_needing_attention(qtbot, bridge, window) -> None:
    expected = call_core(qtbot, bridge, read_credential_issues)
    assert expected, "the example workspace uses profiles that are not set up"
    qtbot.waitUntil(lambda: window.rail.badge("tools") == len(expected), timeout=10000)


def test_status_bar_copies_the_listener_url(qtbot, bridge, window) -> None:
    from flowdesk.gui.qt import QGuiApplication

    text = window.status.text()
    assert bridge.url in text and "scheduler on" in text and "running" in text and "queued" in text
    window.status.url_button.click()
    assert QGuiApplication.clipboard().text() == bridge.url


@pytest.mark.parametrize("size", [(1280, 800), (1024, 640)])
def test_no_list_view_scrolls_sideways(qtbot, bridge, window, size) -> None:
    from bench.run_history import seed_history

    call_core(qtbot, bridge, lambda rt: seed_history(rt.store, list(rt.registry.workflows), 300, running=1))
    window.resize(*size)
    lists = {
        "workflows": lambda v: v.table, "runs": lambda v: v.table, "scheduler": lambda v: v.table,
        "tools": lambda v: v.list, "interfaces": lambda v: v.list, "overview": lambda v: v.scroll,
        "logs": lambda v: v.text,
    }
    import logging

    logging.getLogger("flowdesk.test").warning("a long line %s", "x" * 500)  # the Logs view wraps it
    for key, widget_of in lists.items():
        view = window.show_view(key)
        widget = widget_of(view)
        qtbot.wait(300 if key != "tools" else 800)  # rows arrive from the core thread
        bar = widget.horizontalScrollBar()
        assert bar.maximum() == 0 and not bar.isVisible(), f"{key} scrolls sideways at {size}"
