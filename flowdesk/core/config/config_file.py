"""Read config.json files into models (errors as ``ConfigErrors``) and write them back atomically."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from flowdesk.core.atomic_files import write_json_atomic
from flowdesk.core.config.base import OWNED_JSON, ConfigModel, FieldProblem
from flowdesk.core.config.interface_config import InterfaceConfig
from flowdesk.core.config.tool_config import ToolConfig
from flowdesk.core.config.workflow_config import WorkflowConfig
from flowdesk.core.errors import ConfigError, ConfigErrors
from flowdesk.core.translatable import message_template, translatable

M = TypeVar("M", bound=BaseModel)

# Pydantic error types rendered in plain words; anything else falls back to pydantic's text.
_MESSAGES = {
    "missing": translatable("Config", "is required"),
    "extra_forbidden": translatable("Config", "unknown key"),
    "string_type": translatable("Config", "must be a string"),
    "int_type": translatable("Config", "must be a whole number"),
    "int_parsing": translatable("Config", "must be a whole number"),
    "int_from_float": translatable("Config", "must be a whole number"),
    "float_type": translatable("Config", "must be a number"),
    "float_parsing": translatable("Config", "must be a number"),
    "bool_type": translatable("Config", "must be true or false"),
    "bool_parsing": translatable("Config", "must be true or false"),
    "list_type": translatable("Config", "must be a list"),
    "dict_type": translatable("Config", "must be an object"),
    "model_type": translatable("Config", "must be an object"),
    "model_attributes_type": translatable("Config", "must be an object"),
}
_BOUNDS = {"greater_than_equal": (message_template("Config", "must be at least {bound}"), "ge"),
           "greater_than": (message_template("Config", "must be greater than {bound}"), "gt"),
           "less_than_equal": (message_template("Config", "must be at most {bound}"), "le"),
           "less_than": (message_template("Config", "must be less than {bound}"), "lt")}


def read_json_object(path: Path) -> dict[str, Any]:
    """The JSON object in ``path``; unreadable files, bad JSON and non-objects raise ConfigErrors."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")  # -sig: files saved by Windows editors
    except FileNotFoundError:
        raise ConfigErrors([ConfigError(path, None, translatable("Config", "file not found"))]) from None
    except UnicodeDecodeError:
        raise ConfigErrors([ConfigError(path, None, translatable("Config", "not UTF-8 text"))]) from None
    except OSError as exc:
        raise ConfigErrors([ConfigError(path, None, translatable("Config", "cannot read file: {reason}",
                                                                reason=str(exc.strerror or exc)))]) from None
    if not text.strip():
        raise ConfigErrors([ConfigError(path, None, translatable("Config", "file is empty"))])
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        message = translatable("Config", "invalid JSON at line {line} column {column}: {reason}", line=exc.lineno,
                               column=exc.colno, reason=exc.msg)
        raise ConfigErrors([ConfigError(path, None, message)]) from None
    if not isinstance(data, dict):
        raise ConfigErrors([ConfigError(path, None, translatable("Config", "the top level must be a JSON object {...}"))])
    return data


def load_config(path: Path, model_type: type[M]) -> M:
    """Read and validate ``path`` as ``model_type``; raises ConfigErrors with one entry per bad field."""
    data = read_json_object(path)
    try:
        return model_type.model_validate(data, context={OWNED_JSON: True})
    except ValidationError as exc:
        raise errors_from_validation(path, exc, data) from None


def load_workflow_config(path: Path) -> WorkflowConfig:
    """A workflow ``config.json`` as a WorkflowConfig (raises ConfigErrors)."""
    return load_config(path, WorkflowConfig)


def load_tool_config(path: Path) -> ToolConfig:
    """A tool ``config.json`` as a ToolConfig (raises ConfigErrors)."""
    return load_config(path, ToolConfig)


def load_interface_config(path: Path) -> InterfaceConfig:
    """An interface ``config.json`` as an InterfaceConfig (raises ConfigErrors)."""
    return load_config(path, InterfaceConfig)


def errors_from_validation(path: Path | str | None, exc: ValidationError,
                           data: dict[str, Any] | None = None) -> ConfigErrors:
    """One ConfigError per pydantic error, field rendered like ``inputs_schema[2].type``.

    With ``data`` (the validated dict) the errors follow the order of its keys, as the user reads the file.
    """
    found = []
    order = {key: i for i, key in enumerate(data or {})}
    for err in exc.errors(include_url=False):
        loc = list(err["loc"])
        cause = (err.get("ctx") or {}).get("error")
        if isinstance(cause, FieldProblem):
            loc += list(cause.loc)
        rank = order.get(loc[0], len(order)) if loc else -1
        found.append((rank, ConfigError(path, render_loc(loc), _message(err, cause))))
    found.sort(key=lambda pair: pair[0])  # stable: pydantic's order within one key
    return ConfigErrors([error for _, error in found])


def render_loc(loc: list[str | int] | tuple[str | int, ...]) -> str | None:
    """``("inputs_schema", 2, "type")`` -> ``"inputs_schema[2].type"`` (None for the whole file)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif "[" in part or "(" in part:
            continue  # pydantic's internal step names (function-after[...]), not user keys
        else:
            out += f".{part}" if out else part
    return out or None


def _message(err: Any, cause: Any) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind in ("value_error", "assertion_error") and cause is not None:
        first = cause.args[0] if len(cause.args) == 1 else None
        return first if isinstance(first, str) else str(cause)  # keeps a translatable message translatable
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    if kind == "literal_error":
        return translatable("Config", "must be {expected}, not {value}", expected=ctx.get("expected"),
                            value=repr(err.get("input")))
    if kind in _BOUNDS:
        template, key = _BOUNDS[kind]
        bound = ctx.get(key)
        if isinstance(bound, float) and bound.is_integer():
            bound = int(bound)
        return template(bound=bound)
    msg = str(err.get("msg", "is invalid"))
    return msg[:1].lower() + msg[1:]


def save_config(path: Path, model_or_dict: BaseModel | dict[str, Any], original: dict[str, Any] | None = None,
                *, model_type: type[BaseModel] | None = None) -> dict[str, Any]:
    """Write a config atomically, keeping ``original``'s key order, unknown keys and spellings.

    A model is written through ``to_json_dict(original)`` (``original`` defaults to the
    dict it was loaded from) and re-validated first, so an invalid file is never written.
    A dict is written as given, ordered like ``original``; pass ``model_type`` to validate it.
    Returns the dict written. Raises ConfigErrors when validation fails.
    """
    if isinstance(model_or_dict, ConfigModel):
        data = model_or_dict.to_json_dict(original)
        model_type = model_type or type(model_or_dict)
    elif isinstance(model_or_dict, BaseModel):
        data = model_or_dict.model_dump(mode="json", exclude_defaults=True)
    else:
        data = _ordered_like(dict(model_or_dict), original)
    if model_type is not None:
        try:
            model_type.model_validate(data)
        except ValidationError as exc:
            raise errors_from_validation(path, exc, data) from None
    write_json_atomic(path, data)
    return data


def _ordered_like(data: dict[str, Any], original: dict[str, Any] | None) -> dict[str, Any]:
    """``data`` with the keys ``original`` had first, in its order; new keys after."""
    if not original:
        return data
    ordered = {k: data[k] for k in original if k in data}
    ordered.update((k, v) for k, v in data.items() if k not in ordered)
    return ordered
