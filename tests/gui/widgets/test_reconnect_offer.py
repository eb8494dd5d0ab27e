"""A run skipped for a dead Google token offers "Connect and run again": consent, token, re-run."""

from __future__ import annotations

import json

import requests

from flowdesk.gui.qt import QDesktopServices
from flowdesk.gui.widgets.reconnect_offer import reconnect_target
from flowdesk.gui.widgets.run_form import RunForm
from tests.core.oauth.local_provider import LocalGoogle, write_google_workspace
from tests.gui.conftest import UrlCatcher, call_core



def test_reconnect_target_parses_the_skip_reason() -> None:
    assert reconnect_target("reconnect google_calendar (profile WORK): token missing") == ("google_calendar", "WORK")
    assert reconnect_target("tool 'slack' (profile X) is missing SLACK_X_TOKEN") is None


def test_connect_and_run_again(qtbot, bridge) -> None:
    provider = LocalGoogle().start()
    browser = UrlCatcher()
    QDesktopServices.setUrlHandler("http", browser, "open")
    try:
        root = bridge.runtime.workspace.root
        token_file = write_google_workspace(root, provider, profile="WORK", tools=("google_calendar",))
        folder = root / "private/workflows/agenda"
        folder.mkdir()
        (folder / "config.json").write_text(json.dumps({"name": "Agenda", "triggers": ["manual"],
                                                        "tools_required": ["google_calendar"],
                                                        "tool_profiles": {"google_calendar": "WORK"}}))
        (folder / "main.py").write_text("def execute(data, tools):\n    return {'status': 'success', 'message': 'ok'}\n")
        call_core(qtbot, bridge, lambda rt: rt.reload())
        form = RunForm(bridge, "agenda")
        qtbot.addWidget(form)
        form.show()
        form.run()
        qtbot.waitUntil(lambda: form.record is not None, timeout=20000)
        assert form.record.status == "skipped" and form.record.message.startswith("reconnect google_calendar (profile WORK)")
        assert form.connect_button.isVisible() and "google_calendar (WORK)" in form.connect_button.text()
        first = form.record.id
        form.connect_button.click()
        qtbot.waitUntil(lambda: bool(browser.urls), timeout=10000)
        consent = requests.get(browser.urls[0], allow_redirects=False, timeout=10)  # the user's browser
        requests.get(consent.headers["Location"], timeout=10).raise_for_status()
        assert token_file.is_file()
        qtbot.waitUntil(lambda: form.record is not None and form.record.id != first, timeout=20000)
        assert form.record.status == "success" and not form.connect_button.isVisible()
    finally:
        QDesktopServices.unsetUrlHandler("http")
        provider.stop()
