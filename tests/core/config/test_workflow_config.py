"""WorkflowConfig: seed samples, defaults, triggers, profiles, added scheduling keys and webhook auth."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from flowdesk.core.config import WebhookConfig, WorkflowConfig, errors_from_validation

SEED_DIR = Path(__file__).resolve().parents[3] / ".." / "shared" / "seed-samples"
SEED_WORKFLOWS = sorted(SEED_DIR.glob("workflows_*.json")) if SEED_DIR.is_dir() else []


def messages(data: dict) -> list[str]:
    """Rendered error lines of an invalid workflow config."""
    with pytest.raises(ValidationError) as info:
        WorkflowConfig.model_validate(data)
    return [e.render() for e in errors_from_validation(None, info.value).errors]


@pytest.mark.skipif(not SEED_WORKFLOWS, reason="seed samples not available")
@pytest.mark.parametrize("path", SEED_WORKFLOWS, ids=lambda p: p.name)
def test_every_seed_workflow_loads_and_round_trips(path):
    raw = json.loads(path.read_text(encoding="utf-8"))
    config = WorkflowConfig.model_validate(raw)
    assert config.name
    assert config.to_json_dict() == raw
    assert list(config.to_json_dict()) == list(raw)


@pytest.mark.skipif(not SEED_WORKFLOWS, reason="seed samples not available")
def test_seed_sample_details():
    sample = WorkflowConfig.model_validate(json.loads((SEED_DIR / "workflows_sample_config.json").read_text()))
    assert [f.type for f in sample.inputs_schema] == [
        "password", "text", "datetime", "number", "checkbox", "select", "multiselect"]
    assert sample.profiles == {"example": "INPUT_API_KEY", "google_calendar": "TEST"}
    assert sample.triggers == ["manual"]
    event = WorkflowConfig.model_validate(
        json.loads((SEED_DIR / "workflows_evenement_lendemain_aleatoire_config.json").read_text()))
    assert event.model_extra == {"author": "system", "version": "1.0.0"}
    assert event.profiles == {"calendar": "TEST", "date": "DEFAULT"}


def test_an_empty_file_gets_safe_defaults():
    c = WorkflowConfig.model_validate({})
    assert c.name is None and c.schedule is None and c.interface is None
    assert c.triggers == ["manual"]
    assert (c.tools_required, c.inputs_schema, c.profiles) == ([], [], {})
    assert c.active is True
    assert (c.timezone, c.timeout, c.max_instances, c.retries, c.catchup) == (None, None, 1, 0, "skip")
    assert c.webhook == WebhookConfig()
    assert c.webhook.auth == "api"
    assert c.is_scheduled is False


def test_defaults_are_not_shared_between_instances():
    a, b = WorkflowConfig(), WorkflowConfig()
    a.triggers.append("webhook")
    a.tools_required.append("x")
    assert b.triggers == ["manual"] and b.tools_required == []


def test_triggers_are_normalised():
    assert WorkflowConfig.model_validate({"triggers": "Webhook"}).triggers == ["webhook"]
    assert WorkflowConfig.model_validate({"triggers": ["manual", " MANUAL", "schedule"]}).triggers == [
        "manual", "schedule"]
    assert WorkflowConfig.model_validate({"triggers": []}).triggers == []


def test_unknown_trigger_is_named():
    assert messages({"triggers": ["manual", "cron"]}) == [
        "triggers: unknown trigger 'cron'; use manual, webhook, schedule"]
    assert messages({"triggers": [3]}) == ["triggers: unknown trigger 3; use manual, webhook, schedule"]


def test_allows_and_is_scheduled():
    c = WorkflowConfig.model_validate({"schedule": "0 9 * * 1-5", "triggers": ["webhook", "schedule"]})
    assert c.allows("webhook") and c.allows("schedule") and not c.allows("manual")
    assert c.is_scheduled
    assert not WorkflowConfig.model_validate({"schedule": "0 9 * * *"}).is_scheduled  # not listed
    assert not WorkflowConfig.model_validate({"triggers": ["schedule"]}).is_scheduled  # no cron
    assert WorkflowConfig.model_validate({"schedule": "  "}).schedule is None
    assert WorkflowConfig.model_validate({"schedule": "not cron at all"}).schedule == "not cron at all"


def test_profiles_merge_both_spellings_tools_profiles_wins():
    c = WorkflowConfig.model_validate({"tool_profiles": {"a": "A", "b": "B"}, "tools_profiles": {"b": "X", "c": "C"}})
    assert c.profiles == {"a": "A", "b": "X", "c": "C"}


def test_set_profile_uses_the_files_spelling():
    old = WorkflowConfig.model_validate({"tools_profiles": {"a": "A"}})
    old.set_profile("b", "B")
    assert old.tools_profiles == {"a": "A", "b": "B"} and old.tool_profiles == {}
    new = WorkflowConfig.model_validate({})
    new.set_profile("b", "B")
    assert new.tool_profiles == {"b": "B"} and "tools_profiles" not in new.to_json_dict()
    both = WorkflowConfig.model_validate({"tool_profiles": {"a": "A"}, "tools_profiles": {"b": "B"}})
    both.set_profile("a", "Z")
    assert both.profiles["a"] == "Z"
    assert both.to_json_dict() == {"tool_profiles": {"a": "Z"}, "tools_profiles": {"b": "B"}}


def test_profile_values_must_be_strings():
    assert messages({"tool_profiles": {"a": 1}}) == ["tool_profiles.a: must be a string"]


def test_timezone_is_an_iana_name():
    assert WorkflowConfig.model_validate({"timezone": "Europe/Paris"}).timezone == "Europe/Paris"
    assert WorkflowConfig.model_validate({"timezone": "UTC"}).timezone == "UTC"
    for bad in ("Mars/Olympus", "", "../etc/passwd"):
        assert messages({"timezone": bad}) == [
            f"timezone: unknown time zone '{bad}' (use an IANA name such as Europe/Paris)"]


def test_scheduling_keys_are_bounded():
    c = WorkflowConfig.model_validate({"timeout": 30, "max_instances": 3, "retries": 2, "catchup": "once"})
    assert (c.timeout, c.max_instances, c.retries, c.catchup) == (30.0, 3, 2, "once")
    assert messages({"timeout": 0}) == ["timeout: must be greater than 0"]
    assert messages({"max_instances": 0}) == ["max_instances: must be at least 1"]
    assert messages({"retries": -1}) == ["retries: must be at least 0"]
    assert messages({"retries": 1.5}) == ["retries: must be a whole number"]
    assert messages({"catchup": "all"}) == ["catchup: must be 'skip' or 'once', not 'all'"]
    assert messages({"active": "maybe"}) == ["active: must be true or false"]


def test_duplicate_input_names_point_at_the_second_one():
    assert messages({"inputs_schema": [{"name": "a"}, {"name": "b"}, {"name": "a"}]}) == [
        "inputs_schema[2].name: duplicate input name 'a'"]


def test_input_errors_carry_their_index():
    assert messages({"inputs_schema": [{"name": "a"}, {"name": "b", "type": "select"}]}) == [
        "inputs_schema[1].options: a select field needs options"]


def test_input_field_lookup():
    c = WorkflowConfig.model_validate({"inputs_schema": [{"name": "a"}, {"name": "b", "type": "integer"}]})
    assert c.input_field("b").type == "integer"
    assert c.input_field("zz") is None


@pytest.mark.parametrize("webhook, header", [
    ({"auth": "api"}, None),
    ({"auth": "public"}, None),
    ({"auth": "token", "secret": "s3"}, "X-FlowDesk-Token"),
    ({"auth": "hmac", "secret_env": "HOOK_SECRET"}, "X-FlowDesk-Signature"),
    ({"auth": "hmac", "secret": "s", "header": "X-Hub-Signature-256"}, "X-Hub-Signature-256"),
])
def test_valid_webhook_settings(webhook, header):
    c = WorkflowConfig.model_validate({"webhook": webhook})
    assert c.webhook.effective_header == header


@pytest.mark.parametrize("webhook, expected", [
    ({"auth": "token"}, "webhook.secret: auth 'token' needs a secret or a secret_env variable name"),
    ({"auth": "hmac", "secret": ""}, "webhook.secret: auth 'hmac' needs a secret or a secret_env variable name"),
    ({"auth": "hmac", "secret": "a", "secret_env": "B"}, "webhook.secret_env: give either secret or secret_env, not both"),
    ({"auth": "token", "secret_env": "MY-VAR"}, "webhook.secret_env: 'MY-VAR' is not a valid environment variable name"),
    ({"auth": "basic"}, "webhook.auth: must be 'api', 'token', 'hmac' or 'public', not 'basic'"),
    ({"auth": "token", "secret": "x", "secrte": "y"}, "webhook.secrte: unknown key"),
])
def test_invalid_webhook_settings(webhook, expected):
    assert messages({"webhook": webhook}) == [expected]


def test_webhook_secret_resolution():
    inline = WebhookConfig(auth="token", secret="abc")
    from_env = WebhookConfig(auth="hmac", secret_env="HOOK")
    assert inline.resolve_secret({}) == "abc"
    assert from_env.resolve_secret({"HOOK": "xyz"}) == "xyz"
    assert from_env.resolve_secret({"HOOK": ""}) is None
    assert from_env.resolve_secret({}) is None
    assert WebhookConfig().resolve_secret({}) is None


def test_unknown_keys_round_trip_and_changes_are_written():
    raw = {"name": "W", "author": "me", "version": "2", "tools_profiles": {"t": "P"}, "active": True}
    c = WorkflowConfig.model_validate(raw)
    c.active = False
    out = c.to_json_dict()
    assert out == {"name": "W", "author": "me", "version": "2", "tools_profiles": {"t": "P"}, "active": False}
    assert list(out) == list(raw)


def test_nested_input_spelling_survives_an_unrelated_change():
    raw = {"inputs_schema": [{"name": "u", "type": "boolean"}, {"name": "n", "type": "number"}]}
    c = WorkflowConfig.model_validate(raw)
    c.inputs_schema[1].max = 9
    assert c.to_json_dict() == {"inputs_schema": [{"name": "u", "type": "boolean"},
                                                  {"name": "n", "type": "number", "max": 9}]}


def test_fresh_config_writes_only_what_differs_from_defaults():
    c = WorkflowConfig(name="New", triggers=["manual", "webhook"], webhook=WebhookConfig(auth="public"))
    assert c.raw is None
    assert c.to_json_dict() == {"name": "New", "triggers": ["manual", "webhook"], "webhook": {"auth": "public"}}
