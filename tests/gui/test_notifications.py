"""Notifications: one per failed run that opens it, a summary instead of sixty, one per credential to fix."""

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


def make_window(qtbot, bridge) -> MainWindow:  # noqa: ANN001
    window = MainWindow(bridge, tray_available=True)
    qtbot.addWidget(window)
    window.show()
    return window


def test_a_failed_run_raises_one_notification_whose_click_opens_it(qtbot, bridge) -> None:
    add_failing(qtbot, bridge, "breaks", "the database is down")
    window = make_window(qtbot, bridge)
    icon = QSystemTrayIcon()
    notifier = install_notifier(bridge, icon, window)
    shown: list = []
    notifier.shown.connect(shown.append)
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
    assert shown[1].title == "flaky failed 59 more times" and shown[1].target[0] == "run"
    assert shown[1].target[1] in ids


def test_a_credential_problem_notifies_once_per_profile_and_opens_the_fix(qtbot, bridge) -> None:
    add_failing(qtbot, bridge, "calendar_sync", "token expired: reconnect google_calendar (profile WORK)")
    window = make_window(qtbot, bridge)
    icon = QSystemTrayIcon()
    notifier = install_notifier(bridge, icon, window)
    shown: list = []
    notifier.shown.connect(shown.append)
    fail(qtbot, bridge, "calendar_sync", 3)
    qtbot.waitUntil(lambda: len(shown) >= 1, timeout=10000)
    qtbot.wait(500)
    assert [n.target for n in shown] == [("credential", "google_calendar", "WORK")]
    icon.messageClicked.emit()
    assert window.current_key() == "tools"
    assert window.view("tools").selected_slug() == "google_calendar"


def test_the_policy_counts_in_quiet_periods() -> None:
    now = [0.0]
    policy = NotificationPolicy(60, clock=lambda: now[0])
    notices = [policy.run_ended("w", f"r{i}", "error", "boom") for i in range(60)]
    assert sum(n is not None for n in notices) == 1 and policy.flush() == []
    now[0] = 61
    (summary,) = policy.flush()
    assert summary.title == "w failed 59 more times" and summary.target == ("run", "r59")
    now[0] = 200
    assert policy.flush() == [] and policy.run_ended("w", "r60", "timeout", "late").title == "w timed out"
    assert policy.credential_problem("t", "P", "x") is not None and policy.credential_problem("t", "P", "x") is None
    policy.credentials_fixed(set())
    assert policy.credential_problem("t", "P", "x") is not None
