"""JSON Schema export: committed files current, draft 2020-12, and every seed sample validates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flowdesk.core.config import FIELD_TYPES, TYPE_ALIASES
from flowdesk.core.config.schema_export import DIALECT, SCHEMAS, build_schemas, main, render, stale_schemas

REPO = Path(__file__).resolve().parents[3]
SCHEMA_DIR = REPO / "resources" / "schemas"
FIXTURES = REPO / "tests" / "fixtures" / "configs"
SEED_DIR = REPO / ".." / "shared" / "seed-samples"
SEEDS = sorted(SEED_DIR.glob("*.json")) if SEED_DIR.is_dir() else []


def validator(kind: str):
    """A draft 2020-12 validator for the committed ``<kind>.schema.json``."""
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_committed_schemas_are_up_to_date():
    assert stale_schemas(SCHEMA_DIR) == [], "run: python -m flowdesk.core.config.schema_export resources/schemas"
    for name, schema in build_schemas().items():
        assert (SCHEMA_DIR / name).read_text(encoding="utf-8") == render(schema)


def test_schema_headers():
    assert set(build_schemas()) == {"workflow.schema.json", "tool.schema.json", "interface.schema.json"}
    for name, schema in build_schemas().items():
        assert list(schema)[:2] == ["$schema", "title"]
        assert schema["$schema"] == DIALECT
        assert schema["title"] == SCHEMAS[name][1]
        assert "$id" not in schema
        assert schema["type"] == "object"
        assert schema["additionalProperties"] is True  # unknown keys are kept, so allowed
        assert "$schema" in schema["properties"]


def test_input_type_enum_lists_types_and_aliases():
    field = build_schemas()["workflow.schema.json"]["$defs"]["InputField"]
    assert field["properties"]["type"]["enum"] == [*FIELD_TYPES, *TYPE_ALIASES]


@pytest.mark.skipif(not SEEDS, reason="seed samples not available")
@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_every_seed_sample_validates_against_the_schema(path):
    kind = "tool" if path.name.startswith("tools_") else "workflow"
    errors = [e.message for e in validator(kind).iter_errors(json.loads(path.read_text(encoding="utf-8")))]
    assert errors == []


def test_fixture_and_both_action_formats_validate():
    assert list(validator("workflow").iter_errors(json.loads((FIXTURES / "workflow_full.json").read_text()))) == []
    tool = validator("tool")
    assert tool.is_valid({"actions": {"a": {"description": "d", "parameters": {"p": "x"}, "example": {}}}})
    assert tool.is_valid({"actions": [{"name": "a", "params": [{"name": "p", "required": True}]}, "b"]})
    assert tool.is_valid({"name": "Example", "oauth_config": {"provider": "google", "scopes": []}})
    assert validator("interface").is_valid({"name": "crm", "route": "/crm", "theme": "dark"})


@pytest.mark.parametrize("kind, data", [
    ("workflow", {"triggers": ["cron"]}),
    ("workflow", {"inputs_schema": [{"name": "x", "type": "radio"}]}),
    ("workflow", {"inputs_schema": [{"name": "1x"}]}),
    ("workflow", {"max_instances": 0}),
    ("workflow", {"catchup": "always"}),
    ("workflow", {"webhook": {"auth": "basic"}}),
    ("workflow", {"webhook": {"auth": "api", "typo": 1}}),
    ("tool", {"actions": "send"}),
    ("tool", {"actions": [{"description": "no name"}]}),
    ("interface", {"route": "crm"}),
])
def test_schema_rejects_what_the_loader_rejects(kind, data):
    assert not validator(kind).is_valid(data)


def test_command_line_writes_and_checks(tmp_path, capsys):
    assert main([str(tmp_path / "out")]) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(SCHEMAS)
    assert main([str(tmp_path / "out"), "--check"]) == 0
    (tmp_path / "out" / "tool.schema.json").write_text("{}", encoding="utf-8")
    assert main([str(tmp_path / "out"), "--check"]) == 1
    assert "tool.schema.json: out of date" in capsys.readouterr().err
