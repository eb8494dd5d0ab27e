"""Loading config.json files (with readable errors) and saving them atomically, keeping what the user wrote."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from flowdesk.core.config import (
    InputField,
    InterfaceConfig,
    ToolConfig,
    WorkflowConfig,
    load_interface_config,
    load_tool_config,
    load_workflow_config,
    read_json_object,
    save_config,
)
from flowdesk.core.config.config_file import render_loc
from flowdesk.core.errors import ConfigError, ConfigErrors

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "configs"
SEED_DIR = Path(__file__).resolve().parents[3] / ".." / "shared" / "seed-samples"
SEEDS = sorted(SEED_DIR.glob("*.json")) if SEED_DIR.is_dir() else []


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def rendered(exc_info) -> list[str]:
    return [e.render() for e in exc_info.value.errors]


@pytest.mark.skipif(not SEEDS, reason="seed samples not available")
@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_every_seed_sample_loads_from_disk(path):
    loader = load_tool_config if path.name.startswith("tools_") else load_workflow_config
    model = loader(path)
    assert model.raw == json.loads(path.read_text(encoding="utf-8"))


def test_full_fixture_loads():
    c = load_workflow_config(FIXTURES / "workflow_full.json")
    assert c.is_scheduled and c.timezone == "Europe/Paris" and c.timeout == 120.0
    assert c.webhook.auth == "hmac" and c.webhook.effective_header == "X-FlowDesk-Signature"
    assert c.input_field("send_now").type == "checkbox"
    assert c.model_extra == {"author": "léa", "x-notes": {"owner": "ops", "tags": ["a", "b"]}}


def test_validation_errors_name_the_path_and_each_field():
    path = FIXTURES / "workflow_broken.json"
    with pytest.raises(ConfigErrors) as info:
        load_workflow_config(path)
    assert all(isinstance(e, ConfigError) and e.path == str(path) for e in info.value.errors)
    assert rendered(info) == [
        f"{path}: triggers: unknown trigger 'cron'; use manual, webhook, schedule",
        f"{path}: inputs_schema[1].type: unknown input type 'radio'; use one of: text, textarea, email, url, "
        "password, number, integer, checkbox, select, multiselect, date, datetime, json",
        f"{path}: inputs_schema[2].default: default value is invalid: must be at most 10",
        f"{path}: max_instances: must be at least 1",  # in the file's order, not the model's
        f"{path}: timezone: unknown time zone 'Europe/Pariss' (use an IANA name such as Europe/Paris)",
    ]
    assert info.value.errors[1].field == "inputs_schema[1].type"
    assert str(info.value).count("\n") == 4


def test_bad_json_reports_line_and_column(tmp_path):
    path = write(tmp_path / "config.json", '{\n  "name": "x",\n  "active": tru\n}')
    with pytest.raises(ConfigErrors) as info:
        load_workflow_config(path)
    assert rendered(info) == [f"{path}: invalid JSON at line 3 column 13: Expecting value"]
    assert info.value.errors[0].field is None


@pytest.mark.parametrize("text, message", [
    ("[1, 2]", "the top level must be a JSON object {...}"),
    ('"x"', "the top level must be a JSON object {...}"),
    ("", "file is empty"),
    ("  \n", "file is empty"),
])
def test_top_level_must_be_an_object(tmp_path, text, message):
    path = write(tmp_path / "config.json", text)
    with pytest.raises(ConfigErrors) as info:
        load_tool_config(path)
    assert rendered(info) == [f"{path}: {message}"]


def test_missing_and_undecodable_files(tmp_path):
    with pytest.raises(ConfigErrors) as info:
        load_interface_config(tmp_path / "nope.json")
    assert rendered(info) == [f"{tmp_path / 'nope.json'}: file not found"]
    latin = tmp_path / "latin.json"
    latin.write_bytes('{"name": "é"}'.encode("latin-1"))
    with pytest.raises(ConfigErrors) as info:
        read_json_object(latin)
    assert rendered(info) == [f"{latin}: not UTF-8 text"]


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "config.json"
    path.write_bytes(b"\xef\xbb\xbf" + '{"name": "Café"}'.encode("utf-8"))
    assert load_interface_config(path).name == "Café"


def test_render_loc():
    assert render_loc(("inputs_schema", 2, "type")) == "inputs_schema[2].type"
    assert render_loc(("tool_profiles", "a")) == "tool_profiles.a"
    assert render_loc(("options", "function-after[_x(), str]", 0)) == "options[0]"
    assert render_loc(()) is None


def test_unchanged_model_saves_exactly_what_was_read(tmp_path):
    source = FIXTURES / "workflow_full.json"
    target = tmp_path / "config.json"
    target.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    save_config(target, load_workflow_config(target))
    original = json.loads(source.read_text(encoding="utf-8"))
    saved = json.loads(target.read_text(encoding="utf-8"))
    assert saved == original and list(saved) == list(original)
    assert list(saved["webhook"]) == list(original["webhook"])


def test_edited_model_keeps_spellings_order_and_unknown_keys(tmp_path):
    target = tmp_path / "config.json"
    target.write_text((FIXTURES / "workflow_full.json").read_text(encoding="utf-8"), encoding="utf-8")
    c = load_workflow_config(target)
    c.active = False
    c.set_profile("slack", "OPS")
    c.inputs_schema[3].max = 50
    c.inputs_schema.append(InputField(name="note", type="textarea"))
    written = save_config(target, c)
    saved = json.loads(target.read_text(encoding="utf-8"))
    assert saved == written
    assert saved["active"] is False
    assert saved["tools_profiles"] == {"date": "DEFAULT", "email": "INPUT_SENDER", "slack": "OPS"}
    assert "tool_profiles" not in saved
    assert saved["inputs_schema"][1] == {"name": "send_now", "type": "boolean", "default": False}
    assert saved["inputs_schema"][2]["options"] == ["html", "text"]
    assert saved["inputs_schema"][3] == {"name": "pages", "type": "integer", "min": 1, "max": 50, "default": 3,
                                         "step": 1}
    assert saved["inputs_schema"][4] == {"name": "note", "type": "textarea"}  # label = name by default
    assert saved["author"] == "léa" and saved["x-notes"] == {"owner": "ops", "tags": ["a", "b"]}
    assert list(saved)[:3] == ["name", "description", "author"]
    assert load_workflow_config(target).profiles["slack"] == "OPS"


def test_file_format_is_two_space_utf8_with_final_newline(tmp_path):
    target = tmp_path / "config.json"
    save_config(target, {"name": "Réunion", "triggers": ["manual"]})
    text = target.read_text(encoding="utf-8")
    assert text == '{\n  "name": "Réunion",\n  "triggers": [\n    "manual"\n  ]\n}\n'


def test_dict_save_follows_the_original_key_order(tmp_path):
    target = tmp_path / "config.json"
    original = {"b": 1, "name": "x", "a": 2}
    save_config(target, {"a": 3, "name": "y", "new": True, "b": 1}, original)
    assert list(json.loads(target.read_text())) == ["b", "name", "a", "new"]


def test_explicit_original_keeps_its_unknown_keys_and_order(tmp_path):
    # A model rebuilt from a form knows nothing of the file's unknown keys; the original supplies them.
    c = WorkflowConfig(name="y", active=False)
    written = save_config(tmp_path / "c.json", c, {"tools_profiles": {}, "name": "x", "keep": 1})
    assert written == {"tools_profiles": {}, "name": "y", "keep": 1, "active": False}
    assert list(written) == ["tools_profiles", "name", "keep", "active"]


def test_invalid_model_or_dict_is_never_written(tmp_path):
    target = write(tmp_path / "config.json", '{"name": "before"}')
    c = load_workflow_config(target)
    c.max_instances = 0  # assignment is not validated; the save is
    with pytest.raises(ConfigErrors) as info:
        save_config(target, c)
    assert rendered(info) == [f"{target}: max_instances: must be at least 1"]
    with pytest.raises(ConfigErrors):
        save_config(target, {"route": "api"}, model_type=InterfaceConfig)
    assert target.read_text(encoding="utf-8") == '{"name": "before"}'
    assert os.listdir(tmp_path) == ["config.json"]


def test_save_is_atomic_and_keeps_permissions(tmp_path):
    target = write(tmp_path / "config.json", "{}")
    os.chmod(target, 0o640)
    save_config(target, ToolConfig.model_validate({"tool_name": "t"}))
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert os.listdir(tmp_path) == ["config.json"]
    assert json.loads(target.read_text()) == {"tool_name": "t"}


def test_failed_write_leaves_no_temp_file(tmp_path):
    target = tmp_path / "config.json"
    with pytest.raises(TypeError):
        save_config(target, {"bad": object()})
    assert os.listdir(tmp_path) == []


def test_new_model_file(tmp_path):
    target = tmp_path / "config.json"
    save_config(target, InterfaceConfig(name="crm", route="/crm/"))
    assert json.loads(target.read_text()) == {"name": "crm", "route": "/crm/"}  # as the caller wrote it
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


@pytest.mark.parametrize("config", [
    {"name": "x", "triggers": ["sometimes"]},
    {"name": "x", "timeout": "soon"},
    {"name": "x", "retries": -1},
    {"name": "x", "timezone": "Mars/Olympus"},
    {"name": 5},
    {"name": "x", "inputs_schema": [{"name": "a b"}]},
    {"name": "x", "inputs_schema": [{"name": "a", "type": "colour"}]},
    {"name": "x", "inputs_schema": [{"name": "a", "type": "select"}]},
    {"name": "x", "inputs_schema": [{"name": "a", "type": "integer", "min": 5, "max": 1}]},
    {"name": "x", "inputs_schema": [{"name": "a", "type": "date", "min": "tomorrow"}]},
    {"name": "x", "inputs_schema": [{"name": "a", "type": "integer", "default": "many"}]},
    {"name": "x", "inputs_schema": [{"name": "a"}, {"name": "a"}]},
    {"name": "x", "webhook": {"auth": "hmac"}},
])
def test_every_config_error_is_translatable_and_english_as_before(tmp_path: Path, config: dict) -> None:
    from flowdesk.core.translatable import Translatable

    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    with pytest.raises(ConfigErrors) as caught:
        load_workflow_config(path)
    for error in caught.value.errors:
        assert isinstance(error.message, Translatable), error.render()  # the window and the CLI can translate it
        assert isinstance(error.render(), Translatable) and error.render() == ": ".join(
            p for p in (error.path, error.field, str(error.message)) if p)
