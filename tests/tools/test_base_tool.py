"""BaseTool: construction from profile or config, validation, action dispatch, result shapes, masking."""

from __future__ import annotations

import importlib.util
import json
import logging
import sys
import uuid
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from flowdesk.tools import BaseTool, ToolParamError

TOOL_CONFIG = {
    "tool_name": "mon_outil",
    "display_name": "Mon Outil",
    "required_params": ["api_key"],
    "optional_params": {"timeout": 30, "base_url": "https://api.example.com"},
    "actions": {
        "search": {"description": "Recherche", "parameters": {"query": "Terme"}},
        "ping": {"description": "Ping"},
    },
}

TOOL_SOURCE = '''
from flowdesk.tools import BaseTool, ToolParamError

class MonOutilTool(BaseTool):
    def action_search(self, params):
        if not params.get("query"):
            raise ToolParamError("query is required")
        return {"query": params["query"], "results": []}

    def _ping(self, params):
        return self.success({"pong": True}, message="pong")

    def _helper(self, params):
        return "private"

    def action_crash(self, params):
        raise RuntimeError("boom " + self.config["api_key"])
'''


def load_tool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: str = "mon_outil",
              config: dict[str, Any] | None = TOOL_CONFIG, source: str = TOOL_SOURCE) -> ModuleType:
    """Write a tool folder like a workspace one and import its main.py under a unique name."""
    d = tmp_path / "private" / "tools" / folder
    d.mkdir(parents=True)
    if config is not None:
        (d / "config.json").write_text(json.dumps(config), encoding="utf-8")
    (d / "main.py").write_text(source, encoding="utf-8")
    name = f"fd_test_{folder}_{uuid.uuid4().hex}"
    spec = importlib.util.spec_from_file_location(name, d / "main.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, name, module)  # inspect.getfile() finds classes through sys.modules
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / ".env").write_text(
        "MON_OUTIL_TEST_API_KEY=test_api_key_123\nMON_OUTIL_TEST_TIMEOUT=45\n", encoding="utf-8")
    monkeypatch.setenv("FLOWDESK_WORKSPACE", str(tmp_path))
    monkeypatch.delenv("MON_OUTIL_TEST_API_KEY", raising=False)
    return tmp_path


@pytest.fixture
def tool_cls(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> type[BaseTool]:
    return load_tool(workspace, monkeypatch).MonOutilTool


def test_profile_values_come_from_the_workspace_env(tool_cls: type[BaseTool]) -> None:
    tool = tool_cls(profile="TEST")
    assert tool.tool_name == "mon_outil"
    assert tool.profile == "TEST"
    assert tool.config == {"api_key": "test_api_key_123", "timeout": 45, "base_url": "https://api.example.com"}
    assert tool.sources["api_key"] == "config/.env"
    assert tool.authenticated is False
    assert tool.logger.name == "flowdesk.tools.mon_outil"
    assert tool.authenticate() and tool.is_authenticated()


def test_positional_profile_and_default_profile(tool_cls: type[BaseTool]) -> None:
    assert tool_cls("TEST").config["api_key"] == "test_api_key_123"
    assert tool_cls().profile == "DEFAULT"


def test_config_is_used_as_is_over_defaults(tool_cls: type[BaseTool]) -> None:
    tool = tool_cls(config={"api_key": "given", "timeout": 5})
    assert tool.config == {"api_key": "given", "timeout": 5, "base_url": "https://api.example.com"}
    assert tool.profile == "DEFAULT"
    assert tool.sources == {"api_key": "config", "timeout": "config", "base_url": "default"}
    assert tool_cls({"api_key": "dict-first"}).config["api_key"] == "dict-first"  # seed habit


def test_missing_params_are_logged_by_variable_name(tool_cls: type[BaseTool], caplog: pytest.LogCaptureFixture) -> None:
    tool = tool_cls(profile="PROD")
    assert tool.missing_params() == ["api_key"]
    with caplog.at_level(logging.WARNING, logger="flowdesk.tools.mon_outil"):
        assert tool.validate_config() is False
    assert "MON_OUTIL_PROD_API_KEY" in caplog.text
    assert tool.authenticate() is False
    result = tool.execute("search", {"query": "x"})
    assert result["status"] == "error" and "MON_OUTIL_PROD_API_KEY" in result["error"]


def test_workspace_defaults_to_cwd(tool_cls: type[BaseTool], workspace: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLOWDESK_WORKSPACE")
    monkeypatch.chdir(workspace)
    assert tool_cls(profile="TEST").config["api_key"] == "test_api_key_123"


def test_environment_overrides_env_file(tool_cls: type[BaseTool], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MON_OUTIL_TEST_API_KEY", "from-shell")
    assert tool_cls(profile="TEST").config["api_key"] == "from-shell"


def test_execute_dispatch_and_result_shapes(tool_cls: type[BaseTool]) -> None:
    tool = tool_cls(profile="TEST")
    assert tool.execute("search", {"query": "q"}) == {"status": "success", "data": {"query": "q", "results": []}}
    assert tool.is_authenticated()  # execute authenticates on first use
    assert tool.execute("ping") == {"status": "success", "data": {"pong": True}, "message": "pong"}
    bad = tool.execute("search", {})
    assert bad == {"status": "error", "error": "query is required", "message": "query is required"}


def test_unknown_and_private_actions_are_refused(tool_cls: type[BaseTool]) -> None:
    tool = tool_cls(profile="TEST")
    for action in ("nope", "helper", "_helper", "__init__", "", None):
        result = tool.execute(action)  # type: ignore[arg-type]
        assert result["status"] == "error"
    assert tool.execute("helper")["error"] == (
        "Action helper not supported by tool mon_outil; available: search, ping, crash")


def test_tool_exceptions_become_masked_error_results(tool_cls: type[BaseTool],
                                                     caplog: pytest.LogCaptureFixture) -> None:
    tool = tool_cls(profile="TEST")
    with caplog.at_level(logging.ERROR):
        result = tool.execute("crash")
    assert result["status"] == "error"
    assert result["error"].startswith("RuntimeError: boom")
    assert "action crash of tool mon_outil failed" in caplog.text
    assert "test_api_key_123" in tool.secrets


def test_params_must_be_a_mapping(tool_cls: type[BaseTool]) -> None:
    assert tool_cls(profile="TEST").execute("search", ["q"])["status"] == "error"  # type: ignore[arg-type]


def test_available_actions_from_config_dict_and_methods(tool_cls: type[BaseTool]) -> None:
    assert tool_cls(profile="TEST").get_available_actions() == ["search", "ping", "crash"]


def test_available_actions_from_seed_list_format(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = {"name": "Example Tool", "required_params": ["api_key"], "optional_params": ["region"],
              "actions": [{"name": "example_action", "params": []}, {"name": "test_connection"}]}
    source = "from flowdesk.tools import BaseTool\nclass ExampleTool(BaseTool):\n    pass\n"
    module = load_tool(workspace, monkeypatch, folder="example", config=config, source=source)
    tool = module.ExampleTool(config={"api_key": "k"})
    assert tool.tool_name == "example"  # no tool_name: the folder name
    assert tool.get_available_actions() == ["example_action", "test_connection"]
    assert tool.config == {"region": None, "api_key": "k"}


def test_tool_without_config_json_uses_class_name(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FLOWDESK_WORKSPACE", str(tmp_path))

    class WeatherTool(BaseTool):
        pass

    tool = WeatherTool()
    assert tool.tool_name == "weather"
    assert tool.config == {} and tool.validate_config()
    assert tool.get_available_actions() == []


def test_subclass_elsewhere_inherits_the_tool_folder(tool_cls: type[BaseTool]) -> None:
    class Special(tool_cls):  # type: ignore[misc, valid-type]
        pass

    assert Special(profile="TEST").tool_name == "mon_outil"


def test_get_config_value(tool_cls: type[BaseTool]) -> None:
    tool = tool_cls(config={"api_key": "k", "base_url": None})
    assert tool.get_config_value("api_key") == "k"
    assert tool.get_config_value("base_url", "fallback") == "fallback"
    assert tool.get_config_value("nope", 3) == 3


def test_repr_masks_secret_values(tool_cls: type[BaseTool]) -> None:
    text = repr(tool_cls(profile="TEST"))
    assert "test_api_key_123" not in text
    assert "'api_key': '***'" in text and "mon_outil" in text


def test_repr_survives_subclass_without_super_init() -> None:
    class Bare(BaseTool):
        def __init__(self) -> None:
            self.config = {"password": "hunter22"}

    assert "hunter22" not in repr(Bare())


def test_input_profile_without_config_is_not_available(tool_cls: type[BaseTool]) -> None:
    tool = tool_cls(profile="INPUT_API_KEY")
    assert tool.missing_params() == ["api_key"]
    assert not tool.validate_config()


def test_result_helpers() -> None:
    assert BaseTool.success() == {"status": "success", "data": None}
    assert BaseTool.success([1], message="ok") == {"status": "success", "data": [1], "message": "ok"}
    assert BaseTool.error("bad", code=401) == {"status": "error", "error": "bad", "message": "bad", "code": 401}


def test_tool_param_error_is_a_value_error() -> None:
    assert issubclass(ToolParamError, ValueError)


def test_helpers_survive_subclass_without_super_init() -> None:
    class Bare(BaseTool):
        def __init__(self) -> None:
            self.config = {"password": "hunter22"}

    tool = Bare()
    assert tool.validate_config() and tool.missing_params() == []
    assert tool.secrets == ["hunter22"]
    assert tool.execute("nope")["status"] == "error"


def test_variables_follow_the_folder_slug_and_accept_tool_name(workspace: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # The seed's google_calendar/ folder had tool_name "calendar" and read GOOGLE_CALENDAR_* variables.
    config = {"tool_name": "calendar", "required_params": ["token_file", "calendar_id"]}
    module = load_tool(workspace, monkeypatch, folder="google_calendar", config=config,
                       source="from flowdesk.tools import BaseTool\nclass CalendarTool(BaseTool):\n    pass\n")
    monkeypatch.setenv("GOOGLE_CALENDAR_TEST_TOKEN_FILE", "etc/secrets/google_test_token.json")
    monkeypatch.setenv("CALENDAR_TEST_CALENDAR_ID", "test@company.com")
    tool = module.CalendarTool(profile="TEST")
    assert tool.tool_name == "calendar"
    assert tool.config == {"token_file": "etc/secrets/google_test_token.json", "calendar_id": "test@company.com"}
    assert module.CalendarTool(profile="WORK").missing_variables() == [
        "GOOGLE_CALENDAR_WORK_TOKEN_FILE", "GOOGLE_CALENDAR_WORK_CALENDAR_ID"]
