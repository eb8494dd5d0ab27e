"""``ToolConfig``: a tool's ``config.json``, with both seed formats of ``actions`` normalised to one."""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar

from pydantic import Field, WithJsonSchema, field_validator, model_validator

from flowdesk.core.config.base import ConfigModel
from flowdesk.core.config.input_field import InputField
from flowdesk.core.translatable import translatable

SECRET_WORDS = ("key", "token", "secret", "password", "credential")
# Seed action descriptions flag required parameters in prose: "Titre (requis)".
_REQUIRED_HINT = re.compile(r"\((requis|required|obligatoire)\b", re.IGNORECASE)

_PARAM_SCHEMA = {
    "anyOf": [
        {"type": "string"},
        {
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "type": {"type": "string"},
                "required": {"type": "boolean"},
                "description": {"type": "string"},
            },
            "required": ["name"],
        },
    ]
}
_ACTION_BODY = {
    "type": "object",
    "properties": {
        "description": {"type": "string"},
        "parameters": {"type": "object", "additionalProperties": {"type": ["string", "object", "null"]}},
        "params": {"type": "array", "items": _PARAM_SCHEMA},
        "example": {"type": "object"},
        "examples": {"type": ["object", "array"]},
    },
}
_ACTIONS_SCHEMA = {
    "description": "Either {action: {description, parameters: {p: description}, example(s)}} "
                   "or [{name, description, params: [{name, type, required, description}]}].",
    "anyOf": [
        {"type": "object", "additionalProperties": {"anyOf": [_ACTION_BODY, {"type": "string"}]}},
        {
            "type": "array",
            "items": {
                "anyOf": [
                    {"type": "string"},
                    {**_ACTION_BODY, "properties": {"name": {"type": "string"}, **_ACTION_BODY["properties"]},
                     "required": ["name"]},
                ]
            },
        },
    ],
}


class ActionParam(ConfigModel):
    """One parameter of a tool action (``type`` and ``required`` are unknown in the dict format)."""

    name: str
    description: str | None = None
    type: str | None = None
    required: bool = False

    @model_validator(mode="before")
    @classmethod
    def _guess_required(cls, data: Any) -> Any:
        if isinstance(data, dict) and "required" not in data:
            description = data.get("description")
            if isinstance(description, str) and _REQUIRED_HINT.search(description):
                return {**data, "required": True}
        return data


class ToolAction(ConfigModel):
    """One action of a tool: name, description, parameters and example calls."""

    name: str
    description: str | None = None
    params: list[ActionParam] = []
    examples: list[dict[str, Any]] = []

    json_key_sources: ClassVar[dict[str, tuple[str, ...]]] = {"params": ("parameters",), "examples": ("example",)}

    @model_validator(mode="before")
    @classmethod
    def _normalise(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        params, parameters = data.pop("params", None), data.pop("parameters", None)
        data["params"] = _normalise_params(params if params is not None else parameters)
        data["examples"] = _normalise_examples(data.pop("example", None), data.pop("examples", None))
        return data


class OAuthConfig(ConfigModel):
    """``oauth_config``: the OAuth provider (``google``) and the scopes to request."""

    provider: str
    scopes: list[str] = []


class ToolConfig(ConfigModel):
    """A tool ``config.json``: seed keys, FlowDesk's optional keys, and anything else kept as is."""

    tool_name: str | None = Field(None, description="The tool's name as used in tools_required.")
    name: str | None = Field(None, description="Older spelling of the tool's name.")
    display_name: str | None = None
    description: str | None = None
    required_params: list[str] = []
    optional_params: dict[str, Any] = Field({}, description="Parameter -> default value.")
    actions: Annotated[list[ToolAction], WithJsonSchema(_ACTIONS_SCHEMA)] = []
    profile_examples: dict[str, dict[str, Any]] = {}
    oauth_config: OAuthConfig | None = None
    inputs_schema: list[InputField] = []
    setup_instructions: Any = None
    security_notes: Any = None
    format_examples: Any = None
    aliases: list[str] = Field([], description="Other names workflows may use for this tool.")
    secret_params: list[str] | None = Field(
        None, description="Parameters to mask; default those named like key/token/secret/password/credential.")
    enabled: bool = True
    class_name: str | None = Field(None, description="BaseTool subclass in main.py; default the first one.")
    icon: str | None = None

    @field_validator("actions", mode="before")
    @classmethod
    def _normalise_actions(cls, value: Any) -> Any:
        if value is None:
            return []
        if isinstance(value, dict):
            out = []
            for name, spec in value.items():
                if isinstance(spec, str) or spec is None:
                    spec = {"description": spec}
                if not isinstance(spec, dict):
                    raise ValueError(translatable("Config", "action '{name}' must be an object", name=name))
                out.append({"name": name, **{k: v for k, v in spec.items() if k != "name"}})
            return out
        if isinstance(value, list):
            return [{"name": v} if isinstance(v, str) else v for v in value]
        raise ValueError(translatable("Config", "must be an object {action: {...}} or a list of actions"))

    @field_validator("class_name")
    @classmethod
    def _identifier(cls, value: str | None) -> str | None:
        if value is not None and not value.isidentifier():
            raise ValueError(translatable("Config", "'{value}' is not a Python class name", value=value))
        return value

    @model_validator(mode="after")
    def _actions_from_supported_actions(self) -> ToolConfig:
        # Some seed tools only list names under "supported_actions".
        supported = (self.__pydantic_extra__ or {}).get("supported_actions")
        if not self.actions and isinstance(supported, list) and all(isinstance(s, str) for s in supported):
            self.actions = [ToolAction(name=s) for s in supported]
        return self

    def to_json_dict(self, original: dict[str, Any] | None = None) -> dict[str, Any]:
        """As ConfigModel.to_json_dict, writing changed ``actions`` back in the file's own format."""
        out = super().to_json_dict(original)
        source = original if original is not None else self.raw
        written = out.get("actions")
        if source and isinstance(source.get("actions"), dict) and isinstance(written, list):
            names = [a.get("name") for a in written if isinstance(a, dict)]
            if len(names) == len(written) and len(set(names)) == len(names):
                out["actions"] = {a["name"]: {k: v for k, v in a.items() if k != "name"} for a in written}
        return out

    @property
    def is_oauth(self) -> bool:
        """True for tools authorised through OAuth (``oauth_config`` present)."""
        return self.oauth_config is not None

    @property
    def declared_name(self) -> str | None:
        """``tool_name``, else the older ``name`` key."""
        return self.tool_name or self.name

    @property
    def title(self) -> str | None:
        """Human name: ``display_name``, else ``name``, else ``tool_name``."""
        return self.display_name or self.name or self.tool_name

    @property
    def param_names(self) -> list[str]:
        """Required then optional parameter names, without repeats."""
        return list(dict.fromkeys([*self.required_params, *self.optional_params]))

    def is_secret_param(self, param: str) -> bool:
        """True when the value of ``param`` must be masked in logs and the GUI."""
        if self.secret_params is not None:
            return param in self.secret_params
        lowered = param.lower()
        return any(word in lowered for word in SECRET_WORDS)

    @property
    def secret_param_names(self) -> list[str]:
        """The parameters whose values are masked."""
        names = self.param_names + [p for p in self.secret_params or [] if p not in self.param_names]
        return [p for p in names if self.is_secret_param(p)]

    def action(self, name: str) -> ToolAction | None:
        """The action called ``name``, if any."""
        return next((a for a in self.actions if a.name == name), None)


def _normalise_params(value: Any) -> Any:
    """``{p: "desc"}`` or ``[{name, ...}]`` / ``["p"]`` -> list of param dicts."""
    if value is None:
        return []
    if isinstance(value, dict):
        return [{"name": k, **v} if isinstance(v, dict) else {"name": k, "description": None if v is None else str(v)}
                for k, v in value.items()]
    if isinstance(value, list):
        return [{"name": p} if isinstance(p, str) else p for p in value]
    raise ValueError(translatable("Config", "parameters must be an object {name: description} or a list"))


def _normalise_examples(example: Any, examples: Any) -> list[Any]:
    """``example`` (one call) and ``examples`` (named calls or a list) -> one list, names kept."""
    out: list[Any] = [] if example is None else [example]
    if isinstance(examples, dict):
        out += [{"name": k, **v} if isinstance(v, dict) and "name" not in v else v for k, v in examples.items()]
    elif isinstance(examples, list):
        out += examples
    elif examples is not None:
        out.append(examples)
    return out
