"""``InputField``: one entry of a workflow's ``inputs_schema`` (drives the form and input validation)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal, get_args

from pydantic import Field, PrivateAttr, WithJsonSchema, field_validator, model_validator

from flowdesk.core.config.base import ConfigModel, FieldProblem
from flowdesk.core.input_validation import coerce_value
from flowdesk.core.translatable import translatable

FieldType = Literal[
    "text", "textarea", "email", "url", "password", "number", "integer",
    "checkbox", "select", "multiselect", "date", "datetime", "json",
]
FIELD_TYPES: tuple[str, ...] = get_args(FieldType)

# Spellings accepted in config.json and normalised on load; the file keeps what the user wrote.
TYPE_ALIASES: dict[str, str] = {
    "boolean": "checkbox",
    "bool": "checkbox",
    "string": "text",
    "int": "integer",
    "float": "number",
    "datetime-local": "datetime",
}

TEXT_TYPES = frozenset({"text", "textarea", "password"})
LENGTH_TYPES = frozenset({"text", "textarea", "password", "email", "url"})  # min/max = length
VALUE_TYPES = frozenset({"number", "integer"})  # min/max = value
TIME_TYPES = frozenset({"date", "datetime"})  # min/max = ISO date / date-time
CHOICE_TYPES = frozenset({"select", "multiselect"})  # multiselect: min/max = how many chosen

NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_-]*$"
_NAME_RE = re.compile(NAME_PATTERN)

_SCALAR = {"type": ["string", "number", "boolean"]}
_OPTIONS_SCHEMA = {
    "type": "array",
    "description": "Choices: plain values, or objects {value, label}.",
    "items": {
        "anyOf": [
            _SCALAR,
            {
                "type": "object",
                "properties": {"value": _SCALAR, "label": {"type": "string"}},
                "required": ["value"],
            },
        ]
    },
}
_TYPE_SCHEMA = {
    "type": "string",
    "enum": [*FIELD_TYPES, *TYPE_ALIASES],
    "default": "text",
    "description": f"Input type; aliases: {', '.join(f'{a} = {t}' for a, t in TYPE_ALIASES.items())}.",
}
_BOUND_SCHEMA = {
    "type": ["number", "string", "null"],
    "description": "number/integer: value; text types: length; multiselect: how many; date/datetime: ISO string.",
}


def _check_scalar(value: Any) -> Any:
    """Option values must be JSON scalars so they can be compared with submitted input."""
    if value is None or not isinstance(value, (str, int, float, bool)):
        raise ValueError(translatable("Config", "an option value must be a string, a number or true/false"))
    return value


class Option(ConfigModel):
    """One choice of a select / multiselect field; ``label`` defaults to the value."""

    value: Annotated[Any, WithJsonSchema(_SCALAR)]
    label: str | None = None

    _plain: bool = PrivateAttr(default=False)

    @model_validator(mode="wrap")
    @classmethod
    def _accept_plain(cls, data: Any, handler: Any) -> Any:
        plain = not isinstance(data, (dict, Option))
        option = handler({"value": data} if plain else data)
        if plain:
            option._plain = True
            option._raw = None
        return option

    @field_validator("value")
    @classmethod
    def _scalar(cls, value: Any) -> Any:
        return _check_scalar(value)

    @model_validator(mode="after")
    def _default_label(self) -> Option:
        if self.label is None:
            self.label = str(self.value).lower() if isinstance(self.value, bool) else str(self.value)
        return self

    def to_json_dict(self, original: dict[str, Any] | None = None) -> Any:  # type: ignore[override]
        """A plain value when it was written as one and its label is still the default."""
        if self._plain and original is None and self.label == Option(value=self.value).label:
            return self.value
        return super().to_json_dict(original)


class InputField(ConfigModel):
    """One field of ``inputs_schema``: ``{name, type, label, required, description, default, min, max, options}``."""

    name: Annotated[str, WithJsonSchema({"type": "string", "pattern": NAME_PATTERN})]
    type: Annotated[FieldType, WithJsonSchema(_TYPE_SCHEMA)] = "text"
    label: str | None = Field(None, description="Shown in forms; defaults to the name.")
    required: bool = False
    description: str | None = None
    default: Any = Field(None, description="Pre-filled value; must itself be valid for the field.")
    min: Annotated[Any, WithJsonSchema(_BOUND_SCHEMA)] = None
    max: Annotated[Any, WithJsonSchema(_BOUND_SCHEMA)] = None
    options: Annotated[list[Option] | None, WithJsonSchema(_OPTIONS_SCHEMA)] = None
    placeholder: str | None = None

    @field_validator("name")
    @classmethod
    def _identifier_like(cls, name: str) -> str:
        if not _NAME_RE.match(name):
            raise ValueError(translatable("Config", "'{name}' is not a valid input name: use letters, digits, _ and -, "
                                          "starting with a letter or _", name=name))
        return name

    @field_validator("type", mode="before")
    @classmethod
    def _normalise_type(cls, value: Any) -> Any:
        if not isinstance(value, str):
            raise ValueError(translatable("Config", "must be a string"))
        key = value.strip().lower()
        key = TYPE_ALIASES.get(key, key)
        if key not in FIELD_TYPES:
            raise ValueError(translatable("Config", "unknown input type '{value}'; use one of: {types}", value=value,
                                          types=", ".join(FIELD_TYPES)))
        return key

    @field_validator("min", "max")
    @classmethod
    def _bound_kind(cls, value: Any) -> Any:
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float, str))):
            raise ValueError(translatable("Config", "must be a number (or an ISO date for date fields)"))
        return value

    @model_validator(mode="after")
    def _check_consistency(self) -> InputField:
        if self.label is None:
            self.label = self.name
        for key in ("min", "max"):
            bound = getattr(self, key)
            if bound is not None:
                setattr(self, key, _check_bound(self.type, key, bound))
        if self.min is not None and self.max is not None and _gt(self.min, self.max):
            raise FieldProblem("max", translatable("Config", "max ({max}) is less than min ({min})", max=self.max, min=self.min))
        if self.type in CHOICE_TYPES:
            if not self.options:
                raise FieldProblem("options", translatable("Config", "an {type} field needs options", type=self.type)
                                   if _an(self.type) else translatable("Config", "a {type} field needs options", type=self.type))
        if self.options:
            seen: set[str] = set()
            for i, option in enumerate(self.options):
                key = repr(option.value)
                if key in seen:
                    raise FieldProblem(("options", i), translatable("Config", "duplicate option value {value}",
                                                                    value=repr(option.value)))
                seen.add(key)
        if isinstance(self.default, str) and not self.default.strip() and self.type not in TEXT_TYPES:
            self.default = None  # "default": "" on a number or a select means "no default"
        if self.default is not None:
            try:
                self.default = coerce_value(self, self.default)
            except ValueError as exc:
                raise FieldProblem("default", translatable("Config", "default value is invalid: {reason}",
                                                               reason=exc.args[0] if exc.args else str(exc))) from None
        return self

    @property
    def option_values(self) -> list[Any]:
        """The values of ``options`` (empty when there are none)."""
        return [o.value for o in self.options or []]


def _check_bound(field_type: str, key: str, bound: Any) -> Any:
    """Validate one of min / max for the field's type; returns it normalised."""
    if field_type in TIME_TYPES:
        if not isinstance(bound, str):
            raise FieldProblem(key, translatable("Config", "must be an ISO {type} string for a {type} field", type=field_type))
        try:
            parsed = date.fromisoformat(bound) if field_type == "date" else datetime.fromisoformat(bound)
        except ValueError:
            raise FieldProblem(key, translatable("Config", "'{bound}' is not an ISO {type}", bound=bound, type=field_type)) from None
        return parsed.isoformat()
    if isinstance(bound, str):
        raise FieldProblem(key, translatable("Config", "must be a number for an {type} field", type=field_type) if _an(field_type)
                           else translatable("Config", "must be a number for a {type} field", type=field_type))
    if field_type in VALUE_TYPES:
        return bound
    if field_type in LENGTH_TYPES or field_type == "multiselect":
        if bound < 0 or float(bound) != int(bound):
            raise FieldProblem(key, translatable("Config", "must be a whole number, 0 or more"))
        return int(bound)
    raise FieldProblem(key, translatable("Config", "min/max do not apply to an {type} field", type=field_type) if _an(field_type)
                       else translatable("Config", "min/max do not apply to a {type} field", type=field_type))


def _an(word: str) -> bool:
    """True when messages say "an" before ``word`` (an integer field), False for "a" (a select field)."""
    return word[0] in "aeiou"


def _gt(a: Any, b: Any) -> bool:
    """Compare two bounds of the same field; ISO date-times compared as datetimes."""
    if isinstance(a, str) and isinstance(b, str):
        da, db = datetime.fromisoformat(a), datetime.fromisoformat(b)
        if (da.tzinfo is None) != (db.tzinfo is None):
            da, db = da.replace(tzinfo=None), db.replace(tzinfo=None)
        return da > db
    return a > b
