"""ToolConfig: every seed tool loads, both action formats normalise, OAuth, secrets and FlowDesk keys."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from flowdesk.core.config import ActionParam, ToolAction, ToolConfig, errors_from_validation

SEED_DIR = Path(__file__).resolve().parents[3] / ".." / "shared" / "seed-samples"
SEED_TOOLS = sorted(SEED_DIR.glob("tools_*.json")) if SEED_DIR.is_dir() else []
needs_seeds = pytest.mark.skipif(not SEED_TOOLS, reason="seed samples not available")


def seed(name: str) -> dict:
    return json.loads((SEED_DIR / f"tools_{name}_config.json").read_text(encoding="utf-8"))


def messages(data: dict) -> list[str]:
    with pytest.raises(ValidationError) as info:
        ToolConfig.model_validate(data)
    return [e.render() for e in errors_from_validation(None, info.value).errors]


@needs_seeds
@pytest.mark.parametrize("path", SEED_TOOLS, ids=lambda p: p.name)
def test_every_seed_tool_loads_and_round_trips(path):
    raw = json.loads(path.read_text(encoding="utf-8"))
    tool = ToolConfig.model_validate(raw)
    assert tool.declared_name and tool.title
    assert tool.to_json_dict() == raw
    assert list(tool.to_json_dict()) == list(raw)


@needs_seeds
def test_dict_format_actions_are_normalised():
    tool = ToolConfig.model_validate(seed("calendar"))
    assert [a.name for a in tool.actions] == ["list_events", "create_event", "update_event", "delete_event"]
    create = tool.action("create_event")
    assert create.description == "Crée un nouvel événement dans le calendrier"
    assert [p.name for p in create.params][:3] == ["summary", "start_time", "end_time"]
    # "(requis)" in a seed description marks the parameter required; "(optionnel)" does not.
    assert [p.required for p in create.params] == [True, True, True, False, False, False, False]
    assert create.params[0].type is None
    assert create.examples == [seed("calendar")["actions"]["create_event"]["example"]]


@needs_seeds
def test_named_examples_become_a_list_keeping_their_names():
    action = ToolConfig.model_validate(seed("date")).action("calculate_date")
    assert [e["name"] for e in action.examples] == [
        "today", "tomorrow", "next_week", "next_monday", "custom_format", "complex"]
    assert action.examples[1]["params"] == {"days": 1}
    assert action.model_extra["special_cases"]["yesterday"] == "days: -1"


@needs_seeds
def test_list_format_actions_and_name_key():
    tool = ToolConfig.model_validate(seed("sample"))
    assert tool.tool_name is None and tool.name == "Example Tool" and tool.declared_name == "Example Tool"
    assert tool.action("example_action").params == [
        ActionParam(name="message", description="Message à traiter", type="string", required=False)]
    assert tool.action("test_connection").params == []
    assert tool.inputs_schema[0].type == "password"


@needs_seeds
def test_supported_actions_fill_actions_when_absent():
    tool = ToolConfig.model_validate(seed("notion"))
    assert [a.name for a in tool.actions][:2] == ["search", "create_page"]
    assert "actions" not in tool.to_json_dict()


@needs_seeds
def test_oauth_tools():
    calendar = ToolConfig.model_validate(seed("calendar"))
    assert calendar.is_oauth
    assert calendar.oauth_config.provider == "google"
    assert "https://www.googleapis.com/auth/calendar" in calendar.oauth_config.scopes
    assert not ToolConfig.model_validate(seed("slack")).is_oauth
    assert messages({"oauth_config": {"scopes": []}}) == ["oauth_config.provider: is required"]


@needs_seeds
def test_default_secret_params_follow_the_names():
    assert ToolConfig.model_validate(seed("email")).secret_param_names == ["password"]
    assert ToolConfig.model_validate(seed("calendar")).secret_param_names == ["token_file", "credentials_file"]
    assert ToolConfig.model_validate(seed("whatsapp")).secret_param_names == ["unipile_api_key"]
    assert ToolConfig.model_validate(seed("date")).secret_param_names == []


def test_explicit_secret_params_replace_the_guess():
    tool = ToolConfig.model_validate({"required_params": ["api_key", "pin"], "secret_params": ["pin", "extra"]})
    assert tool.is_secret_param("pin") and not tool.is_secret_param("api_key")
    assert tool.secret_param_names == ["pin", "extra"]
    assert ToolConfig.model_validate({"secret_params": []}).secret_param_names == []


def test_flowdesk_keys_and_defaults():
    tool = ToolConfig.model_validate({"tool_name": "google_calendar", "aliases": ["calendar"],
                                      "class_name": "CalendarTool", "enabled": False, "icon": "cal.svg"})
    assert (tool.aliases, tool.class_name, tool.enabled, tool.icon) == (["calendar"], "CalendarTool", False, "cal.svg")
    blank = ToolConfig.model_validate({})
    assert (blank.aliases, blank.secret_params, blank.enabled, blank.class_name, blank.actions) == (
        [], None, True, None, [])
    assert blank.param_names == [] and blank.title is None


def test_param_names_merge_required_and_optional():
    tool = ToolConfig.model_validate({"required_params": ["a", "b"], "optional_params": {"b": 1, "c": None}})
    assert tool.param_names == ["a", "b", "c"]


def test_invalid_tool_keys():
    assert messages({"class_name": "Not a class"}) == ["class_name: 'Not a class' is not a Python class name"]
    assert messages({"actions": "send"}) == ["actions: must be an object {action: {...}} or a list of actions"]
    assert messages({"actions": {"send": 3}}) == ["actions: action 'send' must be an object"]
    assert messages({"actions": [{"description": "no name"}]}) == ["actions[0].name: is required"]
    assert messages({"actions": {"a": {"parameters": 5}}}) == [
        "actions[0]: parameters must be an object {name: description} or a list"]
    assert messages({"required_params": "token"}) == ["required_params: must be a list"]


def test_other_action_shapes():
    tool = ToolConfig.model_validate({"actions": ["ping", {"name": "send", "parameters": ["to"],
                                                          "examples": [{"params": {}}]}]})
    assert [a.name for a in tool.actions] == ["ping", "send"]
    assert tool.action("send").params == [ActionParam(name="to")]
    assert tool.action("send").examples == [{"params": {}}]
    desc_only = ToolConfig.model_validate({"actions": {"ping": "Checks the connection", "noop": None}})
    assert desc_only.action("ping").description == "Checks the connection"
    assert desc_only.action("noop").description is None
    typed = ToolConfig.model_validate({"actions": {"a": {"parameters": {"n": {"type": "int", "required": True}}}}})
    assert typed.action("a").params == [ActionParam(name="n", type="int", required=True)]


@needs_seeds
def test_changed_dict_actions_are_written_back_as_a_dict():
    raw = seed("calendar")
    tool = ToolConfig.model_validate(copy.deepcopy(raw))
    tool.action("list_events").description = "Lists events"
    out = tool.to_json_dict()
    assert list(out["actions"]) == list(raw["actions"])
    assert out["actions"]["list_events"] == {**raw["actions"]["list_events"], "description": "Lists events"}
    assert out["actions"]["create_event"] == raw["actions"]["create_event"]
    tool.action("list_events").params.append(ActionParam(name="query", description="Text"))
    out = tool.to_json_dict()
    assert "parameters" not in out["actions"]["list_events"]
    assert out["actions"]["list_events"]["params"][-1] == {"name": "query", "description": "Text"}
    again = ToolConfig.model_validate(out)
    assert [p.name for p in again.action("list_events").params] == ["count", "calendar_id", "query"]


@needs_seeds
def test_changed_list_actions_stay_a_list():
    tool = ToolConfig.model_validate(seed("sample"))
    tool.actions.append(ToolAction(name="extra"))
    out = tool.to_json_dict()
    assert out["actions"][:2] == seed("sample")["actions"]
    assert out["actions"][2] == {"name": "extra"}
