"""Check and coerce run input against a workflow's ``inputs_schema``, with messages a user understands."""

from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from flowdesk.core.errors import InputValidationError
from flowdesk.core.json_limits import JsonLimitError, data_too_deep, loads_limited, too_deep_message
from flowdesk.core.translatable import Translatable, translatable

if TYPE_CHECKING:
    from flowdesk.core.config.input_field import InputField

SOURCES = ("json", "query", "cli", "form")
# These sources deliver strings, and a key given twice arrives as a list.
_STRING_SOURCES = frozenset({"query", "cli", "form"})
_TEXT_TYPES = frozenset({"text", "textarea", "password"})
_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off"})
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_URL_SCHEMES = frozenset({"http", "https", "ftp"})
MASK = "***"


def validate_inputs(fields: Iterable[InputField], raw: Mapping[str, Any] | None, *,
                    source: str = "json") -> dict[str, Any]:
    """Typed copy of ``raw``: defaults filled, values coerced, unknown keys kept; raises InputValidationError."""
    if source not in SOURCES:
        raise ValueError(f"unknown input source {source!r}; use one of {SOURCES}")
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise InputValidationError({"data": _msg("must be a JSON object")})
    out: dict[str, Any] = dict(raw)
    errors: dict[str, str] = {}  # Translatable values: the window and the CLI show them in their language
    for field in fields:
        present = field.name in raw
        value = raw.get(field.name)
        if source in _STRING_SOURCES and field.type not in ("multiselect", "json") and isinstance(value, list):
            value = value[-1] if value else None  # a repeated key: the last one wins, as in HTML forms
        if field.type == "checkbox" and source == "form" and not present:
            value = False  # an unchecked HTML checkbox is simply absent
        if _is_blank(value):
            if field.default is not None:
                out[field.name] = copy.deepcopy(field.default)
            elif field.required:
                errors[field.name] = _msg("is required")
            elif field.type == "checkbox":
                out[field.name] = False
            elif present:
                out[field.name] = _empty_value(field, value)
            continue
        try:
            out[field.name] = coerce_value(field, value)
        except ValueError as exc:
            errors[field.name] = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
    if errors:
        raise InputValidationError(errors)
    return out


def coerce_value(field: InputField, value: Any) -> Any:
    """One non-empty value converted to the field's type; raises ValueError(user message)."""
    if field.type != "json" and field.type != "multiselect" and isinstance(value, (list, dict)):
        raise ValueError(_msg("must be a single value"))
    return _COERCERS[field.type](field, value)


def mask_secrets(fields: Iterable[InputField], data: Mapping[str, Any]) -> dict[str, Any]:
    """Copy of ``data`` with the values of password fields replaced by ``"***"``."""
    out = dict(data)
    for field in fields:
        if field.type == "password" and not _is_blank(out.get(field.name)):
            out[field.name] = MASK
    return out


def secret_values(fields: Iterable[InputField], data: Mapping[str, Any]) -> list[str]:
    """The password-field values of ``data``, for masking them in logs and output."""
    return [str(data[f.name]) for f in fields
            if f.type == "password" and not _is_blank(data.get(f.name))]


def _is_blank(value: Any) -> bool:
    """Missing for the purpose of ``required`` and defaults: None, blank text, empty list."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list) and not value


def _empty_value(field: InputField, value: Any) -> Any:
    """What an optional field given empty becomes: text keeps its text, a multiselect [], others None."""
    if field.type in _TEXT_TYPES and isinstance(value, str):
        return value
    if field.type == "multiselect":
        return []
    return None


def _fmt(n: float) -> str:
    """Render a bound without a useless ``.0``."""
    return str(int(n)) if isinstance(n, float) and n.is_integer() else str(n)


def _msg(template: str, **arguments: object) -> Translatable:
    """A message of the run form, translatable by the window and the CLI."""
    return translatable("InputValidation", template, **arguments)


def _check_length(field: InputField, text: str) -> str:
    if field.min is not None and len(text) < field.min:
        raise ValueError(translatable("InputValidation", "must be at least {count} character", count=field.min)
                         if field.min == 1 else
                         translatable("InputValidation", "must be at least {count} characters", count=field.min))
    if field.max is not None and len(text) > field.max:
        raise ValueError(translatable("InputValidation", "must be at most {count} character", count=field.max)
                         if field.max == 1 else
                         translatable("InputValidation", "must be at most {count} characters", count=field.max))
    return text


def _as_text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(_msg("must be text"))
    return value if isinstance(value, str) else str(value)


def _text(field: InputField, value: Any) -> str:
    return _check_length(field, _as_text(value))


def _email(field: InputField, value: Any) -> str:
    text = _as_text(value).strip()
    local, _, domain = text.partition("@")
    ok = (text.count("@") == 1 and local and "." in domain and not domain.startswith(".")
          and not domain.endswith(".") and ".." not in domain and not any(c.isspace() for c in text))
    if not ok:
        raise ValueError(_msg("not a valid email address"))
    return _check_length(field, text)


def _url(field: InputField, value: Any) -> str:
    text = _as_text(value).strip()
    try:
        parts = urlparse(text)
        host = parts.hostname
    except ValueError:
        host = None
    if any(c.isspace() for c in text) or not host or parts.scheme.lower() not in _URL_SCHEMES:
        raise ValueError(_msg("not a valid URL (it must start with http://, https:// or ftp:// and name a host)"))
    return _check_length(field, text)


def _parse_number(value: Any, message: Translatable) -> int | float:
    if isinstance(value, bool):
        raise ValueError(message)
    if isinstance(value, (int, float)):
        number: int | float = value
    elif isinstance(value, str):
        text = value.strip()
        try:
            number = int(text)
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                raise ValueError(message) from None
    else:
        raise ValueError(message)
    if isinstance(number, float) and not math.isfinite(number):
        raise ValueError(message)
    return number


def _check_range(field: InputField, number: int | float) -> int | float:
    if field.min is not None and number < field.min:
        raise ValueError(_msg("must be at least {bound}", bound=_fmt(field.min)))
    if field.max is not None and number > field.max:
        raise ValueError(_msg("must be at most {bound}", bound=_fmt(field.max)))
    return number


def _number(field: InputField, value: Any) -> int | float:
    return _check_range(field, _parse_number(value, _msg("must be a number")))


def _integer(field: InputField, value: Any) -> int:
    number = _parse_number(value, _msg("must be a whole number"))
    if isinstance(number, float):
        if not number.is_integer():
            raise ValueError(_msg("must be a whole number"))
        number = int(number)
    return int(_check_range(field, number))


def _checkbox(field: InputField, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise ValueError(_msg("must be true or false"))


def _option_key(value: Any) -> str:
    """Text form used to match submitted strings to option values of any type."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def _match_option(field: InputField, value: Any) -> Any:
    """The option value equal to ``value`` (``"5"`` matches option 5); raises ValueError otherwise."""
    for option_value in field.option_values:
        same_kind = isinstance(option_value, bool) == isinstance(value, bool)
        if same_kind and option_value == value:
            return option_value
    if isinstance(value, (str, int, float)):
        key = value.strip() if isinstance(value, str) else _option_key(value)
        for option_value in field.option_values:
            if _option_key(option_value) == key:
                return option_value
    raise ValueError(_msg("choose one of: {choices}", choices=", ".join(_option_key(v) for v in field.option_values)))


def _select(field: InputField, value: Any) -> Any:
    return _match_option(field, value)


def _multiselect(field: InputField, value: Any) -> list[Any]:
    items = value if isinstance(value, list) else [value]
    known = {_option_key(v) for v in field.option_values}
    chosen: list[Any] = []
    for item in items:
        # "a,b" is two choices unless the whole string is itself an option.
        parts = item.split(",") if isinstance(item, str) and item.strip() not in known else [item]
        for part in parts:
            if isinstance(part, str) and not part.strip():
                continue
            if isinstance(part, (list, dict)):
                raise ValueError(_msg("must be a list of choices"))
            try:
                matched = _match_option(field, part)
            except ValueError:
                raise ValueError(_msg("'{value}' is not one of the choices: {choices}", value=part,
                                      choices=", ".join(_option_key(v) for v in field.option_values))) from None
            if matched not in chosen:
                chosen.append(matched)
    if field.min is not None and len(chosen) < field.min:
        raise ValueError(translatable("InputValidation", "choose at least {count} option", count=field.min)
                         if field.min == 1 else
                         translatable("InputValidation", "choose at least {count} options", count=field.min))
    if field.max is not None and len(chosen) > field.max:
        raise ValueError(translatable("InputValidation", "choose at most {count} option", count=field.max)
                         if field.max == 1 else
                         translatable("InputValidation", "choose at most {count} options", count=field.max))
    return chosen


def _comparable(a: datetime, b: datetime) -> tuple[datetime, datetime]:
    """Naive and aware date-times cannot be compared; compare their wall-clock values instead."""
    if (a.tzinfo is None) != (b.tzinfo is None):
        return a.replace(tzinfo=None), b.replace(tzinfo=None)
    return a, b


def _date(field: InputField, value: Any) -> str:
    if isinstance(value, date) and not isinstance(value, datetime):
        parsed = value
    else:
        text = value.strip() if isinstance(value, str) else ""
        try:
            if not _DATE_RE.match(text):
                raise ValueError
            parsed = date.fromisoformat(text)
        except ValueError:
            raise ValueError(_msg("must be a date like 2024-12-31")) from None
    if field.min is not None and parsed < date.fromisoformat(field.min):
        raise ValueError(_msg("must be on or after {bound}", bound=field.min))
    if field.max is not None and parsed > date.fromisoformat(field.max):
        raise ValueError(_msg("must be on or before {bound}", bound=field.max))
    return parsed.isoformat()


def _datetime(field: InputField, value: Any) -> str:
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(value.strip() if isinstance(value, str) else "")
        except ValueError:
            raise ValueError(_msg("must be a date and time like 2024-12-31T09:30")) from None
    for bound, too_far, template in ((field.min, lambda a, b: a < b, "must be on or after {bound}"),
                                     (field.max, lambda a, b: a > b, "must be on or before {bound}")):
        if bound is not None and too_far(*_comparable(parsed, datetime.fromisoformat(bound))):
            raise ValueError(_msg(template, bound=bound))
    return parsed.isoformat()


def _json(field: InputField, value: Any) -> Any:
    # Nesting is bounded before json touches the value: its C code recurses and would raise
    # RecursionError (not ValueError) around 1,000 levels, and masking walks the value again later.
    if isinstance(value, str):
        try:
            return loads_limited(value)
        except JsonLimitError as exc:
            raise ValueError(exc.args[0] if exc.args else str(exc)) from None
        except json.JSONDecodeError as exc:
            raise ValueError(_msg("not valid JSON ({reason} at line {line} column {column})", reason=exc.msg, line=exc.lineno,
                                   column=exc.colno)) from None
    if data_too_deep(value):
        raise ValueError(too_deep_message())
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        raise ValueError(_msg("must be JSON data (object, list, text, number or true/false)")) from None
    return value


_COERCERS: dict[str, Callable[[InputField, Any], Any]] = {
    "text": _text, "textarea": _text, "password": _text, "email": _email, "url": _url,
    "number": _number, "integer": _integer, "checkbox": _checkbox, "select": _select,
    "multiselect": _multiselect, "date": _date, "datetime": _datetime, "json": _json,
}
