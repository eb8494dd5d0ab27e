"""ConfigEditor: live cron check, next fire times, a save that keeps unknown keys and spellings, then a reload."""

from __future__ import annotations

import json
from pathlib import Path
from zoneinfo import ZoneInfo

from flowdesk.core.cron import CronSchedule
from flowdesk.gui.widgets.config_editor import ConfigEditor
from flowdesk.gui.widgets.schedule_editor import fire_time_text
from tests.gui.conftest import call_core


def showcase_path(bridge) -> Path:  # noqa: ANN001
    return bridge.runtime.registry.workflows["input_showcase"].config_path


def add_unusual_spellings(qtbot, bridge) -> dict:  # noqa: ANN001
    """Unknown keys, the seed's tools_profiles, a "boolean" type and plain options: all must survive a save."""
    path = showcase_path(bridge)
    data = json.loads(path.read_text())
    data["author"] = "someone"
    data["x_custom"] = {"keep": [1, 2]}
    data["tools_profiles"] = {}
    data["inputs_schema"][7]["type"] = "boolean"
    data["inputs_schema"][7]["x_hint"] = "kept too"
    path.write_text(json.dumps(data, indent=2))
    call_core(qtbot, bridge, lambda rt: rt.reload())
    return data


def make_editor(qtbot, bridge, slug: str = "input_showcase") -> ConfigEditor:  # noqa: ANN001
    editor = ConfigEditor(bridge, slug)
    qtbot.addWidget(editor)
    editor.show()
    return editor


def test_round_trip_keeps_unknown_keys_and_updates_the_scheduler(qtbot, bridge) -> None:
    before = add_unusual_spellings(qtbot, bridge)
    editor = make_editor(qtbot, bridge)
    assert editor.name_edit.text() == "Input showcase"
    assert editor.trigger_boxes["manual"].isChecked() and not editor.trigger_boxes["schedule"].isChecked()
    editor.trigger_boxes["schedule"].setChecked(True)
    editor.schedule.schedule_edit.setText("*/15 * * * *")
    editor.schedule.timezone_combo.setCurrentText("Europe/Paris")
    row = editor.inputs.row_of("attendees")
    editor.inputs.set_cell(row, "max", "400")
    editor.inputs.set_cell(row, "label", "People")
    with qtbot.waitSignal(editor.saved, timeout=10000):
        assert editor.save() is True
    after = json.loads(showcase_path(bridge).read_text())
    assert after["schedule"] == "*/15 * * * *" and after["timezone"] == "Europe/Paris"
    assert after["triggers"] == ["manual", "webhook", "schedule"]
    attendees = after["inputs_schema"][6]
    assert attendees["max"] == 400 and attendees["label"] == "People" and attendees["min"] == 1
    # What was not edited is byte-for-byte what it was, unknown keys and spellings included.
    assert after["author"] == "someone" and after["x_custom"] == {"keep": [1, 2]}
    assert after["tools_profiles"] == {} and "tool_profiles" not in after
    assert after["inputs_schema"][7] == before["inputs_schema"][7]  # "boolean", x_hint
    assert after["inputs_schema"][9]["options"] == ["budget", "hiring", "roadmap", "security"]
    assert list(after)[: len(before)] == list(before)  # key order kept
    assert "catchup" not in after and "max_instances" not in after  # defaults not added
    schedule = bridge.runtime.scheduler.schedule_of("input_showcase")
    assert schedule is not None and schedule.expression == "*/15 * * * *"
    assert schedule.timezone == ZoneInfo("Europe/Paris")


def test_invalid_cron_is_shown_live_and_refused(qtbot, bridge) -> None:
    editor = make_editor(qtbot, bridge)
    path = showcase_path(bridge)
    before = path.read_text()
    editor.tabs.setCurrentIndex(1)
    editor.schedule.schedule_edit.setText("61 * * * *")
    assert editor.schedule.error and editor.schedule.error_label.isVisible()
    assert "border" in editor.schedule.schedule_edit.styleSheet()
    assert editor.schedule.next_times == []
    assert editor.save() is False
    assert any("schedule" in e for e in editor.errors) and editor.error_label.isVisible()
    editor.schedule.schedule_edit.setText("0 9 * * 1")
    assert editor.schedule.error is None and not editor.schedule.error_label.isVisible()
    editor.schedule.timezone_combo.setCurrentText("Mars/Olympus")
    assert "unknown timezone" in editor.schedule.error
    qtbot.wait(50)
    assert path.read_text() == before


def test_next_five_fire_times_match_cron_schedule(qtbot, bridge) -> None:
    editor = make_editor(qtbot, bridge, "next_dates")
    assert editor.schedule.schedule_edit.text() == "0 8 * * 1-5"
    editor.schedule.timezone_combo.setCurrentText("America/New_York")
    expected = CronSchedule.parse("0 8 * * 1-5", "America/New_York").next_times(5)
    assert editor.schedule.next_times == expected
    assert editor.schedule.next_time_texts() == [fire_time_text(t) for t in expected]
    assert all(t.strftime("%H:%M") == "08:00" for t in editor.schedule.next_times)
    assert "08:00" in editor.schedule.words_label.text()


def test_pydantic_errors_are_shown_with_path_and_field(qtbot, bridge) -> None:
    editor = make_editor(qtbot, bridge)
    before = showcase_path(bridge).read_text()
    editor.inputs.set_cell(editor.inputs.row_of("attendees"), "default", "lots")
    assert editor.save() is False
    assert any(e.startswith(f"{showcase_path(bridge)}: inputs_schema[6].default: default value is invalid")
               for e in editor.errors), editor.errors
    assert showcase_path(bridge).read_text() == before


def test_inputs_and_tools_editing(qtbot, bridge) -> None:
    editor = make_editor(qtbot, bridge, "next_dates")
    assert editor.tools.tools() == ["date"] and editor.tools.profiles() == {"date": "DEFAULT"}
    assert "INPUT_DAYS" in editor.tools.profile_choices("date")
    editor.tools.add_tool("slack")
    editor.tools.set_profile("slack", "MARKETING")
    editor.inputs.add_field()
    new_row = editor.inputs.table.rowCount() - 1
    editor.inputs.set_cell(new_row, "name", "channel")
    editor.inputs.set_cell(new_row, "type", "select")
    editor.inputs.set_cell(new_row, "options", "a=Alpha, b")
    editor.inputs.set_cell(new_row, "required", True)
    editor.inputs.table.selectRow(new_row)
    editor.inputs.move_current(-1)
    editor.inputs.move_current(-1)  # now first
    editor.timeout_spin.setValue(45)
    with qtbot.waitSignal(editor.saved, timeout=10000):
        assert editor.save() is True
    after = json.loads(bridge.runtime.registry.workflows["next_dates"].config_path.read_text())
    assert after["tools_required"] == ["date", "slack"]
    assert after["tool_profiles"] == {"date": "DEFAULT", "slack": "MARKETING"}
    assert after["inputs_schema"][0] == {"name": "channel", "type": "select", "required": True,
                                         "options": [{"value": "a", "label": "Alpha"}, "b"]}
    assert [f["name"] for f in after["inputs_schema"]] == ["channel", "days", "format"]
    assert after["timeout"] == 45
    config = bridge.runtime.registry.workflows["next_dates"].config
    assert config is not None and config.inputs_schema[0].option_values == ["a", "b"]


def test_broken_config_shows_its_errors_and_cannot_save(qtbot, bridge) -> None:
    path = showcase_path(bridge)
    data = json.loads(path.read_text())
    data["max_instances"] = 0
    path.write_text(json.dumps(data))
    editor = make_editor(qtbot, bridge)
    assert any("max_instances: must be at least 1" in e for e in editor.errors)
    assert not editor.buttons.button(editor.buttons.StandardButton.Save).isEnabled()
