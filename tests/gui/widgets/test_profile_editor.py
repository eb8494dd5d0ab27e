"""Profile editor: create, edit and delete a tool profile in config/.env; secrets stay masked on screen."""

from __future__ import annotations

from pathlib import Path

from flowdesk.core.env_file import read_env_file
from flowdesk.gui.qt import QLineEdit
from flowdesk.gui.widgets.profile_editor import ProfileEditor, profile_name_error, profile_variables

ENV = """\
# my settings, keep this comment
OTHER_VAR=1
SLACK_WORK_2_TOKEN=xoxb-other-profile
"""


def _editor(qtbot, bridge, tool: str = "slack") -> ProfileEditor:
    editor = ProfileEditor(bridge, bridge.runtime.registry.tools[tool])
    qtbot.addWidget(editor)
    return editor


def _env(bridge) -> Path:
    return bridge.runtime.workspace.env_file


def test_create_edit_delete_profile(qtbot, bridge) -> None:
    env = _env(bridge)
    env.parent.mkdir(parents=True, exist_ok=True)
    env.write_text(ENV, encoding="utf-8")
    editor = _editor(qtbot, bridge)
    assert editor.profiles == ["WORK_2"]
    assert editor.add_profile("work") is None
    assert editor.profile == "WORK"
    editor.fields["token"].setText("xoxb-secret-123")
    editor.fields["channel"].setText("#general")
    with qtbot.waitSignal(editor.saved, timeout=10000):
        editor.save()
    text = env.read_text(encoding="utf-8")
    assert text.startswith("# my settings, keep this comment\nOTHER_VAR=1\n")
    values = read_env_file(env)
    assert values["SLACK_WORK_TOKEN"] == "xoxb-secret-123"
    assert values["SLACK_WORK_CHANNEL"] == '#general'
    assert editor.profiles == ["WORK", "WORK_2"]

    editor.fields["channel"].setText("#random")  # edit one value, clear another
    editor.fields["token"].setText("")
    with qtbot.waitSignal(editor.saved, timeout=10000):
        editor.save()
    values = read_env_file(env)
    assert values["SLACK_WORK_CHANNEL"] == "#random" and "SLACK_WORK_TOKEN" not in values

    editor.fields["token"].setText("xoxb-again")
    with qtbot.waitSignal(editor.saved, timeout=10000):
        editor.save()
    with qtbot.waitSignal(editor.deleted, timeout=10000):
        editor.delete_profile("WORK")
    values = read_env_file(env)
    assert not [k for k in values if k.startswith("SLACK_WORK_") and not k.startswith("SLACK_WORK_2_")]
    assert values["SLACK_WORK_2_TOKEN"] == "xoxb-other-profile"  # another profile is left alone
    assert env.read_text(encoding="utf-8").startswith("# my settings, keep this comment\n")
    assert editor.profiles == ["WORK_2"]


def test_secret_values_are_masked(qtbot, bridge) -> None:
    env = _env(bridge)
    env.parent.mkdir(parents=True, exist_ok=True)
    env.write_text("SLACK_TEAM_TOKEN=xoxb-very-secret\n", encoding="utf-8")
    editor = _editor(qtbot, bridge)
    editor.show()
    token = editor.fields["token"]
    assert token.text() == "xoxb-very-secret"
    assert token.echoMode() == QLineEdit.EchoMode.Password
    assert "xoxb-very-secret" not in token.displayText()
    assert editor.fields["channel"].echoMode() == QLineEdit.EchoMode.Normal
    token.parent().show_button.click()
    assert token.displayText() == "xoxb-very-secret"
    token.parent().show_button.click()
    assert "xoxb-very-secret" not in token.displayText()


def test_profile_names_are_validated(qtbot, bridge) -> None:
    editor = _editor(qtbot, bridge, "date")
    assert editor.add_profile("bad name") is not None
    assert editor.add_profile("INPUT_KEY") is not None
    assert profile_name_error("TEAM_2", []) is None
    assert profile_name_error("_X", []) is not None
    assert editor.add_profile("us") is None
    assert editor.add_profile("US") == "Profile US already exists."


def test_profile_variables_leave_longer_names_alone() -> None:
    values = {"SLACK_WORK_TOKEN": "a", "SLACK_WORK_2_TOKEN": "b", "SLACK_WORKS": "c", "X": "d"}
    assert profile_variables(values, "slack", "WORK", ["WORK", "WORK_2"], ["slack"]) == ["SLACK_WORK_TOKEN"]
    # GOOGLE_CALENDAR_* belongs to tool google_calendar, not to profile CALENDAR of a tool "google".
    values = {"GOOGLE_CALENDAR_WORK_ID": "1", "GOOGLE_CALENDAR_TOKEN": "2"}
    assert profile_variables(values, "google", "CALENDAR", ["CALENDAR"], ["google", "google_calendar"]) == []
