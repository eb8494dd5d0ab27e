"""Pydantic models of workflow / tool / interface ``config.json`` files, and their load / save helpers."""

from flowdesk.core.config.base import ConfigModel, FieldProblem
from flowdesk.core.config.config_file import (
    errors_from_validation,
    load_config,
    load_interface_config,
    load_tool_config,
    load_workflow_config,
    read_json_object,
    save_config,
    write_json_atomic,
)
from flowdesk.core.config.input_field import FIELD_TYPES, TYPE_ALIASES, InputField, Option
from flowdesk.core.config.interface_config import InterfaceConfig
from flowdesk.core.config.tool_config import ActionParam, OAuthConfig, ToolAction, ToolConfig
from flowdesk.core.config.workflow_config import TRIGGERS, WebhookConfig, WorkflowConfig

__all__ = [
    "FIELD_TYPES",
    "TRIGGERS",
    "TYPE_ALIASES",
    "ActionParam",
    "ConfigModel",
    "FieldProblem",
    "InputField",
    "InterfaceConfig",
    "OAuthConfig",
    "Option",
    "ToolAction",
    "ToolConfig",
    "WebhookConfig",
    "WorkflowConfig",
    "errors_from_validation",
    "load_config",
    "load_interface_config",
    "load_tool_config",
    "load_workflow_config",
    "read_json_object",
    "save_config",
    "write_json_atomic",
]
