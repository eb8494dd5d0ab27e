"""Registry: discovery of every kind, broken entries with their error, reload diffs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from flowdesk.core.errors import NotFound
from flowdesk.core.registry import Registry
from flowdesk.core.workspace import Workspace

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture()
def broken_ws(tmp_path: Path) -> Workspace:
    shutil.copytree(FIXTURES / "broken_workspace", tmp_path / "ws")
    return Workspace(tmp_path / "ws")


@pytest.fixture()
def registry(broken_ws: Workspace) -> Registry:
    reg = Registry(broken_ws)
    reg.reload()
    return reg


def test_good_workflow_is_found_among_broken_ones(registry: Registry) -> None:
    good = registry.workflow("good")
    assert not good.broken
    assert good.display_name == "Good one"
    assert registry.workflow("Good one") is good  # display name works too


@pytest.mark.parametrize(
    ("slug", "expected"),
    [
        ("bad_json", "config.json: invalid JSON at line 3"),
        ("no_main", "main.py is missing"),
        ("syntax_error", "SyntaxError"),
        ("no_execute", "defines no execute(data, tools) function"),
        ("bad_fields", "triggers"),
        ("no_config", "config.json is missing"),
    ],
)
def test_each_broken_workflow_names_its_file_and_fault(registry: Registry, slug: str, expected: str) -> None:
    entry = registry.workflows[slug]
    assert entry.broken
    assert expected in entry.error
    assert str(entry.path) in entry.error


def test_bad_field_errors_name_the_field_path(registry: Registry) -> None:
    error = registry.workflows["bad_fields"].error
    assert "triggers" in error and "inputs_schema[0].type" in error


def test_syntax_error_gives_the_line(registry: Registry) -> None:
    assert "line 1" in registry.workflows["syntax_error"].error


def test_import_errors_are_not_guessed_statically(registry: Registry) -> None:
    # Import errors need a worker probe (see tests/cli); statically the file is fine.
    assert not registry.workflows["import_error"].broken


def test_seed_helpers_are_read_without_importing(registry: Registry) -> None:
    entry = registry.workflows["seed_helpers"]
    assert entry.seed_inputs == [{"name": "user_email", "type": "email", "label": "Email", "required": True}]
    assert entry.seed_profiles == {"date": "ISO"}
    assert not entry.needs_probe


def test_tools_builtin_and_workspace(registry: Registry) -> None:
    assert registry.tool("good_tool").class_name == "GoodTool"
    assert not registry.tool("good_tool").builtin
    assert "no subclass of BaseTool" in registry.tools["classless_tool"].error
    assert "invalid JSON" in registry.tools["bad_tool_json"].error
    assert registry.tool("date").builtin


def test_workspace_tool_overrides_builtin(broken_ws: Workspace) -> None:
    target = broken_ws.tools_dir / "date"
    shutil.copytree(broken_ws.tools_dir / "good_tool", target)
    reg = Registry(broken_ws)
    reg.reload()
    assert not reg.tool("date").builtin
    assert reg.tool("date").overrides_builtin


def test_interfaces(registry: Registry) -> None:
    assert registry.interface("plain").route == "/plain"
    seed = registry.interface("seed_style")
    assert (seed.display_name, seed.route, seed.config.icon, seed.source) == ("Seed style", "/seed", "S", "main.py")
    assert not seed.broken
    no_index = registry.interfaces["no_index"]  # a warning since issue 12 #14: not broken, served, listed with why
    assert not no_index.broken and "src/index.html is missing" in no_index.warnings[0]
    assert "already used by interface plain" in registry.interfaces["plain_copy"].error
    assert "reserved" in registry.interfaces["reserved"].error


def test_unknown_names_raise_not_found(registry: Registry) -> None:
    with pytest.raises(NotFound, match="nope"):
        registry.workflow("nope")
    with pytest.raises(NotFound, match="not installed"):
        registry.tool("nope")


def test_reload_reports_added_removed_changed_broken(broken_ws: Workspace, registry: Registry) -> None:
    assert registry.reload().empty  # nothing changed on disk
    shutil.rmtree(broken_ws.workflows_dir / "no_main")
    new = broken_ws.workflows_dir / "fresh"
    new.mkdir()
    (new / "config.json").write_text('{"name": "Fresh"}')
    (new / "main.py").write_text("def execute(data, tools):\n    return {}\n")
    good_main = broken_ws.workflows_dir / "good" / "main.py"
    good_main.write_text(good_main.read_text() + "\n# edited\n")
    report = registry.reload()
    assert report.added == ["workflow:fresh"]
    assert report.removed == ["workflow:no_main"]
    assert report.changed == ["workflow:good"]
    assert "workflow:bad_json" in report.broken and "workflow:good" not in report.broken


def test_a_workflow_broken_later_keeps_the_others(broken_ws: Workspace, registry: Registry) -> None:
    (broken_ws.workflows_dir / "good" / "config.json").write_text("{nope")
    registry.reload()
    assert registry.workflows["good"].broken
    assert not registry.workflows["seed_helpers"].broken


def test_refresh_workflow_picks_up_edits_without_reload(broken_ws: Workspace, registry: Registry) -> None:
    cfg = broken_ws.workflows_dir / "good" / "config.json"
    cfg.write_text('{"name": "Renamed", "triggers": ["manual"]}')
    assert registry.refresh_workflow("good").display_name == "Renamed"


def test_hidden_and_private_folders_are_ignored(broken_ws: Workspace) -> None:
    (broken_ws.workflows_dir / "__pycache__").mkdir()
    (broken_ws.workflows_dir / "_drafts").mkdir()
    (broken_ws.workflows_dir / ".git").mkdir()
    reg = Registry(broken_ws)
    reg.reload()
    assert not {"__pycache__", "_drafts", ".git"} & set(reg.workflows)
