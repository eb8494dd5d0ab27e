"""Notifications: one per failed run that opens it, a summary instead of sixty that lists them, one per credential
that opens its fix; a click opens what the message on screen is about, and nothing stale once it is gone."""

from __future__ import annotations

import json
import textwrap

from flowdesk.core.run_service import RunRequest
from flowdesk.gui.main_window import MainWindow
from flowdesk.gui.notification_policy import NotificationPolicy
from flowdesk.gui.notifications import Notifier, install_notifier
from flowdesk.gui.qt import QSystemTrayIcon
from tests.gui.conftest import call_core


def add_failing(qtbot, bridge, slug: str, message: str) -> None:  # noqa: ANN001
    folder = bridge.runtime.workspace.workflows_dir / slug
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"name": slug, "triggers": ["manual", "webhook"],
                                                    "max_instances": 4}))
    (folder / "main.py").write_text(textwrap.dedent(f"""
        def execute(data, tools):
            raise RuntimeError({message!r} + "\\nsecond line")
    """))
    call_core(qtbot, bridge, lambda rt: rt.reload())


def fail(qtbot, bridge, slug: str, count: int = 1) -> list[str]:  # noqa: ANN001
    async def go(rt):  # noqa: ANN001, ANN202
        import asyncio

        records = await asyncio.gather(*(rt.runs.run(RunRequest(slug, {}, trigger="api")) for _ in range(count)))
        return [r.id for r in records]

    return call_core(qtbot, bridge, go, timeout=120000)


def watched(qtbot, bridge, icon: QSystemTrayIcon | None = None) -> tuple:  # noqa: ANN001
    """A shown window with a notifier on ``icon`` (a bare tray icon by default), and the list it fills."""
    window = make_window(qtbot, bridge)
    icon = icon if icon is not None else QSystemTrayIcon()
    notifier = install_notifier(bridge, icon, window)
    shown: list = []
    notifier.shown.connect(shown.append)
    return window, icon, notifier, shown


def make_window(qtbot, bridge) -> MainWindow:  # noqa: ANN001
    window = MainWindow(bridge, tray_available=True)
    qtbot.addWidget(window)
    window.show()
    return window


def test_a_failed_run_raises_one_notification_whose_click_opens_it(qtbot, bridge) -> None:
    add_failing(qtbot, bridge, "breaks", "the database is down")
    window, icon, notifier, shown = watched(qtbot, bridge)
    (run_id,) = fail(qtbot, bridge, "breaks")
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=10000)
    qtbot.wait(500)
    assert len(shown) == 1
    notice = shown[0]
    assert notice.title == "breaks failed" and notice.body == "RuntimeError: the database is down"
    icon.messageClicked.emit()  # what Qt emits when the user clicks the message
    qtbot.waitUntil(lambda: window.inspector_window is not None and window.inspector_window.inspector.current
                    is not None, timeout=10000)
    assert window.inspector_window.inspector.current.record.id == run_id
    assert window.inspector_window.isVisible()


def test_sixty_failures_in_a_minute_raise_at_most_two(qtbot, bridge) -> None:
    add_failing(qtbot, bridge, "flaky", "boom")
    notifier = Notifier(bridge, interval=15.0)
    shown: list = []
    notifier.shown.connect(shown.append)
    ids = fail(qtbot, bridge, "flaky", 60)
    assert len(ids) == 60
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=30000)  # the first, then the summary when the period ends
    qtbot.wait(1000)
    assert len(shown) == 2
    assert shown[1].title == "flaky failed 59 more times" and shown[1].target == ("runs", "flaky", "failed")


def test_a_credential_problem_notifies_once_per_profile_and_opens_the_fix(qtbot, bridge) -> None:
    add_failing(qtbot, bridge, "calendar_sync", "token expired: reconnect google_calendar (profile DEFAULT)")
    window, icon, notifier, shown = watched(qtbot, bridge)
    fail(qtbot, bridge, "calendar_sync", 3)
    qtbot.waitUntil(lambda: len(shown) >= 1, timeout=10000)
    qtbot.wait(500)
    assert [n.target for n in shown] == [("credential", "google_calendar", "DEFAULT")]
    icon.messageClicked.emit()
    assert window.current_key() == "tools"
    tools = window.view("tools")
    qtbot.waitUntil(lambda: tools.selected_slug() == "google_calendar", timeout=10000)  # once the list is read
    qtbot.waitUntil(lambda: tools.fix_button("DEFAULT") is not None and tools.fix_button("DEFAULT").hasFocus(),
                    timeout=10000)
    assert tools.fix_button("DEFAULT").text() in ("Connect", "Reconnect", "Edit…")


def test_the_policy_counts_in_quiet_periods() -> None:
    now = [0.0]
    policy = NotificationPolicy(60, clock=lambda: now[0])
    notices = [policy.run_ended("w", f"r{i}", "error", "boom") for i in range(60)]
    assert sum(n is not None for n in notices) == 1 and policy.flush() == []
    now[0] = 61
    (summary,) = policy.flush()
    assert summary.title == "w failed 59 more times" and summary.target == ("runs", "w", "failed")
    now[0] = 200
    assert policy.flush() == [] and policy.run_ended("w", "r60", "timeout", "late").title == "w timed out"
    assert policy.credential_problem("t", "P", "x") is not None and policy.credential_problem("t", "P", "x") is None
    policy.credentials_fixed(set())
    assert policy.credential_problem("t", "P", "x") is not None


def inspected(qtbot, window: MainWindow, run_id: str) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: window.inspector_window is not None and window.inspector_window.inspector.record
                    is not None and window.inspector_window.inspector.record.id == run_id, timeout=10000)


def test_the_summary_opens_the_runs_view_filtered_to_those_failures(qtbot, bridge) -> None:
    folder = bridge.runtime.workspace.workflows_dir / "sometimes"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"name": "sometimes", "triggers": ["manual", "webhook"],
                                                    "max_instances": 4}))
    (folder / "main.py").write_text(textwrap.dedent("""
        def execute(data, tools):
            if data.get("fail"):
                raise RuntimeError("it failed")
            return {"status": "success", "message": "fine"}
    """))
    call_core(qtbot, bridge, lambda rt: rt.reload())
    window, icon, notifier, shown = watched(qtbot, bridge)
    notifier.policy.interval = 2.0  # the quiet period after a notification (a minute in the app)

    async def go(rt, fail: bool, count: int):  # noqa: ANN001, ANN202
        import asyncio

        runs = (rt.runs.run(RunRequest("sometimes", {"fail": fail}, trigger="api")) for _ in range(count))
        return [r.id for r in await asyncio.gather(*runs)]

    fine = call_core(qtbot, bridge, lambda rt: go(rt, False, 3))
    failed = call_core(qtbot, bridge, lambda rt: go(rt, True, 10), timeout=120000)
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=30000)
    assert shown[1].title == "sometimes failed 9 more times" and shown[1].target == ("runs", "sometimes", "failed")
    icon.messageClicked.emit()  # the summary is on screen: its click lists the failures, not one of them
    assert window.current_key() == "runs" and window.inspector_window is None
    view = window.view("runs")
    assert view.filters.query()["workflow"] == "sometimes" and view.filters.query()["status"] == ("error", "timeout")
    qtbot.waitUntil(lambda: {r.id for r in view.model.runs} == set(failed), timeout=10000)
    assert not set(fine) & {r.id for r in view.model.runs}
    assert view.filters.status.currentText() == "failed or timed out"


def test_a_click_once_the_message_left_the_screen_opens_the_failures_not_a_stale_run(qtbot, bridge) -> None:
    add_failing(qtbot, bridge, "breaks", "the disk is full")
    window, icon, notifier, shown = watched(qtbot, bridge)
    notifier.display_ms = 300  # the display time given to showMessage (10 s in the app)
    (run_id,) = fail(qtbot, bridge, "breaks")
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=10000)
    assert notifier.messages.last.target == ("run", run_id) and notifier.messages.last.timeout_ms == 300
    qtbot.wait(500)  # gone from the screen: a click now may be on any older entry of the system's list
    icon.messageClicked.emit()
    assert window.inspector_window is None  # no run opened on a guess
    view = window.view("runs")
    assert window.current_key() == "runs" and view.filters.query()["status"] == ("error", "timeout")
    assert view.filters.query()["workflow"] is None
    qtbot.waitUntil(lambda: [r.id for r in view.model.runs] == [run_id], timeout=10000)


def test_a_click_opens_the_last_message_shown_the_tray_s_own_included(qtbot, bridge) -> None:
    from flowdesk.gui.tray import Tray

    add_failing(qtbot, bridge, "first_flow", "first problem")
    add_failing(qtbot, bridge, "second_flow", "second problem")
    tray = Tray(bridge)
    window, _icon, notifier, shown = watched(qtbot, bridge, tray.icon)
    (first,) = fail(qtbot, bridge, "first_flow")
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=10000)
    (second,) = fail(qtbot, bridge, "second_flow")
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=10000)
    tray.icon.messageClicked.emit()  # the second message replaced the first on screen
    inspected(qtbot, window, second)
    done: list = []
    tray.run_workflow("next_dates", done.append)  # the tray's own message about its run replaces it in turn
    qtbot.waitUntil(lambda: len(done) == 1, timeout=30000)
    tray.icon.messageClicked.emit()
    inspected(qtbot, window, done[0].id)
    assert first not in (second, done[0].id)
