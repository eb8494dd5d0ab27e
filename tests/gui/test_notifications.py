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


def test_failures_every_second_across_period_ends_lose_no_count_and_stay_at_two_a_minute() -> None:
    """A failure landing between a period's end and the flush timer (end + 50 ms) used to drop the period's count."""
    import random

    rng = random.Random(7)
    now = [0.0]
    policy = NotificationPolicy(60, clock=lambda: now[0])
    shown: list[tuple[float, Notice]] = []
    flush_at = None
    t, failures = 0.0, 0
    while t < 600:
        if flush_at is not None and flush_at <= t:  # the Notifier's single-shot timer: period end + 50 ms, late a bit
            now[0] = flush_at
            shown += [(now[0], n) for n in policy.flush()]
            flush_at = None
        now[0] = t
        notice = policy.run_ended("flaky", f"r{failures}", "error", "boom")
        failures += 1
        if notice is not None:
            shown.append((t, notice))
        if flush_at is None and policy.next_flush is not None:
            flush_at = t + policy.next_flush + 0.05 + rng.uniform(0, 0.03)
        t += 1.0 + rng.uniform(-0.05, 0.05)
    still_counted = sum(w.count for w in policy._windows.values())  # noqa: SLF001 - the open period's tally
    told = sum(1 if not n.key.startswith("summary:") else int(n.title.split()[2]) for _, n in shown)
    assert told + still_counted == failures
    assert sum(n.key.startswith("summary:") for _, n in shown) >= 9  # a summary a minute
    times = [when for when, _ in shown]
    assert max(sum(1 for x in times if start <= x < start + 60) for start in times) <= 2


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


def test_a_workflow_that_asked_for_it_notifies_its_successes_and_others_stay_quiet(qtbot, bridge) -> None:
    from flowdesk.core.app_settings import load_app_settings, save_app_settings

    folder = bridge.runtime.workspace.workflows_dir / "quiet"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"name": "quiet", "triggers": ["manual", "webhook"]}))
    (folder / "main.py").write_text("def execute(data, tools):\n    return {'status': 'success', 'message': 'hush'}\n")
    call_core(qtbot, bridge, lambda rt: rt.reload())
    window, icon, notifier, shown = watched(qtbot, bridge)
    settings = load_app_settings(bridge.data_dir)
    settings.notify_success = ["next_dates"]
    save_app_settings(bridge.data_dir, settings)
    notifier.reload_settings()
    quiet = call_core(qtbot, bridge, lambda rt: rt.runs.run(RunRequest("quiet", {}, trigger="api")), timeout=60000)
    asked = call_core(qtbot, bridge, lambda rt: rt.runs.run(RunRequest("next_dates", {"days": 2}, trigger="api")),
                      timeout=60000)
    assert quiet.status == asked.status == "success"
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=10000)
    qtbot.wait(500)
    assert len(shown) == 1
    notice = shown[0]
    assert notice.title == "next_dates succeeded" and notice.level == "info" and notice.target == ("run", asked.id)
    icon.messageClicked.emit()
    qtbot.waitUntil(lambda: window.inspector_window is not None and window.inspector_window.inspector.current
                    is not None and window.inspector_window.inspector.current.record.id == asked.id, timeout=10000)


def test_a_credential_that_expires_without_any_run_notifies_once_until_it_works_again(qtbot, bridge) -> None:
    from flowdesk.gui.overview_data import CredentialIssue

    window, icon, notifier, shown = watched(qtbot, bridge)
    expired = CredentialIssue("google_calendar", "Google Calendar", "WORK", "expired", "the access token expired",
                              ["calendar_sync"])
    missing = CredentialIssue("slack", "Slack", "MARKETING", "missing", "missing SLACK_MARKETING_TOKEN", ["news"])
    for _refresh in range(3):  # LiveStats re-reads the credentials every few seconds: one notice, not three
        window.live.credentials_changed.emit([expired, missing])
    assert [(n.target, n.level) for n in shown] == [(("credential", "google_calendar", "WORK"), "warning")]
    assert "google_calendar" in shown[0].title and shown[0].body == "the access token expired"
    icon.messageClicked.emit()
    assert window.current_key() == "tools"
    window.live.credentials_changed.emit([missing])  # reconnected: a later expiry is news again
    window.live.credentials_changed.emit([expired, missing])
    assert len(shown) == 2 and shown[1].target == ("credential", "google_calendar", "WORK")
