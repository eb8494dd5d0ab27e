"""RunForm: a field per input type with its default, errors on the field before running, then the result."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from flowdesk.core.input_validation import MASK
from flowdesk.gui.qt import Qt
from flowdesk.gui.widgets.input_widgets import MultiSelectEditor
from flowdesk.gui.widgets.run_form import RunForm
from tests.gui.conftest import call_core
from tests.gui.inspector.inspector_reading import json_text, wait_shown

# Every field is invalid as first filled in below (a checkbox can never be invalid: true or false).
STRICT_SCHEMA = [
    {"name": "title", "type": "text", "min": 3},
    {"name": "notes", "type": "textarea", "required": True},
    {"name": "contact", "type": "email"},
    {"name": "link", "type": "url"},
    {"name": "secret", "type": "password", "required": True},
    {"name": "ratio", "type": "number", "required": True, "min": 0, "max": 1},
    {"name": "count", "type": "integer", "required": True, "min": 1},
    {"name": "flag", "type": "boolean"},
    {"name": "room", "type": "select", "required": True, "options": ["a", "b"]},
    {"name": "tags", "type": "multiselect", "min": 2, "options": ["x", "y", "z"]},
    {"name": "day", "type": "date", "required": True},
    {"name": "at", "type": "datetime", "required": True},
    {"name": "extra", "type": "json"},
]


def write_workflow(bridge, qtbot, slug: str, schema: list, body: str) -> Path:  # noqa: ANN001
    """A workflow folder in the test's workspace copy, then a reload so the registry knows it."""
    folder = bridge.runtime.workspace.workflows_dir / slug
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"name": slug, "triggers": ["manual"], "inputs_schema": schema}))
    (folder / "main.py").write_text(textwrap.dedent(body))
    call_core(qtbot, bridge, lambda rt: rt.reload())
    return folder


ECHO = """
def execute(data, tools):
    return {"status": "success", "message": "ok", "data": data}
"""


def make_form(qtbot, bridge, slug: str, **kwargs) -> RunForm:  # noqa: ANN001
    form = RunForm(bridge, slug, **kwargs)
    qtbot.addWidget(form)
    form.show()
    return form


def test_every_type_gets_its_default(qtbot, bridge) -> None:
    form = make_form(qtbot, bridge, "input_showcase")
    values = form.values()
    assert values["title"] == "Quarterly review"
    assert values["notes"] == "" and values["contact"] == "" and values["link"] == "" and values["api_key"] == ""
    assert values["budget"] == 1500.5 and values["attendees"] == 12 and values["remote"] is True
    assert values["room"] == "b" and form.editors["room"].input.currentText() == "Room B"
    assert values["topics"] == ["roadmap"]
    assert values["day"] == "2026-12-01" and values["starts_at"] == "2026-12-01T09:30"
    assert json.loads(values["extra"]) == {"agenda": ["intro", "numbers"]}
    assert form.editors["api_key"].input.echoMode() == form.editors["api_key"].input.EchoMode.Password
    assert form.editors["budget"].input.maximum() == 100000
    assert form.editors["attendees"].input.minimum() == 1
    assert form.editors["title"].input.toolTip() == "A short title"


def test_valid_input_runs_and_shows_the_result(qtbot, bridge) -> None:
    form = make_form(qtbot, bridge, "input_showcase")
    form.editors["contact"].set_value("ada@example.com")
    form.editors["link"].set_value("https://example.com/x")
    form.editors["api_key"].set_value("s3cret-value")
    form.editors["notes"].set_value("line 1\nline 2")
    with qtbot.waitSignal(form.run_done, timeout=30000) as done:
        assert form.run() is True
    record = done.args[0]
    assert record.status == "success"
    assert form.pages.currentIndex() == 1
    assert record.input["api_key"] == MASK
    wait_shown(qtbot, form.detail, record.id)
    output = json_text(qtbot, form.detail.output_view)
    assert '"Quarterly review"' in output and "s3cret-value" not in output
    assert "received 13 inputs" in form.detail.log_view.shown_text()
    assert "Quarterly review: 12 attendees in room b" in form.detail.header.message.text()
    assert form.detail.action_bar.isHidden()  # the dialog has its own buttons
    assert form.tools_button.isHidden()


def test_invalid_values_are_shown_on_their_fields_and_nothing_runs(qtbot, bridge) -> None:
    write_workflow(bridge, qtbot, "strict_form", STRICT_SCHEMA, ECHO)
    form = make_form(qtbot, bridge, "strict_form")
    form.editors["title"].set_value("ab")
    form.editors["contact"].set_value("nope")
    form.editors["link"].set_value("not a url")
    form.editors["tags"].set_value(["x"])
    form.editors["extra"].set_value("{bad")
    assert form.errors() == {"extra": form.editors["extra"].error}  # JSON is checked live, before any click
    assert form.run() is False
    errors = form.errors()
    expected = {"title", "notes", "contact", "link", "secret", "ratio", "count", "room", "tags", "day", "at", "extra"}
    assert set(errors) == expected
    assert errors["title"] == "must be at least 3 characters"
    assert errors["contact"] == "not a valid email address"
    assert errors["ratio"] == "is required" and errors["day"] == "is required"
    assert errors["tags"] == "choose at least 2 options"
    for name in expected:
        editor = form.editors[name]
        assert editor.error_label.isVisible() and editor.error_label.text() == errors[name]
        assert "border" in editor.frame.styleSheet()
    assert "flag" not in errors and not form.editors["flag"].error_label.isVisible()
    assert form.pages.currentIndex() == 0
    qtbot.wait(100)
    assert bridge.runtime.store.count_runs(workflow="strict_form") == 0

    # Fixing a field clears its error as you type; then the whole form runs.
    form.editors["title"].set_value("abc")
    assert form.editors["title"].error is None
    fixes = {"notes": "n", "contact": "a@b.io", "link": "https://x.org", "secret": "pass-phrase-1", "ratio": 0.5,
             "count": 3, "room": "b", "tags": ["x", "z"], "day": "2026-05-04", "at": "2026-05-04T10:15",
             "extra": '{"k": [1, 2]}'}
    for name, value in fixes.items():
        form.editors[name].set_value(value)
    with qtbot.waitSignal(form.run_done, timeout=30000) as done:
        assert form.run() is True
    record = done.args[0]
    assert record.status == "success" and form.errors() == {}
    data = bridge.runtime.store.get(record.id).output["data"]
    assert data["ratio"] == 0.5 and data["count"] == 3 and data["flag"] is False and data["room"] == "b"
    assert data["tags"] == ["x", "z"] and data["day"] == "2026-05-04" and data["at"] == "2026-05-04T10:15:00"
    assert data["extra"] == {"k": [1, 2]} and data["secret"] == MASK and record.input["secret"] == MASK


def test_multiselect_respects_its_max(qtbot, bridge) -> None:
    form = make_form(qtbot, bridge, "input_showcase")
    topics = form.editors["topics"]
    assert isinstance(topics, MultiSelectEditor)
    for value in ("budget", "hiring", "security"):  # roadmap is already chosen: 4 > max 3
        topics.set_checked(value)
    assert len(topics.value()) == 3
    unchecked = [topics.input.item(i) for i in range(topics.input.count())
                 if topics.input.item(i).checkState() == Qt.CheckState.Unchecked]
    assert unchecked and all(not item.flags() & Qt.ItemFlag.ItemIsEnabled for item in unchecked)
    topics.set_checked("roadmap", False)
    assert all(topics.input.item(i).flags() & Qt.ItemFlag.ItemIsEnabled for i in range(topics.input.count()))


def test_missing_profile_shows_the_reason_and_open_tools(qtbot, bridge, monkeypatch) -> None:
    for var in ("YOUTUBE_TECH_CHANNEL_API_KEY", "SLACK_MARKETING_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    form = make_form(qtbot, bridge, "newsletter_automation")
    with qtbot.waitSignal(form.run_done, timeout=30000) as done:
        form.run()
    assert done.args[0].status == "skipped"
    assert form.tools_button.isVisible()
    assert "missing" in form.notice.text() and "TECH_CHANNEL" in form.notice.text()
    with qtbot.waitSignal(form.open_tools_requested, timeout=1000):
        form.tools_button.click()


def test_rerun_form_is_prefilled_but_asks_for_passwords_again(qtbot, bridge) -> None:
    recorded = {"title": "Again", "api_key": MASK, "attendees": 40, "topics": ["hiring"], "remote": False}
    form = make_form(qtbot, bridge, "input_showcase", values=recorded, parent_run_id="a" * 32)
    values = form.values()
    assert values["title"] == "Again" and values["attendees"] == 40 and values["topics"] == ["hiring"]
    assert values["remote"] is False and values["api_key"] == ""
    assert "again" in form.editors["api_key"].input.placeholderText()
    with qtbot.waitSignal(form.run_done, timeout=30000) as done:
        form.run()
    assert bridge.runtime.store.get(done.args[0].id).parent_run_id == "a" * 32


def test_input_errors_show_in_french_when_the_window_speaks_french(qtbot, bridge, french_window) -> None:
    write_workflow(bridge, qtbot, "strict_form", STRICT_SCHEMA, ECHO)
    form = make_form(qtbot, bridge, "strict_form")
    form.editors["title"].set_value("ab")
    form.editors["contact"].set_value("nope")
    form.editors["tags"].set_value(["x"])
    form.editors["extra"].set_value("{bad")
    assert form.run() is False
    shown = {name: editor.error_label.text() for name, editor in form.editors.items() if editor.error_label.isVisible()}
    assert shown["title"] == "doit contenir au moins 3 caractères"
    assert shown["contact"] == "adresse e-mail non valide"
    assert shown["notes"] == "est obligatoire"
    assert shown["tags"] == "choisissez au moins 2 options"
    assert shown["extra"].startswith("JSON non valide (") and "à la ligne 1, colonne 2)" in shown["extra"]
    assert form.errors()["title"] == "must be at least 3 characters"  # the core's message itself stays English
