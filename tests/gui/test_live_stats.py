"""LiveStats: run events folded into at most one core-thread store read a second; failures since the last look."""

from __future__ import annotations

import json
import textwrap

from flowdesk.core.engine import RunEvent
from flowdesk.core.run_service import RunRequest
from flowdesk.gui.live_stats import LiveStats
from tests.gui.conftest import call_core


def add_failing(qtbot, bridge) -> None:  # noqa: ANN001
    folder = bridge.runtime.workspace.workflows_dir / "failing"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"name": "failing", "triggers": ["manual"]}))
    (folder / "main.py").write_text(textwrap.dedent("""
        def execute(data, tools):
            raise RuntimeError("boom")
    """))
    call_core(qtbot, bridge, lambda rt: rt.reload())


def test_a_burst_of_run_events_gives_one_read_a_second(qtbot, bridge) -> None:
    live = LiveStats(bridge)
    qtbot.waitUntil(lambda: live.reads == 1, timeout=5000)  # the first read, at start
    qtbot.wait(1100)
    for n in range(300):  # a schedule firing many runs at once
        bridge.run_event.emit(RunEvent(f"run{n}", "queued"))
        bridge.run_event.emit(RunEvent(f"run{n}", "log"))
    qtbot.waitUntil(lambda: live.reads == 2, timeout=3000)
    qtbot.wait(1500)
    assert live.reads == 2, "300 events, one read"
    live.stop()


def test_failures_since_the_last_look(qtbot, bridge) -> None:
    add_failing(qtbot, bridge)
    live = LiveStats(bridge, min_interval_ms=100)
    seen = []
    live.activity_changed.connect(seen.append)
    call_core(qtbot, bridge, lambda rt: rt.runs.run(RunRequest("failing", {})))
    call_core(qtbot, bridge, lambda rt: rt.runs.run(RunRequest("next_dates", {})))
    qtbot.waitUntil(lambda: live.activity.failures_unseen == 1, timeout=5000)
    live.mark_failures_seen()
    assert live.activity.failures_unseen == 0
    qtbot.wait(300)
    assert live.activity.failures_unseen == 0, "the mark is kept in the store: the next read agrees"
    call_core(qtbot, bridge, lambda rt: rt.runs.run(RunRequest("failing", {})))
    qtbot.waitUntil(lambda: live.activity.failures_unseen == 1, timeout=5000)
    assert seen and seen[-1].running == 0
    live.stop()
