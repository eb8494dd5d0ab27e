"""Tools view: tools with their actions, profile status by variable name, Test, enable switch, OAuth rows."""

from __future__ import annotations

import json
from pathlib import Path

import requests

from flowdesk.gui.qt import QDesktopServices
from flowdesk.gui.tool_status import ProfileState
from flowdesk.gui.views.tools_view import ICON_ROLE, SLUG_ROLE, ToolsView
from flowdesk.gui.widgets.tool_profiles import oauth_buttons, profile_status
from tests.core.oauth.local_provider import LocalGoogle, write_google_workspace
from tests.gui.conftest import UrlCatcher


def _view(qtbot, bridge) -> ToolsView:
    view = ToolsView(bridge)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.loaded, timeout=10000)
    return view


def test_tools_listed_with_actions(qtbot, bridge) -> None:
    view = _view(qtbot, bridge)
    assert {"date", "slack", "google_calendar"} <= set(view.tools)
    names = [view.list.item(i).text() for i in range(view.list.count())]
    assert any("Date Calculator" in n for n in names) and any("Slack" in n for n in names)
    icons = {view.list.item(i).data(SLUG_ROLE): view.list.item(i).data(ICON_ROLE) for i in range(view.list.count())}
    assert icons["slack"] == "slack-logo" and icons["date"] == "calendar-blank"  # glyphs named in config.json
    assert not any(ord(ch) > 0x2000 for n in names for ch in n if ch not in "·—…"), "no emoji as icons"
    assert all(not view.list.item(i).icon().isNull() for i in range(view.list.count()))
    view.select_tool("date")
    assert view.detail.action_names() == ["calculate_date", "get_current_date", "format_date"]
    first = view.detail.actions.topLevelItem(0)
    params = first.child(0)
    assert params.text(0) == "Parameters" and params.child(0).text(0) == "days"
    examples = first.child(1)
    assert examples.text(0) == "Examples" and examples.child(1).text(0) == "tomorrow"
    assert json.loads(examples.child(1).text(1).split("  →  ")[0]) == {"days": 1}
    assert "built-in" in view.detail.heading.text()


def test_profile_status_names_missing_variables(qtbot, bridge) -> None:
    view = _view(qtbot, bridge)
    view.select_tool("slack")
    table = view.detail.profiles
    # newsletter_automation runs slack with profile MARKETING: listed even before any variable is set.
    assert "MARKETING" in table.rows
    assert table.status_text("MARKETING") == "Missing SLACK_MARKETING_TOKEN"
    assert "newsletter_automation" in table.item(table.rows["MARKETING"], 2).text()
    assert not table.button("MARKETING", "Test").isEnabled()

    env: Path = bridge.runtime.workspace.env_file
    env.parent.mkdir(parents=True, exist_ok=True)
    env.write_text("SLACK_MARKETING_TOKEN=xoxb-1234\n", encoding="utf-8")
    view.refresh()
    qtbot.waitUntil(lambda: view.detail.profiles.status_text("MARKETING") == "Ready", timeout=10000)


def test_test_button_for_date_is_ok(qtbot, bridge) -> None:
    view = _view(qtbot, bridge)
    view.select_tool("date")
    table = view.detail.profiles
    assert table.status_text("DEFAULT") == "Ready"
    table.button("DEFAULT", "Test").click()
    assert table.result_text("DEFAULT") == "Testing…"
    qtbot.waitUntil(lambda: table.result_text("DEFAULT") not in ("Testing…", "—"), timeout=30000)
    assert table.result_text("DEFAULT") == "OK", table.item(table.rows["DEFAULT"], 3).toolTip()


def test_enable_switch_writes_disabled_tools(qtbot, bridge) -> None:
    view = _view(qtbot, bridge)
    view.select_tool("slack")
    view.detail.enabled.setChecked(False)
    qtbot.waitUntil(lambda: "slack" in bridge.runtime.disabled_tools(), timeout=10000)
    qtbot.waitUntil(lambda: not view.tools["slack"].enabled, timeout=10000)
    view.detail.enabled.setChecked(True)
    qtbot.waitUntil(lambda: "slack" not in bridge.runtime.disabled_tools(), timeout=10000)


def test_oauth_tool_rows(qtbot, bridge) -> None:
    view = _view(qtbot, bridge)
    view.select_tool("google_calendar")
    table = view.detail.profiles
    profile = next(iter(table.rows))
    assert table.status_text(profile).startswith("Missing GOOGLE_CALENDAR_")
    assert table.button(profile, "Connect") is not None and not table.button(profile, "Connect").isEnabled()
    assert not table.button(profile, "Disconnect").isEnabled()


def test_oauth_status_texts() -> None:
    connected = ProfileState("WORK", True, oauth={"authenticated": True, "valid": True, "refreshable": True,
                                                  "expires_at": "2030-01-01T10:00:00+00:00", "reason": None})
    text, colour = profile_status(connected)
    assert text.startswith("Connected · access token valid until 2030-01-01") and colour == "success"
    assert oauth_buttons(connected) == ("Reconnect", True, True)
    fresh = ProfileState("WORK", True, oauth={"authenticated": False, "needs_reconnect": True,
                                              "reason": "not connected yet (no token file at x)"})
    assert profile_status(fresh)[0].startswith("Not connected")
    assert oauth_buttons(fresh) == ("Connect", True, False)
    dead = ProfileState("WORK", True, oauth={"authenticated": False, "needs_reconnect": True,
                                             "reason": "Google refused the refresh token (invalid_grant)"})
    assert profile_status(dead) == ("Reconnect needed: Google refused the refresh token (invalid_grant)", "error")
    assert oauth_buttons(dead) == ("Reconnect", True, True)



def test_google_connect_and_disconnect(qtbot, bridge) -> None:
    provider = LocalGoogle().start()
    browser = UrlCatcher()
    QDesktopServices.setUrlHandler("http", browser, "open")
    try:
        token_file = write_google_workspace(bridge.runtime.workspace.root, provider, profile="WORK",
                                            tools=("google_calendar",))
        view = _view(qtbot, bridge)
        view.select_tool("google_calendar")
        table = view.detail.profiles
        assert table.status_text("WORK").startswith("Not connected")
        assert table.button("WORK", "Connect").isEnabled() and not table.button("WORK", "Disconnect").isEnabled()

        table.button("WORK", "Connect").click()
        qtbot.waitUntil(lambda: bool(browser.urls), timeout=10000)
        assert browser.urls[0].startswith(provider.url + "/auth?") and "gui-test-token" not in browser.urls[0]
        # Play the user's browser: the consent page redirects to the listener's callback.
        consent = requests.get(browser.urls[0], allow_redirects=False, timeout=10)
        requests.get(consent.headers["Location"], timeout=10).raise_for_status()
        assert token_file.is_file()
        view.refresh()
        qtbot.waitUntil(lambda: view.detail.profiles.status_text("WORK").startswith("Connected"), timeout=10000)
        assert view.detail.notice.text() == "Connected google_calendar (WORK)."
        table = view.detail.profiles
        assert table.button("WORK", "Reconnect").isEnabled() and table.button("WORK", "Disconnect").isEnabled()

        view.disconnect_profile("google_calendar", "WORK", confirm=False)
        qtbot.waitUntil(lambda: view.detail.profiles.status_text("WORK").startswith("Not connected"), timeout=10000)
        assert not token_file.exists() and any(kind == "revoke" for kind, _ in provider.calls)
    finally:
        QDesktopServices.unsetUrlHandler("http")
        provider.stop()


def test_a_new_tool_is_selected_though_an_older_refresh_answers_first(qtbot, bridge) -> None:
    from flowdesk.gui.tool_status import collect_tools
    from tests.gui.conftest import call_core

    view = _view(qtbot, bridge)
    view.select_tool("slack")
    stale = call_core(qtbot, bridge, collect_tools)  # read before the new tool exists
    real_refresh = view.refresh

    def an_older_refresh_answers_first() -> None:
        real_refresh()  # asks the core; its answer reaches the GUI thread on a later turn
        view._on_tools(stale)  # an older refresh (the reload's, say) still in flight lands first

    view.refresh = an_older_refresh_answers_first  # type: ignore[method-assign]
    view.create_tool("crm_sync")
    qtbot.waitUntil(lambda: "crm_sync" in view.tools, timeout=10000)
    qtbot.waitUntil(lambda: view.selected_slug() == "crm_sync", timeout=5000)
    assert view.pending.slug is None
